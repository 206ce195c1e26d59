//! Reductions, arg reductions, `softmax` and `cumsum` against MLX 0.32.4
//! goldens (`tests/golden/reduce.json`): every dtype, all/one/several/no
//! axes, negative axes, keepdims, ddof, 0-d and size-0 inputs, NaN/inf,
//! with contiguous, transposed and negatively strided inputs; and the
//! edge cases of `tests/golden/reduce_edges.json`.

use mlx::{ops, Array};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
/// They are skipped by the per-op tests and run by the ignored `known_bugs`.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    let axes = case.arg_i64s("axes");
    let axes = axes.as_deref();
    let kd = case.arg_bool("keepdims");
    let ddof = case.arg_i64("ddof").unwrap_or(0);
    let ax = match axes {
        None => ops::Axes::every(),
        Some(ax) => ops::Axes::from(ax),
    };
    macro_rules! simple {
        ($f:ident) => {
            ops::$f(a, &ax, kd)
        };
    }
    one(match case.op.as_str() {
        "sum" => simple!(sum),
        "prod" => simple!(prod),
        "max" => simple!(max),
        "min" => simple!(min),
        "all" => simple!(all),
        "any" => simple!(any),
        "mean" => ops::mean(a, &ax, kd),
        "var" => ops::var(a, &ax, kd, ddof),
        "std" => ops::std(a, &ax, kd, ddof),
        "logsumexp" => ops::logsumexp(a, &ax, kd),
        "argmax" => ops::argmax(a, case.arg_i64("axis"), kd),
        "argmin" => ops::argmin(a, case.arg_i64("axis"), kd),
        "softmax" => ops::softmax(a, &ax, case.arg_bool("precise")),
        "cumsum" => ops::cumsum(
            a,
            case.arg_i64("axis"),
            case.arg_bool("reverse"),
            case.arg_bool("inclusive"),
        ),
        other => panic!("unknown reduce op {other}"),
    })
}

fn tol(_case: &Case) -> Tol {
    Tol::Loose
}

mlx_tests::golden_op_tests! {
    family: "reduce", apply: apply, tol: tol,
    ops: [sum, prod, max, min, mean, var, std, all, any, logsumexp, argmax, argmin,
          softmax, cumsum]
}

/// Edge cases found by `gen_fuzz.py` (`tests/golden/reduce_edges.json`):
/// no axes, integer means that wrap, the dtype of each softmax.
mod edges {
    pub(super) use super::{apply, tol};
    pub(super) const KNOWN_BUGS: &[(&str, &str)] = &[];

    mlx_tests::golden_op_tests! {
        family: "reduce_edges", apply: apply, tol: tol,
        ops: [sum, prod, max, min, mean, var, std, all, any, softmax]
    }
}

fn sum_negative_axis_keepdims(device: &mlx::Device) {
    // mx.sum(mx.array([[1., 2.], [3., 4.]]), axis=-1, keepdims=True) -> [[3], [7]]
    let a = Array::from_host_data_on(vec![1.0f32, 2.0, 3.0, 4.0].into(), &[2, 2], *device).unwrap();
    let s = ops::sum(&a, &[-1], true).unwrap();
    assert_eq!(s.shape(), &[2, 1]);
    assert_eq!(s.to_vec::<f32>().unwrap(), vec![3.0, 7.0]);
}

fn var_ddof_equal_to_size_is_inf(device: &mlx::Device) {
    // mx.var(mx.array([1., 2.]), ddof=2) -> inf (MLX divides by max(n - ddof, 0))
    let a = Array::from_host_data_on(vec![1.0f32, 2.0].into(), &[2], *device).unwrap();
    let v = ops::var(&a, (), false, 2).unwrap().item::<f32>().unwrap();
    assert!(v.is_infinite() && v > 0.0, "got {v}");
}

fn var_ddof_greater_than_size_is_inf(device: &mlx::Device) {
    // mx.var(mx.array([1., 2.]), ddof=3) -> inf
    let a = Array::from_host_data_on(vec![1.0f32, 2.0].into(), &[2], *device).unwrap();
    let v = ops::var(&a, (), false, 3).unwrap().item::<f32>().unwrap();
    assert!(v.is_infinite() && v > 0.0, "got {v}");
}

/// Every axes form reduces the same way: `()` for all axes, one integer
/// of any integer type, or a slice, array or `Vec` of them.
fn axes_forms_agree(device: &mlx::Device) {
    // mx.sum(mx.arange(6).reshape(2, 3), axis=1) -> [3, 12]; axis=[0, 1] -> 15
    let m = Array::from_host_data_on(vec![0i32, 1, 2, 3, 4, 5].into(), &[2, 3], *device).unwrap();
    let v = |a: mlx::Result<Array>| a.unwrap().to_vec::<i32>().unwrap();
    for got in [
        v(ops::sum(&m, 1, false)),
        v(ops::sum(&m, -1i64, false)),
        v(ops::sum(&m, 1usize, false)),
        v(ops::sum(&m, [1], false)),
        v(ops::sum(&m, &[1i64][..], false)),
        v(ops::sum(&m, vec![-1], false)),
        v(m.sum(Some(&[1i64][..]), false)),
    ] {
        assert_eq!(got, vec![3, 12]);
    }
    for got in [
        v(ops::sum(&m, (), false)),
        v(ops::sum(&m, [0, 1], false)),
        v(ops::sum(&m, &vec![1usize, 0], false)),
        v(m.sum(ops::Axes::every(), false)),
    ] {
        assert_eq!(got, vec![15]);
    }
    // mx.argmax(m) -> 5 (flattened); mx.argmax(m, axis=0) -> [1, 1, 1]
    assert_eq!(
        ops::argmax(&m, (), false).unwrap().item::<u32>().unwrap(),
        5
    );
    assert_eq!(
        ops::argmax(&m, None, false).unwrap().item::<u32>().unwrap(),
        5
    );
    let am = ops::argmax(&m, 0, false).unwrap().to_vec::<u32>().unwrap();
    assert_eq!(am, vec![1, 1, 1]);
    let e = ops::sum(&m, [0, 2], false).unwrap_err().to_string();
    assert!(e.starts_with("[sum]"), "{e}");
}

mlx_tests::device_tests! {
    axes_forms_agree,
    sum_negative_axis_keepdims,
    var_ddof_equal_to_size_is_inf,
    var_ddof_greater_than_size_is_inf,
}
