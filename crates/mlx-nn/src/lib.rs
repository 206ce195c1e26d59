//! # mlx-nn
//!
//! MLX's `mlx.nn` for a pure-Rust MLX: the [`Module`] trait with
//! `#[derive(Module)]`, the layers, [`value_and_grad`], and activation
//! functions, losses and initializers as plain functions on
//! [`mlx_core::Array`]s.
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::Array;
//! let x = Array::from_slice(&[-1.0f32, 2.0], &[2])?;
//! let y = mlx_nn::activations::relu(&x)?;
//! assert_eq!(y.to_vec::<f32>()?, vec![0.0, 2.0]);
//! Ok::<(), mlx_core::Error>(())
//! ```
//!
//! A model is a plain struct:
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::Array;
//! use mlx_nn::{Linear, Module, UnaryModule};
//!
//! #[derive(Module)]
//! struct Mlp {
//!     layers: Vec<Linear>,
//! }
//!
//! impl UnaryModule for Mlp {
//!     fn forward(&mut self, x: &Array) -> mlx_core::Result<Array> {
//!         let mut x = x.clone();
//!         for (i, l) in self.layers.iter_mut().enumerate() {
//!             if i > 0 {
//!                 x = mlx_core::ops::maximum(&x, &Array::from_scalar(0.0f32))?;
//!             }
//!             x = l.forward(&x)?;
//!         }
//!         Ok(x)
//!     }
//! }
//!
//! let mut mlp = Mlp { layers: vec![Linear::new(2, 8)?, Linear::new(8, 1)?] };
//! let y = mlp.forward(&mlx_core::ops::ones(&[3, 2], mlx_core::Dtype::Float32)?)?;
//! assert_eq!(y.shape(), &[3, 1]);
//! assert_eq!(mlx_core::tree::tree_flatten(&mlp.parameters()).len(), 4);
//! Ok::<(), mlx_core::Error>(())
//! ```
#![deny(missing_docs)]

extern crate self as mlx_nn;

pub mod activations;
mod distributed;
pub mod init;
pub mod losses;

mod layers;
mod module;
mod quantize;
mod value_and_grad;

pub use distributed::{average_gradients, Group, DEFAULT_ALL_REDUCE_SIZE};
pub use layers::*;
pub use mlx_macros::Module;
pub use module::{
    module_repr, trainable_parameter_filter, valid_parameter_filter, ExtraRepr, Filter, Module,
    ModuleState, ModuleValue, Node, NodeMut, UnaryModule,
};
pub use quantize::{quantize, QuantizePredicate};
pub use value_and_grad::value_and_grad;
