//! Derivative rules of the gathers (`take`, `take_along_axis`) and of
//! `matmul`. Gradients scatter through one-hot products, built from ops.

use crate::ops::{arange_f64, equal, expand_dims, matmul, reshape, sum_axis, where_};
use crate::{Array, Dtype, Result};

/// Indices with negative entries wrapped by `n`.
pub(crate) fn wrapped(idx: &Array, n: usize) -> Result<Array> {
    if !idx.dtype().is_signed_integer() {
        return Ok(idx.clone());
    }
    let neg = crate::ops::less(idx, &crate::ops::zeros(&[], idx.dtype())?)?;
    where_(&neg, &(idx + n as i64)?, idx)
}

fn positions(n: usize) -> Result<Array> {
    arange_f64(0.0, n as f64, 1.0, Dtype::Int64)
}

/// Cotangent of `take(a, idx, axis)`'s `a`: `g` summed into the rows the
/// indices picked.
pub(crate) fn gather_vjp(a: &Array, idx: &Array, axis: usize, g: &Array) -> Result<Array> {
    let n = a.shape()[axis];
    let p: usize = a.shape()[..axis].iter().product();
    let q: usize = a.shape()[axis + 1..].iter().product();
    let k = idx.size();
    let onehot = equal(&reshape(&wrapped(idx, n)?, &[k as i64, 1])?, &positions(n)?)?;
    let onehot_t = onehot.as_type(g.dtype())?.transpose(None)?;
    let g3 = reshape(g, &[p as i64, k as i64, q as i64])?;
    let dims: Vec<i64> = a.shape().iter().map(|&d| d as i64).collect();
    reshape(&matmul(&onehot_t, &g3)?, &dims)
}

/// Cotangent of `take_along_axis(a, idx, axis)`'s `a` (`a` and `idx` are
/// already broadcast to agree off `axis`).
pub(crate) fn gather_axis_vjp(a: &Array, idx: &Array, axis: usize, g: &Array) -> Result<Array> {
    let n = a.shape()[axis];
    let mut pos_shape = vec![1i64; idx.ndim() + 1];
    pos_shape[axis + 1] = n as i64;
    let pos = reshape(&positions(n)?, &pos_shape)?;
    let wide = expand_dims(&wrapped(idx, n)?, &[axis as i64 + 1])?;
    let onehot = equal(&wide, &pos)?.as_type(g.dtype())?;
    let spread = (onehot * expand_dims(g, &[axis as i64 + 1])?)?;
    sum_axis(&spread, axis as i64, false)
}

/// Cotangents of `matmul`'s `[.., M, K]` and `[.., K, N]` inputs.
pub(crate) fn matmul_vjp(a: &Array, b: &Array, g: &Array) -> Result<[Array; 2]> {
    let da = matmul(g, &b.swapaxes(-1, -2)?)?;
    let db = matmul(&a.swapaxes(-1, -2)?, g)?;
    Ok([da, db])
}

/// Tangent of `matmul` given the inputs' tangents.
pub(crate) fn matmul_jvp(a: &Array, b: &Array, t: [Option<&Array>; 2]) -> Result<Option<Array>> {
    let ta = t[0].map(|ta| matmul(ta, b)).transpose()?;
    let tb = t[1].map(|tb| matmul(a, tb)).transpose()?;
    Ok(match (ta, tb) {
        (Some(x), Some(y)) => Some((x + y)?),
        (x, y) => x.or(y),
    })
}
