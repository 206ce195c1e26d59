//! The activation layers (MLX's `mlx.nn.layers.activations`): modules
//! wrapping the functions of [`crate::activations`], so that they fit in
//! a [`Sequential`](crate::Sequential).

use crate::activations as f;
use crate::{Module, ModuleState, UnaryModule};
use mlx_core::{ops, Array, Dtype, Error, Result};

macro_rules! simple {
    ($($(#[$doc:meta])* $name:ident => $call:expr;)*) => {$(
        $(#[$doc])*
        ///
        /// # Examples
        /// ```
        /// # use mlx_cpu as _;
        /// use mlx_nn::UnaryModule;
        #[doc = concat!("let mut l = mlx_nn::", stringify!($name), "::new();")]
        #[doc = concat!("assert_eq!(l.to_string(), \"", stringify!($name), "()\");")]
        /// let x = mlx_core::Array::from_slice(&[-1.0f32, 0.5, 2.0], &[3])?;
        /// assert_eq!(l.forward(&x)?.shape(), &[3]);
        /// Ok::<(), mlx_core::Error>(())
        /// ```
        #[derive(Debug, Clone, Default, Module)]
        pub struct $name {
            /// Training flag and frozen keys.
            pub state: ModuleState,
        }

        impl $name {
            /// The layer.
            ///
            /// # Examples
            /// ```
            #[doc = concat!("let _ = mlx_nn::", stringify!($name), "::new();")]
            /// ```
            pub fn new() -> $name {
                $name::default()
            }
        }

        impl UnaryModule for $name {
            fn forward(&mut self, x: &Array) -> Result<Array> {
                let call: fn(&Array) -> Result<Array> = $call;
                call(x)
            }
        }
    )*};
}

simple! {
    /// `max(x, 0)` (MLX's `nn.ReLU`).
    ReLU => f::relu;
    /// `max(x, 0)^2` (MLX's `nn.ReLU2`).
    ReLU2 => f::relu2;
    /// `min(max(x, 0), 6)` (MLX's `nn.ReLU6`).
    ReLU6 => f::relu6;
    /// Scaled ELU (MLX's `nn.SELU`).
    SELU => f::selu;
    /// `x * sigmoid(x)` (MLX's `nn.SiLU`).
    SiLU => f::silu;
    /// Logistic sigmoid (MLX's `nn.Sigmoid`).
    Sigmoid => f::sigmoid;
    /// Hyperbolic tangent (MLX's `nn.Tanh`).
    Tanh => f::tanh;
    /// `log(sigmoid(x))` (MLX's `nn.LogSigmoid`).
    LogSigmoid => f::log_sigmoid;
    /// `x * tanh(softplus(x))` (MLX's `nn.Mish`).
    Mish => f::mish;
    /// Hard swish (MLX's `nn.Hardswish`).
    Hardswish => f::hardswish;
    /// `clip(x, -1, 1)` (MLX's `nn.HardTanh`).
    HardTanh => |x| f::hard_tanh(x, -1.0, 1.0);
    /// `x / (1 + |x|)` (MLX's `nn.Softsign`).
    Softsign => f::softsign;
    /// `log(1 + exp(x))` (MLX's `nn.Softplus`).
    Softplus => f::softplus;
    /// Softmax over the last axis (MLX's `nn.Softmax`).
    Softmax => |x| f::softmax(x, -1);
    /// Log-softmax over the last axis (MLX's `nn.LogSoftmax`).
    LogSoftmax => |x| f::log_softmax(x, -1);
    /// Softmin over the last axis (MLX's `nn.Softmin`).
    Softmin => |x| f::softmin(x, -1);
}

macro_rules! with_param {
    ($($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty = $default:expr) => $call:path;)*) => {$(
        $(#[$doc])*
        ///
        /// # Examples
        /// ```
        /// # use mlx_cpu as _;
        /// use mlx_nn::UnaryModule;
        #[doc = concat!("let mut l = mlx_nn::", stringify!($name), "::default();")]
        #[doc = concat!("assert_eq!(l.to_string(), \"", stringify!($name), "()\");")]
        /// let x = mlx_core::Array::from_slice(&[-1.0f32, 0.5, 2.0], &[3])?;
        /// assert_eq!(l.forward(&x)?.shape(), &[3]);
        /// Ok::<(), mlx_core::Error>(())
        /// ```
        #[derive(Debug, Clone, Module)]
        pub struct $name {
            #[doc = concat!("The `", stringify!($arg), "` argument.")]
            pub $arg: $ty,
            /// Training flag and frozen keys.
            pub state: ModuleState,
        }

        impl $name {
            #[doc = concat!("The layer with `", stringify!($arg), "` (MLX's default: ", stringify!($default), ").")]
            ///
            /// # Examples
            /// ```
            #[doc = concat!("let l = mlx_nn::", stringify!($name), "::new(", stringify!($default), ");")]
            #[doc = concat!("assert_eq!(l.", stringify!($arg), ", ", stringify!($default), ");")]
            /// ```
            pub fn new($arg: $ty) -> $name {
                $name { $arg, state: ModuleState::new() }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::new($default)
            }
        }

        impl UnaryModule for $name {
            fn forward(&mut self, x: &Array) -> Result<Array> {
                $call(x, self.$arg)
            }
        }
    )*};
}

with_param! {
    /// `x` for positive `x`, `negative_slope * x` otherwise (MLX's `nn.LeakyReLU`).
    LeakyReLU(negative_slope: f64 = 0.01) => f::leaky_relu;
    /// Exponential linear unit (MLX's `nn.ELU`).
    ELU(alpha: f64 = 1.0) => f::elu;
    /// Continuously differentiable ELU (MLX's `nn.CELU`).
    CELU(alpha: f64 = 1.0) => f::celu;
    /// Zero inside `[-lambd, lambd]`, shrink towards zero outside (MLX's `nn.Softshrink`).
    Softshrink(lambd: f64 = 0.5) => f::softshrink;
    /// Zero inside `[-lambd, lambd]`, identity outside (MLX's `nn.HardShrink`).
    HardShrink(lambd: f64 = 0.5) => f::hard_shrink;
    /// `1` where `x > threshold`, else `0` (MLX's `nn.Step`).
    Step(threshold: f64 = 0.0) => f::step;
}

/// Gated linear unit along `axis` (MLX's `nn.GLU`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::UnaryModule;
/// let mut g = mlx_nn::GLU::new(-1);
/// let x = mlx_core::ops::ones(&[2, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(g.forward(&x)?.shape(), &[2, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct GLU {
    /// The split axis.
    pub axis: i64,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl GLU {
    /// GLU along `axis` (MLX's default: -1).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::GLU::new(-1).to_string(), "GLU()");
    /// ```
    pub fn new(axis: i64) -> GLU {
        GLU {
            axis,
            state: ModuleState::new(),
        }
    }
}

impl Default for GLU {
    fn default() -> Self {
        GLU::new(-1)
    }
}

impl UnaryModule for GLU {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        f::glu(x, self.axis)
    }
}

/// Parametric ReLU with a learned slope per channel (MLX's `nn.PReLU`):
/// `weight` of shape `(num_parameters,)`, initialised to `init`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::UnaryModule;
/// let mut p = mlx_nn::PReLU::new(1, 0.25)?;
/// let x = mlx_core::Array::from_slice(&[-4.0f32, 2.0], &[2])?;
/// assert_eq!(p.forward(&x)?.to_vec::<f32>()?, vec![-1.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct PReLU {
    /// The slopes.
    pub weight: Array,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl PReLU {
    /// `PReLU(num_parameters, init)` (MLX's defaults: 1, 0.25).
    ///
    /// # Errors
    /// Allocation errors.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::PReLU::new(3, 0.1)?.weight.shape(), &[3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(num_parameters: usize, init: f32) -> Result<PReLU> {
        Ok(PReLU {
            weight: ops::full(&[num_parameters], init, Dtype::Float32)?,
            state: ModuleState::new(),
        })
    }
}

impl UnaryModule for PReLU {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        f::prelu(x, &self.weight)
    }
}

/// The approximation of [`GELU`] (MLX's `approx` argument).
///
/// # Examples
/// ```
/// assert_eq!(mlx_nn::GeluApprox::parse("tanh")?, mlx_nn::GeluApprox::Tanh);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeluApprox {
    /// The exact GELU (`"none"`).
    #[default]
    None,
    /// The tanh approximation (`"precise"`).
    Precise,
    /// The tanh approximation (`"tanh"`, same as `"precise"`).
    Tanh,
    /// The sigmoid approximation (`"fast"`).
    Fast,
}

impl GeluApprox {
    /// From MLX's string.
    ///
    /// # Errors
    /// `[GELU] the approximation should be in ["none", "precise", "tanh", "fast"] but 'x' was given`.
    ///
    /// # Examples
    /// ```
    /// assert!(mlx_nn::GeluApprox::parse("x").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<GeluApprox> {
        Ok(match s {
            "none" => GeluApprox::None,
            "precise" => GeluApprox::Precise,
            "tanh" => GeluApprox::Tanh,
            "fast" => GeluApprox::Fast,
            other => {
                return Err(Error::invalid(
                    "GELU",
                    format!(
                        "the approximation should be in [\"none\", \"precise\", \"tanh\", \"fast\"] but '{other}' was given"
                    ),
                ))
            }
        })
    }
}

/// Gaussian error linear unit (MLX's `nn.GELU`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::UnaryModule;
/// let mut g = mlx_nn::GELU::new(mlx_nn::GeluApprox::Fast);
/// assert_eq!(g.to_string(), "GELU()");
/// let x = mlx_core::Array::from_slice(&[0.0f32], &[1])?;
/// assert_eq!(g.forward(&x)?.to_vec::<f32>()?, vec![0.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, Module)]
pub struct GELU {
    /// The approximation.
    #[module(skip)]
    pub approx: GeluApprox,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl GELU {
    /// GELU with an approximation (MLX's default: none).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::GELU::new(Default::default()).approx, mlx_nn::GeluApprox::None);
    /// ```
    pub fn new(approx: GeluApprox) -> GELU {
        GELU {
            approx,
            state: ModuleState::new(),
        }
    }
}

impl UnaryModule for GELU {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        match self.approx {
            GeluApprox::None => f::gelu(x),
            GeluApprox::Precise | GeluApprox::Tanh => f::gelu_approx(x),
            GeluApprox::Fast => f::gelu_fast_approx(x),
        }
    }
}
