//! The scatter family ([`ScatterOp`]): `Primitive::Scatter` writes or
//! combines update windows into a copy of its input at index positions.
//! Its derivative and batching rules live here.

use crate::ops::{
    arange_f64, broadcast_to, equal, gather, moveaxis, reshape, scatter_general, where_, zeros_like,
};
use crate::{Array, Dtype, Error, Result};

/// How a scatter combines an update with the value already there (MLX's
/// `Scatter::ReduceType`). Duplicate indices combine in turn.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::primitive::ScatterOp;
/// assert_eq!(ScatterOp::Sum.name(), "scatter_add");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScatterOp {
    /// Overwrite (the last duplicate wins).
    None,
    /// Add.
    Sum,
    /// Multiply.
    Prod,
    /// Keep the larger: `y = y > x ? y : x`.
    Max,
    /// Keep the smaller: `y = y < x ? y : x`.
    Min,
}

impl ScatterOp {
    /// Every op, for tests and kernel tables.
    pub const ALL: [ScatterOp; 5] = [
        ScatterOp::None,
        ScatterOp::Sum,
        ScatterOp::Prod,
        ScatterOp::Max,
        ScatterOp::Min,
    ];

    /// MLX's function name (`scatter`, `scatter_add`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ScatterOp::None => "scatter",
            ScatterOp::Sum => "scatter_add",
            ScatterOp::Prod => "scatter_prod",
            ScatterOp::Max => "scatter_max",
            ScatterOp::Min => "scatter_min",
        }
    }

    /// The short name used for kernel sections (`none`, `sum`, ...).
    pub fn kernel_name(self) -> &'static str {
        match self {
            ScatterOp::None => "none",
            ScatterOp::Sum => "sum",
            ScatterOp::Prod => "prod",
            ScatterOp::Max => "max",
            ScatterOp::Min => "min",
        }
    }
}

/// Update windows of a scatter: `updates.shape[k..]` (k index dims).
fn slice_sizes(inputs: &[Array]) -> Vec<usize> {
    let a = &inputs[0];
    let upd = &inputs[inputs.len() - 1];
    upd.shape()[upd.ndim() - a.ndim()..].to_vec()
}

fn index_arrays(inputs: &[Array]) -> &[Array] {
    &inputs[1..inputs.len() - 1]
}

fn axes_i64(axes: &[usize]) -> Vec<i64> {
    axes.iter().map(|&a| a as i64).collect()
}

/// Cotangents of a scatter's `[a, indices.., updates]` (MLX's
/// `Scatter::vjp`; `scatter_prod` has none, as in MLX).
pub(crate) fn scatter_vjp(
    op: ScatterOp,
    axes: &[usize],
    inputs: &[Array],
    out: &Array,
    g: &Array,
) -> Result<Vec<Option<Array>>> {
    let a = &inputs[0];
    let upd = &inputs[inputs.len() - 1];
    let idx = index_arrays(inputs);
    let ax = axes_i64(axes);
    let sizes = slice_sizes(inputs);
    let zero = || Array::from_scalar(0.0f32).as_type(g.dtype());
    let (da, du) = match op {
        ScatterOp::None => {
            let da = scatter_general(g, idx, &zeros_like(upd)?, &ax, ScatterOp::None)?;
            (da, gather(g, idx, &ax, &sizes)?)
        }
        ScatterOp::Sum => (g.clone(), gather(g, idx, &ax, &sizes)?),
        ScatterOp::Max | ScatterOp::Min => {
            let da = where_(&equal(out, a)?, g, &zero()?)?;
            let kept = equal(&gather(out, idx, &ax, &sizes)?, upd)?;
            let du = where_(&kept, &gather(g, idx, &ax, &sizes)?, &zero()?)?;
            (da, du)
        }
        ScatterOp::Prod => {
            return Err(Error::invalid(
                "scatter_prod",
                "vjp is not implemented for scatter_prod (as in MLX)",
            ))
        }
    };
    let mut v = vec![Some(da)];
    v.extend(idx.iter().map(|_| None));
    v.push(Some(du));
    Ok(v)
}

/// Tangent of a scatter: linear for `scatter` and `scatter_add`; for
/// `scatter_max`/`scatter_min` the tangent of whichever value was kept
/// (ties count each, as the vjp). `scatter_prod` has none, as in MLX.
pub(crate) fn scatter_jvp(
    op: ScatterOp,
    axes: &[usize],
    inputs: &[Array],
    out: &Array,
    t: &[Option<Array>],
) -> Result<Option<Array>> {
    let (ta, tu) = (&t[0], &t[t.len() - 1]);
    if ta.is_none() && tu.is_none() {
        return Ok(None);
    }
    let a = &inputs[0];
    let upd = &inputs[inputs.len() - 1];
    let idx = index_arrays(inputs);
    let ax = axes_i64(axes);
    let dt = ta.as_ref().or(tu.as_ref()).map_or(a.dtype(), |x| x.dtype());
    let ta = match ta {
        Some(x) => x.clone(),
        None => zeros_like(a)?.as_type(dt)?,
    };
    let tu = match tu {
        Some(x) => x.clone(),
        None => zeros_like(upd)?.as_type(dt)?,
    };
    match op {
        ScatterOp::None | ScatterOp::Sum => scatter_general(&ta, idx, &tu, &ax, op).map(Some),
        ScatterOp::Max | ScatterOp::Min => {
            let zero = Array::from_scalar(0.0f32).as_type(dt)?;
            let from_a = where_(&equal(out, a)?, &ta, &zero)?;
            let kept = equal(&gather(out, idx, &ax, &slice_sizes(inputs))?, upd)?;
            let from_u = where_(&kept, &tu, &zero)?;
            let spread = scatter_general(&zeros_like(&ta)?, idx, &from_u, &ax, ScatterOp::Sum)?;
            (from_a + spread).map(Some)
        }
        ScatterOp::Prod => Err(Error::invalid(
            "scatter_prod",
            "jvp is not implemented for scatter_prod (as in MLX)",
        )),
    }
}

/// Batched scatter: the batch axis of every input goes first (unbatched
/// inputs are broadcast), and the batch position becomes one more index
/// array on the new axis 0.
pub(crate) fn scatter_vmap(
    op: ScatterOp,
    axes: &[usize],
    inputs: &[Array],
    in_axes: &[Option<usize>],
    b: usize,
) -> Result<(Array, Option<usize>)> {
    let front = |x: &Array, ax: Option<usize>, shape: &[usize]| -> Result<Array> {
        match ax {
            Some(a) => moveaxis(x, a as i64, 0),
            None => {
                let mut s = vec![b];
                s.extend_from_slice(shape);
                broadcast_to(x, &s)
            }
        }
    };
    let n = inputs.len();
    let a = front(&inputs[0], in_axes[0], inputs[0].shape())?;
    let idx_shape: Vec<usize> = if n > 2 {
        // Unbatched index arrays share one shape; batched ones add an axis.
        let (x, ax) = (&inputs[1], in_axes[1]);
        let mut s = x.shape().to_vec();
        if let Some(ax) = ax {
            s.remove(ax);
        }
        s
    } else {
        Vec::new()
    };
    let mut bidx_shape = vec![b];
    bidx_shape.extend_from_slice(&idx_shape);
    let dt = Dtype::Int32;
    let mut pos_shape = vec![1i64; bidx_shape.len()];
    pos_shape[0] = b as i64;
    let pos = reshape(&arange_f64(0.0, b as f64, 1.0, dt)?, &pos_shape)?;
    let mut idx = vec![broadcast_to(&pos, &bidx_shape)?];
    for (x, ax) in inputs[1..n - 1].iter().zip(&in_axes[1..n - 1]) {
        idx.push(front(x, *ax, &idx_shape)?);
    }
    let upd0 = &inputs[n - 1];
    let mut upd_shape: Vec<usize> = upd0.shape().to_vec();
    if let Some(ax) = in_axes[n - 1] {
        upd_shape.remove(ax);
    }
    let upd = front(upd0, in_axes[n - 1], &upd_shape)?;
    // [B, idx.., slice..] -> [B, idx.., 1, slice..].
    let upd = upd.expand_dims(&[1 + idx_shape.len() as i64])?;
    let mut new_axes = vec![0i64];
    new_axes.extend(axes.iter().map(|&x| x as i64 + 1));
    Ok((scatter_general(&a, &idx, &upd, &new_axes, op)?, Some(0)))
}
