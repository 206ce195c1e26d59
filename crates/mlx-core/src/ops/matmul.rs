//! Matrix products: batched, broadcasting, with MLX's 1-D rules.

use super::shape::{astype, broadcast_to, expand_dims, squeeze};
use crate::primitive::Primitive;
use crate::shape::{broadcast_shapes, format_shape};
use crate::{Array, Dtype, Error, Result};

/// Matrix product (MLX's `matmul`, `@`). Batch dimensions broadcast; a 1-D
/// first operand acts as a row and a 1-D second operand as a column, and
/// the added axis is removed from the result. Only inexact dtypes.
///
/// # Errors
/// `[matmul] last dimension of first input with shape (2, 3) must match
/// second to last dimension of second input with shape (4, 5)`, 0-d inputs,
/// integer dtypes.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
/// let v = mlx_core::Array::from_slice(&[1.0f32, 1.0], &[2])?;
/// assert_eq!(mlx_core::ops::matmul(&a, &v)?.to_vec::<f32>()?, vec![3.0, 7.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn matmul(a: &Array, b: &Array) -> Result<Array> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(Error::invalid(
            "matmul",
            "got 0 dimension input; inputs must have at least one dimension",
        ));
    }
    let dtype = Dtype::promote(a.dtype(), b.dtype());
    if !dtype.is_inexact() {
        return Err(Error::dtype(
            "matmul",
            dtype,
            format!(
                "only inexact types are supported but {} and {} were provided",
                a.dtype(),
                b.dtype()
            ),
        ));
    }
    let a2 = if a.ndim() == 1 {
        expand_dims(a, &[0])?
    } else {
        a.clone()
    };
    let b2 = if b.ndim() == 1 {
        expand_dims(b, &[-1])?
    } else {
        b.clone()
    };
    let (m, k) = (a2.shape()[a2.ndim() - 2], a2.shape()[a2.ndim() - 1]);
    let (k2, n) = (b2.shape()[b2.ndim() - 2], b2.shape()[b2.ndim() - 1]);
    if k != k2 {
        return Err(Error::invalid(
            "matmul",
            format!(
                "last dimension of first input with shape {} must match second to last dimension of second input with shape {}",
                format_shape(a.shape()),
                format_shape(b.shape())
            ),
        ));
    }
    let batch = broadcast_shapes(
        "matmul",
        &a2.shape()[..a2.ndim() - 2],
        &b2.shape()[..b2.ndim() - 2],
    )?;
    let mut a_shape = batch.clone();
    a_shape.extend([m, k]);
    let mut b_shape = batch.clone();
    b_shape.extend([k, n]);
    let a3 = broadcast_to(&astype(&a2, dtype)?, &a_shape)?;
    let b3 = broadcast_to(&astype(&b2, dtype)?, &b_shape)?;
    let mut out_shape = batch;
    out_shape.extend([m, n]);
    let nd = out_shape.len() as i64;
    let out = Array::from_op(Primitive::Matmul, vec![a3, b3], out_shape, dtype)?;
    match (a.ndim() == 1, b.ndim() == 1) {
        (true, true) => squeeze(&out, &[nd - 2, nd - 1]),
        (true, false) => squeeze(&out, &[nd - 2]),
        (false, true) => squeeze(&out, &[nd - 1]),
        (false, false) => Ok(out),
    }
}

impl Array {
    /// Method form of [`matmul`].
    ///
    /// # Errors
    /// As [`matmul`].
    pub fn matmul(&self, other: &Array) -> Result<Array> {
        matmul(self, other)
    }
}
