// Strided copy with a cast: out[view_out(i)] = cast(a[view_a(i)]).
// Bindings: 1 = a (T_a), 2 = out (T_out).
// Params: [numel, ndim, shape[ndim], a.offset, a.strides[ndim],
//          out.offset, out.strides[ndim]].
// CONTIG: a is row-major from its offset; OUT_CONTIG: so is out.
// PAIRS (both, out packed two per word from an even offset): each thread
// copies two adjacent elements as one whole word (grid numel / 2).

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let n = p[0];
    let nd = p[1];
    let a_at = 2u + nd;
    let out_at = a_at + 1u + nd;
    if (PAIRS) {
        let i = 2u * thread_index(wid, nwg, lid, 256u);
        let ia = p[a_at] + i;
        let io = p[out_at] + i;
        if (i + 1u < n) {
            store2_out(io, convert(load_a(ia)), convert(load_a(ia + 1u)));
        } else if (i < n) {
            store_out(io, convert(load_a(ia)));
        }
        return;
    }
    let i = thread_index(wid, nwg, lid, 256u);
    if (i >= n) {
        return;
    }
    var ia = p[a_at] + i;
    if (!CONTIG) {
        ia = strided_offset(i, nd, 2u, a_at);
    }
    var io = p[out_at] + i;
    if (!OUT_CONTIG) {
        io = strided_offset(i, nd, 2u, out_at);
    }
    store_out(io, convert(load_a(ia)));
}
