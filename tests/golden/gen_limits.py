#!/usr/bin/env python3
"""Generate tests/golden/limits.json and tests/golden/arguments.json from
real MLX 0.32.4 (CPU), for the differences of issue 12.

limits: every float unary op at the extreme finite values of float16,
bfloat16, float32 and float64 (arcsinh/arccosh overflowed near 1.7e38);
the binary ops and composites that combine large values (logaddexp,
arctan2, remainder, logsumexp, softmax, logcumsumexp); `round` with
positive and negative `decimals` on every real dtype (integers were left
unchanged for decimals < 0).

arguments: the arguments MLX takes that the port lacked: `concatenate`
with `axis=None`, `linspace` with `endpoint=False`, `softmax` with
`precise` and with no axis (every axis), and `mode` on `quantize` /
`dequantize` / `quantized_matmul` (only "affine" is implemented; the
cases here are affine, and MLX's error for an invalid mode).

Run from tests/golden: `python3 gen_limits.py`. Format as gen_golden.py.
"""

from gen_golden import ALL, FLOATS, INTS, Family, arr, rng_vals

import mlx.core as mx

F32_MAX = 3.4028234663852886e38
BF16_MAX = 3.3895313892515355e38
F64_MAX = 1.7976931348623157e308

# Extreme finite inputs per dtype (and a few ordinary ones).
EXTREMES = {
    "float16": [65504.0, -65504.0, 60000.0, -60000.0, 11.0, -11.0, 11.5, 6.1e-05, 1.0, 0.5],
    "bfloat16": [BF16_MAX, -BF16_MAX, 3e38, -3e38, 1e30, -1e30, 89.0, -89.0, 1e-30, 1.0],
    "float32": [F32_MAX, -F32_MAX, 3e38, -3e38, 1.8e38, -1.8e38, 1.7e38, 1e30, -1e30,
                1e20, 89.0, -89.0, 88.0, 1e-30, 1.0, -1.0],
    "float64": [F64_MAX, -F64_MAX, 1e308, -1e308, 9e307, 1e300, -1e300, 710.0, -710.0,
                709.7, 1e-300, 1.0],
}

# float64 ops MLX's CPU computes in float64 (it computes the transcendental
# ones in float32, which overflows at these inputs).
EXACT_F64 = ["abs", "negative", "sign", "square", "sqrt", "floor", "ceil", "round"]

UNARY = ["abs", "negative", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp",
         "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "arcsin",
         "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
         "sigmoid", "erf", "erfinv", "floor", "ceil", "round"]


def two_d(vals):
    """A 2-d shape for `vals` (so that transposed layouts apply)."""
    n = len(vals)
    return [2, n // 2] if n % 2 == 0 else [1, n]


def gen_limits():
    fam = Family("limits")
    for op in UNARY:
        f = getattr(mx, op)
        for dt in FLOATS:
            if dt == "float64" and op not in EXACT_F64:
                continue  # MLX's CPU computes these float64 ops in float32
            x = EXTREMES[dt]
            fam.add(f"{op}_{dt}_extremes", op, [arr(x, dt, two_d(x))], {}, lambda a, f=f: f(a))
    for dt in FLOATS:
        x = EXTREMES[dt]
        y = list(reversed(x))
        for op in ["logaddexp", "arctan2", "remainder", "add", "subtract", "maximum"]:
            fam.add(f"{op}_{dt}_extremes", op, [arr(x, dt, two_d(x)), arr(y, dt, two_d(y))], {},
                    lambda a, b, f=getattr(mx, op): f(a, b))
        fam.add(f"logaddexp_{dt}_equal_extremes", "logaddexp", [arr(x, dt, two_d(x)), arr(x, dt, two_d(x))], {},
                lambda a, b: mx.logaddexp(a, b))
        big = [v for v in x if v > 10][:4]
        fam.add(f"logsumexp_{dt}_large", "logsumexp", [arr(big, dt, [2, 2])], {"axes": [1]},
                lambda a: mx.logsumexp(a, axis=1))
        fam.add(f"softmax_{dt}_large", "softmax", [arr(big, dt, [2, 2])], {"axes": [1]},
                lambda a: mx.softmax(a, axis=1))
        fam.add(f"logcumsumexp_{dt}_large", "logcumsumexp", [arr(big, dt, [2, 2])], {"axis": 1},
                lambda a: mx.logcumsumexp(a, axis=1))
    # round with decimals on every real dtype
    for dt in ["bool"] + INTS + FLOATS:
        if dt == "bool":
            vals = [True, False, True]
        elif dt in INTS:
            bits = int("".join(c for c in dt if c.isdigit()))
            top = 2 ** (bits - 1) - 1 if dt.startswith("i") else 2 ** bits - 1
            # no values whose float rounding leaves the dtype's range: the
            # float-to-int cast of those is undefined behaviour in MLX's C++
            vals = [0, 1, 5, 15, 25, 35, 45, 124, min(top // 3, 1234567891)]
            if dt.startswith("i"):
                vals += [-5, -15, -25, -124, -min(top // 3, 1234567891)]
        else:
            vals = rng_vals(3, 8, -3000, 3000, dt) + [15.0, 25.0, -25.0, 2.5, 0.05]
        for d in [-3, -2, -1, 1, 2]:
            fam.add(f"round_{dt}_decimals_{d}".replace("-", "neg"), "round", [arr(vals, dt, two_d(vals))],
                    {"decimals": d}, lambda a, d=d: mx.round(a, d))
    fam.add("round_int32_decimals_neg1_2d", "round", [arr(list(range(-6, 6)), "int32", [3, 4])],
            {"decimals": -1}, lambda a: mx.round(a, -1))
    fam.write()


def gen_arguments():
    fam = Family("arguments")
    # concatenate(axis=None): each array flattened, then joined
    m = arr(rng_vals(1, 6, -5, 5, "int32"), "int32", [2, 3])
    fam.add("concatenate_none_2d_1d", "concatenate", [m, arr([7, 8], "int32")], {"axis": None},
            lambda *a: mx.concatenate(list(a), axis=None))
    fam.add("concatenate_none_0d", "concatenate", [arr(3.5, "float32"), m], {"axis": None},
            lambda *a: mx.concatenate(list(a), axis=None))
    fam.add("concatenate_none_mixed_dtypes", "concatenate",
            [arr([1.5, 2.5], "float16"), m, arr([True], "bool")], {"axis": None},
            lambda *a: mx.concatenate(list(a), axis=None))
    fam.add("concatenate_none_empty", "concatenate",
            [arr([], "float32", [0, 3]), arr([1.0, 2.0], "float32", [2, 1])], {"axis": None},
            lambda *a: mx.concatenate(list(a), axis=None))
    fam.add("concatenate_none_3d", "concatenate",
            [arr(rng_vals(2, 24, -1, 1, "float32"), "float32", [2, 3, 4])], {"axis": None},
            lambda *a: mx.concatenate(list(a), axis=None))
    # linspace(endpoint=False)
    for tag, s, e, n, dt in [("0_1_5", 0.0, 1.0, 5, None), ("neg", -3.0, 7.0, 4, None),
                             ("num0", 0.0, 1.0, 0, None), ("num1", 2.0, 5.0, 1, None),
                             ("num2", 2.0, 5.0, 2, None), ("int32", 0.0, 10.0, 4, "int32"),
                             ("float16", 0.0, 1.0, 7, "float16"), ("float64", 1.0, 2.0, 3, "float64"),
                             ("bfloat16", -1.0, 1.0, 6, "bfloat16"), ("reverse", 5.0, -5.0, 5, None)]:
        for ep in [False, True]:
            args = {"start": s, "stop": e, "num": n, "endpoint": ep, "dtype": dt}
            kw = {"dtype": mx.__dict__[dt]} if dt else {}
            fam.add(f"linspace_{tag}_endpoint_{ep}", "linspace", [], args,
                    lambda s=s, e=e, n=n, ep=ep, kw=kw: mx.linspace(s, e, n, endpoint=ep, **kw))
    fam.add("linspace_negative_num", "linspace", [], {"start": 0.0, "stop": 1.0, "num": -1, "endpoint": False},
            lambda: mx.linspace(0.0, 1.0, -1, endpoint=False))
    # softmax: precise, no axis (every axis)
    for dt in ["float16", "bfloat16", "float32", "float64"]:
        a = arr(rng_vals(4, 24, -4, 4, dt), dt, [2, 3, 4])
        for tag, ax in [("all", None), ("last", [-1]), ("axis0", [0]), ("axes_0_2", [0, 2])]:
            for precise in [False, True]:
                if dt == "float64" and precise and ax not in (None, [-1]):
                    continue  # MLX computes these in float32; we keep float64
                fam.add(f"softmax_{dt}_{tag}_precise_{precise}", "softmax", [a],
                        {"axes": ax, "precise": precise},
                        lambda a, ax=ax, p=precise: mx.softmax(a, precise=p) if ax is None
                        else mx.softmax(a, axis=ax, precise=p))
    fam.add("softmax_float16_large_precise", "softmax",
            [arr([60000.0, 60000.0, 1.0, -60000.0], "float16")], {"axes": None, "precise": True},
            lambda a: mx.softmax(a, precise=True))
    fam.add("softmax_int32_all", "softmax", [arr([1, 2, 3, 4], "int32", [2, 2])], {"axes": None},
            lambda a: mx.softmax(a))
    # quantize family with an explicit mode
    w = arr(rng_vals(5, 128, -1, 1, "float32"), "float32", [2, 64])
    fam.add("quantize_affine", "quantize", [w], {"group_size": 64, "bits": 4, "mode": "affine"},
            lambda w: list(mx.quantize(w, 64, 4, mode="affine")))
    q, s, b = mx.quantize(w, 64, 4)
    fam.add("dequantize_affine", "dequantize", [q, s, b], {"group_size": 64, "bits": 4, "mode": "affine"},
            lambda q, s, b: mx.dequantize(q, s, b, 64, 4, mode="affine"))
    x = arr(rng_vals(6, 192, -1, 1, "float32"), "float32", [3, 64])
    fam.add("quantized_matmul_affine", "quantized_matmul", [x, q, s, b],
            {"group_size": 64, "bits": 4, "mode": "affine", "transpose": True},
            lambda x, q, s, b: mx.quantized_matmul(x, q, s, b, True, 64, 4, mode="affine"))
    fam.add("quantize_invalid_mode", "quantize", [w], {"group_size": 64, "bits": 4, "mode": "zz"},
            lambda w: list(mx.quantize(w, 64, 4, mode="zz")))
    fam.write()


if __name__ == "__main__":
    gen_limits()
    gen_arguments()
