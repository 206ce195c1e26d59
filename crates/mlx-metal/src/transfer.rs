//! Host <-> GPU transfers. Uploads widen narrow dtypes to their GPU slot
//! (see [`crate::slots`]); downloads wait for queued work, then narrow.

use crate::context::Gpu;
use crate::copy::copy;
use crate::elementwise::{buffer, storage};
use crate::slots;
use mlx_core::primitive::OutSpec;
use mlx_core::{HostData, Result, Storage, View};

/// A new GPU buffer holding `data`.
pub(crate) fn upload(gpu: &Gpu, data: HostData) -> Result<Storage> {
    let dtype = data.dtype();
    slots::check("upload", dtype, gpu.caps)?;
    let bytes = slots::widen("upload", &data)?;
    let buf = gpu.upload("upload", &bytes)?;
    let n = buf.len as usize;
    Ok(Storage::new(buf, gpu.mlx_device, n))
}

/// The elements of `view` in row-major order.
pub(crate) fn download(gpu: &Gpu, view: &View) -> Result<HostData> {
    let op = "download";
    slots::check(op, view.dtype, gpu.caps)?;
    let n = view.numel();
    let size = slots::slot_size(view.dtype);
    if view.is_row_major() && (view.offset * size) % 4 == 0 {
        let src = buffer(op, view)?;
        let bytes = gpu.read(op, src, (view.offset * size) as u64, (n * size) as u64)?;
        return slots::narrow(view.dtype, &bytes, n);
    }
    let dense = copy(
        gpu,
        op,
        view,
        OutSpec {
            shape: view.shape,
            dtype: view.dtype,
        },
    )?;
    let src = dense
        .downcast_ref::<crate::pool::GpuBuffer>()
        .expect("copy returns a GPU buffer");
    let bytes = gpu.read(op, src, 0, (n * size) as u64)?;
    slots::narrow(view.dtype, &bytes, n)
}

/// `start + i * step` for every element of `out`, computed on the host in
/// f64 (as the CPU backend does) and uploaded.
pub(crate) fn arange(gpu: &Gpu, start: f64, step: f64, out: OutSpec) -> Result<Storage> {
    slots::check("arange", out.dtype, gpu.caps)?;
    let n = out.numel();
    let data = mlx_core::with_dtype!(out.dtype, T => HostData::from(
        mlx_core::memory::try_collect("arange", n, (0..n).map(|i| {
            <T as mlx_core::Element>::from_f64_lossy(start + i as f64 * step)
        }))?
    ));
    let buf = gpu.upload("arange", &slots::widen("arange", &data)?)?;
    Ok(storage(buf, out))
}
