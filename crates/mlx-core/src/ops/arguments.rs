//! The argument types every op shares: [`Axes`] (several optional axes),
//! [`Axis`] (one optional axis), [`Shape`] (a shape or list of sizes) and
//! [`Operand`] (an array or a weakly typed Rust scalar). Each converts
//! from the Rust values an MLX user would write, so `sum(&a, 1, false)`,
//! `sum(&a, [0, 1], false)`, `sum(&a, (), false)`, `zeros([2, 3], ..)`
//! and `maximum(&a, 0.0)` all read as in MLX.

use super::operators::Scalar;
use crate::shape::normalize_axes;
use crate::{Array, Dtype, Error, Result};

/// Axes of an op that reduces or permutes over several axes (`sum`,
/// `mean`, `squeeze`, `transpose`...): `()` means "every axis" (MLX's
/// `None`), an integer one axis, a slice, array or `Vec` of integers
/// several. Negative axes count from the end. `Option<&[i64]>` and
/// `Option<Vec<i64>>` convert too (`None` is every axis), for axes
/// computed at run time.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let a = Array::from_slice(&[1i32, 2, 3, 4], &[2, 2])?;
/// assert_eq!(ops::sum(&a, (), false)?.item::<i32>()?, 10);
/// assert_eq!(ops::sum(&a, -1, false)?.to_vec::<i32>()?, vec![3, 7]);
/// assert_eq!(ops::sum(&a, [0, 1], false)?.item::<i32>()?, 10);
/// let axes: Vec<usize> = vec![0];
/// assert_eq!(a.sum(&axes, false)?.to_vec::<i32>()?, vec![4, 6]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Axes(Option<Vec<i64>>);

impl Axes {
    /// Every axis (MLX's `axis=None`).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_core::ops::Axes::every().as_slice(), None);
    /// ```
    pub fn every() -> Axes {
        Axes(None)
    }

    /// The listed axes, or `None` for every axis.
    ///
    /// # Examples
    /// ```
    /// use mlx_core::ops::Axes;
    /// assert_eq!(Axes::from([1, -1]).as_slice(), Some(&[1i64, -1][..]));
    /// ```
    pub fn as_slice(&self) -> Option<&[i64]> {
        self.0.as_deref()
    }

    /// The axes normalised against `ndim` (every axis when `()`).
    pub(crate) fn resolve(&self, op: &'static str, ndim: usize) -> Result<Vec<usize>> {
        match &self.0 {
            None => Ok((0..ndim).collect()),
            Some(ax) => normalize_axes(op, ax, ndim),
        }
    }

    /// The listed axes; `()` is an error naming `op` (for ops such as
    /// `expand_dims` whose axes are required).
    pub(crate) fn required(self, op: &'static str) -> Result<Vec<i64>> {
        self.0
            .ok_or_else(|| Error::invalid(op, "axes are required (got `()`)"))
    }
}

impl From<()> for Axes {
    fn from(_: ()) -> Axes {
        Axes(None)
    }
}

/// `None` is every axis: for axes computed at run time.
impl From<Option<&[i64]>> for Axes {
    fn from(a: Option<&[i64]>) -> Axes {
        Axes(a.map(<[i64]>::to_vec))
    }
}

/// `None` is every axis: for axes computed at run time.
impl From<Option<Vec<i64>>> for Axes {
    fn from(a: Option<Vec<i64>>) -> Axes {
        Axes(a)
    }
}

impl From<&Axes> for Axes {
    fn from(a: &Axes) -> Axes {
        a.clone()
    }
}

/// One optional axis (`argmax`, `sort`, `cumsum`, `take`, `concatenate`,
/// `repeat`...): `()` means MLX's `axis=None` (the op works on the
/// flattened array), an integer one axis. `Option<i64>` converts too, for
/// an axis computed at run time.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let a = Array::from_slice(&[3i32, 1, 2, 0], &[2, 2])?;
/// assert_eq!(ops::argmax(&a, (), false)?.item::<u32>()?, 0);
/// assert_eq!(ops::argmax(&a, 1, false)?.to_vec::<u32>()?, vec![0, 0]);
/// assert_eq!(ops::argmax(&a, Some(0), false)?.to_vec::<u32>()?, vec![0, 0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Axis(Option<i64>);

impl Axis {
    /// No axis: the op works on the flattened array (MLX's `axis=None`).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_core::ops::Axis::flattened().get(), None);
    /// ```
    pub fn flattened() -> Axis {
        Axis(None)
    }

    /// The axis, or `None` for the flattened array.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_core::ops::Axis::from(-1).get(), Some(-1));
    /// ```
    pub fn get(self) -> Option<i64> {
        self.0
    }
}

impl From<()> for Axis {
    fn from(_: ()) -> Axis {
        Axis(None)
    }
}

impl From<Option<i64>> for Axis {
    fn from(a: Option<i64>) -> Axis {
        Axis(a)
    }
}

/// A shape, or a list of sizes or positions (`zeros`, `reshape`,
/// `broadcast_to`, `tile`, `random::normal`...): a slice, array or `Vec`
/// of integers, one integer for a 1-d shape, or `()` for the 0-d shape.
/// Ops check the entries: only `reshape` (and `unflatten`) accept one
/// `-1`; a negative size elsewhere is an error naming the op.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Dtype};
/// assert_eq!(ops::zeros([2, 3], Dtype::Float32)?.shape(), &[2, 3]);
/// assert_eq!(ops::zeros(4, Dtype::Float32)?.shape(), &[4]);
/// assert_eq!(ops::zeros((), Dtype::Float32)?.ndim(), 0);
/// let dims: Vec<usize> = vec![1, 2];
/// assert_eq!(ops::ones(&dims, Dtype::Int32)?.shape(), &[1, 2]);
/// let err = ops::zeros([2, -1], Dtype::Float32).unwrap_err();
/// assert!(err.to_string().starts_with("[zeros]"));
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Shape(Vec<i64>);

impl Shape {
    /// The entries as given (negative entries kept).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_core::ops::Shape::from([2, -1]).as_slice(), &[2, -1]);
    /// ```
    pub fn as_slice(&self) -> &[i64] {
        &self.0
    }

    /// The entries as sizes; a negative entry is an error naming `op`.
    pub(crate) fn dims(&self, op: &'static str) -> Result<Vec<usize>> {
        self.0
            .iter()
            .map(|&d| {
                usize::try_from(d).map_err(|_| {
                    Error::invalid(
                        op,
                        format!(
                            "negative dimension {d} in {}",
                            crate::shape::format_shape(&self.0)
                        ),
                    )
                })
            })
            .collect()
    }
}

impl From<()> for Shape {
    fn from(_: ()) -> Shape {
        Shape(Vec::new())
    }
}

impl From<&Shape> for Shape {
    fn from(s: &Shape) -> Shape {
        s.clone()
    }
}

/// `usize`/`u64` entries above `i64::MAX` saturate, so the size checks
/// reject them instead of wrapping to a negative value.
fn int_to_i64<T: TryInto<i64>>(v: T) -> i64 {
    v.try_into().unwrap_or(i64::MAX)
}

macro_rules! int_conversions {
    ($($t:ty),*) => {$(
        impl From<$t> for Axes {
            fn from(a: $t) -> Axes { Axes(Some(vec![int_to_i64(a)])) }
        }
        impl From<&[$t]> for Axes {
            fn from(a: &[$t]) -> Axes { Axes(Some(a.iter().map(|&x| int_to_i64(x)).collect())) }
        }
        impl<const N: usize> From<[$t; N]> for Axes {
            fn from(a: [$t; N]) -> Axes { Axes::from(&a[..]) }
        }
        impl<const N: usize> From<&[$t; N]> for Axes {
            fn from(a: &[$t; N]) -> Axes { Axes::from(&a[..]) }
        }
        impl From<Vec<$t>> for Axes {
            fn from(a: Vec<$t>) -> Axes { Axes::from(&a[..]) }
        }
        impl From<&Vec<$t>> for Axes {
            fn from(a: &Vec<$t>) -> Axes { Axes::from(&a[..]) }
        }
        impl From<$t> for Axis {
            fn from(a: $t) -> Axis { Axis(Some(int_to_i64(a))) }
        }
        impl From<$t> for Shape {
            fn from(a: $t) -> Shape { Shape(vec![int_to_i64(a)]) }
        }
        impl From<&[$t]> for Shape {
            fn from(a: &[$t]) -> Shape { Shape(a.iter().map(|&x| int_to_i64(x)).collect()) }
        }
        impl<const N: usize> From<[$t; N]> for Shape {
            fn from(a: [$t; N]) -> Shape { Shape::from(&a[..]) }
        }
        impl<const N: usize> From<&[$t; N]> for Shape {
            fn from(a: &[$t; N]) -> Shape { Shape::from(&a[..]) }
        }
        impl From<Vec<$t>> for Shape {
            fn from(a: Vec<$t>) -> Shape { Shape::from(&a[..]) }
        }
        impl From<&Vec<$t>> for Shape {
            fn from(a: &Vec<$t>) -> Shape { Shape::from(&a[..]) }
        }
    )*};
}
int_conversions!(i32, i64, isize, u32, u64, usize);

/// Checks a single size argument (`eye`'s `n`, `topk`'s `k`, `repeat`'s
/// count...): negative is an error naming `op`.
pub(crate) fn check_size(op: &'static str, name: &str, v: i64) -> Result<usize> {
    usize::try_from(v)
        .map_err(|_| Error::invalid(op, format!("{name} must be non-negative, got {v}")))
}

/// A weakly typed Rust scalar: its dtype comes from the array next to it,
/// as for a Python scalar in MLX.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeakScalar {
    value: f64,
    is_float: bool,
    is_bool: bool,
}

impl WeakScalar {
    /// The dtype this scalar takes next to an array of dtype `other`.
    fn weak_dtype(self, other: Dtype) -> Dtype {
        if self.is_bool {
            other
        } else if self.is_float {
            other.to_inexact()
        } else if other == Dtype::Bool {
            Dtype::Int32
        } else {
            other
        }
    }

    /// The dtype of the scalar alone (`mx.array(2)` is `int32`, an int
    /// past the `int32` range `int64`: `mx.array(2**40)`).
    fn default_dtype(self) -> Dtype {
        if self.is_bool {
            Dtype::Bool
        } else if self.is_float {
            Dtype::Float32
        } else if self.value < i32::MIN as f64 || self.value > i32::MAX as f64 {
            Dtype::Int64
        } else {
            Dtype::Int32
        }
    }

    fn to_array(self, dtype: Dtype, device: crate::Device) -> Result<Array> {
        super::operators::value_to_array(self.value, !self.is_float, dtype, device)
    }
}

/// An argument that MLX accepts as an array or a Python scalar: an
/// [`Array`] (owned or borrowed), or a Rust scalar that takes the dtype of
/// the array next to it (`maximum(&f16_array, 0.0)` stays `float16`;
/// `power(&i32_array, 2)` stays `int32`; a float next to an integer array
/// gives `float32`). Built by [`IntoOperand`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array, Dtype};
/// let a = Array::from_slice(&[-1.0f32, 2.0], &[2])?.as_type(Dtype::Float16)?;
/// assert_eq!(ops::maximum(&a, 0.0)?.dtype(), Dtype::Float16);
/// let i = Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(ops::power(&i, 2)?.to_vec::<i32>()?, vec![1, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub enum Operand {
    /// An array.
    Array(Array),
    /// A weakly typed scalar.
    Scalar(WeakScalar),
}

/// Conversion into an [`Operand`]: implemented for `Array`, `&Array`,
/// `&&Array` and the Rust number types and `bool`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let m = Array::from_slice(&[true, false], &[2])?;
/// let a = Array::from_slice(&[5i32, 6], &[2])?;
/// assert_eq!(ops::where_(&m, &a, 0)?.to_vec::<i32>()?, vec![5, 0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub trait IntoOperand {
    /// The operand.
    fn into_operand(self) -> Operand;
}

impl IntoOperand for Operand {
    fn into_operand(self) -> Operand {
        self
    }
}
impl IntoOperand for Array {
    fn into_operand(self) -> Operand {
        Operand::Array(self)
    }
}
impl IntoOperand for &Array {
    fn into_operand(self) -> Operand {
        Operand::Array(self.clone())
    }
}
impl IntoOperand for &&Array {
    fn into_operand(self) -> Operand {
        Operand::Array((*self).clone())
    }
}
impl IntoOperand for &mut Array {
    fn into_operand(self) -> Operand {
        Operand::Array(self.clone())
    }
}

macro_rules! scalar_operand {
    ($($t:ty),*) => {$(
        impl IntoOperand for $t {
            fn into_operand(self) -> Operand {
                Operand::Scalar(WeakScalar {
                    value: Scalar::to_f64(self),
                    is_float: <$t as Scalar>::IS_FLOAT,
                    is_bool: <$t as Scalar>::IS_BOOL,
                })
            }
        }
    )*};
}
scalar_operand!(bool, f32, f64, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Operand {
    /// The operand as an array; a scalar takes its own default dtype
    /// (`int32`, `float32` or `bool`) on the default device.
    pub(crate) fn into_array(self) -> Result<Array> {
        self.into_array_on(crate::default_device())
    }

    /// As [`Operand::into_array`], a scalar made on `device`.
    pub(crate) fn into_array_on(self, device: crate::Device) -> Result<Array> {
        match self {
            Operand::Array(a) => Ok(a),
            Operand::Scalar(s) => s.to_array(s.default_dtype(), device),
        }
    }

    /// The operand placed next to array `other`: a scalar takes `other`'s
    /// dtype by MLX's weak-typing rule and lives on its device.
    pub(crate) fn like(self, other: &Array) -> Result<Array> {
        match self {
            Operand::Array(a) => Ok(a),
            Operand::Scalar(s) => super::operators::weak_value_to_array(
                s.value,
                !s.is_float && !s.is_bool,
                s.weak_dtype(other.dtype()),
                other.dtype(),
                other.device(),
            ),
        }
    }
}

/// Two operands as arrays, scalars typed after the array beside them (two
/// scalars: the first takes its default dtype, the second follows it).
pub(crate) fn operand_pair(a: impl IntoOperand, b: impl IntoOperand) -> Result<(Array, Array)> {
    match (a.into_operand(), b.into_operand()) {
        (Operand::Array(x), b) => {
            let y = b.like(&x)?;
            Ok((x, y))
        }
        (a, Operand::Array(y)) => Ok((a.like(&y)?, y)),
        (a, b) => {
            let x = a.into_array()?;
            let y = b.like(&x)?;
            Ok((x, y))
        }
    }
}

/// An optional bound (`clip`'s `a_min`/`a_max`): any [`IntoOperand`], or
/// `()` for no bound (MLX's `None`); `Option<T>` converts too, for a
/// bound chosen at run time.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let a = Array::from_slice(&[1i32, 5, 10], &[3])?;
/// assert_eq!(ops::clip(&a, (), 8)?.to_vec::<i32>()?, vec![1, 5, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub trait IntoBound {
    /// The bound, or `None`.
    fn into_bound(self) -> Option<Operand>;
}

impl IntoBound for () {
    fn into_bound(self) -> Option<Operand> {
        None
    }
}

impl<T: IntoOperand> IntoBound for T {
    fn into_bound(self) -> Option<Operand> {
        Some(self.into_operand())
    }
}

/// `None` is no bound: for bounds chosen at run time.
impl<T: IntoOperand> IntoBound for Option<T> {
    fn into_bound(self) -> Option<Operand> {
        self.map(IntoOperand::into_operand)
    }
}
