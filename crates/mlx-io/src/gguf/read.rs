//! Reading GGUF: [`parse`] checks the whole header against the file size
//! before anything is allocated for tensors; [`load_bytes`] builds arrays.

use super::quant;
use super::value::{read_string, read_value, GgufValue};
use crate::array_bytes::array_from_bytes;
use crate::reader::Reader;
use crate::{Error, Result};
use mlx_core::shape::checked_numel;
use mlx_core::{Array, Dtype, SharedBytes};
use std::collections::HashMap;
use std::ops::Range;

const OP: &str = "load_gguf";
/// Most dimensions a tensor may have (gguflib's limit).
const MAX_DIMS: usize = 8;
/// Alignment of tensor data unless `general.alignment` says otherwise.
pub(crate) const DEFAULT_ALIGNMENT: usize = 32;

/// The GGML tensor types this crate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum GgmlType {
    F32,
    F16,
    Q4_0,
    Q4_1,
    Q8_0,
    I8,
    I16,
    I32,
    I64,
    F64,
    BF16,
}

impl GgmlType {
    /// The GGML type id (`F32` is 0, `BF16` is 30).
    pub fn id(self) -> u32 {
        match self {
            GgmlType::F32 => 0,
            GgmlType::F16 => 1,
            GgmlType::Q4_0 => 2,
            GgmlType::Q4_1 => 3,
            GgmlType::Q8_0 => 8,
            GgmlType::I8 => 24,
            GgmlType::I16 => 25,
            GgmlType::I32 => 26,
            GgmlType::I64 => 27,
            GgmlType::F64 => 28,
            GgmlType::BF16 => 30,
        }
    }

    /// The type of a GGML type id, if this crate reads it.
    pub fn from_id(id: u32) -> Option<GgmlType> {
        Some(match id {
            0 => GgmlType::F32,
            1 => GgmlType::F16,
            2 => GgmlType::Q4_0,
            3 => GgmlType::Q4_1,
            8 => GgmlType::Q8_0,
            24 => GgmlType::I8,
            25 => GgmlType::I16,
            26 => GgmlType::I32,
            27 => GgmlType::I64,
            28 => GgmlType::F64,
            30 => GgmlType::BF16,
            _ => return None,
        })
    }

    /// The MLX dtype of an unquantized type.
    pub fn dtype(self) -> Option<Dtype> {
        Some(match self {
            GgmlType::F32 => Dtype::Float32,
            GgmlType::F16 => Dtype::Float16,
            GgmlType::BF16 => Dtype::Bfloat16,
            GgmlType::I8 => Dtype::Int8,
            GgmlType::I16 => Dtype::Int16,
            GgmlType::I32 => Dtype::Int32,
            GgmlType::I64 => Dtype::Int64,
            GgmlType::F64 => Dtype::Float64,
            GgmlType::Q4_0 | GgmlType::Q4_1 | GgmlType::Q8_0 => return None,
        })
    }

    /// `(elements, bytes)` of one block (1 element for unquantized types).
    pub(crate) fn block(self) -> (usize, usize) {
        match self {
            GgmlType::Q4_0 => (32, 18),
            GgmlType::Q4_1 => (32, 20),
            GgmlType::Q8_0 => (32, 34),
            t => (1, t.dtype().map_or(1, Dtype::size)),
        }
    }
}

/// One tensor of a GGUF file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GgufTensorInfo {
    /// The tensor's name.
    pub name: String,
    /// Its GGML type.
    pub ggml_type: GgmlType,
    /// Shape in MLX order (GGUF lists dimensions fastest first; this is
    /// reversed).
    pub shape: Vec<usize>,
    /// Byte range of the data in the file (validated to lie inside it).
    pub range: Range<usize>,
}

/// The parsed header of a GGUF file.
#[derive(Clone, Debug, PartialEq)]
pub struct GgufFile {
    /// Format version (2 or 3).
    pub version: u32,
    /// Metadata in file order.
    pub metadata: Vec<(String, GgufValue)>,
    /// Tensors in file order.
    pub tensors: Vec<GgufTensorInfo>,
    /// Alignment of the data section.
    pub alignment: usize,
}

/// Parse and check the GGUF file in `bytes`: header, metadata, tensor
/// infos, and that every tensor's data lies inside the file with no two
/// tensors sharing bytes. Since tensors do not overlap, loading unpacks
/// at most the file's size (quantized blocks grow by at most 20/18).
///
/// # Errors
/// `[load_gguf] ...` for anything malformed, overlapping tensors, a
/// shape whose size overflows (any dimension counts, even beside a zero
/// one), or a tensor type not read here (e.g. `Q4_K`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use std::collections::HashMap;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])?;
/// let bytes = mlx_io::gguf::to_bytes([("w", &a)], None)?;
/// let f = mlx_io::gguf::parse(&bytes)?;
/// assert_eq!((f.version, f.tensors[0].shape.as_slice()), (3, &[2usize, 3][..]));
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<GgufFile> {
    let mut r = Reader::new(bytes, OP);
    if r.take(4, "magic").ok() != Some(b"GGUF".as_slice()) {
        return Err(Error::format(OP, "not a gguf file (bad magic)"));
    }
    let version = r.u32("version")?;
    if version != 2 && version != 3 {
        return Err(Error::format(
            OP,
            format!("unsupported gguf version {version}"),
        ));
    }
    // A tensor info takes at least 8 + 4 + 4 + 8 bytes, a key-value 8 + 4 + 1.
    let n_tensors = r.count(24, "tensor count")?;
    let n_kv = r.count(13, "metadata count")?;
    let mut metadata = Vec::new();
    let mut alignment = DEFAULT_ALIGNMENT;
    for _ in 0..n_kv {
        let key = read_string(&mut r, "metadata key")?;
        let ty = r.u32("metadata type")?;
        let value = read_value(&mut r, ty, 0)?;
        if key == "general.alignment" {
            alignment = match value {
                GgufValue::U32(a) if a.is_power_of_two() => a as usize,
                _ => {
                    return Err(Error::format(
                        OP,
                        "general.alignment must be a uint32 power of two",
                    ))
                }
            };
        }
        metadata.push((key, value));
    }
    let mut raw = Vec::new();
    for _ in 0..n_tensors {
        let name = read_string(&mut r, "tensor name")?;
        let ndim = r.u32("tensor rank")? as usize;
        if ndim > MAX_DIMS {
            return Err(Error::format(
                OP,
                format!("tensor {name:?} has {ndim} dimensions (at most {MAX_DIMS})"),
            ));
        }
        let mut dims = Vec::with_capacity(ndim);
        for _ in 0..ndim {
            dims.push(r.u64("tensor dimension")?);
        }
        let type_id = r.u32("tensor type")?;
        let ggml_type = GgmlType::from_id(type_id).ok_or_else(|| {
            Error::format(
                OP,
                format!("tensor {name:?} has unsupported ggml type {type_id}"),
            )
        })?;
        let offset = r.u64("tensor offset")?;
        raw.push((name, dims, ggml_type, offset));
    }
    let data_start = r.pos().div_ceil(alignment).saturating_mul(alignment);
    let mut tensors = Vec::with_capacity(raw.len());
    for (name, dims, ggml_type, offset) in raw {
        let too_big = || Error::format(OP, format!("tensor {name:?} is larger than the file"));
        let shape = dims
            .iter()
            .rev()
            .map(|&d| usize::try_from(d).map_err(|_| too_big()))
            .collect::<Result<Vec<usize>>>()?;
        let (block_elems, block_bytes) = ggml_type.block();
        // Every dimension counts, even beside a zero one; a quantized
        // tensor unpacks to at most one byte per element.
        let numel = checked_numel(OP, &shape, block_bytes.div_ceil(block_elems))?;
        if block_elems > 1 && shape.last().is_none_or(|&d| d % block_elems != 0) {
            return Err(Error::format(
                OP,
                format!(
                    "tensor {name:?} has incompatible last dim shape {:?} for {ggml_type:?} (a multiple of {block_elems} is needed)",
                    shape.last()
                ),
            ));
        }
        let nbytes = (numel / block_elems)
            .checked_mul(block_bytes)
            .ok_or_else(too_big)?;
        let start = usize::try_from(offset)
            .ok()
            .and_then(|o| o.checked_add(data_start))
            .ok_or_else(too_big)?;
        let end = start.checked_add(nbytes).ok_or_else(too_big)?;
        if end > bytes.len() {
            return Err(Error::format(
                OP,
                format!(
                    "tensor {name:?} needs bytes {start}..{end} but the file has {}",
                    bytes.len()
                ),
            ));
        }
        tensors.push(GgufTensorInfo {
            name,
            ggml_type,
            shape,
            range: start..end,
        });
    }
    check_overlaps(&tensors)?;
    Ok(GgufFile {
        version,
        metadata,
        tensors,
        alignment,
    })
}

/// Refuse tensors whose data ranges overlap: a hostile file can point
/// thousands of quantized tensors at one block of data, and each would be
/// unpacked into its own buffer. Empty tensors overlap nothing.
fn check_overlaps(tensors: &[GgufTensorInfo]) -> Result<()> {
    let mut order: Vec<&GgufTensorInfo> = tensors.iter().filter(|t| !t.range.is_empty()).collect();
    order.sort_by_key(|t| (t.range.start, t.range.end));
    let mut furthest: Option<&GgufTensorInfo> = None;
    for t in order {
        if let Some(f) = furthest {
            if t.range.start < f.range.end {
                return Err(Error::format(
                    OP,
                    format!(
                        "tensors {:?} (bytes {}..{}) and {:?} (bytes {}..{}) overlap",
                        f.name, f.range.start, f.range.end, t.name, t.range.start, t.range.end
                    ),
                ));
            }
        }
        if furthest.is_none_or(|f| t.range.end > f.range.end) {
            furthest = Some(t);
        }
    }
    Ok(())
}

/// The arrays and metadata of the GGUF file in `bytes`. Unquantized
/// tensors share the bytes (no copy on the CPU backend when aligned);
/// a quantized tensor `p.weight` gives `p.weight` (uint32, packed),
/// `p.scales` and `p.biases` (float16), as MLX's `mx.load`.
///
/// # Errors
/// As [`parse`], or `[load_gguf] duplicate parameter name "x"`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use std::collections::HashMap;
/// use mlx_io::gguf::GgufValue;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// let meta = HashMap::from([("general.name".to_string(), GgufValue::from("tiny"))]);
/// let bytes = mlx_io::gguf::to_bytes([("a", &a)], Some(&meta))?;
/// let (arrays, m) = mlx_io::gguf::load_bytes(mlx_core::SharedBytes::new(bytes))?;
/// assert_eq!(arrays["a"].to_vec::<i32>()?, vec![1, 2]);
/// assert_eq!(m["general.name"].as_str(), Some("tiny"));
/// Ok::<(), mlx_io::Error>(())
/// ```
#[allow(clippy::type_complexity)]
pub fn load_bytes(
    bytes: SharedBytes,
) -> Result<(HashMap<String, Array>, HashMap<String, GgufValue>)> {
    let file = parse(bytes.as_bytes())?;
    let mut arrays = HashMap::new();
    let mut insert = |name: String, a: Array| {
        if arrays.contains_key(&name) {
            return Err(Error::format(
                OP,
                format!("duplicate parameter name {name:?} (this can happen when loading quantized tensors)"),
            ));
        }
        arrays.insert(name, a);
        Ok(())
    };
    for t in file.tensors {
        let data = bytes.slice(t.range.clone()).ok_or_else(|| {
            Error::format(OP, format!("tensor {:?} lies outside the file", t.name))
        })?;
        match t.ggml_type.dtype() {
            Some(dtype) => insert(t.name, array_from_bytes(data, dtype, &t.shape, false)?)?,
            None => {
                let q = quant::unpack(t.ggml_type, data.as_bytes(), &t.shape)?;
                let prefix = quant::prefix(&t.name).to_string();
                insert(t.name, q.weight)?;
                insert(format!("{prefix}.scales"), q.scales)?;
                insert(format!("{prefix}.biases"), q.biases)?;
            }
        }
    }
    Ok((arrays, file.metadata.into_iter().collect()))
}
