#!/usr/bin/env python3
"""Generate tests/golden/edge_cases.json from real MLX 0.32.4 (CPU): the
disagreements the differential fuzz (gen_fuzz.py) found in the core ops.

- flatten: negative axes add ndim once, then start clamps up to 0 and end
  down to ndim - 1; a start past the end is MLX's error; 0-d gives [1].
- pad: `edge` of an empty array is zeros (an empty axis padded on one
  side only is MLX's broadcast error); `reflect`/`symmetric` refuse to pad
  an empty axis; an int constant a narrow int dtype cannot hold is MLX's
  "Converting 300 to int8 would result in overflow." in every mode.
- concatenate: one array comes back as it is, whatever the axis (even
  0-d); two or more check the axis.
- argmax/argmin: any empty input is an error, whatever the axis.
- median: an empty axis list fails in MLX's flatten unless the input is 0-d.
- clip: each bound is a weak scalar of its own Python type (an int bound
  under a uint8 array overflows even when the other bound is a float).
- weak scalars: a Python int next to a 1-, 2- or 4-byte integer array is
  range checked; next to int64/uint64 it wraps (uint64 + (-3)); next to a
  bool array it becomes int32 and wraps (bool + 2**40 adds 0).

Run from tests/golden: `python3 gen_edge_cases.py`. Format as gen_golden.py;
scalars are in "args" as JSON ints or floats (the Python type matters).
"""

from gen_golden import Family, arr

import mlx.core as mx


def gen_edge_cases():
    fam = Family("edge_cases")

    # ---------------------------------------------------------- flatten
    shapes = {"1d": [2], "4d": [2, 3, 1, 2], "0d": [], "empty": [0, 3]}
    axes = [(0, 1), (0, 5), (-5, 0), (-5, -5), (1, 0), (-1, -2), (5, 6), (-10, 10),
            (4, 4), (0, -1), (-2, 0), (0, -2), (1, 1), (3, -3), (2, 3)]
    for sname, sh in shapes.items():
        n = 1
        for d in sh:
            n *= d
        x = arr(list(range(n)), "int32", sh)
        for s, e in axes:
            fam.add(f"flatten_{sname}_{s}_{e}", "flatten", [x], {"start_axis": s, "end_axis": e},
                    lambda a, s=s, e=e: mx.flatten(a, s, e))

    # -------------------------------------------------------------- pad
    def pad_case(name, x, pw, mode, cv):
        fam.add(name, "pad", [x], {"pad_width": pw, "mode": mode, "constant_values": cv},
                lambda a: mx.pad(a, [tuple(p) for p in pw], mode=mode, constant_values=cv))

    empties = {
        "0x4_bf16": arr([], "bfloat16", [0, 4]),
        "3x0": arr([], "float32", [3, 0]),
        "0_i32": arr([], "int32", [0]),
        "0x3": arr([], "float32", [0, 3]),
    }
    for mode in ["constant", "edge", "reflect", "symmetric"]:
        for ename, x in empties.items():
            nd = len(x.shape)
            for pi, pw in enumerate([[[1, 3]], [[1, 2]] + [[0, 0]] * (nd - 1),
                                     [[0, 0]] * (nd - 1) + [[1, 2]], [[0, 2]] * nd,
                                     [[2, 0]] * nd, [[1, 2], [0, 1]][:nd]]):
                if len(pw) not in (1, nd):
                    continue
                pad_case(f"pad_{mode}_{ename}_{pi}", x, pw, mode, 5)
        # int constants a narrow dtype cannot hold, and ones it can
        for dt in ["int8", "uint8", "int16", "uint32", "int64", "uint64", "bool", "float16"]:
            x = arr([1, 2, 1, 1], dt, [2, 2])
            for cv in [300, -1, 128, 2**40, 1.5]:
                pad_case(f"pad_{mode}_{dt}_cv{cv}", x, [[1, 1]], mode, cv)

    # ------------------------------------------------------ concatenate
    a = arr([1, 2, 3, 4], "int32", [2, 2])
    s = arr([5], "int32", [])
    e = arr([], "float32", [0, 2])
    for ax in [0, 1, 2, 3, -1, -3, 100, None]:
        tag = "none" if ax is None else ax
        for nm, xs in [("one", [a]), ("scalar", [s]), ("empty", [e]), ("two", [a, a]),
                       ("two_scalars", [s, s])]:
            fam.add(f"concatenate_{nm}_{tag}", "concatenate", xs, {"axis": ax},
                    lambda *xs, ax=ax: mx.concatenate(list(xs), axis=ax))

    # --------------------------------------------------- argmax / argmin
    for op in ["argmax", "argmin"]:
        f = getattr(mx, op)
        for sh, ax in [([3, 0], 1), ([3, 0], 0), ([0, 3], 0), ([0, 3], 1), ([0], 0),
                       ([0], None), ([3, 0], None), ([2, 0, 3], 2), ([0], 5), ([3, 2], 1),
                       ([3, 2], None), ([], None)]:
            n = 1
            for d in sh:
                n *= d
            x = arr([(i * 7) % 5 for i in range(n)], "float32", sh)
            for kd in [False, True] if sh else [False]:
                # (MLX 0.32.4 crashes on a 0-d input with keepdims.)
                fam.add(f"{op}_{'x'.join(map(str, sh)) or 'scalar'}_{ax}_{kd}", op, [x],
                        {"axis": ax, "keepdims": kd},
                        lambda v, f=f, ax=ax, kd=kd: f(v, axis=ax, keepdims=kd))

    # ----------------------------------------------------------- median
    for sh in [[2, 2], [3], []]:
        n = 1
        for d in sh:
            n *= d
        x = arr([float((i * 3) % 4) for i in range(n)], "float32", sh)
        for axs in [[], None, [0]]:
            if axs == [0] and not sh:
                continue
            for kd in [False, True]:
                fam.add(f"median_{'x'.join(map(str, sh)) or 'scalar'}_{axs}_{kd}", "median", [x],
                        {"axes": axs, "keepdims": kd},
                        lambda v, axs=axs, kd=kd: mx.median(v, axis=axs, keepdims=kd))

    # ------------------------------------------------------------- clip
    for dt in ["uint8", "int8", "uint64", "int32", "bool", "float16"]:
        x = arr([0, 1, 2, 1], dt, [2, 2])
        for lo, hi in [(-5, 2.5), (-5, 3), (0, 300), (0.5, 300), (None, -1), (-3.5, None),
                       (0, 2)]:
            fam.add(f"clip_{dt}_{lo}_{hi}", "clip", [x], {"a_min": lo, "a_max": hi},
                    lambda v, lo=lo, hi=hi: mx.clip(v, lo, hi))

    # ------------------------------------------------------ weak scalars
    ops = {
        "add": lambda v, k: v + k,
        "subtract": lambda v, k: k - v,
        "multiply": lambda v, k: v * k,
        "divide": lambda v, k: v / k,
        "maximum": lambda v, k: mx.maximum(v, k),
        "equal": lambda v, k: v == k,
        "where": lambda v, k: mx.where(mx.array([True, False]), v, k),
    }
    vals = {
        "bool": [True, False],
        "uint8": [1, 200], "uint16": [1, 5], "uint32": [1, 5], "uint64": [1, 5],
        "int8": [1, -5], "int16": [1, -5], "int32": [1, -5], "int64": [1, -5],
        "float16": [1.0, -5.0], "float32": [1.0, -5.0],
    }
    for dt, vs in vals.items():
        x = arr(vs + vs[::-1], dt, [2, 2])
        for k in [2**40, 2**31, -2**31 - 1, -3, -1, 300, 7]:
            for op, f in ops.items():
                fam.add(f"{op}_{dt}_{k}", op, [x], {"scalar": k},
                        lambda v, f=f, k=k: f(v, k))
    fam.write()


if __name__ == "__main__":
    gen_edge_cases()
