//! `vmap` equals a loop over the mapped axis followed by `stack`.

use crate::fd::Rng;
use mlx::ops::{self, SliceArg};
use mlx::transforms::{grad, vmap};
use mlx::{Array, Result};
use proptest::prelude::*;

type F = fn(&[Array]) -> Result<Vec<Array>>;

/// `(name, f, inputs, in_axes, out_axis)`.
type Case = (&'static str, F, Vec<Array>, Vec<Option<i64>>, i64);

fn one(a: Result<Array>) -> Result<Vec<Array>> {
    Ok(vec![a?])
}

/// `vmap(f)(xs)` against `stack([f(x_i) for i])`.
fn check_vmap(name: &str, f: F, xs: &[Array], in_axes: &[Option<i64>], out_axis: i64) {
    let got = vmap(f, in_axes, &[out_axis])(xs).unwrap_or_else(|e| panic!("{name}: {e}"));
    let b = xs
        .iter()
        .zip(in_axes)
        .find_map(|(x, a)| a.map(|a| x.dim(a).unwrap()))
        .unwrap();
    let mut per: Vec<Vec<Array>> = Vec::new();
    for i in 0..b {
        let idx = Array::from_slice(&[i as i32], &[]).unwrap();
        let xi: Vec<Array> = xs
            .iter()
            .zip(in_axes)
            .map(|(x, a)| match a {
                Some(a) => x.take(&idx, *a).unwrap(),
                None => x.clone(),
            })
            .collect();
        per.push(f(&xi).unwrap());
    }
    for (k, g) in got.iter().enumerate() {
        let parts: Vec<&Array> = per.iter().map(|p| &p[k]).collect();
        let want = ops::stack(&parts, out_axis).unwrap();
        assert_eq!(g.shape(), want.shape(), "{name}: shape");
        let (gv, wv) = (g.to_vec::<f64>().unwrap(), want.to_vec::<f64>().unwrap());
        for (a, w) in gv.iter().zip(&wv) {
            assert!((a - w).abs() < 1e-12, "{name}: {gv:?} vs {wv:?}");
        }
    }
}

fn idx(v: &[i32], shape: &[usize]) -> Array {
    Array::from_slice(v, shape).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn vmap_equals_loop_and_stack(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let x = rng.uniform(&[3, 4], -1.0, 1.0);
        let y = rng.uniform(&[4, 3], -1.0, 1.0);
        let m = rng.uniform(&[4, 2], -1.0, 1.0);
        let cases: Vec<Case> = vec![
            ("unary_binary_axis1", |a| one((a[0].sin()? * &a[1])?.exp()), vec![x.clone(), y.clone()], vec![Some(1), Some(0)], 0),
            ("binary_unmapped_broadcast", |a| one(&a[0] + &a[1]), vec![x.clone(), rng.uniform(&[1], 0.0, 1.0)], vec![Some(0), None], 1),
            ("where", |a| one(ops::where_(&ops::greater(&a[0], &a[1])?, &a[0], &a[1])), vec![x.clone(), y.clone()], vec![Some(0), Some(1)], 0),
            ("reduce_keepdims", |a| one(a[0].max(0, true)), vec![x.clone()], vec![Some(1)], 0),
            ("argmax", |a| one(ops::argmax(&a[0], 0, false)?.as_type(mlx::Dtype::Float64)), vec![x.clone()], vec![Some(1)], 0),
            ("softmax_cumsum", |a| one(ops::cumsum(&ops::softmax(&a[0], (), false)?, 0, true, false)), vec![x.clone()], vec![Some(0)], 0),
            ("sort_argsort", |a| Ok(vec![ops::sort(&a[0], 0)?, ops::argsort(&a[0], -1)?.as_type(mlx::Dtype::Float64)?]), vec![x.clone()], vec![Some(1)], 0),
            ("scans", |a| one(ops::cummin(&ops::cumprod(&ops::logcumsumexp(&a[0], 0, true, true)?, 0, false, false)?, 0, true, true)), vec![x.clone()], vec![Some(0)], 1),
            ("matmul", |a| one(ops::matmul(&a[0], &a[1])), vec![x.clone(), m.clone()], vec![Some(0), None], 0),
            ("matmul_both", |a| one(ops::matmul(&a[0], &a[1])), vec![x.clone(), rng.uniform(&[3, 4, 2], -1.0, 1.0)], vec![Some(0), Some(0)], 1),
            ("take_mapped_array", |a| one(a[0].take(&idx(&[2, 0, 2], &[3]), 0)), vec![x.clone()], vec![Some(0)], 0),
            ("take_mapped_indices", |a| one(a[0].take(&a[1].as_type(mlx::Dtype::Int32)?, 0)), vec![m.clone(), idx(&[0, 3, 1, 1, 2, 0], &[3, 2]).as_type(mlx::Dtype::Float64).unwrap()], vec![None, Some(0)], 0),
            ("take_both_mapped", |a| one(a[0].take(&a[1].as_type(mlx::Dtype::Int32)?, 1)), vec![rng.uniform(&[3, 2, 4], -1.0, 1.0), idx(&[0, 3, -1, 1, 2, 0], &[3, 2]).as_type(mlx::Dtype::Float64).unwrap()], vec![Some(0), Some(0)], 0),
            ("take_along_axis", |a| one(a[0].take_along_axis(&idx(&[1, 0], &[2]), 0)), vec![x.clone()], vec![Some(0)], 0),
            ("scatter_add_mapped_array", |a| one(ops::scatter_add(&a[0], &[idx(&[1, 1, 2], &[3])], &ops::ones(&[3, 1], mlx::Dtype::Float64)?, &[0])), vec![x.clone()], vec![Some(1)], 0),
            ("scatter_both_mapped", |a| one(ops::scatter(&a[0], &[a[1].as_type(mlx::Dtype::Int32)?], &a[2], &[0])), vec![x.clone(), idx(&[0, 3, 2, 1, 1, 0], &[3, 2]).as_type(mlx::Dtype::Float64).unwrap(), rng.uniform(&[3, 2, 1], -1.0, 1.0)], vec![Some(0), Some(0), Some(0)], 0),
            ("scatter_max_mapped_updates", |a| one(ops::scatter_max(&a[0], &[idx(&[2, 0], &[2])], &a[1], &[0])), vec![rng.uniform(&[3], -1.0, 1.0), rng.uniform(&[2, 1, 4], -1.0, 1.0)], vec![None, Some(2)], 0),
            ("index_advanced_put", |a| one(a[0].index_put(&[SliceArg::Array(idx(&[-1, 0], &[2]))], &a[0].index(&[SliceArg::Array(idx(&[1, 2], &[2]))])?)), vec![x.clone()], vec![Some(0)], 0),
            ("concatenate_unmapped", |a| one(ops::concatenate(&[&a[0], &a[1]], 0)), vec![x.clone(), rng.uniform(&[2], 0.0, 1.0)], vec![Some(0), None], 0),
            ("views", |a| one(a[0].reshape(&[2, 2])?.t()?.broadcast_to(&[3, 2, 2])?.index(&[SliceArg::full(), SliceArg::range(None, None, -1)])), vec![x.clone()], vec![Some(0)], 2),
            ("hadamard_out_axis1", |a| one(ops::hadamard_transform(&a[0], Some(0.5))), vec![x.clone()], vec![Some(0)], 1),
            ("as_strided_batch_axis1", |a| one(ops::as_strided(&a[0], Some(&[2, 2]), Some(&[1, 0]), 1)), vec![x.clone()], vec![Some(1)], 0),
            ("view_last_axis_mapped", |a| one(ops::view(&a[0], mlx::Dtype::Uint32)?.as_type(mlx::Dtype::Float64)), vec![x.clone()], vec![Some(1)], 0),
            ("astype_copy", |a| one(ops::contiguous(&a[0].as_type(mlx::Dtype::Float32)?.as_type(mlx::Dtype::Float64)?)), vec![x.clone()], vec![Some(1)], 0),
            ("constant_output", |a| Ok(vec![a[0].sum((), false)?, ops::ones(&[2], mlx::Dtype::Float64)?]), vec![x.clone()], vec![Some(0)], 0),
        ];
        for (name, f, xs, axes, out) in cases {
            check_vmap(name, f, &xs, &axes, out);
        }
    }
}

#[test]
fn nested_vmap_equals_double_loop() {
    let x = Rng(1).uniform(&[2, 3, 4], -1.0, 1.0);
    let inner = vmap(
        |a: &[Array]| one(a[0].sin()?.sum((), false)),
        &[Some(0)],
        &[0],
    );
    let outer = vmap(inner, &[Some(1)], &[0]);
    let got = outer(std::slice::from_ref(&x)).unwrap();
    // out[j, i] = sum_k sin(x[i, j, k])
    let want = x.sin().unwrap().sum(2, false).unwrap().t().unwrap();
    assert_eq!(
        got[0].to_vec::<f64>().unwrap(),
        ops::contiguous(&want).unwrap().to_vec::<f64>().unwrap()
    );
}

#[test]
fn vmap_of_grad_gives_per_example_gradients() {
    let x = Rng(2).uniform(&[3, 4], -1.0, 1.0);
    let df = grad(|a: &[Array]| (a[0].sin()? * &a[0])?.sum((), false), &[0]);
    let per = vmap(df, &[Some(0)], &[0]);
    let got = per(std::slice::from_ref(&x)).unwrap();
    // d/dx (x sin x) = sin x + x cos x
    let want = (x.sin().unwrap() + (&x * x.cos().unwrap()).unwrap()).unwrap();
    let (g, w) = (
        got[0].to_vec::<f64>().unwrap(),
        want.to_vec::<f64>().unwrap(),
    );
    for (a, b) in g.iter().zip(&w) {
        assert!((a - b).abs() < 1e-12);
    }
}

#[test]
fn vmap_size_mismatch_is_an_error() {
    let f = vmap(|a: &[Array]| one(&a[0] + &a[1]), &[Some(0), Some(0)], &[0]);
    let err = f(&[
        Rng(1).uniform(&[2], 0.0, 1.0),
        Rng(1).uniform(&[3], 0.0, 1.0),
    ])
    .unwrap_err();
    assert!(err.to_string().starts_with("[vmap]"), "{err}");
}
