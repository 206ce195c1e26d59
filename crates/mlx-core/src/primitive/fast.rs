//! [`FastOp`]: fused kernels (MLX's `fast` primitives). Each op is defined
//! by a composite of ordinary ops (its fallback); a backend may run it as
//! one kernel through [`Backend::fast`](crate::Backend::fast), and where
//! none does, evaluation runs the composite. Derivatives and `vmap` default
//! to the composite's; an op may give its own.
//!
//! Adding a fused op touches this file (the variant, its name, shape,
//! dtype and fallback), the op that records it, and optionally one arm in
//! each backend's `fast` kernel: no new `Backend` method.

use super::{BinaryOp, ConvParams};
use crate::{Array, Dtype, Result};

/// A fused op and its parameters.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::primitive::FastOp;
/// let op = FastOp::Hadamard { scale: 1.0 };
/// assert_eq!(op.name(), "hadamard_transform");
/// let x = mlx_core::Array::from_slice(&[1.0f32, 0.0], &[2])?;
/// assert_eq!(op.fallback(&[x])?.to_vec::<f32>()?, vec![1.0, 1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum FastOp {
    /// Walsh-Hadamard transform over the last axis times `scale` (MLX's
    /// `hadamard_transform`). Input: one floating-point array whose last
    /// axis is `m * 2^k`, `m` in 1, 12, 20, 28 (checked by the op).
    Hadamard {
        /// Factor applied to the result.
        scale: f32,
    },
    /// Convolution (MLX's `conv_general`): inputs `[N, S.., C_in]` and
    /// `[C_out, K.., C_in / groups]` of one floating dtype, output
    /// `[N, O.., C_out]`. Its derivatives are convolutions again.
    Conv(ConvParams),
    /// The weight cotangent of [`FastOp::Conv`]: inputs `x` `[N, S..,
    /// C_in]` and the output cotangent `g` `[N, O.., C_out]` (one dtype),
    /// output `weight_shape` `[C_out, K.., C_in / groups]`. Its fallback
    /// is a convolution of the transposed operands; a kernel can instead
    /// multiply the windows of `x` by `g` directly.
    ConvWeightGrad {
        /// The forward convolution's parameters.
        params: ConvParams,
        /// The weight's shape.
        weight_shape: Vec<usize>,
    },
    /// A cotangent through a comparison mask, `g * cmp(a, b)` with the
    /// mask in `g`'s dtype: the derivative of `maximum` and `minimum`
    /// (`relu`'s backward) in one pass instead of three (compare, cast,
    /// multiply). Inputs `[g, a, b]` of one floating dtype and `g`'s shape
    /// (`a` and `b` broadcast to it). A masked-out infinite or NaN `g`
    /// gives NaN (`g * 0`), as the composite and MLX do.
    MaskGrad {
        /// `Greater`, `GreaterEqual`, `Less` or `LessEqual`.
        cmp: BinaryOp,
    },
}

impl FastOp {
    /// The op name used in errors and kernel names.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_core::primitive::FastOp::Hadamard { scale: 1.0 }.name(), "hadamard_transform");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            FastOp::Hadamard { .. } => "hadamard_transform",
            FastOp::Conv(_) => "conv",
            FastOp::ConvWeightGrad { .. } => "conv_weight_grad",
            FastOp::MaskGrad { .. } => "mask_grad",
        }
    }

    /// Output shape and dtype for `inputs` (validated by the op).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::FastOp, Array, Dtype};
    /// let x = Array::from_slice(&[1.0f32, 0.0], &[2])?;
    /// assert_eq!(FastOp::Hadamard { scale: 1.0 }.output(&[x]), (vec![2], Dtype::Float32));
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn output(&self, inputs: &[Array]) -> (Vec<usize>, Dtype) {
        match self {
            FastOp::Hadamard { .. } | FastOp::MaskGrad { .. } => {
                (inputs[0].shape().to_vec(), inputs[0].dtype())
            }
            FastOp::Conv(p) => (
                p.out_shape(inputs[0].shape(), inputs[1].shape()),
                inputs[0].dtype(),
            ),
            FastOp::ConvWeightGrad { weight_shape, .. } => {
                (weight_shape.clone(), inputs[0].dtype())
            }
        }
    }

    /// The composite of ordinary ops that defines the op: what runs where
    /// no backend kernel does, and what derivatives default to.
    ///
    /// # Errors
    /// Errors of the ops it builds.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::FastOp, Array};
    /// let x = Array::from_slice(&[1.0f32, 2.0], &[2])?;
    /// let y = FastOp::Hadamard { scale: 1.0 }.fallback(&[x])?;
    /// assert_eq!(y.to_vec::<f32>()?, vec![3.0, -1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn fallback(&self, inputs: &[Array]) -> Result<Array> {
        match self {
            FastOp::Hadamard { scale } => {
                crate::ops::products::hadamard_composite(&inputs[0], *scale)
            }
            FastOp::Conv(p) => crate::ops::conv_composite(&inputs[0], &inputs[1], p),
            FastOp::ConvWeightGrad {
                params,
                weight_shape,
            } => params.weight_grad(&inputs[0], weight_shape, &inputs[1]),
            FastOp::MaskGrad { cmp } => {
                mask_grad_composite(*cmp, &inputs[0], &inputs[1], &inputs[2])
            }
        }
    }

    /// How a Hadamard transform of length `n` splits: `(m, k, H_m)` with
    /// `n = m * 2^k`, `m` one of 1, 12, 20, 28, and `H_m` row-major
    /// (`None` for `m = 1`); `None` for other lengths. For kernels.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let (m, k, h) = mlx_core::primitive::FastOp::hadamard_plan(48).unwrap();
    /// assert_eq!((m, k, h.map(|h| h.len())), (12, 2, Some(144)));
    /// ```
    pub fn hadamard_plan(n: usize) -> Option<(usize, usize, Option<Vec<f32>>)> {
        let (m, k) = crate::ops::products::hadamard_split(n)?;
        Some((m, k, crate::ops::hadamard_factors::factor(m)))
    }

    /// Record this op as one node on `inputs` (already validated).
    pub(crate) fn node(&self, inputs: Vec<Array>) -> Result<Array> {
        let (shape, dtype) = self.output(&inputs);
        Array::from_op(super::Primitive::Fast(self.clone()), inputs, shape, dtype)
    }

    /// Cotangents of the inputs: the op's own rule where it has one, else
    /// the composite's.
    pub(crate) fn vjp(&self, inputs: &[Array], g: &Array) -> Result<Vec<Option<Array>>> {
        if let FastOp::Conv(p) = self {
            return p.vjp(&inputs[0], &inputs[1], g);
        }
        let f = |xs: &[Array]| Ok(vec![self.fallback(xs)?]);
        let (_, grads) = crate::transforms::vjp(f, inputs, std::slice::from_ref(g))?;
        Ok(grads.into_iter().map(Some).collect())
    }

    /// Tangent of the output. Linear ops apply themselves to the tangent;
    /// others use the composite's jvp.
    pub(crate) fn jvp(&self, inputs: &[Array], t: &[Option<Array>]) -> Result<Option<Array>> {
        if t.iter().all(Option::is_none) {
            return Ok(None);
        }
        match self {
            FastOp::Hadamard { .. } => match &t[0] {
                Some(t) => self.node(vec![t.clone()]).map(Some),
                None => Ok(None),
            },
            FastOp::Conv(p) => p.jvp(&inputs[0], &inputs[1], t),
            // Linear in `g`; the mask's derivative is zero.
            FastOp::MaskGrad { cmp } => t[0]
                .as_ref()
                .map(|tg| mask_grad(*cmp, tg, &inputs[1], &inputs[2]))
                .transpose(),
            // Bilinear in (x, g): the sum of the op on each tangent.
            FastOp::ConvWeightGrad { .. } => {
                let on = |k: usize| -> Result<Option<Array>> {
                    let Some(tk) = &t[k] else { return Ok(None) };
                    let mut xs = inputs.to_vec();
                    xs[k] = tk.as_type(inputs[k].dtype())?;
                    self.node(xs).map(Some)
                };
                match (on(0)?, on(1)?) {
                    (Some(a), Some(b)) => Ok(Some((&a + &b)?)),
                    (a, b) => Ok(a.or(b)),
                }
            }
        }
    }

    /// The op over a batch axis: ops on trailing axes move the batch axis
    /// to the front and run once on the whole batch; others vmap their
    /// composite.
    pub(crate) fn vmap(
        &self,
        inputs: &[Array],
        axes: &[Option<usize>],
    ) -> Result<(Array, Option<usize>)> {
        match self {
            FastOp::Hadamard { .. } => match axes[0] {
                Some(a) => {
                    let x = crate::ops::moveaxis(&inputs[0], a as i64, 0)?;
                    Ok((self.node(vec![x])?, Some(0)))
                }
                None => Ok((self.node(vec![inputs[0].clone()])?, None)),
            },
            FastOp::Conv(_) | FastOp::ConvWeightGrad { .. } | FastOp::MaskGrad { .. } => {
                if axes.iter().all(Option::is_none) {
                    return Ok((self.node(inputs.to_vec())?, None));
                }
                let in_axes: Vec<Option<i64>> = axes.iter().map(|a| a.map(|a| a as i64)).collect();
                let f = |xs: &[Array]| Ok(vec![self.fallback(xs)?]);
                let mut ys = crate::transforms::vmap(f, &in_axes, &[0])(inputs)?;
                Ok((ys.remove(0), Some(0)))
            }
        }
    }
}

/// `g * cmp(a, b)`, the mask cast to `a`'s dtype: the cotangent of the
/// input that `maximum`/`minimum` passes through where `cmp` holds. One
/// [`FastOp::MaskGrad`] node when `g`, `a` and `b` share a floating dtype
/// and `g` has their broadcast shape; else the composite of ordinary ops.
///
/// # Errors
/// Errors of the ops it builds (shapes that do not broadcast).
pub(crate) fn mask_grad(cmp: BinaryOp, g: &Array, a: &Array, b: &Array) -> Result<Array> {
    let dt = g.dtype();
    let fused = matches!(
        dt,
        Dtype::Float16 | Dtype::Bfloat16 | Dtype::Float32 | Dtype::Float64
    ) && a.dtype() == dt
        && b.dtype() == dt
        && crate::shape::broadcast_shapes("mask_grad", a.shape(), b.shape())
            .is_ok_and(|s| s == g.shape());
    if !fused {
        return mask_grad_composite(cmp, g, a, b);
    }
    let to = |x: &Array| crate::ops::broadcast_to(x, g.shape());
    FastOp::MaskGrad { cmp }.node(vec![g.clone(), to(a)?, to(b)?])
}

/// The composite that defines [`FastOp::MaskGrad`]: compare, cast to
/// `a`'s dtype, multiply (promoting with `g`).
fn mask_grad_composite(cmp: BinaryOp, g: &Array, a: &Array, b: &Array) -> Result<Array> {
    use crate::ops::{greater, greater_equal, less, less_equal};
    let mask = match cmp {
        BinaryOp::Greater => greater(a, b)?,
        BinaryOp::GreaterEqual => greater_equal(a, b)?,
        BinaryOp::Less => less(a, b)?,
        BinaryOp::LessEqual => less_equal(a, b)?,
        other => {
            return Err(crate::Error::internal(
                "mask_grad",
                format!("{} is not a comparison", other.name()),
            ))
        }
    };
    g * mask.as_type(a.dtype())?
}
