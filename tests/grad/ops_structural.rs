//! The non-elementwise primitives (reductions, softmax, scans, matmul,
//! gathers, concatenate, casts, copies and views) against central
//! differences. `case_for` matches `Primitive` exhaustively: a new
//! primitive does not compile until it names its case here.

use crate::fd::{check, check_zero, Rng};
use mlx::ops::{self, SliceArg};
use mlx::primitive::{FastOp, MultiOp, Primitive, ReduceOp, ScanOp, ScatterOp};
use mlx::{Array, Dtype, Result};

type F = Box<dyn Fn(&[Array]) -> Result<Array>>;

/// The case in [`cases`] that covers primitive `p`.
fn case_for(p: &Primitive) -> &'static [&'static str] {
    match p {
        Primitive::Unary(_) => &["unary: see ops_unary.rs"],
        Primitive::Binary(_) => &["binary: see ops_binary.rs"],
        Primitive::Select => &["binary: see ops_binary.rs"],
        Primitive::AsType => &["astype: see astype_gradient_casts_back"],
        Primitive::Bitcast => &["view: see view_to_another_dtype_has_no_derivative"],
        Primitive::Reduce { op, .. } => match op {
            ReduceOp::Sum => &["sum", "mean_var"],
            ReduceOp::Prod => &["prod"],
            ReduceOp::Max => &["max", "logsumexp"],
            ReduceOp::Min => &["min"],
            ReduceOp::All | ReduceOp::Any => &["zero: all_any"],
        },
        Primitive::ArgReduce { .. } => &["zero: argmax"],
        Primitive::Softmax => &["softmax", "softmax_axis0"],
        Primitive::Scan { .. } => &[
            "cumsum",
            "cumsum_reverse_exclusive",
            "scans: see ops_sort.rs",
        ],
        Primitive::Sort { .. } => &["sort: see ops_sort.rs"],
        Primitive::Matmul => &["matmul", "matmul_batched"],
        Primitive::Gather { .. } => &["take", "take_negative"],
        Primitive::GatherAxis { .. } => &["take_along_axis"],
        Primitive::Scatter { op, .. } => match op {
            ScatterOp::None => &[
                "scatter",
                "index_put_advanced",
                "slice_update",
                "put_along_axis",
            ],
            ScatterOp::Sum => &["scatter_add_dup", "at_add_2d", "index_advanced"],
            ScatterOp::Max => &["scatter_max_dup"],
            ScatterOp::Min => &["scatter_min_dup"],
            ScatterOp::Prod => &["scatter_prod: no vjp or jvp, as MLX"],
        },
        Primitive::Concatenate { .. } => &["concatenate"],
        Primitive::Arange { .. } => &["zero: arange"],
        Primitive::RandomBits { .. } => &["random: see random.rs"],
        Primitive::Copy => &["copy"],
        Primitive::Reshape => &["reshape"],
        Primitive::Transpose { .. } => &["transpose"],
        Primitive::Broadcast => &["broadcast_to"],
        Primitive::Slice { .. } => &["slice_step", "slice_negative_step"],
        Primitive::AsStrided { .. } => &["as_strided_overlapping", "as_strided_transposed_input"],
        Primitive::Fast(FastOp::Hadamard { .. }) => {
            &["hadamard", "hadamard_m12", "hadamard_batched_vjp"]
        }
        Primitive::Fast(FastOp::Conv(_) | FastOp::ConvWeightGrad { .. }) => &["conv: see conv.rs"],
        Primitive::Fast(FastOp::MaskGrad { .. }) => {
            &["mask_grad_of_maximum", "mask_grad_of_minimum"]
        }
        Primitive::Multi(MultiOp::DivMod) => &["zero: see multi_output.rs"],
        Primitive::Multi(MultiOp::Quantize { .. }) => &["quantize: see multi_output.rs"],
        Primitive::Multi(MultiOp::Adam { .. }) => &["adam_update: see multi_output.rs"],
        Primitive::Custom(_) => &["custom: see custom.rs"],
    }
}

fn idx(v: &[i32], shape: &[usize]) -> Array {
    Array::from_slice(v, shape).unwrap()
}

/// `(name, f, input shapes, lo, hi)`.
type Case = (&'static str, F, Vec<Vec<usize>>, f64, f64);

fn cases() -> Vec<Case> {
    let s = |v: &[usize]| v.to_vec();
    vec![
        (
            "sum",
            Box::new(|x| x[0].sum(&[0, 2], false)),
            vec![s(&[2, 3, 2])],
            -1.0,
            1.0,
        ),
        (
            "mean_var",
            Box::new(|x| ops::var(&x[0], &[1], true, 1)),
            vec![s(&[2, 4])],
            -1.0,
            1.0,
        ),
        (
            "prod",
            Box::new(|x| x[0].prod(1, false)),
            vec![s(&[2, 3])],
            0.5,
            2.0,
        ),
        (
            "max",
            Box::new(|x| x[0].max(-1, true)),
            vec![s(&[3, 4])],
            -1.0,
            1.0,
        ),
        (
            "min",
            Box::new(|x| x[0].min((), false)),
            vec![s(&[5])],
            -1.0,
            1.0,
        ),
        (
            "logsumexp",
            Box::new(|x| ops::logsumexp(&x[0], &[1], false)),
            vec![s(&[2, 3])],
            -1.0,
            1.0,
        ),
        (
            "softmax",
            Box::new(|x| ops::softmax(&x[0], (), false)),
            vec![s(&[2, 4])],
            -2.0,
            2.0,
        ),
        (
            "softmax_axis0",
            Box::new(|x| ops::softmax(&x[0], &[0], true)),
            vec![s(&[3, 2])],
            -2.0,
            2.0,
        ),
        (
            "cumsum",
            Box::new(|x| ops::cumsum(&x[0], 1, false, true)),
            vec![s(&[2, 4])],
            -1.0,
            1.0,
        ),
        (
            "cumsum_reverse_exclusive",
            Box::new(|x| ops::cumsum(&x[0], 0, true, false)),
            vec![s(&[4, 2])],
            -1.0,
            1.0,
        ),
        (
            "matmul",
            Box::new(|x| ops::matmul(&x[0], &x[1])),
            vec![s(&[2, 3]), s(&[3, 4])],
            -1.0,
            1.0,
        ),
        (
            "matmul_batched",
            Box::new(|x| ops::matmul(&x[0], &x[1])),
            vec![s(&[2, 2, 3]), s(&[3])],
            -1.0,
            1.0,
        ),
        (
            "take",
            Box::new(|x| x[0].take(&idx(&[2, 0, 2, 1], &[2, 2]), 1)),
            vec![s(&[2, 3, 2])],
            -1.0,
            1.0,
        ),
        (
            "take_negative",
            Box::new(|x| x[0].take(&idx(&[-1, 0, -1], &[3]), ())),
            vec![s(&[2, 2])],
            -1.0,
            1.0,
        ),
        (
            "take_along_axis",
            Box::new(|x| x[0].take_along_axis(&idx(&[1, 0, 1, 1], &[2, 2]), 1)),
            vec![s(&[2, 3])],
            -1.0,
            1.0,
        ),
        (
            "scatter",
            Box::new(|x| ops::scatter(&x[0], &[idx(&[3, 0], &[2])], &x[1], &[0])),
            vec![s(&[4, 3]), s(&[2, 1, 3])],
            -1.0,
            1.0,
        ),
        (
            "scatter_add_dup",
            Box::new(|x| ops::scatter_add(&x[0], &[idx(&[1, -3, 2, 1], &[4])], &x[1], &[1])),
            vec![s(&[2, 3]), s(&[4, 2, 1])],
            -1.0,
            1.0,
        ),
        (
            "scatter_max_dup",
            Box::new(|x| ops::scatter_max(&x[0], &[idx(&[1, 1, 0], &[3])], &x[1], &[0])),
            vec![s(&[3, 2]), s(&[3, 1, 2])],
            -1.0,
            1.0,
        ),
        (
            "scatter_min_dup",
            Box::new(|x| ops::scatter_min(&x[0], &[idx(&[2, 2, 0], &[3])], &x[1], &[0])),
            vec![s(&[3]), s(&[3, 1])],
            -1.0,
            1.0,
        ),
        (
            "index_advanced",
            Box::new(|x| {
                let i = SliceArg::Array(idx(&[1, 0, 1], &[3]));
                let j = SliceArg::Array(idx(&[2, 2, 0], &[3]));
                x[0].index(&[i, SliceArg::full(), j])
            }),
            vec![s(&[2, 2, 3])],
            -1.0,
            1.0,
        ),
        (
            "index_put_advanced",
            Box::new(|x| {
                let i = SliceArg::Array(idx(&[2, 0], &[2]));
                x[0].index_put(&[SliceArg::full(), i], &x[1])
            }),
            vec![s(&[2, 3]), s(&[2, 1])],
            -1.0,
            1.0,
        ),
        (
            "at_add_2d",
            Box::new(|x| {
                let i = SliceArg::Array(idx(&[0, 0, 1], &[3]));
                x[0].at(&[i, SliceArg::Index(1)]).add(&x[1])
            }),
            vec![s(&[2, 2]), s(&[3])],
            -1.0,
            1.0,
        ),
        (
            "slice_update",
            Box::new(|x| ops::slice_update_strided(&x[0], &x[1], &[3, 0], &[0, 2], &[-2, 1])),
            vec![s(&[4, 2]), s(&[2, 2])],
            -1.0,
            1.0,
        ),
        (
            "put_along_axis",
            Box::new(|x| ops::put_along_axis(&x[0], &idx(&[2, 0], &[1, 2]), &x[1], Some(1))),
            vec![s(&[2, 3]), s(&[2, 2])],
            -1.0,
            1.0,
        ),
        (
            "concatenate",
            Box::new(|x| ops::concatenate(&[&x[0], &x[1].sin()?], 1)),
            vec![s(&[2, 1]), s(&[2, 3])],
            -1.0,
            1.0,
        ),
        (
            "copy",
            Box::new(|x| ops::contiguous(&x[0].t()?)),
            vec![s(&[2, 3])],
            -1.0,
            1.0,
        ),
        (
            "reshape",
            Box::new(|x| x[0].t()?.reshape(&[-1])),
            vec![s(&[2, 3])],
            -1.0,
            1.0,
        ),
        (
            // Overlapping windows and a zero stride: several outputs read
            // one input, so its cotangent sums them.
            "as_strided_overlapping",
            Box::new(|x| mlx::ops::as_strided(&x[0], Some(&[3, 2, 2]), Some(&[2, 1, 0]), 1)),
            vec![s(&[2, 4])],
            -1.0,
            1.0,
        ),
        (
            // A non-row-major input is read in its row-major order.
            "as_strided_transposed_input",
            Box::new(|x| {
                let t = x[0].transpose(())?;
                mlx::ops::as_strided(&t, Some(&[2, 3]), Some(&[1, 2]), 0)
            }),
            vec![s(&[3, 2])],
            -1.0,
            1.0,
        ),
        (
            "hadamard",
            Box::new(|x| ops::hadamard_transform(&x[0], None)),
            vec![s(&[3, 8])],
            -1.0,
            1.0,
        ),
        (
            // m = 12: the factor is not symmetric, so the vjp is Hᵀ.
            "hadamard_m12",
            Box::new(|x| ops::hadamard_transform(&x[0], Some(0.5))),
            vec![s(&[2, 24])],
            -1.0,
            1.0,
        ),
        (
            "hadamard_batched_vjp",
            Box::new(|x| ops::hadamard_transform(&x[0].transpose(())?, Some(2.0))),
            vec![s(&[4, 2, 3])],
            -1.0,
            1.0,
        ),
        (
            // The cotangent of `maximum` (one fused node on g, a, b) as a
            // function of all three: linear in g, flat in a and b away
            // from ties.
            "mask_grad_of_maximum",
            Box::new(|x| {
                let f = |v: &[Array]| Ok(vec![ops::maximum(&v[0], &v[1])?]);
                let (_, g) = mlx::transforms::vjp(f, &x[..2], &x[2..])?;
                ops::add(&g[0], &ops::multiply(&g[1], 3.0)?)
            }),
            vec![s(&[3, 4]), s(&[3, 4]), s(&[3, 4])],
            -1.0,
            1.0,
        ),
        (
            "mask_grad_of_minimum",
            Box::new(|x| {
                let f = |v: &[Array]| Ok(vec![ops::minimum(&v[0], &v[1])?]);
                let (_, g) = mlx::transforms::vjp(f, &x[..2], &x[2..])?;
                ops::subtract(&g[0], &g[1])
            }),
            vec![s(&[2, 3]), s(&[2, 3]), s(&[2, 3])],
            -1.0,
            1.0,
        ),
        (
            "transpose",
            Box::new(|x| x[0].transpose(&[2, 0, 1])),
            vec![s(&[2, 3, 4])],
            -1.0,
            1.0,
        ),
        (
            "broadcast_to",
            Box::new(|x| x[0].broadcast_to(&[2, 3, 2])),
            vec![s(&[3, 1])],
            -1.0,
            1.0,
        ),
        (
            "slice_step",
            Box::new(|x| {
                x[0].index(&[
                    SliceArg::range(Some(1), None, 2),
                    SliceArg::range(Some(0), Some(3), 1),
                ])
            }),
            vec![s(&[6, 4])],
            -1.0,
            1.0,
        ),
        (
            "slice_negative_step",
            Box::new(|x| x[0].index(&[SliceArg::range(None, None, -3)])),
            vec![s(&[7])],
            -1.0,
            1.0,
        ),
    ]
}

#[test]
fn structural_vjp_jvp_match_finite_differences() {
    let mut rng = Rng(11);
    for (name, f, shapes, lo, hi) in cases() {
        let x: Vec<Array> = shapes.iter().map(|s| rng.uniform(s, lo, hi)).collect();
        check(name, f.as_ref(), &x, &mut rng, 1e-6);
    }
}

#[test]
fn non_differentiable_primitives_give_zero_gradients() {
    let x = Rng(5).uniform(&[2, 3], -1.0, 1.0);
    let zero =
        |name, f: &dyn Fn(&[Array]) -> Result<Array>| check_zero(name, f, std::slice::from_ref(&x));
    zero("all_any", &|x| {
        ops::all(&x[0], (), false)?.as_type(Dtype::Float64)
    });
    zero("argmax", &|x| {
        ops::argmax(&x[0], 1, false)?.as_type(Dtype::Float64)
    });
    zero("arange", &|x| {
        (&x[0] * 0.0)? + ops::arange_f64(0.0, 3.0, 1.0, Dtype::Float64)?
    });
}

#[test]
fn every_primitive_names_a_case() {
    let names: Vec<&str> = cases().iter().map(|c| c.0).collect();
    let samples = [
        Primitive::AsType,
        Primitive::Bitcast,
        Primitive::Reduce {
            op: ReduceOp::Sum,
            axes: vec![],
        },
        Primitive::Reduce {
            op: ReduceOp::Prod,
            axes: vec![],
        },
        Primitive::Reduce {
            op: ReduceOp::Max,
            axes: vec![],
        },
        Primitive::Reduce {
            op: ReduceOp::Min,
            axes: vec![],
        },
        Primitive::Softmax,
        Primitive::Scan {
            op: ScanOp::Sum,
            axis: 0,
            reverse: false,
            inclusive: true,
        },
        Primitive::Matmul,
        Primitive::Gather { axis: 0 },
        Primitive::GatherAxis { axis: 0 },
        Primitive::Scatter {
            op: ScatterOp::None,
            axes: vec![],
        },
        Primitive::Scatter {
            op: ScatterOp::Sum,
            axes: vec![],
        },
        Primitive::Scatter {
            op: ScatterOp::Max,
            axes: vec![],
        },
        Primitive::Scatter {
            op: ScatterOp::Min,
            axes: vec![],
        },
        Primitive::Scatter {
            op: ScatterOp::Prod,
            axes: vec![],
        },
        Primitive::Concatenate { axis: 0 },
        Primitive::Copy,
        Primitive::Reshape,
        Primitive::Transpose { perm: vec![] },
        Primitive::Broadcast,
        Primitive::Slice {
            start: vec![],
            step: vec![],
        },
        Primitive::AsStrided {
            strides: vec![],
            offset: 0,
        },
        Primitive::Fast(FastOp::Hadamard { scale: 1.0 }),
        Primitive::Fast(FastOp::Conv(mlx::primitive::ConvParams {
            stride: vec![1],
            padding_lo: vec![0],
            padding_hi: vec![0],
            kernel_dilation: vec![1],
            input_dilation: vec![1],
            groups: 1,
            flip: false,
        })),
        Primitive::Multi(MultiOp::DivMod),
        Primitive::Multi(MultiOp::Quantize {
            group_size: 32,
            bits: 4,
        }),
    ];
    for p in &samples {
        for c in case_for(p) {
            // "family: see ..." names a test elsewhere.
            assert!(
                c.contains(':') || names.contains(c),
                "{}: case {c} is missing",
                p.name()
            );
        }
    }
}

#[test]
fn astype_gradient_casts_back() {
    use mlx::transforms::{jvp, vjp};
    let x = Array::from_slice(&[0.5f64, 1.5], &[2]).unwrap();
    let f =
        |x: &[Array]| -> Result<Vec<Array>> { Ok(vec![(x[0].as_type(Dtype::Float32)? * 3.0)?]) };
    let v = Array::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
    let (_, g) = vjp(f, std::slice::from_ref(&x), &[v]).unwrap();
    assert_eq!(g[0].dtype(), Dtype::Float64);
    assert_eq!(g[0].to_vec::<f64>().unwrap(), vec![3.0, 6.0]);
    let (_, t) = jvp(f, std::slice::from_ref(&x), std::slice::from_ref(&x)).unwrap();
    assert_eq!(t[0].dtype(), Dtype::Float32);
    assert_eq!(t[0].to_vec::<f32>().unwrap(), vec![1.5, 4.5]);
    let ints = |x: &[Array]| -> Result<Vec<Array>> {
        Ok(vec![x[0].as_type(Dtype::Int32)?.as_type(Dtype::Float64)?])
    };
    let (_, g) = vjp(ints, std::slice::from_ref(&x), std::slice::from_ref(&x)).unwrap();
    assert_eq!(g[0].to_vec::<f64>().unwrap(), vec![0.0, 0.0]);
}

#[test]
fn view_to_another_dtype_has_no_derivative() {
    use mlx::transforms::{grad, jvp};
    let x = Array::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
    // MLX: mx.grad(lambda x: mx.view(x, mx.float32).sum())(x) -> [1, 1]
    let same = grad(
        |a: &[Array]| ops::view(&a[0], Dtype::Float32)?.sum((), false),
        &[0],
    );
    let g = same(std::slice::from_ref(&x)).unwrap();
    assert_eq!(g[0].to_vec::<f32>().unwrap(), vec![1.0, 1.0]);
    // MLX: "[Primitive::vjp] Not implemented for View float16." (and jvp).
    // (Through an integer view the gradient stops at the integer cast
    // instead, as for `astype`; MLX errors there too.)
    let other = grad(
        |a: &[Array]| {
            ops::view(&a[0], Dtype::Float16)?
                .as_type(Dtype::Float32)?
                .sum((), false)
        },
        &[0],
    );
    let e = other(std::slice::from_ref(&x)).unwrap_err().to_string();
    assert!(e.starts_with("[view]"), "{e}");
    let e = jvp(
        |a: &[Array]| Ok(vec![ops::view(&a[0], Dtype::Float16)?]),
        std::slice::from_ref(&x),
        std::slice::from_ref(&x),
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("[view]"), "{e}");
}
