//! `view`: the same bytes read as another dtype (MLX's `mx.view`).

use crate::primitive::Primitive;
use crate::{Array, Dtype, Error, Result};

/// Reinterpret the bytes of `a` as `dtype` (MLX's `view`). Equal sizes
/// keep the shape; otherwise the last axis is rescaled, so viewing
/// `[2, 4]` `uint8` as `uint32` gives `[2, 1]`. The bytes are those of a
/// row-major copy of `a`, little-endian. Viewing as `bool` makes every
/// nonzero byte `true` (stored as 1). The result has no gradient unless
/// `dtype` is `a`'s own.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops::view, Array, Dtype};
/// let a = Array::from_slice(&[1.0f32], &[1])?;
/// assert_eq!(view(&a, Dtype::Uint32)?.to_vec::<u32>()?, vec![0x3f80_0000]);
/// let b = view(&a, Dtype::Uint8)?;
/// assert_eq!(b.shape(), &[4]);
/// assert_eq!(b.to_vec::<u8>()?, vec![0, 0, 128, 63]);
/// Ok::<(), mlx_core::Error>(())
/// ```
///
/// # Errors
/// `[view] Changing the type of a scalar is only allowed for types with
/// the same size.`, or `[view] When viewing as a larger dtype, the size
/// in bytes of the last axis must be a multiple of the requested type
/// size.` (MLX's texts).
pub fn view(a: &Array, dtype: Dtype) -> Result<Array> {
    if a.dtype() == dtype {
        return Ok(a.clone());
    }
    let (from, to) = (a.dtype().size(), dtype.size());
    let mut shape = a.shape().to_vec();
    if from != to {
        let Some(last) = shape.last_mut() else {
            return Err(Error::invalid(
                "view",
                "Changing the type of a scalar is only allowed for types with the same size.",
            ));
        };
        if from < to {
            if (*last * from) % to != 0 {
                return Err(Error::invalid(
                    "view",
                    "When viewing as a larger dtype, the size in bytes of the last axis must \
                     be a multiple of the requested type size.",
                ));
            }
            *last = *last * from / to;
        } else {
            *last *= from / to;
        }
    }
    Array::from_op(Primitive::Bitcast, vec![a.clone()], shape, dtype)
}

impl Array {
    /// Method form of [`view`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[258u16], &[1])?;
    /// assert_eq!(a.view(mlx_core::Dtype::Uint8)?.to_vec::<u8>()?, vec![2, 1]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`view`].
    pub fn view(&self, dtype: Dtype) -> Result<Array> {
        view(self, dtype)
    }
}
