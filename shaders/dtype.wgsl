// Helpers shared by every kernel family: dtype rounding, NaN, the 2-D
// dispatch index, strided addressing and accurate float functions.
//
// Every kernel binds `p: array<u32>` (its parameters) at binding 0.

@group(0) @binding(0) var<storage, read> p: array<u32>;

// Round an f32 to the nearest bfloat16 (ties to even), kept in an f32.
fn round_bf16(x: f32) -> f32 {
    let b = bitcast<u32>(x);
    if ((b & 0x7fffffffu) > 0x7f800000u) {
        return x; // NaN
    }
    let r = b + 0x7fffu + ((b >> 16u) & 1u);
    return bitcast<f32>(r & 0xffff0000u);
}

// Round an f32 to the nearest float16 (ties to even), kept in an f32:
// ±inf from 65520 up, NaN kept. Stores convert this exact value, so the
// result does not depend on the device's f32-to-f16 rounding mode (Vulkan
// leaves it to the implementation; NVIDIA's does not round to nearest).
fn round_f16(x: f32) -> f32 {
    let b = bitcast<u32>(x);
    let mag = b & 0x7fffffffu;
    if (mag > 0x7f800000u) {
        return x; // NaN
    }
    if (mag >= 0x477ff000u) {
        return bitcast<f32>((b & 0x80000000u) | 0x7f800000u); // >= 65520: inf
    }
    if (mag < 0x38800000u) {
        // Below the smallest normal half (2^-14): a multiple of 2^-24.
        return round(x * 16777216.0) * 5.9604644775390625e-08;
    }
    return bitcast<f32>((b + 0xfffu + ((b >> 13u) & 1u)) & 0xffffe000u);
}

// The bfloat16 bits (low 16) of an f32 rounded to nearest even. A NaN keeps
// its sign and top payload bits, with the quiet bit set only when those
// payload bits are all zero (so a NaN made by `view` keeps its payload).
fn bf16_bits(x: f32) -> u32 {
    let b = bitcast<u32>(x);
    if ((b & 0x7fffffffu) > 0x7f800000u) {
        let h = b >> 16u;
        return select(h | 0x40u, h, (h & 0x7fu) != 0u);
    }
    return (b + 0x7fffu + ((b >> 16u) & 1u)) >> 16u;
}

// Half `h` (0: low, 1: high) of a word of two bfloat16, as an f32.
fn bf16_half(w: u32, h: u32) -> f32 {
    return bitcast<f32>(select(w << 16u, w & 0xffff0000u, h == 1u));
}

// Both bfloat16 of a word (low half first).
fn bf16x2_unpack(w: u32) -> vec2<f32> {
    return vec2<f32>(bitcast<f32>(w << 16u), bitcast<f32>(w & 0xffff0000u));
}

fn nan_f32() -> f32 {
    return bitcast<f32>(0x7fc00000u);
}

fn is_nan(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn inf_f32() -> f32 {
    return bitcast<f32>(0x7f800000u);
}

// ±inf, tested on the bits (WGSL lets compilers assume floats are finite,
// so `abs(x) == inf` may fold away).
fn is_inf(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u;
}

// A nonzero f32 below the smallest normal (±1.18e-38), from its bits.
fn is_subnormal(x: f32) -> bool {
    let b = bitcast<u32>(x) & 0x7fffffffu;
    return b != 0u && b < 0x00800000u;
}

// The sign bit (true for -0.0 and negative NaN too).
fn sign_bit(x: f32) -> bool {
    return (bitcast<u32>(x) >> 31u) == 1u;
}

// x / y rounded to nearest even, as the CPU divides. GPU division is a
// reciprocal approximation and a product (Vulkan allows 2.5 ulp: NVIDIA
// gives -5 / 3 = -1.6666667, one ulp off; lavapipe misrounds quotients
// near 2^-126), and Vulkan's `fma` need not be fused, so no refinement
// in floats is exact. The quotient of the 24-bit integer mantissas is
// taken by long division instead (24 quotient bits, a guard bit and the
// remainder as sticky bit) and rounded on the integers, to a subnormal
// too. Zeros, infinities and NaN take the hardware quotient, which is
// exact for them.
fn div_f32(x: f32, y: f32) -> f32 {
    let bx = bitcast<u32>(x);
    let by = bitcast<u32>(y);
    let ax = bx & 0x7fffffffu;
    let ay = by & 0x7fffffffu;
    if (ax == 0u || ay == 0u || ax >= 0x7f800000u || ay >= 0x7f800000u) {
        return x / y;
    }
    let sx = mantissa_f32(ax);
    let sy = mantissa_f32(ay);
    var e = sx.y - sy.y;
    var num = u32(sx.x);
    let den = u32(sy.x);
    if (num < den) {
        num = num << 1u;
        e = e - 1;
    }
    // num / den in [1, 2): the leading 1, then 23 bits and a guard bit.
    var rem = num - den;
    var q = 1u;
    for (var i = 0u; i < 24u; i = i + 1u) {
        rem = rem << 1u;
        let ge = rem >= den;
        rem = select(rem, rem - den, ge);
        q = (q << 1u) | u32(ge);
    }
    let sgn = (bx ^ by) & 0x80000000u;
    let sticky = rem != 0u;
    if (e < -126) {
        // Subnormal: q * 2^(e - 24) in units of 2^-149 is q >> t.
        let t = u32(-125 - e);
        if (t >= 26u) {
            return bitcast<f32>(sgn);
        }
        let half = 1u << (t - 1u);
        let dropped = q & ((half << 1u) - 1u);
        var n = q >> t;
        if (dropped > half || (dropped == half && (sticky || (n & 1u) == 1u))) {
            n = n + 1u;
        }
        return bitcast<f32>(sgn | n);
    }
    let guard = (q & 1u) == 1u;
    q = q >> 1u;
    if (guard && (sticky || (q & 1u) == 1u)) {
        q = q + 1u;
    }
    if (q == 0x1000000u) {
        q = 0x800000u;
        e = e + 1;
    }
    if (e > 127) {
        return bitcast<f32>(sgn | 0x7f800000u);
    }
    return bitcast<f32>(sgn | (u32(e + 127) << 23u) | (q & 0x7fffffu));
}

// The 24-bit integer mantissa (leading bit set) and the unbiased exponent
// of a finite nonzero |x| given by its bits: |x| = m * 2^(e - 23).
fn mantissa_f32(a: u32) -> vec2<i32> {
    let field = a >> 23u;
    if (field == 0u) {
        let shift = countLeadingZeros(a) - 8u;
        return vec2<i32>(i32(a << shift), -126 - i32(shift));
    }
    return vec2<i32>(i32((a & 0x7fffffu) | 0x800000u), i32(field) - 127);
}

// The low 32 bits of x truncated toward zero to an i64 that saturates,
// NaN giving 0: how the CPU casts a float to an 8- to 32-bit integer
// (MLX wraps out-of-range values through int64: -1.5 -> uint32 is
// 4294967295, 3e9 -> int32 is -1294967296). WGSL's i32()/u32() saturate.
fn f32_low_bits(x: f32) -> u32 {
    let b = bitcast<u32>(x);
    let mag = b & 0x7fffffffu;
    if (mag > 0x7f800000u) {
        return 0u; // NaN
    }
    if (mag < 0x4f000000u) {
        return bitcast<u32>(i32(x)); // |x| < 2^31
    }
    if (mag >= 0x5f000000u) {
        // |x| >= 2^63: i64::MIN or i64::MAX.
        return select(0xffffffffu, 0u, sign_bit(x));
    }
    // An integer in [2^31, 2^63): hi * 2^32 + lo, both parts exact.
    let m = bitcast<f32>(mag);
    let hi = floor(m * 2.3283064365386963e-10);
    let lo = u32(m - hi * 4294967296.0);
    return select(lo, 0u - lo, sign_bit(x));
}

// Linear thread index of a 1-D kernel dispatched as a 2-D grid.
fn thread_index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, wg: u32) -> u32 {
    return (wid.y * nwg.x + wid.x) * wg + lid;
}

// Element offset of row-major index `i` in a strided view whose shape is
// p[shape_at .. shape_at + nd] and whose offset and strides are
// p[view_at], p[view_at + 1 .. view_at + 1 + nd] (strides as i32 bits).
fn strided_offset(i: u32, nd: u32, shape_at: u32, view_at: u32) -> u32 {
    var off = bitcast<i32>(p[view_at]);
    var rem = i;
    var d = nd;
    loop {
        if (d == 0u) {
            break;
        }
        d = d - 1u;
        let n = p[shape_at + d];
        let c = rem % n;
        rem = rem / n;
        off = off + i32(c) * bitcast<i32>(p[view_at + 1u + d]);
    }
    return u32(off);
}

// log(1 + x) to f32 accuracy near 0, where log() alone loses digits.
fn log1p_f32(x: f32) -> f32 {
    if (abs(x) < 1e-2) {
        let x2 = x * x;
        return x - x2 * (0.5 - x * (1.0 / 3.0 - x * (0.25 - x * 0.2)));
    }
    return log(1.0 + x);
}

// exp(x) - 1 to f32 accuracy near 0.
fn expm1_f32(x: f32) -> f32 {
    if (abs(x) < 1e-2) {
        return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x / 120.0))));
    }
    return exp(x) - 1.0;
}

// e^a / 2 for a > 9 (e^-a is then below half an ulp of it), as
// (e^(a/2) / 2) * e^(a/2): finite up to a = 89.4, where cosh and sinh
// themselves overflow f32 (e^a alone overflows from a = 88.7).
// h / 2 is taken by decrementing the exponent bits (h >= e^4.5 is normal):
// NVIDIA's compiler reorders (0.5 * h) * h into 0.5 * (h * h), which
// overflows from a = 88.7.
fn exp_half_large(a: f32) -> f32 {
    let h = exp(0.5 * a);
    return bitcast<f32>(bitcast<u32>(h) - 0x00800000u) * h;
}

// x = k * pi/2 + r with |r| <= pi/4: returns (r, k mod 4). Cody-Waite:
// pi/2 is split in three parts whose leading ones have few significant
// bits, so k * part is exact for |k| < 2^13 and r keeps f32 accuracy for
// |x| up to about 1e4 without relying on a fused fma (hardware sin/cos/tan
// reduce large arguments poorly on some GPUs). Larger |x| take
// `trig_reduce_big`.
fn trig_reduce(x: f32) -> vec2<f32> {
    let k = round(x * 0.6366197723675814);
    let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
    return vec2<f32>(r, f32(i32(k) & 3));
}

// 2/pi in 32-bit words, after one zero word (the bits before the point).
const TWO_OVER_PI = array<u32, 10>(0u, 0xa2f9836eu, 0x4e441529u, 0xfc2757d1u, 0xf534ddc0u,
    0xdb629599u, 0x3c439041u, 0xfe5163abu, 0xdebbc561u, 0xb7246e3au);

// The 32 bits of TWO_OVER_PI from bit `s` (counted from its first bit).
fn two_over_pi_bits(s: u32) -> u32 {
    var t = TWO_OVER_PI;
    let j = s >> 5u;
    let sh = s & 31u;
    if (sh == 0u) {
        return t[j];
    }
    return (t[j] << sh) | (t[j + 1u] >> (32u - sh));
}

// (low, high) words of the 64-bit product a * b.
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
    let a0 = a & 0xffffu;
    let a1 = a >> 16u;
    let b0 = b & 0xffffu;
    let b1 = b >> 16u;
    let p00 = a0 * b0;
    let p10 = a1 * b0;
    let mid = a0 * b1 + (p00 >> 16u) + (p10 & 0xffffu);
    return vec2<u32>((mid << 16u) | (p00 & 0xffffu), a1 * b1 + (mid >> 16u) + (p10 >> 16u));
}

// Payne-Hanek: finite ax >= 2^-7 (normal) as k * pi/2 + r with |r| <= pi/4,
// returning (r, k mod 4). ax = m * 2^(e-23); only 96 bits of 2/pi matter
// (those of weight 2^(25-e) .. 2^(-70-e)): the low 96 bits of m times them
// are (k mod 4).(fraction), the fraction good to 2^-70, enough for every
// float (none lies closer than about 2^-30 to a multiple of pi/2).
fn trig_reduce_big(ax: f32) -> vec2<f32> {
    let b = bitcast<u32>(ax);
    let e = i32(b >> 23u) - 127;
    let m = (b & 0x7fffffu) | 0x800000u;
    let at = u32(e + 7);
    let p2 = mul_wide(m, two_over_pi_bits(at + 64u));
    let p1 = mul_wide(m, two_over_pi_bits(at + 32u));
    let f2 = p2.x;
    let f1 = p2.y + p1.x;
    let f0 = m * two_over_pi_bits(at) + p1.y + select(0u, 1u, f1 < p1.x);
    var q = f0 >> 30u;
    // The fraction, top-aligned in g0 g1 g2.
    var g0 = (f0 << 2u) | (f1 >> 30u);
    var g1 = (f1 << 2u) | (f2 >> 30u);
    var g2 = f2 << 2u;
    var neg = false;
    if (g0 >= 0x80000000u) {
        // fraction >= 1/2: k + 1, and r from 1 - fraction (negated).
        q = q + 1u;
        neg = true;
        g0 = ~g0;
        g1 = ~g1;
        g2 = ~g2 + 1u;
        if (g2 == 0u) {
            g1 = g1 + 1u;
            if (g1 == 0u) {
                g0 = g0 + 1u;
            }
        }
    }
    var shift = 0i;
    if (g0 == 0u) {
        g0 = g1;
        g1 = g2;
        g2 = 0u;
        shift = 32;
    }
    if (g0 == 0u) {
        g0 = g1;
        g1 = 0u;
        shift = 64;
    }
    let lz = countLeadingZeros(g0);
    var hi = g0;
    var lo = g1;
    if (lz != 0u) {
        hi = (g0 << lz) | (g1 >> (32u - lz));
        lo = (g1 << lz) | (g2 >> (32u - lz));
    }
    shift = shift + i32(lz) + 32;
    // fraction = (fh + fl) * 2^-shift, fh exact; r = fraction * pi/2 with
    // pi/2 in two parts.
    let fh = f32(hi & 0xffffff00u);
    let fl = f32(hi & 0xffu) + f32(lo >> 8u) * 5.9604644775390625e-8;
    let r = fh * 1.5707963705062866 + (fh * -4.3711388286737929e-8 + fl * 1.5707963705062866);
    let rs = ldexp(r, -shift);
    return vec2<f32>(select(rs, -rs, neg), f32(q & 3u));
}

// x = k * pi/2 + r, |r| <= pi/4, for any finite x: returns (r, k mod 4).
fn trig_reduce_any(x: f32) -> vec2<f32> {
    if (abs(x) < 4096.0) {
        return trig_reduce(x);
    }
    let rq = trig_reduce_big(abs(x));
    if (sign_bit(x)) {
        return vec2<f32>(-rq.x, f32((4u - u32(rq.y)) & 3u));
    }
    return rq;
}

// Cephes' sinf and cosf polynomials for |r| <= pi/4 (about 1 ulp; GPU
// builtins may be accurate only in absolute terms).
fn sin_poly(r: f32) -> f32 {
    let z = r * r;
    return ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
}

fn cos_poly(r: f32) -> f32 {
    let z = r * r;
    return ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z
        - 0.5 * z + 1.0;
}

// (r, k mod 4) with x = k * pi/2 + r, or (x, 0) for |x| <= pi/4.
fn trig_quadrant(x: f32) -> vec2<f32> {
    if (abs(x) <= 0.7853981633974483) {
        return vec2<f32>(x, 0.0);
    }
    return trig_reduce_any(x);
}

fn sin_f32(x: f32) -> f32 {
    if (is_nan(x) || is_inf(x)) {
        return nan_f32();
    }
    let rq = trig_quadrant(x);
    let q = u32(rq.y);
    let v = select(sin_poly(rq.x), cos_poly(rq.x), (q & 1u) == 1u);
    return select(v, -v, q >= 2u);
}

fn cos_f32(x: f32) -> f32 {
    if (is_nan(x) || is_inf(x)) {
        return nan_f32();
    }
    let rq = trig_quadrant(x);
    let q = u32(rq.y);
    let v = select(cos_poly(rq.x), sin_poly(rq.x), (q & 1u) == 1u);
    return select(v, -v, q == 1u || q == 2u);
}

fn tan_f32(x: f32) -> f32 {
    if (is_nan(x) || is_inf(x)) {
        return nan_f32();
    }
    let rq = trig_quadrant(x);
    let s = sin_poly(rq.x);
    let c = cos_poly(rq.x);
    if ((u32(rq.y) & 1u) == 0u) {
        return s / c;
    }
    return -c / s;
}


// Offset of row-major index `i` over the segment at p[at]:
// [nd, shape[nd], strides[nd]] (strides as i32 bits).
fn seg_offset(i: u32, at: u32) -> i32 {
    let nd = p[at];
    var off = 0i;
    var rem = i;
    var d = nd;
    loop {
        if (d == 0u) {
            break;
        }
        d = d - 1u;
        let n = p[at + 1u + d];
        off = off + i32(rem % n) * bitcast<i32>(p[at + 1u + nd + d]);
        rem = rem / n;
    }
    return off;
}
