//! `complex64` math as MLX's CPU computes it: `std::complex<float>` from
//! libstdc++, so glibc's `c*f` functions with C99 Annex G semantics
//! (infinities, NaNs, signed zeros on branch cuts), libgcc's `__mulsc3`
//! (float products, NaN results recovered as infinities) and `__divsc3`
//! (evaluated in double, then the same recovery). Finite cases are
//! computed in f64 here: squares of f32 parts neither overflow nor
//! underflow there, which removes most of the scaling such code needs.

use num_complex::Complex32 as C;

/// A complex64 from f64 parts, each rounded to f32.
#[inline]
fn c(re: f64, im: f64) -> C {
    C::new(re as f32, im as f32)
}

/// `copysign(v, s)` for f64 magnitudes and f32 signs.
#[inline]
fn sign_of(v: f64, s: f32) -> f64 {
    v.copysign(f64::from(s))
}

/// `1` or `0` with the sign of `v`, `1` where `v` is infinite (the
/// rescaling step of `__mulsc3`/`__divsc3`).
#[inline]
fn inf_to_one(v: f32) -> f32 {
    (if v.is_infinite() { 1.0f32 } else { 0.0 }).copysign(v)
}

/// glibc's `v - v`: `0` for finite `v`, NaN for infinite or NaN `v`.
#[inline]
fn minus_self(v: f32) -> f32 {
    if v.is_finite() {
        0.0
    } else {
        f32::NAN
    }
}

/// `0` with the sign of `v` where `v` is NaN, else `v`.
#[inline]
fn nan_to_zero(v: f32) -> f32 {
    if v.is_nan() {
        0.0f32.copysign(v)
    } else {
        v
    }
}

/// Complex product as libgcc's `__mulsc3`: float products, and a NaN+NaN
/// result with an infinite factor (or overflowed partial product) redone
/// as a signed infinity, so `(1e20+1e20i)^2 = nan+inf i` and
/// `inf * (1+1i)` stays infinite.
pub(crate) fn mul(x: C, y: C) -> C {
    let (mut a, mut b, mut cr, mut d) = (x.re, x.im, y.re, y.im);
    let (ac, bd, ad, bc) = (a * cr, b * d, a * d, b * cr);
    let (re, im) = (ac - bd, ad + bc);
    if !(re.is_nan() && im.is_nan()) {
        return C::new(re, im);
    }
    let mut recalc = false;
    if a.is_infinite() || b.is_infinite() {
        (a, b) = (inf_to_one(a), inf_to_one(b));
        (cr, d) = (nan_to_zero(cr), nan_to_zero(d));
        recalc = true;
    }
    if cr.is_infinite() || d.is_infinite() {
        (cr, d) = (inf_to_one(cr), inf_to_one(d));
        (a, b) = (nan_to_zero(a), nan_to_zero(b));
        recalc = true;
    }
    if !recalc && [ac, bd, ad, bc].iter().any(|p| p.is_infinite()) {
        (a, b, cr, d) = (
            nan_to_zero(a),
            nan_to_zero(b),
            nan_to_zero(cr),
            nan_to_zero(d),
        );
        recalc = true;
    }
    if recalc {
        let inf = f32::INFINITY;
        C::new(inf * (a * cr - b * d), inf * (a * d + b * cr))
    } else {
        C::new(re, im)
    }
}

/// Complex quotient as libgcc's `__divsc3`: the plain formula in double
/// (no overflow for f32 parts), then NaN+NaN recovered: a zero divisor
/// gives `copysign(inf, re(y)) * x`, an infinite dividend infinities, an
/// infinite divisor (signed) zeros.
pub(crate) fn div(x: C, y: C) -> C {
    let (a, b, cr, d) = (x.re, x.im, y.re, y.im);
    let (a64, b64, c64, d64) = (f64::from(a), f64::from(b), f64::from(cr), f64::from(d));
    let den = c64 * c64 + d64 * d64;
    let re = ((a64 * c64 + b64 * d64) / den) as f32;
    let im = ((b64 * c64 - a64 * d64) / den) as f32;
    if !(re.is_nan() && im.is_nan()) {
        return C::new(re, im);
    }
    let inf = f32::INFINITY;
    if cr == 0.0 && d == 0.0 && (!a.is_nan() || !b.is_nan()) {
        let s = inf.copysign(cr);
        C::new(s * a, s * b)
    } else if (a.is_infinite() || b.is_infinite()) && cr.is_finite() && d.is_finite() {
        let (a, b) = (inf_to_one(a), inf_to_one(b));
        C::new(inf * (a * cr + b * d), inf * (b * cr - a * d))
    } else if (cr.is_infinite() || d.is_infinite()) && a.is_finite() && b.is_finite() {
        let (cr, d) = (inf_to_one(cr), inf_to_one(d));
        C::new(0.0 * (a * cr + b * d), 0.0 * (b * cr - a * d))
    } else {
        C::new(re, im)
    }
}

/// `sqrt` (glibc `csqrtf`): the principal root, `re >= 0`, the imaginary
/// part signed as `im(z)`; `sqrt(x ± i inf) = inf ± i inf` even for NaN x.
pub(crate) fn sqrt(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if y.is_infinite() {
        return C::new(f32::INFINITY, y);
    }
    if x.is_infinite() {
        return if x < 0.0 {
            C::new(minus_self(y), f32::INFINITY.copysign(y))
        } else {
            C::new(x, if y.is_nan() { y } else { 0.0f32.copysign(y) })
        };
    }
    if x.is_nan() || y.is_nan() {
        return C::new(f32::NAN, f32::NAN);
    }
    if x == 0.0 && y == 0.0 {
        return C::new(0.0, y);
    }
    let (x64, y64) = (f64::from(x), f64::from(y));
    let t = (0.5 * (x64.abs() + x64.hypot(y64))).sqrt();
    if x >= 0.0 {
        c(t, y64 / (2.0 * t))
    } else {
        c(y64.abs() / (2.0 * t), sign_of(t, y))
    }
}

/// `1 / sqrt(z)` as MLX computes it (a complex division).
pub(crate) fn rsqrt(z: C) -> C {
    div(C::new(1.0, 0.0), sqrt(z))
}

/// `(sinh x, cosh x)` in f64 for an f32 `x`; past 600 (where any nonzero
/// f32 factor still overflows f32) both are the finite stand-in `±1e300`,
/// so a zero factor gives zero rather than NaN.
#[inline]
fn sinh_cosh(x: f64) -> (f64, f64) {
    if x.abs() > 600.0 {
        (1e300f64.copysign(x), 1e300)
    } else {
        (x.sinh(), x.cosh())
    }
}

/// `exp` (glibc `cexpf`).
pub(crate) fn exp(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if x.is_nan() {
        return C::new(f32::NAN, if y == 0.0 { y } else { f32::NAN });
    }
    if x.is_infinite() {
        let v = if x < 0.0 { 0.0f32 } else { f32::INFINITY };
        if y == 0.0 {
            return C::new(v, y);
        }
        if y.is_finite() {
            let (s, co) = f64::from(y).sin_cos();
            return C::new(v.copysign(co as f32), v.copysign(s as f32));
        }
        return if x > 0.0 {
            C::new(f32::INFINITY, minus_self(y))
        } else {
            C::new(0.0, 0.0f32.copysign(y))
        };
    }
    if !y.is_finite() {
        return C::new(f32::NAN, f32::NAN);
    }
    // Past 600 every nonzero f32 factor overflows: 1e300 stands in.
    let x64 = f64::from(x);
    let e = if x64 > 600.0 { 1e300 } else { x64.exp() };
    let (s, co) = f64::from(y).sin_cos();
    c(e * co, e * s)
}

/// `log` (glibc `clogf`): `ln|z| + i arg z`, `log(±0 + i0) = -inf + i{0, π}`;
/// near `|z| = 1` the real part is `log1p(x² + y² - 1) / 2`, exact in f64.
pub(crate) fn log(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if x.is_infinite() || y.is_infinite() {
        return C::new(f32::INFINITY, y.atan2(x));
    }
    if x.is_nan() || y.is_nan() {
        return C::new(f32::NAN, f32::NAN);
    }
    let (x64, y64) = (f64::from(x), f64::from(y));
    let r2 = x64 * x64 + y64 * y64;
    let re = if (0.5..2.0).contains(&r2) {
        // (big - 1)(big + 1) is exact here, so |z|² - 1 is rounded once.
        let (big, small) = if x64.abs() >= y64.abs() {
            (x64, y64)
        } else {
            (y64, x64)
        };
        0.5 * ((big - 1.0) * (big + 1.0) + small * small).ln_1p()
    } else {
        0.5 * r2.ln()
    };
    c(re, y64.atan2(x64))
}

/// MLX's own complex `log1p` (accurate near 0), in float like MLX.
pub(crate) fn log1p(z: C) -> C {
    let (x, y) = (z.re, z.im);
    let theta = y.atan2(x + 1.0);
    if z.norm() < 0.5 {
        let r = x * (2.0 + x) + y * y;
        if r == 0.0 {
            return C::new(x, theta);
        }
        C::new(0.5 * r.ln_1p(), theta)
    } else {
        C::new((x + 1.0).hypot(y).ln(), theta)
    }
}

/// `log2` as MLX: both parts of `log(z)` divided by `ln 2` in float.
pub(crate) fn log2(z: C) -> C {
    let l = log(z);
    C::new(l.re / std::f32::consts::LN_2, l.im / std::f32::consts::LN_2)
}

/// `log10` as libstdc++: `log(z) / log(10.0f)`, part by part.
pub(crate) fn log10(z: C) -> C {
    let l = log(z);
    C::new(
        l.re / std::f32::consts::LN_10,
        l.im / std::f32::consts::LN_10,
    )
}

/// `sinh` (glibc `csinhf`).
pub(crate) fn sinh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if x.is_finite() {
        if y.is_finite() {
            let (sh, ch) = sinh_cosh(f64::from(x));
            let (s, co) = f64::from(y).sin_cos();
            return c(sh * co, ch * s);
        }
        return if x == 0.0 {
            C::new(x, minus_self(y))
        } else {
            C::new(f32::NAN, f32::NAN)
        };
    }
    if x.is_infinite() {
        if y.is_finite() && y != 0.0 {
            let (s, co) = f64::from(y).sin_cos();
            let re = f32::INFINITY.copysign(co as f32);
            let re = if x < 0.0 { -re } else { re };
            return C::new(re, f32::INFINITY.copysign(s as f32));
        }
        if y == 0.0 {
            return C::new(x, y);
        }
        return C::new(f32::INFINITY, minus_self(y));
    }
    C::new(f32::NAN, if y == 0.0 { y } else { f32::NAN })
}

/// `cosh` (glibc `ccoshf`).
pub(crate) fn cosh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if x.is_finite() {
        if y.is_finite() {
            let (sh, ch) = sinh_cosh(f64::from(x));
            let (s, co) = f64::from(y).sin_cos();
            return c(ch * co, sh * s);
        }
        return C::new(minus_self(y), if x == 0.0 { 0.0 } else { f32::NAN });
    }
    if x.is_infinite() {
        if y.is_finite() && y != 0.0 {
            let (s, co) = f64::from(y).sin_cos();
            let im = f32::INFINITY.copysign(s as f32) * 1.0f32.copysign(x);
            return C::new(f32::INFINITY.copysign(co as f32), im);
        }
        if y == 0.0 {
            return C::new(f32::INFINITY, y * 1.0f32.copysign(x));
        }
        return C::new(f32::INFINITY, minus_self(y));
    }
    C::new(f32::NAN, if y == 0.0 { y } else { f32::NAN })
}

/// `tanh` (glibc `ctanhf`): `±1 + i 0·sin(2y)` for infinite or large real
/// parts, `(sinh 2x + i sin 2y) / (cosh 2x + cos 2y)` otherwise.
pub(crate) fn tanh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        if x.is_infinite() {
            let im = if y.is_finite() && y.abs() > 1.0 {
                let (s, co) = f64::from(y).sin_cos();
                0.0f32.copysign((s * co) as f32)
            } else {
                0.0f32.copysign(y)
            };
            return C::new(1.0f32.copysign(x), im);
        }
        if y == 0.0 {
            return z;
        }
        return C::new(if x == 0.0 { x } else { f32::NAN }, f32::NAN);
    }
    let (x64, y64) = (f64::from(x), f64::from(y));
    let (s, co) = y64.sin_cos();
    if x64.abs() > 40.0 {
        // tanh x is ±1 in f32; im = 4 sin y cos y / e^{2|x|} (0 past f64).
        return c(1f64.copysign(x64), 4.0 * s * co * (-2.0 * x64.abs()).exp());
    }
    let (sh, ch) = (x64.sinh(), x64.cosh());
    let den = sh * sh + co * co;
    c(sh * ch / den, s * co / den)
}

/// `i z`.
#[inline]
fn times_i(z: C) -> C {
    C::new(-z.im, z.re)
}

/// `-i z`.
#[inline]
fn times_minus_i(z: C) -> C {
    C::new(z.im, -z.re)
}

/// `sin z = -i sinh(i z)`, but `sin(±inf or NaN ± i inf) = NaN + i inf`
/// as glibc's `csinf` gives (the identity would give `-i inf`).
pub(crate) fn sin(z: C) -> C {
    if z.im.is_infinite() && !z.re.is_finite() {
        return C::new(f32::NAN, f32::INFINITY);
    }
    times_minus_i(sinh(times_i(z)))
}

/// `cos z = cosh(i z)`.
pub(crate) fn cos(z: C) -> C {
    cosh(times_i(z))
}

/// `tan z = -i tanh(i z)`.
pub(crate) fn tan(z: C) -> C {
    times_minus_i(tanh(times_i(z)))
}

/// Hull, Fairgrieve and Tang's `asin` of `a + ib` for finite `a, b >= 0`,
/// in f64: `(re, im)` with `re = atan2(a, d)`, and `d` (>= 0, so that
/// `acos`'s real part is `atan2(d, ±a)`) returned too.
fn asin_parts(a: f64, b: f64) -> (f64, f64, f64) {
    let r = (a + 1.0).hypot(b);
    let s = (a - 1.0).hypot(b);
    let big_a = 0.5 * (r + s);
    let b2 = b * b;
    // b² / den, 0 for b = 0 (where den may be 0 too).
    let over = |den: f64| if b2 == 0.0 { 0.0 } else { b2 / den };
    // A - 1 without cancellation.
    let am1 = if a < 1.0 {
        0.5 * (over(r + a + 1.0) + over(s + 1.0 - a))
    } else {
        0.5 * (over(r + a + 1.0) + over(s + a - 1.0)) + (a - 1.0)
    };
    let im = if am1 < 0.5 {
        (am1 + (am1 * (big_a + 1.0)).sqrt()).ln_1p()
    } else {
        (big_a + (big_a * big_a - 1.0).sqrt()).ln()
    };
    // d = sqrt(A² - a²), the cosine side of the real part.
    let d = if a / big_a <= 0.6417 {
        ((big_a - a) * (big_a + a)).sqrt()
    } else if a <= 1.0 {
        (0.5 * (big_a + a) * (over(r + a + 1.0) + (s + 1.0 - a))).sqrt()
    } else {
        let t = 0.5 * ((big_a + a) / (r + a + 1.0) + (big_a + a) / (s + a - 1.0));
        b * t.sqrt()
    };
    (a.atan2(d), im, d)
}

/// `asinh` (glibc `casinhf`): odd, conjugate-symmetric, so on the cut
/// (`re = ±0`, `|im| > 1`) the real part takes the sign of `re(z)`.
pub(crate) fn asinh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        if y.is_infinite() {
            let im = if x.is_nan() {
                f32::NAN
            } else if x.is_finite() {
                std::f32::consts::FRAC_PI_2.copysign(y)
            } else {
                std::f32::consts::FRAC_PI_4.copysign(y)
            };
            return C::new(f32::INFINITY.copysign(x), im);
        }
        if !x.is_finite() {
            let im = if (x.is_infinite() && y.is_finite()) || (x.is_nan() && y == 0.0) {
                0.0f32.copysign(y)
            } else {
                f32::NAN
            };
            return C::new(x, im);
        }
        return C::new(f32::NAN, f32::NAN);
    }
    if x == 0.0 && y == 0.0 {
        return z;
    }
    // asinh(x + iy) = -i asin(-y + ix).
    let (re, im, _) = asin_parts(f64::from(y.abs()), f64::from(x.abs()));
    c(sign_of(im, x), sign_of(re, y))
}

/// `asin z = -i asinh(i z)` (glibc `casinf`).
pub(crate) fn asin(z: C) -> C {
    if z.re.is_nan() || z.im.is_nan() {
        if z.re == 0.0 {
            return z;
        }
        if z.re.is_infinite() || z.im.is_infinite() {
            return C::new(f32::NAN, f32::INFINITY.copysign(z.im));
        }
        return C::new(f32::NAN, f32::NAN);
    }
    times_minus_i(asinh(times_i(z)))
}

/// `acos` (glibc `cacosf`): `π/2 - asin z` for special values, else
/// `atan2(d, re z) - i sign(im z) asinh-part`, accurate near 0 and π.
pub(crate) fn acos(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() || (x == 0.0 && y == 0.0) {
        let w = asin(z);
        let re = std::f32::consts::FRAC_PI_2 - w.re;
        return C::new(if re == 0.0 { 0.0 } else { re }, -w.im);
    }
    let (_, im, d) = asin_parts(f64::from(x.abs()), f64::from(y.abs()));
    c(d.atan2(f64::from(x)), -sign_of(im, y))
}

/// `acosh` (glibc `cacoshf`): `re >= 0`, `im = ±re(acos z)` signed as `im z`.
pub(crate) fn acosh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        use std::f32::consts::{FRAC_PI_2, FRAC_PI_4, PI};
        if y.is_infinite() {
            let im = if x.is_nan() {
                f32::NAN
            } else if x.is_infinite() {
                (if x < 0.0 { PI - FRAC_PI_4 } else { FRAC_PI_4 }).copysign(y)
            } else {
                FRAC_PI_2.copysign(y)
            };
            return C::new(f32::INFINITY, im);
        }
        if x.is_infinite() {
            let im = if y.is_finite() {
                (if x < 0.0 { PI } else { 0.0 }).copysign(y)
            } else {
                f32::NAN
            };
            return C::new(f32::INFINITY, im);
        }
        return C::new(f32::NAN, if x == 0.0 { FRAC_PI_2 } else { f32::NAN });
    }
    if x == 0.0 && y == 0.0 {
        return C::new(0.0, std::f32::consts::FRAC_PI_2.copysign(y));
    }
    let (_, im, d) = asin_parts(f64::from(x.abs()), f64::from(y.abs()));
    c(im, sign_of(d.atan2(f64::from(x)), y))
}

/// `(re, im)` of `atanh(a + ib)` for finite `a, b >= 0`, in f64:
/// `log1p(4a / ((1-a)² + b²)) / 4 + i atan2(2b, (1-a)(1+a) - b²) / 2`.
fn atanh_parts(a: f64, b: f64) -> (f64, f64) {
    let den = (1.0 - a) * (1.0 - a) + b * b;
    let re = 0.25 * (4.0 * a / den).ln_1p();
    let mut d = (1.0 - a) * (1.0 + a) - b * b;
    if d == 0.0 {
        d = 0.0;
    }
    (re, 0.5 * (2.0 * b).atan2(d))
}

/// `atanh` (glibc `catanhf`): odd and conjugate-symmetric, so on the cut
/// (`im = ±0`, `|re| > 1`) the imaginary part is `±π/2` signed as `im z`.
pub(crate) fn atanh(z: C) -> C {
    use std::f32::consts::FRAC_PI_2;
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        if y.is_infinite() {
            return C::new(0.0f32.copysign(x), FRAC_PI_2.copysign(y));
        }
        if x.is_infinite() || x == 0.0 {
            let im = if y.is_nan() {
                f32::NAN
            } else {
                FRAC_PI_2.copysign(y)
            };
            return C::new(0.0f32.copysign(x), im);
        }
        return C::new(f32::NAN, f32::NAN);
    }
    if x == 0.0 && y == 0.0 {
        return z;
    }
    let (re, im) = atanh_parts(f64::from(x.abs()), f64::from(y.abs()));
    c(sign_of(re, x), sign_of(im, y))
}

/// `atan` (glibc `catanf`): `atan z = -i atanh(i z)`, with glibc's own
/// special values.
pub(crate) fn atan(z: C) -> C {
    use std::f32::consts::FRAC_PI_2;
    let (x, y) = (z.re, z.im);
    if !x.is_finite() || !y.is_finite() {
        if x.is_infinite() {
            return C::new(FRAC_PI_2.copysign(x), 0.0f32.copysign(y));
        }
        if y.is_infinite() {
            let re = if x.is_nan() {
                f32::NAN
            } else {
                FRAC_PI_2.copysign(x)
            };
            return C::new(re, 0.0f32.copysign(y));
        }
        if y == 0.0 {
            return C::new(f32::NAN, 0.0f32.copysign(y));
        }
        return C::new(f32::NAN, f32::NAN);
    }
    if x == 0.0 && y == 0.0 {
        return z;
    }
    let (re, im) = atanh_parts(f64::from(y.abs()), f64::from(x.abs()));
    c(sign_of(im, x), sign_of(re, y))
}

/// `x ** y` (glibc `cpowf`): `exp(y * log x)`.
pub(crate) fn pow(x: C, y: C) -> C {
    exp(mul(y, log(x)))
}

/// `sign` as MLX: `z` itself for zero, else the complex quotient
/// `z / (|z| + 0i)` (so `sign(-0 + 2i) = +0 + i`, `sign(i inf)` is NaN).
pub(crate) fn sign(z: C) -> C {
    if z.re == 0.0 && z.im == 0.0 {
        return z;
    }
    div(z, C::new(z.norm(), 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-exact parts (so signed zeros count), as MLX 0.32.4 gives them.
    fn same(got: C, re: f32, im: f32) -> bool {
        got.re.to_bits() == re.to_bits() && got.im.to_bits() == im.to_bits()
    }

    #[test]
    fn signed_zeros_and_infinities_match_mlx() {
        let inf = f32::INFINITY;
        // mx.tan(1+100j) == 0+1j, mx.tanh(100+1j) == 1+0j
        assert!(same(tan(C::new(1.0, 100.0)), 0.0, 1.0));
        assert!(same(tanh(C::new(100.0, 1.0)), 1.0, 0.0));
        // mx.rsqrt(-0.719+inf j) == 0-0j
        assert!(same(rsqrt(C::new(-0.719, inf)), 0.0, -0.0));
        // mx.sign(-0+0.5j) == 0+1j; mx.sign(-0-0j) == -0-0j
        assert!(same(sign(C::new(-0.0, 0.5)), 0.0, 1.0));
        assert!(same(sign(C::new(-0.0, -0.0)), -0.0, -0.0));
        // mx.divide(1+1j, inf+1j) == 0+0j; (1e20+1e20j)**2 overflows to nan+inf j
        assert!(same(div(C::new(1.0, 1.0), C::new(inf, 1.0)), 0.0, 0.0));
        let sq = mul(C::new(1e20, 1e20), C::new(1e20, 1e20));
        assert!(sq.re.is_nan() && sq.im == inf);
        // mx.sin(inf+inf j) == nan+inf j
        let s = sin(C::new(inf, inf));
        assert!(s.re.is_nan() && s.im == inf);
    }

    #[test]
    fn branch_cuts_take_the_sign_of_zero() {
        // mx.arctan(0-4.921j) == 1.5708-0.206079j; mx.arctan(-0+4.921j) == -1.5708+0.206079j
        let a = atan(C::new(0.0, -4.921));
        assert!(
            (a.re - std::f32::consts::FRAC_PI_2).abs() < 1e-6 && (a.im + 0.206_079).abs() < 1e-5
        );
        assert!(atan(C::new(-0.0, 4.921)).re < 0.0);
        // mx.arctanh(4.921+0j).imag == +pi/2, of 4.921-0j == -pi/2
        assert_eq!(atanh(C::new(4.921, 0.0)).im, std::f32::consts::FRAC_PI_2);
        assert_eq!(atanh(C::new(4.921, -0.0)).im, -std::f32::consts::FRAC_PI_2);
        // mx.sqrt(-2-0j) == 0-1.41421j
        assert!(same(
            sqrt(C::new(-2.0, -0.0)),
            0.0,
            -std::f32::consts::SQRT_2
        ));
    }

    #[test]
    fn huge_parts_stay_finite() {
        // mx.arcsinh(1e38+1j) == 88.1913+1e-38j
        let z = asinh(C::new(1e38, 1.0));
        assert!((z.re - 88.191_3).abs() < 1e-3 && (z.im - 1e-38).abs() < 1e-42);
        // mx.arccos(1e38+1e38j) == 0.785398-88.5379j
        let z = acos(C::new(1e38, 1e38));
        assert!(
            (z.re - std::f32::consts::FRAC_PI_4).abs() < 1e-5 && (z.im + 88.537_9).abs() < 1e-3
        );
    }
}
