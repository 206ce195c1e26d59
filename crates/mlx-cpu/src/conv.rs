//! The convolution kernel ([`FastOp::Conv`](mlx_core::primitive::FastOp)):
//! channels-last implicit GEMM.
//!
//! The output `[N, O.., C_out]` is a matrix of `M = N * prod(O)` rows by
//! `C_out` columns. Rows are cut into blocks handed to rayon; for each
//! block and channel group, a worker packs the block's windows (im2col
//! rows: `taps x C_in/groups` values each, zeros where a tap reads
//! padding or falls between dilated input elements) into a buffer it
//! reuses, a chunk of taps at a time, and multiplies it by the packed
//! weight `[taps * Cg, Og]` with `gemm`, accumulating over tap chunks.
//! So memory stays bounded by one block per worker: the whole im2col
//! matrix never exists. `float16`/`bfloat16` run in `float32` and round
//! once at the end, as MLX does; `float64` runs in `float64`.
//!
//! The input's cotangent is a convolution again (see `ConvParams::vjp`).
//! The weight's (`FastOp::ConvWeightGrad`) packs the same windows and
//! multiplies their transpose by the output cotangent's rows, each worker
//! summing into its own small `[taps * Cg, Og]` matrices: as a plain
//! convolution it would read the input transposed (channels as batch),
//! a cache miss per element.

use crate::elementwise_walk::{alloc_out, alloc_zeroed_huge};
use crate::strided::contiguous;
use gemm::Parallelism;
use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};
use mlx_core::memory::try_zeroed;
use mlx_core::primitive::{ConvParams, OutSpec};
use mlx_core::{Dtype, Element, Error, HostData, Result, View};
use num_traits::Float;
use rayon::prelude::*;

mod shifted;

const OP: &str = "conv";

/// Elements of packed windows one worker holds at a time.
const PACK: usize = 1 << 17;

/// Output rows per block: fewer when that leaves workers idle.
const BLOCK_ROWS: usize = 256;

/// `$body` with `$x`, `$y` bound to the two views' data as dense slices:
/// `f32` for `float32` and the half types (rounded once at the end),
/// `f64` for `float64`.
macro_rules! typed {
    ($a:expr, $b:expr, $out:expr, |$x:ident, $y:ident| $body:expr) => {
        match $out.dtype {
            Dtype::Float32 => {
                let ($x, $y) = (contiguous::<f32>(OP, $a)?, contiguous::<f32>(OP, $b)?);
                let ($x, $y) = (&*$x, &*$y);
                Ok(HostData::Float32($body?))
            }
            Dtype::Float64 => {
                let ($x, $y) = (contiguous::<f64>(OP, $a)?, contiguous::<f64>(OP, $b)?);
                let ($x, $y) = (&*$x, &*$y);
                Ok(HostData::Float64($body?))
            }
            Dtype::Float16 => {
                let ($x, $y) = (widen::<f16>($a)?, widen::<f16>($b)?);
                let ($x, $y) = (&$x[..], &$y[..]);
                Ok(HostData::Float16(narrow(&$body?)?))
            }
            Dtype::Bfloat16 => {
                let ($x, $y) = (widen::<bf16>($a)?, widen::<bf16>($b)?);
                let ($x, $y) = (&$x[..], &$y[..]);
                Ok(HostData::Bfloat16(narrow(&$body?)?))
            }
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
                OP,
                $out.dtype,
                "the cpu kernel takes floating point input",
            )),
        }
    };
}

/// `conv(x, w)` with parameters `p` into a new row-major `out`.
pub(crate) fn conv(p: &ConvParams, x: &View, w: &View, out: OutSpec) -> Result<HostData> {
    typed!(x, w, out, |xd, wd| run(p, xd, x.shape, wd, w.shape, out))
}

/// The weight cotangent of `conv(x, w)` (`w` of shape `out.shape`) for
/// output cotangent `g`: the windows of `x` (the forward's packing)
/// multiplied by `g` and summed over the output rows.
pub(crate) fn weight_grad(p: &ConvParams, x: &View, g: &View, out: OutSpec) -> Result<HostData> {
    typed!(x, g, out, |xd, gd| run_weight_grad(
        p, xd, x.shape, gd, g.shape, out
    ))
}

/// A half-precision view as dense `float32`.
fn widen<T: Element>(v: &View) -> Result<Vec<f32>>
where
    [T]: HalfFloatSliceExt,
{
    let src = contiguous::<T>(OP, v)?;
    let mut dst = try_zeroed::<f32>(OP, src.len())?;
    src.convert_to_f32_slice(&mut dst);
    Ok(dst)
}

/// `float32` results rounded once to a half type.
fn narrow<T: Element + bytemuck::Zeroable>(y: &[f32]) -> Result<Vec<T>>
where
    [T]: HalfFloatSliceExt,
{
    let mut out = try_zeroed::<T>(OP, y.len())?;
    out.convert_from_f32_slice(y);
    Ok(out)
}

/// The convolution geometry with three spatial axes (missing leading axes
/// have length 1 and a single tap).
struct Geometry {
    s: [usize; 3],
    k: [usize; 3],
    o: [usize; 3],
    stride: [i64; 3],
    lo: [i64; 3],
    kdil: [i64; 3],
    idil: [i64; 3],
    /// Dilated input length per axis.
    dil_in: [i64; 3],
    cin: usize,
    cout: usize,
    groups: usize,
    /// Input channels per group.
    cg: usize,
    /// Output channels per group.
    og: usize,
    flip: bool,
}

impl Geometry {
    fn new(p: &ConvParams, xs: &[usize], ws: &[usize], os: &[usize]) -> Result<Geometry> {
        let d = p.spatial();
        if d == 0 || d > 3 || xs.len() != d + 2 || ws.len() != d + 2 || os.len() != d + 2 {
            return Err(Error::internal(
                OP,
                "operand ranks do not match the parameters",
            ));
        }
        let pad = 3 - d;
        let mut g = Geometry {
            s: [1; 3],
            k: [1; 3],
            o: [1; 3],
            stride: [1; 3],
            lo: [0; 3],
            kdil: [1; 3],
            idil: [1; 3],
            dil_in: [1; 3],
            cin: xs[d + 1],
            cout: ws[0],
            groups: p.groups,
            cg: ws[d + 1],
            og: ws[0] / p.groups.max(1),
            flip: p.flip,
        };
        for i in 0..d {
            let a = pad + i;
            g.s[a] = xs[1 + i];
            g.k[a] = ws[1 + i];
            g.o[a] = os[1 + i];
            g.stride[a] = p.stride[i] as i64;
            g.lo[a] = p.padding_lo[i];
            g.kdil[a] = p.kernel_dilation[i] as i64;
            g.idil[a] = p.input_dilation[i] as i64;
            g.dil_in[a] = if g.s[a] == 0 {
                0
            } else {
                (g.s[a] as i64 - 1) * g.idil[a] + 1
            };
        }
        if g.cg * g.groups != g.cin || g.og * g.groups != g.cout {
            return Err(Error::internal(OP, "channels do not match the groups"));
        }
        Ok(g)
    }

    fn taps(&self) -> usize {
        self.k.iter().product()
    }

    /// Input index along axis `a` read by output `o` at tap `k`, if any.
    #[inline]
    fn source(&self, a: usize, o: usize, k: usize) -> Option<usize> {
        let pos = o as i64 * self.stride[a] + k as i64 * self.kdil[a] - self.lo[a];
        (pos >= 0 && pos < self.dil_in[a] && pos % self.idil[a] == 0)
            .then(|| (pos / self.idil[a]) as usize)
    }
}

/// The convolution of dense `x` and `w` (shapes `xs`, `ws`) in `T`
/// (`f32` or `f64`), written row-major for `out`.
fn run<T: Element + Float + bytemuck::Zeroable + Default>(
    p: &ConvParams,
    x: &[T],
    xs: &[usize],
    w: &[T],
    ws: &[usize],
    out: OutSpec,
) -> Result<Vec<T>> {
    let g = Geometry::new(p, xs, ws, out.shape)?;
    let mut y = alloc_zeroed_huge::<T>(OP, out.numel())?;
    let taps = g.taps();
    let red = taps * g.cg;
    if y.is_empty() || red == 0 || g.og == 0 {
        return Ok(y);
    }
    let b = pack_weight(&g, w)?;
    if let Some(plan) = shifted::Plan::new(&g, xs[0]) {
        shifted::forward(&g, &plan, x, xs[0], &b, &mut y)?;
        return Ok(y);
    }
    let rows = y.len() / g.cout;
    let mb = block_rows(rows);
    // Taps per packed chunk: the block's windows for them fit `PACK`.
    let kc = (PACK / (mb * g.cg).max(1)).clamp(1, taps);
    let cap = mb * kc * g.cg;
    let block = |buf: &mut Vec<T>, (bi, ys): (usize, &mut [T])| {
        let r0 = bi * mb;
        let m = ys.len() / g.cout;
        for gi in 0..g.groups {
            let mut t0 = 0;
            while t0 < taps {
                let t1 = (t0 + kc).min(taps);
                let width = (t1 - t0) * g.cg;
                let a = &mut buf[..m * width];
                pack_windows(&g, x, gi, r0, t0, t1, a);
                let bg = &b[(gi * red + t0 * g.cg) * g.og..];
                // SAFETY: `ys` holds `m` rows of `cout` values; the
                // destination is its `m x og` block at column `gi * og`
                // (column stride 1, row stride cout), in bounds. `a` is
                // `m x width` row-major; `bg` holds at least `width` rows
                // of `og` values (taps t0..t1 of group gi in the packed
                // weight). `T` is f32 or f64, types gemm dispatches on.
                unsafe {
                    gemm::gemm(
                        m,
                        g.og,
                        width,
                        ys.as_mut_ptr().add(gi * g.og),
                        1,
                        g.cout as isize,
                        t0 > 0,
                        a.as_ptr(),
                        1,
                        width as isize,
                        bg.as_ptr(),
                        1,
                        g.og as isize,
                        T::one(),
                        T::one(),
                        false,
                        false,
                        false,
                        Parallelism::None,
                    );
                }
                t0 = t1;
            }
        }
    };
    let chunk = mb * g.cout;
    if rows > mb {
        y.par_chunks_mut(chunk)
            .enumerate()
            .for_each_init(|| vec![T::zero(); cap], block);
    } else {
        let mut buf = vec![T::zero(); cap];
        y.chunks_mut(chunk)
            .enumerate()
            .for_each(|job| block(&mut buf, job));
    }
    Ok(y)
}

/// Rows per block for `rows` output rows: `BLOCK_ROWS`, halved (down to
/// 16) while that leaves fewer than four blocks per worker.
fn block_rows(rows: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    let mut mb = BLOCK_ROWS;
    while mb > 16 && rows.div_ceil(mb) < 4 * threads {
        mb /= 2;
    }
    mb
}

/// `dw[co, k, c] = sum_rows A[row, (k, c)] g[row, co]` per group, with `A`
/// the im2col matrix packed block by block as in [`run`]; each worker
/// sums its blocks into its own `[taps * Cg, Og]` matrices, then the
/// workers' sums are added and laid out as the weight (taps reversed for
/// a flipped kernel).
fn run_weight_grad<T: Element + Float + bytemuck::Zeroable + Default>(
    p: &ConvParams,
    x: &[T],
    xs: &[usize],
    gr: &[T],
    gs: &[usize],
    out: OutSpec,
) -> Result<Vec<T>> {
    let g = Geometry::new(p, xs, out.shape, gs)?;
    let mut dw = alloc_out::<T>(OP, out.numel())?;
    let taps = g.taps();
    let rows = gr.len() / g.cout.max(1);
    if dw.is_empty() || rows == 0 || g.og == 0 {
        return Ok(dw);
    }
    let sum = match shifted::Plan::new(&g, xs[0]) {
        Some(plan) => shifted::weight_grad(&g, &plan, x, xs[0], gr)?,
        None => windows_weight_grad(&g, x, gr, rows),
    };
    for gi in 0..g.groups {
        for j in 0..g.og {
            let co = gi * g.og + j;
            for t in 0..taps {
                let wt = if g.flip { taps - 1 - t } else { t };
                for c in 0..g.cg {
                    dw[(co * taps + wt) * g.cg + c] = sum[((gi * taps + t) * g.cg + c) * g.og + j];
                }
            }
        }
    }
    Ok(dw)
}

/// The per-group weight cotangent sums of [`run_weight_grad`] from the
/// packed windows: `[groups][taps * Cg, Og]`, taps in the forward's order.
fn windows_weight_grad<T: Element + Float + bytemuck::Zeroable + Default>(
    g: &Geometry,
    x: &[T],
    gr: &[T],
    rows: usize,
) -> Vec<T> {
    let taps = g.taps();
    let red = taps * g.cg;
    let mb = block_rows(rows);
    let kc = (PACK / (mb * g.cg).max(1)).clamp(1, taps);
    let cap = mb * kc * g.cg;
    let size = g.groups * red * g.og;
    let blocks = rows.div_ceil(mb);
    let block = |(mut acc, mut buf): (Vec<T>, Vec<T>), bi: usize| {
        let r0 = bi * mb;
        let m = mb.min(rows - r0);
        for gi in 0..g.groups {
            let mut t0 = 0;
            while t0 < taps {
                let t1 = (t0 + kc).min(taps);
                let width = (t1 - t0) * g.cg;
                let a = &mut buf[..m * width];
                pack_windows(g, x, gi, r0, t0, t1, a);
                let dst = &mut acc[(gi * red + t0 * g.cg) * g.og..][..width * g.og];
                let gb = &gr[r0 * g.cout + gi * g.og..];
                // SAFETY: `dst` is `width x og` row-major (row stride og),
                // inside `acc`. The left operand is `a` transposed: entry
                // (i, r) at `a[r * width + i]`, `r < m`, inside `a`. The
                // right operand is rows r0..r0+m of `g` at columns
                // gi*og..(gi+1)*og (row stride cout), inside `gr`. `T` is
                // f32 or f64, types gemm dispatches on.
                unsafe {
                    gemm::gemm(
                        width,
                        g.og,
                        m,
                        dst.as_mut_ptr(),
                        1,
                        g.og as isize,
                        true,
                        a.as_ptr(),
                        width as isize,
                        1,
                        gb.as_ptr(),
                        1,
                        g.cout as isize,
                        T::one(),
                        T::one(),
                        false,
                        false,
                        false,
                        Parallelism::None,
                    );
                }
                t0 = t1;
            }
        }
        (acc, buf)
    };
    sum_blocks(blocks, size, cap, block)
}

/// `block` folded over blocks `0..blocks` per worker, each worker with its
/// own accumulator of `size` zeros and scratch of `cap` zeros, and the
/// workers' accumulators added (on the calling thread for one block).
fn sum_blocks<T, F>(blocks: usize, size: usize, cap: usize, block: F) -> Vec<T>
where
    T: Float + Send + Sync,
    F: Fn((Vec<T>, Vec<T>), usize) -> (Vec<T>, Vec<T>) + Send + Sync,
{
    let zeros = || (vec![T::zero(); size], vec![T::zero(); cap]);
    if blocks > 1 {
        (0..blocks)
            .into_par_iter()
            .fold(zeros, block)
            .map(|(acc, _)| acc)
            .reduce(
                || vec![T::zero(); size],
                |mut a, b| {
                    a.iter_mut().zip(&b).for_each(|(u, v)| *u = *u + *v);
                    a
                },
            )
    } else {
        (0..blocks).fold(zeros(), block).0
    }
}

/// The weight as one `[taps * Cg, Og]` matrix per group (tap-major rows,
/// taps reversed for a flipped kernel).
fn pack_weight<T: Element + Float + bytemuck::Zeroable>(g: &Geometry, w: &[T]) -> Result<Vec<T>> {
    let taps = g.taps();
    let red = taps * g.cg;
    let mut b = try_zeroed::<T>(OP, g.groups * red * g.og)?;
    for gi in 0..g.groups {
        for og in 0..g.og {
            let co = gi * g.og + og;
            for t in 0..taps {
                let src_t = if g.flip { taps - 1 - t } else { t };
                let src = &w[(co * taps + src_t) * g.cg..][..g.cg];
                for (c, &v) in src.iter().enumerate() {
                    b[((gi * taps + t) * g.cg + c) * g.og + og] = v;
                }
            }
        }
    }
    Ok(b)
}

/// Pack rows `r0..r0 + a.len() / width` of the im2col matrix of group
/// `gi`, taps `t0..t1`, into `a` (row-major, `width = (t1 - t0) * Cg`).
fn pack_windows<T: Element + Float>(
    g: &Geometry,
    x: &[T],
    gi: usize,
    r0: usize,
    t0: usize,
    t1: usize,
    a: &mut [T],
) {
    let width = (t1 - t0) * g.cg;
    let [o0, o1, o2] = g.o;
    let [k0, k1, k2] = g.k;
    let [s0, s1, s2] = g.s;
    let mut src = [
        Vec::with_capacity(k0),
        Vec::with_capacity(k1),
        Vec::with_capacity(k2),
    ];
    for (i, row) in a.chunks_exact_mut(width).enumerate() {
        let r = r0 + i;
        let (q, p2) = (r / o2, r % o2);
        let (q, p1) = (q / o1, q % o1);
        let (n, p0) = (q / o0, q % o0);
        for (a_, (&pos, list)) in [p0, p1, p2].iter().zip(src.iter_mut()).enumerate() {
            list.clear();
            list.extend((0..g.k[a_]).map(|k| g.source(a_, pos, k)));
        }
        let base = n * s0;
        for (t, dst) in (t0..).zip(row.chunks_exact_mut(g.cg)) {
            let (tq, kk2) = (t / k2, t % k2);
            let (kk0, kk1) = (tq / k1, tq % k1);
            match (src[0][kk0], src[1][kk1], src[2][kk2]) {
                (Some(i0), Some(i1), Some(i2)) => {
                    let at = (((base + i0) * s1 + i1) * s2 + i2) * g.cin + gi * g.cg;
                    dst.copy_from_slice(&x[at..at + g.cg]);
                }
                _ => dst.fill(T::zero()),
            }
        }
    }
}
