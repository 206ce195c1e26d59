//! Cumulative ops (`cumsum`, `cumprod`, `cummax`, `cummin`,
//! `logcumsumexp`) along one axis, forward or reversed,
//! inclusive or exclusive.
//!
//! The input is read row-major as `[outer, n, inner]` (`n` the scanned
//! axis). Each output row along the axis is the previous output row plus
//! one input row, so the inner loop runs over `inner` contiguous elements
//! and vectorises; blocks of `outer` run in parallel.
//!
//! Like MLX, the running value is kept in the element type: integers wrap
//! and `float16`/`bfloat16` round after every step
//! (`mx.cumsum(mx.array([2048, 1, 1], dtype=mx.float16))` is
//! `[2048, 2048, 2048]`).

use crate::strided::{contiguous, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::primitive::{OutSpec, ScanOp};
use mlx_core::{Complex64, Dtype, Element, Error, HostData, Result, View};
use rayon::prelude::*;

/// Element types with the ops a scan uses, each in the element type
/// (half types compute in `f32` and round every step, as MLX does).
trait ScanElem: Element {
    /// The value before the first element of a sum.
    const ZERO: Self;
    /// ... of a product.
    const ONE: Self;
    /// ... of a maximum (lowest value, `-inf` for floats).
    const LOWEST: Self;
    /// ... of a minimum (highest value, `inf` for floats).
    const HIGHEST: Self;
    /// `a + b` (wrapping for integers, or for bool).
    fn add(a: Self, b: Self) -> Self;
    /// `a * b` (wrapping for integers, and for bool).
    fn mul(a: Self, b: Self) -> Self;
    /// NaN-propagating maximum.
    fn max(a: Self, b: Self) -> Self;
    /// NaN-propagating minimum.
    fn min(a: Self, b: Self) -> Self;
}

macro_rules! scan_int {
    ($($t:ty),*) => {$(
        impl ScanElem for $t {
            const ZERO: $t = 0;
            const ONE: $t = 1;
            const LOWEST: $t = <$t>::MIN;
            const HIGHEST: $t = <$t>::MAX;
            #[inline(always)]
            fn add(a: $t, b: $t) -> $t {
                a.wrapping_add(b)
            }
            #[inline(always)]
            fn mul(a: $t, b: $t) -> $t {
                a.wrapping_mul(b)
            }
            #[inline(always)]
            fn max(a: $t, b: $t) -> $t {
                Ord::max(a, b)
            }
            #[inline(always)]
            fn min(a: $t, b: $t) -> $t {
                Ord::min(a, b)
            }
        }
    )*};
}
scan_int!(u8, u16, u32, u64, i8, i16, i32, i64);

impl ScanElem for bool {
    const ZERO: bool = false;
    const ONE: bool = true;
    const LOWEST: bool = false;
    const HIGHEST: bool = true;
    fn add(a: bool, b: bool) -> bool {
        a | b
    }
    fn mul(a: bool, b: bool) -> bool {
        a & b
    }
    fn max(a: bool, b: bool) -> bool {
        a | b
    }
    fn min(a: bool, b: bool) -> bool {
        a & b
    }
}

macro_rules! scan_float {
    ($($t:ty: $zero:expr, $one:expr, $load:path, $store:path;)*) => {$(
        impl ScanElem for $t {
            const ZERO: $t = $zero;
            const ONE: $t = $one;
            const LOWEST: $t = <$t>::NEG_INFINITY;
            const HIGHEST: $t = <$t>::INFINITY;
            #[inline(always)]
            fn add(a: $t, b: $t) -> $t {
                $store($load(a) + $load(b))
            }
            #[inline(always)]
            fn mul(a: $t, b: $t) -> $t {
                $store($load(a) * $load(b))
            }
            #[inline(always)]
            fn max(a: $t, b: $t) -> $t {
                if a.is_nan() || a > b { a } else { b }
            }
            #[inline(always)]
            fn min(a: $t, b: $t) -> $t {
                if a.is_nan() || a < b { a } else { b }
            }
        }
    )*};
}

/// Identity conversions for the full-width float types.
trait Same: Sized {
    fn same(self) -> Self {
        self
    }
}
impl Same for f32 {}
impl Same for f64 {}

scan_float! {
    f16: f16::ZERO, f16::ONE, f16::to_f32, f16::from_f32;
    bf16: bf16::ZERO, bf16::ONE, bf16::to_f32, bf16::from_f32;
    f32: 0.0, 1.0, Same::same, Same::same;
    f64: 0.0, 1.0, Same::same, Same::same;
}

impl ScanElem for Complex64 {
    const ZERO: Complex64 = Complex64::new(0.0, 0.0);
    const ONE: Complex64 = Complex64::new(1.0, 0.0);
    const LOWEST: Complex64 = Complex64::new(f32::NEG_INFINITY, f32::NEG_INFINITY);
    const HIGHEST: Complex64 = Complex64::new(f32::INFINITY, f32::INFINITY);
    fn add(a: Complex64, b: Complex64) -> Complex64 {
        a + b
    }
    /// C's complex product (`__mulsc3`): an overflow gives infinities, not NaN+NaN.
    fn mul(a: Complex64, b: Complex64) -> Complex64 {
        crate::complex::mul(a, b)
    }
    fn max(a: Complex64, b: Complex64) -> Complex64 {
        if (a.re, a.im) > (b.re, b.im) {
            a
        } else {
            b
        }
    }
    fn min(a: Complex64, b: Complex64) -> Complex64 {
        if (a.re, a.im) < (b.re, b.im) {
            a
        } else {
            b
        }
    }
}

/// Cumulative `op` of `v` along `axis`; the output has the input's shape
/// and dtype. `reverse` scans from the end; `inclusive = false` shifts by
/// one so the first output is the op's identity.
pub(crate) fn scan(
    op: ScanOp,
    v: &View,
    axis: usize,
    reverse: bool,
    inclusive: bool,
    _out: OutSpec,
) -> Result<HostData> {
    let (r, i) = (reverse, inclusive);
    match op {
        ScanOp::Sum => {
            mlx_core::with_dtype!(v.dtype, T => scan_typed::<T, _>(v, axis, r, i, T::ZERO, <T as ScanElem>::add))
        }
        ScanOp::Prod => {
            mlx_core::with_dtype!(v.dtype, T => scan_typed::<T, _>(v, axis, r, i, T::ONE, <T as ScanElem>::mul))
        }
        ScanOp::Max => {
            mlx_core::with_dtype!(v.dtype, T => scan_typed::<T, _>(v, axis, r, i, T::LOWEST, <T as ScanElem>::max))
        }
        ScanOp::Min => mlx_core::with_dtype!(v.dtype, T => {
            scan_typed::<T, _>(v, axis, r, i, T::HIGHEST, <T as ScanElem>::min)
        }),
        ScanOp::LogAddExp => {
            let ninf = f32::NEG_INFINITY;
            match v.dtype {
                Dtype::Float32 => scan_typed(
                    v,
                    axis,
                    r,
                    i,
                    ninf,
                    crate::scalar::float::log_add_exp::<f32>,
                ),
                Dtype::Float64 => scan_typed(
                    v,
                    axis,
                    r,
                    i,
                    f64::NEG_INFINITY,
                    crate::scalar::float::log_add_exp::<f64>,
                ),
                Dtype::Float16 => scan_typed(v, axis, r, i, f16::NEG_INFINITY, |a: f16, b: f16| {
                    f16::from_f32(crate::scalar::float::log_add_exp::<f32>(
                        a.to_f32(),
                        b.to_f32(),
                    ))
                }),
                Dtype::Bfloat16 => {
                    scan_typed(v, axis, r, i, bf16::NEG_INFINITY, |a: bf16, b: bf16| {
                        bf16::from_f32(crate::scalar::float::log_add_exp::<f32>(
                            a.to_f32(),
                            b.to_f32(),
                        ))
                    })
                }
                other => Err(Error::dtype(
                    op.name(),
                    other,
                    "the cpu kernel takes floats",
                )),
            }
        }
    }
}

/// The typed scan with identity `init` and step `f`.
fn scan_typed<T: Element, F: Fn(T, T) -> T + Sync>(
    v: &View,
    axis: usize,
    reverse: bool,
    inclusive: bool,
    init: T,
    f: F,
) -> Result<HostData> {
    let mut res = mlx_core::memory::try_vec("scan", v.numel(), init)?;
    let x = contiguous::<T>("scan", v)?;
    let n = v.shape[axis];
    let inner: usize = v.shape[axis + 1..].iter().product();
    let block = n * inner;
    if block == 0 {
        return Ok(T::into_host(res));
    }
    let work = |(o, i): (&mut [T], &[T])| scan_block(i, o, n, inner, reverse, inclusive, &f);
    if x.len() >= PAR_THRESHOLD && x.len() > block {
        let blocks_per = (PAR_THRESHOLD / block).max(1) * block;
        res.par_chunks_mut(blocks_per)
            .zip(x.par_chunks(blocks_per))
            .for_each(|(o, i)| {
                o.chunks_mut(block).zip(i.chunks(block)).for_each(work);
            });
    } else {
        res.chunks_mut(block).zip(x.chunks(block)).for_each(work);
    }
    Ok(T::into_host(res))
}

/// Scan one `[n, inner]` block `x` into `y`.
fn scan_block<T: Element, F: Fn(T, T) -> T>(
    x: &[T],
    y: &mut [T],
    n: usize,
    inner: usize,
    reverse: bool,
    inclusive: bool,
    f: &F,
) {
    let row = |k: usize| k * inner..(k + 1) * inner;
    let first = if reverse { n - 1 } else { 0 };
    if inclusive {
        y[row(first)].copy_from_slice(&x[row(first)]);
    }
    for step in 1..n {
        let (k, prev) = if reverse {
            (n - 1 - step, n - step)
        } else {
            (step, step - 1)
        };
        let src = &x[row(if inclusive { k } else { prev })];
        // Split so the previous output row can be read while row k is written.
        let (done, cur) = if reverse {
            let (lo, hi) = y.split_at_mut(prev * inner);
            (&hi[..inner], &mut lo[k * inner..])
        } else {
            let (lo, hi) = y.split_at_mut(k * inner);
            (&lo[prev * inner..], &mut hi[..inner])
        };
        for ((c, &d), &s) in cur[..inner].iter_mut().zip(done).zip(src) {
            *c = f(d, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: &[i32], n: usize, inner: usize, reverse: bool, inclusive: bool) -> Vec<i32> {
        let mut y = vec![0; x.len()];
        scan_block(
            x,
            &mut y,
            n,
            inner,
            reverse,
            inclusive,
            &<i32 as ScanElem>::add,
        );
        y
    }

    #[test]
    fn scan_block_four_modes() {
        // mx.cumsum(mx.array([1, 2, 3]), reverse=.., inclusive=..)
        assert_eq!(run(&[1, 2, 3], 3, 1, false, true), [1, 3, 6]);
        assert_eq!(run(&[1, 2, 3], 3, 1, false, false), [0, 1, 3]);
        assert_eq!(run(&[1, 2, 3], 3, 1, true, true), [6, 5, 3]);
        assert_eq!(run(&[1, 2, 3], 3, 1, true, false), [5, 3, 0]);
    }

    #[test]
    fn scan_block_strided_axis() {
        // mx.cumsum(mx.array([[1, 2], [3, 4]]), axis=0, reverse=True, inclusive=False)
        assert_eq!(run(&[1, 2, 3, 4], 2, 2, true, false), [3, 4, 0, 0]);
        assert_eq!(run(&[1, 2, 3, 4], 2, 2, false, true), [1, 2, 4, 6]);
    }

    #[test]
    fn half_cumsum_rounds_each_step() {
        // mx.cumsum(mx.array([2048, 1, 1], dtype=mx.float16)) == [2048, 2048, 2048]
        let a = f16::from_f32(2048.0);
        let one = f16::from_f32(1.0);
        assert_eq!(
            <f16 as ScanElem>::add(<f16 as ScanElem>::add(a, one), one),
            a
        );
    }
}
