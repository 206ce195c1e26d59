//! Binary ops, `where` and `clip` against MLX 0.32.4 goldens
//! (`tests/golden/binary.json`): every dtype, broadcasting across ranks,
//! 0-d and size-0 inputs, NaN/inf, integer wrap and sign rules, with
//! contiguous, transposed and negatively strided inputs.

use mlx::{ops, Array};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
/// They are skipped by the per-op tests and run by the ignored `known_bugs`.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// `clip` with Python-typed bounds: integer bounds are weakly typed ints,
/// float bounds floats (so an int32 array clipped by 0.5 becomes float32).
fn clip(case: &Case, a: &Array) -> mlx::Result<Array> {
    let lo = &case.args["a_min"];
    let hi = &case.args["a_max"];
    let all_int = [lo, hi].iter().all(|v| v.is_null() || v.is_i64());
    if all_int {
        ops::clip(a, lo.as_i64(), hi.as_i64())
    } else {
        ops::clip(a, case.arg_f64("a_min"), case.arg_f64("a_max"))
    }
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    one(match case.op.as_str() {
        "add" => ops::add(a, &x[1]),
        "subtract" => ops::subtract(a, &x[1]),
        "multiply" => ops::multiply(a, &x[1]),
        "divide" => ops::divide(a, &x[1]),
        "floor_divide" => ops::floor_divide(a, &x[1]),
        "remainder" => ops::remainder(a, &x[1]),
        "power" => ops::power(a, &x[1]),
        "maximum" => ops::maximum(a, &x[1]),
        "minimum" => ops::minimum(a, &x[1]),
        "arctan2" => ops::arctan2(a, &x[1]),
        "logaddexp" => ops::logaddexp(a, &x[1]),
        "equal" => ops::equal(a, &x[1]),
        "not_equal" => ops::not_equal(a, &x[1]),
        "less" => ops::less(a, &x[1]),
        "less_equal" => ops::less_equal(a, &x[1]),
        "greater" => ops::greater(a, &x[1]),
        "greater_equal" => ops::greater_equal(a, &x[1]),
        "logical_and" => ops::logical_and(a, &x[1]),
        "logical_or" => ops::logical_or(a, &x[1]),
        "where" => ops::where_(a, &x[1], &x[2]),
        "clip" => clip(case, a),
        other => panic!("unknown binary op {other}"),
    })
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "power" | "arctan2" | "logaddexp" => Tol::Loose,
        _ => Tol::Elementwise,
    }
}

mlx_tests::golden_op_tests! {
    family: "binary", apply: apply, tol: tol,
    ops: [add, subtract, multiply, divide, floor_divide, remainder, power, maximum, minimum,
          arctan2, logaddexp, equal, not_equal, less, less_equal, greater, greater_equal,
          logical_and, logical_or, where_ = "where", clip]
}

fn known_bugs(device: &mlx::Device) {
    mlx_tests::run_known_bugs("binary", device, KNOWN_BUGS, &tol, &apply);
}

/// Operators give the same results as the named ops (`&a + &b`, `-&a`).
fn operators_match_named_ops(device: &mlx::Device) {
    let a = Array::from_host_data_on(vec![7i32, -7, 5].into(), &[3], *device).unwrap();
    let b = Array::from_host_data_on(vec![2i32, 2, -3].into(), &[3], *device).unwrap();
    // mx.array([7,-7,5]) + mx.array([2,2,-3]) -> [9, -5, 2]
    assert_eq!((&a + &b).unwrap().to_vec::<i32>().unwrap(), vec![9, -5, 2]);
    assert_eq!((&a - &b).unwrap().to_vec::<i32>().unwrap(), vec![5, -9, 8]);
    assert_eq!(
        (&a * &b).unwrap().to_vec::<i32>().unwrap(),
        vec![14, -14, -15]
    );
    // MLX: divide of ints gives float32; % follows Python's sign rule
    assert_eq!(
        (&a / &b).unwrap().to_vec::<f32>().unwrap(),
        vec![3.5, -3.5, 5.0 / -3.0]
    );
    assert_eq!((&a % &b).unwrap().to_vec::<i32>().unwrap(), vec![1, 1, -1]);
    assert_eq!((-&a).unwrap().to_vec::<i32>().unwrap(), vec![-7, 7, -5]);
    // chaining on Result<Array>
    let c = ((&a * &b) + &a).unwrap();
    assert_eq!(c.to_vec::<i32>().unwrap(), vec![21, -21, -10]);
}

mlx_tests::device_tests! {
    operators_match_named_ops,
    #[ignore = "bug: golden cases listed in KNOWN_BUGS fail because of crates/"]
    known_bugs,
}
