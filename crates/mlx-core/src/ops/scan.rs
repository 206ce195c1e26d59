//! Cumulative ops beyond `cumsum`: `cumprod`, `cummax`, `cummin` and
//! `logcumsumexp`, with MLX's `axis` (`()` flattens), `reverse` and
//! `inclusive`.

use super::arguments::Axis;
use super::shape::{astype, flatten};
use crate::primitive::{Primitive, ScanOp};
use crate::shape::normalize_axis;
use crate::{Array, Dtype, Error, Result};

/// Record a scan of `a` along `axis` with output dtype `dtype`.
fn scan(op: ScanOp, a: &Array, axis: Option<i64>, reverse: bool, inclusive: bool) -> Result<Array> {
    let name = op.name();
    let (input, ax) = match axis {
        None => (flatten(a, 0, -1)?, 0),
        Some(x) => (a.clone(), normalize_axis(name, x, a.ndim())?),
    };
    let dtype = match op {
        ScanOp::Sum => {
            if a.dtype() == Dtype::Bool {
                Dtype::Int32
            } else {
                a.dtype()
            }
        }
        ScanOp::Prod | ScanOp::Max | ScanOp::Min => a.dtype(),
        ScanOp::LogAddExp => {
            if a.dtype().is_complex() {
                return Err(Error::dtype(name, a.dtype(), "not supported for complex64"));
            }
            if a.dtype().is_float() {
                a.dtype()
            } else {
                Dtype::Float32
            }
        }
    };
    let input = astype(&input, dtype)?;
    let prim = Primitive::Scan {
        op,
        axis: ax,
        reverse,
        inclusive,
    };
    let shape = input.shape().to_vec();
    Array::from_op(prim, vec![input], shape, dtype)
}

/// Cumulative product along `axis` (of the flattened array when `()`);
/// `reverse` scans from the end, `inclusive = false` shifts by one (the
/// first output is 1). The dtype is kept: integers wrap, `bool` is a
/// running logical and.
///
/// # Errors
/// `[cumprod] axis 1 is out of bounds ...` (a 0-d array has no axis 0).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2, 3], &[3])?;
/// assert_eq!(mlx_core::ops::cumprod(&a, (), false, true)?.to_vec::<i32>()?, vec![1, 2, 6]);
/// assert_eq!(mlx_core::ops::cumprod(&a, 0, true, false)?.to_vec::<i32>()?, vec![6, 3, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn cumprod(a: &Array, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
    let axis = axis.into().get();
    cumprod_unlabeled(a, axis, reverse, inclusive).map_err(|e| e.in_op("cumprod"))
}

/// [`cumprod`] before its errors are relabelled.
fn cumprod_unlabeled(
    a: &Array,
    axis: Option<i64>,
    reverse: bool,
    inclusive: bool,
) -> Result<Array> {
    scan(ScanOp::Prod, a, axis, reverse, inclusive)
}

/// Cumulative maximum along `axis` (of the flattened array when `()`).
/// NaN propagates; the exclusive form starts at the dtype's lowest value
/// (`-inf` for floats). Complex numbers compare by real, then imaginary
/// part.
///
/// # Errors
/// As [`cumprod`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 3.0, 2.0], &[3])?;
/// assert_eq!(mlx_core::ops::cummax(&a, (), false, true)?.to_vec::<f32>()?, vec![1.0, 3.0, 3.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn cummax(a: &Array, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
    let axis = axis.into().get();
    cummax_unlabeled(a, axis, reverse, inclusive).map_err(|e| e.in_op("cummax"))
}

/// [`cummax`] before its errors are relabelled.
fn cummax_unlabeled(a: &Array, axis: Option<i64>, reverse: bool, inclusive: bool) -> Result<Array> {
    scan(ScanOp::Max, a, axis, reverse, inclusive)
}

/// Cumulative minimum along `axis`; the exclusive form starts at the
/// dtype's highest value (`inf` for floats).
///
/// # Errors
/// As [`cumprod`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[3u8, 1, 2], &[3])?;
/// assert_eq!(mlx_core::ops::cummin(&a, (), false, false)?.to_vec::<u8>()?, vec![255, 3, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn cummin(a: &Array, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
    let axis = axis.into().get();
    cummin_unlabeled(a, axis, reverse, inclusive).map_err(|e| e.in_op("cummin"))
}

/// [`cummin`] before its errors are relabelled.
fn cummin_unlabeled(a: &Array, axis: Option<i64>, reverse: bool, inclusive: bool) -> Result<Array> {
    scan(ScanOp::Min, a, axis, reverse, inclusive)
}

/// Cumulative `log(sum(exp(x)))` along `axis`, computed stably. Integer
/// and `bool` inputs become `float32`; the exclusive form starts at
/// `-inf`.
///
/// # Errors
/// As [`cumprod`]; `[logcumsumexp] ...` for `complex64` input (not
/// supported here, unlike MLX).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[0.0f32, 0.0], &[2])?;
/// let y = mlx_core::ops::logcumsumexp(&a, (), false, true)?.to_vec::<f32>()?;
/// assert!((y[1] - 2f32.ln()).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn logcumsumexp(
    a: &Array,
    axis: impl Into<Axis>,
    reverse: bool,
    inclusive: bool,
) -> Result<Array> {
    let axis = axis.into().get();
    logcumsumexp_unlabeled(a, axis, reverse, inclusive).map_err(|e| e.in_op("logcumsumexp"))
}

/// [`logcumsumexp`] before its errors are relabelled.
fn logcumsumexp_unlabeled(
    a: &Array,
    axis: Option<i64>,
    reverse: bool,
    inclusive: bool,
) -> Result<Array> {
    scan(ScanOp::LogAddExp, a, axis, reverse, inclusive)
}

impl Array {
    /// Method form of [`cumprod`].
    ///
    /// # Errors
    /// As [`cumprod`].
    pub fn cumprod(&self, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
        cumprod(self, axis, reverse, inclusive)
    }
    /// Method form of [`cummax`].
    ///
    /// # Errors
    /// As [`cummax`].
    pub fn cummax(&self, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
        cummax(self, axis, reverse, inclusive)
    }
    /// Method form of [`cummin`].
    ///
    /// # Errors
    /// As [`cummin`].
    pub fn cummin(&self, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
        cummin(self, axis, reverse, inclusive)
    }
    /// Method form of [`logcumsumexp`].
    ///
    /// # Errors
    /// As [`logcumsumexp`].
    pub fn logcumsumexp(
        &self,
        axis: impl Into<Axis>,
        reverse: bool,
        inclusive: bool,
    ) -> Result<Array> {
        logcumsumexp(self, axis, reverse, inclusive)
    }
}
