//! Gathers and concatenation.
use mlx_core::primitive::OutSpec;
use mlx_core::{Error, HostData, Result, View};
pub(crate) fn gather(_v: &View, _i: &View, _axis: usize, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported("take", "cpu", "not yet"))
}
pub(crate) fn gather_axis(_v: &View, _i: &View, _axis: usize, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported("take_along_axis", "cpu", "not yet"))
}
pub(crate) fn concatenate(_v: &[View], _axis: usize, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported("concatenate", "cpu", "not yet"))
}
