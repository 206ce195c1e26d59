//! Array creation: `zeros`, `ones`, `full`, `arange`, `linspace`, `eye`,
//! `identity`, `tri`. Constant fills are broadcast views of one element.
//! They run on the default device (docs/ops.md, "Devices and streams");
//! `zeros_like` and `ones_like` on the device of their argument.

use super::arguments::{check_size, Shape};
use super::operators::Scalar;
use super::shape::{astype, broadcast_to, check_size_fits, expand_dims};
use crate::primitive::Primitive;
use crate::{default_device, Array, Dtype, Element, Error, HostData, Result};

/// A 0-d array holding `value` converted to `dtype`.
fn constant(value: f64, dtype: Dtype) -> Result<Array> {
    let data =
        crate::with_dtype!(dtype, T => HostData::from(vec![<T as Element>::from_f64_lossy(value)]));
    Array::from_host_data(data, &[])
}

/// An array of `shape` filled with `value` (MLX's `full`). A broadcast view
/// of one element: no memory is spent on the fill.
///
/// # Errors
/// `[full] shape (..) is too large`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::full(&[2], 7, mlx_core::Dtype::Int32)?;
/// assert_eq!(a.to_vec::<i32>()?, vec![7, 7]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn full<S: Scalar>(shape: impl Into<Shape>, value: S, dtype: Dtype) -> Result<Array> {
    let shape = shape.into().dims("full")?;
    let shape = &shape[..];
    full_unlabeled::<S>(shape, value, dtype).map_err(|e| e.in_op("full"))
}

/// [`full`] before its errors are relabelled.
fn full_unlabeled<S: Scalar>(shape: &[usize], value: S, dtype: Dtype) -> Result<Array> {
    check_size_fits("full", shape, dtype.size())?;
    broadcast_to(&constant(value.to_f64(), dtype)?, shape)
}

/// [`full`] with an array value that broadcasts to `shape`.
///
/// # Errors
/// Broadcast errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let v = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::full_array(&[2, 2], &v)?.to_vec::<i32>()?, vec![1, 2, 1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn full_array(shape: impl Into<Shape>, value: &Array) -> Result<Array> {
    let shape = shape.into().dims("full")?;
    let shape = &shape[..];
    full_array_unlabeled(shape, value).map_err(|e| e.in_op("full"))
}

/// [`full_array`] before its errors are relabelled.
fn full_array_unlabeled(shape: &[usize], value: &Array) -> Result<Array> {
    check_size_fits("full", shape, value.itemsize())?;
    broadcast_to(value, shape)
}

/// Zeros of `shape` and `dtype`.
///
/// # Errors
/// As [`full`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 2], mlx_core::Dtype::Float32)?;
/// assert_eq!(a.to_vec::<f32>()?, vec![0.0; 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn zeros(shape: impl Into<Shape>, dtype: Dtype) -> Result<Array> {
    let shape = shape.into().dims("zeros")?;
    let shape = &shape[..];
    zeros_unlabeled(shape, dtype).map_err(|e| e.in_op("zeros"))
}

/// [`zeros`] before its errors are relabelled.
fn zeros_unlabeled(shape: &[usize], dtype: Dtype) -> Result<Array> {
    full(shape, 0.0, dtype).map_err(|e| e.in_op("zeros"))
}

/// Ones of `shape` and `dtype`.
///
/// # Errors
/// As [`full`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::ones(&[3], mlx_core::Dtype::Int8)?;
/// assert_eq!(a.to_vec::<i8>()?, vec![1, 1, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn ones(shape: impl Into<Shape>, dtype: Dtype) -> Result<Array> {
    let shape = shape.into().dims("ones")?;
    let shape = &shape[..];
    ones_unlabeled(shape, dtype).map_err(|e| e.in_op("ones"))
}

/// [`ones`] before its errors are relabelled.
fn ones_unlabeled(shape: &[usize], dtype: Dtype) -> Result<Array> {
    full(shape, 1.0, dtype).map_err(|e| e.in_op("ones"))
}

/// Zeros with the shape, dtype and device of `a`.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::zeros_like(&a)?.to_vec::<i32>()?, vec![0, 0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn zeros_like(a: &Array) -> Result<Array> {
    zeros_like_unlabeled(a).map_err(|e| e.in_op("zeros_like"))
}

/// [`zeros_like`] before its errors are relabelled.
fn zeros_like_unlabeled(a: &Array) -> Result<Array> {
    crate::with_default_device(a.device(), || zeros(a.shape(), a.dtype()))
}

/// Ones with the shape, dtype and device of `a`.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::ones_like(&a)?.to_vec::<i32>()?, vec![1, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn ones_like(a: &Array) -> Result<Array> {
    ones_like_unlabeled(a).map_err(|e| e.in_op("ones_like"))
}

/// [`ones_like`] before its errors are relabelled.
fn ones_like_unlabeled(a: &Array) -> Result<Array> {
    crate::with_default_device(a.device(), || ones(a.shape(), a.dtype()))
}

pub(crate) fn full_like_bool(a: &Array, value: bool) -> Result<Array> {
    crate::with_default_device(a.device(), || full(a.shape(), value, Dtype::Bool))
}

/// A 0-d `dtype` constant on `a`'s device, for composites: an op runs on
/// its first array argument's device, constants included (docs/ops.md).
pub(crate) fn constant_like(a: &Array, value: f64, dtype: Dtype) -> Result<Array> {
    crate::with_default_device(a.device(), || full((), value, dtype))
}

/// Values from `start` up to (not including) `stop` by `step`. The dtype
/// defaults to `int32` for integer arguments and `float32` for floats, as
/// in MLX.
///
/// # Errors
/// `[arange] step must be nonzero`, or non-finite arguments.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 5, 2, None)?;
/// assert_eq!(a.to_vec::<i32>()?, vec![0, 2, 4]);
/// let f = mlx_core::ops::arange(0.0, 1.0, 0.25, None)?;
/// assert_eq!(f.to_vec::<f32>()?, vec![0.0, 0.25, 0.5, 0.75]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn arange<S: Scalar>(start: S, stop: S, step: S, dtype: Option<Dtype>) -> Result<Array> {
    let dtype = dtype.unwrap_or(if S::IS_FLOAT {
        Dtype::Float32
    } else {
        Dtype::Int32
    });
    arange_f64(start.to_f64(), stop.to_f64(), step.to_f64(), dtype)
}

/// [`arange`] with `f64` arguments and an explicit dtype.
///
/// # Errors
/// As [`arange`]; also `[arange] cannot compute length` for huge ranges.
pub fn arange_f64(start: f64, stop: f64, step: f64, dtype: Dtype) -> Result<Array> {
    if step == 0.0 {
        return Err(Error::invalid("arange", "step must be nonzero"));
    }
    if !(start.is_finite() && stop.is_finite() && step.is_finite()) {
        return Err(Error::invalid(
            "arange",
            "start, stop and step must be finite",
        ));
    }
    if dtype == Dtype::Bool {
        return Err(Error::dtype(
            "arange",
            dtype,
            "cannot make a range of bools",
        ));
    }
    let len = ((stop - start) / step).ceil();
    // Integer ranges step by int(start + step) - int(start), as MLX does.
    let (start, step) = if dtype.is_integer() {
        (start.trunc(), (start + step).trunc() - start.trunc())
    } else {
        (start, step)
    };
    if len > (i32::MAX as f64) {
        return Err(Error::invalid("arange", "maximum size exceeded"));
    }
    let n = len.max(0.0) as usize;
    Array::from_op_on(
        Primitive::Arange { start, step },
        vec![],
        vec![n],
        dtype,
        default_device(),
    )
}

/// `num` evenly spaced values from `start` to `stop`, `stop` included when
/// `endpoint` (MLX's default) and left out otherwise (default dtype
/// `float32`).
///
/// # Errors
/// `[linspace] number of samples, -1, must be non-negative`, or a count
/// too large for an array.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::linspace(0.0, 1.0, 5, true, None)?;
/// assert_eq!(a.to_vec::<f32>()?, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
/// // mx.linspace(0, 1, 4, endpoint=False) is [0, 0.25, 0.5, 0.75]
/// let b = mlx_core::ops::linspace(0.0, 1.0, 4, false, None)?;
/// assert_eq!(b.to_vec::<f32>()?, vec![0.0, 0.25, 0.5, 0.75]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn linspace(
    start: f64,
    stop: f64,
    num: i64,
    endpoint: bool,
    dtype: Option<Dtype>,
) -> Result<Array> {
    const OP: &str = "linspace";
    let dtype = dtype.unwrap_or(Dtype::Float32);
    if num < 0 {
        return Err(Error::invalid(
            OP,
            format!("number of samples, {num}, must be non-negative"),
        ));
    }
    if num == 1 {
        return astype(&constant(start, Dtype::Float32)?.reshape(&[1])?, dtype);
    }
    let intervals = if endpoint { num - 1 } else { num };
    let step = if intervals > 0 {
        (stop - start) / intervals as f64
    } else {
        0.0
    };
    let compute = if dtype == Dtype::Float64 {
        Dtype::Float64
    } else {
        Dtype::Float32
    };
    let build = || {
        let idx = arange_f64(0.0, num as f64, 1.0, compute)?;
        let v = ((&idx * step)? + start)?;
        astype(&v, dtype)
    };
    build().map_err(|e| e.in_op(OP))
}

/// An `n x m` matrix with ones on diagonal `k` (MLX's `eye`; `m` defaults
/// to `n`, dtype to `float32`).
///
/// # Errors
/// `[eye] shape (..) is too large`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::eye(2, None, 0, None)?;
/// assert_eq!(a.to_vec::<f32>()?, vec![1.0, 0.0, 0.0, 1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn eye(n: i64, m: Option<i64>, k: i64, dtype: Option<Dtype>) -> Result<Array> {
    let n = check_size("eye", "n", n)?;
    let m = m.map(|m| check_size("eye", "m", m)).transpose()?;
    eye_unlabeled(n, m, k, dtype).map_err(|e| e.in_op("eye"))
}

/// [`eye`] before its errors are relabelled.
fn eye_unlabeled(n: usize, m: Option<usize>, k: i64, dtype: Option<Dtype>) -> Result<Array> {
    let m = m.unwrap_or(n);
    check_size_fits("eye", &[n, m], dtype.unwrap_or(Dtype::Float32).size())?;
    let rows = (expand_dims(&arange_f64(0.0, n as f64, 1.0, Dtype::Int64)?, &[1])? + k)?;
    let cols = arange_f64(0.0, m as f64, 1.0, Dtype::Int64)?;
    astype(
        &super::binary::equal(&rows, &cols)?,
        dtype.unwrap_or(Dtype::Float32),
    )
}

/// The `n x n` identity matrix.
///
/// # Errors
/// As [`eye`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::identity(2, Some(mlx_core::Dtype::Int32))?;
/// assert_eq!(a.to_vec::<i32>()?, vec![1, 0, 0, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn identity(n: i64, dtype: Option<Dtype>) -> Result<Array> {
    check_size("identity", "n", n)?;
    identity_unlabeled(n, dtype).map_err(|e| e.in_op("identity"))
}

/// [`identity`] before its errors are relabelled.
fn identity_unlabeled(n: i64, dtype: Option<Dtype>) -> Result<Array> {
    eye(n, None, 0, dtype)
}

/// An `n x m` matrix with ones at and below diagonal `k`, zeros above.
///
/// # Errors
/// As [`eye`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::tri(2, None, 0, None)?;
/// assert_eq!(a.to_vec::<f32>()?, vec![1.0, 0.0, 1.0, 1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tri(n: i64, m: Option<i64>, k: i64, dtype: Option<Dtype>) -> Result<Array> {
    let n = check_size("tri", "n", n)?;
    let m = m.map(|m| check_size("tri", "m", m)).transpose()?;
    tri_unlabeled(n, m, k, dtype).map_err(|e| e.in_op("tri"))
}

/// [`tri`] before its errors are relabelled.
fn tri_unlabeled(n: usize, m: Option<usize>, k: i64, dtype: Option<Dtype>) -> Result<Array> {
    let m = m.unwrap_or(n);
    check_size_fits("tri", &[n, m], dtype.unwrap_or(Dtype::Float32).size())?;
    let rows = (expand_dims(&arange_f64(0.0, n as f64, 1.0, Dtype::Int64)?, &[1])? + k)?;
    let cols = arange_f64(0.0, m as f64, 1.0, Dtype::Int64)?;
    astype(
        &super::binary::less_equal(&cols, &rows)?,
        dtype.unwrap_or(Dtype::Float32),
    )
}
