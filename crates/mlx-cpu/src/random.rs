//! Threefry random bits (`Primitive::RandomBits`), laid out as MLX's CPU
//! kernel: each key fills its block of the output with the little-endian
//! bytes of its word stream ([`mlx_core::random::bits_word`]).

use crate::strided::{buffer, strided_offset};
use mlx_core::memory::{try_collect, try_zeroed};
use mlx_core::primitive::OutSpec;
use mlx_core::random::bits_word;
use mlx_core::{Dtype, Error, HostData, Result, View};
use rayon::prelude::*;

/// The keys of a `[K.., 2]` view as pairs, in row-major order.
fn keys(v: &View) -> Result<Vec<[u32; 2]>> {
    let buf = buffer::<u32>(v)?;
    let at = |i: usize| buf[(v.offset as isize + strided_offset(i, v.shape, v.strides)) as usize];
    let n = v.numel() / 2;
    try_collect("bits", n, (0..n).map(|k| [at(2 * k), at(2 * k + 1)]))
}

/// Random bits for `out`: element `e` belongs to key `e / per_key`, and
/// reads bytes `[j * width, (j + 1) * width)` of that key's stream, where
/// `j = e % per_key`.
pub(crate) fn random_bits(keys_view: &View, width: usize, out: OutSpec) -> Result<HostData> {
    if keys_view.dtype != Dtype::Uint32 {
        return Err(Error::dtype(
            "bits",
            keys_view.dtype,
            "expected key type uint32",
        ));
    }
    let n = out.numel();
    // The output first: a size beyond memory fails before anything is written.
    let mut out_bits = match width {
        1 => HostData::Uint8(try_zeroed("bits", n)?),
        2 => HostData::Uint16(try_zeroed("bits", n)?),
        4 => HostData::Uint32(try_zeroed("bits", n)?),
        w => {
            return Err(Error::invalid(
                "bits",
                format!("bit width must be in {{1, 2, 4}} but got {w}"),
            ))
        }
    };
    let ks = keys(keys_view)?;
    let per_key = if ks.is_empty() { 0 } else { n / ks.len() };
    let n_words = (per_key * width).div_ceil(4);
    let byte = |e: usize| -> u32 {
        let (k, j) = (e / per_key, e % per_key);
        let b = j * width;
        bits_word(ks[k], n_words, b / 4) >> (8 * (b % 4))
    };
    const PAR: usize = 1 << 12;
    macro_rules! fill {
        ($v:expr, $t:ty) => {{
            $v.par_chunks_mut(PAR).enumerate().for_each(|(c, chunk)| {
                for (i, o) in chunk.iter_mut().enumerate() {
                    *o = byte(c * PAR + i) as $t;
                }
            });
        }};
    }
    match &mut out_bits {
        HostData::Uint8(v) => fill!(v, u8),
        HostData::Uint16(v) => fill!(v, u16),
        HostData::Uint32(v) => fill!(v, u32),
        _ => return Err(Error::internal("bits", "unexpected output buffer")),
    }
    Ok(out_bits)
}
