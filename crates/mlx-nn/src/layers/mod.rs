//! The layers of MLX's `mlx.nn`, one file per family.

mod activation_layers;
mod attention;
mod containers;
mod conv;
mod dropout;
mod embedding;
mod linear;
mod maybe_quantized;
mod normalization;
mod pooling;
mod positional;
mod quantized;
mod recurrent;
mod transformer;
mod upsample;

pub use activation_layers::{
    GeluApprox, HardShrink, HardTanh, Hardswish, LeakyReLU, LogSigmoid, LogSoftmax, Mish, PReLU,
    ReLU, ReLU2, ReLU6, SiLU, Sigmoid, Softmax, Softmin, Softplus, Softshrink, Softsign, Step,
    Tanh, CELU, ELU, GELU, GLU, SELU,
};
pub use attention::{scaled_dot_product_attention, MultiHeadAttention, MultiHeadAttentionOptions};
pub use containers::Sequential;
pub use conv::{
    Conv1d, Conv2d, Conv3d, ConvOptions, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d,
};
pub use dropout::{Dropout, Dropout2d, Dropout3d};
pub use embedding::Embedding;
pub use linear::{Identity, Linear};
pub use maybe_quantized::MaybeQuantized;
pub use normalization::{BatchNorm, GroupNorm, InstanceNorm, LayerNorm, RMSNorm};
pub use pooling::{AvgPool1d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d, MaxPool3d};
pub use positional::{rope, ALiBi, RoPE, SinusoidalPositionalEncoding};
pub use quantized::{QuantizedEmbedding, QuantizedLinear};
pub use recurrent::{Nonlinearity, GRU, LSTM, RNN};
pub use transformer::{
    Activation, Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
    TransformerEncoderLayer, TransformerOptions,
};
pub use upsample::{Upsample, UpsampleMode};
