//! `nn::value_and_grad`: gradients with respect to a model's trainable
//! parameters, as a tree shaped like `trainable_parameters()`.

use crate::Module;
use mlx_core::tree::Tree;
use mlx_core::{Array, Result};
use std::cell::RefCell;

/// Transform `f(model, args)` into a function returning its value and its
/// gradient with respect to the model's trainable parameters (MLX's
/// `nn.value_and_grad(model, fn)`). The model is passed at each call
/// rather than captured, so it can be updated between calls (an optimizer
/// step); during the call the model holds the traced parameters, and its
/// own parameters are put back afterwards.
///
/// # Errors
/// The returned function fails when `f` fails or does not return a scalar
/// (`[value_and_grad] the function must return a scalar array ...`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, Dtype};
/// use mlx_nn::{Linear, Module, UnaryModule};
/// let mut model = Linear::new(2, 1)?;
/// let loss_and_grad = mlx_nn::value_and_grad(|m: &mut Linear, args: &[Array]| {
///     (m.forward(&args[0])? - &args[1])?.square()?.mean((), false)
/// });
/// let x = mlx_core::ops::ones(&[4, 2], Dtype::Float32)?;
/// let y = mlx_core::ops::zeros(&[4, 1], Dtype::Float32)?;
/// let (loss, grads) = loss_and_grad(&mut model, &[x, y])?;
/// assert_eq!(loss.size(), 1);
/// assert_eq!(grads.get("weight").unwrap().shape(), &[1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn value_and_grad<M, F>(f: F) -> impl Fn(&mut M, &[Array]) -> Result<(Array, Tree)>
where
    M: Module + ?Sized,
    F: Fn(&mut M, &[Array]) -> Result<Array>,
{
    move |model: &mut M, args: &[Array]| {
        let params = model.trainable_parameters();
        let leaves = params.leaves();
        let argnums: Vec<usize> = (0..leaves.len()).collect();
        let cell = RefCell::new(&mut *model);
        let result = {
            let inner = |xs: &[Array]| {
                let p = params.with_leaves(xs.to_vec())?;
                let mut m = cell.borrow_mut();
                m.update(&p, true)?;
                f(&mut **m, args)
            };
            mlx_core::value_and_grad(inner, &argnums)(&leaves)
        };
        cell.into_inner().update(&params, true)?;
        let (value, grads) = result?;
        Ok((value, params.with_leaves(grads)?))
    }
}
