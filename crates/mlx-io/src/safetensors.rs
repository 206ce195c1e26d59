//! Hugging Face safetensors files through the `safetensors` crate, which
//! checks the header (size limit, offsets inside the file, no overlap)
//! before anything is read. Loading shares the file's bytes: opened from a
//! memory map, a checkpoint is ready at once and pages in on use, with no
//! copy on the CPU backend when the tensor is aligned for its dtype.

use crate::array_bytes::{array_from_bytes, host_data};
use crate::{Error, Result};
use ::safetensors::tensor::{Dtype as StDtype, SafeTensors, View};
use mlx_core::shape::checked_numel;
use mlx_core::{Array, Dtype, HostData, SharedBytes};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

const OP: &str = "load_safetensors";

/// One tensor of a safetensors file: name, type, shape and where its bytes
/// lie in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorEntry {
    /// The tensor's name.
    pub name: String,
    /// Element type.
    pub dtype: Dtype,
    /// Shape.
    pub shape: Vec<usize>,
    /// Byte range in the file (validated to lie inside it).
    pub range: Range<usize>,
}

/// The tensors (sorted by offset) and the `__metadata__` strings of the
/// safetensors file in `bytes`, validated but not read.
///
/// The `safetensors` crate bounds the header at 100,000,000 bytes and
/// requires the tensors' byte ranges to be contiguous, so no two overlap.
///
/// # Errors
/// `[load_safetensors] ...` for a malformed header, overlapping or
/// gapped offsets, a shape whose size overflows (any dimension counts,
/// even beside a zero one), or a dtype MLX lacks (the `F8_*`, `F4`,
/// `F6_*` types).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// let bytes = mlx_io::safetensors::to_bytes([("w", &a)], None)?;
/// let (entries, meta) = mlx_io::safetensors::parse(&bytes)?;
/// assert_eq!(entries[0].name, "w");
/// assert_eq!(entries[0].range.len(), 8);
/// assert!(meta.is_empty());
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<(Vec<TensorEntry>, HashMap<String, String>)> {
    let (n, meta) = SafeTensors::read_metadata(bytes)
        .map_err(|e| Error::format(OP, format!("invalid safetensors file: {e}")))?;
    let base = n + 8;
    let infos = meta.tensors();
    let mut entries = Vec::with_capacity(infos.len());
    for name in meta.offset_keys() {
        let info = infos[&name];
        let dtype = from_st(info.dtype).ok_or_else(|| {
            Error::format(
                OP,
                format!(
                    "tensor {name:?} has dtype {} which MLX does not support",
                    info.dtype
                ),
            )
        })?;
        // The crate's own check multiplies from a zero dimension; every
        // dimension must count (a `(0, 1024, 2^54)` tensor is refused).
        checked_numel(OP, &info.shape, dtype.size())?;
        let (s, e) = info.data_offsets;
        entries.push(TensorEntry {
            name,
            dtype,
            shape: info.shape.clone(),
            range: base + s..base + e,
        });
    }
    Ok((entries, meta.metadata().clone().unwrap_or_default()))
}

/// The arrays and metadata of the safetensors file in `bytes`, sharing its
/// bytes (no copy on the CPU backend for aligned tensors).
///
/// # Errors
/// As [`parse`], or a core error building an array.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use std::collections::HashMap;
/// let a = mlx_core::Array::from_slice(&[3i64], &[1])?;
/// let meta = HashMap::from([("format".to_string(), "mlx".to_string())]);
/// let bytes = mlx_io::safetensors::to_bytes([("a", &a)], Some(&meta))?;
/// let (arrays, m) = mlx_io::safetensors::load_bytes(mlx_core::SharedBytes::new(bytes))?;
/// assert_eq!(arrays["a"].to_vec::<i64>()?, vec![3]);
/// assert_eq!(m["format"], "mlx");
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load_bytes(bytes: SharedBytes) -> Result<(HashMap<String, Array>, HashMap<String, String>)> {
    let (entries, meta) = parse(bytes.as_bytes())?;
    let mut out = HashMap::with_capacity(entries.len());
    for e in entries {
        let data = bytes.slice(e.range.clone()).ok_or_else(|| {
            Error::format(OP, format!("tensor {:?} lies outside the file", e.name))
        })?;
        out.insert(e.name, array_from_bytes(data, e.dtype, &e.shape, false)?);
    }
    Ok((out, meta))
}

/// The safetensors file of `arrays` with optional `metadata` (MLX's
/// `save_safetensors`). Every MLX dtype is stored (complex64 as `C64`).
///
/// # Evaluation
/// Evaluates every array.
///
/// # Errors
/// An evaluation error or `[save_safetensors] duplicate name "a"`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1u16, 2], &[1, 2])?;
/// let bytes = mlx_io::safetensors::to_bytes([("a", &a)], None)?;
/// assert_eq!(&bytes[8..9], b"{");
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn to_bytes<'a, K: AsRef<str>>(
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
    metadata: Option<&HashMap<String, String>>,
) -> Result<Vec<u8>> {
    let views = views("save_safetensors", arrays)?;
    ::safetensors::tensor::serialize(views, metadata.cloned())
        .map_err(|e| Error::invalid("save_safetensors", e.to_string()))
}

/// Write the safetensors file of `arrays` to `path`, streaming each
/// tensor (no second copy of the whole file in memory).
pub(crate) fn write_file<'a, K: AsRef<str>>(
    path: &std::path::Path,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
    metadata: Option<&HashMap<String, String>>,
) -> Result<()> {
    let views = views("save_safetensors", arrays)?;
    ::safetensors::tensor::serialize_to_file(views, metadata.cloned(), path)
        .map_err(|e| Error::invalid("save_safetensors", format!("{}: {e}", path.display())))
}

fn views<'a, K: AsRef<str>>(
    op: &'static str,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
) -> Result<Vec<(String, HostView)>> {
    crate::sorted_unique(op, arrays)?
        .into_iter()
        .map(|(name, a)| {
            Ok((
                name,
                HostView {
                    dtype: to_st(a.dtype()),
                    shape: a.shape().to_vec(),
                    data: host_data(a)?,
                },
            ))
        })
        .collect()
}

/// An evaluated array as the `safetensors` crate's [`View`].
struct HostView {
    dtype: StDtype,
    shape: Vec<usize>,
    data: HostData,
}

impl View for HostView {
    fn dtype(&self) -> StDtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self.data.as_bytes())
    }
    fn data_len(&self) -> usize {
        self.data.as_bytes().len()
    }
}

fn to_st(d: Dtype) -> StDtype {
    match d {
        Dtype::Bool => StDtype::BOOL,
        Dtype::Uint8 => StDtype::U8,
        Dtype::Uint16 => StDtype::U16,
        Dtype::Uint32 => StDtype::U32,
        Dtype::Uint64 => StDtype::U64,
        Dtype::Int8 => StDtype::I8,
        Dtype::Int16 => StDtype::I16,
        Dtype::Int32 => StDtype::I32,
        Dtype::Int64 => StDtype::I64,
        Dtype::Float16 => StDtype::F16,
        Dtype::Bfloat16 => StDtype::BF16,
        Dtype::Float32 => StDtype::F32,
        Dtype::Float64 => StDtype::F64,
        Dtype::Complex64 => StDtype::C64,
    }
}

fn from_st(d: StDtype) -> Option<Dtype> {
    Some(match d {
        StDtype::BOOL => Dtype::Bool,
        StDtype::U8 => Dtype::Uint8,
        StDtype::U16 => Dtype::Uint16,
        StDtype::U32 => Dtype::Uint32,
        StDtype::U64 => Dtype::Uint64,
        StDtype::I8 => Dtype::Int8,
        StDtype::I16 => Dtype::Int16,
        StDtype::I32 => Dtype::Int32,
        StDtype::I64 => Dtype::Int64,
        StDtype::F16 => Dtype::Float16,
        StDtype::BF16 => Dtype::Bfloat16,
        StDtype::F32 => Dtype::Float32,
        StDtype::F64 => Dtype::Float64,
        StDtype::C64 => Dtype::Complex64,
        // F8/F6/F4 and any type added later: MLX has no such dtype.
        _ => return None,
    })
}
