//! Elementwise unary ops (`shaders/unary.wgsl`). The core has already cast
//! the input to [`UnaryOp::compute_dtype`].

use crate::context::Gpu;
use crate::elementwise::launch;
use crate::shader::{op_function, section, ELEMENTWISE, UNARY, UNARY_FN};
use mlx_core::primitive::{OutSpec, UnaryOp};
use mlx_core::{Dtype, Result, Storage, View};
use std::sync::OnceLock;

/// The sections of `op`'s kernel on `dtype`: the op's function, the `op`
/// that calls it, the bindings and element accessors, and the loop over
/// memory (`elementwise.wgsl`).
pub(crate) fn sections(op: UnaryOp, dtype: Dtype) -> Result<[&'static str; 4]> {
    static MAIN: OnceLock<&'static str> = OnceLock::new();
    let call = |func: &str| format!("fn op(x: C_a) -> C_out {{ return {func}(x); }}\n");
    let (body, call) = op_function(UNARY, UNARY_FN, op.name(), op.name(), dtype, call)?;
    let main = MAIN.get_or_init(|| section(UNARY, "main").expect("unary.wgsl has a main section"));
    Ok([body, call, main, ELEMENTWISE])
}

/// `out = op(input)`.
pub(crate) fn unary(gpu: &Gpu, op: UnaryOp, input: &View, out: OutSpec) -> Result<Storage> {
    let secs = sections(op, input.dtype)?;
    launch(gpu, op.name(), UNARY, &["a"], &[input], &secs, out)
}
