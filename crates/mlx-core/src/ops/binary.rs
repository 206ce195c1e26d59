//! Broadcasting elementwise ops of two inputs, `where`, and `clip`.

use super::arguments::{operand_pair, IntoBound, IntoOperand, Operand};
use super::shape::astype;
use crate::primitive::{BinaryOp, Primitive};
use crate::shape::broadcast_shapes;
use crate::{Array, Dtype, Result};

/// Record a broadcasting binary op: promote, cast, compute the shape.
pub(super) fn binary(op: BinaryOp, a: &Array, b: &Array) -> Result<Array> {
    let promoted = Dtype::promote(a.dtype(), b.dtype());
    let compute = op.compute_dtype(promoted)?;
    let shape = broadcast_shapes(op.name(), a.shape(), b.shape())?;
    let inputs = vec![astype(a, compute)?, astype(b, compute)?];
    Array::from_op(Primitive::Binary(op), inputs, shape, op.out_dtype(compute))
}

macro_rules! binary_fns {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Broadcasts by NumPy rules and promotes dtypes as MLX does.
        /// Either side may be a Rust scalar, weakly typed as a Python
        /// scalar in MLX (see [`Operand`](super::Operand)).
        ///
        /// # Errors
        #[doc = concat!("`[", stringify!($name), "] shapes (2,) and (3,) cannot be broadcast`, or a dtype the op rejects.")]
        pub fn $name(a: impl IntoOperand, b: impl IntoOperand) -> Result<Array> {
            let (a, b) = operand_pair(a, b).map_err(|e| e.in_op(BinaryOp::$op.name()))?;
            binary(BinaryOp::$op, &a, &b)
        }

        impl Array {
            #[doc = concat!("Method form of [`", stringify!($name), "`].")]
            ///
            /// # Errors
            #[doc = concat!("As [`", stringify!($name), "`].")]
            pub fn $name(&self, other: impl IntoOperand) -> Result<Array> {
                $name(self, other)
            }
        }
    )*};
}

binary_fns! {
    /// Elementwise `a + b`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// assert_eq!(mlx_core::ops::add(&a, &a)?.to_vec::<i32>()?, vec![2, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    add => Add;
    /// Elementwise `a - b`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// assert_eq!(mlx_core::ops::subtract(&a, &a)?.to_vec::<i32>()?, vec![0, 0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    subtract => Subtract;
    /// Elementwise `a * b`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[3i32], &[1])?;
    /// assert_eq!(mlx_core::ops::multiply(&a, &a)?.to_vec::<i32>()?, vec![9]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    multiply => Multiply;
    /// Elementwise true division; integers give `float32`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32], &[1])?;
    /// let b = mlx_core::Array::from_slice(&[2i32], &[1])?;
    /// assert_eq!(mlx_core::ops::divide(&a, &b)?.to_vec::<f32>()?, vec![0.5]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    divide => Divide;
    /// Elementwise floor of `a / b` (integer division rounding down for integers).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[-7i32], &[1])?;
    /// let b = mlx_core::Array::from_slice(&[2i32], &[1])?;
    /// assert_eq!(mlx_core::ops::floor_divide(&a, &b)?.to_vec::<i32>()?, vec![-4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    floor_divide => FloorDivide;
    /// Elementwise remainder with the sign of `b` (Python's `%`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[-7i32], &[1])?;
    /// let b = mlx_core::Array::from_slice(&[2i32], &[1])?;
    /// assert_eq!(mlx_core::ops::remainder(&a, &b)?.to_vec::<i32>()?, vec![1]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    remainder => Remainder;
    /// Elementwise `a ** b`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[2i32], &[1])?;
    /// let b = mlx_core::Array::from_slice(&[10i32], &[1])?;
    /// assert_eq!(mlx_core::ops::power(&a, &b)?.to_vec::<i32>()?, vec![1024]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    power => Power;
    /// Elementwise maximum; NaN wins.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.0f32, 5.0], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[3.0f32, 2.0], &[2])?;
    /// assert_eq!(mlx_core::ops::maximum(&a, &b)?.to_vec::<f32>()?, vec![3.0, 5.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    maximum => Maximum;
    /// Elementwise minimum; NaN wins.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.0f32, 5.0], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[3.0f32, 2.0], &[2])?;
    /// assert_eq!(mlx_core::ops::minimum(&a, &b)?.to_vec::<f32>()?, vec![1.0, 2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    minimum => Minimum;
    /// Elementwise `atan2(a, b)`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
    /// let v = mlx_core::ops::arctan2(&a, &a)?.to_vec::<f32>()?;
    /// assert!((v[0] - std::f32::consts::FRAC_PI_4).abs() < 1e-6);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    arctan2 => ArcTan2;
    /// Elementwise `log(exp(a) + exp(b))`, computed stably.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
    /// let v = mlx_core::ops::logaddexp(&a, &a)?.to_vec::<f32>()?;
    /// assert!((v[0] - std::f32::consts::LN_2).abs() < 1e-6);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    logaddexp => LogAddExp;
    /// Elementwise `a == b` (bool).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
    /// assert_eq!(mlx_core::ops::equal(&a, &b)?.to_vec::<bool>()?, vec![true, false]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    equal => Equal;
    /// Elementwise `a != b` (bool).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// assert_eq!(mlx_core::ops::not_equal(&a, &a)?.to_vec::<bool>()?, vec![false, false]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    not_equal => NotEqual;
    /// Elementwise `a < b` (bool).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[2i32], &[1])?;
    /// assert_eq!(mlx_core::ops::less(&a, &b)?.to_vec::<bool>()?, vec![true, false]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    less => Less;
    /// Elementwise `a <= b` (bool).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[1i32], &[1])?;
    /// assert_eq!(mlx_core::ops::less_equal(&a, &b)?.to_vec::<bool>()?, vec![true, false]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    less_equal => LessEqual;
    /// Elementwise `a > b` (bool).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[1i32], &[1])?;
    /// assert_eq!(mlx_core::ops::greater(&a, &b)?.to_vec::<bool>()?, vec![false, true]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    greater => Greater;
    /// Elementwise `a >= b` (bool).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[2i32], &[1])?;
    /// assert_eq!(mlx_core::ops::greater_equal(&a, &b)?.to_vec::<bool>()?, vec![false, true]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    greater_equal => GreaterEqual;
    /// Elementwise logical and; inputs are cast to bool.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[true, false], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[true, true], &[2])?;
    /// assert_eq!(mlx_core::ops::logical_and(&a, &b)?.to_vec::<bool>()?, vec![true, false]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    logical_and => LogicalAnd;
    /// Elementwise logical or; inputs are cast to bool.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[true, false], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[false, false], &[2])?;
    /// assert_eq!(mlx_core::ops::logical_or(&a, &b)?.to_vec::<bool>()?, vec![true, false]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    logical_or => LogicalOr;
}

/// Pick from `x` where `condition` is true, else from `y` (MLX's `where`;
/// `where` is a Rust keyword). All three broadcast; `x` and `y` promote,
/// and either may be a weakly typed Rust scalar (`where_(&m, &a, 0.0)`
/// keeps a `float16` `a` in `float16`, as MLX).
///
/// # Errors
/// `[where] shapes ... cannot be broadcast`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, Dtype};
/// let c = Array::from_slice(&[true, false], &[2])?;
/// let x = Array::from_slice(&[1i32, 2], &[2])?;
/// let y = Array::from_slice(&[10i32], &[1])?;
/// assert_eq!(mlx_core::ops::where_(&c, &x, &y)?.to_vec::<i32>()?, vec![1, 10]);
/// // mx.where(c, x.astype(mx.float16), 0.0).dtype == mx.float16
/// let h = x.as_type(Dtype::Float16)?;
/// assert_eq!(mlx_core::ops::where_(&c, &h, 0.0)?.dtype(), Dtype::Float16);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn where_(
    condition: impl IntoOperand,
    x: impl IntoOperand,
    y: impl IntoOperand,
) -> Result<Array> {
    let build = || {
        let condition = condition.into_operand().into_array()?;
        let (x, y) = operand_pair(x, y)?;
        where_unlabeled(&condition, &x, &y)
    };
    build().map_err(|e| e.in_op("where"))
}

/// [`where_`] before its errors are relabelled.
fn where_unlabeled(condition: &Array, x: &Array, y: &Array) -> Result<Array> {
    let dtype = Dtype::promote(x.dtype(), y.dtype());
    let shape = broadcast_shapes("where", condition.shape(), x.shape())?;
    let shape = broadcast_shapes("where", &shape, y.shape())?;
    let inputs = vec![
        astype(condition, Dtype::Bool)?,
        astype(x, dtype)?,
        astype(y, dtype)?,
    ];
    Array::from_op(Primitive::Select, inputs, shape, dtype)
}

/// Clip values to `[a_min, a_max]`. Each bound is an array (broadcasting),
/// a weakly typed Rust scalar, or `()` for no bound (MLX's `None`; not
/// both). The bounds apply one after the other as `minimum(maximum(a,
/// a_min), a_max)`, so mixed bound types promote as in MLX:
/// `clip(int32, 0, 1.5)` is `float32`.
///
/// # Errors
/// `[clip] at most one of a_min and a_max may be None`, broadcast
/// errors, or an integer bound `a`'s integer dtype cannot hold (checked for
/// both bounds against `a`'s dtype first, as MLX: `clip(&u8, 0.5, 300)`
/// is `[clip] converting 300 to uint8 would result in overflow`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Dtype;
/// let a = mlx_core::Array::from_slice(&[1i32, 5, 10], &[3])?;
/// let c = mlx_core::ops::clip(&a, 2, 8)?;
/// assert_eq!(c.to_vec::<i32>()?, vec![2, 5, 8]);
/// // mx.clip(mx.array([1, -2]), 0, 1.5) -> array([1, 0], dtype=float32)
/// let b = mlx_core::Array::from_slice(&[1i32, -2], &[2])?;
/// let c = mlx_core::ops::clip(&b, 0, 1.5)?;
/// assert_eq!((c.dtype(), c.to_vec::<f32>()?), (Dtype::Float32, vec![1.0, 0.0]));
/// let u = b.abs()?.as_type(Dtype::Uint8)?;
/// assert!(mlx_core::ops::clip(&u, 0.5, 300).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn clip(a: &Array, a_min: impl IntoBound, a_max: impl IntoBound) -> Result<Array> {
    clip_unlabeled(a, a_min.into_bound(), a_max.into_bound()).map_err(|e| e.in_op("clip"))
}

/// [`clip`] before its errors are relabelled.
fn clip_unlabeled(a: &Array, a_min: Option<Operand>, a_max: Option<Operand>) -> Result<Array> {
    if a_min.is_none() && a_max.is_none() {
        return Err(crate::Error::invalid(
            "clip",
            "at most one of a_min and a_max may be None",
        ));
    }
    // MLX converts both scalar bounds against `a`'s dtype before either
    // applies, so `clip(uint8, 0.5, 300)` is an overflow error even though
    // the lower bound makes the result float32.
    let a_min = a_min.map(|lo| lo.like(a)).transpose()?;
    let a_max = a_max.map(|hi| hi.like(a)).transpose()?;
    let mut out = a.clone();
    if let Some(lo) = a_min {
        out = maximum(&out, &lo)?;
    }
    if let Some(hi) = a_max {
        out = minimum(&out, &hi)?;
    }
    Ok(out)
}

impl Array {
    /// Method form of [`clip`].
    ///
    /// # Errors
    /// As [`clip`].
    pub fn clip(&self, a_min: impl IntoBound, a_max: impl IntoBound) -> Result<Array> {
        clip(self, a_min, a_max)
    }
}
