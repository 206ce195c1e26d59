//! Threefry random bits (`shaders/random.wgsl`): one thread per output
//! element, which hashes the counter of its word, bit-identical to the CPU
//! backend and to MLX.

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, out_buffer, storage};
use crate::shader::{compose, RANDOM};
use mlx_core::primitive::OutSpec;
use mlx_core::{Dtype, Error, Result, Storage, View};

fn word(x: usize) -> Result<u32> {
    u32::try_from(x).map_err(|_| Error::Device {
        op: "bits",
        msg: format!("index {x} does not fit the GPU's 32-bit indexing"),
    })
}

/// The WGSL of the kernel writing `dtype` (`uint8`, `uint16`, `uint32`).
pub(crate) fn random_source(dtype: Dtype) -> String {
    compose(
        &[("out", dtype)],
        &[("WIDTH", format!("{}u", dtype.size()))],
        RANDOM,
        &[],
    )
}

/// Random bits of `width` bytes for every element of `out` from `keys`.
pub(crate) fn random_bits(gpu: &Gpu, keys: &View, width: usize, out: OutSpec) -> Result<Storage> {
    let op = "bits";
    if keys.dtype != Dtype::Uint32 {
        return Err(Error::dtype(op, keys.dtype, "expected key type uint32"));
    }
    if out.dtype.size() != width || !matches!(width, 1 | 2 | 4) {
        return Err(Error::invalid(
            op,
            format!("bit width must be in {{1, 2, 4}} but got {width}"),
        ));
    }
    let ob = out_buffer(gpu, op, out)?;
    let numel = out.numel();
    let n_keys = keys.numel() / 2;
    if numel == 0 || n_keys == 0 {
        return Ok(storage(ob, out));
    }
    let per_key = numel / n_keys;
    let mut p = vec![
        word(numel)?,
        word(per_key)?,
        word((per_key * width).div_ceil(4))?,
        keys.shape.len() as u32,
    ];
    for &d in keys.shape {
        p.push(word(d)?);
    }
    p.push(word(keys.offset)?);
    for &s in keys.strides {
        let s = i32::try_from(s).map_err(|_| Error::Device {
            op,
            msg: format!("stride {s} does not fit the GPU's 32-bit indexing"),
        })?;
        p.push(s as u32);
    }
    let key = format!("bits|{}", out.dtype.short_name());
    let pipeline = gpu.pipeline(&key, || random_source(out.dtype))?;
    gpu.dispatch(&pipeline, &p, &[buffer(op, keys)?, &ob], grid(numel))?;
    Ok(storage(ob, out))
}
