// `view`: the row-major bytes of `a` read as another dtype.
// Bindings: 1 = a (T_a), 2 = out (T_out).
// Params: [a.numel, ndim, shape[ndim], a.offset, a.strides[ndim]].
// ISZ / OSZ: element sizes in bytes of a's and out's dtypes (1, 2, 4, 8).
// CONTIG: a is row-major from its offset.
//
// Narrow dtypes live widened in their slots (see slots.rs), so bytes are
// not addressable: `load_elem` gives an input element's raw bits as (low,
// high) words, `store_bits` rebuilds an output element from them. Output
// element k gathers OSZ / ISZ input elements (little-endian) or takes one
// part of input element k / (ISZ / OSZ). The 16-bit floats (float16,
// bfloat16; sections `half`) are bound as raw u32 words of two elements
// on either side (naga cannot bitcast between u32 and vec2<f16>, and a
// float conversion could change NaN payloads); OUT_PAIRS makes each
// thread write one word of two outputs.

// Input elements per output element (growing) or output elements per
// input element (shrinking); 1 on the other side.
const UP = max(OSZ / ISZ, 1u);
const DOWN = max(ISZ / OSZ, 1u);
// The low OSZ bytes of a word.
const OMASK = select(0xffffffffu, (1u << (min(OSZ, 3u) * 8u)) - 1u, OSZ < 4u);

@group(0) @binding(1) var<storage, read> a: array<T_a>;
@group(0) @binding(2) var<storage, read_write> out: array<T_out>;

fn a_at(e: u32) -> u32 {
    let nd = p[1];
    let at = 2u + nd;
    if (CONTIG) {
        return p[at] + e;
    }
    return strided_offset(e, nd, 2u, at);
}

// Raw bits of output element k (low OSZ bytes in .x, or .x/.y for 8).
fn out_bits(k: u32) -> vec2<u32> {
    var lo = 0u;
    var hi = 0u;
    if (OSZ >= ISZ) {
        for (var j = 0u; j < UP; j = j + 1u) {
            let b = load_elem(k * UP + j);
            let shift = j * ISZ * 8u;
            if (ISZ == 8u) {
                lo = b.x;
                hi = b.y;
            } else if (shift < 32u) {
                lo = lo | (b.x << shift);
            } else {
                hi = hi | (b.x << (shift - 32u));
            }
        }
    } else {
        let b = load_elem(k / DOWN);
        let shift = (k % DOWN) * OSZ * 8u;
        var v = b.x >> (shift % 32u);
        if (shift >= 32u) {
            v = b.y >> (shift - 32u);
        }
        lo = v & OMASK;
    }
    return vec2<u32>(lo, hi);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_index(wid, nwg, lid, 256u);
    let n = p[0] / UP * DOWN;
    if (OUT_PAIRS) {
        // 16-bit float output is written as whole words of two elements.
        let k = 2u * t;
        if (k >= n) {
            return;
        }
        var w = out_bits(k).x & 0xffffu;
        if (k + 1u < n) {
            w = w | (out_bits(k + 1u).x << 16u);
        }
        out[t] = store_bits(vec2<u32>(w, 0u));
        return;
    }
    if (t >= n) {
        return;
    }
    out[t] = store_bits(out_bits(t));
}

//@ section load.slot
fn load_elem(e: u32) -> vec2<u32> { return load_bits(a[a_at(e)]); }
//@ section load.bool
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(x, 0u); }
//@ section load.u8
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(x & 0xffu, 0u); }
//@ section load.u16
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(x & 0xffffu, 0u); }
//@ section load.u32
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(x, 0u); }
//@ section load.i8
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(bitcast<u32>(x) & 0xffu, 0u); }
//@ section load.i16
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(bitcast<u32>(x) & 0xffffu, 0u); }
//@ section load.i32
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(bitcast<u32>(x), 0u); }
//@ section load.f32
fn load_bits(x: T_a) -> vec2<u32> { return vec2<u32>(bitcast<u32>(x), 0u); }
//@ section load.half
// Bound as raw words (T_a = u32): two elements per word, little-endian.
fn load_elem(e: u32) -> vec2<u32> {
    let at = a_at(e);
    return vec2<u32>((a[at >> 1u] >> ((at & 1u) * 16u)) & 0xffffu, 0u);
}
//@ section load.i64
fn load_bits(x: T_a) -> vec2<u32> {
    return vec2<u32>(u32(x & 0xffffffffli), u32((x >> 32u) & 0xffffffffli));
}
//@ section load.u64
fn load_bits(x: T_a) -> vec2<u32> {
    return vec2<u32>(u32(x & 0xfffffffflu), u32(x >> 32u));
}
//@ section store.bool
fn store_bits(b: vec2<u32>) -> T_out { return select(0u, 1u, b.x != 0u); }
//@ section store.u8
fn store_bits(b: vec2<u32>) -> T_out { return b.x & 0xffu; }
//@ section store.u16
fn store_bits(b: vec2<u32>) -> T_out { return b.x & 0xffffu; }
//@ section store.u32
fn store_bits(b: vec2<u32>) -> T_out { return b.x; }
//@ section store.i8
fn store_bits(b: vec2<u32>) -> T_out { return bitcast<i32>(b.x << 24u) >> 24u; }
//@ section store.i16
fn store_bits(b: vec2<u32>) -> T_out { return bitcast<i32>(b.x << 16u) >> 16u; }
//@ section store.i32
fn store_bits(b: vec2<u32>) -> T_out { return bitcast<i32>(b.x); }
//@ section store.f32
fn store_bits(b: vec2<u32>) -> T_out { return bitcast<f32>(b.x); }
//@ section store.half
// Bound as raw words (T_out = u32); OUT_PAIRS packs two elements.
fn store_bits(b: vec2<u32>) -> T_out { return b.x; }
//@ section store.i64
// i64(u32) may sign-extend: mask the low word.
fn store_bits(b: vec2<u32>) -> T_out { return (i64(b.y) << 32u) | (i64(b.x) & 0xffffffffli); }
//@ section store.u64
fn store_bits(b: vec2<u32>) -> T_out { return (u64(b.y) << 32u) | (u64(b.x) & 0xfffffffflu); }
