// Convolution (MLX's conv_general) as an implicit GEMM, the same scheme
// as the CPU kernel (crates/mlx-cpu/src/conv.rs): the output
// [N, O0, O1, O2, C_out] is an M x C_out matrix (M = N * O0 * O1 * O2),
// per group g the product of the im2col matrix [M, taps * Cg] (never
// stored: each tile is read from the input through the window geometry,
// zero where a tap reads padding or falls between dilated elements) and
// the weight [taps * Cg, Og] (taps reversed when FLIP). Missing leading
// spatial axes have length 1. A workgroup computes a BM x BN tile of one
// group, stepping BK reduction entries at a time through workgroup
// memory; each thread owns 4 x 4 outputs (rows ty + 16 i, columns
// tx + 16 j). f32 accumulation; f16 output rounds once.
// Bindings: 1 = x (input, T_x), 2 = w (weight, T_w), 3 = out (T_out,
// row-major). x and w are read through their strides.
// Params: [M, Og, Cg, C_out, taps, tiles_m, tiles_n, flip,
//          O[3], K[3], S[3], stride[3], lo[3] (i32), kdil[3], idil[3],
//          dil_in[3], x strides [n, s0, s1, s2, c] (i32), x offset,
//          w strides [co, k0, k1, k2, c] (i32), w offset].
// Workgroups: one per (group, tile_m, tile_n), linear over grid x and y.

@group(0) @binding(1) var<storage, read> x: array<T_x>;
@group(0) @binding(2) var<storage, read> w: array<T_w>;
@group(0) @binding(3) var<storage, read_write> out: array<T_out>;

const BM = 64u;
const BN = 64u;
const BK = 16u;
const WG = 256u;
const P_O = 8u;
const P_K = 11u;
const P_S = 14u;
const P_STRIDE = 17u;
const P_LO = 20u;
const P_KDIL = 23u;
const P_IDIL = 26u;
const P_DIL = 29u;
const P_XS = 32u;
const P_XOFF = 37u;
const P_WS = 38u;
const P_WOFF = 43u;

var<workgroup> as_: array<f32, BK * BM>;
var<workgroup> bs: array<f32, BK * BN>;

fn pi(i: u32) -> i32 {
    return bitcast<i32>(p[i]);
}

// Input index along axis `a` read by output `o` at tap `k`, or -1.
fn source(a: u32, o: u32, k: u32) -> i32 {
    let pos = i32(o * p[P_STRIDE + a] + k * p[P_KDIL + a]) - pi(P_LO + a);
    let idil = i32(p[P_IDIL + a]);
    if (pos < 0 || pos >= i32(p[P_DIL + a]) || pos % idil != 0) {
        return -1;
    }
    return pos / idil;
}

// im2col entry (row, r) of group g: the input value or 0.
fn x_at(row: u32, r: u32, g: u32) -> f32 {
    let cg = p[2];
    let t = r / cg;
    let c = r % cg;
    let k2 = t % p[P_K + 2u];
    let tq = t / p[P_K + 2u];
    let k1 = tq % p[P_K + 1u];
    let k0 = tq / p[P_K + 1u];
    let o2 = row % p[P_O + 2u];
    let q = row / p[P_O + 2u];
    let o1 = q % p[P_O + 1u];
    let q2 = q / p[P_O + 1u];
    let o0 = q2 % p[P_O];
    let n = q2 / p[P_O];
    let i0 = source(0u, o0, k0);
    let i1 = source(1u, o1, k1);
    let i2 = source(2u, o2, k2);
    if (i0 < 0 || i1 < 0 || i2 < 0) {
        return 0.0;
    }
    let at = pi(P_XOFF) + i32(n) * pi(P_XS) + i0 * pi(P_XS + 1u) + i1 * pi(P_XS + 2u)
        + i2 * pi(P_XS + 3u) + i32(g * cg + c) * pi(P_XS + 4u);
    return f32(load_x(u32(at)));
}

// Packed weight entry (r, j) of group g: w[g * Og + j, taps(r), c(r)].
fn w_at(r: u32, j: u32, g: u32) -> f32 {
    let cg = p[2];
    let t = r / cg;
    let c = r % cg;
    var k2 = t % p[P_K + 2u];
    let tq = t / p[P_K + 2u];
    var k1 = tq % p[P_K + 1u];
    var k0 = tq / p[P_K + 1u];
    if (p[7] != 0u) {
        k0 = p[P_K] - 1u - k0;
        k1 = p[P_K + 1u] - 1u - k1;
        k2 = p[P_K + 2u] - 1u - k2;
    }
    let at = pi(P_WOFF) + i32(g * p[1] + j) * pi(P_WS) + i32(k0) * pi(P_WS + 1u)
        + i32(k1) * pi(P_WS + 2u) + i32(k2) * pi(P_WS + 3u) + i32(c) * pi(P_WS + 4u);
    return f32(load_w(u32(at)));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let m_rows = p[0];
    let og = p[1];
    let cout = p[3];
    let red = p[4] * p[2];
    let tiles_m = p[5];
    let tiles_n = p[6];
    let lin = wid.y * nwg.x + wid.x;
    let per_group = tiles_m * tiles_n;
    let g = lin / per_group;
    let rem = lin % per_group;
    let row0 = (rem / tiles_n) * BM;
    let col0 = (rem % tiles_n) * BN;
    let tx = lid % 16u;
    let ty = lid / 16u;
    var acc: array<array<f32, 4>, 4>;
    for (var r0 = 0u; r0 < red; r0 = r0 + BK) {
        // A tile: BM rows x BK entries, stored k-major (as_[k * BM + m]).
        for (var e = lid; e < BK * BM; e = e + WG) {
            let kk = e % BK;
            let m = e / BK;
            let row = row0 + m;
            let r = r0 + kk;
            var v = 0.0;
            if (row < m_rows && r < red) {
                v = x_at(row, r, g);
            }
            as_[kk * BM + m] = v;
        }
        // B tile: BK entries x BN columns (bs[k * BN + j]).
        for (var e = lid; e < BK * BN; e = e + WG) {
            let j = e % BN;
            let kk = e / BN;
            let col = col0 + j;
            let r = r0 + kk;
            var v = 0.0;
            if (col < og && r < red) {
                v = w_at(r, col, g);
            }
            bs[kk * BN + j] = v;
        }
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk = kk + 1u) {
            var av: array<f32, 4>;
            var bv: array<f32, 4>;
            for (var i = 0u; i < 4u; i = i + 1u) {
                av[i] = as_[kk * BM + ty + 16u * i];
                bv[i] = bs[kk * BN + tx + 16u * i];
            }
            for (var i = 0u; i < 4u; i = i + 1u) {
                for (var j = 0u; j < 4u; j = j + 1u) {
                    acc[i][j] = acc[i][j] + av[i] * bv[j];
                }
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i = i + 1u) {
        let row = row0 + ty + 16u * i;
        if (row >= m_rows) {
            continue;
        }
        for (var j = 0u; j < 4u; j = j + 1u) {
            let col = col0 + tx + 16u * j;
            if (col < og) {
                store_out(row * cout + g * og + col, acc[i][j]);
            }
        }
    }
}
