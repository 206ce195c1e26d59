//! `matmul` (`Primitive::Matmul`): batched `[.., M, K] x [.., K, N]` with
//! equal batch shapes. Its derivative rules; the shape rule is the op's
//! (`ops::matmul` broadcasts the batch axes before recording the node) and
//! the kernels are the backends' `matmul`.

use crate::ops::matmul;
use crate::{Array, Result};

/// Cotangents of `matmul`'s `[.., M, K]` and `[.., K, N]` inputs.
pub(crate) fn matmul_vjp(a: &Array, b: &Array, g: &Array) -> Result<[Array; 2]> {
    let da = matmul(g, &b.swapaxes(-1, -2)?)?;
    let db = matmul(&a.swapaxes(-1, -2)?, g)?;
    Ok([da, db])
}

/// Tangent of `matmul` given the inputs' tangents.
pub(crate) fn matmul_jvp(a: &Array, b: &Array, t: [Option<&Array>; 2]) -> Result<Option<Array>> {
    let ta = t[0].map(|ta| matmul(ta, b)).transpose()?;
    let tb = t[1].map(|tb| matmul(a, tb)).transpose()?;
    Ok(match (ta, tb) {
        (Some(x), Some(y)) => Some((x + y)?),
        (x, y) => x.or(y),
    })
}
