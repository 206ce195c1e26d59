//! Reductions ([`ReduceOp`], [`ArgReduceOp`]).

use crate::{Array, Result};

/// A reduction over a set of axes. The kernel's input and output dtypes are
/// equal except for `All`/`Any`, whose input is cast to `bool` first.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::primitive::ReduceOp::Sum.name(), "sum");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// Sum (0 for empty reductions).
    Sum,
    /// Product (1 for empty reductions).
    Prod,
    /// Maximum, NaN-propagating (lowest value for empty, guarded by the op).
    Max,
    /// Minimum, NaN-propagating.
    Min,
    /// Logical and of `bool` input (true for empty).
    All,
    /// Logical or of `bool` input (false for empty).
    Any,
}

impl ReduceOp {
    /// MLX's op name.
    pub const fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Max => "max",
            ReduceOp::Min => "min",
            ReduceOp::All => "all",
            ReduceOp::Any => "any",
        }
    }
}

/// Index of the extreme value along one axis; the output is `uint32` and
/// the first occurrence wins. NaN counts as the extreme value.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::primitive::ArgReduceOp::ArgMax.name(), "argmax");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgReduceOp {
    /// First index of the maximum.
    ArgMax,
    /// First index of the minimum.
    ArgMin,
}

impl ArgReduceOp {
    /// MLX's op name.
    pub const fn name(self) -> &'static str {
        match self {
            ArgReduceOp::ArgMax => "argmax",
            ArgReduceOp::ArgMin => "argmin",
        }
    }
}

/// `x`'s shape with `axes` set to 1 (a reduction's output with keepdims).
fn kept_shape(x: &Array, axes: &[usize]) -> Vec<i64> {
    (0..x.ndim())
        .map(|i| {
            if axes.contains(&i) {
                1
            } else {
                x.shape()[i] as i64
            }
        })
        .collect()
}

impl ReduceOp {
    /// The cotangent of input `x` given the output `out` (axes dropped)
    /// and its cotangent `g` (MLX's `vjp`). `max`/`min` share the gradient
    /// evenly among ties; `prod` divides by `x` (undefined at zeros).
    /// `all`/`any` have none.
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::ReduceOp, Array};
    /// let x = Array::from_slice(&[1.0f32, 5.0], &[2])?;
    /// let g = Array::from_slice(&[1.0f32], &[])?;
    /// let d = ReduceOp::Max.vjp(&x, &[0], &x.max((), false)?, &g)?.unwrap();
    /// assert_eq!(d.to_vec::<f32>()?, vec![0.0, 1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vjp(self, x: &Array, axes: &[usize], out: &Array, g: &Array) -> Result<Option<Array>> {
        use crate::ops::{broadcast_to, reshape};
        let keep = kept_shape(x, axes);
        let gk = broadcast_to(&reshape(g, &keep)?, x.shape())?;
        match self {
            ReduceOp::Sum => Ok(Some(gk)),
            ReduceOp::Prod => Ok(Some((gk * product_of_others(x, axes)?)?)),
            ReduceOp::Max | ReduceOp::Min => {
                let mask = tie_weights(x, axes, out)?;
                Ok(Some((gk * mask)?))
            }
            ReduceOp::All | ReduceOp::Any => Ok(None),
        }
    }

    /// Tangent of the output given the tangent `t` of the input.
    ///
    /// # Errors
    /// As [`ReduceOp::vjp`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::ReduceOp, Array};
    /// let x = Array::from_slice(&[1.0f32, 5.0], &[2])?;
    /// let d = ReduceOp::Sum.jvp(&x, &[0], &x.sum((), false)?, &x)?.unwrap();
    /// assert_eq!(d.item::<f32>()?, 6.0);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn jvp(self, x: &Array, axes: &[usize], out: &Array, t: &Array) -> Result<Option<Array>> {
        use crate::ops::sum;
        let ax: Vec<i64> = axes.iter().map(|&a| a as i64).collect();
        let weighted = match self {
            ReduceOp::Sum => t.clone(),
            ReduceOp::Prod => (t * product_of_others(x, axes)?)?,
            ReduceOp::Max | ReduceOp::Min => (t * tie_weights(x, axes, out)?)?,
            ReduceOp::All | ReduceOp::Any => return Ok(None),
        };
        Ok(Some(sum(&weighted, &ax, false)?))
    }
}

/// For every element of `x`, the product of the other elements of its
/// reduction group over `axes` (`prod`'s derivative). Built from exclusive
/// cumulative products from both ends, so zeros need no division and give
/// exact results (as MLX does).
fn product_of_others(x: &Array, axes: &[usize]) -> Result<Array> {
    use crate::ops::{cumprod, reshape, transpose};
    let kept: Vec<usize> = (0..x.ndim()).filter(|a| !axes.contains(a)).collect();
    let perm: Vec<i64> = kept.iter().chain(axes).map(|&a| a as i64).collect();
    let moved = transpose(x, &perm)?;
    let mut line: Vec<i64> = kept.iter().map(|&a| x.shape()[a] as i64).collect();
    line.push(axes.iter().map(|&a| x.shape()[a] as i64).product());
    let flat = reshape(&moved, &line)?;
    let left = cumprod(&flat, -1, false, false)?;
    let right = cumprod(&flat, -1, true, false)?;
    let moved_shape: Vec<i64> = moved.shape().iter().map(|&d| d as i64).collect();
    let others = reshape(&(left * right)?, &moved_shape)?;
    let mut inverse = vec![0i64; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inverse[p as usize] = i as i64;
    }
    transpose(&others, &inverse)
}

/// `1 / count` where `x` equals the reduced extreme, else 0.
fn tie_weights(x: &Array, axes: &[usize], out: &Array) -> Result<Array> {
    use crate::ops::{equal, reshape, sum};
    let ax: Vec<i64> = axes.iter().map(|&a| a as i64).collect();
    let hit = equal(x, &reshape(out, &kept_shape(x, axes))?)?.as_type(x.dtype())?;
    let count = sum(&hit, &ax, true)?;
    hit / count
}
