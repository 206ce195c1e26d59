//! # mlx-cpu
//!
//! The reference CPU backend of a pure-Rust MLX: every primitive of
//! `mlx-core` for every dtype it accepts, parallel with rayon, matrix
//! products through the `gemm` crate. Linking this crate registers the
//! backend with the core; nothing needs to be called.
//!
//! ```
//! use mlx_core::{Array, Device};
//! let _keep = mlx_cpu::CpuBackend::new(); // linking registers the backend
//! let a = Array::from_slice(&[1.0f32, 2.0], &[2])?;
//! assert_eq!(a.device(), Device::cpu());
//! Ok::<(), mlx_core::Error>(())
//! ```
#![deny(missing_docs)]

mod backend;
mod binary;
mod cast;
mod complex;
mod conv;
mod creation;
mod elementwise_walk;
mod fast;
mod indexing;
mod mask_grad;
mod matmul;
mod matmul_thin;
mod optimizer;
mod random;
mod reduce;
mod reduce_monoid;
mod scalar;
mod scan;
mod scatter;
mod simd;
mod softmax;
mod sort;
mod strided;
mod unary;

pub use backend::CpuBackend;

inventory::submit! {
    mlx_core::BackendRegistration {
        kind: mlx_core::DeviceType::Cpu,
        name: "cpu",
        count: || Ok(1),
        create: |_| Ok(std::sync::Arc::new(CpuBackend::new())),
    }
}
