// Cumulative sums along one axis, forward or reversed, inclusive or
// exclusive, into a row-major output seen as [outer, n, inner].
// Bindings: 1 = a (T_a, strided input), 2 = out (T_out, same dtype).
// Params: [n_lines, n (axis length), inner, offset, axis stride (i32
//          bits), line segment [nd, shape[nd], strides[nd]] over the other
//          axes (i32 stride bits)]. Line t = outer_i * inner + inner_i
//          starts at a[offset + line_offset(t)] and out[outer_i * n *
//          inner + inner_i].
// Constants: REVERSE, INCLUSIVE.
// Entry sections:
//   main.seq  one thread per line, a sequential loop whose running sum is
//             stored and reloaded every step (st_out/ld_out), so integers
//             wrap and float16/bfloat16 round after every step as on the
//             CPU;
//   main.par  one workgroup per line, 256 elements at a time through a
//             shared-memory scan plus a carry (integers and float32).

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

fn x_at(base: i32, k: u32) -> C_out {
    return C_out(ld_a(a[u32(base + i32(k) * bitcast<i32>(p[4]))]));
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
    var acc = C_out(0);
    for (var step = 0u; step < n; step = step + 1u) {
        let k = along(step, n);
        let x = x_at(base, k);
        let o = obase + k * inner;
        if (INCLUSIVE) {
            acc = ld_out(st_out(acc + x));
            out[o] = st_out(acc);
        } else {
            out[o] = st_out(acc);
            acc = ld_out(st_out(acc + x));
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
    var carry = C_out(0);
    for (var c = 0u; c < n; c = c + 256u) {
        let pos = c + lid;
        let live = valid && pos < n;
        let k = along(min(pos, n - 1u), n);
        var x = C_out(0);
        if (live) {
            x = x_at(base, k);
        }
        sh[lid] = x;
        workgroupBarrier();
        // Hillis-Steele inclusive scan of the chunk.
        for (var s = 1u; s < 256u; s = s * 2u) {
            var y = sh[lid];
            if (lid >= s) {
                y = sh[lid - s] + y;
            }
            workgroupBarrier();
            sh[lid] = y;
            workgroupBarrier();
        }
        var v = sh[lid];
        if (!INCLUSIVE) {
            v = select(C_out(0), sh[max(lid, 1u) - 1u], lid > 0u);
        }
        if (live) {
            out[obase + k * inner] = st_out(carry + v);
        }
        carry = carry + sh[255];
        workgroupBarrier();
    }
}
