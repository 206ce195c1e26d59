//! Classification losses: cross entropy (class indices or probabilities),
//! binary cross entropy, negative log likelihood, KL divergence and hinge.

use super::reduction::{apply_weights, same_shape, Reduction};
use crate::activations::scalars::{labeled, weak};
use mlx_core::shape::{format_shape, normalize_axis};
use mlx_core::{ops, Array, Error, Result};

/// Options of [`cross_entropy`]; [`Default`] is MLX's defaults.
#[derive(Clone, Debug)]
pub struct CrossEntropyOptions {
    /// Per-sample weights, of the loss's unreduced shape (default `None`).
    pub weights: Option<Array>,
    /// The class axis of the logits (default `-1`).
    pub axis: i64,
    /// Label smoothing factor in `[0, 1)` (default `0.0`).
    pub label_smoothing: f64,
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for CrossEntropyOptions {
    fn default() -> Self {
        Self {
            weights: None,
            axis: -1,
            label_smoothing: 0.0,
            reduction: Reduction::None,
        }
    }
}

/// Cross entropy of unnormalised `logits` against `targets` (MLX's
/// `cross_entropy`). `targets` are class indices (an integer array of the
/// logits' shape without `axis`) or probabilities (the logits' shape); MLX
/// tells them apart by their number of dimensions, and so does this.
///
/// Computes `logsumexp(z) - score` with `z` the logits shifted by their
/// (gradient-stopped) maximum and `score` the target logit (or
/// `sum(z * targets)`); with label smoothing `s`, `logsumexp(z) - (1 - s) *
/// score - s * mean(z)`. Weights multiply the per-sample loss before the
/// reduction.
///
/// # Errors
/// `[cross_entropy] label smoothing must be in [0, 1), got 1`,
/// `[cross_entropy] targets shape (3,) does not match logits shape (2, 4)`,
/// `[cross_entropy] weights with shape (3,) is not the same as output loss
/// with shape (2,)`, an out-of-bounds `axis`, or non-integer class indices.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{cross_entropy, CrossEntropyOptions};
/// let logits = Array::from_slice(&[2.0f32, -1.0, -1.0, 2.0], &[2, 2])?;
/// // Class indices: MLX gives [0.0485873, 0.0485873].
/// let idx = Array::from_slice(&[0i32, 1], &[2])?;
/// let l = cross_entropy(&logits, &idx, &CrossEntropyOptions::default())?.to_vec::<f32>()?;
/// assert!((l[0] - 0.048_587_3).abs() < 1e-6);
/// // Probabilities: MLX gives [0.348587, 0.348587].
/// let probs = Array::from_slice(&[0.9f32, 0.1, 0.1, 0.9], &[2, 2])?;
/// let l = cross_entropy(&logits, &probs, &CrossEntropyOptions::default())?.to_vec::<f32>()?;
/// assert!((l[1] - 0.348_587).abs() < 1e-5);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn cross_entropy(
    logits: &Array,
    targets: &Array,
    options: &CrossEntropyOptions,
) -> Result<Array> {
    const OP: &str = "cross_entropy";
    labeled(OP, || {
        let CrossEntropyOptions {
            weights,
            axis,
            label_smoothing,
            reduction,
        } = options;
        let (axis, ls) = (*axis, *label_smoothing);
        if !(0.0..1.0).contains(&ls) {
            return Err(Error::invalid(
                OP,
                format!("label smoothing must be in [0, 1), got {ls}"),
            ));
        }
        let as_probs = targets.ndim() == logits.ndim();
        let ax = normalize_axis(OP, axis, logits.ndim())?;
        let mut class_shape = logits.shape().to_vec();
        class_shape.remove(ax);
        if (as_probs && targets.shape() != logits.shape())
            || (!as_probs && targets.shape() != class_shape.as_slice())
        {
            return Err(Error::invalid(
                OP,
                format!(
                    "targets shape {} does not match logits shape {}",
                    format_shape(targets.shape()),
                    format_shape(logits.shape())
                ),
            ));
        }
        let max = ops::stop_gradient(&ops::max(logits, axis, true)?)?;
        let z = (logits - max)?;
        let score = if as_probs {
            ops::sum(&(&z * targets)?, axis, false)?
        } else {
            let idx = ops::expand_dims(targets, &[axis])?;
            ops::squeeze(&ops::take_along_axis(&z, &idx, axis)?, &[axis])?
        };
        let lse = ops::logsumexp(&z, &[axis], false)?;
        let loss = if ls > 0.0 {
            let adjusted = (&score * (1.0 - ls))?;
            let smoothed = (ops::negative(&ops::mean(&z, &[axis], false)?)? * ls)?;
            ((lse - adjusted)? + smoothed)?
        } else {
            (lse - score)?
        };
        reduction.apply(&apply_weights(OP, loss, weights.as_ref())?)
    })
}

/// Options of [`binary_cross_entropy`]; [`Default`] is MLX's defaults.
#[derive(Clone, Debug)]
pub struct BinaryCrossEntropyOptions {
    /// Per-element weights, of the inputs' shape (default `None`).
    pub weights: Option<Array>,
    /// Whether the inputs are logits (default `true`) or probabilities.
    pub with_logits: bool,
    /// Reduction (default [`Reduction::Mean`]).
    pub reduction: Reduction,
}

impl Default for BinaryCrossEntropyOptions {
    fn default() -> Self {
        Self {
            weights: None,
            with_logits: true,
            reduction: Reduction::Mean,
        }
    }
}

/// Binary cross entropy (MLX's `binary_cross_entropy`). With logits it is
/// `logaddexp(0, x) - x * t`; with probabilities
/// `-(t * max(log(p), -100) + (1 - t) * max(log(1 - p), -100))`.
///
/// # Errors
/// `[binary_cross_entropy] inputs shape (2,) does not match targets shape
/// (3,)`, or weights of another shape than the loss.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{binary_cross_entropy, BinaryCrossEntropyOptions};
/// let logits = Array::from_slice(&[0.105361f32, 0.223144, 1.20397, 0.916291], &[4])?;
/// let targets = Array::from_slice(&[0i32, 0, 1, 1], &[4])?;
/// let l = binary_cross_entropy(&logits, &targets, &BinaryCrossEntropyOptions::default())?;
/// assert!((l.item::<f32>()? - 0.539_245).abs() < 1e-5); // MLX's docstring value
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn binary_cross_entropy(
    inputs: &Array,
    targets: &Array,
    options: &BinaryCrossEntropyOptions,
) -> Result<Array> {
    const OP: &str = "binary_cross_entropy";
    labeled(OP, || {
        same_shape(OP, ("inputs", inputs), ("targets", targets))?;
        let loss = if options.with_logits {
            (ops::logaddexp(&weak(0.0f64, inputs)?, inputs)? - (inputs * targets)?)?
        } else {
            let log_p = ops::clip(&ops::log(inputs)?, -100.0f64, ())?;
            let log_q = ops::clip(&ops::log(&ops::subtract(1, inputs)?)?, -100.0f64, ())?;
            let pos = (targets * &log_p)?;
            let neg = ops::multiply(ops::subtract(1, targets)?, &log_q)?;
            ops::negative(&(pos + neg)?)?
        };
        options
            .reduction
            .apply(&apply_weights(OP, loss, options.weights.as_ref())?)
    })
}

/// Options of [`nll_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct NllLossOptions {
    /// The distribution axis (default `-1`).
    pub axis: i64,
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for NllLossOptions {
    fn default() -> Self {
        Self {
            axis: -1,
            reduction: Reduction::None,
        }
    }
}

/// Negative log likelihood of class-index `targets` under log-probability
/// `inputs`: `-inputs[.., target, ..]` along `axis` (MLX's `nll_loss`).
///
/// # Errors
/// `[nll_loss] ...` for an out-of-bounds axis, non-integer targets, or
/// targets whose shape does not fit the inputs (the errors of
/// `take_along_axis`, relabelled).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{nll_loss, NllLossOptions};
/// let logp = Array::from_slice(&[-0.5f32, -1.0, -2.0, -0.25], &[2, 2])?;
/// let t = Array::from_slice(&[1i32, 1], &[2])?;
/// assert_eq!(nll_loss(&logp, &t, &NllLossOptions::default())?.to_vec::<f32>()?, vec![1.0, 0.25]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn nll_loss(inputs: &Array, targets: &Array, options: &NllLossOptions) -> Result<Array> {
    labeled("nll_loss", || {
        let axis = options.axis;
        let idx = ops::expand_dims(targets, &[axis])?;
        let picked = ops::take_along_axis(inputs, &idx, axis)?;
        let loss = ops::negative(&ops::squeeze(&picked, &[axis])?)?;
        options.reduction.apply(&loss)
    })
}

/// Options of [`kl_div_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct KlDivLossOptions {
    /// The distribution axis (default `-1`).
    pub axis: i64,
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for KlDivLossOptions {
    fn default() -> Self {
        Self {
            axis: -1,
            reduction: Reduction::None,
        }
    }
}

/// Kullback-Leibler divergence of log-probabilities `targets` from
/// log-probabilities `inputs`: `sum(exp(t) * (t - x), axis)` (MLX's
/// `kl_div_loss`).
///
/// # Errors
/// `[kl_div_loss] ...` for shapes that do not broadcast or an
/// out-of-bounds axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{kl_div_loss, KlDivLossOptions};
/// let p = Array::from_slice(&[0.5f32.ln(), 0.5f32.ln()], &[1, 2])?;
/// let l = kl_div_loss(&p, &p, &KlDivLossOptions::default())?;
/// assert_eq!(l.to_vec::<f32>()?, vec![0.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn kl_div_loss(inputs: &Array, targets: &Array, options: &KlDivLossOptions) -> Result<Array> {
    labeled("kl_div_loss", || {
        let terms = (ops::exp(targets)? * (targets - inputs)?)?;
        options
            .reduction
            .apply(&ops::sum(&terms, options.axis, false)?)
    })
}

/// Options of [`hinge_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct HingeLossOptions {
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for HingeLossOptions {
    fn default() -> Self {
        Self {
            reduction: Reduction::None,
        }
    }
}

/// Hinge loss `max(1 - inputs * targets, 0)` for targets in `{-1, 1}`
/// (MLX's `hinge_loss`; the arrays broadcast).
///
/// # Errors
/// `[hinge_loss] shapes (2,) and (3,) cannot be broadcast`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{hinge_loss, HingeLossOptions};
/// let x = Array::from_slice(&[0.5f32, 2.0], &[2])?;
/// let t = Array::from_slice(&[1.0f32, -1.0], &[2])?;
/// assert_eq!(hinge_loss(&x, &t, &HingeLossOptions::default())?.to_vec::<f32>()?, vec![0.5, 3.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn hinge_loss(inputs: &Array, targets: &Array, options: &HingeLossOptions) -> Result<Array> {
    labeled("hinge_loss", || {
        let margin = (1 - (inputs * targets)?)?;
        let loss = ops::maximum(&margin, &weak(0, &margin)?)?;
        options.reduction.apply(&loss)
    })
}
