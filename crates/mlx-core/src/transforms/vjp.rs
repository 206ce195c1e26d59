//! Reverse mode: [`vjp`] and the backward walk shared with `grad`.

use super::graph::{trace_order, tracer};
use crate::shape::format_shape;
use crate::{Array, Error, Result};
use std::collections::{HashMap, HashSet};

/// Vector-Jacobian product (MLX's `mx.vjp`): run `f` on `primals` and
/// pull `cotangents` (one per output, same shapes) back to the inputs.
/// Returns `(outputs, cotangents of primals)`, both lazy.
///
/// # Errors
/// `[vjp] expected 1 cotangents but got 2`, `[vjp] cotangent of shape (3,)
/// does not match output of shape (2,)`, or errors from `f`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::vjp, Array};
/// let x = Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// let v = Array::from_slice(&[1.0f32, 1.0], &[2])?;
/// let (out, g) = vjp(|x: &[Array]| Ok(vec![x[0].square()?]), &[x], &[v])?;
/// assert_eq!(out[0].to_vec::<f32>()?, vec![1.0, 4.0]);
/// assert_eq!(g[0].to_vec::<f32>()?, vec![2.0, 4.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn vjp<F>(f: F, primals: &[Array], cotangents: &[Array]) -> Result<(Vec<Array>, Vec<Array>)>
where
    F: FnOnce(&[Array]) -> Result<Vec<Array>>,
{
    let tracers: Vec<Array> = primals.iter().map(tracer).collect::<Result<_>>()?;
    let outputs = f(&tracers)?;
    if outputs.len() != cotangents.len() {
        return Err(Error::invalid(
            "vjp",
            format!(
                "expected {} cotangents but got {}",
                outputs.len(),
                cotangents.len()
            ),
        ));
    }
    for (o, c) in outputs.iter().zip(cotangents) {
        if o.shape() != c.shape() {
            return Err(Error::invalid(
                "vjp",
                format!(
                    "cotangent of shape {} does not match output of shape {}",
                    format_shape(c.shape()),
                    format_shape(o.shape())
                ),
            ));
        }
    }
    let grads = backward(&outputs, cotangents, &tracers)?;
    Ok((outputs, grads))
}

/// Cotangents of `inputs` (tracers) given `outputs` and their cotangents:
/// one reverse walk of the graph between them.
pub(crate) fn backward(outputs: &[Array], cots: &[Array], inputs: &[Array]) -> Result<Vec<Array>> {
    let stops: HashSet<usize> = inputs.iter().map(Array::id).collect();
    let order = trace_order(outputs, &stops);
    // Nodes that lead to an input; only they receive cotangents.
    let mut depends: HashSet<usize> = HashSet::new();
    for t in &order {
        let id = t.array.id();
        let hit = stops.contains(&id)
            || t.parts
                .as_ref()
                .is_some_and(|(_, ins)| ins.iter().any(|i| depends.contains(&i.id())));
        if hit {
            depends.insert(id);
        }
    }
    let mut acc: HashMap<usize, Array> = HashMap::new();
    for (o, c) in outputs.iter().zip(cots) {
        if depends.contains(&o.id()) {
            add_into(&mut acc, o, c.clone())?;
        }
    }
    // A multi-output node runs its rule once, at the sibling first in
    // `order`: reached last going backwards, when every sibling's
    // consumers have given their cotangents.
    let index: HashMap<usize, usize> = order
        .iter()
        .enumerate()
        .map(|(i, t)| (t.array.id(), i))
        .collect();
    for (i, t) in order.iter().enumerate().rev() {
        let id = t.array.id();
        if stops.contains(&id) {
            continue;
        }
        let Some((prim, ins)) = &t.parts else {
            continue;
        };
        let cots: Vec<Option<Array>> = if t.has_siblings() {
            let first = t
                .outputs
                .iter()
                .flatten()
                .filter_map(|o| index.get(&o.id()))
                .min();
            if first != Some(&i) {
                continue;
            }
            t.outputs
                .iter()
                .map(|o| o.as_ref().and_then(|o| acc.remove(&o.id())))
                .collect()
        } else {
            vec![acc.remove(&id)]
        };
        if cots.iter().all(Option::is_none) {
            continue;
        }
        let grads = prim.vjp_outputs(ins, &t.outputs, &cots)?;
        for (inp, d) in ins.iter().zip(grads) {
            if let Some(d) = d {
                if depends.contains(&inp.id()) && inp.dtype().is_inexact() {
                    add_into(&mut acc, inp, d)?;
                }
            }
        }
    }
    inputs
        .iter()
        .map(|x| match acc.remove(&x.id()) {
            Some(g) => Ok(g),
            None => crate::ops::zeros_like(x),
        })
        .collect()
}

fn add_into(acc: &mut HashMap<usize, Array>, node: &Array, d: Array) -> Result<()> {
    let d = if d.dtype() != node.dtype() {
        d.as_type(node.dtype())?
    } else {
        d
    };
    let sum = match acc.remove(&node.id()) {
        Some(prev) => (prev + d)?,
        None => d,
    };
    acc.insert(node.id(), sum);
    Ok(())
}
