//! The layers of MLX's `mlx.nn`, one file per family.

mod containers;
mod conv;
mod dropout;
mod embedding;
mod linear;
mod normalization;
mod pooling;
mod upsample;

pub use containers::Sequential;
pub use conv::{
    Conv1d, Conv2d, Conv3d, ConvOptions, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d,
};
pub use dropout::{Dropout, Dropout2d, Dropout3d};
pub use embedding::Embedding;
pub use linear::{Identity, Linear};
pub use normalization::{BatchNorm, GroupNorm, InstanceNorm, LayerNorm, RMSNorm};
pub use pooling::{AvgPool1d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d, MaxPool3d};
pub use upsample::{Upsample, UpsampleMode};
