//! Accumulation rules for reductions: which type each dtype accumulates
//! in ([`Accumulate`]), the associative ops ([`Monoid`]: sum, product,
//! max, min, and, or), and pairwise, vectorisable slice reductions
//! ([`reduce_slice`], [`reduce_rows`]).

use crate::simd::{dispatch, F16c, Lane};
use half::{bf16, f16};
use mlx_core::{Complex64, Element};

/// Independent accumulators in the inner loop (LLVM turns them into SIMD
/// registers: four AVX-512 registers of `f32`, so the adds of one register
/// do not wait on each other's latency).
const LANES: usize = 64;

/// Pairwise summation works on blocks of this many elements.
const BLOCK: usize = 2048;

/// Slices longer than this are split across rayon tasks.
const PAR_SPLIT: usize = 1 << 18;

/// An element type and the type it accumulates in: `f32` for the half
/// types (rounded once at the end), itself otherwise.
pub(crate) trait Accumulate: Element {
    /// The accumulator type.
    type Acc: Copy + Send + Sync + 'static;
    /// Widen an element to the accumulator type.
    fn load(self) -> Self::Acc;
    /// Round an accumulator back to the element type.
    fn store(a: Self::Acc) -> Self;
    /// Whether [`load16`](Accumulate::load16) uses F16C when given it.
    const HAS_F16C_LOAD: bool = false;
    /// [`load`](Accumulate::load) 16 elements, with the hardware
    /// conversion `hw` proves where the type has one (`f16`).
    #[inline(always)]
    fn load16(xs: &[Self; 16], hw: Option<F16c>) -> [Self::Acc; 16] {
        let _ = hw;
        xs.map(Self::load)
    }
}

macro_rules! accumulate_as_self {
    ($($t:ty),*) => {$(
        impl Accumulate for $t {
            type Acc = $t;
            #[inline(always)]
            fn load(self) -> $t {
                self
            }
            #[inline(always)]
            fn store(a: $t) -> $t {
                a
            }
        }
    )*};
}
accumulate_as_self!(bool, u8, u16, u32, u64, i8, i16, i32, i64, f32, f64, Complex64);

macro_rules! accumulate_half {
    ($($t:ty),*) => {$(
        impl Accumulate for $t {
            type Acc = f32;
            const HAS_F16C_LOAD: bool = <$t as Lane>::USES_F16C;
            #[inline(always)]
            fn load(self) -> f32 {
                self.widen()
            }
            #[inline(always)]
            fn store(a: f32) -> $t {
                <$t as Lane>::narrow(a)
            }
            #[inline(always)]
            fn load16(xs: &[$t; 16], hw: Option<F16c>) -> [f32; 16] {
                <$t as Lane>::widen16(xs, hw)
            }
        }
    )*};
}
accumulate_half!(f16, bf16);

/// An associative op with an identity over accumulator type `A`.
pub(crate) trait Monoid<A: Copy>: Sized + Send + Sync + 'static {
    /// The value of an empty reduction.
    fn identity() -> A;
    /// Combine two partial results.
    fn combine(a: A, b: A) -> A;
    /// Reduce a short slice; by default with [`LANES`] accumulators.
    #[inline(always)]
    fn block<T: Accumulate<Acc = A>>(xs: &[T]) -> A {
        lanes::<T, Self>(xs)
    }
}

/// Sum (wrapping for integers, logical or for bool).
pub(crate) struct SumOp;
/// Product (wrapping for integers, logical and for bool).
pub(crate) struct ProdOp;
/// NaN-propagating maximum (logical or for bool).
pub(crate) struct MaxOp;
/// NaN-propagating minimum (logical and for bool).
pub(crate) struct MinOp;
/// Logical and.
pub(crate) struct AndOp;
/// Logical or.
pub(crate) struct OrOp;

macro_rules! monoid {
    ($op:ty, $t:ty, $id:expr, |$a:ident, $b:ident| $e:expr) => {
        impl Monoid<$t> for $op {
            #[inline(always)]
            fn identity() -> $t {
                $id
            }
            #[inline(always)]
            fn combine($a: $t, $b: $t) -> $t {
                $e
            }
        }
    };
}

/// A NaN-propagating float max or min whose block loop tracks NaN in
/// separate flags: one compare-and-select per element vectorises far
/// better than a NaN-aware select.
macro_rules! float_extreme {
    ($op:ty, $t:ty, $id:expr, $cmp:tt) => {
        impl Monoid<$t> for $op {
            #[inline(always)]
            fn identity() -> $t {
                $id
            }
            #[inline(always)]
            fn combine(a: $t, b: $t) -> $t {
                if (a $cmp b) | a.is_nan() { a } else { b }
            }
            #[inline(always)]
            fn block<T: Accumulate<Acc = $t>>(xs: &[T]) -> $t {
                let mut acc = [$id; LANES];
                let mut nan = [false; LANES];
                let mut chunks = xs.chunks_exact(LANES);
                for c in &mut chunks {
                    for ((a, n), &x) in acc.iter_mut().zip(nan.iter_mut()).zip(c) {
                        let x = x.load();
                        *a = if x $cmp *a { x } else { *a };
                        *n |= x.is_nan();
                    }
                }
                if nan.iter().any(|&n| n) {
                    return <$t>::NAN;
                }
                let m = acc.iter().fold($id, |m, &a| Self::combine(m, a));
                chunks.remainder().iter().fold(m, |m, &x| Self::combine(m, x.load()))
            }
        }
    };
}

macro_rules! float_monoids {
    ($($t:ty),*) => {$(
        monoid!(SumOp, $t, 0.0, |a, b| a + b);
        monoid!(ProdOp, $t, 1.0, |a, b| a * b);
        float_extreme!(MaxOp, $t, <$t>::NEG_INFINITY, >);
        float_extreme!(MinOp, $t, <$t>::INFINITY, <);
    )*};
}
float_monoids!(f32, f64);

macro_rules! int_monoids {
    ($($t:ty),*) => {$(
        monoid!(SumOp, $t, 0, |a, b| a.wrapping_add(b));
        monoid!(ProdOp, $t, 1, |a, b| a.wrapping_mul(b));
        monoid!(MaxOp, $t, <$t>::MIN, |a, b| a.max(b));
        monoid!(MinOp, $t, <$t>::MAX, |a, b| a.min(b));
    )*};
}
int_monoids!(u8, u16, u32, u64, i8, i16, i32, i64);

monoid!(SumOp, Complex64, Complex64::new(0.0, 0.0), |a, b| a + b);
// Complex products overflow to infinities as C's `*` does (`__mulsc3`),
// not to NaN: MLX's prod of three 1e30+1e30j is -inf+inf j.
monoid!(ProdOp, Complex64, Complex64::new(1.0, 0.0), |a, b| {
    crate::complex::mul(a, b)
});

monoid!(SumOp, bool, false, |a, b| a | b);
monoid!(ProdOp, bool, true, |a, b| a & b);
monoid!(MaxOp, bool, false, |a, b| a | b);
monoid!(MinOp, bool, true, |a, b| a & b);
monoid!(AndOp, bool, true, |a, b| a & b);
monoid!(OrOp, bool, false, |a, b| a | b);

/// Reduce a contiguous slice with `M`: halves in parallel above
/// [`PAR_SPLIT`] elements, then [`pairwise`] over blocks of [`BLOCK`].
pub(crate) fn reduce_slice<T: Accumulate, M: Monoid<T::Acc>>(xs: &[T]) -> T::Acc {
    if xs.len() > PAR_SPLIT {
        let mid = (xs.len() / 2).next_multiple_of(BLOCK);
        let (lo, hi) = xs.split_at(mid);
        let (a, b) = rayon::join(|| reduce_slice::<T, M>(lo), || reduce_slice::<T, M>(hi));
        return M::combine(a, b);
    }
    dispatch(
        #[inline(always)]
        || pairwise::<T, M>(xs),
    )
}

/// `out[r] = M(row(first + r))` for every `r`: one vector dispatch for
/// all of `out` (a dispatch per row cost 5-10% on W3's rows of 4096).
pub(crate) fn reduce_rows<'a, T, M, F>(out: &mut [T], first: usize, row: F)
where
    T: Accumulate + 'a,
    M: Monoid<T::Acc>,
    F: Fn(usize) -> &'a [T],
{
    struct Rows<'o, T, M, F> {
        out: &'o mut [T],
        first: usize,
        row: F,
        op: std::marker::PhantomData<M>,
    }
    impl<'a, T, M, F> pulp::WithSimd for Rows<'_, T, M, F>
    where
        T: Accumulate + 'a,
        M: Monoid<T::Acc>,
        F: Fn(usize) -> &'a [T],
    {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: pulp::Simd>(self, _: S) {
            for (r, o) in self.out.iter_mut().enumerate() {
                let xs = (self.row)(self.first + r);
                let a = if xs.len() > PAR_SPLIT {
                    reduce_slice::<T, M>(xs)
                } else {
                    pairwise::<T, M>(xs)
                };
                *o = T::store(a);
            }
        }
    }
    pulp::Arch::new().dispatch(Rows::<T, M, F> {
        out,
        first,
        row,
        op: std::marker::PhantomData,
    });
}

/// Pairwise reduction over blocks of [`BLOCK`] elements, each block with
/// [`Monoid::block`]: `levels[k]` holds the combination of 2^k blocks, and
/// a new block merges up the levels like a carry in binary addition, so
/// each element passes through about log2(len / BLOCK) combines.
#[inline(always)]
fn pairwise<T: Accumulate, M: Monoid<T::Acc>>(xs: &[T]) -> T::Acc {
    if xs.len() <= BLOCK {
        return M::block(xs);
    }
    let mut levels = [M::identity(); 64];
    let mut count = 0u64;
    for blk in xs.chunks(BLOCK) {
        let mut v = M::block(blk);
        let (mut c, mut k) = (count, 0);
        while c & 1 == 1 {
            v = M::combine(levels[k], v);
            c >>= 1;
            k += 1;
        }
        levels[k] = v;
        count += 1;
    }
    let mut acc = M::identity();
    for (k, &l) in levels.iter().enumerate() {
        if count >> k & 1 == 1 {
            acc = M::combine(l, acc);
        }
    }
    acc
}

/// [`LANES`] independent accumulators over a short slice, then a tree.
///
/// The accumulators are four separate arrays of `LANES / 4` (one
/// AVX-512 register each for `f32`), each updated by a fixed-length loop.
/// With one array of `LANES`, LLVM kept the accumulators on the stack and
/// loaded and stored them on every step (W3 bf16 1.12 -> 0.52 ms with
/// this form; f32 on the 2-core Xeon, rows of 4096: 1.7-1.9 -> 1.4-1.6
/// ms together with one dispatch per chunk of rows, [`reduce_rows`]).
/// Elements that widen (`f16`, `bf16`) load 16 at a time through
/// [`Accumulate::load16`].
#[inline(always)]
fn lanes<T: Accumulate, M: Monoid<T::Acc>>(xs: &[T]) -> T::Acc {
    // The F16C check outside the loop: with both loads behind a branch
    // in the loop, LLVM merged their results through the stack (two
    // 32-byte stores read back by one 64-byte load, a store-forwarding
    // stall that was 80% of the f16 sum's time in `perf annotate`).
    match F16c::detect() {
        Some(hw) if T::HAS_F16C_LOAD => lanes_with::<T, M>(xs, Some(hw)),
        _ => lanes_with::<T, M>(xs, None),
    }
}

/// [`lanes`] with the hardware conversion `hw` fixed for the whole loop.
#[inline(always)]
fn lanes_with<T: Accumulate, M: Monoid<T::Acc>>(xs: &[T], hw: Option<F16c>) -> T::Acc {
    const Q: usize = LANES / 4;
    let mut a0 = [M::identity(); Q];
    let mut a1 = [M::identity(); Q];
    let mut a2 = [M::identity(); Q];
    let mut a3 = [M::identity(); Q];
    let mut chunks = xs.chunks_exact(LANES);
    for c in &mut chunks {
        // Always `Some` (the chunk is `LANES` long); the per-element arm
        // keeps the result right without a panic path.
        let Some([q0, q1, q2, q3]) = quarters(c) else {
            for (i, &x) in c.iter().enumerate() {
                a0[i % Q] = M::combine(a0[i % Q], x.load());
            }
            continue;
        };
        let (w0, w1) = (T::load16(q0, hw), T::load16(q1, hw));
        let (w2, w3) = (T::load16(q2, hw), T::load16(q3, hw));
        for i in 0..Q {
            a0[i] = M::combine(a0[i], w0[i]);
            a1[i] = M::combine(a1[i], w1[i]);
            a2[i] = M::combine(a2[i], w2[i]);
            a3[i] = M::combine(a3[i], w3[i]);
        }
    }
    let mut rest = M::identity();
    for &x in chunks.remainder() {
        rest = M::combine(rest, x.load());
    }
    let mut acc = [M::identity(); Q];
    for i in 0..Q {
        acc[i] = M::combine(M::combine(a0[i], a2[i]), M::combine(a1[i], a3[i]));
    }
    let mut w = Q;
    while w > 1 {
        w /= 2;
        for k in 0..w {
            acc[k] = M::combine(acc[k], acc[k + w]);
        }
    }
    M::combine(acc[0], rest)
}

/// The four 16-element quarters of a [`LANES`]-element chunk (`None` for
/// a shorter one).
#[inline(always)]
fn quarters<T>(c: &[T]) -> Option<[&[T; 16]; 4]> {
    let (q0, c) = c.split_first_chunk::<16>()?;
    let (q1, c) = c.split_first_chunk::<16>()?;
    let (q2, c) = c.split_first_chunk::<16>()?;
    Some([q0, q1, q2, c.first_chunk::<16>()?])
}

/// `acc[j] = M(acc[j], xs[j])` over equal-length slices (vectorisable).
#[inline(always)]
pub(crate) fn combine_into<T: Accumulate, M: Monoid<T::Acc>>(acc: &mut [T::Acc], xs: &[T]) {
    for (a, &x) in acc.iter_mut().zip(xs) {
        *a = M::combine(*a, x.load());
    }
}

/// `acc[j] = M(acc[j], part[j])` over accumulators.
#[inline(always)]
pub(crate) fn merge_into<A: Copy, M: Monoid<A>>(acc: &mut [A], part: &[A]) {
    for (a, &p) in acc.iter_mut().zip(part) {
        *a = M::combine(*a, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_pairwise_is_accurate() {
        // 1e6 copies of 0.1f32: exact sum is 1e6 * 0.1f32 as f64.
        let xs = vec![0.1f32; 1_000_000];
        let s = reduce_slice::<f32, SumOp>(&xs) as f64;
        let exact = 1e6 * 0.1f32 as f64;
        assert!((s - exact).abs() / exact < 1e-6, "{s} vs {exact}");
    }

    #[test]
    fn pairwise_levels_cover_every_block_count() {
        // Block counts 1..=9 with full and partial last blocks, and a row
        // above PAR_SPLIT: small integers keep every partial sum exact in
        // f32, so any grouping must give the integer total; a block merged
        // twice or dropped changes it.
        let lens = (1..=9)
            .flat_map(|b| [b * BLOCK, b * BLOCK - 1, b * BLOCK + 17])
            .chain([PAR_SPLIT + 3 * BLOCK + 5]);
        for n in lens {
            let xs: Vec<f32> = (0..n).map(|i| (i % 7) as f32 - 3.0).collect();
            let want: i64 = (0..n).map(|i| (i % 7) as i64 - 3).sum();
            assert_eq!(reduce_slice::<f32, SumOp>(&xs), want as f32, "n={n}");
            let ints: Vec<i64> = (0..n).map(|i| i as i64).collect();
            let tri = (n as i64) * (n as i64 - 1) / 2;
            assert_eq!(reduce_slice::<i64, SumOp>(&ints), tri, "n={n}");
            assert_eq!(reduce_slice::<i64, MaxOp>(&ints), n as i64 - 1, "n={n}");
        }
    }

    #[test]
    fn reduce_rows_writes_each_row_from_its_first_index() {
        // Rows of different lengths (0, within a block, several blocks),
        // numbered from `first`: out[r] = sum of row(first + r).
        let data: Vec<i32> = (0..3 * BLOCK as i32 + 50).collect();
        let bounds = [(0, 0), (0, 10), (10, 10 + 2 * BLOCK + 3), (5, data.len())];
        let mut out = vec![-1i32; 3];
        reduce_rows::<i32, SumOp, _>(&mut out, 1, |r| &data[bounds[r].0..bounds[r].1]);
        let want: Vec<i32> = bounds[1..]
            .iter()
            .map(|&(a, b)| data[a..b].iter().sum())
            .collect();
        assert_eq!(out, want);
    }

    #[test]
    fn max_min_propagate_nan_anywhere() {
        for pos in [0usize, 5, 16, 17, 99] {
            let mut xs: Vec<f32> = (0..100).map(|i| i as f32).collect();
            xs[pos] = f32::NAN;
            assert!(reduce_slice::<f32, MaxOp>(&xs).is_nan());
            assert!(reduce_slice::<f32, MinOp>(&xs).is_nan());
        }
    }

    #[test]
    fn int_sum_wraps_and_half_rounds_once() {
        let xs = [i8::MAX, 1, 1];
        assert_eq!(reduce_slice::<i8, SumOp>(&xs), i8::MIN + 1);
        // 2048 + 4 * 1 is 2052 exactly in f32; stepwise f16 would stay 2048.
        let hs: Vec<f16> = [2048.0f32, 1.0, 1.0, 1.0, 1.0]
            .iter()
            .map(|&x| f16::from_f32(x))
            .collect();
        assert_eq!(f16::store(reduce_slice::<f16, SumOp>(&hs)).to_f32(), 2052.0);
    }

    #[test]
    fn half_sums_and_products_match_f64_at_every_length() {
        // Small integers, and sparse powers of two (no partial product
        // leaves f32's range in any order): every partial result is exact
        // in f32, so any order must give the f64 loop's value.
        for n in [1usize, 15, 16, 63, 64, 65, 127, 128, 200, 2049, 4100] {
            let vals: Vec<f32> = (0..n).map(|i| ((i * 7 + 3) % 13) as f32 - 6.0).collect();
            let want: f64 = vals.iter().map(|&v| v as f64).sum();
            let bs: Vec<bf16> = vals.iter().map(|&v| bf16::from_f32(v)).collect();
            let hs: Vec<f16> = vals.iter().map(|&v| f16::from_f32(v)).collect();
            assert_eq!(
                reduce_slice::<bf16, SumOp>(&bs) as f64,
                want,
                "bf16 sum n={n}"
            );
            assert_eq!(
                reduce_slice::<f16, SumOp>(&hs) as f64,
                want,
                "f16 sum n={n}"
            );
            let pv: Vec<f32> = (0..n)
                .map(|i| match (i % 97, i % 89) {
                    (0, _) => 2.0,
                    (_, 0) => 0.5,
                    _ => 1.0,
                })
                .collect();
            let want: f64 = pv.iter().map(|&v| v as f64).product();
            let bs: Vec<bf16> = pv.iter().map(|&v| bf16::from_f32(v)).collect();
            assert_eq!(
                reduce_slice::<bf16, ProdOp>(&bs) as f64,
                want,
                "bf16 prod n={n}"
            );
        }
    }

    #[test]
    fn complex_product_overflows_to_infinities() {
        // mx.prod(mx.array([1e30+1e30j] * 3)) == -inf+infj
        let z = Complex64::new(1e30, 1e30);
        let p = reduce_slice::<Complex64, ProdOp>(&[z, z, z]);
        assert_eq!((p.re, p.im), (f32::NEG_INFINITY, f32::INFINITY));
    }

    #[test]
    fn empty_gives_identity() {
        assert_eq!(reduce_slice::<f32, ProdOp>(&[]), 1.0);
        assert!(reduce_slice::<bool, AndOp>(&[]));
        assert!(!reduce_slice::<bool, OrOp>(&[]));
    }
}
