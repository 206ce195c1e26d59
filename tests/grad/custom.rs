//! `custom_function` and `checkpoint`.

use crate::fd::Rng;
use mlx::transforms::{checkpoint, custom_function, custom_function_with_vmap, grad, jvp, vmap};
use mlx::{Array, Result};
use std::sync::Arc;

#[test]
fn custom_function_uses_the_user_vjp() {
    // Forward x^2, backward pretends the derivative is 10.
    let f = custom_function(
        |x: &[Array]| Ok(vec![x[0].square()?]),
        |_x: &[Array], g: &[Array], _out: &[Array]| Ok(vec![(&g[0] * 10.0)?]),
        None,
    );
    let x = Array::from_slice(&[3.0f64, 4.0], &[2]).unwrap();
    assert_eq!(
        f(std::slice::from_ref(&x)).unwrap()[0]
            .to_vec::<f64>()
            .unwrap(),
        vec![9.0, 16.0]
    );
    let df = grad(move |x: &[Array]| f(x)?[0].sum((), false), &[0]);
    assert_eq!(
        df(&[x]).unwrap()[0].to_vec::<f64>().unwrap(),
        vec![10.0, 10.0]
    );
}

#[test]
fn custom_function_jvp_user_rule_and_fallback() {
    let fwd = |x: &[Array]| -> Result<Vec<Array>> { Ok(vec![x[0].square()?]) };
    let bwd = |_x: &[Array], g: &[Array], _o: &[Array]| Ok(vec![g[0].clone()]);
    let x = Array::from_slice(&[3.0f64], &[1]).unwrap();
    let t = Array::from_slice(&[1.0f64], &[1]).unwrap();
    let user: mlx::primitive::CustomJvpFn =
        Arc::new(|_x: &[Array], t: &[Array]| Ok(vec![(&t[0] * 7.0)?]));
    let f = custom_function(fwd, bwd, Some(user));
    let (_, d) = jvp(&f, std::slice::from_ref(&x), std::slice::from_ref(&t)).unwrap();
    assert_eq!(d[0].to_vec::<f64>().unwrap(), vec![7.0]);
    let plain = custom_function(fwd, bwd, None);
    let (_, d) = jvp(&plain, &[x], &[t]).unwrap();
    assert_eq!(d[0].to_vec::<f64>().unwrap(), vec![6.0]);
}

#[test]
fn checkpoint_gives_the_same_gradients() {
    let body = |x: &[Array]| -> Result<Vec<Array>> { Ok(vec![x[0].sin()?.exp()?.square()?]) };
    let x = Rng(9).uniform(&[6], -1.0, 1.0);
    let plain = grad(move |x: &[Array]| body(x)?[0].sum((), false), &[0]);
    let ck = checkpoint(body);
    let checked = grad(move |x: &[Array]| ck(x)?[0].sum((), false), &[0]);
    let a = plain(std::slice::from_ref(&x)).unwrap()[0]
        .to_vec::<f64>()
        .unwrap();
    let b = checked(std::slice::from_ref(&x)).unwrap()[0]
        .to_vec::<f64>()
        .unwrap();
    for (p, q) in a.iter().zip(&b) {
        assert!((p - q).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn checkpoint_grad_of_grad() {
    let ck = checkpoint(|x: &[Array]| Ok(vec![x[0].sin()?]));
    let d1 = grad(move |x: &[Array]| ck(x)?[0].sum((), false), &[0]);
    let d2 = grad(move |x: &[Array]| d1(x)?[0].sum((), false), &[0]);
    let x = Array::from_slice(&[0.5f64], &[1]).unwrap();
    let got = d2(std::slice::from_ref(&x)).unwrap()[0]
        .to_vec::<f64>()
        .unwrap();
    assert!((got[0] + 0.5f64.sin()).abs() < 1e-12, "{got:?}");
}

#[test]
fn vmap_of_custom_function_uses_the_forward_values() {
    let f = custom_function(
        |x: &[Array]| Ok(vec![x[0].exp()?]),
        |_x: &[Array], g: &[Array], o: &[Array]| Ok(vec![(&g[0] * &o[0])?]),
        None,
    );
    let v = vmap(f, &[Some(0)], &[0]);
    let x = Array::from_slice(&[0.0f64, 0.0], &[2, 1]).unwrap();
    assert_eq!(v(&[x]).unwrap()[0].to_vec::<f64>().unwrap(), vec![1.0, 1.0]);
}

#[test]
fn vmap_of_custom_function_uses_the_user_vmap_rule() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    // f(x) = sum(x * x); the rule maps the batch with one reduction over
    // the non-batch axes and says where the batch axis went. An oracle
    // independent of the rule: the per-row sums of squares by hand.
    let f = custom_function_with_vmap(
        |x: &[Array]| Ok(vec![x[0].square()?.sum((), false)?]),
        |x: &[Array], g: &[Array], _: &[Array]| Ok(vec![((&x[0] * 2.0)? * &g[0])?]),
        None,
        |x: &[Array], axes: &[Option<usize>]| {
            CALLS.fetch_add(1, Ordering::SeqCst);
            let ax = axes[0].expect("mapped");
            let others: Vec<i64> = (0..x[0].ndim() as i64)
                .filter(|&d| d != ax as i64)
                .collect();
            Ok((vec![x[0].square()?.sum(&others, false)?], vec![Some(0)]))
        },
    );
    let v = vmap(f, &[Some(1)], &[0]);
    // Columns [1, 3], [2, 4] -> 1 + 9 = 10 and 4 + 16 = 20.
    let x = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    assert_eq!(
        v(&[x]).unwrap()[0].to_vec::<f64>().unwrap(),
        vec![10.0, 20.0]
    );
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    // A rule returning no outputs is an error naming the op.
    let bad = custom_function_with_vmap(
        |x: &[Array]| Ok(vec![x[0].sum((), false)?]),
        |x: &[Array], _g: &[Array], _: &[Array]| Ok(vec![x[0].clone()]),
        None,
        |_x: &[Array], _axes: &[Option<usize>]| Ok((vec![], vec![])),
    );
    let e = vmap(bad, &[Some(0)], &[0])(&[Array::from_slice(&[1.0f64], &[1]).unwrap()])
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("[custom_function]"), "{e}");
}
