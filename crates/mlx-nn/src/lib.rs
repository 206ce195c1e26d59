//! # mlx-nn
//!
//! MLX's `mlx.nn` for a pure-Rust MLX: activation functions, losses and
//! initializers as plain functions on [`mlx_core::Array`]s, and (in
//! progress) the `Module` system and layers.
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::Array;
//! let x = Array::from_slice(&[-1.0f32, 2.0], &[2])?;
//! let y = mlx_nn::activations::relu(&x)?;
//! assert_eq!(y.to_vec::<f32>()?, vec![0.0, 2.0]);
//! Ok::<(), mlx_core::Error>(())
//! ```
#![deny(missing_docs)]

pub mod activations;
pub mod init;
pub mod losses;
