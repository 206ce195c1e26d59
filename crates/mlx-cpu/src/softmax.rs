//! Softmax over the last axis: `exp(x - max) / sum`, row by row in three
//! cache-resident passes (max; exp and sum into the output; scale).
//!
//! `float32` rows use [`exp_f32`], a vectorisable Cephes-style `exp`
//! (fused multiply-adds where the CPU has FMA, [`has_fma`]),
//! compiled for the CPU's widest vectors ([`dispatch`]);
//! `float16`/`bfloat16` rows are widened to `float32` in registers,
//! computed the same way and rounded once; `float64` uses the standard
//! library's `exp`.
//! A row whose max is infinite (all `-inf`, or containing `+inf`) gives
//! NaN, as MLX does.

use crate::elementwise_walk::OutElem;
use crate::simd::{dispatch, exp_f32, has_fma, with_f16c, F16c, Fused, Lane, MulAdd, Separate};
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
        Dtype::Float32 if has_fma() => rows::<f32>(v, rows_f32::<Fused>),
        Dtype::Float32 => rows::<f32>(v, rows_f32::<Separate>),
        Dtype::Float64 => rows::<f64>(v, |x, y, n| {
            for (xr, yr) in x.chunks(n).zip(y.chunks_mut(n)) {
                softmax_row_f64(xr, init_with(yr, 0.0));
            }
            Ok(())
        }),
        Dtype::Float16 if has_fma() => rows::<f16>(v, rows_half::<f16, Fused>),
        Dtype::Float16 => rows::<f16>(v, rows_half::<f16, Separate>),
        Dtype::Bfloat16 if has_fma() => rows::<bf16>(v, rows_half::<bf16, Fused>),
        Dtype::Bfloat16 => rows::<bf16>(v, rows_half::<bf16, Separate>),
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

/// Accumulators per array in the row loops: one AVX-512 register. Four
/// arrays of `Q` (not one of [`LANES`]) keep them in registers: with one
/// array LLVM kept them on the stack, a load and a store per vector op
/// (seen in `perf annotate`; 30% of W4 was the max loop's reloads).
const Q: usize = LANES / 4;

/// Largest non-NaN element of a row, widened to `f32` (`-inf` for a row
/// of NaNs). NaNs are left to the exp pass: `exp(NaN - m)` is NaN, so the
/// row's sum, and with it every output of the row, is NaN.
#[inline(always)]
fn max_row<S: Lane>(x: &[S], hw: Option<F16c>) -> f32 {
    #[inline(always)]
    fn max(a: f32, v: f32) -> f32 {
        // One `maxps`: a NaN `v` keeps `a`.
        if v > a {
            v
        } else {
            a
        }
    }
    let mut a0 = [f32::NEG_INFINITY; Q];
    let mut a1 = [f32::NEG_INFINITY; Q];
    let mut a2 = [f32::NEG_INFINITY; Q];
    let mut a3 = [f32::NEG_INFINITY; Q];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        let Some([c0, c1, c2, c3]) = quarters(c) else {
            continue; // unreachable: the chunk is LANES long
        };
        let (c0, c1) = (S::widen16(c0, hw), S::widen16(c1, hw));
        let (c2, c3) = (S::widen16(c2, hw), S::widen16(c3, hw));
        for i in 0..Q {
            a0[i] = max(a0[i], c0[i]);
            a1[i] = max(a1[i], c1[i]);
            a2[i] = max(a2[i], c2[i]);
            a3[i] = max(a3[i], c3[i]);
        }
    }
    let mut m = f32::NEG_INFINITY;
    for i in 0..Q {
        m = max(m, max(max(a0[i], a1[i]), max(a2[i], a3[i])));
    }
    for v in chunks.remainder() {
        m = max(m, v.widen());
    }
    m
}

/// `y = exp(x - m)`, returning the sum of `y`; writes every element of
/// `y` (which is as long as `x`). One register of accumulators is enough:
/// each add waits on an `exp` of about thirty instructions, and more
/// arrays made LLVM spill the `exp` constants.
#[inline(always)]
fn exp_sum<S: Lane, M: MulAdd>(
    x: &[S],
    m: f32,
    y: &mut [MaybeUninit<f32>],
    hw: Option<F16c>,
) -> f32 {
    let mut acc = [0.0f32; Q];
    let mut xc = x.chunks_exact(Q);
    let mut yc = y.chunks_exact_mut(Q);
    for (xs, ys) in (&mut xc).zip(&mut yc) {
        let (Ok(xs), Ok(ys)) = (
            <&[S; Q]>::try_from(xs),
            <&mut [MaybeUninit<f32>; Q]>::try_from(ys),
        ) else {
            continue; // unreachable: both chunks are Q long
        };
        let w = S::widen16(xs, hw);
        for i in 0..Q {
            let e = exp_f32::<M>(w[i] - m);
            ys[i].write(e);
            acc[i] += e;
        }
    }
    let mut s = 0.0f32;
    for (&xv, yv) in xc.remainder().iter().zip(yc.into_remainder()) {
        let e = exp_f32::<M>(xv.widen() - m);
        yv.write(e);
        s += e;
    }
    let mut w = Q;
    while w > 1 {
        w /= 2;
        for k in 0..w {
            acc[k] += acc[k + w];
        }
    }
    acc[0] + s
}

/// The four `Q`-element quarters of a [`LANES`]-element chunk (`None`
/// for a shorter one).
#[inline(always)]
fn quarters<T>(c: &[T]) -> Option<[&[T; Q]; 4]> {
    let (q0, c) = c.split_first_chunk::<Q>()?;
    let (q1, c) = c.split_first_chunk::<Q>()?;
    let (q2, c) = c.split_first_chunk::<Q>()?;
    Some([q0, q1, q2, c.first_chunk::<Q>()?])
}

/// Softmax of one row into `f32`s, unnormalised; returns `1 / sum`.
/// Writes every element of `y` (as long as `x`).
#[inline(always)]
fn exp_row<S: Lane, M: MulAdd>(x: &[S], y: &mut [MaybeUninit<f32>], hw: Option<F16c>) -> f32 {
    debug_assert_eq!(x.len(), y.len());
    let m = max_row(x, hw);
    1.0 / exp_sum::<S, M>(x, m, y, hw)
}

/// Softmax of one `float32` row (`y` as long as `x`), written in place:
/// exp and sum into `y`, then scaled there.
#[inline(always)]
fn softmax_row_f32<M: MulAdd>(x: &[f32], y: &mut [MaybeUninit<f32>]) {
    let inv = exp_row::<f32, M>(x, y, None);
    // SAFETY: `exp_row` wrote every element of `y`; `MaybeUninit<f32>`
    // has the layout of `f32`.
    let y = unsafe { &mut *(y as *mut [MaybeUninit<f32>] as *mut [f32]) };
    for v in y.iter_mut() {
        *v *= inv;
    }
}

/// Softmax of a block of `float32` rows (`n` long), vectorised.
fn rows_f32<M: MulAdd>(x: &[f32], y: &mut [MaybeUninit<f32>], n: usize) -> Result<()> {
    dispatch(
        #[inline(always)]
        || {
            for (xr, yr) in x.chunks(n).zip(y.chunks_mut(n)) {
                softmax_row_f32::<M>(xr, yr);
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

/// `y = narrow(t * inv)`, 16 at a time (through F16C where `hw` proves it).
#[inline(always)]
fn scale_narrow<S: Lane>(t: &[f32], inv: f32, y: &mut [MaybeUninit<S>], hw: Option<F16c>) {
    if hw.is_none() {
        for (o, &v) in y.iter_mut().zip(t) {
            o.write(S::narrow(v * inv));
        }
        return;
    }
    let mut tc = t.chunks_exact(Q);
    let mut yc = y.chunks_exact_mut(Q);
    for (ts, ys) in (&mut tc).zip(&mut yc) {
        let (Ok(ts), Ok(ys)) = (
            <&[f32; Q]>::try_from(ts),
            <&mut [MaybeUninit<S>; Q]>::try_from(ys),
        ) else {
            continue; // unreachable: both chunks are Q long
        };
        let mut v = [0.0f32; Q];
        for i in 0..Q {
            v[i] = ts[i] * inv;
        }
        let h = S::narrow16(&v, hw);
        for i in 0..Q {
            ys[i].write(h[i]);
        }
    }
    for (o, &v) in yc.into_remainder().iter_mut().zip(tc.remainder()) {
        o.write(S::narrow(v * inv));
    }
}

/// Softmax of a block of half-precision rows, computed in `float32`
/// registers through one row-long `f32` buffer.
fn rows_half<S: Lane, M: MulAdd>(x: &[S], y: &mut [MaybeUninit<S>], n: usize) -> Result<()> {
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
            with_f16c::<S, _>(
                #[inline(always)]
                |hw| {
                    for (xr, yr) in x.chunks(n).zip(y.chunks_mut(n)) {
                        let t = &mut tmp_out[..xr.len()];
                        let inv = exp_row::<S, M>(xr, t, hw);
                        // SAFETY: `tmp` was zero-initialised and `exp_row`
                        // only writes initialised values; `MaybeUninit<f32>`
                        // has the layout of `f32`.
                        let t = unsafe { &*(t as *const [MaybeUninit<f32>] as *const [f32]) };
                        scale_narrow(t, inv, yr, hw);
                    }
                },
            )
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

    fn exp_within_two_ulps<M: MulAdd>() {
        let mut worst = 0.0f64;
        let mut x = -104.0f32;
        while x < 88.7 {
            let got = exp_f32::<M>(x);
            let want = (x as f64).exp();
            let e = ulps(got, want);
            assert!(e <= 2.0, "exp({x}) = {got}, want {want} ({e} ulp)");
            worst = worst.max(e);
            x += 0.000_731;
        }
        assert!(worst > 0.0);
    }

    #[test]
    fn exp_f32_within_two_ulps_of_f64() {
        exp_within_two_ulps::<Fused>();
        exp_within_two_ulps::<Separate>();
    }

    fn exp_specials<M: MulAdd>() {
        let exp = exp_f32::<M>;
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(-200.0), 0.0);
        assert_eq!(exp(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp(89.0), f32::INFINITY);
        assert!(exp(88.72).is_finite());
        assert!(exp(f32::NAN).is_nan());
        // exp(-100) = 3.72e-44 is subnormal in f32.
        let s = exp(-100.0);
        assert!(s > 0.0 && ulps(s, (-100.0f64).exp()) <= 1.0);
    }

    #[test]
    fn exp_f32_special_values() {
        exp_specials::<Fused>();
        exp_specials::<Separate>();
    }

    /// Softmax of one `f32` row through the kernel's row function.
    fn row<M: MulAdd>(x: &[f32]) -> Vec<f32> {
        let mut y = vec![MaybeUninit::new(0.0f32); x.len()];
        dispatch(|| softmax_row_f32::<M>(x, &mut y));
        // SAFETY: initialised above.
        y.into_iter().map(|v| unsafe { v.assume_init() }).collect()
    }

    fn hand_values<M: MulAdd>() {
        // exp([0, ln 3]) / 4 = [0.25, 0.75]
        let y = row::<M>(&[0.0f32, 3.0f32.ln()]);
        assert!((y[0] - 0.25).abs() < 1e-7 && (y[1] - 0.75).abs() < 1e-7);
        // mx.softmax(mx.array([-inf, -inf])) is [nan, nan]
        assert!(row::<M>(&[f32::NEG_INFINITY; 2]).iter().all(|v| v.is_nan()));
        // mx.softmax(mx.array([1, nan, 2])) is [nan, nan, nan], wherever
        // the NaN sits (in a vector block or in the tail).
        for at in [0, 5, 63, 64, 130] {
            let mut x = vec![0.5f32; 131];
            x[at] = f32::NAN;
            assert!(row::<M>(&x).iter().all(|v| v.is_nan()), "NaN at {at}");
        }
        // mx.softmax(mx.array([0, -inf])) is [1, 0]
        let y = row::<M>(&[0.0, f32::NEG_INFINITY]);
        assert_eq!(y, [1.0, 0.0]);
    }

    #[test]
    fn softmax_row_matches_hand_values() {
        hand_values::<Fused>();
        hand_values::<Separate>();
    }

    /// Rows longer than the vector blocks (with remainders), the max at
    /// every kind of position, against softmax computed in `f64`.
    fn long_rows<M: MulAdd>() {
        for n in [1usize, 15, 16, 17, 63, 64, 65, 200, 4099] {
            let x: Vec<f32> = (0..n)
                .map(|i| ((i * 7919 % 1013) as f32 - 506.0) * 0.037)
                .collect();
            let m = x.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
            let e: Vec<f64> = x.iter().map(|&v| (v as f64 - m).exp()).collect();
            let s: f64 = e.iter().sum();
            for (i, (&got, &w)) in row::<M>(&x).iter().zip(&e).enumerate() {
                let want = w / s;
                // A few ulp, plus the rounding of `x - max` in f32 (half
                // an ulp of the argument, times the argument).
                let d = m - x[i] as f64;
                let tol = want * (4e-7 + d * 6e-8);
                assert!(
                    (got as f64 - want).abs() <= tol,
                    "n {n} i {i}: {got} vs {want}"
                );
            }
        }
    }

    /// Softmax of an `f16` row through `exp_row` and `scale_narrow` with
    /// the given F16C proof (as `rows_half` runs it).
    fn half_row(x: &[f16], hw: Option<F16c>) -> Vec<f16> {
        let mut t = vec![MaybeUninit::<f32>::uninit(); x.len()];
        let mut y = vec![MaybeUninit::<f16>::uninit(); x.len()];
        dispatch(|| {
            let inv = exp_row::<f16, Separate>(x, &mut t, hw);
            // SAFETY: `exp_row` wrote every element of `t`.
            let t = unsafe { &*(&t[..] as *const [MaybeUninit<f32>] as *const [f32]) };
            scale_narrow(t, inv, &mut y, hw);
        });
        // SAFETY: `scale_narrow` wrote every element of `y`.
        y.into_iter().map(|v| unsafe { v.assume_init() }).collect()
    }

    #[test]
    fn half_rows_match_f64_on_both_conversion_paths() {
        // Lengths around the 16- and 64-element blocks; both the F16C path
        // (where this CPU has it) and the bit-operation path must give the
        // f64 softmax rounded to f16, within one f16 rounding of the f32
        // intermediate, and the two paths the same bits.
        for n in [1usize, 15, 16, 17, 63, 64, 65, 200] {
            let x: Vec<f16> = (0..n)
                .map(|i| f16::from_f32(((i * 7919 % 1013) as f32 - 506.0) * 0.011))
                .collect();
            let m = x.iter().fold(f64::NEG_INFINITY, |m, v| m.max(v.to_f64()));
            let e: Vec<f64> = x.iter().map(|v| (v.to_f64() - m).exp()).collect();
            let s: f64 = e.iter().sum();
            let soft = half_row(&x, None);
            let hard = half_row(&x, F16c::detect());
            for i in 0..n {
                assert_eq!(soft[i].to_bits(), hard[i].to_bits(), "n {n} i {i}");
                let want = e[i] / s;
                let got = soft[i].to_f64();
                assert!(
                    (got - want).abs() <= want * 1e-3 + 6e-8,
                    "n {n} i {i}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn softmax_rows_match_f64() {
        long_rows::<Fused>();
        long_rows::<Separate>();
    }
}
