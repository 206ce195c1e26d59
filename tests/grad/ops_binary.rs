//! Every `BinaryOp` against central differences, with broadcasting (the
//! cotangent is summed back to each input's shape).

use crate::fd::{check, check_zero, Rng};
use mlx::primitive::BinaryOp;
use mlx::{ops, Array, Result};
use proptest::prelude::*;

enum Case {
    /// Differentiable with `a` on `[lo_a, hi_a)` and `b` on `[lo_b, hi_b)`.
    Smooth(fn(&Array, &Array) -> Result<Array>, [f64; 4]),
    /// Zero gradient (comparisons, logical ops, `floor_divide`).
    Zero(fn(&Array, &Array) -> Result<Array>),
}

fn case(op: BinaryOp) -> Case {
    use BinaryOp::*;
    use Case::*;
    match op {
        Add => Smooth(|a, b| ops::add(a, b), [-2.0, 2.0, -2.0, 2.0]),
        Subtract => Smooth(|a, b| ops::subtract(a, b), [-2.0, 2.0, -2.0, 2.0]),
        Multiply => Smooth(|a, b| ops::multiply(a, b), [-2.0, 2.0, -2.0, 2.0]),
        Divide => Smooth(|a, b| ops::divide(a, b), [-2.0, 2.0, 0.5, 2.0]),
        FloorDivide => Zero(|a, b| ops::floor_divide(a, b)),
        // Away from the jumps: a / b stays inside (1, 2).
        Remainder => Smooth(|a, b| ops::remainder(a, b), [2.2, 2.8, 1.5, 1.6]),
        Power => Smooth(|a, b| ops::power(a, b), [0.5, 2.0, -1.5, 1.5]),
        Maximum => Smooth(|a, b| ops::maximum(a, b), [-2.0, 2.0, -2.0, 2.0]),
        Minimum => Smooth(|a, b| ops::minimum(a, b), [-2.0, 2.0, -2.0, 2.0]),
        ArcTan2 => Smooth(|a, b| ops::arctan2(a, b), [-2.0, 2.0, 0.5, 2.0]),
        LogAddExp => Smooth(|a, b| ops::logaddexp(a, b), [-2.0, 2.0, -2.0, 2.0]),
        Equal => Zero(|a, b| ops::equal(a, b)?.as_type(mlx::Dtype::Float64)),
        NotEqual => Zero(|a, b| ops::not_equal(a, b)?.as_type(mlx::Dtype::Float64)),
        Less => Zero(|a, b| ops::less(a, b)?.as_type(mlx::Dtype::Float64)),
        LessEqual => Zero(|a, b| ops::less_equal(a, b)?.as_type(mlx::Dtype::Float64)),
        Greater => Zero(|a, b| ops::greater(a, b)?.as_type(mlx::Dtype::Float64)),
        GreaterEqual => Zero(|a, b| ops::greater_equal(a, b)?.as_type(mlx::Dtype::Float64)),
        LogicalAnd => Zero(|a, b| ops::logical_and(a, b)?.as_type(mlx::Dtype::Float64)),
        LogicalOr => Zero(|a, b| ops::logical_or(a, b)?.as_type(mlx::Dtype::Float64)),
        BitwiseAnd => Zero(|a, b| int_op(|x, y| ops::bitwise_and(x, y), a, b)),
        BitwiseOr => Zero(|a, b| int_op(|x, y| ops::bitwise_or(x, y), a, b)),
        BitwiseXor => Zero(|a, b| int_op(|x, y| ops::bitwise_xor(x, y), a, b)),
        LeftShift => Zero(|a, b| int_op(|x, y| ops::left_shift(x, y), a, b)),
        RightShift => Zero(|a, b| int_op(|x, y| ops::right_shift(x, y), a, b)),
    }
}

/// An integer-only op applied to `int32` casts of `a` and `b`, as `float64`.
fn int_op(f: fn(&Array, &Array) -> Result<Array>, a: &Array, b: &Array) -> Result<Array> {
    let i = mlx::Dtype::Int32;
    f(&a.as_type(i)?, &b.as_type(i)?)?.as_type(mlx::Dtype::Float64)
}

/// Shape pairs: equal, broadcast on the left, broadcast on a size-1 axis.
const SHAPES: [(&[usize], &[usize]); 4] = [
    (&[4], &[4]),
    (&[2, 3], &[3]),
    (&[1, 3], &[2, 1]),
    (&[], &[2, 2]),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn binary_vjp_jvp_match_finite_differences(seed in any::<u64>(), s in 0..SHAPES.len()) {
        let mut rng = Rng(seed);
        let (sa, sb) = SHAPES[s];
        for op in BinaryOp::ALL {
            match case(op) {
                Case::Smooth(f, [la, ha, lb, hb]) => {
                    let a = rng.uniform(sa, la, ha);
                    let b = rng.uniform(sb, lb, hb);
                    check(op.name(), &|x: &[Array]| f(&x[0], &x[1]), &[a, b], &mut rng, 1e-6);
                }
                Case::Zero(f) => {
                    let a = rng.uniform(sa, -2.0, 2.0);
                    let b = rng.uniform(sb, -2.0, 2.0);
                    check_zero(op.name(), &|x: &[Array]| f(&x[0], &x[1]), &[a, b]);
                }
            }
        }
    }
}

#[test]
fn where_select_gradients() {
    let mut rng = Rng(3);
    let c = Array::from_slice(&[true, false, true], &[3]).unwrap();
    let x = rng.uniform(&[2, 3], -1.0, 1.0);
    let y = rng.uniform(&[3], -1.0, 1.0);
    let f = move |v: &[Array]| ops::where_(&c, &v[0], &v[1])?.sin();
    check("where", &f, &[x, y], &mut rng, 1e-6);
}

/// `maximum`/`minimum` cotangents (one fused pass, `g * (a > b)` and its
/// kin) against the same products written out here: ties go to `b`, a NaN
/// comparison masks out, and a masked-out infinite or NaN cotangent gives
/// NaN (`g * 0`), as MLX. Every float dtype; `b` a broadcast scalar (the
/// `relu` case), a full array, and a transposed `a` (a strided walk).
#[test]
fn maximum_minimum_cotangents_by_hand() {
    use mlx::Dtype;
    let inf = f64::INFINITY;
    let a = [-1.0, 0.0, 2.0, f64::NAN, 3.0, -inf, 0.5, 1.0];
    let bfull = [0.0, 0.0, 1.0, 0.0, 3.0, 0.0, -0.5, 2.0];
    let g = [1.0, inf, 2.0, 3.0, f64::NAN, -inf, 0.25, -4.0];
    // d maximum / d a = g * (a > b); d / d b = g * (a <= b); minimum: <, >=.
    let masked = |keep: &dyn Fn(f64, f64) -> bool, b: &dyn Fn(usize) -> f64| -> Vec<f64> {
        (0..8)
            .map(|i| g[i] * if keep(a[i], b(i)) { 1.0 } else { 0.0 })
            .collect()
    };
    let same = |x: &[f64], y: &[f64]| {
        x.iter()
            .zip(y)
            .all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()))
    };
    for dt in [
        Dtype::Float32,
        Dtype::Float64,
        Dtype::Float16,
        Dtype::Bfloat16,
    ] {
        let arr = |v: &[f64], shape: &[usize]| {
            Array::from_slice(v, shape)
                .and_then(|x| x.as_type(dt))
                .unwrap()
        };
        let ga = arr(&g, &[8]);
        for scalar_b in [true, false] {
            let bv = |i: usize| if scalar_b { 0.0 } else { bfull[i] };
            let b = if scalar_b {
                arr(&[0.0], &[])
            } else {
                arr(&bfull, &[8])
            };
            for (name, f, da_keep, db_keep) in [
                (
                    "maximum",
                    (|x, y| ops::maximum(x, y)) as fn(&Array, &Array) -> Result<Array>,
                    (|x, y| x > y) as fn(f64, f64) -> bool,
                    (|x, y| x <= y) as fn(f64, f64) -> bool,
                ),
                (
                    "minimum",
                    (|x, y| ops::minimum(x, y)) as fn(&Array, &Array) -> Result<Array>,
                    (|x, y| x < y) as fn(f64, f64) -> bool,
                    (|x, y| x >= y) as fn(f64, f64) -> bool,
                ),
            ] {
                let (_, grads) = mlx::transforms::vjp(
                    |v: &[Array]| Ok(vec![f(&v[0], &v[1])?]),
                    &[arr(&a, &[8]), b.clone()],
                    std::slice::from_ref(&ga),
                )
                .unwrap();
                let got = |x: &Array| x.as_type(Dtype::Float64).unwrap().to_vec::<f64>().unwrap();
                let want_a = masked(&da_keep, &bv);
                assert!(
                    same(&got(&grads[0]), &want_a),
                    "{name} {dt} da: {:?} != {want_a:?}",
                    got(&grads[0])
                );
                let want_b = masked(&db_keep, &bv);
                let want_b = if scalar_b {
                    // Summed back to the scalar: NaN from the inf * 0 terms.
                    vec![want_b.iter().sum()]
                } else {
                    want_b
                };
                assert!(
                    same(&got(&grads[1]), &want_b),
                    "{name} {dt} db: {:?} != {want_b:?}",
                    got(&grads[1])
                );
            }
        }
        // A transposed `a` (and cotangent) walks the strided path.
        let a2 = arr(&a, &[2, 4]).transpose(()).unwrap();
        let g2 = arr(&g, &[2, 4]).transpose(()).unwrap();
        let (_, grads) = mlx::transforms::vjp(
            |v: &[Array]| Ok(vec![ops::maximum(&v[0], 0.0)?]),
            &[a2],
            &[g2],
        )
        .unwrap();
        let got = grads[0]
            .transpose(())
            .unwrap()
            .as_type(Dtype::Float64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        let want = masked(&|x, y| x > y, &|_| 0.0);
        assert!(
            same(&got, &want),
            "maximum {dt} transposed: {got:?} != {want:?}"
        );
    }
}
