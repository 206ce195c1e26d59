//! GGUF metadata values ([`GgufValue`]) and their encoding.

use crate::reader::Reader;
use crate::{Error, Result};

/// Nested arrays deeper than this are rejected (MLX reads one level).
const MAX_DEPTH: usize = 8;

/// A GGUF metadata value, one variant per GGUF value type.
///
/// MLX's Python API shows numbers and numeric arrays as `mx.array`s,
/// strings as `str` and string arrays as `list[str]`; here every GGUF type
/// keeps its own variant, so a value written back is written unchanged.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_io::gguf::{GgufArray, GgufValue};
/// let v = GgufValue::Array(GgufArray::String(vec!["a".into(), "b".into()]));
/// assert_eq!(v.type_name(), "array");
/// assert_eq!(GgufValue::from("llama").as_str(), Some("llama"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
pub enum GgufValue {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    F32(f32),
    Bool(bool),
    String(String),
    Array(GgufArray),
    U64(u64),
    I64(i64),
    F64(f64),
}

/// A GGUF array: elements of one type (arrays of arrays allowed).
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
pub enum GgufArray {
    U8(Vec<u8>),
    I8(Vec<i8>),
    U16(Vec<u16>),
    I16(Vec<i16>),
    U32(Vec<u32>),
    I32(Vec<i32>),
    F32(Vec<f32>),
    Bool(Vec<bool>),
    String(Vec<String>),
    Array(Vec<GgufArray>),
    U64(Vec<u64>),
    I64(Vec<i64>),
    F64(Vec<f64>),
}

impl GgufValue {
    /// The GGUF type name (`"uint32"`, `"string"`, `"array"`).
    pub fn type_name(&self) -> &'static str {
        match self {
            GgufValue::U8(_) => "uint8",
            GgufValue::I8(_) => "int8",
            GgufValue::U16(_) => "uint16",
            GgufValue::I16(_) => "int16",
            GgufValue::U32(_) => "uint32",
            GgufValue::I32(_) => "int32",
            GgufValue::F32(_) => "float32",
            GgufValue::Bool(_) => "bool",
            GgufValue::String(_) => "string",
            GgufValue::Array(_) => "array",
            GgufValue::U64(_) => "uint64",
            GgufValue::I64(_) => "int64",
            GgufValue::F64(_) => "float64",
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            GgufValue::String(s) => Some(s),
            _ => None,
        }
    }

    fn type_id(&self) -> u32 {
        match self {
            GgufValue::U8(_) => 0,
            GgufValue::I8(_) => 1,
            GgufValue::U16(_) => 2,
            GgufValue::I16(_) => 3,
            GgufValue::U32(_) => 4,
            GgufValue::I32(_) => 5,
            GgufValue::F32(_) => 6,
            GgufValue::Bool(_) => 7,
            GgufValue::String(_) => 8,
            GgufValue::Array(_) => 9,
            GgufValue::U64(_) => 10,
            GgufValue::I64(_) => 11,
            GgufValue::F64(_) => 12,
        }
    }
}

impl From<&str> for GgufValue {
    fn from(s: &str) -> GgufValue {
        GgufValue::String(s.to_string())
    }
}

impl GgufArray {
    fn item_type_id(&self) -> u32 {
        match self {
            GgufArray::U8(_) => 0,
            GgufArray::I8(_) => 1,
            GgufArray::U16(_) => 2,
            GgufArray::I16(_) => 3,
            GgufArray::U32(_) => 4,
            GgufArray::I32(_) => 5,
            GgufArray::F32(_) => 6,
            GgufArray::Bool(_) => 7,
            GgufArray::String(_) => 8,
            GgufArray::Array(_) => 9,
            GgufArray::U64(_) => 10,
            GgufArray::I64(_) => 11,
            GgufArray::F64(_) => 12,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            GgufArray::U8(v) => v.len(),
            GgufArray::I8(v) => v.len(),
            GgufArray::U16(v) => v.len(),
            GgufArray::I16(v) => v.len(),
            GgufArray::U32(v) => v.len(),
            GgufArray::I32(v) => v.len(),
            GgufArray::F32(v) => v.len(),
            GgufArray::Bool(v) => v.len(),
            GgufArray::String(v) => v.len(),
            GgufArray::Array(v) => v.len(),
            GgufArray::U64(v) => v.len(),
            GgufArray::I64(v) => v.len(),
            GgufArray::F64(v) => v.len(),
        }
    }

    /// True when the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A GGUF string: `u64` length, then UTF-8 bytes.
pub(crate) fn read_string(r: &mut Reader, what: &str) -> Result<String> {
    let n = r.count(1, what)?;
    let bytes = r.take(n, what)?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::format("load_gguf", format!("{what} is not valid UTF-8")))
}

/// A value of GGUF type `ty`.
pub(crate) fn read_value(r: &mut Reader, ty: u32, depth: usize) -> Result<GgufValue> {
    Ok(match ty {
        0 => GgufValue::U8(r.u8("value")?),
        1 => GgufValue::I8(r.u8("value")? as i8),
        2 => GgufValue::U16(r.u16("value")?),
        3 => GgufValue::I16(r.u16("value")? as i16),
        4 => GgufValue::U32(r.u32("value")?),
        5 => GgufValue::I32(r.u32("value")? as i32),
        6 => GgufValue::F32(f32::from_bits(r.u32("value")?)),
        7 => GgufValue::Bool(r.u8("value")? != 0),
        8 => GgufValue::String(read_string(r, "string value")?),
        9 => GgufValue::Array(read_array(r, depth)?),
        10 => GgufValue::U64(r.u64("value")?),
        11 => GgufValue::I64(r.u64("value")? as i64),
        12 => GgufValue::F64(f64::from_bits(r.u64("value")?)),
        t => {
            return Err(Error::format(
                "load_gguf",
                format!("unknown metadata value type {t}"),
            ))
        }
    })
}

fn read_array(r: &mut Reader, depth: usize) -> Result<GgufArray> {
    if depth >= MAX_DEPTH {
        return Err(Error::format(
            "load_gguf",
            format!("metadata arrays nested more than {MAX_DEPTH} deep"),
        ));
    }
    let ty = r.u32("array type")?;
    // The smallest encoding of one item bounds the count by the bytes left.
    let min_size = match ty {
        0 | 1 | 7 => 1,
        2 | 3 => 2,
        4..=6 => 4,
        8 | 10..=12 => 8,
        9 => 12,
        t => {
            return Err(Error::format(
                "load_gguf",
                format!("unknown metadata array type {t}"),
            ))
        }
    };
    let n = r.count(min_size, "array length")?;
    macro_rules! fixed {
        ($variant:ident, $t:ty, $size:expr) => {{
            let bytes = r.take(n * $size, "array")?;
            GgufArray::$variant(
                bytes
                    .chunks_exact($size)
                    .map(|c| <$t>::from_le_bytes(c.try_into().expect("chunk size")))
                    .collect(),
            )
        }};
    }
    Ok(match ty {
        0 => GgufArray::U8(r.take(n, "array")?.to_vec()),
        1 => GgufArray::I8(r.take(n, "array")?.iter().map(|&b| b as i8).collect()),
        2 => fixed!(U16, u16, 2),
        3 => fixed!(I16, i16, 2),
        4 => fixed!(U32, u32, 4),
        5 => fixed!(I32, i32, 4),
        6 => fixed!(F32, f32, 4),
        7 => GgufArray::Bool(r.take(n, "array")?.iter().map(|&b| b != 0).collect()),
        8 => {
            let mut v = Vec::new();
            for _ in 0..n {
                v.push(read_string(r, "string in array")?);
            }
            GgufArray::String(v)
        }
        9 => {
            let mut v = Vec::new();
            for _ in 0..n {
                v.push(read_array(r, depth + 1)?);
            }
            GgufArray::Array(v)
        }
        10 => fixed!(U64, u64, 8),
        11 => fixed!(I64, i64, 8),
        _ => fixed!(F64, f64, 8),
    })
}

/// Append a GGUF string.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Append the type id and encoding of `v`.
pub(crate) fn write_typed_value(out: &mut Vec<u8>, v: &GgufValue) {
    out.extend_from_slice(&v.type_id().to_le_bytes());
    match v {
        GgufValue::U8(x) => out.push(*x),
        GgufValue::I8(x) => out.push(*x as u8),
        GgufValue::U16(x) => out.extend_from_slice(&x.to_le_bytes()),
        GgufValue::I16(x) => out.extend_from_slice(&x.to_le_bytes()),
        GgufValue::U32(x) => out.extend_from_slice(&x.to_le_bytes()),
        GgufValue::I32(x) => out.extend_from_slice(&x.to_le_bytes()),
        GgufValue::F32(x) => out.extend_from_slice(&x.to_le_bytes()),
        GgufValue::Bool(x) => out.push(u8::from(*x)),
        GgufValue::String(s) => write_string(out, s),
        GgufValue::Array(a) => write_array(out, a),
        GgufValue::U64(x) => out.extend_from_slice(&x.to_le_bytes()),
        GgufValue::I64(x) => out.extend_from_slice(&x.to_le_bytes()),
        GgufValue::F64(x) => out.extend_from_slice(&x.to_le_bytes()),
    }
}

fn write_array(out: &mut Vec<u8>, a: &GgufArray) {
    out.extend_from_slice(&a.item_type_id().to_le_bytes());
    out.extend_from_slice(&(a.len() as u64).to_le_bytes());
    macro_rules! each {
        ($v:expr) => {
            $v.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()))
        };
    }
    match a {
        GgufArray::U8(v) => out.extend_from_slice(v),
        GgufArray::I8(v) => each!(v),
        GgufArray::U16(v) => each!(v),
        GgufArray::I16(v) => each!(v),
        GgufArray::U32(v) => each!(v),
        GgufArray::I32(v) => each!(v),
        GgufArray::F32(v) => each!(v),
        GgufArray::Bool(v) => out.extend(v.iter().map(|&b| u8::from(b))),
        GgufArray::String(v) => v.iter().for_each(|s| write_string(out, s)),
        GgufArray::Array(v) => v.iter().for_each(|x| write_array(out, x)),
        GgufArray::U64(v) => each!(v),
        GgufArray::I64(v) => each!(v),
        GgufArray::F64(v) => each!(v),
    }
}
