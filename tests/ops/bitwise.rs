//! Bitwise ops against MLX 0.32.4 goldens (`tests/golden/bitwise.json`,
//! from `gen_bitwise.py`): every dtype (floats and complex are rejected as
//! in MLX), promotion, broadcasting, 0-d and size-0 inputs, integer
//! extremes, shift amounts past the width and negative, with contiguous,
//! transposed and negatively strided inputs; and the operators.

use mlx::{ops, Array, Dtype, HostData};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    one(match case.op.as_str() {
        "bitwise_and" => ops::bitwise_and(a, &x[1]),
        "bitwise_or" => ops::bitwise_or(a, &x[1]),
        "bitwise_xor" => ops::bitwise_xor(a, &x[1]),
        "left_shift" => ops::left_shift(a, &x[1]),
        "right_shift" => ops::right_shift(a, &x[1]),
        "bitwise_invert" => ops::bitwise_invert(a),
        other => panic!("unknown bitwise op {other}"),
    })
}

fn tol(_: &Case) -> Tol {
    Tol::Exact
}

mlx_tests::golden_op_tests! {
    family: "bitwise", apply: apply, tol: tol,
    ops: [bitwise_and, bitwise_or, bitwise_xor, left_shift, right_shift, bitwise_invert]
}

/// `&`, `|`, `^`, `<<`, `>>` and `!` call the bitwise ops, with weakly
/// typed scalars (MLX: `a & 3`, `a << 2`, `~a` on int8 stay int8).
fn operators_match_functions(device: &mlx::Device) {
    let a = Array::from_host_data_on(HostData::from(vec![12i8, -7, 5]), &[3], *device).unwrap();
    let b = Array::from_host_data_on(HostData::from(vec![10i8, 3, 1]), &[3], *device).unwrap();
    let v = |r: mlx::Result<Array>| {
        let r = r.unwrap();
        assert_eq!(r.dtype(), Dtype::Int8);
        r.to_vec::<i8>().unwrap()
    };
    // mx.array([12, -7, 5], mx.int8) & mx.array([10, 3, 1], mx.int8) etc.
    assert_eq!(v(&a & &b), vec![8, 1, 1]);
    assert_eq!(v(&a | &b), vec![14, -5, 5]);
    assert_eq!(v(&a ^ &b), vec![6, -6, 4]);
    assert_eq!(v(&a << &b), vec![0, -56, 10]);
    assert_eq!(v(&a >> &b), vec![0, -1, 2]);
    assert_eq!(v(!&a), vec![-13, 6, -6]);
    assert_eq!(v(&a & 3), vec![0, 1, 1]);
    assert_eq!(v(&a << 2), vec![48, -28, 20]);
    let err = (&a & 1.5).unwrap_err().to_string();
    assert!(
        err.starts_with("[bitwise_and] only allowed on integer or boolean types"),
        "{err}"
    );
    let f = Array::from_host_data_on(HostData::from(vec![1.0f32]), &[1], *device).unwrap();
    let err = (!&f).unwrap_err().to_string();
    assert!(err.starts_with("[bitwise_invert]"), "{err}");
}

mlx_tests::device_tests! { operators_match_functions }
