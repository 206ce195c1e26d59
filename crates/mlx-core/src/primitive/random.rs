//! The rule of [`Primitive::RandomBits`] under `vmap`; it has no
//! derivative (its only input is a key).

use super::Primitive;
use crate::ops::{moveaxis, swapaxes};
use crate::{Array, Result};

/// `bits` with a batch of keys: the batch axis moves to the front of the
/// keys (past the key pair's axis if it was that one, as MLX does) and of
/// the output, each key filling its own block as the kernel lays it out.
pub(crate) fn random_bits_vmap(
    keys: &Array,
    axis: Option<usize>,
    width: usize,
    out: &Array,
) -> Result<(Array, Option<usize>)> {
    let Some(mut ax) = axis else {
        return Ok((out.clone(), None));
    };
    let mut keys = keys.clone();
    if ax == keys.ndim() - 1 {
        keys = swapaxes(&keys, ax as i64, ax as i64 - 1)?;
        ax -= 1;
    }
    let keys = moveaxis(&keys, ax as i64, 0)?;
    let mut shape = vec![keys.shape()[0]];
    shape.extend_from_slice(out.shape());
    let node = Array::from_op(
        Primitive::RandomBits { width },
        vec![keys],
        shape,
        out.dtype(),
    )?;
    Ok((node, Some(0)))
}
