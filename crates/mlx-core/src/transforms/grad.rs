//! [`grad`] and [`value_and_grad`]: reverse mode for scalar functions.

use super::graph::tracer;
use super::vjp::backward;
use crate::shape::format_shape;
use crate::tree::Tree;
use crate::{Array, Error, Result};

/// Run `f` with tracers at `argnums`; return its outputs and the
/// gradients of output 0 (which must be a scalar) for those arguments.
fn trace_grad(
    name: &'static str,
    f: &dyn Fn(&[Array]) -> Result<Vec<Array>>,
    args: &[Array],
    argnums: &[usize],
) -> Result<(Vec<Array>, Vec<Array>)> {
    if let Some(&bad) = argnums.iter().find(|&&i| i >= args.len()) {
        return Err(Error::invalid(
            name,
            format!(
                "argnums {bad} is out of range for a function called with {} arguments",
                args.len()
            ),
        ));
    }
    let mut inputs = args.to_vec();
    let tracers: Vec<Array> = argnums
        .iter()
        .map(|&i| {
            let t = tracer(&args[i])?;
            inputs[i] = t.clone();
            Ok(t)
        })
        .collect::<Result<_>>()?;
    let outs = f(&inputs)?;
    let loss = outs
        .first()
        .ok_or_else(|| Error::invalid(name, "the function returned no outputs"))?;
    if loss.size() != 1 {
        return Err(Error::invalid(
            name,
            format!(
                "the function must return a scalar array but returned an array of shape {}",
                format_shape(loss.shape())
            ),
        ));
    }
    let cot = crate::ops::ones_like(loss)?;
    let grads = backward(std::slice::from_ref(loss), &[cot], &tracers)?;
    Ok((outs, grads))
}

/// The function computing `f`'s value and its gradient with respect to the
/// arguments at `argnums` (MLX's `mx.value_and_grad`). `f` must return a
/// scalar (one element). Other arguments and captured arrays are constants.
///
/// # Errors
/// The returned closure fails with `[value_and_grad] the function must
/// return a scalar array but returned an array of shape (2,)`, a bad
/// `argnums`, or errors from `f`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::value_and_grad, Array};
/// let f = value_and_grad(|x: &[Array]| (&x[0] * &x[1])?.sum((), false), &[0, 1]);
/// let a = Array::from_slice(&[2.0f32], &[1])?;
/// let b = Array::from_slice(&[5.0f32], &[1])?;
/// let (v, g) = f(&[a, b])?;
/// assert_eq!(v.item::<f32>()?, 10.0);
/// assert_eq!((g[0].item::<f32>()?, g[1].item::<f32>()?), (5.0, 2.0));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn value_and_grad<F>(
    f: F,
    argnums: &[usize],
) -> impl Fn(&[Array]) -> Result<(Array, Vec<Array>)>
where
    F: Fn(&[Array]) -> Result<Array>,
{
    let argnums = argnums.to_vec();
    move |args: &[Array]| {
        let g = |x: &[Array]| Ok(vec![f(x)?]);
        let (mut outs, grads) = trace_grad("value_and_grad", &g, args, &argnums)?;
        Ok((outs.swap_remove(0), grads))
    }
}

/// The gradient of scalar `f` with respect to the arguments at `argnums`
/// (MLX's `mx.grad`).
///
/// # Errors
/// The returned closure fails with `[grad] the function must return a
/// scalar array but returned an array of shape (2,)`, a bad `argnums`, or
/// errors from `f`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::grad, Array};
/// let df = grad(|x: &[Array]| x[0].sin(), &[0]);
/// let x = Array::from_slice(&[0.0f32], &[])?;
/// assert_eq!(df(&[x])?[0].item::<f32>()?, 1.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn grad<F>(f: F, argnums: &[usize]) -> impl Fn(&[Array]) -> Result<Vec<Array>>
where
    F: Fn(&[Array]) -> Result<Array>,
{
    let argnums = argnums.to_vec();
    move |args: &[Array]| {
        let g = |x: &[Array]| Ok(vec![f(x)?]);
        Ok(trace_grad("grad", &g, args, &argnums)?.1)
    }
}

/// [`value_and_grad`] for a function returning `(loss, aux)`: `aux`
/// arrays are returned alongside and not differentiated (MLX's
/// `has_aux`-style tuple outputs).
///
/// # Errors
/// As [`value_and_grad`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::value_and_grad_with_aux, Array};
/// let f = value_and_grad_with_aux(
///     |x: &[Array]| Ok((x[0].square()?.sum((), false)?, vec![x[0].exp()?])),
///     &[0],
/// );
/// let ((loss, aux), g) = f(&[Array::from_slice(&[0.0f32], &[1])?])?;
/// assert_eq!((loss.item::<f32>()?, aux[0].item::<f32>()?, g[0].item::<f32>()?), (0.0, 1.0, 0.0));
/// Ok::<(), mlx_core::Error>(())
/// ```
#[allow(clippy::type_complexity)]
pub fn value_and_grad_with_aux<F>(
    f: F,
    argnums: &[usize],
) -> impl Fn(&[Array]) -> Result<((Array, Vec<Array>), Vec<Array>)>
where
    F: Fn(&[Array]) -> Result<(Array, Vec<Array>)>,
{
    let argnums = argnums.to_vec();
    move |args: &[Array]| {
        let g = |x: &[Array]| {
            let (loss, mut aux) = f(x)?;
            aux.insert(0, loss);
            Ok(aux)
        };
        let (mut outs, grads) = trace_grad("value_and_grad", &g, args, &argnums)?;
        let loss = outs.remove(0);
        Ok(((loss, outs), grads))
    }
}

/// [`value_and_grad`] over every leaf of a parameter tree: the gradient
/// comes back as a tree of the same structure (the common
/// `nn.value_and_grad(model, loss)` pattern).
///
/// # Errors
/// As [`value_and_grad`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{transforms::value_and_grad_tree, tree::Tree, Array};
/// let f = value_and_grad_tree(|p: &Tree| (p.get("w").unwrap() * 3.0)?.sum((), false));
/// let params = Tree::map([("w", Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?))]);
/// let (_, g) = f(&params)?;
/// assert_eq!(g.get("w").unwrap().to_vec::<f32>()?, vec![3.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn value_and_grad_tree<F>(f: F) -> impl Fn(&Tree) -> Result<(Array, Tree)>
where
    F: Fn(&Tree) -> Result<Array>,
{
    move |params: &Tree| {
        let leaves = params.leaves();
        let argnums: Vec<usize> = (0..leaves.len()).collect();
        let g = |x: &[Array]| Ok(vec![f(&params.with_leaves(x.to_vec())?)?]);
        let (mut outs, grads) = trace_grad("value_and_grad", &g, &leaves, &argnums)?;
        Ok((outs.swap_remove(0), params.with_leaves(grads)?))
    }
}
