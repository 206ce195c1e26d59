//! Indexing: basic entries (integers, ranges with steps, new axes,
//! ellipsis) as views, integer index arrays through
//! [`advanced`](super::advanced), dynamic `slice`, and the gathers `take`
//! and `take_along_axis`.

use super::arguments::{Axes, Axis, IntoOperand, Shape};
use super::shape::{broadcast_to, flatten, reshape};
use crate::primitive::Primitive;
use crate::shape::{broadcast_shapes, format_shape, normalize_axis};
use crate::{Array, Error, Result};

/// One entry of an index, as in `a[1, 2:5:2, None, ..., idx]`.
///
/// Integers, ranges, new axes and the ellipsis are basic indexing (a
/// view); integer arrays are advanced indexing (a gather), with NumPy's
/// and MLX's rules: index arrays (and integers next to them) broadcast
/// together, and their dims replace the indexed axes in place when the
/// advanced entries are adjacent, or go first when a slice or new axis
/// separates them. Boolean masks are not supported (as in MLX).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops::SliceArg;
/// let a = mlx_core::ops::arange(0, 12, 1, None)?.reshape(&[3, 4])?;
/// let b = a.index(&[SliceArg::Index(-1), SliceArg::range(None, None, -2)])?;
/// assert_eq!(b.to_vec::<i32>()?, vec![11, 9]);
/// let rows = mlx_core::Array::from_slice(&[2i32, 0], &[2])?;
/// let c = a.index(&[SliceArg::Array(rows), SliceArg::Index(1)])?;
/// assert_eq!(c.to_vec::<i32>()?, vec![9, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug)]
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
    /// An integer index array (advanced indexing; negative entries count
    /// from the end).
    Array(Array),
}

impl SliceArg {
    /// `start:stop:step`.
    pub fn range(start: Option<i64>, stop: Option<i64>, step: i64) -> SliceArg {
        SliceArg::Range { start, stop, step }
    }
    /// An integer index array (advanced indexing).
    pub fn array(a: &Array) -> SliceArg {
        SliceArg::Array(a.clone())
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
pub(crate) fn normalize_range(
    n: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
) -> (usize, usize) {
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
    // In i128: a step near i64::MAX (or i64::MIN) cannot overflow.
    let (s128, e128, step128) = (s as i128, e as i128, step as i128);
    let len = if step > 0 {
        (e128 - s128 + step128 - 1) / step128
    } else {
        (s128 - e128 - step128 - 1) / -step128
    };
    let len = len.max(0) as i64;
    (if len == 0 { 0 } else { s as usize }, len as usize)
}

/// Indexing, MLX's `a[...]`: integers, slices, `None`, `...` (a view)
/// and integer arrays (a gather; see [`SliceArg`]). Integer entries
/// remove their axis.
///
/// # Errors
/// `[index] index 5 is out of bounds for axis 0 with size 3`, a zero step,
/// more indices than axes, two ellipses, boolean or float index arrays,
/// index arrays that do not broadcast. An index array entry out of bounds
/// is an error at evaluation (MLX reads out of bounds there).
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
    let full_args = expand_args("index", a, args)?;
    if full_args.iter().any(|x| matches!(x, SliceArg::Array(_))) {
        return super::advanced::index_advanced(a, &full_args);
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
                let j = check_int("index", i, a.shape()[axis], axis)?;
                start.push(j);
                step.push(1);
                sliced_shape.push(1);
                axis += 1;
            }
            SliceArg::Range {
                start: s,
                stop: e,
                step: st,
            } => {
                let (s0, len) = normalize_range(a.shape()[axis], s, e, st);
                start.push(s0);
                step.push(st);
                sliced_shape.push(len);
                final_shape.push(len as i64);
                axis += 1;
            }
            SliceArg::Ellipsis | SliceArg::Array(_) => unreachable!("expanded above"),
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
        )?
    };
    reshape(&sliced, &final_shape)
}

/// Integer `i` on an axis of size `n` mapped into `0..n`, or the error.
/// `a[.., start:stop, ..]` on `axis` (crate helper for composites).
pub(crate) fn slice_axis(a: &Array, axis: usize, start: i64, stop: i64) -> Result<Array> {
    let mut args = vec![SliceArg::full(); axis];
    args.push(SliceArg::range(Some(start), Some(stop), 1));
    index(a, &args)
}

pub(crate) fn check_int(op: &'static str, i: i64, n: usize, axis: usize) -> Result<usize> {
    let j = if i < 0 { i + n as i64 } else { i };
    if j < 0 || j >= n as i64 {
        return Err(Error::invalid(
            op,
            format!("index {i} is out of bounds for axis {axis} with size {n}"),
        ));
    }
    Ok(j as usize)
}

/// The index with its ellipsis expanded (or full ranges appended) so that
/// it names every axis of `a`; checks counts, steps and index dtypes.
pub(crate) fn expand_args(op: &'static str, a: &Array, args: &[SliceArg]) -> Result<Vec<SliceArg>> {
    let n_ellipsis = args
        .iter()
        .filter(|x| matches!(x, SliceArg::Ellipsis))
        .count();
    if n_ellipsis > 1 {
        return Err(Error::invalid(
            op,
            "an index can only have a single ellipsis",
        ));
    }
    let consumed = args
        .iter()
        .filter(|x| {
            matches!(
                x,
                SliceArg::Index(_) | SliceArg::Range { .. } | SliceArg::Array(_)
            )
        })
        .count();
    if consumed > a.ndim() {
        return Err(Error::invalid(
            op,
            format!(
                "too many indices ({consumed}) for array of {} dimensions",
                a.ndim()
            ),
        ));
    }
    let mut full_args: Vec<SliceArg> = Vec::new();
    for x in args {
        match x {
            SliceArg::Ellipsis => {
                full_args.extend(std::iter::repeat_n(SliceArg::full(), a.ndim() - consumed))
            }
            SliceArg::Range { step: 0, .. } => {
                return Err(Error::invalid(op, "slice step cannot be zero"))
            }
            SliceArg::Array(i) if i.dtype() == crate::Dtype::Bool => {
                return Err(Error::invalid(
                    op,
                    "boolean indices are not supported (MLX has no boolean mask indexing); \
                     use where() or integer indices",
                ))
            }
            SliceArg::Array(i) if !i.dtype().is_integer() => {
                // MLX names its gather here.
                return Err(Error::dtype(
                    "gather",
                    i.dtype(),
                    "indices must be integral",
                ));
            }
            other => full_args.push(other.clone()),
        }
    }
    if n_ellipsis == 0 {
        full_args.extend(std::iter::repeat_n(SliceArg::full(), a.ndim() - consumed));
    }
    Ok(full_args)
}

/// MLX's `slice(a, start_indices, axes, slice_size)`: a window of shape
/// `slice_size` (one size per axis of `a`) that starts at
/// `start_indices[k]` on axis `axes[k]` and at 0 on the other axes. The
/// starts are an integer array (0-d or 1-d), so they may be computed.
///
/// # Errors
/// `[slice] ...` when the starts are not integers or not 0-/1-d, their
/// count differs from `axes`, an axis repeats or is out of range, or a
/// size exceeds its axis. A window that leaves the array is an error at
/// evaluation (MLX reads out of bounds there).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 6, 1, None)?.reshape(&[2, 3])?;
/// let start = mlx_core::Array::from_slice(&[1i32], &[1])?;
/// let s = mlx_core::ops::slice(&a, &start, 1, [2, 2])?;
/// // an integer start for one axis: mx.slice(a, mx.array(1), [1], [2, 2])
/// assert_eq!(mlx_core::ops::slice(&a, 1, [1], [2, 2])?.to_vec::<i32>()?, vec![1, 2, 4, 5]);
/// assert_eq!(s.to_vec::<i32>()?, vec![1, 2, 4, 5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn slice(
    a: &Array,
    start_indices: impl IntoOperand,
    axes: impl Into<Axes>,
    slice_size: impl Into<Shape>,
) -> Result<Array> {
    let start_indices = &start_indices.into_operand().into_array_on(a.device())?;
    let axes = &axes.into().required("slice")?[..];
    let slice_size = slice_size.into().dims("slice")?;
    let slice_size = &slice_size[..];
    let (starts, axes) = dynamic_starts("slice", a, start_indices, axes)?;
    if slice_size.len() != a.ndim() {
        return Err(Error::invalid(
            "slice",
            format!("invalid slice size for array with {} dimensions", a.ndim()),
        ));
    }
    if slice_size.iter().zip(a.shape()).any(|(s, n)| s > n) {
        return Err(Error::invalid(
            "slice",
            format!(
                "invalid slice size {} for array with shape {}",
                format_shape(slice_size),
                format_shape(a.shape())
            ),
        ));
    }
    super::advanced::gather(a, &starts, &axes, slice_size)
}

/// MLX's checks of dynamic slice starts: the 0-d start of each axis and
/// the normalised axes.
pub(crate) fn dynamic_starts(
    op: &'static str,
    a: &Array,
    start: &Array,
    axes: &[i64],
) -> Result<(Vec<Array>, Vec<i64>)> {
    if start.ndim() > 1 {
        return Err(Error::invalid(
            op,
            format!(
                "array of starting indices must be zero or one dimensional but has dimension {}",
                start.ndim()
            ),
        ));
    }
    if start.size() != axes.len() {
        return Err(Error::invalid(
            op,
            format!(
                "number of starting indices {} does not match number of axes {}",
                start.size(),
                axes.len()
            ),
        ));
    }
    if !start.dtype().is_integer() {
        return Err(Error::dtype(
            op,
            start.dtype(),
            "start indices must be integers",
        ));
    }
    let norm = crate::shape::normalize_axes(op, axes, a.ndim())?;
    let mut seen = norm.clone();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != norm.len() {
        return Err(Error::invalid(op, "repeat axes not allowed"));
    }
    let flat = reshape(start, &[axes.len() as i64])?;
    let starts = (0..axes.len())
        .map(|k| index(&flat, &[SliceArg::Index(k as i64)]))
        .collect::<Result<Vec<_>>>()?;
    Ok((starts, norm.iter().map(|&x| x as i64).collect()))
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

/// Gather along `axis` (of the flattened array when `()`), MLX's
/// `take`. Negative indices count from the end. `indices` is an integer
/// array or a Rust integer (MLX's `take(a, 3, axis)`).
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
/// assert_eq!(mlx_core::ops::take(&a, &i, ())?.to_vec::<i32>()?, vec![30, 10]);
/// // mx.take(mx.arange(6).reshape(2, 3), 1, 1) -> array([1, 4])
/// let m = mlx_core::ops::arange(0, 6, 1, None)?.reshape([2, 3])?;
/// assert_eq!(mlx_core::ops::take(&m, 1, 1)?.to_vec::<i32>()?, vec![1, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn take(a: &Array, indices: impl IntoOperand, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    let indices = indices.into_operand().into_array_on(a.device())?;
    take_unlabeled(a, &indices, axis).map_err(|e| e.in_op("take"))
}

/// [`take`] before its errors are relabelled.
fn take_unlabeled(a: &Array, indices: &Array, axis: Option<i64>) -> Result<Array> {
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
    Array::from_op(
        Primitive::Gather { axis: ax },
        vec![src.clone(), indices.clone()],
        shape,
        a.dtype(),
    )
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
/// let t = mlx_core::ops::take_along_axis(&a, &i, 1)?;
/// assert_eq!(t.to_vec::<i32>()?, vec![2, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn take_along_axis(a: &Array, indices: &Array, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    take_along_axis_unlabeled(a, indices, axis).map_err(|e| e.in_op("take_along_axis"))
}

/// [`take_along_axis`] before its errors are relabelled.
fn take_along_axis_unlabeled(a: &Array, indices: &Array, axis: Option<i64>) -> Result<Array> {
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
    Array::from_op(
        Primitive::GatherAxis { axis: ax },
        vec![src, idx],
        i_target,
        a.dtype(),
    )
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
    pub fn take(&self, indices: impl IntoOperand, axis: impl Into<Axis>) -> Result<Array> {
        take(self, indices, axis)
    }
    /// Method form of [`take_along_axis`].
    ///
    /// # Errors
    /// As [`take_along_axis`].
    pub fn take_along_axis(&self, indices: &Array, axis: impl Into<Axis>) -> Result<Array> {
        take_along_axis(self, indices, axis)
    }
}
