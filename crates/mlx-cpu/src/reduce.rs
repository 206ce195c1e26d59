//! Reductions and arg-reductions.
use mlx_core::primitive::{ArgReduceOp, OutSpec, ReduceOp};
use mlx_core::{Error, HostData, Result, View};
pub(crate) fn reduce(op: ReduceOp, _v: &View, _axes: &[usize], _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported(op.name(), "cpu", "not yet"))
}
pub(crate) fn arg_reduce(
    op: ArgReduceOp,
    _v: &View,
    _axis: usize,
    _out: OutSpec,
) -> Result<HostData> {
    Err(Error::unsupported(op.name(), "cpu", "not yet"))
}
