//! Smooth activations: sigmoid and tanh, the GELU family, SiLU, Mish,
//! softplus and friends.

use super::scalars::{labeled, weak};
use mlx_core::{ops, Array, Result};

/// Logistic sigmoid: `1 / (1 + exp(-x))` (MLX's `sigmoid`).
///
/// # Errors
/// `[sigmoid] ...` for a dtype the op rejects.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
/// assert_eq!(mlx_nn::activations::sigmoid(&x)?.to_vec::<f32>()?, vec![0.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn sigmoid(x: &Array) -> Result<Array> {
    labeled("sigmoid", || ops::sigmoid(x))
}

/// Hyperbolic tangent (MLX's `tanh`).
///
/// # Errors
/// `[tanh] ...` for a dtype the op rejects.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
/// assert_eq!(mlx_nn::activations::tanh(&x)?.to_vec::<f32>()?, vec![0.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tanh(x: &Array) -> Result<Array> {
    labeled("tanh", || ops::tanh(x))
}

/// Sigmoid linear unit (swish): `x * sigmoid(x)` (MLX's `silu`).
///
/// # Errors
/// `[silu] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32, 2.0], &[2])?;
/// let y = mlx_nn::activations::silu(&x)?.to_vec::<f32>()?;
/// assert!((y[1] - 2.0 / (1.0 + (-2.0f32).exp())).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn silu(x: &Array) -> Result<Array> {
    labeled("silu", || x * ops::sigmoid(x)?)
}

/// Gaussian error linear unit: `x * (1 + erf(x / sqrt(2))) / 2` (MLX's
/// `gelu`). See [`gelu_approx`] and [`gelu_fast_approx`].
///
/// # Errors
/// `[gelu] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32, 1.0], &[2])?;
/// let y = mlx_nn::activations::gelu(&x)?.to_vec::<f32>()?;
/// assert!((y[1] - 0.841_344_7).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn gelu(x: &Array) -> Result<Array> {
    labeled("gelu", || {
        let phi = (ops::erf(&(x / std::f64::consts::SQRT_2)?)? + 1)?;
        (x * phi)? / 2
    })
}

/// The tanh approximation of GELU:
/// `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))` (MLX's
/// `gelu_approx`; absolute error below `0.0005` on `[-6, 6]`).
///
/// # Errors
/// `[gelu_approx] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
/// let y = mlx_nn::activations::gelu_approx(&x)?.item::<f32>()?;
/// assert!((y - 0.841_192).abs() < 1e-5);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn gelu_approx(x: &Array) -> Result<Array> {
    labeled("gelu_approx", || {
        let c = (2.0 / std::f64::consts::PI).sqrt();
        let cube = ops::power(x, &weak(3, x)?)?;
        let inner = ((x + (cube * 0.044715f64)?)? * c)?;
        (x * 0.5f64)? * (ops::tanh(&inner)? + 1)?
    })
}

/// The sigmoid approximation of GELU: `x * sigmoid(1.702 * x)` (MLX's
/// `gelu_fast_approx`; absolute error below `0.015` on `[-6, 6]`).
///
/// # Errors
/// `[gelu_fast_approx] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
/// assert_eq!(mlx_nn::activations::gelu_fast_approx(&x)?.to_vec::<f32>()?, vec![0.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn gelu_fast_approx(x: &Array) -> Result<Array> {
    labeled("gelu_fast_approx", || x * ops::sigmoid(&(x * 1.702f64)?)?)
}

/// Mish: `x * tanh(softplus(x))` (MLX's `mish`).
///
/// # Errors
/// `[mish] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
/// assert_eq!(mlx_nn::activations::mish(&x)?.to_vec::<f32>()?, vec![0.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn mish(x: &Array) -> Result<Array> {
    labeled("mish", || x * ops::tanh(&softplus_unlabeled(x)?)?)
}

/// Hard swish: `x * min(max(x + 3, 0), 6) / 6` (MLX's `hardswish`).
///
/// # Errors
/// `[hardswish] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-4.0f32, 3.0, 4.0], &[3])?;
/// let y = mlx_nn::activations::hardswish(&x)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![0.0, 3.0, 4.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn hardswish(x: &Array) -> Result<Array> {
    labeled("hardswish", || {
        let shifted = (x + 3)?;
        let max_x_3 = ops::maximum(&shifted, &weak(0, &shifted)?)?;
        let capped = ops::minimum(&max_x_3, &weak(6, &max_x_3)?)?;
        (x * capped)? / 6
    })
}

/// Softplus: `log(1 + exp(x))`, computed as `logaddexp(x, 0)` (MLX's
/// `softplus`).
///
/// # Errors
/// `[softplus] ...` for a dtype the inner op rejects.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
/// let y = mlx_nn::activations::softplus(&x)?.item::<f32>()?;
/// assert!((y - std::f32::consts::LN_2).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn softplus(x: &Array) -> Result<Array> {
    labeled("softplus", || softplus_unlabeled(x))
}

fn softplus_unlabeled(x: &Array) -> Result<Array> {
    ops::logaddexp(x, &weak(0, x)?)
}

/// Softsign: `x / (1 + |x|)` (MLX's `softsign`).
///
/// # Errors
/// `[softsign] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[-1.0f32, 3.0], &[2])?;
/// assert_eq!(mlx_nn::activations::softsign(&x)?.to_vec::<f32>()?, vec![-0.5, 0.75]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn softsign(x: &Array) -> Result<Array> {
    labeled("softsign", || ops::divide(x, (ops::abs(x)? + 1)?))
}

/// Log-sigmoid: `log(sigmoid(x)) = -softplus(-x)` (MLX's `log_sigmoid`).
///
/// # Errors
/// `[log_sigmoid] ...` for a dtype the inner ops reject.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
/// let y = mlx_nn::activations::log_sigmoid(&x)?.item::<f32>()?;
/// assert!((y + std::f32::consts::LN_2).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn log_sigmoid(x: &Array) -> Result<Array> {
    labeled("log_sigmoid", || {
        ops::negative(&softplus_unlabeled(&(-x)?)?)
    })
}
