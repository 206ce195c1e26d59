//! Weight initializers (MLX's `mlx.nn.init`).
//!
//! As in MLX, each initializer is built from its parameters and returns a
//! function of an array that gives a new array of that array's shape (the
//! values of the argument are never read). Two differences from MLX, both
//! because a Rust closure has one signature:
//!
//! - every parameter is given when the initializer is built, including
//!   `gain` and `mode`, which MLX's Glorot and He initializers take at call
//!   time (`nn.init.he_normal()(w, mode="fan_out", gain=2.0)` is
//!   `he_normal(Dtype::Float32, FanMode::FanOut, 2.0, None)(&w)` here);
//! - the random ones take an optional PRNG `key`, as `mlx.random`'s
//!   functions do: with `None` each call draws from the global generator
//!   (seeded by [`mlx_core::random::seed`]), like MLX's; with a key every
//!   call returns the same samples, bit for bit those of
//!   `mx.random.normal(..., key=key)` / `mx.random.uniform(..., key=key)`.
//!
//! MLX's `dtype` default is `float32` for all of them.
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::{random, Array, Dtype};
//! use mlx_nn::init::{glorot_uniform, he_normal, FanMode};
//! let w = mlx_core::ops::zeros(&[64, 32], Dtype::Float32)?;
//! let init = glorot_uniform(Dtype::Float32, 1.0, Some(random::key(0)?));
//! let v = init(&w)?;
//! let limit = (6.0f32 / 96.0).sqrt();
//! assert!(v.to_vec::<f32>()?.iter().all(|x| x.abs() <= limit));
//! let _ = he_normal(Dtype::Float32, FanMode::FanOut, 2.0, None)(&w)?;
//! Ok::<(), mlx_core::Error>(())
//! ```

use mlx_core::shape::format_shape;
use mlx_core::{ops, random, Array, Dtype, Error, Result};

/// An initializer: a function from an array to a new array of its shape.
pub type Initializer = Box<dyn Fn(&Array) -> Result<Array> + Send + Sync>;

/// Which fan scales a He initializer (MLX's `mode`, `"fan_in"` or
/// `"fan_out"`).
///
/// # Examples
/// ```
/// use mlx_nn::init::FanMode;
/// assert_eq!("fan_out".parse::<FanMode>()?, FanMode::FanOut);
/// assert!("fan".parse::<FanMode>().unwrap_err().to_string().starts_with("[fan_mode]"));
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FanMode {
    /// The number of input units (MLX's default).
    FanIn,
    /// The number of output units.
    FanOut,
}

impl std::str::FromStr for FanMode {
    type Err = Error;

    /// Parse MLX's spelling (`"fan_in"`, `"fan_out"`).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "fan_in" => Ok(FanMode::FanIn),
            "fan_out" => Ok(FanMode::FanOut),
            other => Err(Error::invalid(
                "fan_mode",
                format!("invalid mode: {other}, valid modes are: fan_in, fan_out"),
            )),
        }
    }
}

/// `(fan_in, fan_out)` of a weight shape as MLX computes them: for
/// `[out, in]`, `(in, out)`; for a convolution weight `[out, k.., in]`
/// both are multiplied by the receptive field (the product of the middle
/// dimensions).
///
/// # Errors
/// `[fan_in_fan_out] glorot / he initialization requires at least 2
/// dimensional input but got an input with 1 dimensions`.
///
/// # Examples
/// ```
/// use mlx_nn::init::fan_in_fan_out;
/// assert_eq!(fan_in_fan_out(&[8, 4])?, (4, 8));
/// assert_eq!(fan_in_fan_out(&[8, 3, 3, 4])?, (36, 72));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn fan_in_fan_out(shape: &[usize]) -> Result<(usize, usize)> {
    fans("fan_in_fan_out", shape)
}

fn fans(op: &'static str, shape: &[usize]) -> Result<(usize, usize)> {
    if shape.len() < 2 {
        return Err(Error::invalid(
            op,
            format!(
                "glorot / he initialization requires at least 2 dimensional input but got an input with {} dimensions",
                shape.len()
            ),
        ));
    }
    let receptive: usize = shape[1..shape.len() - 1].iter().product();
    Ok((shape[shape.len() - 1] * receptive, shape[0] * receptive))
}

/// The fan selected by `mode`, rejecting a zero fan (MLX would divide by
/// zero).
fn fan(op: &'static str, shape: &[usize], mode: FanMode) -> Result<usize> {
    let (fan_in, fan_out) = fans(op, shape)?;
    let f = match mode {
        FanMode::FanIn => fan_in,
        FanMode::FanOut => fan_out,
    };
    if f == 0 {
        return Err(Error::invalid(
            op,
            format!("fan is 0 for shape {}", format_shape(shape)),
        ));
    }
    Ok(f)
}

fn normal_with(
    op: &'static str,
    shape: &[usize],
    dtype: Dtype,
    mean: Option<f64>,
    std: f64,
    key: Option<&Array>,
) -> Result<Array> {
    // MLX makes float32 arrays of the Python floats, then casts them to `dtype`.
    let loc = mean.map(|m| Array::from_scalar(m as f32));
    let scale = Array::from_scalar(std as f32);
    random::normal(shape, dtype, loc.as_ref(), Some(&scale), key).map_err(|e| e.in_op(op))
}

fn uniform_with(
    op: &'static str,
    shape: &[usize],
    dtype: Dtype,
    low: f64,
    high: f64,
    key: Option<&Array>,
) -> Result<Array> {
    // MLX makes float32 arrays of the Python floats, then casts them to `dtype`.
    let (lo, hi) = (
        Array::from_scalar(low as f32),
        Array::from_scalar(high as f32),
    );
    random::uniform(&lo, &hi, shape, dtype, key).map_err(|e| e.in_op(op))
}

/// An initializer filling the array's shape with `value` (MLX's
/// `init.constant`).
///
/// # Errors
/// The returned function fails with `[constant] ...` if `value` cannot be
/// represented in `dtype`'s range.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Dtype};
/// let init = mlx_nn::init::constant(0.5, Dtype::Float32);
/// let w = init(&ops::zeros(&[2, 2], Dtype::Float32)?)?;
/// assert_eq!(w.to_vec::<f32>()?, vec![0.5; 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn constant(value: f64, dtype: Dtype) -> Initializer {
    Box::new(move |a: &Array| ops::full(a.shape(), value, dtype).map_err(|e| e.in_op("constant")))
}

/// An initializer drawing from a normal distribution of `mean` and `std`
/// (MLX's `init.normal`; MLX's defaults are `0.0` and `1.0`).
///
/// # Errors
/// The returned function fails with `[normal] ...` for a non-float
/// `dtype` or a bad key.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, random, Dtype};
/// let init = mlx_nn::init::normal(0.0, 1.0, Dtype::Float32, Some(random::key(0)?));
/// let w = init(&ops::zeros(&[2, 2], Dtype::Float32)?)?;
/// assert_eq!(w.shape(), &[2, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn normal(mean: f64, std: f64, dtype: Dtype, key: Option<Array>) -> Initializer {
    Box::new(move |a: &Array| {
        normal_with("normal", a.shape(), dtype, Some(mean), std, key.as_ref())
    })
}

/// An initializer drawing from a uniform distribution on `[low, high)`
/// (MLX's `init.uniform`; MLX's defaults are `0.0` and `1.0`).
///
/// # Errors
/// The returned function fails with `[uniform] ...` for a non-float
/// `dtype` or a bad key.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, random, Dtype};
/// let init = mlx_nn::init::uniform(-1.0, 1.0, Dtype::Float32, Some(random::key(0)?));
/// let w = init(&ops::zeros(&[100], Dtype::Float32)?)?;
/// assert!(w.to_vec::<f32>()?.iter().all(|x| (-1.0..1.0).contains(x)));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn uniform(low: f64, high: f64, dtype: Dtype, key: Option<Array>) -> Initializer {
    Box::new(move |a: &Array| uniform_with("uniform", a.shape(), dtype, low, high, key.as_ref()))
}

/// An initializer giving the identity matrix of a square 2-D array's shape
/// (MLX's `init.identity`).
///
/// # Errors
/// The returned function fails with `[identity] the input array must be a
/// square matrix but got shape (2, 3)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Dtype};
/// let init = mlx_nn::init::identity(Dtype::Float32);
/// let w = init(&ops::zeros(&[2, 2], Dtype::Float32)?)?;
/// assert_eq!(w.to_vec::<f32>()?, vec![1.0, 0.0, 0.0, 1.0]);
/// assert!(init(&ops::zeros(&[2, 3], Dtype::Float32)?).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn identity(dtype: Dtype) -> Initializer {
    Box::new(move |a: &Array| {
        let s = a.shape();
        if s.len() != 2 || s[0] != s[1] {
            return Err(Error::invalid(
                "identity",
                format!(
                    "the input array must be a square matrix but got shape {}",
                    format_shape(s)
                ),
            ));
        }
        ops::eye(s[0] as i64, None, 0, Some(dtype)).map_err(|e| e.in_op("identity"))
    })
}

/// A Glorot (Xavier) normal initializer: normal samples of standard
/// deviation `gain * sqrt(2 / (fan_in + fan_out))` (MLX's
/// `init.glorot_normal`; MLX's default `gain`, a call-time argument there,
/// is `1.0`). Fans as [`fan_in_fan_out`].
///
/// # Errors
/// The returned function fails with `[glorot_normal] glorot / he
/// initialization requires at least 2 dimensional input ...` for an array
/// of fewer than 2 dimensions, and `[glorot_normal] ...` for a zero fan,
/// a non-float `dtype` or a bad key.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, random, Dtype};
/// let init = mlx_nn::init::glorot_normal(Dtype::Float32, 1.0, Some(random::key(0)?));
/// let w = init(&ops::zeros(&[256, 128], Dtype::Float32)?)?;
/// let std = w.std((), false, 0)?.item::<f32>()?;
/// assert!((std - (2.0f32 / 384.0).sqrt()).abs() < 0.005);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn glorot_normal(dtype: Dtype, gain: f64, key: Option<Array>) -> Initializer {
    const OP: &str = "glorot_normal";
    Box::new(move |a: &Array| {
        let (fan_in, fan_out) = fans(OP, a.shape())?;
        let std = glorot_scale(OP, a.shape(), gain, 2.0, fan_in + fan_out)?;
        normal_with(OP, a.shape(), dtype, None, std, key.as_ref())
    })
}

/// A Glorot (Xavier) uniform initializer: uniform samples on `[-limit,
/// limit)` with `limit = gain * sqrt(6 / (fan_in + fan_out))` (MLX's
/// `init.glorot_uniform`; MLX's default `gain` is `1.0`).
///
/// # Errors
/// As [`glorot_normal`], named `[glorot_uniform]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, random, Dtype};
/// let init = mlx_nn::init::glorot_uniform(Dtype::Float32, 1.0, Some(random::key(0)?));
/// let w = init(&ops::zeros(&[4, 2], Dtype::Float32)?)?;
/// assert!(w.to_vec::<f32>()?.iter().all(|x| x.abs() <= 1.0));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn glorot_uniform(dtype: Dtype, gain: f64, key: Option<Array>) -> Initializer {
    const OP: &str = "glorot_uniform";
    Box::new(move |a: &Array| {
        let (fan_in, fan_out) = fans(OP, a.shape())?;
        let limit = glorot_scale(OP, a.shape(), gain, 6.0, fan_in + fan_out)?;
        uniform_with(OP, a.shape(), dtype, -limit, limit, key.as_ref())
    })
}

/// `gain * sqrt(numerator / fans)` in `f64`, as MLX computes it in Python.
fn glorot_scale(
    op: &'static str,
    shape: &[usize],
    gain: f64,
    numerator: f64,
    fans: usize,
) -> Result<f64> {
    if fans == 0 {
        return Err(Error::invalid(
            op,
            format!("fan is 0 for shape {}", format_shape(shape)),
        ));
    }
    Ok(gain * (numerator / fans as f64).sqrt())
}

/// A He (Kaiming) normal initializer: normal samples of standard deviation
/// `gain / sqrt(fan)`, with `fan` the fan-in or fan-out by `mode` (MLX's
/// `init.he_normal`; MLX's call-time defaults are `mode="fan_in"`,
/// `gain=1.0`).
///
/// # Errors
/// The returned function fails with `[he_normal] glorot / he
/// initialization requires at least 2 dimensional input ...` for an array
/// of fewer than 2 dimensions, and `[he_normal] ...` for a zero fan, a
/// non-float `dtype` or a bad key.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, random, Dtype};
/// use mlx_nn::init::{he_normal, FanMode};
/// let init = he_normal(Dtype::Float32, FanMode::FanIn, 1.0, Some(random::key(0)?));
/// let w = init(&ops::zeros(&[128, 256], Dtype::Float32)?)?;
/// let std = w.std((), false, 0)?.item::<f32>()?;
/// assert!((std - 1.0 / 16.0).abs() < 0.005);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn he_normal(dtype: Dtype, mode: FanMode, gain: f64, key: Option<Array>) -> Initializer {
    const OP: &str = "he_normal";
    Box::new(move |a: &Array| {
        let f = fan(OP, a.shape(), mode)?;
        let std = gain / (f as f64).sqrt();
        normal_with(OP, a.shape(), dtype, None, std, key.as_ref())
    })
}

/// A He (Kaiming) uniform initializer: uniform samples on `[-limit, limit)`
/// with `limit = gain * sqrt(3 / fan)` (MLX's `init.he_uniform`; MLX's
/// call-time defaults are `mode="fan_in"`, `gain=1.0`).
///
/// # Errors
/// As [`he_normal`], named `[he_uniform]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, random, Dtype};
/// use mlx_nn::init::{he_uniform, FanMode};
/// let init = he_uniform(Dtype::Float32, FanMode::FanOut, 1.0, Some(random::key(0)?));
/// let w = init(&ops::zeros(&[3, 12], Dtype::Float32)?)?;
/// assert!(w.to_vec::<f32>()?.iter().all(|x| x.abs() <= 1.0));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn he_uniform(dtype: Dtype, mode: FanMode, gain: f64, key: Option<Array>) -> Initializer {
    const OP: &str = "he_uniform";
    Box::new(move |a: &Array| {
        let f = fan(OP, a.shape(), mode)?;
        let limit = gain * (3.0 / f as f64).sqrt();
        uniform_with(OP, a.shape(), dtype, -limit, limit, key.as_ref())
    })
}
