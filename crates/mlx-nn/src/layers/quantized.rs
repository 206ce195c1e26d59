//! `QuantizedLinear` and `QuantizedEmbedding` (MLX's
//! `mlx.nn.layers.quantized`), affine mode: packed `uint32` weights with a
//! scale and a bias per group. Their parameters are frozen, as in MLX.

use super::embedding::Embedding;
use super::linear::{uniform_init, Linear};
use crate::module::py_bool;
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::ops::{self, QuantizationMode};
use mlx_core::{random, Array, Dtype, Error, Result};

/// MLX's defaults for the affine mode: group size 64, 4 bits.
fn defaults(group_size: Option<usize>, bits: Option<usize>) -> (usize, usize) {
    (group_size.unwrap_or(64), bits.unwrap_or(4))
}

fn quantize(op: &'static str, w: &Array, gs: usize, bits: usize) -> Result<(Array, Array, Array)> {
    ops::quantize(w, Some(gs), Some(bits), QuantizationMode::Affine).map_err(|e| e.in_op(op))
}

/// A linear layer with a quantized weight (MLX's `nn.QuantizedLinear`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{QuantizedLinear, UnaryModule};
/// let mut q = QuantizedLinear::new(64, 8, true, None, None)?;
/// assert_eq!(q.to_string(), "QuantizedLinear(input_dims=64, output_dims=8, bias=True, group_size=64, bits=4, mode=affine)");
/// let y = q.forward(&mlx_core::ops::ones(&[2, 64], mlx_core::Dtype::Float32)?)?;
/// assert_eq!(y.shape(), &[2, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct QuantizedLinear {
    /// Packed weight `(output_dims, input_dims * bits / 32)`, `uint32`.
    pub weight: Array,
    /// Scales `(output_dims, input_dims / group_size)`.
    pub scales: Array,
    /// Biases of the affine quantization, like `scales`.
    pub biases: Array,
    /// The layer's bias `(output_dims,)`, when present.
    pub bias: Option<Array>,
    /// Elements per quantization group.
    pub group_size: usize,
    /// Bits per element.
    pub bits: usize,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl QuantizedLinear {
    /// A randomly initialised layer (MLX's `QuantizedLinear(input_dims,
    /// output_dims, bias, group_size, bits)`; defaults 64 and 4); every
    /// parameter is frozen.
    ///
    /// # Errors
    /// `[QuantizedLinear] ...` when `input_dims` is not a multiple of the
    /// group size, or bad `bits`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::QuantizedLinear::new(30, 8, true, None, None).is_err());
    /// ```
    pub fn new(
        input_dims: usize,
        output_dims: usize,
        bias: bool,
        group_size: Option<usize>,
        bits: Option<usize>,
    ) -> Result<Self> {
        let (gs, bits) = defaults(group_size, bits);
        let scale = (1.0 / input_dims as f64).sqrt();
        let w = uniform_init(scale, &[output_dims, input_dims])?;
        let (weight, scales, biases) = quantize("QuantizedLinear", &w, gs, bits)?;
        let mut state = ModuleState::new();
        state.freeze_keys(["weight", "scales", "biases", "bias"]);
        Ok(QuantizedLinear {
            weight,
            scales,
            biases,
            bias: if bias {
                Some(ops::zeros(&[output_dims], Dtype::Float32)?)
            } else {
                None
            },
            group_size: gs,
            bits,
            state,
        })
    }

    /// Quantize a [`Linear`] (MLX's `QuantizedLinear.from_linear`); its
    /// bias is copied and stays trainable, as in MLX.
    ///
    /// # Errors
    /// As [`QuantizedLinear::new`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::Linear::new(64, 4)?;
    /// let q = mlx_nn::QuantizedLinear::from_linear(&l, None, Some(8))?;
    /// assert_eq!(q.weight.shape(), &[4, 16]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_linear(
        linear: &Linear,
        group_size: Option<usize>,
        bits: Option<usize>,
    ) -> Result<Self> {
        let (gs, bits) = defaults(group_size, bits);
        let (weight, scales, biases) = quantize("QuantizedLinear", &linear.weight, gs, bits)?;
        let mut state = ModuleState::new();
        state.freeze_keys(["weight", "scales", "biases"]);
        Ok(QuantizedLinear {
            weight,
            scales,
            biases,
            bias: linear.bias.clone(),
            group_size: gs,
            bits,
            state,
        })
    }

    /// `input_dims`, from the packed weight.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::QuantizedLinear::new(64, 8, false, None, None)?.input_dims(), 64);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn input_dims(&self) -> usize {
        self.weight.shape().get(1).copied().unwrap_or(0) * 32 / self.bits.max(1)
    }
}

impl ExtraRepr for QuantizedLinear {
    fn extra_repr(&self) -> String {
        format!(
            "input_dims={}, output_dims={}, bias={}, group_size={}, bits={}, mode=affine",
            self.input_dims(),
            self.weight.shape().first().unwrap_or(&0),
            py_bool(self.bias.is_some()),
            self.group_size,
            self.bits
        )
    }
}

impl UnaryModule for QuantizedLinear {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "QuantizedLinear";
        super::linear::check_last_dim(OP, x, self.input_dims(), "input_dims")?;
        let y = ops::quantized_matmul(
            x,
            &self.weight,
            &self.scales,
            &self.biases,
            true,
            Some(self.group_size),
            Some(self.bits),
            QuantizationMode::Affine,
        )
        .map_err(|e| e.in_op(OP))?;
        match &self.bias {
            Some(b) => (y + b).map_err(|e| e.in_op(OP)),
            None => Ok(y),
        }
    }
}

/// An embedding with a quantized table (MLX's `nn.QuantizedEmbedding`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{QuantizedEmbedding, UnaryModule};
/// let mut e = QuantizedEmbedding::new(10, 64, None, None)?;
/// assert_eq!(e.to_string(), "QuantizedEmbedding(10, 64, group_size=64, bits=4, mode=affine)");
/// let ids = mlx_core::Array::from_slice(&[1u32, 2], &[2])?;
/// assert_eq!(e.forward(&ids)?.shape(), &[2, 64]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct QuantizedEmbedding {
    /// Packed table `(num_embeddings, dims * bits / 32)`, `uint32`.
    pub weight: Array,
    /// Scales `(num_embeddings, dims / group_size)`.
    pub scales: Array,
    /// Biases of the affine quantization.
    pub biases: Array,
    /// Number of embeddings.
    pub num_embeddings: usize,
    /// Embedding size.
    pub dims: usize,
    /// Elements per quantization group.
    pub group_size: usize,
    /// Bits per element.
    pub bits: usize,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl QuantizedEmbedding {
    /// A randomly initialised table (MLX's `QuantizedEmbedding(num_embeddings,
    /// dims, group_size, bits)`), frozen.
    ///
    /// # Errors
    /// `[QuantizedEmbedding] ...` when `dims` is not a multiple of the group size.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::QuantizedEmbedding::new(10, 48, None, None).is_err());
    /// ```
    pub fn new(
        num_embeddings: usize,
        dims: usize,
        group_size: Option<usize>,
        bits: Option<usize>,
    ) -> Result<Self> {
        let (gs, bits) = defaults(group_size, bits);
        let scale = Array::from_scalar((1.0 / dims as f64).sqrt() as f32);
        let w = random::normal(
            &[num_embeddings, dims],
            Dtype::Float32,
            None,
            Some(&scale),
            None,
        )?;
        Self::from_weight(&w, gs, bits)
    }

    fn from_weight(w: &Array, gs: usize, bits: usize) -> Result<Self> {
        let (weight, scales, biases) = quantize("QuantizedEmbedding", w, gs, bits)?;
        let mut state = ModuleState::new();
        state.freeze_keys(["weight", "scales", "biases"]);
        Ok(QuantizedEmbedding {
            weight,
            scales,
            biases,
            num_embeddings: w.shape()[0],
            dims: w.shape()[1],
            group_size: gs,
            bits,
            state,
        })
    }

    /// Quantize an [`Embedding`] (MLX's `QuantizedEmbedding.from_embedding`).
    ///
    /// # Errors
    /// As [`QuantizedEmbedding::new`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let e = mlx_nn::Embedding::new(4, 64)?;
    /// assert_eq!(mlx_nn::QuantizedEmbedding::from_embedding(&e, None, None)?.num_embeddings, 4);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_embedding(
        e: &Embedding,
        group_size: Option<usize>,
        bits: Option<usize>,
    ) -> Result<Self> {
        let (gs, bits) = defaults(group_size, bits);
        Self::from_weight(&e.weight, gs, bits)
    }

    /// Use the table as a linear layer (MLX's `QuantizedEmbedding.as_linear`).
    ///
    /// # Errors
    /// `[QuantizedEmbedding] input last dim 3 does not match dims 64`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let e = mlx_nn::QuantizedEmbedding::new(10, 64, None, None)?;
    /// let x = mlx_core::ops::ones(&[2, 64], mlx_core::Dtype::Float32)?;
    /// assert_eq!(e.as_linear(&x)?.shape(), &[2, 10]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn as_linear(&self, x: &Array) -> Result<Array> {
        const OP: &str = "QuantizedEmbedding";
        super::linear::check_last_dim(OP, x, self.dims, "dims")?;
        ops::quantized_matmul(
            x,
            &self.weight,
            &self.scales,
            &self.biases,
            true,
            Some(self.group_size),
            Some(self.bits),
            QuantizationMode::Affine,
        )
        .map_err(|e| e.in_op(OP))
    }
}

impl ExtraRepr for QuantizedEmbedding {
    fn extra_repr(&self) -> String {
        format!(
            "{}, {}, group_size={}, bits={}, mode=affine",
            self.num_embeddings, self.dims, self.group_size, self.bits
        )
    }
}

impl UnaryModule for QuantizedEmbedding {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "QuantizedEmbedding";
        if !x.dtype().is_integer() {
            return Err(Error::dtype(OP, x.dtype(), "indices must be integers"));
        }
        let f = || -> Result<Array> {
            let w = self.weight.take(x, 0)?;
            let s = self.scales.take(x, 0)?;
            let b = self.biases.take(x, 0)?;
            ops::dequantize(
                &w,
                &s,
                &b,
                Some(self.group_size),
                Some(self.bits),
                QuantizationMode::Affine,
            )
        };
        f().map_err(|e| e.in_op(OP))
    }
}
