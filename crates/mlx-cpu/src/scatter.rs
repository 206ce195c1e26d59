//! `Scatter`: updates combined into a copy of the input at index
//! positions (MLX's `scatter`, `scatter_add`, `scatter_prod`,
//! `scatter_max`, `scatter_min`).
//!
//! Update positions are applied in row-major order, so duplicates
//! accumulate and, for plain `scatter`, the last one wins. Each position
//! writes a window (`updates.shape[k..]`); large windows are split across
//! threads (positions stay in order, and the threads write disjoint
//! elements). Combining follows MLX's CPU kernel: integers wrap,
//! `float16`/`bfloat16` round after every step, `max` is `y > x ? y : x`
//! (so a NaN already there is replaced), bool `+` is or and `*` is and.

use crate::indexing::{offsets, out_of_bounds, with_index, Index};
use crate::strided::{contiguous, contiguous_owned, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::memory::try_with_capacity;
use mlx_core::primitive::{OutSpec, ScatterOp};
use mlx_core::shape::{numel, row_major_strides};
use mlx_core::{with_dtype, Complex64, Donor, Dtype, Element, Error, HostData, Result, View};
use rayon::prelude::*;

/// An element type a scatter can combine.
trait Combine: Element {
    /// `self + o` (wrapping, rounded to the type).
    fn sum(self, o: Self) -> Self;
    /// `self * o` (wrapping, rounded to the type).
    fn prod(self, o: Self) -> Self;
    /// `self > o`.
    fn gt(self, o: Self) -> bool;
    /// `self < o`.
    fn lt(self, o: Self) -> bool;
}

macro_rules! combine_int {
    ($($t:ty),*) => {$(
        impl Combine for $t {
            #[inline] fn sum(self, o: $t) -> $t { self.wrapping_add(o) }
            #[inline] fn prod(self, o: $t) -> $t { self.wrapping_mul(o) }
            #[inline] fn gt(self, o: $t) -> bool { self > o }
            #[inline] fn lt(self, o: $t) -> bool { self < o }
        }
    )*};
}
combine_int!(u8, u16, u32, u64, i8, i16, i32, i64);

macro_rules! combine_float {
    ($($t:ty),*) => {$(
        impl Combine for $t {
            #[inline] fn sum(self, o: $t) -> $t { self + o }
            #[inline] fn prod(self, o: $t) -> $t { self * o }
            #[inline] fn gt(self, o: $t) -> bool { self > o }
            #[inline] fn lt(self, o: $t) -> bool { self < o }
        }
    )*};
}
combine_float!(f32, f64);

macro_rules! combine_half {
    ($($t:ty),*) => {$(
        impl Combine for $t {
            #[inline] fn sum(self, o: $t) -> $t { <$t>::from_f32(self.to_f32() + o.to_f32()) }
            #[inline] fn prod(self, o: $t) -> $t { <$t>::from_f32(self.to_f32() * o.to_f32()) }
            #[inline] fn gt(self, o: $t) -> bool { self.to_f32() > o.to_f32() }
            #[inline] fn lt(self, o: $t) -> bool { self.to_f32() < o.to_f32() }
        }
    )*};
}
combine_half!(f16, bf16);

impl Combine for bool {
    #[inline]
    fn sum(self, o: bool) -> bool {
        self | o
    }
    #[inline]
    fn prod(self, o: bool) -> bool {
        self & o
    }
    #[inline]
    fn gt(self, o: bool) -> bool {
        self & !o
    }
    #[inline]
    fn lt(self, o: bool) -> bool {
        !self & o
    }
}

/// Lexicographic order, as MLX's complex comparisons.
impl Combine for Complex64 {
    #[inline]
    fn sum(self, o: Complex64) -> Complex64 {
        self + o
    }
    #[inline]
    fn prod(self, o: Complex64) -> Complex64 {
        self * o
    }
    #[inline]
    fn gt(self, o: Complex64) -> bool {
        o.re < self.re || (o.re == self.re && o.im < self.im)
    }
    #[inline]
    fn lt(self, o: Complex64) -> bool {
        self.re < o.re || (self.re == o.re && self.im < o.im)
    }
}

#[inline]
fn apply<T: Combine>(op: ScatterOp, y: &mut T, x: T) {
    *y = match op {
        ScatterOp::None => x,
        ScatterOp::Sum => y.sum(x),
        ScatterOp::Prod => y.prod(x),
        ScatterOp::Max => {
            if y.gt(x) {
                *y
            } else {
                x
            }
        }
        ScatterOp::Min => {
            if y.lt(x) {
                *y
            } else {
                x
            }
        }
    };
}

/// Starts of every update position along `axis` (size `n`, window `w`),
/// normalised and checked.
fn starts<I: Index>(
    v: &View,
    n: usize,
    w: usize,
    axis: usize,
    op: &'static str,
) -> Result<Vec<usize>> {
    let src = contiguous::<I>(op, v)?;
    let mut out = try_with_capacity(op, src.len())?;
    for &i in src.iter() {
        out.push(match i.wrap(n) {
            Some(j) if j + w <= n => j,
            _ => return Err(out_of_bounds(i, n, axis, op)),
        });
    }
    Ok(out)
}

/// Scatter `updates` into a copy of `input` (see `Primitive::Scatter`).
pub(crate) fn scatter(
    op: ScatterOp,
    input: &View,
    indices: &[View],
    updates: &View,
    axes: &[usize],
    out: OutSpec,
) -> Result<HostData> {
    let pos = positions(op, input.shape, indices, updates, axes)?;
    if input.dtype != updates.dtype {
        return Err(Error::internal(
            op.name(),
            format!("updates are {}, input {}", updates.dtype, input.dtype),
        ));
    }
    with_dtype!(input.dtype, T => {
        let o = contiguous_owned::<T>(op.name(), input)?;
        scatter_typed::<T>(op, o, &pos, updates, axes, out.shape).map(T::into_host)
    })
}

/// [`scatter`] into the donated destination buffer itself: only the
/// update windows are written (O(updates), not O(destination)). Indices
/// are checked before the buffer is taken, so an error leaves it with
/// `donor`. Declines (`None`) buffers that are not host vectors.
pub(crate) fn scatter_into(
    op: ScatterOp,
    donor: &mut Option<Donor>,
    indices: &[View],
    updates: &View,
    axes: &[usize],
    out: OutSpec,
) -> Result<Option<HostData>> {
    let pos = positions(op, out.shape, indices, updates, axes)?;
    if out.dtype != updates.dtype {
        return Err(Error::internal(
            op.name(),
            format!("updates are {}, input {}", updates.dtype, out.dtype),
        ));
    }
    let Some(dst) = crate::backend::take_host(donor) else {
        return Ok(None);
    };
    with_dtype!(out.dtype, T => {
        let o = T::from_host(dst)
            .map_err(|_| Error::internal(op.name(), "donated buffer of another dtype"))?;
        scatter_typed::<T>(op, o, &pos, updates, axes, out.shape).map(|v| Some(T::into_host(v)))
    })
}

/// Start of every update position on each indexed axis, checked.
fn positions(
    op: ScatterOp,
    shape: &[usize],
    indices: &[View],
    updates: &View,
    axes: &[usize],
) -> Result<Vec<Vec<usize>>> {
    let name = op.name();
    let k = updates.shape.len() - shape.len();
    let window = &updates.shape[k..];
    let mut pos = Vec::with_capacity(indices.len());
    for (v, &ax) in indices.iter().zip(axes) {
        let (n, w) = (shape[ax], window[ax]);
        pos.push(with_index!(v.dtype, name, I => starts::<I>(v, n, w, ax, name))?);
    }
    Ok(pos)
}

/// Combine `updates` into `o` (the destination's row-major elements).
fn scatter_typed<T: Combine>(
    op: ScatterOp,
    mut o: Vec<T>,
    pos: &[Vec<usize>],
    updates: &View,
    axes: &[usize],
    out_shape: &[usize],
) -> Result<Vec<T>> {
    let name = op.name();
    let u = contiguous::<T>(name, updates)?;
    let k = updates.shape.len() - out_shape.len();
    let window = &updates.shape[k..];
    let wn = numel(window);
    let n_upd = numel(&updates.shape[..k]);
    if wn == 0 || n_upd == 0 || o.is_empty() {
        return Ok(o);
    }
    let strides = row_major_strides(out_shape);
    let woffs = offsets(name, window, &strides)?;
    for p in 0..n_upd {
        let base: usize = pos
            .iter()
            .zip(axes)
            .map(|(s, &ax)| s[p] * strides[ax] as usize)
            .sum();
        let src = &u[p * wn..(p + 1) * wn];
        if wn >= PAR_THRESHOLD {
            // Window elements are distinct positions: split them safely by
            // gathering (offset, value) pairs per chunk.
            let mut updated: Vec<(usize, T)> = try_with_capacity(name, wn)?;
            updated.par_extend(woffs.par_iter().zip(src.par_iter()).map(|(&off, &x)| {
                let i = base + off as usize;
                let mut y = o[i];
                apply(op, &mut y, x);
                (i, y)
            }));
            for (i, y) in updated {
                o[i] = y;
            }
        } else {
            for (&off, &x) in woffs.iter().zip(src.iter()) {
                apply(op, &mut o[base + off as usize], x);
            }
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_follows_mlx() {
        let mut y = f32::NAN;
        apply(ScatterOp::Max, &mut y, 1.0);
        assert_eq!(y, 1.0);
        let mut y = 1.0f32;
        apply(ScatterOp::Max, &mut y, f32::NAN);
        assert!(y.is_nan());
        let mut b = false;
        apply(ScatterOp::Sum, &mut b, true);
        assert!(b);
        let mut i = i8::MAX;
        apply(ScatterOp::Sum, &mut i, 1);
        assert_eq!(i, i8::MIN);
    }
}
