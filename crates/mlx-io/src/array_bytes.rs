//! Between arrays and the bytes of a file: shared (zero-copy on the CPU
//! backend) when possible, byte-swapped copies for big-endian data.

use crate::Result;
use mlx_core::{Array, Dtype, HostData, SharedBytes};

/// An array of `dtype` and `shape` over `data`, which holds exactly its
/// elements in row-major order (`big_endian` when the file says so).
pub(crate) fn array_from_bytes(
    data: SharedBytes,
    dtype: Dtype,
    shape: &[usize],
    big_endian: bool,
) -> Result<Array> {
    if !big_endian || dtype.size() == 1 {
        return Ok(Array::from_shared_bytes(data, dtype, shape)?);
    }
    // Complex numbers swap each f32 half separately.
    let width = match dtype {
        Dtype::Complex64 => 4,
        d => d.size(),
    };
    let mut swapped = data.as_bytes().to_vec();
    swapped.chunks_exact_mut(width).for_each(|c| c.reverse());
    Ok(Array::from_shared_bytes(
        SharedBytes::new(swapped),
        dtype,
        shape,
    )?)
}

/// The row-major elements of `a`, evaluated.
pub(crate) fn host_data(a: &Array) -> Result<HostData> {
    Ok(a.to_host_data()?)
}
