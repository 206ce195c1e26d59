// The loop over memory of the elementwise families (unary, binary,
// select, mask_grad): out[i] = element i, for i < numel = p[0].
// The family's text, before this one, binds `out` and defines
//   fn offsets() -> vec3<u32>       its inputs' offsets (unused lanes 0);
//   fn at_contig(i: u32, o: vec3<u32>) -> C_out
//                                   element i when every input is
//                                   row-major from its offset in o (CONTIG);
//   fn at_strided(i: u32) -> C_out  element i through the strided views.
// The offsets are read once per thread: the compiler cannot keep a load
// of p across a store to out (storage buffers may alias).
// CONTIG: each thread handles 4 elements 256 apart (the grid covers
// numel / 4 threads: `CONTIG_EPT` on the host) or, when out packs two
// elements per word, 2 pairs of adjacent elements 512 apart, each pair
// written as one whole word. Otherwise one thread per element.
// Params begin [numel, ndim, shape[ndim]], then each input's view:
// offset and strides[ndim], found by `view_at`.

// Where input k's view (offset, then strides) starts in p.
fn view_at(k: u32) -> u32 {
    return 2u + p[1] + k * (p[1] + 1u);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let n = p[0];
    let o = offsets();
    if (CONTIG && PACKED_out) {
        let base = (wid.y * nwg.x + wid.x) * 512u + lid;
        for (var k = 0u; k < 2u; k++) {
            let i = 2u * (base + k * 256u);
            if (i + 1u < n) {
                store2_out(i, at_contig(i, o), at_contig(i + 1u, o));
            } else if (i < n) {
                store_out(i, at_contig(i, o));
            }
        }
        return;
    }
    if (CONTIG) {
        let base = (wid.y * nwg.x + wid.x) * 1024u + lid;
        for (var k = 0u; k < 4u; k++) {
            let i = base + k * 256u;
            if (i < n) {
                store_out(i, at_contig(i, o));
            }
        }
        return;
    }
    let i = thread_index(wid, nwg, lid, 256u);
    if (i < n) {
        store_out(i, at_strided(i));
    }
}
