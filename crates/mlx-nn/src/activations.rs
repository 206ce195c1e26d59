//! Activation functions (MLX's `mlx.nn` functions list).

use mlx_core::{ops, Array, Result};

/// Rectified linear unit: `max(x, 0)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 2.0], &[2])?;
/// assert_eq!(mlx_nn::activations::relu(&x)?.to_vec::<f32>()?, vec![0.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn relu(x: &Array) -> Result<Array> {
    let zero = ops::zeros_like(x)?;
    ops::maximum(x, &zero)
}
