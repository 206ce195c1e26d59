// Softmax over the last axis: out = exp(x - max) / sum, computed in f32,
// one group of TPR threads per row (256 / TPR rows per workgroup).
// Bindings: 1 = a (T_a, float input), 2 = out (T_out, same dtype,
// row-major).
// Params: [n_rows, n (row length), offset, stride of the last axis (i32
//          bits), kept segment [nd, shape[nd], strides[nd]] over the other
//          axes (i32 stride bits)].
// Constants: TPR (threads per row), K (row elements each thread keeps in
// registers, so the input is read once; 0 = rows too long, read three
// times), KC (= max(K, 1)), CONTIG (last-axis stride is 1).
// A row whose max is not finite (all -inf, a +inf, or a NaN) is all NaN,
// as on the CPU.

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

var<workgroup> sh: array<f32, 256>;

fn x_at(base: i32, r: u32) -> f32 {
    if (CONTIG) {
        return f32(load_a(u32(base + i32(r))));
    }
    return f32(load_a(u32(base + i32(r) * bitcast<i32>(p[3]))));
}

// Elements r, r + TPR, r + 2 TPR, r + 3 TPR of the row at `base`, loaded
// together (a long row is bound by loads in flight).
fn x4(base: i32, r: u32) -> vec4<f32> {
    return vec4<f32>(x_at(base, r), x_at(base, r + TPR), x_at(base, r + 2u * TPR),
                     x_at(base, r + 3u * TPR));
}

// NaN-propagating max.
fn fmax(x: f32, y: f32) -> f32 {
    return select(y, x, x > y || is_nan(x));
}

// Combine `v` over the TPR threads of a row (`t` = index in the row);
// every thread of the row gets the result.
fn row_max(lid: u32, t: u32, v: f32) -> f32 {
    sh[lid] = v;
    workgroupBarrier();
    var s = TPR / 2u;
    loop {
        if (s == 0u) {
            break;
        }
        if (t < s) {
            sh[lid] = fmax(sh[lid], sh[lid + s]);
        }
        workgroupBarrier();
        s = s / 2u;
    }
    let m = sh[lid - t];
    workgroupBarrier();
    return m;
}

fn row_sum(lid: u32, t: u32, v: f32) -> f32 {
    sh[lid] = v;
    workgroupBarrier();
    var s = TPR / 2u;
    loop {
        if (s == 0u) {
            break;
        }
        if (t < s) {
            sh[lid] = sh[lid] + sh[lid + s];
        }
        workgroupBarrier();
        s = s / 2u;
    }
    let m = sh[lid - t];
    workgroupBarrier();
    return m;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let g = wid.y * nwg.x + wid.x;
    let t = lid % TPR;
    let row = g * (256u / TPR) + lid / TPR;
    let valid = row < p[0];
    let n = p[1];
    var base = 0i;
    if (valid) {
        base = bitcast<i32>(p[2]) + seg_offset(row, 4u);
    }
    let obase = row * n;
    var vals: array<f32, KC>;
    var m = -inf_f32();
    var online = 0.0;
    var online_m = 0.0;
    if (K > 0u) {
        for (var k = 0u; k < K; k = k + 1u) {
            let r = t + k * TPR;
            var v = -inf_f32();
            if (valid && r < n) {
                v = x_at(base, r);
            }
            vals[k] = v;
            m = fmax(m, v);
        }
    } else if (valid) {
        // Online max and sum in one read: rescale the sum when the max
        // grows. Four elements per step.
        var so = 0.0;
        var r = t;
        loop {
            if (r + 3u * TPR >= n) {
                break;
            }
            let v = x4(base, r);
            let mx = fmax(fmax(v.x, v.y), fmax(v.z, v.w));
            if (mx > m) {
                so = so * exp(m - mx);
                m = mx;
            }
            // While m is -inf every element so far was -inf (adds 0).
            if (m > -inf_f32()) {
                let e = exp(v - vec4<f32>(m));
                so = so + e.x + e.y + e.z + e.w;
            }
            m = fmax(m, mx);
            r = r + 4u * TPR;
        }
        for (; r < n; r = r + TPR) {
            let v = x_at(base, r);
            if (v > m) {
                so = so * exp(m - v) + 1.0;
                m = v;
            } else if (v > -inf_f32()) {
                so = so + exp(v - m);
            }
            m = fmax(m, v);
        }
        // `so` is relative to this thread's max; rescaled to the row's below.
        online = so;
        online_m = m;
    }
    m = row_max(lid, t, m);
    var s = 0.0;
    if (K > 0u) {
        for (var k = 0u; k < K; k = k + 1u) {
            let r = t + k * TPR;
            if (valid && r < n) {
                let e = exp(vals[k] - m);
                vals[k] = e;
                s = s + e;
            }
        }
    } else if (valid && online > 0.0) {
        s = online * exp(online_m - m);
    }
    s = row_sum(lid, t, s);
    if (!valid) {
        return;
    }
    let bad = is_nan(m) || abs(m) == inf_f32();
    let inv = 1.0 / s;
    if (K > 0u) {
        for (var k = 0u; k < K; k = k + 1u) {
            let r = t + k * TPR;
            if (r < n) {
                store_out(obase + r, select(vals[k] * inv, nan_f32(), bad));
            }
        }
    } else {
        var r = t;
        loop {
            if (r + 3u * TPR >= n) {
                break;
            }
            let y = select(exp(x4(base, r) - vec4<f32>(m)) * inv, vec4<f32>(nan_f32()), bad);
            store_out(obase + r, y.x);
            store_out(obase + r + TPR, y.y);
            store_out(obase + r + 2u * TPR, y.z);
            store_out(obase + r + 3u * TPR, y.w);
            r = r + 4u * TPR;
        }
        for (; r < n; r = r + TPR) {
            let y = exp(x_at(base, r) - m) * inv;
            store_out(obase + r, select(y, nan_f32(), bad));
        }
    }
}
