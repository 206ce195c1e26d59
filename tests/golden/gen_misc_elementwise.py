#!/usr/bin/env python3
"""Generate tests/golden/misc_elementwise.json from real MLX 0.32.4 (CPU):
the elementwise helpers MLX composes from other ops: divmod, degrees,
radians, nan_to_num, isclose, allclose, array_equal, isposinf, isneginf,
real, imag, conj, over every dtype, NaN/inf, 0-d, size-0 and broadcasting
inputs, and MLX's errors.

Run from tests/golden: `python3 gen_misc_elementwise.py`. Format as
gen_golden.py.
"""

from gen_golden import ALL, Family, arr, rng_vals

import numpy as np

import mlx.core as mx

NAN = float("nan")
INF = float("inf")


def gen():
    fam = Family("misc_elementwise")
    for dt in ALL:
        a = arr(rng_vals(1, 6, 0 if dt.startswith("u") else -7, 8, dt), dt, [2, 3])
        b = arr(rng_vals(2, 6, 1, 5, dt), dt, [2, 3])
        if dt == "bool":
            b = arr([True] * 6, dt, [2, 3])
        fam.add(f"divmod_{dt}", "divmod", [a, b], {}, lambda a, b: list(mx.divmod(a, b)))
        for op in ["degrees", "radians", "isposinf", "isneginf", "real", "imag", "conj"]:
            fam.add(f"{op}_{dt}", op, [a], {}, getattr(mx, op))
        fam.add(f"nan_to_num_{dt}", "nan_to_num", [a], {"nan": 0.0}, lambda a: mx.nan_to_num(a))
        fam.add(f"isclose_{dt}", "isclose", [a, b], {"rtol": 1e-5, "atol": 1e-8, "equal_nan": False},
                lambda a, b: mx.isclose(a, b))
        fam.add(f"array_equal_{dt}", "array_equal", [a, a], {"equal_nan": False},
                lambda a, b: mx.array_equal(a, b))
    sp = [NAN, INF, -INF, 0.0, -0.0, 1.5, -2.25, 65504.0]
    for dt in ["float16", "bfloat16", "float32", "float64"]:
        x = arr(sp, dt)
        fam.add(f"nan_to_num_{dt}_specials", "nan_to_num", [x], {"nan": 0.0}, lambda a: mx.nan_to_num(a))
        fam.add(f"nan_to_num_{dt}_custom", "nan_to_num", [x], {"nan": -1.0, "posinf": 1e6, "neginf": -7.0},
                lambda a: mx.nan_to_num(a, -1.0, 1e6, -7.0))
        for op in ["isposinf", "isneginf", "degrees", "radians"]:
            fam.add(f"{op}_{dt}_specials", op, [x], {}, getattr(mx, op))
    zs = [complex(1, 2), complex(INF, 2), complex(1, NAN), complex(-0.0, -0.0), complex(3, INF), complex(-INF, -1)]
    z = arr(zs, "complex64")
    for op in ["real", "imag", "conj", "isposinf", "isneginf", "degrees"]:
        fam.add(f"{op}_complex64_specials", op, [z], {}, getattr(mx, op))
    fam.add("nan_to_num_complex64_rejected", "nan_to_num", [z], {"nan": 0.0}, lambda a: mx.nan_to_num(a))
    # isclose edge cases
    p = arr([1.0, NAN, INF, INF, -INF, 1e-9, 1e8, 0.0], "float32")
    q = arr([1.000001, NAN, INF, -INF, -INF, 0.0, 1e8 + 1000, 1e-7], "float32")
    for rtol, atol in [(1e-5, 1e-8), (0.0, 0.0), (1e-3, 1e-6)]:
        for en in [False, True]:
            args = {"rtol": rtol, "atol": atol, "equal_nan": en}
            fam.add(f"isclose_specials_r{rtol}_a{atol}_{en}", "isclose", [p, q], args,
                    lambda a, b, rtol=rtol, atol=atol, en=en: mx.isclose(a, b, rtol, atol, equal_nan=en))
            fam.add(f"allclose_specials_r{rtol}_a{atol}_{en}", "allclose", [p, q], args,
                    lambda a, b, rtol=rtol, atol=atol, en=en: mx.allclose(a, b, rtol, atol, equal_nan=en))
    base = {"rtol": 1e-5, "atol": 1e-8, "equal_nan": False}
    fam.add("isclose_broadcast", "isclose", [arr([1.0, 2.0, 3.0], "float32", [3, 1]), arr([1.0, 2.00001], "float32")],
            base, lambda a, b: mx.isclose(a, b))
    fam.add("isclose_float16_int32_mixed", "isclose", [arr([1.0, 2.001, 3.0], "float16"), arr([1, 2, 4], "int32")],
            base, lambda a, b: mx.isclose(a, b))
    fam.add("isclose_empty", "isclose", [arr([], "float32", [0, 2]), arr([1.0, 2.0], "float32")],
            base, lambda a, b: mx.isclose(a, b))
    fam.add("allclose_true", "allclose", [arr([1.0, 2.0], "float32"), arr([1.0, 2.00001], "float32")],
            base, lambda a, b: mx.allclose(a, b))
    fam.add("allclose_empty", "allclose", [arr([], "float32", [0]), arr([], "float32", [0])],
            base, lambda a, b: mx.allclose(a, b))
    fam.add("allclose_2d_broadcast", "allclose", [arr([1.0, 2.0, 3.0, 4.0], "float32", [2, 2]), arr([1.0, 2.0], "float32")],
            base, lambda a, b: mx.allclose(a, b))
    fam.add("allclose_0d", "allclose", [arr(1.0, "float32"), arr([1.0, 1.0], "float32")],
            base, lambda a, b: mx.allclose(a, b))
    # array_equal
    for en in [False, True]:
        e = {"equal_nan": en}
        fam.add(f"array_equal_nan_{en}", "array_equal",
                [arr([1.0, NAN, 3.0], "float32"), arr([1.0, NAN, 3.0], "float32")], e,
                lambda a, b, en=en: mx.array_equal(a, b, equal_nan=en))
        fam.add(f"array_equal_mixed_dtypes_{en}", "array_equal",
                [arr([1.0, 2.0], "float16"), arr([1, 2], "int8")], e, lambda a, b, en=en: mx.array_equal(a, b, equal_nan=en))
        fam.add(f"array_equal_different_shapes_{en}", "array_equal",
                [arr([1.0, 2.0], "float32", [1, 2]), arr([1.0, 2.0], "float32")], e,
                lambda a, b, en=en: mx.array_equal(a, b, equal_nan=en))
        fam.add(f"array_equal_unequal_{en}", "array_equal",
                [arr([1, 2, 3], "int32"), arr([1, 2, 4], "int32")], e, lambda a, b, en=en: mx.array_equal(a, b, equal_nan=en))
        fam.add(f"array_equal_empty_{en}", "array_equal",
                [arr([], "float32", [0, 3]), arr([], "int32", [0, 3])], e, lambda a, b, en=en: mx.array_equal(a, b, equal_nan=en))
        fam.add(f"array_equal_complex_nan_{en}", "array_equal",
                [arr([complex(1, NAN)], "complex64"), arr([complex(1, NAN)], "complex64")], e,
                lambda a, b, en=en: mx.array_equal(a, b, equal_nan=en))
    # divmod signs, broadcasting, 0-d, empty, complex rejected
    fam.add("divmod_int32_signs", "divmod", [arr([7, -7, 7, -7], "int32"), arr([2, 2, -2, -2], "int32")], {},
            lambda a, b: list(mx.divmod(a, b)))
    fam.add("divmod_float32_signs", "divmod", [arr([7.5, -7.5, 7.5, -7.5, INF], "float32"),
                                                 arr([2.0, 2.0, -2.0, -2.0, 2.0], "float32")], {},
            lambda a, b: list(mx.divmod(a, b)))
    fam.add("divmod_broadcast_0d", "divmod", [arr([5, 6, 7], "int16"), arr(4, "int16")], {},
            lambda a, b: list(mx.divmod(a, b)))
    fam.add("divmod_empty", "divmod", [arr([], "float32", [0]), arr(2.0, "float32")], {},
            lambda a, b: list(mx.divmod(a, b)))
    fam.add("divmod_int_float_mixed", "divmod", [arr([7, -7], "int32"), arr([2.5], "float16")], {},
            lambda a, b: list(mx.divmod(a, b)))
    # float16/bfloat16 quotients are rounded to their precision before the
    # floor (MLX divides in half precision): 4096 / 2.5996 is 1576, not 1575
    for dt in ["float16", "bfloat16"]:
        for op in ["divmod", "floor_divide"]:
            fam.add(f"{op}_{dt}_rounded_quotient", op,
                    [arr([4096.0, -4096.0, 7.5, 1000.0], dt, [2, 2]),
                     arr([2.5996, 2.5996, -2.0, 0.3], dt, [2, 2])], {},
                    lambda a, b, op=op: list(mx.divmod(a, b)) if op == "divmod" else mx.floor_divide(a, b))
    fam.add("divmod_complex64_rejected", "divmod", [z, z], {}, lambda a, b: list(mx.divmod(a, b)))
    fam.add("degrees_0d", "degrees", [arr(3.14159, "float32")], {}, mx.degrees)
    fam.add("radians_empty", "radians", [arr([], "float16", [0, 2])], {}, mx.radians)
    gen_view(fam)
    fam.write()


def gen_view(fam):
    """`view` between every pair of dtypes, plus MLX's shape rules and errors."""
    INT_RANGE = {"uint8": (0, 256), "uint16": (0, 65536), "uint32": (0, 2**32), "uint64": (0, 2**64 - 1),
                 "int8": (-128, 128), "int16": (-2**15, 2**15), "int32": (-2**31, 2**31),
                 "int64": (-2**63, 2**63 - 1)}
    for i, src in enumerate(ALL):
        if src in INT_RANGE:
            lo, hi = INT_RANGE[src]
            r = np.random.default_rng(100 + i)
            vals = [lo + int(x) % (hi - lo) for x in r.integers(0, 2**63 - 1, 16)]
            vals = [lo + (x * 2**40 + y) % (hi - lo) for x, y in zip(vals, vals[::-1])]
        else:
            vals = rng_vals(100 + i, 16, -3, 3, src)
        a = arr(vals, src, [2, 8])
        for dst in ALL:
            fam.add(f"view_{src}_as_{dst}", "view", [a], {"dtype": dst},
                    lambda a, dst=dst: mx.view(a, getattr(mx, dst if dst != "bool" else "bool_")))
    v = lambda d: (lambda a: mx.view(a, getattr(mx, d)))
    fam.add("view_0d_same_size", "view", [arr(1.0, "float32")], {"dtype": "int32"}, v("int32"))
    fam.add("view_0d_other_size", "view", [arr(1.0, "float32")], {"dtype": "float16"}, v("float16"))
    fam.add("view_larger_not_divisible", "view", [arr([1, 2, 3], "uint8")], {"dtype": "uint16"}, v("uint16"))
    fam.add("view_larger_divisible_3d", "view", [arr(list(range(24)), "uint8", [2, 3, 4])], {"dtype": "uint32"},
            v("uint32"))
    fam.add("view_empty_rows", "view", [arr([], "float32", [0, 4])], {"dtype": "float16"}, v("float16"))
    fam.add("view_empty_last", "view", [arr([], "float32", [3, 0])], {"dtype": "float64"}, v("float64"))
    fam.add("view_u8_as_bool", "view", [arr([1, 0, 1, 0], "uint8")], {"dtype": "bool"},
            lambda a: mx.view(a, mx.bool_))
    fam.add("view_same_dtype", "view", [arr([1.5, -2.0], "float32")], {"dtype": "float32"}, v("float32"))
    fam.add("view_f32_specials_as_u32", "view", [arr([NAN, INF, -INF, -0.0, 1e-45], "float32")],
            {"dtype": "uint32"}, v("uint32"))


if __name__ == "__main__":
    gen()
