//! Every op, as free functions (MLX names) and as [`Array`](crate::Array)
//! methods. Ops validate their arguments, compute the output shape and
//! dtype, and record a graph node; nothing is computed until evaluation.

mod binary;
mod creation;
mod indexing;
mod matmul;
mod operators;
mod reduce;
mod scan;
mod shape;
mod sort;
mod unary;

pub use binary::*;
pub use creation::*;
pub use indexing::*;
pub use matmul::*;
pub use operators::Scalar;
pub use reduce::*;
pub use scan::*;
pub use shape::*;
pub use sort::*;
pub use unary::*;
