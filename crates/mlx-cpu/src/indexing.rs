//! Gathers (`take`, `take_along_axis`) and concatenation.
//!
//! Indices are normalised as they are read (negative ones count from the
//! end) and checked; the output is filled row by row, where a row is the
//! run of elements after the gathered axis. Rows that are dense in the
//! source are copied with `copy_from_slice` (the embedding-lookup case).

use crate::elementwise_walk::OutElem;
use crate::strided::{buffer, contiguous, PAR_THRESHOLD};
use mlx_core::memory::{try_with_capacity, try_zeroed};
use mlx_core::primitive::OutSpec;
use mlx_core::shape::{is_row_major, numel};
use mlx_core::{with_dtype, Dtype, Element, Error, HostData, Result, View};
use rayon::prelude::*;
use std::borrow::Cow;
use std::fmt::Display;

/// An integer element type that can index an axis.
pub(crate) trait Index: Element + Display {
    /// `self` mapped into `0..n` (negative counts from the end), if in range.
    fn wrap(self, n: usize) -> Option<usize>;
}

/// [`Index`] for signed types: add `n` to negatives.
macro_rules! signed_index {
    ($($t:ty),*) => {$(
        impl Index for $t {
            #[inline]
            fn wrap(self, n: usize) -> Option<usize> {
                let i = self as i64;
                let j = if i < 0 { i + n as i64 } else { i };
                (j >= 0 && (j as u64) < n as u64).then_some(j as usize)
            }
        }
    )*};
}

/// [`Index`] for unsigned types.
macro_rules! unsigned_index {
    ($($t:ty),*) => {$(
        impl Index for $t {
            #[inline]
            fn wrap(self, n: usize) -> Option<usize> {
                ((self as u64) < n as u64).then_some(self as usize)
            }
        }
    )*};
}

signed_index!(i8, i16, i32, i64);
unsigned_index!(u8, u16, u32, u64);

/// Run `$body` with `$I` bound to the [`Index`] type of dtype `$d`; other
/// dtypes are an error of `$op`.
macro_rules! with_index_impl {
    ($d:expr, $op:expr, $I:ident => $body:expr) => {
        match $d {
            Dtype::Uint8 => {
                type $I = u8;
                $body
            }
            Dtype::Uint16 => {
                type $I = u16;
                $body
            }
            Dtype::Uint32 => {
                type $I = u32;
                $body
            }
            Dtype::Uint64 => {
                type $I = u64;
                $body
            }
            Dtype::Int8 => {
                type $I = i8;
                $body
            }
            Dtype::Int16 => {
                type $I = i16;
                $body
            }
            Dtype::Int32 => {
                type $I = i32;
                $body
            }
            Dtype::Int64 => {
                type $I = i64;
                $body
            }
            Dtype::Bool
            | Dtype::Float16
            | Dtype::Bfloat16
            | Dtype::Float32
            | Dtype::Float64
            | Dtype::Complex64 => Err(Error::dtype($op, $d, "indices must be integral")),
        }
    };
}

pub(crate) use with_index_impl as with_index;

/// `take` along `axis`: `out.shape` is `v.shape[..axis] + indices.shape +
/// v.shape[axis + 1..]`.
pub(crate) fn gather(v: &View, indices: &View, axis: usize, out: OutSpec) -> Result<HostData> {
    let n = v.shape[axis];
    let ids = with_index_impl!(indices.dtype, "take", I => read_indices::<I>(indices, n, axis))?;
    with_dtype!(v.dtype, T => gather_typed::<T>(v, &ids, axis, out.shape).map(T::into_host))
}

/// `take_along_axis`: `v` and `indices` agree except on `axis`; the output
/// has the indices' shape.
pub(crate) fn gather_axis(v: &View, indices: &View, axis: usize, out: OutSpec) -> Result<HostData> {
    with_index_impl!(indices.dtype, "take_along_axis", I => {
        with_dtype!(v.dtype, T => {
            gather_axis_typed::<T, I>(v, indices, axis, out.shape).map(T::into_host)
        })
    })
}

/// Join `inputs` (same dtype, equal shapes except on `axis`) along `axis`.
pub(crate) fn concatenate(inputs: &[View], axis: usize, out: OutSpec) -> Result<HostData> {
    with_dtype!(out.dtype, T => {
        concatenate_typed::<T>(inputs, axis, out.shape).map(T::into_host)
    })
}

/// The error for index `i` outside an axis of size `n`.
pub(crate) fn out_of_bounds(i: impl Display, n: usize, axis: usize, op: &'static str) -> Error {
    Error::invalid(
        op,
        format!("index {i} is out of bounds for axis {axis} with size {n}"),
    )
}

/// Read an index view in row-major order, normalised into `0..n`.
fn read_indices<I: Index>(idx: &View, n: usize, axis: usize) -> Result<Vec<usize>> {
    let src = contiguous::<I>("take", idx)?;
    let mut ids = try_with_capacity("take", src.len())?;
    for &i in src.iter() {
        ids.push(i.wrap(n).ok_or_else(|| out_of_bounds(i, n, axis, "take"))?);
    }
    Ok(ids)
}

/// Element offsets of every index of `shape` (row-major order) under
/// `strides`; allocation failures are errors of `op`.
pub(crate) fn offsets(op: &'static str, shape: &[usize], strides: &[isize]) -> Result<Vec<isize>> {
    let mut offs = try_with_capacity(op, 1)?;
    offs.push(0isize);
    for (&d, &s) in shape.iter().zip(strides) {
        let mut next = try_with_capacity(op, offs.len() * d)?;
        for &p in &offs {
            next.extend((0..d).map(|i| p + i as isize * s));
        }
        offs = next;
    }
    Ok(offs)
}

/// Fill `out` in blocks of whole rows (`row` elements each) by
/// `f(first_row, block)`, blocks in parallel when large; the first error
/// returned by `f` wins. `row` must be > 0. Callers allocate `out` before
/// any other buffer, so a size beyond memory fails before pages are touched.
fn fill_rows<T, F>(mut out: Vec<T>, row: usize, f: F) -> Result<Vec<T>>
where
    T: OutElem,
    F: Fn(usize, &mut [T]) -> Result<()> + Sync,
{
    let total = out.len();
    if total >= PAR_THRESHOLD {
        let rows_per = (PAR_THRESHOLD / row).max(1);
        out.par_chunks_mut(rows_per * row)
            .enumerate()
            .try_for_each(|(c, block)| f(c * rows_per, block))?;
    } else {
        f(0, &mut out)?;
    }
    Ok(out)
}

/// How the elements after the gathered axis are laid out in the source.
struct Inner {
    /// Elements per row.
    len: usize,
    /// True when a row is one dense run.
    dense: bool,
    /// Offsets of a row's elements when not dense.
    offs: Vec<isize>,
}

impl Inner {
    /// The layout of `v`'s dimensions after `axis`.
    fn new(op: &'static str, v: &View, axis: usize) -> Result<Inner> {
        let (shape, strides) = (&v.shape[axis + 1..], &v.strides[axis + 1..]);
        let dense = is_row_major(shape, strides);
        Ok(Inner {
            len: numel(shape),
            dense,
            offs: if dense {
                Vec::new()
            } else {
                offsets(op, shape, strides)?
            },
        })
    }

    /// Copy the row starting at element `start` of `buf` into `dst`.
    #[inline]
    fn copy<T: Copy>(&self, buf: &[T], start: isize, dst: &mut [T]) {
        if self.len == 1 {
            dst[0] = buf[start as usize];
        } else if self.dense {
            let s = start as usize;
            dst.copy_from_slice(&buf[s..s + self.len]);
        } else {
            for (d, &o) in dst.iter_mut().zip(&self.offs) {
                *d = buf[(start + o) as usize];
            }
        }
    }
}

/// [`gather`] for one element type; `ids` are normalised.
fn gather_typed<T: OutElem>(
    v: &View,
    ids: &[usize],
    axis: usize,
    out_shape: &[usize],
) -> Result<Vec<T>> {
    let buf = buffer::<T>(v)?;
    let total = numel(out_shape);
    if total == 0 {
        return Ok(Vec::new());
    }
    let out = try_zeroed("take", total)?;
    let outer = offsets("take", &v.shape[..axis], &v.strides[..axis])?;
    let inner = Inner::new("take", v, axis)?;
    let (base, sa, ni) = (v.offset as isize, v.strides[axis], ids.len());
    fill_rows(out, inner.len, |row0, block| {
        let (mut o, mut j) = (row0 / ni, row0 % ni);
        for dst in block.chunks_mut(inner.len) {
            inner.copy(buf, base + outer[o] + ids[j] as isize * sa, dst);
            j += 1;
            if j == ni {
                (o, j) = (o + 1, 0);
            }
        }
        Ok(())
    })
}

/// [`gather_axis`] for one element and index type; `ids` are laid out
/// row-major in `out_shape` and checked as they are read.
fn gather_axis_typed<T: OutElem, I: Index>(
    v: &View,
    indices: &View,
    axis: usize,
    out_shape: &[usize],
) -> Result<Vec<T>> {
    let buf = buffer::<T>(v)?;
    let total = numel(out_shape);
    if total == 0 {
        return Ok(Vec::new());
    }
    let out = try_zeroed("take_along_axis", total)?;
    let ids = contiguous::<I>("take_along_axis", indices)?;
    let outer = offsets("take_along_axis", &v.shape[..axis], &v.strides[..axis])?;
    let inner = Inner::new("take_along_axis", v, axis)?;
    let (base, sa, m, n) = (
        v.offset as isize,
        v.strides[axis],
        out_shape[axis],
        v.shape[axis],
    );
    let len = inner.len;
    fill_rows(out, len, |row0, block| {
        let (mut o, mut j) = (row0 / m, row0 % m);
        let block_ids = &ids[row0 * len..row0 * len + block.len()];
        for (dst, row_ids) in block.chunks_mut(len).zip(block_ids.chunks(len)) {
            let start = base + outer[o];
            for (r, (d, &i)) in dst.iter_mut().zip(row_ids).enumerate() {
                let k = i
                    .wrap(n)
                    .ok_or_else(|| out_of_bounds(i, n, axis, "take_along_axis"))?;
                let off = if inner.dense {
                    r as isize
                } else {
                    inner.offs[r]
                };
                *d = buf[(start + k as isize * sa + off) as usize];
            }
            j += 1;
            if j == m {
                (o, j) = (o + 1, 0);
            }
        }
        Ok(())
    })
}

/// [`concatenate`] for one element type.
fn concatenate_typed<T: OutElem>(
    inputs: &[View],
    axis: usize,
    out_shape: &[usize],
) -> Result<Vec<T>> {
    let total = numel(out_shape);
    if total == 0 {
        return Ok(Vec::new());
    }
    let out = try_zeroed("concatenate", total)?;
    let inner = numel(&out_shape[axis + 1..]);
    let parts = inputs
        .iter()
        .filter(|v| v.numel() > 0)
        .map(|v| Ok((contiguous::<T>("concatenate", v)?, v.shape[axis] * inner)))
        .collect::<Result<Vec<(Cow<[T]>, usize)>>>()?;
    let row = out_shape[axis] * inner;
    fill_rows(out, row, |o0, block| {
        for (o, dst) in (o0..).zip(block.chunks_mut(row)) {
            let mut at = 0;
            for (src, w) in &parts {
                dst[at..at + w].copy_from_slice(&src[o * w..(o + 1) * w]);
                at += w;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::{offsets, out_of_bounds, Index};

    #[test]
    fn offsets_row_major_order() {
        let offsets = |shape: &[usize], strides: &[isize]| offsets("take", shape, strides).unwrap();
        assert_eq!(offsets(&[], &[]), vec![0]);
        assert_eq!(offsets(&[2, 3], &[1, 2]), vec![0, 2, 4, 1, 3, 5]);
        assert_eq!(offsets(&[2, 2], &[0, -1]), vec![0, -1, 0, -1]);
        assert!(offsets(&[3, 0], &[1, 1]).is_empty());
    }

    #[test]
    fn wrap_negative_and_out_of_bounds() {
        assert_eq!((-1i32).wrap(4), Some(3));
        assert_eq!((-4i8).wrap(4), Some(0));
        assert_eq!((-5i64).wrap(4), None);
        assert_eq!(3u8.wrap(4), Some(3));
        assert_eq!(4u16.wrap(4), None);
        assert_eq!(u64::MAX.wrap(4), None);
        assert_eq!(i64::MIN.wrap(4), None);
        assert_eq!(0u32.wrap(0), None);
        assert_eq!(
            out_of_bounds(-5, 4, 1, "take").to_string(),
            "[take] index -5 is out of bounds for axis 1 with size 4"
        );
    }
}
