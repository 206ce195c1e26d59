#!/usr/bin/env python3
"""Generate tests/golden/reduce_edges.json from real MLX 0.32.4 (CPU):
reductions over no axes (the input comes back unwidened), `mean` of
integers (MLX sums in the integer sum dtype, which wraps, then scales by
1/n), `var` built on that mean, and the dtype `softmax` returns for each
set of axes (floating over the last axis alone, the input's dtype
otherwise, an empty input as it is). Found by `gen_fuzz.py`.

Run from tests/golden: `python3 gen_reduce_edges.py`. Format as
gen_golden.py; the cases run through tests/ops/reduce.rs's `apply`.
"""

from gen_golden import Family, arr

import mlx.core as mx

INF = float("inf")


def gen():
    fam = Family("reduce_edges")
    # Reductions over no axes: MLX returns the input (all/any: as bool).
    for op in ["sum", "prod", "max", "min", "all", "any"]:
        for dt, vals in [("int8", [3, -2]), ("uint8", [200, 7]), ("bool", [True, False]),
                         ("int16", [300, -5]), ("float16", [1.5, -2.0])]:
            fam.add(f"{op}_{dt}_no_axes", op, [arr(vals, dt)], {"axes": []},
                    lambda a, op=op: getattr(mx, op)(a, axis=[]))
        fam.add(f"{op}_int8_0d", op, [arr(5, "int8")], {"axes": None},
                lambda a, op=op: getattr(mx, op)(a))
        fam.add(f"{op}_int16_2d_no_axes", op, [arr([3, -2, 7, 0], "int16", [2, 2])], {"axes": []},
                lambda a, op=op: getattr(mx, op)(a, axis=[]))
    # Integer means wrap in the sum's dtype, as MLX's do.
    fam.add("mean_int32_wraps", "mean", [arr([2147483647, 1, 1, 1], "int32")], {"axes": None}, mx.mean)
    fam.add("mean_uint32_wraps", "mean", [arr([2, 4294967295], "uint32")], {"axes": None}, mx.mean)
    fam.add("mean_int64_extremes", "mean",
            [arr([9223372036854775807, 1, -9223372036854775807, 5], "int64")], {"axes": None}, mx.mean)
    fam.add("mean_int32_axis", "mean", [arr([2147483647, 2147483647, 1, 3], "int32", [2, 2])],
            {"axes": [0]}, lambda a: mx.mean(a, axis=[0]))
    fam.add("mean_int8_no_axes", "mean", [arr([3, -4], "int8")], {"axes": []}, lambda a: mx.mean(a, axis=[]))
    fam.add("mean_bool", "mean", [arr([True, True, False], "bool")], {"axes": None}, mx.mean)
    fam.add("var_int32_wraps", "var", [arr([2147483647, 1, 1, 1], "int32")], {"axes": None}, mx.var)
    fam.add("var_int16", "var", [arr([300, -5, 7, 1000], "int16")], {"axes": None}, mx.var)
    fam.add("var_int32_2d_wraps", "var", [arr([2147483647, 5, 2147483647, 9], "int32", [2, 2])],
            {"axes": [0]}, lambda a: mx.var(a, axis=[0]))
    fam.add("std_int32_2d_wraps", "std", [arr([2147483647, 5, 2147483647, 9], "int32", [2, 2])],
            {"axes": [0]}, lambda a: mx.std(a, axis=[0]))
    fam.add("std_uint32_wraps", "std", [arr([4294967295, 3, 0, 9], "uint32")], {"axes": None}, mx.std)
    # softmax: which axes give a floating result.
    z = lambda shape, dt="int16": mx.zeros(shape, dtype=getattr(mx, dt))  # noqa: E731
    cases = [
        ("no_axes_float32", arr([1.0, 2.0], "float32"), []),
        ("no_axes_inf", arr([INF, 1.0], "float32"), []),
        ("no_axes_int16", arr([3, 4], "int16"), []),
        ("0d_int16", arr(3, "int16"), None),
        ("0d_float16", arr(3.0, "float16"), None),
        ("int16_axis0", arr([3, 4, 5, 7], "int16", [2, 2]), [0]),
        ("int16_axis1", arr([3, 4, 5, 7], "int16", [2, 2]), [1]),
        ("int16_all", arr([3, 4, 5, 7], "int16", [2, 2]), None),
        ("int16_1x2_all", arr([3, 4], "int16", [1, 2]), None),
        ("int16_2x1_all", arr([3, 4], "int16", [2, 1]), None),
        ("int16_2x1x3_unit_then_last", z((2, 1, 3)), [1, 2]),
        ("int16_2x3x1_not_unit", z((2, 3, 1)), [1, 2]),
        ("int16_1x2x3_gap", z((1, 2, 3)), [0, 2]),
        # The axes as written must be consecutive: [1, 2] and [-2, -1] give a
        # float result on (1, 1, 3), [2, 1] and [1, -1] the input dtype.
        ("int16_1x1x3_unit_then_last", z((1, 1, 3)), [1, 2]),
        ("int16_1x1x3_negative_run", z((1, 1, 3)), [-2, -1]),
        ("int16_1x1x3_reversed", z((1, 1, 3)), [2, 1]),
        ("int16_1x1x3_mixed_signs", z((1, 1, 3)), [1, -1]),
        ("int16_1x1x3_all_reversed", z((1, 1, 3)), [2, -2, 0]),
        ("int16_empty_all", z((0, 3)), None),
        ("int16_empty_last", z((0, 3)), [1]),
        ("float32_empty_bad_axis", arr([], "float32", [0, 3]), [5]),
    ]
    for tag, a, ax in cases:
        fam.add(f"softmax_{tag}", "softmax", [a], {"axes": ax},
                lambda a, ax=ax: mx.softmax(a, axis=ax) if ax is not None else mx.softmax(a))
    # Integer softmax off the kernel subtracts the maximum in the integer
    # dtype (uint8 0 - 255 wraps to 1) unless precise casts to float32 first.
    u = arr([0, 255, 0, 0, 5, 0], "uint8", [3, 2])
    for tag, ax, prec in [("uint8_wrap_two_axes", [0, -1], False),
                          ("uint8_wrap_axis0", [0], False),
                          ("uint8_precise_two_axes", [0, -1], True),
                          ("int8_wrap_axis0", [0], False)]:
        a = u if tag.startswith("uint8") else arr([-128, 127, 100, -100, 5, 0], "int8", [3, 2])
        fam.add(f"softmax_{tag}", "softmax", [a], {"axes": ax, "precise": prec},
                lambda a, ax=ax, p=prec: mx.softmax(a, axis=ax, precise=p))
    fam.write()


if __name__ == "__main__":
    gen()
