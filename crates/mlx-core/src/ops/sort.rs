//! Sorting ops: `sort`, `argsort`, `partition`, `argpartition`, `topk`
//! and `median`. MLX's default axis is `-1` (pass `-1`); `()`
//! sorts the flattened array.

use super::arguments::{check_size, Axes, Axis};
use super::binary::{add, multiply, where_};
use super::creation::constant_like;
use super::indexing::slice_axis;
use super::reduce::any;
use super::shape::{astype, flatten, reshape, transpose};
use super::unary::isnan;
use crate::primitive::{Primitive, SortOp};
use crate::shape::{format_shape, normalize_axes, normalize_axis};
use crate::{Array, Dtype, Error, Result};

/// The array to sort and the normalised axis (`None`: flattened, axis 0).
fn sort_input(op: &'static str, a: &Array, axis: Option<i64>) -> Result<(Array, usize)> {
    match axis {
        None => Ok((flatten(a, 0, -1)?, 0)),
        Some(x) => Ok((a.clone(), normalize_axis(op, x, a.ndim())?)),
    }
}

fn sort_node(op: SortOp, input: Array, axis: usize) -> Result<Array> {
    let dtype = match op {
        SortOp::Sort => input.dtype(),
        SortOp::ArgSort => Dtype::Uint32,
    };
    let shape = input.shape().to_vec();
    Array::from_op(Primitive::Sort { op, axis }, vec![input], shape, dtype)
}

/// The values of `a` sorted along `axis` (MLX default `-1`; `()`
/// sorts the flattened array). NaNs go last; complex numbers sort by
/// real, then imaginary part.
///
/// # Errors
/// `[sort] axis 1 is out of bounds for array of 1 dimensions`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[3.0f32, f32::NAN, 1.0], &[3])?;
/// let s = mlx_core::ops::sort(&a, -1)?.to_vec::<f32>()?;
/// assert_eq!(&s[..2], &[1.0, 3.0]);
/// assert!(s[2].is_nan());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn sort(a: &Array, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    let (input, ax) = sort_input("sort", a, axis)?;
    sort_node(SortOp::Sort, input, ax)
}

/// The `uint32` indices that sort `a` along `axis`; stable (equal values
/// keep their order), NaNs last.
///
/// # Errors
/// `[argsort] axis ... is out of bounds ...`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[2i32, 1, 2, 0], &[4])?;
/// assert_eq!(mlx_core::ops::argsort(&a, -1)?.to_vec::<u32>()?, vec![3, 1, 0, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn argsort(a: &Array, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    let (input, ax) = sort_input("argsort", a, axis)?;
    sort_node(SortOp::ArgSort, input, ax)
}

/// Check `kth` (negative counts from the end) against the axis length.
fn check_kth(
    op: &'static str,
    input: &Array,
    ax: usize,
    kth: i64,
    axis: Option<i64>,
) -> Result<()> {
    let n = input.shape()[ax] as i64;
    if kth < -n || kth >= n {
        return Err(Error::invalid(
            op,
            format!(
                "received invalid kth {kth} along axis {} for array with shape {}",
                axis.unwrap_or(0),
                format_shape(input.shape())
            ),
        ));
    }
    Ok(())
}

/// `a` rearranged along `axis` so the element at `kth` (negative counts
/// from the end) is the one a sort puts there, smaller ones come before
/// it and larger ones after. The order within each side is unspecified
/// (this implementation returns the sorted order).
///
/// # Errors
/// `[partition] received invalid kth 2 along axis -1 for array with
/// shape (2, 2)`, a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[5i32, 1, 4, 2, 3], &[5])?;
/// let p = mlx_core::ops::partition(&a, 2, -1)?.to_vec::<i32>()?;
/// assert_eq!(p[2], 3);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn partition(a: &Array, kth: i64, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    let (input, ax) = sort_input("partition", a, axis)?;
    check_kth("partition", &input, ax, kth, axis)?;
    sort_node(SortOp::Sort, input, ax)
}

/// The `uint32` indices that [`partition`] `a` along `axis`.
///
/// # Errors
/// As [`partition`], named `[argpartition]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[5i32, 1, 4, 2, 3], &[5])?;
/// let p = mlx_core::ops::argpartition(&a, -1, -1)?.to_vec::<u32>()?;
/// assert_eq!(p[4], 0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn argpartition(a: &Array, kth: i64, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    let (input, ax) = sort_input("argpartition", a, axis)?;
    check_kth("argpartition", &input, ax, kth, axis)?;
    sort_node(SortOp::ArgSort, input, ax)
}

/// The `k` largest elements of `a` along `axis` (MLX default `-1`;
/// `()` flattens). MLX leaves their order unspecified; this
/// implementation returns them in ascending order, as MLX happens to.
/// NaN counts as the largest value.
///
/// # Errors
/// `[topk] received invalid k=3 along axis -1 for array with shape (2, 2)`
/// when `k` exceeds the axis length; a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[5i32, 1, 4, 2, 3], &[5])?;
/// assert_eq!(mlx_core::ops::topk(&a, 2, -1)?.to_vec::<i32>()?, vec![4, 5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn topk(a: &Array, k: i64, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    let k = check_size("topk", "k", k)?;
    topk_unlabeled(a, k, axis).map_err(|e| e.in_op("topk"))
}

/// [`topk`] before its errors are relabelled.
fn topk_unlabeled(a: &Array, k: usize, axis: Option<i64>) -> Result<Array> {
    let (input, ax) = sort_input("topk", a, axis)?;
    let n = input.shape()[ax];
    if k > n {
        return Err(Error::invalid(
            "topk",
            format!(
                "received invalid k={k} along axis {} for array with shape {}",
                axis.unwrap_or(0),
                format_shape(input.shape())
            ),
        ));
    }
    let sorted = sort_node(SortOp::Sort, input, ax)?;
    slice_axis(&sorted, ax, (n - k) as i64, n as i64)
}

/// The median over `axes` (all when `()`), MLX's `median`: the middle
/// value, or the mean of the two middle values, of each sorted line.
/// Integer and `bool` inputs give `float32`; float and complex dtypes are
/// kept (the mean of two halves is computed in the dtype). A NaN in a
/// line makes its median NaN.
///
/// # Errors
/// `[median] cannot take median along empty axis`, bad or duplicate axes,
/// or an empty axis list `&[]` for an array of one or more dimensions
/// (MLX: `[flatten] start_axis must be less than or equal to end_axis`;
/// a 0-d array gives itself).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[4i32, 1, 3, 2], &[4])?;
/// assert_eq!(mlx_core::ops::median(&a, (), false)?.item::<f32>()?, 2.5);
/// // mx.median(a, axis=[]) raises for a 1-d array
/// assert!(mlx_core::ops::median(&a, Vec::<i64>::new(), false).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn median(a: &Array, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
    let axes = axes.into();
    let axes = axes.as_slice();
    median_unlabeled(a, axes, keepdims).map_err(|e| e.in_op("median"))
}

/// [`median`] before its errors are relabelled.
fn median_unlabeled(a: &Array, axes: Option<&[i64]>, keepdims: bool) -> Result<Array> {
    let ax = match axes {
        None => (0..a.ndim()).collect(),
        // MLX flattens the (empty) axis list and fails there unless `a`
        // is 0-d: `[flatten] start_axis must be less than or equal to
        // end_axis`.
        Some([]) if a.ndim() > 0 => {
            return Err(Error::invalid(
                "median",
                "start_axis must be less than or equal to end_axis",
            ))
        }
        Some(ax) => normalize_axes("median", ax, a.ndim())?,
    };
    let dtype = if a.dtype().is_float() || a.dtype().is_complex() {
        a.dtype()
    } else {
        Dtype::Float32
    };
    let m: usize = ax.iter().map(|&i| a.shape()[i]).product();
    if m == 0 {
        return Err(Error::invalid(
            "median",
            "cannot take median along empty axis",
        ));
    }
    let rest: Vec<usize> = (0..a.ndim()).filter(|i| !ax.contains(i)).collect();
    let perm: Vec<i64> = rest.iter().chain(&ax).map(|&i| i as i64).collect();
    let mut lines: Vec<i64> = rest.iter().map(|&i| a.shape()[i] as i64).collect();
    let out_shape: Vec<i64> = lines.clone();
    lines.push(m as i64);
    let x = reshape(&transpose(&astype(a, dtype)?, &perm)?, &lines)?;
    let last = x.ndim() as i64 - 1;
    let sorted = sort(&x, -1)?;
    let lo = slice_axis(
        &sorted,
        last as usize,
        ((m - 1) / 2) as i64,
        ((m - 1) / 2) as i64 + 1,
    )?;
    let mut med = if m % 2 == 1 {
        lo
    } else {
        let hi = slice_axis(&sorted, last as usize, (m / 2) as i64, (m / 2) as i64 + 1)?;
        multiply(&add(&lo, &hi)?, &constant_like(&x, 0.5, dtype)?)?
    };
    if dtype.is_float() {
        let has_nan = any(&isnan(&x)?, -1, true)?;
        med = where_(&has_nan, &constant_like(&x, f64::NAN, dtype)?, &med)?;
    }
    let shape: Vec<i64> = if keepdims {
        (0..a.ndim())
            .map(|i| {
                if ax.contains(&i) {
                    1
                } else {
                    a.shape()[i] as i64
                }
            })
            .collect()
    } else {
        out_shape
    };
    reshape(&med, &shape)
}

impl Array {
    /// Method form of [`sort`].
    ///
    /// # Errors
    /// As [`sort`].
    pub fn sort(&self, axis: impl Into<Axis>) -> Result<Array> {
        sort(self, axis)
    }
    /// Method form of [`argsort`].
    ///
    /// # Errors
    /// As [`argsort`].
    pub fn argsort(&self, axis: impl Into<Axis>) -> Result<Array> {
        argsort(self, axis)
    }
    /// Method form of [`partition`].
    ///
    /// # Errors
    /// As [`partition`].
    pub fn partition(&self, kth: i64, axis: impl Into<Axis>) -> Result<Array> {
        partition(self, kth, axis)
    }
    /// Method form of [`argpartition`].
    ///
    /// # Errors
    /// As [`argpartition`].
    pub fn argpartition(&self, kth: i64, axis: impl Into<Axis>) -> Result<Array> {
        argpartition(self, kth, axis)
    }
    /// Method form of [`topk`].
    ///
    /// # Errors
    /// As [`topk`].
    pub fn topk(&self, k: i64, axis: impl Into<Axis>) -> Result<Array> {
        topk(self, k, axis)
    }
    /// Method form of [`median`].
    ///
    /// # Errors
    /// As [`median`].
    pub fn median(&self, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
        median(self, axes, keepdims)
    }
}
