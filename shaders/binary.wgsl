// Elementwise binary ops: out[i] = op(a[view_a(i)], b[view_b(i)]).
// Bindings: 1 = a (T_a), 2 = b (T_b), 3 = out (T_out).
// Params: [numel, ndim, shape[ndim], a.offset, a.strides[ndim],
//          b.offset, b.strides[ndim]].
// CONTIG: a and b are row-major from their offsets; each thread then
// handles 4 elements, 256 apart (grid covers numel / 4 threads).
// Each op is a section `name.class` or `name` defining
// `fn op(x: C_a, y: C_b) -> C_out`. a and b share a dtype; comparisons
// return bool (u32 0/1). Integer ops wrap and divide by zero gives 0.

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read> b: array<T_b>;
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let n = p[0];
    let nd = p[1];
    let a_at = 2u + nd;
    let b_at = a_at + nd + 1u;
    if (CONTIG) {
        let base = (wid.y * nwg.x + wid.x) * 1024u + lid;
        let oa = p[a_at];
        let ob = p[b_at];
        for (var k = 0u; k < 4u; k++) {
            let i = base + k * 256u;
            if (i < n) {
                out[i] = st_out(op(ld_a(a[oa + i]), ld_b(b[ob + i])));
            }
        }
        return;
    }
    let i = thread_index(wid, nwg, lid, 256u);
    if (i >= n) {
        return;
    }
    let ia = strided_offset(i, nd, 2u, a_at);
    let ib = strided_offset(i, nd, 2u, b_at);
    out[i] = st_out(op(ld_a(a[ia]), ld_b(b[ib])));
}

fn b2u(c: bool) -> u32 {
    return select(0u, 1u, c);
}

//@ section add
fn op(x: C_a, y: C_b) -> C_out { return x + y; }
//@ section subtract
fn op(x: C_a, y: C_b) -> C_out { return x - y; }
//@ section multiply
fn op(x: C_a, y: C_b) -> C_out { return x * y; }
//@ section divide.float
fn op(x: f32, y: f32) -> f32 { return x / y; }

//@ section floor_divide.float
fn op(x: f32, y: f32) -> f32 { return floor(x / y); }
//@ section floor_divide.sint
fn op(x: C_a, y: C_b) -> C_out {
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
fn op(x: C_a, y: C_b) -> C_out { return select(x / max(y, C_b(1)), C_out(0), y == C_b(0)); }
//@ section floor_divide.bool
fn op(x: C_a, y: C_b) -> C_out { return x & y; }

//@ section remainder.float
fn op(x: f32, y: f32) -> f32 {
    let r = x - y * trunc(x / y);
    if (r != 0.0 && ((r < 0.0) != (y < 0.0))) {
        return r + y;
    }
    return r;
}
//@ section remainder.sint
fn op(x: C_a, y: C_b) -> C_out {
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
fn op(x: C_a, y: C_b) -> C_out { return select(x % max(y, C_b(1)), C_out(0), y == C_b(0)); }
//@ section remainder.bool
fn op(x: C_a, y: C_b) -> C_out { return 0u; }

//@ section power.float
fn op(x: f32, y: f32) -> f32 {
    if (y == 0.0) {
        return 1.0;
    }
    if (is_nan(x) || is_nan(y)) {
        return nan_f32();
    }
    if (x == 1.0) {
        return 1.0;
    }
    if (x < 0.0) {
        if (trunc(y) != y) {
            return nan_f32();
        }
        let m = pow(-x, y);
        // Odd integer exponents keep the sign (|y| < 2^24 are exact in f32).
        if (abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1) {
            return -m;
        }
        return m;
    }
    if (x == 0.0) {
        return select(0.0, inf_f32(), y < 0.0);
    }
    return pow(x, y);
}
//@ section power.sint
fn op(x0: C_a, e0: C_b) -> C_out {
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
fn op(x0: C_a, e0: C_b) -> C_out {
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
fn op(x: C_a, y: C_b) -> C_out { return x | (1u - y); }

//@ section maximum.float
fn op(x: f32, y: f32) -> f32 { return select(y, x, x > y || is_nan(x)); }
//@ section maximum
fn op(x: C_a, y: C_b) -> C_out { return max(x, y); }
//@ section minimum.float
fn op(x: f32, y: f32) -> f32 { return select(y, x, x < y || is_nan(x)); }
//@ section minimum
fn op(x: C_a, y: C_b) -> C_out { return min(x, y); }

//@ section arctan2.float
fn op(x: f32, y: f32) -> f32 { return atan2(x, y); }
//@ section logaddexp.float
fn op(x: f32, y: f32) -> f32 {
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
fn op(x: C_a, y: C_b) -> C_out { return b2u(x == y); }
//@ section not_equal.float
// Written as !(x == y): a float `!=` may compile to an ordered compare,
// which is false when x or y is NaN.
fn op(x: C_a, y: C_b) -> C_out { return b2u(!(x == y)); }
//@ section not_equal
fn op(x: C_a, y: C_b) -> C_out { return b2u(x != y); }
//@ section less
fn op(x: C_a, y: C_b) -> C_out { return b2u(x < y); }
//@ section less_equal
fn op(x: C_a, y: C_b) -> C_out { return b2u(x <= y); }
//@ section greater
fn op(x: C_a, y: C_b) -> C_out { return b2u(x > y); }
//@ section greater_equal
fn op(x: C_a, y: C_b) -> C_out { return b2u(x >= y); }
//@ section logical_and
fn op(x: C_a, y: C_b) -> C_out { return b2u(x != C_a(0) && y != C_b(0)); }
//@ section logical_or
fn op(x: C_a, y: C_b) -> C_out { return b2u(x != C_a(0) || y != C_b(0)); }
