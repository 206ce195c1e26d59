//! # mlx-core
//!
//! The heart of a pure-Rust MLX: the lazy [`Array`], its [`Dtype`]s, the
//! compute graph of [`primitive`]s, every op in [`ops`], and the
//! [`Backend`] trait that device crates (`mlx-cpu`, `mlx-metal`) implement.
//!
//! Most users depend on the `mlx` umbrella crate, which registers backends.
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::{Array, ops};
//! let a = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
//! let b = ops::sum(&a, &[1], false)?; // lazy: nothing computed yet
//! assert_eq!(b.to_vec::<f32>()?, vec![3.0, 7.0]);
//! Ok::<(), mlx_core::Error>(())
//! ```
#![deny(missing_docs)]

pub mod array;
pub mod backend;
mod bytes;
mod device;
mod dtype;
mod element;
mod error;
pub mod memory;
pub mod ops;
pub mod primitive;
pub mod random;
pub mod shape;
mod stream;
pub mod transforms;
pub mod tree;

pub use array::{eval, Array, Nested};
pub use backend::{
    backend_for, device_count, is_available, Backend, BackendRegistration, Donor, Storage, View,
};
pub use bytes::SharedBytes;
pub use device::{default_device, set_default_device, with_default_device, Device, DeviceType};
pub use dtype::{issubdtype, Dtype, DtypeCategory, DtypeKind};
pub use element::{Complex64, Element, HostData};
pub use error::{Error, Result};
pub use stream::{default_stream, new_stream, set_default_stream, with_stream, Stream};
pub use transforms::{checkpoint, custom_function, grad, jvp, value_and_grad, vjp, vmap};

#[doc(hidden)]
pub use half;
#[doc(hidden)]
pub use inventory;
