//! Elementwise helpers MLX builds from other ops: `divmod`, `degrees`,
//! `radians`, `nan_to_num`, `isclose`, `allclose`, `array_equal`,
//! `isposinf`, `isneginf`, and the complex parts `real`, `imag`, `conj`.

use super::arguments::IntoOperand;
use super::binary::{equal, less_equal, logical_and, logical_or, multiply, subtract, where_};
use super::operators::scalar_like;
use super::reduce::all;
use super::shape::{astype, broadcast_to};
use super::unary::{abs, isinf, isnan, logical_not, unary};
use crate::primitive::{MultiOp, UnaryOp};
use crate::shape::broadcast_shapes;
use crate::{Array, Dtype, Error, HostData, Result};

/// `(floor_divide(a, b), remainder(a, b))`, MLX's `divmod`: one node with
/// two outputs, computed by one kernel. Its derivative is zero, as MLX's.
///
/// # Errors
/// `[divmod] complex type not supported`, or broadcast errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[7i32, -7], &[2])?;
/// let b = mlx_core::Array::from_slice(&[2i32], &[1])?;
/// let (q, r) = mlx_core::ops::divmod(&a, &b)?;
/// assert_eq!(q.to_vec::<i32>()?, vec![3, -4]);
/// assert_eq!(r.to_vec::<i32>()?, vec![1, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn divmod(a: impl IntoOperand, b: impl IntoOperand) -> Result<(Array, Array)> {
    let (a, b) = super::operand_pair(a, b).map_err(|e| e.in_op("divmod"))?;
    divmod_unlabeled(&a, &b).map_err(|e| e.in_op("divmod"))
}

/// [`divmod`] before its errors are relabelled.
fn divmod_unlabeled(a: &Array, b: &Array) -> Result<(Array, Array)> {
    if Dtype::promote(a.dtype(), b.dtype()).is_complex() {
        return Err(Error::invalid("divmod", "complex type not supported"));
    }
    let promoted = Dtype::promote(a.dtype(), b.dtype());
    broadcast_shapes("divmod", a.shape(), b.shape())?;
    let inputs = vec![astype(a, promoted)?, astype(b, promoted)?];
    let mut qr = MultiOp::DivMod.node(inputs)?;
    let r = qr
        .pop()
        .ok_or_else(|| Error::internal("divmod", "missing output"))?;
    let q = qr
        .pop()
        .ok_or_else(|| Error::internal("divmod", "missing output"))?;
    Ok((q, r))
}

/// `a` in its float dtype (integers and bool become `float32`).
fn inexact(a: &Array) -> Result<Array> {
    astype(a, a.dtype().to_inexact())
}

/// Radians to degrees: `a * (180 / pi)`, the constant rounded to `a`'s
/// float dtype first, as MLX does.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[std::f32::consts::PI], &[1])?;
/// assert_eq!(mlx_core::ops::degrees(&a)?.to_vec::<f32>()?, vec![180.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn degrees(a: &Array) -> Result<Array> {
    degrees_unlabeled(a).map_err(|e| e.in_op("degrees"))
}

/// [`degrees`] before its errors are relabelled.
fn degrees_unlabeled(a: &Array) -> Result<Array> {
    inexact(a)? * (180.0 / std::f64::consts::PI)
}

/// Degrees to radians: `a * (pi / 180)`.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[180i32], &[1])?;
/// let r = mlx_core::ops::radians(&a)?.to_vec::<f32>()?;
/// assert_eq!(r, vec![std::f32::consts::PI]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn radians(a: &Array) -> Result<Array> {
    radians_unlabeled(a).map_err(|e| e.in_op("radians"))
}

/// [`radians`] before its errors are relabelled.
fn radians_unlabeled(a: &Array) -> Result<Array> {
    inexact(a)? * (std::f64::consts::PI / 180.0)
}

/// The largest finite value of a float dtype.
fn finite_max(d: Dtype) -> f64 {
    match d {
        Dtype::Float16 => half::f16::MAX.to_f64(),
        Dtype::Bfloat16 => half::bf16::MAX.to_f64(),
        Dtype::Float32 => f32::MAX as f64,
        _ => f64::MAX,
    }
}

/// Replace NaN by `nan`, +inf by `posinf` and -inf by `neginf` (by default
/// the dtype's largest and smallest finite values). The replacements are
/// cast to `a`'s dtype. Integer and bool inputs come back unchanged.
///
/// # Errors
/// `[nan_to_num] does not yet support given type: complex64` (also for
/// `float64` unless both `posinf` and `neginf` are given, as in MLX 0.32.4,
/// which has no default for them).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[f32::NAN, f32::INFINITY, 1.0], &[3])?;
/// let b = mlx_core::ops::nan_to_num(&a, 0.0, None, None)?.to_vec::<f32>()?;
/// assert_eq!(b, vec![0.0, f32::MAX, 1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn nan_to_num(a: &Array, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> Result<Array> {
    nan_to_num_unlabeled(a, nan, posinf, neginf).map_err(|e| e.in_op("nan_to_num"))
}

/// [`nan_to_num`] before its errors are relabelled.
fn nan_to_num_unlabeled(
    a: &Array,
    nan: f64,
    posinf: Option<f64>,
    neginf: Option<f64>,
) -> Result<Array> {
    let d = a.dtype();
    let no_default = d == Dtype::Float64 && (posinf.is_none() || neginf.is_none());
    if d.is_complex() || no_default {
        return Err(Error::invalid(
            "nan_to_num",
            format!("does not yet support given type: {d}"),
        ));
    }
    if !d.is_float() {
        return Ok(a.clone());
    }
    let max = finite_max(d);
    let pos = scalar_like(posinf.unwrap_or(max), a)?;
    let neg = scalar_like(neginf.unwrap_or(-max), a)?;
    let out = where_(&isnan(a)?, &scalar_like(nan, a)?, a)?;
    let out = where_(&isposinf(a)?, &pos, &out)?;
    where_(&isneginf(a)?, &neg, &out)
}

/// True where `a` is +inf (false for integers and bool).
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[f32::INFINITY, f32::NEG_INFINITY, 1.0], &[3])?;
/// assert_eq!(mlx_core::ops::isposinf(&a)?.to_vec::<bool>()?, vec![true, false, false]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn isposinf(a: &Array) -> Result<Array> {
    isposinf_unlabeled(a).map_err(|e| e.in_op("isposinf"))
}

/// [`isposinf`] before its errors are relabelled.
fn isposinf_unlabeled(a: &Array) -> Result<Array> {
    if !a.dtype().is_inexact() {
        return broadcast_to(&scalar_like(false, &astype(a, Dtype::Bool)?)?, a.shape());
    }
    equal(a, &scalar_like(f64::INFINITY, a)?)
}

/// True where `a` is -inf (false for integers and bool).
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[f32::INFINITY, f32::NEG_INFINITY, 1.0], &[3])?;
/// assert_eq!(mlx_core::ops::isneginf(&a)?.to_vec::<bool>()?, vec![false, true, false]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn isneginf(a: &Array) -> Result<Array> {
    isneginf_unlabeled(a).map_err(|e| e.in_op("isneginf"))
}

/// [`isneginf`] before its errors are relabelled.
fn isneginf_unlabeled(a: &Array) -> Result<Array> {
    if !a.dtype().is_inexact() {
        return broadcast_to(&scalar_like(false, &astype(a, Dtype::Bool)?)?, a.shape());
    }
    equal(a, &scalar_like(f64::NEG_INFINITY, a)?)
}

/// Elementwise `|a - b| <= atol + rtol * |b|`, with infinities close only
/// to an equal infinity and NaN close to NaN only when `equal_nan` (MLX's
/// defaults: `rtol = 1e-5`, `atol = 1e-8`, `equal_nan = false`).
///
/// # Errors
/// Broadcast errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, f32::NAN], &[2])?;
/// let b = mlx_core::Array::from_slice(&[1.000001f32, f32::NAN], &[2])?;
/// let c = mlx_core::ops::isclose(&a, &b, 1e-5, 1e-8, true)?;
/// assert_eq!(c.to_vec::<bool>()?, vec![true, true]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn isclose(a: &Array, b: &Array, rtol: f64, atol: f64, equal_nan: bool) -> Result<Array> {
    isclose_unlabeled(a, b, rtol, atol, equal_nan).map_err(|e| e.in_op("isclose"))
}

/// [`isclose`] before its errors are relabelled.
fn isclose_unlabeled(a: &Array, b: &Array, rtol: f64, atol: f64, equal_nan: bool) -> Result<Array> {
    let diff = abs(&subtract(a, b)?)?;
    let bound = (multiply(&abs(b)?, &scalar_like(rtol, &diff)?)? + scalar_like(atol, &diff)?)?;
    let close = less_equal(&diff, &bound)?;
    let any_inf = logical_or(&isinf(a)?, &isinf(b)?)?;
    let both_inf = logical_and(&logical_and(&isinf(a)?, &isinf(b)?)?, &equal(a, b)?)?;
    let mut out = logical_or(&logical_and(&close, &logical_not(&any_inf)?)?, &both_inf)?;
    if equal_nan {
        out = logical_or(&out, &logical_and(&isnan(a)?, &isnan(b)?)?)?;
    }
    Ok(out)
}

/// Whether every element of `a` is close to `b` ([`isclose`]), as a 0-d
/// bool array.
///
/// # Errors
/// Broadcast errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// let b = mlx_core::Array::from_slice(&[1.0f32, 2.00001], &[2])?;
/// assert!(mlx_core::ops::allclose(&a, &b, 1e-5, 1e-8, false)?.item::<bool>()?);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn allclose(a: &Array, b: &Array, rtol: f64, atol: f64, equal_nan: bool) -> Result<Array> {
    allclose_unlabeled(a, b, rtol, atol, equal_nan).map_err(|e| e.in_op("allclose"))
}

/// [`allclose`] before its errors are relabelled.
fn allclose_unlabeled(
    a: &Array,
    b: &Array,
    rtol: f64,
    atol: f64,
    equal_nan: bool,
) -> Result<Array> {
    all(&isclose(a, b, rtol, atol, equal_nan)?, (), false)
}

/// Whether `a` and `b` have the same shape and equal elements (after
/// promotion), as a 0-d bool array; NaNs count as equal when `equal_nan`.
/// Different shapes give `false`, never an error.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// let b = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert!(mlx_core::ops::array_equal(&a, &b, false)?.item::<bool>()?);
/// let c = mlx_core::Array::from_slice(&[1i32, 2], &[1, 2])?;
/// assert!(!mlx_core::ops::array_equal(&a, &c, false)?.item::<bool>()?);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn array_equal(a: &Array, b: &Array, equal_nan: bool) -> Result<Array> {
    array_equal_unlabeled(a, b, equal_nan).map_err(|e| e.in_op("array_equal"))
}

/// [`array_equal`] before its errors are relabelled.
fn array_equal_unlabeled(a: &Array, b: &Array, equal_nan: bool) -> Result<Array> {
    if a.shape() != b.shape() {
        return Array::from_host_data_on(HostData::from(vec![false]), &[], a.device());
    }
    let mut eq = equal(a, b)?;
    if equal_nan {
        eq = logical_or(&eq, &logical_and(&isnan(a)?, &isnan(b)?)?)?;
    }
    all(&eq, (), false)
}

/// The real part: `float32` for `complex64`, `a` itself otherwise.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, Complex64};
/// let z = Array::from_slice(&[Complex64::new(1.0, 2.0)], &[1])?;
/// assert_eq!(mlx_core::ops::real(&z)?.to_vec::<f32>()?, vec![1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn real(a: &Array) -> Result<Array> {
    if a.dtype().is_complex() {
        unary(UnaryOp::Real, a)
    } else {
        Ok(a.clone())
    }
}

/// The imaginary part: `float32` for `complex64`, zeros of `a`'s dtype
/// otherwise.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, Complex64};
/// let z = Array::from_slice(&[Complex64::new(1.0, 2.0)], &[1])?;
/// assert_eq!(mlx_core::ops::imag(&z)?.to_vec::<f32>()?, vec![2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn imag(a: &Array) -> Result<Array> {
    imag_unlabeled(a).map_err(|e| e.in_op("imag"))
}

/// [`imag`] before its errors are relabelled.
fn imag_unlabeled(a: &Array) -> Result<Array> {
    if a.dtype().is_complex() {
        unary(UnaryOp::Imag, a)
    } else {
        let zero = Array::from_host_data_on(HostData::from(vec![0i32]), &[], a.device())?;
        broadcast_to(&astype(&zero, a.dtype())?, a.shape())
    }
}

/// The complex conjugate (MLX's `conjugate`); real inputs come back
/// unchanged.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, Complex64};
/// let z = Array::from_slice(&[Complex64::new(1.0, 2.0)], &[1])?;
/// assert_eq!(mlx_core::ops::conjugate(&z)?.to_vec::<Complex64>()?, vec![Complex64::new(1.0, -2.0)]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conjugate(a: &Array) -> Result<Array> {
    if a.dtype().is_complex() {
        unary(UnaryOp::Conjugate, a)
    } else {
        Ok(a.clone())
    }
}

/// MLX's `conj`, an alias of [`conjugate`].
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[3i32], &[1])?;
/// assert_eq!(mlx_core::ops::conj(&a)?.to_vec::<i32>()?, vec![3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conj(a: &Array) -> Result<Array> {
    conj_unlabeled(a).map_err(|e| e.in_op("conj"))
}

/// [`conj`] before its errors are relabelled.
fn conj_unlabeled(a: &Array) -> Result<Array> {
    conjugate(a)
}

impl Array {
    /// Method form of [`real`].
    ///
    /// # Errors
    /// As [`real`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.5f32], &[1])?;
    /// assert_eq!(a.real()?.to_vec::<f32>()?, vec![1.5]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn real(&self) -> Result<Array> {
        real(self)
    }

    /// Method form of [`imag`].
    ///
    /// # Errors
    /// As [`imag`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.5f32], &[1])?;
    /// assert_eq!(a.imag()?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn imag(&self) -> Result<Array> {
        imag(self)
    }

    /// Method form of [`conj`].
    ///
    /// # Errors
    /// As [`conj`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.5f32], &[1])?;
    /// assert_eq!(a.conj()?.to_vec::<f32>()?, vec![1.5]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn conj(&self) -> Result<Array> {
        conj(self)
    }
}
