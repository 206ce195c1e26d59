// The cotangent through a comparison mask (FastOp::MaskGrad), the backward
// of maximum and minimum (and so of relu) in one pass:
//   out[i] = g[i] * (keep(a[i], b[i]) ? 1 : 0)
// A masked-out infinite or NaN g gives NaN (g * 0), as the composite does.
// Bindings: 1 = g (T_g), 2 = a (T_a), 3 = b (T_b), 4 = out (T_out), all of
// one floating dtype.
// Params: [numel, ndim, shape[ndim], then offset + strides[ndim] for g, a,
//          b].
// CONTIG: all three are row-major from their offsets (the loop over
// memory is elementwise.wgsl's).
// Each comparison is a section defining `fn keep(x: C_a, y: C_b) -> bool`.

@group(0) @binding(1) var<storage, read> g: array<T_g>;
@group(0) @binding(2) var<storage, read> a: array<T_a>;
@group(0) @binding(3) var<storage, read> b: array<T_b>;
@group(0) @binding(4) var<storage, read_write> out: array<T_out>;

fn op(gv: C_g, x: C_a, y: C_b) -> C_out {
    return C_out(gv) * select(C_out(0), C_out(1), keep(x, y));
}

fn offsets() -> vec3<u32> {
    return vec3<u32>(p[view_at(0u)], p[view_at(1u)], p[view_at(2u)]);
}

fn at_contig(i: u32, o: vec3<u32>) -> C_out {
    return op(load_g(o.x + i), load_a(o.y + i), load_b(o.z + i));
}

fn at_strided(i: u32) -> C_out {
    let nd = p[1];
    return op(load_g(strided_offset(i, nd, 2u, view_at(0u))),
              load_a(strided_offset(i, nd, 2u, view_at(1u))),
              load_b(strided_offset(i, nd, 2u, view_at(2u))));
}

//@ section greater
fn keep(x: C_a, y: C_b) -> bool { return x > y; }
//@ section greater_equal
fn keep(x: C_a, y: C_b) -> bool { return x >= y; }
//@ section less
fn keep(x: C_a, y: C_b) -> bool { return x < y; }
//@ section less_equal
fn keep(x: C_a, y: C_b) -> bool { return x <= y; }
