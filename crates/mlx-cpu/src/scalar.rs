//! The arithmetic of the float elementwise ops on single elements: one
//! named function per op in [`float`], in the compute type (`f32` for
//! `float16`/`bfloat16`/`float32`, `f64` for `float64`), apart from the
//! loops that walk memory (`unary.rs`, `binary.rs`, `scan.rs`).
//!
//! The op-to-function pairs are listed once, in [`float_unary_bodies`] and
//! [`float_binary_bodies`]. The loops expand them into a `match` that
//! calls each function directly, so it inlines into its own loop; a fused
//! kernel expands them the same way to chain several ops in one loop (the
//! tests expand them into tables of function pointers). Integer ops have
//! theirs in [`int`], listed in [`int_unary_bodies`] and
//! [`int_binary_bodies`] the same way (wrapping arithmetic, on the stored
//! type).

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
/// the name of its function in [`float`]. `floor_divide` is not listed:
/// for float16/bfloat16 its quotient is rounded to the stored type before
/// the floor (as MLX divides in that precision), which a body on the
/// compute type cannot do; `binary.rs` gives it its own storage-aware arm
/// ([`float::floor_divide`] takes the rounding as an argument).
macro_rules! float_binary_bodies {
    ($m:ident) => {
        $m! {
            Add => add, Subtract => subtract, Multiply => multiply,
            Divide => divide,
            Remainder => remainder, Power => power, Maximum => maximum,
            Minimum => minimum, ArcTan2 => arctan2, LogAddExp => log_add_exp
        }
    };
}
pub(crate) use float_binary_bodies;

/// Calls `$m!` with every unary op that maps an integer to an integer of
/// its type and the name of its function in [`int`].
macro_rules! int_unary_bodies {
    ($m:ident) => {
        $m! {
            Abs => abs, Negative => negative, Sign => sign, Square => square,
            Floor => identity, Ceil => identity, Round => identity,
            StopGradient => identity, BitwiseInvert => bitwise_invert
        }
    };
}
pub(crate) use int_unary_bodies;

/// Calls `$m!` with every binary op that maps two integers to an integer
/// of their type and the name of its function in [`int`].
macro_rules! int_binary_bodies {
    ($m:ident) => {
        $m! {
            Add => add, Subtract => subtract, Multiply => multiply,
            FloorDivide => floor_divide, Remainder => remainder, Power => power,
            Maximum => maximum, Minimum => minimum, BitwiseAnd => bitwise_and,
            BitwiseOr => bitwise_or, BitwiseXor => bitwise_xor,
            LeftShift => left_shift, RightShift => right_shift
        }
    };
}
pub(crate) use int_binary_bodies;

/// One function per integer op, on the stored type `T` (every integer
/// dtype; `bool` has its own rules in `binary.rs`). Arithmetic wraps;
/// division and remainder by zero give 0 (MLX leaves them undefined).
pub(crate) mod int {
    use crate::unary::Int;

    /// `|x|`, wrapping (`MIN` stays `MIN`).
    #[inline(always)]
    pub(crate) fn abs<T: Int>(x: T) -> T {
        x.wabs()
    }
    /// `-x`, wrapping.
    #[inline(always)]
    pub(crate) fn negative<T: Int>(x: T) -> T {
        x.wneg()
    }
    /// -1, 0 or 1 (0 or 1 when unsigned).
    #[inline(always)]
    pub(crate) fn sign<T: Int>(x: T) -> T {
        x.sign()
    }
    /// `x * x`, wrapping.
    #[inline(always)]
    pub(crate) fn square<T: Int>(x: T) -> T {
        x.wmul(x)
    }
    /// `x` (rounding an integer, `stop_gradient`).
    #[inline(always)]
    pub(crate) fn identity<T: Int>(x: T) -> T {
        x
    }
    /// Bitwise not.
    #[inline(always)]
    pub(crate) fn bitwise_invert<T: Int>(x: T) -> T {
        x.bnot()
    }
    /// `x + y`, wrapping.
    #[inline(always)]
    pub(crate) fn add<T: Int>(x: T, y: T) -> T {
        x.wadd(y)
    }
    /// `x - y`, wrapping.
    #[inline(always)]
    pub(crate) fn subtract<T: Int>(x: T, y: T) -> T {
        x.wsub(y)
    }
    /// `x * y`, wrapping.
    #[inline(always)]
    pub(crate) fn multiply<T: Int>(x: T, y: T) -> T {
        x.wmul(y)
    }
    /// Quotient rounded toward -inf; 0 when dividing by zero; `MIN / -1`
    /// wraps to `MIN`.
    #[inline(always)]
    pub(crate) fn floor_divide<T: Int>(x: T, y: T) -> T {
        if y == T::ZERO {
            return T::ZERO;
        }
        let q = x.wdiv(y);
        if x.wrem(y) != T::ZERO && (x.is_neg() != y.is_neg()) {
            q.wsub(T::ONE)
        } else {
            q
        }
    }
    /// Remainder with the sign of the divisor; 0 when dividing by zero.
    #[inline(always)]
    pub(crate) fn remainder<T: Int>(x: T, y: T) -> T {
        if y == T::ZERO {
            return T::ZERO;
        }
        let r = x.wrem(y);
        if r != T::ZERO && (r.is_neg() != y.is_neg()) {
            r.wadd(y)
        } else {
            r
        }
    }
    /// `x^e` by squaring with wrapping; 0 for negative `e` (as MLX).
    #[inline(always)]
    pub(crate) fn power<T: Int>(mut x: T, mut e: T) -> T {
        if e.is_neg() {
            return T::ZERO;
        }
        let mut acc = T::ONE;
        while e != T::ZERO {
            let (bit, rest) = e.pop_bit();
            if bit {
                acc = acc.wmul(x);
            }
            e = rest;
            if e != T::ZERO {
                x = x.wmul(x);
            }
        }
        acc
    }
    /// The larger.
    #[inline(always)]
    pub(crate) fn maximum<T: Int>(x: T, y: T) -> T {
        x.max(y)
    }
    /// The smaller.
    #[inline(always)]
    pub(crate) fn minimum<T: Int>(x: T, y: T) -> T {
        x.min(y)
    }
    /// Bitwise and.
    #[inline(always)]
    pub(crate) fn bitwise_and<T: Int>(x: T, y: T) -> T {
        x.band(y)
    }
    /// Bitwise or.
    #[inline(always)]
    pub(crate) fn bitwise_or<T: Int>(x: T, y: T) -> T {
        x.bor(y)
    }
    /// Bitwise exclusive or.
    #[inline(always)]
    pub(crate) fn bitwise_xor<T: Int>(x: T, y: T) -> T {
        x.bxor(y)
    }
    /// `x << y` as NumPy (0 for an amount out of range).
    #[inline(always)]
    pub(crate) fn left_shift<T: Int>(x: T, y: T) -> T {
        x.shl_c(y)
    }
    /// `x >> y`, arithmetic for signed types (0 or -1 out of range).
    #[inline(always)]
    pub(crate) fn right_shift<T: Int>(x: T, y: T) -> T {
        x.shr_c(y)
    }
}

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
    /// `floor(x / y)`, the quotient first passed through `round_to_storage`
    /// (float16/bfloat16 round it to their precision, as MLX divides in
    /// it; the identity for float32/float64).
    #[inline(always)]
    pub(crate) fn floor_divide<C: Real>(x: C, y: C, round_to_storage: impl Fn(C) -> C) -> C {
        round_to_storage(x / y).floor()
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
    use super::{float, int};
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
        assert_eq!(float::floor_divide(-7.0, 2.0, |q: f64| q), -4.0);
        // float16: 4096 / 2.5996 = 1575.62 rounds to 1576 before the floor.
        let h = |q: f32| half::f16::from_f32(q).to_f32();
        assert_eq!(float::floor_divide(4096.0, 2.599_609_4, h), 1576.0);
        assert_eq!(float::floor_divide(4096.0, 2.599_609_4, |q: f32| q), 1575.0);
        assert!(float_binary_fn::<f32>(BinaryOp::FloorDivide).is_none());
        assert_eq!(b(BinaryOp::Power)(2.0, 10.0), 1024.0);
        assert!(b(BinaryOp::Maximum)(f64::NAN, 1.0).is_nan());
        assert!(b(BinaryOp::Minimum)(1.0, f64::NAN).is_nan());
        assert!(float_binary_fn::<f32>(BinaryOp::Less).is_none());
        let floats = BinaryOp::ALL
            .iter()
            .filter(|op| float_binary_fn::<f32>(**op).is_some())
            .count();
        assert_eq!(floats, 10);
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

    /// The integer function of a unary op (as [`float_unary_fn`]).
    fn int_unary_fn<T: crate::unary::Int>(op: UnaryOp) -> Option<fn(T) -> T> {
        macro_rules! table {
            ($($op:ident => $f:ident),* $(,)?) => {
                match op {
                    $(UnaryOp::$op => Some(int::$f::<T> as fn(T) -> T),)*
                    _ => None,
                }
            };
        }
        super::int_unary_bodies!(table)
    }

    /// The integer function of a binary op (as [`float_binary_fn`]).
    fn int_binary_fn<T: crate::unary::Int>(op: BinaryOp) -> Option<fn(T, T) -> T> {
        macro_rules! table {
            ($($op:ident => $f:ident),* $(,)?) => {
                match op {
                    $(BinaryOp::$op => Some(int::$f::<T> as fn(T, T) -> T),)*
                    _ => None,
                }
            };
        }
        super::int_binary_bodies!(table)
    }

    #[test]
    fn tables_give_a_body_to_every_integer_op() {
        // Hand-derived, wrapping in int8.
        let u = |op| int_unary_fn::<i8>(op).unwrap_or_else(|| panic!("{op:?}"));
        assert_eq!(u(UnaryOp::Abs)(i8::MIN), i8::MIN);
        assert_eq!(u(UnaryOp::Negative)(5), -5);
        assert_eq!(u(UnaryOp::Sign)(-7), -1);
        assert_eq!(u(UnaryOp::Square)(12), -112); // 144 - 256
        assert_eq!(u(UnaryOp::Round)(7), 7);
        assert_eq!(u(UnaryOp::BitwiseInvert)(0), -1);
        assert!(int_unary_fn::<i8>(UnaryOp::Exp).is_none());
        let b = |op| int_binary_fn::<i8>(op).unwrap_or_else(|| panic!("{op:?}"));
        assert_eq!(b(BinaryOp::Add)(100, 100), -56);
        assert_eq!(b(BinaryOp::Subtract)(-100, 100), 56);
        assert_eq!(b(BinaryOp::Multiply)(16, 16), 0);
        assert_eq!(b(BinaryOp::Maximum)(-3, 2), 2);
        assert_eq!(b(BinaryOp::Minimum)(-3, 2), -3);
        assert_eq!(b(BinaryOp::BitwiseAnd)(0b1100, 0b1010), 0b1000);
        assert_eq!(b(BinaryOp::BitwiseOr)(0b1100, 0b1010), 0b1110);
        assert_eq!(b(BinaryOp::BitwiseXor)(0b1100, 0b1010), 0b0110);
        // numpy.left_shift(np.int8(1), np.int8(7)) == -128; >> 9 of -5 is -1
        assert_eq!(b(BinaryOp::LeftShift)(1, 7), -128);
        assert_eq!(b(BinaryOp::RightShift)(-5, 9), -1);
        assert!(int_binary_fn::<i8>(BinaryOp::Divide).is_none());
        assert!(int_binary_fn::<i8>(BinaryOp::Less).is_none());
        // Every unary op but the float-only ones, logical_not and the
        // complex parts; every binary op but divide, arctan2, logaddexp,
        // comparisons and logical ops.
        let unary = UnaryOp::ALL
            .iter()
            .filter(|op| int_unary_fn::<u16>(**op).is_some())
            .count();
        assert_eq!(unary, 9);
        let binary = BinaryOp::ALL
            .iter()
            .filter(|op| int_binary_fn::<u16>(**op).is_some())
            .count();
        assert_eq!(binary, 13);
    }

    #[test]
    fn int_floor_divide_rounds_down() {
        // Python: [7 // 2, -7 // 2, 7 // -2, -7 // -2] == [3, -4, -4, 3]
        let got: Vec<i32> = [(7, 2), (-7, 2), (7, -2), (-7, -2)]
            .iter()
            .map(|&(x, y)| int::floor_divide(x, y))
            .collect();
        assert_eq!(got, [3, -4, -4, 3]);
        assert_eq!(int::floor_divide(7u8, 2), 3);
        assert_eq!(int::floor_divide(5i32, 0), 0);
        assert_eq!(int::floor_divide(i32::MIN, -1), i32::MIN);
    }

    #[test]
    fn int_remainder_takes_divisor_sign() {
        // Python: [7 % 2, -7 % 2, 7 % -2, -7 % -2] == [1, 1, -1, -1]
        let got: Vec<i64> = [(7, 2), (-7, 2), (7, -2), (-7, -2)]
            .iter()
            .map(|&(x, y)| int::remainder(x, y))
            .collect();
        assert_eq!(got, [1, 1, -1, -1]);
        assert_eq!(int::remainder(5i8, 0), 0);
        assert_eq!(int::remainder(i8::MIN, -1), 0);
    }

    #[test]
    fn int_power_wraps_and_zeroes_negative_exponents() {
        // mx.power(mx.array([3], mx.int8), mx.array([5], mx.int8)) == -13
        assert_eq!(int::power(3i8, 5), -13);
        assert_eq!(int::power(2u8, 9), 0);
        assert_eq!(int::power(0i32, 0), 1);
        assert_eq!(int::power(-3i64, 3), -27);
        // mx.power(mx.array([2, 1, -1]), mx.array([-1, -3, -2])) == [0, 0, 0]
        assert_eq!(int::power(2i32, -1), 0);
        assert_eq!(int::power(1i32, -3), 0);
    }
}
