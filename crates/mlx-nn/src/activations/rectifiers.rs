//! Piecewise activations: the ReLU family, ELU family, clamps, shrinks and
//! the step function.

use super::scalars::{labeled, weak};
use mlx_core::{ops, Array, Result};

/// Rectified linear unit: `max(x, 0)` (MLX's `relu`).
///
/// # Errors
/// `[relu] ...` for a dtype `maximum` rejects.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 2.0], &[2])?;
/// assert_eq!(mlx_nn::activations::relu(&x)?.to_vec::<f32>()?, vec![0.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn relu(x: &Array) -> Result<Array> {
    labeled("relu", || ops::maximum(x, &weak(0, x)?))
}

/// ReLU squared: `max(x, 0)^2` (MLX's `relu2`).
///
/// # Errors
/// `[relu2] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 3.0], &[2])?;
/// assert_eq!(mlx_nn::activations::relu2(&x)?.to_vec::<f32>()?, vec![0.0, 9.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn relu2(x: &Array) -> Result<Array> {
    labeled("relu2", || ops::square(&ops::maximum(x, &weak(0, x)?)?))
}

/// ReLU capped at 6: `min(max(x, 0), 6)` (MLX's `relu6`). An integer input
/// gives `float32`, as in MLX (the cap is the float `6.0`).
///
/// # Errors
/// `[relu6] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 3.0, 7.0], &[3])?;
/// assert_eq!(mlx_nn::activations::relu6(&x)?.to_vec::<f32>()?, vec![0.0, 3.0, 6.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn relu6(x: &Array) -> Result<Array> {
    labeled("relu6", || {
        let r = ops::maximum(x, &weak(0, x)?)?;
        ops::minimum(&r, &weak(6.0f64, &r)?)
    })
}

/// Leaky ReLU: `max(negative_slope * x, x)` (MLX's `leaky_relu`; MLX's
/// default `negative_slope` is `0.01`).
///
/// # Errors
/// `[leaky_relu] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-2.0f32, 3.0], &[2])?;
/// let y = mlx_nn::activations::leaky_relu(&x, 0.5)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![-1.0, 3.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn leaky_relu(x: &Array, negative_slope: f64) -> Result<Array> {
    labeled("leaky_relu", || ops::maximum(&(x * negative_slope)?, x))
}

/// Parametric ReLU: `max(0, x) + alpha * min(0, x)` with a learned `alpha`
/// broadcast against `x` (MLX's `prelu`).
///
/// # Errors
/// `[prelu] shapes (3,) and (2,) cannot be broadcast` when `alpha` does not
/// broadcast against `x`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// let x = Array::from_slice(&[-2.0f32, 3.0], &[2])?;
/// let alpha = Array::from_slice(&[0.25f32], &[1])?;
/// let y = mlx_nn::activations::prelu(&x, &alpha)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![-0.5, 3.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn prelu(x: &Array, alpha: &Array) -> Result<Array> {
    labeled("prelu", || {
        let zero = weak(0, x)?;
        ops::maximum(&zero, x)? + (alpha * ops::minimum(&zero, x)?)?
    })
}

/// Exponential linear unit: `x` where `x > 0`, else `alpha * (exp(x) - 1)`
/// (MLX's `elu`; MLX's default `alpha` is `1.0`).
///
/// # Errors
/// `[elu] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32, 2.0], &[2])?;
/// assert_eq!(mlx_nn::activations::elu(&x, 1.0)?.to_vec::<f32>()?, vec![0.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn elu(x: &Array, alpha: f64) -> Result<Array> {
    labeled("elu", || elu_unlabeled(x, alpha))
}

fn elu_unlabeled(x: &Array, alpha: f64) -> Result<Array> {
    let positive = ops::greater(x, &weak(0, x)?)?;
    let negative = ((ops::exp(x)? - 1)? * alpha)?;
    ops::where_(&positive, x, &negative)
}

/// Continuously differentiable ELU:
/// `max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)` (MLX's `celu`; MLX's
/// default `alpha` is `1.0`).
///
/// # Errors
/// `[celu] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32, 2.0], &[2])?;
/// assert_eq!(mlx_nn::activations::celu(&x, 1.0)?.to_vec::<f32>()?, vec![0.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn celu(x: &Array, alpha: f64) -> Result<Array> {
    labeled("celu", || {
        let pos = ops::maximum(x, &weak(0.0f64, x)?)?;
        let neg = ((ops::exp(&(ops::minimum(x, &weak(0.0f64, x)?)? / alpha)?)? - 1)? * alpha)?;
        pos + neg
    })
}

/// Scaled ELU: `elu(x, 1.67326) * 1.0507` (MLX's `selu`, with MLX's
/// rounded constants).
///
/// # Errors
/// `[selu] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32, 1.0], &[2])?;
/// assert_eq!(mlx_nn::activations::selu(&x)?.to_vec::<f32>()?, vec![0.0, 1.0507]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn selu(x: &Array) -> Result<Array> {
    labeled("selu", || elu_unlabeled(x, 1.67326)? * 1.0507f64)
}

/// Hard tanh: `min(max(x, min_val), max_val)` (MLX's `hard_tanh`; MLX's
/// defaults are `min_val = -1.0`, `max_val = 1.0`).
///
/// # Errors
/// `[hard_tanh] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-3.0f32, 0.5, 3.0], &[3])?;
/// let y = mlx_nn::activations::hard_tanh(&x, -1.0, 1.0)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![-1.0, 0.5, 1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn hard_tanh(x: &Array, min_val: f64, max_val: f64) -> Result<Array> {
    labeled("hard_tanh", || {
        let lo = ops::maximum(x, &weak(min_val, x)?)?;
        ops::minimum(&lo, &weak(max_val, &lo)?)
    })
}

/// Hard shrink: `x` where `|x| > lambd`, else `0` (MLX's `hard_shrink`;
/// MLX's default `lambd` is `0.5`).
///
/// # Errors
/// `[hard_shrink] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 0.25, 2.0], &[3])?;
/// let y = mlx_nn::activations::hard_shrink(&x, 0.5)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![-1.0, 0.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn hard_shrink(x: &Array, lambd: f64) -> Result<Array> {
    labeled("hard_shrink", || {
        let keep = ops::greater(&ops::abs(x)?, &weak(lambd, x)?)?;
        ops::where_(&keep, x, &weak(0, x)?)
    })
}

/// Soft shrink: `x - sign(x) * lambd` where `|x| > lambd`, else `0` (MLX's
/// `softshrink`; MLX's default `lambd` is `0.5`).
///
/// # Errors
/// `[softshrink] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 0.25, 2.0], &[3])?;
/// let y = mlx_nn::activations::softshrink(&x, 0.5)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![-0.5, 0.0, 1.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn softshrink(x: &Array, lambd: f64) -> Result<Array> {
    labeled("softshrink", || {
        let keep = ops::greater(&ops::abs(x)?, &weak(lambd, x)?)?;
        let shrunk = (x - (ops::sign(x)? * lambd)?)?;
        ops::where_(&keep, &shrunk, &weak(0, &shrunk)?)
    })
}

/// Binary step: `1` where `x >= threshold`, else `0`, as `int32` whatever
/// the input dtype (MLX's `step`, which returns `where(x >= t, 1, 0)`;
/// MLX's default `threshold` is `0.0`).
///
/// # Errors
/// `[step] ...` for a dtype the comparison rejects.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 0.0, 2.0], &[3])?;
/// let y = mlx_nn::activations::step(&x, 0.0)?;
/// assert_eq!(y.to_vec::<i32>()?, vec![0, 1, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn step(x: &Array, threshold: f64) -> Result<Array> {
    labeled("step", || {
        let on = ops::greater_equal(x, &weak(threshold, x)?)?;
        ops::where_(&on, &Array::from_scalar(1i32), &Array::from_scalar(0i32))
    })
}
