//! Basic slicing (integers, ranges with negative steps, new axes,
//! ellipsis), `take` and `take_along_axis` against MLX 0.32.4 goldens
//! (`tests/golden/indexing.json`), with contiguous, transposed and
//! negatively strided inputs.

use mlx::ops::{self, SliceArg};
use mlx::Array;
use mlx_tests::serde_json::Value;
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
/// Empty now; when one is added, also add an ignored test as in unary.rs.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// The golden encoding of a Python index tuple as `SliceArg`s.
fn slice_args(spec: &Value) -> Vec<SliceArg> {
    spec.as_array()
        .expect("index list")
        .iter()
        .map(|it| match it {
            Value::String(s) if s == "newaxis" => SliceArg::NewAxis,
            Value::String(s) if s == "..." => SliceArg::Ellipsis,
            Value::Object(o) if o.contains_key("index") => {
                SliceArg::Index(o["index"].as_i64().expect("int"))
            }
            Value::Object(o) => {
                let s = &o["slice"];
                SliceArg::range(s[0].as_i64(), s[1].as_i64(), s[2].as_i64().expect("step"))
            }
            other => panic!("bad index item {other}"),
        })
        .collect()
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    one(match case.op.as_str() {
        "index" => ops::index(a, &slice_args(&case.args["index"])),
        "take" => ops::take(a, &x[1], case.arg_i64("axis")),
        "take_along_axis" => ops::take_along_axis(a, &x[1], case.arg_i64("axis")),
        other => panic!("unknown indexing op {other}"),
    })
}

fn tol(_case: &Case) -> Tol {
    Tol::Exact
}

mlx_tests::golden_op_tests! {
    family: "indexing", apply: apply, tol: tol,
    ops: [index, take, take_along_axis]
}

fn index_negative_step_of_transposed_view(device: &mlx::Device) {
    // a = mx.arange(6).reshape(2, 3).T; a[::-1, 1] -> [5, 4, 3]
    let a =
        Array::from_host_data_on((0..6).collect::<Vec<i32>>().into(), &[2, 3], *device).unwrap();
    let t = ops::transpose(&a, ()).unwrap();
    let r = ops::index(&t, &[SliceArg::range(None, None, -1), SliceArg::Index(1)]).unwrap();
    assert_eq!(r.shape(), &[3]);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![5, 4, 3]);
}

fn take_out_of_range_index_errors_at_eval_not_panic(device: &mlx::Device) {
    // MLX clamps/UBs here; our contract: an error (at build or eval), never a panic.
    let a = Array::from_host_data_on(vec![1.0f32, 2.0, 3.0].into(), &[3], *device).unwrap();
    let i = Array::from_host_data_on(vec![0i32, 7].into(), &[2], *device).unwrap();
    let outcome = std::panic::catch_unwind(|| ops::take(&a, &i, 0).and_then(|t| t.to_vec::<f32>()));
    match outcome {
        Ok(Err(e)) => assert!(e.to_string().starts_with('['), "error text {e}"),
        Ok(Ok(v)) => panic!("out-of-range take returned values {v:?}"),
        Err(_) => panic!("out-of-range take panicked"),
    }
}

mlx_tests::device_tests! {
    index_negative_step_of_transposed_view,
    take_out_of_range_index_errors_at_eval_not_panic,
}
