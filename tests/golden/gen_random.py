#!/usr/bin/env python3
"""Generate tests/golden/random.json from real MLX 0.32.4 (CPU): keys,
splits and samples of every distribution of `mx.random` for fixed keys.

Run from tests/golden: `python3 gen_random.py`. Same file format as
gen_golden.py. Each case's first input is the key (uint32, shape (2,));
`args` hold the op's other arguments. `args["exact"]` says whether the
port must match bit for bit: true where MLX's values are a deterministic
function of the key through exactly rounded ops (bits, uniform, randint,
bernoulli, categorical); false where they pass through MLX's `erfinv` or
`log` approximations (normal, gumbel, laplace, truncated_normal), which
MLX's own CPU and Metal kernels compute differently in the last bits.
"""

import mlx.core as mx
import numpy as np

from gen_golden import Family, arr, enc  # noqa: F401

assert mx.__version__ == "0.32.4", mx.__version__
mx.set_default_device(mx.cpu)

SEEDS = [0, 1, 42, 2**40 + 7, 2**64 - 1]
FLOATS = ["float32", "float16", "bfloat16"]
DT = {"float32": mx.float32, "float16": mx.float16, "bfloat16": mx.bfloat16,
      "float64": mx.float64, "int32": mx.int32, "uint8": mx.uint8, "int8": mx.int8,
      "int16": mx.int16, "uint32": mx.uint32, "int64": mx.int64, "bool": mx.bool_,
      "complex64": mx.complex64}


def k(seed):
    return mx.random.key(seed)


def main():
    fam = Family("random")

    for s in SEEDS:
        fam.add(f"key_{s}", "key", [], {"seed": s, "exact": True}, lambda s=s: k(s))

    for s in SEEDS:
        for num in [0, 1, 2, 3, 5]:
            fam.add(f"split_{s}_{num}", "split", [k(s)], {"num": num, "exact": True},
                    lambda key, num=num: mx.random.split(key, num))
    bad_keys = [("int32", arr([0, 0], "int32")), ("shape3", arr([0, 0, 0], "uint32")),
                ("shape22", arr([0, 0, 1, 1], "uint32", [2, 2]))]
    for tag, bk in bad_keys:
        fam.add(f"split_bad_key_{tag}", "split", [bk], {"num": 2, "exact": True},
                lambda key: mx.random.split(key, 2))
        fam.add(f"uniform_bad_key_{tag}", "uniform", [bk, arr(0.0, "float32"), arr(1.0, "float32")],
                {"shape": [2], "dtype": "float32", "exact": True},
                lambda key, lo, hi: mx.random.uniform(lo, hi, [2], key=key))

    shapes = [[], [1], [2], [3], [5], [2, 3], [4, 4], [3, 1, 5], [0], [2, 0]]
    # uniform: unit bounds, every shape and float dtype
    for s in [0, 2**40 + 7]:
        for shape in shapes:
            for dt in FLOATS:
                lo, hi = arr(0.0, dt), arr(1.0, dt)
                fam.add(f"uniform_{s}_{'x'.join(map(str, shape)) or 'scalar'}_{dt}", "uniform",
                        [k(s), lo, hi], {"shape": shape, "dtype": dt, "exact": True},
                        lambda key, lo, hi, shape=shape, dt=dt:
                        mx.random.uniform(lo, hi, shape, DT[dt], key=key))
    bounds = [
        ("arr_bounds", arr([-1.0, 0.0, 2.0], "float32"), arr([[1.0], [5.0]], "float32"), [2, 3], "float32"),
        ("mat_bounds", arr([[-2.0, 0.5, 1.0], [3.0, -7.0, 0.0]], "float32"), arr(10.0, "float32"), [2, 3], "float16"),
        ("int_bounds", arr(1, "int32"), arr(5, "int32"), [4], "float16"),
        ("int_bounds_f32", arr([0, 10], "int32"), arr(100, "int32"), [3, 2], "float32"),
        ("bf16", arr(-3.0, "float32"), arr([[2.0, 4.0], [8.0, 16.0]], "float32"), [2, 2], "bfloat16"),
        ("equal_bounds", arr(2.0, "float32"), arr(2.0, "float32"), [3], "float32"),
        ("reversed_bounds", arr(5.0, "float32"), arr(1.0, "float32"), [3], "float32"),
        ("bad_shape", arr([0.0, 0.0, 0.0], "float32"), arr(1.0, "float32"), [2], "float32"),
        ("too_wide", arr([[0.0], [1.0]], "float32"), arr(2.0, "float32"), [3], "float32"),
        ("int_dtype", arr(0.0, "float32"), arr(1.0, "float32"), [2], "int32"),
        ("float64", arr(0.0, "float32"), arr(1.0, "float32"), [2], "float64"),
    ]
    for tag, lo, hi, shape, dt in bounds:
        fam.add(f"uniform_{tag}", "uniform", [k(3), lo, hi],
                {"shape": shape, "dtype": dt, "exact": True},
                lambda key, lo, hi, shape=shape, dt=dt:
                mx.random.uniform(lo, hi, shape, DT[dt], key=key))

    # normal: optional loc and scale arrays
    for s in [0, 42]:
        for shape in [[], [3], [5], [2, 3], [0]]:
            for dt in FLOATS:
                fam.add(f"normal_{s}_{'x'.join(map(str, shape)) or 'scalar'}_{dt}", "normal", [k(s)],
                        {"shape": shape, "dtype": dt, "exact": False},
                        lambda key, shape=shape, dt=dt: mx.random.normal(shape, DT[dt], key=key))
    fam.add("normal_loc_scale", "normal",
            [k(7), arr([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]], "float32"), arr([0.5, 2.0, 10.0], "float32")],
            {"shape": [2, 3], "dtype": "float32", "loc": True, "scale": True, "exact": False},
            lambda key, loc, scale: mx.random.normal([2, 3], loc=loc, scale=scale, key=key))
    fam.add("normal_loc_broadcast", "normal", [k(7), arr([[0.0], [100.0]], "float32")],
            {"shape": [3], "dtype": "float32", "loc": True, "exact": False},
            lambda key, loc: mx.random.normal([3], loc=loc, key=key))
    fam.add("normal_scale_f16", "normal", [k(8), arr(3.0, "float32")],
            {"shape": [4], "dtype": "float16", "scale": True, "exact": False},
            lambda key, scale: mx.random.normal([4], mx.float16, scale=scale, key=key))
    fam.add("normal_int_dtype", "normal", [k(8)], {"shape": [2], "dtype": "int32", "exact": False},
            lambda key: mx.random.normal([2], mx.int32, key=key))

    # randint
    ri = [
        ("small", arr(0, "int32"), arr(10, "int32"), [7], "int32"),
        ("neg", arr(-5, "int32"), arr(5, "int32"), [2, 3], "int32"),
        ("uint8", arr(0, "int32"), arr(200, "int32"), [5], "uint8"),
        ("int8", arr(-100, "int32"), arr(100, "int32"), [5], "int8"),
        ("int16", arr(-1000, "int32"), arr(1000, "int32"), [3], "int16"),
        ("uint32", arr(0, "int32"), arr(2**31 - 1, "int32"), [4], "uint32"),
        ("int64", arr(-(2**40), "int64"), arr(2**40, "int64"), [4], "int64"),
        ("bool", arr(0, "int32"), arr(2, "int32"), [6], "bool"),
        ("arr_bounds", arr([0, 10, 100], "int32"), arr([[5], [1000]], "int32"), [2, 3], "int32"),
        ("mat_bounds", arr([[0, 10], [-4, 7]], "int32"), arr(20, "int32"), [2, 2], "int32"),
        ("float_bounds", arr(-2.5, "float32"), arr(2.5, "float32"), [6], "int32"),
        ("empty", arr(0, "int32"), arr(3, "int32"), [0], "int32"),
        ("float_dtype", arr(0, "int32"), arr(3, "int32"), [2], "float32"),
    ]
    for tag, lo, hi, shape, dt in ri:
        fam.add(f"randint_{tag}", "randint", [k(11), lo, hi],
                {"shape": shape, "dtype": dt, "exact": True},
                lambda key, lo, hi, shape=shape, dt=dt:
                mx.random.randint(lo, hi, shape, DT[dt], key=key))

    # bernoulli
    be = [
        ("half", arr(0.5, "float32"), [8]),
        ("default_shape", arr([0.1, 0.5, 0.9, 0.3], "float32"), None),
        ("extremes", arr([0.0, 1.0, -0.5, 1.5, 0.0, 1.0], "float32"), None),
        ("mat", arr([[0.2, 0.8], [0.5, 0.5]], "float32"), None),
        ("broadcast", arr([0.1, 0.9], "float32"), [3, 2]),
        ("f16", arr([0.25, 0.75, 0.5], "float16"), None),
        ("bf16", arr(0.3, "bfloat16"), [5]),
        ("scalar", arr(0.5, "float32"), None),
        ("empty", arr(0.5, "float32"), [0]),
        ("int_p", arr([1, 0], "int32"), None),
        ("bad_shape", arr([0.1, 0.2], "float32"), [3]),
        ("narrow_shape", arr([[0.1], [0.2]], "float32"), [2]),
    ]
    for tag, p, shape in be:
        fam.add(f"bernoulli_{tag}", "bernoulli", [k(13), p], {"shape": shape, "exact": True},
                lambda key, p, shape=shape: mx.random.bernoulli(p, shape, key=key))

    # gumbel, laplace
    for shape in [[], [3], [2, 3], [0]]:
        for dt in FLOATS:
            tag = "x".join(map(str, shape)) or "scalar"
            fam.add(f"gumbel_{tag}_{dt}", "gumbel", [k(17)], {"shape": shape, "dtype": dt, "exact": False},
                    lambda key, shape=shape, dt=dt: mx.random.gumbel(shape, DT[dt], key=key))
            fam.add(f"laplace_{tag}_{dt}", "laplace", [k(19)],
                    {"shape": shape, "dtype": dt, "loc": 0.0, "scale": 1.0, "exact": False},
                    lambda key, shape=shape, dt=dt: mx.random.laplace(shape, DT[dt], key=key))
    fam.add("laplace_loc_scale", "laplace", [k(19)],
            {"shape": [5], "dtype": "float32", "loc": 2.0, "scale": 0.5, "exact": False},
            lambda key: mx.random.laplace([5], loc=2.0, scale=0.5, key=key))
    fam.add("gumbel_int_dtype", "gumbel", [k(17)], {"shape": [2], "dtype": "int32", "exact": False},
            lambda key: mx.random.gumbel([2], mx.int32, key=key))
    fam.add("laplace_int_dtype", "laplace", [k(19)],
            {"shape": [2], "dtype": "int32", "loc": 0.0, "scale": 1.0, "exact": False},
            lambda key: mx.random.laplace([2], mx.int32, key=key))

    # truncated_normal
    tn = [
        ("unit", arr(-1.0, "float32"), arr(1.0, "float32"), [6], "float32"),
        ("default_shape", arr([-1.0, 0.0], "float32"), arr([[1.0], [2.0]], "float32"), None, "float32"),
        ("mat", arr([[-2.0, -0.5], [0.0, 1.0]], "float32"), arr(3.0, "float32"), None, "float32"),
        ("f16", arr(-1.0, "float32"), arr(1.0, "float32"), [3], "float16"),
        ("bf16", arr(0.0, "float32"), arr(2.0, "float32"), [3], "bfloat16"),
        ("int_dtype", arr(0.0, "float32"), arr(1.0, "float32"), [2], "int32"),
    ]
    for tag, lo, hi, shape, dt in tn:
        fam.add(f"truncated_normal_{tag}", "truncated_normal", [k(23), lo, hi],
                {"shape": shape, "dtype": dt, "exact": False},
                lambda key, lo, hi, shape=shape, dt=dt:
                mx.random.truncated_normal(lo, hi, shape, DT[dt], key=key))

    # categorical: one distribution (inverse CDF), several (Gumbel-max)
    lg1 = arr([0.3, -1.0, 0.5, 2.0, 0.0, 1.2], "float32")
    lg2 = arr([[0.1, 1.0, -0.5, 2.0], [3.0, -1.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0]], "float32")
    cat = [
        ("1d_default", lg1, -1, None, None),
        ("1d_shape", lg1, -1, [7], None),
        ("1d_shape2d", lg1, 0, [2, 3], None),
        ("1d_num_samples", lg1, -1, None, 9),
        ("2d_default", lg2, -1, None, None),
        ("2d_axis0", lg2, 0, None, None),
        ("2d_num_samples", lg2, -1, None, 5),
        ("2d_axis0_num_samples", lg2, 0, None, 3),
        ("2d_shape", lg2, 1, [2, 3], None),
        ("neg_inf", arr([-np.inf, 0.0, -np.inf, 1.0], "float32"), -1, [6], None),
        ("all_inf_max", arr([np.inf, 0.0, np.inf, 1.0], "float32"), -1, [8], None),
        ("f16", arr([0.5, 1.5, -1.0], "float16"), -1, None, 4),
        ("bf16_2d", arr([[0.5, 1.5], [2.0, -1.0]], "bfloat16"), -1, None, None),
        ("single_category", arr([[1.0], [2.0]], "float32"), -1, None, 2),
        ("bad_axis", lg1, 2, None, None),
        ("bad_shape", lg2, -1, [4], None),
        ("both", lg2, -1, [3], 2),
    ]
    for tag, lg, axis, shape, num in cat:
        fam.add(f"categorical_{tag}", "categorical", [k(29), lg],
                {"axis": axis, "shape": shape, "num_samples": num, "exact": True},
                lambda key, lg, axis=axis, shape=shape, num=num:
                mx.random.categorical(lg, axis, shape=shape, num_samples=num, key=key))

    # multivariate_normal: errors only (samples are checked statistically)
    mvn = [
        ("f16", arr([0.0, 0.0], "float32"), arr([[1.0, 0.0], [0.0, 1.0]], "float32"), "float16"),
        ("mean_0d", arr(0.0, "float32"), arr([[1.0, 0.0], [0.0, 1.0]], "float32"), "float32"),
        ("cov_1d", arr([0.0, 0.0], "float32"), arr([1.0, 1.0], "float32"), "float32"),
        ("cov_not_square", arr([0.0, 0.0], "float32"), arr([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "float32"), "float32"),
        ("incompatible", arr([0.0, 0.0, 0.0], "float32"), arr([[1.0, 0.0], [0.0, 1.0]], "float32"), "float32"),
    ]
    for tag, mean, cov, dt in mvn:
        fam.add(f"multivariate_normal_{tag}", "multivariate_normal", [k(31), mean, cov],
                {"shape": [], "dtype": dt, "exact": False},
                lambda key, mean, cov, dt=dt:
                mx.random.multivariate_normal(mean, cov, [], DT[dt], key=key))
    # vmap over a batch of keys (RandomBits with one key per batch entry)
    keys = mx.random.split(k(37), 4)
    for tag, ks, ax in [("axis0", keys, 0), ("axis1", keys.T, 1)]:
        fam.add(f"vmap_uniform_{tag}", "vmap_uniform", [ks], {"in_axis": ax, "shape": [3], "exact": True},
                lambda ks, ax=ax: mx.vmap(lambda kk: mx.random.uniform(shape=(3,), key=kk), in_axes=ax)(ks))
        fam.add(f"vmap_split_{tag}", "vmap_split", [ks], {"in_axis": ax, "num": 3, "exact": True},
                lambda ks, ax=ax: mx.vmap(lambda kk: mx.random.split(kk, 3), in_axes=ax)(ks))
        fam.add(f"vmap_normal_{tag}", "vmap_normal", [ks], {"in_axis": ax, "shape": [2, 3], "exact": False},
                lambda ks, ax=ax: mx.vmap(lambda kk: mx.random.normal((2, 3), key=kk), in_axes=ax)(ks))
    fam.write()


if __name__ == "__main__":
    main()
