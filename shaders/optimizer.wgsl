// Fused optimizer updates: one Adam step (`MultiOp::Adam`) per element,
// reading a parameter, its moments and its gradient once and writing the
// three new arrays.
// Bindings: 1 = prm, 2 = m, 3 = v, 4 = g (the parameter dtype), 5 = step
// (0-d), 6 = po, 7 = mo, 8 = vo (outputs), and with bias correction 9 = c2
// (0-d). Params: [n, prm.offset, m.offset, v.offset, g.offset,
// step.offset, c2.offset, b1, 1 - b1, b2, 1 - b2, eps, 0] (the constants
// as f32 bits, already rounded to the dtype on the host). Inputs are
// row-major from their offsets. Every step is rounded to the dtype as the
// separate ops round it (`round_po`: the identity for float32), in the
// CPU kernel's order (mlx-cpu's optimizer.rs), so half-precision results
// match the CPU's up to the last bit of a GPU sqrt or division. A section
// `c2` or `no_c2` defines `scaled_root`; the `adam` section holds the loop.
// When the outputs pack two bfloat16 per word, each thread updates two
// adjacent elements and writes whole words.

// sqrt(x) for x >= 0 (or NaN), subnormal x read from its bits, as the
// unary op `sqrt` computes it.
fn sqrt_f32(x: f32) -> f32 {
    if (is_subnormal(x)) {
        // sqrt(mant * 2^-149) = sqrt(2 * mant) * 2^-75.
        let mant = f32(bitcast<u32>(x) & 0x7fffffu);
        return select(sqrt(2.0 * mant) * 2.6469779601696886e-23, nan_f32(), sign_bit(x));
    }
    return select(sqrt(x), nan_f32(), x < 0.0);
}

// A step's result rounded to the dtype as the separate ops round it. For
// float32 it passes through integer bits ORed with p[12] (zero): the
// compiler cannot see through that, so it cannot contract `a * b + c`
// into an fma, which rounds once where the separate ops round twice
// (NVIDIA does contract, one ulp away from the CPU).
fn rnd(x: f32) -> f32 {
    return round_po(bitcast<f32>(bitcast<u32>(x) | p[12]));
}

//@ section no_c2
fn scaled_root(s: f32) -> f32 { return rnd(s); }

//@ section c2
@group(0) @binding(9) var<storage, read> c2: array<T_c2>;
fn scaled_root(s: f32) -> f32 { return rnd(rnd(s) * load_c2(p[6])); }

//@ section adam
@group(0) @binding(1) var<storage, read> prm: array<T_prm>;
@group(0) @binding(2) var<storage, read> m: array<T_m>;
@group(0) @binding(3) var<storage, read> v: array<T_v>;
@group(0) @binding(4) var<storage, read> g: array<T_g>;
@group(0) @binding(5) var<storage, read> step: array<T_step>;
@group(0) @binding(6) var<storage, read_write> po: array<T_po>;
@group(0) @binding(7) var<storage, read_write> mo: array<T_mo>;
@group(0) @binding(8) var<storage, read_write> vo: array<T_vo>;

// The new (p, m, v) of element i.
fn adam_one(i: u32, lr: f32) -> vec3<f32> {
    let b1 = bitcast<f32>(p[7]);
    let nb1 = bitcast<f32>(p[8]);
    let b2 = bitcast<f32>(p[9]);
    let nb2 = bitcast<f32>(p[10]);
    let eps = bitcast<f32>(p[11]);
    let gi = load_g(p[4] + i);
    let mi = load_m(p[2] + i);
    let vi = load_v(p[3] + i);
    let m2 = rnd(rnd(b1 * mi) + rnd(nb1 * gi));
    let v2 = rnd(rnd(b2 * vi) + rnd(nb2 * rnd(gi * gi)));
    let num = rnd(lr * m2);
    let den = rnd(scaled_root(sqrt_f32(v2)) + eps);
    let p2 = load_prm(p[1] + i) - rnd(div_f32(num, den));
    return vec3<f32>(p2, m2, v2);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let n = p[0];
    let lr = load_step(p[5]);
    let t = thread_index(wid, nwg, lid, 256u);
    if (PACKED_po) {
        let i = 2u * t;
        if (i + 1u < n) {
            let a = adam_one(i, lr);
            let b = adam_one(i + 1u, lr);
            store2_po(i, a.x, b.x);
            store2_mo(i, a.y, b.y);
            store2_vo(i, a.z, b.z);
        } else if (i < n) {
            let a = adam_one(i, lr);
            store_po(i, a.x);
            store_mo(i, a.y);
            store_vo(i, a.z);
        }
        return;
    }
    if (t < n) {
        let a = adam_one(t, lr);
        store_po(t, a.x);
        store_mo(t, a.y);
        store_vo(t, a.z);
    }
}
