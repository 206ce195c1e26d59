//! Function transformations (MLX's `mx.vjp`, `mx.jvp`, `mx.grad`,
//! `mx.value_and_grad`, `mx.vmap`, `mx.checkpoint`, `mx.custom_function`).
//!
//! Each one runs the function on tracer arrays, which records a lazy graph,
//! then walks that graph (iteratively) and applies the primitives' own
//! `vjp`/`jvp`/`vmap` rules. The results are lazy graphs themselves, so
//! transforms compose: `grad` of `grad`, `jvp` of `vjp`, `vmap` of `grad`.
//! Arrays captured by the function (not passed as arguments) are constants.
//! A function that evaluates its intermediates (`eval`, `item`) cuts the
//! graph there, and gradients do not flow through the cut.

mod custom;
mod grad;
mod graph;
mod jvp;
mod vjp;
mod vmap;

pub use custom::{checkpoint, custom_function, custom_function_with_vmap};
pub use grad::{grad, value_and_grad, value_and_grad_tree, value_and_grad_with_aux};
pub use jvp::jvp;
pub use vjp::vjp;
pub use vmap::vmap;
