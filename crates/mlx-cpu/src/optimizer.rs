//! Fused optimizer updates ([`MultiOp::Adam`]): one pass over a parameter,
//! its moments and its gradient, writing the three new arrays. Each step
//! of the update is rounded to the arrays' dtype exactly as the separate
//! ops would round it (half types compute in `f32` and round after every
//! op), so the fused kernel and its composite give the same bits.
//! Strided inputs are gathered into row-major order first. Donated
//! buffers (MLX's donation: the old `p`, `m`, `v` nobody else holds) are
//! updated in place, so a training step allocates nothing for its update.
//!
//! The loop works on blocks of [`BLOCK`] elements copied into local arrays
//! in the arithmetic type, so the compiler vectorises it whether or not an
//! output shares its buffer with its input.

use crate::backend::store;
use crate::elementwise_walk::{alloc_out, OutElem, CHUNK};
use crate::strided::{buffer, contiguous, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::{Donor, Dtype, Element, HostData, Result, View};
use rayon::prelude::*;
use std::borrow::Cow;

/// Elements per block of the update loop.
const BLOCK: usize = 64;

const OP: &str = "adam_update";

/// An element type with the precision its ops compute in.
trait Lane: OutElem + Send + Sync {
    /// The arithmetic type.
    type W: num_traits::Float + Send + Sync;
    fn up(self) -> Self::W;
    fn down(w: Self::W) -> Self;
    /// `w` rounded to this type, as a separate op would leave it.
    #[inline(always)]
    fn round(w: Self::W) -> Self::W {
        Self::down(w).up()
    }
}

macro_rules! native {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            type W = $t;
            #[inline(always)]
            fn up(self) -> $t { self }
            #[inline(always)]
            fn down(w: $t) -> $t { w }
            #[inline(always)]
            fn round(w: $t) -> $t { w }
        }
    )*};
}
native!(f32, f64);

macro_rules! half_lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            type W = f32;
            #[inline(always)]
            fn up(self) -> f32 { self.to_f32() }
            #[inline(always)]
            fn down(w: f32) -> $t { <$t>::from_f32(w) }
        }
    )*};
}
half_lane!(f16, bf16);

/// The new `(p, m, v)` of one Adam step (`None` for a dtype without a
/// kernel: the caller runs the composite). Inputs as in
/// [`MultiOp::Adam`], broadcast to the output shape.
///
/// [`MultiOp::Adam`]: mlx_core::primitive::MultiOp::Adam
pub(crate) fn adam(inputs: &[View], betas: [f64; 2], eps: f64) -> Result<Option<Vec<HostData>>> {
    let mut none = Vec::new();
    adam_in_place(&mut none, inputs, betas, eps)
}

/// [`adam`] with `donors` (inputs 0..3 given up by their arrays) updated
/// in place; `inputs` are the views of the other inputs, in order. `None`,
/// with `donors` untouched, when a donor is not a host vector of the
/// parameters' dtype or the dtype has no kernel.
pub(crate) fn adam_in_place(
    donors: &mut Vec<Donor>,
    inputs: &[View],
    betas: [f64; 2],
    eps: f64,
) -> Result<Option<Vec<HostData>>> {
    let dtype = match (donors.first(), inputs.first()) {
        (Some(d), _) => d.dtype,
        (None, Some(v)) => v.dtype,
        (None, None) => return Ok(None),
    };
    match dtype {
        Dtype::Float32 => typed::<f32>(donors, inputs, betas, eps),
        Dtype::Float64 => typed::<f64>(donors, inputs, betas, eps),
        Dtype::Float16 => typed::<f16>(donors, inputs, betas, eps),
        Dtype::Bfloat16 => typed::<bf16>(donors, inputs, betas, eps),
        _ => Ok(None),
    }
}

/// A 0-d (broadcast) input's value.
fn scalar<T: Element>(v: &View) -> Result<Option<T>> {
    Ok(buffer::<T>(v)?.get(v.offset).copied())
}

/// Where one of `p`, `m`, `v` is read and where its new values go.
enum Slot<'a, T: Clone> {
    /// A donated buffer, read and overwritten in place.
    Donated(Vec<T>),
    /// Read from `src`, written to the fresh `dst`.
    Fresh { src: Cow<'a, [T]>, dst: Vec<T> },
}

impl<T: Copy> Slot<'_, T> {
    /// Read and write pointers over the slot's `n` elements (equal when
    /// donated).
    fn ptrs(&mut self) -> (*const T, *mut T) {
        match self {
            Slot::Donated(v) => (v.as_ptr(), v.as_mut_ptr()),
            Slot::Fresh { src, dst } => (src.as_ptr(), dst.as_mut_ptr()),
        }
    }
    fn len(&self) -> (usize, usize) {
        match self {
            Slot::Donated(v) => (v.len(), v.len()),
            Slot::Fresh { src, dst } => (src.len(), dst.len()),
        }
    }
    fn into_output(self) -> Vec<T> {
        match self {
            Slot::Donated(v) => v,
            Slot::Fresh { dst, .. } => dst,
        }
    }
}

/// The donated buffers as vectors of `T`, indexed by input (0..3), or
/// `None` with `donors` as they were (a donor that is not a host vector of
/// `T`, an index out of range or given twice).
fn take_donated<T: Element>(donors: &mut Vec<Donor>) -> Option<[Option<Vec<T>>; 3]> {
    let ok = donors.iter().enumerate().all(|(j, d)| {
        d.index < 3
            && donors[..j].iter().all(|e| e.index != d.index)
            && d.storage
                .downcast_ref::<HostData>()
                .is_some_and(|h| T::slice(h).is_some())
    });
    if !ok {
        return None;
    }
    let mut out: [Option<Vec<T>>; 3] = [None, None, None];
    let mut taken: Vec<(usize, Dtype)> = Vec::with_capacity(donors.len());
    while let Some(d) = donors.pop() {
        let (index, dtype) = (d.index, d.dtype);
        // Cannot fail after the checks above; if it did, every donor goes
        // back, as the caller's contract asks.
        let back = match d.storage.try_into_inner::<HostData>() {
            Ok(host) => match T::from_host(host) {
                Ok(v) => {
                    out[index] = Some(v);
                    taken.push((index, dtype));
                    continue;
                }
                Err(host) => store(host),
            },
            Err(storage) => storage,
        };
        donors.push(Donor {
            storage: back,
            index,
            dtype,
        });
        give_back(donors, &mut out, &taken);
        return None;
    }
    Some(out)
}

/// Put the donated vectors `taken` (index, dtype) of `out` back into
/// `donors`.
fn give_back<T: Element>(
    donors: &mut Vec<Donor>,
    out: &mut [Option<Vec<T>>; 3],
    taken: &[(usize, Dtype)],
) {
    for &(index, dtype) in taken {
        if let Some(v) = out[index].take() {
            donors.push(Donor {
                storage: store(T::into_host(v)),
                index,
                dtype,
            });
        }
    }
}

/// Raw read/write pointers of the three slots and the gradient, shared by
/// the parallel chunks (which touch disjoint element ranges).
#[derive(Clone, Copy)]
struct Ptrs<T> {
    io: [(*const T, *mut T); 3],
    g: *const T,
}
// SAFETY: the pointers address buffers that outlive the parallel loop;
// each task reads and writes only its own range of elements.
unsafe impl<T: Send> Send for Ptrs<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for Ptrs<T> {}

fn typed<T: Lane>(
    donors: &mut Vec<Donor>,
    inputs: &[View],
    betas: [f64; 2],
    eps: f64,
) -> Result<Option<Vec<HostData>>> {
    // Everything that can decline or fail runs before a donor is taken, so
    // `Ok(None)` and errors leave `donors` as they were. Inputs in order:
    // the slots not donated (of 0..3), then g, step, c2.
    let Some(k) = 3usize.checked_sub(donors.len()) else {
        return Ok(None);
    };
    let (Some(gv), Some(sv)) = (inputs.get(k), inputs.get(k + 1)) else {
        return Ok(None);
    };
    let Some(step) = scalar::<T>(sv)? else {
        return Ok(None);
    };
    let c2 = match inputs.get(k + 2) {
        Some(c) => match scalar::<T>(c)? {
            Some(c) => Some(c.up()),
            None => return Ok(None),
        },
        None => None,
    };
    let g = contiguous::<T>(OP, gv)?;
    // Strided inputs (a transposed gradient) are gathered once; dense ones
    // are read in place.
    let mut fresh = Vec::with_capacity(k);
    for v in &inputs[..k] {
        let src = contiguous::<T>(OP, v)?;
        let dst = alloc_out::<T>(OP, src.len())?;
        fresh.push(Slot::Fresh { src, dst });
    }
    let Some(mut donated) = take_donated::<T>(donors) else {
        return Ok(None);
    };
    // One slot per input 0..3: the donated vector, else the next fresh one
    // (`take_donated` checked the donors' indices distinct, so the counts
    // match).
    let mut fresh = fresh.into_iter();
    let mut slots: Vec<Slot<T>> = Vec::with_capacity(3);
    for d in donated.iter_mut() {
        slots.extend(d.take().map(Slot::Donated).or_else(|| fresh.next()));
    }
    let n = slots.first().map_or(0, |s| s.len().0);
    if slots.len() != 3 || slots.iter().any(|s| s.len() != (n, n)) || g.len() != n {
        // Put the donated buffers back before failing.
        for (index, slot) in slots.into_iter().enumerate() {
            if let Slot::Donated(v) = slot {
                donors.push(Donor {
                    storage: store(T::into_host(v)),
                    index,
                    dtype: T::DTYPE,
                });
            }
        }
        return Err(mlx_core::Error::internal(OP, "operands differ in size"));
    }
    // Weak scalars become the arrays' dtype first, as in the composite.
    let k = |x: f64| T::from_f64_lossy(x).up();
    let [b1, b2] = betas;
    let c = Consts {
        b1: k(b1),
        nb1: k(1.0 - b1),
        b2: k(b2),
        nb2: k(1.0 - b2),
        eps: k(eps),
        step: step.up(),
        c2,
    };
    let ptrs = Ptrs {
        io: [slots[0].ptrs(), slots[1].ptrs(), slots[2].ptrs()],
        g: g.as_ptr(),
    };
    let run = |i: usize| {
        let r = i * CHUNK..((i + 1) * CHUNK).min(n);
        // Compiled per instruction set (AVX-512 where present): the
        // square roots and divisions run at full vector width.
        pulp::Arch::new().dispatch(Chunk { c: &c, ptrs, r });
    };
    let chunks = n.div_ceil(CHUNK);
    if n >= PAR_THRESHOLD {
        (0..chunks).into_par_iter().for_each(run);
    } else {
        (0..chunks).for_each(run);
    }
    Ok(Some(
        slots
            .into_iter()
            .map(|s| T::into_host(s.into_output()))
            .collect(),
    ))
}

/// One chunk's update, run by `pulp` inside a function compiled for the
/// best instruction set. A struct, not a closure: `with_simd` is always
/// inlined there, where a closure this large was called out of line and
/// compiled for the baseline (SSE2: 4-wide square roots and divisions,
/// and a `memcpy` call per copied block).
struct Chunk<'a, T: Lane> {
    c: &'a Consts<T::W>,
    ptrs: Ptrs<T>,
    r: std::ops::Range<usize>,
}

impl<T: Lane> pulp::WithSimd for Chunk<'_, T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let Chunk { c, ptrs, r } = self;
        // SAFETY: `typed` checked that every slot and `g` hold `n`
        // elements and made `r` a range in 0..n; chunks are disjoint, and
        // within a chunk each element is read before it is written
        // (`block` copies a block in before storing it), so a donated slot
        // whose read and write pointers are equal is updated correctly.
        unsafe {
            match c.c2 {
                Some(c2) => update(c, ptrs, r, |s| T::round(T::round(s) * c2)),
                None => update(c, ptrs, r, T::round),
            }
        }
    }
}

/// The step's constants in the arithmetic type.
struct Consts<W> {
    b1: W,
    nb1: W,
    b2: W,
    nb2: W,
    eps: W,
    step: W,
    c2: Option<W>,
}

/// The update of elements `r`, a block at a time; `scaled_root(sqrt(v'))`
/// is the denominator before `eps` (times `c2` with bias correction,
/// rounded as the ops do).
///
/// # Safety
/// Every pointer of `ptrs` is valid for reads (and the write pointers for
/// writes) of the elements in `r`, and no other thread touches them.
#[inline(always)]
unsafe fn update<T: Lane>(
    c: &Consts<T::W>,
    ptrs: Ptrs<T>,
    r: std::ops::Range<usize>,
    scaled_root: impl Fn(T::W) -> T::W,
) {
    // Whole blocks pass a constant length, so their copies are fixed-size
    // vector moves; a variable count compiles to a `memcpy` call per array
    // and block (4% of a W6 training step). The two call sites stay apart
    // so the compiler cannot merge them into one.
    let mut i = r.start;
    while r.end - i >= BLOCK {
        // SAFETY: i + BLOCK <= r.end.
        unsafe { block(c, ptrs, i, BLOCK, &scaled_root) };
        i += BLOCK;
    }
    if i < r.end {
        // SAFETY: i < r.end.
        unsafe { block(c, ptrs, i, r.end - i, &scaled_root) };
    }
}

/// The update of elements `i..i + len` (`len <= BLOCK`) through local
/// arrays in the arithmetic type.
///
/// # Safety
/// As [`update`], for the elements `i..i + len`.
#[inline(always)]
unsafe fn block<T: Lane>(
    c: &Consts<T::W>,
    ptrs: Ptrs<T>,
    i: usize,
    len: usize,
    scaled_root: &impl Fn(T::W) -> T::W,
) {
    let rd = T::round;
    let zero = <T::W as num_traits::Zero>::zero();
    let (mut p, mut m, mut v, mut g) = ([zero; BLOCK], [zero; BLOCK], [zero; BLOCK], [zero; BLOCK]);
    // SAFETY: the caller's range holds i..i + len.
    unsafe {
        load(ptrs.io[0].0.add(i), &mut p, len);
        load(ptrs.io[1].0.add(i), &mut m, len);
        load(ptrs.io[2].0.add(i), &mut v, len);
        load(ptrs.g.add(i), &mut g, len);
    }
    for j in 0..BLOCK {
        let (gi, mi, vi) = (g[j], m[j], v[j]);
        let m2 = rd(rd(c.b1 * mi) + rd(c.nb1 * gi));
        let v2 = rd(rd(c.b2 * vi) + rd(c.nb2 * rd(gi * gi)));
        let num = rd(c.step * m2);
        let den = rd(scaled_root(num_traits::Float::sqrt(v2)) + c.eps);
        p[j] = p[j] - rd(num / den);
        m[j] = m2;
        v[j] = v2;
    }
    // SAFETY: as above, for the write pointers.
    unsafe {
        store_block(&p, ptrs.io[0].1.add(i), len);
        store_block(&m, ptrs.io[1].1.add(i), len);
        store_block(&v, ptrs.io[2].1.add(i), len);
    }
}

/// Widen `len` elements from `src` into `dst`.
///
/// # Safety
/// `src` is valid for reads of `len <= BLOCK` elements.
#[inline(always)]
unsafe fn load<T: Lane>(src: *const T, dst: &mut [T::W; BLOCK], len: usize) {
    for (j, d) in dst.iter_mut().take(len).enumerate() {
        // SAFETY: j < len.
        *d = unsafe { *src.add(j) }.up();
    }
}

/// Round `len` elements of `src` into `dst` (see [`load`]).
///
/// # Safety
/// `dst` is valid for writes of `len <= BLOCK` elements.
#[inline(always)]
unsafe fn store_block<T: Lane>(src: &[T::W; BLOCK], dst: *mut T, len: usize) {
    for (j, &s) in src.iter().take(len).enumerate() {
        // SAFETY: j < len.
        unsafe { *dst.add(j) = T::down(s) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn donor<T: Element>(v: Vec<T>, index: usize) -> Donor {
        Donor {
            storage: store(T::into_host(v)),
            index,
            dtype: T::DTYPE,
        }
    }

    /// The donors' (index, values as f64), sorted by index.
    fn contents(donors: &[Donor]) -> Vec<(usize, Vec<f64>)> {
        let mut v: Vec<_> = donors
            .iter()
            .map(|d| {
                let h = d.storage.downcast_ref::<HostData>().unwrap();
                let xs = match (f32::slice(h), f64::slice(h)) {
                    (Some(x), _) => x.iter().map(|&x| x as f64).collect(),
                    (_, Some(x)) => x.to_vec(),
                    _ => panic!("unexpected dtype"),
                };
                (d.index, xs)
            })
            .collect();
        v.sort_by_key(|e| e.0);
        v
    }

    #[test]
    fn take_donated_declines_with_donors_intact() {
        // A donor of another dtype: nothing is taken.
        let mut donors = vec![donor(vec![1.0f32, 2.0], 0), donor(vec![3.0f64, 4.0], 2)];
        assert!(take_donated::<f32>(&mut donors).is_none());
        assert_eq!(
            contents(&donors),
            [(0, vec![1.0, 2.0]), (2, vec![3.0, 4.0])]
        );
        // The same index twice, or one out of range: declined too.
        let mut donors = vec![donor(vec![1.0f32], 1), donor(vec![2.0f32], 1)];
        assert!(take_donated::<f32>(&mut donors).is_none());
        assert_eq!(contents(&donors), [(1, vec![1.0]), (1, vec![2.0])]);
        let mut donors = vec![donor(vec![1.0f32], 3)];
        assert!(take_donated::<f32>(&mut donors).is_none());
        assert_eq!(donors.len(), 1);
        // Valid donors are all taken, by index.
        let mut donors = vec![donor(vec![5.0f32], 2), donor(vec![6.0f32], 0)];
        let got = take_donated::<f32>(&mut donors).unwrap();
        assert!(donors.is_empty());
        assert_eq!(got, [Some(vec![6.0]), None, Some(vec![5.0])]);
    }
}
