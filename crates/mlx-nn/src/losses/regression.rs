//! Regression losses: L1, mean squared error, smooth L1, Huber, log-cosh
//! and the Gaussian negative log likelihood.

use super::reduction::{same_shape, Reduction};
use crate::activations::scalars::{labeled, weak};
use mlx_core::{ops, Array, Result};

/// Options of [`l1_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct L1LossOptions {
    /// Reduction (default [`Reduction::Mean`]).
    pub reduction: Reduction,
}

impl Default for L1LossOptions {
    fn default() -> Self {
        Self {
            reduction: Reduction::Mean,
        }
    }
}

/// L1 loss `|predictions - targets|` (MLX's `l1_loss`).
///
/// # Errors
/// `[l1_loss] predictions shape (2,) does not match targets shape (3,)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{l1_loss, L1LossOptions};
/// let p = Array::from_slice(&[1.0f32, 4.0], &[2])?;
/// let t = Array::from_slice(&[2.0f32, 2.0], &[2])?;
/// assert_eq!(l1_loss(&p, &t, &L1LossOptions::default())?.item::<f32>()?, 1.5);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn l1_loss(predictions: &Array, targets: &Array, options: &L1LossOptions) -> Result<Array> {
    const OP: &str = "l1_loss";
    labeled(OP, || {
        same_shape(OP, ("predictions", predictions), ("targets", targets))?;
        options
            .reduction
            .apply(&ops::abs(&(predictions - targets)?)?)
    })
}

/// Options of [`mse_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct MseLossOptions {
    /// Reduction (default [`Reduction::Mean`]).
    pub reduction: Reduction,
}

impl Default for MseLossOptions {
    fn default() -> Self {
        Self {
            reduction: Reduction::Mean,
        }
    }
}

/// Mean squared error `(predictions - targets)^2` (MLX's `mse_loss`).
///
/// # Errors
/// `[mse_loss] predictions shape (2,) does not match targets shape (3,)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{mse_loss, MseLossOptions, Reduction};
/// let p = Array::from_slice(&[1.0f32, 4.0], &[2])?;
/// let t = Array::from_slice(&[2.0f32, 2.0], &[2])?;
/// assert_eq!(mse_loss(&p, &t, &MseLossOptions::default())?.item::<f32>()?, 2.5);
/// let sum = MseLossOptions { reduction: Reduction::Sum };
/// assert_eq!(mse_loss(&p, &t, &sum)?.item::<f32>()?, 5.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn mse_loss(predictions: &Array, targets: &Array, options: &MseLossOptions) -> Result<Array> {
    const OP: &str = "mse_loss";
    labeled(OP, || {
        same_shape(OP, ("predictions", predictions), ("targets", targets))?;
        options
            .reduction
            .apply(&ops::square(&(predictions - targets)?)?)
    })
}

/// Options of [`smooth_l1_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct SmoothL1LossOptions {
    /// Where the loss turns from squared to absolute (default `1.0`).
    pub beta: f64,
    /// Reduction (default [`Reduction::Mean`]).
    pub reduction: Reduction,
}

impl Default for SmoothL1LossOptions {
    fn default() -> Self {
        Self {
            beta: 1.0,
            reduction: Reduction::Mean,
        }
    }
}

/// Smooth L1 loss: `0.5 * d^2 / beta` where `d = |predictions - targets| <
/// beta`, else `d - 0.5 * beta` (MLX's `smooth_l1_loss`).
///
/// # Errors
/// `[smooth_l1_loss] predictions shape (2,) does not match targets shape
/// (3,)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{smooth_l1_loss, Reduction, SmoothL1LossOptions};
/// let p = Array::from_slice(&[0.5f32, 3.0], &[2])?;
/// let t = Array::from_slice(&[0.0f32, 0.0], &[2])?;
/// let o = SmoothL1LossOptions { reduction: Reduction::None, ..Default::default() };
/// assert_eq!(smooth_l1_loss(&p, &t, &o)?.to_vec::<f32>()?, vec![0.125, 2.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn smooth_l1_loss(
    predictions: &Array,
    targets: &Array,
    options: &SmoothL1LossOptions,
) -> Result<Array> {
    const OP: &str = "smooth_l1_loss";
    labeled(OP, || {
        same_shape(OP, ("predictions", predictions), ("targets", targets))?;
        let beta = options.beta;
        let diff = ops::abs(&(predictions - targets)?)?;
        let small = ops::less(&diff, &weak(beta, &diff)?)?;
        let quadratic = ((ops::square(&diff)? * 0.5f64)? / beta)?;
        let linear = (ops::abs(&diff)? - 0.5 * beta)?;
        options
            .reduction
            .apply(&ops::where_(&small, &quadratic, &linear)?)
    })
}

/// Options of [`huber_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct HuberLossOptions {
    /// Where the loss turns from squared to linear (default `1.0`).
    pub delta: f64,
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for HuberLossOptions {
    fn default() -> Self {
        Self {
            delta: 1.0,
            reduction: Reduction::None,
        }
    }
}

/// Huber loss: `0.5 * a^2` for `|a| <= delta`, else `delta * (|a| - 0.5 *
/// delta)`, with `a = inputs - targets` (MLX's `huber_loss`, computed as
/// `0.5 * min(|a|, delta)^2 + delta * (|a| - min(|a|, delta))`; the arrays
/// broadcast).
///
/// # Errors
/// `[huber_loss] shapes (2,) and (3,) cannot be broadcast`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{huber_loss, HuberLossOptions};
/// let x = Array::from_slice(&[0.5f32, 3.0], &[2])?;
/// let t = Array::from_slice(&[0.0f32, 0.0], &[2])?;
/// assert_eq!(huber_loss(&x, &t, &HuberLossOptions::default())?.to_vec::<f32>()?, vec![0.125, 2.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn huber_loss(inputs: &Array, targets: &Array, options: &HuberLossOptions) -> Result<Array> {
    labeled("huber_loss", || {
        let delta = options.delta;
        let abs_errors = ops::abs(&(inputs - targets)?)?;
        let quadratic = ops::minimum(&abs_errors, &weak(delta, &abs_errors)?)?;
        let linear = (&abs_errors - &quadratic)?;
        let q2 = ops::power(&quadratic, &weak(2, &quadratic)?)?;
        let loss = ((q2 * 0.5f64)? + (linear * delta)?)?;
        options.reduction.apply(&loss)
    })
}

/// Options of [`log_cosh_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct LogCoshLossOptions {
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for LogCoshLossOptions {
    fn default() -> Self {
        Self {
            reduction: Reduction::None,
        }
    }
}

/// Log-cosh loss `log(cosh(inputs - targets))`, computed stably as
/// `logaddexp(a, -a) - log(2)` (MLX's `log_cosh_loss`; the arrays
/// broadcast).
///
/// # Errors
/// `[log_cosh_loss] shapes (2,) and (3,) cannot be broadcast`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{log_cosh_loss, LogCoshLossOptions};
/// let x = Array::from_slice(&[1.0f32], &[1])?;
/// let t = Array::from_slice(&[0.0f32], &[1])?;
/// let l = log_cosh_loss(&x, &t, &LogCoshLossOptions::default())?.item::<f32>()?;
/// assert!((l - 1.0f32.cosh().ln()).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn log_cosh_loss(
    inputs: &Array,
    targets: &Array,
    options: &LogCoshLossOptions,
) -> Result<Array> {
    labeled("log_cosh_loss", || {
        let errors = (inputs - targets)?;
        let loss = (ops::logaddexp(&errors, &ops::negative(&errors)?)? - std::f64::consts::LN_2)?;
        options.reduction.apply(&loss)
    })
}

/// Options of [`gaussian_nll_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct GaussianNllLossOptions {
    /// Whether to add the constant `0.5 * log(2 pi)` (default `false`).
    pub full: bool,
    /// Lower clamp of the variances (default `1e-6`).
    pub eps: f64,
    /// Reduction (default [`Reduction::Mean`]).
    pub reduction: Reduction,
}

impl Default for GaussianNllLossOptions {
    fn default() -> Self {
        Self {
            full: false,
            eps: 1e-6,
            reduction: Reduction::Mean,
        }
    }
}

/// Gaussian negative log likelihood of `targets` under predicted means
/// `inputs` and variances `vars`: `0.5 * (log(v) + (t - x)^2 / v)` with `v =
/// max(vars, eps)`, plus `0.5 * log(2 pi)` when `full` (MLX's
/// `gaussian_nll_loss`).
///
/// # Errors
/// `[gaussian_nll_loss] inputs shape (2,) does not match targets shape
/// (3,)`, and the same for `vars`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{gaussian_nll_loss, GaussianNllLossOptions};
/// let x = Array::from_slice(&[0.0f32], &[1])?;
/// let t = Array::from_slice(&[2.0f32], &[1])?;
/// let v = Array::from_slice(&[1.0f32], &[1])?;
/// let l = gaussian_nll_loss(&x, &t, &v, &GaussianNllLossOptions::default())?;
/// assert_eq!(l.item::<f32>()?, 2.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn gaussian_nll_loss(
    inputs: &Array,
    targets: &Array,
    vars: &Array,
    options: &GaussianNllLossOptions,
) -> Result<Array> {
    const OP: &str = "gaussian_nll_loss";
    labeled(OP, || {
        same_shape(OP, ("inputs", inputs), ("targets", targets))?;
        same_shape(OP, ("inputs", inputs), ("vars", vars))?;
        let v = ops::maximum(vars, &weak(options.eps, vars)?)?;
        let sq = ops::square(&(targets - inputs)?)?;
        let mut loss = ((ops::log(&v)? + (sq / &v)?)? * 0.5f64)?;
        if options.full {
            loss = (loss + 0.5 * (2.0 * std::f64::consts::PI).ln())?;
        }
        options.reduction.apply(&loss)
    })
}
