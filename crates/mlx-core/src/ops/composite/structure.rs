//! Structural composites: `pad`, `tile`, `repeat`, `roll`, `tril`, `triu`,
//! `diag`, `diagonal`, `trace`, `meshgrid`, `atleast_*d`, `as_strided` and
//! `unflatten`. Each is built from views, gathers with host-computed index
//! arrays, `concatenate` and `where`, so every backend runs it and
//! gradients and `vmap` come from the parts.

use super::arguments::{Axes, Axis, Shape};
use super::operators::Scalar;
use crate::ops::{
    astype, broadcast_arrays, broadcast_to, concatenate, expand_dims, flatten, index, reshape, sum,
    take, transpose, tri, where_, zeros, SliceArg,
};
use crate::shape::{format_shape, normalize_axis};
use crate::{with_default_device, Array, Dtype, Error, HostData, Result};

/// An `int32` index array on `a`'s device.
pub(crate) fn index_array(
    op: &'static str,
    a: &Array,
    v: Vec<i64>,
    shape: &[usize],
) -> Result<Array> {
    let mut v32: Vec<i32> = crate::memory::try_with_capacity(op, v.len())?;
    for x in v {
        v32.push(i32::try_from(x).map_err(|_| Error::invalid(op, "index does not fit in int32"))?);
    }
    let v = v32;
    Array::from_host_data_on(HostData::from(v), shape, a.device())
}

/// `take` along `axis` with a host index list.
fn take_host(op: &'static str, a: &Array, v: Vec<i64>, axis: usize) -> Result<Array> {
    let n = v.len();
    let idx = index_array(op, a, v, &[n])?;
    take(a, &idx, axis as i64)
}

/// Padding mode of [`pad`] (MLX's `mode` strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PadMode {
    /// Fill with `constant_values` (MLX `"constant"`).
    Constant,
    /// Repeat the edge values (MLX `"edge"`).
    Edge,
    /// Mirror without repeating the edge (MLX `"reflect"`).
    Reflect,
    /// Mirror repeating the edge (MLX `"symmetric"`).
    Symmetric,
}

impl PadMode {
    /// Parse MLX's mode name.
    ///
    /// # Errors
    /// `[pad] invalid padding mode (foo) passed to pad`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_core::ops::PadMode::parse("edge")?, mlx_core::ops::PadMode::Edge);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn parse(mode: &str) -> Result<PadMode> {
        Ok(match mode {
            "constant" => PadMode::Constant,
            "edge" => PadMode::Edge,
            "reflect" => PadMode::Reflect,
            "symmetric" => PadMode::Symmetric,
            other => {
                return Err(Error::invalid(
                    "pad",
                    format!("invalid padding mode ({other}) passed to pad"),
                ))
            }
        })
    }
}

/// Source index of padded position `p` (may be outside `0..n`) for the
/// index-based modes.
fn pad_source(mode: PadMode, p: i64, n: i64) -> i64 {
    match mode {
        PadMode::Constant | PadMode::Edge => p.clamp(0, n - 1),
        PadMode::Reflect => {
            if n == 1 {
                return 0;
            }
            let period = 2 * (n - 1);
            let m = p.rem_euclid(period);
            if m < n {
                m
            } else {
                period - m
            }
        }
        PadMode::Symmetric => {
            let period = 2 * n;
            let m = p.rem_euclid(period);
            if m < n {
                m
            } else {
                period - 1 - m
            }
        }
    }
}

/// Pad `a` (MLX's `pad`). `pad_width` gives `(before, after)` per axis; a
/// single pair applies to every axis (MLX's int and `(before, after)`
/// forms). The constant is cast to `a`'s dtype.
///
/// # Errors
/// `[pad] invalid number of padding sizes ...`, negative sizes,
/// `reflect` and `symmetric` padding of an empty axis, `edge` padding of
/// an empty axis on one side only (on both sides it gives zeros, as in
/// MLX), or an integer constant the
/// dtype cannot hold (`[pad] converting 300 to int8 would result in
/// overflow`, as MLX).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops::{pad, PadMode};
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(pad(&a, &[(1, 2)], PadMode::Constant, 9)?.to_vec::<i32>()?, vec![9, 1, 2, 9, 9]);
/// assert_eq!(pad(&a, &[(1, 1)], PadMode::Edge, 0)?.to_vec::<i32>()?, vec![1, 1, 2, 2]);
/// // mx.pad(mx.zeros((0, 4)), (1, 3), mode="edge") has shape (4, 8), all zeros
/// let e = mlx_core::ops::zeros(&[0, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(pad(&e, &[(1, 3)], PadMode::Edge, 0)?.shape(), &[4, 8]);
/// assert!(pad(&e, &[(1, 3)], PadMode::Reflect, 0).is_err());
/// let i8s = a.as_type(mlx_core::Dtype::Int8)?;
/// assert!(pad(&i8s, &[(1, 1)], PadMode::Constant, 300).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn pad<S: Scalar>(
    a: &Array,
    pad_width: &[(i64, i64)],
    mode: PadMode,
    constant_values: S,
) -> Result<Array> {
    pad_unlabeled::<S>(a, pad_width, mode, constant_values).map_err(|e| e.in_op("pad"))
}

/// [`pad`] before its errors are relabelled.
fn pad_unlabeled<S: Scalar>(
    a: &Array,
    pad_width: &[(i64, i64)],
    mode: PadMode,
    constant_values: S,
) -> Result<Array> {
    let value = constant_values.to_array_like(a.dtype(), a.device())?;
    pad_with_array(a, pad_width, mode, &value)
}

/// [`pad`] with the constant given as an array (it must broadcast to a
/// scalar, as in MLX).
///
/// # Errors
/// As [`pad`]; also a `constant_values` that is not a scalar.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops::{pad_with_array, PadMode};
/// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
/// let v = mlx_core::Array::from_scalar(0.5f32);
/// assert_eq!(pad_with_array(&a, &[(0, 1)], PadMode::Constant, &v)?.to_vec::<f32>()?, vec![1.0, 0.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn pad_with_array(
    a: &Array,
    pad_width: &[(i64, i64)],
    mode: PadMode,
    constant_values: &Array,
) -> Result<Array> {
    pad_with_array_unlabeled(a, pad_width, mode, constant_values).map_err(|e| e.in_op("pad"))
}

/// [`pad_with_array`] before its errors are relabelled.
fn pad_with_array_unlabeled(
    a: &Array,
    pad_width: &[(i64, i64)],
    mode: PadMode,
    constant_values: &Array,
) -> Result<Array> {
    let nd = a.ndim();
    let widths: Vec<(i64, i64)> = match pad_width.len() {
        1 => vec![pad_width[0]; nd],
        n if n == nd => pad_width.to_vec(),
        _ => {
            return Err(Error::invalid(
                "pad",
                format!("invalid number of padding sizes passed to pad with axes of size {nd}"),
            ))
        }
    };
    if constant_values.size() != 1 {
        return Err(Error::invalid("pad", "constant_values must be a scalar"));
    }
    for (ax, &(lo, hi)) in widths.iter().enumerate() {
        if lo < 0 || hi < 0 {
            let (which, v) = if lo < 0 { ("low", lo) } else { ("high", hi) };
            return Err(Error::invalid(
                "pad",
                format!("invalid {which} padding size ({v}) passed to pad for axis {ax}, padding sizes must be non-negative"),
            ));
        }
    }
    // The padded shape, in checked arithmetic: a huge width is an error
    // here, before any index list is built.
    let mut padded = a.shape().to_vec();
    for (d, &(lo, hi)) in padded.iter_mut().zip(&widths) {
        let grown = (*d as u128) + (lo as u128) + (hi as u128);
        *d = usize::try_from(grown)
            .map_err(|_| Error::overflow("pad", format!("padded size {grown} overflows")))?;
    }
    // MLX: `reflect` and `symmetric` refuse to pad an empty axis (the
    // first such axis is named); `edge` padding of an empty array fills
    // with zeros, as MLX's copy of nothing into a zero array does.
    if matches!(mode, PadMode::Reflect | PadMode::Symmetric) {
        let empty_axis = widths
            .iter()
            .enumerate()
            .find(|&(ax, &w)| w != (0, 0) && a.shape()[ax] == 0);
        if let Some((ax, _)) = empty_axis {
            let name = if mode == PadMode::Reflect {
                "reflect"
            } else {
                "symmetric"
            };
            return Err(Error::invalid(
                "pad",
                format!("Cannot pad empty axis {ax} using mode '{name}'."),
            ));
        }
    }
    if mode == PadMode::Edge {
        // MLX copies the edge row from the padded array; an empty axis
        // padded on one side only has no such row and MLX fails to
        // broadcast the empty slice (`[broadcast_shapes] Shapes (0) and (2)
        // cannot be broadcast.`). Padded on both sides it reads zeros.
        let one_sided = widths
            .iter()
            .enumerate()
            .find(|&(ax, &(lo, hi))| a.shape()[ax] == 0 && (lo == 0) != (hi == 0));
        if let Some((ax, _)) = one_sided {
            return Err(Error::invalid(
                "pad",
                format!("cannot edge-pad empty axis {ax} on one side only"),
            ));
        }
    }
    let total = crate::shape::checked_numel("pad", &padded, a.itemsize())?;
    if total == 0 || (a.size() == 0 && mode != PadMode::Constant) {
        // Nothing to fill, or nothing to copy from: no index lists.
        return with_default_device(a.device(), || zeros(&padded, a.dtype()));
    }
    with_default_device(a.device(), || {
        let mut out = a.clone();
        for (ax, &(lo, hi)) in widths.iter().enumerate() {
            if lo == 0 && hi == 0 {
                continue;
            }
            let n = out.shape()[ax] as i64;
            if mode == PadMode::Constant {
                let mut parts = Vec::with_capacity(3);
                for w in [lo, hi] {
                    let mut sh = out.shape().to_vec();
                    sh[ax] = w as usize;
                    let c = reshape(&astype(constant_values, a.dtype())?, ())?;
                    parts.push(broadcast_to(&c, &sh)?);
                }
                out = concatenate(&[&parts[0], &out, &parts[1]], ax as i64)?;
            } else {
                let mut src: Vec<i64> = crate::memory::try_with_capacity("pad", padded[ax])?;
                src.extend((-lo..n + hi).map(|p| pad_source(mode, p, n)));
                out = take_host("pad", &out, src, ax)?;
            }
        }
        Ok(out)
    })
}

/// Repeat `a` `reps[i]` times along each axis (MLX's `tile`, NumPy
/// rules: shorter `reps` is padded with ones in front, shorter `a` gets
/// leading axes).
///
/// # Errors
/// `[tile] ...` for negative repetitions.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// let t = mlx_core::ops::tile(&a, &[2, 2])?;
/// assert_eq!(t.shape(), &[2, 4]);
/// assert_eq!(t.to_vec::<i32>()?, vec![1, 2, 1, 2, 1, 2, 1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tile(a: &Array, reps: impl Into<Shape>) -> Result<Array> {
    let reps = reps.into();
    let reps = reps.as_slice();
    tile_unlabeled(a, reps).map_err(|e| e.in_op("tile"))
}

/// [`tile`] before its errors are relabelled.
fn tile_unlabeled(a: &Array, reps: &[i64]) -> Result<Array> {
    if let Some(r) = reps.iter().find(|&&r| r < 0) {
        return Err(Error::invalid(
            "tile",
            format!("negative repetition {r} is not allowed"),
        ));
    }
    let nd = a.ndim().max(reps.len());
    let mut reps_full = vec![1usize; nd - reps.len()];
    reps_full.extend(reps.iter().map(|&r| r as usize));
    let mut shape = vec![1usize; nd - a.ndim()];
    shape.extend_from_slice(a.shape());
    let mut expanded = Vec::with_capacity(2 * nd);
    let mut target = Vec::with_capacity(2 * nd);
    let mut out_shape = Vec::with_capacity(nd);
    for i in 0..nd {
        expanded.extend([1i64, shape[i] as i64]);
        target.extend([reps_full[i], shape[i]]);
        let n = crate::shape::checked_mul("tile", reps_full[i], shape[i])?;
        out_shape.push(i64::try_from(n).map_err(|_| Error::overflow("tile", "shape overflows"))?);
    }
    let x = reshape(a, &expanded)?;
    reshape(&broadcast_to(&x, &target)?, &out_shape)
}

/// Repeat each element `repeats` times along `axis` (of the flattened
/// array when `()`), MLX's `repeat`.
///
/// # Errors
/// `[repeat] number of repeats cannot be negative`, or a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::repeat(&a, 2, ())?.to_vec::<i32>()?, vec![1, 1, 2, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn repeat(a: &Array, repeats: i64, axis: impl Into<Axis>) -> Result<Array> {
    let axis = axis.into().get();
    repeat_unlabeled(a, repeats, axis).map_err(|e| e.in_op("repeat"))
}

/// [`repeat`] before its errors are relabelled.
fn repeat_unlabeled(a: &Array, repeats: i64, axis: Option<i64>) -> Result<Array> {
    if repeats < 0 {
        return Err(Error::invalid(
            "repeat",
            "number of repeats cannot be negative",
        ));
    }
    let (x, ax) = match axis {
        None => (flatten(a, 0, -1)?, 0),
        Some(ax) => (a.clone(), normalize_axis("repeat", ax, a.ndim())?),
    };
    let wide = expand_dims(&x, &[ax as i64 + 1])?;
    let mut target = wide.shape().to_vec();
    target[ax + 1] = repeats as usize;
    let mut out: Vec<i64> = x.shape().iter().map(|&d| d as i64).collect();
    out[ax] = out[ax].checked_mul(repeats).ok_or_else(|| {
        Error::overflow(
            "repeat",
            format!("{} * {repeats} repeats overflows", out[ax]),
        )
    })?;
    reshape(&broadcast_to(&wide, &target)?, &out)
}

/// Roll `a` by `shift` along `axes` (MLX's `roll`). With `axes` `None` the
/// flattened array rolls by the sum of the shifts and keeps its shape.
/// One shift with several axes rolls each by it; otherwise shifts pair
/// with axes in order (extra shifts are ignored, as in MLX).
///
/// # Errors
/// `[roll] ...` when shift and axis counts differ, or a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2, 3], &[3])?;
/// assert_eq!(mlx_core::ops::roll(&a, &[1], ())?.to_vec::<i32>()?, vec![3, 1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn roll(a: &Array, shift: &[i64], axes: impl Into<Axes>) -> Result<Array> {
    let axes = axes.into();
    let axes = axes.as_slice();
    roll_unlabeled(a, shift, axes).map_err(|e| e.in_op("roll"))
}

/// [`roll`] before its errors are relabelled.
fn roll_unlabeled(a: &Array, shift: &[i64], axes: Option<&[i64]>) -> Result<Array> {
    let Some(axes) = axes else {
        // The sum of the shifts, reduced modulo the size: no overflow.
        let size = a.size().max(1) as i128;
        let total = shift
            .iter()
            .map(|&s| s as i128)
            .sum::<i128>()
            .rem_euclid(size) as i64;
        let dims: Vec<i64> = a.shape().iter().map(|&d| d as i64).collect();
        let flat = flatten(a, 0, -1)?;
        return reshape(&roll_axis(&flat, total, 0)?, &dims);
    };
    let shifts: Vec<i64> = if shift.len() == 1 {
        vec![shift[0]; axes.len()]
    } else if shift.len() >= axes.len() {
        shift[..axes.len()].to_vec()
    } else {
        return Err(Error::invalid(
            "roll",
            format!(
                "at least one shift value per axis is required, {} shifts and {} axes provided",
                shift.len(),
                axes.len()
            ),
        ));
    };
    let mut out = a.clone();
    for (&s, &ax) in shifts.iter().zip(axes) {
        let ax = normalize_axis("roll", ax, a.ndim())?;
        out = roll_axis(&out, s, ax)?;
    }
    Ok(out)
}

fn roll_axis(a: &Array, shift: i64, ax: usize) -> Result<Array> {
    let n = a.shape()[ax] as i64;
    if n == 0 {
        return Ok(a.clone());
    }
    let s = shift.rem_euclid(n);
    if s == 0 {
        return Ok(a.clone());
    }
    let mut args = vec![SliceArg::full(); a.ndim()];
    args[ax] = SliceArg::range(Some(n - s), None, 1);
    let tail = index(a, &args)?;
    args[ax] = SliceArg::range(None, Some(n - s), 1);
    let head = index(a, &args)?;
    concatenate(&[&tail, &head], ax as i64)
}

fn triangle(op: &'static str, x: &Array, k: i64, lower: bool) -> Result<Array> {
    if x.ndim() < 2 {
        return Err(Error::invalid(op, "array must be at least 2-D"));
    }
    let (n, m) = (x.shape()[x.ndim() - 2], x.shape()[x.ndim() - 1]);
    with_default_device(x.device(), || {
        let mask = if lower {
            tri(n as i64, Some(m as i64), k, Some(Dtype::Bool))?
        } else {
            crate::ops::logical_not(&tri(n as i64, Some(m as i64), k - 1, Some(Dtype::Bool))?)?
        };
        where_(&mask, x, &zeros((), x.dtype())?)
    })
}

/// Zero the elements above diagonal `k` of the last two axes (MLX's
/// `tril`).
///
/// # Errors
/// `[tril] array must be at least 2-D`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::ones(&[2, 2], mlx_core::Dtype::Int32)?;
/// assert_eq!(mlx_core::ops::tril(&a, 0)?.to_vec::<i32>()?, vec![1, 0, 1, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tril(x: &Array, k: i64) -> Result<Array> {
    triangle("tril", x, k, true)
}

/// Zero the elements below diagonal `k` of the last two axes (MLX's
/// `triu`).
///
/// # Errors
/// `[triu] array must be at least 2-D`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::ones(&[2, 2], mlx_core::Dtype::Int32)?;
/// assert_eq!(mlx_core::ops::triu(&a, 0)?.to_vec::<i32>()?, vec![1, 1, 0, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn triu(x: &Array, k: i64) -> Result<Array> {
    triangle("triu", x, k, false)
}

/// The diagonal at `offset` of the plane `axis1`, `axis2`, as a new last
/// axis (MLX's `diagonal`).
///
/// # Errors
/// `[diagonal] array must have at least two dimensions ...`, equal axes,
/// or axes out of range.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 6, 1, None)?.reshape(&[2, 3])?;
/// assert_eq!(mlx_core::ops::diagonal(&a, 1, 0, 1)?.to_vec::<i32>()?, vec![1, 5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn diagonal(a: &Array, offset: i64, axis1: i64, axis2: i64) -> Result<Array> {
    diagonal_unlabeled(a, offset, axis1, axis2).map_err(|e| e.in_op("diagonal"))
}

/// [`diagonal`] before its errors are relabelled.
fn diagonal_unlabeled(a: &Array, offset: i64, axis1: i64, axis2: i64) -> Result<Array> {
    let nd = a.ndim();
    if nd < 2 {
        return Err(Error::invalid(
            "diagonal",
            format!("array must have at least two dimensions, but got {nd} dimensions"),
        ));
    }
    let i = normalize_axis("diagonal", axis1, nd)?;
    let j = normalize_axis("diagonal", axis2, nd)?;
    if i == j {
        return Err(Error::invalid(
            "diagonal",
            "axis1 and axis2 cannot be the same axis",
        ));
    }
    let (r, c) = (a.shape()[i] as i64, a.shape()[j] as i64);
    let (r0, c0) = (0.max(offset.saturating_neg()), 0.max(offset));
    let len = (r - r0).min(c - c0).max(0);
    let mut perm: Vec<i64> = (0..nd as i64)
        .filter(|&x| x as usize != i && x as usize != j)
        .collect();
    perm.extend([i as i64, j as i64]);
    let moved = transpose(a, &perm)?;
    let flat = flatten(&moved, -2, -1)?;
    let mut idx: Vec<i64> = crate::memory::try_with_capacity("diagonal", len as usize)?;
    idx.extend((0..len).map(|t| (r0 + t) * c + c0 + t));
    take_host("diagonal", &flat, idx, nd - 2)
}

/// Extract diagonal `k` of a 2-D array, or build a 2-D array with a 1-D
/// array on diagonal `k` (MLX's `diag`).
///
/// # Errors
/// `[diag] array must be 1-D or 2-D, got array with 3 dimensions`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let v = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::diag(&v, 0)?.to_vec::<i32>()?, vec![1, 0, 0, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn diag(a: &Array, k: i64) -> Result<Array> {
    diag_unlabeled(a, k).map_err(|e| e.in_op("diag"))
}

/// [`diag`] before its errors are relabelled.
fn diag_unlabeled(a: &Array, k: i64) -> Result<Array> {
    match a.ndim() {
        2 => diagonal(a, k, 0, 1),
        1 => {
            let len = a.shape()[0] as i64;
            let n = usize::try_from(len as u128 + k.unsigned_abs() as u128)
                .map_err(|_| Error::overflow("diag", format!("diagonal {k} is too far out")))?;
            with_default_device(a.device(), || {
                let mask = crate::ops::eye(n as i64, None, k, Some(Dtype::Bool))?;
                if len == 0 {
                    return zeros(&[n, n], a.dtype());
                }
                // Row i of the result holds a[i - max(0, -k)] on its diagonal.
                let shift = 0.max(k.saturating_neg());
                let mut rows: Vec<i64> = crate::memory::try_with_capacity("diag", n)?;
                rows.extend((0..n as i64).map(|i| (i - shift).clamp(0, len - 1)));
                let col = expand_dims(&take_host("diag", a, rows, 0)?, &[1])?;
                where_(&mask, &col, &zeros((), a.dtype())?)
            })
        }
        d => Err(Error::invalid(
            "diag",
            format!("array must be 1-D or 2-D, got array with {d} dimensions"),
        )),
    }
}

/// Sum along diagonal `offset` of the plane `axis1`, `axis2` (MLX's
/// `trace`). `dtype` casts before summing; by default the sum's usual
/// dtype (small integers widen as in `sum`).
///
/// # Errors
/// `[trace] array must have at least two dimensions ...`, bad axes.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 4, 1, None)?.reshape(&[2, 2])?;
/// assert_eq!(mlx_core::ops::trace(&a, 0, 0, 1, None)?.item::<i32>()?, 3);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn trace(
    a: &Array,
    offset: i64,
    axis1: i64,
    axis2: i64,
    dtype: Option<Dtype>,
) -> Result<Array> {
    trace_unlabeled(a, offset, axis1, axis2, dtype).map_err(|e| e.in_op("trace"))
}

/// [`trace`] before its errors are relabelled.
fn trace_unlabeled(
    a: &Array,
    offset: i64,
    axis1: i64,
    axis2: i64,
    dtype: Option<Dtype>,
) -> Result<Array> {
    if a.ndim() < 2 {
        return Err(Error::invalid(
            "trace",
            format!(
                "array must have at least two dimensions, but got {} dimensions",
                a.ndim()
            ),
        ));
    }
    let d = diagonal(a, offset, axis1, axis2)?;
    let d = match dtype {
        Some(dt) => astype(&d, dt)?,
        None => d,
    };
    sum(&d, -1, false)
}

/// Coordinate grids from 1-D coordinate arrays (MLX's `meshgrid`; inputs
/// are flattened). `indexing` is `"xy"` (Cartesian, default) or `"ij"`.
///
/// # Errors
/// `[meshgrid] invalid indexing value ...`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[1i32, 2, 3], &[3])?;
/// let y = mlx_core::Array::from_slice(&[4i32, 5], &[2])?;
/// let g = mlx_core::ops::meshgrid(&[&x, &y], false, "xy")?;
/// assert_eq!(g[0].shape(), &[2, 3]);
/// assert_eq!(g[1].to_vec::<i32>()?, vec![4, 4, 4, 5, 5, 5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn meshgrid(arrays: &[&Array], sparse: bool, indexing: &str) -> Result<Vec<Array>> {
    meshgrid_unlabeled(arrays, sparse, indexing).map_err(|e| e.in_op("meshgrid"))
}

/// [`meshgrid`] before its errors are relabelled.
fn meshgrid_unlabeled(arrays: &[&Array], sparse: bool, indexing: &str) -> Result<Vec<Array>> {
    if indexing != "xy" && indexing != "ij" {
        return Err(Error::invalid(
            "meshgrid",
            "invalid indexing value, valid values are 'xy' and 'ij'",
        ));
    }
    let n = arrays.len();
    let mut outs = Vec::with_capacity(n);
    for (i, a) in arrays.iter().enumerate() {
        let mut shape = vec![1i64; n];
        let pos = if indexing == "xy" && n >= 2 && i < 2 {
            1 - i
        } else {
            i
        };
        shape[pos] = -1;
        outs.push(reshape(a, &shape)?);
    }
    if sparse {
        return Ok(outs);
    }
    let refs: Vec<&Array> = outs.iter().collect();
    broadcast_arrays(&refs)
}

fn at_least(a: &Array, nd: usize) -> Result<Array> {
    let s: Vec<i64> = a.shape().iter().map(|&d| d as i64).collect();
    let shape: Vec<i64> = match (nd, s.len()) {
        (_, k) if k >= nd => return Ok(a.clone()),
        (_, 0) => vec![1; nd],
        (2, 1) | (3, 1) => {
            let mut v = vec![1, s[0]];
            if nd == 3 {
                v.push(1);
            }
            v
        }
        (3, 2) => vec![s[0], s[1], 1],
        _ => unreachable!("nd in 1..=3 and k < nd"),
    };
    reshape(a, &shape)
}

/// `a` with at least one dimension (MLX's `atleast_1d`).
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_scalar(1.0f32);
/// assert_eq!(mlx_core::ops::atleast_1d(&a)?.shape(), &[1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn atleast_1d(a: &Array) -> Result<Array> {
    at_least(a, 1)
}

/// `a` with at least two dimensions: `(n,)` becomes `(1, n)` (MLX's
/// `atleast_2d`).
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[3], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::atleast_2d(&a)?.shape(), &[1, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn atleast_2d(a: &Array) -> Result<Array> {
    at_least(a, 2)
}

/// `a` with at least three dimensions: `(n,)` becomes `(1, n, 1)` and
/// `(m, n)` becomes `(m, n, 1)` (MLX's `atleast_3d`).
///
/// # Errors
/// None in practice.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 3], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::atleast_3d(&a)?.shape(), &[2, 3, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn atleast_3d(a: &Array) -> Result<Array> {
    at_least(a, 3)
}

/// A strided view of `a`'s row-major data (MLX's `as_strided`): element
/// `(i0, i1, ..)` of the result is `flat[offset + sum(i_k * strides[k])]`.
/// `shape` defaults to `a`'s shape and `strides` to row-major strides.
/// A view: no copy, no index array (a non-row-major `a` is made
/// row-major first), so huge zero-stride windows cost nothing to build.
///
/// # Errors
/// `[as_strided] ...` when shape and strides differ in length or a
/// position falls outside the data (MLX leaves that undefined).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::arange(0, 6, 1, None)?;
/// let w = mlx_core::ops::as_strided(&a, Some(&[3, 2]), Some(&[1, 2]), 1)?;
/// assert_eq!(w.to_vec::<i32>()?, vec![1, 3, 2, 4, 3, 5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn as_strided(
    a: &Array,
    shape: Option<&[usize]>,
    strides: Option<&[i64]>,
    offset: usize,
) -> Result<Array> {
    const OP: &str = "as_strided";
    let shape = shape.unwrap_or(a.shape()).to_vec();
    let n = crate::shape::checked_numel(OP, &shape, a.itemsize())?;
    let strides: Vec<i64> = match strides {
        Some(s) => s.to_vec(),
        None => crate::shape::row_major_strides(&shape)
            .into_iter()
            .map(|s| s as i64)
            .collect(),
    };
    if strides.len() != shape.len() {
        return Err(Error::invalid(
            OP,
            format!(
                "shape {} and strides {strides:?} must have the same length",
                format_shape(&shape)
            ),
        ));
    }
    if n > 0 {
        // The lowest and highest positions read, in exact arithmetic.
        let (mut lo, mut hi) = (offset as i128, offset as i128);
        for (&d, &st) in shape.iter().zip(&strides) {
            let span = (d as i128 - 1) * st as i128;
            if span < 0 {
                lo += span;
            } else {
                hi += span;
            }
        }
        if lo < 0 || hi >= a.size() as i128 {
            let p = if lo < 0 { lo } else { hi };
            return Err(Error::invalid(
                OP,
                format!("position {p} is outside the array of size {}", a.size()),
            ));
        }
    }
    Array::from_op(
        crate::primitive::Primitive::AsStrided { strides, offset },
        vec![a.clone()],
        shape,
        a.dtype(),
    )
}

/// The flat position `offset + sum(i_k * strides[k])` of every element of
/// `shape`, as a lazy int64 array of that shape (no host memory).
pub(crate) fn strided_positions(shape: &[usize], strides: &[i64], offset: usize) -> Result<Array> {
    const OP: &str = "as_strided";
    let start = i64::try_from(offset).map_err(|_| Error::overflow(OP, "offset too large"))?;
    let mut pos = crate::ops::full((), start, Dtype::Int64)?;
    for (k, (&d, &st)) in shape.iter().zip(strides).enumerate() {
        let mut s = vec![1i64; shape.len()];
        s[k] = -1;
        let i = crate::ops::arange_f64(0.0, d as f64, 1.0, Dtype::Int64)?;
        let term = (&reshape(&i, &s)? * st)?;
        pos = (&pos + &term)?;
    }
    broadcast_to(&pos, shape)
}

/// Split `axis` into `shape` (MLX's `unflatten`); one entry may be `-1`.
///
/// # Errors
/// `[unflatten] shape to unflatten to cannot be empty`, `[Unflatten]
/// cannot unflatten axis 1 with size 3 into shape (2,2)` (MLX's spelling),
/// more than one `-1`, or a bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::zeros(&[2, 6], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::unflatten(&a, -1, &[3, -1])?.shape(), &[2, 3, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn unflatten(a: &Array, axis: i64, shape: impl Into<Shape>) -> Result<Array> {
    let shape = shape.into();
    let shape = shape.as_slice();
    unflatten_unlabeled(a, axis, shape).map_err(|e| e.in_op("unflatten"))
}

/// [`unflatten`] before its errors are relabelled.
fn unflatten_unlabeled(a: &Array, axis: i64, shape: &[i64]) -> Result<Array> {
    if shape.is_empty() {
        return Err(Error::invalid(
            "unflatten",
            "shape to unflatten to cannot be empty",
        ));
    }
    let ax = normalize_axis("unflatten", axis, a.ndim())?;
    let n = a.shape()[ax] as i64;
    let mut infer = None;
    let mut known = 1i64;
    for (i, &d) in shape.iter().enumerate() {
        if d == -1 {
            if infer.replace(i).is_some() {
                return Err(Error::invalid("Unflatten", "can only infer one dimension"));
            }
        } else if d < 0 {
            return Err(Error::invalid(
                "unflatten",
                format!("invalid dimension {d}"),
            ));
        } else {
            // Saturating: an overflowing product cannot equal the size.
            known = known.saturating_mul(d);
        }
    }
    let mut sh = shape.to_vec();
    let bad = || {
        Error::invalid(
            "Unflatten",
            format!(
                "cannot unflatten axis {ax} with size {n} into shape {}",
                format_shape(shape)
            ),
        )
    };
    match infer {
        Some(i) => {
            if known == 0 || n % known != 0 {
                return Err(bad());
            }
            sh[i] = n / known;
        }
        None if known != n => return Err(bad()),
        None => {}
    }
    let mut out: Vec<i64> = a.shape()[..ax].iter().map(|&d| d as i64).collect();
    out.extend(sh);
    out.extend(a.shape()[ax + 1..].iter().map(|&d| d as i64));
    reshape(a, &out)
}

impl Array {
    /// Method form of [`diag`].
    ///
    /// # Errors
    /// As [`diag`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
    /// assert_eq!(a.diag(0)?.to_vec::<i32>()?, vec![1, 0, 0, 2]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn diag(&self, k: i64) -> Result<Array> {
        diag(self, k)
    }

    /// Method form of [`diagonal`].
    ///
    /// # Errors
    /// As [`diagonal`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(a.diagonal(0, 0, 1)?.to_vec::<i32>()?, vec![1, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn diagonal(&self, offset: i64, axis1: i64, axis2: i64) -> Result<Array> {
        diagonal(self, offset, axis1, axis2)
    }
}
