//! Elementwise ops of one input, and the NaN/inf tests built from them.

use super::binary::{equal, not_equal};
use super::creation::full_like_bool;
use super::operators::scalar_like;
use super::shape::astype;
use crate::primitive::{Primitive, UnaryOp};
use crate::{Array, Result};

pub(super) fn unary(op: UnaryOp, a: &Array) -> Result<Array> {
    let compute = op.compute_dtype(a.dtype())?;
    let input = astype(a, compute)?;
    Array::from_op(
        Primitive::Unary(op),
        vec![input],
        a.shape().to_vec(),
        op.out_dtype(compute),
    )
}

macro_rules! unary_fns {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// # Errors
        #[doc = concat!("`[", stringify!($name), "] ...` for a dtype the op rejects (e.g. complex where unsupported).")]
        pub fn $name(a: &Array) -> Result<Array> {
            unary(UnaryOp::$op, a)
        }

        impl Array {
            #[doc = concat!("Method form of [`", stringify!($name), "`].")]
            ///
            /// # Errors
            #[doc = concat!("As [`", stringify!($name), "`].")]
            pub fn $name(&self) -> Result<Array> {
                unary(UnaryOp::$op, self)
            }
        }
    )*};
}

unary_fns! {
    /// Absolute value (`abs` of complex is `float32`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[-2i32, 3], &[2])?;
    /// assert_eq!(mlx_core::ops::abs(&a)?.to_vec::<i32>()?, vec![2, 3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    abs => Abs;
    /// Negation (wraps for unsigned integers).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[2.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::negative(&a)?.to_vec::<f32>()?, vec![-2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    negative => Negative;
    /// Sign: -1, 0 or 1 (NaN gives 0, as in MLX).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[-2i32, 0, 5], &[3])?;
    /// assert_eq!(mlx_core::ops::sign(&a)?.to_vec::<i32>()?, vec![-1, 0, 1]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    sign => Sign;
    /// `a * a`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[3i32], &[1])?;
    /// assert_eq!(mlx_core::ops::square(&a)?.to_vec::<i32>()?, vec![9]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    square => Square;
    /// Square root; integers give `float32`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[4i32], &[1])?;
    /// assert_eq!(mlx_core::ops::sqrt(&a)?.to_vec::<f32>()?, vec![2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    sqrt => Sqrt;
    /// `1 / sqrt(a)`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[4.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::rsqrt(&a)?.to_vec::<f32>()?, vec![0.5]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    rsqrt => Rsqrt;
    /// `1 / a`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[4.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::reciprocal(&a)?.to_vec::<f32>()?, vec![0.25]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    reciprocal => Reciprocal;
    /// `e ** a`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::exp(&a)?.to_vec::<f32>()?, vec![1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    exp => Exp;
    /// `exp(a) - 1`, accurate near 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::expm1(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    expm1 => Expm1;
    /// Natural logarithm.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::log(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    log => Log;
    /// `log(1 + a)`, accurate near 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::log1p(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    log1p => Log1p;
    /// Base-2 logarithm.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[8.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::log2(&a)?.to_vec::<f32>()?, vec![3.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    log2 => Log2;
    /// Base-10 logarithm.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[100.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::log10(&a)?.to_vec::<f32>()?, vec![2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    log10 => Log10;
    /// Sine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::sin(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    sin => Sin;
    /// Cosine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::cos(&a)?.to_vec::<f32>()?, vec![1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    cos => Cos;
    /// Tangent.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::tan(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    tan => Tan;
    /// Inverse sine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::arcsin(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    arcsin => ArcSin;
    /// Inverse cosine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::arccos(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    arccos => ArcCos;
    /// Inverse tangent.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::arctan(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    arctan => ArcTan;
    /// Hyperbolic sine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::sinh(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    sinh => Sinh;
    /// Hyperbolic cosine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::cosh(&a)?.to_vec::<f32>()?, vec![1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    cosh => Cosh;
    /// Hyperbolic tangent.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::tanh(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    tanh => Tanh;
    /// Inverse hyperbolic sine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::arcsinh(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    arcsinh => ArcSinh;
    /// Inverse hyperbolic cosine.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::arccosh(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    arccosh => ArcCosh;
    /// Inverse hyperbolic tangent.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::arctanh(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    arctanh => ArcTanh;
    /// Logistic sigmoid `1 / (1 + exp(-a))`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::sigmoid(&a)?.to_vec::<f32>()?, vec![0.5]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    sigmoid => Sigmoid;
    /// Gauss error function.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::erf(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    erf => Erf;
    /// Inverse of [`erf`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::erfinv(&a)?.to_vec::<f32>()?, vec![0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    erfinv => ErfInv;
    /// Round down (integers unchanged).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[-1.5f32], &[1])?;
    /// assert_eq!(mlx_core::ops::floor(&a)?.to_vec::<f32>()?, vec![-2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    floor => Floor;
    /// Round up (integers unchanged).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[-1.5f32], &[1])?;
    /// assert_eq!(mlx_core::ops::ceil(&a)?.to_vec::<f32>()?, vec![-1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    ceil => Ceil;
    /// Logical not; the input is cast to bool.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0i32, 3], &[2])?;
    /// assert_eq!(mlx_core::ops::logical_not(&a)?.to_vec::<bool>()?, vec![true, false]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    logical_not => LogicalNot;
    /// Identity that blocks gradients.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::stop_gradient(&a)?.to_vec::<f32>()?, vec![1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    stop_gradient => StopGradient;
}

/// Round half to even to `decimals` places (MLX's `round`; negative
/// `decimals` round to tens, hundreds..., integers included).
///
/// As MLX: with `decimals != 0` the input is multiplied by `10^decimals`
/// (a `float32` scale) in its inexact dtype (`float32` for integers and
/// bool; complex parts are rounded each), rounded, multiplied by the
/// `float32` reciprocal of the scale and cast back to its dtype.
///
/// # Errors
/// `[round] not supported for complex64`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[0.5f32, 1.5, 2.5, 1.234], &[4])?;
/// assert_eq!(mlx_core::ops::round(&a, 0)?.to_vec::<f32>()?, vec![0.0, 2.0, 2.0, 1.0]);
/// // mx.round(mx.array([15, 25, 1234]), -1) is [20, 20, 1230]
/// let i = mlx_core::Array::from_slice(&[15i32, 25, 1234], &[3])?;
/// assert_eq!(mlx_core::ops::round(&i, -1)?.to_vec::<i32>()?, vec![20, 20, 1230]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn round(a: &Array, decimals: i32) -> Result<Array> {
    round_unlabeled(a, decimals).map_err(|e| e.in_op("round"))
}

/// [`round`] before its errors are relabelled.
fn round_unlabeled(a: &Array, decimals: i32) -> Result<Array> {
    if decimals == 0 {
        return unary(UnaryOp::Round, a);
    }
    let x = astype(a, a.dtype().to_inexact())?;
    let scale = 10f64.powi(decimals) as f32;
    let scaled = (&x * &scalar_like(scale, &x)?)?;
    let r = (unary(UnaryOp::Round, &scaled)? * &scalar_like(1.0 / scale, &x)?)?;
    astype(&r, a.dtype())
}

/// True where `a` is NaN (all false for non-float dtypes).
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[f32::NAN, 1.0], &[2])?;
/// assert_eq!(mlx_core::ops::isnan(&a)?.to_vec::<bool>()?, vec![true, false]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn isnan(a: &Array) -> Result<Array> {
    if !a.dtype().is_inexact() {
        return full_like_bool(a, false);
    }
    not_equal(a, a)
}

/// True where `a` is +inf or -inf.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[f32::NEG_INFINITY, 1.0], &[2])?;
/// assert_eq!(mlx_core::ops::isinf(&a)?.to_vec::<bool>()?, vec![true, false]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn isinf(a: &Array) -> Result<Array> {
    if !a.dtype().is_inexact() {
        return full_like_bool(a, false);
    }
    equal(
        &abs(a)?,
        &super::operators::scalar_like(f64::INFINITY, &abs(a)?)?,
    )
}

/// True where `a` is neither NaN nor infinite.
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[f32::NAN, f32::INFINITY, 1.0], &[3])?;
/// assert_eq!(mlx_core::ops::isfinite(&a)?.to_vec::<bool>()?, vec![false, false, true]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn isfinite(a: &Array) -> Result<Array> {
    if !a.dtype().is_inexact() {
        return full_like_bool(a, true);
    }
    let finite_or_nan = logical_not(&isinf(a)?)?;
    super::binary::logical_and(&finite_or_nan, &logical_not(&isnan(a)?)?)
}

impl Array {
    /// Method form of [`round`].
    ///
    /// # Errors
    /// As [`round`].
    pub fn round(&self, decimals: i32) -> Result<Array> {
        round(self, decimals)
    }
    /// Method form of [`isnan`].
    ///
    /// # Errors
    /// As [`isnan`].
    pub fn isnan(&self) -> Result<Array> {
        isnan(self)
    }
    /// Method form of [`isinf`].
    ///
    /// # Errors
    /// As [`isinf`].
    pub fn isinf(&self) -> Result<Array> {
        isinf(self)
    }
    /// Method form of [`isfinite`].
    ///
    /// # Errors
    /// As [`isfinite`].
    pub fn isfinite(&self) -> Result<Array> {
        isfinite(self)
    }
}
