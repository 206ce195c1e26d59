//! `take` and `take_along_axis` (`shaders/indexing.wgsl`). An
//! out-of-bounds index writes 0 and raises a flag on the GPU; the flag is
//! checked when the eval that recorded the gather is flushed, so the error
//! surfaces from `eval` as on the CPU.

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, out_buffer, storage};
use crate::shader::{compose, INDEXING};
use crate::slots;
use mlx_core::primitive::OutSpec;
use mlx_core::{Error, Result, Storage, View};

fn word(op: &'static str, x: usize) -> Result<u32> {
    u32::try_from(x).map_err(|_| Error::Device {
        op,
        msg: format!("index {x} does not fit the GPU's 32-bit indexing"),
    })
}

/// Push a `[nd, shape, offset, strides]` segment.
fn segment(
    op: &'static str,
    p: &mut Vec<u32>,
    shape: &[usize],
    offset: usize,
    strides: &[isize],
) -> Result<()> {
    p.push(shape.len() as u32);
    for &d in shape {
        p.push(word(op, d)?);
    }
    p.push(word(op, offset)?);
    for &s in strides {
        let s = i32::try_from(s).map_err(|_| Error::Device {
            op,
            msg: format!("stride {s} does not fit the GPU's 32-bit indexing"),
        })?;
        p.push(s as u32);
    }
    Ok(())
}

fn run(
    gpu: &Gpu,
    op: &'static str,
    along: bool,
    input: &View,
    indices: &View,
    axis: usize,
    out: OutSpec,
) -> Result<Storage> {
    slots::check(op, input.dtype, gpu.caps)?;
    slots::check(op, indices.dtype, gpu.caps)?;
    let ob = out_buffer(gpu, op, out)?;
    let numel = out.numel();
    if numel == 0 {
        return Ok(storage(ob, out));
    }
    let post: usize = input.shape[axis + 1..].iter().product();
    let idx_n = if along {
        indices.shape[axis]
    } else {
        indices.numel()
    };
    let mut p = vec![
        word(op, numel)?,
        word(op, input.shape[axis])?,
        word(op, input.offset)?,
        i32::try_from(input.strides[axis]).unwrap_or(i32::MAX) as u32,
        word(op, post)?,
        word(op, idx_n)?,
    ];
    segment(op, &mut p, &input.shape[..axis], 0, &input.strides[..axis])?;
    segment(
        op,
        &mut p,
        &input.shape[axis + 1..],
        0,
        &input.strides[axis + 1..],
    )?;
    segment(op, &mut p, indices.shape, indices.offset, indices.strides)?;
    let key = format!(
        "{op}|{}|{}",
        input.dtype.short_name(),
        indices.dtype.short_name()
    );
    let pipeline = gpu.pipeline(&key, || {
        compose(
            &[
                ("a", input.dtype),
                ("idx", indices.dtype),
                ("out", out.dtype),
            ],
            &[("ALONG", along.to_string())],
            INDEXING,
            &[],
        )
    })?;
    let flag = gpu.oob_flag(op);
    gpu.dispatch(
        &pipeline,
        &p,
        &[buffer(op, input)?, buffer(op, indices)?, &ob, &flag],
        grid(numel),
    )?;
    Ok(storage(ob, out))
}

/// `take` along `axis`.
pub(crate) fn gather(
    gpu: &Gpu,
    input: &View,
    indices: &View,
    axis: usize,
    out: OutSpec,
) -> Result<Storage> {
    run(gpu, "take", false, input, indices, axis, out)
}

/// `take_along_axis`.
pub(crate) fn gather_axis(
    gpu: &Gpu,
    input: &View,
    indices: &View,
    axis: usize,
    out: OutSpec,
) -> Result<Storage> {
    run(gpu, "take_along_axis", true, input, indices, axis, out)
}
