//! Forward mode: [`jvp`].

use super::graph::{trace_order, tracer};
use crate::shape::format_shape;
use crate::{Array, Error, Result};
use std::collections::{HashMap, HashSet};

/// Jacobian-vector product (MLX's `mx.jvp`): run `f` on `primals` and push
/// `tangents` (one per primal, same shapes) forward to the outputs.
/// Returns `(outputs, tangents of outputs)`, both lazy.
///
/// # Errors
/// `[jvp] expected 1 tangents but got 2`, a tangent whose shape differs
/// from its primal, or errors from `f`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::jvp, Array};
/// let x = Array::from_slice(&[3.0f32], &[1])?;
/// let t = Array::from_slice(&[1.0f32], &[1])?;
/// let (_, d) = jvp(|x: &[Array]| Ok(vec![x[0].square()?]), &[x], &[t])?;
/// assert_eq!(d[0].to_vec::<f32>()?, vec![6.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn jvp<F>(f: F, primals: &[Array], tangents: &[Array]) -> Result<(Vec<Array>, Vec<Array>)>
where
    F: FnOnce(&[Array]) -> Result<Vec<Array>>,
{
    if primals.len() != tangents.len() {
        return Err(Error::invalid(
            "jvp",
            format!(
                "expected {} tangents but got {}",
                primals.len(),
                tangents.len()
            ),
        ));
    }
    for (p, t) in primals.iter().zip(tangents) {
        if p.shape() != t.shape() {
            return Err(Error::invalid(
                "jvp",
                format!(
                    "tangent of shape {} does not match primal of shape {}",
                    format_shape(t.shape()),
                    format_shape(p.shape())
                ),
            ));
        }
    }
    let tracers: Vec<Array> = primals.iter().map(tracer).collect::<Result<_>>()?;
    let outputs = f(&tracers)?;
    let stops: HashSet<usize> = tracers.iter().map(Array::id).collect();
    let mut tan: HashMap<usize, Array> = HashMap::new();
    for (x, t) in tracers.iter().zip(tangents) {
        if x.dtype().is_inexact() {
            tan.insert(x.id(), t.as_type(x.dtype())?);
        }
    }
    // Siblings of a multi-output node get their tangents together.
    let mut done: HashSet<usize> = HashSet::new();
    for t in trace_order(&outputs, &stops) {
        if stops.contains(&t.array.id()) || done.contains(&t.array.id()) {
            continue;
        }
        let Some((prim, ins)) = &t.parts else {
            continue;
        };
        let ts: Vec<Option<Array>> = ins.iter().map(|i| tan.get(&i.id()).cloned()).collect();
        if ts.iter().all(Option::is_none) {
            continue;
        }
        let ds = prim.jvp_outputs(ins, &t.outputs, &ts)?;
        for (o, d) in t.outputs.iter().zip(ds) {
            if let Some(o) = o {
                done.insert(o.id());
                if let Some(d) = d {
                    tan.insert(o.id(), d);
                }
            }
        }
    }
    let out_tangents = outputs
        .iter()
        .map(|o| match tan.get(&o.id()) {
            Some(t) => Ok(t.clone()),
            None => crate::ops::zeros_like(o),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((outputs, out_tangents))
}
