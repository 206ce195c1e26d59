//! The arithmetic of the float elementwise ops on single elements: one
//! named function per op in [`float`], in the compute type (`f32` for
//! `float16`/`bfloat16`/`float32`, `f64` for `float64`), apart from the
//! loops that walk memory (`unary.rs`, `binary.rs`, `scan.rs`).
//!
//! The op-to-function pairs are listed once, in [`float_unary_bodies`] and
//! [`float_binary_bodies`]. The loops expand them into a `match` that
//! calls each function directly, so it inlines into its own loop; a fused
//! kernel expands them the same way to chain several ops in one loop (the
//! tests expand them into tables of function pointers). Integer ops are
//! the named methods of `unary::Int` (`wadd`, `wabs`, ...) and the `int_*`
//! functions of `binary.rs`.

/// Calls `$m!` with every unary op that maps a float to a float and the
/// name of its function in [`float`].
macro_rules! float_unary_bodies {
    ($m:ident) => {
        $m! {
            Abs => abs, Negative => negative, Sign => sign, Square => square,
            Sqrt => sqrt, Rsqrt => rsqrt, Reciprocal => reciprocal, Exp => exp,
            Expm1 => expm1, Log => log, Log1p => log1p, Log2 => log2,
            Log10 => log10, Sin => sin, Cos => cos, Tan => tan,
            ArcSin => arcsin, ArcCos => arccos, ArcTan => arctan, Sinh => sinh,
            Cosh => cosh, Tanh => tanh, ArcSinh => arcsinh, ArcCosh => arccosh,
            ArcTanh => arctanh, Sigmoid => sigmoid, Erf => erf, ErfInv => erfinv,
            Floor => floor, Ceil => ceil, Round => round
        }
    };
}
pub(crate) use float_unary_bodies;

/// Calls `$m!` with every binary op that maps two floats to a float and
/// the name of its function in [`float`].
macro_rules! float_binary_bodies {
    ($m:ident) => {
        $m! {
            Add => add, Subtract => subtract, Multiply => multiply,
            Divide => divide, FloorDivide => floor_divide,
            Remainder => remainder, Power => power, Maximum => maximum,
            Minimum => minimum, ArcTan2 => arctan2, LogAddExp => log_add_exp
        }
    };
}
pub(crate) use float_binary_bodies;

/// One function per float op, in the compute type `C`. Semantics follow
/// MLX 0.32 (see `unary.rs` and `binary.rs`).
pub(crate) mod float {
    use crate::unary::Real;

    /// `|x|`.
    #[inline(always)]
    pub(crate) fn abs<C: Real>(x: C) -> C {
        x.abs()
    }
    /// `-x`.
    #[inline(always)]
    pub(crate) fn negative<C: Real>(x: C) -> C {
        -x
    }
    /// -1, 0 or 1, with 0 for NaN (as MLX).
    #[inline(always)]
    pub(crate) fn sign<C: Real>(x: C) -> C {
        if x > C::zero() {
            C::one()
        } else if x < C::zero() {
            -C::one()
        } else {
            C::zero()
        }
    }
    /// `x * x`.
    #[inline(always)]
    pub(crate) fn square<C: Real>(x: C) -> C {
        x * x
    }
    /// Square root.
    #[inline(always)]
    pub(crate) fn sqrt<C: Real>(x: C) -> C {
        x.sqrt()
    }
    /// `1 / sqrt(x)`.
    #[inline(always)]
    pub(crate) fn rsqrt<C: Real>(x: C) -> C {
        x.sqrt().recip()
    }
    /// `1 / x`.
    #[inline(always)]
    pub(crate) fn reciprocal<C: Real>(x: C) -> C {
        x.recip()
    }
    /// `e^x`.
    #[inline(always)]
    pub(crate) fn exp<C: Real>(x: C) -> C {
        x.exp()
    }
    /// `e^x - 1`, accurate near 0.
    #[inline(always)]
    pub(crate) fn expm1<C: Real>(x: C) -> C {
        x.exp_m1()
    }
    /// Natural logarithm.
    #[inline(always)]
    pub(crate) fn log<C: Real>(x: C) -> C {
        x.ln()
    }
    /// `log(1 + x)`, accurate near 0.
    #[inline(always)]
    pub(crate) fn log1p<C: Real>(x: C) -> C {
        x.ln_1p()
    }
    /// Base-2 logarithm.
    #[inline(always)]
    pub(crate) fn log2<C: Real>(x: C) -> C {
        x.log2()
    }
    /// Base-10 logarithm.
    #[inline(always)]
    pub(crate) fn log10<C: Real>(x: C) -> C {
        x.log10()
    }
    /// Sine.
    #[inline(always)]
    pub(crate) fn sin<C: Real>(x: C) -> C {
        x.sin()
    }
    /// Cosine.
    #[inline(always)]
    pub(crate) fn cos<C: Real>(x: C) -> C {
        x.cos()
    }
    /// Tangent.
    #[inline(always)]
    pub(crate) fn tan<C: Real>(x: C) -> C {
        x.tan()
    }
    /// Inverse sine.
    #[inline(always)]
    pub(crate) fn arcsin<C: Real>(x: C) -> C {
        x.asin()
    }
    /// Inverse cosine.
    #[inline(always)]
    pub(crate) fn arccos<C: Real>(x: C) -> C {
        x.acos()
    }
    /// Inverse tangent.
    #[inline(always)]
    pub(crate) fn arctan<C: Real>(x: C) -> C {
        x.atan()
    }
    /// Hyperbolic sine.
    #[inline(always)]
    pub(crate) fn sinh<C: Real>(x: C) -> C {
        x.sinh()
    }
    /// Hyperbolic cosine.
    #[inline(always)]
    pub(crate) fn cosh<C: Real>(x: C) -> C {
        x.cosh()
    }
    /// Hyperbolic tangent.
    #[inline(always)]
    pub(crate) fn tanh<C: Real>(x: C) -> C {
        x.tanh()
    }
    /// Inverse hyperbolic sine ([`Real::arcsinh`]).
    #[inline(always)]
    pub(crate) fn arcsinh<C: Real>(x: C) -> C {
        x.arcsinh()
    }
    /// Inverse hyperbolic cosine ([`Real::arccosh`]).
    #[inline(always)]
    pub(crate) fn arccosh<C: Real>(x: C) -> C {
        x.arccosh()
    }
    /// Inverse hyperbolic tangent.
    #[inline(always)]
    pub(crate) fn arctanh<C: Real>(x: C) -> C {
        x.atanh()
    }
    /// The logistic function, without overflow for large `|x|`.
    #[inline(always)]
    pub(crate) fn sigmoid<C: Real>(x: C) -> C {
        if x >= C::zero() {
            C::one() / (C::one() + (-x).exp())
        } else {
            let e = x.exp();
            e / (C::one() + e)
        }
    }
    /// The error function.
    #[inline(always)]
    pub(crate) fn erf<C: Real>(x: C) -> C {
        x.erf()
    }
    /// The inverse error function.
    #[inline(always)]
    pub(crate) fn erfinv<C: Real>(x: C) -> C {
        x.erfinv()
    }
    /// Round toward -inf.
    #[inline(always)]
    pub(crate) fn floor<C: Real>(x: C) -> C {
        x.floor()
    }
    /// Round toward +inf.
    #[inline(always)]
    pub(crate) fn ceil<C: Real>(x: C) -> C {
        x.ceil()
    }
    /// Round half to even (MLX's `round` with 0 decimals).
    #[inline(always)]
    pub(crate) fn round<C: Real>(x: C) -> C {
        x.round_even()
    }
    /// `x + y`.
    #[inline(always)]
    pub(crate) fn add<C: Real>(x: C, y: C) -> C {
        x + y
    }
    /// `x - y`.
    #[inline(always)]
    pub(crate) fn subtract<C: Real>(x: C, y: C) -> C {
        x - y
    }
    /// `x * y`.
    #[inline(always)]
    pub(crate) fn multiply<C: Real>(x: C, y: C) -> C {
        x * y
    }
    /// `x / y`.
    #[inline(always)]
    pub(crate) fn divide<C: Real>(x: C, y: C) -> C {
        x / y
    }
    /// `floor(x / y)`.
    #[inline(always)]
    pub(crate) fn floor_divide<C: Real>(x: C, y: C) -> C {
        (x / y).floor()
    }
    /// Remainder with the sign of the divisor (Python's `%`): `fmod`,
    /// moved by `y` when the signs differ.
    #[inline(always)]
    pub(crate) fn remainder<C: Real>(x: C, y: C) -> C {
        let r = x % y;
        if r != C::zero() && ((r < C::zero()) != (y < C::zero())) {
            r + y
        } else {
            r
        }
    }
    /// `x^y`.
    #[inline(always)]
    pub(crate) fn power<C: Real>(x: C, y: C) -> C {
        x.powf(y)
    }
    /// The larger, NaN if either is NaN.
    #[inline(always)]
    pub(crate) fn maximum<C: Real>(x: C, y: C) -> C {
        if x > y || x.is_nan() {
            x
        } else {
            y
        }
    }
    /// The smaller, NaN if either is NaN.
    #[inline(always)]
    pub(crate) fn minimum<C: Real>(x: C, y: C) -> C {
        if x < y || x.is_nan() {
            x
        } else {
            y
        }
    }
    /// The angle of the point `(y, x)` as `atan2(x, y)` (MLX's
    /// `arctan2(a, b)` is `atan2(a, b)`).
    #[inline(always)]
    pub(crate) fn arctan2<C: Real>(x: C, y: C) -> C {
        x.atan2(y)
    }
    /// `log(exp(x) + exp(y))` without overflow; `-inf` is its identity,
    /// `+inf` absorbs, NaN propagates.
    #[inline(always)]
    pub(crate) fn log_add_exp<C: Real>(x: C, y: C) -> C {
        if x.is_nan() || y.is_nan() {
            return C::nan();
        }
        let m = if x > y { x } else { y };
        if m.is_infinite() {
            return m;
        }
        m + (-(x - y).abs()).exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::float;
    use crate::unary::Real;
    use mlx_core::primitive::{BinaryOp, UnaryOp};

    /// The float function of a unary op, for a kernel that chains ops; `None`
    /// for ops that do not map a float to a float (`logical_not`, bitwise,
    /// complex parts).
    fn float_unary_fn<C: Real>(op: UnaryOp) -> Option<fn(C) -> C> {
        macro_rules! table {
            ($($op:ident => $f:ident),* $(,)?) => {
                match op {
                    $(UnaryOp::$op => Some(float::$f::<C> as fn(C) -> C),)*
                    _ => None,
                }
            };
        }
        super::float_unary_bodies!(table)
    }

    /// The float function of a binary op (as [`float_unary_fn`]); `None` for
    /// comparisons, logical and bitwise ops.
    fn float_binary_fn<C: Real>(op: BinaryOp) -> Option<fn(C, C) -> C> {
        macro_rules! table {
            ($($op:ident => $f:ident),* $(,)?) => {
                match op {
                    $(BinaryOp::$op => Some(float::$f::<C> as fn(C, C) -> C),)*
                    _ => None,
                }
            };
        }
        super::float_binary_bodies!(table)
    }

    #[test]
    fn tables_give_a_body_to_every_float_op() {
        // Hand-derived values at exact points of each function.
        let u = |op| float_unary_fn::<f64>(op).unwrap_or_else(|| panic!("{op:?}"));
        assert_eq!(u(UnaryOp::Square)(-3.0), 9.0);
        assert_eq!(u(UnaryOp::Rsqrt)(4.0), 0.5);
        assert_eq!(u(UnaryOp::Exp)(0.0), 1.0);
        assert_eq!(u(UnaryOp::Log2)(8.0), 3.0);
        assert_eq!(u(UnaryOp::Sigmoid)(0.0), 0.5);
        assert_eq!(u(UnaryOp::Round)(2.5), 2.0);
        assert_eq!(u(UnaryOp::Sign)(f64::NAN), 0.0);
        assert!(float_unary_fn::<f32>(UnaryOp::LogicalNot).is_none());
        let floats = UnaryOp::ALL
            .iter()
            .filter(|op| float_unary_fn::<f32>(**op).is_some())
            .count();
        // Every op but logical_not, stop_gradient (a copy), bitwise_invert,
        // real, imag and conjugate.
        assert_eq!(floats, UnaryOp::ALL.len() - 6);
        let b = |op| float_binary_fn::<f64>(op).unwrap_or_else(|| panic!("{op:?}"));
        assert_eq!(b(BinaryOp::Remainder)(-7.0, 3.0), 2.0);
        assert_eq!(b(BinaryOp::FloorDivide)(-7.0, 2.0), -4.0);
        assert_eq!(b(BinaryOp::Power)(2.0, 10.0), 1024.0);
        assert!(b(BinaryOp::Maximum)(f64::NAN, 1.0).is_nan());
        assert!(b(BinaryOp::Minimum)(1.0, f64::NAN).is_nan());
        assert!(float_binary_fn::<f32>(BinaryOp::Less).is_none());
        let floats = BinaryOp::ALL
            .iter()
            .filter(|op| float_binary_fn::<f32>(**op).is_some())
            .count();
        assert_eq!(floats, 11);
    }

    #[test]
    fn remainder_takes_the_divisor_sign() {
        // Python: [5 % 3, -5 % 3, 5 % -3, -5 % -3, 5.5 % 2] == [2, 1, -1, -2, 1.5]
        let got: Vec<f32> = [
            (5.0, 3.0),
            (-5.0, 3.0),
            (5.0, -3.0),
            (-5.0, -3.0),
            (5.5, 2.0),
        ]
        .iter()
        .map(|&(x, y)| float::remainder(x, y))
        .collect();
        assert_eq!(got, vec![2.0, 1.0, -1.0, -2.0, 1.5]);
        // Python: [7.5 % 2, -7.5 % 2, 7.5 % -2, -7.5 % -2] == [1.5, 0.5, -0.5, -1.5]
        let got: Vec<f64> = [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-7.5, -2.0)]
            .iter()
            .map(|&(x, y)| float::remainder(x, y))
            .collect();
        assert_eq!(got, vec![1.5, 0.5, -0.5, -1.5]);
    }

    #[test]
    fn log_add_exp_edges() {
        let inf = f32::INFINITY;
        assert_eq!(float::log_add_exp(-inf, -inf), -inf);
        assert_eq!(float::log_add_exp(inf, inf), inf);
        assert_eq!(float::log_add_exp(-inf, 2.0f32), 2.0);
        assert!(float::log_add_exp(f32::NAN, 1.0).is_nan());
        // log(e + e^2) = 2.3132617 (numpy.logaddexp(1, 2))
        assert!((float::log_add_exp(1.0f32, 2.0) - 2.313_261_7).abs() < 1e-6);
    }

    #[test]
    fn sigmoid_is_stable_at_extremes() {
        assert_eq!(float::sigmoid(-1000.0f32), 0.0);
        assert_eq!(float::sigmoid(1000.0f32), 1.0);
        assert_eq!(float::sigmoid(0.0f64), 0.5);
    }
}
