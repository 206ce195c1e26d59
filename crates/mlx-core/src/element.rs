//! Rust element types ([`Element`]) and typed host buffers ([`HostData`]).

use crate::Dtype;
use half::{bf16, f16};
use num_complex::Complex32;

/// `complex64`: a pair of `f32`, re-exported from `num-complex`.
pub type Complex64 = Complex32;

/// A Rust type that is the element of one [`Dtype`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Dtype, Element};
/// assert_eq!(<f32 as Element>::DTYPE, Dtype::Float32);
/// assert_eq!(<half::f16 as Element>::from_f64_lossy(1.5), half::f16::from_f32(1.5));
/// assert_eq!(<i8 as Element>::from_f64_lossy(300.0), 127);
/// ```
pub trait Element: Copy + Send + Sync + PartialEq + std::fmt::Debug + 'static {
    /// The dtype this type stores.
    const DTYPE: Dtype;
    /// Wrap a vector in [`HostData`].
    fn into_host(v: Vec<Self>) -> HostData;
    /// Borrow the elements if `data` holds this type.
    fn slice(data: &HostData) -> Option<&[Self]>;
    /// Take the elements out if `data` holds this type, else give it back.
    ///
    /// # Errors
    /// `data` itself when it holds another type.
    fn from_host(data: HostData) -> Result<Vec<Self>, HostData>;
    /// Convert from `f64` (saturating for integers, real part for complex).
    fn from_f64_lossy(v: f64) -> Self;
    /// Convert to `f64` (real part for complex, 0/1 for bool).
    fn to_f64(self) -> f64;
    /// Borrow little-endian `bytes` as elements, without a copy: `None` when
    /// the length or alignment does not fit, or (bool) a byte is not 0 or 1.
    /// Lets backends read [`SharedBytes`](crate::SharedBytes) storage in place.
    fn cast_bytes(bytes: &[u8]) -> Option<&[Self]> {
        let _ = bytes;
        None
    }
}

/// Contiguous, row-major elements of one dtype held on the host.
///
/// The CPU backend stores arrays this way, and every backend moves data to
/// and from the host in this form.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Dtype, HostData};
/// let h = HostData::from(vec![1.0f32, 2.0]);
/// assert_eq!(h.dtype(), Dtype::Float32);
/// assert_eq!(h.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
pub enum HostData {
    Bool(Vec<bool>),
    Uint8(Vec<u8>),
    Uint16(Vec<u16>),
    Uint32(Vec<u32>),
    Uint64(Vec<u64>),
    Int8(Vec<i8>),
    Int16(Vec<i16>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Float16(Vec<f16>),
    Bfloat16(Vec<bf16>),
    Float32(Vec<f32>),
    Float64(Vec<f64>),
    Complex64(Vec<Complex64>),
}

/// Run `$body` with `$v` bound to the typed vector inside a [`HostData`]
/// (`$h`), whatever its dtype. `$T` names the element type in the body.
#[macro_export]
macro_rules! with_host_data {
    ($h:expr, $v:ident, $T:ident => $body:expr) => {
        match $h {
            $crate::HostData::Bool($v) => {
                type $T = bool;
                $body
            }
            $crate::HostData::Uint8($v) => {
                type $T = u8;
                $body
            }
            $crate::HostData::Uint16($v) => {
                type $T = u16;
                $body
            }
            $crate::HostData::Uint32($v) => {
                type $T = u32;
                $body
            }
            $crate::HostData::Uint64($v) => {
                type $T = u64;
                $body
            }
            $crate::HostData::Int8($v) => {
                type $T = i8;
                $body
            }
            $crate::HostData::Int16($v) => {
                type $T = i16;
                $body
            }
            $crate::HostData::Int32($v) => {
                type $T = i32;
                $body
            }
            $crate::HostData::Int64($v) => {
                type $T = i64;
                $body
            }
            $crate::HostData::Float16($v) => {
                type $T = $crate::half::f16;
                $body
            }
            $crate::HostData::Bfloat16($v) => {
                type $T = $crate::half::bf16;
                $body
            }
            $crate::HostData::Float32($v) => {
                type $T = f32;
                $body
            }
            $crate::HostData::Float64($v) => {
                type $T = f64;
                $body
            }
            $crate::HostData::Complex64($v) => {
                type $T = $crate::Complex64;
                $body
            }
        }
    };
}

/// Run `$body` with `$T` bound to the Rust element type of a [`Dtype`].
#[macro_export]
macro_rules! with_dtype {
    ($d:expr, $T:ident => $body:expr) => {
        match $d {
            $crate::Dtype::Bool => {
                type $T = bool;
                $body
            }
            $crate::Dtype::Uint8 => {
                type $T = u8;
                $body
            }
            $crate::Dtype::Uint16 => {
                type $T = u16;
                $body
            }
            $crate::Dtype::Uint32 => {
                type $T = u32;
                $body
            }
            $crate::Dtype::Uint64 => {
                type $T = u64;
                $body
            }
            $crate::Dtype::Int8 => {
                type $T = i8;
                $body
            }
            $crate::Dtype::Int16 => {
                type $T = i16;
                $body
            }
            $crate::Dtype::Int32 => {
                type $T = i32;
                $body
            }
            $crate::Dtype::Int64 => {
                type $T = i64;
                $body
            }
            $crate::Dtype::Float16 => {
                type $T = $crate::half::f16;
                $body
            }
            $crate::Dtype::Bfloat16 => {
                type $T = $crate::half::bf16;
                $body
            }
            $crate::Dtype::Float32 => {
                type $T = f32;
                $body
            }
            $crate::Dtype::Float64 => {
                type $T = f64;
                $body
            }
            $crate::Dtype::Complex64 => {
                type $T = $crate::Complex64;
                $body
            }
        }
    };
}

impl HostData {
    /// The dtype of the elements.
    pub fn dtype(&self) -> Dtype {
        with_host_data!(self, _v, T => <T as Element>::DTYPE)
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        with_host_data!(self, v, _T => v.len())
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `n` zero elements of `dtype`.
    pub fn zeros(dtype: Dtype, n: usize) -> HostData {
        with_dtype!(dtype, T => T::into_host(vec![T::from_f64_lossy(0.0); n]))
    }

    /// Element `i` converted to `f64` (real part for complex).
    pub fn get_f64(&self, i: usize) -> f64 {
        with_host_data!(self, v, _T => v[i].to_f64())
    }

    /// Element `i` as a complex number (imaginary part 0 for real dtypes).
    pub fn get_complex(&self, i: usize) -> Complex64 {
        match self {
            HostData::Complex64(v) => v[i],
            other => Complex64::new(other.get_f64(i) as f32, 0.0),
        }
    }

    /// Borrow as `&[T]`, or `None` if the dtype differs.
    pub fn as_slice<T: Element>(&self) -> Option<&[T]> {
        T::slice(self)
    }
}

impl<T: Element> From<Vec<T>> for HostData {
    fn from(v: Vec<T>) -> Self {
        T::into_host(v)
    }
}

macro_rules! impl_element {
    ($t:ty, $variant:ident, |$x:ident| $from:expr, |$y:ident| $to:expr) => {
        impl Element for $t {
            const DTYPE: Dtype = Dtype::$variant;
            fn into_host(v: Vec<Self>) -> HostData {
                HostData::$variant(v)
            }
            fn slice(data: &HostData) -> Option<&[Self]> {
                match data {
                    HostData::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn from_host(data: HostData) -> Result<Vec<Self>, HostData> {
                match data {
                    HostData::$variant(v) => Ok(v),
                    other => Err(other),
                }
            }
            fn from_f64_lossy($x: f64) -> Self {
                $from
            }
            fn to_f64(self) -> f64 {
                let $y = self;
                $to
            }
            fn cast_bytes(bytes: &[u8]) -> Option<&[Self]> {
                // Every element type is plain data on a little-endian host;
                // bool checks each byte (bytemuck's `CheckedBitPattern`).
                if cfg!(target_endian = "big") {
                    return None;
                }
                bytemuck::checked::try_cast_slice(bytes).ok()
            }
        }
    };
}

impl_element!(bool, Bool, |x| x != 0.0, |y| if y { 1.0 } else { 0.0 });
impl_element!(u8, Uint8, |x| x as u8, |y| y as f64);
impl_element!(u16, Uint16, |x| x as u16, |y| y as f64);
impl_element!(u32, Uint32, |x| x as u32, |y| y as f64);
impl_element!(u64, Uint64, |x| x as u64, |y| y as f64);
impl_element!(i8, Int8, |x| x as i8, |y| y as f64);
impl_element!(i16, Int16, |x| x as i16, |y| y as f64);
impl_element!(i32, Int32, |x| x as i32, |y| y as f64);
impl_element!(i64, Int64, |x| x as i64, |y| y as f64);
impl_element!(f16, Float16, |x| f16::from_f64(x), |y| y.to_f64());
impl_element!(bf16, Bfloat16, |x| bf16::from_f64(x), |y| y.to_f64());
impl_element!(f32, Float32, |x| x as f32, |y| y as f64);
impl_element!(f64, Float64, |x| x, |y| y);
impl_element!(
    Complex64,
    Complex64,
    |x| Complex64::new(x as f32, 0.0),
    |y| y.re as f64
);
