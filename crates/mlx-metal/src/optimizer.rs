//! Fused optimizer updates ([`MultiOp::Adam`], `shaders/optimizer.wgsl`):
//! one pass over a parameter, its moments and its gradient, writing the
//! three new arrays, with each step rounded to the dtype as the separate
//! ops round it (the CPU kernel's order, mlx-cpu's `optimizer.rs`).
//!
//! [`MultiOp::Adam`]: mlx_core::primitive::MultiOp::Adam

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, out_buffer, storage, view_params};
use crate::shader::{section, OPTIMIZER};
use crate::slots;
use half::{bf16, f16};
use mlx_core::primitive::OutSpec;
use mlx_core::{Dtype, Element, Result, Storage, View};

const OP: &str = "adam_update";

/// Storage buffers the kernel binds with bias correction: the parameter
/// words, four inputs, `step`, three outputs and `c2`.
const MAX_BINDINGS: u32 = 10;

/// The binding names and dtypes of the Adam kernel on `dtype`, in binding
/// order from 1 (`c2` last, when present).
pub(crate) fn bindings(dtype: Dtype, c2: bool) -> Vec<(&'static str, Dtype)> {
    let mut b: Vec<(&'static str, Dtype)> = ["prm", "m", "v", "g", "step", "po", "mo", "vo"]
        .into_iter()
        .map(|n| (n, dtype))
        .collect();
    if c2 {
        b.push(("c2", dtype));
    }
    b
}

/// The sections of the Adam kernel: `scaled_root` (with or without the
/// bias correction `c2`) and the loop.
pub(crate) fn sections(c2: bool) -> Result<[&'static str; 2]> {
    let missing =
        |name: &str| mlx_core::Error::internal(OP, format!("optimizer.wgsl has no section {name}"));
    let root = if c2 { "c2" } else { "no_c2" };
    Ok([
        section(OPTIMIZER, root).ok_or_else(|| missing(root))?,
        section(OPTIMIZER, "adam").ok_or_else(|| missing("adam"))?,
    ])
}

/// `x` rounded to `dtype` (a weak scalar becoming the arrays' dtype, as
/// in the composite), as an `f32`.
fn constant(x: f64, dtype: Dtype) -> f32 {
    match dtype {
        Dtype::Float16 => <f16 as Element>::from_f64_lossy(x).to_f32(),
        Dtype::Bfloat16 => <bf16 as Element>::from_f64_lossy(x).to_f32(),
        _ => <f32 as Element>::from_f64_lossy(x),
    }
}

/// The new `(p, m, v)` of one Adam step, or `None` where this kernel does
/// not serve (dtypes other than float32/float16/bfloat16, float16 without
/// SHADER_F16, strided parameters or state, too few storage bindings):
/// the core then runs the composite. `inputs` are `[p, m, v, g, step]` or
/// `[p, m, v, g, step, c2]` broadcast to the output shape (the scalars
/// with zero strides).
pub(crate) fn adam(
    gpu: &Gpu,
    inputs: &[View],
    outs: &[OutSpec],
    betas: [f64; 2],
    eps: f64,
) -> Result<Option<Vec<Storage>>> {
    let dtype = inputs[0].dtype;
    let served = matches!(dtype, Dtype::Float32 | Dtype::Bfloat16)
        || (dtype == Dtype::Float16 && gpu.caps.f16);
    if !served
        || !(5..=6).contains(&inputs.len())
        || outs.len() != 3
        || inputs.iter().any(|x| x.dtype != dtype)
        || outs
            .iter()
            .any(|o| o.dtype != dtype || o.shape != inputs[0].shape)
        || gpu.limits.max_storage_buffers_per_shader_stage < MAX_BINDINGS
    {
        return Ok(None);
    }
    let shape = outs[0].shape;
    let dense: Vec<(usize, &[isize])> = inputs[..4].iter().map(|x| (x.offset, x.strides)).collect();
    let (_, contig) = view_params(OP, shape, &dense)?;
    if !contig {
        return Ok(None);
    }
    let has_c2 = inputs.len() == 6;
    let word = |x: usize| {
        u32::try_from(x).map_err(|_| mlx_core::Error::Device {
            op: OP,
            msg: format!("index {x} does not fit the GPU's 32-bit indexing"),
        })
    };
    let n: usize = shape.iter().product();
    let [b1, b2] = betas;
    let mut params = vec![word(n)?];
    for x in &inputs[..5] {
        params.push(word(x.offset)?);
    }
    params.push(match inputs.get(5) {
        Some(c) => word(c.offset)?,
        None => 0,
    });
    for c in [b1, 1.0 - b1, b2, 1.0 - b2, eps] {
        params.push(constant(c, dtype).to_bits());
    }
    // p[12] = 0: ORed into every rounded step (`rnd`), so the compiler
    // cannot contract a product and a sum into one fma.
    params.push(0);
    let binds = bindings(dtype, has_c2);
    let secs = sections(has_c2)?;
    let key = format!("{OP}|{}|{has_c2}", dtype.short_name());
    let pipeline = gpu.pipeline(&key, || {
        crate::shader::compose(&binds, &[], OPTIMIZER, &secs)
    })?;
    let outs_b = [
        out_buffer(gpu, OP, outs[0])?,
        out_buffer(gpu, OP, outs[1])?,
        out_buffer(gpu, OP, outs[2])?,
    ];
    let mut bufs = Vec::with_capacity(9);
    for x in &inputs[..5] {
        bufs.push(buffer(OP, x)?);
    }
    bufs.extend(outs_b.iter());
    if let Some(c) = inputs.get(5) {
        bufs.push(buffer(OP, c)?);
    }
    let threads = if slots::packed(dtype) {
        n.div_ceil(2)
    } else {
        n
    };
    gpu.dispatch(&pipeline, &params, &bufs, grid(threads))?;
    let [po, mo, vo] = outs_b;
    Ok(Some(vec![
        storage(po, outs[0]),
        storage(mo, outs[1]),
        storage(vo, outs[2]),
    ]))
}
