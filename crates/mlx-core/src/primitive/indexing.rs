//! Derivative rules of the gathers (`take`, `take_along_axis`): their
//! gradients are `scatter_add`s of the cotangent.

use super::vmap_rules::{Batch, Mapped};
use super::Primitive;
use crate::ops::{arange_f64, broadcast_to, moveaxis, reshape, scatter_add, take, where_, zeros};
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

/// `take(a, idx, axis)` under `vmap`, with a batch axis on `a`, `idx` or
/// both.
pub(super) fn gather_vmap(axis: usize, v: &Batch) -> Mapped {
    let (a, idx) = (&v.inputs[0], &v.inputs[1]);
    let b = v.size;
    match (v.front(0)?, v.front(1)?) {
        (Some(a), None) => v.node(Primitive::Gather { axis: axis + 1 }, vec![a, idx.clone()]),
        (None, Some(i)) => Ok((take(a, &i, axis as i64)?, Some(axis))),
        (Some(a), Some(i)) => {
            // Fold the batch into the gathered axis: row (k, j) is k * n + j.
            let n = a.shape()[axis + 1];
            let a2 = moveaxis(&a, axis as i64 + 1, 1)?;
            let mut flat: Vec<i64> = vec![(b * n) as i64];
            flat.extend(a2.shape()[2..].iter().map(|&d| d as i64));
            let a_flat = reshape(&a2, &flat)?;
            let mut off_shape = vec![b as i64];
            off_shape.extend(std::iter::repeat_n(1, i.ndim() - 1));
            let offs = reshape(
                &(arange_f64(0.0, b as f64, 1.0, Dtype::Int64)? * n as i64)?,
                &off_shape,
            )?;
            let i2 = (wrapped(&i, n)?.as_type(Dtype::Int64)? + offs)?;
            let g = take(&a_flat, &i2, 0)?;
            // g is [B, I.., pre.., post..]; reorder to [B, pre.., I.., post..].
            let ni = i.ndim() - 1;
            let mut perm = vec![0i64];
            perm.extend((0..axis).map(|k| (1 + ni + k) as i64));
            perm.extend((0..ni).map(|k| (1 + k) as i64));
            perm.extend((1 + ni + axis..g.ndim()).map(|k| k as i64));
            Ok((g.transpose(&perm)?, Some(0)))
        }
        (None, None) => Err(crate::Error::internal("vmap", "no batched input")),
    }
}
