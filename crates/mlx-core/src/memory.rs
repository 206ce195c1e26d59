//! The one fallible path for host buffers whose size follows an array's.
//!
//! Every buffer the core or a backend allocates on the host for array data
//! (kernel outputs, temporaries proportional to an array, uploads and
//! downloads) comes from these helpers, so a request the allocator refuses
//! is [`Error::OutOfMemory`] naming the op and the byte count (MLX's
//! catchable `[malloc]` error) instead of an abort. Each costs what the
//! infallible form costs: one reservation, then the same fill.

use crate::{Error, Result};
use std::alloc::Layout;

/// [`Error::OutOfMemory`] for `n` elements of `T` requested by `op`.
///
/// # Examples
/// ```
/// let e = mlx_core::memory::out_of_memory::<f32>("add", 10);
/// assert_eq!(e.to_string(), "[add] out of memory: cannot allocate 40 bytes");
/// ```
pub fn out_of_memory<T>(op: &'static str, n: usize) -> Error {
    Error::OutOfMemory {
        op,
        bytes: n as u128 * std::mem::size_of::<T>() as u128,
    }
}

/// `e` naming `op` instead if it is [`Error::OutOfMemory`] or a device
/// error (a GPU buffer over the device's limit): kernels' helpers do not
/// know the op the user called, so `eval` names the primitive, and
/// `to_vec` itself.
pub(crate) fn name_for_op(op: &'static str, e: Error) -> Error {
    match e {
        Error::OutOfMemory { bytes, .. } => Error::OutOfMemory { op, bytes },
        Error::Device { msg, .. } => Error::Device { op, msg },
        other => other,
    }
}

/// An empty vector with room for exactly `n` elements (the fallible
/// `Vec::with_capacity`).
///
/// # Errors
/// [`Error::OutOfMemory`] when the allocator refuses `n * size_of::<T>()`
/// bytes or that size exceeds `isize::MAX`.
///
/// # Examples
/// ```
/// use mlx_core::{memory::try_with_capacity, Error};
/// assert!(try_with_capacity::<f32>("add", 4)?.capacity() >= 4);
/// let err = try_with_capacity::<f32>("add", 1 << 60).unwrap_err();
/// assert!(matches!(err, Error::OutOfMemory { op: "add", bytes } if bytes == 1 << 62));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn try_with_capacity<T>(op: &'static str, n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| out_of_memory::<T>(op, n))?;
    Ok(v)
}

/// `n` copies of `value` (the fallible `vec![value; n]`). Prefer
/// [`try_zeroed`] for zeros: it keeps fresh pages untouched.
///
/// # Errors
/// As [`try_with_capacity`].
///
/// # Examples
/// ```
/// assert_eq!(mlx_core::memory::try_vec("full", 3, 7u8)?, vec![7, 7, 7]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn try_vec<T: Clone>(op: &'static str, n: usize, value: T) -> Result<Vec<T>> {
    let mut v = try_with_capacity(op, n)?;
    v.resize(n, value);
    Ok(v)
}

/// `n` zeroed elements, from `alloc_zeroed` (calloc: large buffers are
/// fresh pages the fill never touches), as `vec![0; n]` does.
///
/// # Errors
/// As [`try_with_capacity`].
///
/// # Examples
/// ```
/// assert_eq!(mlx_core::memory::try_zeroed::<f32>("zeros", 2)?, vec![0.0, 0.0]);
/// assert!(mlx_core::memory::try_zeroed::<f32>("zeros", 1 << 60).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn try_zeroed<T: bytemuck::Zeroable>(op: &'static str, n: usize) -> Result<Vec<T>> {
    if n == 0 || std::mem::size_of::<T>() == 0 {
        let mut v = try_with_capacity(op, n)?;
        v.extend((0..n).map(|_| T::zeroed()));
        return Ok(v);
    }
    let layout = Layout::array::<T>(n).map_err(|_| out_of_memory::<T>(op, n))?;
    // SAFETY: `layout` has a nonzero size (n > 0 and T is not zero-sized).
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<T>();
    if ptr.is_null() {
        return Err(out_of_memory::<T>(op, n));
    }
    // SAFETY: `ptr` comes from the global allocator with the layout of
    // `[T; n]`, exactly what a `Vec<T>` of capacity `n` frees with; all-zero
    // bytes are a valid `T` (`Zeroable`), so all `n` elements are initialised.
    Ok(unsafe { Vec::from_raw_parts(ptr, n, n) })
}

/// The `n` items of `iter` in a vector reserved up front (the fallible
/// `collect` of an `n`-long iterator; items past `n` are dropped).
///
/// # Errors
/// As [`try_with_capacity`]; nothing is drawn from `iter` on failure.
///
/// # Examples
/// ```
/// let v = mlx_core::memory::try_collect("arange", 3, (0..3).map(|i| i * 2))?;
/// assert_eq!(v, vec![0, 2, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn try_collect<T, I: IntoIterator<Item = T>>(
    op: &'static str,
    n: usize,
    iter: I,
) -> Result<Vec<T>> {
    let mut v = try_with_capacity(op, n)?;
    v.extend(iter.into_iter().take(n));
    Ok(v)
}

/// A copy of `s` (the fallible `to_vec`).
///
/// # Errors
/// As [`try_with_capacity`].
///
/// # Examples
/// ```
/// assert_eq!(mlx_core::memory::try_to_vec("array", &[1, 2])?, vec![1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn try_to_vec<T: Clone>(op: &'static str, s: &[T]) -> Result<Vec<T>> {
    let mut v = try_with_capacity(op, s.len())?;
    v.extend_from_slice(s);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_is_zero_and_frees_as_a_vec() {
        let mut v = try_zeroed::<u64>("zeros", 1 << 20).unwrap();
        assert!(v.iter().all(|&x| x == 0));
        v.push(1); // reallocates through the Vec's own layout
        assert_eq!(v.len(), (1 << 20) + 1);
        assert!(try_zeroed::<u64>("zeros", 0).unwrap().is_empty());
    }

    #[test]
    fn sizes_past_isize_max_are_errors() {
        let e = try_vec("full", usize::MAX, 0u32).unwrap_err();
        assert!(
            matches!(e, Error::OutOfMemory { op: "full", bytes } if bytes == usize::MAX as u128 * 4)
        );
        assert!(try_zeroed::<u32>("zeros", usize::MAX / 2).is_err());
        assert!(try_collect("copy", usize::MAX, 0..3u8).is_err());
    }
}
