//! GGUF's Q4_0, Q4_1 and Q8_0 blocks as MLX's affine quantization
//! (`w = scale * q + bias`, group size 32), laid out as MLX's
//! `quantize` packs them: 4-bit values eight to a little-endian `uint32`
//! (lowest nibble first), 8-bit values four to a `uint32`.

use super::read::GgmlType;
use crate::Result;
use half::f16;
use mlx_core::{Array, Dtype, SharedBytes};

/// The arrays MLX builds from one quantized tensor.
pub(crate) struct Unpacked {
    pub(crate) weight: Array,
    pub(crate) scales: Array,
    pub(crate) biases: Array,
}

/// The name prefix of the `.scales`/`.biases` entries: MLX drops the last
/// seven characters (meant to be `.weight`) whatever they are.
pub(crate) fn prefix(name: &str) -> &str {
    if let Some(p) = name.strip_suffix(".weight") {
        return p;
    }
    name.len()
        .checked_sub(7)
        .and_then(|n| name.get(..n))
        .unwrap_or(name)
}

/// Unpack `data` (whole blocks, validated by the parser) of a tensor of
/// `shape` (MLX order; last dimension a multiple of 32).
pub(crate) fn unpack(ty: GgmlType, data: &[u8], shape: &[usize]) -> Result<Unpacked> {
    let (_, block_bytes) = ty.block();
    let blocks = data.len() / block_bytes;
    let bits = if ty == GgmlType::Q8_0 { 8 } else { 4 };
    let mut weight = Vec::with_capacity(blocks * 32 * bits / 8);
    let mut scales = Vec::with_capacity(blocks * 2);
    let mut biases = Vec::with_capacity(blocks * 2);
    for block in data.chunks_exact(block_bytes) {
        let d = f16::from_le_bytes([block[0], block[1]]);
        let (bias, qs) = match ty {
            GgmlType::Q4_0 => (f16::from_f32(-8.0 * d.to_f32()), &block[2..18]),
            GgmlType::Q4_1 => (f16::from_le_bytes([block[2], block[3]]), &block[4..20]),
            _ => (f16::from_f32(-128.0 * d.to_f32()), &block[2..34]),
        };
        scales.extend_from_slice(&d.to_le_bytes());
        biases.extend_from_slice(&bias.to_le_bytes());
        if bits == 8 {
            // int8 q becomes uint8 q + 128, i.e. the top bit flipped.
            weight.extend(qs.iter().map(|&q| q ^ 0x80));
        } else {
            // Values 0..16 are the low nibbles, 16..32 the high ones.
            let pair = |lo: u8, hi: u8| lo | (hi << 4);
            weight.extend(qs.chunks_exact(2).map(|p| pair(p[0] & 15, p[1] & 15)));
            weight.extend(qs.chunks_exact(2).map(|p| pair(p[0] >> 4, p[1] >> 4)));
        }
    }
    let last = shape.last().copied().unwrap_or(0);
    let lead = &shape[..shape.len().saturating_sub(1)];
    // `last` is a multiple of 32 (checked by the parser); dividing first
    // cannot overflow where `last * bits` could (a `(0, 2^62)` tensor).
    let w_shape: Vec<usize> = lead.iter().copied().chain([last / 32 * bits]).collect();
    let s_shape: Vec<usize> = lead.iter().copied().chain([last / 32]).collect();
    let arr = |v: Vec<u8>, dtype, shape: &[usize]| {
        Array::from_shared_bytes(SharedBytes::new(v), dtype, shape)
    };
    Ok(Unpacked {
        weight: arr(weight, Dtype::Uint32, &w_shape)?,
        scales: arr(scales, Dtype::Float16, &s_shape)?,
        biases: arr(biases, Dtype::Float16, &s_shape)?,
    })
}
