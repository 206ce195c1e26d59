//! Edge semantics the differential fuzz (`gen_fuzz.py`) found, against MLX
//! 0.32.4 goldens (`tests/golden/edge_cases.json`, from
//! `gen_edge_cases.py`): `flatten`'s axis clamping, `pad` of empty arrays
//! per mode and its overflow check on integer constants, `concatenate` of
//! one array with any axis, `argmax`/`argmin` of empty inputs, `median`
//! with an empty axis list, `clip` with int and float bounds mixed, and the
//! weak typing of integer scalars next to every dtype (range checked for
//! 1-, 2- and 4-byte integers, wrapped for `int64`/`uint64`, wrapped into
//! `int32` next to `bool`).

use mlx::ops::{self, IntoOperand, Operand, PadMode};
use mlx::Array;
use mlx_tests::{one, Case, Tol};
use serde_json::Value;

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// A JSON scalar as MLX's Python sees it: an int stays an integer weak
/// scalar, a float a float one; `null` is no value.
fn scalar(v: &Value) -> Option<Operand> {
    if v.is_null() {
        None
    } else if let Some(i) = v.as_i64() {
        Some(i.into_operand())
    } else {
        Some(v.as_f64().expect("number").into_operand())
    }
}

fn arg_scalar(case: &Case, key: &str) -> Option<Operand> {
    scalar(&case.args[key])
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    let refs: Vec<&Array> = x.iter().collect();
    let k = || arg_scalar(case, "scalar").expect("scalar");
    one(match case.op.as_str() {
        "flatten" => ops::flatten(
            a,
            case.arg_i64("start_axis").expect("start"),
            case.arg_i64("end_axis").expect("end"),
        ),
        "pad" => {
            let mode = PadMode::parse(case.args["mode"].as_str().expect("mode"))?;
            let pw: Vec<(i64, i64)> = case.args["pad_width"]
                .as_array()
                .expect("pairs")
                .iter()
                .map(|p| (p[0].as_i64().expect("lo"), p[1].as_i64().expect("hi")))
                .collect();
            let cv = &case.args["constant_values"];
            match cv.as_i64() {
                Some(i) => ops::pad(a, &pw, mode, i),
                None => ops::pad(a, &pw, mode, cv.as_f64().expect("number")),
            }
        }
        "concatenate" => ops::concatenate(&refs, case.arg_i64("axis")),
        "argmax" => ops::argmax(a, case.arg_i64("axis"), case.arg_bool("keepdims")),
        "argmin" => ops::argmin(a, case.arg_i64("axis"), case.arg_bool("keepdims")),
        "median" => ops::median(a, case.arg_i64s("axes"), case.arg_bool("keepdims")),
        "clip" => ops::clip(a, arg_scalar(case, "a_min"), arg_scalar(case, "a_max")),
        "add" => ops::add(a, k()),
        "subtract" => ops::subtract(k(), a),
        "multiply" => ops::multiply(a, k()),
        "divide" => ops::divide(a, k()),
        "maximum" => ops::maximum(a, k()),
        "equal" => ops::equal(a, k()),
        "where" => {
            let c = Array::from_slice(&[true, false], &[2])?;
            ops::where_(&c, a, k())
        }
        other => panic!("unknown edge_cases op {other}"),
    })
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "divide" | "median" => Tol::Elementwise,
        _ => Tol::Exact,
    }
}

mlx_tests::golden_op_tests! {
    family: "edge_cases", apply: apply, tol: tol,
    ops: [flatten, pad, concatenate, argmax, argmin, median, clip, add, subtract, multiply,
          divide, maximum, equal, where_ = "where"]
}
