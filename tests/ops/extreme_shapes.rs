//! Extreme dimensions never panic, wrap or abort: every op's shape rule
//! either builds a node whose shape fits (element count and bytes within
//! `isize::MAX`, every dimension counted, zero or not) or returns an error
//! naming the op. Nothing here is evaluated: the checks happen when the
//! node is built (issue 12, part 1).

use mlx::ops::{self, PadMode, SliceArg, SplitSpec};
use mlx::{random, Array, Dtype, Error};
use proptest::prelude::*;

/// Dimensions at the edges of every integer width.
const DIMS: [i64; 14] = [
    0,
    1,
    2,
    3,
    1 << 31,
    1 << 32,
    (1 << 32) + 1,
    1 << 54,
    1 << 62,
    i64::MAX,
    -1,
    -2,
    -(1 << 40),
    i64::MIN,
];

fn dim() -> impl Strategy<Value = i64> {
    prop_oneof![prop::sample::select(DIMS.to_vec()), -4i64..8]
}

/// `d` as an unsigned dimension (negatives wrap to huge values, which
/// must be rejected too).
fn u(d: i64) -> usize {
    d as usize
}

fn small() -> Array {
    Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap()
}

/// A lazily broadcast array of a (possibly enormous but valid) shape, or
/// `None` when the shape itself is rejected.
fn lazy(shape: &[usize]) -> Option<Array> {
    ops::broadcast_to(&Array::from_slice(&[1.0f32], &[]).unwrap(), shape).ok()
}

/// An `Ok` result must have a shape that fits; an error must name an op.
fn check(r: mlx::Result<Array>) {
    match r {
        Ok(a) => {
            let bytes = a.shape().iter().try_fold(a.itemsize() as u128, |acc, &d| {
                acc.checked_mul(d.max(1) as u128)
            });
            assert!(
                bytes.is_some_and(|b| b <= isize::MAX as u128),
                "accepted an oversized shape {:?}",
                a.shape()
            );
        }
        Err(e) => {
            let text = e.to_string();
            assert!(text.starts_with('['), "error without an op: {text}");
            // Building a graph is cheap: no shape may cost memory before
            // evaluation.
            assert!(
                !matches!(e, Error::OutOfMemory { .. }),
                "graph building allocated: {text}"
            );
        }
    }
}

fn check_many(r: mlx::Result<Vec<Array>>) {
    if let Ok(v) = r {
        for a in v {
            check(Ok(a));
        }
    }
}

/// Every op that takes a dimension, a count, an offset or a size.
fn exercise(d: [i64; 4]) {
    let [a, b, c, e] = d;
    let x = small();
    let f = Dtype::Float32;
    // Creation.
    check(ops::zeros(&[u(a), u(b), u(c)], f));
    check(ops::ones(&[u(a), u(b)], Dtype::Bool));
    check(ops::full(&[u(a), u(b), u(c), u(e)], 1.0f32, Dtype::Float64));
    check(ops::eye(a, Some(b), c, None));
    check(ops::tri(a, Some(b), c, None));
    check(ops::identity(a, None));
    check(ops::arange_f64(0.0, a as f64, 1.0, f));
    check(ops::arange_f64(a as f64, b as f64, c as f64, Dtype::Int32));
    check(ops::linspace(0.0, 1.0, a, true, None));
    // Shape rules.
    check(ops::reshape(&x, &[a, b]));
    check(ops::reshape(&x, &[a, -1]));
    check(ops::broadcast_to(&x, &[u(a), u(b), 2, 3]));
    check(ops::expand_dims(&x, &[a]));
    check(ops::flatten(&x, a, b));
    check(ops::unflatten(&x, 1, &[a, b]));
    check(ops::tile(&x, &[a, b]));
    check(ops::repeat(&x, a, b));
    check(ops::repeat(&x, a, ()));
    check(ops::pad(&x, &[(a, b), (c, e)], PadMode::Constant, 0.0f32));
    check(ops::pad(&x, &[(a, b)], PadMode::Edge, 0.0f32));
    check(ops::as_strided(
        &x,
        Some(&[u(a), u(b)]),
        Some(&[c, e]),
        u(a),
    ));
    check(ops::as_strided(&x, Some(&[u(a), u(b)]), None, 0));
    check(ops::roll(&x, &[a], &[b]));
    check(ops::tril(&x, a));
    check(ops::diagonal(&x, a, 0, 1));
    check(ops::diag(&x, a));
    check(ops::trace(&x, a, 0, 1, None));
    check(ops::swapaxes(&x, a, b));
    check(ops::moveaxis(&x, a, b));
    check(ops::squeeze(&x, &[a]));
    check_many(ops::split(&x, SplitSpec::Sections(u(a)), b));
    check_many(ops::split(&x, SplitSpec::Indices(vec![a, b]), 0));
    check(ops::index(
        &x,
        &[SliceArg::Range {
            start: Some(a),
            stop: Some(b),
            step: if c == 0 { 1 } else { c },
        }],
    ));
    check(ops::index(&x, &[SliceArg::Index(a)]));
    check(ops::topk(&x, a, b));
    check(ops::partition(&x, a, b));
    check(ops::cumsum(&x, a, false, true));
    check(ops::var(&x, &[a], false, b));
    check(ops::tensordot(&x, &x, a));
    check(ops::round(&x, a as i32));
    check(ops::conv1d(
        &ops::reshape(&x, &[1, 3, 2]).unwrap(),
        &ops::reshape(&x, &[1, 3, 2]).unwrap(),
        a,
        b,
        c,
        e,
    ));
    check(ops::conv2d(
        &ops::reshape(&x, &[1, 1, 3, 2]).unwrap(),
        &ops::reshape(&x, &[1, 1, 3, 2]).unwrap(),
        &[a, 1],
        &[b, c],
        &[e, 1],
        1,
    ));
    check(ops::conv_transpose2d(
        &ops::reshape(&x, &[1, 1, 3, 2]).unwrap(),
        &ops::reshape(&x, &[1, 1, 3, 2]).unwrap(),
        &[a, 1],
        &[b, 0],
        &[c, 1],
        &[e, 0],
        1,
    ));
    let update = Array::from_slice(&[9.0f32], &[1, 1]).unwrap();
    check(ops::slice_update_strided(
        &x,
        &update,
        &[a, b],
        &[c, e],
        &[1, 1],
    ));
    // Random samplers and keys.
    check(random::normal(&[u(a), u(b)], f, None, None, None));
    check(random::bits(&[u(a), u(b)], 4, None));
    check(random::split(&random::key(0).unwrap(), a));
    check(random::permutation(a, None));
    // Ops on huge (valid) lazy shapes: reductions, products, printing's
    // shape rules, indexing.
    if let Some(h) = lazy(&[u(a), u(b)]) {
        check(ops::sum(&h, 0, false));
        check(ops::sum(&h, -1, true));
        check(ops::argmax(&h, 0, false));
        check(ops::matmul(&h, &ops::swapaxes(&h, 0, 1).unwrap()));
        check(ops::matmul(&ops::swapaxes(&h, 0, 1).unwrap(), &h));
        check(ops::kron(&h, &h));
        check(ops::outer(&ops::flatten(&h, 0, -1).unwrap(), &x));
        check(ops::concatenate(&[&h, &h], 0));
        check(ops::stack(&[&h, &h], 0));
        check(ops::tile(&h, &[c, e]));
        check(ops::repeat(&h, c, 0));
        check(ops::pad(&h, &[(c, 0), (0, e)], PadMode::Constant, 0.0f32));
        check(ops::take(&h, &Array::from_slice(&[0i32], &[1]).unwrap(), 1));
        check(ops::broadcast_to(&h, &[u(c), u(a), u(b)]));
        check(ops::expand_dims(&h, &[0]).and_then(|y| ops::tile(&y, &[c, 1, 1])));
        check(ops::einsum(
            "ij,jk->ik",
            &[&h, &ops::swapaxes(&h, 0, 1).unwrap()],
        ));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn extreme_dims_are_ok_or_errors(d in prop::array::uniform4(dim())) {
        exercise(d);
    }
}

#[test]
fn every_extreme_combination_of_two() {
    for &a in &DIMS {
        for &b in &DIMS {
            exercise([a, b, 2, 1]);
            exercise([1, 2, a, b]);
        }
    }
}

fn overflow_of(r: mlx::Result<Array>) -> String {
    match r {
        Err(e @ Error::ShapeOverflow { .. }) => e.to_string(),
        Err(e) => panic!("expected a shape overflow, got {e}"),
        Ok(a) => panic!("expected a shape overflow, got shape {:?}", a.shape()),
    }
}

#[test]
fn zero_dimension_does_not_excuse_the_others() {
    // 2^32 * 2^32 * 4 bytes overflows whatever the zero dimension says.
    assert_eq!(
        overflow_of(ops::zeros(&[0usize, 1 << 32, 1 << 32], Dtype::Float32)),
        "[zeros] shape (0, 4294967296, 4294967296) of 4-byte elements exceeds \
         the maximum array size of 9223372036854775807 bytes"
    );
    // The largest valid zero-size shape still works, and so do reductions.
    let z = ops::zeros(&[0, 1 << 20, 1 << 20], Dtype::Float32).unwrap();
    let s = ops::sum(&z, 0, false).unwrap();
    assert_eq!(s.shape(), &[1 << 20, 1 << 20]);
}

#[test]
fn repeat_pad_tile_kron_overflow_names_the_op() {
    let x = small();
    assert!(overflow_of(ops::repeat(&x, i64::MAX, 0)).starts_with("[repeat]"));
    assert!(overflow_of(ops::pad(
        &x,
        &[(i64::MAX, i64::MAX), (0, 0)],
        PadMode::Constant,
        0.0f32
    ))
    .starts_with("[pad]"));
    assert!(overflow_of(ops::tile(&x, &[1i64 << 62, 4])).starts_with("[tile]"));
    let h = lazy(&[1 << 20, 1 << 20]).unwrap();
    assert!(overflow_of(ops::kron(&h, &h)).starts_with("[kron]"));
}

#[test]
fn as_strided_huge_zero_strides_builds_and_reports_memory_on_eval() {
    // (2^28, 2^28) float32 is 2^58 bytes: a valid shape (MLX accepts it),
    // and more memory than any machine has.
    let x = small();
    let v = ops::as_strided(&x, Some(&[1 << 28, 1 << 28]), Some(&[0, 0]), 0).unwrap();
    assert_eq!(v.shape(), &[1 << 28, 1 << 28]);
    let sub = ops::index(
        &v,
        &[
            SliceArg::Range {
                start: Some(0),
                stop: Some(2),
                step: 1,
            },
            SliceArg::Index(5),
        ],
    )
    .unwrap();
    assert_eq!(sub.to_vec::<f32>().unwrap(), vec![1.0, 1.0]);
}
