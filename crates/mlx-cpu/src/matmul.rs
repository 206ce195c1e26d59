//! Matrix products.
use mlx_core::primitive::OutSpec;
use mlx_core::{Error, HostData, Result, View};
pub(crate) fn matmul(_a: &View, _b: &View, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported("matmul", "cpu", "not yet"))
}
