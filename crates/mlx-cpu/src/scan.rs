//! Cumulative ops (`cumsum`) along one axis, forward or reversed,
//! inclusive or exclusive.
//!
//! The input is read row-major as `[outer, n, inner]` (`n` the scanned
//! axis). Each output row along the axis is the previous output row plus
//! one input row, so the inner loop runs over `inner` contiguous elements
//! and vectorises; blocks of `outer` run in parallel.
//!
//! Like MLX, the running sum is kept in the element type: integers wrap
//! and `float16`/`bfloat16` round after every step
//! (`mx.cumsum(mx.array([2048, 1, 1], dtype=mx.float16))` is
//! `[2048, 2048, 2048]`).

use crate::strided::{contiguous, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::primitive::{OutSpec, ScanOp};
use mlx_core::{Complex64, Element, HostData, Result, View};
use rayon::prelude::*;

/// Element types with the addition a running sum uses.
trait ScanAdd: Element {
    /// The value before the first element.
    const ZERO: Self;
    /// `a + b` in the element type.
    fn add(a: Self, b: Self) -> Self;
}

macro_rules! scan_add {
    ($($t:ty: $zero:expr, |$a:ident, $b:ident| $e:expr;)*) => {$(
        impl ScanAdd for $t {
            const ZERO: $t = $zero;
            #[inline(always)]
            fn add($a: $t, $b: $t) -> $t {
                $e
            }
        }
    )*};
}

scan_add! {
    bool: false, |a, b| a | b;
    u8: 0, |a, b| a.wrapping_add(b);
    u16: 0, |a, b| a.wrapping_add(b);
    u32: 0, |a, b| a.wrapping_add(b);
    u64: 0, |a, b| a.wrapping_add(b);
    i8: 0, |a, b| a.wrapping_add(b);
    i16: 0, |a, b| a.wrapping_add(b);
    i32: 0, |a, b| a.wrapping_add(b);
    i64: 0, |a, b| a.wrapping_add(b);
    f16: f16::ZERO, |a, b| f16::from_f32(a.to_f32() + b.to_f32());
    bf16: bf16::ZERO, |a, b| bf16::from_f32(a.to_f32() + b.to_f32());
    f32: 0.0, |a, b| a + b;
    f64: 0.0, |a, b| a + b;
    Complex64: Complex64::new(0.0, 0.0), |a, b| a + b;
}

/// Cumulative `op` of `v` along `axis`; the output has the input's shape
/// and dtype. `reverse` scans from the end; `inclusive = false` shifts by
/// one so the first output is zero.
pub(crate) fn scan(
    op: ScanOp,
    v: &View,
    axis: usize,
    reverse: bool,
    inclusive: bool,
    _out: OutSpec,
) -> Result<HostData> {
    match op {
        ScanOp::Sum => {
            mlx_core::with_dtype!(v.dtype, T => scan_typed::<T>(v, axis, reverse, inclusive))
        }
    }
}

/// The typed running sum.
fn scan_typed<T: ScanAdd>(
    v: &View,
    axis: usize,
    reverse: bool,
    inclusive: bool,
) -> Result<HostData> {
    let x = contiguous::<T>(v)?;
    let n = v.shape[axis];
    let inner: usize = v.shape[axis + 1..].iter().product();
    let block = n * inner;
    let mut res = vec![T::ZERO; x.len()];
    if block == 0 {
        return Ok(T::into_host(res));
    }
    let work = |(o, i): (&mut [T], &[T])| scan_block(i, o, n, inner, reverse, inclusive);
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
fn scan_block<T: ScanAdd>(
    x: &[T],
    y: &mut [T],
    n: usize,
    inner: usize,
    reverse: bool,
    inclusive: bool,
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
            *c = T::add(d, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: &[i32], n: usize, inner: usize, reverse: bool, inclusive: bool) -> Vec<i32> {
        let mut y = vec![0; x.len()];
        scan_block(x, &mut y, n, inner, reverse, inclusive);
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
        assert_eq!(f16::add(f16::add(a, one), one), a);
    }
}
