//! Fused optimizer updates: one node that a backend may run as a single
//! pass over the parameter and its state, defined by (and falling back to)
//! the ordinary ops of the update. `mlx-optim` builds its Adam step on it,
//! so a training step reads and writes each parameter's buffers once
//! instead of in a dozen elementwise passes.

use crate::ops::{sqrt, square};
use crate::primitive::MultiOp;
use crate::{Array, Error, Result};

const OP: &str = "adam_update";

/// One Adam step on a parameter `p` with first and second moments `m`, `v`
/// and gradient `g` (MLX's `Adam.apply_single`):
///
/// ```text
/// m' = b1 m + (1 - b1) g
/// v' = b2 v + (1 - b2) g^2
/// p' = p - (step m') / (sqrt(v') c2 + eps)    (c2 given: bias correction)
/// p' = p - (step m') / (sqrt(v') + eps)       (c2 None)
/// ```
///
/// `step` is the learning rate, or with bias correction `lr / (1 - b1^t)`;
/// `c2` is `rsqrt(1 - b2^t)`. Both are scalars (0-d). Returns `(p', m',
/// v')` with exactly the values of those ops, rounding after each one in
/// the arrays' dtype. When `p`, `m`, `v`, `g` share one shape and one
/// floating dtype, the update is one node ([`MultiOp::Adam`]) that a
/// backend can run in one pass; otherwise it is the ops themselves.
///
/// # Errors
/// `step` or `c2` not a scalar; the errors of the ops (shapes that do not
/// broadcast, non-numeric dtypes).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops::adam_update, Array};
/// let p = Array::from_slice(&[1.0f32], &[1])?;
/// let zero = Array::from_slice(&[0.0f32], &[1])?;
/// let g = Array::from_slice(&[2.0f32], &[1])?;
/// let lr = Array::from_scalar(0.5f32);
/// let (p, m, v) = adam_update(&p, &zero, &zero, &g, &lr, None, [0.5, 0.75], 0.0)?;
/// // m = 1, v = 1, p = 1 - 0.5 * 1 / 1
/// assert_eq!(m.to_vec::<f32>()?, vec![1.0]);
/// assert_eq!(v.to_vec::<f32>()?, vec![1.0]);
/// assert_eq!(p.to_vec::<f32>()?, vec![0.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn adam_update(
    p: &Array,
    m: &Array,
    v: &Array,
    g: &Array,
    step: &Array,
    c2: Option<&Array>,
    betas: [f64; 2],
    eps: f64,
) -> Result<(Array, Array, Array)> {
    for (name, s) in [("step", Some(step)), ("c2", c2)] {
        if let Some(s) = s {
            if s.ndim() != 0 {
                return Err(Error::invalid(
                    OP,
                    format!("{name} must be a scalar (0-d), got shape {:?}", s.shape()),
                ));
            }
        }
    }
    let dt = p.dtype();
    let fusable = dt.is_float()
        && [m, v, g]
            .iter()
            .all(|x| x.dtype() == dt && x.shape() == p.shape());
    let op = MultiOp::Adam { betas, eps };
    let mut inputs = vec![p.clone(), m.clone(), v.clone(), g.clone(), step.clone()];
    inputs.extend(c2.cloned());
    let mut out = if fusable {
        // The scalars in the parameters' dtype, as the ops would round them.
        for s in &mut inputs[4..] {
            *s = s.as_type(dt)?;
        }
        op.node(inputs)?
    } else {
        op.fallback(&inputs)?
    };
    let missing = || Error::internal(OP, "missing output");
    let v = out.pop().ok_or_else(missing)?;
    let m = out.pop().ok_or_else(missing)?;
    let p = out.pop().ok_or_else(missing)?;
    Ok((p, m, v))
}

/// The ops of [`adam_update`] on `[p, m, v, g, step]` or `[p, m, v, g,
/// step, c2]`: what [`MultiOp::Adam`] falls back to and differentiates.
pub(crate) fn adam_composite(x: &[Array], betas: [f64; 2], eps: f64) -> Result<Vec<Array>> {
    let [b1, b2] = betas;
    let (p, m, v, g, step) = (&x[0], &x[1], &x[2], &x[3], &x[4]);
    let m = ((b1 * m)? + ((1.0 - b1) * g)?)?;
    let v = ((b2 * v)? + ((1.0 - b2) * &square(g)?)?)?;
    let num = (step * &m)?;
    let den = match x.get(5) {
        Some(c2) => ((sqrt(&v)? * c2)? + eps)?,
        None => (sqrt(&v)? + eps)?,
    };
    let p = (p - &(&num / &den)?)?;
    Ok(vec![p, m, v])
}
