// Matrix products: out[z] = a[z] @ b[z] for each batch index z, with a
// [M, K] and b [K, N] read through strides (transposed, sliced and
// broadcast views need no copy) and out [batch, M, N] row-major. Every
// kernel accumulates in f32.
//
// Kernels (one entry-point section each, plus binding sections):
// - `tiled`: register-tiled, any float dtype. Bindings 1 = a (section
//   `a.vec` or `a.scalar`; `a.vec.packed` for bfloat16), 2 = b
//   (`b.vec`/`b.scalar`/`b.vec.packed`), 3 = out (`out.vec`/`out.scalar`/
//   `out.vec.packed`). Consts A_T / B_T: the operand's unit-stride
//   dimension is its rows (a: M, b: K) instead of its columns; A_VEC /
//   B_VEC: 4-element units along that dimension may be read as vec4
//   (offset and other strides are multiples of 4); out.vec needs N % 4 == 0.
// - `coop`: float16 through 16x16x16 cooperative matrices (f32
//   accumulators), 8 subgroups of 32. Bindings 1 = a and 2 = b as
//   array<vec4<u32>> (8 halves per element), 3 = out (`coop.out.vec`, 8
//   halves per element and N % 8 == 0, or `coop.out.scalar`). Consts as for
//   `tiled` with 8-element units (A_VEC: offset and strides multiples of 8).
//   Composed with `enable wgpu_cooperative_matrix;` first.
// - `gemv_axpy` / `gemv_dot`: matrix-vector products (M == 1 or N == 1)
//   (`gemv_axpy_fast`: `gemv_axpy` when every 8-output unit is a whole
//   vector)
//   out[j] = sum_k y[k] * x[k, j]; `axpy` when x is unit-stride along j
//   (each thread owns 8 outputs, threads split k), `dot` when x is
//   unit-stride along k (32 threads per output). Bindings 1 = x (`x.v4`
//   for f32, `x.h8` for f16 and bf16), 2 = y (`y.v4`/`y.h8`), 3 = out
//   (`gemv.final`) or f32 partial sums per k-split (`gemv.partial`),
//   summed by `gemv_reduce` (bindings 1 = partials, 2 = out).
//   Consts X_VEC / Y_VEC: 8-element units may be read as vectors.
//
// Params of `tiled` and `coop`: [M, N, K, a.offset, a.row_stride,
// a.col_stride, b.offset, b.row_stride, b.col_stride, batch_start, nb,
// batch_shape[nb], a.batch_strides[nb], b.batch_strides[nb]] (strides as
// i32 bits). The grid is (N tiles, M tiles, batches); z + batch_start is
// the batch index.
// Params of the gemv kernels: [NOUT, K, x.offset, x.k_stride, x.j_stride,
// y.offset, y.k_stride, splits, rows_per_split, batch_start, nb, batch
// shape/strides as above with x then y]; grid (output blocks, splits,
// batches). Params of `gemv_reduce`: [total, NOUT, splits].

fn pi(i: u32) -> i32 {
    return bitcast<i32>(p[i]);
}

// Element offsets of batch `z` in the first and second operand, from
// params [nb, shape[nb], first.strides[nb], second.strides[nb]] at `at`.
fn batch_offsets(z: u32, at: u32) -> vec2<i32> {
    let nb = p[at];
    var rem = z;
    var off = vec2<i32>(0, 0);
    var d = nb;
    loop {
        if (d == 0u) {
            break;
        }
        d = d - 1u;
        let n = p[at + 1u + d];
        let c = i32(rem % n);
        rem = rem / n;
        off = off + c * vec2<i32>(pi(at + 1u + nb + d), pi(at + 1u + 2u * nb + d));
    }
    return off;
}

// Eight f32 values (a unit of the gemv kernels).
struct U8 {
    lo: vec4<f32>,
    hi: vec4<f32>,
}

//@ section a.vec
@group(0) @binding(1) var<storage, read> a: array<vec4<T_a>>;
fn a_at(e: u32) -> f32 {
    return f32(a[e / 4u][e % 4u]);
}
fn a_at4(e: u32) -> vec4<f32> {
    return vec4<f32>(a[e / 4u]);
}

//@ section a.scalar
@group(0) @binding(1) var<storage, read> a: array<T_a>;
fn a_at(e: u32) -> f32 {
    return f32(load_a(e));
}
fn a_at4(e: u32) -> vec4<f32> {
    return vec4<f32>(a_at(e), a_at(e + 1u), a_at(e + 2u), a_at(e + 3u));
}

//@ section b.vec
@group(0) @binding(2) var<storage, read> b: array<vec4<T_b>>;
fn b_at(e: u32) -> f32 {
    return f32(b[e / 4u][e % 4u]);
}
fn b_at4(e: u32) -> vec4<f32> {
    return vec4<f32>(b[e / 4u]);
}

//@ section b.scalar
@group(0) @binding(2) var<storage, read> b: array<T_b>;
fn b_at(e: u32) -> f32 {
    return f32(load_b(e));
}
fn b_at4(e: u32) -> vec4<f32> {
    return vec4<f32>(b_at(e), b_at(e + 1u), b_at(e + 2u), b_at(e + 3u));
}

//@ section a.vec.packed
// bfloat16 (no native 16-bit storage): four elements per vec2<u32>.
@group(0) @binding(1) var<storage, read> a: array<vec2<u32>>;
fn a_at(e: u32) -> f32 {
    return unpack2_a(a[e / 4u][(e % 4u) / 2u])[e & 1u];
}
fn a_at4(e: u32) -> vec4<f32> {
    let w = a[e / 4u];
    return vec4<f32>(unpack2_a(w.x), unpack2_a(w.y));
}

//@ section b.vec.packed
@group(0) @binding(2) var<storage, read> b: array<vec2<u32>>;
fn b_at(e: u32) -> f32 {
    return unpack2_b(b[e / 4u][(e % 4u) / 2u])[e & 1u];
}
fn b_at4(e: u32) -> vec4<f32> {
    let w = b[e / 4u];
    return vec4<f32>(unpack2_b(w.x), unpack2_b(w.y));
}

//@ section out.vec
@group(0) @binding(3) var<storage, read_write> out: array<vec4<T_out>>;
// Store v at out[at .. at + 4], columns n .. n + 4 of nn (at % 4 == 0).
fn out4(at: u32, n: u32, nn: u32, v: vec4<f32>) {
    if (n < nn) {
        out[at / 4u] = vec4<T_out>(st_out(v.x), st_out(v.y), st_out(v.z), st_out(v.w));
    }
}

//@ section out.scalar
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;
fn out4(at: u32, n: u32, nn: u32, v: vec4<f32>) {
    for (var t = 0u; t < 4u; t++) {
        if (n + t < nn) {
            store_out(at + t, v[t]);
        }
    }
}

//@ section out.vec.packed
// bfloat16: the four outputs are two whole words.
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;
fn out4(at: u32, n: u32, nn: u32, v: vec4<f32>) {
    if (n < nn) {
        store2_out(at, v.x, v.y);
        store2_out(at + 2u, v.z, v.w);
    }
}

//@ section tiled
// 128x128 output tile per 256 threads (16 x 16), 8x8 outputs per thread
// (rows ty*4 + {0..3} and 64 + ty*4 + {0..3}, columns likewise with tx),
// K in steps of 8 staged in double-buffered workgroup memory: As[k][m]
// and Bs[k][n] as vec4 along m / n, 256 vec4 per buffer.
var<workgroup> As: array<vec4<f32>, 512>;
var<workgroup> Bs: array<vec4<f32>, 512>;

// Four elements of a at (o, i .. i + 4) along its unit-stride dimension
// (outer o of no, inner i of ni), zero outside.
fn a_unit(o: u32, i: u32, no: u32, ni: u32, base: i32, so: i32, si: i32) -> vec4<f32> {
    if (o >= no) {
        return vec4<f32>(0.0);
    }
    let e = base + i32(o) * so + i32(i) * si;
    if (A_VEC && i + 4u <= ni) {
        return a_at4(u32(e));
    }
    var v = vec4<f32>(0.0);
    for (var t = 0u; t < 4u; t++) {
        if (i + t < ni) {
            v[t] = a_at(u32(e + i32(t) * si));
        }
    }
    return v;
}

fn b_unit(o: u32, i: u32, no: u32, ni: u32, base: i32, so: i32, si: i32) -> vec4<f32> {
    if (o >= no) {
        return vec4<f32>(0.0);
    }
    let e = base + i32(o) * so + i32(i) * si;
    if (B_VEC && i + 4u <= ni) {
        return b_at4(u32(e));
    }
    var v = vec4<f32>(0.0);
    for (var t = 0u; t < 4u; t++) {
        if (i + t < ni) {
            v[t] = b_at(u32(e + i32(t) * si));
        }
    }
    return v;
}

// This thread's unit of the a tile at (m0, k0): 128 rows x 8 columns.
fn fetch_a(m0: u32, k0: u32, lid: u32, base: i32) -> vec4<f32> {
    let m = p[0];
    let k = p[2];
    if (A_T) {
        return a_unit(k0 + lid / 32u, m0 + (lid % 32u) * 4u, k, m, base, pi(5u), pi(4u));
    }
    return a_unit(m0 + lid / 2u, k0 + (lid % 2u) * 4u, m, k, base, pi(4u), pi(5u));
}

fn put_a(buf: u32, lid: u32, v: vec4<f32>) {
    if (A_T) {
        As[buf + lid] = v; // k = lid / 32, m / 4 = lid % 32
    } else {
        let m = lid / 2u;
        let k = (lid % 2u) * 4u;
        for (var t = 0u; t < 4u; t++) {
            As[buf + (k + t) * 32u + m / 4u][m % 4u] = v[t];
        }
    }
}

// This thread's unit of the b tile at (k0, n0): 8 rows x 128 columns.
fn fetch_b(n0: u32, k0: u32, lid: u32, base: i32) -> vec4<f32> {
    let n = p[1];
    let k = p[2];
    if (B_T) {
        return b_unit(n0 + lid / 2u, k0 + (lid % 2u) * 4u, n, k, base, pi(8u), pi(7u));
    }
    return b_unit(k0 + lid / 32u, n0 + (lid % 32u) * 4u, k, n, base, pi(7u), pi(8u));
}

fn put_b(buf: u32, lid: u32, v: vec4<f32>) {
    if (B_T) {
        let n = lid / 2u;
        let k = (lid % 2u) * 4u;
        for (var t = 0u; t < 4u; t++) {
            Bs[buf + (k + t) * 32u + n / 4u][n % 4u] = v[t];
        }
    } else {
        Bs[buf + lid] = v; // k = lid / 32, n / 4 = lid % 32
    }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let M = p[0];
    let N = p[1];
    let K = p[2];
    let z = wid.z + p[9];
    let bo = batch_offsets(z, 10u);
    let abase = pi(3u) + bo.x;
    let bbase = pi(6u) + bo.y;
    let m0 = wid.y * 128u;
    let n0 = wid.x * 128u;
    let tx = lid % 16u;
    let ty = lid / 16u;
    let nt = (K + 7u) / 8u;

    var ra = vec4<f32>(0.0);
    var rb = vec4<f32>(0.0);
    if (nt > 0u) {
        ra = fetch_a(m0, 0u, lid, abase);
        rb = fetch_b(n0, 0u, lid, bbase);
        put_a(0u, lid, ra);
        put_b(0u, lid, rb);
    }
    workgroupBarrier();

    var c0 = vec4<f32>(0.0);
    var c1 = vec4<f32>(0.0);
    var c2 = vec4<f32>(0.0);
    var c3 = vec4<f32>(0.0);
    var c4 = vec4<f32>(0.0);
    var c5 = vec4<f32>(0.0);
    var c6 = vec4<f32>(0.0);
    var c7 = vec4<f32>(0.0);
    var c8 = vec4<f32>(0.0);
    var c9 = vec4<f32>(0.0);
    var c10 = vec4<f32>(0.0);
    var c11 = vec4<f32>(0.0);
    var c12 = vec4<f32>(0.0);
    var c13 = vec4<f32>(0.0);
    var c14 = vec4<f32>(0.0);
    var c15 = vec4<f32>(0.0);

    for (var t = 0u; t < nt; t++) {
        let cur = (t & 1u) * 256u;
        let more = t + 1u < nt;
        if (more) {
            ra = fetch_a(m0, (t + 1u) * 8u, lid, abase);
            rb = fetch_b(n0, (t + 1u) * 8u, lid, bbase);
        }
        for (var k = 0u; k < 8u; k++) {
            let row = cur + k * 32u;
            let a0 = As[row + ty];
            let a1 = As[row + 16u + ty];
            let b0 = Bs[row + tx];
            let b1 = Bs[row + 16u + tx];
            c0 += a0.x * b0;
            c1 += a0.x * b1;
            c2 += a0.y * b0;
            c3 += a0.y * b1;
            c4 += a0.z * b0;
            c5 += a0.z * b1;
            c6 += a0.w * b0;
            c7 += a0.w * b1;
            c8 += a1.x * b0;
            c9 += a1.x * b1;
            c10 += a1.y * b0;
            c11 += a1.y * b1;
            c12 += a1.z * b0;
            c13 += a1.z * b1;
            c14 += a1.w * b0;
            c15 += a1.w * b1;
        }
        if (more) {
            put_a(256u - cur, lid, ra);
            put_b(256u - cur, lid, rb);
        }
        workgroupBarrier();
    }

    let obase = z * M * N;
    let r0 = m0 + ty * 4u;
    let r1 = m0 + 64u + ty * 4u;
    let n_lo = n0 + tx * 4u;
    let n_hi = n0 + 64u + tx * 4u;
    if (r0 < M) {
        out4(obase + r0 * N + n_lo, n_lo, N, c0);
        out4(obase + r0 * N + n_hi, n_hi, N, c1);
    }
    if (r0 + 1u < M) {
        out4(obase + (r0 + 1u) * N + n_lo, n_lo, N, c2);
        out4(obase + (r0 + 1u) * N + n_hi, n_hi, N, c3);
    }
    if (r0 + 2u < M) {
        out4(obase + (r0 + 2u) * N + n_lo, n_lo, N, c4);
        out4(obase + (r0 + 2u) * N + n_hi, n_hi, N, c5);
    }
    if (r0 + 3u < M) {
        out4(obase + (r0 + 3u) * N + n_lo, n_lo, N, c6);
        out4(obase + (r0 + 3u) * N + n_hi, n_hi, N, c7);
    }
    if (r1 < M) {
        out4(obase + r1 * N + n_lo, n_lo, N, c8);
        out4(obase + r1 * N + n_hi, n_hi, N, c9);
    }
    if (r1 + 1u < M) {
        out4(obase + (r1 + 1u) * N + n_lo, n_lo, N, c10);
        out4(obase + (r1 + 1u) * N + n_hi, n_hi, N, c11);
    }
    if (r1 + 2u < M) {
        out4(obase + (r1 + 2u) * N + n_lo, n_lo, N, c12);
        out4(obase + (r1 + 2u) * N + n_hi, n_hi, N, c13);
    }
    if (r1 + 3u < M) {
        out4(obase + (r1 + 3u) * N + n_lo, n_lo, N, c14);
        out4(obase + (r1 + 3u) * N + n_hi, n_hi, N, c15);
    }
}

//@ section coop.out.vec
@group(0) @binding(3) var<storage, read_write> out: array<vec4<u32>>;
// Store 8 values at out[at .. at + 8], columns n .. n + 8 of nn (at % 8 == 0).
fn out8(at: u32, n: u32, nn: u32, lo: vec4<f32>, hi: vec4<f32>) {
    if (n < nn) {
        let l = vec4<f32>(round_f16(lo.x), round_f16(lo.y), round_f16(lo.z), round_f16(lo.w));
        let h = vec4<f32>(round_f16(hi.x), round_f16(hi.y), round_f16(hi.z), round_f16(hi.w));
        out[at / 8u] = vec4<u32>(pack2x16float(l.xy), pack2x16float(l.zw),
                                 pack2x16float(h.xy), pack2x16float(h.zw));
    }
}

//@ section coop.out.scalar
@group(0) @binding(3) var<storage, read_write> out: array<f16>;
fn out8(at: u32, n: u32, nn: u32, lo: vec4<f32>, hi: vec4<f32>) {
    for (var t = 0u; t < 4u; t++) {
        if (n + t < nn) {
            out[at + t] = f16(round_f16(lo[t]));
        }
        if (n + 4u + t < nn) {
            out[at + 4u + t] = f16(round_f16(hi[t]));
        }
    }
}

//@ section coop.epilogue
// Accumulators leave through Cs (f32, 16x16 per subgroup): a subgroup
// stores one there, then each lane writes 8 outputs of one row.
var<workgroup> Cs: array<f32, 2048>;

// Write the 16x16 tile a subgroup just stored at Cs[stage] (rows gm0..,
// columns gn0..): each lane writes 8 consecutive outputs of one row, those
// at rows >= keep.x and columns >= keep.y (a tile moved back to stay in
// bounds writes only what its neighbour does not).
fn write_tile(stage: u32, lane: u32, obase: u32, gm0: u32, gn0: u32, keep: vec2<u32>) {
    let r = lane / 2u;
    let col = (lane % 2u) * 8u;
    let at = stage + r * 16u + col;
    let lo = vec4<f32>(Cs[at], Cs[at + 1u], Cs[at + 2u], Cs[at + 3u]);
    let hi = vec4<f32>(Cs[at + 4u], Cs[at + 5u], Cs[at + 6u], Cs[at + 7u]);
    let gm = gm0 + r;
    let gn = gn0 + col;
    if (gm < p[0] && gm >= keep.x && gn >= keep.y) {
        out8(obase + gm * p[1] + gn, gn, p[1], lo, hi);
    }
}

// Write accumulator c (output rows gm.., columns gn..; only rows >=
// keep.x and columns >= keep.y) through this subgroup's slice of Cs.
fn emit_tile(c: coop_mat16x16<f32, C>, stage: u32, lane: u32, obase: u32, gm: u32, gn: u32,
             keep: vec2<u32>) {
    coopStoreT(c, &Cs[stage], 16u);
    workgroupBarrier();
    write_tile(stage, lane, obase, gm, gn, keep);
    workgroupBarrier();
}

// `emit_tile` for a tile that stays where it is (writes all of it).
fn emit_whole(c: coop_mat16x16<f32, C>, stage: u32, lane: u32, obase: u32, gm: u32, gn: u32) {
    emit_tile(c, stage, lane, obase, gm, gn, vec2<u32>(gm, gn));
}

//@ section coop
// 128x128 output tile per workgroup of 8 subgroups (2 along M x 4 along
// N), each owning 64x32 outputs as 4x2 cooperative 16x16 f32
// accumulators. K in steps of 32, double-buffered in workgroup memory as
// f16: As[m][k] (row stride 40) and Bs[k][n] (row stride 136); the padding
// keeps rows 16-byte aligned for coopLoadT and spreads banks. The epilogue
// stages each accumulator through Cs (f32, 16x16 per subgroup).
@group(0) @binding(1) var<storage, read> a: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<u32>>;

const SA: u32 = 40u;
const SB: u32 = 136u;
const ASZ: u32 = 5120u; // 128 * SA
const BSZ: u32 = 4352u; // 32 * SB
var<workgroup> As: array<f16, 10240>;
var<workgroup> Bs: array<f16, 8704>;

// Half `e` of a vec4<u32>-packed f16 buffer, as its 16 bits.
fn half_bits(w: vec4<u32>, e: u32) -> u32 {
    return (w[(e % 8u) / 2u] >> ((e & 1u) * 16u)) & 0xffffu;
}

// Eight halves of a at (o, i .. i + 8) along its unit-stride dimension,
// packed two per u32; zero outside.
fn a_unit8(o: u32, i: u32, no: u32, ni: u32, base: i32, so: i32, si: i32) -> vec4<u32> {
    if (o >= no) {
        return vec4<u32>(0u);
    }
    let e = base + i32(o) * so + i32(i) * si;
    if (A_VEC && i + 8u <= ni) {
        return a[u32(e) / 8u];
    }
    var w = vec4<u32>(0u);
    for (var t = 0u; t < 8u; t++) {
        if (i + t < ni) {
            let x = u32(e + i32(t) * si);
            w[t / 2u] = w[t / 2u] | (half_bits(a[x / 8u], x) << ((t & 1u) * 16u));
        }
    }
    return w;
}

fn b_unit8(o: u32, i: u32, no: u32, ni: u32, base: i32, so: i32, si: i32) -> vec4<u32> {
    if (o >= no) {
        return vec4<u32>(0u);
    }
    let e = base + i32(o) * so + i32(i) * si;
    if (B_VEC && i + 8u <= ni) {
        return b[u32(e) / 8u];
    }
    var w = vec4<u32>(0u);
    for (var t = 0u; t < 8u; t++) {
        if (i + t < ni) {
            let x = u32(e + i32(t) * si);
            w[t / 2u] = w[t / 2u] | (half_bits(b[x / 8u], x) << ((t & 1u) * 16u));
        }
    }
    return w;
}

// Unit u (0..512) of the a tile at (m0, k0): 128 x 32, 8-element units.
fn fetch_a8(u: u32, m0: u32, k0: u32, base: i32) -> vec4<u32> {
    if (A_T) {
        return a_unit8(k0 + u / 16u, m0 + (u % 16u) * 8u, p[2], p[0], base, pi(5u), pi(4u));
    }
    return a_unit8(m0 + u / 4u, k0 + (u % 4u) * 8u, p[0], p[2], base, pi(4u), pi(5u));
}

fn put_a8(buf: u32, u: u32, w: vec4<u32>) {
    for (var t = 0u; t < 4u; t++) {
        let h = vec2<f16>(unpack2x16float(w[t]));
        if (A_T) {
            let k = u / 16u;
            let m = (u % 16u) * 8u + 2u * t;
            As[buf + m * SA + k] = h.x;
            As[buf + (m + 1u) * SA + k] = h.y;
        } else {
            let at = buf + (u / 4u) * SA + (u % 4u) * 8u + 2u * t;
            As[at] = h.x;
            As[at + 1u] = h.y;
        }
    }
}

// Unit u (0..512) of the b tile at (k0, n0): 32 x 128.
fn fetch_b8(u: u32, n0: u32, k0: u32, base: i32) -> vec4<u32> {
    if (B_T) {
        return b_unit8(n0 + u / 4u, k0 + (u % 4u) * 8u, p[1], p[2], base, pi(8u), pi(7u));
    }
    return b_unit8(k0 + u / 16u, n0 + (u % 16u) * 8u, p[2], p[1], base, pi(7u), pi(8u));
}

fn put_b8(buf: u32, u: u32, w: vec4<u32>) {
    for (var t = 0u; t < 4u; t++) {
        let h = vec2<f16>(unpack2x16float(w[t]));
        if (B_T) {
            let n = u / 4u;
            let k = (u % 4u) * 8u + 2u * t;
            Bs[buf + k * SB + n] = h.x;
            Bs[buf + (k + 1u) * SB + n] = h.y;
        } else {
            let at = buf + (u / 16u) * SB + (u % 16u) * 8u + 2u * t;
            Bs[at] = h.x;
            Bs[at + 1u] = h.y;
        }
    }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_id) sg: u32, @builtin(subgroup_invocation_id) lane: u32) {
    let M = p[0];
    let N = p[1];
    let K = p[2];
    let z = wid.z + p[9];
    let bo = batch_offsets(z, 10u);
    let abase = pi(3u) + bo.x;
    let bbase = pi(6u) + bo.y;
    let m0 = wid.y * 128u;
    let n0 = wid.x * 128u;
    let wm = sg / 4u;
    let wn = sg % 4u;
    let nt = (K + 31u) / 32u;

    for (var i = lid; i < 2048u; i += 256u) {
        Cs[i] = 0.0;
    }
    var ra0 = vec4<u32>(0u);
    var ra1 = vec4<u32>(0u);
    var rb0 = vec4<u32>(0u);
    var rb1 = vec4<u32>(0u);
    if (nt > 0u) {
        ra0 = fetch_a8(lid, m0, 0u, abase);
        ra1 = fetch_a8(lid + 256u, m0, 0u, abase);
        rb0 = fetch_b8(lid, n0, 0u, bbase);
        rb1 = fetch_b8(lid + 256u, n0, 0u, bbase);
        put_a8(0u, lid, ra0);
        put_a8(0u, lid + 256u, ra1);
        put_b8(0u, lid, rb0);
        put_b8(0u, lid + 256u, rb1);
    }
    workgroupBarrier();

    let zero = coopLoadT<coop_mat16x16<f32, C>>(&Cs[0], 16u);
    workgroupBarrier(); // Cs is reused by the epilogue
    var c00 = zero;
    var c01 = zero;
    var c10 = zero;
    var c11 = zero;
    var c20 = zero;
    var c21 = zero;
    var c30 = zero;
    var c31 = zero;

    let arow = wm * 64u * SA;
    let bcol = wn * 32u;
    for (var t = 0u; t < nt; t++) {
        let cur = t & 1u;
        let more = t + 1u < nt;
        if (more) {
            let k1 = (t + 1u) * 32u;
            ra0 = fetch_a8(lid, m0, k1, abase);
            ra1 = fetch_a8(lid + 256u, m0, k1, abase);
            rb0 = fetch_b8(lid, n0, k1, bbase);
            rb1 = fetch_b8(lid + 256u, n0, k1, bbase);
        }
        for (var kk = 0u; kk < 32u; kk += 16u) {
            let ab = cur * ASZ + arow + kk;
            let bb = cur * BSZ + kk * SB + bcol;
            let a0 = coopLoadT<coop_mat16x16<f16, A>>(&As[ab], SA);
            let a1 = coopLoadT<coop_mat16x16<f16, A>>(&As[ab + 16u * SA], SA);
            let a2 = coopLoadT<coop_mat16x16<f16, A>>(&As[ab + 32u * SA], SA);
            let a3 = coopLoadT<coop_mat16x16<f16, A>>(&As[ab + 48u * SA], SA);
            let b0 = coopLoadT<coop_mat16x16<f16, B>>(&Bs[bb], SB);
            let b1 = coopLoadT<coop_mat16x16<f16, B>>(&Bs[bb + 16u], SB);
            c00 = coopMultiplyAdd(a0, b0, c00);
            c01 = coopMultiplyAdd(a0, b1, c01);
            c10 = coopMultiplyAdd(a1, b0, c10);
            c11 = coopMultiplyAdd(a1, b1, c11);
            c20 = coopMultiplyAdd(a2, b0, c20);
            c21 = coopMultiplyAdd(a2, b1, c21);
            c30 = coopMultiplyAdd(a3, b0, c30);
            c31 = coopMultiplyAdd(a3, b1, c31);
        }
        if (more) {
            let nxt = (1u - cur) * ASZ;
            put_a8(nxt, lid, ra0);
            put_a8(nxt, lid + 256u, ra1);
            let nxb = (1u - cur) * BSZ;
            put_b8(nxb, lid, rb0);
            put_b8(nxb, lid + 256u, rb1);
        }
        workgroupBarrier();
    }

    let obase = z * M * N;
    let stage = sg * 256u;
    let gm = m0 + wm * 64u;
    let gn = n0 + wn * 32u;
    emit_whole(c00, stage, lane, obase, gm + 0u, gn + 0u);
    emit_whole(c01, stage, lane, obase, gm + 0u, gn + 16u);
    emit_whole(c10, stage, lane, obase, gm + 16u, gn + 0u);
    emit_whole(c11, stage, lane, obase, gm + 16u, gn + 16u);
    emit_whole(c20, stage, lane, obase, gm + 32u, gn + 0u);
    emit_whole(c21, stage, lane, obase, gm + 32u, gn + 16u);
    emit_whole(c30, stage, lane, obase, gm + 48u, gn + 0u);
    emit_whole(c31, stage, lane, obase, gm + 48u, gn + 16u);
}

//@ section coop_direct
// Operands unit-stride along a dimension (A_T / B_T: stored transposed,
// unit-stride along K, as a linear layer's weight W in x @ W.T), K a
// multiple of 16, N a multiple of 8, M and N at least 16, offsets and the
// other strides multiples of 8: 128x128 outputs per
// workgroup of 4 subgroups (2 x 2), each owning 64x64 as 4x4 cooperative
// 16x16 f32 accumulators and loading its fragments straight from the
// storage buffers (no workgroup staging or barriers in the K loop; tiles
// two subgroups share come from the L1 cache). A 16-row or 16-column tile
// past the end of M or N starts at M - 16 or N - 16 instead and writes
// only the part its neighbour does not. Measured on an H100 (4096^3): 77
// TFLOP/s row-major and 59 with B transposed, against 47 with 64x32 per
// subgroup (fragment loads, not products, were the limit) and 42 for the
// staged `coop`.
@group(0) @binding(1) var<storage, read> a: array<f16>;
@group(0) @binding(2) var<storage, read> b: array<f16>;

// The 16x16 fragment of A at rows m.., columns k.. (`ld` the stride that
// is not 1).
fn frag_a(base: u32, m: u32, k: u32, ld: u32) -> coop_mat16x16<f16, A> {
    if (A_T) {
        return coopLoad<coop_mat16x16<f16, A>>(&a[base + k * ld + m], ld);
    }
    return coopLoadT<coop_mat16x16<f16, A>>(&a[base + m * ld + k], ld);
}

// The 16x16 fragment of B at rows k.., columns n..
fn frag_b(base: u32, k: u32, n: u32, ld: u32) -> coop_mat16x16<f16, B> {
    if (B_T) {
        return coopLoad<coop_mat16x16<f16, B>>(&b[base + n * ld + k], ld);
    }
    return coopLoadT<coop_mat16x16<f16, B>>(&b[base + k * ld + n], ld);
}

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_id) sg: u32, @builtin(subgroup_invocation_id) lane: u32) {
    let M = p[0];
    let N = p[1];
    let K = p[2];
    let z = wid.z + p[9];
    let bo = batch_offsets(z, 10u);
    let lda = select(p[4], p[5], A_T);
    let ldb = select(p[7], p[8], B_T);
    let wm = sg / 2u;
    let wn = sg % 2u;
    let gm = wid.y * 128u + wm * 64u;
    let gn = wid.x * 128u + wn * 64u;
    // Tile origins, moved back to stay within M and N.
    let r0 = min(gm + 0u, M - 16u);
    let r1 = min(gm + 16u, M - 16u);
    let r2 = min(gm + 32u, M - 16u);
    let r3 = min(gm + 48u, M - 16u);
    let q0 = min(gn + 0u, N - 16u);
    let q1 = min(gn + 16u, N - 16u);
    let q2 = min(gn + 32u, N - 16u);
    let q3 = min(gn + 48u, N - 16u);
    let abase = u32(pi(3u) + bo.x);
    let bbase = u32(pi(6u) + bo.y);

    for (var i = lid; i < 2048u; i += 128u) {
        Cs[i] = 0.0;
    }
    workgroupBarrier();
    let zero = coopLoadT<coop_mat16x16<f32, C>>(&Cs[0], 16u);
    workgroupBarrier(); // Cs is reused by the epilogue
    var c00 = zero;
    var c01 = zero;
    var c02 = zero;
    var c03 = zero;
    var c10 = zero;
    var c11 = zero;
    var c12 = zero;
    var c13 = zero;
    var c20 = zero;
    var c21 = zero;
    var c22 = zero;
    var c23 = zero;
    var c30 = zero;
    var c31 = zero;
    var c32 = zero;
    var c33 = zero;
    for (var k = 0u; k < K; k += 16u) {
        let a0 = frag_a(abase, r0, k, lda);
        let a1 = frag_a(abase, r1, k, lda);
        let a2 = frag_a(abase, r2, k, lda);
        let a3 = frag_a(abase, r3, k, lda);
        let b0 = frag_b(bbase, k, q0, ldb);
        let b1 = frag_b(bbase, k, q1, ldb);
        let b2 = frag_b(bbase, k, q2, ldb);
        let b3 = frag_b(bbase, k, q3, ldb);
        c00 = coopMultiplyAdd(a0, b0, c00);
        c01 = coopMultiplyAdd(a0, b1, c01);
        c02 = coopMultiplyAdd(a0, b2, c02);
        c03 = coopMultiplyAdd(a0, b3, c03);
        c10 = coopMultiplyAdd(a1, b0, c10);
        c11 = coopMultiplyAdd(a1, b1, c11);
        c12 = coopMultiplyAdd(a1, b2, c12);
        c13 = coopMultiplyAdd(a1, b3, c13);
        c20 = coopMultiplyAdd(a2, b0, c20);
        c21 = coopMultiplyAdd(a2, b1, c21);
        c22 = coopMultiplyAdd(a2, b2, c22);
        c23 = coopMultiplyAdd(a2, b3, c23);
        c30 = coopMultiplyAdd(a3, b0, c30);
        c31 = coopMultiplyAdd(a3, b1, c31);
        c32 = coopMultiplyAdd(a3, b2, c32);
        c33 = coopMultiplyAdd(a3, b3, c33);
    }

    let obase = z * M * N;
    let stage = sg * 256u;
    emit_tile(c00, stage, lane, obase, r0, q0, vec2<u32>(gm + 0u, gn + 0u));
    emit_tile(c01, stage, lane, obase, r0, q1, vec2<u32>(gm + 0u, gn + 16u));
    emit_tile(c02, stage, lane, obase, r0, q2, vec2<u32>(gm + 0u, gn + 32u));
    emit_tile(c03, stage, lane, obase, r0, q3, vec2<u32>(gm + 0u, gn + 48u));
    emit_tile(c10, stage, lane, obase, r1, q0, vec2<u32>(gm + 16u, gn + 0u));
    emit_tile(c11, stage, lane, obase, r1, q1, vec2<u32>(gm + 16u, gn + 16u));
    emit_tile(c12, stage, lane, obase, r1, q2, vec2<u32>(gm + 16u, gn + 32u));
    emit_tile(c13, stage, lane, obase, r1, q3, vec2<u32>(gm + 16u, gn + 48u));
    emit_tile(c20, stage, lane, obase, r2, q0, vec2<u32>(gm + 32u, gn + 0u));
    emit_tile(c21, stage, lane, obase, r2, q1, vec2<u32>(gm + 32u, gn + 16u));
    emit_tile(c22, stage, lane, obase, r2, q2, vec2<u32>(gm + 32u, gn + 32u));
    emit_tile(c23, stage, lane, obase, r2, q3, vec2<u32>(gm + 32u, gn + 48u));
    emit_tile(c30, stage, lane, obase, r3, q0, vec2<u32>(gm + 48u, gn + 0u));
    emit_tile(c31, stage, lane, obase, r3, q1, vec2<u32>(gm + 48u, gn + 16u));
    emit_tile(c32, stage, lane, obase, r3, q2, vec2<u32>(gm + 48u, gn + 32u));
    emit_tile(c33, stage, lane, obase, r3, q3, vec2<u32>(gm + 48u, gn + 48u));
}

//@ section x.v4
@group(0) @binding(1) var<storage, read> x: array<vec4<T_x>>;
fn x_at(e: u32) -> f32 {
    return f32(x[e / 4u][e % 4u]);
}
fn x_vec(e: u32) -> U8 {
    return U8(vec4<f32>(x[e / 4u]), vec4<f32>(x[e / 4u + 1u]));
}

//@ section x.h8
@group(0) @binding(1) var<storage, read> x: array<vec4<u32>>;
fn x_at(e: u32) -> f32 {
    let h = unpack2_x(x[e / 8u][(e % 8u) / 2u]);
    return select(h.x, h.y, (e & 1u) == 1u);
}
fn x_vec(e: u32) -> U8 {
    let w = x[e / 8u];
    return U8(vec4<f32>(unpack2_x(w.x), unpack2_x(w.y)),
              vec4<f32>(unpack2_x(w.z), unpack2_x(w.w)));
}

//@ section y.v4
@group(0) @binding(2) var<storage, read> y: array<vec4<T_y>>;
fn y_at(e: u32) -> f32 {
    return f32(y[e / 4u][e % 4u]);
}
fn y_vec(e: u32) -> U8 {
    return U8(vec4<f32>(y[e / 4u]), vec4<f32>(y[e / 4u + 1u]));
}

//@ section y.h8
@group(0) @binding(2) var<storage, read> y: array<vec4<u32>>;
fn y_at(e: u32) -> f32 {
    let h = unpack2_y(y[e / 8u][(e % 8u) / 2u]);
    return select(h.x, h.y, (e & 1u) == 1u);
}
fn y_vec(e: u32) -> U8 {
    let w = y[e / 8u];
    return U8(vec4<f32>(unpack2_y(w.x), unpack2_y(w.y)),
              vec4<f32>(unpack2_y(w.z), unpack2_y(w.w)));
}

//@ section gemv.final
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;
fn emit(z: u32, s: u32, j: u32, v: f32) {
    store_out(z * p[0] + j, v);
}

//@ section gemv.partial
@group(0) @binding(3) var<storage, read_write> part: array<f32>;
fn emit(z: u32, s: u32, j: u32, v: f32) {
    part[(z * p[7] + s) * p[0] + j] = v;
}

//@ section gemv.units
// Eight elements of x at (o, i .. i + 8) along i (outer o of no, inner i
// of ni), zero outside; vector loads when X_VEC and the unit is whole.
fn x_unit(o: u32, i: u32, no: u32, ni: u32, base: i32, so: i32, si: i32) -> U8 {
    var u = U8(vec4<f32>(0.0), vec4<f32>(0.0));
    if (o >= no) {
        return u;
    }
    let e = base + i32(o) * so + i32(i) * si;
    if (X_VEC && i + 8u <= ni) {
        return x_vec(u32(e));
    }
    for (var t = 0u; t < 4u; t++) {
        if (i + t < ni) {
            u.lo[t] = x_at(u32(e + i32(t) * si));
        }
        if (i + 4u + t < ni) {
            u.hi[t] = x_at(u32(e + i32(t + 4u) * si));
        }
    }
    return u;
}

fn y_unit(i: u32, ni: u32, base: i32, si: i32) -> U8 {
    var u = U8(vec4<f32>(0.0), vec4<f32>(0.0));
    let e = base + i32(i) * si;
    if (Y_VEC && i + 8u <= ni) {
        return y_vec(u32(e));
    }
    for (var t = 0u; t < 4u; t++) {
        if (i + t < ni) {
            u.lo[t] = y_at(u32(e + i32(t) * si));
        }
        if (i + 4u + t < ni) {
            u.hi[t] = y_at(u32(e + i32(t + 4u) * si));
        }
    }
    return u;
}

//@ section gemv.axpy_common
// Shared by `gemv_axpy` and `gemv_axpy_fast`: WGS threads = TJ (j) x TK
// (k), TK = WGS / TJ; each thread owns 8 consecutive outputs and walks
// rows k = tk, tk + TK, ... of its K split; the TK partial sums per output
// are added by a tree in workgroup memory. TJ * 8 outputs per workgroup
// (TJ from the host: fewer outputs per workgroup give more workgroups
// without splitting K).
const TK: u32 = WGS / TJ;
var<workgroup> red: array<vec4<f32>, 2u * WGS>;

// A thread's place: lid = tk * TJ + tj, outputs j .. j + 8 of batch z,
// rows k_lo .. k_hi of split s; x and y bases include the batch offsets.
struct Axpy {
    nout: u32,
    K: u32,
    sk: i32,
    sj: i32,
    ysk: i32,
    z: u32,
    xb: i32,
    yb: i32,
    tk: u32,
    j: u32,
    s: u32,
    k_lo: u32,
    k_hi: u32,
}

fn axpy_place(wid: vec3<u32>, lid: u32) -> Axpy {
    let z = wid.z + p[9];
    let bo = batch_offsets(z, 10u);
    let k_lo = wid.y * p[8];
    return Axpy(p[0], p[1], pi(3u), pi(4u), pi(6u), z, pi(2u) + bo.x, pi(5u) + bo.y,
                lid / TJ, wid.x * (TJ * 8u) + (lid % TJ) * 8u, wid.y, k_lo,
                min(p[1], k_lo + p[8]));
}

// Add the workgroup's partial sums (lo, hi) of each thread's 8 outputs
// over its k-rows and emit them from row 0 (every thread calls this).
fn axpy_finish(lid: u32, a: Axpy, lo: vec4<f32>, hi: vec4<f32>) {
    red[lid * 2u] = lo;
    red[lid * 2u + 1u] = hi;
    workgroupBarrier();
    // Halve the k-rows until row 0 holds the sums.
    for (var half = TK / 2u; half > 0u; half = half / 2u) {
        if (a.tk < half) {
            let o = (lid + half * TJ) * 2u;
            red[lid * 2u] += red[o];
            red[lid * 2u + 1u] += red[o + 1u];
        }
        workgroupBarrier();
    }
    if (a.tk == 0u) {
        let sum = array<vec4<f32>, 2>(red[lid * 2u], red[lid * 2u + 1u]);
        for (var c = 0u; c < 8u; c++) {
            if (a.j + c < a.nout) {
                emit(a.z, a.s, a.j + c, sum[c / 4u][c % 4u]);
            }
        }
    }
}

//@ section gemv_axpy
// Any layout and output count (x read through `x_unit`, bounds checked).
@compute @workgroup_size(WGS)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let a = axpy_place(wid, lid);
    var lo = vec4<f32>(0.0);
    var hi = vec4<f32>(0.0);
    var k = a.k_lo + a.tk;
    loop {
        if (k + 3u * TK >= a.k_hi) {
            break;
        }
        let u0 = x_unit(k, a.j, a.K, a.nout, a.xb, a.sk, a.sj);
        let u1 = x_unit(k + TK, a.j, a.K, a.nout, a.xb, a.sk, a.sj);
        let u2 = x_unit(k + 2u * TK, a.j, a.K, a.nout, a.xb, a.sk, a.sj);
        let u3 = x_unit(k + 3u * TK, a.j, a.K, a.nout, a.xb, a.sk, a.sj);
        let y0 = y_at(u32(a.yb + i32(k) * a.ysk));
        let y1 = y_at(u32(a.yb + i32(k + TK) * a.ysk));
        let y2 = y_at(u32(a.yb + i32(k + 2u * TK) * a.ysk));
        let y3 = y_at(u32(a.yb + i32(k + 3u * TK) * a.ysk));
        lo += y0 * u0.lo + y1 * u1.lo + y2 * u2.lo + y3 * u3.lo;
        hi += y0 * u0.hi + y1 * u1.hi + y2 * u2.hi + y3 * u3.hi;
        k += 4u * TK;
    }
    loop {
        if (k >= a.k_hi) {
            break;
        }
        let u = x_unit(k, a.j, a.K, a.nout, a.xb, a.sk, a.sj);
        let yk = y_at(u32(a.yb + i32(k) * a.ysk));
        lo += yk * u.lo;
        hi += yk * u.hi;
        k += TK;
    }
    axpy_finish(lid, a, lo, hi);
}

//@ section gemv_axpy_fast
// Whole 8-output units read as vectors (X_VEC and NOUT a multiple of 8):
// the row loop has no bounds checks and issues the loads of eight rows
// before using any, so each thread keeps eight loads in flight (a
// matrix-vector product is bound by memory latency).
fn row(base: i32, k: u32, sk: i32) -> U8 {
    return x_vec(u32(base + i32(k) * sk));
}

fn yk(yb: i32, k: u32, ysk: i32) -> f32 {
    return y_at(u32(yb + i32(k) * ysk));
}

@compute @workgroup_size(WGS)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let a = axpy_place(wid, lid);
    let sk = a.sk;
    let ysk = a.ysk;
    let yb = a.yb;
    var lo = vec4<f32>(0.0);
    var hi = vec4<f32>(0.0);
    if (a.j < a.nout) {
        let base = a.xb + i32(a.j);
        var k = a.k_lo + a.tk;
        loop {
            if (k + 7u * TK >= a.k_hi) {
                break;
            }
            let u0 = row(base, k, sk);
            let u1 = row(base, k + TK, sk);
            let u2 = row(base, k + 2u * TK, sk);
            let u3 = row(base, k + 3u * TK, sk);
            let u4 = row(base, k + 4u * TK, sk);
            let u5 = row(base, k + 5u * TK, sk);
            let u6 = row(base, k + 6u * TK, sk);
            let u7 = row(base, k + 7u * TK, sk);
            let y0 = yk(yb, k, ysk);
            let y1 = yk(yb, k + TK, ysk);
            let y2 = yk(yb, k + 2u * TK, ysk);
            let y3 = yk(yb, k + 3u * TK, ysk);
            let y4 = yk(yb, k + 4u * TK, ysk);
            let y5 = yk(yb, k + 5u * TK, ysk);
            let y6 = yk(yb, k + 6u * TK, ysk);
            let y7 = yk(yb, k + 7u * TK, ysk);
            lo += y0 * u0.lo + y1 * u1.lo + y2 * u2.lo + y3 * u3.lo;
            hi += y0 * u0.hi + y1 * u1.hi + y2 * u2.hi + y3 * u3.hi;
            lo += y4 * u4.lo + y5 * u5.lo + y6 * u6.lo + y7 * u7.lo;
            hi += y4 * u4.hi + y5 * u5.hi + y6 * u6.hi + y7 * u7.hi;
            k += 8u * TK;
        }
        loop {
            if (k >= a.k_hi) {
                break;
            }
            let u = row(base, k, sk);
            let yy = yk(yb, k, ysk);
            lo += yy * u.lo;
            hi += yy * u.hi;
            k += TK;
        }
    }
    axpy_finish(lid, a, lo, hi);
}

//@ section gemv_dot
// 256 threads = 8 outputs x 32 lanes; each lane reads 8-element units of
// its output's k-run (stride 256) and of y; lane sums are added in
// workgroup memory.
var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let nout = p[0];
    let K = p[1];
    let sk = pi(3u);
    let sj = pi(4u);
    let ysk = pi(6u);
    let z = wid.z + p[9];
    let bo = batch_offsets(z, 10u);
    let xb = pi(2u) + bo.x;
    let yb = pi(5u) + bo.y;
    let ti = lid / 32u;
    let tl = lid % 32u;
    let j = wid.x * 8u + ti;
    let s = wid.y;
    let k_lo = s * p[8];
    let k_hi = min(K, k_lo + p[8]);

    var acc = vec4<f32>(0.0);
    if (j < nout) {
        var k = k_lo + tl * 8u;
        loop {
            if (k + 256u >= k_hi) {
                break;
            }
            let x0 = x_unit(j, k, nout, k_hi, xb, sj, sk);
            let x1 = x_unit(j, k + 256u, nout, k_hi, xb, sj, sk);
            let y0 = y_unit(k, k_hi, yb, ysk);
            let y1 = y_unit(k + 256u, k_hi, yb, ysk);
            acc += x0.lo * y0.lo + x0.hi * y0.hi + x1.lo * y1.lo + x1.hi * y1.hi;
            k += 512u;
        }
        if (k < k_hi) {
            let x0 = x_unit(j, k, nout, k_hi, xb, sj, sk);
            let y0 = y_unit(k, k_hi, yb, ysk);
            acc += x0.lo * y0.lo + x0.hi * y0.hi;
        }
    }
    red[lid] = acc.x + acc.y + acc.z + acc.w;
    workgroupBarrier();
    if (tl == 0u && j < nout) {
        var v = 0.0;
        for (var r = 0u; r < 32u; r++) {
            v += red[lid + r];
        }
        emit(z, s, j, v);
    }
}

//@ section gemv_reduce
// out[i] = sum over splits of the partial sums (1-D grid of 256 threads).
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = thread_index(wid, nwg, lid, 256u);
    if (i >= p[0]) {
        return;
    }
    let nout = p[1];
    let splits = p[2];
    let z = i / nout;
    let j = i % nout;
    var v = 0.0;
    for (var s = 0u; s < splits; s++) {
        v += part[(z * splits + s) * nout + j];
    }
    store_out(i, v);
}
