// Threefry2x32 random bits (MLX's RandomBits), bit-identical to the CPU
// kernel: each key fills `per_key` consecutive output elements of `WIDTH`
// bytes with the little-endian bytes of its word stream, where counter
// (i, i + half + odd) gives words i and i + half + odd of `n_words`, and
// for an odd count counter (half, 0) gives the middle word.
// Bindings: 1 = keys (u32, strided view of shape [K.., 2]),
//           2 = out (T_out: uint8/uint16/uint32, each in a u32 slot).
// Params: [numel, per_key, n_words, nd, keys.shape[nd], keys.offset,
//          keys.strides[nd] (i32 bits)].
// Constants: WIDTH (bytes per element: 1, 2 or 4).

@group(0) @binding(1) var<storage, read> keys: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

fn rotl(x: u32, r: u32) -> u32 {
    return (x << r) | (x >> (32u - r));
}

// One threefry2x32 block (20 rounds) of counter `c` under key `k`.
fn threefry(k: vec2<u32>, c: vec2<u32>) -> vec2<u32> {
    let ks = array<u32, 3>(k.x, k.y, k.x ^ k.y ^ 0x1BD11BDAu);
    let rot = array<u32, 8>(13u, 15u, 26u, 6u, 17u, 29u, 16u, 24u);
    var x0 = c.x + ks[0];
    var x1 = c.y + ks[1];
    for (var i = 0u; i < 5u; i = i + 1u) {
        let base = (i % 2u) * 4u;
        for (var j = 0u; j < 4u; j = j + 1u) {
            x0 = x0 + x1;
            x1 = rotl(x1, rot[base + j]) ^ x0;
        }
        x0 = x0 + ks[(i + 1u) % 3u];
        x1 = x1 + ks[(i + 2u) % 3u] + i + 1u;
    }
    return vec2<u32>(x0, x1);
}

// Word `w` of a key's stream of `n_words` words.
fn stream_word(k: vec2<u32>, n_words: u32, w: u32) -> u32 {
    let half = n_words / 2u;
    let odd = n_words % 2u;
    if (w < half) {
        return threefry(k, vec2<u32>(w, w + half + odd)).x;
    }
    if (odd == 1u && w == half) {
        return threefry(k, vec2<u32>(half, 0u)).x;
    }
    return threefry(k, vec2<u32>(w - half - odd, w)).y;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let e = thread_index(wid, nwg, lid, 256u);
    if (e >= p[0]) {
        return;
    }
    let per_key = p[1];
    let n_words = p[2];
    let nd = p[3];
    let kidx = e / per_key;
    let j = e % per_key;
    let k0 = keys[strided_offset(2u * kidx, nd, 4u, 4u + nd)];
    let k1 = keys[strided_offset(2u * kidx + 1u, nd, 4u, 4u + nd)];
    let b = j * WIDTH;
    let word = stream_word(vec2<u32>(k0, k1), n_words, b / 4u);
    store_out(e, word >> (8u * (b % 4u)));
}
