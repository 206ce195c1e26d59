//! [`load`] and [`load_with`]: MLX's `mx.load`.

use crate::gguf::GgufValue;
use crate::{gguf, mmap, npy, npz, safetensors, Error, Format, Result};
use mlx_core::{Array, SharedBytes};
use std::collections::HashMap;
use std::path::Path;

/// What [`load`] returns: one array for `.npy`, a map otherwise (as
/// `mx.load` returns an array or a dict).
#[derive(Clone, Debug)]
pub enum Loaded {
    /// The array of a `.npy` file.
    Array(Array),
    /// The named arrays of a `.npz`, safetensors or GGUF file.
    Map(HashMap<String, Array>),
}

impl Loaded {
    /// The single array.
    ///
    /// # Errors
    /// `[load] expected a single array (a .npy file) but the file holds a map`.
    pub fn into_array(self) -> Result<Array> {
        match self {
            Loaded::Array(a) => Ok(a),
            Loaded::Map(_) => Err(Error::invalid(
                "load",
                "expected a single array (a .npy file) but the file holds a map",
            )),
        }
    }

    /// The name-to-array map.
    ///
    /// # Errors
    /// `[load] expected a map of arrays but the file holds a single array (.npy)`.
    pub fn into_map(self) -> Result<HashMap<String, Array>> {
        match self {
            Loaded::Map(m) => Ok(m),
            Loaded::Array(_) => Err(Error::invalid(
                "load",
                "expected a map of arrays but the file holds a single array (.npy)",
            )),
        }
    }
}

/// File metadata, returned by [`load_with`] when asked.
#[derive(Clone, Debug, PartialEq)]
pub enum Metadata {
    /// The `__metadata__` strings of a safetensors file.
    Safetensors(HashMap<String, String>),
    /// The key-value metadata of a GGUF file.
    Gguf(HashMap<String, GgufValue>),
}

/// How [`load_with`] reads a file.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let o = mlx_io::LoadOptions::default();
/// assert!(o.mmap && o.format.is_none() && !o.return_metadata);
/// assert_eq!(o.max_expansion, mlx_io::npz::DEFAULT_MAX_EXPANSION);
/// // A trusted .npz of very compressible data (mostly zeros):
/// let trusted = mlx_io::LoadOptions { max_expansion: 4096, ..Default::default() };
/// # let _ = trusted;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// The format; `None` infers it from the extension (MLX's `format`).
    pub format: Option<Format>,
    /// Also return safetensors or GGUF metadata (MLX's `return_metadata`).
    pub return_metadata: bool,
    /// Memory-map the file (the default) instead of reading it.
    pub mmap: bool,
    /// The most bytes the deflated entries of a `.npz` may inflate to in
    /// all, as a multiple of the file's size (at least
    /// [`npz::MIN_INFLATE_BUDGET`] bytes): by default
    /// [`npz::DEFAULT_MAX_EXPANSION`] (128). Raise it to load a trusted
    /// archive of very compressible data; other formats never expand a
    /// file by more than about 1.1 times and ignore it.
    pub max_expansion: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            format: None,
            return_metadata: false,
            mmap: true,
            max_expansion: npz::DEFAULT_MAX_EXPANSION,
        }
    }
}

/// Load the arrays of a file, with the format from its extension (MLX's
/// `mx.load(file)`). See [`load_with`].
///
/// # Errors
/// As [`load_with`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let path = std::env::temp_dir().join(format!("mlx-io-load-{}.npy", std::process::id()));
/// mlx_io::save(&path, &mlx_core::Array::from_slice(&[7u32], &[1])?)?;
/// let a = mlx_io::load(&path)?.into_array()?;
/// assert_eq!(a.to_vec::<u32>()?, vec![7]);
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load(path: impl AsRef<Path>) -> Result<Loaded> {
    Ok(load_with(path, &LoadOptions::default())?.0)
}

/// Load the arrays of a file (MLX's `mx.load(file, format,
/// return_metadata)`), on the default device.
///
/// The file is memory-mapped unless `options.mmap` is false: opening is
/// immediate, data pages in when first used, and on the CPU backend the
/// arrays of `.npy`, safetensors and unquantized GGUF tensors read the
/// mapping in place when aligned for their dtype. **Contract:** the file
/// must not be modified or truncated while arrays loaded from it are
/// alive (their values would change, or reading them would fault); use
/// `mmap: false` to read the file into memory instead.
///
/// # Errors
/// `[load] ...` (npy/npz), `[load_safetensors] ...` or `[load_gguf] ...`
/// for a file that cannot be read or is malformed;
/// `[load] metadata not supported for format npy` when metadata is asked
/// of npy or npz.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_io::{LoadOptions, Metadata};
/// use std::collections::HashMap;
/// let path = std::env::temp_dir().join(format!("mlx-io-meta-{}.safetensors", std::process::id()));
/// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
/// let meta = HashMap::from([("format".to_string(), "mlx".to_string())]);
/// mlx_io::save_safetensors(&path, [("a", &a)], Some(&meta))?;
/// let opts = LoadOptions { return_metadata: true, ..LoadOptions::default() };
/// let (arrays, m) = mlx_io::load_with(&path, &opts)?;
/// assert_eq!(m, Some(Metadata::Safetensors(meta)));
/// assert_eq!(arrays.into_map()?.len(), 1);
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load_with(
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<(Loaded, Option<Metadata>)> {
    let path = path.as_ref();
    let format = match options.format {
        Some(f) => f,
        None => Format::from_path(path)?,
    };
    check_metadata(format, options.return_metadata)?;
    let op = match format {
        Format::Npy | Format::Npz => "load",
        Format::Safetensors => "load_safetensors",
        Format::Gguf => "load_gguf",
    };
    let bytes = mmap::open(op, path, options.mmap)?;
    load_bytes_expanding(
        bytes,
        format,
        options.return_metadata,
        options.max_expansion,
    )
}

/// Load arrays from the bytes of a file of `format` (the in-memory form
/// of [`load_with`]; the arrays share `bytes`), with the default
/// `.npz` inflation bound (see [`npz::load_bytes_with`] for another).
///
/// # Errors
/// As [`load_with`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_io::{Format, Loaded};
/// let a = mlx_core::Array::from_slice(&[1i8, 2], &[2])?;
/// let bytes = mlx_core::SharedBytes::new(mlx_io::npy::to_bytes(&a)?);
/// let (loaded, _) = mlx_io::load_bytes(bytes, Format::Npy, false)?;
/// assert!(matches!(loaded, Loaded::Array(_)));
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load_bytes(
    bytes: SharedBytes,
    format: Format,
    return_metadata: bool,
) -> Result<(Loaded, Option<Metadata>)> {
    load_bytes_expanding(bytes, format, return_metadata, npz::DEFAULT_MAX_EXPANSION)
}

/// [`load_bytes`] with a `.npz` inflation bound of `max_expansion`.
fn load_bytes_expanding(
    bytes: SharedBytes,
    format: Format,
    return_metadata: bool,
    max_expansion: u64,
) -> Result<(Loaded, Option<Metadata>)> {
    check_metadata(format, return_metadata)?;
    let (loaded, meta) = match format {
        Format::Npy => (Loaded::Array(npy::load_bytes(bytes)?), None),
        Format::Npz => (
            Loaded::Map(npz::load_bytes_with(bytes, max_expansion)?),
            None,
        ),
        Format::Safetensors => {
            let (m, meta) = safetensors::load_bytes(bytes)?;
            (Loaded::Map(m), Some(Metadata::Safetensors(meta)))
        }
        Format::Gguf => {
            let (m, meta) = gguf::load_bytes(bytes)?;
            (Loaded::Map(m), Some(Metadata::Gguf(meta)))
        }
    };
    Ok((loaded, meta.filter(|_| return_metadata)))
}

fn check_metadata(format: Format, return_metadata: bool) -> Result<()> {
    if return_metadata && matches!(format, Format::Npy | Format::Npz) {
        return Err(Error::invalid(
            "load",
            format!("metadata not supported for format {}", format.extension()),
        ));
    }
    Ok(())
}
