//! Advanced indexing (integer index arrays in `a[...]`) and MLX's general
//! `gather`, composed from `take` on a flattened axis: the indexed axes
//! are moved first and merged, and each index tuple becomes one linear
//! position. An out-of-bounds tuple maps past the end, so `take` reports
//! it at evaluation.

use super::indexing::{check_int, normalize_range, SliceArg};
use super::shape::{broadcast_arrays, broadcast_to, flatten, reshape, transpose};
use super::{arange_f64, index, less, logical_and, take, where_};
use crate::shape::{broadcast_shapes, format_shape, normalize_axes};
use crate::{Array, Dtype, Error, Result};

/// The integer dtype linear positions are computed in: `int32` when every
/// index dtype and the array size fit, else `int64`.
pub(crate) fn linear_dtype(indices: &[Array], size: usize) -> Dtype {
    let small = indices.iter().all(|i| {
        matches!(
            i.dtype(),
            Dtype::Int8 | Dtype::Int16 | Dtype::Int32 | Dtype::Uint8 | Dtype::Uint16
        )
    });
    if small && size < i32::MAX as usize {
        Dtype::Int32
    } else {
        Dtype::Int64
    }
}

fn scalar(v: i64, dt: Dtype) -> Result<Array> {
    Array::from_scalar(v).as_type(dt)
}

/// `idx` (any integer dtype) as `dt` with negatives wrapped by `n`, and
/// whether each entry lies in `0..n - window + 1`.
fn wrap_checked(idx: &Array, n: usize, window: usize, dt: Dtype) -> Result<(Array, Array)> {
    let i = idx.as_type(dt)?;
    let zero = scalar(0, dt)?;
    let w = where_(&less(&i, &zero)?, &(&i + n as i64)?, &i)?;
    let hi = scalar(n as i64 - window as i64 + 1, dt)?;
    let ok = logical_and(&super::greater_equal(&w, &zero)?, &less(&w, &hi)?)?;
    Ok((w, ok))
}

/// MLX's `gather(a, indices, axes, slice_sizes)`: for each position of
/// the broadcast `indices`, the window of shape `slice_sizes` that starts
/// at `indices[k]` on axis `axes[k]` (and at 0 on other axes). The output
/// shape is `indices' shape + slice_sizes`.
///
/// # Errors
/// `[gather] ...` for mismatched counts, repeated or bad axes, non-integer
/// indices, slice sizes larger than the array; at evaluation a window
/// that leaves the array is an error (`[take] index ...`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 6, 1, None)?.reshape(&[2, 3])?;
/// let i = mlx_core::Array::from_slice(&[1i32, 0], &[2])?;
/// let g = mlx_core::ops::gather(&a, &[i], &[0], &[1, 3])?;
/// assert_eq!(g.shape(), &[2, 1, 3]);
/// assert_eq!(g.to_vec::<i32>()?, vec![3, 4, 5, 0, 1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn gather(a: &Array, indices: &[Array], axes: &[i64], slice_sizes: &[usize]) -> Result<Array> {
    const OP: &str = "gather";
    if indices.len() != axes.len() {
        return Err(Error::invalid(
            OP,
            "number of index arrays does not match number of axes",
        ));
    }
    let ax = normalize_axes(OP, axes, a.ndim())?;
    let mut sorted = ax.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != ax.len() {
        return Err(Error::invalid(OP, "repeat axes not allowed in gather"));
    }
    if slice_sizes.len() != a.ndim() {
        return Err(Error::invalid(
            OP,
            format!(
                "got slice_sizes with size {} for array with {} dimensions",
                slice_sizes.len(),
                a.ndim()
            ),
        ));
    }
    for i in indices {
        if !i.dtype().is_integer() {
            return Err(Error::dtype(OP, i.dtype(), "indices must be integral"));
        }
    }
    let refs: Vec<&Array> = indices.iter().collect();
    let idx = broadcast_arrays(&refs)?;
    let idx_shape: Vec<usize> = idx.first().map_or(Vec::new(), |i| i.shape().to_vec());
    let mut out_shape = idx_shape.clone();
    out_shape.extend_from_slice(slice_sizes);
    crate::shape::checked_numel(OP, &out_shape, a.itemsize())?;
    let total_slice: usize = slice_sizes.iter().product();
    if a.size() == 0 {
        let n_idx: usize = idx_shape.iter().product();
        if n_idx != 0 && total_slice != 0 {
            return Err(Error::invalid(
                OP,
                "if the input is empty, either the indices must be empty or the total slice size must be 0",
            ));
        }
        return super::zeros(&out_shape, a.dtype());
    }
    if slice_sizes.iter().zip(a.shape()).any(|(s, n)| s > n) {
        return Err(Error::invalid(
            OP,
            format!(
                "slice sizes must be in [0, a.shape(i)]; got {} for array with shape {}",
                format_shape(slice_sizes),
                format_shape(a.shape())
            ),
        ));
    }
    if out_shape.contains(&0) {
        return super::zeros(&out_shape, a.dtype());
    }
    let dt = linear_dtype(&idx, a.size());
    let fast = (0..a.ndim()).all(|d| {
        if ax.contains(&d) {
            slice_sizes[d] == 1
        } else {
            slice_sizes[d] == a.shape()[d]
        }
    });
    let dims = |v: &[usize]| v.iter().map(|&d| d as i64).collect::<Vec<_>>();
    if fast {
        // Indexed axes first, merged into one; the rest keep their order.
        let others: Vec<usize> = (0..a.ndim()).filter(|d| !ax.contains(d)).collect();
        let perm: Vec<i64> = ax.iter().chain(&others).map(|&d| d as i64).collect();
        let mut merged = vec![ax.iter().map(|&d| a.shape()[d]).product::<usize>() as i64];
        merged.extend(others.iter().map(|&d| a.shape()[d] as i64));
        let x = reshape(&transpose(a, &perm)?, &merged)?;
        let mut lin = scalar(0, dt)?;
        let mut ok = Array::from_scalar(true);
        for (i, &d) in idx.iter().zip(&ax) {
            let (w, v) = wrap_checked(i, a.shape()[d], 1, dt)?;
            lin = (&(&lin * a.shape()[d] as i64)? + &w)?;
            ok = logical_and(&ok, &v)?;
        }
        let lin = where_(&ok, &lin, &scalar(merged[0], dt)?)?;
        let lin = broadcast_to(&lin, &idx_shape)?;
        let g = take(&x, &lin, 0)?;
        return reshape(&g, &dims(&out_shape));
    }
    // General windows: every axis gets start + arange(size) on its own dim.
    let k = idx_shape.len();
    let nd = a.ndim();
    let mut lin = scalar(0, dt)?;
    let mut ok = Array::from_scalar(true);
    let mut stride = 1i64;
    let mut terms = Vec::with_capacity(nd);
    for d in (0..nd).rev() {
        let n = a.shape()[d];
        let s = slice_sizes[d];
        let mut shape = vec![1i64; k + nd];
        shape[k + d] = s as i64;
        let offs = reshape(&arange_f64(0.0, s as f64, 1.0, dt)?, &shape)?;
        let pos = match ax.iter().position(|&x| x == d) {
            Some(j) => {
                let (w, v) = wrap_checked(&idx[j], n, s, dt)?;
                ok = logical_and(&ok, &reshape(&v, &extend_ones(&idx_shape, nd))?)?;
                (&reshape(&w, &extend_ones(&idx_shape, nd))? + &offs)?
            }
            None => offs,
        };
        terms.push((pos, stride));
        stride *= n as i64;
    }
    for (pos, st) in terms {
        lin = (&lin + &(&pos * st)?)?;
    }
    let lin = where_(&ok, &lin, &scalar(a.size() as i64, dt)?)?;
    let lin = broadcast_to(&lin, &out_shape)?;
    take(&flatten(a, 0, -1)?, &lin, 0)
}

fn extend_ones(shape: &[usize], n: usize) -> Vec<i64> {
    let mut s: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    s.extend(std::iter::repeat_n(1, n));
    s
}

/// Where the advanced-index dims go: true when a slice or new axis
/// separates two advanced entries (they then go first), as MLX decides.
pub(crate) fn gather_first(full_args: &[SliceArg]) -> bool {
    let (mut have_array, mut have_non_array) = (false, false);
    for x in full_args {
        match x {
            SliceArg::Array(_) | SliceArg::Index(_) => {
                if have_array && have_non_array {
                    return true;
                }
                have_array = true;
            }
            SliceArg::Range { .. } | SliceArg::NewAxis | SliceArg::Ellipsis => {
                have_non_array |= have_array
            }
        }
    }
    false
}

/// The advanced entries of an expanded index as index arrays with their
/// axes, and their broadcast shape. Integers become 0-d arrays.
pub(crate) fn advanced_parts(
    op: &'static str,
    a: &Array,
    full_args: &[SliceArg],
) -> Result<(Vec<Array>, Vec<usize>, Vec<usize>)> {
    let (mut idx, mut axes) = (Vec::new(), Vec::new());
    let mut b_shape: Vec<usize> = Vec::new();
    let mut axis = 0;
    for x in full_args {
        match x {
            SliceArg::Index(i) => {
                let j = check_int(op, *i, a.shape()[axis], axis)?;
                idx.push(Array::from_scalar(j as i32));
                axes.push(axis);
                axis += 1;
            }
            SliceArg::Array(i) => {
                b_shape = broadcast_shapes(op, &b_shape, i.shape())?;
                idx.push(i.clone());
                axes.push(axis);
                axis += 1;
            }
            SliceArg::Range { .. } => axis += 1,
            SliceArg::NewAxis | SliceArg::Ellipsis => {}
        }
    }
    Ok((idx, axes, b_shape))
}

/// `a[full_args]` when some entry is an index array.
pub(crate) fn index_advanced(a: &Array, full_args: &[SliceArg]) -> Result<Array> {
    // Slices first, as a view that keeps every axis.
    let view_args: Vec<SliceArg> = full_args
        .iter()
        .filter(|x| !matches!(x, SliceArg::NewAxis))
        .map(|x| match x {
            SliceArg::Range { .. } => x.clone(),
            _ => SliceArg::full(),
        })
        .collect();
    let x = index(a, &view_args)?;
    let (idx, axes, b_shape) = advanced_parts("index", a, full_args)?;
    let mut sizes = x.shape().to_vec();
    for &d in &axes {
        sizes[d] = 1;
    }
    let ax: Vec<i64> = axes.iter().map(|&d| d as i64).collect();
    let g = gather(&x, &idx, &ax, &sizes)?;
    let rest: Vec<usize> = (0..x.ndim())
        .filter(|d| !axes.contains(d))
        .map(|d| x.shape()[d])
        .collect();
    let nb = b_shape.len();
    let gr: Vec<i64> = b_shape.iter().chain(&rest).map(|&d| d as i64).collect();
    let mut g = reshape(&g, &gr)?;
    let first = gather_first(full_args);
    // Ranges before the first advanced entry keep their place.
    let first_adv = full_args
        .iter()
        .position(|x| matches!(x, SliceArg::Array(_) | SliceArg::Index(_)))
        .unwrap_or(0);
    let pre = full_args[..first_adv]
        .iter()
        .filter(|x| matches!(x, SliceArg::Range { .. }))
        .count();
    if !first && pre > 0 {
        let mut perm: Vec<i64> = (nb..nb + pre).map(|d| d as i64).collect();
        perm.extend((0..nb).map(|d| d as i64));
        perm.extend((nb + pre..nb + rest.len()).map(|d| d as i64));
        g = transpose(&g, &perm)?;
    }
    // Final shape: new axes inserted among the ranges and the index dims.
    let mut out: Vec<i64> = Vec::new();
    let mut r = rest.iter();
    let b = || b_shape.iter().map(|&d| d as i64);
    if first {
        out.extend(b());
    }
    let mut placed = first;
    for x in full_args {
        match x {
            SliceArg::Range { .. } => out.push(*r.next().expect("one dim per range") as i64),
            SliceArg::NewAxis => out.push(1),
            SliceArg::Array(_) | SliceArg::Index(_) => {
                if !placed {
                    out.extend(b());
                    placed = true;
                }
            }
            SliceArg::Ellipsis => {}
        }
    }
    reshape(&g, &out)
}

/// `(start, length, step)` of a range entry on an axis of size `n`.
pub(crate) fn range_len(n: usize, x: &SliceArg) -> Option<(usize, usize, i64)> {
    match *x {
        SliceArg::Range { start, stop, step } => {
            let (s, len) = normalize_range(n, start, stop, step);
            Some((s, len, step))
        }
        _ => None,
    }
}
