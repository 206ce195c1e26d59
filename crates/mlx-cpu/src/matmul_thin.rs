//! `f32` products with at most [`THIN`] output columns whose left rows and
//! right columns are contiguous: `h @ w.T` for a narrow `w`, as in a
//! classifier head. Each output element is a dot product of two
//! contiguous vectors. gemm's kernels tile many columns and ran the W6
//! head (256x10x512) at about 20 GFLOP/s; here all `n` right columns stay
//! in L1 while the rows of the left operand stream past them once.
//! `float16`/`bfloat16` products reach this through their `f32` copies.

use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Products with at most this many output columns take the dot-product
/// path.
pub(crate) const THIN: usize = 16;

/// Lanes of the dot-product accumulator (two AVX-512 or four AVX2
/// vectors): independent sums hide the add latency.
const LANES: usize = 2 * Q;

/// Lanes of one accumulator array.
const Q: usize = 16;

/// Multiply-adds per parallel task.
const TASK_WORK: usize = 1 << 16;

/// `dst[i * n + j] = sum_p a[a_off + i * a_rs + p] * b[b_off + j * b_cs + p]`
/// for `i < m`, `j < n`, `p < k`, in parallel over rows when `threads`
/// and large, writing every element of `dst` (which may start
/// uninitialised). Returns `false` (with `dst` untouched) when a row or column
/// would reach past its buffer or `dst` is not `m * n` long.
#[allow(clippy::too_many_arguments)]
pub(crate) fn dots(
    dst: &mut [MaybeUninit<f32>],
    (m, n, k): (usize, usize, usize),
    a: &[f32],
    (a_off, a_rs): (usize, usize),
    b: &[f32],
    (b_off, b_cs): (usize, usize),
    threads: bool,
) -> bool {
    let end = |off: usize, rows: usize, stride: usize| {
        rows.checked_sub(1)
            .and_then(|r| r.checked_mul(stride))
            .and_then(|x| x.checked_add(off))
            .and_then(|x| x.checked_add(k))
    };
    let fits =
        |buf: &[f32], off, rows, stride| end(off, rows, stride).is_some_and(|e| e <= buf.len());
    if dst.len() != m * n
        || m == 0
        || n == 0
        || !fits(a, a_off, m, a_rs)
        || !fits(b, b_off, n, b_cs)
    {
        return m * n == 0 && dst.is_empty();
    }
    let cols: Vec<&[f32]> = (0..n)
        .map(|j| &b[b_off + j * b_cs..b_off + j * b_cs + k])
        .collect();
    let rows_of = |i0: usize, out: &mut [MaybeUninit<f32>]| {
        crate::simd::dispatch(
            #[inline(always)]
            || {
                for (r, o) in out.chunks_exact_mut(n).enumerate() {
                    let start = a_off + (i0 + r) * a_rs;
                    let row = &a[start..start + k];
                    for (o, col) in o.iter_mut().zip(&cols) {
                        o.write(dot(row, col));
                    }
                }
            },
        )
    };
    let per_task = (TASK_WORK / (n * k).max(1)).max(1);
    if threads && m > per_task {
        dst.par_chunks_mut(per_task * n)
            .enumerate()
            .for_each(|(t, out)| rows_of(t * per_task, out));
    } else {
        rows_of(0, dst);
    }
    true
}

/// `sum x[p] * y[p]` over [`LANES`] partial sums, added pairwise. The
/// sums are two arrays of [`Q`] (one AVX-512 register each) updated by
/// fixed-length loops: with one array of [`LANES`] LLVM vectorised the
/// loop two lanes wide.
#[inline(always)]
fn dot(x: &[f32], y: &[f32]) -> f32 {
    let (mut a0, mut a1) = ([0f32; Q], [0f32; Q]);
    let mut xc = x.chunks_exact(LANES);
    let mut yc = y.chunks_exact(LANES);
    for (xp, yp) in (&mut xc).zip(&mut yc) {
        // Always `Some` (the chunks are `LANES` long).
        if let (Some((x0, x1)), Some((y0, y1))) = (halves(xp), halves(yp)) {
            for i in 0..Q {
                a0[i] += x0[i] * y0[i];
                a1[i] += x1[i] * y1[i];
            }
        }
    }
    for i in 0..Q {
        a0[i] += a1[i];
    }
    let mut width = Q;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            a0[l] += a0[l + width];
        }
    }
    let (xt, yt) = (xc.remainder(), yc.remainder());
    a0[0] + xt.iter().zip(yt).map(|(p, q)| p * q).sum::<f32>()
}

/// The two [`Q`]-element halves of a [`LANES`]-element chunk.
#[inline(always)]
fn halves(c: &[f32]) -> Option<(&[f32; Q], &[f32; Q])> {
    let (lo, hi) = c.split_at_checked(Q)?;
    Some((lo.first_chunk::<Q>()?, hi.first_chunk::<Q>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values in [-1, 1) from a fixed sequence.
    fn values(len: usize, seed: u32) -> Vec<f32> {
        (0..len as u32)
            .map(|i| {
                ((i.wrapping_mul(2654435761).wrapping_add(seed) >> 8) as f32 / (1u32 << 24) as f32)
                    * 2.0
                    - 1.0
            })
            .collect()
    }

    #[test]
    fn dots_match_f64_sums_at_every_tail_and_offset() {
        for (m, n, k) in [
            (1, 1, 1),
            (3, 2, 31),
            (7, 16, 33),
            (300, 10, 512),
            (5, 3, 0),
            (64, 5, 100),
        ] {
            let (a_off, a_rs, b_off, b_cs) = (3, k + 2, 1, k + 5);
            let a = values(a_off + m * a_rs, 1);
            let b = values(b_off + n * b_cs, 2);
            let mut got = vec![MaybeUninit::new(f32::NAN); m * n];
            assert!(dots(
                &mut got,
                (m, n, k),
                &a,
                (a_off, a_rs),
                &b,
                (b_off, b_cs),
                true
            ));
            for i in 0..m {
                for j in 0..n {
                    let want: f64 = (0..k)
                        .map(|p| a[a_off + i * a_rs + p] as f64 * b[b_off + j * b_cs + p] as f64)
                        .sum();
                    // SAFETY: initialised (to NaN, then by `dots`).
                    let g = unsafe { got[i * n + j].assume_init() } as f64;
                    assert!(
                        (g - want).abs() <= 1e-5 * (1.0 + k as f64).sqrt(),
                        "{m}x{n}x{k} ({i}, {j}): {g} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn operands_too_short_are_refused_untouched() {
        let a = values(10, 1);
        let b = values(10, 2);
        let mut got = vec![MaybeUninit::new(7.0f32); 4];
        // Row 1 of a would end at 5 + 6 = 11 > 10.
        assert!(!dots(&mut got, (2, 2, 6), &a, (0, 5), &b, (0, 1), false));
        // SAFETY: initialised to 7.
        let got: Vec<f32> = got.iter().map(|x| unsafe { x.assume_init() }).collect();
        assert_eq!(got, [7.0; 4]);
    }
}
