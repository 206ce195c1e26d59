//! Reductions (`sum`, `prod`, `max`, `min`, `all`, `any`) and
//! arg-reductions (`argmax`, `argmin`) over strided views.
//!
//! A reduction first sorts the view's dimensions into kept and reduced
//! groups and merges adjacent dimensions that are contiguous together.
//! Then one of three loops runs:
//! - rows: the reduced elements of each output are one contiguous run, so
//!   each output is a pairwise, vectorised slice reduction;
//! - columns: the innermost kept dimension is contiguous, so whole rows of
//!   the input are combined into a row of accumulators;
//! - otherwise the view is gathered with the reduced axes last, then rows.

use crate::reduce_monoid::{
    combine_into, merge_into, reduce_rows, reduce_slice, Accumulate, AndOp, MaxOp, MinOp, Monoid,
    OrOp, ProdOp, SumOp,
};
use crate::strided::{buffer, contiguous, strided_offset, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::memory::{try_vec, try_zeroed};
use mlx_core::primitive::{ArgReduceOp, OutSpec, ReduceOp};
use mlx_core::{Complex64, Element, Error, HostData, Result, View};
use rayon::prelude::*;

/// The op named by allocation failures here; `eval` names the primitive.
const REDUCE: &str = "reduce";

/// Reduced rows combined into a temporary before they join the running
/// accumulators (two-level summation along strided axes).
const COL_BLOCK: usize = 128;

/// Elements tested together when searching for the first extreme.
const ARG_BLOCK: usize = 32;

/// Width of the output segments the column loop works on.
const COL_CHUNK: usize = 1024;

/// Reduce `v` over sorted, non-empty `axes`; the output has `out.shape`
/// (the input shape without `axes`) and the input's dtype.
pub(crate) fn reduce(op: ReduceOp, v: &View, axes: &[usize], out: OutSpec) -> Result<HostData> {
    mlx_core::with_dtype!(v.dtype, T => <T as Reducible>::reduce_op(op, v, axes, &out))
}

/// Dtypes that can be reduced: each picks the [`Monoid`] for an op, or
/// rejects it.
trait Reducible: Accumulate {
    /// Run `op` over `axes` of `v`.
    fn reduce_op(op: ReduceOp, v: &View, axes: &[usize], out: &OutSpec) -> Result<HostData>;
}

/// The error for an op a dtype does not support.
fn unsupported_dtype(op: &'static str, dtype: mlx_core::Dtype) -> Error {
    Error::unsupported(op, "cpu", format!("dtype {dtype}"))
}

macro_rules! reducible {
    ($($t:ty),* => $ops:tt, reject $bad:tt) => {$(
        reducible_one!($t, $ops, $bad);
    )*};
}

macro_rules! reducible_one {
    ($t:ty, [$($op:ident => $m:ty),*], [$($bad:ident),*]) => {
        impl Reducible for $t {
            fn reduce_op(
                op: ReduceOp,
                v: &View,
                axes: &[usize],
                out: &OutSpec,
            ) -> Result<HostData> {
                match op {
                    $(ReduceOp::$op => reduce_typed::<$t, $m>(v, axes, out),)*
                    $(ReduceOp::$bad => Err(unsupported_dtype(op.name(), v.dtype)),)*
                }
            }
        }
    };
}

reducible!(u8, u16, u32, u64, i8, i16, i32, i64, f16, bf16, f32, f64
    => [Sum => SumOp, Prod => ProdOp, Max => MaxOp, Min => MinOp], reject [All, Any]);
reducible!(Complex64 => [Sum => SumOp, Prod => ProdOp], reject [Max, Min, All, Any]);
reducible!(bool => [Sum => SumOp, Prod => ProdOp, Max => MaxOp, Min => MinOp,
    All => AndOp, Any => OrOp], reject []);

use mlx_core::shape::collapse_pairs as collapse;

/// Split `(size, stride)` pairs into shape and stride vectors.
fn unzip(dims: &[(usize, isize)]) -> (Vec<usize>, Vec<isize>) {
    dims.iter().copied().unzip()
}

/// Fill `out` in chunks of `chunk` elements with `f(chunk_index, chunk)`,
/// in parallel when `parallel`.
fn for_chunks<T: Send, F>(out: &mut [T], chunk: usize, parallel: bool, f: F)
where
    F: Fn(usize, &mut [T]) + Sync + Send,
{
    let chunk = chunk.max(1);
    if parallel {
        out.par_chunks_mut(chunk)
            .enumerate()
            .for_each(|(i, c)| f(i, c));
    } else {
        out.chunks_mut(chunk).enumerate().for_each(|(i, c)| f(i, c));
    }
}

/// The typed reduction: picks the row, column or gather loop.
fn reduce_typed<T: Accumulate, M: Monoid<T::Acc>>(
    v: &View,
    axes: &[usize],
    out: &OutSpec,
) -> Result<HostData> {
    let buf = buffer::<T>(v)?;
    let n_out: usize = out.shape.iter().product();
    let n_red: usize = axes.iter().map(|&a| v.shape[a]).product();
    if n_out == 0 {
        return Ok(T::into_host(Vec::new()));
    }
    let fill = T::store(M::identity());
    if n_red == 0 {
        return Ok(T::into_host(try_vec(REDUCE, n_out, fill)?));
    }
    let dims = |keep: bool| {
        (0..v.shape.len())
            .filter(move |i| axes.contains(i) != keep)
            .map(|i| (v.shape[i], v.strides[i]))
    };
    let kept = collapse(dims(true));
    let red = collapse(dims(false));
    let parallel = n_out.saturating_mul(n_red) >= PAR_THRESHOLD;
    let mut res = try_vec(REDUCE, n_out, fill)?;
    let (kshape, kstrides) = unzip(&kept);
    let base = v.offset as isize;

    // Rows: each output's reduced elements are one contiguous run.
    if let [] | [(_, 1 | -1)] = red.as_slice() {
        let step = red.first().map_or(1, |r| r.1);
        let rows_per = (PAR_THRESHOLD / n_red).max(1);
        for_chunks(&mut res, rows_per, parallel, |c, chunk| {
            reduce_rows::<T, M, _>(chunk, c * rows_per, |r| {
                let start = base + strided_offset(r, &kshape, &kstrides);
                let lo = if step == 1 {
                    start
                } else {
                    start + 1 - n_red as isize
                };
                let lo = lo as usize;
                &buf[lo..lo + n_red]
            });
        });
        return Ok(T::into_host(res));
    }

    // Columns: the innermost kept dimension is contiguous.
    if let Some(&(m, 1)) = kept.last() {
        if m >= 8 {
            let (oshape, ostrides) = unzip(&kept[..kept.len() - 1]);
            let (rshape, rstrides) = unzip(&red);
            let seg = m.min(COL_CHUNK);
            let per_row = m.div_ceil(seg);
            let nseg = n_out / m * per_row;
            let par = parallel && nseg > 1;
            for_chunks(&mut res, m, par, |o, row| {
                let obase = base + strided_offset(o, &oshape, &ostrides);
                for_chunks(row, seg, par && per_row > 1, |s, dst| {
                    let start = obase + (s * seg) as isize;
                    column_reduce::<T, M>(buf, start, &rshape, &rstrides, dst);
                });
            });
            return Ok(T::into_host(res));
        }
    }

    // Anything else: gather with the reduced axes last, then rows.
    let order: Vec<usize> = (0..v.shape.len())
        .filter(|i| !axes.contains(i))
        .chain(axes.iter().copied())
        .collect();
    let pshape: Vec<usize> = order.iter().map(|&i| v.shape[i]).collect();
    let pstrides: Vec<isize> = order.iter().map(|&i| v.strides[i]).collect();
    let pv = View {
        shape: &pshape,
        strides: &pstrides,
        ..*v
    };
    let data = contiguous::<T>(REDUCE, &pv)?;
    let rows_per = (PAR_THRESHOLD / n_red).max(1);
    for_chunks(&mut res, rows_per, parallel, |c, chunk| {
        reduce_rows::<T, M, _>(chunk, c * rows_per, |r| &data[r * n_red..(r + 1) * n_red]);
    });
    Ok(T::into_host(res))
}

/// Reduce the input rows at `start + offset(r)` (for every reduced index
/// `r`) into `dst`, elementwise, in blocks of [`COL_BLOCK`] rows.
fn column_reduce<T: Accumulate, M: Monoid<T::Acc>>(
    buf: &[T],
    start: isize,
    rshape: &[usize],
    rstrides: &[isize],
    dst: &mut [T],
) {
    let w = dst.len();
    let n_red: usize = rshape.iter().product();
    let mut acc = vec![M::identity(); w];
    let mut part = vec![M::identity(); w];
    crate::simd::dispatch(
        #[inline(always)]
        || {
            for block in (0..n_red).step_by(COL_BLOCK) {
                part.fill(M::identity());
                for r in block..(block + COL_BLOCK).min(n_red) {
                    let lo = (start + strided_offset(r, rshape, rstrides)) as usize;
                    combine_into::<T, M>(&mut part, &buf[lo..lo + w]);
                }
                merge_into::<T::Acc, M>(&mut acc, &part);
            }
            for (d, &a) in dst.iter_mut().zip(&acc) {
                *d = T::store(a);
            }
        },
    );
}

/// Index (as `uint32`) of the first maximum or minimum of `v` along
/// `axis`; NaN counts as the extreme and the first NaN wins.
pub(crate) fn arg_reduce(op: ArgReduceOp, v: &View, axis: usize, out: OutSpec) -> Result<HostData> {
    mlx_core::with_dtype!(v.dtype, T => <T as ArgReducible>::arg_reduce_op(op, v, axis, &out))
}

/// Dtypes `argmax`/`argmin` accept.
trait ArgReducible: Element {
    /// Run `op` along `axis` of `v`.
    fn arg_reduce_op(op: ArgReduceOp, v: &View, axis: usize, out: &OutSpec) -> Result<HostData>;
}

/// A totally ordered view of an element type, with NaN as the extreme.
trait ArgOrd: Element + PartialOrd {
    /// True for NaN.
    fn nan(self) -> bool;
}

macro_rules! arg_ord {
    ($($t:ty: |$x:ident| $nan:expr),*) => {$(
        impl ArgOrd for $t {
            #[inline(always)]
            fn nan(self) -> bool {
                let $x = self;
                $nan
            }
        }
        impl ArgReducible for $t {
            fn arg_reduce_op(
                op: ArgReduceOp,
                v: &View,
                axis: usize,
                out: &OutSpec,
            ) -> Result<HostData> {
                match op {
                    ArgReduceOp::ArgMax => arg_typed::<$t, MaxOp, true>(v, axis, out),
                    ArgReduceOp::ArgMin => arg_typed::<$t, MinOp, false>(v, axis, out),
                }
            }
        }
    )*};
}

arg_ord!(
    bool: |_x| false, u8: |_x| false, u16: |_x| false, u32: |_x| false, u64: |_x| false,
    i8: |_x| false, i16: |_x| false, i32: |_x| false, i64: |_x| false,
    f16: |x| x.is_nan(), bf16: |x| x.is_nan(), f32: |x| x.is_nan(), f64: |x| x.is_nan()
);

impl ArgReducible for Complex64 {
    fn arg_reduce_op(op: ArgReduceOp, v: &View, _: usize, _: &OutSpec) -> Result<HostData> {
        Err(unsupported_dtype(op.name(), v.dtype))
    }
}

/// Index of the first extreme of `n` elements `at(0..n)`.
#[inline]
fn arg_extreme<T: ArgOrd, const MAX: bool>(n: usize, at: impl Fn(usize) -> T) -> u32 {
    let mut best = at(0);
    let mut idx = 0usize;
    if best.nan() {
        return 0;
    }
    for k in 1..n {
        let x = at(k);
        let better = if MAX { x > best } else { x < best };
        if better || x.nan() {
            best = x;
            idx = k;
            if x.nan() {
                break;
            }
        }
    }
    idx as u32
}

/// Index of the first element of `row` for which `hit` holds (0 if none),
/// testing blocks of [`ARG_BLOCK`] without branches first.
#[inline]
fn first_index<T: Copy>(row: &[T], hit: impl Fn(T) -> bool) -> u32 {
    let mut base = 0;
    for c in row.chunks(ARG_BLOCK) {
        if c.iter().fold(false, |f, &x| f | hit(x)) {
            return (base + c.iter().position(|&x| hit(x)).unwrap_or(0)) as u32;
        }
        base += c.len();
    }
    0
}

/// Index of the first extreme of a contiguous row: the NaN-propagating
/// extreme `M` (vectorised), then the first element equal to it.
#[inline]
fn arg_contiguous<T, M>(row: &[T]) -> u32
where
    T: ArgOrd + Accumulate,
    T::Acc: PartialEq,
    M: Monoid<T::Acc>,
{
    let m = reduce_slice::<T, M>(row);
    #[allow(clippy::eq_op)]
    let m_is_nan = m != m;
    if m_is_nan {
        first_index(row, |x: T| x.nan())
    } else {
        first_index(row, |x: T| x.load() == m)
    }
}

/// The typed arg-reduction, parallel over outputs.
fn arg_typed<T, M, const MAX: bool>(v: &View, axis: usize, out: &OutSpec) -> Result<HostData>
where
    T: ArgOrd + Accumulate,
    T::Acc: PartialEq,
    M: Monoid<T::Acc>,
{
    let buf = buffer::<T>(v)?;
    let n_out: usize = out.shape.iter().product();
    let n = v.shape[axis];
    if n_out == 0 {
        return Ok(HostData::Uint32(Vec::new()));
    }
    if n == 0 {
        return Err(Error::invalid(
            if MAX { "argmax" } else { "argmin" },
            "cannot reduce over an empty axis",
        ));
    }
    let kept = collapse(
        (0..v.shape.len())
            .filter(|&i| i != axis)
            .map(|i| (v.shape[i], v.strides[i])),
    );
    let (kshape, kstrides) = unzip(&kept);
    let step = v.strides[axis];
    let base = v.offset as isize;
    let mut res = try_zeroed::<u32>(REDUCE, n_out)?;
    let rows_per = (PAR_THRESHOLD / n).max(1);
    let parallel = n_out.saturating_mul(n) >= PAR_THRESHOLD;
    for_chunks(&mut res, rows_per, parallel, |c, chunk| {
        for (r, o) in chunk.iter_mut().enumerate() {
            let start = base + strided_offset(c * rows_per + r, &kshape, &kstrides);
            *o = if step == 1 {
                arg_contiguous::<T, M>(&buf[start as usize..start as usize + n])
            } else {
                arg_extreme::<T, MAX>(n, |k| buf[(start + k as isize * step) as usize])
            };
        }
    });
    Ok(HostData::Uint32(res))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arg_extreme_first_occurrence_and_nan() {
        // mx.argmax(mx.array([1.0, nan, 3.0])) == 1; mx.argmin([1, nan, 0]) == 1
        let a = [1.0f32, f32::NAN, 3.0];
        assert_eq!(arg_extreme::<f32, true>(3, |k| a[k]), 1);
        let b = [1.0f32, f32::NAN, 0.0];
        assert_eq!(arg_extreme::<f32, false>(3, |k| b[k]), 1);
        let f = [2.0f32, 5.0, 1.0, 5.0, f32::NAN, f32::NAN];
        assert_eq!(arg_contiguous::<f32, MaxOp>(&f[..4]), 1);
        assert_eq!(arg_contiguous::<f32, MinOp>(&f[..4]), 2);
        assert_eq!(arg_contiguous::<f32, MaxOp>(&f), 4);
        let c = [3i32, 7, 7, 1, 1];
        assert_eq!(arg_contiguous::<i32, MaxOp>(&c), 1);
        assert_eq!(arg_contiguous::<i32, MinOp>(&c), 3);
        assert_eq!(arg_extreme::<i32, true>(5, |k| c[k]), 1);
        assert_eq!(arg_extreme::<i32, false>(5, |k| c[k]), 3);
        // mx.argmin(mx.array([True, False, False])) == 1
        let d = [true, false, false];
        assert_eq!(arg_extreme::<bool, false>(3, |k| d[k]), 1);
    }
}
