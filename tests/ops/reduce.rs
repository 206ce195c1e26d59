//! Reductions, arg reductions, `softmax` and `cumsum` against MLX 0.32.4
//! goldens (`tests/golden/reduce.json`): every dtype, all/one/several/no
//! axes, negative axes, keepdims, ddof, 0-d and size-0 inputs, NaN/inf,
//! with contiguous, transposed and negatively strided inputs.

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
    macro_rules! simple {
        ($all:ident, $some:ident) => {
            match axes {
                None => ops::$all(a, kd),
                Some(ax) => ops::$some(a, ax, kd),
            }
        };
    }
    one(match case.op.as_str() {
        "sum" => simple!(sum, sum_axes),
        "prod" => simple!(prod, prod_axes),
        "max" => simple!(max, max_axes),
        "min" => simple!(min, min_axes),
        "all" => simple!(all, all_axes),
        "any" => simple!(any, any_axes),
        "mean" => ops::mean(a, axes, kd),
        "var" => ops::var(a, axes, kd, ddof),
        "std" => ops::std(a, axes, kd, ddof),
        "logsumexp" => ops::logsumexp(a, axes, kd),
        "argmax" => ops::argmax(a, case.arg_i64("axis"), kd),
        "argmin" => ops::argmin(a, case.arg_i64("axis"), kd),
        "softmax" => ops::softmax(a, axes, case.arg_bool("precise")),
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

fn sum_negative_axis_keepdims(device: &mlx::Device) {
    // mx.sum(mx.array([[1., 2.], [3., 4.]]), axis=-1, keepdims=True) -> [[3], [7]]
    let a = Array::from_host_data_on(vec![1.0f32, 2.0, 3.0, 4.0].into(), &[2, 2], *device).unwrap();
    let s = ops::sum_axes(&a, &[-1], true).unwrap();
    assert_eq!(s.shape(), &[2, 1]);
    assert_eq!(s.to_vec::<f32>().unwrap(), vec![3.0, 7.0]);
}

fn var_ddof_equal_to_size_is_inf(device: &mlx::Device) {
    // mx.var(mx.array([1., 2.]), ddof=2) -> inf (MLX divides by max(n - ddof, 0))
    let a = Array::from_host_data_on(vec![1.0f32, 2.0].into(), &[2], *device).unwrap();
    let v = ops::var(&a, None, false, 2).unwrap().item::<f32>().unwrap();
    assert!(v.is_infinite() && v > 0.0, "got {v}");
}

fn var_ddof_greater_than_size_is_inf(device: &mlx::Device) {
    // mx.var(mx.array([1., 2.]), ddof=3) -> inf
    let a = Array::from_host_data_on(vec![1.0f32, 2.0].into(), &[2], *device).unwrap();
    let v = ops::var(&a, None, false, 3).unwrap().item::<f32>().unwrap();
    assert!(v.is_infinite() && v > 0.0, "got {v}");
}

mlx_tests::device_tests! {
    sum_negative_axis_keepdims,
    var_ddof_equal_to_size_is_inf,
    var_ddof_greater_than_size_is_inf,
}
