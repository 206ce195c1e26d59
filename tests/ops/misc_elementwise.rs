//! Elementwise helpers MLX composes from other ops (`divmod`, `degrees`,
//! `radians`, `nan_to_num`, `isclose`, `allclose`, `array_equal`,
//! `isposinf`, `isneginf`, `real`, `imag`, `conj`) and `view` (bit
//! reinterpretation between every pair of dtypes) against MLX 0.32.4
//! goldens (`tests/golden/misc_elementwise.json`, from
//! `gen_misc_elementwise.py`): every dtype, NaN/inf, complex parts, 0-d,
//! size-0 and broadcast inputs, with contiguous, transposed and negatively
//! strided inputs; and `issubdtype`'s category hierarchy.

use mlx::{ops, Array, Dtype, DtypeCategory as C};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn close_args(case: &Case) -> (f64, f64, bool) {
    (
        case.arg_f64("rtol").unwrap_or(1e-5),
        case.arg_f64("atol").unwrap_or(1e-8),
        case.arg_bool("equal_nan"),
    )
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    let (rtol, atol, equal_nan) = close_args(case);
    match case.op.as_str() {
        "divmod" => ops::divmod(a, &x[1]).map(|(q, r)| vec![q, r]),
        "floor_divide" => one(ops::floor_divide(a, &x[1])),
        "degrees" => one(ops::degrees(a)),
        "radians" => one(ops::radians(a)),
        "isposinf" => one(ops::isposinf(a)),
        "isneginf" => one(ops::isneginf(a)),
        "real" => one(ops::real(a)),
        "imag" => one(ops::imag(a)),
        "conj" => one(ops::conj(a)),
        "nan_to_num" => one(ops::nan_to_num(
            a,
            case.arg_f64("nan").unwrap_or(0.0),
            case.arg_f64("posinf"),
            case.arg_f64("neginf"),
        )),
        "isclose" => one(ops::isclose(a, &x[1], rtol, atol, equal_nan)),
        "allclose" => one(ops::allclose(a, &x[1], rtol, atol, equal_nan)),
        "array_equal" => one(ops::array_equal(a, &x[1], equal_nan)),
        "view" => one(ops::view(
            a,
            case.arg_dtype("dtype").expect("view cases name a dtype"),
        )),
        other => panic!("unknown op {other}"),
    }
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "degrees" | "radians" => Tol::Elementwise,
        _ => Tol::Exact,
    }
}

mlx_tests::golden_op_tests! {
    family: "misc_elementwise", apply: apply, tol: tol,
    ops: [divmod, floor_divide, degrees, radians, isposinf, isneginf, real, imag, conj,
          nan_to_num, isclose, allclose, array_equal, view]
}

/// MLX: `mx.issubdtype(d, c)` for each dtype and category (bool is only
/// `generic`; `issubdtype(floating, inexact)` is true).
#[test]
fn issubdtype_matches_mlx_hierarchy() {
    use mlx::issubdtype;
    let cats = [
        C::Generic,
        C::Number,
        C::Integer,
        C::SignedInteger,
        C::UnsignedInteger,
        C::Floating,
        C::ComplexFloating,
        C::Inexact,
    ];
    // Rows: bool, uint8, int32, float16, bfloat16, float32, complex64;
    // columns in `cats` order. From
    // [[mx.issubdtype(d, c) for c in cats] for d in dtypes].
    let table: [(Dtype, [bool; 8]); 7] = [
        (
            Dtype::Bool,
            [true, false, false, false, false, false, false, false],
        ),
        (
            Dtype::Uint8,
            [true, true, true, false, true, false, false, false],
        ),
        (
            Dtype::Int32,
            [true, true, true, true, false, false, false, false],
        ),
        (
            Dtype::Float16,
            [true, true, false, false, false, true, false, true],
        ),
        (
            Dtype::Bfloat16,
            [true, true, false, false, false, true, false, true],
        ),
        (
            Dtype::Float32,
            [true, true, false, false, false, true, false, true],
        ),
        (
            Dtype::Complex64,
            [true, true, false, false, false, false, true, true],
        ),
    ];
    for (d, row) in table {
        for (c, want) in cats.iter().zip(row) {
            assert_eq!(issubdtype(d, *c), want, "issubdtype({d}, {c:?})");
        }
    }
    assert!(C::Floating.is_sub(C::Inexact));
    assert!(C::SignedInteger.is_sub(C::Number));
    assert!(!C::Number.is_sub(C::Floating));
    assert!(!C::Integer.is_sub(C::Inexact));
}

/// `isclose` with shapes that do not broadcast fails (MLX:
/// `[broadcast_shapes] Shapes (2) and (3) cannot be broadcast.`).
#[test]
fn isclose_bad_shapes_is_an_error() {
    let a = Array::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
    let b = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3]).unwrap();
    assert!(ops::isclose(&a, &b, 1e-5, 1e-8, false).is_err());
    assert!(ops::allclose(&a, &b, 1e-5, 1e-8, false).is_err());
}
