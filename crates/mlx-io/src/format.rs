//! [`Format`]: the file formats, and picking one from a path.

use crate::{Error, Result};
use std::path::Path;

/// A file format this crate reads and writes.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_io::Format;
/// assert_eq!(Format::from_path("model.safetensors")?, Format::Safetensors);
/// assert_eq!(Format::Npz.extension(), "npz");
/// assert!(Format::from_path("model.bin").is_err());
/// Ok::<(), mlx_io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// NumPy `.npy`: one array.
    Npy,
    /// NumPy `.npz`: a zip of `.npy` files.
    Npz,
    /// Hugging Face safetensors.
    Safetensors,
    /// GGUF (llama.cpp).
    Gguf,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Npy, Format::Npz, Format::Safetensors, Format::Gguf];

    /// The file extension, without the dot (also MLX's `format` name).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Npy => "npy",
            Format::Npz => "npz",
            Format::Safetensors => "safetensors",
            Format::Gguf => "gguf",
        }
    }

    /// The format named `name` (`"npy"`, `"npz"`, `"safetensors"`,
    /// `"gguf"`).
    ///
    /// # Errors
    /// `[load] unknown file format "bin"`.
    pub fn from_name(name: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension() == name)
            .ok_or_else(|| Error::invalid("load", format!("unknown file format {name:?}")))
    }

    /// The format of `path`, from its extension, as `mx.load` infers it.
    ///
    /// # Errors
    /// `[load] could not infer file format from extension of "weights"`,
    /// or an unknown extension.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Format> {
        let path = path.as_ref();
        let ext = path.extension().and_then(|e| e.to_str()).ok_or_else(|| {
            Error::invalid(
                "load",
                format!(
                    "could not infer file format from extension of {:?}",
                    path.display().to_string()
                ),
            )
        })?;
        Format::from_name(ext)
    }
}
