//! Cumulative ops (`shaders/scan.wgsl`).

use crate::context::Gpu;
use mlx_core::primitive::{OutSpec, ScanOp};
use mlx_core::{Error, Result, Storage, View};

/// Cumulative `op` of `input` along `axis`.
pub(crate) fn scan(
    _gpu: &Gpu,
    op: ScanOp,
    _input: &View,
    _axis: usize,
    _reverse: bool,
    _inclusive: bool,
    _out: OutSpec,
) -> Result<Storage> {
    Err(Error::unsupported(op.name(), "wgpu", "not yet"))
}
