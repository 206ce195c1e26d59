//! Reading strided views: borrow dense data directly, gather the rest.

use crate::elementwise_walk::OutElem;
use mlx_core::memory::{try_to_vec, try_vec, try_zeroed};
use mlx_core::{Element, Error, HostData, Result, SharedBytes, View};
use rayon::prelude::*;
use std::borrow::Cow;

/// Elements at or above this count are processed in parallel.
pub(crate) const PAR_THRESHOLD: usize = 1 << 15;

/// The host buffer behind a CPU view.
pub(crate) fn host<'a>(v: &View<'a>) -> Result<&'a HostData> {
    v.storage
        .downcast_ref::<HostData>()
        .ok_or_else(|| Error::internal("cpu", "storage does not belong to the cpu backend"))
}

/// The whole typed buffer behind a view: a [`HostData`], or bytes the
/// backend kept in place (`upload_bytes`, e.g. a memory-mapped file).
pub(crate) fn buffer<'a, T: Element>(v: &View<'a>) -> Result<&'a [T]> {
    if let Some(bytes) = v.storage.downcast_ref::<SharedBytes>() {
        return T::cast_bytes(bytes.as_bytes())
            .ok_or_else(|| Error::internal("cpu", format!("bytes do not cast to {}", T::DTYPE)));
    }
    T::slice(host(v)?).ok_or_else(|| {
        Error::internal(
            "cpu",
            format!("expected {} storage, found {}", T::DTYPE, v.dtype),
        )
    })
}

/// Element offset (from the view's base) of row-major index `i`.
#[inline]
pub(crate) fn strided_offset(mut i: usize, shape: &[usize], strides: &[isize]) -> isize {
    let mut off = 0isize;
    for k in (0..shape.len()).rev() {
        let d = shape[k];
        if d == 0 {
            return 0;
        }
        off += (i % d) as isize * strides[k];
        i /= d;
    }
    off
}

/// The view's elements in row-major order: borrowed when the view is
/// dense, gathered otherwise (allocation failures are errors of `op`).
pub(crate) fn contiguous<'a, T: Element>(op: &'static str, v: &View<'a>) -> Result<Cow<'a, [T]>> {
    let buf = buffer::<T>(v)?;
    let n = v.numel();
    if n == 0 {
        return Ok(Cow::Borrowed(&[]));
    }
    if v.is_row_major() {
        return Ok(Cow::Borrowed(&buf[v.offset..v.offset + n]));
    }
    Ok(Cow::Owned(gather_strided(op, buf, v)?))
}

/// The view's elements in row-major order in a vector of their own.
pub(crate) fn contiguous_owned<T: Element>(op: &'static str, v: &View) -> Result<Vec<T>> {
    match contiguous(op, v)? {
        Cow::Borrowed(s) => try_to_vec(op, s),
        Cow::Owned(o) => Ok(o),
    }
}

/// Copy a strided view (at least one element) into a new row-major vector.
pub(crate) fn gather_strided<T: Element>(op: &'static str, buf: &[T], v: &View) -> Result<Vec<T>> {
    let n = v.numel();
    let base = v.offset as isize;
    let (shape, strides) = (v.shape, v.strides);
    let inner = shape.last().copied().unwrap_or(1).max(1);
    let inner_stride = strides.last().copied().unwrap_or(0);
    let fill_rows = |row0: usize, out: &mut [T]| {
        for (r, chunk) in out.chunks_mut(inner).enumerate() {
            let start = base + strided_offset((row0 + r) * inner, shape, strides);
            for (j, o) in chunk.iter_mut().enumerate() {
                *o = buf[(start + j as isize * inner_stride) as usize];
            }
        }
    };
    let mut out = try_vec(op, n, buf[v.offset])?;
    if n >= PAR_THRESHOLD {
        let rows_per = (PAR_THRESHOLD / inner).max(1);
        out.par_chunks_mut(rows_per * inner)
            .enumerate()
            .for_each(|(c, chunk)| fill_rows(c * rows_per, chunk));
    } else {
        fill_rows(0, &mut out);
    }
    Ok(out)
}

/// Fill a new vector of `n` elements with `f(i)`, in parallel when large
/// (allocation failures are errors of `op`).
pub(crate) fn fill_indexed<T: OutElem, F>(op: &'static str, n: usize, f: F) -> Result<Vec<T>>
where
    F: Fn(usize) -> T + Sync,
{
    let mut out = try_zeroed(op, n)?;
    if n >= PAR_THRESHOLD {
        out.par_chunks_mut(PAR_THRESHOLD)
            .enumerate()
            .for_each(|(c, chunk)| {
                let base = c * PAR_THRESHOLD;
                for (j, o) in chunk.iter_mut().enumerate() {
                    *o = f(base + j);
                }
            });
    } else {
        for (i, o) in out.iter_mut().enumerate() {
            *o = f(i);
        }
    }
    Ok(out)
}
