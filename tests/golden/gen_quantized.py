#!/usr/bin/env python3
"""Generate tests/golden/quantized.json from real MLX 0.32.4 (CPU):
affine `quantize` (packed uint32 words, scales, biases, and the
`dequantize`d weights) for every bits (1, 2, 3, 4, 5, 6, 8) and group size
(32, 64, 128) in float32, and for float16/bfloat16/float64 weights;
`dequantize` of random packed words; `quantized_matmul` (transposed or not,
batched, vector x, mixed dtypes) and `gather_qmm`; and MLX's errors.

Run from tests/golden: `python3 gen_quantized.py`. Format as gen_golden.py;
a quantize case's expected list is [w_q, scales, biases, dequantize(...)].
"""

import numpy as np

from gen_golden import Family, arr, rng_vals

import mlx.core as mx

BITS = [1, 2, 3, 4, 5, 6, 8]
GROUPS = [32, 64, 128]


def vals(seed, n, lo, hi):
    """Random floats in [lo, hi) on a 1/64 grid (short in JSON, exact in
    every float dtype used here)."""
    return [round(v * 64) / 64 for v in rng_vals(seed, n, lo, hi, "float32")]


def q_and_dq(w, group_size, bits):
    q, s, b = mx.quantize(w, group_size, bits)
    return [q, s, b, mx.dequantize(q, s, b, group_size, bits)]


def gen():
    fam = Family("quantized")
    # every bits x group size, float32, one row of 128 (+ a second row with
    # a different range so groups differ)
    for bits in BITS:
        for gs in GROUPS:
            v = vals(bits * 7 + gs, 128, -2, 2)
            w = arr(v, "float32", [1, 128])
            fam.add(f"quantize_float32_b{bits}_g{gs}", "quantize", [w],
                    {"group_size": gs, "bits": bits},
                    lambda w, gs=gs, bits=bits: q_and_dq(w, gs, bits))
    # (MLX fails on float64 weights only at eval, in fast::Quantize)
    for dt in ["float16", "bfloat16"]:
        for bits in BITS:
            v = vals(bits * 3, 64, -4, 1)
            w = arr(v, dt, [1, 64])
            fam.add(f"quantize_{dt}_b{bits}_g32", "quantize", [w], {"group_size": 32, "bits": bits},
                    lambda w, bits=bits: q_and_dq(w, 32, bits))
    # special groups: all zeros, constant, all negative, one big outlier,
    # exact halves (rounding ties), batched 3-d and empty weights
    special = {
        "zeros": [0.0] * 32,
        "constant": [0.75] * 32,
        "negative": [-(i + 1) / 8 for i in range(32)],
        "outlier": [0.01 * i for i in range(31)] + [100.0],
        "ties": [i / 2 for i in range(32)],
        "symmetric": [(i - 15.5) / 4 for i in range(32)],
    }
    for name, v in special.items():
        for bits in [2, 3, 4, 8]:
            fam.add(f"quantize_{name}_b{bits}", "quantize", [arr(v, "float32", [1, 32])],
                    {"group_size": 32, "bits": bits}, lambda w, bits=bits: q_and_dq(w, 32, bits))
    fam.add("quantize_batched_3d", "quantize", [arr(vals(5, 128, -1, 1), "float32", [2, 2, 32])],
            {"group_size": 32, "bits": 3}, lambda w: q_and_dq(w, 32, 3))
    fam.add("quantize_defaults", "quantize", [arr(vals(6, 128, -1, 1), "float32", [2, 64])],
            {}, lambda w: q_and_dq(w, 64, 4))
    # errors
    w = arr(vals(7, 128, -1, 1), "float32", [2, 64])
    fam.add("quantize_bad_group_size", "quantize", [w], {"group_size": 16, "bits": 4}, lambda w: mx.quantize(w, 16, 4))
    fam.add("quantize_bad_bits", "quantize", [w], {"group_size": 32, "bits": 7}, lambda w: mx.quantize(w, 32, 7))
    fam.add("quantize_not_divisible", "quantize", [arr(vals(8, 96, -1, 1), "float32", [2, 48])],
            {"group_size": 32, "bits": 4}, lambda w: mx.quantize(w, 32, 4))
    fam.add("quantize_1d", "quantize", [arr(vals(9, 64, -1, 1), "float32", [64])],
            {"group_size": 32, "bits": 4}, lambda w: mx.quantize(w, 32, 4))
    fam.add("quantize_int32", "quantize", [arr(list(range(64)), "int32", [2, 32])],
            {"group_size": 32, "bits": 4}, lambda w: mx.quantize(w, 32, 4))
    # dequantize of arbitrary packed words (every code pattern)
    r = np.random.default_rng(11)
    for bits in BITS:
        for gs in [32, 128]:
            k = 128
            words = [int(x) for x in r.integers(0, 2 ** 32, k * bits // 32, dtype=np.uint64)]
            wq = arr(words, "uint32", [1, k * bits // 32])
            s = arr(vals(bits + 1, k // gs, 0.01, 0.5), "float32", [1, k // gs])
            b = arr(vals(bits + 2, k // gs, -1, 1), "float32", [1, k // gs])
            fam.add(f"dequantize_words_b{bits}_g{gs}", "dequantize", [wq, s, b], {"group_size": gs, "bits": bits},
                    lambda wq, s, b, gs=gs, bits=bits: mx.dequantize(wq, s, b, gs, bits))
    words = [int(x) for x in r.integers(0, 2 ** 32, 8, dtype=np.uint64)]
    for dt in ["float16", "bfloat16"]:
        s = arr([0.125, -0.3], dt, [2, 1])
        b = arr([-1.0, 0.7], dt, [2, 1])
        fam.add(f"dequantize_words_{dt}", "dequantize", [arr(words, "uint32", [2, 4]), s, b],
                {"group_size": 32, "bits": 4}, lambda wq, s, b: mx.dequantize(wq, s, b, 32, 4))
    q, s, b = mx.quantize(w, 32, 4)
    fam.add("dequantize_bad_group", "dequantize", [q, s, b], {"group_size": 64, "bits": 4},
            lambda q, s, b: mx.dequantize(q, s, b, 64, 4))
    fam.add("dequantize_not_uint32", "dequantize", [q.astype(mx.int32), s, b], {"group_size": 32, "bits": 4},
            lambda q, s, b: mx.dequantize(q, s, b, 32, 4))
    fam.add("dequantize_biases_shape", "dequantize", [q, s, b[:1]], {"group_size": 32, "bits": 4},
            lambda q, s, b: mx.dequantize(q, s, b, 32, 4))
    fam.add("dequantize_1d", "dequantize", [q[0], s[0], b[0]], {"group_size": 32, "bits": 4},
            lambda q, s, b: mx.dequantize(q, s, b, 32, 4))
    # quantized_matmul
    for bits in BITS:
        for gs in [32, 64]:
            wt = arr(vals(bits * 5 + gs, 8 * 64, -1, 1), "float32", [8, 64])
            q, s, b = mx.quantize(wt, gs, bits)
            x = arr(vals(bits + gs, 2 * 64, -1, 1), "float32", [2, 64])
            fam.add(f"quantized_matmul_b{bits}_g{gs}", "quantized_matmul", [x, q, s, b],
                    {"transpose": True, "group_size": gs, "bits": bits},
                    lambda x, q, s, b, gs=gs, bits=bits: mx.quantized_matmul(x, q, s, b, True, gs, bits))
    wn = arr(vals(21, 64 * 32, -1, 1), "float32", [64, 32])
    for bits in [3, 4, 8]:
        q, s, b = mx.quantize(wn, 32, bits)
        x = arr(vals(22, 2 * 64, -1, 1), "float32", [2, 64])
        fam.add(f"quantized_matmul_no_transpose_b{bits}", "quantized_matmul", [x, q, s, b],
                {"transpose": False, "group_size": 32, "bits": bits},
                lambda x, q, s, b, bits=bits: mx.quantized_matmul(x, q, s, b, False, 32, bits))
    wt = arr(vals(23, 8 * 64, -1, 1), "float32", [8, 64])
    q, s, b = mx.quantize(wt, 32, 4)
    qmm = lambda x, q, s, b: mx.quantized_matmul(x, q, s, b, True, 32, 4)
    args = {"transpose": True, "group_size": 32, "bits": 4}
    fam.add("quantized_matmul_batched_x", "quantized_matmul",
            [arr(vals(24, 2 * 3 * 64, -1, 1), "float32", [2, 3, 64]), q, s, b], args, qmm)
    fam.add("quantized_matmul_vector_x", "quantized_matmul",
            [arr(vals(25, 64, -1, 1), "float32", [64]), q, s, b], args, qmm)
    fam.add("quantized_matmul_int32_x", "quantized_matmul",
            [arr(rng_vals(26, 2 * 64, -3, 3, "int32"), "int32", [2, 64]), q, s, b], args, qmm)
    fam.add("quantized_matmul_x_mismatch", "quantized_matmul",
            [arr(vals(27, 2 * 63, -1, 1), "float32", [2, 63]), q, s, b], args, qmm)
    fam.add("quantized_matmul_bad_group", "quantized_matmul",
            [arr(vals(28, 2 * 64, -1, 1), "float32", [2, 64]), q, s, b],
            {"transpose": True, "group_size": 64, "bits": 4},
            lambda x, q, s, b: mx.quantized_matmul(x, q, s, b, True, 64, 4))
    w16 = wt.astype(mx.float16)
    q16, s16, b16 = mx.quantize(w16, 32, 4)
    fam.add("quantized_matmul_float16", "quantized_matmul",
            [arr(vals(29, 2 * 64, -1, 1), "float16", [2, 64]), q16, s16, b16], args, qmm)
    # gather_qmm: 3 experts of [8, 64]
    we = arr(vals(30, 3 * 8 * 64, -1, 1), "float32", [3, 8, 64])
    qe, se, be = mx.quantize(we, 32, 4)
    x2 = arr(vals(31, 2 * 5 * 64, -1, 1), "float32", [2, 5, 64])
    gargs = {"transpose": True, "group_size": 32, "bits": 4}
    fam.add("gather_qmm_rhs", "gather_qmm", [x2, qe, se, be, arr([2, 0], "uint32")], dict(gargs, rhs=True),
            lambda x, q, s, b, r: mx.gather_qmm(x, q, s, b, rhs_indices=r, transpose=True, group_size=32, bits=4))
    fam.add("gather_qmm_lhs_rhs_broadcast", "gather_qmm",
            [x2, qe, se, be, arr([1], "int32"), arr([[2], [0]], "int32")], dict(gargs, lhs=True, rhs=True),
            lambda x, q, s, b, l, r: mx.gather_qmm(x, q, s, b, lhs_indices=l, rhs_indices=r, transpose=True,
                                                    group_size=32, bits=4))
    fam.add("gather_qmm_2d_x", "gather_qmm",
            [arr(vals(32, 5 * 64, -1, 1), "float32", [5, 64]), qe, se, be, arr([2, 0, 1], "int32")],
            dict(gargs, rhs=True),
            lambda x, q, s, b, r: mx.gather_qmm(x, q, s, b, rhs_indices=r, transpose=True, group_size=32, bits=4))
    fam.add("gather_qmm_float_indices", "gather_qmm", [x2, qe, se, be, arr([2.0, 0.0], "float32")],
            dict(gargs, rhs=True),
            lambda x, q, s, b, r: mx.gather_qmm(x, q, s, b, rhs_indices=r, transpose=True, group_size=32, bits=4))
    wen = arr(vals(33, 3 * 64 * 8, -1, 1), "float32", [3, 64, 8])  # viewed as [3, 8, 64]
    qn, sn, bn = mx.quantize(wen.reshape(3, 8, 64), 32, 4)
    fam.add("gather_qmm_no_transpose", "gather_qmm",
            [arr(vals(34, 2 * 8, -1, 1), "float32", [2, 1, 8]), qn, sn, bn, arr([1, 2], "int32")],
            {"transpose": False, "group_size": 32, "bits": 4, "rhs": True},
            lambda x, q, s, b, r: mx.gather_qmm(x, q, s, b, rhs_indices=r, transpose=False, group_size=32, bits=4))
    fam.write()


if __name__ == "__main__":
    gen()
