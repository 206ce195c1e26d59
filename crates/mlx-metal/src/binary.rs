//! Elementwise binary ops (`shaders/binary.wgsl`). Both inputs arrive in
//! [`BinaryOp::compute_dtype`] and broadcast to the output shape.

use crate::context::Gpu;
use crate::elementwise::launch;
use crate::shader::{op_section, BINARY};
use mlx_core::primitive::{BinaryOp, OutSpec};
use mlx_core::{Dtype, Result, Storage, View};

/// The section family name of `op` on `dtype`: the op's name, with `64`
/// appended for shifts of 64-bit integers (they mask the amount to 6 bits).
pub(crate) fn section_name(op: BinaryOp, dtype: Dtype) -> String {
    let wide = matches!(dtype, Dtype::Int64 | Dtype::Uint64)
        && matches!(op, BinaryOp::LeftShift | BinaryOp::RightShift);
    if wide {
        format!("{}64", op.name())
    } else {
        op.name().to_string()
    }
}

/// `out = op(a, b)`.
pub(crate) fn binary(gpu: &Gpu, op: BinaryOp, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
    let sec = op_section(BINARY, op.name(), &section_name(op, a.dtype), a.dtype)?;
    launch(gpu, op.name(), BINARY, &["a", "b"], &[a, b], &[sec], out)
}
