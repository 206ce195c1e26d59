//! The cotangent through a comparison mask ([`FastOp::MaskGrad`]):
//! `g * cmp(a, b)` in one pass, the backward of `maximum`/`minimum` (and
//! so of `relu`) without a boolean mask and its cast in between.
//!
//! Half-precision values compare and multiply in `f32` and round once;
//! the product is `g` or `g * 0` exactly, so a masked-out infinite or NaN
//! `g` gives NaN, as the composite does.
//!
//! [`FastOp::MaskGrad`]: mlx_core::primitive::FastOp::MaskGrad

use crate::elementwise_walk::{dense, Layout, ELEMENTWISE};
use crate::strided::buffer;
use crate::unary::FloatStore;
use half::{bf16, f16};
use mlx_core::primitive::{BinaryOp, OutSpec};
use mlx_core::{Dtype, Error, HostData, Result, View};
use num_traits::{One, Zero};

const OP: &str = "mask_grad";

/// `g * cmp(a, b)` for inputs `[g, a, b]` of `out`'s shape and floating
/// dtype; `None` for a dtype this kernel does not take (the core then runs
/// the composite).
pub(crate) fn mask_grad(cmp: BinaryOp, inputs: &[View], out: OutSpec) -> Result<Option<HostData>> {
    let [g, a, b] = inputs else {
        return Err(Error::internal(OP, "expects three inputs"));
    };
    if [g.dtype, a.dtype, b.dtype].iter().any(|&d| d != out.dtype) {
        return Ok(None);
    }
    Ok(Some(match out.dtype {
        Dtype::Float32 => HostData::from(by_cmp::<f32>(cmp, g, a, b)?),
        Dtype::Float64 => HostData::from(by_cmp::<f64>(cmp, g, a, b)?),
        Dtype::Float16 => HostData::from(by_cmp::<f16>(cmp, g, a, b)?),
        Dtype::Bfloat16 => HostData::from(by_cmp::<bf16>(cmp, g, a, b)?),
        _ => return Ok(None),
    }))
}

/// The kernel for one element type, specialised per comparison.
fn by_cmp<S: FloatStore>(cmp: BinaryOp, g: &View, a: &View, b: &View) -> Result<Vec<S>> {
    match cmp {
        BinaryOp::Greater => masked(g, a, b, |x: S::C, y: S::C| x > y),
        BinaryOp::GreaterEqual => masked(g, a, b, |x: S::C, y: S::C| x >= y),
        BinaryOp::Less => masked(g, a, b, |x: S::C, y: S::C| x < y),
        BinaryOp::LessEqual => masked(g, a, b, |x: S::C, y: S::C| x <= y),
        other => Err(Error::internal(
            OP,
            format!("{} is not a comparison", other.name()),
        )),
    }
}

/// `g * keep(a, b)` over the three (broadcast) views. A dense `g` and `a`
/// with a dense or single `b` (`relu`'s zero) run as plain slices, which
/// the compiler vectorises.
fn masked<S, F>(g: &View, a: &View, b: &View, keep: F) -> Result<Vec<S>>
where
    S: FloatStore,
    F: Fn(S::C, S::C) -> bool + Sync,
{
    let (bg, ba, bb) = (buffer::<S>(g)?, buffer::<S>(a)?, buffer::<S>(b)?);
    let one = |x: S, y: S| {
        if keep(x.up(), y.up()) {
            S::C::one()
        } else {
            S::C::zero()
        }
    };
    let f = |gv: S, x: S, y: S| S::down(gv.up() * one(x, y));
    Layout::new([g, a, b]).fill(
        ELEMENTWISE,
        |out: &mut [S], [sg, sa, sb]: [isize; 3], [tg, ta, tb]: [isize; 3]| {
            let n = out.len();
            match (dense(bg, sg, tg, n), dense(ba, sa, ta, n)) {
                (Some(vg), Some(va)) if tb == 0 => {
                    let y = bb[sb as usize];
                    for ((o, &p), &x) in out.iter_mut().zip(vg).zip(va) {
                        *o = f(p, x, y);
                    }
                }
                (Some(vg), Some(va)) if tb == 1 => {
                    let vb = &bb[sb as usize..sb as usize + n];
                    for (((o, &p), &x), &y) in out.iter_mut().zip(vg).zip(va).zip(vb) {
                        *o = f(p, x, y);
                    }
                }
                _ => {
                    for (j, o) in out.iter_mut().enumerate() {
                        let j = j as isize;
                        *o = f(
                            bg[(sg + j * tg) as usize],
                            ba[(sa + j * ta) as usize],
                            bb[(sb + j * tb) as usize],
                        );
                    }
                }
            }
        },
    )
}
