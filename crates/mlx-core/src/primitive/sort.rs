//! Sorting along one axis ([`SortOp`]) and its derivative rules.

use crate::ops::{argsort, take_along_axis};
use crate::{Array, Result};

/// What a sort along one axis returns. Both order NaNs last and keep
/// equal elements in input order (a stable sort, as MLX's); complex
/// numbers compare by real part, then imaginary part.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::primitive::SortOp::ArgSort.name(), "argsort");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortOp {
    /// The sorted values (input dtype).
    Sort,
    /// The indices that sort the input (`uint32`).
    ArgSort,
}

impl SortOp {
    /// MLX's op name.
    pub const fn name(self) -> &'static str {
        match self {
            SortOp::Sort => "sort",
            SortOp::ArgSort => "argsort",
        }
    }

    /// The cotangent of input `x` of a sort along `axis` given the
    /// output's cotangent `g`: `g` sent back through the sorting
    /// permutation. Indices have none.
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::SortOp, Array};
    /// let x = Array::from_slice(&[3.0f32, 1.0, 2.0], &[3])?;
    /// let g = Array::from_slice(&[10.0f32, 20.0, 30.0], &[3])?;
    /// let d = SortOp::Sort.vjp(&x, 0, &g)?.unwrap();
    /// assert_eq!(d.to_vec::<f32>()?, vec![30.0, 10.0, 20.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vjp(self, x: &Array, axis: usize, g: &Array) -> Result<Option<Array>> {
        match self {
            SortOp::Sort => {
                let ax = Some(axis as i64);
                // The inverse permutation is the argsort of the permutation.
                let inverse = argsort(&argsort(x, ax)?, ax)?;
                take_along_axis(g, &inverse, ax).map(Some)
            }
            SortOp::ArgSort => Ok(None),
        }
    }

    /// Tangent of the output given the input's tangent `t`: `t` taken in
    /// sorted order (`None` for indices).
    ///
    /// # Errors
    /// As [`SortOp::vjp`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::SortOp, Array};
    /// let x = Array::from_slice(&[3.0f32, 1.0], &[2])?;
    /// let t = Array::from_slice(&[5.0f32, 7.0], &[2])?;
    /// assert_eq!(SortOp::Sort.jvp(&x, 0, &t)?.unwrap().to_vec::<f32>()?, vec![7.0, 5.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn jvp(self, x: &Array, axis: usize, t: &Array) -> Result<Option<Array>> {
        match self {
            SortOp::Sort => {
                let ax = Some(axis as i64);
                take_along_axis(t, &argsort(x, ax)?, ax).map(Some)
            }
            SortOp::ArgSort => Ok(None),
        }
    }
}
