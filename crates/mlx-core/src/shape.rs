//! Shape arithmetic shared by every op: broadcasting, axes, strides.

use crate::{Error, Result};

/// Format a shape as MLX prints it: `(2, 3)`, `(4,)`, `()`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::shape::format_shape(&[4]), "(4,)");
/// assert_eq!(mlx_core::shape::format_shape(&[2, 3]), "(2, 3)");
/// ```
pub fn format_shape<T: std::fmt::Display>(shape: &[T]) -> String {
    match shape {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// Number of elements of a shape (1 for `()`). Only for shapes already
/// accepted by [`checked_numel`] (every array's shape is); use that for
/// shapes from users or files.
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The most bytes one array may span: `isize::MAX`, the bound Rust's
/// allocator and pointer offsets impose.
pub const MAX_BYTES: usize = isize::MAX as usize;

/// Element count of `shape`, checked so that every later size, stride and
/// offset computation on it fits.
///
/// Every dimension counts whatever the others are: a zero dimension does
/// not excuse the rest, so the product of the non-zero dimensions times
/// `itemsize` must fit in [`MAX_BYTES`] (a `(0, 2^32, 2^32)` shape is
/// rejected, as reducing over its zero axis would give `(2^32, 2^32)`).
///
/// # Errors
/// [`Error::ShapeOverflow`]: `[op] shape (0, 4294967296, 4294967296) of
/// 4-byte elements exceeds the maximum array size of 9223372036854775807 bytes`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::shape::checked_numel;
/// assert_eq!(checked_numel("zeros", &[2, 0, 3], 4)?, 0);
/// assert!(checked_numel("zeros", &[0, 1 << 32, 1 << 32], 4).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn checked_numel(op: &'static str, shape: &[usize], itemsize: usize) -> Result<usize> {
    let too_big = || {
        Error::overflow(
            op,
            format!(
                "shape {} of {itemsize}-byte elements exceeds the maximum array size of {MAX_BYTES} bytes",
                format_shape(shape)
            ),
        )
    };
    let mut span = itemsize.max(1);
    let mut zero = false;
    for &d in shape {
        zero |= d == 0;
        span = span.checked_mul(d.max(1)).ok_or_else(too_big)?;
    }
    if span > MAX_BYTES {
        return Err(too_big());
    }
    Ok(if zero { 0 } else { span / itemsize.max(1) })
}

/// A dimension given as a signed integer, as a `usize`.
///
/// # Errors
/// `[op] negative dimension -3` for a negative value.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::shape::checked_dim("reshape", 4)?, 4);
/// assert!(mlx_core::shape::checked_dim("reshape", -1).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn checked_dim(op: &'static str, d: i64) -> Result<usize> {
    usize::try_from(d).map_err(|_| Error::invalid(op, format!("negative dimension {d}")))
}

/// `a * b` for sizes, or [`Error::ShapeOverflow`] naming `op`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::shape::checked_mul("tile", 3, 4)?, 12);
/// assert!(mlx_core::shape::checked_mul("tile", usize::MAX, 2).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn checked_mul(op: &'static str, a: usize, b: usize) -> Result<usize> {
    a.checked_mul(b)
        .ok_or_else(|| Error::overflow(op, format!("size {a} * {b} overflows")))
}

/// `a + b` for sizes, or [`Error::ShapeOverflow`] naming `op`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::shape::checked_add("pad", 3, 4)?, 7);
/// assert!(mlx_core::shape::checked_add("pad", usize::MAX, 1).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn checked_add(op: &'static str, a: usize, b: usize) -> Result<usize> {
    a.checked_add(b)
        .ok_or_else(|| Error::overflow(op, format!("size {a} + {b} overflows")))
}

/// NumPy broadcasting of two shapes.
///
/// # Errors
/// `[op] shapes (2,) and (3,) cannot be broadcast` when a pair of
/// dimensions differs and neither is 1.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::shape::broadcast_shapes;
/// assert_eq!(broadcast_shapes("add", &[2, 1, 3], &[4, 1])?, vec![2, 4, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn broadcast_shapes(op: &'static str, a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return Err(Error::Broadcast {
                op,
                a: format_shape(a),
                b: format_shape(b),
            });
        };
    }
    Ok(out)
}

/// Turn a possibly negative axis into an index below `ndim`.
///
/// # Errors
/// `[op] axis 3 is out of bounds for array of 2 dimensions`.
pub fn normalize_axis(op: &'static str, axis: i64, ndim: usize) -> Result<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n {
        return Err(Error::AxisOutOfBounds { op, axis, ndim });
    }
    Ok(if axis < 0 {
        (axis + n) as usize
    } else {
        axis as usize
    })
}

/// Normalise a list of axes, rejecting duplicates; the result is sorted.
///
/// # Errors
/// Out-of-range axes, or `[op] duplicate axis 1` when an axis repeats.
pub fn normalize_axes(op: &'static str, axes: &[i64], ndim: usize) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let ax = normalize_axis(op, a, ndim)?;
        if out.contains(&ax) {
            return Err(Error::invalid(
                op,
                format!("duplicate axis {a} in {axes:?}"),
            ));
        }
        out.push(ax);
    }
    out.sort_unstable();
    Ok(out)
}

/// Row-major (C order) strides, in elements.
pub fn row_major_strides(shape: &[usize]) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc *= shape[i].max(1) as isize;
    }
    strides
}

/// True when `strides` describe a dense row-major layout of `shape`
/// (dimensions of size 1 may have any stride).
pub fn is_row_major(shape: &[usize], strides: &[isize]) -> bool {
    let mut expect = 1isize;
    for i in (0..shape.len()).rev() {
        if shape[i] == 1 {
            continue;
        }
        if strides[i] != expect {
            return false;
        }
        expect *= shape[i] as isize;
    }
    true
}

/// `shape` with its size-1 dimensions dropped and each dimension merged
/// into the one before it where every view in `strides` (one stride list
/// per view, each as long as `shape`) steps through the two as one: the
/// outer stride equals the inner stride times the inner size. Returns the
/// merged shape and each view's merged strides; both are empty when every
/// dimension has size 1. Backends walk fewer, longer dimensions this way.
///
/// # Examples
/// ```
/// use mlx_core::shape::collapse_dims;
/// // A row-major (2, 3, 4) array is one run of 24; a transposed one is not.
/// assert_eq!(collapse_dims(&[2, 3, 4], &[&[12, 4, 1]]), (vec![24], vec![vec![1]]));
/// assert_eq!(collapse_dims(&[2, 3], &[&[1, 2]]), (vec![2, 3], vec![vec![1, 2]]));
/// // Merged only where every view allows it (the second is broadcast).
/// assert_eq!(
///     collapse_dims(&[3, 4], &[&[4, 1], &[0, 1]]),
///     (vec![3, 4], vec![vec![4, 1], vec![0, 1]])
/// );
/// ```
pub fn collapse_dims(shape: &[usize], strides: &[&[isize]]) -> (Vec<usize>, Vec<Vec<isize>>) {
    let mut dims: Vec<usize> = Vec::with_capacity(shape.len());
    let mut out: Vec<Vec<isize>> = vec![Vec::with_capacity(shape.len()); strides.len()];
    for (d, &n) in shape.iter().enumerate() {
        if n == 1 {
            continue; // never moves an offset
        }
        let merge = !dims.is_empty()
            && strides
                .iter()
                .zip(&out)
                .all(|(s, o)| o.last() == Some(&(s[d] * n as isize)));
        if merge {
            *dims.last_mut().expect("nonempty") *= n;
            for (s, o) in strides.iter().zip(out.iter_mut()) {
                *o.last_mut().expect("nonempty") = s[d];
            }
        } else {
            dims.push(n);
            for (s, o) in strides.iter().zip(out.iter_mut()) {
                o.push(s[d]);
            }
        }
    }
    (dims, out)
}

/// [`collapse_dims`] for one view given as `(size, stride)` pairs.
///
/// # Examples
/// ```
/// use mlx_core::shape::collapse_pairs;
/// assert_eq!(collapse_pairs([(2, 12), (3, 4), (1, 99), (4, 1)]), vec![(24, 1)]);
/// assert!(collapse_pairs([(1, 5)]).is_empty());
/// ```
pub fn collapse_pairs(dims: impl IntoIterator<Item = (usize, isize)>) -> Vec<(usize, isize)> {
    let (shape, strides): (Vec<usize>, Vec<isize>) = dims.into_iter().unzip();
    let (shape, mut strides) = collapse_dims(&shape, &[&strides]);
    shape
        .into_iter()
        .zip(strides.pop().unwrap_or_default())
        .collect()
}

/// Strides that broadcast an array of `shape`/`strides` to `target`
/// (stride 0 on new and stretched dimensions). `target` must be a valid
/// broadcast of `shape`.
pub fn broadcast_strides(shape: &[usize], strides: &[isize], target: &[usize]) -> Vec<isize> {
    let off = target.len() - shape.len();
    (0..target.len())
        .map(|i| {
            if i < off || (shape[i - off] == 1 && target[i] != 1) {
                0
            } else {
                strides[i - off]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_merges_contiguous_runs_only() {
        // Hand-derived: (2, 3, 4) row-major is one run; a transpose is not.
        assert_eq!(
            collapse_dims(&[2, 3, 4], &[&[12, 4, 1]]),
            (vec![24], vec![vec![1]])
        );
        assert_eq!(collapse_pairs([(4, 1), (3, 4)]), vec![(4, 1), (3, 4)]);
        // Size-1 dimensions go whatever their stride; all of them: empty.
        assert_eq!(
            collapse_pairs([(2, 12), (3, 4), (1, 99), (4, 1)]),
            vec![(24, 1)]
        );
        assert_eq!(collapse_dims(&[1, 1], &[&[5, 7]]), (vec![], vec![vec![]]));
        // The inner two merge for both views, the outer only for one.
        assert_eq!(
            collapse_dims(&[2, 3, 4], &[&[12, 4, 1], &[0, 4, 1]]),
            (vec![2, 12], vec![vec![12, 1], vec![0, 1]])
        );
        // A reversed axis merges with nothing that steps forward.
        assert_eq!(
            collapse_dims(&[2, 3], &[&[-3, 1]]),
            (vec![2, 3], vec![vec![-3, 1]])
        );
        // Size 0 merges like any size (callers test for it first).
        assert_eq!(collapse_pairs([(0, 3), (3, 1)]), vec![(0, 1)]);
    }

    #[test]
    fn broadcast_shapes_numpy_rules() {
        // Hand-derived from NumPy's rules.
        assert_eq!(broadcast_shapes("t", &[], &[3]).unwrap(), vec![3]);
        assert_eq!(
            broadcast_shapes("t", &[5, 1, 4], &[3, 1]).unwrap(),
            vec![5, 3, 4]
        );
        assert_eq!(broadcast_shapes("t", &[0, 1], &[1, 7]).unwrap(), vec![0, 7]);
        let e = broadcast_shapes("add", &[2], &[3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[add] shapes (2,) and (3,) cannot be broadcast"
        );
    }

    #[test]
    fn normalize_axes_rejects_duplicates_and_out_of_range() {
        assert_eq!(normalize_axes("sum", &[-1, 0], 3).unwrap(), vec![0, 2]);
        assert_eq!(
            normalize_axes("sum", &[3], 2).unwrap_err().to_string(),
            "[sum] axis 3 is out of bounds for array of 2 dimensions"
        );
        assert!(normalize_axes("sum", &[1, -2], 3).is_err());
    }

    #[test]
    fn row_major_and_broadcast_strides() {
        assert_eq!(row_major_strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert!(is_row_major(&[2, 1, 3], &[3, 99, 1]));
        assert!(!is_row_major(&[2, 3], &[1, 2]));
        assert_eq!(
            broadcast_strides(&[3, 1], &[1, 1], &[2, 3, 4]),
            vec![0, 1, 0]
        );
    }
}
