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

// The sign bit (true for -0.0 and negative NaN too).
fn sign_bit(x: f32) -> bool {
    return (bitcast<u32>(x) >> 31u) == 1u;
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

// x = k * pi/2 + r with |r| <= pi/4: returns (r, k mod 4). Cody-Waite:
// pi/2 is split in three parts whose leading ones have few significant
// bits, so k * part is exact for |k| < 2^13 and r keeps f32 accuracy for
// |x| up to about 1e4 without relying on a fused fma (hardware sin/cos/tan
// reduce large arguments poorly on some GPUs).
fn trig_reduce(x: f32) -> vec2<f32> {
    let k = round(x * 0.6366197723675814);
    let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
    return vec2<f32>(r, f32(i32(k) & 3));
}

fn sin_f32(x: f32) -> f32 {
    if (abs(x) <= 0.7853981633974483) {
        return sin(x);
    }
    let rq = trig_reduce(x);
    let q = u32(rq.y);
    if (q == 0u) {
        return sin(rq.x);
    } else if (q == 1u) {
        return cos(rq.x);
    } else if (q == 2u) {
        return -sin(rq.x);
    }
    return -cos(rq.x);
}

fn cos_f32(x: f32) -> f32 {
    if (abs(x) <= 0.7853981633974483) {
        return cos(x);
    }
    let rq = trig_reduce(x);
    let q = u32(rq.y);
    if (q == 0u) {
        return cos(rq.x);
    } else if (q == 1u) {
        return -sin(rq.x);
    } else if (q == 2u) {
        return -cos(rq.x);
    }
    return sin(rq.x);
}

fn tan_f32(x: f32) -> f32 {
    if (abs(x) <= 0.7853981633974483) {
        return tan(x);
    }
    let rq = trig_reduce(x);
    if ((u32(rq.y) & 1u) == 0u) {
        return tan(rq.x);
    }
    return -1.0 / tan(rq.x);
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
