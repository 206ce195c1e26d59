//! Elementwise binary ops (`shaders/binary.wgsl`). Both inputs arrive in
//! [`BinaryOp::compute_dtype`] and broadcast to the output shape.

use crate::context::Gpu;
use crate::elementwise::launch;
use crate::shader::{op_section, BINARY};
use mlx_core::primitive::{BinaryOp, OutSpec};
use mlx_core::{Result, Storage, View};

/// `out = op(a, b)`.
pub(crate) fn binary(gpu: &Gpu, op: BinaryOp, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
    let sec = op_section(BINARY, op.name(), op.name(), a.dtype)?;
    launch(gpu, op.name(), BINARY, &["a", "b"], &[a, b], &[sec], out)
}
