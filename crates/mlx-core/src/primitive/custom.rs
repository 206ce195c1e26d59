//! [`CustomRule`]: the node of a function with user-given derivatives
//! (`custom_function`, `checkpoint`).

use super::vmap_rules::{Batch, Mapped};
use crate::{Array, Result};
use std::sync::Arc;

/// A user vjp: `(primals, cotangents of every output, outputs)` to the
/// cotangents of the primals.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{primitive::CustomVjpFn, Array};
/// let vjp: CustomVjpFn = std::sync::Arc::new(|_x: &[Array], g: &[Array], _o: &[Array]| Ok(g.to_vec()));
/// let g = Array::from_slice(&[1.0f32], &[1])?;
/// assert_eq!(vjp(&[g.clone()], &[g.clone()], &[g])?.len(), 1);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub type CustomVjpFn =
    Arc<dyn Fn(&[Array], &[Array], &[Array]) -> Result<Vec<Array>> + Send + Sync>;

/// A user jvp: `(primals, tangents)` to the tangents of every output.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{primitive::CustomJvpFn, Array};
/// let jvp: CustomJvpFn = std::sync::Arc::new(|_x: &[Array], t: &[Array]| Ok(t.to_vec()));
/// let t = Array::from_slice(&[1.0f32], &[1])?;
/// assert_eq!(jvp(&[t.clone()], &[t])?.len(), 1);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub type CustomJvpFn = Arc<dyn Fn(&[Array], &[Array]) -> Result<Vec<Array>> + Send + Sync>;

/// A user vmap rule: `(primals with batch axes, their axes)` to every
/// output and its batch axis (`None`: unbatched), as MLX's
/// `custom_function.vmap`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{primitive::CustomVmapFn, Array};
/// let vm: CustomVmapFn = std::sync::Arc::new(|x: &[Array], axes: &[Option<usize>]| {
///     Ok((vec![x[0].exp()?], vec![axes[0]]))
/// });
/// let x = Array::from_slice(&[0.0f32, 0.0], &[2])?;
/// assert_eq!(vm(&[x], &[Some(0)])?.1, vec![Some(0)]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub type CustomVmapFn = Arc<
    dyn Fn(&[Array], &[Option<usize>]) -> Result<(Vec<Array>, Vec<Option<usize>>)> + Send + Sync,
>;

/// Output `index` of a custom function. The node's inputs are the primals
/// followed by the forward value of this output; evaluation forwards that
/// value, and gradients go through the user's rules instead of it.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::custom_function, Array};
/// let f = custom_function(
///     |x: &[Array]| Ok(vec![x[0].exp()?]),
///     |_x: &[Array], g: &[Array], out: &[Array]| Ok(vec![(&g[0] * &out[0])?]),
///     None,
/// );
/// let x = Array::from_slice(&[0.0f32], &[1])?;
/// assert_eq!(f(&[x])?[0].to_vec::<f32>()?, vec![1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone)]
pub struct CustomRule {
    /// Which output this node is.
    pub index: usize,
    /// Every forward output, for the user's vjp.
    pub outputs: Vec<Array>,
    /// The user's vjp.
    pub vjp: CustomVjpFn,
    /// The user's jvp; without it, tangents flow through the forward graph.
    pub jvp: Option<CustomJvpFn>,
    /// The user's vmap rule; without it, `vmap` maps the forward graph.
    pub vmap: Option<CustomVmapFn>,
}

impl PartialEq for CustomRule {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index && Arc::ptr_eq(&self.vjp, &other.vjp)
    }
}

impl std::fmt::Debug for CustomRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CustomRule(output {} of {})",
            self.index,
            self.outputs.len()
        )
    }
}

impl CustomRule {
    /// Cotangents of the node's inputs `[primals.., forward value]`.
    pub(crate) fn vjp(&self, inputs: &[Array], g: &Array) -> Result<Vec<Option<Array>>> {
        let primals = &inputs[..inputs.len() - 1];
        let cots = self
            .outputs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                if i == self.index {
                    Ok(g.clone())
                } else {
                    crate::ops::zeros_like(o)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let grads = (self.vjp)(primals, &cots, &self.outputs)?;
        if grads.len() != primals.len() {
            return Err(crate::Error::invalid(
                "custom_function",
                format!(
                    "vjp returned {} cotangents for {} primals",
                    grads.len(),
                    primals.len()
                ),
            ));
        }
        let mut out: Vec<Option<Array>> = grads.into_iter().map(Some).collect();
        out.push(None);
        Ok(out)
    }

    /// Tangent of the node given its inputs' tangents.
    pub(crate) fn jvp(&self, inputs: &[Array], t: &[Option<Array>]) -> Result<Option<Array>> {
        let n = inputs.len() - 1;
        let Some(user) = &self.jvp else {
            return Ok(t[n].clone());
        };
        let tangents = inputs[..n]
            .iter()
            .zip(t)
            .map(|(x, t)| match t {
                Some(t) => Ok(t.clone()),
                None => crate::ops::zeros_like(x),
            })
            .collect::<Result<Vec<_>>>()?;
        let mut outs = user(&inputs[..n], &tangents)?;
        if self.index >= outs.len() {
            return Err(crate::Error::invalid(
                "custom_function",
                "jvp returned fewer tangents than outputs",
            ));
        }
        Ok(Some(outs.swap_remove(self.index)))
    }

    /// The node under `vmap`: the user's vmap rule, or else the forward
    /// value (the last input) as it was batched.
    pub(super) fn vmap(&self, v: &Batch) -> Mapped {
        let n = v.inputs.len() - 1;
        let Some(user) = &self.vmap else {
            return match v.axes[n] {
                Some(a) => Ok((v.inputs[n].clone(), Some(a))),
                None => Ok((v.batched(n)?, Some(0))),
            };
        };
        let (outs, out_axes) = user(&v.inputs[..n], &v.axes[..n])?;
        let (Some(y), Some(ax)) = (outs.get(self.index), out_axes.get(self.index)) else {
            return Err(crate::Error::invalid(
                "custom_function",
                format!(
                    "the vmap rule returned {} outputs and {} axes, expected {}",
                    outs.len(),
                    out_axes.len(),
                    self.outputs.len()
                ),
            ));
        };
        Ok((y.clone(), *ax))
    }
}
