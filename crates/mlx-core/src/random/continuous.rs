//! Continuous distributions, composed from [`bits`] and elementwise ops in
//! exactly MLX's order of operations, so that a key gives MLX's values:
//! `uniform`, `normal`, `truncated_normal`, `gumbel`, `laplace` and
//! `multivariate_normal`.

use super::key::{bits, on_params_device};
use crate::ops::Shape;
use crate::ops::{
    abs, add, astype, divide, erf, erfinv, expand_dims, full, log, log1p, matmul, maximum, minimum,
    multiply, negative, sign, squeeze, subtract,
};
use crate::shape::{broadcast_shapes, format_shape};
use crate::{Array, Dtype, Error, Result};

/// A 0-d array of `value` in `dtype`.
pub(crate) fn scalar(value: f64, dtype: Dtype) -> Result<Array> {
    full((), value, dtype)
}

/// Reject dtypes other than real floats, as MLX's `issubdtype(dtype, floating)`.
fn check_float(op: &'static str, dtype: Dtype, msg: &str) -> Result<()> {
    if dtype.is_float() {
        Ok(())
    } else {
        Err(Error::dtype(op, dtype, msg))
    }
}

/// Uniform samples in `[low, high)` of `shape` and real float `dtype`
/// (MLX's `random.uniform`). `low` and `high` are cast to `dtype` and must
/// broadcast to `shape`. Samples are `low + (high - low) * u` with
/// `u = min(bits / 4294967295, largest dtype value below 1)`, so a key
/// gives MLX's values bit for bit.
///
/// # Errors
/// `[uniform] can only generate uniform numbers with real floating point
/// type`, `[uniform] unsupported type` for `float64`, `[uniform] cannot
/// generate random values of shape ..` when the bounds broadcast wider
/// than `shape`, and the errors of [`bits`] for a bad key.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array, Dtype};
/// let (lo, hi) = (Array::from_scalar(2.0f32), Array::from_scalar(4.0f32));
/// let u = random::uniform(&lo, &hi, &[3], Dtype::Float32, Some(&random::key(0)?))?;
/// assert!(u.to_vec::<f32>()?.iter().all(|&x| (2.0..4.0).contains(&x)));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn uniform(
    low: &Array,
    high: &Array,
    shape: impl Into<Shape>,
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    let shape = shape.into().dims("uniform")?;
    let shape = &shape[..];
    on_params_device(&[Some(low)], || {
        uniform_unlabeled(low, high, shape, dtype, key)
    })
    .map_err(|e| e.in_op("uniform"))
}

/// [`uniform`] before its errors are relabelled.
fn uniform_unlabeled(
    low: &Array,
    high: &Array,
    shape: &[usize],
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    check_float(
        "uniform",
        dtype,
        "can only generate uniform numbers with real floating point type",
    )?;
    let upper: f32 = match dtype {
        Dtype::Float32 => f32::from_bits(1.0f32.to_bits() - 1),
        Dtype::Float16 => half::f16::from_bits(half::f16::ONE.to_bits() - 1).to_f32(),
        Dtype::Bfloat16 => half::bf16::from_bits(half::bf16::ONE.to_bits() - 1).to_f32(),
        other => return Err(Error::dtype("uniform", other, "unsupported type")),
    };
    let lo = astype(low, dtype)?;
    let hi = astype(high, dtype)?;
    let bounds = broadcast_shapes("broadcast_shapes", lo.shape(), hi.shape())?;
    let out_shape = broadcast_shapes("broadcast_shapes", shape, &bounds)?;
    if out_shape != shape {
        return Err(Error::invalid(
            "uniform",
            format!(
                "cannot generate random values of shape {} from broadcasted shape {}",
                format_shape(shape),
                format_shape(&out_shape)
            ),
        ));
    }
    let range = subtract(&hi, &lo)?;
    let raw = bits(shape, 4, key)?;
    let u = divide(&raw, &scalar(u32::MAX as f64, Dtype::Float32)?)?;
    let u = astype(&minimum(&u, &scalar(upper as f64, Dtype::Float32)?)?, dtype)?;
    add(&multiply(&range, &u)?, &lo)
}

/// [`uniform`] on `[0, 1)` (MLX's `uniform(shape, dtype, key)`).
///
/// # Errors
/// As [`uniform`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Dtype};
/// let u = random::uniform_unit(&[2], Dtype::Float16, Some(&random::key(1)?))?;
/// assert_eq!(u.dtype(), Dtype::Float16);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn uniform_unit(shape: impl Into<Shape>, dtype: Dtype, key: Option<&Array>) -> Result<Array> {
    let shape = shape.into().dims("uniform_unit")?;
    let shape = &shape[..];
    uniform_unit_unlabeled(shape, dtype, key).map_err(|e| e.in_op("uniform"))
}

/// [`uniform_unit`] before its errors are relabelled.
fn uniform_unit_unlabeled(shape: &[usize], dtype: Dtype, key: Option<&Array>) -> Result<Array> {
    check_float(
        "uniform",
        dtype,
        "can only generate uniform numbers with real floating point type",
    )?;
    uniform(
        &scalar(0.0, dtype)?,
        &scalar(1.0, dtype)?,
        shape,
        dtype,
        key,
    )
}

/// Float32 uniform samples on `(-1, 1)`: the input of the inverse-CDF
/// samplers (`normal`, `laplace`).
fn uniform_pm1(shape: &[usize], key: Option<&Array>) -> Result<Array> {
    let low = f32::from_bits((-1.0f32).to_bits() - 1);
    uniform(
        &scalar(low as f64, Dtype::Float32)?,
        &scalar(1.0, Dtype::Float32)?,
        shape,
        Dtype::Float32,
        key,
    )
}

/// Normal samples `loc + scale * sqrt(2) * erfinv(u)` with `u` uniform on
/// `(-1, 1)` (MLX's `random.normal`; `None` means `loc = 0`, `scale = 1`).
/// The result broadcasts `shape` with `loc` and `scale`. For `complex64`
/// the real and imaginary parts are `erfinv(u)`, each of variance 1/2, as
/// in MLX.
///
/// # Errors
/// `[normal] only floating point and complex64 types are supported`, and
/// the errors of [`bits`] for a bad key.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array, Dtype};
/// let loc = Array::from_scalar(10.0f32);
/// let x = random::normal(&[1000], Dtype::Float32, Some(&loc), None, Some(&random::key(0)?))?;
/// let m = x.mean((), false)?.item::<f32>()?;
/// assert!((m - 10.0).abs() < 0.2);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn normal(
    shape: impl Into<Shape>,
    dtype: Dtype,
    loc: Option<&Array>,
    scale: Option<&Array>,
    key: Option<&Array>,
) -> Result<Array> {
    let shape = shape.into().dims("normal")?;
    let shape = &shape[..];
    on_params_device(&[loc, scale], || {
        normal_unlabeled(shape, dtype, loc, scale, key)
    })
    .map_err(|e| e.in_op("normal"))
}

/// [`normal`] before its errors are relabelled.
fn normal_unlabeled(
    shape: &[usize],
    dtype: Dtype,
    loc: Option<&Array>,
    scale: Option<&Array>,
    key: Option<&Array>,
) -> Result<Array> {
    if dtype == Dtype::Complex64 {
        return complex_normal(shape, loc, scale, key);
    }
    check_float(
        "normal",
        dtype,
        "only floating point and complex64 types are supported",
    )?;
    let samples = uniform_pm1(shape, key)?;
    let mut applied_scale = scalar(std::f64::consts::SQRT_2, dtype)?;
    if let Some(s) = scale {
        applied_scale = multiply(&applied_scale, &astype(s, dtype)?)?;
    }
    let samples = astype(&erfinv(&samples)?, dtype)?;
    let samples = multiply(&applied_scale, &samples)?;
    match loc {
        Some(l) => add(&astype(l, dtype)?, &samples),
        None => Ok(samples),
    }
}

/// MLX's `complex_normal`: `erfinv` of uniform pairs on `(-1, 1)` as the
/// real and imaginary parts (each of variance 1/2).
fn complex_normal(
    shape: &[usize],
    loc: Option<&Array>,
    scale: Option<&Array>,
    key: Option<&Array>,
) -> Result<Array> {
    let mut pair_shape = shape.to_vec();
    pair_shape.push(2);
    let s = erfinv(&uniform_pm1(&pair_shape, key)?)?;
    let part = |k: i32| -> Result<Array> {
        let idx = Array::from_slice(&[k], &[])?;
        astype(&crate::ops::take(&s, &idx, -1)?, Dtype::Complex64)
    };
    let i = Array::from_scalar(crate::Complex64::new(0.0, 1.0));
    let mut samples = add(&part(0)?, &multiply(&part(1)?, &i)?)?;
    if let Some(sc) = scale {
        samples = multiply(sc, &samples)?;
    }
    match loc {
        Some(l) => add(l, &samples),
        None => Ok(samples),
    }
}

/// Normal samples truncated to `[lower, upper]` (MLX's
/// `random.truncated_normal`, after JAX): `sqrt(2) * erfinv(u)` with `u`
/// uniform between `erf(lower / sqrt(2))` and `erf(upper / sqrt(2))`,
/// clipped to the bounds. `shape` defaults to the bounds' broadcast shape.
///
/// # Errors
/// `[truncated_normal] trunc_normal only accepts floating point dtypes`
/// (MLX names it `[trunc_normal]`), broadcast errors, and the errors of
/// [`uniform`], all named `[truncated_normal]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array, Dtype};
/// let (lo, hi) = (Array::from_scalar(-0.5f32), Array::from_scalar(0.5f32));
/// let x = random::truncated_normal(&lo, &hi, Some(&[8]), Dtype::Float32, Some(&random::key(0)?))?;
/// assert!(x.to_vec::<f32>()?.iter().all(|&v| (-0.5..=0.5).contains(&v)));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn truncated_normal(
    lower: &Array,
    upper: &Array,
    shape: Option<&[usize]>,
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    on_params_device(&[Some(lower)], || {
        truncated_normal_unlabeled(lower, upper, shape, dtype, key)
    })
    .map_err(|e| e.in_op("truncated_normal"))
}

/// [`truncated_normal`] before its errors are relabelled.
fn truncated_normal_unlabeled(
    lower: &Array,
    upper: &Array,
    shape: Option<&[usize]>,
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    check_float(
        "trunc_normal",
        dtype,
        "trunc_normal only accepts floating point dtypes",
    )?;
    let shape = match shape {
        Some(s) => s.to_vec(),
        None => broadcast_shapes("broadcast_shapes", lower.shape(), upper.shape())?,
    };
    let sqrt2 = scalar(std::f64::consts::SQRT_2, dtype)?;
    let lower_t = astype(lower, dtype)?;
    let upper_t = astype(upper, dtype)?;
    let a = erf(&divide(&lower_t, &sqrt2)?)?;
    let b = erf(&divide(&upper_t, &sqrt2)?)?;
    let u = uniform(&a, &b, &shape, dtype, key)?;
    let out = multiply(&sqrt2, &erfinv(&u)?)?;
    maximum(&minimum(&upper_t, &out)?, &lower_t)
}

/// Gumbel samples `-log(-log(u))` (MLX's `random.gumbel`).
///
/// # Errors
/// As [`uniform`], named `[gumbel]` (MLX names its inner `[uniform]`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Dtype};
/// let g = random::gumbel(&[2, 2], Dtype::Float32, Some(&random::key(0)?))?;
/// assert_eq!(g.shape(), &[2, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn gumbel(shape: impl Into<Shape>, dtype: Dtype, key: Option<&Array>) -> Result<Array> {
    let shape = shape.into().dims("gumbel")?;
    let shape = &shape[..];
    gumbel_unlabeled(shape, dtype, key).map_err(|e| e.in_op("gumbel"))
}

/// [`gumbel`] before its errors are relabelled.
fn gumbel_unlabeled(shape: &[usize], dtype: Dtype, key: Option<&Array>) -> Result<Array> {
    let u = uniform_unit(shape, dtype, key)?;
    negative(&log(&negative(&log(&u)?)?)?)
}

/// Laplace samples by the inverse CDF, `sign(u) * log1p(-|u|)` with `u`
/// uniform on `(-1, 1)`, then `loc + scale * x` (MLX's `random.laplace`;
/// defaults `loc = 0`, `scale = 1`).
///
/// # Errors
/// `[laplace] only real floating point types are supported`, and the
/// errors of [`bits`] for a bad key.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Dtype};
/// let x = random::laplace(&[3], Dtype::Float32, 1.0, 2.0, Some(&random::key(0)?))?;
/// assert_eq!(x.shape(), &[3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn laplace(
    shape: impl Into<Shape>,
    dtype: Dtype,
    loc: f32,
    scale: f32,
    key: Option<&Array>,
) -> Result<Array> {
    let shape = shape.into().dims("laplace")?;
    let shape = &shape[..];
    laplace_unlabeled(shape, dtype, loc, scale, key).map_err(|e| e.in_op("laplace"))
}

/// [`laplace`] before its errors are relabelled.
fn laplace_unlabeled(
    shape: &[usize],
    dtype: Dtype,
    loc: f32,
    scale: f32,
    key: Option<&Array>,
) -> Result<Array> {
    check_float(
        "laplace",
        dtype,
        "only real floating point types are supported",
    )?;
    let u = uniform_pm1(shape, key)?;
    let mag = log1p(&multiply(&scalar(-1.0, dtype)?, &abs(&u)?)?)?;
    let mut samples = astype(&multiply(&sign(&u)?, &mag)?, dtype)?;
    if scale != 1.0 {
        samples = multiply(&scalar(scale as f64, dtype)?, &samples)?;
    }
    if loc != 0.0 {
        samples = add(&scalar(loc as f64, dtype)?, &samples)?;
    }
    Ok(samples)
}

/// Samples of a multivariate normal with `mean` `[.., n]` and covariance
/// `cov` `[.., n, n]` (MLX's `random.multivariate_normal`). The output
/// shape is `broadcast(cov.shape[:-2], mean.shape[:-1], shape) + [n]`.
///
/// MLX maps standard normal samples `z` through the covariance's square
/// root from an SVD; this port uses its Cholesky factor `L` (`cov = L Lᵀ`),
/// built lazily from ops, and returns `mean + z Lᵀ`. The distribution is
/// the same, but samples differ from MLX's for one key. Covariances must
/// be symmetric positive semi-definite; zero pivots give zero columns.
///
/// # Errors
/// `[multivariate_normal] dtype must be float32`, `.. mean must have at
/// least one dimension`, `.. cov must have at least two dimensions`,
/// `.. last two dimensions of cov must be equal`, `.. mean and cov must
/// have compatible shapes`, and broadcast errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{random, Array, Dtype};
/// let mean = Array::from_slice(&[1.0f32, -1.0], &[2])?;
/// let cov = Array::from_slice(&[1.0f32, 0.5, 0.5, 2.0], &[2, 2])?;
/// let x = random::multivariate_normal(&mean, &cov, &[4], Dtype::Float32, Some(&random::key(0)?))?;
/// assert_eq!(x.shape(), &[4, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn multivariate_normal(
    mean: &Array,
    cov: &Array,
    shape: impl Into<Shape>,
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    let shape = shape.into().dims("multivariate_normal")?;
    let shape = &shape[..];
    on_params_device(&[Some(mean)], || {
        multivariate_normal_unlabeled(mean, cov, shape, dtype, key)
    })
    .map_err(|e| e.in_op("multivariate_normal"))
}

/// [`multivariate_normal`] before its errors are relabelled.
fn multivariate_normal_unlabeled(
    mean: &Array,
    cov: &Array,
    shape: &[usize],
    dtype: Dtype,
    key: Option<&Array>,
) -> Result<Array> {
    let op = "multivariate_normal";
    if dtype != Dtype::Float32 {
        return Err(Error::dtype(op, dtype, "dtype must be float32"));
    }
    if mean.ndim() < 1 {
        return Err(Error::invalid(op, "mean must have at least one dimension"));
    }
    if cov.ndim() < 2 {
        return Err(Error::invalid(op, "cov must have at least two dimensions"));
    }
    let n = mean.shape()[mean.ndim() - 1];
    let cn = cov.shape()[cov.ndim() - 1];
    if cov.shape()[cov.ndim() - 2] != cn {
        return Err(Error::invalid(
            op,
            "last two dimensions of cov must be equal",
        ));
    }
    if n != cn {
        return Err(Error::invalid(
            op,
            "mean and cov must have compatible shapes",
        ));
    }
    let mut out_shape = broadcast_shapes(
        "broadcast_shapes",
        &cov.shape()[..cov.ndim() - 2],
        &mean.shape()[..mean.ndim() - 1],
    )?;
    out_shape = broadcast_shapes("broadcast_shapes", &out_shape, shape)?;
    out_shape.push(n);
    let l = super::cholesky::cholesky_lower(&astype(cov, Dtype::Float32)?)?;
    let z = normal(&out_shape, dtype, None, None, key)?;
    let lt = l.swapaxes(-1, -2)?;
    let scaled = squeeze(&matmul(&expand_dims(&z, &[-2])?, &lt)?, &[-2])?;
    add(mean, &scaled)
}
