//! Bitwise ops on integers and bools: `bitwise_and`, `bitwise_or`,
//! `bitwise_xor`, `left_shift`, `right_shift` and `bitwise_invert`.

use super::arguments::{operand_pair, IntoOperand};
use super::binary::binary;
use super::unary::unary;
use crate::primitive::{BinaryOp, UnaryOp};
use crate::{Array, Dtype, Error, Result};

/// Check MLX's rule (the promoted dtype is an integer or bool), naming both
/// input dtypes as MLX does, then record the op.
fn bitwise(op: BinaryOp, a: &Array, b: &Array) -> Result<Array> {
    let promoted = Dtype::promote(a.dtype(), b.dtype());
    if !(promoted.is_integer() || promoted == Dtype::Bool) {
        return Err(Error::invalid(
            op.name(),
            format!(
                "only allowed on integer or boolean types but got types {} and {}",
                a.dtype(),
                b.dtype()
            ),
        ));
    }
    binary(op, a, b)
}

macro_rules! bitwise_fns {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Broadcasts by NumPy rules and promotes dtypes as MLX does;
        /// either side may be a weakly typed Rust scalar.
        ///
        /// # Errors
        #[doc = concat!("`[", stringify!($name), "] only allowed on integer or boolean types but got types float32 and int32`, or a broadcast error.")]
        pub fn $name(a: impl IntoOperand, b: impl IntoOperand) -> Result<Array> {
            let (a, b) = operand_pair(a, b).map_err(|e| e.in_op(BinaryOp::$op.name()))?;
            bitwise(BinaryOp::$op, &a, &b)
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

bitwise_fns! {
    /// Elementwise bitwise and (`a & b`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[12i32, 7], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[10i32], &[1])?;
    /// assert_eq!(mlx_core::ops::bitwise_and(&a, &b)?.to_vec::<i32>()?, vec![8, 2]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    bitwise_and => BitwiseAnd;
    /// Elementwise bitwise or (`a | b`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[12i32, 7], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[10i32], &[1])?;
    /// assert_eq!(mlx_core::ops::bitwise_or(&a, &b)?.to_vec::<i32>()?, vec![14, 15]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    bitwise_or => BitwiseOr;
    /// Elementwise bitwise exclusive or (`a ^ b`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[12i32, 7], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[10i32], &[1])?;
    /// assert_eq!(mlx_core::ops::bitwise_xor(&a, &b)?.to_vec::<i32>()?, vec![6, 13]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    bitwise_xor => BitwiseXor;
    /// Elementwise `a << b`. Bools shift as `uint8`; types narrower than 32
    /// bits shift as `int32` and wrap back. An amount that is negative or
    /// at least the bit width shifts every bit out and gives 0, as in NumPy
    /// (MLX leaves this to C++, where it is undefined: `1 << 40` on `int32`
    /// gives 256 on x86).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1u8, 3], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[7u8, 2], &[2])?;
    /// assert_eq!(mlx_core::ops::left_shift(&a, &b)?.to_vec::<u8>()?, vec![128, 12]);
    /// // np.left_shift(np.int32(1), [40, -1]) is [0, 0]
    /// let a = mlx_core::Array::from_slice(&[1i32], &[1])?;
    /// let b = mlx_core::Array::from_slice(&[40i32, -1], &[2])?;
    /// assert_eq!(mlx_core::ops::left_shift(&a, &b)?.to_vec::<i32>()?, vec![0, 0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    left_shift => LeftShift;
    /// Elementwise `a >> b`, arithmetic (sign-filling) for signed types;
    /// bools shift as `uint8`. An amount that is negative or at least the
    /// bit width shifts every bit out: 0, or -1 for a negative value (NumPy's
    /// rule, see [`left_shift`]).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[-8i32, 8], &[2])?;
    /// let b = mlx_core::Array::from_slice(&[2i32], &[1])?;
    /// assert_eq!(mlx_core::ops::right_shift(&a, &b)?.to_vec::<i32>()?, vec![-2, 2]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    right_shift => RightShift;
}

/// Elementwise bitwise not (`~a`); for bool it is `logical_not`.
///
/// # Errors
/// `[bitwise_invert] bitwise inverse only allowed on integer types (got float32)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[0u8, 5], &[2])?;
/// assert_eq!(mlx_core::ops::bitwise_invert(&a)?.to_vec::<u8>()?, vec![255, 250]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn bitwise_invert(a: &Array) -> Result<Array> {
    unary(UnaryOp::BitwiseInvert, a)
}

impl Array {
    /// Method form of [`bitwise_invert`].
    ///
    /// # Errors
    /// As [`bitwise_invert`].
    pub fn bitwise_invert(&self) -> Result<Array> {
        bitwise_invert(self)
    }
}
