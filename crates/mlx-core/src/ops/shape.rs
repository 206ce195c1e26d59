//! Shape ops: reshape, transpose, broadcast, concatenate, split, astype.
//! Most are views that share the input's data.

use super::arguments::{Axes, Axis, Shape};
use crate::primitive::Primitive;
use crate::shape::{broadcast_shapes, format_shape, normalize_axes, normalize_axis};
use crate::{Array, Dtype, Error, Result};

/// Cast to `dtype` (MLX's `astype`). Returns the input itself when the
/// dtype already matches.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.7f32, -1.7], &[2])?;
/// assert_eq!(mlx_core::ops::astype(&a, mlx_core::Dtype::Int32)?.to_vec::<i32>()?, vec![1, -1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
///
/// # Errors
/// None today; kept fallible for backends without the dtype.
pub fn astype(a: &Array, dtype: Dtype) -> Result<Array> {
    if a.dtype() == dtype {
        return Ok(a.clone());
    }
    Array::from_op(
        Primitive::AsType,
        vec![a.clone()],
        a.shape().to_vec(),
        dtype,
    )
}

/// A row-major copy of `a` (MLX's `contiguous`).
///
/// # Errors
/// None today.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 6, 1, None)?.reshape(&[2, 3])?;
/// let t = mlx_core::ops::contiguous(&a.t()?)?;
/// assert_eq!(t.to_vec::<i32>()?, vec![0, 3, 1, 4, 2, 5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn contiguous(a: &Array) -> Result<Array> {
    Array::from_op(
        Primitive::Copy,
        vec![a.clone()],
        a.shape().to_vec(),
        a.dtype(),
    )
}

/// Reshape to `shape`; one entry may be `-1` to infer it. A view when `a`
/// is row-major, a copy otherwise.
///
/// # Errors
/// `[reshape] cannot reshape array of size 6 into shape (4,)`, or more than
/// one `-1`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 6, 1, None)?;
/// assert_eq!(mlx_core::ops::reshape(&a, [-1, 2])?.shape(), &[3, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn reshape(a: &Array, shape: impl Into<Shape>) -> Result<Array> {
    let out = infer_shape("reshape", a.size(), shape.into().as_slice())?;
    if out == a.shape() {
        return Ok(a.clone());
    }
    Array::from_op(Primitive::Reshape, vec![a.clone()], out, a.dtype())
}

fn infer_shape(op: &'static str, size: usize, shape: &[i64]) -> Result<Vec<usize>> {
    let mut infer = None;
    let mut known: usize = 1;
    for (i, &d) in shape.iter().enumerate() {
        if d == -1 {
            if infer.replace(i).is_some() {
                return Err(Error::invalid(op, "can only infer one dimension"));
            }
        } else if d < 0 {
            return Err(Error::invalid(
                op,
                format!("invalid dimension {d} in shape {}", format_shape(shape)),
            ));
        } else {
            known = known.saturating_mul(d as usize);
        }
    }
    let mut out: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
    let bad = || {
        Error::invalid(
            op,
            format!(
                "cannot reshape array of size {size} into shape {}",
                format_shape(shape)
            ),
        )
    };
    if let Some(i) = infer {
        if known == 0 || size % known != 0 {
            return Err(bad());
        }
        out[i] = size / known;
    } else if known != size {
        return Err(bad());
    }
    Ok(out)
}

/// Flatten axes `start_axis..=end_axis` into one (MLX's `flatten`;
/// `flatten(a, 0, -1)` flattens everything). As in MLX, negative axes
/// count from the end and the axes are then clamped into range (start up
/// to 0, end down to the last axis), so `flatten(a, -10, 10)` flattens
/// everything and `flatten(a, -5, 0)` of a 4-d array is `a`. A 0-d array
/// becomes shape `[1]` whatever the axes.
///
/// # Errors
/// `[flatten] start_axis must be less than or equal to end_axis` when,
/// after that, the start is past the end (`flatten(a, 1, 0)`, or a start
/// at or past `ndim`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 3, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::flatten(&a, 1, -1)?.shape(), &[2, 12]);
/// // mx.flatten(mx.zeros((2, 3, 4)), 1, 7).shape == (2, 12)
/// assert_eq!(mlx_core::ops::flatten(&a, 1, 7)?.shape(), &[2, 12]);
/// assert!(mlx_core::ops::flatten(&a, 3, 3).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn flatten(a: &Array, start_axis: i64, end_axis: i64) -> Result<Array> {
    flatten_unlabeled(a, start_axis, end_axis).map_err(|e| e.in_op("flatten"))
}

/// [`flatten`] before its errors are relabelled.
fn flatten_unlabeled(a: &Array, start_axis: i64, end_axis: i64) -> Result<Array> {
    let nd = a.ndim() as i64;
    // MLX: negative axes add ndim once, then start clamps up to 0 and end
    // down to ndim - 1 (neither the other way).
    let s = (if start_axis < 0 {
        start_axis + nd
    } else {
        start_axis
    })
    .max(0);
    let e = (if end_axis < 0 {
        end_axis + nd
    } else {
        end_axis
    })
    .min(nd - 1);
    if nd == 0 {
        return reshape(a, &[1]);
    }
    if s > e {
        return Err(Error::invalid(
            "flatten",
            "start_axis must be less than or equal to end_axis",
        ));
    }
    let (s, e) = (s as usize, e as usize);
    let sh = a.shape();
    let mut out: Vec<i64> = sh[..s].iter().map(|&d| d as i64).collect();
    out.push(sh[s..=e].iter().product::<usize>() as i64);
    out.extend(sh[e + 1..].iter().map(|&d| d as i64));
    reshape(a, &out)
}

/// Remove the given axes, which must have size 1 (all size-1 axes when
/// `axes` is `()`).
///
/// # Errors
/// `[squeeze] cannot squeeze axis 0 with size 3`, or a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[1, 3, 1], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::squeeze(&a, ())?.shape(), &[3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn squeeze(a: &Array, axes: impl Into<Axes>) -> Result<Array> {
    let drop: Vec<usize> = match axes.into().as_slice() {
        None => (0..a.ndim()).filter(|&i| a.shape()[i] == 1).collect(),
        Some(ax) => {
            let ax = normalize_axes("squeeze", ax, a.ndim())?;
            for &i in &ax {
                if a.shape()[i] != 1 {
                    return Err(Error::invalid(
                        "squeeze",
                        format!("cannot squeeze axis {i} with size {}", a.shape()[i]),
                    ));
                }
            }
            ax
        }
    };
    let out: Vec<i64> = (0..a.ndim())
        .filter(|i| !drop.contains(i))
        .map(|i| a.shape()[i] as i64)
        .collect();
    reshape(a, &out)
}

/// Insert size-1 axes at the given positions of the output.
///
/// # Errors
/// `[expand_dims] axis 3 is out of bounds for array of 3 dimensions`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[3], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::expand_dims(&a, [0, -1])?.shape(), &[1, 3, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn expand_dims(a: &Array, axes: impl Into<Axes>) -> Result<Array> {
    let axes = axes.into().required("expand_dims")?;
    let nd = a.ndim() + axes.len();
    let ax = normalize_axes("expand_dims", &axes, nd)?;
    let mut out = Vec::with_capacity(nd);
    let mut src = a.shape().iter();
    for i in 0..nd {
        if ax.contains(&i) {
            out.push(1i64);
        } else {
            out.push(*src.next().expect("counted") as i64);
        }
    }
    reshape(a, &out)
}

/// Permute axes (`()` reverses them, MLX's `None`). A view.
///
/// # Errors
/// `[transpose] axes [0, 0] are not a permutation of 2 axes`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 3, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::transpose(&a, [1, 0, 2])?.shape(), &[3, 2, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn transpose(a: &Array, axes: impl Into<Axes>) -> Result<Array> {
    let n = a.ndim();
    let perm: Vec<usize> = match axes.into().as_slice() {
        None => (0..n).rev().collect(),
        Some(ax) => {
            if ax.len() != n {
                return Err(Error::invalid(
                    "transpose",
                    format!("axes {ax:?} are not a permutation of {n} axes"),
                ));
            }
            let p = ax
                .iter()
                .map(|&x| normalize_axis("transpose", x, n))
                .collect::<Result<Vec<_>>>()?;
            let mut seen = vec![false; n];
            for &i in &p {
                if std::mem::replace(&mut seen[i], true) {
                    return Err(Error::invalid(
                        "transpose",
                        format!("axes {ax:?} are not a permutation of {n} axes"),
                    ));
                }
            }
            p
        }
    };
    if perm.iter().enumerate().all(|(i, &p)| i == p) {
        return Ok(a.clone());
    }
    let shape = perm.iter().map(|&p| a.shape()[p]).collect();
    Array::from_op(
        Primitive::Transpose { perm },
        vec![a.clone()],
        shape,
        a.dtype(),
    )
}

/// Swap two axes. A view.
///
/// # Errors
/// Axes out of range.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 3, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::swapaxes(&a, 0, -1)?.shape(), &[4, 3, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn swapaxes(a: &Array, axis1: i64, axis2: i64) -> Result<Array> {
    swapaxes_unlabeled(a, axis1, axis2).map_err(|e| e.in_op("swapaxes"))
}

/// [`swapaxes`] before its errors are relabelled.
fn swapaxes_unlabeled(a: &Array, axis1: i64, axis2: i64) -> Result<Array> {
    let i = normalize_axis("swapaxes", axis1, a.ndim())?;
    let j = normalize_axis("swapaxes", axis2, a.ndim())?;
    let mut perm: Vec<i64> = (0..a.ndim() as i64).collect();
    perm.swap(i, j);
    transpose(a, &perm)
}

/// Move axis `source` to position `destination`. A view.
///
/// # Errors
/// Axes out of range.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 3, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::moveaxis(&a, 0, -1)?.shape(), &[3, 4, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn moveaxis(a: &Array, source: i64, destination: i64) -> Result<Array> {
    moveaxis_unlabeled(a, source, destination).map_err(|e| e.in_op("moveaxis"))
}

/// [`moveaxis`] before its errors are relabelled.
fn moveaxis_unlabeled(a: &Array, source: i64, destination: i64) -> Result<Array> {
    let s = normalize_axis("moveaxis", source, a.ndim())?;
    let d = normalize_axis("moveaxis", destination, a.ndim())?;
    let mut perm: Vec<i64> = (0..a.ndim() as i64).filter(|&i| i as usize != s).collect();
    perm.insert(d, s as i64);
    transpose(a, &perm)
}

/// Broadcast to `shape` by NumPy rules. A view (stride 0, no copy).
///
/// # Errors
/// `[broadcast_to] shapes (3,) and (2, 4) cannot be broadcast`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// let b = mlx_core::ops::broadcast_to(&a, [3, 2])?;
/// assert_eq!(b.to_vec::<i32>()?, vec![1, 2, 1, 2, 1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn broadcast_to(a: &Array, shape: impl Into<Shape>) -> Result<Array> {
    let shape = &shape.into().dims("broadcast_to")?[..];
    if a.shape() == shape {
        return Ok(a.clone());
    }
    let b = broadcast_shapes("broadcast_to", a.shape(), shape)?;
    if b != shape {
        return Err(Error::Broadcast {
            op: "broadcast_to",
            a: format_shape(a.shape()),
            b: format_shape(shape),
        });
    }
    Array::from_op(
        Primitive::Broadcast,
        vec![a.clone()],
        shape.to_vec(),
        a.dtype(),
    )
}

/// Broadcast several arrays against each other.
///
/// # Errors
/// Incompatible shapes.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 1], mlx_core::Dtype::Float32)?;
/// let b = mlx_core::ops::zeros(&[3], mlx_core::Dtype::Float32)?;
/// let v = mlx_core::ops::broadcast_arrays(&[&a, &b])?;
/// assert_eq!(v[1].shape(), &[2, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn broadcast_arrays(arrays: &[&Array]) -> Result<Vec<Array>> {
    broadcast_arrays_unlabeled(arrays).map_err(|e| e.in_op("broadcast_arrays"))
}

/// [`broadcast_arrays`] before its errors are relabelled.
fn broadcast_arrays_unlabeled(arrays: &[&Array]) -> Result<Vec<Array>> {
    let mut shape: Vec<usize> = Vec::new();
    for a in arrays {
        shape = broadcast_shapes("broadcast_arrays", &shape, a.shape())?;
    }
    arrays.iter().map(|a| broadcast_to(a, &shape)).collect()
}

/// Join arrays along an existing axis (MLX's default is `0`); with
/// `axis` `()` (MLX's `None`) every array is flattened first and the results joined,
/// as MLX's `concatenate(arrays, axis=None)`. Dtypes are promoted.
///
/// # Errors
/// `[concatenate] no arrays given`, mismatched ranks or shapes off `axis`,
/// or (for two or more arrays) a bad axis. A single array is returned
/// unchanged whatever `axis` is, as MLX does.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// let b = mlx_core::Array::from_slice(&[3i32], &[1])?;
/// assert_eq!(mlx_core::ops::concatenate(&[&a, &b], 0)?.to_vec::<i32>()?, vec![1, 2, 3]);
/// // mx.concatenate([mx.array([[1, 2], [3, 4]]), mx.array(5)], axis=None)
/// let m = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[2, 2])?;
/// let s = mlx_core::Array::from_slice(&[5i32], &[])?;
/// let flat = mlx_core::ops::concatenate(&[&m, &s], ())?;
/// assert_eq!(flat.to_vec::<i32>()?, vec![1, 2, 3, 4, 5]);
/// // mx.concatenate([m], axis=3) is m: one array is returned as it is
/// assert_eq!(mlx_core::ops::concatenate(&[&m], 3)?.shape(), &[2, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn concatenate(arrays: &[&Array], axis: impl Into<Axis>) -> Result<Array> {
    let Some(axis) = axis.into().get() else {
        let flat = arrays
            .iter()
            .map(|a| flatten(a, 0, -1).map_err(|e| e.in_op("concatenate")))
            .collect::<Result<Vec<_>>>()?;
        let refs: Vec<&Array> = flat.iter().collect();
        return concatenate(&refs, 0);
    };
    if let [only] = arrays {
        // MLX returns a lone array as it is, whatever the axis (even 0-d).
        return Ok((*only).clone());
    }
    let first = arrays
        .first()
        .ok_or_else(|| Error::invalid("concatenate", "no arrays given"))?;
    if first.ndim() == 0 {
        return Err(Error::invalid(
            "concatenate",
            "zero-dimensional arrays cannot be concatenated",
        ));
    }
    let ax = normalize_axis("concatenate", axis, first.ndim())?;
    let mut dtype = first.dtype();
    let mut shape = first.shape().to_vec();
    shape[ax] = 0;
    for a in arrays {
        let same_off_axis = a.ndim() == first.ndim()
            && (0..a.ndim()).all(|i| i == ax || a.shape()[i] == first.shape()[i]);
        if !same_off_axis {
            return Err(Error::invalid(
                "concatenate",
                format!(
                    "all the input array dimensions except for the concatenation axis must match exactly, got {} and {}",
                    format_shape(first.shape()),
                    format_shape(a.shape())
                ),
            ));
        }
        shape[ax] = crate::shape::checked_add("concatenate", shape[ax], a.shape()[ax])?;
        dtype = Dtype::promote(dtype, a.dtype());
    }
    if arrays.len() == 1 {
        return astype(first, dtype);
    }
    let inputs = arrays
        .iter()
        .map(|a| astype(a, dtype))
        .collect::<Result<Vec<_>>>()?;
    Array::from_op(Primitive::Concatenate { axis: ax }, inputs, shape, dtype)
}

/// Join arrays of equal shape along a new axis.
///
/// # Errors
/// `[stack] all arrays must have the same shape`, or a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::stack(&[&a, &a], 1)?.shape(), &[2, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn stack(arrays: &[&Array], axis: i64) -> Result<Array> {
    stack_unlabeled(arrays, axis).map_err(|e| e.in_op("stack"))
}

/// [`stack`] before its errors are relabelled.
fn stack_unlabeled(arrays: &[&Array], axis: i64) -> Result<Array> {
    let first = arrays
        .first()
        .ok_or_else(|| Error::invalid("stack", "no arrays given"))?;
    if arrays.iter().any(|a| a.shape() != first.shape()) {
        return Err(Error::invalid(
            "stack",
            "all arrays must have the same shape",
        ));
    }
    let ax = normalize_axis("stack", axis, first.ndim() + 1)? as i64;
    let expanded = arrays
        .iter()
        .map(|a| expand_dims(a, ax))
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&Array> = expanded.iter().collect();
    concatenate(&refs, ax)
}

/// How [`split`] divides an axis.
#[derive(Clone, Debug, PartialEq)]
pub enum SplitSpec {
    /// This many equal parts (the axis must divide evenly).
    Sections(usize),
    /// Split before each of these indices.
    Indices(Vec<i64>),
}

/// Split along `axis` into views (MLX's `split`).
///
/// # Errors
/// `[split] array split does not result in sub arrays with equal size`,
/// zero sections, or a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops::{arange, split, SplitSpec};
/// let a = arange(0, 6, 1, None)?;
/// let parts = split(&a, SplitSpec::Indices(vec![2, 5]), 0)?;
/// assert_eq!(parts[1].to_vec::<i32>()?, vec![2, 3, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn split(a: &Array, spec: SplitSpec, axis: i64) -> Result<Vec<Array>> {
    split_unlabeled(a, spec, axis).map_err(|e| e.in_op("split"))
}

/// [`split`] before its errors are relabelled.
fn split_unlabeled(a: &Array, spec: SplitSpec, axis: i64) -> Result<Vec<Array>> {
    let ax = normalize_axis("split", axis, a.ndim())?;
    let n = a.shape()[ax];
    // Cut points; each piece is `a[start:stop]` with Python's slice rules.
    let cuts: Vec<i64> = match spec {
        SplitSpec::Sections(0) => {
            return Err(Error::invalid(
                "split",
                "number of sections must be positive",
            ))
        }
        SplitSpec::Sections(k) => {
            if n % k != 0 {
                return Err(Error::invalid(
                    "split",
                    "array split does not result in sub arrays with equal size",
                ));
            }
            // `k` may be huge for an empty axis: the cut list is fallible.
            let mut cuts = crate::memory::try_with_capacity("split", k - 1)?;
            cuts.extend((1..k).map(|i| (i as u128 * n as u128 / k as u128) as i64));
            cuts
        }
        SplitSpec::Indices(ix) => ix,
    };
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut prev = Some(0i64);
    for stop in cuts.into_iter().map(Some).chain(std::iter::once(None)) {
        let mut args = vec![crate::ops::SliceArg::full(); a.ndim()];
        args[ax] = crate::ops::SliceArg::range(prev, stop, 1);
        out.push(crate::ops::index(a, &args)?);
        prev = stop;
    }
    Ok(out)
}

/// `shape` with `itemsize`-byte elements fits (every dimension counted,
/// zero or not); see [`crate::shape::checked_numel`].
pub(crate) fn check_size_fits(op: &'static str, shape: &[usize], itemsize: usize) -> Result<()> {
    crate::shape::checked_numel(op, shape, itemsize).map(|_| ())
}

impl Array {
    /// Method form of [`astype`] (mlx-rs calls it `as_type`).
    ///
    /// # Errors
    /// As [`astype`].
    pub fn as_type(&self, dtype: Dtype) -> Result<Array> {
        astype(self, dtype)
    }
    /// Method form of [`reshape`].
    ///
    /// # Errors
    /// As [`reshape`].
    pub fn reshape(&self, shape: impl Into<Shape>) -> Result<Array> {
        reshape(self, shape)
    }
    /// Method form of [`flatten`] over all axes.
    ///
    /// # Errors
    /// As [`flatten`].
    pub fn flatten(&self) -> Result<Array> {
        flatten(self, 0, -1)
    }
    /// Method form of [`squeeze`].
    ///
    /// # Errors
    /// As [`squeeze`].
    pub fn squeeze(&self, axes: impl Into<Axes>) -> Result<Array> {
        squeeze(self, axes)
    }
    /// Method form of [`expand_dims`].
    ///
    /// # Errors
    /// As [`expand_dims`].
    pub fn expand_dims(&self, axes: impl Into<Axes>) -> Result<Array> {
        expand_dims(self, axes)
    }
    /// Method form of [`transpose`].
    ///
    /// # Errors
    /// As [`transpose`].
    pub fn transpose(&self, axes: impl Into<Axes>) -> Result<Array> {
        transpose(self, axes)
    }
    /// Reverse the axes (MLX's `a.T`).
    ///
    /// # Errors
    /// None in practice.
    pub fn t(&self) -> Result<Array> {
        transpose(self, ())
    }
    /// Method form of [`swapaxes`].
    ///
    /// # Errors
    /// As [`swapaxes`].
    pub fn swapaxes(&self, axis1: i64, axis2: i64) -> Result<Array> {
        swapaxes(self, axis1, axis2)
    }
    /// Method form of [`moveaxis`].
    ///
    /// # Errors
    /// As [`moveaxis`].
    pub fn moveaxis(&self, source: i64, destination: i64) -> Result<Array> {
        moveaxis(self, source, destination)
    }
    /// Method form of [`broadcast_to`].
    ///
    /// # Errors
    /// As [`broadcast_to`].
    pub fn broadcast_to(&self, shape: impl Into<Shape>) -> Result<Array> {
        broadcast_to(self, shape)
    }
    /// Method form of [`split`].
    ///
    /// # Errors
    /// As [`split`].
    pub fn split(&self, spec: SplitSpec, axis: i64) -> Result<Vec<Array>> {
        split(self, spec, axis)
    }
}
