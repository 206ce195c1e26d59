//! Errors name the op the caller called, never an op it delegates to
//! (issue 12: `tile` said `[reshape]`, `slice_update` `[broadcast_to]`,
//! `linspace` `[arange]`). Each composite is called with an argument its
//! inner ops reject and the `[op]` prefix is checked; the expected prefix
//! is the name of the function called (style rule 8).

use mlx::ops::{self, PadMode, SliceArg, SplitSpec};
use mlx::{Array, Device, Dtype, HostData};
use mlx_tests::error_prefix;

fn f32s(d: &Device, shape: &[usize]) -> Array {
    let n = shape.iter().product::<usize>();
    let v: Vec<f32> = (0..n).map(|i| i as f32).collect();
    Array::from_host_data_on(HostData::from(v), shape, *d).unwrap()
}

fn i32s(d: &Device, v: &[i32], shape: &[usize]) -> Array {
    Array::from_host_data_on(HostData::from(v.to_vec()), shape, *d).unwrap()
}

/// One call that must fail with `[op]`.
type Call<'a> = (&'static str, Box<dyn Fn() -> mlx::Result<Vec<Array>> + 'a>);

fn one(r: mlx::Result<Array>) -> mlx::Result<Vec<Array>> {
    r.map(|a| vec![a])
}

fn composites_name_themselves(d: &Device) {
    let a = f32s(d, &[2, 3]);
    let v4 = f32s(d, &[4]);
    let m33 = f32s(d, &[3, 3]);
    let a3 = f32s(d, &[2, 3, 4]);
    let idx = i32s(d, &[0], &[1, 1]);
    let calls: Vec<Call> = vec![
        ("tile", Box::new(|| one(ops::tile(&a, &[i64::MAX, 2])))),
        (
            "tile",
            Box::new(|| one(ops::tile(&a, &[1i64 << 40, 1 << 40]))),
        ),
        (
            "slice_update",
            Box::new(|| {
                one(ops::slice_update_strided(
                    &a,
                    &m33,
                    &[0, 0],
                    &[2, 3],
                    &[1, 1],
                ))
            }),
        ),
        (
            "slice_update",
            Box::new(|| {
                one(ops::slice_update(
                    &a,
                    &f32s(d, &[4]),
                    &i32s(d, &[0], &[1]),
                    &[0],
                ))
            }),
        ),
        (
            "linspace",
            Box::new(|| one(ops::linspace(0.0, 1.0, 1 << 40, true, None))),
        ),
        (
            "isclose",
            Box::new(|| one(ops::isclose(&a, &v4, 1e-5, 1e-8, false))),
        ),
        (
            "allclose",
            Box::new(|| one(ops::allclose(&a, &v4, 1e-5, 1e-8, false))),
        ),
        (
            "divmod",
            Box::new(|| ops::divmod(&a, &v4).map(|(q, r)| vec![q, r])),
        ),
        (
            "addmm",
            Box::new(|| one(ops::addmm(&v4, &a, &a.t()?, 1.0, 1.0))),
        ),
        ("tensordot", Box::new(|| one(ops::tensordot(&a, &a, 1)))),
        ("tensordot", Box::new(|| one(ops::tensordot(&a, &a, 3)))),
        (
            "tensordot",
            Box::new(|| one(ops::tensordot_axes(&a, &a, &[0], &[1]))),
        ),
        (
            "kron",
            Box::new(|| {
                let big = ops::zeros(&[1 << 20, 1 << 20], Dtype::Float32)?;
                one(ops::kron(&big, &big))
            }),
        ),
        ("repeat", Box::new(|| one(ops::repeat(&a, 2, 5)))),
        ("roll", Box::new(|| one(ops::roll(&a, &[1], &[5])))),
        ("trace", Box::new(|| one(ops::trace(&a, 0, 0, 5, None)))),
        ("trace", Box::new(|| one(ops::trace(&a, 0, 0, 0, None)))),
        ("diag", Box::new(|| one(ops::diag(&a3, 0)))),
        (
            "unflatten",
            Box::new(|| one(ops::unflatten(&a, 1, &[2, 2]))),
        ),
        (
            "unflatten",
            Box::new(|| one(ops::unflatten(&a, 5, &[1, 2]))),
        ),
        (
            "pad",
            Box::new(|| one(ops::pad_with_array(&a, &[(1, 1)], PadMode::Constant, &v4))),
        ),
        ("full", Box::new(|| one(ops::full_array(&[2], &v4)))),
        ("var", Box::new(|| one(ops::var(&a, &[5], false, 0)))),
        ("std", Box::new(|| one(ops::std(&a, &[5], false, 0)))),
        ("median", Box::new(|| one(ops::median(&a, &[5], false)))),
        (
            "logsumexp",
            Box::new(|| one(ops::logsumexp(&a, &[5], false))),
        ),
        ("softmax", Box::new(|| one(ops::softmax(&a, &[5], false)))),
        (
            "logcumsumexp",
            Box::new(|| one(ops::logcumsumexp(&a, 5, false, true))),
        ),
        ("topk", Box::new(|| one(ops::topk(&a, 5, 1)))),
        ("topk", Box::new(|| one(ops::topk(&a, 1, 5)))),
        (
            "take_along_axis",
            Box::new(|| one(ops::take_along_axis(&a, &idx, 5))),
        ),
        (
            "put_along_axis",
            Box::new(|| one(ops::put_along_axis(&a, &idx, &v4, Some(5)))),
        ),
        (
            "where",
            Box::new(|| one(ops::where_(&ops::greater(&a, &a)?, &a, &v4))),
        ),
        ("clip", Box::new(|| one(ops::clip(&a, &v4, ())))),
        ("moveaxis", Box::new(|| one(ops::moveaxis(&a, 0, 5)))),
        ("swapaxes", Box::new(|| one(ops::swapaxes(&a, 0, 5)))),
        ("stack", Box::new(|| one(ops::stack(&[&a, &m33], 0)))),
        ("stack", Box::new(|| one(ops::stack(&[&a, &a], 5)))),
        (
            "split",
            Box::new(|| ops::split(&a, SplitSpec::Sections(4), 1)),
        ),
        (
            "split",
            Box::new(|| ops::split(&a, SplitSpec::Sections(2), 5)),
        ),
        // MLX clamps the end axis; a start past it is the error
        ("flatten", Box::new(|| one(ops::flatten(&a, 5, 6)))),
        (
            "concatenate",
            Box::new(|| one(ops::concatenate(&[&a, &m33], 1))),
        ),
        (
            "outer",
            Box::new(|| {
                let big = ops::zeros(&[1usize << 33], Dtype::Float32)?;
                one(ops::outer(&big, &big))
            }),
        ),
        ("inner", Box::new(|| one(ops::inner(&a, &v4)))),
        (
            "meshgrid",
            Box::new(|| ops::meshgrid(&[&a, &v4], false, "zz")),
        ),
        ("einsum", Box::new(|| one(ops::einsum("ij,jk", &[&a, &a])))),
        (
            "index_put",
            Box::new(|| one(ops::index_put(&a, &[SliceArg::Index(0)], &v4))),
        ),
        (
            "block_masked_mm",
            Box::new(|| one(ops::block_masked_mm(&a, &a, 32, None, None, None))),
        ),
        (
            "gather_mm",
            Box::new(|| one(ops::gather_mm(&a, &a, None, None, false))),
        ),
        (
            "cumprod",
            Box::new(|| one(ops::cumprod(&a, 5, false, true))),
        ),
    ];
    let mut wrong = Vec::new();
    for (op, call) in &calls {
        match call() {
            Ok(outs) => wrong.push(format!(
                "{op}: expected an error, got shape {:?}",
                outs.first().map(|o| o.shape().to_vec())
            )),
            Err(e) => {
                let msg = e.to_string();
                if error_prefix(&msg) != *op {
                    wrong.push(format!("{op}: {msg}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "errors naming another op:\n{}",
        wrong.join("\n")
    );
}

mlx_tests::device_tests! { composites_name_themselves }
