//! Closed forms: d/dx sin = cos, d²/dx² sin = -sin, grad logsumexp =
//! softmax, Hessian-vector products, aux outputs and errors.

use crate::fd::Rng;
use mlx::transforms::{grad, jvp, value_and_grad, value_and_grad_with_aux, vjp};
use mlx::{ops, Array, Result};

fn assert_close(got: &Array, want: &Array, tol: f64) {
    assert_eq!(got.shape(), want.shape());
    let g = got.to_vec::<f64>().unwrap();
    let w = want.to_vec::<f64>().unwrap();
    for (a, b) in g.iter().zip(&w) {
        assert!(
            (a - b).abs() <= tol * (1.0 + b.abs()),
            "got {g:?}, want {w:?}"
        );
    }
}

#[test]
fn grad_sin_is_cos() {
    let x = Rng(1).uniform(&[5], -3.0, 3.0);
    let df = grad(|x: &[Array]| x[0].sin()?.sum((), false), &[0]);
    assert_close(
        &df(std::slice::from_ref(&x)).unwrap()[0],
        &x.cos().unwrap(),
        1e-12,
    );
}

#[test]
fn grad_of_grad_sin_is_minus_sin() {
    let x = Rng(2).uniform(&[4], -3.0, 3.0);
    let df = grad(|x: &[Array]| x[0].sin()?.sum((), false), &[0]);
    let d2f = grad(move |x: &[Array]| df(x)?[0].sum((), false), &[0]);
    let want = (-x.sin().unwrap()).unwrap();
    assert_close(&d2f(std::slice::from_ref(&x)).unwrap()[0], &want, 1e-12);
}

#[test]
fn third_derivative_of_exp_is_exp() {
    let x = Array::from_slice(&[0.3f64], &[]).unwrap();
    let d1 = grad(|x: &[Array]| x[0].exp(), &[0]);
    let d2 = grad(move |x: &[Array]| Ok(d1(x)?.remove(0)), &[0]);
    let d3 = grad(move |x: &[Array]| Ok(d2(x)?.remove(0)), &[0]);
    assert_close(
        &d3(std::slice::from_ref(&x)).unwrap()[0],
        &x.exp().unwrap(),
        1e-12,
    );
}

#[test]
fn grad_logsumexp_is_softmax() {
    let x = Rng(3).uniform(&[2, 5], -2.0, 2.0);
    let df = grad(
        |x: &[Array]| ops::logsumexp(&x[0], &[1], false)?.sum((), false),
        &[0],
    );
    let want = ops::softmax(&x, &[1], false).unwrap();
    assert_close(&df(&[x]).unwrap()[0], &want, 1e-12);
}

/// f(x) = x^T A x; its Hessian is A + A^T, so H v = (A + A^T) v.
fn quadratic_setup() -> (Array, Array, Array, Array) {
    let mut rng = Rng(4);
    let a = rng.uniform(&[4, 4], -1.0, 1.0);
    let x = rng.uniform(&[4], -1.0, 1.0);
    let v = rng.uniform(&[4], -1.0, 1.0);
    let want = ops::matmul(&(&a + &a.t().unwrap()).unwrap(), &v).unwrap();
    (a, x, v, want)
}

#[test]
fn hessian_vector_product_jvp_of_grad() {
    let (a, x, v, want) = quadratic_setup();
    let f = move |x: &[Array]| ops::matmul(&x[0], &ops::matmul(&a, &x[0])?);
    let df = grad(f, &[0]);
    let (_, hv) = jvp(|x: &[Array]| df(x), &[x], &[v]).unwrap();
    assert_close(&hv[0], &want, 1e-12);
}

#[test]
fn hessian_vector_product_jvp_of_vjp() {
    let (a, x, v, want) = quadratic_setup();
    let f = move |x: &[Array]| -> Result<Vec<Array>> {
        Ok(vec![ops::matmul(&x[0], &ops::matmul(&a, &x[0])?)?])
    };
    let one = Array::from_slice(&[1.0f64], &[]).unwrap();
    let g = |x: &[Array]| Ok(vjp(&f, x, std::slice::from_ref(&one))?.1);
    let (_, hv) = jvp(g, &[x], &[v]).unwrap();
    assert_close(&hv[0], &want, 1e-12);
}

#[test]
fn hessian_vector_product_grad_of_grad_dot() {
    let (a, x, v, want) = quadratic_setup();
    let f = move |x: &[Array]| ops::matmul(&x[0], &ops::matmul(&a, &x[0])?);
    let df = grad(f, &[0]);
    let vv = v.clone();
    let hvp = grad(move |x: &[Array]| (&df(x)?[0] * &vv)?.sum((), false), &[0]);
    assert_close(&hvp(&[x]).unwrap()[0], &want, 1e-12);
}

#[test]
fn value_and_grad_several_argnums_and_constants() {
    let c = Array::from_slice(&[10.0f64], &[1]).unwrap();
    let f = value_and_grad(
        move |x: &[Array]| ((&x[0] * &x[1])? * &c)?.sum((), false),
        &[1],
    );
    let a = Array::from_slice(&[2.0f64], &[1]).unwrap();
    let b = Array::from_slice(&[3.0f64], &[1]).unwrap();
    let (v, g) = f(&[a, b]).unwrap();
    assert_eq!(v.item::<f64>().unwrap(), 60.0);
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].to_vec::<f64>().unwrap(), vec![20.0]);
}

#[test]
fn value_and_grad_with_aux_returns_aux() {
    let f = value_and_grad_with_aux(
        |x: &[Array]| Ok((x[0].square()?.sum((), false)?, vec![x[0].sin()?])),
        &[0],
    );
    let x = Array::from_slice(&[1.0f64, 2.0], &[2]).unwrap();
    let ((loss, aux), g) = f(std::slice::from_ref(&x)).unwrap();
    assert_eq!(loss.item::<f64>().unwrap(), 5.0);
    assert_close(&aux[0], &x.sin().unwrap(), 0.0);
    assert_eq!(g[0].to_vec::<f64>().unwrap(), vec![2.0, 4.0]);
}

#[test]
fn grad_of_non_scalar_output_is_an_error() {
    let df = grad(|x: &[Array]| x[0].sin(), &[0]);
    let err = df(&[Array::from_slice(&[1.0f32, 2.0], &[2]).unwrap()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "[grad] the function must return a scalar array but returned an array of shape (2,)"
    );
}

#[test]
fn grad_argnums_out_of_range_is_an_error() {
    let df = grad(|x: &[Array]| x[0].sum((), false), &[1]);
    let err = df(&[Array::from_slice(&[1.0f32], &[1]).unwrap()]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("[grad] argnums 1 is out of range"),
        "{err}"
    );
}

#[test]
fn stop_gradient_blocks_gradients() {
    let df = grad(
        |x: &[Array]| (ops::stop_gradient(&x[0])? * &x[0])?.sum((), false),
        &[0],
    );
    let x = Array::from_slice(&[3.0f64], &[1]).unwrap();
    assert_eq!(df(&[x]).unwrap()[0].to_vec::<f64>().unwrap(), vec![3.0]);
}

#[test]
fn unused_input_has_zero_gradient() {
    let df = grad(|x: &[Array]| x[0].sum((), false), &[0, 1]);
    let x = Array::from_slice(&[3.0f64], &[1]).unwrap();
    let g = df(&[x.clone(), x]).unwrap();
    assert_eq!(g[1].to_vec::<f64>().unwrap(), vec![0.0]);
}

#[test]
fn same_array_used_twice_accumulates() {
    let df = grad(|x: &[Array]| (&x[0] * &x[0])?.sum((), false), &[0]);
    let x = Array::from_slice(&[3.0f64], &[1]).unwrap();
    assert_eq!(df(&[x]).unwrap()[0].to_vec::<f64>().unwrap(), vec![6.0]);
}

#[test]
fn deep_graph_of_100k_nodes_differentiates_without_recursion() {
    let df = grad(
        |x: &[Array]| {
            let mut y = x[0].clone();
            for _ in 0..100_000 {
                y = (&y * 1.0)?;
            }
            y.sum((), false)
        },
        &[0],
    );
    let x = Array::from_slice(&[2.0f32], &[1]).unwrap();
    assert_eq!(df(&[x]).unwrap()[0].to_vec::<f32>().unwrap(), vec![1.0]);
}

#[test]
fn maximum_and_minimum_give_a_tie_to_the_second_input() {
    // MLX 0.32.4: mx.grad(lambda a, b: mx.maximum(a, b), argnums=(0, 1))(1., 1.)
    // is (0, 1), and the same for mx.minimum; jvp picks the second tangent.
    let one = || Array::from_slice(&[1.0f32], &[1]).unwrap();
    let fs: [fn(&Array, &Array) -> mlx::Result<Array>; 2] =
        [|a, b| ops::maximum(a, b), |a, b| ops::minimum(a, b)];
    for f in fs {
        let df = grad(move |x: &[Array]| f(&x[0], &x[1])?.sum((), false), &[0, 1]);
        let g = df(&[one(), one()]).unwrap();
        assert_eq!(g[0].to_vec::<f32>().unwrap(), vec![0.0]);
        assert_eq!(g[1].to_vec::<f32>().unwrap(), vec![1.0]);
        let tangents = [one(), Array::from_slice(&[10.0f32], &[1]).unwrap()];
        let (_, t) = jvp(
            |x: &[Array]| Ok(vec![f(&x[0], &x[1])?]),
            &[one(), one()],
            &tangents,
        )
        .unwrap();
        assert_eq!(t[0].to_vec::<f32>().unwrap(), vec![10.0]);
    }
}

#[test]
fn max_gradient_splits_ties_evenly() {
    // MLX: the cotangent is shared by every element equal to the max.
    let df = grad(|x: &[Array]| x[0].max((), false), &[0]);
    let x = Array::from_slice(&[1.0f64, 3.0, 3.0, 2.0], &[4]).unwrap();
    assert_eq!(
        df(&[x]).unwrap()[0].to_vec::<f64>().unwrap(),
        vec![0.0, 0.5, 0.5, 0.0]
    );
}

#[test]
fn vjp_cotangent_shape_mismatch_is_an_error() {
    let x = Array::from_slice(&[1.0f64, 2.0], &[2]).unwrap();
    let v = Array::from_slice(&[1.0f64], &[1]).unwrap();
    let err = vjp(|x: &[Array]| Ok(vec![x[0].sin()?]), &[x], &[v]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "[vjp] cotangent of shape (1,) does not match output of shape (2,)"
    );
}

#[test]
fn integer_inputs_get_zero_gradients() {
    let df = grad(
        |x: &[Array]| x[0].as_type(mlx::Dtype::Float32)?.sum((), false),
        &[0],
    );
    let x = Array::from_slice(&[1i32, 2], &[2]).unwrap();
    let g = df(&[x]).unwrap();
    assert_eq!(g[0].to_vec::<i32>().unwrap(), vec![0, 0]);
}

#[test]
fn prod_gradient_at_zeros_matches_mlx() {
    // mx.grad(lambda a: mx.prod(a, axis=1).sum())(x) -> [[0,6,0],[20,5,4],[0,0,0]]
    let x = Array::from_slice(&[2.0f64, 0.0, 3.0, 1.0, 4.0, 5.0, 0.0, 0.0, 7.0], &[3, 3]).unwrap();
    let df = grad(
        |a: &[Array]| ops::prod(&a[0], 1, false)?.sum((), false),
        &[0],
    );
    let g = df(std::slice::from_ref(&x)).unwrap();
    assert_eq!(
        g[0].to_vec::<f64>().unwrap(),
        vec![0.0, 6.0, 0.0, 20.0, 5.0, 4.0, 0.0, 0.0, 0.0]
    );
    // mx.jvp(lambda a: mx.prod(a, axis=1), [x], [mx.ones_like(x)]) -> [6, 29, 0]
    let (_, t) = jvp(
        |a: &[Array]| Ok(vec![ops::prod(&a[0], 1, false)?]),
        std::slice::from_ref(&x),
        &[ops::ones_like(&x).unwrap()],
    )
    .unwrap();
    assert_eq!(t[0].to_vec::<f64>().unwrap(), vec![6.0, 29.0, 0.0]);
    // Two non-adjacent axes: mx.grad(lambda a: mx.prod(a, axis=(0, 2)).sum())
    //   -> [[[40,20],[126,0]],[[10,8],[0,0]]]
    let y = Array::from_slice(&[1.0f64, 2.0, 0.0, 3.0, 4.0, 5.0, 6.0, 7.0], &[2, 2, 2]).unwrap();
    let df = grad(
        |a: &[Array]| ops::prod(&a[0], &[0, 2], false)?.sum((), false),
        &[0],
    );
    let g = df(std::slice::from_ref(&y)).unwrap();
    assert_eq!(
        g[0].to_vec::<f64>().unwrap(),
        vec![40.0, 20.0, 126.0, 0.0, 10.0, 8.0, 0.0, 0.0]
    );
}

/// `sum((x @ w.T) * c)` (a `Linear` layer's product, `w.T` a pending
/// transpose) and `sum((xt.T @ w2) * c)` (the left operand transposed):
/// the gradients are `c^T x` for `w`, `c w` for `x`, and for the
/// transposed left operand `w2 c^T`, each summed by hand in float64.
#[test]
fn matmul_gradients_of_transposed_operands() {
    let mut rng = Rng(77);
    let (b, i, o) = (3, 4, 2);
    let x = rng.uniform(&[b, i], -1.0, 1.0);
    let w = rng.uniform(&[o, i], -1.0, 1.0);
    let c = rng.uniform(&[b, o], -1.0, 1.0);
    let (xv, wv, cv) = (
        x.to_vec::<f64>().unwrap(),
        w.to_vec::<f64>().unwrap(),
        c.to_vec::<f64>().unwrap(),
    );
    let cc = c.clone();
    let df = grad(
        move |a: &[Array]| (a[0].matmul(&a[1].t()?)? * &cc)?.sum((), false),
        &[0, 1],
    );
    let g = df(&[x.clone(), w.clone()]).unwrap();
    // d/dw[p][q] = sum_r c[r][p] x[r][q]; d/dx[r][q] = sum_p c[r][p] w[p][q].
    let dw: Vec<f64> = (0..o * i)
        .map(|k| (0..b).map(|r| cv[r * o + k / i] * xv[r * i + k % i]).sum())
        .collect();
    let dx: Vec<f64> = (0..b * i)
        .map(|k| {
            (0..o)
                .map(|p| cv[(k / i) * o + p] * wv[p * i + k % i])
                .sum()
        })
        .collect();
    assert_close(&g[1], &Array::from_slice(&dw, &[o, i]).unwrap(), 1e-12);
    assert_close(&g[0], &Array::from_slice(&dx, &[b, i]).unwrap(), 1e-12);
    // Left operand transposed: f(xt, w2) = sum((xt.T @ w2) * c) with xt
    // [i, b] and w2 [i, o]: d/dxt = w2 c^T.
    let xt = rng.uniform(&[i, b], -1.0, 1.0);
    let w2 = rng.uniform(&[i, o], -1.0, 1.0);
    let w2v = w2.to_vec::<f64>().unwrap();
    let cc = c.clone();
    let df = grad(
        move |a: &[Array]| (a[0].t()?.matmul(&a[1])? * &cc)?.sum((), false),
        &[0],
    );
    let g = df(&[xt, w2]).unwrap();
    // d/dxt[q][r] = sum_p w2[q][p] c[r][p].
    let dxt: Vec<f64> = (0..i * b)
        .map(|k| {
            (0..o)
                .map(|p| w2v[(k / b) * o + p] * cv[(k % b) * o + p])
                .sum()
        })
        .collect();
    assert_close(&g[0], &Array::from_slice(&dxt, &[i, b]).unwrap(), 1e-12);
}
