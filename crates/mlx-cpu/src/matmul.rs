//! Matrix products through the `gemm` crate.
//!
//! Strided views go to gemm as they are (row and column strides passed
//! through, so transposed, sliced and broadcast operands need no copy);
//! only views with negative strides are made dense first, and a
//! column-major right operand whose columns alias in the cache is copied
//! row-major (see `aliasing_columns`). `bfloat16` is
//! multiplied in `float32` and rounded back. Large products use gemm's own
//! threads; batches of small products run in parallel over the batch.

use crate::elementwise_walk::OutElem;
use crate::matmul_thin::{self, THIN};
use crate::strided::{buffer, gather_strided, strided_offset, PAR_THRESHOLD};
use gemm::Parallelism;
use half::{bf16, f16};
use mlx_core::memory::{try_collect, try_with_capacity};
use mlx_core::primitive::OutSpec;
use mlx_core::shape::numel;
use mlx_core::{Complex64, Dtype, Element, Error, HostData, Result, View};
use rayon::prelude::*;
use std::borrow::Cow;
use std::mem::MaybeUninit;

/// Products with at least this many multiply-adds (`m * n * k`) let gemm
/// use the rayon pool.
const THREAD_WORK: usize = 1 << 18;

/// Batched products below this many multiply-adds each are spread over the
/// batch with rayon instead of threading inside gemm.
const BATCH_PAR_WORK: usize = 1 << 21;

/// Batched matrix product: `a` is `[batch.., M, K]`, `b` is `[batch.., K, N]`
/// (equal batch shapes, broadcast ones with stride 0), output
/// `[batch.., M, N]` row-major.
pub(crate) fn matmul(a: &View, b: &View, out: OutSpec) -> Result<HostData> {
    let nd = out.shape.len();
    if nd < 2 || a.shape.len() != nd || b.shape.len() != nd {
        return Err(Error::internal(
            "matmul",
            "operands must have the output's rank, at least 2",
        ));
    }
    let k = a.shape[nd - 1];
    match out.dtype {
        // Half types are multiplied in f32 and rounded once, as MLX does
        // (gemm's own f16 path accumulates in f16 for one-row products).
        Dtype::Float16 => Ok(HostData::Float16(via_f32(
            a,
            b,
            out.shape,
            k,
            f16::from_f32,
        )?)),
        Dtype::Float32 => Ok(HostData::Float32(typed::<f32>(a, b, out.shape, k)?)),
        Dtype::Float64 => Ok(HostData::Float64(typed::<f64>(a, b, out.shape, k)?)),
        Dtype::Complex64 => Ok(HostData::Complex64(typed::<Complex64>(a, b, out.shape, k)?)),
        Dtype::Bfloat16 => Ok(HostData::Bfloat16(via_f32(
            a,
            b,
            out.shape,
            k,
            bf16::from_f32,
        )?)),
        Dtype::Bool
        | Dtype::Uint8
        | Dtype::Uint16
        | Dtype::Uint32
        | Dtype::Uint64
        | Dtype::Int8
        | Dtype::Int16
        | Dtype::Int32
        | Dtype::Int64 => Err(Error::unsupported(
            "matmul",
            "cpu",
            format!("dtype {}", out.dtype),
        )),
    }
}

/// One operand: its elements and the strided layout of `[batch.., rows, cols]`
/// within them (all strides non-negative).
struct Operand<'a, T: Clone> {
    data: Cow<'a, [T]>,
    offset: usize,
    strides: Vec<isize>,
}

/// The output buffer, allocated before any operand copy so that a product
/// too large for memory fails first, and cheaply. It is left
/// uninitialised: [`batched`] writes every element (gemm with `read_dst =
/// false` overwrites its destination, the dot-product path writes each
/// product, `k = 0` writes zeros), so zeroing it first was a wasted
/// `memset` (2.8% of a W6 training step). Debug builds fill it with NaN, so
/// a path that skips an element or reads it shows in the tests.
fn alloc_output<T: Element>(out_shape: &[usize]) -> Result<Vec<MaybeUninit<T>>> {
    let n = numel(out_shape);
    let mut v = try_with_capacity::<MaybeUninit<T>>("matmul", n)?;
    // SAFETY: the capacity is `n` (reserved above), and `MaybeUninit`
    // elements need no initialisation.
    unsafe { v.set_len(n) };
    if cfg!(debug_assertions) {
        let nan = T::from_f64_lossy(f64::NAN);
        v.iter_mut().for_each(|x| {
            x.write(nan);
        });
    }
    Ok(v)
}

/// The output once [`batched`] has written every element of it.
///
/// # Safety
/// Every element of `v` is initialised.
unsafe fn assume_init<T>(v: Vec<MaybeUninit<T>>) -> Vec<T> {
    let mut v = std::mem::ManuallyDrop::new(v);
    let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
    // SAFETY: the allocation of a `Vec<MaybeUninit<T>>`, which has `T`'s
    // layout, with `len` initialised elements (the caller's guarantee);
    // `v` is not dropped, so the buffer has one owner.
    unsafe { Vec::from_raw_parts(ptr.cast::<T>(), len, cap) }
}

/// Product of views whose element type gemm supports directly.
fn typed<T: OutElem>(a: &View, b: &View, out_shape: &[usize], k: usize) -> Result<Vec<T>> {
    let mut out = alloc_output::<T>(out_shape)?;
    let (a, b) = (operand::<T>(a)?, operand::<T>(b)?);
    batched(&a, &b, &mut out, out_shape, k);
    // SAFETY: `batched` writes every element of `out`.
    Ok(unsafe { assume_init(out) })
}

/// Borrow a view as an operand, making it dense only if a stride is negative.
fn operand<'a, T: Element>(v: &View<'a>) -> Result<Operand<'a, T>> {
    let buf = buffer::<T>(v)?;
    if v.numel() == 0 {
        return Ok(Operand {
            data: Cow::Borrowed(&[]),
            offset: 0,
            strides: vec![0; v.shape.len()],
        });
    }
    if v.strides.iter().any(|&s| s < 0) {
        let (data, strides) = densify(buf, v)?;
        return Ok(Operand {
            data: Cow::Owned(data),
            offset: 0,
            strides,
        });
    }
    if !in_bounds(buf.len(), v.offset, v.shape, v.strides) {
        return Err(Error::internal("matmul", "view extends past its buffer"));
    }
    Ok(Operand {
        data: Cow::Borrowed(buf),
        offset: v.offset,
        strides: v.strides.to_vec(),
    })
}

/// Gather a view into a dense buffer, keeping stride-0 (broadcast)
/// dimensions unmaterialised; returns the buffer and the view's strides in it.
fn densify<T: Element>(buf: &[T], v: &View) -> Result<(Vec<T>, Vec<isize>)> {
    if v.numel() == 0 {
        return Ok((Vec::new(), vec![0; v.shape.len()]));
    }
    let reduced: Vec<usize> = v
        .shape
        .iter()
        .zip(v.strides)
        .map(|(&d, &s)| if s == 0 { 1 } else { d })
        .collect();
    let data = gather_strided(
        "matmul",
        buf,
        &View {
            shape: &reduced,
            ..*v
        },
    )?;
    let mut strides = vec![0isize; reduced.len()];
    let mut acc = 1isize;
    for i in (0..reduced.len()).rev() {
        strides[i] = if reduced[i] == 1 { 0 } else { acc };
        acc *= reduced[i] as isize;
    }
    Ok((data, strides))
}

/// True when every element of the (non-empty) layout lies in `0..len`.
fn in_bounds(len: usize, offset: usize, shape: &[usize], strides: &[isize]) -> bool {
    if shape.len() != strides.len() {
        return false;
    }
    if shape.contains(&0) {
        return true;
    }
    let (mut lo, mut hi) = (offset as isize, offset as isize);
    for (&d, &s) in shape.iter().zip(strides) {
        let span = (d as isize - 1) * s;
        if span < 0 {
            lo += span;
        } else {
            hi += span;
        }
    }
    lo >= 0 && (hi as usize) < len
}

/// The product of two half-precision views (`H` is `f16` or `bf16`),
/// computed in f32 and rounded by `down`.
fn via_f32<H: Copy + Into<f32> + mlx_core::Element>(
    a: &View,
    b: &View,
    shape: &[usize],
    k: usize,
    down: fn(f32) -> H,
) -> Result<Vec<H>> {
    let mut out32 = alloc_output::<f32>(shape)?;
    let mut out = try_with_capacity("matmul", out32.len())?;
    let to_f32 = |v: &View| -> Result<Operand<'static, f32>> {
        let (data, strides) = densify(buffer::<H>(v)?, v)?;
        Ok(Operand {
            data: Cow::Owned(try_collect(
                "matmul",
                data.len(),
                data.into_iter().map(Into::into),
            )?),
            offset: 0,
            strides,
        })
    };
    let (a32, b32) = (to_f32(a)?, to_f32(b)?);
    batched(&a32, &b32, &mut out32, shape, k);
    // SAFETY: `batched` writes every element of `out32`.
    let out32 = unsafe { assume_init(out32) };
    out.extend(out32.into_iter().map(down));
    Ok(out)
}

/// Run the batch of products into `out`, the row-major `[batch.., m, n]`
/// buffer, writing every element of it (it may start uninitialised).
///
/// `T` must be one of gemm's types (`f16`, `f32`, `f64`, `Complex32`), and
/// both operands must have passed [`in_bounds`] for their full shapes
/// `[batch.., m, k]` and `[batch.., k, n]` with non-negative strides.
fn batched<T: Element>(
    a: &Operand<T>,
    b: &Operand<T>,
    out: &mut [MaybeUninit<T>],
    out_shape: &[usize],
    k: usize,
) {
    let nd = out_shape.len();
    let (m, n) = (out_shape[nd - 2], out_shape[nd - 1]);
    let batch_shape = &out_shape[..nd - 2];
    let batch: usize = batch_shape.iter().product();
    assert_eq!(out.len(), batch * m * n, "internal: matmul output size");
    if k == 0 {
        let zero = T::from_f64_lossy(0.0);
        out.iter_mut().for_each(|o| {
            o.write(zero);
        });
        return;
    }
    if out.is_empty() {
        return;
    }
    let (a_rs, a_cs) = (a.strides[nd - 2], a.strides[nd - 1]);
    let (b_rs, b_cs) = (b.strides[nd - 2], b.strides[nd - 1]);
    // One right operand for the whole batch and left rows that form one
    // strided run: a single (batch * m) x k by k x n product.
    if batch > 1 && b.strides[..nd - 2].iter().all(|&s| s == 0) {
        if let Some(rs) = fold_rows(&out_shape[..nd - 1], &a.strides[..nd - 1]) {
            let lhs = (a.offset as isize, a_cs, rs);
            let rhs = (b.offset as isize, b_cs, b_rs);
            gemm_into(out, batch * m, n, k, a, lhs, b, rhs, true);
            return;
        }
    }
    let work = m * n * k;
    let run = |bi: usize, dst: &mut [MaybeUninit<T>], threads: bool| {
        let a_off = a.offset as isize + strided_offset(bi, batch_shape, &a.strides[..nd - 2]);
        let b_off = b.offset as isize + strided_offset(bi, batch_shape, &b.strides[..nd - 2]);
        gemm_into(
            dst,
            m,
            n,
            k,
            a,
            (a_off, a_cs, a_rs),
            b,
            (b_off, b_cs, b_rs),
            threads,
        );
    };
    if batch > 1 && work < BATCH_PAR_WORK && batch * work >= PAR_THRESHOLD {
        let min_len = PAR_THRESHOLD.div_ceil(work).max(1);
        out.par_chunks_mut(m * n)
            .enumerate()
            .with_min_len(min_len)
            .for_each(|(bi, dst)| run(bi, dst, false));
    } else {
        for (bi, dst) in out.chunks_mut(m * n).enumerate() {
            run(bi, dst, true);
        }
    }
}

/// The row stride that walks dimensions `shape` (`[batch.., m]`) as one run
/// of rows, if their strides allow it (size-1 dimensions are skipped).
fn fold_rows(shape: &[usize], strides: &[isize]) -> Option<isize> {
    let mut dims = shape.iter().zip(strides).filter(|(&d, _)| d != 1).rev();
    let Some((&d0, &rs)) = dims.next() else {
        return Some(0);
    };
    let mut expect = rs * d0 as isize;
    for (&d, &s) in dims {
        if s != expect {
            return None;
        }
        expect *= d as isize;
    }
    Some(rs)
}

/// `dst = lhs @ rhs` for one m x k by k x n product written row-major into
/// `dst` (`m * n` elements, each written; `k > 0`). `lhs`/`rhs` are (offset, column stride, row
/// stride) in their operand's data; the caller guarantees that every
/// element they reach lies inside it (see [`batched`]). With `threads`,
/// large products use gemm's rayon threads.
#[allow(clippy::too_many_arguments)]
fn gemm_into<T: Element>(
    dst: &mut [MaybeUninit<T>],
    m: usize,
    n: usize,
    k: usize,
    a: &Operand<T>,
    (a_off, a_cs, a_rs): (isize, isize, isize),
    b: &Operand<T>,
    (b_off, b_cs, b_rs): (isize, isize, isize),
    threads: bool,
) {
    assert_eq!(dst.len(), m * n, "internal: gemm destination size");
    let par = if threads && m * n * k >= THREAD_WORK {
        Parallelism::Rayon(0)
    } else {
        Parallelism::None
    };
    if n <= THIN
        && a_cs == 1
        && b_rs == 1
        && thin_f32(dst, (m, n, k), a, (a_off, a_rs), b, (b_off, b_cs), threads)
    {
        return;
    }
    let lhs = (a.data.as_ptr(), a_off, a_cs, a_rs);
    if aliasing_columns::<T>(m, n, k, b_cs, b_rs) {
        if let Some(packed) = pack_row_major(&b.data, b_off, k, n, b_cs, threads) {
            // SAFETY: `packed` holds the k x n right operand row-major
            // (column stride 1, row stride n); the rest as below.
            unsafe { raw_gemm(dst, m, n, k, lhs, (packed.as_ptr(), 0, 1, n as isize), par) };
            return;
        }
    }
    // SAFETY: the caller derived the offsets and non-negative strides from
    // views that passed `in_bounds` (or were densified), so every element
    // gemm reads over [m, k] and [k, n] lies inside `a.data` / `b.data`.
    unsafe { raw_gemm(dst, m, n, k, lhs, (b.data.as_ptr(), b_off, b_cs, b_rs), par) };
}

/// An `f32` product with few columns, contiguous left rows (`a_rs` apart)
/// and contiguous right columns (`b_cs` apart) through
/// [`matmul_thin::dots`]; `false` (with `dst` untouched) for other element
/// types or when that path refuses the operands.
#[allow(clippy::too_many_arguments)]
fn thin_f32<T: Element>(
    dst: &mut [MaybeUninit<T>],
    mnk: (usize, usize, usize),
    a: &Operand<T>,
    (a_off, a_rs): (isize, isize),
    b: &Operand<T>,
    (b_off, b_cs): (isize, isize),
    threads: bool,
) -> bool {
    use std::any::TypeId;
    let index = |x: isize| usize::try_from(x).ok();
    let (Some(a_off), Some(a_rs), Some(b_off), Some(b_cs)) =
        (index(a_off), index(a_rs), index(b_off), index(b_cs))
    else {
        return false;
    };
    if TypeId::of::<T>() != TypeId::of::<f32>() {
        return false;
    }
    let f32s = |x: &[T]| {
        // SAFETY: `T` is `f32` (checked above): same layout and length.
        unsafe { std::slice::from_raw_parts(x.as_ptr().cast::<f32>(), x.len()) }
    };
    let (av, bv) = (f32s(&a.data), f32s(&b.data));
    // SAFETY: as above; `dst` stays borrowed exclusively through `out`.
    let out = unsafe {
        std::slice::from_raw_parts_mut(dst.as_mut_ptr().cast::<MaybeUninit<f32>>(), dst.len())
    };
    matmul_thin::dots(out, mnk, av, (a_off, a_rs), bv, (b_off, b_cs), threads)
}

/// Right operands with at least this many rows of output are worth a
/// row-major copy when their columns alias in the cache (see
/// [`aliasing_columns`]): the copy costs `k * n`, the product `m * n * k`.
const PACK_MIN_M: usize = 32;

/// True when the right operand is column-major (`x @ w.T` with `w`
/// row-major) with a column stride that is a multiple of 1 KiB. gemm then
/// reads its columns at addresses that fall into a few L1 sets (the set
/// index repeats every 4 KiB on current x86 cores) and slows down by up to
/// 1.9x: 256x512x512 f32 ran at 110-120 GFLOP/s against 150-180 at
/// k = 520 or 784 (benches/README.md, "x @ W.T"). A row-major copy removes
/// the conflict.
fn aliasing_columns<T>(m: usize, n: usize, k: usize, b_cs: isize, b_rs: isize) -> bool {
    let col_bytes = b_cs.unsigned_abs() * std::mem::size_of::<T>();
    b_rs == 1 && n > 1 && m >= PACK_MIN_M && k >= 64 && col_bytes % 1024 == 0
}

/// Copy the `k x n` operand whose element `(p, j)` sits at
/// `off + p + j * cs` of `data` into a new row-major buffer, transposing
/// 16 x 16 tiles through a local array (reads and writes both run along
/// cache lines; each thread walks down blocks of 16 columns). `None` when the buffer cannot be allocated: the caller
/// then multiplies from the original layout.
fn pack_row_major<T: Element>(
    data: &[T],
    off: isize,
    k: usize,
    n: usize,
    cs: isize,
    threads: bool,
) -> Option<Vec<T>> {
    const TILE: usize = 16;
    let len = k.checked_mul(n)?;
    let mut out: Vec<T> = Vec::new();
    out.try_reserve_exact(len).ok()?;
    let (off, cs) = (usize::try_from(off).ok()?, usize::try_from(cs).ok()?);
    // Every element read lies in bounds (checked once, so the loop below
    // can index without surprises).
    let last = (n.checked_sub(1)?.checked_mul(cs)?).checked_add(off + k.checked_sub(1)?)?;
    if last >= data.len() {
        return None;
    }
    // Each task fills a band of output rows, walking down one block of
    // `TILE` columns of the source at a time: the reads then run along
    // those columns (`TILE` sequential streams the prefetcher follows)
    // instead of touching one cache line of every column per row block.
    let fill = |p_start: usize, rows: &mut [std::mem::MaybeUninit<T>]| {
        let band = rows.len() / n;
        let mut tile = [[data[off]; TILE]; TILE];
        for j0 in (0..n).step_by(TILE) {
            let jn = (j0 + TILE).min(n);
            for q0 in (0..band).step_by(TILE) {
                let pr = TILE.min(band - q0);
                let p0 = p_start + q0;
                for j in j0..jn {
                    let col = &data[off + j * cs + p0..off + j * cs + p0 + pr];
                    match col.first_chunk::<TILE>() {
                        // A whole tile column: fixed-size (vector) copy.
                        Some(c) => tile[j - j0] = *c,
                        None => tile[j - j0][..pr].copy_from_slice(col),
                    }
                }
                for q in 0..pr {
                    let out = &mut rows[(q0 + q) * n + j0..(q0 + q) * n + jn];
                    match out.first_chunk_mut::<TILE>() {
                        // A whole tile row: fixed trip count, no checks.
                        Some(o) => {
                            for (jj, o) in o.iter_mut().enumerate() {
                                o.write(tile[jj][q]);
                            }
                        }
                        None => {
                            for (jj, o) in out.iter_mut().enumerate() {
                                o.write(tile[jj][q]);
                            }
                        }
                    }
                }
            }
        }
    };
    let spare = &mut out.spare_capacity_mut()[..len];
    let threads = if threads && len >= PAR_THRESHOLD {
        rayon::current_num_threads().max(1)
    } else {
        1
    };
    // Bands of whole `TILE`-row blocks, one per thread.
    let band = k.div_ceil(threads).next_multiple_of(TILE).max(TILE);
    if threads > 1 {
        spare
            .par_chunks_mut(band * n)
            .enumerate()
            .for_each(|(b, rows)| fill(b * band, rows));
    } else {
        fill(0, spare);
    }
    // SAFETY: the bands of `band * n` elements cover `spare[..len]`, and
    // `fill` writes every element of its band (all its rows, all `n`
    // columns), so the first `len` elements are initialised.
    unsafe { out.set_len(len) };
    Some(out)
}

/// gemm's `dst = lhs @ rhs` into the row-major `m x n` `dst`, with each
/// operand as (base pointer, offset, column stride, row stride).
///
/// # Safety
/// Every element reached from an operand's base pointer plus its offset
/// over `[m, k]` (lhs) or `[k, n]` (rhs) must lie inside that operand's
/// allocation, and `T` must be one of gemm's types (f16, f32, f64,
/// Complex32).
#[allow(clippy::type_complexity)]
unsafe fn raw_gemm<T: Element>(
    dst: &mut [MaybeUninit<T>],
    m: usize,
    n: usize,
    k: usize,
    (a, a_off, a_cs, a_rs): (*const T, isize, isize, isize),
    (b, b_off, b_cs, b_rs): (*const T, isize, isize, isize),
    par: Parallelism,
) {
    // SAFETY: `dst` is an exclusive slice of exactly m*n elements written
    // row-major (column stride 1, row stride n); with `read_dst = false`
    // gemm only writes them (each one), so they may start uninitialised.
    // The operands are in bounds by this function's contract.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr().cast::<T>(),
            1,
            n as isize,
            false,
            a.offset(a_off),
            a_cs,
            a_rs,
            b.offset(b_off),
            b_cs,
            b_rs,
            T::from_f64_lossy(0.0),
            T::from_f64_lossy(1.0),
            false,
            false,
            false,
            par,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{fold_rows, in_bounds};

    #[test]
    fn fold_rows_contiguous_batches() {
        // [2, 3] rows of a dense [2, 3, 4]: one run of 6 rows, stride 4.
        assert_eq!(fold_rows(&[2, 3], &[12, 4]), Some(4));
        // Sliced batch (stride 24 instead of 12) cannot fold.
        assert_eq!(fold_rows(&[2, 3], &[24, 4]), None);
        // Transposed matrices (row stride 1, batch stride 12) cannot fold.
        assert_eq!(fold_rows(&[2, 3], &[12, 1]), None);
        // Size-1 dimensions are ignored.
        assert_eq!(fold_rows(&[1, 3], &[99, 4]), Some(4));
        assert_eq!(fold_rows(&[2, 1], &[5, 7]), Some(5));
    }

    #[test]
    fn in_bounds_negative_and_broadcast_strides() {
        // [2, 3] transposed view of a 6-element buffer.
        assert!(in_bounds(6, 0, &[3, 2], &[1, 3]));
        // Reversed rows: starts at element 3, stride -3.
        assert!(in_bounds(6, 3, &[2, 3], &[-3, 1]));
        assert!(!in_bounds(6, 2, &[2, 3], &[-3, 1]));
        // Broadcast dimension never moves.
        assert!(in_bounds(3, 0, &[100, 3], &[0, 1]));
        assert!(!in_bounds(5, 0, &[2, 3], &[3, 1]));
        assert!(in_bounds(0, 7, &[0, 3], &[3, 1]));
    }
}
