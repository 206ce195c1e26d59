// The cotangent through a comparison mask (FastOp::MaskGrad), the backward
// of maximum and minimum (and so of relu) in one pass:
//   out[i] = g[i] * (keep(a[i], b[i]) ? 1 : 0)
// A masked-out infinite or NaN g gives NaN (g * 0), as the composite does.
// Bindings: 1 = g (T_g), 2 = a (T_a), 3 = b (T_b), 4 = out (T_out), all of
// one floating dtype.
// Params: [numel, ndim, shape[ndim], then offset + strides[ndim] for g, a,
//          b].
// CONTIG: all three are row-major from their offsets; as in binary.wgsl,
// each thread then handles 4 elements 256 apart (the grid covers numel / 4
// threads), or, when out packs two elements per word, 2 pairs of adjacent
// elements 512 apart.
// Each comparison is a section defining `fn keep(x: C_a, y: C_b) -> bool`.

@group(0) @binding(1) var<storage, read> g: array<T_g>;
@group(0) @binding(2) var<storage, read> a: array<T_a>;
@group(0) @binding(3) var<storage, read> b: array<T_b>;
@group(0) @binding(4) var<storage, read_write> out: array<T_out>;

fn op(gv: C_g, x: C_a, y: C_b) -> C_out {
    return C_out(gv) * select(C_out(0), C_out(1), keep(x, y));
}

// Element i of the contiguous views starting at og, oa, ob.
fn at(i: u32, og: u32, oa: u32, ob: u32) -> C_out {
    return op(load_g(og + i), load_a(oa + i), load_b(ob + i));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let n = p[0];
    let nd = p[1];
    let g_at = 2u + nd;
    let a_at = g_at + nd + 1u;
    let b_at = a_at + nd + 1u;
    if (CONTIG && PACKED_out) {
        // Two adjacent elements per step, written as one whole word.
        let base = (wid.y * nwg.x + wid.x) * 512u + lid;
        for (var k = 0u; k < 2u; k++) {
            let i = 2u * (base + k * 256u);
            if (i + 1u < n) {
                store2_out(i, at(i, p[g_at], p[a_at], p[b_at]),
                           at(i + 1u, p[g_at], p[a_at], p[b_at]));
            } else if (i < n) {
                store_out(i, at(i, p[g_at], p[a_at], p[b_at]));
            }
        }
        return;
    }
    if (CONTIG) {
        let base = (wid.y * nwg.x + wid.x) * 1024u + lid;
        for (var k = 0u; k < 4u; k++) {
            let i = base + k * 256u;
            if (i < n) {
                store_out(i, at(i, p[g_at], p[a_at], p[b_at]));
            }
        }
        return;
    }
    let i = thread_index(wid, nwg, lid, 256u);
    if (i >= n) {
        return;
    }
    let ig = strided_offset(i, nd, 2u, g_at);
    let ia = strided_offset(i, nd, 2u, a_at);
    let ib = strided_offset(i, nd, 2u, b_at);
    store_out(i, op(load_g(ig), load_a(ia), load_b(ib)));
}

//@ section greater
fn keep(x: C_a, y: C_b) -> bool { return x > y; }
//@ section greater_equal
fn keep(x: C_a, y: C_b) -> bool { return x >= y; }
//@ section less
fn keep(x: C_a, y: C_b) -> bool { return x < y; }
//@ section less_equal
fn keep(x: C_a, y: C_b) -> bool { return x <= y; }
