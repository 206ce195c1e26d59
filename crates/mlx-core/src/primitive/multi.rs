//! [`MultiOp`]: primitives with several outputs (MLX's siblings). One node
//! per output shares the primitive and inputs; evaluating any of them runs
//! the kernel once ([`Backend::multi`](crate::Backend::multi)) or, where no
//! backend kernel exists, the op's composite, and fills every output.
//! Transforms take all outputs at once: `vjp` gets a cotangent for some
//! outputs only, `jvp` and `vmap` produce every output.

use crate::ops::{moveaxis, reshape};
use crate::shape::broadcast_shapes;
use crate::{Array, Dtype, Result};

/// A multi-output primitive and its parameters.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{primitive::{MultiOp, Primitive}, ops, Array};
/// let a = Array::from_slice(&[7i32], &[1])?;
/// let (q, _r) = ops::divmod(&a, &Array::from_slice(&[2i32], &[1])?)?;
/// assert_eq!(q.primitive(), Some(Primitive::Multi(MultiOp::DivMod)));
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum MultiOp {
    /// `(floor_divide(a, b), remainder(a, b))` (MLX's `DivMod`): inputs
    /// `[a, b]` of one (promoted) dtype, broadcast; both outputs have the
    /// broadcast shape and that dtype.
    DivMod,
    /// MLX's affine `quantize` of `w` (`[..., k]`): outputs the packed
    /// codes (`uint32`, `[..., k * bits / 32]`), the scales and the biases
    /// (`w`'s dtype, `[..., k / group_size]`).
    Quantize {
        /// Elements sharing one scale and bias.
        group_size: usize,
        /// Bits per code.
        bits: usize,
    },
    /// One Adam step ([`adam_update`](crate::ops::adam_update)): inputs
    /// `[p, m, v, g, step]` or `[p, m, v, g, step, c2]` (with bias
    /// correction), `p`, `m`, `v`, `g` of one shape and floating dtype,
    /// `step` and `c2` 0-d of that dtype; outputs `(p', m', v')`.
    Adam {
        /// `(b1, b2)`, the moments' decay rates.
        betas: [f64; 2],
        /// Added to the denominator.
        eps: f64,
    },
}

impl MultiOp {
    /// The op name used in errors and kernel names.
    pub fn name(&self) -> &'static str {
        match self {
            MultiOp::DivMod => "divmod",
            MultiOp::Quantize { .. } => "quantize",
            MultiOp::Adam { .. } => "adam_update",
        }
    }

    /// Whether the op is elementwise: its kernels read every input
    /// broadcast to the outputs' (common) shape. Ops that donate buffers
    /// ([`MultiOp::donor_outputs`]) are.
    ///
    /// # Examples
    /// ```
    /// use mlx_core::primitive::MultiOp;
    /// assert!(MultiOp::DivMod.is_elementwise());
    /// assert!(!MultiOp::Quantize { group_size: 64, bits: 4 }.is_elementwise());
    /// ```
    pub fn is_elementwise(&self) -> bool {
        match self {
            MultiOp::DivMod | MultiOp::Adam { .. } => true,
            MultiOp::Quantize { .. } => false,
        }
    }

    /// The `(input, output)` pairs where the input's buffer may hold the
    /// output when it is donatable (MLX's buffer donation): Adam's
    /// parameter and moments are updated in place.
    ///
    /// # Examples
    /// ```
    /// use mlx_core::primitive::MultiOp;
    /// let adam = MultiOp::Adam { betas: [0.9, 0.999], eps: 1e-8 };
    /// assert_eq!(adam.donor_outputs(), &[(0, 0), (1, 1), (2, 2)]);
    /// assert!(MultiOp::DivMod.donor_outputs().is_empty());
    /// ```
    pub fn donor_outputs(&self) -> &'static [(usize, usize)] {
        match self {
            MultiOp::Adam { .. } => &[(0, 0), (1, 1), (2, 2)],
            MultiOp::DivMod | MultiOp::Quantize { .. } => &[],
        }
    }

    /// Shape and dtype of every output for `inputs` (validated by the op).
    pub fn outputs(&self, inputs: &[Array]) -> Vec<(Vec<usize>, Dtype)> {
        match self {
            MultiOp::DivMod => {
                let shape = broadcast_shapes(self.name(), inputs[0].shape(), inputs[1].shape())
                    .unwrap_or_else(|_| inputs[0].shape().to_vec());
                let dt = inputs[0].dtype();
                vec![(shape.clone(), dt), (shape, dt)]
            }
            MultiOp::Quantize { group_size, bits } => {
                let w = &inputs[0];
                let (lead, k) = w.shape().split_at(w.ndim() - 1);
                let mut packed = lead.to_vec();
                packed.push(k[0] * bits / 32);
                let mut groups = lead.to_vec();
                groups.push(k[0] / group_size);
                vec![
                    (packed, Dtype::Uint32),
                    (groups.clone(), w.dtype()),
                    (groups, w.dtype()),
                ]
            }
            MultiOp::Adam { .. } => {
                let p = (inputs[0].shape().to_vec(), inputs[0].dtype());
                vec![p.clone(), p.clone(), p]
            }
        }
    }

    /// The composite of ordinary ops that defines the op: what runs where
    /// no backend kernel does, and what derivatives of `quantize` follow.
    ///
    /// # Errors
    /// Errors of the ops it builds.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::MultiOp, Array};
    /// let a = Array::from_slice(&[-7i32], &[1])?;
    /// let b = Array::from_slice(&[2i32], &[1])?;
    /// let qr = MultiOp::DivMod.fallback(&[a, b])?;
    /// assert_eq!((qr[0].to_vec::<i32>()?, qr[1].to_vec::<i32>()?), (vec![-4], vec![1]));
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn fallback(&self, inputs: &[Array]) -> Result<Vec<Array>> {
        match self {
            MultiOp::DivMod => Ok(vec![
                crate::ops::floor_divide(&inputs[0], &inputs[1])?,
                crate::ops::remainder(&inputs[0], &inputs[1])?,
            ]),
            MultiOp::Quantize { group_size, bits } => {
                let (w, s, b) =
                    crate::ops::quantized::quantize_composite(&inputs[0], *group_size, *bits)?;
                Ok(vec![w, s, b])
            }
            MultiOp::Adam { betas, eps } => {
                crate::ops::optimizer::adam_composite(inputs, *betas, *eps)
            }
        }
    }

    /// Record this op as one node with several outputs on `inputs`
    /// (already validated).
    pub(crate) fn node(&self, inputs: Vec<Array>) -> Result<Vec<Array>> {
        let specs = self.outputs(&inputs);
        Array::from_op_multi(super::Primitive::Multi(self.clone()), inputs, specs)
    }

    /// Cotangents of the inputs given cotangents of some outputs (`None`:
    /// zero). `divmod` is piecewise constant: MLX defines its vjp as zero.
    /// `quantize` differentiates its composite.
    pub(crate) fn vjp(
        &self,
        inputs: &[Array],
        cots: &[Option<Array>],
    ) -> Result<Vec<Option<Array>>> {
        match self {
            MultiOp::DivMod => inputs
                .iter()
                .map(|x| crate::ops::zeros_like(x).map(Some))
                .collect(),
            MultiOp::Quantize { .. } | MultiOp::Adam { .. } => {
                let keep: Vec<usize> = (0..cots.len()).filter(|&i| cots[i].is_some()).collect();
                let given: Vec<Array> = cots.iter().flatten().cloned().collect();
                let f = |xs: &[Array]| {
                    let outs = self.fallback(xs)?;
                    Ok(keep.iter().map(|&i| outs[i].clone()).collect())
                };
                let (_, grads) = crate::transforms::vjp(f, inputs, &given)?;
                Ok(grads.into_iter().map(Some).collect())
            }
        }
    }

    /// Tangents of every output (`None`: zero) given the inputs' tangents.
    pub(crate) fn jvp(&self, inputs: &[Array], t: &[Option<Array>]) -> Result<Vec<Option<Array>>> {
        match self {
            // MLX: zero tangents (the outputs are piecewise constant).
            MultiOp::DivMod => Ok(vec![None, None]),
            MultiOp::Quantize { .. } | MultiOp::Adam { .. } => {
                let tangents = inputs
                    .iter()
                    .zip(t)
                    .map(|(x, t)| match t {
                        Some(t) => Ok(t.clone()),
                        None => crate::ops::zeros_like(x),
                    })
                    .collect::<Result<Vec<_>>>()?;
                let f = |xs: &[Array]| self.fallback(xs);
                let (outs, tans) = crate::transforms::jvp(f, inputs, &tangents)?;
                Ok(outs
                    .iter()
                    .zip(tans)
                    .map(|(o, t)| o.dtype().is_inexact().then_some(t))
                    .collect())
            }
        }
    }

    /// Every output over a batch axis (`axes[i]`: the batch axis of input
    /// `i`, `None` when unbatched), with the batch axis of each output.
    pub(crate) fn vmap(
        &self,
        inputs: &[Array],
        axes: &[Option<usize>],
    ) -> Result<(Vec<Array>, Vec<Option<usize>>)> {
        if let MultiOp::Adam { .. } = self {
            // Elementwise: vmap the ops, every output batched at axis 0.
            let in_axes: Vec<Option<i64>> = axes.iter().map(|a| a.map(|a| a as i64)).collect();
            let f = |xs: &[Array]| self.fallback(xs);
            let outs = crate::transforms::vmap(f, &in_axes, &[0, 0, 0])(inputs)?;
            return Ok((outs, vec![Some(0); 3]));
        }
        let b = inputs
            .iter()
            .zip(axes)
            .find_map(|(x, a)| a.map(|a| x.shape()[a]))
            .ok_or_else(|| crate::Error::internal("vmap", "no batched input"))?;
        let ins = match self {
            MultiOp::DivMod => {
                // Batch first, then as many unit axes as broadcasting needs.
                let r = inputs
                    .iter()
                    .zip(axes)
                    .map(|(x, a)| x.ndim() - usize::from(a.is_some()))
                    .max()
                    .unwrap_or(0);
                inputs
                    .iter()
                    .zip(axes)
                    .map(|(x, a)| match a {
                        None => Ok(x.clone()),
                        Some(a) => {
                            let f = moveaxis(x, *a as i64, 0)?;
                            let mut s = vec![b as i64];
                            s.extend(std::iter::repeat_n(1, r + 1 - f.ndim()));
                            s.extend(f.shape()[1..].iter().map(|&d| d as i64));
                            reshape(&f, &s)
                        }
                    })
                    .collect::<Result<Vec<_>>>()?
            }
            MultiOp::Quantize { .. } => {
                vec![moveaxis(&inputs[0], axes[0].unwrap_or(0) as i64, 0)?]
            }
            MultiOp::Adam { .. } => {
                return Err(crate::Error::internal("vmap", "adam_update handled above"))
            }
        };
        let outs = self.node(ins)?;
        let n = outs.len();
        Ok((outs, vec![Some(0); n]))
    }
}
