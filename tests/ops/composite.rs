//! Composite ops (structure, products, einsum) against MLX 0.32.4 goldens
//! (`tests/golden/composite.json` and `composite_mm.json`, made by
//! `tests/golden/gen_composite.py`), with contiguous, transposed and
//! negatively strided inputs, plus error cases whose `[op]` prefix must
//! match MLX's.

use mlx::ops::{self, PadMode};
use mlx::{Array, Device, HostData};
use mlx_tests::serde_json::Value;
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn arg_str<'a>(case: &'a Case, key: &str) -> &'a str {
    case.args[key].as_str().expect("string arg")
}

fn arg_pairs(case: &Case, key: &str) -> Vec<(i64, i64)> {
    case.args[key]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| (p[0].as_i64().expect("int"), p[1].as_i64().expect("int")))
        .collect()
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|x| x.as_i64().expect("int"))
        .collect()
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    let refs: Vec<&Array> = x.iter().collect();
    let i = |k: &str| case.arg_i64(k).expect(k);
    match case.op.as_str() {
        "meshgrid" => {
            return ops::meshgrid(&refs, case.arg_bool("sparse"), arg_str(case, "indexing"))
        }
        "pad" => {
            let mode = PadMode::parse(arg_str(case, "mode"))?;
            let pw = arg_pairs(case, "pad_width");
            // A JSON int is a Python int (MLX range checks it against an
            // integer dtype), a float a float.
            return one(match case.args["constant_values"].as_i64() {
                Some(cv) => ops::pad(a, &pw, mode, cv),
                None => ops::pad(
                    a,
                    &pw,
                    mode,
                    case.arg_f64("constant_values").expect("value"),
                ),
            });
        }
        _ => {}
    }
    one(match case.op.as_str() {
        "tile" => ops::tile(a, &case.arg_i64s("reps").expect("reps")),
        "repeat" => ops::repeat(a, i("repeats"), case.arg_i64("axis")),
        "roll" => ops::roll(
            a,
            &case.arg_i64s("shift").expect("shift"),
            case.arg_i64s("axis").as_deref(),
        ),
        "tril" => ops::tril(a, i("k")),
        "triu" => ops::triu(a, i("k")),
        "diag" => ops::diag(a, i("k")),
        "diagonal" => ops::diagonal(a, i("offset"), i("axis1"), i("axis2")),
        "trace" => ops::trace(
            a,
            i("offset"),
            i("axis1"),
            i("axis2"),
            case.arg_dtype("dtype"),
        ),
        "atleast_1d" => ops::atleast_1d(a),
        "atleast_2d" => ops::atleast_2d(a),
        "atleast_3d" => ops::atleast_3d(a),
        "as_strided" => {
            let shape = case
                .arg_i64s("shape")
                .map(|v| v.into_iter().map(|d| d as usize).collect::<Vec<_>>());
            ops::as_strided(
                a,
                shape.as_deref(),
                case.arg_i64s("strides").as_deref(),
                i("offset") as usize,
            )
        }
        "unflatten" => ops::unflatten(a, i("axis"), &case.arg_i64s("shape").expect("shape")),
        "einsum" => ops::einsum(arg_str(case, "subscripts"), &refs),
        "tensordot" => match &case.args["axes"] {
            Value::Number(n) => ops::tensordot(a, &x[1], n.as_i64().expect("int")),
            v => ops::tensordot_axes(a, &x[1], &ints(&v[0]), &ints(&v[1])),
        },
        "inner" => ops::inner(a, &x[1]),
        "outer" => ops::outer(a, &x[1]),
        "kron" => ops::kron(a, &x[1]),
        "addmm" => ops::addmm(
            a,
            &x[1],
            &x[2],
            case.arg_f64("alpha").expect("alpha") as f32,
            case.arg_f64("beta").expect("beta") as f32,
        ),
        "gather_mm" => {
            let mut rest = x[2..].iter();
            let li = if case.arg_bool("lhs") {
                rest.next()
            } else {
                None
            };
            let ri = if case.arg_bool("rhs") {
                rest.next()
            } else {
                None
            };
            ops::gather_mm(a, &x[1], li, ri, false)
        }
        "block_masked_mm" => {
            let which: Vec<&str> = case.args["masks"]
                .as_array()
                .expect("masks")
                .iter()
                .map(|v| v.as_str().expect("name"))
                .collect();
            let get = |w: &str| which.iter().position(|m| *m == w).map(|p| &x[2 + p]);
            ops::block_masked_mm(
                a,
                &x[1],
                i("block_size") as usize,
                get("out"),
                get("lhs"),
                get("rhs"),
            )
        }
        "hadamard_transform" => ops::hadamard_transform(a, case.arg_f64("scale").map(|s| s as f32)),
        other => panic!("unknown composite op {other}"),
    })
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "trace" | "einsum" | "tensordot" | "inner" | "addmm" | "gather_mm" | "block_masked_mm"
        | "hadamard_transform" => Tol::Loose,
        "outer" | "kron" => Tol::Elementwise,
        _ => Tol::Exact,
    }
}

mlx_tests::golden_op_tests! {
    family: "composite", apply: apply, tol: tol,
    ops: [pad, tile, repeat, roll, tril, triu, diag, diagonal, trace, meshgrid,
          atleast_1d, atleast_2d, atleast_3d, as_strided, unflatten, einsum]
}

mlx_tests::golden_op_tests! {
    family: "composite_mm", apply: apply, tol: tol,
    ops: [tensordot, inner, outer, kron, addmm, gather_mm, block_masked_mm, hadamard_transform]
}

fn f32s(device: &Device, v: &[f32], shape: &[usize]) -> Array {
    Array::from_host_data_on(HostData::from(v.to_vec()), shape, *device).unwrap()
}

#[track_caller]
fn assert_prefix<T: std::fmt::Debug>(r: mlx::Result<T>, op: &str) {
    match r {
        Ok(v) => panic!("expected an [{op}] error, got Ok({v:?})"),
        Err(e) => assert_eq!(mlx_tests::error_prefix(&e.to_string()), op, "{e}"),
    }
}

fn pad_errors_name_the_op(device: &Device) {
    // MLX raises these without a prefix: "Invalid number of padding sizes
    // passed to pad with axes of size 2", "Invalid low padding size (-1) ...".
    let a = f32s(device, &[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    assert_prefix(ops::pad(&a, &[(1, 1); 3], PadMode::Constant, 0), "pad");
    assert_prefix(ops::pad(&a, &[(-1, 1)], PadMode::Constant, 0), "pad");
    assert_prefix(PadMode::parse("foo"), "pad");
    let e = f32s(device, &[], &[0, 2]);
    // MLX: "[pad] Cannot pad empty axis 0 using mode 'reflect'."; edge
    // padding on both sides gives zeros, on one side a broadcast error.
    assert_prefix(ops::pad(&e, &[(1, 1)], PadMode::Reflect, 0), "pad");
    assert_prefix(ops::pad(&e, &[(0, 1)], PadMode::Edge, 0), "pad");
    let i8s = ops::astype(&a, mlx::Dtype::Int8).unwrap();
    assert_prefix(ops::pad(&i8s, &[(1, 1)], PadMode::Edge, 300), "pad");
}

fn as_strided_out_of_range_is_an_error(device: &Device) {
    // MLX reads out of bounds here (undefined); we refuse.
    let a = f32s(device, &[1.0, 2.0, 3.0], &[3]);
    assert_prefix(ops::as_strided(&a, Some(&[2]), Some(&[3]), 0), "as_strided");
}

fn hadamard_36_is_an_error(device: &Device) {
    // 36 = 9 * 4 is not m * 2^k for m in (1, 12, 20, 28). MLX 0.32.4's CPU
    // kernel returns a non-orthogonal result for it; we refuse.
    let a = f32s(device, &[1.0; 36], &[36]);
    assert_prefix(ops::hadamard_transform(&a, None), "hadamard_transform");
}

fn einsum_output_label_missing(device: &Device) {
    let a = f32s(device, &[1.0; 4], &[2, 2]);
    assert_prefix(ops::einsum("ij->k", &[&a]), "einsum");
    assert_prefix(ops::einsum("i..j", &[&a]), "einsum");
}

fn composites_stay_on_the_input_device(device: &Device) {
    let a = f32s(device, &[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    for out in [
        ops::tril(&a, 0).unwrap(),
        ops::diag(&ops::flatten(&a, 0, -1).unwrap(), 1).unwrap(),
        ops::pad(&a, &[(1, 1)], PadMode::Edge, 0).unwrap(),
        ops::einsum("ij,jk", &[&a, &a]).unwrap(),
    ] {
        assert_eq!(out.device(), *device);
    }
}

mlx_tests::device_tests! {
    pad_errors_name_the_op,
    as_strided_out_of_range_is_an_error,
    hadamard_36_is_an_error,
    einsum_output_label_missing,
    composites_stay_on_the_input_device,
    einsum_path_matches_mlx,
}

/// `mx.einsum_path(sub, *[mx.ones(s) for s in shapes])` in MLX 0.32.4:
/// `(subscripts, shapes, path, naive scaling, optimized scaling, naive
/// FLOP count, optimized FLOP count)`.
#[allow(clippy::type_complexity)]
const EINSUM_PATHS: &[(&str, &[&[usize]], &[&[usize]], usize, usize, usize, usize)] = &[
    (
        "ij,jk,kl->il",
        &[&[2, 3], &[3, 4], &[4, 5]],
        &[&[1, 2], &[0, 1]],
        4,
        3,
        360,
        180,
    ),
    (
        "ab,bc,cd,de->ae",
        &[&[2, 2], &[2, 3], &[3, 2], &[2, 2]],
        &[&[1, 2], &[0, 2], &[0, 1]],
        5,
        3,
        192,
        56,
    ),
    (
        "i,j,k->ijk",
        &[&[2], &[3], &[4]],
        &[&[0, 1], &[0, 1]],
        3,
        3,
        48,
        30,
    ),
    ("ii", &[&[3, 3]], &[&[0]], 1, 1, 6, 6),
    (
        "...ij,...jk",
        &[&[5, 2, 3], &[3, 4]],
        &[&[0, 1]],
        4,
        4,
        240,
        240,
    ),
    (
        "ij,kl,jk",
        &[&[2, 3], &[4, 5], &[3, 4]],
        &[&[1, 2], &[0, 1]],
        4,
        3,
        360,
        180,
    ),
    (
        "abc,cd,db,a->",
        &[&[3, 4, 5], &[5, 6], &[6, 4], &[3]],
        &[&[0, 3], &[0, 1], &[0, 1]],
        4,
        3,
        1440,
        400,
    ),
];

fn einsum_path_matches_mlx(device: &Device) {
    for &(sub, shapes, path, ns, os, nc, oc) in EINSUM_PATHS {
        let ops_: Vec<Array> = shapes
            .iter()
            .map(|s| {
                let n: usize = s.iter().product();
                f32s(device, &vec![1.0; n], s)
            })
            .collect();
        let refs: Vec<&Array> = ops_.iter().collect();
        let (p, text) = ops::einsum_path(sub, &refs).unwrap();
        let want: Vec<Vec<usize>> = path.iter().map(|s| s.to_vec()).collect();
        assert_eq!(p, want, "{sub}");
        let want_text = format!(
            "  Complete contraction:  {sub}\n         Naive scaling:  {ns}\n     Optimized scaling:  {os}\n      Naive FLOP count:  {nc}\n  Optimized FLOP count:  {oc}\n"
        );
        assert_eq!(text, want_text, "{sub}");
        // einsum follows that path; the value matches a product of ones.
        let y = ops::einsum(sub, &refs).unwrap();
        assert!(
            y.to_vec::<f32>().unwrap().iter().all(|v| *v >= 1.0),
            "{sub}"
        );
    }
    assert_prefix(ops::einsum_path("ij,jk", &[]), "einsum_path");
}
