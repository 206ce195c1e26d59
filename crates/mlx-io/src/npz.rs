//! NumPy `.npz` archives: a zip of `.npy` files, stored or
//! deflate-compressed (the `zip` crate, limited to those two methods).
//!
//! A stored entry is loaded straight from the archive's bytes (no copy on
//! the CPU backend when mapped); a deflated one is inflated into a buffer
//! whose size the compressed entry must justify (deflate expands at most
//! about 1032 times), so a zip bomb is rejected before it is inflated.

use crate::{npy, Error, Result};
use mlx_core::{Array, SharedBytes};
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

const OP: &str = "load";

/// Deflate's largest expansion ratio (RFC 1951 gives about 1032:1), with
/// a little slack.
const MAX_DEFLATE_RATIO: u64 = 1040;

/// The arrays of the `.npz` archive in `bytes`, keyed by entry name without
/// the `.npy` suffix (`arr_0`, `weight`).
///
/// # Errors
/// `[load] ...` for a malformed archive or entry, a compression method
/// other than stored or deflate, or an entry larger than its compressed
/// size can justify.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, SharedBytes};
/// let a = Array::from_slice(&[1u8, 2, 3], &[3])?;
/// let zip = mlx_io::npz::to_bytes([("a", &a)], true)?;
/// let m = mlx_io::npz::load_bytes(SharedBytes::new(zip))?;
/// assert_eq!(m["a"].to_vec::<u8>()?, vec![1, 2, 3]);
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load_bytes(bytes: SharedBytes) -> Result<HashMap<String, Array>> {
    let zerr = |e: zip::result::ZipError| Error::format(OP, format!("invalid .npz archive: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_bytes())).map_err(zerr)?;
    let mut out = HashMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zerr)?;
        let name = entry.name().to_string();
        let key = name.strip_suffix(".npy").unwrap_or(&name).to_string();
        let size = entry.size();
        let data = match entry.compression() {
            CompressionMethod::Stored => {
                let start = entry.data_start().and_then(|s| usize::try_from(s).ok());
                let end = start.and_then(|s| s.checked_add(usize::try_from(size).ok()?));
                match (start, end) {
                    (Some(s), Some(e)) if size == entry.compressed_size() => bytes.slice(s..e),
                    _ => None,
                }
                .ok_or_else(|| {
                    Error::format(OP, format!("entry {name:?} lies outside the archive"))
                })?
            }
            CompressionMethod::Deflated => {
                let limit = entry
                    .compressed_size()
                    .saturating_mul(MAX_DEFLATE_RATIO)
                    .saturating_add(1024)
                    .min(bytes.len() as u64 * MAX_DEFLATE_RATIO + 1024);
                if size > limit {
                    return Err(Error::format(
                        OP,
                        format!(
                            "entry {name:?} claims {size} bytes, more than its {} compressed bytes can hold",
                            entry.compressed_size()
                        ),
                    ));
                }
                let mut buf = Vec::with_capacity(size as usize);
                (&mut entry)
                    .take(size.saturating_add(1))
                    .read_to_end(&mut buf)
                    .map_err(|e| {
                        Error::format(OP, format!("entry {name:?} does not inflate: {e}"))
                    })?;
                if buf.len() as u64 != size {
                    return Err(Error::format(
                        OP,
                        format!("entry {name:?} inflates to {} bytes, not {size}", buf.len()),
                    ));
                }
                SharedBytes::new(buf)
            }
            other => {
                return Err(Error::format(
                    OP,
                    format!("entry {name:?} uses unsupported compression {other}"),
                ))
            }
        };
        let array =
            npy::load_bytes(data).map_err(|e| Error::format(OP, format!("entry {name:?}: {e}")))?;
        out.insert(key, array);
    }
    Ok(out)
}

/// The `.npz` archive of `arrays` (entries `name.npy`), deflate-compressed
/// when `compressed` (MLX's `savez_compressed`), stored otherwise
/// (`savez`). Entries are written in name order.
///
/// # Evaluation
/// Evaluates every array.
///
/// # Errors
/// An evaluation error, or `[savez] duplicate name "a"`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.5f32], &[1])?;
/// let zip = mlx_io::npz::to_bytes([("w", &a)], false)?;
/// assert!(zip.starts_with(b"PK"));
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn to_bytes<'a, K: AsRef<str>>(
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
    compressed: bool,
) -> Result<Vec<u8>> {
    let op = if compressed {
        "savez_compressed"
    } else {
        "savez"
    };
    let arrays = crate::sorted_unique(op, arrays)?;
    let method = if compressed {
        CompressionMethod::Deflated
    } else {
        CompressionMethod::Stored
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let werr = |e: zip::result::ZipError| Error::invalid(op, format!("writing the archive: {e}"));
    for (name, a) in arrays {
        let npy = npy::to_bytes(a)?;
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(npy.len() as u64 >= u32::MAX as u64);
        zip.start_file(format!("{name}.npy"), options)
            .map_err(werr)?;
        zip.write_all(&npy)
            .map_err(|e| Error::invalid(op, format!("writing the archive: {e}")))?;
    }
    Ok(zip.finish().map_err(werr)?.into_inner())
}
