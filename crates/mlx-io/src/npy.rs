//! NumPy `.npy` files: every MLX dtype, C and Fortran order, format
//! versions 1.0 to 3.0, either byte order. `bfloat16` is stored as MLX
//! writes it, with descr `'<V2'`.
//!
//! [`parse`] reads and checks the header of a byte slice without
//! allocating more than the header; [`load_bytes`] builds the array.

use crate::array_bytes::{array_from_bytes, host_data};
use crate::reader::Reader;
use crate::{Error, Result};
use mlx_core::shape::checked_numel;
use mlx_core::{Array, Dtype, SharedBytes};

const MAGIC: &[u8] = b"\x93NUMPY";
const OP: &str = "load";

/// The longest header dict read: 1 MiB. NumPy refuses headers over
/// 10,000 bytes by default (`max_header_size`); a shape of rank 64 with
/// 20-digit dimensions takes under 1.5 KB. A header is parsed as it is
/// read, keeping only the shape (8 bytes per dimension, each at least
/// two characters), so a header costs at most 4 times its size.
///
/// # Examples
/// ```
/// assert_eq!(mlx_io::npy::MAX_HEADER_LEN, 1 << 20);
/// ```
pub const MAX_HEADER_LEN: usize = 1 << 20;

/// The header of a `.npy` file: what the data is and where it lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyHeader {
    /// Format version `(major, minor)`: (1, 0), (2, 0) or (3, 0).
    pub version: (u8, u8),
    /// Element type.
    pub dtype: Dtype,
    /// Shape of the array.
    pub shape: Vec<usize>,
    /// Data in column-major (Fortran) order.
    pub fortran_order: bool,
    /// Elements stored big-endian (descr `'>...'`).
    pub big_endian: bool,
    /// Offset of the first data byte in the file.
    pub data_offset: usize,
    /// Data size in bytes (elements times element size).
    pub data_len: usize,
}

/// Read and check the header of the `.npy` file in `bytes`: magic, version,
/// the header dict, and that the data it describes fits in `bytes`.
///
/// # Errors
/// `[load] ...` for anything malformed, an unsupported dtype (e.g.
/// `'<c16'`, object arrays), or data shorter than the shape needs.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])?;
/// let bytes = mlx_io::npy::to_bytes(&a)?;
/// let h = mlx_io::npy::parse(&bytes)?;
/// assert_eq!((h.dtype, h.shape.as_slice()), (mlx_core::Dtype::Float32, &[2usize, 3][..]));
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<NpyHeader> {
    let mut r = Reader::new(bytes, OP);
    if r.take(MAGIC.len(), "the magic string").ok() != Some(MAGIC) {
        return Err(Error::format(OP, "not a .npy file (bad magic string)"));
    }
    let version = (r.u8("version")?, r.u8("version")?);
    let header_len = match version {
        (1, 0) => usize::from(r.u16("header length")?),
        (2, 0) | (3, 0) => r.u32("header length")? as usize,
        (a, b) => {
            return Err(Error::format(
                OP,
                format!("unsupported .npy format version {a}.{b}"),
            ))
        }
    };
    if header_len > MAX_HEADER_LEN {
        return Err(Error::format(
            OP,
            format!("header of {header_len} bytes exceeds the limit of {MAX_HEADER_LEN} bytes"),
        ));
    }
    let raw = r.take(header_len, "header")?;
    let text = match version.0 {
        3 => std::str::from_utf8(raw).ok(),
        _ => raw
            .is_ascii()
            .then(|| std::str::from_utf8(raw).ok())
            .flatten(),
    }
    .ok_or_else(|| Error::format(OP, "header is not valid text"))?;
    let dict = parse_dict(text)?;
    let (dtype, big_endian) = parse_descr(&dict.descr)?;
    // Every dimension counts, even beside a zero one.
    let data_len = checked_numel(OP, &dict.shape, dtype.size())? * dtype.size();
    let data_offset = r.pos();
    if data_len > r.remaining() {
        return Err(Error::format(
            OP,
            format!(
                "file is truncated: shape needs {data_len} bytes of data but {} remain",
                r.remaining()
            ),
        ));
    }
    Ok(NpyHeader {
        version,
        dtype,
        shape: dict.shape,
        fortran_order: dict.fortran_order,
        big_endian,
        data_offset,
        data_len,
    })
}

/// Load the array of a `.npy` file held in `bytes`. On the CPU backend an
/// aligned little-endian C-order array shares `bytes` (no copy); Fortran
/// order gives a transposed view, as in MLX.
///
/// # Errors
/// As [`parse`], or a core error building the array.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, SharedBytes};
/// let a = Array::from_slice(&[1i16, -2], &[2])?;
/// let b = mlx_io::npy::load_bytes(SharedBytes::new(mlx_io::npy::to_bytes(&a)?))?;
/// assert_eq!(b.to_vec::<i16>()?, vec![1, -2]);
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load_bytes(bytes: SharedBytes) -> Result<Array> {
    let h = parse(bytes.as_bytes())?;
    let data = bytes
        .slice(h.data_offset..h.data_offset + h.data_len)
        .ok_or_else(|| Error::format(OP, "data lies outside the file"))?;
    if !h.fortran_order || h.shape.len() < 2 {
        return array_from_bytes(data, h.dtype, &h.shape, h.big_endian);
    }
    let reversed: Vec<usize> = h.shape.iter().rev().copied().collect();
    let a = array_from_bytes(data, h.dtype, &reversed, h.big_endian)?;
    Ok(a.transpose(())?)
}

/// The `.npy` file of `a` (C order, little-endian, format 1.0 unless the
/// header needs 2.0), with the data 64-byte aligned as NumPy writes it.
///
/// # Evaluation
/// Evaluates `a` and copies its data to the host.
///
/// # Errors
/// An evaluation error.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_scalar(true);
/// let bytes = mlx_io::npy::to_bytes(&a)?;
/// assert!(bytes.starts_with(b"\x93NUMPY\x01\x00"));
/// assert_eq!(bytes.len(), 129);
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn to_bytes(a: &Array) -> Result<Vec<u8>> {
    let host = host_data(a)?;
    let data = host.as_bytes();
    let mut out = header_bytes(a.dtype(), a.shape());
    out.extend_from_slice(data);
    Ok(out)
}

/// Magic, version, length and padded header dict for a C-order array.
pub(crate) fn header_bytes(dtype: Dtype, shape: &[usize]) -> Vec<u8> {
    let shape_text = match shape {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut dict = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {shape_text}, }}",
        descr(dtype)
    );
    let (version, prefix) = if dict.len() + 11 < 65536 {
        (1u8, 10)
    } else {
        (2u8, 12)
    };
    // Pad with spaces so the data starts on a 64-byte boundary.
    let total = (prefix + dict.len() + 1).div_ceil(64) * 64;
    dict.extend(std::iter::repeat_n(' ', total - prefix - dict.len() - 1));
    dict.push('\n');
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version, 0]);
    if version == 1 {
        out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(dict.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out
}

/// NumPy's array-protocol string of a dtype as MLX writes it (`'<f4'`,
/// `'|b1'`, `'<V2'` for bfloat16).
fn descr(dtype: Dtype) -> &'static str {
    match dtype {
        Dtype::Bool => "|b1",
        Dtype::Uint8 => "|u1",
        Dtype::Uint16 => "<u2",
        Dtype::Uint32 => "<u4",
        Dtype::Uint64 => "<u8",
        Dtype::Int8 => "|i1",
        Dtype::Int16 => "<i2",
        Dtype::Int32 => "<i4",
        Dtype::Int64 => "<i8",
        Dtype::Float16 => "<f2",
        Dtype::Bfloat16 => "<V2",
        Dtype::Float32 => "<f4",
        Dtype::Float64 => "<f8",
        Dtype::Complex64 => "<c8",
    }
}

/// The dtype and byte order of an array-protocol string.
fn parse_descr(s: &str) -> Result<(Dtype, bool)> {
    let bad = || Error::format(OP, format!("unsupported dtype {s:?}"));
    let (big, rest) = match s.as_bytes().first() {
        Some(b'<') | Some(b'|') | Some(b'=') => (false, &s[1..]),
        Some(b'>') => (true, &s[1..]),
        _ => (false, s),
    };
    let dtype = match rest {
        "b1" | "?" => Dtype::Bool,
        "u1" => Dtype::Uint8,
        "u2" => Dtype::Uint16,
        "u4" => Dtype::Uint32,
        "u8" => Dtype::Uint64,
        "i1" => Dtype::Int8,
        "i2" => Dtype::Int16,
        "i4" => Dtype::Int32,
        "i8" => Dtype::Int64,
        "f2" => Dtype::Float16,
        "V2" => Dtype::Bfloat16,
        "f4" => Dtype::Float32,
        "f8" => Dtype::Float64,
        "c8" => Dtype::Complex64,
        _ => return Err(bad()),
    };
    let big = big && dtype.size() > 1;
    Ok((dtype, big))
}

struct Dict {
    descr: String,
    fortran_order: bool,
    shape: Vec<usize>,
}

/// A token of the Python literal in the header.
#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Punct(u8),
    Str(&'a str),
    Int(u64),
    Bool(bool),
}

/// The tokens of the header text, one at a time (nothing is collected,
/// so a long header costs no memory beyond what the dict keeps).
struct Lexer<'a> {
    text: &'a str,
    i: usize,
}

impl<'a> Lexer<'a> {
    fn next(&mut self) -> Result<Option<Tok<'a>>> {
        let bad = |what: &str| Error::format(OP, format!("malformed header: {what}"));
        let text = self.text;
        let b = text.as_bytes();
        while self.i < b.len() && matches!(b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
        let i = self.i;
        if i >= b.len() {
            return Ok(None);
        }
        let tok = match b[i] {
            c @ (b'{' | b'}' | b'(' | b')' | b':' | b',' | b'[' | b']') => {
                self.i += 1;
                Tok::Punct(c)
            }
            q @ (b'\'' | b'"') => {
                let end = b[i + 1..]
                    .iter()
                    .position(|&c| c == q)
                    .ok_or_else(|| bad("unterminated string"))?;
                self.i += end + 2;
                Tok::Str(&text[i + 1..i + 1 + end])
            }
            b'0'..=b'9' => {
                let mut j = i;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let n = text[i..j]
                    .parse::<u64>()
                    .map_err(|_| bad("dimension too large"))?;
                if j < b.len() && (b[j] == b'L' || b[j] == b'l') {
                    j += 1; // Python 2 long suffix
                }
                self.i = j;
                Tok::Int(n)
            }
            _ if text[i..].starts_with("True") => {
                self.i += 4;
                Tok::Bool(true)
            }
            _ if text[i..].starts_with("False") => {
                self.i += 5;
                Tok::Bool(false)
            }
            _ => return Err(bad("unexpected character")),
        };
        Ok(Some(tok))
    }
}

/// Parse `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
fn parse_dict(text: &str) -> Result<Dict> {
    let bad = |what: &str| Error::format(OP, format!("malformed header: {what}"));
    let mut it = Lexer { text, i: 0 };
    if it.next()? != Some(Tok::Punct(b'{')) {
        return Err(bad("expected a dict"));
    }
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    loop {
        let key = match it.next()? {
            Some(Tok::Punct(b'}')) => break,
            Some(Tok::Str(k)) => k,
            _ => return Err(bad("expected a key")),
        };
        if it.next()? != Some(Tok::Punct(b':')) {
            return Err(bad("expected ':'"));
        }
        match key {
            "descr" => match it.next()? {
                Some(Tok::Str(s)) => descr = Some(s.to_string()),
                _ => {
                    return Err(bad(
                        "descr is not a string (structured dtypes are not supported)",
                    ))
                }
            },
            "fortran_order" => match it.next()? {
                Some(Tok::Bool(v)) => fortran = Some(v),
                _ => return Err(bad("fortran_order is not True or False")),
            },
            "shape" => {
                if it.next()? != Some(Tok::Punct(b'(')) {
                    return Err(bad("shape is not a tuple"));
                }
                let mut dims = Vec::new();
                loop {
                    match it.next()? {
                        Some(Tok::Punct(b')')) => break,
                        Some(Tok::Int(n)) => {
                            let n = usize::try_from(n).map_err(|_| bad("dimension too large"))?;
                            dims.push(n);
                            match it.next()? {
                                Some(Tok::Punct(b',')) => {}
                                Some(Tok::Punct(b')')) => break,
                                _ => return Err(bad("expected ',' or ')' in shape")),
                            }
                        }
                        _ => return Err(bad("shape holds a non-integer")),
                    }
                }
                shape = Some(dims);
            }
            other => return Err(bad(&format!("unexpected key {other:?}"))),
        }
        match it.next()? {
            Some(Tok::Punct(b',')) => {}
            Some(Tok::Punct(b'}')) => break,
            _ => return Err(bad("expected ',' or '}'")),
        }
    }
    if it.next()?.is_some() {
        return Err(bad("text after the dict"));
    }
    match (descr, fortran, shape) {
        (Some(descr), Some(fortran_order), Some(shape)) => Ok(Dict {
            descr,
            fortran_order,
            shape,
        }),
        _ => Err(bad("missing descr, fortran_order or shape")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_forms_numpy_and_mlx_write() {
        let d =
            parse_dict("{'descr': '<V2', 'fortran_order': True, 'shape': (3, )}    \n").unwrap();
        assert_eq!(
            (d.descr.as_str(), d.fortran_order, d.shape),
            ("<V2", true, vec![3])
        );
        let d = parse_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (), }").unwrap();
        assert!(d.shape.is_empty());
        let d = parse_dict("{\"shape\": (2L, 3), \"descr\": \"|b1\", \"fortran_order\": False}")
            .unwrap();
        assert_eq!(d.shape, vec![2, 3]);
    }

    #[test]
    fn dict_rejects_garbage() {
        for s in [
            "",
            "{",
            "{'descr': '<f4'}",
            "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': ()}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} extra",
        ] {
            assert!(parse_dict(s).is_err(), "{s}");
        }
    }
}
