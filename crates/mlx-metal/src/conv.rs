//! The convolution kernel ([`FastOp::Conv`](mlx_core::primitive::FastOp))
//! (`shaders/conv.wgsl`): an implicit GEMM with 64 x 64 output tiles, the
//! windows read straight from the input through its strides (no im2col
//! buffer), accumulated in f32. It declines (`None`, so the composite
//! runs) for dtypes the adapter lacks, and where an index would leave
//! 32 bits or the output would exceed a binding.

use crate::context::Gpu;
use crate::elementwise::{buffer, out_buffer, storage};
use crate::reduce::groups_grid;
use crate::shader::{compose, CONV};
use crate::slots;
use mlx_core::primitive::{ConvParams, OutSpec};
use mlx_core::{Dtype, Result, Storage, View};

const OP: &str = "conv";

/// Output tile of one workgroup (`BM` x `BN` in the shader).
const TILE: usize = 64;

/// The WGSL of the convolution kernel for `dtype`.
pub(crate) fn conv_source(dtype: Dtype) -> String {
    compose(
        &[("x", dtype), ("w", dtype), ("out", dtype)],
        &[],
        CONV,
        &[],
    )
}

/// The kernel's parameter words for `p` and the operands' geometry
/// (spatial axes padded to three at the front), or `None` where a value
/// does not fit the kernel's 32-bit words.
pub(crate) fn params(p: &ConvParams, x: &View, w: &View, out: &OutSpec) -> Option<Vec<u32>> {
    let d = p.spatial();
    if d == 0 || d > 3 || x.shape.len() != d + 2 || w.shape.len() != d + 2 {
        return None;
    }
    let u = |v: usize| u32::try_from(v).ok();
    let s = |v: i64| i32::try_from(v).ok().map(|v| v as u32);
    let pad = 3 - d;
    let axis = |vals: &dyn Fn(usize) -> Option<u32>, fill: u32| -> Option<Vec<u32>> {
        let mut v = vec![fill; pad];
        for i in 0..d {
            v.push(vals(i)?);
        }
        Some(v)
    };
    let (cout, cg) = (w.shape[0], w.shape[d + 1]);
    let og = cout / p.groups.max(1);
    let taps: usize = w.shape[1..=d].iter().product();
    let rows = out.numel() / cout.max(1);
    let mut words = vec![
        u(rows)?,
        u(og)?,
        u(cg)?,
        u(cout)?,
        u(taps)?,
        u(rows.div_ceil(TILE))?,
        u(og.div_ceil(TILE))?,
        u32::from(p.flip),
    ];
    words.extend(axis(&|i| u(out.shape[1 + i]), 1)?);
    words.extend(axis(&|i| u(w.shape[1 + i]), 1)?);
    words.extend(axis(&|i| u(x.shape[1 + i]), 1)?);
    words.extend(axis(&|i| u(p.stride[i]), 1)?);
    words.extend(axis(&|i| s(p.padding_lo[i]), 0)?);
    words.extend(axis(&|i| u(p.kernel_dilation[i]), 1)?);
    words.extend(axis(&|i| u(p.input_dilation[i]), 1)?);
    words.extend(axis(
        &|i| {
            let n = x.shape[1 + i];
            if n == 0 {
                Some(0)
            } else {
                u((n - 1).checked_mul(p.input_dilation[i])? + 1)
            }
        },
        1,
    )?);
    // Strides padded with 0 for the missing axes (their index is 0).
    for v in [x, w] {
        let st = |i: usize| s(v.strides[i] as i64);
        words.push(st(0)?);
        words.extend(std::iter::repeat_n(0, pad));
        for i in 1..=d {
            words.push(st(i)?);
        }
        words.push(st(d + 1)?);
        words.push(s(i64::try_from(v.offset).ok()?)?);
    }
    // Window positions and output indices must stay in 32 bits.
    for i in 0..d {
        let reach = (out.shape[1 + i] as i128) * p.stride[i] as i128
            + (w.shape[1 + i] as i128) * p.kernel_dilation[i] as i128
            + p.padding_lo[i].unsigned_abs() as i128;
        if reach > i32::MAX as i128 {
            return None;
        }
    }
    if out.numel() > i32::MAX as usize {
        return None;
    }
    Some(words)
}

/// The convolution of `x` and `w`, or `None` where this kernel does not
/// take them.
pub(crate) fn conv(
    gpu: &Gpu,
    p: &ConvParams,
    x: &View,
    w: &View,
    out: OutSpec,
) -> Result<Option<Storage>> {
    let dt = out.dtype;
    // Empty operands (nothing to bind) go to the composite.
    if x.numel() == 0
        || w.numel() == 0
        || !slots::is_float(dt)
        || x.dtype != dt
        || w.dtype != dt
        || slots::check(OP, dt, gpu.caps).is_err()
    {
        return Ok(None);
    }
    let limit = gpu
        .limits
        .max_storage_buffer_binding_size
        .min(gpu.limits.max_buffer_size);
    if (out.numel() * slots::slot_size(dt)) as u64 > limit {
        return Ok(None);
    }
    let Some(words) = params(p, x, w, &out) else {
        return Ok(None);
    };
    let ob = out_buffer(gpu, OP, out)?;
    if out.numel() == 0 {
        return Ok(Some(storage(ob, out)));
    }
    // An empty reduction leaves the accumulators at zero: zeros out.
    let tiles = (words[5] as usize) * (words[6] as usize) * p.groups;
    let key = format!("{OP}|{}", dt.short_name());
    let pipeline = gpu.pipeline(&key, || conv_source(dt))?;
    gpu.dispatch(
        &pipeline,
        &words,
        &[buffer(OP, x)?, buffer(OP, w)?, &ob],
        groups_grid(tiles),
    )?;
    Ok(Some(storage(ob, out)))
}
