// Walsh-Hadamard transform over the last axis (MLX's hadamard_transform),
// computed in f32 in workgroup memory: a workgroup holds R rows of N =
// M * P elements (P = 2^k), runs the butterflies of every P-block in
// place (log2(P) stages, a barrier after each), then applies the M x M
// factor across the blocks of each row and the scale while writing out:
//   y[a * P + b] = scale * sum_a' H[a', a] x[a' * P + b]
// in the order the CPU kernel uses (crates/mlx-cpu/src/fast.rs). R is
// chosen so that a workgroup has a column per thread for the factor
// (R * P >= 256 where workgroup memory allows), or a butterfly per
// thread when M = 1.
// Bindings: 1 = a (T_a, float input), 2 = out (T_out, same dtype,
// row-major).
// Params: [n_rows, offset, stride of the last axis (i32 bits), scale (f32
//          bits), M sign words (word a has bit a' set where H[a', a] < 0;
//          none when M = 1), kept segment [nd, shape[nd], strides[nd]] over
//          the other axes at SEG (i32 stride bits)].
// Constants: N, M, P, R (rows per workgroup), SEG (where the kept segment
// starts), CONTIG (the input is row-major from its offset).

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

const WG = 256u;
const SIGNS = 4u;

var<workgroup> buf: array<f32, R * N>;

// Element i of row `row` of the input.
fn x_at(row: u32, i: u32) -> f32 {
    let off = bitcast<i32>(p[1]);
    if (CONTIG) {
        return f32(load_a(u32(off + i32(row * N + i))));
    }
    let at = off + seg_offset(row, SEG) + i32(i) * bitcast<i32>(p[2]);
    return f32(load_a(u32(at)));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let first = (wid.y * nwg.x + wid.x) * R;
    let rows = p[0];
    for (var i = lid; i < R * N; i = i + WG) {
        let row = first + i / N;
        var v = 0.0;
        if (row < rows) {
            v = x_at(row, i % N);
        }
        buf[i] = v;
    }
    workgroupBarrier();
    // Butterflies never cross a P-block, so the R * M blocks of the
    // workgroup are one array of R * N / 2 independent pairs per stage.
    for (var h = 1u; h < P; h = h * 2u) {
        for (var j = lid; j < R * N / 2u; j = j + WG) {
            let i = (j / h) * 2u * h + j % h;
            let x = buf[i];
            let y = buf[i + h];
            buf[i] = x + y;
            buf[i + h] = x - y;
        }
        workgroupBarrier();
    }
    let scale = bitcast<f32>(p[3]);
    // One thread per column b of a row: its M values (stride P) are read
    // once into registers, then combined into the M outputs.
    for (var c = lid; c < R * P; c = c + WG) {
        let r = c / P;
        let b = c % P;
        let row = first + r;
        if (row >= rows) {
            continue;
        }
        let src = r * N + b;
        let dst = row * N + b;
        var col: array<f32, M>;
        for (var k = 0u; k < M; k = k + 1u) {
            col[k] = buf[src + k * P];
        }
        for (var k = 0u; k < M; k = k + 1u) {
            if (M == 1u) {
                store_out(dst, col[0] * scale);
                break;
            }
            let w = p[SIGNS + k];
            var s = 0.0;
            for (var k2 = 0u; k2 < M; k2 = k2 + 1u) {
                s = s + select(col[k2], -col[k2], ((w >> k2) & 1u) == 1u);
            }
            store_out(dst + k * P, s * scale);
        }
    }
}
