//! # mlx-io
//!
//! Loading and saving arrays with MLX's `mx.load`, `mx.save`,
//! `mx.savez`, `mx.savez_compressed`, `mx.save_safetensors` and
//! `mx.save_gguf` semantics, for NumPy `.npy`/`.npz`, safetensors and
//! GGUF files.
//!
//! - The format comes from the file extension ([`Format::from_path`]) or
//!   is given ([`LoadOptions::format`]). [`load`] returns one array for
//!   `.npy` and a name-to-array map otherwise ([`Loaded`]); safetensors and
//!   GGUF metadata come back on request ([`load_with`]).
//! - Files are memory-mapped: a large checkpoint opens at once and pages in
//!   on use, and on the CPU backend an aligned tensor is read in place,
//!   with no copy (see [`load_with`] for the contract this needs).
//! - Every parser works on a byte slice ([`npy::parse`],
//!   [`safetensors::parse`], [`gguf::parse`], [`npz::load_bytes`]) and is
//!   built for hostile input: a truncated, corrupted or malicious file
//!   gives an [`Error`], never a panic, never an allocation the file's size
//!   cannot justify, and never a read outside the file.
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::Array;
//! use std::collections::HashMap;
//! let dir = std::env::temp_dir().join(format!("mlx-io-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let w = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
//! let weights = HashMap::from([("layer.weight".to_string(), w)]);
//! mlx_io::save_safetensors(dir.join("model.safetensors"), &weights, None)?;
//! let loaded = mlx_io::load(dir.join("model.safetensors"))?.into_map()?;
//! assert_eq!(loaded["layer.weight"].to_vec::<f32>()?, vec![1.0, 2.0, 3.0, 4.0]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! Ok::<(), mlx_io::Error>(())
//! ```
#![deny(missing_docs)]

mod array_bytes;
mod error;
mod format;
pub mod gguf;
mod load;
mod mmap;
pub mod npy;
pub mod npz;
mod reader;
pub mod safetensors;
mod save;
mod weights;

pub use error::{Error, Result};
pub use format::Format;
pub use load::{load, load_bytes, load_with, LoadOptions, Loaded, Metadata};
pub(crate) use save::sorted_unique;
pub use save::{save, save_gguf, save_safetensors, savez, savez_compressed};
pub use weights::{load_weights, select_weights};
