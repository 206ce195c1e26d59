#!/usr/bin/env python3
"""Generate tests/golden/bitwise.json from real MLX 0.32.4 (CPU): bitwise
and/or/xor, shifts and bitwise_invert on every dtype (floats and complex
give MLX's errors), mixed-dtype promotion, broadcasting, 0-d and size-0
inputs, and shift amounts past the bit width or negative.

Run from tests/golden: `python3 gen_bitwise.py`. Format as gen_golden.py.

Shift amounts that are negative or at least the width are undefined
behaviour in MLX's C++ (on x86 its array-by-array kernels take the amount
modulo the promoted width, its scalar-broadcast kernel gives 0), so those
cases (`*_wide_amounts`, `*_out_of_range_*`) take NumPy's rule as the
oracle: every bit is shifted out, giving 0, or -1 for a negative value
shifted right (issue 12).
"""

import numpy as np

from gen_golden import ALL, INTS, Family, arr, rng_vals


def numpy_shift(op):
    """`op` computed by NumPy on the MLX inputs, as an MLX array."""
    import mlx.core as mx
    return lambda a, b: mx.array(getattr(np, op)(np.array(a), np.array(b)))

BITS = {"uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64,
        "int8": 8, "int16": 16, "int32": 32, "int64": 64}
BINARY = ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"]


def gen():
    import mlx.core as mx
    fam = Family("bitwise")
    for op in BINARY:
        f = getattr(mx, op)
        shift = op.endswith("shift")
        for dt in ALL:
            if dt == "bool":
                a = [True, False, True, False, True, True]
                b = [True, True, False, False, False, True]
            elif dt in INTS:
                bits = BITS[dt]
                unsigned = dt.startswith("u")
                hi = min(2 ** (bits - 1), 2 ** 31)
                a = rng_vals(1, 6, 0 if unsigned else -hi, hi, dt)
                b = rng_vals(2, 6, 0, bits, dt) if shift else rng_vals(3, 6, 0 if unsigned else -hi, hi, dt)
            elif dt == "complex64":
                a = rng_vals(5, 6, -2, 2, dt)
                b = rng_vals(6, 6, -2, 2, dt)
            else:
                a = rng_vals(7, 6, -4, 4, dt)
                b = rng_vals(8, 6, 0, 4, dt)
            fam.add(f"{op}_{dt}", op, [arr(a, dt, [2, 3]), arr(b, dt, [2, 3])], {}, f)
        ia = rng_vals(11, 24, -100, 100, "int32")
        ib = rng_vals(12, 4, 0, 5, "int32")
        fam.add(f"{op}_broadcast_3d_1d", op, [arr(ia, "int32", [2, 3, 4]), arr(ib, "int32", [4])], {}, f)
        fam.add(f"{op}_broadcast_col_row", op, [arr(ia[:3], "int32", [3, 1]), arr(ib, "int32", [1, 4])], {}, f)
        fam.add(f"{op}_broadcast_0d", op, [arr(ia[:6], "int32", [2, 3]), arr(3, "int32")], {}, f)
        fam.add(f"{op}_broadcast_0d_lhs", op, [arr(5, "int32"), arr(ib[:3], "int32", [3])], {}, f)
        fam.add(f"{op}_0d", op, [arr(-6, "int16"), arr(2, "int16")], {}, f)
        fam.add(f"{op}_empty", op, [arr([], "int32", [0, 4]), arr(ib, "int32", [4])], {}, f)
        # promotion: int8 with uint8 is int16, bool with int8 is int8,
        # uint64 with int64 promotes to float32 and is rejected
        # 1 << 200 is out of range: NumPy's rule (see the docstring)
        fam.add(f"{op}_int8_uint8_mixed", op, [arr([1, -2, 3], "int8"), arr([200, 2, 1], "uint8")], {},
                numpy_shift(op) if shift else f)
        fam.add(f"{op}_bool_int8_mixed", op, [arr([True, False, True], "bool"), arr([3, 1, 2], "int8")], {}, f)
        fam.add(f"{op}_uint64_int64_mixed", op, [arr([1, 2], "uint64"), arr([1, 2], "int64")], {}, f)
        fam.add(f"{op}_int32_float32_mixed", op, [arr([1, 2], "int32"), arr([1.0, 2.0], "float32")], {}, f)
        fam.add(f"{op}_uint64_int64_bad_shapes", op, [arr([1, 2], "uint64"), arr([1, 2, 3], "int64")], {}, f)
    # extremes of each integer dtype
    for dt in INTS:
        bits = BITS[dt]
        if dt.startswith("u"):
            x = [0, 1, 2 ** bits - 1, 2 ** (bits - 1), 5, 2 ** bits - 2]
        else:
            x = [-(2 ** (bits - 1)), -1, 2 ** (bits - 1) - 1, 0, -5, 7]
        y = list(reversed(x))
        for op in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
            fam.add(f"{op}_{dt}_extremes", op, [arr(x, dt), arr(y, dt)], {}, getattr(mx, op))
        # shift amounts at, past and below the width (array by array)
        amounts = [bits - 1, bits, bits + 1, 31, 32, 33, 63, 64, 65]
        amounts = [s for s in amounts if s < 2 ** bits // (1 if dt.startswith("u") else 2)]
        neg = [] if dt.startswith("u") else [-1, -3, -bits, -33]
        sh = amounts + neg
        vals = ([7, 1, 2 ** (bits - 1) - 1] if dt.startswith("u") else [7, -8, -1])
        xs = [vals[i % len(vals)] for i in range(len(sh))]
        for op in ["left_shift", "right_shift"]:
            fam.add(f"{op}_{dt}_wide_amounts", op, [arr(xs, dt), arr(sh, dt)], {}, numpy_shift(op))
            # one amount broadcast over an array (MLX's scalar kernel path)
            fam.add(f"{op}_{dt}_out_of_range_scalar", op, [arr(xs, dt), arr(sh[1], dt)], {},
                    numpy_shift(op))
    fam.add("right_shift_int8_negative_arithmetic", "right_shift",
            [arr([-128, -127, -8, -1, 127, 64], "int8"), arr([1, 3, 2, 7, 6, 7], "int8")], {}, mx.right_shift)
    fam.add("right_shift_int64_negative_arithmetic", "right_shift",
            [arr([-(2 ** 63), -(2 ** 40), -3, -1], "int64"), arr([63, 20, 1, 62], "int64")], {}, mx.right_shift)
    fam.add("right_shift_uint32_logical", "right_shift",
            [arr([2 ** 32 - 1, 2 ** 31, 12345], "uint32"), arr([31, 31, 4], "uint32")], {}, mx.right_shift)
    fam.add("left_shift_uint8_wraps", "left_shift", [arr([255, 129, 3], "uint8"), arr([1, 1, 7], "uint8")], {}, mx.left_shift)
    fam.add("left_shift_int16_into_sign", "left_shift", [arr([1, 3, -1], "int16"), arr([15, 14, 15], "int16")], {}, mx.left_shift)
    # bitwise_invert
    for dt in ALL:
        if dt == "bool":
            x = [True, False, True, False, True, True]
        elif dt in INTS:
            bits = BITS[dt]
            x = ([0, 1, 5, 2 ** bits - 1, 2 ** (bits - 1), 77] if dt.startswith("u")
                 else [0, -1, 5, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1, -77])
        else:
            x = rng_vals(9, 6, -3, 3, dt)
        fam.add(f"bitwise_invert_{dt}", "bitwise_invert", [arr(x, dt, [2, 3])], {}, mx.bitwise_invert)
    fam.add("bitwise_invert_0d", "bitwise_invert", [arr(12, "int32")], {}, mx.bitwise_invert)
    fam.add("bitwise_invert_empty", "bitwise_invert", [arr([], "uint16", [0, 3])], {}, mx.bitwise_invert)
    fam.write()


if __name__ == "__main__":
    gen()
