//! NumPy `.npz` archives: a zip of `.npy` files, stored or
//! deflate-compressed (the `zip` crate, limited to those two methods).
//!
//! A stored entry is loaded straight from the archive's bytes (no copy on
//! the CPU backend when mapped); a deflated one is inflated into a buffer.
//! Before anything is inflated, every entry is checked: entries must not
//! overlap in the archive (no two central-directory records may share
//! bytes), each must claim no more than its compressed size can inflate
//! to (deflate expands at most about 1032 times), and all of them together
//! no more than [`DEFAULT_MAX_EXPANSION`] times the archive's size (or
//! [`MIN_INFLATE_BUDGET`] bytes for a small archive), unless the caller
//! opts in to more ([`load_bytes_with`], `LoadOptions::max_expansion`).

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

/// The default bound on the bytes all deflated entries of an archive may
/// inflate to, as a multiple of the archive's size: 128. Arrays of real
/// data compress 1-10 times; an archive holding mostly zeros can exceed
/// it and needs [`load_bytes_with`] (or `LoadOptions::max_expansion`).
///
/// # Examples
/// ```
/// assert_eq!(mlx_io::npz::DEFAULT_MAX_EXPANSION, 128);
/// ```
pub const DEFAULT_MAX_EXPANSION: u64 = 128;

/// Inflating up to this many bytes (1 MiB) is allowed whatever the
/// archive's size, so small compressed archives of zeros load.
///
/// # Examples
/// ```
/// assert_eq!(mlx_io::npz::MIN_INFLATE_BUDGET, 1 << 20);
/// ```
pub const MIN_INFLATE_BUDGET: u64 = 1 << 20;

/// The arrays of the `.npz` archive in `bytes`, keyed by entry name without
/// the `.npy` suffix (`arr_0`, `weight`). Deflated entries may inflate to
/// [`DEFAULT_MAX_EXPANSION`] times the archive's size in all; see
/// [`load_bytes_with`] for more.
///
/// # Errors
/// `[load] ...` for a malformed archive or entry, a compression method
/// other than stored or deflate, overlapping entries, an entry larger than
/// its compressed size can justify, or entries inflating to more than the
/// bound in all.
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
    load_bytes_with(bytes, DEFAULT_MAX_EXPANSION)
}

/// Where one entry lies in the archive, read from its records.
struct EntrySpan {
    name: String,
    /// Local header start to the end of the compressed data.
    span: std::ops::Range<u64>,
    deflated: bool,
    size: u64,
}

/// [`load_bytes`] with the bound on inflated bytes chosen by the caller:
/// deflated entries may inflate to `max_expansion` times the archive's
/// size in all (at least [`MIN_INFLATE_BUDGET`] bytes). Pass a larger
/// value (up to `u64::MAX`) for a trusted archive of very compressible
/// data; overlapping entries and entries claiming more than deflate can
/// produce are refused whatever the bound.
///
/// # Errors
/// As [`load_bytes`]; the bound's error reads `[load] deflated entries
/// inflate to ... bytes in all, more than 128 times the archive's ...
/// bytes`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Dtype, SharedBytes};
/// // 4 MiB of zeros deflate to a few KiB: past the default bound.
/// let z = ops::zeros(&[1 << 20], Dtype::Float32)?;
/// let zip = SharedBytes::new(mlx_io::npz::to_bytes([("z", &z)], true)?);
/// assert!(mlx_io::npz::load_bytes(zip.clone()).is_err());
/// let m = mlx_io::npz::load_bytes_with(zip, 2000)?;
/// assert_eq!(m["z"].shape(), &[1 << 20]);
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load_bytes_with(bytes: SharedBytes, max_expansion: u64) -> Result<HashMap<String, Array>> {
    let zerr = |e: zip::result::ZipError| Error::format(OP, format!("invalid .npz archive: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_bytes())).map_err(zerr)?;
    // Check every entry's records before inflating anything.
    let mut spans = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(zerr)?;
        let name = entry.name().to_string();
        let outside = || Error::format(OP, format!("entry {name:?} lies outside the archive"));
        let start = entry.header_start();
        let end = entry
            .data_start()
            .and_then(|d| d.checked_add(entry.compressed_size()))
            .filter(|&e| e <= bytes.len() as u64)
            .ok_or_else(outside)?;
        spans.push(EntrySpan {
            deflated: entry.compression() == CompressionMethod::Deflated,
            size: entry.size(),
            span: start..end,
            name,
        });
    }
    check_overlaps(&spans)?;
    let budget = (bytes.len() as u64)
        .saturating_mul(max_expansion)
        .max(MIN_INFLATE_BUDGET);
    let total = spans
        .iter()
        .filter(|s| s.deflated)
        .try_fold(0u64, |acc, s| acc.checked_add(s.size))
        .unwrap_or(u64::MAX);
    if total > budget {
        return Err(Error::format(
            OP,
            format!(
                "deflated entries inflate to {total} bytes in all, more than {max_expansion} times the archive's {} bytes (pass a larger max_expansion to load a trusted archive)",
                bytes.len()
            ),
        ));
    }
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

/// Refuse entries whose bytes (local header and data) overlap another's:
/// a hostile archive can point many central-directory records at one
/// deflated entry to multiply what it inflates to.
fn check_overlaps(spans: &[EntrySpan]) -> Result<()> {
    let mut order: Vec<&EntrySpan> = spans.iter().collect();
    order.sort_by_key(|s| (s.span.start, s.span.end));
    // The entry reaching furthest so far: any later start before its end
    // overlaps it.
    let mut furthest: Option<&EntrySpan> = None;
    for s in order {
        if let Some(f) = furthest {
            if s.span.start < f.span.end {
                return Err(Error::format(
                    OP,
                    format!(
                        "entries {:?} (bytes {}..{}) and {:?} (bytes {}..{}) overlap in the archive",
                        f.name, f.span.start, f.span.end, s.name, s.span.start, s.span.end
                    ),
                ));
            }
        }
        if furthest.is_none_or(|f| s.span.end > f.span.end) {
            furthest = Some(s);
        }
    }
    Ok(())
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
