//! Stride-1 convolutions as shifted GEMMs, without im2col.
//!
//! With the input zero-padded to `P = O + K - 1` positions per spatial
//! axis, output position `o` reads padded input `o + k` at tap `k`. Number
//! the positions of the padded grid row-major (`q`); then for a fixed tap
//! of the leading axes, the input rows read by consecutive `q` are
//! consecutive rows of the padded input, and the last axis' taps with the
//! channels form one contiguous run of `K_last * C` values per row. So
//! each (leading-axes tap) is one GEMM whose left operand is the padded
//! input itself, read with row stride `C` (rows overlap): `gemm` packs it
//! as it packs any operand, and no window matrix is built. Positions past
//! the valid output along the last axis (`P_last - O_last` per line) are
//! computed into a scratch block and dropped, which is why the path is
//! taken only where they are a small share of the work.
//!
//! The weight gradient is the same product transposed: the left operand
//! read column-major, the output cotangent's rows (zeros at the dropped
//! positions) on the right.

use super::Geometry;
use crate::elementwise_walk::alloc_zeroed_huge;
use gemm::Parallelism;
use mlx_core::{Element, Result};
use num_traits::Float;
use rayon::prelude::*;

use super::OP;

/// Padded rows (`q` values) per GEMM block, about.
const BLOCK_Q: usize = 512;

/// The shifted layout of a convolution.
pub(super) struct Plan {
    /// Padded input positions per spatial axis (`O + K - 1`).
    p: [usize; 3],
    /// Valid output lines per image (`O0 * O1`), each `O2` rows.
    lines: usize,
    /// Lines per block.
    lb: usize,
}

impl Plan {
    /// The plan for `g`, or `None` when the shifted form does not apply
    /// (strides, dilations, groups) or would waste work or memory.
    pub(super) fn new(g: &Geometry, n: usize) -> Option<Plan> {
        let unit = |v: &[i64; 3]| v.iter().all(|&s| s == 1);
        if !(unit(&g.stride) && unit(&g.kdil) && unit(&g.idil)) || g.groups != 1 {
            return None;
        }
        // Each GEMM reduces over `K_last * C`: too short a reduction runs
        // below gemm's speed, where the window matrix (all taps) is better.
        if g.k[2] * g.cin < 32 || g.o.contains(&0) {
            return None;
        }
        // Dropped rows: at most a quarter of the last axis' work.
        let [o0, o1, o2] = g.o;
        if 4 * (g.k[2] - 1) > o2 {
            return None;
        }
        let p = [0, 1, 2].map(|a| g.o[a] + g.k[a] - 1);
        // The padded copy: at most twice the input plus 1M elements.
        let padded = n.checked_mul(p[0] * p[1] * p[2])?.checked_mul(g.cin)?;
        let input = n * g.s.iter().product::<usize>() * g.cin;
        if padded > 2 * input + (1 << 20) {
            return None;
        }
        let lines = o0 * o1;
        let threads = rayon::current_num_threads().max(1);
        let mut lb = (BLOCK_Q / p[2]).clamp(1, lines);
        while lb > 1 && n * lines.div_ceil(lb) < 4 * threads {
            lb /= 2;
        }
        Some(Plan { p, lines, lb })
    }

    /// Padded positions per image.
    fn image(&self) -> usize {
        self.p[0] * self.p[1] * self.p[2]
    }

    /// The runs of lines of block `j` that share their leading-axis
    /// index, as `(first line, end line, first q)`.
    fn runs(&self, g: &Geometry, j: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        let o1 = g.o[1];
        let end = ((j + 1) * self.lb).min(self.lines);
        let mut l = j * self.lb;
        std::iter::from_fn(move || {
            (l < end).then(|| {
                let (i0, i1) = (l / o1, l % o1);
                let stop = end.min((i0 + 1) * o1);
                let run = (l, stop, (i0 * self.p[1] + i1) * self.p[2]);
                l = stop;
                run
            })
        })
    }

    /// The taps of the two leading axes, as offsets in padded rows.
    fn shifts(&self, g: &Geometry) -> Vec<usize> {
        let mut v = Vec::with_capacity(g.k[0] * g.k[1]);
        for k0 in 0..g.k[0] {
            for k1 in 0..g.k[1] {
                v.push((k0 * self.p[1] + k1) * self.p[2]);
            }
        }
        v
    }

    /// `x` (`[N, S.., C]`) zero-padded to `[N, P.., C]`.
    fn pad<T: Element + Float + bytemuck::Zeroable>(
        &self,
        g: &Geometry,
        x: &[T],
        n: usize,
    ) -> Result<Vec<T>> {
        let c = g.cin;
        let [p0, p1, p2] = self.p;
        let mut xp = alloc_zeroed_huge::<T>(OP, n * self.image() * c)?;
        // Padded position `i + lo` holds input `i` on each axis.
        let src = |a: usize, q: usize| {
            let i = q as i64 - g.lo[a];
            (i >= 0 && i < g.s[a] as i64).then_some(i as usize)
        };
        // Input positions of the last axis that land in the padded line.
        let first = (0..p2).find(|&q| src(2, q).is_some());
        xp.par_chunks_mut(p2 * c)
            .enumerate()
            .for_each(|(line, dst)| {
                let (q, q1) = (line / p1, line % p1);
                let (ni, q0) = (q / p0, q % p0);
                let (Some(i0), Some(i1), Some(f)) = (src(0, q0), src(1, q1), first) else {
                    return;
                };
                let i2 = src(2, f).unwrap_or(0);
                let len = (p2 - f).min(g.s[2] - i2);
                let at = (((ni * g.s[0] + i0) * g.s[1] + i1) * g.s[2] + i2) * c;
                dst[f * c..(f + len) * c].copy_from_slice(&x[at..at + len * c]);
            });
        Ok(xp)
    }
}

/// `y = conv(x, w)` through [`Plan`], `b` the packed weight (`[taps * C,
/// C_out]`, tap-major).
pub(super) fn forward<T: Element + Float + bytemuck::Zeroable>(
    g: &Geometry,
    plan: &Plan,
    x: &[T],
    n: usize,
    b: &[T],
    y: &mut [T],
) -> Result<()> {
    let xp = plan.pad(g, x, n)?;
    let (c, co, o2, p2) = (g.cin, g.cout, g.o[2], plan.p[2]);
    let k = g.k[2] * c;
    let shifts = plan.shifts(g);
    let img = plan.image() * c;
    let cap = plan.lb * p2 * co;
    let jobs: Vec<(usize, usize, &mut [T])> = y
        .chunks_mut(plan.lines * o2 * co)
        .enumerate()
        .flat_map(|(ni, yi)| {
            yi.chunks_mut(plan.lb * o2 * co)
                .enumerate()
                .map(move |(j, ys)| (ni, j, ys))
        })
        .collect();
    jobs.into_par_iter().for_each_init(
        || vec![T::zero(); cap],
        |tmp, (ni, j, ys)| {
            let l0 = j * plan.lb;
            for (la, lz, q0) in plan.runs(g, j) {
                let m = (lz - la - 1) * p2 + o2;
                for (t, &shift) in shifts.iter().enumerate() {
                    let a = &xp[ni * img + (q0 + shift) * c..];
                    let bt = &b[t * k * co..];
                    // SAFETY: `tmp` holds `lb * p2 >= m` rows of `co`. The
                    // left operand's rows `r < m` start at `(q0 + shift +
                    // r) * c` of image `ni` and run `k = K2 * c` values:
                    // the last one ends at or before the image's end,
                    // because `q0 + r` is at most the last valid output
                    // position and `shift` plus the last axis' taps at most
                    // the last tap (padded size `O + K - 1` per axis).
                    // `bt` holds `k` rows of `co` (taps `t * K2 ..`). `T`
                    // is f32 or f64, types gemm dispatches on.
                    unsafe {
                        gemm::gemm(
                            m,
                            co,
                            k,
                            tmp.as_mut_ptr(),
                            1,
                            co as isize,
                            t > 0,
                            a.as_ptr(),
                            1,
                            c as isize,
                            bt.as_ptr(),
                            1,
                            co as isize,
                            T::one(),
                            T::one(),
                            false,
                            false,
                            false,
                            Parallelism::None,
                        );
                    }
                }
                for l in la..lz {
                    let src = &tmp[(l - la) * p2 * co..][..o2 * co];
                    ys[(l - l0) * o2 * co..][..o2 * co].copy_from_slice(src);
                }
            }
        },
    );
    Ok(())
}

/// The weight cotangent through [`Plan`]: `[taps * C, C_out]`, tap-major,
/// summed over the images and positions (the layout of the packed weight).
pub(super) fn weight_grad<T: Element + Float + bytemuck::Zeroable + Send + Sync>(
    g: &Geometry,
    plan: &Plan,
    x: &[T],
    n: usize,
    gr: &[T],
) -> Result<Vec<T>> {
    let xp = plan.pad(g, x, n)?;
    let (c, co, o2, p2) = (g.cin, g.cout, g.o[2], plan.p[2]);
    let k = g.k[2] * c;
    let shifts = plan.shifts(g);
    let img = plan.image() * c;
    let size = shifts.len() * k * co;
    let cap = plan.lb * p2 * co;
    let per_image = plan.lines.div_ceil(plan.lb);
    let block = |(mut acc, mut tmp): (Vec<T>, Vec<T>), job: usize| {
        let (ni, j) = (job / per_image, job % per_image);
        for (la, lz, q0) in plan.runs(g, j) {
            let m = (lz - la - 1) * p2 + o2;
            // The cotangent's rows at their padded positions, zeros at the
            // dropped ones.
            for l in la..lz {
                let row = &mut tmp[(l - la) * p2 * co..];
                let src = &gr[(ni * plan.lines + l) * o2 * co..][..o2 * co];
                row[..o2 * co].copy_from_slice(src);
                if l + 1 < lz {
                    row[o2 * co..p2 * co].fill(T::zero());
                }
            }
            for (t, &shift) in shifts.iter().enumerate() {
                let a = &xp[ni * img + (q0 + shift) * c..];
                let dst = &mut acc[t * k * co..][..k * co];
                // SAFETY: `dst` is `k x co` row-major inside `acc`. The
                // left operand is the shifted input transposed: entry (i,
                // r) at `a[r * c + i]`, `i < k`, `r < m`, inside image `ni`
                // of `xp` as in `forward`. The right operand is `tmp`'s
                // first `m` rows of `co` (filled above). `T` is f32 or
                // f64, types gemm dispatches on.
                unsafe {
                    gemm::gemm(
                        k,
                        co,
                        m,
                        dst.as_mut_ptr(),
                        1,
                        co as isize,
                        true,
                        a.as_ptr(),
                        c as isize,
                        1,
                        tmp.as_ptr(),
                        1,
                        co as isize,
                        T::one(),
                        T::one(),
                        false,
                        false,
                        false,
                        Parallelism::None,
                    );
                }
            }
        }
        (acc, tmp)
    };
    Ok(super::sum_blocks(n * per_image, size, cap, block))
}
