//! Every `UnaryOp` against central differences (zero gradient for the
//! non-differentiable ones). The exhaustive match fails to compile when an
//! op is added without a case.

use crate::fd::{check, check_zero, Rng};
use mlx::primitive::UnaryOp;
use mlx::{ops, Array, Result};
use proptest::prelude::*;

enum Case {
    /// Differentiable on `[lo, hi)`.
    Smooth(fn(&Array) -> Result<Array>, f64, f64),
    /// Zero gradient everywhere (as MLX).
    Zero(fn(&Array) -> Result<Array>),
}

fn case(op: UnaryOp) -> Case {
    use Case::*;
    use UnaryOp::*;
    match op {
        Abs => Smooth(ops::abs, 0.1, 2.0),
        Negative => Smooth(ops::negative, -2.0, 2.0),
        Sign => Zero(ops::sign),
        Square => Smooth(ops::square, -2.0, 2.0),
        Sqrt => Smooth(ops::sqrt, 0.2, 3.0),
        Rsqrt => Smooth(ops::rsqrt, 0.2, 3.0),
        Reciprocal => Smooth(ops::reciprocal, 0.2, 3.0),
        Exp => Smooth(ops::exp, -2.0, 2.0),
        Expm1 => Smooth(ops::expm1, -2.0, 2.0),
        Log => Smooth(ops::log, 0.2, 3.0),
        Log1p => Smooth(ops::log1p, -0.5, 3.0),
        Log2 => Smooth(ops::log2, 0.2, 3.0),
        Log10 => Smooth(ops::log10, 0.2, 3.0),
        Sin => Smooth(ops::sin, -3.0, 3.0),
        Cos => Smooth(ops::cos, -3.0, 3.0),
        Tan => Smooth(ops::tan, -1.2, 1.2),
        ArcSin => Smooth(ops::arcsin, -0.9, 0.9),
        ArcCos => Smooth(ops::arccos, -0.9, 0.9),
        ArcTan => Smooth(ops::arctan, -3.0, 3.0),
        Sinh => Smooth(ops::sinh, -2.0, 2.0),
        Cosh => Smooth(ops::cosh, -2.0, 2.0),
        Tanh => Smooth(ops::tanh, -2.0, 2.0),
        ArcSinh => Smooth(ops::arcsinh, -3.0, 3.0),
        ArcCosh => Smooth(ops::arccosh, 1.2, 3.0),
        ArcTanh => Smooth(ops::arctanh, -0.9, 0.9),
        Sigmoid => Smooth(ops::sigmoid, -3.0, 3.0),
        Erf => Smooth(ops::erf, -2.0, 2.0),
        ErfInv => Smooth(ops::erfinv, -0.9, 0.9),
        Floor => Zero(ops::floor),
        Ceil => Zero(ops::ceil),
        Round => Zero(|a| ops::round(a, 0)),
        LogicalNot => Zero(|a| ops::logical_not(a)?.as_type(mlx::Dtype::Float64)),
        StopGradient => Zero(ops::stop_gradient),
        // On real inputs: the identity, zeros and the identity.
        Real => Smooth(ops::real, -2.0, 2.0),
        Imag => Zero(ops::imag),
        Conjugate => Smooth(ops::conjugate, -2.0, 2.0),
        BitwiseInvert => Zero(|a| {
            ops::bitwise_invert(&a.as_type(mlx::Dtype::Int32)?)?.as_type(mlx::Dtype::Float64)
        }),
    }
}

const SHAPES: [&[usize]; 3] = [&[], &[5], &[2, 3]];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn unary_vjp_jvp_match_finite_differences(seed in any::<u64>(), s in 0..SHAPES.len()) {
        let mut rng = Rng(seed);
        for op in UnaryOp::ALL {
            match case(op) {
                Case::Smooth(f, lo, hi) => {
                    let x = rng.uniform(SHAPES[s], lo, hi);
                    check(op.name(), &|x: &[Array]| f(&x[0]), &[x], &mut rng, 1e-6);
                }
                Case::Zero(f) => {
                    let x = rng.uniform(SHAPES[s], -2.0, 2.0);
                    check_zero(op.name(), &|x: &[Array]| f(&x[0]), &[x]);
                }
            }
        }
    }
}

#[test]
fn unary_transposed_input() {
    let mut rng = Rng(7);
    let x = rng.uniform(&[3, 2], 0.5, 2.0);
    check(
        "log_transposed",
        &|x: &[Array]| x[0].t()?.log(),
        &[x],
        &mut rng,
        1e-6,
    );
}
