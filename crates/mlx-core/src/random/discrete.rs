//! Discrete distributions, composed as MLX composes them: `randint`,
//! `bernoulli` and `categorical`.

use super::continuous::{gumbel, scalar, uniform, uniform_unit};
use super::key::{bits, on_params_device};
use crate::ops::Shape;
use crate::ops::{
    add, argmax, argsort, astype, cumsum, equal, exp, expand_dims, floor, isinf, less, less_equal,
    max, maximum, minimum, multiply, reshape, subtract, sum, take, where_,
};
use crate::shape::{broadcast_shapes, format_shape, normalize_axis};
use crate::{Array, Dtype, Error, Result};

/// Integers uniform on `[low, high)` of `shape` and integer (or bool)
/// `dtype` (MLX's `random.randint`): `floor` of a float32 [`uniform`]
/// sample, clipped to `[low, high - 1]`.
///
/// # Errors
/// `[randint] randint only accepts integer dtypes and bool`, and the
/// errors of [`uniform`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array, Dtype};
/// let (lo, hi) = (Array::from_scalar(0i32), Array::from_scalar(10i32));
/// let x = random::randint(&lo, &hi, &[5], Dtype::Int32, Some(&random::key(0)?))?;
/// assert!(x.to_vec::<i32>()?.iter().all(|&v| (0..10).contains(&v)));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn randint(
    low: &Array,
    high: &Array,
    shape: impl Into<Shape>,
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    let shape = shape.into().dims("randint")?;
    let shape = &shape[..];
    on_params_device(&[Some(low)], || {
        randint_unlabeled(low, high, shape, dtype, key)
    })
    .map_err(|e| e.in_op("randint"))
}

/// [`randint`] before its errors are relabelled.
fn randint_unlabeled(
    low: &Array,
    high: &Array,
    shape: &[usize],
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    if dtype.is_inexact() {
        return Err(Error::dtype(
            "randint",
            dtype,
            "randint only accepts integer dtypes and bool",
        ));
    }
    let u = uniform(low, high, shape, Dtype::Float32, key)?;
    let out = astype(&floor(&u)?, dtype)?;
    let hi = astype(&subtract(high, &scalar(1.0, high.dtype())?)?, dtype)?;
    maximum(&minimum(&out, &hi)?, &astype(low, dtype)?)
}

/// True with probability `p` (a float array broadcasting to `shape`,
/// default `p.shape`), as MLX's `random.bernoulli`: `bits < p * 2^32`,
/// so `p >= 1` is always true and `p <= 0` always false.
///
/// # Errors
/// `[bernoulli] bernoulli probability `p` must be a float type`, broadcast
/// errors, `[bernoulli] shape of `p` is incompatible with argument
/// `shape`` and the errors of [`bits`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array};
/// let p = Array::from_slice(&[0.0f32, 1.0], &[2])?;
/// let b = random::bernoulli(&p, None, Some(&random::key(0)?))?;
/// assert_eq!(b.to_vec::<bool>()?, vec![false, true]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn bernoulli(p: &Array, shape: Option<&[usize]>, key: Option<&Array>) -> Result<Array> {
    on_params_device(&[Some(p)], || bernoulli_unlabeled(p, shape, key))
        .map_err(|e| e.in_op("bernoulli"))
}

/// [`bernoulli`] before its errors are relabelled.
fn bernoulli_unlabeled(p: &Array, shape: Option<&[usize]>, key: Option<&Array>) -> Result<Array> {
    if !p.dtype().is_float() {
        return Err(Error::dtype(
            "bernoulli",
            p.dtype(),
            "bernoulli probability `p` must be a float type",
        ));
    }
    let shape = shape.unwrap_or(p.shape()).to_vec();
    let out_shape = broadcast_shapes("broadcast_shapes", &shape, p.shape())?;
    if out_shape != shape {
        return Err(Error::invalid(
            "bernoulli",
            "shape of `p` is incompatible with argument `shape`",
        ));
    }
    // The float just above 2^32 - 1 (MLX's nextafter(float(UINT32_MAX), max)).
    let upper = f32::from_bits((u32::MAX as f32).to_bits() + 1);
    let thresh = multiply(p, &scalar(upper as f64, Dtype::Float32)?)?;
    less(&bits(&shape, 4, key)?, &thresh)
}

/// Indices (`uint32`) sampled from the categorical distributions whose
/// unnormalised log-probabilities lie along `axis` of `logits` (MLX's
/// `random.categorical`). `shape` must broadcast with the logits' shape
/// without `axis`; `num_samples` draws that many per distribution into a
/// new last axis; with neither, one sample per distribution.
///
/// As MLX 0.32.4: a single distribution with a non-empty `shape` samples
/// by the inverse CDF (`u * sum(w)` located in the exclusive cumulative
/// sum of `w = exp(x - max)`); otherwise the Gumbel-max trick.
///
/// # Errors
/// `[categorical] at most one of shape or num_samples can be specified`,
/// an axis out of range, `[categorical] requested shape .. is not
/// broadcast compatible with reduced logits shape ..`, and the errors of
/// [`bits`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array};
/// let logits = Array::from_slice(&[-1e9f32, 0.0, -1e9], &[3])?;
/// let s = random::categorical(&logits, -1, None, Some(4), Some(&random::key(0)?))?;
/// assert_eq!(s.to_vec::<u32>()?, vec![1, 1, 1, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn categorical(
    logits: &Array,
    axis: i64,
    shape: Option<&[usize]>,
    num_samples: Option<usize>,
    key: Option<&Array>,
) -> Result<Array> {
    on_params_device(&[Some(logits)], || {
        categorical_unlabeled(logits, axis, shape, num_samples, key)
    })
    .map_err(|e| e.in_op("categorical"))
}

/// [`categorical`] before its errors are relabelled.
fn categorical_unlabeled(
    logits: &Array,
    axis: i64,
    shape: Option<&[usize]>,
    num_samples: Option<usize>,
    key: Option<&Array>,
) -> Result<Array> {
    let op = "categorical";
    if shape.is_some() && num_samples.is_some() {
        return Err(Error::invalid(
            op,
            "at most one of shape or num_samples can be specified",
        ));
    }
    let ax = normalize_axis(op, axis, logits.ndim())?;
    let mut reduced = logits.shape().to_vec();
    reduced.remove(ax);
    match (shape, num_samples) {
        (Some(s), _) => {
            if broadcast_shapes("broadcast_shapes", s, &reduced)? != s {
                return Err(Error::invalid(
                    op,
                    format!(
                        "requested shape {} is not broadcast compatible with reduced logits shape {}",
                        format_shape(s),
                        format_shape(&reduced)
                    ),
                ));
            }
            categorical_impl(logits, ax, s, key)
        }
        (None, Some(m)) => {
            let wide = expand_dims(logits, &[-1])?;
            let mut s = wide.shape().to_vec();
            s.remove(ax);
            let last = s.len() - 1;
            s[last] = m;
            categorical_impl(&wide, ax, &s, key)
        }
        (None, None) => categorical_impl(logits, ax, &reduced, key),
    }
}

fn categorical_impl(
    logits: &Array,
    axis: usize,
    shape: &[usize],
    key: Option<&Array>,
) -> Result<Array> {
    let n = logits.shape()[axis];
    if n > 0 && logits.size() == n && !shape.is_empty() {
        return categorical_inverse_cdf(&reshape(logits, &[n as i64])?, shape, key);
    }
    let offset = axis + shape.len() + 1 - logits.ndim();
    let mut gumbel_shape = shape.to_vec();
    gumbel_shape.insert(offset, n);
    let g = gumbel(&gumbel_shape, Dtype::Float32, key)?;
    argmax(&add(&g, logits)?, offset as i64, false)
}

/// Inverse-CDF sampling of one distribution (MLX 0.32.4's path for a
/// single distribution). MLX locates `u` with `searchsorted(cdf, u,
/// "right")`; counting `cdf <= u` gives the same index.
fn categorical_inverse_cdf(logits: &Array, shape: &[usize], key: Option<&Array>) -> Result<Array> {
    let dtype = Dtype::promote(logits.dtype(), Dtype::Float32);
    let x = astype(logits, dtype)?;
    let m = max(&x, (), false)?;
    let w = where_(
        &isinf(&m)?,
        &astype(&equal(&x, &m)?, dtype)?,
        &exp(&subtract(&x, &m)?)?,
    )?;
    let cdf = cumsum(&w, 0, false, false)?;
    let u = multiply(
        &uniform_unit(shape, Dtype::Float32, key)?,
        &sum(&w, (), false)?,
    )?;
    let hits = less_equal(&cdf, &expand_dims(&u, &[-1])?)?;
    let count = astype(&sum(&hits, -1, false)?, Dtype::Uint32)?;
    subtract(&count, &Array::from_scalar(1u32))
}

/// A random permutation of `0..n` as `uint32` (MLX's
/// `random.permutation(n)`): the argsort of `n` random 32-bit words.
///
/// # Errors
/// The errors of [`bits`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::random;
/// let p = random::permutation(10, Some(&random::key(7)?))?;
/// // mx.random.permutation(10, key=mx.random.key(7)) in MLX 0.32.4
/// assert_eq!(p.to_vec::<u32>()?, vec![4, 6, 1, 2, 5, 7, 8, 3, 0, 9]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn permutation(n: i64, key: Option<&Array>) -> Result<Array> {
    let n = crate::ops::check_size("permutation", "n", n)?;
    permutation_unlabeled(n, key).map_err(|e| e.in_op("permutation"))
}

/// [`permutation`] before its errors are relabelled.
fn permutation_unlabeled(n: usize, key: Option<&Array>) -> Result<Array> {
    let words = bits(&[n], 4, key)?;
    astype(&argsort(&words, 0)?, Dtype::Uint32)
}

/// `x` shuffled along `axis` (MLX's `random.permutation(x, axis)`).
///
/// # Errors
/// `[permutation] ...` when `x` is 0-d or `axis` is out of range, and the
/// errors of [`bits`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array};
/// let x = Array::from_slice(&[0i32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], &[3, 4])?;
/// let p = random::permutation_array(&x, 1, Some(&random::key(7)?))?;
/// // mx.random.permutation(x, axis=1, key=mx.random.key(7)) in MLX 0.32.4
/// assert_eq!(p.to_vec::<i32>()?, vec![0, 1, 3, 2, 4, 5, 7, 6, 8, 9, 11, 10]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn permutation_array(x: &Array, axis: i64, key: Option<&Array>) -> Result<Array> {
    on_params_device(&[Some(x)], || permutation_array_unlabeled(x, axis, key))
        .map_err(|e| e.in_op("permutation"))
}

/// [`permutation_array`] before its errors are relabelled.
fn permutation_array_unlabeled(x: &Array, axis: i64, key: Option<&Array>) -> Result<Array> {
    if x.ndim() == 0 {
        return Err(Error::invalid("permutation", "cannot permute a 0-d array"));
    }
    let ax = normalize_axis("permutation", axis, x.ndim())?;
    let order = permutation(x.shape()[ax] as i64, key)?;
    take(x, &order, ax as i64)
}
