//! Every op, as free functions (MLX names) and as [`Array`](crate::Array)
//! methods. Ops validate their arguments, compute the output shape and
//! dtype, and record a graph node; nothing is computed until evaluation.

mod advanced;
mod arguments;
mod binary;
mod bitwise;
mod composite;
mod creation;
mod indexing;
mod matmul;
mod operators;
mod reduce;
mod scan;
mod scatter;
mod shape;
mod sort;
mod unary;
mod view;

pub use advanced::gather;
// Paths `crate::ops::products::..` etc. of the composites, as before.
pub(crate) use arguments::{check_size, operand_pair};
pub use arguments::{Axes, Axis, IntoBound, IntoOperand, Operand, Shape, WeakScalar};
pub use binary::*;
pub use bitwise::*;
pub(crate) use composite::{
    conv, einsum, hadamard_factors, numeric, optimizer, products, quantized, structure,
};
pub use conv::*;
pub use creation::*;
pub use einsum::*;
pub(crate) use indexing::slice_axis;
pub use indexing::*;
pub use matmul::*;
pub use numeric::*;
pub use operators::Scalar;
pub use optimizer::adam_update;
pub use products::*;
pub use quantized::*;
pub use reduce::*;
pub use scan::*;
pub(crate) use scatter::scatter_general;
pub use scatter::{
    index_put, masked_scatter, put_along_axis, scatter, scatter_add, scatter_max, scatter_min,
    scatter_prod, slice_update, slice_update_strided, At,
};
pub use shape::*;
pub use sort::*;
pub use structure::*;
pub use unary::*;
pub use view::view;
