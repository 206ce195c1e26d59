//! Copies, casts and host transfers.
use mlx_core::primitive::OutSpec;
use mlx_core::{Error, HostData, Result, View};

pub(crate) fn to_host(v: &View) -> Result<HostData> {
    mlx_core::with_dtype!(v.dtype, T => Ok(HostData::from(crate::strided::contiguous::<T>(v)?.into_owned())))
}
pub(crate) fn copy(v: &View, _out: OutSpec) -> Result<HostData> {
    to_host(v)
}
pub(crate) fn as_type(_v: &View, _out: OutSpec) -> Result<HostData> {
    Err(Error::unsupported("astype", "cpu", "not yet"))
}
