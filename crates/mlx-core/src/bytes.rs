//! Immutable bytes shared with their owner ([`SharedBytes`]), such as a
//! memory-mapped file, and conversions between little-endian bytes and
//! [`HostData`]. File loaders (`mlx-io`) build arrays from these, and the
//! CPU backend reads them in place.

use crate::memory::{try_to_vec, try_zeroed};
use crate::{with_dtype, Complex64, Dtype, Element, Error, HostData, Result};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A read-only window into bytes kept alive by a shared owner (a `Vec<u8>`,
/// a memory map, ...). Cloning and slicing share the owner.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::SharedBytes;
/// let b = SharedBytes::new(vec![1u8, 2, 3, 4]);
/// let tail = b.slice(2..4).unwrap();
/// assert_eq!(tail.as_bytes(), &[3, 4]);
/// assert!(b.slice(3..9).is_none());
/// ```
#[derive(Clone)]
pub struct SharedBytes {
    owner: Arc<dyn AsRef<[u8]> + Send + Sync>,
    start: usize,
    len: usize,
}

impl SharedBytes {
    /// All bytes of `owner`.
    pub fn new<O: AsRef<[u8]> + Send + Sync + 'static>(owner: O) -> SharedBytes {
        Self::from_arc(Arc::new(owner))
    }

    /// All bytes of an already shared owner.
    pub fn from_arc(owner: Arc<dyn AsRef<[u8]> + Send + Sync>) -> SharedBytes {
        let len = (*owner).as_ref().len();
        SharedBytes {
            owner,
            start: 0,
            len,
        }
    }

    /// The sub-window `range` (relative to this window), or `None` when it
    /// does not lie inside.
    pub fn slice(&self, range: Range<usize>) -> Option<SharedBytes> {
        if range.start > range.end || range.end > self.len {
            return None;
        }
        Some(SharedBytes {
            owner: Arc::clone(&self.owner),
            start: self.start + range.start,
            len: range.end - range.start,
        })
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &(*self.owner).as_ref()[self.start..self.start + self.len]
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the window is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedBytes({} bytes)", self.len)
    }
}

impl HostData {
    /// Elements of `dtype` from little-endian `bytes` (any alignment). Bool
    /// bytes other than 0 read as `true`.
    ///
    /// # Errors
    /// `[array] 3 bytes do not hold a whole number of float32 elements`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{Dtype, HostData};
    /// let h = HostData::from_le_bytes(Dtype::Uint16, &[1, 0, 0, 1])?;
    /// assert_eq!(h, HostData::Uint16(vec![1, 256]));
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_le_bytes(dtype: Dtype, bytes: &[u8]) -> Result<HostData> {
        if bytes.len() % dtype.size() != 0 {
            return Err(Error::invalid(
                "array",
                format!(
                    "{} bytes do not hold a whole number of {dtype} elements",
                    bytes.len()
                ),
            ));
        }
        if cfg!(target_endian = "big") {
            return Err(Error::invalid(
                "array",
                "reading little-endian bytes needs a little-endian host",
            ));
        }
        with_dtype!(dtype, T => {
            if let Some(s) = T::cast_bytes(bytes) {
                return Ok(T::into_host(try_to_vec("array", s)?));
            }
            // Misaligned (or bool bytes other than 0/1): copy into an
            // 8-byte-aligned buffer first.
            let mut words = try_zeroed::<u64>("array", bytes.len().div_ceil(8))?;
            let dst = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()];
            dst.copy_from_slice(bytes);
            if dtype == Dtype::Bool {
                dst.iter_mut().for_each(|b| *b = u8::from(*b != 0));
            }
            let s = T::cast_bytes(dst).expect("aligned plain data casts");
            Ok(T::into_host(try_to_vec("array", s)?))
        })
    }

    /// The elements as little-endian bytes, borrowed (bool is one byte, 0
    /// or 1). On a big-endian host the bytes are the native ones.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::HostData;
    /// assert_eq!(HostData::Uint16(vec![1, 256]).as_bytes(), &[1, 0, 0, 1]);
    /// assert_eq!(HostData::Bool(vec![true, false]).as_bytes(), &[1, 0]);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        use bytemuck::cast_slice as c;
        match self {
            HostData::Bool(v) => bytemuck::checked::cast_slice::<bool, u8>(v),
            HostData::Uint8(v) => v,
            HostData::Uint16(v) => c(v),
            HostData::Uint32(v) => c(v),
            HostData::Uint64(v) => c(v),
            HostData::Int8(v) => c(v),
            HostData::Int16(v) => c(v),
            HostData::Int32(v) => c(v),
            HostData::Int64(v) => c(v),
            HostData::Float16(v) => c(v),
            HostData::Bfloat16(v) => c(v),
            HostData::Float32(v) => c(v),
            HostData::Float64(v) => c(v),
            HostData::Complex64(v) => c::<Complex64, u8>(v),
        }
    }
}
