//! Gradient clipping by global norm.

use mlx_core::ops::{full, minimum, sqrt, square, sum};
use mlx_core::tree::{tree_map, Tree};
use mlx_core::{Array, Dtype, DtypeCategory, Error, Result};

/// Scale `grads` so their global L2 norm is at most `max_norm` (MLX's
/// `clip_grad_norm`); returns the clipped tree and the norm before
/// clipping. `float16` squares are summed in `float32`.
///
/// # Errors
/// `[clip_grad_norm] max_norm should be >=0, -1 was provided instead`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// let g = Tree::map([
///     ("w1", Tree::Leaf(Array::from_slice(&[3.0f32, 0.0], &[2])?)),
///     ("w2", Tree::Leaf(Array::from_slice(&[4.0f32], &[1])?)),
/// ]);
/// let (clipped, norm) = mlx_optim::clip_grad_norm(&g, 1.0)?;
/// assert_eq!(norm.item::<f32>()?, 5.0);
/// let w2 = clipped.get("w2").unwrap().item::<f32>()?;
/// assert!((w2 - 0.8).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn clip_grad_norm(grads: &Tree, max_norm: f64) -> Result<(Tree, Array)> {
    if max_norm < 0.0 {
        return Err(Error::invalid(
            "clip_grad_norm",
            format!("max_norm should be >=0, {max_norm} was provided instead"),
        ));
    }
    let mut acc: Option<Array> = None;
    for g in grads.leaves() {
        let g = if g.dtype() == Dtype::Float16 {
            g.as_type(Dtype::Float32)?
        } else {
            g
        };
        let s = sum(&square(&g)?, (), false)?;
        acc = Some(match acc {
            None => (&s + 0.0)?,
            Some(a) => (&a + &s)?,
        });
    }
    let total = sqrt(&acc.unwrap_or_else(|| Array::from_scalar(0.0f32)))?;
    let ratio = (max_norm / &(&total + 1e-6)?)?;
    let normalizer = minimum(&ratio, &full((), 1.0, ratio.dtype())?)?;
    let clipped = tree_map(grads, |g| {
        if mlx_core::issubdtype(g.dtype(), DtypeCategory::Floating) {
            (g * &normalizer)?.as_type(g.dtype())
        } else {
            g * &normalizer
        }
    })?;
    Ok((clipped, total))
}
