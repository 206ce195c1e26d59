//! The savers: MLX's `mx.save`, `mx.savez`, `mx.savez_compressed`,
//! `mx.save_safetensors` and `mx.save_gguf`.

use crate::gguf::GgufValue;
use crate::{gguf, npy, npz, safetensors, Error, Result};
use mlx_core::Array;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// `path` with `.ext` appended unless it already ends with it (as MLX's
/// savers do).
fn with_extension(path: &Path, ext: &str) -> PathBuf {
    let dotted = format!(".{ext}");
    if path.as_os_str().to_string_lossy().ends_with(&dotted) {
        return path.to_path_buf();
    }
    let mut s = path.as_os_str().to_os_string();
    s.push(dotted);
    PathBuf::from(s)
}

fn write(op: &'static str, path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io(op, path, e))
}

/// The named arrays sorted by name.
///
/// # Errors
/// `[op] duplicate name "a"`.
pub(crate) fn sorted_unique<'a, K: AsRef<str>>(
    op: &'static str,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
) -> Result<Vec<(String, &'a Array)>> {
    let mut v: Vec<(String, &Array)> = arrays
        .into_iter()
        .map(|(k, a)| (k.as_ref().to_string(), a))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = v.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::invalid(op, format!("duplicate name {:?}", w[0].0)));
    }
    Ok(v)
}

/// Save one array as a `.npy` file (MLX's `mx.save`); `.npy` is appended
/// to the path unless present.
///
/// # Evaluation
/// Evaluates `a`.
///
/// # Errors
/// `[save] ...` when the file cannot be written, or an evaluation error.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let base = std::env::temp_dir().join(format!("mlx-io-save-{}", std::process::id()));
/// mlx_io::save(&base, &mlx_core::Array::from_scalar(1.5f32))?;
/// let path = base.with_extension("npy");
/// assert_eq!(mlx_io::load(&path)?.into_array()?.item::<f32>()?, 1.5);
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn save(path: impl AsRef<Path>, a: &Array) -> Result<()> {
    let path = with_extension(path.as_ref(), "npy");
    write("save", &path, &npy::to_bytes(a)?)
}

/// Save named arrays as an uncompressed `.npz` archive (MLX's
/// `mx.savez`; positional arrays there are named `arr_0`, `arr_1`, ...).
/// `.npz` is appended to the path unless present.
///
/// # Evaluation
/// Evaluates every array.
///
/// # Errors
/// `[savez] ...` for a duplicate name or a write failure.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let path = std::env::temp_dir().join(format!("mlx-io-savez-{}.npz", std::process::id()));
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// mlx_io::savez(&path, [("arr_0", &a)])?;
/// assert_eq!(mlx_io::load(&path)?.into_map()?["arr_0"].to_vec::<i32>()?, vec![1, 2]);
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn savez<'a, K: AsRef<str>>(
    path: impl AsRef<Path>,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
) -> Result<()> {
    let path = with_extension(path.as_ref(), "npz");
    write("savez", &path, &npz::to_bytes(arrays, false)?)
}

/// As [`savez`], deflate-compressed (MLX's `mx.savez_compressed`).
///
/// # Evaluation
/// Evaluates every array.
///
/// # Errors
/// As [`savez`], with `[savez_compressed]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let path = std::env::temp_dir().join(format!("mlx-io-savezc-{}.npz", std::process::id()));
/// let z = mlx_core::ops::zeros(&[1000], mlx_core::Dtype::Float32)?;
/// mlx_io::savez_compressed(&path, [("z", &z)])?;
/// assert!(std::fs::metadata(&path).unwrap().len() < 1000);
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn savez_compressed<'a, K: AsRef<str>>(
    path: impl AsRef<Path>,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
) -> Result<()> {
    let path = with_extension(path.as_ref(), "npz");
    write("savez_compressed", &path, &npz::to_bytes(arrays, true)?)
}

/// Save named arrays and optional string metadata as safetensors (MLX's
/// `mx.save_safetensors`); `.safetensors` is appended unless present.
///
/// # Evaluation
/// Evaluates every array.
///
/// # Errors
/// `[save_safetensors] ...` for a duplicate name or a write failure.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let path = std::env::temp_dir().join(format!("mlx-io-st-{}.safetensors", std::process::id()));
/// let a = mlx_core::Array::from_slice(&[half::bf16::from_f32(1.5)], &[1])?;
/// mlx_io::save_safetensors(&path, [("a", &a)], None)?;
/// let m = mlx_io::load(&path)?.into_map()?;
/// assert_eq!(m["a"].dtype(), mlx_core::Dtype::Bfloat16);
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn save_safetensors<'a, K: AsRef<str>>(
    path: impl AsRef<Path>,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
    metadata: Option<&HashMap<String, String>>,
) -> Result<()> {
    let path = with_extension(path.as_ref(), "safetensors");
    safetensors::write_file(&path, arrays, metadata)
}

/// Save named arrays and optional metadata as GGUF version 3 (MLX's
/// `mx.save_gguf`); `.gguf` is appended unless present. See
/// [`gguf::to_bytes`] for the dtypes.
///
/// # Evaluation
/// Evaluates every array.
///
/// # Errors
/// `[save_gguf] dtype uint8 is not supported`, a duplicate name, or a
/// write failure.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_io::gguf::GgufValue;
/// use std::collections::HashMap;
/// let path = std::env::temp_dir().join(format!("mlx-io-gg-{}.gguf", std::process::id()));
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// let meta = HashMap::from([("n".to_string(), GgufValue::U32(3))]);
/// mlx_io::save_gguf(&path, [("a", &a)], Some(&meta))?;
/// assert_eq!(mlx_io::load(&path)?.into_map()?["a"].to_vec::<f32>()?, vec![1.0, 2.0]);
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn save_gguf<'a, K: AsRef<str>>(
    path: impl AsRef<Path>,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
    metadata: Option<&HashMap<String, GgufValue>>,
) -> Result<()> {
    let path = with_extension(path.as_ref(), "gguf");
    gguf::write_file(&path, arrays, metadata)
}
