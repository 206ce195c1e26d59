//! `softmax` over the last axis (`Primitive::Softmax`, computed in
//! `float32` for half types by the kernels): its derivative rules.

use crate::{Array, Result};

/// Softmax over the last axis: `out * (g - sum(g * out))` (its `vjp` and,
/// with `g` the tangent, its `jvp`).
pub(crate) fn softmax_vjp(out: &Array, g: &Array) -> Result<Array> {
    let s = crate::ops::sum(&(g * out)?, -1, true)?;
    out * (g - s)?
}
