//! Elementwise binary kernels and `where`.
use mlx_core::primitive::{BinaryOp, OutSpec};
use mlx_core::{Error, HostData, Result, View};
pub(crate) fn binary(op: BinaryOp, _a: &View, _b: &View, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported(op.name(), "cpu", "not yet"))
}
pub(crate) fn select(_c: &View, _x: &View, _y: &View, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported("where", "cpu", "not yet"))
}
