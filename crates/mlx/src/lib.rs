//! # mlx
//!
//! A pure-Rust MLX. This umbrella crate re-exports [`mlx_core`] and links
//! the backends chosen with cargo features (`cpu`, on by default; `metal`,
//! the wgpu GPU backend for Metal, Vulkan and DX12), which register
//! themselves with the core. With `metal` on and a GPU adapter present,
//! the GPU is the default device; `Device::cpu()` arrays still run on the
//! CPU.
//!
//! ```
//! use mlx::{Array, ops};
//! let a = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3])?;
//! let b = ops::exp(&a)?; // lazy
//! println!("{b}");       // evaluates and prints
//! Ok::<(), mlx::Error>(())
//! ```
#![deny(missing_docs)]

pub use mlx_core::*;

/// The CPU backend crate, when the `cpu` feature is on.
#[cfg(feature = "cpu")]
pub use mlx_cpu;

/// The wgpu GPU backend crate, when the `metal` feature is on.
#[cfg(feature = "metal")]
pub use mlx_metal;

/// Loading and saving arrays: `mlx::io::load`, `save`, `savez`,
/// `save_safetensors`, `save_gguf` (the `mlx-io` crate, feature `io`).
#[cfg(feature = "io")]
pub use mlx_io as io;

/// Neural networks: `mlx::nn::Module`, `#[derive(Module)]`, the layers,
/// `value_and_grad`, losses and initializers (the `mlx-nn` crate, feature
/// `nn`). A `#[derive(Module)]` through this path needs
/// `#[module(crate = "mlx::nn")]`.
#[cfg(feature = "nn")]
pub use mlx_nn as nn;

/// Optimizers, learning-rate schedules and gradient clipping:
/// `mlx::optim::Adam`, `Optimizer`, `cosine_decay`, `clip_grad_norm`, ...
/// (the `mlx-optim` crate, feature `optim`).
#[cfg(feature = "optim")]
pub use mlx_optim as optim;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
