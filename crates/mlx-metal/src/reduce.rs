//! Reductions and arg-reductions (`shaders/reduce.wgsl`).

use crate::context::Gpu;
use mlx_core::primitive::{ArgReduceOp, OutSpec, ReduceOp};
use mlx_core::{Error, Result, Storage, View};

/// Reduce `input` over sorted `axes`.
pub(crate) fn reduce(
    _gpu: &Gpu,
    op: ReduceOp,
    _input: &View,
    _axes: &[usize],
    _out: OutSpec,
) -> Result<Storage> {
    Err(Error::unsupported(op.name(), "wgpu", "not yet"))
}

/// Index of the max/min along `axis`.
pub(crate) fn arg_reduce(
    _gpu: &Gpu,
    op: ArgReduceOp,
    _input: &View,
    _axis: usize,
    _out: OutSpec,
) -> Result<Storage> {
    Err(Error::unsupported(op.name(), "wgpu", "not yet"))
}
