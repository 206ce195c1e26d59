//! [`custom_function`] (user derivatives) and [`checkpoint`] (recompute
//! the forward pass during the backward pass).

use crate::primitive::{CustomJvpFn, CustomRule, CustomVjpFn, CustomVmapFn, Primitive};
use crate::{Array, Result};
use std::sync::Arc;

/// A function with a user-given vjp and optional jvp (MLX's
/// `mx.custom_function` with `.vjp`/`.jvp`). `vjp(primals, cotangents,
/// outputs)` returns one cotangent per primal. Without `jvp`, forward mode
/// differentiates `f` itself.
///
/// # Errors
/// The returned closure fails with errors from `f`; a vjp returning the
/// wrong number of cotangents fails with `[custom_function] ...` when the
/// gradient is built.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::{custom_function, grad}, Array};
/// // Clip the gradient of x^2 to 1.
/// let f = custom_function(
///     |x: &[Array]| Ok(vec![x[0].square()?]),
///     |x: &[Array], g: &[Array], _: &[Array]| Ok(vec![(&g[0] * 1.0)?.broadcast_to(x[0].shape())?]),
///     None,
/// );
/// let df = grad(move |x: &[Array]| f(x)?[0].sum((), false), &[0]);
/// let x = Array::from_slice(&[5.0f32], &[1])?;
/// assert_eq!(df(&[x])?[0].to_vec::<f32>()?, vec![1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn custom_function<F, V>(
    f: F,
    vjp: V,
    jvp: Option<CustomJvpFn>,
) -> impl Fn(&[Array]) -> Result<Vec<Array>>
where
    F: Fn(&[Array]) -> Result<Vec<Array>>,
    V: Fn(&[Array], &[Array], &[Array]) -> Result<Vec<Array>> + Send + Sync + 'static,
{
    with_rules(f, Arc::new(vjp), jvp, None)
}

/// [`custom_function`] with a user vmap rule as well (MLX's
/// `custom_function.vmap`): `vmap(primals, axes)` returns every output and
/// its batch axis, and replaces mapping `f`'s own graph.
///
/// # Errors
/// As [`custom_function`]; a vmap rule returning too few outputs fails
/// with `[custom_function] the vmap rule returned ...`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::{custom_function_with_vmap, vmap}, Array};
/// // The rule computes the batched result in one op (here: the same sum).
/// let f = custom_function_with_vmap(
///     |x: &[Array]| Ok(vec![x[0].sum((), false)?]),
///     |x: &[Array], g: &[Array], _: &[Array]| Ok(vec![g[0].broadcast_to(x[0].shape())?]),
///     None,
///     |x: &[Array], axes: &[Option<usize>]| {
///         let ax = axes[0].unwrap_or(0);
///         let kept: Vec<i64> = (0..x[0].ndim() as i64).filter(|&d| d != ax as i64).collect();
///         Ok((vec![x[0].sum(&kept, false)?], vec![Some(0)]))
///     },
/// );
/// let x = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
/// let g = vmap(f, &[Some(0)], &[0]);
/// assert_eq!(g(&[x])?[0].to_vec::<f32>()?, vec![3.0, 7.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn custom_function_with_vmap<F, V, M>(
    f: F,
    vjp: V,
    jvp: Option<CustomJvpFn>,
    vmap: M,
) -> impl Fn(&[Array]) -> Result<Vec<Array>>
where
    F: Fn(&[Array]) -> Result<Vec<Array>>,
    V: Fn(&[Array], &[Array], &[Array]) -> Result<Vec<Array>> + Send + Sync + 'static,
    M: Fn(&[Array], &[Option<usize>]) -> Result<(Vec<Array>, Vec<Option<usize>>)>
        + Send
        + Sync
        + 'static,
{
    with_rules(f, Arc::new(vjp), jvp, Some(Arc::new(vmap)))
}

/// `f` whose outputs become [`Primitive::Custom`] nodes carrying the rules.
fn with_rules<F>(
    f: F,
    vjp: CustomVjpFn,
    jvp: Option<CustomJvpFn>,
    vmap: Option<CustomVmapFn>,
) -> impl Fn(&[Array]) -> Result<Vec<Array>>
where
    F: Fn(&[Array]) -> Result<Vec<Array>>,
{
    move |primals: &[Array]| {
        let outs = f(primals)?;
        outs.iter()
            .enumerate()
            .map(|(index, o)| {
                let rule = CustomRule {
                    index,
                    outputs: outs.clone(),
                    vjp: vjp.clone(),
                    jvp: jvp.clone(),
                    vmap: vmap.clone(),
                };
                let mut inputs = primals.to_vec();
                inputs.push(o.clone());
                Array::from_op(
                    Primitive::Custom(rule),
                    inputs,
                    o.shape().to_vec(),
                    o.dtype(),
                )
            })
            .collect()
    }
}

/// `f` with gradient checkpointing (MLX's `mx.checkpoint`): the backward
/// pass recomputes `f` from its inputs instead of keeping its
/// intermediates, trading compute for memory.
///
/// # Errors
/// The returned closure fails with errors from `f`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::{checkpoint, grad}, Array};
/// let f = checkpoint(|x: &[Array]| Ok(vec![x[0].sin()?]));
/// let df = grad(move |x: &[Array]| f(x)?[0].sum((), false), &[0]);
/// let x = Array::from_slice(&[0.0f32], &[1])?;
/// assert_eq!(df(&[x])?[0].to_vec::<f32>()?, vec![1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn checkpoint<F>(f: F) -> impl Fn(&[Array]) -> Result<Vec<Array>>
where
    F: Fn(&[Array]) -> Result<Vec<Array>> + Send + Sync + 'static,
{
    let f = Arc::new(f);
    let g = f.clone();
    custom_function(
        move |x: &[Array]| f(x),
        move |x: &[Array], cots: &[Array], _: &[Array]| {
            Ok(super::vjp(|y: &[Array]| g(y), x, cots)?.1)
        },
        None,
    )
}
