// Cumulative ops (sum, product, max, min, logaddexp) along one axis,
// forward or reversed, inclusive or exclusive, into a row-major output
// seen as [outer, n, inner]. Each kernel gets `combine` from its op
// section (op.NAME[.class]) and `identity()` (the value before the first
// element, per dtype) from the host.
// Bindings: 1 = a (T_a, strided input), 2 = out (T_out, same dtype).
// Params: [n_lines, n (axis length), inner, offset, axis stride (i32
//          bits), line segment [nd, shape[nd], strides[nd]] over the other
//          axes (i32 stride bits)]. Line t = outer_i * inner + inner_i
//          starts at a[offset + line_offset(t)] and out[outer_i * n *
//          inner + inner_i].
// Constants: REVERSE, INCLUSIVE.
// Entry sections:
//   main.seq  one thread per line, a sequential loop whose running value is
//             rounded to out's dtype every step (round_out), so integers
//             wrap and float16/bfloat16 round after every step as on the
//             CPU;
//   main.par  one workgroup per line, 256 elements at a time through a
//             shared-memory scan plus a carry (integers and float32).

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

fn x_at(base: i32, k: u32) -> C_out {
    return C_out(load_a(u32(base + i32(k) * bitcast<i32>(p[4]))));
}

// Position `step` of the scan order as an index along the axis.
fn along(step: u32, n: u32) -> u32 {
    return select(step, n - 1u - step, REVERSE);
}

//@ section main.seq
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_index(wid, nwg, lid, 256u);
    if (t >= p[0]) {
        return;
    }
    let n = p[1];
    let inner = p[2];
    let base = bitcast<i32>(p[3]) + seg_offset(t, 5u);
    let obase = (t / inner) * n * inner + t % inner;
    var acc = identity();
    for (var step = 0u; step < n; step = step + 1u) {
        let k = along(step, n);
        let x = x_at(base, k);
        let o = obase + k * inner;
        if (INCLUSIVE) {
            acc = round_out(combine(acc, x));
            store_out(o, acc);
        } else {
            store_out(o, acc);
            acc = round_out(combine(acc, x));
        }
    }
}

//@ section main.par
var<workgroup> sh: array<C_out, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let line = wid.y * nwg.x + wid.x;
    let valid = line < p[0];
    let n = p[1];
    let inner = p[2];
    var base = 0i;
    if (valid) {
        base = bitcast<i32>(p[3]) + seg_offset(line, 5u);
    }
    let obase = (line / inner) * n * inner + line % inner;
    var carry = identity();
    for (var c = 0u; c < n; c = c + 256u) {
        let pos = c + lid;
        let live = valid && pos < n;
        let k = along(min(pos, n - 1u), n);
        var x = identity();
        if (live) {
            x = x_at(base, k);
        }
        sh[lid] = x;
        workgroupBarrier();
        // Hillis-Steele inclusive scan of the chunk.
        for (var s = 1u; s < 256u; s = s * 2u) {
            var y = sh[lid];
            if (lid >= s) {
                y = combine(sh[lid - s], y);
            }
            workgroupBarrier();
            sh[lid] = y;
            workgroupBarrier();
        }
        var v = sh[lid];
        if (!INCLUSIVE) {
            v = select(identity(), sh[max(lid, 1u) - 1u], lid > 0u);
        }
        if (live) {
            store_out(obase + k * inner, combine(carry, v));
        }
        carry = combine(carry, sh[255]);
        workgroupBarrier();
    }
}

//@ section op.cumsum
fn combine(a: C_out, b: C_out) -> C_out {
    return a + b;
}

//@ section op.cumprod
fn combine(a: C_out, b: C_out) -> C_out {
    return a * b;
}

//@ section op.cummax.float
fn combine(a: C_out, b: C_out) -> C_out {
    return select(b, a, is_nan(a) || a > b);
}

//@ section op.cummax
fn combine(a: C_out, b: C_out) -> C_out {
    return select(b, a, a > b);
}

//@ section op.cummin.float
fn combine(a: C_out, b: C_out) -> C_out {
    return select(b, a, is_nan(a) || a < b);
}

//@ section op.cummin
fn combine(a: C_out, b: C_out) -> C_out {
    return select(b, a, a < b);
}

//@ section op.logcumsumexp.float
// log(exp(a) + exp(b)): NaN propagates, -inf is the identity, inf wins.
fn combine(a: C_out, b: C_out) -> C_out {
    if (is_nan(a) || is_nan(b)) {
        return nan_f32();
    }
    let hi = select(b, a, a > b);
    let lo = select(a, b, a > b);
    if ((is_inf(lo) && sign_bit(lo)) || (is_inf(hi) && !sign_bit(hi))) {
        return hi;
    }
    return hi + log1p_f32(exp(lo - hi));
}
