//! `matmul` (`Primitive::Matmul`): batched `[.., M, K] x [.., K, N]` with
//! equal batch shapes. Its derivative rules; the shape rule is the op's
//! (`ops::matmul` broadcasts the batch axes before recording the node) and
//! the kernels are the backends' `matmul`.

use crate::ops::matmul;
use crate::{Array, Result};

/// Cotangents of `matmul`'s `[.., M, K]` and `[.., K, N]` inputs.
///
/// An operand that is a pending swap of its last two axes (`Linear`'s
/// `weight.T`) gets its cotangent as the swap of a row-major product
/// (`(g^T a)^T` instead of `a^T g`, equal in value): the swap's own
/// derivative swaps it back, so the gradient of the un-transposed array
/// arrives row-major and needs no strided gather downstream (an
/// optimizer update, say).
pub(crate) fn matmul_vjp(a: &Array, b: &Array, g: &Array) -> Result<[Array; 2]> {
    let da = if swaps_last_axes(a) {
        matmul(b, &g.swapaxes(-1, -2)?)?.swapaxes(-1, -2)?
    } else {
        matmul(g, &b.swapaxes(-1, -2)?)?
    };
    let db = if swaps_last_axes(b) {
        matmul(&g.swapaxes(-1, -2)?, a)?.swapaxes(-1, -2)?
    } else {
        matmul(&a.swapaxes(-1, -2)?, g)?
    };
    Ok([da, db])
}

/// Whether `x` is a pending transpose that swaps only its last two axes.
fn swaps_last_axes(x: &Array) -> bool {
    match x.primitive() {
        Some(super::Primitive::Transpose { perm }) => {
            let n = perm.len();
            n >= 2
                && perm[n - 2] == n - 1
                && perm[n - 1] == n - 2
                && perm[..n - 2].iter().enumerate().all(|(i, &p)| i == p)
        }
        _ => false,
    }
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
