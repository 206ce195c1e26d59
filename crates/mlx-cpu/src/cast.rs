//! Copies, casts and host transfers.
//!
//! `astype` follows C++ `static_cast` as MLX compiles it on x86-64:
//! - int to int wraps (`300i32 -> uint8 == 44`);
//! - float to int truncates toward zero; out-of-range values wrap through
//!   `i64` for 8- to 32-bit targets (`300.0 -> uint8 == 44`,
//!   `-1.0 -> uint32 == 4294967295`, as MLX) and saturate for `int64`
//!   (MLX gives `i64::MIN`); NaN gives 0 (MLX: `MIN` of the type, which is
//!   undefined behaviour in C++);
//! - anything to bool is `!= 0` (NaN is true; complex compares both parts);
//! - bool to number is 0/1; complex to real takes the real part; real to
//!   complex has imaginary part 0;
//! - `float16`/`bfloat16` round to nearest even from the exact source value
//!   (integers pass through `f64`, so `|x| > 2^53` may round twice).

use crate::elementwise_walk::{alloc_out, map1, OutElem, CHUNK, ELEMENTWISE};
use half::{bf16, f16};
use mlx_core::primitive::OutSpec;
use mlx_core::{Complex64, Element, HostData, Result, View};
use rayon::prelude::*;

/// Read a view back as row-major host data.
pub(crate) fn to_host(v: &View) -> Result<HostData> {
    mlx_core::with_dtype!(v.dtype, T => copy_typed::<T>(v).map(HostData::from))
}

/// Row-major copy of one element type: a parallel `memcpy` when dense.
fn copy_typed<T: OutElem>(v: &View) -> Result<Vec<T>> {
    if !v.is_row_major() {
        return map1(v, |x: T| x);
    }
    let n = v.numel();
    let src = &crate::strided::buffer::<T>(v)?[v.offset..v.offset + n];
    let mut out = alloc_out::<T>(ELEMENTWISE, n)?;
    if n >= 2 * CHUNK {
        out.par_chunks_mut(CHUNK)
            .zip(src.par_chunks(CHUNK))
            .for_each(|(o, s)| o.copy_from_slice(s));
    } else {
        out.copy_from_slice(src);
    }
    Ok(out)
}

/// Row-major copy of a view (a `memcpy` when dense, a parallel gather
/// otherwise).
pub(crate) fn copy(v: &View, _out: OutSpec) -> Result<HostData> {
    to_host(v)
}

/// Cast a view to `out.dtype`.
pub(crate) fn as_type(v: &View, out: OutSpec) -> Result<HostData> {
    if v.dtype == out.dtype {
        return to_host(v);
    }
    mlx_core::with_dtype!(v.dtype, S => mlx_core::with_dtype!(out.dtype, D =>
        map1(v, |x: S| x.cast::<D>()).map(HostData::from)
    ))
}

/// The view's row-major bytes read as `out.dtype` (MLX's `view`; nonzero
/// bytes read as `bool` become 1).
pub(crate) fn bitcast(v: &View, out: OutSpec) -> Result<HostData> {
    HostData::from_le_bytes(out.dtype, to_host(v)?.as_bytes())
}

/// An element type that can be cast to: one constructor per source kind.
pub(crate) trait CastTo: OutElem {
    /// From an integer or bool (wrapping for integer targets).
    fn from_int(v: i128) -> Self;
    /// From a real float value (see the module docs for integer targets).
    fn from_float(v: f64) -> Self;
    /// From an `f32` (overridden where a direct conversion rounds better or
    /// runs faster).
    #[inline(always)]
    fn from_f32(v: f32) -> Self {
        Self::from_float(v as f64)
    }
    /// From a complex number (the real part, except for bool and complex).
    #[inline(always)]
    fn from_complex(z: Complex64) -> Self {
        Self::from_f32(z.re)
    }
}

/// An element type that can be cast from.
pub(crate) trait CastFrom: Element {
    /// Convert to `D` with `static_cast` semantics.
    fn cast<D: CastTo>(self) -> D;
}

/// Integer targets: wrap from integers, truncate floats through `i64`.
macro_rules! int_to {
    ($($t:ty),*) => {$(
        impl CastTo for $t {
            #[inline(always)]
            fn from_int(v: i128) -> $t {
                v as $t
            }
            #[inline(always)]
            fn from_float(v: f64) -> $t {
                v as i64 as $t
            }
        }
    )*};
}
int_to!(u8, u16, u32, i8, i16, i32, i64);

impl CastTo for u64 {
    #[inline(always)]
    fn from_int(v: i128) -> u64 {
        v as u64
    }
    #[inline(always)]
    fn from_float(v: f64) -> u64 {
        if v < 0.0 {
            v as i64 as u64
        } else {
            v as u64
        }
    }
}

impl CastTo for bool {
    #[inline(always)]
    fn from_int(v: i128) -> bool {
        v != 0
    }
    #[inline(always)]
    fn from_float(v: f64) -> bool {
        v != 0.0
    }
    #[inline(always)]
    fn from_f32(v: f32) -> bool {
        v != 0.0
    }
    #[inline(always)]
    fn from_complex(z: Complex64) -> bool {
        z.re != 0.0 || z.im != 0.0
    }
}

impl CastTo for f16 {
    #[inline(always)]
    fn from_int(v: i128) -> f16 {
        f16::from_f64(v as f64)
    }
    #[inline(always)]
    fn from_float(v: f64) -> f16 {
        f16::from_f64(v)
    }
    #[inline(always)]
    fn from_f32(v: f32) -> f16 {
        f16::from_f32(v)
    }
}

impl CastTo for bf16 {
    #[inline(always)]
    fn from_int(v: i128) -> bf16 {
        bf16::from_f64(v as f64)
    }
    #[inline(always)]
    fn from_float(v: f64) -> bf16 {
        bf16::from_f64(v)
    }
    #[inline(always)]
    fn from_f32(v: f32) -> bf16 {
        bf16::from_f32(v)
    }
}

impl CastTo for f32 {
    #[inline(always)]
    fn from_int(v: i128) -> f32 {
        v as f32
    }
    #[inline(always)]
    fn from_float(v: f64) -> f32 {
        v as f32
    }
    #[inline(always)]
    fn from_f32(v: f32) -> f32 {
        v
    }
}

impl CastTo for f64 {
    #[inline(always)]
    fn from_int(v: i128) -> f64 {
        v as f64
    }
    #[inline(always)]
    fn from_float(v: f64) -> f64 {
        v
    }
}

impl CastTo for Complex64 {
    #[inline(always)]
    fn from_int(v: i128) -> Complex64 {
        Complex64::new(v as f32, 0.0)
    }
    #[inline(always)]
    fn from_float(v: f64) -> Complex64 {
        Complex64::new(v as f32, 0.0)
    }
    #[inline(always)]
    fn from_f32(v: f32) -> Complex64 {
        Complex64::new(v, 0.0)
    }
    #[inline(always)]
    fn from_complex(z: Complex64) -> Complex64 {
        z
    }
}

/// Integer and bool sources go through `i128`, which holds them all.
macro_rules! int_from {
    ($($t:ty),*) => {$(
        impl CastFrom for $t {
            #[inline(always)]
            fn cast<D: CastTo>(self) -> D {
                D::from_int(self as i128)
            }
        }
    )*};
}
int_from!(bool, u8, u16, u32, u64, i8, i16, i32, i64);

/// Float sources of at most 32 bits go through `f32` exactly.
macro_rules! f32_from {
    ($($t:ty),*) => {$(
        impl CastFrom for $t {
            #[inline(always)]
            fn cast<D: CastTo>(self) -> D {
                D::from_f32(self.into())
            }
        }
    )*};
}
f32_from!(f16, bf16, f32);

impl CastFrom for f64 {
    #[inline(always)]
    fn cast<D: CastTo>(self) -> D {
        D::from_float(self)
    }
}

impl CastFrom for Complex64 {
    #[inline(always)]
    fn cast<D: CastTo>(self) -> D {
        D::from_complex(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_to_int_matches_mlx() {
        // mx.array([3.9, -3.9, 300.0, -1.0]).astype(mx.uint8) == [3, 253, 44, 255]
        let got: Vec<u8> = [3.9f32, -3.9, 300.0, -1.0]
            .iter()
            .map(|x| x.cast())
            .collect();
        assert_eq!(got, [3, 253, 44, 255]);
        // mx.array([-1.0]).astype(mx.uint32) == 4294967295, .astype(mx.uint64) == 2**64 - 1
        assert_eq!((-1.0f32).cast::<u32>(), u32::MAX);
        assert_eq!((-1.0f32).cast::<u64>(), u64::MAX);
        assert_eq!((-3.9f64).cast::<i32>(), -3);
        assert_eq!(1e10f32.cast::<i64>(), 10_000_000_000);
    }

    #[test]
    fn int_to_int_wraps() {
        // mx.array([300, -1, 70000]).astype(mx.uint8) == [44, 255, 112]
        let got: Vec<u8> = [300i32, -1, 70000].iter().map(|x| x.cast()).collect();
        assert_eq!(got, [44, 255, 112]);
        assert_eq!(70000i32.cast::<i16>(), 4464);
        assert_eq!((-1i64).cast::<u64>(), u64::MAX);
        assert_eq!(u64::MAX.cast::<i8>(), -1);
    }

    #[test]
    fn bool_and_complex_casts() {
        assert!(f32::NAN.cast::<bool>());
        assert!(!(-0.0f64).cast::<bool>());
        // mx.array([3+4j, 0j, 1j]).astype(mx.bool_) == [True, False, True]
        assert!(Complex64::new(0.0, 1.0).cast::<bool>());
        assert!(!Complex64::new(0.0, 0.0).cast::<bool>());
        assert_eq!(Complex64::new(3.7, 4.0).cast::<i32>(), 3);
        assert_eq!(true.cast::<f32>(), 1.0);
        assert_eq!(2.5f64.cast::<Complex64>(), Complex64::new(2.5, 0.0));
    }

    #[test]
    fn half_casts_round_to_nearest_even() {
        // mx.array([65520.0, 1.00048828125]).astype(mx.float16) == [inf, 1]
        assert_eq!(65520.0f32.cast::<f16>(), f16::INFINITY);
        assert_eq!(1.000_488_281_25f64.cast::<f16>(), f16::ONE);
        // mx.array([1e6]).astype(mx.bfloat16) == 999424
        assert_eq!(1e6f32.cast::<bf16>().to_f32(), 999_424.0);
        assert_eq!(i64::MAX.cast::<f16>(), f16::INFINITY);
    }
}
