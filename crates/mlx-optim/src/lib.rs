//! # mlx-optim
//!
//! MLX's `mlx.optimizers` for a pure-Rust MLX: the [`Optimizer`] trait
//! (`init`, `update`, `apply_gradients`, `state`, `step`,
//! `learning_rate`), the optimizers [`Sgd`], [`RmsProp`], [`Adagrad`],
//! [`AdaDelta`], [`Adam`], [`AdamW`], [`Adamax`], [`Lion`], [`Adafactor`],
//! [`Muon`] and [`MultiOptimizer`], learning-rate schedules, and
//! [`clip_grad_norm`].
//!
//! A training step stays lazy until the model and the optimizer state are
//! evaluated together:
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::{ops, Array, Dtype};
//! use mlx_nn::{Linear, UnaryModule};
//! use mlx_optim::{cosine_decay, Optimizer, Sgd};
//! let mut model = Linear::new(3, 1)?;
//! let mut opt = Sgd::new(cosine_decay(0.1, 100, 0.0)?)?.momentum(0.9)?;
//! let step = mlx_nn::value_and_grad(|m: &mut Linear, a: &[Array]| {
//!     (m.forward(&a[0])? - &a[1])?.square()?.mean((), false)
//! });
//! let x = ops::ones(&[8, 3], Dtype::Float32)?;
//! let y = ops::ones(&[8, 1], Dtype::Float32)?;
//! let (first, _) = step(&mut model, &[x.clone(), y.clone()])?;
//! for _ in 0..50 {
//!     let (_loss, grads) = step(&mut model, &[x.clone(), y.clone()])?;
//!     opt.update(&mut model, &grads)?;
//!     mlx_optim::eval_step(&model, &opt)?; // mx.eval(model.parameters(), opt.state)
//! }
//! let (loss, _) = step(&mut model, &[x, y])?;
//! assert!(loss.item::<f32>()? < first.item::<f32>()? / 10.0);
//! Ok::<(), mlx_core::Error>(())
//! ```
#![deny(missing_docs)]

mod adafactor;
mod adam;
mod clip;
mod multi;
mod muon;
mod optimizer;
mod schedules;
mod sgd;

pub use adafactor::Adafactor;
pub use adam::{Adam, AdamW, Adamax, Lion};
pub use clip::clip_grad_norm;
pub use multi::{MultiOptimizer, ParamFilter};
pub use muon::Muon;
pub use optimizer::{eval_step, LearningRate, Optimizer, Schedule};
pub use schedules::{cosine_decay, exponential_decay, join_schedules, linear_schedule, step_decay};
pub use sgd::{AdaDelta, Adagrad, RmsProp, Sgd};
