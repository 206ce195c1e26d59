//! `sort` and `argsort` along one axis: each line is gathered with its
//! positions and stably sorted (NaNs last, complex by real then imaginary
//! part, as MLX's comparator); lines run in parallel.

use crate::elementwise_walk::OutElem;
use crate::strided::{contiguous, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::memory::try_zeroed;
use mlx_core::primitive::{OutSpec, SortOp};
use mlx_core::{Complex64, Element, HostData, Result, View};
use rayon::prelude::*;
use std::cmp::Ordering;

/// Element types with MLX's sort order.
pub(crate) trait SortKey: Element {
    /// `a` against `b`: NaNs after every number and equal to each other.
    fn order(a: &Self, b: &Self) -> Ordering;
}

macro_rules! sort_key_ord {
    ($($t:ty),*) => {$(
        impl SortKey for $t {
            #[inline]
            fn order(a: &$t, b: &$t) -> Ordering {
                a.cmp(b)
            }
        }
    )*};
}
sort_key_ord!(bool, u8, u16, u32, u64, i8, i16, i32, i64);

macro_rules! sort_key_float {
    ($($t:ty),*) => {$(
        impl SortKey for $t {
            #[inline]
            fn order(a: &$t, b: &$t) -> Ordering {
                match (a.is_nan(), b.is_nan()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
                }
            }
        }
    )*};
}
sort_key_float!(f16, bf16, f32, f64);

impl SortKey for Complex64 {
    #[inline]
    fn order(a: &Complex64, b: &Complex64) -> Ordering {
        let nan = |z: &Complex64| z.re.is_nan() || z.im.is_nan();
        match (nan(a), nan(b)) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => f32::order(&a.re, &b.re).then(f32::order(&a.im, &b.im)),
        }
    }
}

/// Sorted values or sorting indices (`uint32`) of `v` along `axis`.
pub(crate) fn sort(op: SortOp, v: &View, axis: usize, _out: OutSpec) -> Result<HostData> {
    mlx_core::with_dtype!(v.dtype, T => sort_typed::<T>(op, v, axis))
}

fn sort_typed<T: SortKey + OutElem>(op: SortOp, v: &View, axis: usize) -> Result<HostData> {
    let name = op.name();
    let total = v.numel();
    let n = v.shape[axis];
    let inner: usize = v.shape[axis + 1..].iter().product();
    // Every buffer is reserved before any is written, so a size beyond
    // memory fails before pages are touched.
    let mut perms = try_zeroed::<u32>(name, total)?;
    let mut res_values = match op {
        SortOp::Sort => try_zeroed::<T>(name, total)?,
        SortOp::ArgSort => Vec::new(),
    };
    let mut res_indices = match op {
        SortOp::ArgSort if inner > 1 => try_zeroed::<u32>(name, total)?,
        SortOp::Sort | SortOp::ArgSort => Vec::new(),
    };
    let x = contiguous::<T>(name, v)?;
    if total == 0 {
        return Ok(match op {
            SortOp::Sort => T::into_host(res_values),
            SortOp::ArgSort => u32::into_host(perms),
        });
    }
    // The permutation of every line, line after line in order `[outer, inner]`.
    let perm_of = |line: usize, p: &mut [u32]| {
        let (o, i) = (line / inner, line % inner);
        let base = o * n * inner + i;
        let at = |k: u32| &x[base + k as usize * inner];
        for (k, q) in p.iter_mut().enumerate() {
            *q = k as u32;
        }
        p.sort_by(|&a, &b| T::order(at(a), at(b)));
    };
    if total >= PAR_THRESHOLD {
        perms
            .par_chunks_mut(n)
            .enumerate()
            .for_each(|(line, p)| perm_of(line, p));
    } else {
        perms
            .chunks_mut(n)
            .enumerate()
            .for_each(|(line, p)| perm_of(line, p));
    }
    let dest = |line: usize, k: usize| {
        let (o, i) = (line / inner, line % inner);
        o * n * inner + i + k * inner
    };
    Ok(match op {
        SortOp::Sort => {
            for (line, p) in perms.chunks(n).enumerate() {
                for (k, &j) in p.iter().enumerate() {
                    res_values[dest(line, k)] = x[dest(line, j as usize)];
                }
            }
            T::into_host(res_values)
        }
        // Lines along the last axis are already in output order.
        SortOp::ArgSort if inner == 1 => u32::into_host(perms),
        SortOp::ArgSort => {
            for (line, p) in perms.chunks(n).enumerate() {
                for (k, &j) in p.iter().enumerate() {
                    res_indices[dest(line, k)] = j;
                }
            }
            u32::into_host(res_indices)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_order_puts_nan_last_and_keeps_signed_zeros_equal() {
        assert_eq!(f32::order(&f32::NAN, &1.0), Ordering::Greater);
        assert_eq!(f32::order(&f32::NAN, &f32::NAN), Ordering::Equal);
        assert_eq!(f32::order(&-0.0, &0.0), Ordering::Equal);
    }

    #[test]
    fn complex_order_is_lexicographic() {
        let a = Complex64::new(1.0, 5.0);
        let b = Complex64::new(2.0, 0.0);
        assert_eq!(Complex64::order(&a, &b), Ordering::Less);
        assert_eq!(
            Complex64::order(&b, &Complex64::new(2.0, 1.0)),
            Ordering::Less
        );
    }
}
