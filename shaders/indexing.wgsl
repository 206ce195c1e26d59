// take / take_along_axis: gather along one axis of `a` with integer
// indices (negative ones count from the end).
// Bindings: 1 = a (T_a), 2 = idx (T_idx), 3 = out (T_out),
//           4 = oob: [flag, index, axis size] set on an out-of-bounds index
//           (the output element is then 0 and the host reports the error).
// Params: [numel, n (axis size), a.offset, a.stride[axis], post_n, idx_n,
//          then three segments [nd, shape[nd], offset, strides[nd]]:
//          pre (a's axes before `axis`), post (a's axes after it), idx].
// Output index o = ((pre_i * idx_n) + j) * post_n + post_i for `take`;
// for `take_along_axis` (ALONG) the index view has the output's shape and
// j is the index along the axis.

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read> idx: array<T_idx>;
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;
@group(0) @binding(4) var<storage, read_write> oob: array<atomic<i32>, 4>;

fn seg_end(at: u32) -> u32 {
    return at + 2u + 2u * p[at];
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let o = thread_index(wid, nwg, lid, 256u);
    if (o >= p[0]) {
        return;
    }
    let n = p[1];
    let post_n = p[4];
    let idx_n = p[5];
    let pre_at = 6u;
    let post_at = seg_end(pre_at);
    let idx_at = seg_end(post_at);
    let post_i = o % post_n;
    let rest = o / post_n;
    let j = rest % idx_n;
    let pre_i = rest / idx_n;
    var ii: u32;
    if (ALONG) {
        // The index view has the output's shape: its element o.
        ii = strided_offset(o, p[idx_at], idx_at + 1u, idx_at + 1u + p[idx_at]);
    } else {
        ii = strided_offset(j, p[idx_at], idx_at + 1u, idx_at + 1u + p[idx_at]);
    }
    // Bounds are checked in the index's own type: 64-bit indices such as
    // 2^32 must not wrap into range.
    let raw = load_idx(ii);
    let nn = C_idx(n);
    var kk = raw;
    if (raw < C_idx(0)) {
        kk = raw + nn;
    }
    if (kk < C_idx(0) || kk >= nn) {
        atomicStore(&oob[1], i32(raw));
        atomicStore(&oob[2], i32(n));
        atomicMax(&oob[0], 1);
        store_out(o, C_out(0));
        return;
    }
    let k = i32(kk);
    let base = strided_offset(pre_i, p[pre_at], pre_at + 1u, pre_at + 1u + p[pre_at])
        + strided_offset(post_i, p[post_at], post_at + 1u, post_at + 1u + p[post_at]);
    let ia = u32(i32(p[2]) + i32(base) + k * bitcast<i32>(p[3]));
    store_out(o, load_a(ia));
}
