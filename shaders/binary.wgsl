// Elementwise binary ops: out[i] = op(a[view_a(i)], b[view_b(i)]).
// Bindings: 1 = a (T_a), 2 = b (T_b), 3 = out (T_out).
// Params: [numel, ndim, shape[ndim], a.offset, a.strides[ndim],
//          b.offset, b.strides[ndim]].
// CONTIG: a and b are row-major from their offsets (the loop over memory
// is elementwise.wgsl's).
// Each op is a section `name.class` or `name` defining only its
// arithmetic, as `fn binary_name_class(x: C_a, y: C_b) -> C_out`
// (`fn binary_name` for a `name` section: the section title with `.` as
// `_`, prefixed by the family). The host adds `fn op` calling it; the
// `main` section (bindings and the loop over memory) calls `op`, so a
// fused kernel can chain several ops' functions with the shared helpers
// above and its own loop. a and b share a dtype; comparisons return bool
// (u32 0/1). Integer ops wrap and divide by zero gives 0.

fn b2u(c: bool) -> u32 {
    return select(0u, 1u, c);
}

// frexp(x).exp, for subnormal x too.
fn frexp_exp(x: f32) -> i32 {
    if (is_subnormal(x)) {
        return frexp(x * 18446744073709551616.0).exp - 64;
    }
    return frexp(x).exp;
}

//@ section add
fn binary_add(x: C_a, y: C_b) -> C_out { return x + y; }
//@ section subtract
fn binary_subtract(x: C_a, y: C_b) -> C_out { return x - y; }
//@ section multiply
fn binary_multiply(x: C_a, y: C_b) -> C_out { return x * y; }
//@ section divide.float
fn binary_divide_float(x: f32, y: f32) -> f32 { return div_f32(x, y); }

//@ section floor_divide.float
fn binary_floor_divide_float(x: f32, y: f32) -> f32 {
    // The quotient is rounded to the output's precision before the
    // floor, as MLX divides float16/bfloat16 in their own precision
    // (4096 / 2.5996 is 1576 in float16, 1575 in float32).
    return floor(round_out(div_f32(x, y)));
}
//@ section floor_divide.sint
fn binary_floor_divide_sint(x: C_a, y: C_b) -> C_out {
    if (y == C_b(0)) {
        return C_out(0);
    }
    if (y == C_b(-1)) {
        return C_a(0) - x; // wraps at the minimum, like the CPU
    }
    let q = x / y;
    if (x % y != C_a(0) && ((x < C_a(0)) != (y < C_b(0)))) {
        return q - C_a(1);
    }
    return q;
}
//@ section floor_divide.uint
fn binary_floor_divide_uint(x: C_a, y: C_b) -> C_out { return select(x / max(y, C_b(1)), C_out(0), y == C_b(0)); }
//@ section floor_divide.bool
fn binary_floor_divide_bool(x: C_a, y: C_b) -> C_out { return x & y; }

//@ section remainder.float
// C's fmod, exactly: subtract from |x| the largest |y| * 2^k not above it
// until |x| < |y| (each subtraction is exact by Sterbenz's lemma). Neither
// `%` (OpFRem) nor x - y * trunc(x / y) is exact on GPUs (lavapipe gives
// 0 for 2.5 % 0.001), and both give NaN for an infinite y.
fn fmod_f32(x: f32, y: f32) -> f32 {
    let ay = abs(y);
    let my = ldexp(ay, -frexp_exp(ay));
    var r = abs(x);
    // At most one step per binade between x and y (< 280 for f32); the cap
    // guards against a GPU that flushes a subnormal y to a 0 mantissa.
    for (var step = 0u; step < 300u; step = step + 1u) {
        if (r < ay) {
            break;
        }
        // d = |y| scaled into r's binade, halved if above r: d <= r < 2d.
        var d = ldexp(my, frexp_exp(r));
        if (d > r) {
            d = d * 0.5;
        }
        r = r - d;
    }
    return select(r, -r, sign_bit(x));
}

fn binary_remainder_float(x: f32, y: f32) -> f32 {
    if (is_nan(x) || is_nan(y) || is_inf(x) || y == 0.0) {
        return nan_f32();
    }
    var r = x; // fmod(x, ±inf) = x
    if (!is_inf(y)) {
        r = fmod_f32(x, y);
    }
    // Python's sign: that of the divisor.
    if (r != 0.0 && ((r < 0.0) != (y < 0.0))) {
        return r + y;
    }
    return r;
}
//@ section remainder.sint
fn binary_remainder_sint(x: C_a, y: C_b) -> C_out {
    if (y == C_b(0) || y == C_b(-1)) {
        return C_out(0);
    }
    let r = x % y;
    if (r != C_a(0) && ((r < C_a(0)) != (y < C_b(0)))) {
        return r + y;
    }
    return r;
}
//@ section remainder.uint
fn binary_remainder_uint(x: C_a, y: C_b) -> C_out { return select(x % max(y, C_b(1)), C_out(0), y == C_b(0)); }
//@ section remainder.bool
fn binary_remainder_bool(x: C_a, y: C_b) -> C_out { return 0u; }

//@ section power.float
// y is an odd integer (floats of magnitude >= 2^24 are even integers).
fn is_odd_int(y: f32) -> bool {
    return abs(y) < 16777216.0 && trunc(y) == y && (i32(abs(y)) & 1) == 1;
}

fn binary_power_float(x: f32, y: f32) -> f32 {
    // C's pow, special cases first (as the CPU's powf).
    if (y == 0.0 || x == 1.0) {
        return 1.0; // even for NaN
    }
    if (is_nan(x) || is_nan(y)) {
        return nan_f32();
    }
    let ax = abs(x);
    if (is_inf(y)) {
        if (ax == 1.0) {
            return 1.0;
        }
        return select(inf_f32(), 0.0, (ax < 1.0) == (y > 0.0));
    }
    let odd = is_odd_int(y);
    if (ax == 0.0 || is_inf(x)) {
        // ±0 or ±inf: the magnitude is 0 or inf, the sign x's for odd y.
        let m = select(inf_f32(), 0.0, (ax == 0.0) == (y > 0.0));
        return select(m, -m, sign_bit(x) && odd);
    }
    if (x < 0.0) {
        if (trunc(y) != y) {
            return nan_f32();
        }
        let m = pow(ax, y);
        return select(m, -m, odd);
    }
    return pow(x, y);
}
//@ section power.sint
fn binary_power_sint(x0: C_a, e0: C_b) -> C_out {
    if (e0 < C_b(0)) {
        return C_out(0);
    }
    var x = x0;
    var e = e0;
    var acc = C_a(1);
    loop {
        if (e == C_b(0)) {
            break;
        }
        if ((e & C_b(1)) == C_b(1)) {
            acc = acc * x;
        }
        e = e >> 1u;
        x = x * x;
    }
    return acc;
}
//@ section power.uint
fn binary_power_uint(x0: C_a, e0: C_b) -> C_out {
    var x = x0;
    var e = e0;
    var acc = C_a(1);
    loop {
        if (e == C_b(0)) {
            break;
        }
        if ((e & C_b(1)) == C_b(1)) {
            acc = acc * x;
        }
        e = e >> 1u;
        x = x * x;
    }
    return acc;
}
//@ section power.bool
fn binary_power_bool(x: C_a, y: C_b) -> C_out { return x | (1u - y); }

//@ section maximum.float
fn binary_maximum_float(x: f32, y: f32) -> f32 { return select(y, x, x > y || is_nan(x)); }
//@ section maximum
fn binary_maximum(x: C_a, y: C_b) -> C_out { return max(x, y); }
//@ section minimum.float
fn binary_minimum_float(x: f32, y: f32) -> f32 { return select(y, x, x < y || is_nan(x)); }
//@ section minimum
fn binary_minimum(x: C_a, y: C_b) -> C_out { return min(x, y); }

//@ section arctan2.float
fn binary_arctan2_float(y: f32, x: f32) -> f32 {
    // atan2(y, x) with C's special cases (the builtin leaves zeros,
    // infinities and NaN undefined).
    if (is_nan(x) || is_nan(y)) {
        return nan_f32();
    }
    let pi = 3.14159265358979;
    let sy = select(1.0, -1.0, sign_bit(y));
    if (y == 0.0) {
        // ±0 for x >= +0, ±pi for x <= -0 (the sign of y kept; a GPU that
        // flushes takes a subnormal y as this zero).
        return sy * select(0.0, pi, sign_bit(x));
    }
    if (is_inf(x)) {
        if (is_inf(y)) {
            return sy * select(0.78539816339744831, 2.35619449019234492, x < 0.0);
        }
        return sy * select(0.0, pi, x < 0.0);
    }
    if (x == 0.0 || is_inf(y)) {
        return sy * 1.57079632679489662;
    }
    // Both tiny (subnormals among them): scale by 2^64, which keeps the
    // angle; a tiny ratio for x > 0: atan(y / x) = y / x in f32.
    var ys = y;
    var xs = x;
    if (max(abs(y), abs(x)) < 2.168404344971009e-19) {
        ys = y * 18446744073709551616.0;
        xs = x * 18446744073709551616.0;
    }
    if (xs > 0.0 && abs(ys) < abs(xs) * 9.3e-10) {
        return ys / xs;
    }
    return atan2(ys, xs);
}
//@ section logaddexp.float
fn binary_logaddexp_float(x: f32, y: f32) -> f32 {
    if (is_nan(x) || is_nan(y)) {
        return nan_f32();
    }
    let m = max(x, y);
    if (abs(m) == inf_f32()) {
        return m;
    }
    return m + log1p_f32(exp(-abs(x - y)));
}

//@ section equal
fn binary_equal(x: C_a, y: C_b) -> C_out { return b2u(x == y); }
//@ section not_equal.float
fn binary_not_equal_float(x: f32, y: f32) -> u32 { return b2u(!(x == y) || is_nan(x) || is_nan(y)); }
//@ section not_equal
fn binary_not_equal(x: C_a, y: C_b) -> C_out { return b2u(x != y); }
//@ section less
fn binary_less(x: C_a, y: C_b) -> C_out { return b2u(x < y); }
//@ section less_equal
fn binary_less_equal(x: C_a, y: C_b) -> C_out { return b2u(x <= y); }
//@ section greater
fn binary_greater(x: C_a, y: C_b) -> C_out { return b2u(x > y); }
//@ section greater_equal
fn binary_greater_equal(x: C_a, y: C_b) -> C_out { return b2u(x >= y); }
//@ section logical_and
fn binary_logical_and(x: C_a, y: C_b) -> C_out { return b2u(x != C_a(0) && y != C_b(0)); }
//@ section logical_or
fn binary_logical_or(x: C_a, y: C_b) -> C_out { return b2u(x != C_a(0) || y != C_b(0)); }

// Bitwise ops: integers (and bool for and/or/xor). Shifts follow NumPy:
// an amount that is negative or at least the slot's width (32, or 64 for
// the `64` sections) shifts every bit out (0, or -1 for a negative value
// shifted right; `(x >> 31u) >> 1u` is that sign fill, 0 when unsigned);
// 8/16-bit values are held widened in 32 bits, so narrow types shift as
// int32 and wrap when stored, as C++'s integer promotion does.
//@ section bitwise_and
fn binary_bitwise_and(x: C_a, y: C_b) -> C_out { return x & y; }
//@ section bitwise_or
fn binary_bitwise_or(x: C_a, y: C_b) -> C_out { return x | y; }
//@ section bitwise_xor
fn binary_bitwise_xor(x: C_a, y: C_b) -> C_out { return x ^ y; }
//@ section left_shift
fn binary_left_shift(x: C_a, y: C_b) -> C_out {
    return select(C_out(0), x << (u32(y) & 31u), y >= C_b(0) && y < C_b(32));
}
//@ section right_shift
fn binary_right_shift(x: C_a, y: C_b) -> C_out {
    return select((x >> 31u) >> 1u, x >> (u32(y) & 31u), y >= C_b(0) && y < C_b(32));
}
//@ section left_shift64
fn binary_left_shift64(x: C_a, y: C_b) -> C_out {
    return select(C_out(0), x << u32(y & C_b(63)), y >= C_b(0) && y < C_b(64));
}
//@ section right_shift64
fn binary_right_shift64(x: C_a, y: C_b) -> C_out {
    return select((x >> 63u) >> 1u, x >> u32(y & C_b(63)), y >= C_b(0) && y < C_b(64));
}

//@ section main
@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read> b: array<T_b>;
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;

fn offsets() -> vec3<u32> {
    return vec3<u32>(p[view_at(0u)], p[view_at(1u)], 0u);
}

fn at_contig(i: u32, o: vec3<u32>) -> C_out {
    return op(load_a(o.x + i), load_b(o.y + i));
}

fn at_strided(i: u32) -> C_out {
    let nd = p[1];
    return op(load_a(strided_offset(i, nd, 2u, view_at(0u))), load_b(strided_offset(i, nd, 2u, view_at(1u))));
}
