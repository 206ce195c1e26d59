//! Elementwise unary ops (`shaders/unary.wgsl`). The core has already cast
//! the input to [`UnaryOp::compute_dtype`].

use crate::context::Gpu;
use crate::elementwise::launch;
use crate::shader::{op_section, UNARY};
use mlx_core::primitive::{OutSpec, UnaryOp};
use mlx_core::{Result, Storage, View};

/// `out = op(input)`.
pub(crate) fn unary(gpu: &Gpu, op: UnaryOp, input: &View, out: OutSpec) -> Result<Storage> {
    let sec = op_section(UNARY, op.name(), op.name(), input.dtype)?;
    launch(gpu, op.name(), UNARY, &["a"], &[input], &[sec], out)
}
