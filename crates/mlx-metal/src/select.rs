//! `where(cond, x, y)` (`shaders/select.wgsl`).

use crate::context::Gpu;
use crate::elementwise::launch;
use crate::shader::{ELEMENTWISE, SELECT};
use mlx_core::primitive::OutSpec;
use mlx_core::{Result, Storage, View};

/// `out = cond ? x : y`, all three broadcast to `out.shape`.
pub(crate) fn select(gpu: &Gpu, cond: &View, x: &View, y: &View, out: OutSpec) -> Result<Storage> {
    launch(
        gpu,
        "where",
        SELECT,
        &["c", "x", "y"],
        &[cond, x, y],
        &[ELEMENTWISE],
        out,
    )
}
