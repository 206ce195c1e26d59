//! A bounds-checked little-endian cursor over a byte slice: every read
//! fails with a format error instead of reading past the end.

use crate::{Error, Result};

/// Reads from `bytes`, advancing `pos`; never panics, never reads outside.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    op: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader at offset 0; errors name `op`.
    pub(crate) fn new(bytes: &'a [u8], op: &'static str) -> Reader<'a> {
        Reader { bytes, pos: 0, op }
    }

    /// Current offset.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(Error::format(
                self.op,
                format!(
                    "file is truncated: {what} needs {n} bytes at offset {} but {} remain",
                    self.pos,
                    self.remaining()
                ),
            ));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let s = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// A `u64` length that must fit in the bytes left, counting
    /// `min_item_size` bytes per item: a huge count in a small file fails
    /// here, before anything is allocated.
    pub(crate) fn count(&mut self, min_item_size: usize, what: &str) -> Result<usize> {
        let n = self.u64(what)?;
        let need = (n as u128) * (min_item_size as u128);
        if need > self.remaining() as u128 {
            return Err(Error::format(
                self.op,
                format!(
                    "{what} {n} needs at least {need} bytes but {} remain",
                    self.remaining()
                ),
            ));
        }
        Ok(n as usize)
    }
}
