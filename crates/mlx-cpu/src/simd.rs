//! Explicit SIMD with runtime dispatch, and the vectorisable `f32` math
//! the kernels build on.
//!
//! [`dispatch`] runs a closure compiled for the best instruction set the
//! CPU has (AVX-512, else AVX2 + FMA, else the baseline), through the
//! `pulp` crate: the closure and everything it inlines is code-generated
//! once per instruction set, and the choice is made at run time. The
//! kernels inside are plain loops over fixed-width blocks with no
//! branches per element, which LLVM turns into full-width vector code for
//! whichever instruction set is active.
//!
//! The math functions here (`exp`, `log`, `tanh`, `sigmoid`, `erf`, `sin`,
//! `cos`) are branch-free `f32` versions of the Cephes/FreeBSD algorithms,
//! within a few ulp of the correctly rounded result (the tests measure the
//! error against `f64`). `exp` and the functions built on it take their
//! multiply-adds from a [`MulAdd`] type: [`Fused`] where the dispatched
//! instruction set has FMA ([`has_fma`]), [`Separate`] elsewhere (a fused
//! `mul_add` there would be a software call per element). `f16`/`bf16` go through
//! `f32` in registers ([`Lane`]), converted with integer bit operations
//! that vectorise (the `half` crate's conversions test for F16C on every
//! call, which keeps loops scalar).

use half::{bf16, f16};

/// Run `f` compiled for the best instruction set available at run time.
///
/// Put the whole hot loop inside `f` (helpers it calls should be
/// `#[inline(always)]`): code outside the closure keeps the baseline
/// instruction set. Keep `f` small (a call to one such helper): a closure
/// is only inlined at the compiler's discretion, and a large one is
/// compiled out of line for the baseline. For a large body, implement
/// `pulp::WithSimd` on a struct instead (its `with_simd` is always
/// inlined), as the Adam kernel in `optimizer.rs` does.
#[inline(always)]
pub(crate) fn dispatch<R>(f: impl FnOnce() -> R) -> R {
    pulp::Arch::new().dispatch(f)
}

/// How the math functions compute `a * b + c`.
pub(crate) trait MulAdd: Copy + Send + Sync + 'static {
    /// `a * b + c`.
    fn mad(a: f32, b: f32, c: f32) -> f32;
}

/// One fused multiply-add (one rounding): for instruction sets with FMA.
#[derive(Clone, Copy)]
pub(crate) struct Fused;

impl MulAdd for Fused {
    #[inline(always)]
    fn mad(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
}

/// A multiply, then an add (two roundings): for instruction sets without
/// FMA, where `f32::mul_add` is a call into the C library.
#[derive(Clone, Copy)]
pub(crate) struct Separate;

impl MulAdd for Separate {
    #[inline(always)]
    fn mad(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
}

/// Whether [`dispatch`] runs code with hardware FMA: pulp's AVX2+FMA or
/// AVX-512 level on x86, always on aarch64 (FMA is part of its base
/// floating point). Pick [`Fused`] when true, [`Separate`] otherwise.
#[inline]
pub(crate) fn has_fma() -> bool {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        !matches!(pulp::Arch::new(), pulp::Arch::Scalar)
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}

/// A float element computed in `f32`: `f32` itself, `f16`, `bf16`.
pub(crate) trait Lane: Copy + Send + Sync + 'static {
    /// Whether [`widen16`](Lane::widen16) and [`narrow16`](Lane::narrow16)
    /// use F16C when given it (`f16` only).
    const USES_F16C: bool = false;
    /// Widen to `f32` (exact).
    fn widen(self) -> f32;
    /// Round from `f32` to nearest, ties to even.
    fn narrow(x: f32) -> Self;
    /// [`widen`](Lane::widen) 16 elements, with F16C where `hw` proves it.
    #[inline(always)]
    fn widen16(xs: &[Self; 16], hw: Option<F16c>) -> [f32; 16] {
        let _ = hw;
        xs.map(Self::widen)
    }
    /// [`narrow`](Lane::narrow) 16 values, with F16C where `hw` proves it.
    #[inline(always)]
    fn narrow16(xs: &[f32; 16], hw: Option<F16c>) -> [Self; 16] {
        let _ = hw;
        xs.map(Self::narrow)
    }
}

/// `buf[i] = x[i].widen()` (equal lengths): 16 at a time through F16C
/// where `hw` is given, else one by one (the form LLVM vectorises best
/// for the bit-operation widenings).
#[inline(always)]
pub(crate) fn widen_into<S: Lane>(x: &[S], buf: &mut [f32], hw: Option<F16c>) {
    if hw.is_some() {
        let mut xc = x.chunks_exact(16);
        let mut bc = buf.chunks_exact_mut(16);
        for (x, b) in (&mut xc).zip(&mut bc) {
            if let (Ok(x), Ok(b)) = (<&[S; 16]>::try_from(x), <&mut [f32; 16]>::try_from(b)) {
                *b = S::widen16(x, hw);
            }
        }
        for (b, &x) in bc.into_remainder().iter_mut().zip(xc.remainder()) {
            *b = x.widen();
        }
    } else {
        for (b, &x) in buf.iter_mut().zip(x) {
            *b = x.widen();
        }
    }
}

/// `out[i] = D::narrow(vals[i])` (equal lengths): 16 at a time through
/// F16C where `hw` is given, else one by one.
#[inline(always)]
pub(crate) fn narrow_into<D: Lane>(vals: &[f32], out: &mut [D], hw: Option<F16c>) {
    if hw.is_some() {
        let mut vc = vals.chunks_exact(16);
        let mut oc = out.chunks_exact_mut(16);
        for (v, o) in (&mut vc).zip(&mut oc) {
            if let (Ok(v), Ok(o)) = (<&[f32; 16]>::try_from(v), <&mut [D; 16]>::try_from(o)) {
                *o = D::narrow16(v, hw);
            }
        }
        for (o, &v) in oc.into_remainder().iter_mut().zip(vc.remainder()) {
            *o = D::narrow(v);
        }
    } else {
        for (o, &v) in out.iter_mut().zip(vals) {
            *o = D::narrow(v);
        }
    }
}

/// Run `f` with `Some(hw)` where the CPU has F16C and `S` uses it, else
/// with `None`: two calls, each with its argument fixed, so that once
/// inlined no loop branches on it. (A branch on `hw` inside a loop made
/// LLVM merge the two loads' results through the stack, a
/// store-forwarding stall of 80% of an `f16` sum's time.)
#[inline(always)]
pub(crate) fn with_f16c<S: Lane, R>(mut f: impl FnMut(Option<F16c>) -> R) -> R {
    match F16c::detect() {
        Some(hw) if S::USES_F16C => f(Some(hw)),
        _ => f(None),
    }
}

impl Lane for f32 {
    #[inline(always)]
    fn widen(self) -> f32 {
        self
    }
    #[inline(always)]
    fn narrow(x: f32) -> f32 {
        x
    }
}

impl Lane for f16 {
    const USES_F16C: bool = true;
    #[inline(always)]
    fn widen(self) -> f32 {
        f16_to_f32(self.to_bits())
    }
    #[inline(always)]
    fn narrow(x: f32) -> f16 {
        f16::from_bits(f32_to_f16(x))
    }
    #[inline(always)]
    fn widen16(xs: &[f16; 16], hw: Option<F16c>) -> [f32; 16] {
        widen16_f16(xs, hw)
    }
    #[inline(always)]
    fn narrow16(xs: &[f32; 16], hw: Option<F16c>) -> [f16; 16] {
        narrow16_f16(xs, hw)
    }
}

impl Lane for bf16 {
    #[inline(always)]
    fn widen(self) -> f32 {
        f32::from_bits((self.to_bits() as u32) << 16)
    }
    #[inline(always)]
    fn narrow(x: f32) -> bf16 {
        bf16::from_bits(f32_to_bf16(x))
    }
}

/// Proof that the running CPU converts IEEE halves to `f32` in hardware
/// (x86's F16C, with AVX); only [`F16c::detect`] makes one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct F16c(());

impl F16c {
    /// `Some` when the CPU has F16C and AVX. Call it outside hot loops
    /// (it reads the standard library's cached feature bits).
    #[inline]
    pub(crate) fn detect() -> Option<F16c> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("f16c") && std::arch::is_x86_feature_detected!("avx")
        {
            return Some(F16c(()));
        }
        None
    }
}

/// Widen 16 halves to `f32`, exactly: `vcvtph2ps` given F16C, else the
/// bit operations of [`f16_to_f32`] (several instructions per vector,
/// which bound the `f16` sum at 2.3x PyTorch's time).
#[inline(always)]
pub(crate) fn widen16_f16(x: &[f16; 16], hw: Option<F16c>) -> [f32; 16] {
    #[cfg(target_arch = "x86_64")]
    if hw.is_some() {
        use std::arch::x86_64::{__m128i, _mm256_cvtph_ps, _mm_loadu_si128};
        // SAFETY: `hw` proves the CPU has F16C and AVX (only
        // `F16c::detect` makes one). The two unaligned 16-byte loads read
        // the 32 bytes of `x`. `__m256` and `[f32; 8]` have the same size,
        // and any bits are a valid `f32`.
        unsafe {
            let p = x.as_ptr().cast::<__m128i>();
            let lo: [f32; 8] = std::mem::transmute(_mm256_cvtph_ps(_mm_loadu_si128(p)));
            let hi: [f32; 8] = std::mem::transmute(_mm256_cvtph_ps(_mm_loadu_si128(p.add(1))));
            let mut out = [0.0f32; 16];
            out[..8].copy_from_slice(&lo);
            out[8..].copy_from_slice(&hi);
            return out;
        }
    }
    let _ = hw;
    x.map(|h| f16_to_f32(h.to_bits()))
}

/// Round 16 `f32`s to halves, to nearest even: `vcvtps2ph` given F16C,
/// else the bit operations of [`f32_to_f16`] (the same results; a NaN
/// stays a NaN).
#[inline(always)]
pub(crate) fn narrow16_f16(x: &[f32; 16], hw: Option<F16c>) -> [f16; 16] {
    #[cfg(target_arch = "x86_64")]
    if hw.is_some() {
        use std::arch::x86_64::{
            __m128i, _mm256_cvtps_ph, _mm256_loadu_ps, _MM_FROUND_TO_NEAREST_INT,
        };
        // SAFETY: `hw` proves the CPU has F16C and AVX (only
        // `F16c::detect` makes one). The two unaligned 32-byte loads read
        // the 64 bytes of `x`. `[__m128i; 2]` and `[f16; 16]` have the same
        // size, and any bits are a valid `f16`.
        unsafe {
            let p = x.as_ptr();
            let halves: [__m128i; 2] = [
                _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(_mm256_loadu_ps(p)),
                _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(_mm256_loadu_ps(p.add(8))),
            ];
            return std::mem::transmute::<[__m128i; 2], [f16; 16]>(halves);
        }
    }
    let _ = hw;
    x.map(|v| f16::from_bits(f32_to_f16(v)))
}

/// IEEE half bits to `f32`, exactly, with selects only (after F. Giesen's
/// `half_to_float_fast5`).
#[inline(always)]
pub(crate) fn f16_to_f32(h: u16) -> f32 {
    const MAGIC: u32 = 113 << 23;
    const SHIFTED_EXP: u32 = 0x7c00 << 13;
    let h = h as u32;
    let o = (h & 0x7fff) << 13;
    let exp = o & SHIFTED_EXP;
    let o = o + ((127 - 15) << 23);
    let inf_nan = o + ((128 - 16) << 23);
    // Subnormal halves: renormalise through one exact float subtraction.
    let sub = (f32::from_bits(o + (1 << 23)) - f32::from_bits(MAGIC)).to_bits();
    let o = if exp == SHIFTED_EXP {
        inf_nan
    } else if exp == 0 {
        sub
    } else {
        o
    };
    f32::from_bits(o | ((h & 0x8000) << 16))
}

/// `f32` to IEEE half bits, rounding to nearest even; overflow gives
/// infinity, NaN stays NaN (after F. Giesen's `float_to_half_fast3_rtne`).
#[inline(always)]
pub(crate) fn f32_to_f16(x: f32) -> u16 {
    const F32_INF: u32 = 255 << 23;
    const F16_MAX: u32 = (127 + 16) << 23;
    const DENORM_MAGIC: u32 = ((127 - 15) + (23 - 10) + 1) << 23;
    let bits = x.to_bits();
    let sign = bits & 0x8000_0000;
    let f = bits ^ sign;
    let big = if f > F32_INF { 0x7e00 } else { 0x7c00 };
    // Results in the half subnormal range: let the float adder round.
    let sub = (f32::from_bits(f) + f32::from_bits(DENORM_MAGIC))
        .to_bits()
        .wrapping_sub(DENORM_MAGIC);
    let odd = (f >> 13) & 1;
    let norm = f.wrapping_sub(112 << 23).wrapping_add(0xfff + odd) >> 13;
    let o = if f >= F16_MAX {
        big
    } else if f < (113 << 23) {
        sub
    } else {
        norm
    };
    (o | (sign >> 16)) as u16
}

/// `f32` to bfloat16 bits, rounding to nearest even; NaN stays a quiet
/// NaN (as the `half` crate).
#[inline(always)]
pub(crate) fn f32_to_bf16(x: f32) -> u16 {
    let b = x.to_bits();
    let rounded = b.wrapping_add(0x7fff + ((b >> 16) & 1)) >> 16;
    let nan = (b >> 16) | 0x40;
    (if x.is_nan() { nan } else { rounded }) as u16
}

/// `e^x` within 2 ulp (Cephes `expf`: `x = n ln2 + r`, a degree-6
/// polynomial in `r` evaluated with `M`'s multiply-adds, and `2^n` built
/// from exponent bits in two halves so subnormal results and overflow
/// come out right). `-inf` gives 0, `+inf` gives `inf`, NaN stays NaN.
#[inline(always)]
pub(crate) fn exp_f32<M: MulAdd>(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // `clamp` keeps NaN; past the bounds the result is 0 or inf anyway.
    let x = x.clamp(-105.0, 89.0);
    let t = M::mad(x, std::f32::consts::LOG2_E, MAGIC);
    let n = t - MAGIC;
    let ni = (t.to_bits() as i32).wrapping_sub(0x4B40_0000);
    // `n * LN2_HI` is exact (LN2_HI has 9 significant bits, |n| < 2^8).
    let r = M::mad(-n, LN2_LO, M::mad(-n, LN2_HI, x));
    let p = M::mad(1.987_569_1e-4, r, 1.398_199_9e-3);
    let p = M::mad(p, r, 8.333_452e-3);
    let p = M::mad(p, r, 4.166_579_6e-2);
    let p = M::mad(p, r, 1.666_666_5e-1);
    let p = M::mad(p, r, 0.5);
    let p = M::mad(p, r * r, r) + 1.0;
    let n1 = ni >> 1;
    let n2 = ni.wrapping_sub(n1);
    let s1 = f32::from_bits((n1.wrapping_add(127) as u32) << 23);
    let s2 = f32::from_bits((n2.wrapping_add(127) as u32) << 23);
    p * s1 * s2
}

/// Natural logarithm (Cephes `logf`: `x = m 2^e` with `m` in
/// `[sqrt(1/2), sqrt(2))`, a degree-9 polynomial in `m - 1`). Subnormals
/// are scaled first; `log(0) = -inf`, negative or NaN gives NaN,
/// `log(inf) = inf`.
#[inline(always)]
pub(crate) fn log_f32(x: f32) -> f32 {
    let sub = x < f32::MIN_POSITIVE;
    let xs = if sub { x * 8_388_608.0 } else { x }; // 2^23
    let bits = xs.to_bits();
    let e = ((bits >> 23) & 0xff) as i32 - 126 - if sub { 23 } else { 0 };
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f00_0000); // [0.5, 1)
    let low = m < std::f32::consts::FRAC_1_SQRT_2;
    let e = e - low as i32;
    let m = if low { m + m - 1.0 } else { m - 1.0 };
    let z = m * m;
    let y = ((((((((7.037_683_6e-2 * m - 1.151_461_e-1) * m + 1.167_699_9e-1) * m
        - 1.242_014_1e-1)
        * m
        + 1.424_932_3e-1)
        * m
        - 1.666_805_8e-1)
        * m
        + 2.000_071_4e-1)
        * m
        - 2.499_999_4e-1)
        * m
        + 3.333_333e-1)
        * m
        * z;
    let fe = e as f32;
    let y = y + -2.121_944_4e-4 * fe;
    let y = y - 0.5 * z;
    let r = m + y + 0.693_359_4 * fe;
    let r = if x == f32::INFINITY { x } else { r };
    let r = if x < 0.0 || x.is_nan() { f32::NAN } else { r };
    if x == 0.0 {
        f32::NEG_INFINITY
    } else {
        r
    }
}

/// Hyperbolic tangent (Cephes `tanhf`: an odd polynomial below 0.625,
/// `1 - 2 / (e^{2|x|} + 1)` above).
#[inline(always)]
pub(crate) fn tanh_f32<M: MulAdd>(x: f32) -> f32 {
    let a = x.abs();
    let e = exp_f32::<M>(a + a);
    let big = (1.0 - 2.0 / (e + 1.0)).copysign(x);
    let z = x * x;
    let small =
        ((((-5.704_988_7e-3 * z + 2.063_909e-2) * z - 5.373_971_6e-2) * z + 1.333_144_2e-1) * z
            - 3.333_328e-1)
            * z
            * x
            + x;
    // x == 0: keep the sign of zero (the polynomial turns -0 into +0).
    if x == 0.0 {
        x
    } else if a < 0.625 {
        small
    } else {
        big
    }
}

/// Logistic function `1 / (1 + e^-x)`, as `e^x / (1 + e^x)` for negative
/// `x` so tiny results keep their precision.
#[inline(always)]
pub(crate) fn sigmoid_f32<M: MulAdd>(x: f32) -> f32 {
    let e = exp_f32::<M>(-x.abs());
    let r = 1.0 / (1.0 + e);
    if x >= 0.0 {
        r
    } else {
        e * r
    }
}

/// The error function in two pieces without a division, from
/// `scripts/fit_erf.py` (weighted minimax fits, coefficients rounded to
/// f32):
/// - `|x| < 0.921875`: `x + x * R(x^2)`, `R` of degree 6;
/// - above: `1 - exp(-P(|x|))`, `P(t) ~ -ln(erfc(t))` of degree 7 on
///   `[0.921875, 4]` (`|x|` clamped to 4, where `erf` rounds to 1).
///
/// Max error 1.0 ulp with fused multiply-adds, 1.2 ulp without, against
/// `f64` on [-10, 10] (test
/// `tanh_sigmoid_erf_within_few_ulps_of_f64`); the fits themselves are
/// within 0.1 ulp, the rest is `exp` and the final rounding. NaN stays
/// NaN (through the first piece), `-0.0` stays `-0.0`.
#[inline(always)]
pub(crate) fn erf_f32<M: MulAdd>(x: f32) -> f32 {
    let a = x.abs();
    let s = x * x;
    let r = M::mad(8.398_148e-5, s, -8.149_888_6e-4);
    let r = M::mad(r, s, 5.201_723_4e-3);
    let r = M::mad(r, s, -2.685_970_6e-2);
    let r = M::mad(r, s, 1.128_370_2e-1);
    let r = M::mad(r, s, -3.761_263_5e-1);
    let r = M::mad(r, s, 1.283_791_7e-1);
    let small = M::mad(x, r, x);
    // `min` returns 4 for NaN; NaN takes the first piece below.
    let t = a.min(4.0);
    let p = M::mad(2.118_509_8e-5, t, -4.354_877_7e-4);
    let p = M::mad(p, t, 4.175_95e-3);
    let p = M::mad(p, t, -2.513_207_7e-2);
    let p = M::mad(p, t, 1.082_993e-1);
    let p = M::mad(p, t, 6.333_298e-1);
    let p = M::mad(p, t, 1.129_523_2);
    let p = M::mad(p, t, -1.763_275_8e-4);
    let large = (1.0 - exp_f32::<M>(-p)).copysign(x);
    if a >= 0.921_875 {
        large
    } else {
        small
    }
}

/// `(sin, cos)` of an `f32` whose magnitude is at most [`TRIG_MAX`]: the
/// argument is reduced by multiples of pi/2 in `f64` (exact enough that
/// results near the zeros keep their relative accuracy), then Cephes'
/// `sinf`/`cosf` polynomials on `[-pi/4, pi/4]`.
#[inline(always)]
fn sincos_reduced(x: f32) -> (f32, f32) {
    // pi/2 split: 33 significant bits (so q * HI is exact for q < 2^20)
    // and the rest (fdlibm's pio2_1 and pio2_1t).
    const PIO2_HI: f64 = 1.570_796_326_734_125_6;
    const PIO2_LO: f64 = 6.077_100_506_506_192e-11;
    let a = x.abs() as f64;
    // 1.5 * 2^52: adding it rounds to an integer (ties to even).
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let q = (a * std::f64::consts::FRAC_2_PI + ROUND) - ROUND;
    let r = ((a - q * PIO2_HI) - q * PIO2_LO) as f32;
    let qi = q as i32;
    let z = r * r;
    let s = ((-1.951_529_6e-4 * z + 8.332_161e-3) * z - 1.666_665_5e-1) * z * r + r;
    let c = ((2.443_315_7e-5 * z - 1.388_731_6e-3) * z + 4.166_664_6e-2) * z * z - 0.5 * z + 1.0;
    // sin(a) for quadrants 0..3 is s, c, -s, -c; cos(a) is c, -s, -c, s.
    let swap = qi & 1 == 1;
    let (sa, ca) = if swap { (c, s) } else { (s, c) };
    let sin_neg = qi & 2 == 2;
    let cos_neg = (qi + 1) & 2 == 2;
    let sa = if sin_neg { -sa } else { sa };
    let ca = if cos_neg { -ca } else { ca };
    (if x < 0.0 { -sa } else { sa }, ca)
}

/// Largest magnitude [`sin_f32`]/[`cos_f32`]'s fast reduction handles;
/// larger arguments (and inf, NaN) take the standard library's path.
pub(crate) const TRIG_MAX: f32 = 1_000_000.0;

/// `sin(x)` for `|x| <= TRIG_MAX` (see [`sincos_reduced`]).
#[inline(always)]
pub(crate) fn sin_f32(x: f32) -> f32 {
    sincos_reduced(x).0
}

/// `cos(x)` for `|x| <= TRIG_MAX` (see [`sincos_reduced`]).
#[inline(always)]
pub(crate) fn cos_f32(x: f32) -> f32 {
    sincos_reduced(x).1
}

/// Elements converted and tested together in [`map_blocks`].
const BLOCK: usize = 64;

/// `out[i] = f(xs[i])` computed in `f32` over blocks of [`BLOCK`]
/// elements: `fast` when every element of the block passes `ok`, `slow`
/// element by element otherwise (arguments the fast formula does not
/// cover, e.g. huge ones for `sin`). Call it inside [`dispatch`].
///
/// `f16` converts 16 at a time through F16C where the CPU has it
/// ([`with_f16c`]).
#[inline(always)]
pub(crate) fn map_blocks<S: Lane, D: Lane>(
    xs: &[S],
    out: &mut [D],
    ok: impl Fn(f32) -> bool,
    fast: impl Fn(f32) -> f32,
    slow: impl Fn(f32) -> f32,
) {
    let mut xc = xs.chunks_exact(BLOCK);
    let mut oc = out.chunks_exact_mut(BLOCK);
    with_f16c::<S, _>(
        #[inline(always)]
        |hw| {
            for (x, o) in (&mut xc).zip(&mut oc) {
                let mut buf = [0.0f32; BLOCK];
                widen_into(x, &mut buf, hw);
                let all_ok = buf.iter().fold(true, |acc, &v| acc & ok(v));
                match hw {
                    Some(hw) if D::USES_F16C => {
                        let mut res = [0.0f32; BLOCK];
                        for (r, &b) in res.iter_mut().zip(&buf) {
                            *r = if all_ok || ok(b) { fast(b) } else { slow(b) };
                        }
                        narrow_into(&res, o, Some(hw));
                    }
                    _ if all_ok => {
                        for (o, &b) in o.iter_mut().zip(&buf) {
                            *o = D::narrow(fast(b));
                        }
                    }
                    _ => {
                        for (o, &b) in o.iter_mut().zip(&buf) {
                            *o = D::narrow(if ok(b) { fast(b) } else { slow(b) });
                        }
                    }
                }
            }
        },
    );
    for (o, &x) in oc.into_remainder().iter_mut().zip(xc.remainder()) {
        let b = x.widen();
        *o = D::narrow(if ok(b) { fast(b) } else { slow(b) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units of the last place between `got` and the f64 truth
    /// (in the subnormal range, in units of the smallest subnormal).
    fn ulps(got: f32, want: f64) -> f64 {
        if want.is_nan() {
            return if got.is_nan() { 0.0 } else { f64::INFINITY };
        }
        if want.is_infinite() || got.is_infinite() {
            return if got as f64 == want {
                0.0
            } else {
                f64::INFINITY
            };
        }
        let w = want as f32;
        if w == 0.0 || !w.is_normal() {
            return (got as f64 - want).abs() / f32::from_bits(1) as f64;
        }
        let ulp = (f32::from_bits(w.abs().to_bits() + 1) - w.abs()) as f64;
        (got as f64 - want).abs() / ulp
    }

    /// Inputs: a dense sweep of `[lo, hi]`, random bit patterns whose value
    /// lies in it, and the edge values.
    fn inputs(lo: f32, hi: f32) -> Vec<f32> {
        let mut v = Vec::new();
        let steps = 400_000;
        for i in 0..=steps {
            v.push(lo + (hi - lo) * (i as f32 / steps as f32));
        }
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        while v.len() < 1_000_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let x = f32::from_bits((s >> 32) as u32);
            if x >= lo && x <= hi {
                v.push(x);
            }
        }
        let edges = [
            0.0,
            -0.0,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::from_bits(0x007f_ffff),
            1.0,
            -1.0,
            lo,
            hi,
        ];
        v.extend(edges.iter().filter(|&&x| x >= lo && x <= hi));
        v
    }

    /// The worst ulp error of `f` against `want` over `inputs(lo, hi)`
    /// (printed: `cargo test -p mlx-cpu simd -- --nocapture`).
    fn worst(f: impl Fn(f32) -> f32, want: impl Fn(f64) -> f64, lo: f32, hi: f32) -> (f64, f32) {
        let mut w = (0.0, 0.0);
        for x in inputs(lo, hi) {
            // Through `map_blocks` in `dispatch`, as the kernels run it.
            let mut y = [0.0f32];
            dispatch(|| map_blocks(&[x], &mut y, |_| true, &f, &f));
            let e = ulps(y[0], want(x as f64));
            if e > w.0 || e.is_nan() {
                w = (e, x);
            }
        }
        eprintln!("[{lo:e}, {hi:e}]: max {:.2} ulp at {:e}", w.0, w.1);
        w
    }

    // The bounds are the "few ulp" MLX's f32 kernels allow. The functions
    // built on `exp` are checked with both multiply-add forms (the
    // machine's dispatch uses one; a CPU without FMA the other). The
    // measured maxima are printed with `-- --nocapture`.
    #[test]
    fn exp_log_within_few_ulps_of_f64() {
        let (e, x) = worst(exp_f32::<Fused>, f64::exp, -104.0, 88.7);
        assert!(e <= 2.0, "exp (fused): {e} ulp at {x}");
        let (e, x) = worst(exp_f32::<Separate>, f64::exp, -104.0, 88.7);
        assert!(e <= 2.0, "exp (separate): {e} ulp at {x}");
        let (e, x) = worst(log_f32, f64::ln, 0.0, f32::MAX);
        assert!(e <= 2.0, "log: {e} ulp at {x}");
    }

    fn tanh_sigmoid_erf<M: MulAdd>() {
        let (e, x) = worst(tanh_f32::<M>, f64::tanh, -20.0, 20.0);
        assert!(e <= 3.0, "tanh: {e} ulp at {x}");
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        let (e, x) = worst(sigmoid_f32::<M>, sig, -100.0, 100.0);
        assert!(e <= 3.0, "sigmoid: {e} ulp at {x}");
        let (e, x) = worst(erf_f32::<M>, libm::erf, -10.0, 10.0);
        assert!(e <= 1.5, "erf: {e} ulp at {x}");
    }

    #[test]
    fn tanh_sigmoid_erf_within_few_ulps_of_f64() {
        tanh_sigmoid_erf::<Fused>();
        tanh_sigmoid_erf::<Separate>();
    }

    #[test]
    fn sin_cos_within_few_ulps_of_f64() {
        let (e, x) = worst(sin_f32, f64::sin, -TRIG_MAX, TRIG_MAX);
        assert!(e <= 2.0, "sin: {e} ulp at {x}");
        let (e, x) = worst(cos_f32, f64::cos, -TRIG_MAX, TRIG_MAX);
        assert!(e <= 2.0, "cos: {e} ulp at {x}");
        let (e, x) = worst(sin_f32, f64::sin, -10.0, 10.0);
        assert!(e <= 2.0, "sin: {e} ulp at {x}");
    }

    fn special_values_with<M: MulAdd>() {
        let inf = f32::INFINITY;
        assert_eq!(exp_f32::<M>(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_f32::<M>(inf), inf);
        assert!(exp_f32::<M>(f32::NAN).is_nan());
        assert_eq!(log_f32(0.0), -inf);
        assert_eq!(log_f32(-0.0), -inf);
        assert!(log_f32(-1.0).is_nan() && log_f32(f32::NAN).is_nan());
        assert_eq!(log_f32(inf), inf);
        assert!(log_f32(-inf).is_nan());
        let sub = f32::from_bits(1);
        assert!(ulps(log_f32(sub), (sub as f64).ln()) <= 1.0);
        assert_eq!(tanh_f32::<M>(inf), 1.0);
        assert_eq!(tanh_f32::<M>(-inf), -1.0);
        assert!(tanh_f32::<M>(f32::NAN).is_nan());
        assert!(tanh_f32::<M>(-0.0).is_sign_negative() && tanh_f32::<M>(-0.0) == 0.0);
        assert_eq!(sigmoid_f32::<M>(inf), 1.0);
        assert_eq!(sigmoid_f32::<M>(-inf), 0.0);
        assert!(sigmoid_f32::<M>(f32::NAN).is_nan());
        assert_eq!(erf_f32::<M>(inf), 1.0);
        assert_eq!(erf_f32::<M>(-inf), -1.0);
        assert!(erf_f32::<M>(f32::NAN).is_nan());
        assert!(erf_f32::<M>(-0.0).is_sign_negative());
        // erf(x) = 2x/sqrt(pi) + O(x^3): 1.128 * 2^-149 rounds to 2^-149.
        assert_eq!(erf_f32::<M>(sub), sub);
    }

    #[test]
    fn special_values() {
        special_values_with::<Fused>();
        special_values_with::<Separate>();
    }

    #[test]
    fn half_conversions_match_half_crate() {
        for h in 0..=u16::MAX {
            let want = f16::from_bits(h).to_f32();
            let got = f16_to_f32(h);
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{h:#x}"
            );
            let b = bf16::from_bits(h);
            let (got, want) = (b.widen(), b.to_f32());
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{h:#x}"
            );
        }
        let mut s = 1u32;
        let check = |x: f32| {
            let a = f32_to_f16(x);
            let b = f16::from_f32(x).to_bits();
            assert!(
                a == b || (x.is_nan() && f16::from_bits(a).is_nan()),
                "{x:e}: {a:#x} vs {b:#x}"
            );
            let a = f32_to_bf16(x);
            let b = bf16::from_f32(x).to_bits();
            assert!(
                a == b || (x.is_nan() && bf16::from_bits(a).is_nan()),
                "{x:e}"
            );
        };
        for _ in 0..2_000_000 {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            check(f32::from_bits(s));
            // the half range, where rounding happens
            check(f32::from_bits(0x3300_0000 + (s % 0x1500_0000)));
        }
        for x in [
            0.0,
            -0.0,
            65504.0,
            65520.0,
            65519.99,
            6.0e-8,
            2.98e-8,
            2.99e-8,
            f32::MAX,
        ] {
            check(x);
            check(-x);
        }
        check(f32::INFINITY);
        check(f32::NEG_INFINITY);
    }

    #[test]
    fn widen16_matches_half_crate_for_every_half() {
        let hw = F16c::detect();
        for base in (0..=u16::MAX).step_by(16) {
            let x: [f16; 16] = std::array::from_fn(|i| f16::from_bits(base + i as u16));
            // Both paths: the hardware one where this CPU has F16C.
            let got = [widen16_f16(&x, None), dispatch(|| widen16_f16(&x, hw))];
            for g in got {
                for (h, v) in x.iter().zip(g) {
                    let want = h.to_f32();
                    assert!(
                        v.to_bits() == want.to_bits() || (v.is_nan() && want.is_nan()),
                        "{:#x}: {v:e} vs {want:e}",
                        h.to_bits()
                    );
                }
            }
        }
    }

    #[test]
    fn narrow16_matches_half_crate() {
        // Random bits, every half's value and the midpoints between
        // neighbouring halves (the ties), on both paths.
        let hw = F16c::detect();
        let mut xs: Vec<f32> = Vec::new();
        for h in 0..=u16::MAX {
            let v = f16::from_bits(h).to_f32();
            let next = f16::from_bits(h.wrapping_add(1)).to_f32();
            xs.push(v);
            xs.push(((v as f64 + next as f64) / 2.0) as f32);
        }
        let mut s = 0x2545_F491u32;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            xs.push(f32::from_bits(s));
        }
        xs.extend([
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            65520.0,
            65519.99,
        ]);
        for c in xs.chunks_exact(16) {
            let x: [f32; 16] = c.try_into().unwrap();
            let got = [narrow16_f16(&x, None), dispatch(|| narrow16_f16(&x, hw))];
            for g in got {
                for (&v, h) in x.iter().zip(g) {
                    let want = f16::from_f32(v);
                    assert!(
                        h.to_bits() == want.to_bits() || (v.is_nan() && h.is_nan()),
                        "{v:e}: {:#x} vs {:#x}",
                        h.to_bits(),
                        want.to_bits()
                    );
                }
            }
        }
    }

    #[test]
    fn map_blocks_takes_the_slow_path_for_flagged_blocks() {
        let mut xs = vec![1.0f32; 200];
        xs[70] = 5.0;
        let mut out = vec![0.0f32; 200];
        dispatch(|| map_blocks(&xs, &mut out, |x| x < 2.0, |x| x + 1.0, |x| -x));
        assert_eq!(out[0], 2.0);
        assert_eq!(out[70], -5.0);
        assert_eq!(out[71], 2.0);
        assert_eq!(out[199], 2.0);
    }
}
