//! Operator overloads (`&a + &b`, `&a * 2.0`, `-&a`) and MLX's weak typing
//! of Rust scalars. Operators return `Result<Array>`, and are also
//! implemented on `Result<Array>` so expressions chain: `(&a * &b + &c)?`.

use super::binary::{add, divide, multiply, remainder, subtract};
use super::bitwise::{
    bitwise_and, bitwise_invert, bitwise_or, bitwise_xor, left_shift, right_shift,
};
use super::unary::negative;
use crate::{Array, Dtype, Element, Error, HostData, Result};
use std::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Not, Rem, Shl, Shr, Sub};

/// A Rust scalar usable next to an array. Like Python scalars in MLX it is
/// weakly typed: it takes the array's dtype when that dtype can hold it
/// (`float16_array * 2.0` stays `float16`; `int32_array * 2.5` is `float32`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, Dtype};
/// let a = Array::from_slice(&[1i8, 2], &[2])?;
/// assert_eq!((&a * 2)?.dtype(), Dtype::Int8);
/// assert_eq!((&a * 2.5)?.dtype(), Dtype::Float32);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub trait Scalar: Copy + Send + Sync + 'static {
    /// True for floating-point scalars.
    const IS_FLOAT: bool;
    /// True for `bool`.
    const IS_BOOL: bool = false;
    /// The value as `f64`.
    fn to_f64(self) -> f64;
    /// The dtype this scalar takes next to an array of dtype `other`.
    fn weak_dtype(other: Dtype) -> Dtype {
        if Self::IS_BOOL {
            other
        } else if Self::IS_FLOAT {
            other.to_inexact()
        } else if other == Dtype::Bool {
            Dtype::Int32
        } else {
            other
        }
    }
    /// A 0-d array of this value with dtype `dtype`. An integer value is
    /// range checked against the 1-, 2- and 4-byte integer dtypes and wraps
    /// into `int64`/`uint64` (MLX converts a Python int through `int64`:
    /// `uint64_array + (-3)` wraps, `uint8_array + 300` is an error).
    ///
    /// # Errors
    /// `[array] converting 300 to uint8 would result in overflow`.
    fn to_array(self, dtype: Dtype, device: crate::Device) -> Result<Array> {
        value_to_array(self.to_f64(), !Self::IS_FLOAT, dtype, device)
    }
    /// The 0-d array this scalar becomes next to an array of dtype `other`
    /// (dtype [`Scalar::weak_dtype`]). As MLX, an integer next to a `bool`
    /// array becomes `int32` without a range check, wrapping
    /// (`bool_array + 2**40` adds 0).
    ///
    /// # Errors
    /// As [`Scalar::to_array`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{ops::Scalar, Dtype};
    /// let d = mlx_core::default_device();
    /// assert_eq!(3i64.to_array_like(Dtype::Float16, d)?.dtype(), Dtype::Float16);
    /// assert_eq!((1i64 << 40).to_array_like(Dtype::Bool, d)?.item::<i32>()?, 0);
    /// assert!(300i64.to_array_like(Dtype::Uint8, d).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    fn to_array_like(self, other: Dtype, device: crate::Device) -> Result<Array> {
        weak_value_to_array(
            self.to_f64(),
            !Self::IS_FLOAT && !Self::IS_BOOL,
            Self::weak_dtype(other),
            other,
            device,
        )
    }
}

/// A 0-d array of weak scalar `v` (an integer when `is_int`) placed next
/// to an array of dtype `other`, with dtype `dtype` (its weak dtype): an
/// integer next to a `bool` array wraps into `int32`, as in MLX.
pub(crate) fn weak_value_to_array(
    v: f64,
    is_int: bool,
    dtype: Dtype,
    other: Dtype,
    device: crate::Device,
) -> Result<Array> {
    if is_int && other == Dtype::Bool && dtype == Dtype::Int32 {
        // MLX: `mx.array([True]) + 2**40` is `int32` 1 (the int wraps).
        let data = HostData::from(vec![wrap_to_i64(v) as i32]);
        return Array::from_host_data_on(data, &[], device);
    }
    value_to_array(v, is_int, dtype, device)
}

/// Integer value `v` as MLX's `int64` (saturating past the `i64` range,
/// which MLX refuses outright).
fn wrap_to_i64(v: f64) -> i64 {
    v as i64
}

/// A 0-d array of `v` with dtype `dtype`; an integer value that a 1-, 2-
/// or 4-byte integer `dtype` cannot hold is an error (MLX's overflow
/// check), and one given to `int64`/`uint64` wraps as MLX's `int64` does.
pub(crate) fn value_to_array(
    v: f64,
    is_int: bool,
    dtype: Dtype,
    device: crate::Device,
) -> Result<Array> {
    let overflow = || {
        Error::invalid(
            "array",
            format!("converting {v} to {dtype} would result in overflow"),
        )
    };
    if dtype.is_integer() && is_int {
        let data = match dtype {
            // MLX checks only the integer dtypes narrower than 8 bytes.
            Dtype::Int64 | Dtype::Uint64 if v > i64::MAX as f64 => {
                // Past MLX's int64 (it raises std::bad_cast); a Rust u64
                // still fits uint64.
                if dtype == Dtype::Uint64 && v <= u64::MAX as f64 {
                    HostData::from(vec![v as u64])
                } else {
                    return Err(overflow());
                }
            }
            Dtype::Int64 => HostData::from(vec![wrap_to_i64(v)]),
            Dtype::Uint64 => HostData::from(vec![wrap_to_i64(v) as u64]),
            _ => {
                let (lo, hi) = int_range(dtype);
                if v < lo || v > hi {
                    return Err(overflow());
                }
                crate::with_dtype!(dtype, T => HostData::from(vec![<T as Element>::from_f64_lossy(v)]))
            }
        };
        return Array::from_host_data_on(data, &[], device);
    }
    let data =
        crate::with_dtype!(dtype, T => HostData::from(vec![<T as Element>::from_f64_lossy(v)]));
    Array::from_host_data_on(data, &[], device)
}

fn int_range(d: Dtype) -> (f64, f64) {
    match d {
        Dtype::Uint8 => (0.0, u8::MAX as f64),
        Dtype::Uint16 => (0.0, u16::MAX as f64),
        Dtype::Uint32 => (0.0, u32::MAX as f64),
        Dtype::Int8 => (i8::MIN as f64, i8::MAX as f64),
        Dtype::Int16 => (i16::MIN as f64, i16::MAX as f64),
        _ => (i32::MIN as f64, i32::MAX as f64),
    }
}

macro_rules! scalar {
    ($($t:ty => $float:expr),*) => {$(
        impl Scalar for $t {
            const IS_FLOAT: bool = $float;
            fn to_f64(self) -> f64 { self as f64 }
        }
    )*};
}
scalar!(f32 => true, f64 => true, i8 => false, i16 => false, i32 => false, i64 => false,
        u8 => false, u16 => false, u32 => false, u64 => false, usize => false, isize => false);

impl Scalar for bool {
    const IS_FLOAT: bool = false;
    const IS_BOOL: bool = true;
    fn to_f64(self) -> f64 {
        if self {
            1.0
        } else {
            0.0
        }
    }
}

/// The array form of scalar `s` placed next to `a`.
pub(crate) fn scalar_like<S: Scalar>(s: S, a: &Array) -> Result<Array> {
    s.to_array_like(a.dtype(), a.device())
}

macro_rules! binop {
    ($Trait:ident, $method:ident, $func:ident) => {
        impl $Trait<&Array> for &Array {
            type Output = Result<Array>;
            fn $method(self, rhs: &Array) -> Result<Array> {
                $func(self, rhs)
            }
        }
        impl $Trait<Array> for Array {
            type Output = Result<Array>;
            fn $method(self, rhs: Array) -> Result<Array> {
                $func(&self, &rhs)
            }
        }
        impl $Trait<&Array> for Array {
            type Output = Result<Array>;
            fn $method(self, rhs: &Array) -> Result<Array> {
                $func(&self, rhs)
            }
        }
        impl $Trait<Array> for &Array {
            type Output = Result<Array>;
            fn $method(self, rhs: Array) -> Result<Array> {
                $func(self, &rhs)
            }
        }
        impl $Trait<&Array> for Result<Array> {
            type Output = Result<Array>;
            fn $method(self, rhs: &Array) -> Result<Array> {
                $func(&self?, rhs)
            }
        }
        impl $Trait<Array> for Result<Array> {
            type Output = Result<Array>;
            fn $method(self, rhs: Array) -> Result<Array> {
                $func(&self?, &rhs)
            }
        }
        impl $Trait<Result<Array>> for &Array {
            type Output = Result<Array>;
            fn $method(self, rhs: Result<Array>) -> Result<Array> {
                $func(self, &rhs?)
            }
        }
        impl<S: Scalar> $Trait<S> for &Array {
            type Output = Result<Array>;
            fn $method(self, rhs: S) -> Result<Array> {
                $func(self, &scalar_like(rhs, self)?)
            }
        }
        impl<S: Scalar> $Trait<S> for Array {
            type Output = Result<Array>;
            fn $method(self, rhs: S) -> Result<Array> {
                $func(&self, &scalar_like(rhs, &self)?)
            }
        }
        scalar_lhs!($Trait, $method, $func, f32, f64, i32, i64, u32, u8);
    };
}

macro_rules! scalar_lhs {
    ($Trait:ident, $method:ident, $func:ident, $($t:ty),*) => {$(
        impl $Trait<&Array> for $t {
            type Output = Result<Array>;
            fn $method(self, rhs: &Array) -> Result<Array> { $func(&scalar_like(self, rhs)?, rhs) }
        }
        impl $Trait<Array> for $t {
            type Output = Result<Array>;
            fn $method(self, rhs: Array) -> Result<Array> { $func(&scalar_like(self, &rhs)?, &rhs) }
        }
    )*};
}

binop!(Add, add, add);
binop!(Sub, sub, subtract);
binop!(Mul, mul, multiply);
binop!(Div, div, divide);
binop!(Rem, rem, remainder);
binop!(BitAnd, bitand, bitwise_and);
binop!(BitOr, bitor, bitwise_or);
binop!(BitXor, bitxor, bitwise_xor);
binop!(Shl, shl, left_shift);
binop!(Shr, shr, right_shift);

impl Neg for &Array {
    type Output = Result<Array>;
    fn neg(self) -> Result<Array> {
        negative(self)
    }
}

impl Neg for Array {
    type Output = Result<Array>;
    fn neg(self) -> Result<Array> {
        negative(&self)
    }
}

/// `!&a` is MLX's `~a` ([`bitwise_invert`]).
impl Not for &Array {
    type Output = Result<Array>;
    fn not(self) -> Result<Array> {
        bitwise_invert(self)
    }
}

/// `!a` is MLX's `~a` ([`bitwise_invert`]).
impl Not for Array {
    type Output = Result<Array>;
    fn not(self) -> Result<Array> {
        bitwise_invert(&self)
    }
}
