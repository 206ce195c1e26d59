//! `Linear` and `Identity` (MLX's `mlx.nn.layers.linear`).

use crate::module::py_bool;
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::{ops, random, Array, Dtype, Error, Result};

/// `uniform(-scale, scale)` of `shape` in float32, MLX's default init.
pub(crate) fn uniform_init(scale: f64, shape: &[usize]) -> Result<Array> {
    let lo = Array::from_scalar(-scale as f32);
    let hi = Array::from_scalar(scale as f32);
    random::uniform(&lo, &hi, shape, Dtype::Float32, None)
}

/// Check that `x`'s last dimension is `dims`.
pub(crate) fn check_last_dim(op: &'static str, x: &Array, dims: usize, what: &str) -> Result<()> {
    match x.shape().last() {
        Some(&d) if d == dims => Ok(()),
        Some(&d) => Err(Error::invalid(
            op,
            format!("input last dim {d} does not match {what} {dims}"),
        )),
        None => Err(Error::invalid(op, "input must have at least one dimension")),
    }
}

/// An affine map `y = x W^T + b` (MLX's `nn.Linear`): `weight` of shape
/// `(output_dims, input_dims)` and `bias` of shape `(output_dims,)`, both
/// initialised from `uniform(-1/sqrt(input_dims), 1/sqrt(input_dims))`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Linear, UnaryModule};
/// let mut l = Linear::new(2, 3)?;
/// assert_eq!(l.to_string(), "Linear(input_dims=2, output_dims=3, bias=True)");
/// let y = l.forward(&mlx_core::ops::zeros(&[5, 2], mlx_core::Dtype::Float32)?)?;
/// assert_eq!(y.shape(), &[5, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct Linear {
    /// The `(output_dims, input_dims)` weight.
    pub weight: Array,
    /// The `(output_dims,)` bias, when the layer has one.
    pub bias: Option<Array>,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl Linear {
    /// A layer with a bias (MLX's `Linear(input_dims, output_dims)`).
    ///
    /// # Errors
    /// Errors of the random initialiser.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::Linear::new(4, 8)?;
    /// assert_eq!(l.weight.shape(), &[8, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(input_dims: usize, output_dims: usize) -> Result<Linear> {
        Linear::with_bias(input_dims, output_dims, true)
    }

    /// A layer with or without a bias (MLX's `Linear(.., bias=...)`).
    ///
    /// # Errors
    /// Errors of the random initialiser.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::Linear::with_bias(4, 8, false)?;
    /// assert!(l.bias.is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_bias(input_dims: usize, output_dims: usize, bias: bool) -> Result<Linear> {
        let scale = (1.0 / input_dims as f64).sqrt();
        let weight = uniform_init(scale, &[output_dims, input_dims])?;
        let bias = if bias {
            Some(uniform_init(scale, &[output_dims])?)
        } else {
            None
        };
        Ok(Linear {
            weight,
            bias,
            state: ModuleState::new(),
        })
    }

    /// `input_dims`, from the weight's shape.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::Linear::new(4, 8)?.input_dims(), 4);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn input_dims(&self) -> usize {
        self.weight.shape().get(1).copied().unwrap_or(0)
    }

    /// `output_dims`, from the weight's shape.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::Linear::new(4, 8)?.output_dims(), 8);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn output_dims(&self) -> usize {
        self.weight.shape().first().copied().unwrap_or(0)
    }
}

impl ExtraRepr for Linear {
    fn extra_repr(&self) -> String {
        format!(
            "input_dims={}, output_dims={}, bias={}",
            self.input_dims(),
            self.output_dims(),
            py_bool(self.bias.is_some())
        )
    }
}

impl UnaryModule for Linear {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "Linear";
        check_last_dim(OP, x, self.input_dims(), "input_dims")?;
        let wt = self.weight.t().map_err(|e| e.in_op(OP))?;
        match &self.bias {
            Some(b) => ops::addmm(b, x, &wt, 1.0, 1.0),
            None => x.matmul(&wt),
        }
        .map_err(|e| e.in_op(OP))
    }

    fn to_quantized(
        &self,
        group_size: Option<usize>,
        bits: Option<usize>,
    ) -> Option<Result<Box<dyn UnaryModule>>> {
        Some(
            crate::QuantizedLinear::from_linear(self, group_size, bits)
                .map(|q| Box::new(q) as Box<dyn UnaryModule>),
        )
    }
}

/// A placeholder that returns its input (MLX's `nn.Identity`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Identity, UnaryModule};
/// let x = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
/// assert_eq!(Identity::new().forward(&x)?.to_vec::<f32>()?, vec![1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, Module)]
pub struct Identity {
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl Identity {
    /// The identity layer.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::Identity::new().to_string(), "Identity()");
    /// ```
    pub fn new() -> Identity {
        Identity::default()
    }
}

impl UnaryModule for Identity {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        Ok(x.clone())
    }
}
