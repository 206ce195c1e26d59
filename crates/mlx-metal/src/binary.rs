//! Elementwise binary ops (`shaders/binary.wgsl`). Both inputs arrive in
//! [`BinaryOp::compute_dtype`] and broadcast to the output shape.

use crate::context::Gpu;
use crate::elementwise::launch;
use crate::shader::{op_function, section, BINARY, BINARY_FN, ELEMENTWISE};
use mlx_core::primitive::{BinaryOp, OutSpec};
use mlx_core::{Dtype, Result, Storage, View};
use std::sync::OnceLock;

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

/// The sections of `op`'s kernel on `dtype`: the op's function, the `op`
/// that calls it, the bindings and element accessors, and the loop over
/// memory (`elementwise.wgsl`).
pub(crate) fn sections(op: BinaryOp, dtype: Dtype) -> Result<[&'static str; 4]> {
    static MAIN: OnceLock<&'static str> = OnceLock::new();
    let call = |func: &str| format!("fn op(x: C_a, y: C_b) -> C_out {{ return {func}(x, y); }}\n");
    let (body, call) = op_function(
        BINARY,
        BINARY_FN,
        op.name(),
        &section_name(op, dtype),
        dtype,
        call,
    )?;
    let main =
        MAIN.get_or_init(|| section(BINARY, "main").expect("binary.wgsl has a main section"));
    Ok([body, call, main, ELEMENTWISE])
}

/// `out = op(a, b)`.
pub(crate) fn binary(gpu: &Gpu, op: BinaryOp, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
    let secs = sections(op, a.dtype)?;
    launch(gpu, op.name(), BINARY, &["a", "b"], &[a, b], &secs, out)
}
