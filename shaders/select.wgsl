// where(cond, x, y): out[i] = cond[i] != 0 ? x[i] : y[i], on strided views.
// Bindings: 1 = c (T_c), 2 = x (T_x), 3 = y (T_y), 4 = out (T_out).
// Params: [numel, ndim, shape[ndim], then offset + strides[ndim] for
//          cond, x, y]. CONTIG: all three are row-major from their offsets
// (the loop over memory is elementwise.wgsl's).

@group(0) @binding(1) var<storage, read> c: array<T_c>;
@group(0) @binding(2) var<storage, read> x: array<T_x>;
@group(0) @binding(3) var<storage, read> y: array<T_y>;
@group(0) @binding(4) var<storage, read_write> out: array<T_out>;

fn pick(ic: u32, ix: u32, iy: u32) -> C_out {
    return select(C_out(load_y(iy)), C_out(load_x(ix)), load_c(ic) != C_c(0));
}

fn offsets() -> vec3<u32> {
    return vec3<u32>(p[view_at(0u)], p[view_at(1u)], p[view_at(2u)]);
}

fn at_contig(i: u32, o: vec3<u32>) -> C_out {
    return pick(o.x + i, o.y + i, o.z + i);
}

fn at_strided(i: u32) -> C_out {
    let nd = p[1];
    return pick(strided_offset(i, nd, 2u, view_at(0u)), strided_offset(i, nd, 2u, view_at(1u)),
                strided_offset(i, nd, 2u, view_at(2u)));
}
