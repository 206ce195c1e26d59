// where(cond, x, y): out[i] = cond[i] != 0 ? x[i] : y[i], on strided views.
// Bindings: 1 = cond (T_c), 2 = x (T_x), 3 = y (T_y), 4 = out (T_out).
// Params: [numel, ndim, shape[ndim], then offset + strides[ndim] for
//          cond, x, y]. CONTIG: all three are row-major.

@group(0) @binding(1) var<storage, read> c: array<T_c>;
@group(0) @binding(2) var<storage, read> x: array<T_x>;
@group(0) @binding(3) var<storage, read> y: array<T_y>;
@group(0) @binding(4) var<storage, read_write> out: array<T_out>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = thread_index(wid, nwg, lid, 256u);
    if (i >= p[0]) {
        return;
    }
    let nd = p[1];
    let at = 2u + nd;
    var ic = p[at] + i;
    var ix = p[at + nd + 1u] + i;
    var iy = p[at + 2u * (nd + 1u)] + i;
    if (!CONTIG) {
        ic = strided_offset(i, nd, 2u, at);
        ix = strided_offset(i, nd, 2u, at + nd + 1u);
        iy = strided_offset(i, nd, 2u, at + 2u * (nd + 1u));
    }
    if (load_c(ic) != C_c(0)) {
        store_out(i, load_x(ix));
    } else {
        store_out(i, load_y(iy));
    }
}
