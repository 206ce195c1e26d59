//! Composite ops: built only from other ops (views, gathers, `matmul`,
//! elementwise ops), with no primitive of their own, so every backend,
//! gradient and `vmap` comes from their parts. The primitive ops sit one
//! level up in `ops/`; these build on them. Their paths stay
//! `mlx_core::ops::conv2d` etc. through `ops`' re-exports.

pub(crate) mod conv;
pub(crate) mod einsum;
pub(crate) mod hadamard_factors;
pub(crate) mod numeric;
pub(crate) mod optimizer;
pub(crate) mod products;
pub(crate) mod quantized;
pub(crate) mod structure;

// The primitive-op modules the composites name as `super::<module>`.
use super::{
    arguments, binary, bitwise, indexing, matmul, operand_pair, operators, reduce, shape, unary,
};
