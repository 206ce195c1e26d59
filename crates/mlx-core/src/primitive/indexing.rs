//! Derivative rules of the gathers (`take`, `take_along_axis`): their
//! gradients are `scatter_add`s of the cotangent.

use crate::ops::{arange_f64, broadcast_to, reshape, scatter_add, where_, zeros};
use crate::{Array, Dtype, Result};

/// Indices with negative entries wrapped by `n`.
pub(crate) fn wrapped(idx: &Array, n: usize) -> Result<Array> {
    if !idx.dtype().is_signed_integer() {
        return Ok(idx.clone());
    }
    let neg = crate::ops::less(idx, &crate::ops::zeros((), idx.dtype())?)?;
    where_(&neg, &(idx + n as i64)?, idx)
}

/// Cotangent of `take(a, idx, axis)`'s `a`: `g` summed into the rows the
/// indices picked (a `scatter_add`, as MLX).
pub(crate) fn gather_vjp(a: &Array, idx: &Array, axis: usize, g: &Array) -> Result<Array> {
    let ni = idx.ndim();
    // g is [pre, I, post]: index dims first, then a's shape with 1 on axis.
    let mut perm: Vec<i64> = (axis..axis + ni).map(|d| d as i64).collect();
    perm.extend((0..axis).map(|d| d as i64));
    perm.extend((axis + ni..g.ndim()).map(|d| d as i64));
    let mut up: Vec<i64> = idx.shape().iter().map(|&d| d as i64).collect();
    up.extend(a.shape().iter().map(|&d| d as i64));
    up[ni + axis] = 1;
    let upd = reshape(&g.transpose(&perm)?, &up)?;
    let zero = zeros(a.shape(), g.dtype())?;
    scatter_add(&zero, std::slice::from_ref(idx), &upd, &[axis as i64])
}

/// Cotangent of `take_along_axis(a, idx, axis)`'s `a` (`a` and `idx` are
/// already broadcast to agree off `axis`): a `scatter_add` along the axis.
pub(crate) fn gather_axis_vjp(a: &Array, idx: &Array, axis: usize, g: &Array) -> Result<Array> {
    let nd = idx.ndim();
    let shape = idx.shape();
    let mut all = Vec::with_capacity(nd);
    for d in 0..nd {
        if d == axis {
            all.push(idx.clone());
        } else {
            let mut s = vec![1i64; nd];
            s[d] = shape[d] as i64;
            let r = reshape(&arange_f64(0.0, shape[d] as f64, 1.0, Dtype::Int32)?, &s)?;
            all.push(broadcast_to(&r, shape)?);
        }
    }
    let mut up: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    up.extend(std::iter::repeat_n(1, nd));
    let axes: Vec<i64> = (0..nd as i64).collect();
    let zero = zeros(a.shape(), g.dtype())?;
    scatter_add(&zero, &all, &reshape(g, &up)?, &axes)
}
