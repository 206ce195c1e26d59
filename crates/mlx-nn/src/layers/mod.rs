//! The layers of MLX's `mlx.nn`, one file per family.

mod containers;
mod embedding;
mod linear;
mod normalization;

pub use containers::Sequential;
pub use embedding::Embedding;
pub use linear::{Identity, Linear};
pub use normalization::{BatchNorm, GroupNorm, InstanceNorm, LayerNorm, RMSNorm};
