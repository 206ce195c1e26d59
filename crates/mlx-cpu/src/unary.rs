//! Elementwise unary kernels.
use mlx_core::primitive::{OutSpec, UnaryOp};
use mlx_core::{Error, HostData, Result, View};
pub(crate) fn unary(op: UnaryOp, _v: &View, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported(op.name(), "cpu", "not yet"))
}
