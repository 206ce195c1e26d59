//! Softmax over the last axis: `exp(x - max) / sum`, row by row in three
//! cache-resident passes (max; exp and sum into the output; scale).
//!
//! `float32` rows use [`exp_f32`], a vectorisable Cephes-style `exp`,
//! compiled for the CPU's widest vectors ([`dispatch`]);
//! `float16`/`bfloat16` rows are widened to `float32` in registers,
//! computed the same way and rounded once; `float64` uses the standard
//! library's `exp`.
//! A row whose max is infinite (all `-inf`, or containing `+inf`) gives
//! NaN, as MLX does.

use crate::elementwise_walk::OutElem;
use crate::simd::{dispatch, exp_f32, Lane};
use crate::strided::{contiguous, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::memory::{try_with_capacity, try_zeroed};
use mlx_core::primitive::OutSpec;
use mlx_core::{Dtype, Error, HostData, Result, View};
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Independent accumulators in the inner loops (four AVX-512 registers).
const LANES: usize = 64;

/// Softmax of `v` over its last axis; `out` has the same shape and dtype.
pub(crate) fn softmax(v: &View, out: OutSpec) -> Result<HostData> {
    match v.dtype {
        Dtype::Float32 => rows::<f32>(v, rows_f32),
        Dtype::Float64 => rows::<f64>(v, |x, y, n| {
            for (xr, yr) in x.chunks(n).zip(y.chunks_mut(n)) {
                softmax_row_f64(xr, init_with(yr, 0.0));
            }
            Ok(())
        }),
        Dtype::Float16 => rows::<f16>(v, rows_half::<f16>),
        Dtype::Bfloat16 => rows::<bf16>(v, rows_half::<bf16>),
        Dtype::Bool
        | Dtype::Uint8
        | Dtype::Uint16
        | Dtype::Uint32
        | Dtype::Uint64
        | Dtype::Int8
        | Dtype::Int16
        | Dtype::Int32
        | Dtype::Int64
        | Dtype::Complex64 => Err(Error::dtype(
            "softmax",
            out.dtype,
            "the cpu kernel takes floating point input",
        )),
    }
}

/// A kernel over a block of whole rows: `(x, y, n)`, rows `n` long, every
/// element of `y` written.
type RowBlock<T> = fn(&[T], &mut [MaybeUninit<T>], usize) -> Result<()>;

/// Apply `block(x, y, n)` to blocks of whole last-axis rows (`n` long) of
/// `v`, in parallel when large (allocation failures are `softmax` errors).
///
/// The output is written into the vector's uninitialised capacity: a
/// zeroed allocation would be cleared with `memset` whenever the
/// allocator reuses freed memory (17% of the 1024x4096 softmax). Every
/// `block` writes every element of its `y` (each row function writes its
/// whole row before reading it back), so the whole capacity is
/// initialised when the length is set.
fn rows<T: OutElem>(v: &View, block: RowBlock<T>) -> Result<HostData> {
    let total = v.numel();
    let mut out: Vec<T> = try_with_capacity("softmax", total)?;
    let x = contiguous::<T>("softmax", v)?;
    let n = v.shape.last().copied().unwrap_or(1);
    if n == 0 || x.is_empty() {
        return Ok(T::into_host(try_zeroed("softmax", total)?));
    }
    let y = &mut out.spare_capacity_mut()[..total];
    let chunk = (PAR_THRESHOLD / n).max(1) * n;
    let work = |(o, i): (&mut [MaybeUninit<T>], &[T])| block(i, o, n);
    if x.len() >= PAR_THRESHOLD {
        y.par_chunks_mut(chunk)
            .zip(x.par_chunks(chunk))
            .try_for_each(work)?;
    } else {
        y.chunks_mut(chunk)
            .zip(x.chunks(chunk))
            .try_for_each(work)?;
    }
    // SAFETY: the capacity is at least `total` (`try_with_capacity`), and
    // the blocks above wrote all `total` elements (`x` and `y` are both
    // `total` long and split into the same chunks, and every block fills
    // its whole chunk; an error returned before this line).
    unsafe { out.set_len(total) };
    Ok(T::into_host(out))
}

/// Initialise `y` with `fill` and view it as initialised (for the row
/// functions that take `&mut [T]`; used only where the fill is cheap
/// next to the row's work).
#[inline(always)]
fn init_with<T: Copy>(y: &mut [MaybeUninit<T>], fill: T) -> &mut [T] {
    for v in y.iter_mut() {
        v.write(fill);
    }
    // SAFETY: every element was just written; `MaybeUninit<T>` has the
    // layout of `T`.
    unsafe { &mut *(y as *mut [MaybeUninit<T>] as *mut [T]) }
}

/// Largest element of a row, widened to `f32` (NaN if there is one in a
/// lane; NaN rows end as NaN through the sum either way).
#[inline(always)]
fn max_row<S: Lane>(x: &[S]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            let v = v.widen();
            *a = if v > *a || v.is_nan() { v } else { *a };
        }
    }
    let mut m = f32::NEG_INFINITY;
    for v in acc
        .iter()
        .copied()
        .chain(chunks.remainder().iter().map(|v| v.widen()))
    {
        m = if v > m || v.is_nan() { v } else { m };
    }
    m
}

/// `y = exp(x - m)`, returning the sum of `y`; writes every element of
/// `y` (which is as long as `x`).
#[inline(always)]
fn exp_sum<S: Lane>(x: &[S], m: f32, y: &mut [MaybeUninit<f32>]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let mut xc = x.chunks_exact(LANES);
    let mut yc = y.chunks_exact_mut(LANES);
    for (xs, ys) in (&mut xc).zip(&mut yc) {
        for ((a, &xv), yv) in acc.iter_mut().zip(xs).zip(ys.iter_mut()) {
            let e = exp_f32(xv.widen() - m);
            yv.write(e);
            *a += e;
        }
    }
    let mut s = 0.0f32;
    for (&xv, yv) in xc.remainder().iter().zip(yc.into_remainder()) {
        let e = exp_f32(xv.widen() - m);
        yv.write(e);
        s += e;
    }
    let mut w = LANES;
    while w > 1 {
        w /= 2;
        for k in 0..w {
            acc[k] += acc[k + w];
        }
    }
    acc[0] + s
}

/// Softmax of one row into `f32`s, unnormalised; returns `1 / sum`.
/// Writes every element of `y` (as long as `x`).
#[inline(always)]
fn exp_row<S: Lane>(x: &[S], y: &mut [MaybeUninit<f32>]) -> f32 {
    debug_assert_eq!(x.len(), y.len());
    let m = max_row(x);
    1.0 / exp_sum(x, m, y)
}

/// Softmax of one `float32` row (`y` as long as `x`), written in place:
/// exp and sum into `y`, then scaled there.
#[inline(always)]
fn softmax_row_f32(x: &[f32], y: &mut [MaybeUninit<f32>]) {
    let inv = exp_row(x, y);
    // SAFETY: `exp_row` wrote every element of `y`; `MaybeUninit<f32>`
    // has the layout of `f32`.
    let y = unsafe { &mut *(y as *mut [MaybeUninit<f32>] as *mut [f32]) };
    for v in y.iter_mut() {
        *v *= inv;
    }
}

/// Softmax of a block of `float32` rows (`n` long), vectorised.
fn rows_f32(x: &[f32], y: &mut [MaybeUninit<f32>], n: usize) -> Result<()> {
    dispatch(
        #[inline(always)]
        || {
            for (xr, yr) in x.chunks(n).zip(y.chunks_mut(n)) {
                softmax_row_f32(xr, yr);
            }
        },
    );
    Ok(())
}

/// Softmax of one `float64` row.
fn softmax_row_f64(x: &[f64], y: &mut [f64]) {
    let m = x.iter().fold(
        f64::NEG_INFINITY,
        |m, &v| if v > m || v.is_nan() { v } else { m },
    );
    let mut s = 0.0f64;
    for (yv, &xv) in y.iter_mut().zip(x) {
        *yv = (xv - m).exp();
        s += *yv;
    }
    for v in y.iter_mut() {
        *v /= s;
    }
}

/// Softmax of a block of half-precision rows, computed in `float32`
/// registers through one row-long `f32` buffer.
fn rows_half<S: Lane>(x: &[S], y: &mut [MaybeUninit<S>], n: usize) -> Result<()> {
    let mut tmp = try_zeroed::<f32>("softmax", n)?;
    // The row buffer, as the uninitialised view `exp_row` writes through.
    let tmp_out: &mut [MaybeUninit<f32>] = {
        let t = &mut tmp[..];
        // SAFETY: `f32` and `MaybeUninit<f32>` have the same layout, and
        // only initialised `f32`s are written through this view.
        unsafe { &mut *(t as *mut [f32] as *mut [MaybeUninit<f32>]) }
    };
    dispatch(
        #[inline(always)]
        || {
            for (xr, yr) in x.chunks(n).zip(y.chunks_mut(n)) {
                let inv = exp_row(xr, &mut tmp_out[..xr.len()]);
                for (o, t) in yr.iter_mut().zip(tmp_out.iter()) {
                    // SAFETY: `tmp` was zero-initialised and `exp_row`
                    // only writes initialised values.
                    let t = unsafe { t.assume_init() };
                    o.write(S::narrow(t * inv));
                }
            }
        },
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units of the last place between `got` and the f64 truth.
    fn ulps(got: f32, want: f64) -> f64 {
        let w = want as f32;
        if w == 0.0 || !w.is_normal() {
            // Subnormal range: absolute error in units of the smallest step.
            return (got as f64 - want).abs() / f32::from_bits(1) as f64;
        }
        let ulp = (f32::from_bits(w.abs().to_bits() + 1) - w.abs()) as f64;
        (got as f64 - want).abs() / ulp
    }

    #[test]
    fn exp_f32_within_two_ulps_of_f64() {
        let mut worst = 0.0f64;
        let mut x = -104.0f32;
        while x < 88.7 {
            let got = exp_f32(x);
            let want = (x as f64).exp();
            let e = ulps(got, want);
            assert!(e <= 2.0, "exp({x}) = {got}, want {want} ({e} ulp)");
            worst = worst.max(e);
            x += 0.000_731;
        }
        assert!(worst > 0.0);
    }

    #[test]
    fn exp_f32_special_values() {
        assert_eq!(exp_f32(0.0), 1.0);
        assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_f32(-200.0), 0.0);
        assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp_f32(89.0), f32::INFINITY);
        assert!(exp_f32(88.72).is_finite());
        assert!(exp_f32(f32::NAN).is_nan());
        // exp(-100) = 3.72e-44 is subnormal in f32.
        let s = exp_f32(-100.0);
        assert!(s > 0.0 && ulps(s, (-100.0f64).exp()) <= 1.0);
    }

    #[test]
    fn softmax_row_matches_hand_values() {
        // exp([0, ln 3]) / 4 = [0.25, 0.75]
        let x = [0.0f32, 3.0f32.ln()];
        let mut y = [MaybeUninit::new(0.0f32); 2];
        softmax_row_f32(&x, &mut y);
        // SAFETY: initialised above.
        let y = y.map(|v| unsafe { v.assume_init() });
        assert!((y[0] - 0.25).abs() < 1e-7 && (y[1] - 0.75).abs() < 1e-7);
        // mx.softmax(mx.array([-inf, -inf])) is [nan, nan]
        let mut z = [MaybeUninit::new(0.0f32); 2];
        softmax_row_f32(&[f32::NEG_INFINITY; 2], &mut z);
        // SAFETY: initialised above.
        let z = z.map(|v| unsafe { v.assume_init() });
        assert!(z.iter().all(|v| v.is_nan()));
    }
}
