// Elementwise unary ops: out[i] = op(a[view(i)]).
// Bindings: 1 = a (T_a), 2 = out (T_out).
// Params: [numel, ndim, shape[ndim], a.offset, a.strides[ndim]].
// CONTIG: a is row-major from its offset (the loop over memory is
// elementwise.wgsl's).
// Each op is a section `name.class` (class: float, sint, uint, bool) or
// `name` (any class) defining only its arithmetic, as
// `fn unary_name_class(x: C_a) -> C_out` (`fn unary_name` for a `name`
// section): the section title with `.` as `_`, prefixed by the family.
// The host adds `fn op` calling it; the `main` section (bindings and
// element accessors for elementwise.wgsl's loop) calls `op`, so a fused kernel can chain several ops'
// functions with the shared helpers above and its own loop.
// Floats compute in f32. Integer ops wrap; floor/ceil/round are the
// identity on integers.

// Subnormal inputs: GPUs that flush f32 subnormals to zero would take
// them as 0, so abs/negative/sign work on the bits, and sqrt/rsqrt/log
// read a subnormal x = mant * 2^-149 from its bits (mant as a float is
// normal), so none of them depends on the adapter keeping subnormals.

// The mantissa of a positive subnormal x as a float: x = mant * 2^-149.
fn subnormal_mant(x: f32) -> f32 {
    return f32(bitcast<u32>(x) & 0x7fffffu);
}

// log2(x) for x >= 0, exact in the exponent for subnormal x.
fn log2_f32(x: f32) -> f32 {
    if (is_subnormal(x)) {
        return log2(subnormal_mant(x)) - 149.0;
    }
    return log2(x);
}

// log(x) for x >= 0, subnormals included.
fn log_f32(x: f32) -> f32 {
    if (is_subnormal(x)) {
        return log(subnormal_mant(x)) - 103.27892990343184;
    }
    return log(x);
}

// Cephes' asinf kernel for 0 <= a <= 0.5 (lavapipe's builtin asin and
// acos are off by up to 4e-4).
fn asin_small(a: f32) -> f32 {
    let z = a * a;
    return ((((4.2163199048e-2 * z + 2.4181311049e-2) * z + 4.5470025998e-2) * z
        + 7.4953002686e-2) * z + 1.6666752422e-1) * z * a + a;
}

//@ section abs.float
fn unary_abs_float(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0x7fffffffu); }
//@ section abs.sint
fn unary_abs_sint(x: C_a) -> C_out { return select(x, C_a(0) - x, x < C_a(0)); }
//@ section abs.uint
fn unary_abs_uint(x: C_a) -> C_out { return x; }

//@ section negative.float
fn unary_negative_float(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ 0x80000000u); }
//@ section negative
fn unary_negative(x: C_a) -> C_out { return C_a(0) - x; }

//@ section sign.float
fn unary_sign_float(x: f32) -> f32 {
    // 0 for ±0 and NaN, as the CPU's sign.
    if (is_nan(x) || (bitcast<u32>(x) & 0x7fffffffu) == 0u) {
        return 0.0;
    }
    return select(1.0, -1.0, sign_bit(x));
}
//@ section sign.sint
fn unary_sign_sint(x: C_a) -> C_out { return select(select(C_a(0), C_a(1), x > C_a(0)), C_a(0) - C_a(1), x < C_a(0)); }
//@ section sign.uint
fn unary_sign_uint(x: C_a) -> C_out { return select(C_a(0), C_a(1), x > C_a(0)); }

//@ section square
fn unary_square(x: C_a) -> C_out { return x * x; }

//@ section sqrt.float
fn unary_sqrt_float(x: f32) -> f32 {
    if (is_subnormal(x)) {
        // sqrt(mant * 2^-149) = sqrt(2 * mant) * 2^-75.
        return select(sqrt(2.0 * subnormal_mant(x)) * 2.6469779601696886e-23, nan_f32(), sign_bit(x));
    }
    return select(sqrt(x), nan_f32(), x < 0.0);
}
//@ section rsqrt.float
fn unary_rsqrt_float(x: f32) -> f32 {
    if (is_subnormal(x)) {
        return select(inverseSqrt(2.0 * subnormal_mant(x)) * 3.7778931862957162e22, nan_f32(), sign_bit(x));
    }
    return select(inverseSqrt(x), nan_f32(), x < 0.0);
}
//@ section reciprocal.float
fn unary_reciprocal_float(x: f32) -> f32 { return 1.0 / x; }
//@ section exp.float
fn unary_exp_float(x: f32) -> f32 { return exp(x); }
//@ section expm1.float
fn unary_expm1_float(x: f32) -> f32 { return expm1_f32(x); }
//@ section log.float
fn unary_log_float(x: f32) -> f32 { return select(log_f32(x), nan_f32(), x < 0.0 || (is_subnormal(x) && sign_bit(x))); }
//@ section log1p.float
fn unary_log1p_float(x: f32) -> f32 { return select(log1p_f32(x), nan_f32(), x < -1.0); }
//@ section log2.float
fn unary_log2_float(x: f32) -> f32 { return select(log2_f32(x), nan_f32(), x < 0.0 || (is_subnormal(x) && sign_bit(x))); }
//@ section log10.float
fn unary_log10_float(x: f32) -> f32 {
    return select(log2_f32(x) * 0.30102999566398120, nan_f32(), x < 0.0 || (is_subnormal(x) && sign_bit(x)));
}
//@ section sin.float
fn unary_sin_float(x: f32) -> f32 { return sin_f32(x); }
//@ section cos.float
fn unary_cos_float(x: f32) -> f32 { return cos_f32(x); }
//@ section tan.float
fn unary_tan_float(x: f32) -> f32 { return tan_f32(x); }
//@ section arcsin.float
fn unary_arcsin_float(x: f32) -> f32 {
    // Cephes' asinf: asin(a) = pi/2 - 2 asin(sqrt((1 - a) / 2)) above 0.5.
    let a = abs(x);
    if (!(a <= 1.0) || is_nan(x)) {
        return nan_f32();
    }
    var r = asin_small(a);
    if (a > 0.5) {
        r = 1.57079632679489662 - 2.0 * asin_small(sqrt(0.5 * (1.0 - a)));
    }
    return select(r, -r, sign_bit(x));
}
//@ section arccos.float
fn unary_arccos_float(x: f32) -> f32 {
    // Cephes' acosf: 2 asin(sqrt((1 - |x|) / 2)) near +-1, pi/2 - asin(x)
    // between.
    if (!(abs(x) <= 1.0) || is_nan(x)) {
        return nan_f32();
    }
    if (x > 0.5) {
        return 2.0 * asin_small(sqrt(0.5 * (1.0 - x)));
    }
    if (x < -0.5) {
        return 3.14159265358979324 - 2.0 * asin_small(sqrt(0.5 * (1.0 + x)));
    }
    return 1.57079632679489662 - asin_small(x);
}
//@ section arctan.float
fn unary_arctan_float(x: f32) -> f32 { return select(atan(x), x, is_nan(x)); }
//@ section sinh.float
fn unary_sinh_float(x: f32) -> f32 {
    if (abs(x) < 1e-2) {
        return x * (1.0 + x * x / 6.0);
    }
    if (abs(x) > 9.0) {
        return sign(x) * exp_half_large(abs(x));
    }
    let e = exp(abs(x));
    return sign(x) * 0.5 * (e - 1.0 / e);
}
//@ section cosh.float
fn unary_cosh_float(x: f32) -> f32 {
    if (abs(x) > 9.0) {
        return exp_half_large(abs(x));
    }
    let e = exp(abs(x));
    return 0.5 * (e + 1.0 / e);
}
//@ section tanh.float
fn unary_tanh_float(x: f32) -> f32 {
    if (abs(x) > 10.0) {
        return sign(x);
    }
    if (abs(x) < 1e-2) {
        return x * (1.0 - x * x / 3.0);
    }
    let e = expm1_f32(2.0 * x);
    return e / (e + 2.0);
}
//@ section arcsinh.float
fn unary_arcsinh_float(x: f32) -> f32 {
    let ax = abs(x);
    if (ax > 1e18) {
        return sign(x) * (log(ax) + 0.69314718055994531);
    }
    return sign(x) * log1p_f32(ax + ax * ax / (1.0 + sqrt(1.0 + ax * ax)));
}
//@ section arccosh.float
fn unary_arccosh_float(x: f32) -> f32 {
    if (x < 1.0) {
        return nan_f32();
    }
    if (x > 1e18) {
        return log(x) + 0.69314718055994531;
    }
    let t = x - 1.0;
    return log1p_f32(t + sqrt(2.0 * t + t * t));
}
//@ section arctanh.float
fn unary_arctanh_float(x: f32) -> f32 {
    if (abs(x) > 1.0) {
        return nan_f32();
    }
    return 0.5 * log1p_f32(2.0 * x / (1.0 - x));
}
//@ section sigmoid.float
fn unary_sigmoid_float(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
//@ section erf.float
fn unary_erf_float(x: f32) -> f32 {
    let ax = abs(x);
    if (ax < 0.5) {
        // Taylor series of erf around 0 (2/sqrt(pi) * sum).
        let z = x * x;
        let s = 1.0 - z * (1.0 / 3.0 - z * (1.0 / 10.0 - z * (1.0 / 42.0 - z * (1.0 / 216.0 - z / 1320.0))));
        return 1.1283791670955126 * x * s;
    }
    if (ax > 4.0) {
        return sign(x);
    }
    // erfc(ax) = t * exp(-ax^2 + P(t)) (Numerical Recipes' erfcc, rel. error < 1.2e-7).
    let t = 1.0 / (1.0 + 0.5 * ax);
    let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let erfc = t * exp(-ax * ax + poly);
    return sign(x) * (1.0 - erfc);
}
//@ section erfinv.float
fn unary_erfinv_float(x: f32) -> f32 {
    // Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011).
    if (abs(x) > 1.0) {
        return nan_f32();
    }
    if (abs(x) == 1.0) {
        return x * inf_f32();
    }
    var w = -log((1.0 - x) * (1.0 + x));
    var r: f32;
    if (w < 5.0) {
        w = w - 2.5;
        r = 2.81022636e-08;
        r = 3.43273939e-07 + r * w;
        r = -3.5233877e-06 + r * w;
        r = -4.39150654e-06 + r * w;
        r = 0.00021858087 + r * w;
        r = -0.00125372503 + r * w;
        r = -0.00417768164 + r * w;
        r = 0.246640727 + r * w;
        r = 1.50140941 + r * w;
    } else {
        w = sqrt(w) - 3.0;
        r = -0.000200214257;
        r = 0.000100950558 + r * w;
        r = 0.00134934322 + r * w;
        r = -0.00367342844 + r * w;
        r = 0.00573950773 + r * w;
        r = -0.0076224613 + r * w;
        r = 0.00943887047 + r * w;
        r = 1.00167406 + r * w;
        r = 2.83297682 + r * w;
    }
    return r * x;
}
//@ section floor.float
fn unary_floor_float(x: f32) -> f32 { return floor(x); }
//@ section ceil.float
fn unary_ceil_float(x: f32) -> f32 { return ceil(x); }
//@ section round.float
fn unary_round_float(x: f32) -> f32 { return round(x); }
//@ section floor
fn unary_floor(x: C_a) -> C_out { return x; }
//@ section ceil
fn unary_ceil(x: C_a) -> C_out { return x; }
//@ section round
fn unary_round(x: C_a) -> C_out { return x; }

//@ section logical_not
fn unary_logical_not(x: C_a) -> C_out { return select(0u, 1u, x == C_a(0)); }

//@ section stop_gradient
fn unary_stop_gradient(x: C_a) -> C_out { return x; }

//@ section abs.bool
fn unary_abs_bool(x: C_a) -> C_out { return x; }
//@ section sign.bool
fn unary_sign_bool(x: C_a) -> C_out { return x; }
//@ section square.bool
fn unary_square_bool(x: C_a) -> C_out { return x; }

//@ section bitwise_invert.bool
fn unary_bitwise_invert_bool(x: C_a) -> C_out { return 1u - x; }
//@ section bitwise_invert
fn unary_bitwise_invert(x: C_a) -> C_out { return ~x; }

//@ section main
@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

fn offsets() -> vec3<u32> {
    return vec3<u32>(p[view_at(0u)], 0u, 0u);
}

fn at_contig(i: u32, o: vec3<u32>) -> C_out {
    return op(load_a(o.x + i));
}

fn at_strided(i: u32) -> C_out {
    return op(load_a(strided_offset(i, p[1], 2u, view_at(0u))));
}
