//! MLX 0.32.4's type promotion (`tests/golden/promotion.json`): the dtype
//! of `a + b` for all 14x14 dtype pairs, and weak typing of Rust scalars
//! (`int8 array + 2` stays int8, `int8 + 2.5` is float32, `bool + 1` is
//! int32), with the scalar on either side.

use mlx::{ops, Array, Dtype, HostData};
use mlx_tests::{check_case, parse_dtype, Case, Expected, Failures, Layout, Tol};

/// Promotion cases that fail because of a bug in `crates/`, with the reason
/// (empty now; when one is added, add an ignored test calling the checks
/// with `known = true`).
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn skip(case: &Case, known: bool) -> bool {
    KNOWN_BUGS.iter().any(|(n, _)| *n == case.name) != known
}

fn promotion_table(device: &mlx::Device, known: bool) {
    let mut failures = Failures::new();
    for case in mlx_tests::load("promotion").iter() {
        if case.op != "promote" || skip(case, known) {
            continue;
        }
        let (x, y) = (
            parse_dtype(case.args["a"].as_str().unwrap()),
            parse_dtype(case.args["b"].as_str().unwrap()),
        );
        let Expected::One(want) = &case.expected else {
            panic!("promote case without expected")
        };
        let outcome = (|| {
            if mlx_tests::is_gpu(device)
                && (mlx_tests::gpu_unsupported(x) || mlx_tests::gpu_unsupported(y))
            {
                // Only the table: a GPU holds neither float64 nor complex64.
                let table = Dtype::promote(x, y);
                if table != want.dtype() {
                    return Err(format!("{x} + {y}: expected {}, got {table}", want.dtype()));
                }
                return Ok(());
            }
            let a = Array::from_host_data_on(HostData::zeros(x, 1), &[1], *device).unwrap();
            let b = Array::from_host_data_on(HostData::zeros(y, 1), &[1], *device).unwrap();
            let got = ops::add(&a, &b).map_err(|e| e.to_string())?.dtype();
            let table = Dtype::promote(x, y);
            if got != want.dtype() || table != want.dtype() {
                return Err(format!(
                    "{x} + {y}: expected {}, got add -> {got}, Dtype::promote -> {table}",
                    want.dtype()
                ));
            }
            Ok(())
        })();
        failures.check(&case.name, outcome);
    }
    if !(known && KNOWN_BUGS.is_empty()) {
        failures.finish("promotion table");
    }
}

fn weak_op(case: &Case, a: &Array) -> mlx::Result<Array> {
    let lhs = case.arg_bool("scalar_lhs");
    let kind = case.args["scalar_kind"].as_str().unwrap();
    macro_rules! go {
        ($s:expr) => {{
            let s = $s;
            match (case.op.as_str(), lhs) {
                ("add", false) => a + s,
                ("subtract", false) => a - s,
                ("multiply", false) => a * s,
                ("divide", false) => a / s,
                ("remainder", false) => a % s,
                ("add", true) => s + a,
                ("subtract", true) => s - a,
                ("multiply", true) => s * a,
                ("divide", true) => s / a,
                ("remainder", true) => s % a,
                (op, _) => panic!("unknown weak-typing op {op}"),
            }
        }};
    }
    match kind {
        "int" => go!(case.arg_i64("scalar").unwrap()),
        "float" => go!(case.arg_f64("scalar").unwrap()),
        // Rust has no `bool + &Array`; `&Array + bool` is checked.
        "bool" if !lhs => {
            let s = case.args["scalar"].as_bool().unwrap();
            match case.op.as_str() {
                "add" => a + s,
                op => panic!("unknown weak-typing op {op}"),
            }
        }
        _ => Err(mlx::Error::invalid("test", "scalar kind not expressible")),
    }
}

fn weak_typing(device: &mlx::Device, known: bool) {
    let mut failures = Failures::new();
    for case in mlx_tests::load("promotion").iter() {
        if case.op == "promote" || skip(case, known) {
            continue;
        }
        if case.args["scalar_kind"] == "bool" && case.arg_bool("scalar_lhs") {
            continue;
        }
        assert!(
            matches!(case.expected, Expected::One(_)),
            "weak case without expected"
        );
        let apply = |c: &Case, ins: &[Array]| mlx_tests::one(weak_op(c, &ins[0]));
        let outcome = check_case(case, device, Layout::Contiguous, Tol::Elementwise, &apply)
            .expect("the contiguous layout always applies");
        failures.check(&case.name, outcome);
    }
    if !(known && KNOWN_BUGS.is_empty()) {
        failures.finish("weak scalar typing");
    }
}

fn promotion_table_all_pairs(device: &mlx::Device) {
    promotion_table(device, false);
}

fn weak_scalar_typing(device: &mlx::Device) {
    weak_typing(device, false);
}

fn int8_plus_int_stays_int8(device: &mlx::Device) {
    // (mx.array([1], dtype=mx.int8) + 2).dtype -> int8
    let a = Array::from_host_data_on(vec![1i8].into(), &[1], *device).unwrap();
    assert_eq!((&a + 2).unwrap().dtype(), Dtype::Int8);
    // (mx.array([1], dtype=mx.int8) + 2.5).dtype -> float32
    assert_eq!((&a + 2.5).unwrap().dtype(), Dtype::Float32);
}

fn float16_times_float_stays_float16(device: &mlx::Device) {
    // (mx.array([1.5], dtype=mx.float16) * 2.0).dtype -> float16
    let a = Array::from_host_data_on(vec![half::f16::from_f32(1.5)].into(), &[1], *device).unwrap();
    assert_eq!((&a * 2.0).unwrap().dtype(), Dtype::Float16);
}

fn bool_plus_int_is_int32(device: &mlx::Device) {
    // (mx.array([True]) + 1).dtype -> int32
    let a = Array::from_host_data_on(vec![true].into(), &[1], *device).unwrap();
    let r = (&a + 1).unwrap();
    assert_eq!(r.dtype(), Dtype::Int32);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![2]);
}

mlx_tests::device_tests! {
    promotion_table_all_pairs,
    weak_scalar_typing,
    int8_plus_int_stays_int8,
    float16_times_float_stays_float16,
    bool_plus_int_is_int32,
}
