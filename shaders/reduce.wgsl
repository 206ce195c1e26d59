// Reductions (sum, prod, max, min, all, any) and arg-reductions (argmax,
// argmin) of a strided view, with the reduced axes moved last logically.
// Bindings: 1 = a (T_a, the input), 2 = out (T_out).
// Reduce params: [n_parts, n_red, chunk, nchunks, offset, kept segment,
//                 red segment], a segment being [nd, shape[nd], strides[nd]]
//   (strides as i32 bits). The input element of (output o, reduced index r)
//   is a[offset + kept_offset(o) + red_offset(r)]. The reduced range is cut
//   into `nchunks` chunks of `chunk` indices; each (o, chunk) pair writes
//   one partial (nchunks = 1: one result per output).
// Arg-reduce params: [n_out, n, offset, kept segment, red segment] with a
//   one-dimensional red segment [1, n, stride].
// Entry sections:
//   main.row  TPR threads per output row (256 / TPR rows per workgroup),
//             a shared-memory tree over the row's threads; partial q is
//             (row q / nchunks, chunk q % nchunks), written to out[q].
//   main.col  LANES consecutive outputs per workgroup, STRANDS threads per
//             output splitting the reduced range; workgroup g covers chunk
//             g / ceil(n_out / LANES); output o of chunk c goes to
//             out[c * n_out + o]. (n_parts is n_out here.)
//   main.arg  TPR threads per row; MAX picks argmax, else argmin.
// Constants: CONTIG (red is one dimension of stride 1), RED1 (red is one
// dimension), TPR, LANES, STRANDS, MAX.
// Op sections define `combine(C_out, C_out) -> C_out` and `ident()`; the
// host adds `convert(C_a) -> C_out`, `lowest()` and `highest()`.

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

// Offset of reduced index `r` relative to its row, red segment at p[at].
fn red_offset(r: u32, at: u32) -> i32 {
    if (CONTIG) {
        return i32(r);
    }
    if (RED1) {
        return i32(r) * bitcast<i32>(p[at + 2u]);
    }
    return seg_offset(r, at);
}

//@ section load
const KEPT_AT: u32 = 5u;

fn load(i: i32) -> C_out {
    return convert(load_a(u32(i)));
}

//@ section main.row
var<workgroup> sh: array<C_out, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let g = wid.y * nwg.x + wid.x;
    let t = lid % TPR;
    let q = g * (256u / TPR) + lid / TPR;
    var acc = ident();
    if (q < p[0]) {
        let nchunks = p[3];
        let row = q / nchunks;
        let start = (q % nchunks) * p[2];
        let end = min(start + p[2], p[1]);
        let base = bitcast<i32>(p[4]) + seg_offset(row, KEPT_AT);
        let at = KEPT_AT + 1u + 2u * p[KEPT_AT];
        var r = start + t;
        // Four independent loads in flight per thread.
        loop {
            if (r + 3u * TPR >= end) {
                break;
            }
            let x0 = load(base + red_offset(r, at));
            let x1 = load(base + red_offset(r + TPR, at));
            let x2 = load(base + red_offset(r + 2u * TPR, at));
            let x3 = load(base + red_offset(r + 3u * TPR, at));
            acc = combine(acc, combine(combine(x0, x1), combine(x2, x3)));
            r = r + 4u * TPR;
        }
        loop {
            if (r >= end) {
                break;
            }
            acc = combine(acc, load(base + red_offset(r, at)));
            r = r + TPR;
        }
    }
    sh[lid] = acc;
    workgroupBarrier();
    var s = TPR / 2u;
    loop {
        if (s == 0u) {
            break;
        }
        if (t < s) {
            sh[lid] = combine(sh[lid], sh[lid + s]);
        }
        workgroupBarrier();
        s = s / 2u;
    }
    if (t == 0u && q < p[0]) {
        store_out(q, sh[lid]);
    }
}

//@ section main.col
var<workgroup> sh: array<C_out, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let g = wid.y * nwg.x + wid.x;
    let n_out = p[0];
    let ncg = (n_out + LANES - 1u) / LANES;
    let c = g / ncg;
    let o = (g % ncg) * LANES + lid % LANES;
    let s = lid / LANES;
    let valid = o < n_out && c < p[3];
    var acc = ident();
    if (valid) {
        let start = c * p[2];
        let end = min(start + p[2], p[1]);
        let base = bitcast<i32>(p[4]) + seg_offset(o, KEPT_AT);
        let at = KEPT_AT + 1u + 2u * p[KEPT_AT];
        var r = start + s;
        loop {
            if (r + 3u * STRANDS >= end) {
                break;
            }
            let x0 = load(base + red_offset(r, at));
            let x1 = load(base + red_offset(r + STRANDS, at));
            let x2 = load(base + red_offset(r + 2u * STRANDS, at));
            let x3 = load(base + red_offset(r + 3u * STRANDS, at));
            acc = combine(acc, combine(combine(x0, x1), combine(x2, x3)));
            r = r + 4u * STRANDS;
        }
        loop {
            if (r >= end) {
                break;
            }
            acc = combine(acc, load(base + red_offset(r, at)));
            r = r + STRANDS;
        }
    }
    if (STRANDS > 1u) {
        sh[lid] = acc;
        workgroupBarrier();
        if (s == 0u) {
            for (var k = 1u; k < STRANDS; k = k + 1u) {
                acc = combine(acc, sh[lid + k * LANES]);
            }
        }
    }
    if (valid && s == 0u) {
        store_out(c * n_out + o, acc);
    }
}

//@ section main.arg
const NONE: u32 = 0xffffffffu;
var<workgroup> shv: array<C_a, 256>;
var<workgroup> shi: array<u32, 256>;

// True when (bv, bi) replaces (av, ai): NaN wins, then the larger (MAX) or
// smaller value, then the smaller index.
fn better(av: C_a, ai: u32, bv: C_a, bi: u32) -> bool {
    if (bi == NONE) {
        return false;
    }
    if (ai == NONE) {
        return true;
    }
    let an = nanv(av);
    let bn = nanv(bv);
    if (an || bn) {
        return bn && (!an || bi < ai);
    }
    if (bv == av) {
        return bi < ai;
    }
    if (MAX) {
        return bv > av;
    }
    return bv < av;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let g = wid.y * nwg.x + wid.x;
    let t = lid % TPR;
    let row = g * (256u / TPR) + lid / TPR;
    var bv = C_a(0);
    var bi = NONE;
    if (row < p[0]) {
        let n = p[1];
        let base = bitcast<i32>(p[2]) + seg_offset(row, 3u);
        let at = 4u + 2u * p[3u];
        for (var r = t; r < n; r = r + TPR) {
            let x = load_a(u32(base + red_offset(r, at)));
            if (better(bv, bi, x, r)) {
                bv = x;
                bi = r;
            }
        }
    }
    shv[lid] = bv;
    shi[lid] = bi;
    workgroupBarrier();
    var s = TPR / 2u;
    loop {
        if (s == 0u) {
            break;
        }
        if (t < s && better(shv[lid], shi[lid], shv[lid + s], shi[lid + s])) {
            shv[lid] = shv[lid + s];
            shi[lid] = shi[lid + s];
        }
        workgroupBarrier();
        s = s / 2u;
    }
    if (t == 0u && row < p[0]) {
        store_out(row, shi[lid]);
    }
}

//@ section argcmp.float
fn nanv(x: C_a) -> bool { return is_nan(x); }
//@ section argcmp
fn nanv(x: C_a) -> bool { return false; }

//@ section sum
fn ident() -> C_out { return C_out(0); }
fn combine(x: C_out, y: C_out) -> C_out { return x + y; }
//@ section sum.bool
fn ident() -> C_out { return 0u; }
fn combine(x: C_out, y: C_out) -> C_out { return x | y; }

//@ section prod
fn ident() -> C_out { return C_out(1); }
fn combine(x: C_out, y: C_out) -> C_out { return x * y; }
//@ section prod.bool
fn ident() -> C_out { return 1u; }
fn combine(x: C_out, y: C_out) -> C_out { return x & y; }

//@ section max.float
fn ident() -> C_out { return lowest(); }
fn combine(x: C_out, y: C_out) -> C_out { return select(y, x, x > y || is_nan(x)); }
//@ section max
fn ident() -> C_out { return lowest(); }
fn combine(x: C_out, y: C_out) -> C_out { return max(x, y); }

//@ section min.float
fn ident() -> C_out { return highest(); }
fn combine(x: C_out, y: C_out) -> C_out { return select(y, x, x < y || is_nan(x)); }
//@ section min
fn ident() -> C_out { return highest(); }
fn combine(x: C_out, y: C_out) -> C_out { return min(x, y); }

//@ section all
fn ident() -> C_out { return C_out(1); }
fn combine(x: C_out, y: C_out) -> C_out { return min(x, y); }

//@ section any
fn ident() -> C_out { return C_out(0); }
fn combine(x: C_out, y: C_out) -> C_out { return max(x, y); }
