//! Activations along one axis: softmax, softmin, log-softmax and the gated
//! linear unit.

use super::scalars::labeled;
use mlx_core::ops::{self, SplitSpec};
use mlx_core::{Array, Result};

/// Softmax along `axis`: `exp(x_i) / sum_j exp(x_j)` (MLX's `nn.softmax`,
/// which is `mx.softmax(x, axis)`; MLX's default `axis` is `-1`).
///
/// # Errors
/// `[softmax] axis 2 is out of bounds for array of 2 dimensions`, or a
/// dtype the op rejects.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32, 0.0], &[2])?;
/// assert_eq!(mlx_nn::activations::softmax(&x, -1)?.to_vec::<f32>()?, vec![0.5, 0.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn softmax(x: &Array, axis: i64) -> Result<Array> {
    labeled("softmax", || ops::softmax(x, &[axis], false))
}

/// Softmin along `axis`: `softmax(-x, axis)` (MLX's `softmin`; MLX's
/// default `axis` is `-1`).
///
/// # Errors
/// `[softmin] axis 2 is out of bounds for array of 2 dimensions`, or a
/// dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[1.0f32, 1.0], &[2])?;
/// assert_eq!(mlx_nn::activations::softmin(&x, 0)?.to_vec::<f32>()?, vec![0.5, 0.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn softmin(x: &Array, axis: i64) -> Result<Array> {
    labeled("softmin", || ops::softmax(&(-x)?, &[axis], false))
}

/// Log-softmax along `axis`: `x - logsumexp(x, axis)`, shifted by the
/// (gradient-stopped) maximum first as MLX does so large logits keep their
/// precision (MLX's `log_softmax`; MLX's default `axis` is `-1`).
///
/// # Errors
/// `[log_softmax] axis 2 is out of bounds for array of 2 dimensions`, or a
/// dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[1.0f32, 1.0], &[2])?;
/// let y = mlx_nn::activations::log_softmax(&x, -1)?.to_vec::<f32>()?;
/// assert!((y[0] + std::f32::consts::LN_2).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn log_softmax(x: &Array, axis: i64) -> Result<Array> {
    labeled("log_softmax", || {
        let shift = ops::stop_gradient(&ops::max(x, axis, true)?)?;
        let shifted = (x - shift)?;
        let lse = ops::logsumexp(&shifted, &[axis], true)?;
        shifted - lse
    })
}

/// Gated linear unit: splits `axis` into halves `a` and `b` and returns
/// `a * sigmoid(b)` (MLX's `glu`; MLX's default `axis` is `-1`).
///
/// # Errors
/// `[glu] ...` when `axis` is out of bounds or its size is odd (the split's
/// message, relabelled).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[2.0f32, 0.0], &[2])?;
/// assert_eq!(mlx_nn::activations::glu(&x, -1)?.to_vec::<f32>()?, vec![1.0]);
/// assert!(mlx_nn::activations::glu(&x, 1).unwrap_err().to_string().starts_with("[glu]"));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn glu(x: &Array, axis: i64) -> Result<Array> {
    labeled("glu", || {
        let halves = ops::split(x, SplitSpec::Sections(2), axis)?;
        &halves[0] * ops::sigmoid(&halves[1])?
    })
}
