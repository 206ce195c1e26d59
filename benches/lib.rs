//! Shared helpers for the criterion benches: deterministic input data.
//!
//! ```
//! let v = mlx_benches::uniform(4, 1);
//! assert_eq!(v.len(), 4);
//! ```
#![deny(missing_docs)]

use mlx::{Array, Result};

/// `n` pseudo-random f32 values in [-1, 1) from a fixed seed (SplitMix64),
/// so every run and every framework sees the same kind of data.
pub fn uniform(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            ((z >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// An evaluated f32 array of `shape` filled by [`uniform`].
///
/// # Errors
/// Device errors.
pub fn random_array(shape: &[usize], seed: u64) -> Result<Array> {
    let n = shape.iter().product();
    Array::from_vec(uniform(n, seed), shape)
}
