//! Advanced indexing (index arrays, NumPy's placement rule), assignment
//! through an index, `at[]` updates with duplicate indices, dynamic
//! `slice`/`slice_update` and `put_along_axis` against MLX 0.32.4 goldens
//! (`tests/golden/indexing_adv.json`, from `gen_indexing_adv.py`), plus
//! the cases where MLX is undefined (out-of-bounds indices: ours errors).

use mlx::ops::{self, SliceArg};
use mlx::{Array, Dtype};
use mlx_tests::serde_json::Value;
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// The golden encoding of an index tuple; `{"array": k}` is input `k`.
fn slice_args(spec: &Value, x: &[Array]) -> Vec<SliceArg> {
    spec.as_array()
        .expect("index list")
        .iter()
        .map(|it| match it {
            Value::String(s) if s == "newaxis" => SliceArg::NewAxis,
            Value::String(s) if s == "..." => SliceArg::Ellipsis,
            Value::Object(o) if o.contains_key("index") => {
                SliceArg::Index(o["index"].as_i64().expect("int"))
            }
            Value::Object(o) if o.contains_key("array") => {
                SliceArg::Array(x[o["array"].as_u64().expect("k") as usize].clone())
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
    let last = x.last().expect("inputs");
    let op = case.op.as_str();
    if let Some(at_op) = op.strip_prefix("at_") {
        let at = a.at(&slice_args(&case.args["index"], x));
        return one(match at_op {
            "add" => at.add(last),
            "subtract" => at.subtract(last),
            "multiply" => at.multiply(last),
            "divide" => at.divide(last),
            "maximum" => at.maximum(last),
            "minimum" => at.minimum(last),
            other => panic!("unknown at op {other}"),
        });
    }
    one(match op {
        "index" => ops::index(a, &slice_args(&case.args["index"], x)),
        "index_put" => ops::index_put(a, &slice_args(&case.args["index"], x), last),
        "slice" => {
            let axes = case.arg_i64s("axes").expect("axes");
            ops::slice(a, &x[1], &axes, &case.arg_usizes("slice_size"))
        }
        "slice_update" => {
            let axes = case.arg_i64s("axes").expect("axes");
            ops::slice_update(a, &x[1], &x[2], &axes)
        }
        "put_along_axis" => ops::put_along_axis(a, &x[1], &x[2], case.arg_i64("axis")),
        other => panic!("unknown op {other}"),
    })
}

fn tol(case: &Case) -> Tol {
    // Duplicate updates of half types round after every step, as MLX.
    if case.op.starts_with("at_") {
        Tol::Elementwise
    } else {
        Tol::Exact
    }
}

mlx_tests::golden_op_tests! {
    family: "indexing_adv", apply: apply, tol: tol,
    ops: [index, index_put, at_add, at_subtract, at_multiply, at_divide, at_maximum,
          at_minimum, slice, slice_update, put_along_axis]
}

fn on(device: &mlx::Device, v: Vec<i32>, shape: &[usize]) -> Array {
    Array::from_host_data_on(v.into(), shape, *device).unwrap()
}

/// An error from building or evaluating, never a panic or values.
fn assert_errors(what: &str, f: impl FnOnce() -> mlx::Result<Vec<f32>>) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Err(e)) => assert!(e.to_string().starts_with('['), "{what}: error text {e}"),
        Ok(Ok(v)) => panic!("{what}: returned values {v:?}"),
        Err(_) => panic!("{what}: panicked"),
    }
}

fn out_of_bounds_index_arrays_error(device: &mlx::Device) {
    // MLX reads/writes out of bounds here (undefined); ours errors.
    let a = Array::from_host_data_on(vec![1.0f32; 6].into(), &[2, 3], *device).unwrap();
    let big = on(device, vec![0, 2], &[2]);
    let neg = on(device, vec![-3], &[1]);
    let args = |i: &Array| vec![SliceArg::Array(i.clone())];
    assert_errors("index", || ops::index(&a, &args(&big))?.to_vec());
    assert_errors("index neg", || ops::index(&a, &args(&neg))?.to_vec());
    let v = Array::from_scalar(1.0f32);
    assert_errors("index_put", || {
        ops::index_put(&a, &args(&big), &v)?.to_vec()
    });
    assert_errors("at add", || a.at(&args(&neg)).add(&v)?.to_vec());
    let start = on(device, vec![2], &[1]);
    assert_errors("slice", || ops::slice(&a, &start, &[1], &[2, 2])?.to_vec());
    assert_errors("slice_update", || {
        ops::slice_update(&a, &v, &start, &[0])?.to_vec()
    });
    let i = on(device, vec![3, 0], &[1, 2]);
    assert_errors("put_along_axis", || {
        ops::put_along_axis(&a, &i, &v, Some(1))?.to_vec()
    });
}

fn boolean_mask_index_is_a_clear_error(device: &mlx::Device) {
    let a = on(device, vec![1, 2, 3], &[3]);
    let m = Array::from_host_data_on(vec![true, false, true].into(), &[3], *device).unwrap();
    let e = ops::index(&a, &[SliceArg::Array(m.clone())]).unwrap_err();
    assert!(e.to_string().starts_with("[index] boolean indices"), "{e}");
    let e = a.at(&[SliceArg::Array(m)]).add(&a).unwrap_err();
    assert!(e.to_string().contains("boolean"), "{e}");
}

fn slice_update_static_negative_step(device: &mlx::Device) {
    // a = mx.zeros(5, int32); mx.slice_update(a, mx.array([1, 2]), [4], [0], [-3]) -> [0, 2, 0, 0, 1]
    let a = on(device, vec![0; 5], &[5]);
    let u = on(device, vec![1, 2], &[2]);
    let s = ops::slice_update_strided(&a, &u, &[4], &[0], &[-3]).unwrap();
    assert_eq!(s.to_vec::<i32>().unwrap(), vec![0, 2, 0, 0, 1]);
    // 2-d, step 1 windows: a[1:3, 0:2] = 7
    let b = on(device, vec![0; 12], &[3, 4]);
    let s = ops::slice_update_strided(&b, &Array::from_scalar(7i32), &[1, 0], &[3, 2], &[1, 1])
        .unwrap();
    assert_eq!(
        s.to_vec::<i32>().unwrap(),
        vec![0, 0, 0, 0, 7, 7, 0, 0, 7, 7, 0, 0]
    );
}

fn scatter_windows_and_errors(device: &mlx::Device) {
    // mx scatter_add (C++): windows of 2 starting at the index, duplicates add.
    let a = on(device, vec![0; 6], &[6]);
    let i = on(device, vec![0, 3, 3], &[3]);
    let u = on(device, vec![1, 2, 3, 4, 5, 6], &[3, 2]);
    let s = ops::scatter_add(&a, std::slice::from_ref(&i), &u, &[0]).unwrap();
    assert_eq!(s.to_vec::<i32>().unwrap(), vec![1, 2, 0, 8, 10, 0]);
    let e = ops::scatter(&a, std::slice::from_ref(&i), &u, &[0, 0]).unwrap_err();
    assert!(e.to_string().starts_with("[scatter] "), "{e}");
    let f = Array::from_host_data_on(vec![0.0f32; 3].into(), &[3], *device).unwrap();
    let e = ops::scatter_max(&a, &[f], &u, &[0]).unwrap_err();
    assert!(e.to_string().starts_with("[scatter_max] "), "{e}");
    let e = ops::scatter_min(&a, &[i], &on(device, vec![1; 3], &[3]), &[0]).unwrap_err();
    assert!(e.to_string().starts_with("[scatter_min] "), "{e}");
}

fn index_advanced_on_non_contiguous_views(device: &mlx::Device) {
    // a = mx.arange(12).reshape(3, 4).T[::-1]; a[mx.array([0, 2]), 1:] -> [[7, 11], [5, 9]]
    let a = on(device, (0..12).collect(), &[3, 4]);
    let t = a
        .t()
        .unwrap()
        .index(&[SliceArg::range(None, None, -1)])
        .unwrap();
    let i = on(device, vec![0, 2], &[2]);
    let r = t
        .index(&[
            SliceArg::Array(i.clone()),
            SliceArg::range(Some(1), None, 1),
        ])
        .unwrap();
    assert_eq!(r.shape(), &[2, 2]);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![7, 11, 5, 9]);
    // t.at[i, 0].add(100) with t a view: t = [[3,7,11],[2,6,10],[1,5,9],[0,4,8]]
    let u = t
        .at(&[SliceArg::Array(i), SliceArg::Index(0)])
        .add(&Array::from_scalar(100i32))
        .unwrap();
    assert_eq!(
        u.to_vec::<i32>().unwrap(),
        vec![103, 7, 11, 2, 6, 10, 101, 5, 9, 0, 4, 8]
    );
    assert_eq!(u.dtype(), Dtype::Int32);
}

mlx_tests::device_tests! {
    out_of_bounds_index_arrays_error,
    boolean_mask_index_is_a_clear_error,
    slice_update_static_negative_step,
    scatter_windows_and_errors,
    index_advanced_on_non_contiguous_views,
}
