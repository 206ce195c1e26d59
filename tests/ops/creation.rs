//! Creation ops against MLX 0.32.4 goldens (`tests/golden/creation.json`):
//! `zeros`, `ones`, `full`, `*_like`, `arange`, `linspace`, `eye`,
//! `identity`, `tri` in every dtype. Creation ops use the default device.

use mlx::{ops, Array};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
/// They are skipped by the per-op tests and run by the ignored `known_bugs`.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn n(case: &Case, key: &str) -> usize {
    case.arg_i64(key)
        .unwrap_or_else(|| panic!("{}: {key}", case.name)) as usize
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let dtype = case.arg_dtype("dtype");
    let m = case.arg_i64("m");
    let k = case.arg_i64("k").unwrap_or(0);
    one(match case.op.as_str() {
        "zeros" => ops::zeros(&case.arg_usizes("shape"), dtype.expect("dtype")),
        "ones" => ops::ones(&case.arg_usizes("shape"), dtype.expect("dtype")),
        "full" => ops::full(
            &case.arg_usizes("shape"),
            case.arg_f64("value").expect("value"),
            dtype.expect("dtype"),
        ),
        "zeros_like" => ops::zeros_like(&x[0]),
        "ones_like" => ops::ones_like(&x[0]),
        "arange" => {
            if case.arg_bool("float") {
                let f = |key| case.arg_f64(key).expect("arange arg");
                ops::arange(f("start"), f("stop"), f("step"), dtype)
            } else {
                let i = |key| case.arg_i64(key).expect("arange arg");
                ops::arange(i("start"), i("stop"), i("step"), dtype)
            }
        }
        "linspace" => ops::linspace(
            case.arg_f64("start").expect("start"),
            case.arg_f64("stop").expect("stop"),
            case.arg_i64("num").expect("num"),
            // absent: MLX's default, endpoint=True
            case.args
                .get("endpoint")
                .and_then(|v| v.as_bool())
                .unwrap_or(true),
            dtype,
        ),
        "eye" => ops::eye(n(case, "n") as i64, m, k, dtype),
        "tri" => ops::tri(n(case, "n") as i64, m, k, dtype),
        "identity" => ops::identity(n(case, "n") as i64, dtype),
        other => panic!("unknown creation op {other}"),
    })
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "linspace" | "arange" => Tol::Elementwise,
        _ => Tol::Exact,
    }
}

/// Creation goldens have no array inputs, so only the contiguous layout.
fn creation_golden(device: &mlx::Device) {
    mlx_tests::run_golden(
        "creation",
        device,
        mlx_tests::Layout::Contiguous,
        &|c| !KNOWN_BUGS.iter().any(|(n, _)| *n == c.name),
        &tol,
        &apply,
    );
}

fn arange_float_step_has_ceil_length(_device: &mlx::Device) {
    // mx.arange(0, 1, 0.3) -> [0, 0.3, 0.6, 0.9]
    let a = ops::arange(0.0, 1.0, 0.3, None).unwrap();
    assert_eq!(a.shape(), &[4]);
    assert_eq!(a.dtype(), mlx::Dtype::Float32);
}

/// Shapes take any integer type; a negative size is an error naming the
/// op, except `reshape`'s one `-1`.
fn shape_arguments_check_sign(device: &mlx::Device) {
    let z =
        mlx::with_default_device(*device, || ops::zeros([2i64, 3], mlx::Dtype::Float32)).unwrap();
    assert_eq!(z.shape(), &[2, 3]);
    assert_eq!(z.reshape([-1]).unwrap().shape(), &[6]);
    assert_eq!(z.reshape(vec![3usize, 2]).unwrap().shape(), &[3, 2]);
    assert_eq!(z.broadcast_to([4, 2, 3]).unwrap().shape(), &[4, 2, 3]);
    for (op, err) in [
        (
            "zeros",
            ops::zeros([2, -3], mlx::Dtype::Float32).unwrap_err(),
        ),
        (
            "ones",
            ops::ones(vec![-1i64], mlx::Dtype::Int32).unwrap_err(),
        ),
        (
            "full",
            ops::full(-2, 1.0f32, mlx::Dtype::Float32).unwrap_err(),
        ),
        ("broadcast_to", z.broadcast_to([-1, 3]).unwrap_err()),
        ("eye", ops::eye(-1, None, 0, None).unwrap_err()),
        ("tri", ops::tri(2, Some(-2), 0, None).unwrap_err()),
        ("topk", ops::topk(&z, -1, -1).unwrap_err()),
        (
            "normal",
            mlx::random::normal([-2], mlx::Dtype::Float32, None, None, None).unwrap_err(),
        ),
    ] {
        let e = err.to_string();
        assert!(e.starts_with(&format!("[{op}]")), "{op}: {e}");
    }
}

mlx_tests::device_tests! {
    shape_arguments_check_sign,
    creation_golden,
    arange_float_step_has_ceil_length,
}
