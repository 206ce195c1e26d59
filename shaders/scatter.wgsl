// Scatter: combine update windows into `out` (already a row-major copy of
// the input) at index positions; duplicates combine in turn.
// Bindings: 1 = upd (T_upd, strided view of shape [idx.., window..]),
//           2 = idx (T_idx, row-major [k][n_upd]: the k index arrays packed),
//           3 = out (entry-dependent element type, see below),
//           4 = oob: [flag, index, axis size] set on an out-of-bounds
//               window (that position is skipped; the host reports it).
// Params: [threads, n_upd, wn (window size), k, upd offset,
//          then per index array j: [axis size, out stride of the axis,
//          window size on the axis] (3 words each),
//          then the window segment [nd, shape[nd], out strides[nd]] at
//          W = 5 + 3k, then the update segment [nd, shape[nd], strides[nd]]
//          at U = W + 1 + 2 * p[W]].
// Sections:
//   combine.{none,sum,prod,max,min}  y op x in the compute type
//                                    (max: y > x ? y : x, as MLX's CPU);
//   main.par   one thread per update element; out bound as atomic words
//              and updated by `update` (one of update.*):
//     update.cas32  compare-exchange loop on the 32-bit slot (float32,
//                   narrow integers that must wrap);
//     update.cas16  compare-exchange loop on the 32-bit word that holds
//                   the 16-bit float element (float16, bfloat16; the
//                   other half is kept bit-exact);
//     update.add    atomicAdd (int32/uint32 sums);
//     update.max / update.min  atomicMax / atomicMin (integer slots);
//     update.store  atomicStore (plain scatter on 32-bit slots);
//   main.last  plain scatter (`update.store`/`update.cas16` under
//              combine.none) of several update positions: duplicates must
//              leave the last update, as on the CPU, so three passes over
//              the update elements (const PASS) use `win` (binding 5, one
//              u32 per out element): 0 clears the targeted slots, 1 takes
//              the atomicMax of position + 1 there, 2 writes the elements
//              whose position won;
//   main.seq   64-bit dtypes (no 64-bit atomics in WGSL): one thread per
//              window element, looping over the update positions in order,
//              so duplicates combine exactly as on the CPU.

@group(0) @binding(1) var<storage, read> upd: array<T_upd>;
@group(0) @binding(2) var<storage, read> idx: array<T_idx>;
@group(0) @binding(4) var<storage, read_write> oob: array<atomic<i32>, 4>;

// Element offset in `out` of the window of update position `pos`, or -1
// when an index is out of bounds (the flag is then raised).
fn window_base(pos: u32) -> i32 {
    let n_upd = p[1];
    let k = p[3];
    var base = 0i;
    for (var j = 0u; j < k; j = j + 1u) {
        let n = p[5u + 3u * j];
        let w = p[7u + 3u * j];
        let raw = load_idx(j * n_upd + pos);
        var kk = raw;
        if (raw < C_idx(0)) {
            kk = raw + C_idx(n);
        }
        // Checked in the index's own type: 64-bit indices must not wrap.
        if (kk < C_idx(0) || kk + C_idx(w) > C_idx(n)) {
            atomicStore(&oob[1], i32(raw));
            atomicStore(&oob[2], i32(n));
            atomicMax(&oob[0], 1);
            return -1i;
        }
        base = base + i32(kk) * bitcast<i32>(p[6u + 3u * j]);
    }
    return base;
}

// The update element `s` of the window of position `pos`.
fn update_value(pos: u32, s: u32) -> C_out {
    let w_at = 5u + 3u * p[3];
    let u_at = w_at + 1u + 2u * p[w_at];
    let e = bitcast<i32>(p[4]) + seg_offset(pos * p[2] + s, u_at);
    return C_out(load_upd(u32(e)));
}

fn window_offset(s: u32) -> i32 {
    return seg_offset(s, 5u + 3u * p[3]);
}

// The out element that thread t updates (update position t / wn, window
// element t % wn), or -1 past the last thread or for a window out of
// bounds.
fn out_element(t: u32) -> i32 {
    if (t >= p[0]) {
        return -1i;
    }
    let base = window_base(t / p[2]);
    if (base < 0i) {
        return -1i;
    }
    return base + window_offset(t % p[2]);
}

//@ section combine.none
fn combine(y: C_out, x: C_out) -> C_out {
    return x;
}

//@ section combine.sum
fn combine(y: C_out, x: C_out) -> C_out {
    return y + x;
}

//@ section combine.prod
fn combine(y: C_out, x: C_out) -> C_out {
    return y * x;
}

//@ section combine.max
fn combine(y: C_out, x: C_out) -> C_out {
    return select(x, y, y > x);
}

//@ section combine.min
fn combine(y: C_out, x: C_out) -> C_out {
    return select(x, y, y < x);
}

//@ section update.cas32
fn update(o: u32, x: C_out) {
    loop {
        let old = atomicLoad(&out[o]);
        let y = ld_out(bitcast<T_out>(old));
        let nw = bitcast<A_out>(st_out(combine(y, x)));
        let r = atomicCompareExchangeWeak(&out[o], old, nw);
        if (r.exchanged) {
            break;
        }
    }
}

//@ section update.cas16
fn update(o: u32, x: C_out) {
    let wi = o >> 1u;
    let sh = (o & 1u) * 16u;
    loop {
        let old = atomicLoad(&out[wi]);
        let y = unpack2_out(old >> sh).x;
        let r16 = pack2_out(vec2<f32>(combine(y, x), 0.0)) & 0xffffu;
        let nw = (old & ~(0xffffu << sh)) | (r16 << sh);
        let r = atomicCompareExchangeWeak(&out[wi], old, nw);
        if (r.exchanged) {
            break;
        }
    }
}

//@ section update.add
fn update(o: u32, x: C_out) {
    atomicAdd(&out[o], x);
}

//@ section update.max
fn update(o: u32, x: C_out) {
    atomicMax(&out[o], x);
}

//@ section update.min
fn update(o: u32, x: C_out) {
    atomicMin(&out[o], x);
}

//@ section update.store
fn update(o: u32, x: C_out) {
    atomicStore(&out[o], bitcast<A_out>(st_out(x)));
}

//@ section main.par
@group(0) @binding(3) var<storage, read_write> out: array<atomic<A_out>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_index(wid, nwg, lid, 256u);
    let o = out_element(t);
    if (o >= 0i) {
        update(u32(o), update_value(t / p[2], t % p[2]));
    }
}

//@ section main.last
@group(0) @binding(3) var<storage, read_write> out: array<atomic<A_out>>;
@group(0) @binding(5) var<storage, read_write> win: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_index(wid, nwg, lid, 256u);
    let at = out_element(t);
    if (at < 0i) {
        return;
    }
    let o = u32(at);
    let pos = t / p[2];
    if (PASS == 0u) {
        atomicStore(&win[o], 0u);
    } else if (PASS == 1u) {
        atomicMax(&win[o], pos + 1u);
    } else if (atomicLoad(&win[o]) == pos + 1u) {
        update(o, update_value(pos, t % p[2]));
    }
}

//@ section main.seq
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let s = thread_index(wid, nwg, lid, 256u);
    if (s >= p[0]) {
        return;
    }
    let off = window_offset(s);
    for (var pos = 0u; pos < p[1]; pos = pos + 1u) {
        let base = window_base(pos);
        if (base < 0i) {
            continue;
        }
        let o = u32(base + off);
        store_out(o, combine(load_out(o), update_value(pos, s)));
    }
}
