#!/usr/bin/env python3
"""Generate tests/golden/sort.json from real MLX 0.32.4 (CPU): `sort`,
`argsort`, `partition`, `argpartition`, `topk`, `median`, the cumulative
ops `cumprod`, `cummax`, `cummin`, `logcumsumexp`, and the vjp/jvp of the
differentiable ones.

Run from tests/golden: `python3 gen_sort.py`. Same file format as
gen_golden.py. MLX leaves the order inside a partition and of `topk`'s
result unspecified, so those cases record only what MLX guarantees:
  partition     -> [sort(p, axis), p[kth] along axis]
  argpartition  -> [sort(take_along_axis(a, i), axis), sort(i, axis),
                    take_along_axis(a, i)[kth] along axis]
  topk          -> [sort(topk(a, k, axis), axis)]
(`axis` None means the flattened array, axis 0.)
"""

import math

import mlx.core as mx
import numpy as np

from gen_golden import FLOATS, INTS, REAL, Family, arr, rng_vals

NAN = float("nan")
INF = float("inf")


def kth_slice(p, kth, axis):
    n = p.shape[axis]
    k = kth % n if n else 0
    return mx.take(p, mx.array([k]), axis=axis)


def flat_or(a, axis):
    return (mx.flatten(a), 0) if axis is None else (a, axis)


def part_fn(kth, axis):
    def f(a):
        p = mx.partition(a, kth, axis=axis)
        src, ax = flat_or(a, axis)
        return [mx.sort(p, axis=ax), kth_slice(p, kth, ax)]
    return f


def argpart_fn(kth, axis):
    def f(a):
        i = mx.argpartition(a, kth, axis=axis)
        src, ax = flat_or(a, axis)
        v = mx.take_along_axis(src, i, axis=ax)
        return [mx.sort(v, axis=ax), mx.sort(i, axis=ax), kth_slice(v, kth, ax)]
    return f


def topk_fn(k, axis):
    def f(a):
        t = mx.topk(a, k, axis=axis)
        return [mx.sort(t, axis=-1 if axis is None else axis)]
    return f


def sample(dt, n, seed):
    """Values with ties: small integers, or floats rounded to halves."""
    if dt == "bool":
        return rng_vals(seed, n, 0, 2, dt)
    if dt in INTS:
        lo = 0 if dt.startswith("u") else -4
        return rng_vals(seed, n, lo, lo + 6, dt)
    if dt == "complex64":
        r = np.random.default_rng(seed)
        return list(r.integers(-2, 3, n) + 1j * r.integers(-2, 3, n))
    r = np.random.default_rng(seed)
    return [float(v) for v in np.round(r.uniform(-3, 3, n) * 2) / 2]


def gen_sort(fam):
    for dt in REAL + ["complex64"]:
        a = arr(sample(dt, 15, 7), dt, [3, 5])
        for tag, ax in [("last", -1), ("axis0", 0), ("flat", None)]:
            fam.add(f"sort_{dt}_{tag}", "sort", [a], {"axis": ax}, lambda a, ax=ax: mx.sort(a, axis=ax))
            fam.add(f"argsort_{dt}_{tag}", "argsort", [a], {"axis": ax}, lambda a, ax=ax: mx.argsort(a, axis=ax))
    specials = [3.0, NAN, -0.0, 0.0, INF, -1.0, NAN, -INF, 0.0, -0.0, 2.0, NAN]
    for dt in FLOATS:
        a = arr(specials, dt, [2, 6])
        fam.add(f"sort_{dt}_nan_inf_zeros", "sort", [a], {"axis": -1}, lambda a: mx.sort(a, axis=-1))
        fam.add(f"argsort_{dt}_nan_inf_zeros", "argsort", [a], {"axis": -1}, lambda a: mx.argsort(a, axis=-1))
        fam.add(f"argsort_{dt}_nan_axis0", "argsort", [a], {"axis": 0}, lambda a: mx.argsort(a, axis=0))
    z = [complex(1, 2), complex(NAN, 0), complex(1, 1), complex(0, NAN), complex(-1, 5), complex(1, 1)]
    fam.add("sort_complex64_nan", "sort", [arr(z, "complex64")], {"axis": -1}, lambda a: mx.sort(a))
    fam.add("argsort_complex64_nan", "argsort", [arr(z, "complex64")], {"axis": -1}, lambda a: mx.argsort(a))
    # Long lines: several blocks of the GPU kernel, ties and NaNs.
    long_i = arr(rng_vals(11, 1300, -20, 20, "int32"), "int32", [1300])
    fam.add("argsort_int32_long_ties", "argsort", [long_i], {"axis": -1}, lambda a: mx.argsort(a))
    fam.add("sort_int32_long_ties", "sort", [long_i], {"axis": -1}, lambda a: mx.sort(a))
    r = np.random.default_rng(12)
    lf = [float(v) for v in np.round(r.normal(size=1100), 2)]
    for i in range(0, 1100, 97):
        lf[i] = NAN
    long_f = arr(lf, "float32", [2, 550])
    fam.add("argsort_float32_long_nan", "argsort", [long_f], {"axis": -1}, lambda a: mx.argsort(a))
    fam.add("sort_float32_long_flat", "sort", [long_f], {"axis": None}, lambda a: mx.sort(a, axis=None))
    tall = arr(rng_vals(13, 1400, 0, 50, "uint16"), "uint16", [700, 2])
    fam.add("argsort_uint16_long_axis0", "argsort", [tall], {"axis": 0}, lambda a: mx.argsort(a, axis=0))
    h = arr(rng_vals(14, 600, -8, 8, "float32"), "bfloat16", [600])
    fam.add("sort_bfloat16_long", "sort", [h], {"axis": -1}, lambda a: mx.sort(a))
    # 0-d, empty, 3-d, bad axes
    s = arr(3.5, "float32")
    for op in ["sort", "argsort"]:
        f = getattr(mx, op)
        fam.add(f"{op}_0d_flat", op, [s], {"axis": None}, lambda a, f=f: f(a, axis=None))
        fam.add(f"{op}_0d_axis_error", op, [s], {"axis": -1}, lambda a, f=f: f(a, axis=-1))
        fam.add(f"{op}_axis_out_of_bounds", op, [arr([1, 2], "int32")], {"axis": 1}, lambda a, f=f: f(a, axis=1))
        fam.add(f"{op}_empty_rows", op, [arr([], "float32", [0, 3])], {"axis": -1}, lambda a, f=f: f(a, axis=-1))
        fam.add(f"{op}_empty_axis", op, [arr([], "int32", [3, 0])], {"axis": -1}, lambda a, f=f: f(a, axis=-1))
        fam.add(f"{op}_empty_axis0", op, [arr([], "int32", [3, 0])], {"axis": 0}, lambda a, f=f: f(a, axis=0))
        a3 = arr(sample("int8", 24, 21), "int8", [2, 3, 4])
        fam.add(f"{op}_3d_middle_axis", op, [a3], {"axis": 1}, lambda a, f=f: f(a, axis=1))
        fam.add(f"{op}_3d_negative_axis", op, [a3], {"axis": -3}, lambda a, f=f: f(a, axis=-3))


def gen_partition(fam):
    for dt in ["bool", "uint8", "int32", "int64", "float16", "bfloat16", "float32"]:
        a = arr(sample(dt, 15, 31), dt, [3, 5])
        for tag, kth, ax in [("k0", 0, -1), ("k2", 2, -1), ("kneg1", -1, -1), ("kneg5", -5, -1),
                             ("axis0", 1, 0), ("flat", 7, None)]:
            fam.add(f"partition_{dt}_{tag}", "partition", [a], {"kth": kth, "axis": ax}, part_fn(kth, ax))
            fam.add(f"argpartition_{dt}_{tag}", "argpartition", [a], {"kth": kth, "axis": ax}, argpart_fn(kth, ax))
    nanf = arr([3.0, NAN, 1.0, 2.0, NAN, -1.0], "float32")
    for kth in [1, 4]:
        fam.add(f"partition_float32_nan_k{kth}", "partition", [nanf], {"kth": kth, "axis": -1}, part_fn(kth, -1))
        fam.add(f"argpartition_float32_nan_k{kth}", "argpartition", [nanf], {"kth": kth, "axis": -1}, argpart_fn(kth, -1))
    a = arr([[1, 5], [3, 2]], "int32")
    for op, fn in [("partition", mx.partition), ("argpartition", mx.argpartition)]:
        fam.add(f"{op}_kth_too_large", op, [a], {"kth": 2, "axis": -1}, lambda a, fn=fn: fn(a, 2, axis=-1))
        fam.add(f"{op}_kth_too_negative", op, [a], {"kth": -3, "axis": -1}, lambda a, fn=fn: fn(a, -3, axis=-1))
        mk = part_fn if op == "partition" else argpart_fn
        fam.add(f"{op}_0d_flat", op, [arr(2.0, "float32")], {"kth": 0, "axis": None}, mk(0, None))


def gen_topk(fam):
    for dt in ["uint8", "int16", "int32", "float16", "bfloat16", "float32", "float64"]:
        a = arr(sample(dt, 15, 41), dt, [3, 5])
        for tag, k, ax in [("k2", 2, -1), ("k1_axis0", 1, 0), ("all", 5, -1), ("k0", 0, -1), ("flat", 4, None)]:
            fam.add(f"topk_{dt}_{tag}", "topk", [a], {"k": k, "axis": ax}, topk_fn(k, ax))
    fam.add("topk_float32_nan_is_largest", "topk", [arr([1.0, NAN, 3.0, 2.0], "float32")],
            {"k": 2, "axis": -1}, topk_fn(2, -1))
    fam.add("topk_k_too_large", "topk", [arr([[1, 5], [3, 2]], "int32")], {"k": 3, "axis": -1},
            lambda a: mx.topk(a, 3, axis=-1))
    fam.add("topk_0d_flat", "topk", [arr(3.0, "float32")], {"k": 1, "axis": None}, topk_fn(1, None))


def gen_median(fam):
    for dt in REAL + ["complex64"]:
        a = arr(sample(dt, 12, 51), dt, [3, 4])
        for tag, ax, kd in [("all", None, False), ("axis1", [1], False), ("axis0_keepdims", [0], True),
                            ("both_keepdims", [0, 1], True), ("neg", [-1], False)]:
            fam.add(f"median_{dt}_{tag}", "median", [a], {"axes": ax, "keepdims": kd},
                    lambda a, ax=ax, kd=kd: mx.median(a, axis=ax, keepdims=kd))
    fam.add("median_float32_nan", "median", [arr([[1.0, NAN, 3.0, 5.0], [1.0, 2.0, 3.0, 4.0]], "float32")],
            {"axes": [1], "keepdims": False}, lambda a: mx.median(a, axis=1))
    fam.add("median_float16_overflow", "median", [arr([65504.0, 65504.0], "float16")],
            {"axes": None, "keepdims": False}, lambda a: mx.median(a))
    fam.add("median_0d", "median", [arr(3, "int32")], {"axes": None, "keepdims": False}, lambda a: mx.median(a))
    fam.add("median_empty_error", "median", [arr([], "float32", [0])], {"axes": None, "keepdims": False},
            lambda a: mx.median(a))
    fam.add("median_empty_rows", "median", [arr([], "float32", [2, 0])], {"axes": [0], "keepdims": False},
            lambda a: mx.median(a, axis=0))
    fam.add("median_duplicate_axis", "median", [arr([1, 2], "int32")], {"axes": [0, 0], "keepdims": False},
            lambda a: mx.median(a, axis=[0, 0]))
    fam.add("median_axis_out_of_bounds", "median", [arr([1, 2], "int32")], {"axes": [1], "keepdims": False},
            lambda a: mx.median(a, axis=[1]))
    a3 = arr(rng_vals(52, 24, -5, 5, "float32"), "float32", [2, 3, 4])
    fam.add("median_3d_two_axes", "median", [a3], {"axes": [0, 2], "keepdims": False},
            lambda a: mx.median(a, axis=[0, 2]))


MODES = [("incl", False, True), ("excl", False, False), ("rev", True, True), ("rev_excl", True, False)]


def gen_scans(fam):
    for op in ["cumprod", "cummax", "cummin", "logcumsumexp"]:
        f = getattr(mx, op)
        for dt in REAL + ["complex64"]:
            if op == "logcumsumexp" and dt == "complex64":
                continue
            if dt == "complex64" and op != "cumprod" and op != "cummax" and op != "cummin":
                continue
            if op == "cumprod" and dt in FLOATS:
                vals = [float(v) for v in np.round(np.random.default_rng(61).uniform(0.5, 1.5, 12), 2)]
            else:
                vals = sample(dt, 12, 61)
            a = arr(vals, dt, [3, 4])
            for tag, rev, inc in MODES:
                fam.add(f"{op}_{dt}_{tag}", op, [a], {"axis": -1, "reverse": rev, "inclusive": inc},
                        lambda a, rev=rev, inc=inc, f=f: f(a, axis=-1, reverse=rev, inclusive=inc))
            fam.add(f"{op}_{dt}_axis0", op, [a], {"axis": 0, "reverse": False, "inclusive": True},
                    lambda a, f=f: f(a, axis=0))
        fl = arr(rng_vals(62, 12, -3, 3, "float32"), "float32", [3, 4])
        fam.add(f"{op}_flat", op, [fl], {"axis": None, "reverse": False, "inclusive": True}, lambda a, f=f: f(a))
        fam.add(f"{op}_flat_rev_excl", op, [fl], {"axis": None, "reverse": True, "inclusive": False},
                lambda a, f=f: f(a, reverse=True, inclusive=False))
        fam.add(f"{op}_0d_flat", op, [arr(3.0, "float32")], {"axis": None, "reverse": False, "inclusive": True},
                lambda a, f=f: f(a))
        fam.add(f"{op}_0d_axis_error", op, [arr(3.0, "float32")], {"axis": 0, "reverse": False, "inclusive": True},
                lambda a, f=f: f(a, axis=0))
        fam.add(f"{op}_empty", op, [arr([], "float32", [2, 0])], {"axis": 0, "reverse": False, "inclusive": True},
                lambda a, f=f: f(a, axis=0))
        fam.add(f"{op}_empty_axis", op, [arr([], "float32", [2, 0])], {"axis": 1, "reverse": True, "inclusive": False},
                lambda a, f=f: f(a, axis=1, reverse=True, inclusive=False))
        nan = arr([1.0, NAN, 3.0, -INF, 0.0], "float32")
        fam.add(f"{op}_nan", op, [nan], {"axis": 0, "reverse": False, "inclusive": True}, lambda a, f=f: f(a, axis=0))
        fam.add(f"{op}_nan_rev", op, [nan], {"axis": 0, "reverse": True, "inclusive": True},
                lambda a, f=f: f(a, axis=0, reverse=True))
        long = arr([float(v) for v in np.round(np.random.default_rng(63).uniform(0.9, 1.1, 700), 3)], "float32", [700])
        fam.add(f"{op}_float32_long", op, [long], {"axis": 0, "reverse": False, "inclusive": True},
                lambda a, f=f: f(a, axis=0))
        fam.add(f"{op}_axis_out_of_bounds", op, [fl], {"axis": 2, "reverse": False, "inclusive": True},
                lambda a, f=f: f(a, axis=2))
    for dt in ["int8", "uint8", "int16", "int32", "int64", "uint64"]:
        fam.add(f"cumprod_{dt}_overflow_wraps", "cumprod", [arr([100, 100, 100, 7, 9], dt)],
                {"axis": 0, "reverse": False, "inclusive": True}, lambda a: mx.cumprod(a, axis=0))
    big = arr([2**40, 2**30, 3], "int64")
    fam.add("cumprod_int64_large", "cumprod", [big], {"axis": 0, "reverse": False, "inclusive": True},
            lambda a: mx.cumprod(a, axis=0))
    fam.add("cumprod_float16_rounds_each_step", "cumprod", [arr([2048.0, 1.001, 1.001, 1.001], "float16")],
            {"axis": 0, "reverse": False, "inclusive": True}, lambda a: mx.cumprod(a, axis=0))
    fam.add("logcumsumexp_inf", "logcumsumexp", [arr([-INF, -INF, 3.0, INF, 1.0], "float32")],
            {"axis": 0, "reverse": False, "inclusive": True}, lambda a: mx.logcumsumexp(a, axis=0))
    fam.add("logcumsumexp_large_stable", "logcumsumexp", [arr([1000.0, 1000.0, -1000.0], "float32")],
            {"axis": 0, "reverse": False, "inclusive": True}, lambda a: mx.logcumsumexp(a, axis=0))


def vjp_fn(op, axis, rev, inc):
    f = getattr(mx, op)

    def g(x, c):
        return mx.vjp(lambda a: f(a, axis=axis, reverse=rev, inclusive=inc), [x], [c])[1][0]
    return g


def jvp_fn(op, axis, rev, inc):
    f = getattr(mx, op)

    def g(x, t):
        return mx.jvp(lambda a: f(a, axis=axis, reverse=rev, inclusive=inc), [x], [t])[1][0]
    return g


def gen_grads(fam):
    x = arr([[1.0, 3.0, 2.0, 3.0, 0.5, 4.0], [2.0, 0.0, 3.0, 0.0, 4.0, 1.0]], "float32")
    c = arr([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [-1.0, 0.5, 2.0, -3.0, 1.0, 2.0]], "float32")
    for op in ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]:
        for tag, rev, inc in MODES:
            args = {"scan": op, "axis": -1, "reverse": rev, "inclusive": inc}
            fam.add(f"vjp_{op}_{tag}", "scan_vjp", [x, c], args, vjp_fn(op, -1, rev, inc))
        fam.add(f"vjp_{op}_axis0", "scan_vjp", [x, c], {"scan": op, "axis": 0, "reverse": False, "inclusive": True},
                vjp_fn(op, 0, False, True))
    for tag, rev, inc in MODES:
        fam.add(f"jvp_logcumsumexp_{tag}", "scan_jvp", [x, c],
                {"scan": "logcumsumexp", "axis": -1, "reverse": rev, "inclusive": inc},
                jvp_fn("logcumsumexp", -1, rev, inc))
    st = arr([[3.0, 1.0, 2.0, 1.0], [0.0, -1.0, 5.0, 5.0]], "float32")
    sc = arr([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]], "float32")
    for ax in [-1, 0]:
        fam.add(f"vjp_sort_axis{ax}", "sort_vjp", [st, sc], {"axis": ax},
                lambda x, c, ax=ax: mx.vjp(lambda a: mx.sort(a, axis=ax), [x], [c])[1][0])
        fam.add(f"jvp_sort_axis{ax}", "sort_jvp", [st, sc], {"axis": ax},
                lambda x, t, ax=ax: mx.jvp(lambda a: mx.sort(a, axis=ax), [x], [t])[1][0])


if __name__ == "__main__":
    mx.set_default_device(mx.cpu)
    fam = Family("sort")
    gen_sort(fam)
    gen_partition(fam)
    gen_topk(fam)
    gen_median(fam)
    gen_scans(fam)
    gen_grads(fam)
    fam.write()
