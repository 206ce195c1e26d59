//! Fused optimizer updates ([`MultiOp::Adam`]): one pass over a parameter,
//! its moments and its gradient, writing the three new arrays. Each step
//! of the update is rounded to the arrays' dtype exactly as the separate
//! ops would round it (half types compute in `f32` and round after every
//! op), so the fused kernel and its composite give the same bits.
//! Strided inputs are gathered into row-major order first.

use crate::elementwise_walk::{alloc_out, OutElem, CHUNK};
use crate::strided::{buffer, contiguous, PAR_THRESHOLD};
use half::{bf16, f16};
use mlx_core::{Dtype, Element, HostData, Result, View};
use rayon::prelude::*;

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
    match inputs[0].dtype {
        Dtype::Float32 => typed::<f32>(inputs, betas, eps),
        Dtype::Float64 => typed::<f64>(inputs, betas, eps),
        Dtype::Float16 => typed::<f16>(inputs, betas, eps),
        Dtype::Bfloat16 => typed::<bf16>(inputs, betas, eps),
        _ => Ok(None),
    }
}

/// A 0-d (broadcast) input's value.
fn scalar<T: Element>(v: &View) -> Result<Option<T>> {
    Ok(buffer::<T>(v)?.get(v.offset).copied())
}

fn typed<T: Lane>(inputs: &[View], betas: [f64; 2], eps: f64) -> Result<Option<Vec<HostData>>> {
    // Strided inputs (a gradient that is a transposed view) are gathered
    // once; dense ones are read in place.
    let (p, m, v, g) = (
        contiguous::<T>(OP, &inputs[0])?,
        contiguous::<T>(OP, &inputs[1])?,
        contiguous::<T>(OP, &inputs[2])?,
        contiguous::<T>(OP, &inputs[3])?,
    );
    let Some(step) = scalar::<T>(&inputs[4])? else {
        return Ok(None);
    };
    let c2 = match inputs.get(5) {
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
    let n = p.len();
    let mut po = alloc_out::<T>(OP, n)?;
    let mut mo = alloc_out::<T>(OP, n)?;
    let mut vo = alloc_out::<T>(OP, n)?;
    let run = |i: usize, (pc, (mc, vc)): (&mut [T], (&mut [T], &mut [T]))| {
        let r = i * CHUNK..i * CHUNK + pc.len();
        let ins = (&p[r.clone()], &m[r.clone()], &v[r.clone()], &g[r]);
        match c.c2 {
            Some(c2) => chunk(&c, ins, (pc, mc, vc), |s| T::round(T::round(s) * c2)),
            None => chunk(&c, ins, (pc, mc, vc), T::round),
        }
    };
    let outs = po
        .chunks_mut(CHUNK)
        .zip(mo.chunks_mut(CHUNK).zip(vo.chunks_mut(CHUNK)));
    if n >= PAR_THRESHOLD {
        outs.collect::<Vec<_>>()
            .into_par_iter()
            .enumerate()
            .for_each(|(i, o)| run(i, o));
    } else {
        outs.enumerate().for_each(|(i, o)| run(i, o));
    }
    Ok(Some(vec![
        T::into_host(po),
        T::into_host(mo),
        T::into_host(vo),
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

/// One chunk of the update; `scaled_root(sqrt(v'))` is the denominator
/// before `eps` (times `c2` with bias correction, rounded as the ops do).
#[inline(always)]
fn chunk<T: Lane>(
    c: &Consts<T::W>,
    (p, m, v, g): (&[T], &[T], &[T], &[T]),
    (po, mo, vo): (&mut [T], &mut [T], &mut [T]),
    scaled_root: impl Fn(T::W) -> T::W,
) {
    let r = T::round;
    let n = po.len();
    // Equal lengths up front: no bounds checks in the loop.
    let (p, m, v, g, mo, vo) = (
        &p[..n],
        &m[..n],
        &v[..n],
        &g[..n],
        &mut mo[..n],
        &mut vo[..n],
    );
    for i in 0..n {
        let (gi, mi, vi) = (g[i].up(), m[i].up(), v[i].up());
        let m2 = r(r(c.b1 * mi) + r(c.nb1 * gi));
        let v2 = r(r(c.b2 * vi) + r(c.nb2 * r(gi * gi)));
        let num = r(c.step * m2);
        let den = r(scaled_root(num_traits::Float::sqrt(v2)) + c.eps);
        po[i] = T::down(p[i].up() - r(num / den));
        mo[i] = T::down(m2);
        vo[i] = T::down(v2);
    }
}
