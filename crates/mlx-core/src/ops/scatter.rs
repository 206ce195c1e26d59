//! Indexed updates: MLX's `scatter` family, `put_along_axis`,
//! `slice_update`, assignment through an index (`a[idx] = v`, here
//! [`index_put`]) and `a.at[idx].add(v)` ([`Array::at`]). Every update
//! returns a new array; all record one `Scatter` node.

use super::advanced::{advanced_parts, gather_first, range_len};
use super::arguments::{Axes, Axis, IntoOperand};
use super::indexing::{dynamic_starts, expand_args, normalize_range, SliceArg};
use super::shape::{broadcast_arrays, broadcast_to, reshape, squeeze};
use super::{add, arange_f64, divide, maximum, minimum, multiply, reciprocal};
use crate::primitive::{Primitive, ScatterOp};
use crate::shape::{format_shape, normalize_axes, normalize_axis};
use crate::{Array, Dtype, Error, Result};

fn dims(v: &[usize]) -> Vec<i64> {
    v.iter().map(|&d| d as i64).collect()
}

/// The common dtype of index arrays (a wider signed type when they mix,
/// `int64` when promotion leaves the integers).
fn index_dtype(indices: &[Array]) -> Dtype {
    let mut dt = match indices.first() {
        Some(i) => i.dtype(),
        None => return Dtype::Int32,
    };
    for i in &indices[1..] {
        dt = Dtype::promote(dt, i.dtype());
    }
    if dt.is_integer() {
        dt
    } else {
        Dtype::Int64
    }
}

/// Record a scatter of `updates` (shape `indices' shape + window`, one
/// window size per axis of `a`) into `a` at `indices` on `axes`.
pub(crate) fn scatter_general(
    a: &Array,
    indices: &[Array],
    updates: &Array,
    axes: &[i64],
    op: ScatterOp,
) -> Result<Array> {
    let name = op.name();
    if indices.len() > a.ndim() {
        return Err(Error::invalid(
            name,
            format!(
                "too many index arrays; got {} index arrays for input with {} dimensions",
                indices.len(),
                a.ndim()
            ),
        ));
    }
    if indices.len() != axes.len() {
        return Err(Error::invalid(
            name,
            "number of index arrays does not match number of axes",
        ));
    }
    let ax = normalize_axes(name, axes, a.ndim())?;
    let mut sorted = ax.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != ax.len() {
        return Err(Error::invalid(name, "repeat axes not allowed in scatter"));
    }
    for i in indices {
        if i.dtype() == Dtype::Bool {
            return Err(Error::invalid(name, "boolean indices are not supported"));
        }
        if !i.dtype().is_integer() {
            return Err(Error::dtype(name, i.dtype(), "indices must be integral"));
        }
    }
    let refs: Vec<&Array> = indices.iter().collect();
    let idx = broadcast_arrays(&refs)?;
    let idx_shape: Vec<usize> = idx.first().map_or(Vec::new(), |i| i.shape().to_vec());
    if updates.ndim() != a.ndim() + idx_shape.len() {
        return Err(Error::invalid(
            name,
            format!(
                "updates with {} dimensions does not match the sum of the array ({}) and indices ({}) dimensions",
                updates.ndim(),
                a.ndim(),
                idx_shape.len()
            ),
        ));
    }
    if updates.shape()[..idx_shape.len()] != idx_shape[..] {
        return Err(Error::invalid(
            name,
            format!(
                "update shape {} is not valid for broadcasted index shape {}",
                format_shape(updates.shape()),
                format_shape(&idx_shape)
            ),
        ));
    }
    let window = &updates.shape()[idx_shape.len()..];
    if window.iter().zip(a.shape()).any(|(w, n)| w > n) {
        return Err(Error::invalid(
            name,
            format!(
                "updates with shape {} are too large for array with shape {}",
                format_shape(updates.shape()),
                format_shape(a.shape())
            ),
        ));
    }
    if a.size() == 0 || updates.size() == 0 {
        return Ok(a.clone());
    }
    let dt = index_dtype(&idx);
    let mut inputs = vec![a.clone()];
    for i in idx {
        inputs.push(i.as_type(dt)?);
    }
    inputs.push(updates.as_type(a.dtype())?);
    Array::from_op(
        Primitive::Scatter { op, axes: ax },
        inputs,
        a.shape().to_vec(),
        a.dtype(),
    )
}

macro_rules! scatter_fns {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// `updates` has shape `indices' broadcast shape + window`, one
        /// window size per axis of `a` (at most the axis size); the window
        /// starts at the index on indexed axes and at 0 elsewhere. Updates
        /// are cast to `a`'s dtype. Negative indices count from the end.
        ///
        /// # Errors
        /// Mismatched counts, repeated axes, non-integer or boolean
        /// indices, updates of the wrong rank or too large; a window out of
        /// bounds is an error at evaluation.
        pub fn $name(a: &Array, indices: &[Array], updates: &Array, axes: &[i64]) -> Result<Array> {
            scatter_general(a, indices, updates, axes, ScatterOp::$op)
        }
    )*};
}

scatter_fns! {
    /// MLX's `scatter`: write `updates` into a copy of `a` (with duplicate
    /// indices the last write wins, on every device).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::ops::zeros(&[4], mlx_core::Dtype::Float32)?;
    /// let i = mlx_core::Array::from_slice(&[3i32, 0], &[2])?;
    /// let u = mlx_core::Array::from_slice(&[5.0f32, 7.0], &[2, 1])?;
    /// let s = mlx_core::ops::scatter(&a, &[i], &u, &[0])?;
    /// assert_eq!(s.to_vec::<f32>()?, vec![7.0, 0.0, 0.0, 5.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    scatter => None;
    /// MLX's `scatter_add`: add `updates` at the indices (duplicates
    /// accumulate).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::ops::zeros(&[3], mlx_core::Dtype::Int32)?;
    /// let i = mlx_core::Array::from_slice(&[1i32, 1, 2], &[3])?;
    /// let u = mlx_core::Array::from_slice(&[1i32, 2, 3], &[3, 1])?;
    /// let s = mlx_core::ops::scatter_add(&a, &[i], &u, &[0])?;
    /// assert_eq!(s.to_vec::<i32>()?, vec![0, 3, 3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    scatter_add => Sum;
    /// MLX's `scatter_prod`: multiply by `updates` at the indices.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::ops::ones(&[2], mlx_core::Dtype::Int32)?;
    /// let i = mlx_core::Array::from_slice(&[0i32, 0], &[2])?;
    /// let u = mlx_core::Array::from_slice(&[2i32, 3], &[2, 1])?;
    /// let s = mlx_core::ops::scatter_prod(&a, &[i], &u, &[0])?;
    /// assert_eq!(s.to_vec::<i32>()?, vec![6, 1]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    scatter_prod => Prod;
    /// MLX's `scatter_max`: keep the larger of the value and the updates.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::ops::zeros(&[2], mlx_core::Dtype::Int32)?;
    /// let i = mlx_core::Array::from_slice(&[1i32, 1], &[2])?;
    /// let u = mlx_core::Array::from_slice(&[4i32, -3], &[2, 1])?;
    /// let s = mlx_core::ops::scatter_max(&a, &[i], &u, &[0])?;
    /// assert_eq!(s.to_vec::<i32>()?, vec![0, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    scatter_max => Max;
    /// MLX's `scatter_min`: keep the smaller of the value and the updates.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::ops::zeros(&[2], mlx_core::Dtype::Int32)?;
    /// let i = mlx_core::Array::from_slice(&[1i32, 1], &[2])?;
    /// let u = mlx_core::Array::from_slice(&[4i32, -3], &[2, 1])?;
    /// let s = mlx_core::ops::scatter_min(&a, &[i], &u, &[0])?;
    /// assert_eq!(s.to_vec::<i32>()?, vec![0, -3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    scatter_min => Min;
}

/// MLX's `put_along_axis`: write `values` into a copy of `a` at `indices`
/// along `axis` (of the flattened array when `()`); `indices` has `a`'s
/// rank and broadcasts with it off `axis`, `values` broadcasts with
/// `indices`.
///
/// # Errors
/// `[put_along_axis] ...` for a bad axis, indices of another rank,
/// non-integer indices, shapes that do not broadcast.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 3], mlx_core::Dtype::Int32)?;
/// let i = mlx_core::Array::from_slice(&[2i32, 0], &[2, 1])?;
/// let v = mlx_core::Array::from_slice(&[7i32], &[1])?;
/// let p = mlx_core::ops::put_along_axis(&a, &i, &v, Some(1))?;
/// assert_eq!(p.to_vec::<i32>()?, vec![0, 0, 7, 7, 0, 0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn put_along_axis(
    a: &Array,
    indices: &Array,
    values: &Array,
    axis: impl Into<Axis>,
) -> Result<Array> {
    let axis = axis.into().get();
    put_along_axis_unlabeled(a, indices, values, axis).map_err(|e| e.in_op("put_along_axis"))
}

/// [`put_along_axis`] before its errors are relabelled.
fn put_along_axis_unlabeled(
    a: &Array,
    indices: &Array,
    values: &Array,
    axis: Option<i64>,
) -> Result<Array> {
    const OP: &str = "put_along_axis";
    let Some(axis) = axis else {
        let flat = reshape(a, &[a.size() as i64])?;
        let idx = reshape(indices, &[indices.size() as i64])?;
        let v = if values.ndim() > 1 {
            reshape(values, &[values.size() as i64])?
        } else {
            values.clone()
        };
        return reshape(&put_along_axis(&flat, &idx, &v, Some(0))?, &dims(a.shape()));
    };
    let ax = normalize_axis(OP, axis, a.ndim())?;
    if indices.ndim() != a.ndim() {
        return Err(Error::invalid(
            OP,
            format!(
                "indices of dimension {} does not match array of dimension {}",
                indices.ndim(),
                a.ndim()
            ),
        ));
    }
    if !indices.dtype().is_integer() {
        return Err(Error::dtype(
            OP,
            indices.dtype(),
            "indices must be integral",
        ));
    }
    if a.size() == 0 {
        return Ok(a.clone());
    }
    let mut v = values.as_type(a.dtype())?;
    if v.ndim() > indices.ndim() {
        let sq: Vec<i64> = (0..(v.ndim() - indices.ndim()) as i64).collect();
        v = squeeze(&v, &sq)?;
    }
    let iv = broadcast_arrays(&[indices, &v])?;
    // Index and values take a's shape off the axis.
    let mut shape = a.shape().to_vec();
    shape[ax] = iv[0].shape()[ax];
    let idx = broadcast_to(&iv[0], &shape)?;
    let v = broadcast_to(&iv[1], &shape)?;
    let nd = a.ndim();
    let mut all = Vec::with_capacity(nd);
    for d in 0..nd {
        if d == ax {
            all.push(idx.clone());
        } else {
            let mut s = vec![1i64; nd];
            s[d] = shape[d] as i64;
            let r = reshape(&arange_f64(0.0, shape[d] as f64, 1.0, Dtype::Int32)?, &s)?;
            all.push(broadcast_to(&r, &shape)?);
        }
    }
    let mut up = dims(&shape);
    up.extend(std::iter::repeat_n(1, nd));
    let axes: Vec<i64> = (0..nd as i64).collect();
    scatter_general(a, &all, &reshape(&v, &up)?, &axes, ScatterOp::None)
}

/// MLX's C++ `slice_update(src, update, start, stop, strides)` (MLX
/// Python writes it `a[start:stop:strides] = update`): a copy of `a` with the strided slice `start:stop:strides`
/// (Python's rules per axis) replaced by `update`, which is cast and
/// broadcast to the slice's shape.
///
/// # Errors
/// `[slice_update] ...` when the lists do not have one entry per axis, a
/// step is zero, or `update` does not broadcast.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[5], mlx_core::Dtype::Int32)?;
/// let u = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// let s = mlx_core::ops::slice_update_strided(&a, &u, &[4], &[0], &[-3])?;
/// assert_eq!(s.to_vec::<i32>()?, vec![0, 2, 0, 0, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn slice_update_strided(
    a: &Array,
    update: &Array,
    start: &[i64],
    stop: &[i64],
    strides: &[i64],
) -> Result<Array> {
    slice_update_unlabeled(a, update, start, stop, strides).map_err(|e| e.in_op("slice_update"))
}

/// [`slice_update_strided`] before its errors are relabelled.
fn slice_update_unlabeled(
    a: &Array,
    update: &Array,
    start: &[i64],
    stop: &[i64],
    strides: &[i64],
) -> Result<Array> {
    const OP: &str = "slice_update";
    let nd = a.ndim();
    if start.len() != nd || stop.len() != nd || strides.len() != nd {
        return Err(Error::invalid(
            OP,
            format!("invalid number of indices or strides for array with dimension {nd}"),
        ));
    }
    if strides.contains(&0) {
        return Err(Error::invalid(OP, "slice step cannot be zero"));
    }
    let ranges: Vec<(usize, usize, i64)> = (0..nd)
        .map(|d| {
            let (s, len) = normalize_range(a.shape()[d], Some(start[d]), Some(stop[d]), strides[d]);
            (s, len, strides[d])
        })
        .collect();
    let shape: Vec<usize> = ranges.iter().map(|r| r.1).collect();
    let upd = broadcast_to(&update.as_type(a.dtype())?, &shape)?;
    if shape == a.shape() && strides.iter().all(|&s| s > 0) {
        return Ok(upd);
    }
    update_ranges(a, &upd, &ranges, ScatterOp::None)
}

/// A scatter of `upd` (the slice's shape) over per-axis ranges
/// `(start, len, step)`: windows at the starts when every step is 1, else
/// one index array per axis.
fn update_ranges(
    a: &Array,
    upd: &Array,
    ranges: &[(usize, usize, i64)],
    op: ScatterOp,
) -> Result<Array> {
    let nd = a.ndim();
    let axes: Vec<i64> = (0..nd as i64).collect();
    if ranges.iter().all(|r| r.2 == 1) {
        let starts = ranges
            .iter()
            .map(|r| Array::from_scalar(r.0 as i64).as_type(Dtype::Int32))
            .collect::<Result<Vec<_>>>()?;
        return scatter_general(a, &starts, upd, &axes, op);
    }
    let shape: Vec<usize> = ranges.iter().map(|r| r.1).collect();
    let mut idx = Vec::with_capacity(nd);
    for (d, &(s, len, step)) in ranges.iter().enumerate() {
        let mut sh = vec![1i64; nd];
        sh[d] = len as i64;
        let (s, step) = (s as f64, step as f64);
        let r = arange_f64(s, s + len as f64 * step, step, Dtype::Int32)?;
        idx.push(broadcast_to(&reshape(&r, &sh)?, &shape)?);
    }
    let mut up = dims(&shape);
    up.extend(std::iter::repeat_n(1, nd));
    scatter_general(a, &idx, &reshape(upd, &up)?, &axes, op)
}

/// MLX Python's `slice_update(a, update, start_indices, axes)`: a copy of
/// `a` with `update` written at `start_indices[k]` on axis `axes[k]` (0 on
/// other axes). The starts are an integer array (0-d or 1-d), so they may
/// be computed, or a Rust integer for one axis; `axes` takes any
/// [`Axes`](super::Axes) but `()`. The strided C++ form is
/// [`slice_update_strided`].
///
/// # Errors
/// `[slice_update] ...` as [`slice`](super::slice); a window leaving the
/// array is an error at evaluation.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[3, 3], mlx_core::Dtype::Float32)?;
/// let u = mlx_core::ops::ones(&[1, 2], mlx_core::Dtype::Float32)?;
/// let st = mlx_core::Array::from_slice(&[1i32, 1], &[2])?;
/// let s = mlx_core::ops::slice_update(&a, &u, &st, [0, 1])?;
/// assert_eq!(s.to_vec::<f32>()?, vec![0., 0., 0., 0., 1., 1., 0., 0., 0.]);
/// // one row of a cache at position 2: mx.slice_update(a, u, mx.array(2), [0])
/// let s = mlx_core::ops::slice_update(&a, &u, 2, 0)?;
/// assert_eq!(s.to_vec::<f32>()?, vec![0., 0., 0., 0., 0., 0., 1., 1., 0.]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn slice_update(
    a: &Array,
    update: &Array,
    start_indices: impl IntoOperand,
    axes: impl Into<Axes>,
) -> Result<Array> {
    let build = || {
        let start = start_indices.into_operand().into_array_on(a.device())?;
        let axes = axes.into().required("slice_update")?;
        slice_update_dynamic_unlabeled(a, update, &start, &axes)
    };
    build().map_err(|e| e.in_op("slice_update"))
}

/// [`slice_update`] before its errors are relabelled.
fn slice_update_dynamic_unlabeled(
    a: &Array,
    update: &Array,
    start_indices: &Array,
    axes: &[i64],
) -> Result<Array> {
    const OP: &str = "slice_update";
    let (starts, axes) = dynamic_starts(OP, a, start_indices, axes)?;
    if update.ndim() > a.ndim() {
        return Err(Error::invalid(
            OP,
            format!(
                "update of {} dimensions does not fit array of {} dimensions",
                update.ndim(),
                a.ndim()
            ),
        ));
    }
    // MLX: missing leading dims take a's size (1 on the sliced axes).
    let diff = a.ndim() - update.ndim();
    let mut up: Vec<usize> = a.shape()[..diff].to_vec();
    up.extend(
        update
            .shape()
            .iter()
            .zip(&a.shape()[diff..])
            .map(|(&u, &n)| u.min(n)),
    );
    for &ax in &axes {
        if (ax as usize) < diff {
            up[ax as usize] = 1;
        }
    }
    let upd = broadcast_to(&update.as_type(a.dtype())?, &up)?;
    scatter_general(a, &starts, &upd, &axes, ScatterOp::None)
}

/// How an update through an index is applied.
enum Plan {
    /// The index selects all of `a`: the values broadcast to `a`'s shape.
    Whole(Array),
    /// A scatter: `(indices, updates, axes)`.
    Scatter(Vec<Array>, Array, Vec<i64>),
}

/// MLX's scatter arguments for `a[args] op= values`: values (cast to
/// `a`'s dtype, extra leading 1-dims dropped) broadcast to the shape of
/// `a[args]`, then laid out as scatter updates. Ranges become index arrays
/// except the trailing full ones, which stay windows.
fn plan(op: &'static str, a: &Array, args: &[SliceArg], values: &Array) -> Result<Plan> {
    let full = expand_args(op, a, args)?;
    let has_array = full.iter().any(|x| matches!(x, SliceArg::Array(_)));
    let is_adv = |x: &SliceArg| match x {
        SliceArg::Array(_) => true,
        SliceArg::Index(_) => has_array,
        _ => false,
    };
    let (adv_idx, _, b_shape) = if has_array {
        advanced_parts(op, a, &full)?
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let first = has_array && gather_first(&full);
    // The result shape of a[args], and where each entry's dims go.
    let mut r_shape: Vec<usize> = Vec::new();
    let mut b_at = 0;
    if first {
        r_shape.extend(&b_shape);
    }
    let mut placed = first;
    let mut range_dim = Vec::new();
    let mut axis = 0;
    for x in &full {
        match x {
            SliceArg::Range { .. } => {
                let (s, len, step) = range_len(a.shape()[axis], x).expect("a range");
                range_dim.push((axis, r_shape.len(), s, len, step));
                r_shape.push(len);
                axis += 1;
            }
            SliceArg::NewAxis => r_shape.push(1),
            SliceArg::Index(_) | SliceArg::Array(_) => {
                if is_adv(x) && !placed {
                    b_at = r_shape.len();
                    r_shape.extend(&b_shape);
                    placed = true;
                }
                axis += 1;
            }
            SliceArg::Ellipsis => {}
        }
    }
    let mut v = values.as_type(a.dtype())?;
    while v.ndim() > r_shape.len() && v.shape()[0] == 1 {
        v = squeeze(&v, &[0])?;
    }
    // MLX reports this from its broadcast.
    let v = broadcast_to(&v, &r_shape).map_err(|_| Error::Broadcast {
        op: "broadcast_shapes",
        a: format_shape(values.shape()),
        b: format_shape(&r_shape),
    })?;
    // Trailing full ranges stay as windows.
    let is_full = |x: &SliceArg, n: usize| matches!(range_len(n, x), Some((0, len, 1)) if len == n);
    let mut n_trail = 0;
    for x in full.iter().rev() {
        // Every entry after x is a trailing range, so x is axis ndim-1-n_trail.
        if matches!(x, SliceArg::Range { .. }) && is_full(x, a.shape()[a.ndim() - 1 - n_trail]) {
            n_trail += 1;
        } else {
            break;
        }
    }
    let n_head = a.ndim() - n_trail;
    if n_head == 0 {
        return Ok(Plan::Whole(reshape(&v, &dims(a.shape()))?));
    }
    let head_nd = r_shape.len() - n_trail;
    let head_shape = &r_shape[..head_nd];
    let mut indices = Vec::with_capacity(n_head);
    let mut adv = adv_idx.into_iter();
    let mut ranges = range_dim.into_iter();
    let mut axis = 0;
    for x in &full {
        if axis == n_head {
            break;
        }
        let i = match x {
            SliceArg::NewAxis | SliceArg::Ellipsis => continue,
            SliceArg::Range { .. } => {
                let (_, at, s, len, step) = ranges.next().expect("a range");
                let mut sh = vec![1i64; head_nd];
                sh[at] = len as i64;
                let (s, step) = (s as f64, step as f64);
                let r = arange_f64(s, s + len as f64 * step, step, Dtype::Int32)?;
                reshape(&r, &sh)?
            }
            SliceArg::Index(i) if !has_array => {
                let j = super::indexing::check_int(op, *i, a.shape()[axis], axis)?;
                Array::from_scalar(j as i32)
            }
            SliceArg::Index(_) | SliceArg::Array(_) => {
                let i = adv.next().expect("an advanced index");
                let mut sh = vec![1i64; head_nd];
                let off = b_at + b_shape.len() - i.ndim();
                for (k, &d) in i.shape().iter().enumerate() {
                    sh[off + k] = d as i64;
                }
                reshape(&i, &sh)?
            }
        };
        indices.push(broadcast_to(&i, head_shape)?);
        axis += 1;
    }
    let mut up = dims(head_shape);
    up.extend(std::iter::repeat_n(1, n_head));
    up.extend(a.shape()[n_head..].iter().map(|&d| d as i64));
    let axes: Vec<i64> = (0..n_head as i64).collect();
    Ok(Plan::Scatter(indices, reshape(&v, &up)?, axes))
}

/// Assignment through an index, MLX's `a[args] = values`, as a new array:
/// `values` is cast to `a`'s dtype and broadcast to the shape of
/// `a[args]`. With duplicate indices the last value wins, on every
/// device (MLX's GPU leaves it undefined). A lone boolean mask is
/// [`masked_scatter`], as in MLX.
///
/// # Errors
/// `[index_put] ...` for a bad index (as [`index`](super::index)) or
/// values that do not broadcast; an index array entry out of bounds is an
/// error at evaluation.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops::SliceArg, Array};
/// let a = mlx_core::ops::zeros(&[2, 3], mlx_core::Dtype::Int32)?;
/// let b = a.index_put(&[SliceArg::full(), SliceArg::Index(1)], &Array::from_scalar(5i32))?;
/// assert_eq!(b.to_vec::<i32>()?, vec![0, 5, 0, 0, 5, 0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn index_put(a: &Array, args: &[SliceArg], values: &Array) -> Result<Array> {
    index_put_unlabeled(a, args, values).map_err(|e| e.in_op("index_put"))
}

/// [`index_put`] before its errors are relabelled.
fn index_put_unlabeled(a: &Array, args: &[SliceArg], values: &Array) -> Result<Array> {
    if let [SliceArg::Array(m)] = args {
        if m.dtype() == Dtype::Bool {
            return masked_scatter(a, m, values);
        }
    }
    match plan("index_put", a, args, values)? {
        Plan::Whole(v) => Ok(v),
        Plan::Scatter(i, u, axes) => scatter_general(a, &i, &u, &axes, ScatterOp::None),
    }
}

/// MLX's `masked_scatter` (`a[mask] = values`): the `k`-th true position
/// of `mask` (row-major; `mask` has the shape of `a`'s leading axes) takes
/// row `k` of `values`, whose rows have the shape of `a`'s remaining axes
/// (a value with fewer dims is broadcast to every position).
///
/// Composed from a cumulative sum and `take`. MLX fails at evaluation
/// when `values` has fewer rows than the mask has true entries; here the
/// last row is repeated instead.
///
/// # Errors
/// `[masked_scatter] ...` for a non-boolean mask, a mask that is not a
/// prefix of `a`'s shape, or values of too many dimensions.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[4])?;
/// let m = mlx_core::Array::from_slice(&[false, true, false, true], &[4])?;
/// let v = mlx_core::Array::from_slice(&[10i32, 20], &[2])?;
/// let r = mlx_core::ops::masked_scatter(&a, &m, &v)?;
/// assert_eq!(r.to_vec::<i32>()?, vec![1, 10, 3, 20]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn masked_scatter(a: &Array, mask: &Array, values: &Array) -> Result<Array> {
    masked_scatter_unlabeled(a, mask, values).map_err(|e| e.in_op("masked_scatter"))
}

/// [`masked_scatter`] before its errors are relabelled.
fn masked_scatter_unlabeled(a: &Array, mask: &Array, values: &Array) -> Result<Array> {
    const OP: &str = "masked_scatter";
    if mask.dtype() != Dtype::Bool {
        return Err(Error::invalid(OP, "the mask has to be boolean"));
    }
    if mask.ndim() > a.ndim() || a.shape()[..mask.ndim()] != *mask.shape() {
        return Err(Error::invalid(
            OP,
            format!(
                "the boolean mask should have the same shape as the beginning of the indexed array but the mask has shape {} and the array has shape {}",
                format_shape(mask.shape()),
                format_shape(a.shape())
            ),
        ));
    }
    let rest = &a.shape()[mask.ndim()..];
    if values.ndim() > rest.len() + 1 {
        return Err(Error::invalid(
            OP,
            format!(
                "value array shape must be broadcastable with the last {} dimensions of the input",
                rest.len()
            ),
        ));
    }
    let m = mask.size();
    let mut v = values.as_type(a.dtype())?;
    if v.ndim() < rest.len() + 1 {
        let mut s = vec![1i64; rest.len() + 1 - v.ndim()];
        s.extend(v.shape().iter().map(|&d| d as i64));
        v = reshape(&v, &s)?;
    }
    let mut vs = vec![v.shape()[0]];
    vs.extend_from_slice(rest);
    let v = broadcast_to(&v, &vs)?;
    if m == 0 || a.size() == 0 {
        return Ok(a.clone());
    }
    let flat = reshape(mask, &[m as i64])?.as_type(Dtype::Int32)?;
    let k = (super::cumsum(&flat, 0, false, true)? - 1i32)?;
    let rows = vs[0].max(1) as i32;
    let k = super::clip(&k, 0i32, rows - 1)?;
    let picked = super::take(&v, &k, 0)?;
    let mut ms: Vec<i64> = mask.shape().iter().map(|&d| d as i64).collect();
    ms.extend(std::iter::repeat_n(1, rest.len()));
    let full_mask = reshape(mask, &ms)?;
    super::where_(&full_mask, &reshape(&picked, &dims(a.shape()))?, a)
}

/// The helper returned by [`Array::at`]: updates through an index in
/// which duplicate indices accumulate (MLX's `array.at`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops::SliceArg, Array};
/// let a = mlx_core::ops::zeros(&[3], mlx_core::Dtype::Int32)?;
/// let i = Array::from_slice(&[0i32, 0, 2], &[3])?;
/// let b = a.at(&[SliceArg::Array(i)]).add(1)?;
/// assert_eq!(b.to_vec::<i32>()?, vec![2, 0, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct At<'a> {
    a: &'a Array,
    args: Vec<SliceArg>,
}

impl At<'_> {
    fn apply(
        &self,
        op: &'static str,
        values: impl IntoOperand,
        kind: ScatterOp,
        prep: impl Fn(&Array) -> Result<Array>,
        whole: impl Fn(&Array, &Array) -> Result<Array>,
    ) -> Result<Array> {
        let values = values.into_operand().like(self.a)?;
        match plan(op, self.a, &self.args, &values)? {
            Plan::Whole(v) => whole(self.a, &v),
            Plan::Scatter(i, u, axes) => scatter_general(self.a, &i, &prep(&u)?, &axes, kind),
        }
    }

    /// `a[idx] += values`, accumulating over duplicate indices.
    ///
    /// # Errors
    /// As [`index_put`].
    pub fn add(&self, values: impl IntoOperand) -> Result<Array> {
        self.apply(
            "at_add",
            values,
            ScatterOp::Sum,
            |u| Ok(u.clone()),
            |x, y| add(x, y),
        )
    }
    /// `a[idx] -= values`, accumulating over duplicate indices.
    ///
    /// # Errors
    /// As [`index_put`].
    pub fn subtract(&self, values: impl IntoOperand) -> Result<Array> {
        self.apply(
            "at_subtract",
            values,
            ScatterOp::Sum,
            |u| -u,
            |x, y| super::subtract(x, y),
        )
    }
    /// `a[idx] *= values`, accumulating over duplicate indices.
    ///
    /// # Errors
    /// As [`index_put`].
    pub fn multiply(&self, values: impl IntoOperand) -> Result<Array> {
        self.apply(
            "at_multiply",
            values,
            ScatterOp::Prod,
            |u| Ok(u.clone()),
            |x, y| multiply(x, y),
        )
    }
    /// `a[idx] /= values`: a product with the reciprocals cast to `a`'s
    /// dtype, as MLX (so integer arrays multiply by 0 unless the value is
    /// ±1).
    ///
    /// # Errors
    /// As [`index_put`].
    pub fn divide(&self, values: impl IntoOperand) -> Result<Array> {
        self.apply("at_divide", values, ScatterOp::Prod, reciprocal, |x, y| {
            divide(x, y)
        })
    }
    /// `a[idx] = maximum(a[idx], values)`, over duplicates too.
    ///
    /// # Errors
    /// As [`index_put`].
    pub fn maximum(&self, values: impl IntoOperand) -> Result<Array> {
        self.apply(
            "at_maximum",
            values,
            ScatterOp::Max,
            |u| Ok(u.clone()),
            |x, y| maximum(x, y),
        )
    }
    /// `a[idx] = minimum(a[idx], values)`, over duplicates too.
    ///
    /// # Errors
    /// As [`index_put`].
    pub fn minimum(&self, values: impl IntoOperand) -> Result<Array> {
        self.apply(
            "at_minimum",
            values,
            ScatterOp::Min,
            |u| Ok(u.clone()),
            |x, y| minimum(x, y),
        )
    }
}

impl Array {
    /// MLX's `a.at[args]`: indexed updates where duplicates accumulate
    /// (see [`At`]).
    pub fn at(&self, args: &[SliceArg]) -> At<'_> {
        At {
            a: self,
            args: args.to_vec(),
        }
    }
    /// Method form of [`index_put`].
    ///
    /// # Errors
    /// As [`index_put`].
    pub fn index_put(&self, args: &[SliceArg], values: &Array) -> Result<Array> {
        index_put(self, args, values)
    }
    /// Method form of [`put_along_axis`].
    ///
    /// # Errors
    /// As [`put_along_axis`].
    pub fn put_along_axis(
        &self,
        indices: &Array,
        values: &Array,
        axis: impl Into<Axis>,
    ) -> Result<Array> {
        put_along_axis(self, indices, values, axis)
    }
}
