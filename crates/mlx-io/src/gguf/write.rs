//! Writing GGUF version 3 (MLX's `save_gguf`).

use super::read::{GgmlType, DEFAULT_ALIGNMENT};
use super::value::{write_string, write_typed_value, GgufValue};
use crate::array_bytes::host_data;
use crate::{Error, Result};
use mlx_core::{Array, Dtype};
use std::collections::HashMap;

const OP: &str = "save_gguf";

/// The GGUF file (version 3) of `arrays` and `metadata`. Tensors of
/// float32, float16, int8, int16 and int32 (as MLX), and bfloat16 (type
/// BF16, which MLX's `save_gguf` refuses). Metadata keys and tensors are
/// written in name order; data is 32-byte aligned.
///
/// # Evaluation
/// Evaluates every array.
///
/// # Errors
/// `[save_gguf] dtype uint8 is not supported`, a duplicate name, or an
/// evaluation error.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
/// let bytes = mlx_io::gguf::to_bytes([("a", &a)], None)?;
/// assert!(bytes.starts_with(b"GGUF\x03\x00\x00\x00"));
/// let u = mlx_core::Array::from_slice(&[1u8], &[1])?;
/// assert!(mlx_io::gguf::to_bytes([("u", &u)], None).is_err());
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn to_bytes<'a, K: AsRef<str>>(
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
    metadata: Option<&HashMap<String, GgufValue>>,
) -> Result<Vec<u8>> {
    let arrays = crate::sorted_unique(OP, arrays)?;
    let mut types = Vec::with_capacity(arrays.len());
    for (_, a) in &arrays {
        types.push(ggml_type(a.dtype())?);
    }
    let mut meta: Vec<(&String, &GgufValue)> = metadata.into_iter().flatten().collect();
    meta.sort_by(|a, b| a.0.cmp(b.0));

    let mut out = Vec::new();
    out.extend_from_slice(b"GGUF");
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&(arrays.len() as u64).to_le_bytes());
    out.extend_from_slice(&(meta.len() as u64).to_le_bytes());
    for (k, v) in meta {
        if k == "general.alignment" && *v != GgufValue::U32(DEFAULT_ALIGNMENT as u32) {
            return Err(Error::invalid(
                OP,
                format!("general.alignment must be uint32 {DEFAULT_ALIGNMENT}"),
            ));
        }
        write_string(&mut out, k);
        write_typed_value(&mut out, v);
    }
    let align = |n: usize| n.div_ceil(DEFAULT_ALIGNMENT) * DEFAULT_ALIGNMENT;
    let mut offset = 0usize;
    for ((name, a), ty) in arrays.iter().zip(&types) {
        write_string(&mut out, name);
        out.extend_from_slice(&(a.ndim() as u32).to_le_bytes());
        for &d in a.shape().iter().rev() {
            out.extend_from_slice(&(d as u64).to_le_bytes());
        }
        out.extend_from_slice(&ty.id().to_le_bytes());
        out.extend_from_slice(&(offset as u64).to_le_bytes());
        offset = align(offset + a.size() * a.dtype().size());
    }
    out.resize(align(out.len()), 0);
    for (_, a) in &arrays {
        let host = host_data(a)?;
        out.extend_from_slice(host.as_bytes());
        out.resize(align(out.len()), 0);
    }
    Ok(out)
}

/// Write [`to_bytes`] to `path`.
pub(crate) fn write_file<'a, K: AsRef<str>>(
    path: &std::path::Path,
    arrays: impl IntoIterator<Item = (K, &'a Array)>,
    metadata: Option<&HashMap<String, GgufValue>>,
) -> Result<()> {
    let bytes = to_bytes(arrays, metadata)?;
    std::fs::write(path, bytes).map_err(|e| Error::io(OP, path, e))
}

fn ggml_type(d: Dtype) -> Result<GgmlType> {
    Ok(match d {
        Dtype::Float32 => GgmlType::F32,
        Dtype::Float16 => GgmlType::F16,
        Dtype::Bfloat16 => GgmlType::BF16,
        Dtype::Int8 => GgmlType::I8,
        Dtype::Int16 => GgmlType::I16,
        Dtype::Int32 => GgmlType::I32,
        Dtype::Bool
        | Dtype::Uint8
        | Dtype::Uint16
        | Dtype::Uint32
        | Dtype::Uint64
        | Dtype::Int64
        | Dtype::Float64
        | Dtype::Complex64 => {
            return Err(Error::invalid(OP, format!("dtype {d} is not supported")))
        }
    })
}
