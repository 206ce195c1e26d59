//! [`Primitive::vmap`]: each primitive applied to inputs that carry a
//! batch axis. Batched inputs move their batch axis to the front; the
//! primitive is rebuilt with its axes shifted by one.

use super::indexing::wrapped;
use super::Primitive;
use crate::ops::{arange_f64, broadcast_to, moveaxis, reshape, take};
use crate::{Array, Dtype, Error, Result};

/// `x` with its batch axis first, or `None` when it has none.
fn front(x: &Array, ax: Option<usize>) -> Result<Option<Array>> {
    ax.map(|a| moveaxis(x, a as i64, 0)).transpose()
}

/// `x` with a batch axis of size `b` first (broadcast when unbatched).
fn batched(x: &Array, ax: Option<usize>, b: usize) -> Result<Array> {
    match ax {
        Some(a) => moveaxis(x, a as i64, 0),
        None => {
            let mut s = vec![b];
            s.extend_from_slice(x.shape());
            broadcast_to(x, &s)
        }
    }
}

fn with_batch(b: usize, shape: &[usize]) -> Vec<usize> {
    let mut s = vec![b];
    s.extend_from_slice(shape);
    s
}

fn node(p: Primitive, inputs: Vec<Array>, shape: Vec<usize>, dtype: Dtype) -> Result<Array> {
    Array::from_op(p, inputs, shape, dtype)
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
        let Some(b) = b else {
            return Err(Error::internal("vmap", "no batched input"));
        };
        let bshape = with_batch(b, out.shape());
        let dt = out.dtype();
        let x0 = || -> Result<Array> { batched(&inputs[0], axes[0], b) };
        let shifted = |p: Primitive| -> Result<(Array, Option<usize>)> {
            Ok((node(p, vec![x0()?], bshape.clone(), dt)?, Some(0)))
        };
        match self {
            Primitive::Unary(_) | Primitive::AsType | Primitive::Copy => {
                let x = &inputs[0];
                let p = self.clone();
                Ok((node(p, vec![x.clone()], x.shape().to_vec(), dt)?, axes[0]))
            }
            Primitive::Binary(_) | Primitive::Select => {
                let r = out.ndim();
                let ins = inputs
                    .iter()
                    .zip(axes)
                    .map(|(x, a)| match front(x, *a)? {
                        None => Ok(x.clone()),
                        Some(f) => {
                            let mut s = vec![b as i64];
                            s.extend(std::iter::repeat_n(1, r + 1 - f.ndim()));
                            s.extend(f.shape()[1..].iter().map(|&d| d as i64));
                            reshape(&f, &s)
                        }
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((node(self.clone(), ins, bshape, dt)?, Some(0)))
            }
            Primitive::Reduce { op, axes: ax } => shifted(Primitive::Reduce {
                op: *op,
                axes: ax.iter().map(|a| a + 1).collect(),
            }),
            Primitive::ArgReduce { op, axis } => shifted(Primitive::ArgReduce {
                op: *op,
                axis: axis + 1,
            }),
            Primitive::Softmax => shifted(Primitive::Softmax),
            Primitive::Bitcast => shifted(Primitive::Bitcast),
            Primitive::Scan {
                op,
                axis,
                reverse,
                inclusive,
            } => shifted(Primitive::Scan {
                op: *op,
                axis: axis + 1,
                reverse: *reverse,
                inclusive: *inclusive,
            }),
            Primitive::Sort { op, axis } => shifted(Primitive::Sort {
                op: *op,
                axis: axis + 1,
            }),
            Primitive::Matmul | Primitive::GatherAxis { .. } | Primitive::Concatenate { .. } => {
                let ins = inputs
                    .iter()
                    .zip(axes)
                    .map(|(x, a)| batched(x, *a, b))
                    .collect::<Result<Vec<_>>>()?;
                let p = match self {
                    Primitive::GatherAxis { axis } => Primitive::GatherAxis { axis: axis + 1 },
                    Primitive::Concatenate { axis } => Primitive::Concatenate { axis: axis + 1 },
                    other => other.clone(),
                };
                Ok((node(p, ins, bshape, dt)?, Some(0)))
            }
            Primitive::Gather { axis } => gather_vmap(inputs, axes, *axis, b, out),
            Primitive::Scatter { op, axes: ax } => {
                super::scatter::scatter_vmap(*op, ax, inputs, axes, b)
            }
            Primitive::Arange { .. } => Err(Error::internal("vmap", "arange has no inputs")),
            Primitive::RandomBits { width } => {
                super::random::random_bits_vmap(&inputs[0], axes[0], *width, out)
            }
            Primitive::Reshape => shifted(Primitive::Reshape),
            Primitive::Transpose { perm } => {
                let mut p = vec![0];
                p.extend(perm.iter().map(|a| a + 1));
                shifted(Primitive::Transpose { perm: p })
            }
            Primitive::Broadcast => {
                let x = x0()?;
                let mut s = vec![b as i64];
                s.extend(std::iter::repeat_n(1, out.ndim() + 1 - x.ndim()));
                s.extend(x.shape()[1..].iter().map(|&d| d as i64));
                Ok((broadcast_to(&reshape(&x, &s)?, &bshape)?, Some(0)))
            }
            Primitive::Slice { start, step } => {
                let mut st = vec![0];
                st.extend_from_slice(start);
                let mut sp = vec![1];
                sp.extend_from_slice(step);
                shifted(Primitive::Slice {
                    start: st,
                    step: sp,
                })
            }
            Primitive::AsStrided { strides, offset } => {
                // Each batch entry is one row-major block of the input.
                let per = i64::try_from(inputs[0].size() / b.max(1))
                    .map_err(|_| Error::overflow("as_strided", "batch block too large"))?;
                let mut st = vec![per];
                st.extend_from_slice(strides);
                shifted(Primitive::AsStrided {
                    strides: st,
                    offset: *offset,
                })
            }
            Primitive::Fast(op) => op.vmap(inputs, axes),
            Primitive::Multi(_) => Err(Error::internal(
                "vmap",
                "multi-output primitives take every output at once",
            )),
            Primitive::Custom(rule) => {
                let n = inputs.len() - 1;
                if let Some(user) = &rule.vmap {
                    let (outs, out_axes) = user(&inputs[..n], &axes[..n])?;
                    let (Some(y), Some(ax)) = (outs.get(rule.index), out_axes.get(rule.index))
                    else {
                        return Err(Error::invalid(
                            "custom_function",
                            format!(
                                "the vmap rule returned {} outputs and {} axes, expected {}",
                                outs.len(),
                                out_axes.len(),
                                rule.outputs.len()
                            ),
                        ));
                    };
                    return Ok((y.clone(), *ax));
                }
                match axes[n] {
                    Some(a) => Ok((inputs[n].clone(), Some(a))),
                    None => Ok((batched(&inputs[n], None, b)?, Some(0))),
                }
            }
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

/// `take(a, idx, axis)` with a batch axis on `a`, `idx` or both.
fn gather_vmap(
    inputs: &[Array],
    axes: &[Option<usize>],
    axis: usize,
    b: usize,
    out: &Array,
) -> Result<(Array, Option<usize>)> {
    let (a, idx) = (&inputs[0], &inputs[1]);
    match (front(a, axes[0])?, front(idx, axes[1])?) {
        (Some(a), None) => {
            let g = node(
                Primitive::Gather { axis: axis + 1 },
                vec![a, idx.clone()],
                with_batch(b, out.shape()),
                out.dtype(),
            )?;
            Ok((g, Some(0)))
        }
        (None, Some(i)) => Ok((take(a, &i, axis as i64)?, Some(axis))),
        (Some(a), Some(i)) => {
            // Fold the batch into the gathered axis: row (k, j) is k * n + j.
            let n = a.shape()[axis + 1];
            let a2 = moveaxis(&a, axis as i64 + 1, 1)?;
            let mut flat: Vec<i64> = vec![(b * n) as i64];
            flat.extend(a2.shape()[2..].iter().map(|&d| d as i64));
            let a_flat = reshape(&a2, &flat)?;
            let mut off_shape = vec![b as i64];
            off_shape.extend(std::iter::repeat_n(1, i.ndim() - 1));
            let offs = reshape(
                &(arange_f64(0.0, b as f64, 1.0, Dtype::Int64)? * n as i64)?,
                &off_shape,
            )?;
            let i2 = (wrapped(&i, n)?.as_type(Dtype::Int64)? + offs)?;
            let g = take(&a_flat, &i2, 0)?;
            // g is [B, I.., pre.., post..]; reorder to [B, pre.., I.., post..].
            let ni = i.ndim() - 1;
            let mut perm = vec![0i64];
            perm.extend((0..axis).map(|k| (1 + ni + k) as i64));
            perm.extend((0..ni).map(|k| (1 + k) as i64));
            perm.extend((1 + ni + axis..g.ndim()).map(|k| k as i64));
            Ok((g.transpose(&perm)?, Some(0)))
        }
        (None, None) => Err(Error::internal("vmap", "no batched input")),
    }
}
