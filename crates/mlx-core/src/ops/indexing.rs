//! Basic indexing (integers, ranges with steps, new axes, ellipsis) as
//! views, and gathers: `take`, `take_along_axis`.

use super::shape::{broadcast_to, flatten, reshape};
use crate::primitive::Primitive;
use crate::shape::{broadcast_shapes, format_shape, normalize_axis};
use crate::{Array, Error, Result};

/// One entry of a basic index, as in `a[1, 2:5:2, None, ...]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops::SliceArg;
/// let a = mlx_core::ops::arange(0, 12, 1, None)?.reshape(&[3, 4])?;
/// let b = a.index(&[SliceArg::Index(-1), SliceArg::range(None, None, -2)])?;
/// assert_eq!(b.to_vec::<i32>()?, vec![11, 9]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceArg {
    /// One position (negative counts from the end); removes the axis.
    Index(i64),
    /// `start:stop:step` with Python's defaults and clamping.
    Range {
        /// First index (default: the start for positive steps, the end for negative).
        start: Option<i64>,
        /// One past the last index.
        stop: Option<i64>,
        /// Nonzero step.
        step: i64,
    },
    /// `None` / `np.newaxis`: insert an axis of size 1.
    NewAxis,
    /// `...`: as many full ranges as needed.
    Ellipsis,
}

impl SliceArg {
    /// `start:stop:step`.
    pub fn range(start: Option<i64>, stop: Option<i64>, step: i64) -> SliceArg {
        SliceArg::Range { start, stop, step }
    }
    /// `:` (the whole axis).
    pub fn full() -> SliceArg {
        SliceArg::Range {
            start: None,
            stop: None,
            step: 1,
        }
    }
}

/// Python's slice normalisation: (start, length) for an axis of size `n`.
fn normalize_range(n: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> (usize, usize) {
    let n = n as i64;
    let fix = |v: i64, lo: i64, hi: i64| {
        let v = if v < 0 { v + n } else { v };
        v.clamp(lo, hi)
    };
    let (s, e) = if step > 0 {
        (
            start.map_or(0, |v| fix(v, 0, n)),
            stop.map_or(n, |v| fix(v, 0, n)),
        )
    } else {
        (
            start.map_or(n - 1, |v| fix(v, -1, n - 1)),
            stop.map_or(-1, |v| fix(v, -1, n - 1)),
        )
    };
    let len = if step > 0 {
        (e - s + step - 1) / step
    } else {
        (s - e + (-step) - 1) / (-step)
    };
    let len = len.max(0);
    (if len == 0 { 0 } else { s as usize }, len as usize)
}

/// Basic indexing (MLX's `a[...]` with integers, slices, `None` and
/// `...`). Always a view; integer entries remove their axis.
///
/// # Errors
/// `[index] index 5 is out of bounds for axis 0 with size 3`, a zero step,
/// more indices than axes, or two ellipses.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops::{index, SliceArg};
/// let a = mlx_core::ops::arange(0, 6, 1, None)?.reshape(&[2, 3])?;
/// let col = index(&a, &[SliceArg::Ellipsis, SliceArg::Index(1)])?;
/// assert_eq!(col.to_vec::<i32>()?, vec![1, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn index(a: &Array, args: &[SliceArg]) -> Result<Array> {
    let n_ellipsis = args
        .iter()
        .filter(|x| matches!(x, SliceArg::Ellipsis))
        .count();
    if n_ellipsis > 1 {
        return Err(Error::invalid(
            "index",
            "an index can only have a single ellipsis",
        ));
    }
    let consumed = args
        .iter()
        .filter(|x| matches!(x, SliceArg::Index(_) | SliceArg::Range { .. }))
        .count();
    if consumed > a.ndim() {
        return Err(Error::invalid(
            "index",
            format!(
                "too many indices ({consumed}) for array of {} dimensions",
                a.ndim()
            ),
        ));
    }
    // Expand the ellipsis (or pad at the end) with full ranges.
    let mut full_args: Vec<SliceArg> = Vec::new();
    for &x in args {
        if x == SliceArg::Ellipsis {
            full_args.extend(std::iter::repeat_n(SliceArg::full(), a.ndim() - consumed));
        } else {
            full_args.push(x);
        }
    }
    if n_ellipsis == 0 {
        full_args.extend(std::iter::repeat_n(SliceArg::full(), a.ndim() - consumed));
    }
    let mut start = Vec::with_capacity(a.ndim());
    let mut step = Vec::with_capacity(a.ndim());
    let mut sliced_shape = Vec::with_capacity(a.ndim());
    let mut final_shape: Vec<i64> = Vec::new();
    let mut axis = 0;
    for x in &full_args {
        match *x {
            SliceArg::NewAxis => final_shape.push(1),
            SliceArg::Index(i) => {
                let n = a.shape()[axis];
                let j = if i < 0 { i + n as i64 } else { i };
                if j < 0 || j >= n as i64 {
                    return Err(Error::invalid(
                        "index",
                        format!("index {i} is out of bounds for axis {axis} with size {n}"),
                    ));
                }
                start.push(j as usize);
                step.push(1);
                sliced_shape.push(1);
                axis += 1;
            }
            SliceArg::Range {
                start: s,
                stop: e,
                step: st,
            } => {
                if st == 0 {
                    return Err(Error::invalid("index", "slice step cannot be zero"));
                }
                let (s0, len) = normalize_range(a.shape()[axis], s, e, st);
                start.push(s0);
                step.push(st);
                sliced_shape.push(len);
                final_shape.push(len as i64);
                axis += 1;
            }
            SliceArg::Ellipsis => unreachable!("expanded above"),
        }
    }
    let identity = sliced_shape == a.shape() && step.iter().all(|&s| s == 1);
    let sliced = if identity {
        a.clone()
    } else {
        Array::from_op(
            Primitive::Slice { start, step },
            vec![a.clone()],
            sliced_shape,
            a.dtype(),
        )
    };
    reshape(&sliced, &final_shape)
}

/// MLX's `slice(a, start_indices, axes, slice_size)` with static starts:
/// a view of `slice_size` elements from `start` along each axis in `axes`.
///
/// # Errors
/// `[slice] ...` when lengths differ or the window leaves the array.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 10, 1, None)?;
/// let s = mlx_core::ops::slice(&a, &[2], &[0], &[3])?;
/// assert_eq!(s.to_vec::<i32>()?, vec![2, 3, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn slice(a: &Array, start: &[i64], axes: &[i64], slice_size: &[usize]) -> Result<Array> {
    if start.len() != axes.len() || axes.len() != slice_size.len() {
        return Err(Error::invalid(
            "slice",
            "start, axes and slice_size must have the same length",
        ));
    }
    let mut args = vec![SliceArg::full(); a.ndim()];
    for ((&s, &ax), &len) in start.iter().zip(axes).zip(slice_size) {
        let ax = normalize_axis("slice", ax, a.ndim())?;
        let n = a.shape()[ax] as i64;
        let s = if s < 0 { s + n } else { s };
        if s < 0 || s + len as i64 > n {
            return Err(Error::invalid(
                "slice",
                format!("window of size {len} at {s} does not fit axis {ax} of size {n}"),
            ));
        }
        args[ax] = SliceArg::range(Some(s), Some(s + len as i64), 1);
    }
    index(a, &args)
}

fn check_indices(op: &'static str, indices: &Array) -> Result<()> {
    if !indices.dtype().is_integer() {
        return Err(Error::dtype(
            op,
            indices.dtype(),
            "indices must be integral",
        ));
    }
    Ok(())
}

/// Gather along `axis` (of the flattened array when `None`), MLX's
/// `take`. Negative indices count from the end.
///
/// # Errors
/// `[take] indices must be integral`, a bad axis; at evaluation an index
/// out of range is an error (`[take] index 5 is out of bounds ...`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[10i32, 20, 30], &[3])?;
/// let i = mlx_core::Array::from_slice(&[2i32, -3], &[2])?;
/// assert_eq!(mlx_core::ops::take(&a, &i, None)?.to_vec::<i32>()?, vec![30, 10]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn take(a: &Array, indices: &Array, axis: Option<i64>) -> Result<Array> {
    check_indices("take", indices)?;
    let (src, ax) = match axis {
        None => (flatten(a, 0, -1)?, 0),
        Some(x) => (a.clone(), normalize_axis("take", x, a.ndim())?),
    };
    if src.shape()[ax] == 0 && indices.size() > 0 {
        return Err(Error::invalid("take", "cannot take from an empty axis"));
    }
    let mut shape = src.shape()[..ax].to_vec();
    shape.extend_from_slice(indices.shape());
    shape.extend_from_slice(&src.shape()[ax + 1..]);
    Ok(Array::from_op(
        Primitive::Gather { axis: ax },
        vec![src.clone(), indices.clone()],
        shape,
        a.dtype(),
    ))
}

/// Gather along `axis` with indices of the same rank as `a` (MLX's
/// `take_along_axis`); other axes broadcast.
///
/// # Errors
/// `[take_along_axis] indices of 1 dimensions do not match array of 2
/// dimensions`, non-integer indices, a bad axis, broadcast errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[2, 2])?;
/// let i = mlx_core::Array::from_slice(&[1i32, 0], &[2, 1])?;
/// let t = mlx_core::ops::take_along_axis(&a, &i, Some(1))?;
/// assert_eq!(t.to_vec::<i32>()?, vec![2, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn take_along_axis(a: &Array, indices: &Array, axis: Option<i64>) -> Result<Array> {
    check_indices("take_along_axis", indices)?;
    let (src, idx, ax) = match axis {
        None => (flatten(a, 0, -1)?, flatten(indices, 0, -1)?, 0),
        Some(x) => (
            a.clone(),
            indices.clone(),
            normalize_axis("take_along_axis", x, a.ndim())?,
        ),
    };
    if idx.ndim() != src.ndim() {
        return Err(Error::invalid(
            "take_along_axis",
            format!(
                "indices of {} dimensions do not match array of {} dimensions",
                idx.ndim(),
                src.ndim()
            ),
        ));
    }
    let mut a_shape = src.shape().to_vec();
    let mut i_shape = idx.shape().to_vec();
    a_shape[ax] = 1;
    i_shape[ax] = 1;
    let common = broadcast_shapes("take_along_axis", &a_shape, &i_shape)?;
    let mut a_target = common.clone();
    a_target[ax] = src.shape()[ax];
    let mut i_target = common;
    i_target[ax] = idx.shape()[ax];
    if src.shape()[ax] == 0 && idx.shape()[ax] > 0 {
        return Err(Error::invalid(
            "take_along_axis",
            format!(
                "cannot take from an empty axis of shape {}",
                format_shape(src.shape())
            ),
        ));
    }
    let src = broadcast_to(&src, &a_target)?;
    let idx = broadcast_to(&idx, &i_target)?;
    Ok(Array::from_op(
        Primitive::GatherAxis { axis: ax },
        vec![src, idx],
        i_target,
        a.dtype(),
    ))
}

impl Array {
    /// Method form of [`index`].
    ///
    /// # Errors
    /// As [`index`].
    pub fn index(&self, args: &[SliceArg]) -> Result<Array> {
        index(self, args)
    }
    /// Method form of [`take`].
    ///
    /// # Errors
    /// As [`take`].
    pub fn take(&self, indices: &Array, axis: Option<i64>) -> Result<Array> {
        take(self, indices, axis)
    }
    /// Method form of [`take_along_axis`].
    ///
    /// # Errors
    /// As [`take_along_axis`].
    pub fn take_along_axis(&self, indices: &Array, axis: Option<i64>) -> Result<Array> {
        take_along_axis(self, indices, axis)
    }
}
