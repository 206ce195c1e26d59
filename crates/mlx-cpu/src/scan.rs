//! Cumulative ops.
use mlx_core::primitive::{OutSpec, ScanOp};
use mlx_core::{Error, HostData, Result, View};
pub(crate) fn scan(
    op: ScanOp,
    _v: &View,
    _axis: usize,
    _rev: bool,
    _inc: bool,
    _out: OutSpec,
) -> Result<HostData> {
    Err(Error::unsupported(op.name(), "cpu", "not yet"))
}
