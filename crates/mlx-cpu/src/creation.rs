//! `arange`.
use mlx_core::primitive::OutSpec;
use mlx_core::{Element, HostData, Result};
pub(crate) fn arange(start: f64, step: f64, out: OutSpec) -> Result<HostData> {
    let n = out.numel();
    mlx_core::with_dtype!(out.dtype, T => crate::strided::fill_indexed::<T, _>(
        "arange",
        n,
        |i| <T as Element>::from_f64_lossy(start + i as f64 * step),
    ).map(HostData::from))
}
