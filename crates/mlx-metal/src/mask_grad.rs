//! The cotangent through a comparison mask ([`FastOp::MaskGrad`],
//! `shaders/mask_grad.wgsl`): `g * cmp(a, b)` in one elementwise pass.
//!
//! [`FastOp::MaskGrad`]: mlx_core::primitive::FastOp::MaskGrad

use crate::context::Gpu;
use crate::elementwise::launch;
use crate::shader::{op_section, ELEMENTWISE, MASK_GRAD};
use crate::slots;
use mlx_core::primitive::{BinaryOp, OutSpec};
use mlx_core::{Error, Result, Storage, View};

/// `g * cmp(a, b)` for inputs `[g, a, b]` of `out`'s shape, or `None` for
/// a dtype the GPU kernel does not take (the core runs the composite).
pub(crate) fn mask_grad(
    gpu: &Gpu,
    cmp: BinaryOp,
    inputs: &[View],
    out: OutSpec,
) -> Result<Option<Storage>> {
    let [g, a, b] = inputs else {
        return Err(Error::internal("mask_grad", "expects three inputs"));
    };
    let same = [g.dtype, a.dtype, b.dtype].iter().all(|&d| d == out.dtype);
    if !same
        || !slots::is_float(out.dtype)
        || slots::check("mask_grad", out.dtype, gpu.caps).is_err()
    {
        return Ok(None);
    }
    // One name per comparison: the pipeline cache keys on it.
    let op = match cmp {
        BinaryOp::Greater => "mask_grad(greater)",
        BinaryOp::GreaterEqual => "mask_grad(greater_equal)",
        BinaryOp::Less => "mask_grad(less)",
        BinaryOp::LessEqual => "mask_grad(less_equal)",
        other => {
            return Err(Error::internal(
                "mask_grad",
                format!("{} is not a comparison", other.name()),
            ))
        }
    };
    let keep = op_section(MASK_GRAD, op, cmp.name(), out.dtype)?;
    launch(
        gpu,
        op,
        MASK_GRAD,
        &["g", "a", "b"],
        &[g, a, b],
        &[keep, ELEMENTWISE],
        out,
    )
    .map(Some)
}
