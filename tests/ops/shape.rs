//! Shape ops and `astype` against MLX 0.32.4 goldens
//! (`tests/golden/shape.json`), with contiguous, transposed and negatively
//! strided inputs (so views of views are checked too).

use mlx::ops::{self, SplitSpec};
use mlx::Array;
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
/// They are skipped by the per-op tests and run by the ignored `known_bugs`.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    let refs: Vec<&Array> = x.iter().collect();
    let axis = || case.arg_i64("axis").expect("axis");
    if case.op == "split" {
        let spec = match case.arg_i64("sections") {
            Some(k) => SplitSpec::Sections(k as usize),
            None => SplitSpec::Indices(case.arg_i64s("indices").expect("indices")),
        };
        return ops::split(a, spec, axis());
    }
    one(match case.op.as_str() {
        "reshape" => ops::reshape(a, &case.arg_i64s("shape").expect("shape")),
        "flatten" => ops::flatten(
            a,
            case.arg_i64("start_axis").expect("start"),
            case.arg_i64("end_axis").expect("end"),
        ),
        "squeeze" => ops::squeeze(a, case.arg_i64s("axes").as_deref()),
        "expand_dims" => ops::expand_dims(a, &case.arg_i64s("axes").expect("axes")),
        "transpose" => ops::transpose(a, case.arg_i64s("axes").as_deref()),
        "swapaxes" => ops::swapaxes(
            a,
            case.arg_i64("axis1").expect("axis1"),
            case.arg_i64("axis2").expect("axis2"),
        ),
        "moveaxis" => ops::moveaxis(
            a,
            case.arg_i64("source").expect("source"),
            case.arg_i64("destination").expect("destination"),
        ),
        "broadcast_to" => ops::broadcast_to(a, &case.arg_usizes("shape")),
        "concatenate" => ops::concatenate(&refs, case.arg_i64("axis")),
        "stack" => ops::stack(&refs, axis()),
        "astype" => ops::astype(a, case.arg_dtype("dtype").expect("dtype")),
        other => panic!("unknown shape op {other}"),
    })
}

fn tol(_case: &Case) -> Tol {
    Tol::Exact
}

mlx_tests::golden_op_tests! {
    family: "shape", apply: apply, tol: tol,
    ops: [reshape, flatten, squeeze, expand_dims, transpose, swapaxes, moveaxis,
          broadcast_to, concatenate, stack, split, astype]
}

fn reshape_infers_minus_one(device: &mlx::Device) {
    // mx.arange(6).reshape(-1, 2).shape -> (3, 2)
    let a = Array::from_host_data_on((0..6).collect::<Vec<i32>>().into(), &[6], *device).unwrap();
    let r = ops::reshape(&a, &[-1, 2]).unwrap();
    assert_eq!(r.shape(), &[3, 2]);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![0, 1, 2, 3, 4, 5]);
}

fn astype_non_contiguous_keeps_logical_order(device: &mlx::Device) {
    // mx.arange(6).reshape(2, 3).T.astype(mx.float16) -> [[0,3],[1,4],[2,5]]
    let a =
        Array::from_host_data_on((0..6).collect::<Vec<i32>>().into(), &[2, 3], *device).unwrap();
    let t = ops::transpose(&a, ()).unwrap();
    let h = ops::astype(&t, mlx::Dtype::Float32).unwrap();
    assert_eq!(
        h.to_vec::<f32>().unwrap(),
        vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    );
}

mlx_tests::device_tests! {
    reshape_infers_minus_one,
    astype_non_contiguous_keeps_logical_order,
}
