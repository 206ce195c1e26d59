//! # mlx-metal
//!
//! The GPU backend of a pure-Rust MLX, on [`wgpu`] with WGSL kernels from
//! the workspace's `shaders/` folder: Metal on Apple GPUs, Vulkan on Linux
//! and Windows (NVIDIA, AMD, Intel, and Mesa's lavapipe on CPUs), DX12.
//! Linking this crate registers the backend; arrays created on
//! [`mlx_core::Device::gpu`] (`Device::gpu(0)` is the default device once
//! a GPU is found) run here; `Device::gpu(i)` is the i-th adapter (see
//! [`GpuBackend::with_index`]).
//!
//! Dtypes: float32, float16 (SHADER_F16), bfloat16 (stored at 16 bits,
//! two per word, computed in f32 and rounded at every store), bool and
//! 8/16/32-bit integers (in 32-bit slots), 64-bit integers with
//! SHADER_INT64. float64 and complex64 are errors on the GPU, as in MLX.
//!
//! One eval records all its dispatches into one command encoder and
//! submits once; buffers come from a size-bucketed pool and return to it
//! when arrays are dropped.
//!
//! ```
//! use mlx_core::{Array, Device, HostData};
//! if mlx_metal::GpuBackend::new().is_ok() {
//!     let a = Array::from_host_data_on(HostData::Float32(vec![1.0, 2.0]), &[2], Device::gpu(0))?;
//!     let b = (&a * &a)?;
//!     assert_eq!(b.to_vec::<f32>()?, [1.0, 4.0]);
//! }
//! Ok::<(), mlx_core::Error>(())
//! ```
#![deny(missing_docs)]

mod backend;
mod binary;
mod binding;
mod bitcast;
mod context;
mod conv;
mod copy;
mod elementwise;
mod fast;
mod float_controls;
mod indexing;
mod mask_grad;
mod matmul;
mod optimizer;
mod pool;
mod random;
mod reduce;
mod scan;
mod scatter;
mod select;
mod shader;
mod slots;
mod softmax;
mod sort;
mod transfer;
mod unary;

#[cfg(test)]
mod naga_tests;

pub use backend::GpuBackend;

inventory::submit! {
    mlx_core::BackendRegistration {
        kind: mlx_core::DeviceType::Gpu,
        name: "wgpu",
        count: GpuBackend::count,
        create: |index| Ok(std::sync::Arc::new(GpuBackend::with_index(index)?)),
    }
}
