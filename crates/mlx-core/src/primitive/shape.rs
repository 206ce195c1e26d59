//! Derivative rules of the shape primitives: views (`reshape`,
//! `transpose`, `broadcast_to`, slices), `concatenate`, `copy`, `astype`.

use super::binary::unbroadcast;
use super::vmap_rules::{Batch, Mapped};
use super::Primitive;
use crate::ops::{concatenate, expand_dims, index, reshape, zeros, SliceArg};
use crate::{Array, Result};

fn dims(shape: &[usize]) -> Vec<i64> {
    shape.iter().map(|&d| d as i64).collect()
}

/// The inverse of permutation `perm`.
pub(crate) fn inverse_perm(perm: &[usize]) -> Vec<i64> {
    let mut inv = vec![0i64; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i as i64;
    }
    inv
}

/// `astype`: the cotangent cast back, or none for non-float inputs.
pub(crate) fn astype_vjp(x: &Array, g: &Array) -> Result<Option<Array>> {
    if !x.dtype().is_inexact() || !g.dtype().is_inexact() {
        return Ok(None);
    }
    g.as_type(x.dtype()).map(Some)
}

/// `astype`: the tangent cast forward, or none for non-float outputs.
pub(crate) fn astype_jvp(out: &Array, t: &Array) -> Result<Option<Array>> {
    if !out.dtype().is_inexact() {
        return Ok(None);
    }
    t.as_type(out.dtype()).map(Some)
}

/// Cotangent of a view's input.
pub(crate) fn view_vjp(p: &Primitive, x: &Array, g: &Array) -> Result<Array> {
    match p {
        Primitive::Reshape => reshape(g, &dims(x.shape())),
        Primitive::Transpose { perm } => g.transpose(&inverse_perm(perm)),
        Primitive::Broadcast => unbroadcast(g, x.shape()),
        Primitive::Slice { start, step } => {
            let mut acc = g.clone();
            for ax in 0..x.ndim() {
                acc = scatter_strided(&acc, ax, start[ax], step[ax], x.shape()[ax])?;
            }
            Ok(acc)
        }
        Primitive::AsStrided { strides, offset } => {
            // Add every output cotangent at the flat position it read.
            let pos = crate::ops::strided_positions(g.shape(), strides, *offset)?;
            let pos = reshape(&pos, &[-1])?;
            let flat_g = reshape(g, &[-1, 1])?;
            let acc = zeros(&[x.size()], g.dtype())?;
            let acc = crate::ops::scatter_add(&acc, &[pos], &flat_g, &[0])?;
            reshape(&acc, &dims(x.shape()))
        }
        other => Err(crate::Error::internal(
            "vjp",
            format!("{} is not a view", other.name()),
        )),
    }
}

/// Tangent of a view's output: the same view of the tangent.
pub(crate) fn view_jvp(p: &Primitive, out: &Array, t: &Array) -> Result<Array> {
    Array::from_op(p.clone(), vec![t.clone()], out.shape().to_vec(), t.dtype())
}

/// `vmap` of a view (and of `view` to another dtype): the view of the
/// input batched at axis 0, its axes shifted by one.
pub(super) fn view_vmap(p: &Primitive, v: &Batch) -> Mapped {
    match p {
        Primitive::Bitcast | Primitive::Reshape => v.shifted(p.clone()),
        Primitive::Transpose { perm } => {
            let mut q = vec![0];
            q.extend(perm.iter().map(|a| a + 1));
            v.shifted(Primitive::Transpose { perm: q })
        }
        Primitive::Broadcast => {
            let x = v.batched(0)?;
            let mut s = vec![v.size as i64];
            s.extend(std::iter::repeat_n(1, v.out.ndim() + 1 - x.ndim()));
            s.extend(x.shape()[1..].iter().map(|&d| d as i64));
            let y = crate::ops::broadcast_to(&reshape(&x, &s)?, &v.with_batch(v.out.shape()))?;
            Ok((y, Some(0)))
        }
        Primitive::Slice { start, step } => {
            let mut st = vec![0];
            st.extend_from_slice(start);
            let mut sp = vec![1];
            sp.extend_from_slice(step);
            v.shifted(Primitive::Slice {
                start: st,
                step: sp,
            })
        }
        Primitive::AsStrided { strides, offset } => {
            // Each batch entry is one row-major block of the input.
            let per = i64::try_from(v.inputs[0].size() / v.size.max(1))
                .map_err(|_| crate::Error::overflow("as_strided", "batch block too large"))?;
            let mut st = vec![per];
            st.extend_from_slice(strides);
            v.shifted(Primitive::AsStrided {
                strides: st,
                offset: *offset,
            })
        }
        other => Err(crate::Error::internal(
            "vmap",
            format!("{} is not a view", other.name()),
        )),
    }
}

/// Place `g` (the slice `start::step` of an axis of length `len`) into
/// zeros along `axis`: the transpose of a strided slice of one axis.
fn scatter_strided(g: &Array, axis: usize, start: usize, step: i64, len: usize) -> Result<Array> {
    let n = g.shape()[axis];
    if n == len && step == 1 {
        return Ok(g.clone());
    }
    let zeros_len = |k: usize| {
        let mut s = g.shape().to_vec();
        s[axis] = k;
        zeros(&s, g.dtype())
    };
    if n == 0 {
        return zeros_len(len);
    }
    let (mut g, first) = if step < 0 {
        let mut args = vec![SliceArg::full(); g.ndim()];
        args[axis] = SliceArg::range(None, None, -1);
        let lo = start as i64 + (n as i64 - 1) * step;
        (index(g, &args)?, lo as usize)
    } else {
        (g.clone(), start)
    };
    let s = step.unsigned_abs() as usize;
    if s > 1 {
        // Interleave s - 1 zeros after each element, then drop the tail.
        let e = expand_dims(&g, &[axis as i64 + 1])?;
        let mut zs = e.shape().to_vec();
        zs[axis + 1] = s - 1;
        let z = zeros(&zs, g.dtype())?;
        let joined = concatenate(&[&e, &z], axis as i64 + 1)?;
        let mut merged = dims(g.shape());
        merged[axis] = (n * s) as i64;
        let flat = reshape(&joined, &merged)?;
        let mut args = vec![SliceArg::full(); g.ndim()];
        args[axis] = SliceArg::range(Some(0), Some(((n - 1) * s + 1) as i64), 1);
        g = index(&flat, &args)?;
    }
    let used = g.shape()[axis];
    let mut parts = Vec::new();
    if first > 0 {
        parts.push(zeros_len(first)?);
    }
    parts.push(g);
    if len > first + used {
        parts.push(zeros_len(len - first - used)?);
    }
    let refs: Vec<&Array> = parts.iter().collect();
    concatenate(&refs, axis as i64)
}

/// Cotangents of `concatenate`'s inputs: slices of `g` along `axis`.
pub(crate) fn concatenate_vjp(
    inputs: &[Array],
    axis: usize,
    g: &Array,
) -> Result<Vec<Option<Array>>> {
    let mut off = 0i64;
    let mut out = Vec::with_capacity(inputs.len());
    for x in inputs {
        let k = x.shape()[axis] as i64;
        let mut args = vec![SliceArg::full(); g.ndim()];
        args[axis] = SliceArg::range(Some(off), Some(off + k), 1);
        out.push(Some(index(g, &args)?));
        off += k;
    }
    Ok(out)
}

/// Tangent of `concatenate`: the tangents joined (zeros where missing).
pub(crate) fn concatenate_jvp(inputs: &[Array], axis: usize, t: &[Option<Array>]) -> Result<Array> {
    let parts = inputs
        .iter()
        .zip(t)
        .map(|(x, t)| match t {
            Some(t) => Ok(t.clone()),
            None => crate::ops::zeros_like(x),
        })
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&Array> = parts.iter().collect();
    concatenate(&refs, axis as i64)
}
