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
/// `None` (donors untouched) when one is not a host vector of `T`.
fn take_donated<T: Element>(donors: &mut Vec<Donor>) -> Option<[Option<Vec<T>>; 3]> {
    let ok = donors.iter().all(|d| {
        d.index < 3
            && d.storage
                .downcast_ref::<HostData>()
                .is_some_and(|h| T::slice(h).is_some())
    });
    if !ok {
        return None;
    }
    let mut out: [Option<Vec<T>>; 3] = [None, None, None];
    for d in donors.drain(..) {
        let host = d.storage.try_into_inner::<HostData>().ok()?;
        out[d.index] = Some(T::from_host(host).ok()?);
    }
    Some(out)
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
    let Some(mut donated) = take_donated::<T>(donors) else {
        return Ok(None);
    };
    let mut views = inputs.iter();
    // Inputs in order: slots 0..3 (donated or viewed), g, step, c2.
    let mut slots: Vec<Slot<T>> = Vec::with_capacity(3);
    let mut n = None;
    for d in donated.iter_mut() {
        let slot = match d.take() {
            Some(v) => Slot::Donated(v),
            None => {
                let Some(v) = views.next() else {
                    return Ok(None);
                };
                // Strided inputs (a transposed gradient) are gathered once;
                // dense ones are read in place.
                let src = contiguous::<T>(OP, v)?;
                let dst = alloc_out::<T>(OP, src.len())?;
                Slot::Fresh { src, dst }
            }
        };
        n.get_or_insert(slot.len().0);
        slots.push(slot);
    }
    let (Some(gv), Some(sv)) = (views.next(), views.next()) else {
        return Ok(None);
    };
    let g = contiguous::<T>(OP, gv)?;
    let n = n.unwrap_or(0);
    if slots.iter().any(|s| s.len() != (n, n)) || g.len() != n {
        return Err(mlx_core::Error::internal(OP, "operands differ in size"));
    }
    let Some(step) = scalar::<T>(sv)? else {
        return Ok(None);
    };
    let c2 = match views.next() {
        Some(c) => match scalar::<T>(c)? {
            Some(c) => Some(c.up()),
            None => return Ok(None),
        },
        None => None,
    };
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
        crate::simd::dispatch(|| {
            // SAFETY: every slot and `g` hold `n` elements (checked above)
            // and `r` lies in 0..n; chunks are disjoint, and within a chunk
            // each element is read before it is written (`update` copies a
            // block in before storing it), so a donated slot whose read and
            // write pointers are equal is updated correctly.
            unsafe {
                match c.c2 {
                    Some(c2) => update(&c, ptrs, r, |s| T::round(T::round(s) * c2)),
                    None => update(&c, ptrs, r, T::round),
                }
            }
        })
    };
    let chunks = n.div_ceil(CHUNK);
    if n >= PAR_THRESHOLD {
        (0..chunks).into_par_iter().for_each(run);
    } else {
        (0..chunks).for_each(run);
    }
    let mut outs = slots.into_iter().map(|s| T::into_host(s.into_output()));
    Ok(Some(vec![
        outs.next().expect("three slots"),
        outs.next().expect("three slots"),
        outs.next().expect("three slots"),
    ]))
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
    let rd = T::round;
    let zero = <T::W as num_traits::Zero>::zero();
    let mut i = r.start;
    while i < r.end {
        let len = BLOCK.min(r.end - i);
        let (mut p, mut m, mut v, mut g) =
            ([zero; BLOCK], [zero; BLOCK], [zero; BLOCK], [zero; BLOCK]);
        for j in 0..len {
            // SAFETY: i + j < r.end (caller's range).
            unsafe {
                p[j] = (*ptrs.io[0].0.add(i + j)).up();
                m[j] = (*ptrs.io[1].0.add(i + j)).up();
                v[j] = (*ptrs.io[2].0.add(i + j)).up();
                g[j] = (*ptrs.g.add(i + j)).up();
            }
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
        for j in 0..len {
            // SAFETY: as above, for the write pointers.
            unsafe {
                *ptrs.io[0].1.add(i + j) = T::down(p[j]);
                *ptrs.io[1].1.add(i + j) = T::down(m[j]);
                *ptrs.io[2].1.add(i + j) = T::down(v[j]);
            }
        }
        i += len;
    }
}
