//! Vectorizing map: [`vmap`].

use super::graph::trace_order;
use crate::shape::normalize_axis;
use crate::{Array, Error, Result};
use std::collections::{HashMap, HashSet};

/// Map `f` over an axis of its inputs (MLX's `mx.vmap`). `in_axes[i]` is
/// the mapped axis of argument `i` (`None`: not mapped, passed whole);
/// `out_axes` gives where the mapped axis goes in each output (one entry
/// applies to all). Each primitive's `vmap` rule runs the whole batch at
/// once; the result equals looping `f` over the axis and stacking.
///
/// # Errors
/// The returned closure fails with `[vmap] expected 2 in_axes but got 1`,
/// `[vmap] mapped inputs have different sizes`, `[vmap] at least one
/// input must be mapped`, bad axes, or errors from `f`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::vmap, Array};
/// let f = vmap(|x: &[Array]| Ok(vec![x[0].sum((), false)?]), &[Some(0)], &[0]);
/// let x = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
/// assert_eq!(f(&[x])?[0].to_vec::<f32>()?, vec![3.0, 7.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn vmap<F>(
    f: F,
    in_axes: &[Option<i64>],
    out_axes: &[i64],
) -> impl Fn(&[Array]) -> Result<Vec<Array>>
where
    F: Fn(&[Array]) -> Result<Vec<Array>>,
{
    let in_axes = in_axes.to_vec();
    let out_axes = out_axes.to_vec();
    move |args: &[Array]| {
        if args.len() != in_axes.len() {
            return Err(Error::invalid(
                "vmap",
                format!("expected {} in_axes but got {}", args.len(), in_axes.len()),
            ));
        }
        let mut size = None;
        let mut batched: HashMap<usize, (Array, Option<usize>)> = HashMap::new();
        let mut inputs = Vec::with_capacity(args.len());
        for (x, ax) in args.iter().zip(&in_axes) {
            let Some(ax) = ax else {
                inputs.push(x.clone());
                continue;
            };
            let ax = normalize_axis("vmap", *ax, x.ndim())?;
            let n = x.shape()[ax];
            if size.is_some_and(|m| m != n) {
                return Err(Error::invalid("vmap", "mapped inputs have different sizes"));
            }
            size = Some(n);
            // A fresh node standing for one slice of `x`.
            let zero = Array::from_slice(&[0i32], &[])?;
            let p = crate::ops::take(x, &zero, ax as i64)?;
            batched.insert(p.id(), (x.clone(), Some(ax)));
            inputs.push(p);
        }
        let Some(b) = size else {
            return Err(Error::invalid("vmap", "at least one input must be mapped"));
        };
        let outs = f(&inputs)?;
        let stops: HashSet<usize> = batched.keys().copied().collect();
        for t in trace_order(&outs, &stops) {
            let Some((prim, ins)) = &t.parts else {
                continue;
            };
            if batched.contains_key(&t.array.id()) {
                continue;
            }
            if !ins.iter().any(|i| batched.contains_key(&i.id())) {
                continue;
            }
            let (xs, axes): (Vec<Array>, Vec<Option<usize>>) = ins
                .iter()
                .map(|i| batched.get(&i.id()).cloned().unwrap_or((i.clone(), None)))
                .unzip();
            let (ys, axs) = prim.vmap_outputs(&xs, &axes, &t.outputs)?;
            // Siblings of a multi-output node are mapped together.
            for ((o, y), ax) in t.outputs.iter().zip(ys).zip(axs) {
                if let Some(o) = o {
                    batched.insert(o.id(), (y, ax));
                }
            }
        }
        outs.iter()
            .enumerate()
            .map(|(k, o)| {
                let want = *out_axes
                    .get(k)
                    .or(out_axes.first())
                    .ok_or_else(|| Error::invalid("vmap", "out_axes is empty"))?;
                let want = normalize_axis("vmap", want, o.ndim() + 1)?;
                match batched.get(&o.id()) {
                    Some((y, Some(ax))) => crate::ops::moveaxis(y, *ax as i64, want as i64),
                    _ => {
                        let e = o.expand_dims(&[want as i64])?;
                        let mut s = e.shape().to_vec();
                        s[want] = b;
                        e.broadcast_to(&s)
                    }
                }
            })
            .collect()
    }
}
