//! Extreme finite inputs and every-dtype rounding against MLX 0.32.4
//! goldens (`tests/golden/limits.json`, from `gen_limits.py`): every float
//! unary op at the largest finite float16/bfloat16/float32/float64 values
//! (`arcsinh`/`arccosh` overflowed to inf above about 1.7e38), binary ops
//! and composites of large values (`logaddexp`, `logsumexp`, `softmax`,
//! `logcumsumexp`), and `round` with negative and positive `decimals` on
//! every real dtype (integers were left unchanged for `decimals < 0`).

use mlx::{ops, Array};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    let axes = case.arg_i64s("axes");
    one(match case.op.as_str() {
        "abs" => ops::abs(a),
        "negative" => ops::negative(a),
        "sign" => ops::sign(a),
        "square" => ops::square(a),
        "sqrt" => ops::sqrt(a),
        "rsqrt" => ops::rsqrt(a),
        "reciprocal" => ops::reciprocal(a),
        "exp" => ops::exp(a),
        "expm1" => ops::expm1(a),
        "log" => ops::log(a),
        "log1p" => ops::log1p(a),
        "log2" => ops::log2(a),
        "log10" => ops::log10(a),
        "sin" => ops::sin(a),
        "cos" => ops::cos(a),
        "tan" => ops::tan(a),
        "arcsin" => ops::arcsin(a),
        "arccos" => ops::arccos(a),
        "arctan" => ops::arctan(a),
        "sinh" => ops::sinh(a),
        "cosh" => ops::cosh(a),
        "tanh" => ops::tanh(a),
        "arcsinh" => ops::arcsinh(a),
        "arccosh" => ops::arccosh(a),
        "arctanh" => ops::arctanh(a),
        "sigmoid" => ops::sigmoid(a),
        "erf" => ops::erf(a),
        "erfinv" => ops::erfinv(a),
        "floor" => ops::floor(a),
        "ceil" => ops::ceil(a),
        "round" => ops::round(a, case.arg_i64("decimals").unwrap_or(0) as i32),
        "logaddexp" => ops::logaddexp(a, &x[1]),
        "arctan2" => ops::arctan2(a, &x[1]),
        "remainder" => ops::remainder(a, &x[1]),
        "add" => ops::add(a, &x[1]),
        "subtract" => ops::subtract(a, &x[1]),
        "maximum" => ops::maximum(a, &x[1]),
        "logsumexp" => ops::logsumexp(a, axes.as_deref(), false),
        "softmax" => ops::softmax(a, axes.as_deref(), false),
        "logcumsumexp" => ops::logcumsumexp(a, case.arg_i64("axis"), false, true),
        other => panic!("unknown limits op {other}"),
    })
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "abs" | "negative" | "sign" | "floor" | "ceil" | "add" | "subtract" | "maximum" => {
            Tol::Exact
        }
        // MLX scales by 10^decimals in float32 and multiplies back by the
        // float32 reciprocal; integer results compare exactly.
        "round" => Tol::Elementwise,
        _ => Tol::Loose,
    }
}

mlx_tests::golden_op_tests! {
    family: "limits", apply: apply, tol: tol,
    ops: [abs, negative, sign, square, sqrt, rsqrt, reciprocal, exp, expm1, log, log1p, log2,
          log10, sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, arcsinh, arccosh,
          arctanh, sigmoid, erf, erfinv, floor, ceil, round, logaddexp, arctan2, remainder, add,
          subtract, maximum, logsumexp, softmax, logcumsumexp]
}

fn known_bugs(device: &mlx::Device) {
    mlx_tests::run_known_bugs("limits", device, KNOWN_BUGS, &tol, &apply);
}

mlx_tests::device_tests! { #[ignore = "known bugs of the limits family"] known_bugs }
