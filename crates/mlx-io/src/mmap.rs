//! Opening a file as [`SharedBytes`]: memory-mapped, or read into memory.

use crate::{Error, Result};
use mlx_core::SharedBytes;
use std::path::Path;

/// The bytes of the file at `path`: mapped read-only when `mmap`, read
/// into a buffer otherwise (and for empty files, which cannot be mapped).
pub(crate) fn open(op: &'static str, path: &Path, mmap: bool) -> Result<SharedBytes> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(op, path, e))?;
    let len = file.metadata().map_err(|e| Error::io(op, path, e))?.len();
    if !mmap || len == 0 {
        let bytes = std::fs::read(path).map_err(|e| Error::io(op, path, e))?;
        return Ok(SharedBytes::new(bytes));
    }
    // SAFETY: `Mmap::map` is unsafe because the mapping aliases the file:
    // if another process writes to or truncates the file while the map
    // lives, the bytes change under us (or reading them faults). The map is
    // read-only and we never write through it; the documented contract of
    // `load_with` (and of every loader that maps, as MLX, NumPy's
    // `mmap_mode` and safetensors do) is that the caller keeps the file
    // unchanged while arrays loaded from it are alive. `mmap: false` reads
    // the file instead for callers who cannot promise that.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(op, path, e))?;
    Ok(SharedBytes::new(map))
}
