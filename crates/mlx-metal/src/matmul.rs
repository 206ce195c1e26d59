//! Matrix products (`shaders/matmul.wgsl`).

use crate::context::Gpu;
use mlx_core::primitive::OutSpec;
use mlx_core::{Error, Result, Storage, View};

/// Batched `a @ b`.
pub(crate) fn matmul(_gpu: &Gpu, _a: &View, _b: &View, _out: OutSpec) -> Result<Storage> {
    Err(Error::unsupported("matmul", "wgpu", "not yet"))
}
