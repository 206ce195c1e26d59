//! Convolutions against MLX 0.32.4 goldens (`tests/golden/conv.json`, made
//! by `tests/golden/gen_composite.py`): strides, symmetric and asymmetric
//! (and negative) padding, kernel and input dilation, groups, flips,
//! transposed convolutions, NumPy-style `convolve`, half types, and MLX's
//! `[conv]` errors.

use mlx::ops;
use mlx::Array;
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// A per-axis argument: an int or a list.
fn per_axis(case: &Case, key: &str) -> Vec<i64> {
    case.arg_i64s(key)
        .or_else(|| case.arg_i64(key).map(|v| vec![v]))
        .unwrap_or_else(|| panic!("{}: missing {key}", case.name))
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let (a, w) = (&x[0], &x[1]);
    let i = |k: &str| case.arg_i64(k).expect(k);
    let p = |k: &str| per_axis(case, k);
    one(match case.op.as_str() {
        "conv1d" => ops::conv1d(a, w, i("stride"), i("padding"), i("dilation"), i("groups")),
        "conv2d" => ops::conv2d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            i("groups"),
        ),
        "conv3d" => ops::conv3d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            i("groups"),
        ),
        "conv_general" => ops::conv_general(
            a,
            w,
            &p("stride"),
            &p("padding_lo"),
            &p("padding_hi"),
            &p("kernel_dilation"),
            &p("input_dilation"),
            i("groups"),
            case.arg_bool("flip"),
        ),
        "conv_transpose1d" => ops::conv_transpose1d(
            a,
            w,
            i("stride"),
            i("padding"),
            i("dilation"),
            i("output_padding"),
            i("groups"),
        ),
        "conv_transpose2d" => ops::conv_transpose2d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            &p("output_padding"),
            i("groups"),
        ),
        "conv_transpose3d" => ops::conv_transpose3d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            &p("output_padding"),
            i("groups"),
        ),
        "convolve" => ops::convolve(a, w, case.args["mode"].as_str().expect("mode")),
        other => panic!("unknown conv op {other}"),
    })
}

fn tol(_case: &Case) -> Tol {
    Tol::Loose
}

mlx_tests::golden_op_tests! {
    family: "conv", apply: apply, tol: tol,
    ops: [conv1d, conv2d, conv3d, conv_general, conv_transpose1d, conv_transpose2d,
          conv_transpose3d, convolve]
}
