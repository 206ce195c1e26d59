//! What the elementwise families (copy, unary, binary, select) share:
//! strided-view parameters with collapsed dimensions, and one launcher.

use crate::context::{grid, Gpu};
use crate::pool::GpuBuffer;
use crate::shader;
use crate::slots;
use mlx_core::primitive::OutSpec;
use mlx_core::{Dtype, Error, Result, Storage, View};

/// The GPU buffer behind a view.
pub(crate) fn buffer<'a>(op: &'static str, v: &View<'a>) -> Result<&'a GpuBuffer> {
    v.storage
        .downcast_ref::<GpuBuffer>()
        .ok_or_else(|| Error::Device {
            op,
            msg: format!("input lives on {}, not on the GPU", v.storage.device()),
        })
}

/// Wrap an output buffer as core storage.
pub(crate) fn storage(buf: GpuBuffer, out: OutSpec) -> Storage {
    let n = buf.len as usize;
    let _ = out;
    let device = buf.device();
    Storage::new(buf, device, n)
}

/// A fresh buffer for `out`.
pub(crate) fn out_buffer(gpu: &Gpu, op: &'static str, out: OutSpec) -> Result<GpuBuffer> {
    slots::check(op, out.dtype, gpu.caps)?;
    gpu.alloc(op, (out.numel() * slots::slot_size(out.dtype)) as u64)
}

pub(crate) use mlx_core::shape::collapse_dims as collapse;

/// Parameter words `[numel, ndim, shape.., (offset, strides..) per view]`
/// and whether every view is row-major from its offset.
pub(crate) fn view_params(
    op: &'static str,
    shape: &[usize],
    views: &[(usize, &[isize])],
) -> Result<(Vec<u32>, bool)> {
    let strides: Vec<&[isize]> = views.iter().map(|v| v.1).collect();
    let (dims, st) = collapse(shape, &strides);
    let numel: usize = shape.iter().product();
    let word = |x: usize| {
        u32::try_from(x).map_err(|_| Error::Device {
            op,
            msg: format!("index {x} does not fit the GPU's 32-bit indexing"),
        })
    };
    let mut p = vec![word(numel)?, dims.len() as u32];
    for &d in &dims {
        p.push(word(d)?);
    }
    let mut contig = true;
    for (k, (offset, _)) in views.iter().enumerate() {
        p.push(word(*offset)?);
        for &s in &st[k] {
            let s32 = i32::try_from(s).map_err(|_| Error::Device {
                op,
                msg: format!("stride {s} does not fit the GPU's 32-bit indexing"),
            })?;
            p.push(s32 as u32);
        }
        contig &= dims.len() <= 1 && st[k].iter().all(|&s| s == 1);
    }
    Ok((p, contig))
}

/// Elements per thread of the row-major (`CONTIG`) elementwise kernels.
pub(crate) const CONTIG_EPT: usize = 4;

/// One elementwise kernel of `family` over `inputs` (all of `out.shape`,
/// bound as `names[..n]`), writing `out` (bound as `out`). `sections` are
/// appended to the shared text.
pub(crate) fn launch(
    gpu: &Gpu,
    op: &'static str,
    family: &str,
    names: &[&str],
    inputs: &[&View],
    sections: &[&str],
    out: OutSpec,
) -> Result<Storage> {
    for v in inputs {
        slots::check(op, v.dtype, gpu.caps)?;
    }
    let ob = out_buffer(gpu, op, out)?;
    let views: Vec<(usize, &[isize])> = inputs.iter().map(|v| (v.offset, v.strides)).collect();
    let (params, contig) = view_params(op, out.shape, &views)?;
    let mut bindings: Vec<(&str, Dtype)> = names
        .iter()
        .zip(inputs)
        .map(|(n, v)| (*n, v.dtype))
        .collect();
    bindings.push(("out", out.dtype));
    let key = format!(
        "{op}|{}|{}|{contig}",
        bindings
            .iter()
            .map(|(n, d)| format!("{n}:{}", d.short_name()))
            .collect::<Vec<_>>()
            .join(","),
        sections.len()
    );
    let pipeline = gpu.pipeline(&key, || {
        shader::compose(
            &bindings,
            &[("CONTIG", contig.to_string())],
            family,
            sections,
        )
    })?;
    let mut bufs = Vec::with_capacity(inputs.len() + 1);
    for v in inputs {
        bufs.push(buffer(op, v)?);
    }
    bufs.push(&ob);
    let threads = if contig {
        out.numel().div_ceil(CONTIG_EPT)
    } else {
        out.numel()
    };
    gpu.dispatch(&pipeline, &params, &bufs, grid(threads))?;
    Ok(storage(ob, out))
}
