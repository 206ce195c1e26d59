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

#[cfg(test)]
mod tests {
    use super::*;
    use half::bf16;
    use mlx_core::Dtype;

    /// bfloat16 is stored at 2 bytes per element (the buffer's bound is a
    /// multiple of 4): `N` elements are `2N` bytes of storage, and the
    /// (1024, 1024) array adds 2 MiB to the GPU's held memory (4 MiB when
    /// it sat in f32 slots).
    #[test]
    fn bfloat16_takes_two_bytes_per_element() {
        let Ok(gpu) = Gpu::open(0) else {
            eprintln!("no GPU adapter; skipping");
            return;
        };
        for n in [1usize, 2, 3, 5, 1000] {
            let data = HostData::Bfloat16(vec![bf16::from_f32(1.5); n]);
            let s = upload(&gpu, data).unwrap();
            assert_eq!(s.nbytes(), 2 * n, "{n} elements");
            let buf = s.downcast_ref::<crate::pool::GpuBuffer>().unwrap();
            assert_eq!(buf.len, 2 * n as u64);
            assert!(buf.raw().size() >= (2 * n as u64).next_multiple_of(4));
        }
        let before = gpu.pool.held_bytes();
        let big = HostData::Bfloat16(vec![bf16::from_f32(-2.0); 1024 * 1024]);
        let s = upload(&gpu, big).unwrap();
        let held = gpu.pool.held_bytes() - before;
        eprintln!("bfloat16 (1024, 1024): {held} bytes held on the GPU");
        assert_eq!(held, 2 << 20);
        assert_eq!(s.nbytes(), 2 << 20);
        // A kernel's bfloat16 output is as large: a copy of a (3, 5) view.
        let f = HostData::Float32((0..15).map(|i| i as f32 * 0.25).collect());
        let src = upload(&gpu, f).unwrap();
        let view = View {
            storage: &src,
            dtype: Dtype::Float32,
            shape: &[3, 5],
            strides: &[5, 1],
            offset: 0,
        };
        let out = OutSpec {
            shape: &[3, 5],
            dtype: Dtype::Bfloat16,
        };
        let cast = copy(&gpu, "astype", &view, out).unwrap();
        assert_eq!(cast.nbytes(), 30);
    }

    /// Every bfloat16 bit pattern (NaNs with their payloads included)
    /// survives an upload and a download, and a GPU copy, bit for bit.
    #[test]
    fn bfloat16_round_trips_every_bit_pattern() {
        let Ok(gpu) = Gpu::open(0) else {
            eprintln!("no GPU adapter; skipping");
            return;
        };
        let all: Vec<bf16> = (0..=u16::MAX).map(bf16::from_bits).collect();
        let s = upload(&gpu, HostData::Bfloat16(all.clone())).unwrap();
        let shape = [all.len()];
        let view = View {
            storage: &s,
            dtype: Dtype::Bfloat16,
            shape: &shape,
            strides: &[1],
            offset: 0,
        };
        let bits = |h: HostData| match h {
            HostData::Bfloat16(v) => v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            other => panic!("downloaded {:?}", other.dtype()),
        };
        let want: Vec<u16> = (0..=u16::MAX).collect();
        assert_eq!(bits(download(&gpu, &view).unwrap()), want);
        // Through a kernel (load to f32, store rounded: exact for bfloat16
        // values), from an odd offset so halves change places.
        let odd = View {
            shape: &[all.len() - 1],
            offset: 1,
            ..view
        };
        assert_eq!(bits(download(&gpu, &odd).unwrap()), want[1..]);
    }
}
