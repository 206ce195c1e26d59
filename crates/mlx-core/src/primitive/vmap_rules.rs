//! [`Primitive::vmap`]: one exhaustive match that sends each primitive to
//! its family's vmap rule, and [`Batch`], the batched call those rules
//! share. Batched inputs move their batch axis to the front; the primitive
//! is rebuilt with its axes shifted by one.

use super::Primitive;
use crate::ops::{broadcast_to, moveaxis};
use crate::{Array, Error, Result};

/// A batched output and its batch axis (`None`: unbatched).
pub(super) type Mapped = Result<(Array, Option<usize>)>;

/// One node under `vmap`: its inputs with their batch axes, the batch
/// size, and the unbatched output it replaces.
pub(super) struct Batch<'a> {
    /// The node's inputs, batched or not.
    pub(super) inputs: &'a [Array],
    /// Each input's batch axis (`None`: unbatched).
    pub(super) axes: &'a [Option<usize>],
    /// The batch size.
    pub(super) size: usize,
    /// The unbatched node's output.
    pub(super) out: &'a Array,
}

impl Batch<'_> {
    /// Input `i` with its batch axis first, or `None` when it has none.
    pub(super) fn front(&self, i: usize) -> Result<Option<Array>> {
        let x = &self.inputs[i];
        self.axes[i].map(|a| moveaxis(x, a as i64, 0)).transpose()
    }

    /// Input `i` with a batch axis first (broadcast when unbatched).
    pub(super) fn batched(&self, i: usize) -> Result<Array> {
        match self.front(i)? {
            Some(x) => Ok(x),
            None => broadcast_to(&self.inputs[i], &self.with_batch(self.inputs[i].shape())),
        }
    }

    /// `shape` with the batch size in front.
    pub(super) fn with_batch(&self, shape: &[usize]) -> Vec<usize> {
        let mut s = vec![self.size];
        s.extend_from_slice(shape);
        s
    }

    /// A node `p` of `inputs` with the output's shape batched at axis 0.
    pub(super) fn node(&self, p: Primitive, inputs: Vec<Array>) -> Mapped {
        let shape = self.with_batch(self.out.shape());
        Ok((Array::from_op(p, inputs, shape, self.out.dtype())?, Some(0)))
    }

    /// `p` (the node's primitive with its axes shifted by one) of the
    /// first input batched at axis 0.
    pub(super) fn shifted(&self, p: Primitive) -> Mapped {
        self.node(p, vec![self.batched(0)?])
    }

    /// `p` of every input batched at axis 0.
    pub(super) fn all_batched(&self, p: Primitive) -> Mapped {
        let ins = (0..self.inputs.len())
            .map(|i| self.batched(i))
            .collect::<Result<Vec<_>>>()?;
        self.node(p, ins)
    }

    /// An elementwise `p` of the first input as it is: the batch axis
    /// stays where it was.
    pub(super) fn elementwise(&self, p: Primitive) -> Mapped {
        let x = &self.inputs[0];
        let y = Array::from_op(p, vec![x.clone()], x.shape().to_vec(), self.out.dtype())?;
        Ok((y, self.axes[0]))
    }
}

/// Axes shifted past a new leading batch axis.
fn shift(axes: &[usize]) -> Vec<usize> {
    axes.iter().map(|a| a + 1).collect()
}

impl Primitive {
    /// Apply this primitive to `inputs` whose batch axes are `axes`
    /// (`None`: unbatched), given the unbatched node `out`. Returns the
    /// batched output and its batch axis (MLX's `Primitive::vmap`).
    ///
    /// # Errors
    /// Errors of the ops that build the rule, or `[vmap] inputs have
    /// different batch sizes`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::{Primitive, UnaryOp}, Array};
    /// let xs = Array::from_slice(&[0.0f32, 0.0], &[2, 1])?;
    /// let one = Array::from_slice(&[0.0f32], &[1])?;
    /// let (y, ax) = Primitive::Unary(UnaryOp::Exp).vmap(&[xs], &[Some(0)], &one.exp()?)?;
    /// assert_eq!((y.to_vec::<f32>()?, ax), (vec![1.0, 1.0], Some(0)));
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vmap(
        &self,
        inputs: &[Array],
        axes: &[Option<usize>],
        out: &Array,
    ) -> Result<(Array, Option<usize>)> {
        crate::with_default_device(out.device(), || self.vmap_rule(inputs, axes, out))
    }

    /// [`Primitive::vmap`] on the default device.
    fn vmap_rule(
        &self,
        inputs: &[Array],
        axes: &[Option<usize>],
        out: &Array,
    ) -> Result<(Array, Option<usize>)> {
        let mut b = None;
        for (x, a) in inputs.iter().zip(axes) {
            if let Some(a) = a {
                let n = x.shape()[*a];
                if b.is_some_and(|m| m != n) {
                    return Err(Error::invalid("vmap", "inputs have different batch sizes"));
                }
                b = Some(n);
            }
        }
        let Some(size) = b else {
            return Err(Error::internal("vmap", "no batched input"));
        };
        let v = Batch {
            inputs,
            axes,
            size,
            out,
        };
        match self {
            Primitive::Unary(_) | Primitive::AsType | Primitive::Copy => {
                v.elementwise(self.clone())
            }
            Primitive::Binary(_) | Primitive::Select => super::binary::broadcast_vmap(self, &v),
            Primitive::Reduce { op, axes } => v.shifted(Primitive::Reduce {
                op: *op,
                axes: shift(axes),
            }),
            Primitive::ArgReduce { op, axis } => v.shifted(Primitive::ArgReduce {
                op: *op,
                axis: axis + 1,
            }),
            Primitive::Softmax => v.shifted(Primitive::Softmax),
            Primitive::Scan {
                op,
                axis,
                reverse,
                inclusive,
            } => v.shifted(Primitive::Scan {
                op: *op,
                axis: axis + 1,
                reverse: *reverse,
                inclusive: *inclusive,
            }),
            Primitive::Sort { op, axis } => v.shifted(Primitive::Sort {
                op: *op,
                axis: axis + 1,
            }),
            Primitive::Matmul => v.all_batched(Primitive::Matmul),
            Primitive::Gather { axis } => super::indexing::gather_vmap(*axis, &v),
            Primitive::GatherAxis { axis } => {
                v.all_batched(Primitive::GatherAxis { axis: axis + 1 })
            }
            Primitive::Scatter { op, axes: ax } => {
                super::scatter::scatter_vmap(*op, ax, inputs, axes, size)
            }
            Primitive::Concatenate { axis } => {
                v.all_batched(Primitive::Concatenate { axis: axis + 1 })
            }
            Primitive::Arange { .. } => Err(Error::internal("vmap", "arange has no inputs")),
            Primitive::RandomBits { width } => {
                super::random::random_bits_vmap(&inputs[0], axes[0], *width, out)
            }
            Primitive::Bitcast
            | Primitive::Reshape
            | Primitive::Transpose { .. }
            | Primitive::Broadcast
            | Primitive::Slice { .. }
            | Primitive::AsStrided { .. } => super::shape::view_vmap(self, &v),
            Primitive::Fast(op) => op.vmap(inputs, axes),
            Primitive::Multi(_) => Err(Error::internal(
                "vmap",
                "multi-output primitives take every output at once",
            )),
            Primitive::Custom(rule) => rule.vmap(&v),
        }
    }
}

impl Primitive {
    /// Every output of the node over a batch axis, with each output's
    /// batch axis: [`Primitive::vmap`] for single-output primitives.
    ///
    /// # Errors
    /// As [`Primitive::vmap`].
    pub fn vmap_outputs(
        &self,
        inputs: &[Array],
        axes: &[Option<usize>],
        outputs: &[Option<Array>],
    ) -> Result<(Vec<Array>, Vec<Option<usize>>)> {
        match self {
            Primitive::Multi(op) => {
                super::transform_rules::on_device_of(inputs, || op.vmap(inputs, axes))
            }
            _ => {
                let out = outputs
                    .first()
                    .and_then(|o| o.as_ref())
                    .ok_or_else(|| Error::internal("vmap", "output dropped"))?;
                let (y, ax) = self.vmap(inputs, axes, out)?;
                Ok((vec![y], vec![ax]))
            }
        }
    }
}
