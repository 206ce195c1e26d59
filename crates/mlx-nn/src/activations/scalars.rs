//! Weak scalars and error relabelling shared by the functions and losses.

use mlx_core::ops::Scalar;
use mlx_core::{Array, Result};

/// `v` as a 0-d array typed as MLX types a Python scalar next to `like`
/// (a float scalar keeps a float array's dtype and makes an integer one
/// `float32`; an integer scalar keeps the array's dtype).
pub(crate) fn weak<S: Scalar>(v: S, like: &Array) -> Result<Array> {
    v.to_array_like(like.dtype(), like.device())
}

/// Run `f`, reporting its errors under `op` (`[cross_entropy] ...`).
pub(crate) fn labeled<T>(op: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    f().map_err(|e| e.in_op(op))
}
