//! `Transformer` and its encoder and decoder stacks (MLX's
//! `mlx.nn.layers.transformer`), pre-norm (`norm_first`) or post-norm.

use super::attention::MultiHeadAttention;
use super::dropout::Dropout;
use super::linear::Linear;
use super::normalization::LayerNorm;
use crate::{Module, ModuleState, UnaryModule};
use mlx_core::{Array, Result};

/// An activation function of the feed-forward blocks (MLX's
/// `activation` argument; `relu` by default).
pub type Activation = fn(&Array) -> Result<Array>;

/// The arguments shared by the transformer layers (MLX's defaults via
/// `Default`: `mlp_dims = 4 * dims`, no dropout, `relu`, pre-norm).
///
/// # Examples
/// ```
/// let o = mlx_nn::TransformerOptions { norm_first: false, ..Default::default() };
/// assert!(o.mlp_dims.is_none());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TransformerOptions {
    /// Hidden size of the feed-forward block (`4 * dims` when `None`).
    pub mlp_dims: Option<usize>,
    /// Dropout probability.
    pub dropout: f64,
    /// Feed-forward activation.
    pub activation: Activation,
    /// Normalise before (`true`) or after each block.
    pub norm_first: bool,
}

impl Default for TransformerOptions {
    fn default() -> Self {
        TransformerOptions {
            mlp_dims: None,
            dropout: 0.0,
            activation: crate::activations::relu,
            norm_first: true,
        }
    }
}

fn add(a: &Array, b: &Array) -> Result<Array> {
    a + b
}

/// One encoder block: self-attention and a feed-forward network (MLX's
/// `nn.TransformerEncoderLayer`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let mut l = mlx_nn::TransformerEncoderLayer::new(8, 2, Default::default())?;
/// let x = mlx_core::ops::ones(&[1, 3, 8], mlx_core::Dtype::Float32)?;
/// assert_eq!(l.forward(&x, None)?.shape(), &[1, 3, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct TransformerEncoderLayer {
    /// Self-attention.
    pub attention: MultiHeadAttention,
    /// First norm.
    pub ln1: LayerNorm,
    /// Second norm.
    pub ln2: LayerNorm,
    /// Feed-forward input projection.
    pub linear1: Linear,
    /// Feed-forward output projection.
    pub linear2: Linear,
    /// Dropout after attention.
    pub dropout1: Dropout,
    /// Dropout in the feed-forward block.
    pub dropout2: Dropout,
    /// Feed-forward activation.
    #[module(skip)]
    pub activation: Activation,
    /// Pre-norm or post-norm.
    pub norm_first: bool,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl TransformerEncoderLayer {
    /// The block for `dims` features and `num_heads` heads.
    ///
    /// # Errors
    /// As [`MultiHeadAttention::new`], or a bad dropout probability.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::TransformerEncoderLayer::new(8, 2, Default::default())?;
    /// assert_eq!(l.linear1.output_dims(), 32);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(dims: usize, num_heads: usize, o: TransformerOptions) -> Result<Self> {
        let mlp = o.mlp_dims.unwrap_or(dims * 4);
        Ok(TransformerEncoderLayer {
            attention: MultiHeadAttention::new(dims, num_heads)?,
            ln1: LayerNorm::new(dims)?,
            ln2: LayerNorm::new(dims)?,
            linear1: Linear::new(dims, mlp)?,
            linear2: Linear::new(mlp, dims)?,
            dropout1: Dropout::new(o.dropout)?,
            dropout2: Dropout::new(o.dropout)?,
            activation: o.activation,
            norm_first: o.norm_first,
            state: ModuleState::new(),
        })
    }

    /// Apply the block to `x` `(B, L, dims)` with an optional attention mask.
    ///
    /// # Errors
    /// Errors of the sublayers.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let o = mlx_nn::TransformerOptions { norm_first: false, ..Default::default() };
    /// let mut l = mlx_nn::TransformerEncoderLayer::new(4, 1, o)?;
    /// let x = mlx_core::ops::ones(&[1, 2, 4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(l.forward(&x, None)?.shape(), &[1, 2, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(&mut self, x: &Array, mask: Option<&Array>) -> Result<Array> {
        if self.norm_first {
            let y = self.ln1.forward(x)?;
            let y = self.attention.forward(&y, &y, &y, mask)?;
            let x = add(x, &self.dropout1.forward(&y)?)?;
            let y = self.linear1.forward(&self.ln2.forward(&x)?)?;
            let y = self.dropout2.forward(&(self.activation)(&y)?)?;
            add(&x, &self.linear2.forward(&y)?)
        } else {
            let y = self.attention.forward(x, x, x, mask)?;
            let x = self.ln1.forward(&add(x, &self.dropout1.forward(&y)?)?)?;
            let y = self.linear1.forward(&x)?;
            let y = self.dropout2.forward(&(self.activation)(&y)?)?;
            self.ln2.forward(&add(&x, &self.linear2.forward(&y)?)?)
        }
    }
}

/// A stack of encoder blocks and a final norm (MLX's
/// `nn.TransformerEncoder`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let mut e = mlx_nn::TransformerEncoder::new(2, 8, 2, Default::default())?;
/// let x = mlx_core::ops::ones(&[1, 3, 8], mlx_core::Dtype::Float32)?;
/// assert_eq!(e.forward(&x, None)?.shape(), &[1, 3, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct TransformerEncoder {
    /// The blocks.
    pub layers: Vec<TransformerEncoderLayer>,
    /// The final norm.
    pub ln: LayerNorm,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl TransformerEncoder {
    /// `num_layers` blocks.
    ///
    /// # Errors
    /// As [`TransformerEncoderLayer::new`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::TransformerEncoder::new(3, 8, 2, Default::default())?.layers.len(), 3);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(
        num_layers: usize,
        dims: usize,
        num_heads: usize,
        o: TransformerOptions,
    ) -> Result<Self> {
        Ok(TransformerEncoder {
            layers: (0..num_layers)
                .map(|_| TransformerEncoderLayer::new(dims, num_heads, o))
                .collect::<Result<_>>()?,
            ln: LayerNorm::new(dims)?,
            state: ModuleState::new(),
        })
    }

    /// Apply every block, then the norm.
    ///
    /// # Errors
    /// Errors of the blocks.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let mut e = mlx_nn::TransformerEncoder::new(1, 4, 1, Default::default())?;
    /// let x = mlx_core::ops::ones(&[1, 2, 4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(e.forward(&x, None)?.shape(), &[1, 2, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(&mut self, x: &Array, mask: Option<&Array>) -> Result<Array> {
        let mut x = x.clone();
        for l in &mut self.layers {
            x = l.forward(&x, mask)?;
        }
        self.ln.forward(&x)
    }
}

/// One decoder block: self-attention, cross-attention to the encoder's
/// memory and a feed-forward network (MLX's `nn.TransformerDecoderLayer`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let mut l = mlx_nn::TransformerDecoderLayer::new(8, 2, Default::default())?;
/// let x = mlx_core::ops::ones(&[1, 3, 8], mlx_core::Dtype::Float32)?;
/// let mem = mlx_core::ops::ones(&[1, 5, 8], mlx_core::Dtype::Float32)?;
/// assert_eq!(l.forward(&x, &mem, None, None)?.shape(), &[1, 3, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct TransformerDecoderLayer {
    /// Self-attention.
    pub self_attention: MultiHeadAttention,
    /// Cross-attention.
    pub cross_attention: MultiHeadAttention,
    /// First norm.
    pub ln1: LayerNorm,
    /// Second norm.
    pub ln2: LayerNorm,
    /// Third norm.
    pub ln3: LayerNorm,
    /// Feed-forward input projection.
    pub linear1: Linear,
    /// Feed-forward output projection.
    pub linear2: Linear,
    /// Dropout after self-attention.
    pub dropout1: Dropout,
    /// Dropout after cross-attention.
    pub dropout2: Dropout,
    /// Dropout in the feed-forward block.
    pub dropout3: Dropout,
    /// Feed-forward activation.
    #[module(skip)]
    pub activation: Activation,
    /// Pre-norm or post-norm.
    pub norm_first: bool,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl TransformerDecoderLayer {
    /// The block for `dims` features and `num_heads` heads.
    ///
    /// # Errors
    /// As [`TransformerEncoderLayer::new`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::TransformerDecoderLayer::new(8, 2, Default::default())?;
    /// assert_eq!(l.linear2.output_dims(), 8);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(dims: usize, num_heads: usize, o: TransformerOptions) -> Result<Self> {
        let mlp = o.mlp_dims.unwrap_or(dims * 4);
        Ok(TransformerDecoderLayer {
            self_attention: MultiHeadAttention::new(dims, num_heads)?,
            cross_attention: MultiHeadAttention::new(dims, num_heads)?,
            ln1: LayerNorm::new(dims)?,
            ln2: LayerNorm::new(dims)?,
            ln3: LayerNorm::new(dims)?,
            linear1: Linear::new(dims, mlp)?,
            linear2: Linear::new(mlp, dims)?,
            dropout1: Dropout::new(o.dropout)?,
            dropout2: Dropout::new(o.dropout)?,
            dropout3: Dropout::new(o.dropout)?,
            activation: o.activation,
            norm_first: o.norm_first,
            state: ModuleState::new(),
        })
    }

    /// Apply the block to `x` with the encoder output `memory`.
    ///
    /// # Errors
    /// Errors of the sublayers.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let mut l = mlx_nn::TransformerDecoderLayer::new(4, 1, Default::default())?;
    /// let x = mlx_core::ops::ones(&[1, 2, 4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(l.forward(&x, &x, None, None)?.shape(), &[1, 2, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(
        &mut self,
        x: &Array,
        memory: &Array,
        x_mask: Option<&Array>,
        memory_mask: Option<&Array>,
    ) -> Result<Array> {
        if self.norm_first {
            let y = self.ln1.forward(x)?;
            let y = self.self_attention.forward(&y, &y, &y, x_mask)?;
            let x = add(x, &self.dropout1.forward(&y)?)?;
            let y = self.ln2.forward(&x)?;
            let y = self
                .cross_attention
                .forward(&y, memory, memory, memory_mask)?;
            let x = add(&x, &self.dropout2.forward(&y)?)?;
            let y = self.linear1.forward(&self.ln3.forward(&x)?)?;
            let y = self.dropout3.forward(&(self.activation)(&y)?)?;
            add(&x, &self.linear2.forward(&y)?)
        } else {
            let y = self.self_attention.forward(x, x, x, x_mask)?;
            let x = self.ln1.forward(&add(x, &self.dropout1.forward(&y)?)?)?;
            let y = self
                .cross_attention
                .forward(&x, memory, memory, memory_mask)?;
            let x = self.ln2.forward(&add(&x, &self.dropout2.forward(&y)?)?)?;
            let y = self.linear1.forward(&x)?;
            let y = self.dropout3.forward(&(self.activation)(&y)?)?;
            self.ln3.forward(&add(&x, &self.linear2.forward(&y)?)?)
        }
    }
}

/// A stack of decoder blocks and a final norm (MLX's
/// `nn.TransformerDecoder`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let mut d = mlx_nn::TransformerDecoder::new(2, 8, 2, Default::default())?;
/// let x = mlx_core::ops::ones(&[1, 3, 8], mlx_core::Dtype::Float32)?;
/// assert_eq!(d.forward(&x, &x, None, None)?.shape(), &[1, 3, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct TransformerDecoder {
    /// The blocks.
    pub layers: Vec<TransformerDecoderLayer>,
    /// The final norm.
    pub ln: LayerNorm,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl TransformerDecoder {
    /// `num_layers` blocks.
    ///
    /// # Errors
    /// As [`TransformerDecoderLayer::new`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::TransformerDecoder::new(2, 8, 2, Default::default())?.layers.len(), 2);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(
        num_layers: usize,
        dims: usize,
        num_heads: usize,
        o: TransformerOptions,
    ) -> Result<Self> {
        Ok(TransformerDecoder {
            layers: (0..num_layers)
                .map(|_| TransformerDecoderLayer::new(dims, num_heads, o))
                .collect::<Result<_>>()?,
            ln: LayerNorm::new(dims)?,
            state: ModuleState::new(),
        })
    }

    /// Apply every block, then the norm.
    ///
    /// # Errors
    /// Errors of the blocks.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let mut d = mlx_nn::TransformerDecoder::new(1, 4, 1, Default::default())?;
    /// let x = mlx_core::ops::ones(&[1, 2, 4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(d.forward(&x, &x, None, None)?.shape(), &[1, 2, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(
        &mut self,
        x: &Array,
        memory: &Array,
        x_mask: Option<&Array>,
        memory_mask: Option<&Array>,
    ) -> Result<Array> {
        let mut x = x.clone();
        for l in &mut self.layers {
            x = l.forward(&x, memory, x_mask, memory_mask)?;
        }
        self.ln.forward(&x)
    }
}

/// An encoder-decoder transformer (MLX's `nn.Transformer`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let mut t = mlx_nn::Transformer::new(8, 2, 1, 1, Default::default())?;
/// let src = mlx_core::ops::ones(&[1, 4, 8], mlx_core::Dtype::Float32)?;
/// let tgt = mlx_core::ops::ones(&[1, 3, 8], mlx_core::Dtype::Float32)?;
/// assert_eq!(t.forward(&src, &tgt, None, None, None)?.shape(), &[1, 3, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct Transformer {
    /// The encoder stack.
    pub encoder: TransformerEncoder,
    /// The decoder stack.
    pub decoder: TransformerDecoder,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl Transformer {
    /// `Transformer(dims, num_heads, num_encoder_layers,
    /// num_decoder_layers, ...)`; MLX's defaults are 512, 8, 6, 6.
    ///
    /// # Errors
    /// As [`TransformerEncoderLayer::new`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let t = mlx_nn::Transformer::new(8, 2, 2, 1, Default::default())?;
    /// assert_eq!(t.decoder.layers.len(), 1);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(
        dims: usize,
        num_heads: usize,
        num_encoder_layers: usize,
        num_decoder_layers: usize,
        o: TransformerOptions,
    ) -> Result<Self> {
        Ok(Transformer {
            encoder: TransformerEncoder::new(num_encoder_layers, dims, num_heads, o)?,
            decoder: TransformerDecoder::new(num_decoder_layers, dims, num_heads, o)?,
            state: ModuleState::new(),
        })
    }

    /// Encode `src`, then decode `tgt` against it.
    ///
    /// # Errors
    /// Errors of the stacks.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let mut t = mlx_nn::Transformer::new(4, 1, 1, 1, Default::default())?;
    /// let x = mlx_core::ops::ones(&[1, 2, 4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(t.forward(&x, &x, None, None, None)?.shape(), &[1, 2, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(
        &mut self,
        src: &Array,
        tgt: &Array,
        src_mask: Option<&Array>,
        tgt_mask: Option<&Array>,
        memory_mask: Option<&Array>,
    ) -> Result<Array> {
        let memory = self.encoder.forward(src, src_mask)?;
        self.decoder.forward(tgt, &memory, tgt_mask, memory_mask)
    }
}
