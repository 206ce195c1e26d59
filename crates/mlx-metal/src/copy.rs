//! Strided copies with casts: `copy`, `astype`, `concatenate`, and the
//! row-major staging copy before a download.

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, out_buffer, storage, view_params};
use crate::pool::GpuBuffer;
use crate::shader;
use crate::slots;
use mlx_core::primitive::OutSpec;
use mlx_core::shape::row_major_strides;
use mlx_core::{Dtype, Result, Storage, View};

/// Copy `input` into the view (`dst_offset`, `dst_strides`) of `dst`,
/// casting to `dst_dtype`.
pub(crate) fn copy_into(
    gpu: &Gpu,
    op: &'static str,
    input: &View,
    dst: &GpuBuffer,
    dst_offset: usize,
    dst_strides: &[isize],
    dst_dtype: Dtype,
) -> Result<()> {
    slots::check(op, input.dtype, gpu.caps)?;
    slots::check(op, dst_dtype, gpu.caps)?;
    let (params, _) = view_params(
        op,
        input.shape,
        &[(input.offset, input.strides), (dst_offset, dst_strides)],
    )?;
    // Contiguity of each side separately.
    let (_, a_contig) = view_params(op, input.shape, &[(input.offset, input.strides)])?;
    let (_, o_contig) = view_params(op, input.shape, &[(dst_offset, dst_strides)])?;
    let (from, to) = (input.dtype, dst_dtype);
    // Packed outputs from an even offset: whole words, one per thread.
    let pairs = slots::packed(to) && a_contig && o_contig && dst_offset % 2 == 0;
    let key = format!(
        "copy|{}>{}|{a_contig}{o_contig}{pairs}",
        from.short_name(),
        to.short_name()
    );
    let pipeline = gpu.pipeline(&key, || {
        let cast = format!(
            "fn convert(x: C_a) -> C_out {{ return {}; }}\n",
            slots::cast_expr("x", from, to)
        );
        shader::compose(
            &[("a", from), ("out", to)],
            &[
                ("CONTIG", a_contig.to_string()),
                ("OUT_CONTIG", o_contig.to_string()),
                ("PAIRS", pairs.to_string()),
            ],
            shader::COPY,
            &[&cast],
        )
    })?;
    let src = buffer(op, input)?;
    let threads = if pairs {
        input.numel().div_ceil(2)
    } else {
        input.numel()
    };
    gpu.dispatch(&pipeline, &params, &[src, dst], grid(threads))
}

/// Row-major copy of `input` as `out.dtype`.
pub(crate) fn copy(gpu: &Gpu, op: &'static str, input: &View, out: OutSpec) -> Result<Storage> {
    let ob = out_buffer(gpu, op, out)?;
    let strides = row_major_strides(out.shape);
    copy_into(gpu, op, input, &ob, 0, &strides, out.dtype)?;
    Ok(storage(ob, out))
}

/// Join `inputs` along `axis` into a new row-major array.
pub(crate) fn concatenate(
    gpu: &Gpu,
    inputs: &[View],
    axis: usize,
    out: OutSpec,
) -> Result<Storage> {
    let ob = out_buffer(gpu, "concatenate", out)?;
    let strides = row_major_strides(out.shape);
    let mut start = 0usize;
    for v in inputs {
        let offset = start * strides.get(axis).copied().unwrap_or(0) as usize;
        copy_into(gpu, "concatenate", v, &ob, offset, &strides, out.dtype)?;
        start += v.shape[axis];
    }
    Ok(storage(ob, out))
}
