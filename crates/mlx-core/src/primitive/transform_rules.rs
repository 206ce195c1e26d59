//! [`Primitive::vjp`] and [`Primitive::jvp`]: one exhaustive match that
//! sends each primitive to its family's rule. Transforms call only these.

use super::binary::{select_jvp, select_vjp};
use super::indexing::{gather_axis_vjp, gather_vjp};
use super::matmul::{matmul_jvp, matmul_vjp};
use super::scatter::{scatter_jvp, scatter_vjp};
use super::shape::{astype_jvp, astype_vjp, concatenate_jvp, concatenate_vjp, view_jvp, view_vjp};
use super::softmax::softmax_vjp;
use super::Primitive;
use crate::{Array, Error, Result};

/// `view` to another dtype reinterprets bits: MLX defines no derivative.
fn no_derivative(rule: &str, out: &Array) -> Error {
    Error::invalid(
        "view",
        format!(
            "{rule} is not defined for viewing as {} (bit reinterpretation has no derivative)",
            out.dtype()
        ),
    )
}

impl Primitive {
    /// Cotangents of the node's `inputs` given its output `out` and the
    /// output's cotangent `g` (MLX's `Primitive::vjp`). One entry per
    /// input; `None` means zero (integer indices, comparisons,
    /// `stop_gradient`).
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::{Primitive, UnaryOp}, Array};
    /// let x = Array::from_slice(&[2.0f32], &[1])?;
    /// let g = Array::from_slice(&[1.0f32], &[1])?;
    /// let d = Primitive::Unary(UnaryOp::Square).vjp(&[x.clone()], &x.square()?, &g)?;
    /// assert_eq!(d[0].as_ref().unwrap().to_vec::<f32>()?, vec![4.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vjp(&self, inputs: &[Array], out: &Array, g: &Array) -> Result<Vec<Option<Array>>> {
        // The rule's constants live where the node runs (docs/ops.md).
        crate::with_default_device(out.device(), || self.vjp_rule(inputs, out, g))
    }

    /// [`Primitive::vjp`] on the default device.
    fn vjp_rule(&self, inputs: &[Array], out: &Array, g: &Array) -> Result<Vec<Option<Array>>> {
        let x = &inputs[0];
        Ok(match self {
            Primitive::Unary(op) => vec![op.vjp(x, out, g)?],
            Primitive::Binary(op) => op.vjp(x, &inputs[1], out, g)?.into(),
            Primitive::Select => select_vjp(inputs, g)?,
            Primitive::AsType => vec![astype_vjp(x, g)?],
            Primitive::Bitcast => return Err(no_derivative("vjp", out)),
            Primitive::Reduce { op, axes } => vec![op.vjp(x, axes, out, g)?],
            Primitive::ArgReduce { .. } => vec![None],
            Primitive::Softmax => vec![Some(softmax_vjp(out, g)?)],
            Primitive::Scan {
                op,
                axis,
                reverse,
                inclusive,
            } => vec![Some(op.vjp(x, out, *axis, *reverse, *inclusive, g)?)],
            Primitive::Sort { op, axis } => vec![op.vjp(x, *axis, g)?],
            Primitive::Matmul => matmul_vjp(x, &inputs[1], g)?.map(Some).into(),
            Primitive::Gather { axis } => vec![Some(gather_vjp(x, &inputs[1], *axis, g)?), None],
            Primitive::GatherAxis { axis } => {
                vec![Some(gather_axis_vjp(x, &inputs[1], *axis, g)?), None]
            }
            Primitive::Scatter { op, axes } => scatter_vjp(*op, axes, inputs, out, g)?,
            Primitive::Concatenate { axis } => concatenate_vjp(inputs, *axis, g)?,
            Primitive::Arange { .. } => Vec::new(),
            Primitive::RandomBits { .. } => vec![None],
            Primitive::Copy => vec![Some(g.clone())],
            Primitive::Reshape
            | Primitive::Transpose { .. }
            | Primitive::Broadcast
            | Primitive::Slice { .. }
            | Primitive::AsStrided { .. } => vec![Some(view_vjp(self, x, g)?)],
            Primitive::Fast(op) => op.vjp(inputs, g)?,
            Primitive::Multi(_) => return Err(multi_output("vjp")),
            Primitive::Custom(rule) => rule.vjp(inputs, g)?,
        })
    }

    /// Tangent of the node's output given its inputs' tangents (MLX's
    /// `Primitive::jvp`; `None` entries are zero). Returns `None` when the
    /// output's tangent is zero.
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::{Primitive, UnaryOp}, Array};
    /// let x = Array::from_slice(&[0.0f32], &[1])?;
    /// let t = Array::from_slice(&[3.0f32], &[1])?;
    /// let d = Primitive::Unary(UnaryOp::Sin).jvp(&[x.clone()], &x.sin()?, &[Some(t)])?;
    /// assert_eq!(d.unwrap().to_vec::<f32>()?, vec![3.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn jvp(&self, inputs: &[Array], out: &Array, t: &[Option<Array>]) -> Result<Option<Array>> {
        crate::with_default_device(out.device(), || self.jvp_rule(inputs, out, t))
    }

    /// [`Primitive::jvp`] on the default device.
    fn jvp_rule(
        &self,
        inputs: &[Array],
        out: &Array,
        t: &[Option<Array>],
    ) -> Result<Option<Array>> {
        let x = &inputs[0];
        let t0 = t.first().and_then(|t| t.as_ref());
        let linear = |f: &dyn Fn(&Array) -> Result<Array>| t0.map(f).transpose();
        match self {
            Primitive::Unary(op) => t0.map_or(Ok(None), |t| op.jvp(x, out, t)),
            Primitive::Binary(op) => op.jvp(x, &inputs[1], out, [t0, t[1].as_ref()]),
            Primitive::Select => {
                if t[1].is_none() && t[2].is_none() {
                    return Ok(None);
                }
                select_jvp(inputs, out, t).map(Some)
            }
            Primitive::AsType => t0.map_or(Ok(None), |t| astype_jvp(out, t)),
            Primitive::Bitcast => match t0 {
                Some(_) => Err(no_derivative("jvp", out)),
                None => Ok(None),
            },
            Primitive::Reduce { op, axes } => t0.map_or(Ok(None), |t| op.jvp(x, axes, out, t)),
            Primitive::ArgReduce { .. }
            | Primitive::Arange { .. }
            | Primitive::RandomBits { .. } => Ok(None),
            Primitive::Softmax => linear(&|t| softmax_vjp(out, t)),
            Primitive::Scan {
                op,
                axis,
                reverse,
                inclusive,
            } => linear(&|t| op.jvp(x, out, *axis, *reverse, *inclusive, t)),
            Primitive::Sort { op, axis } => t0.map_or(Ok(None), |t| op.jvp(x, *axis, t)),
            Primitive::Matmul => matmul_jvp(x, &inputs[1], [t0, t[1].as_ref()]),
            Primitive::Gather { axis } => {
                linear(&|t| crate::ops::take(t, &inputs[1], *axis as i64))
            }
            Primitive::GatherAxis { axis } => {
                linear(&|t| crate::ops::take_along_axis(t, &inputs[1], *axis as i64))
            }
            Primitive::Scatter { op, axes } => scatter_jvp(*op, axes, inputs, out, t),
            Primitive::Concatenate { axis } => {
                if t.iter().all(|t| t.is_none()) {
                    return Ok(None);
                }
                concatenate_jvp(inputs, *axis, t).map(Some)
            }
            Primitive::Copy => Ok(t0.cloned()),
            Primitive::Reshape
            | Primitive::Transpose { .. }
            | Primitive::Broadcast
            | Primitive::Slice { .. }
            | Primitive::AsStrided { .. } => linear(&|t| view_jvp(self, out, t)),
            Primitive::Fast(op) => op.jvp(inputs, t),
            Primitive::Multi(_) => Err(multi_output("jvp")),
            Primitive::Custom(rule) => rule.jvp(inputs, t),
        }
    }

    /// Cotangents of the node's `inputs` given its outputs (`outputs[i]`
    /// `None` when dropped) and cotangents of some of them (`None`: zero):
    /// [`Primitive::vjp`] for single-output primitives, every output at
    /// once for [`Primitive::Multi`].
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{ops, Array};
    /// let a = Array::from_slice(&[7.0f32], &[1])?;
    /// let (q, r) = ops::divmod(&a, &Array::from_slice(&[2.0f32], &[1])?)?;
    /// let prim = q.primitive().unwrap();
    /// let g = Array::from_slice(&[1.0f32], &[1])?;
    /// let d = prim.vjp_outputs(&q.inputs(), &[Some(q), Some(r)], &[None, Some(g)])?;
    /// assert_eq!(d[0].as_ref().unwrap().to_vec::<f32>()?, vec![0.0]); // MLX: zero
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vjp_outputs(
        &self,
        inputs: &[Array],
        outputs: &[Option<Array>],
        cots: &[Option<Array>],
    ) -> Result<Vec<Option<Array>>> {
        match self {
            Primitive::Multi(op) => on_device_of(inputs, || op.vjp(inputs, cots)),
            _ => match (outputs.first(), cots.first()) {
                (Some(Some(out)), Some(Some(g))) => self.vjp(inputs, out, g),
                _ => Ok(vec![None; inputs.len()]),
            },
        }
    }

    /// Tangents of every output of the node (`None`: zero) given its
    /// inputs' tangents: [`Primitive::jvp`] for single-output primitives.
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    pub fn jvp_outputs(
        &self,
        inputs: &[Array],
        outputs: &[Option<Array>],
        t: &[Option<Array>],
    ) -> Result<Vec<Option<Array>>> {
        match self {
            Primitive::Multi(op) => on_device_of(inputs, || op.jvp(inputs, t)),
            _ => match outputs.first() {
                Some(Some(out)) => Ok(vec![self.jvp(inputs, out, t)?]),
                _ => Ok(vec![None]),
            },
        }
    }
}

/// Run a rule with the device of the node's first input as the default
/// device, so the constants it makes live where the node runs.
pub(super) fn on_device_of<R>(inputs: &[Array], rule: impl FnOnce() -> R) -> R {
    match inputs.first() {
        Some(a) => crate::with_default_device(a.device(), rule),
        None => rule(),
    }
}

/// Single-output rules called on a multi-output node (an engine bug).
fn multi_output(rule: &'static str) -> Error {
    Error::internal(rule, "multi-output primitives take every output at once")
}
