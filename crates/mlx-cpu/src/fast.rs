//! Fused kernels ([`FastOp`]): one function per op, each running a whole
//! row in cache. Ops without a kernel here return `None`, and the core
//! evaluates their composite instead.
//!
//! `hadamard_transform` runs the butterflies of each `2^k` block in place,
//! then the `m x m` factor, then the scale: in `float32` (`float64` for
//! `float64`), `float16`/`bfloat16` widened and rounded once.

use crate::elementwise_walk::OutElem;
use crate::strided::{contiguous_owned, PAR_THRESHOLD};
use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};
use mlx_core::primitive::{FastOp, OutSpec};
use mlx_core::{Dtype, Error, HostData, Result, View};
use num_traits::Float;
use rayon::prelude::*;

/// The kernel for `op`, or `None` where this backend has none.
pub(crate) fn fast(op: &FastOp, inputs: &[View], out: OutSpec) -> Result<Option<HostData>> {
    match op {
        FastOp::Hadamard { scale } => hadamard(&inputs[0], *scale, out).map(Some),
        FastOp::Conv(p) => crate::conv::conv(p, &inputs[0], &inputs[1], out).map(Some),
        FastOp::ConvWeightGrad { params, .. } => {
            crate::conv::weight_grad(params, &inputs[0], &inputs[1], out).map(Some)
        }
        FastOp::MaskGrad { cmp } => crate::mask_grad::mask_grad(*cmp, inputs, out),
    }
}

const OP: &str = "hadamard_transform";

/// The plan for a row of length `m * p` (`p = 2^k`), in precision `F`.
struct Plan<F> {
    m: usize,
    p: usize,
    h: Option<Vec<F>>,
    scale: F,
}

impl<F: Float> Plan<F> {
    fn new(m: usize, k: usize, h: &Option<Vec<f32>>, scale: f32) -> Plan<F> {
        let cast = |v: f32| F::from(v).unwrap_or_else(F::nan);
        Plan {
            m,
            p: 1 << k,
            h: h.as_ref().map(|h| h.iter().map(|&v| cast(v)).collect()),
            scale: cast(scale),
        }
    }
}

fn hadamard(v: &View, scale: f32, out: OutSpec) -> Result<HostData> {
    let n = v.shape.last().copied().unwrap_or(1);
    let (m, k, h) =
        FastOp::hadamard_plan(n).ok_or_else(|| Error::internal(OP, "unchecked length"))?;
    let p32 = Plan::<f32>::new(m, k, &h, scale);
    match v.dtype {
        Dtype::Float32 => rows::<f32>(v, n, &|r| transform(r, &p32)),
        Dtype::Float64 => {
            let p64 = Plan::<f64>::new(m, k, &h, scale);
            rows::<f64>(v, n, &|r| transform(r, &p64))
        }
        Dtype::Float16 => rows::<f16>(v, n, &|r| widened(r, &p32)),
        Dtype::Bfloat16 => rows::<bf16>(v, n, &|r| widened(r, &p32)),
        Dtype::Bool
        | Dtype::Uint8
        | Dtype::Uint16
        | Dtype::Uint32
        | Dtype::Uint64
        | Dtype::Int8
        | Dtype::Int16
        | Dtype::Int32
        | Dtype::Int64
        | Dtype::Complex64 => Err(Error::dtype(
            OP,
            out.dtype,
            "the cpu kernel takes floating point input",
        )),
    }
}

/// Copy `v` to a dense output and transform each last-axis row of it in
/// place, in parallel when large.
fn rows<T: OutElem>(v: &View, n: usize, f: &(dyn Fn(&mut [T]) + Sync)) -> Result<HostData> {
    // One owned dense copy, transformed in place (no zeroed buffer first).
    let mut out = contiguous_owned::<T>(OP, v)?;
    if n > 0 && !out.is_empty() {
        let chunk = (PAR_THRESHOLD / n).max(1) * n;
        let block = |b: &mut [T]| b.chunks_exact_mut(n).for_each(f);
        if out.len() >= PAR_THRESHOLD {
            out.par_chunks_mut(chunk).for_each(block);
        } else {
            out.chunks_mut(chunk).for_each(block);
        }
    }
    Ok(T::into_host(out))
}

/// A half-precision row through `float32`, rounded once.
fn widened<T>(row: &mut [T], plan: &Plan<f32>)
where
    [T]: HalfFloatSliceExt,
{
    let mut w = vec![0f32; row.len()];
    row.convert_to_f32_slice(&mut w);
    transform(&mut w, plan);
    row.convert_from_f32_slice(&w);
}

/// One row: butterflies within each of the `m` blocks of `p`, then
/// `y[a, b] = sum_a' H[a', a] x[a', b]` across blocks, then the scale.
fn transform<F: Float>(row: &mut [F], plan: &Plan<F>) {
    let (m, p) = (plan.m, plan.p);
    for block in row.chunks_exact_mut(p) {
        let mut h = 1;
        while h < p {
            for pair in block.chunks_exact_mut(2 * h) {
                let (lo, hi) = pair.split_at_mut(h);
                for (x, y) in lo.iter_mut().zip(hi.iter_mut()) {
                    let (a, b) = (*x, *y);
                    *x = a + b;
                    *y = a - b;
                }
            }
            h *= 2;
        }
    }
    if let Some(hm) = &plan.h {
        let mut col = vec![F::zero(); m];
        for b in 0..p {
            for (a, c) in col.iter_mut().enumerate() {
                *c = (0..m).fold(F::zero(), |s, a2| s + hm[a2 * m + a] * row[a2 * p + b]);
            }
            for (a, c) in col.iter().enumerate() {
                row[a * p + b] = *c;
            }
        }
    }
    row.iter_mut().for_each(|v| *v = *v * plan.scale);
}
