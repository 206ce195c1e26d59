#!/usr/bin/env python3
"""Goldens for advanced indexing and indexed updates, from MLX 0.32.4.

Run from tests/golden: `python3 gen_indexing_adv.py` -> indexing_adv.json.

Index tuples are encoded as lists of items: {"index": i}, {"slice": [start,
stop, step]}, "newaxis", "...", or {"array": k} for input k (an index
array). Ops:
  index        inputs [a, idx arrays..]            a[ix]
  index_put    inputs [a, idx arrays.., values]    a[ix] = values (copy)
  at_<op>      inputs [a, idx arrays.., values]    a.at[ix].<op>(values)
  slice        inputs [a, start]                   mx.slice
  slice_update inputs [a, update, start]           mx.slice_update (dynamic)
  put_along_axis inputs [a, indices, values]       mx.put_along_axis
Out-of-bounds indices are undefined behaviour in MLX (it reads or writes
out of bounds), so they are not goldens; tests/ops/indexing_adv.rs checks
that ours errors instead.
"""

import mlx.core as mx

from gen_golden import Family, arr, rng_vals, ALL, INTS

E = Ellipsis


def spec(items, arrays):
    """Encode an index tuple; mx.array items become {"array": k} with k
    counted from 1 (input 0 is the indexed array)."""
    out = []
    for it in items:
        if it is None:
            out.append("newaxis")
        elif it is E:
            out.append("...")
        elif isinstance(it, int):
            out.append({"index": it})
        elif isinstance(it, slice):
            out.append({"slice": [it.start, it.stop, it.step if it.step is not None else 1]})
        else:
            arrays.append(it)
            out.append({"array": len(arrays)})
    return out


def I(v, dt="int32"):
    return arr(v, dt)


def main():
    fam = Family("indexing_adv")
    a = arr(list(range(60)), "int32", [3, 4, 5])
    f = arr(rng_vals(71, 60, -5, 5, "float32"), "float32", [3, 4, 5])

    # ------------------------------------------------------------ gathers
    index_cases = [
        ("arr_axis0", (I([2, 0, 2]),)),
        ("arr_neg", (I([-1, -3]),)),
        ("arr_2d", (I([[0, 1], [2, 0]]),)),
        ("arr_0d", (I(1),)),
        ("arr_empty", (I([]),)),
        ("arr_last_axis", (E, I([4, 0, -1]))),
        ("two_adjacent", (slice(None), I([1, 3]), I([0, 4]))),
        ("two_broadcast", (I([[0], [2]]), I([1, 3, 0]))),
        ("separated_by_slice", (I([1, 0]), slice(None), I([1, 2]))),
        ("separated_2d", (I([[0], [1]]), slice(None), I([0, 3, 2]))),
        ("int_and_arr_adjacent", (slice(None), 0, I([1, 0]))),
        ("int_then_slice_then_arr", (0, slice(None), I([1, 2]))),
        ("arr_slice_int", (I([1, 0]), slice(None), 0)),
        ("arr_int_int", (I([1, 0]), 1, 2)),
        ("int_arr_range", (0, I([1, 0]), slice(1, 3))),
        ("newaxis_separates", (I([1, 0]), None, I([1, 2]))),
        ("newaxis_before", (None, I([1, 0]), I([1, 2]))),
        ("int_newaxis_arr", (0, None, I([1, 0]))),
        ("arr_ellipsis_newaxis", (I([1, 0]), E, None)),
        ("reversed_slice_arr", (slice(None, None, -1), I([3, 1]), slice(None, None, 2))),
        ("uint8_int64_mix", (I([0, 1], "uint8"), I([2], "int64"))),
        ("uint32_idx", (I([2, 1], "uint32"),)),
        ("int16_idx", (I([-2, 1], "int16"),)),
        ("all_three_arrays", (I([0, 2]), I([3, 1]), I([4, 0]))),
    ]
    for tag, ix in index_cases:
        arrays = []
        sp = spec(ix, arrays)
        fam.add(f"index_{tag}", "index", [a] + arrays, {"index": sp}, lambda x, *_, ix=ix: x[ix])
        if tag in ("separated_by_slice", "two_adjacent", "arr_neg"):
            arrays = []
            sp = spec(ix, arrays)
            fam.add(f"index_float32_{tag}", "index", [f] + arrays, {"index": sp}, lambda x, *_, ix=ix: x[ix])
    for dt in ALL:
        x = arr(rng_vals(72, 6, 0, 9, dt), dt, [2, 3])
        ix = (slice(None), I([2, 0, 2]))
        arrays = []
        sp = spec(ix, arrays)
        fam.add(f"index_dtype_{dt}", "index", [x] + arrays, {"index": sp}, lambda x, *_, ix=ix: x[ix])
    fam.add("index_1d_arr_of_1d", "index", [arr([5, 6, 7], "float32"), I([2, 2, 0])],
            {"index": [{"array": 1}]}, lambda x, i: x[i])
    fam.add("index_float_indices_error", "index", [a, arr([1.0], "float32")],
            {"index": [{"array": 1}]}, lambda x, i: x[i])
    fam.add("index_empty_array_axis", "index", [arr([], "float32", [0, 3]), I([], "int32")],
            {"index": [{"array": 1}]}, lambda x, i: x[i])

    # ------------------------------------------------------ index_put / at
    upd_cases = [
        ("int", (1,), 100),
        ("neg_int", (-1, 2), 100),
        ("slice", (slice(1, 3),), arr(list(range(20)), "int32", [4, 5])),
        ("strided_neg", (slice(None), slice(None, None, -2)), arr([1, 2], "int32", [2, 1])),
        ("arr_rows", (I([2, 0]),), arr([[7], [8]], "int32", [2, 1, 1])),
        ("arr_dup", (I([0, 0, 2]),), arr([1, 2, 3], "int32", [3, 1, 1])),
        ("arr_neg", (I([-1]),), 5),
        ("two_arrays", (I([0, 2, 0]), I([1, 3, 1])), arr([10, 20, 30], "int32", [3, 1])),
        ("separated", (I([1, 0]), slice(None), I([1, 2])), arr(list(range(8)), "int32", [2, 4])),
        ("int_and_arr", (slice(None), 0, I([1, 0])), arr(list(range(6)), "int32", [3, 2])),
        ("newaxis", (I([0, 1]), None), 9),
        ("ellipsis_arr", (E, I([4, 0])), arr([1, 2], "int32")),
        ("ellipsis_all", (E,), arr([3, 4, 5, 6, 7], "int32")),
        ("newaxis_only", (None,), 2),
        ("empty_arr", (I([]),), 1),
        ("empty_slice", (slice(0, 0),), 1),
        ("leading_ones", (I([1]),), arr(list(range(20)), "int32", [1, 1, 4, 5])),
        ("range_arr", (slice(0, 2), I([3, 0])), arr([1, 2], "int32", [2, 1])),
        ("float_values_cast", (0, 0), arr([2.7], "float32")),
        ("bad_broadcast", (0,), arr([1, 2], "int32")),
        ("mask_elems", (a > 40,), arr(list(range(100, 119)), "int32")),
        ("mask_rows", (arr([True, False, True], "bool"),), arr(list(range(40)), "int32", [2, 4, 5])),
        ("mask_scalar", (arr([[True, False, False, True]] * 3, "bool"),), 7),
        ("mask_row_broadcast", (arr([False, True, True], "bool"),), arr(list(range(5)), "int32")),
    ]

    def put(x, ix, v):
        y = mx.array(x)
        mask = len(ix) == 1 and isinstance(ix[0], mx.array) and ix[0].dtype == mx.bool_
        y[ix[0] if mask else ix] = v
        return y

    for tag, ix, v in upd_cases:
        arrays = []
        sp = spec(ix, arrays)
        vv = v if isinstance(v, mx.array) else arr(v, "int32")
        fam.add(f"index_put_{tag}", "index_put", [a] + arrays + [vv], {"index": sp},
                lambda x, *r, ix=ix: put(x, ix, r[-1]))

    at_ops = ["add", "subtract", "multiply", "divide", "maximum", "minimum"]
    dup_ix = (I([0, 2, 0, 0]), slice(None), I([1, 3, 1, 1]))
    for op in at_ops:
        for dt in ["float32", "float16", "bfloat16", "int32", "uint8", "int64"]:
            x = arr(rng_vals(74, 60, 1, 6, dt), dt, [3, 4, 5])
            lo = 1 if dt == "uint8" else -4
            v = arr(rng_vals(75, 16, lo, 5, dt), dt, [4, 4])
            if op == "divide" and dt not in ("float32", "float16", "bfloat16"):
                v = arr([2] * 16, dt, [4, 4])
            elif op == "divide":
                v = arr([2.0, -0.5, 4.0, 1.25] * 4, dt, [4, 4])
            arrays = []
            sp = spec(dup_ix, arrays)
            fam.add(f"at_{op}_{dt}_dup", f"at_{op}", [x] + arrays + [v], {"index": sp},
                    lambda x, *r, op=op: getattr(x.at[dup_ix], op)(r[-1]))
        # basic index, scalar values, and a 1-d duplicate case
        arrays = []
        sp = spec((slice(1, 3), 2), arrays)
        fam.add(f"at_{op}_slice_scalar", f"at_{op}", [f, arr(1.5, "float32")], {"index": sp},
                lambda x, v, op=op: getattr(x.at[1:3, 2], op)(v))
        x1 = arr([1.0, 2.0, 3.0, 4.0], "float32")
        i1 = I([3, 3, 3, 0, -1])
        v1 = arr([2.0, 3.0, 0.5, -1.0, 4.0], "float32")
        fam.add(f"at_{op}_1d_dup_neg", f"at_{op}", [x1, i1, v1], {"index": [{"array": 1}]},
                lambda x, i, v, op=op: getattr(x.at[i], op)(v))
        fam.add(f"at_{op}_whole", f"at_{op}", [x1, v1[:4]], {"index": ["..."]},
                lambda x, v, op=op: getattr(x.at[...], op)(v))
    fam.add("at_add_int_float_values", "at_add", [a, I([0, 0]), arr(1.5, "float32")],
            {"index": [{"array": 1}]}, lambda x, i, v: x.at[i].add(v))
    fam.add("at_divide_int_by_int", "at_divide", [a, I([1]), arr(2, "int32")],
            {"index": [{"array": 1}]}, lambda x, i, v: x.at[i].divide(v))
    fam.add("at_add_0d_array", "at_add", [arr(5.0, "float32"), arr(2.0, "float32")],
            {"index": ["..."]}, lambda x, v: x.at[...].add(v))
    fam.add("at_add_bool", "at_add", [arr([False, True, False], "bool"), I([0, 0]), arr(True, "bool")],
            {"index": [{"array": 1}]}, lambda x, i, v: x.at[i].add(v))
    fam.add("at_maximum_int8_dup", "at_maximum", [arr([0, 0, 0], "int8"), I([1, 1, 2]), arr([5, -3, -7], "int8")],
            {"index": [{"array": 1}]}, lambda x, i, v: x.at[i].maximum(v))

    # ---------------------------------------------------- slice (dynamic)
    s = arr(list(range(12)), "int32", [3, 4])
    for tag, st, axes, size in [
        ("axis0", I(1), (0,), (1, 4)),
        ("axis1", I([1]), (1,), (3, 2)),
        ("both", I([1, 2]), (0, 1), (2, 2)),
        ("neg_axes", I([1, 0]), (-2, -1), (2, 3)),
        ("uint8_start", I([1, 2], "uint8"), (0, 1), (1, 2)),
        ("zero_size", I([1, 2]), (0, 1), (0, 2)),
        ("err_size_len", I([1, 2]), (0, 1), (1,)),
        ("err_too_big", I([1, 2]), (0, 1), (1, 5)),
        ("err_float_start", arr(1.0, "float32"), (0,), (1, 2)),
        ("err_repeat_axes", I([1, 1]), (0, 0), (1, 2)),
        ("err_count", I([1, 2]), (0,), (1, 2)),
        ("err_2d_start", I([[1]]), (0,), (1, 2)),
    ]:
        fam.add(f"slice_{tag}", "slice", [s, st], {"axes": list(axes), "slice_size": list(size)},
                lambda x, st, axes=axes, size=size: mx.slice(x, st, axes, size))
    for tag, up, st, axes in [
        ("both", arr([100, 101], "int32", [1, 2]), I([1, 1]), (0, 1)),
        ("row", arr([7, 8, 9, 10], "int32"), I([2]), (0,)),
        ("col_broadcast", arr([5], "int32", [1]), I([3]), (1,)),
        ("float_update_cast", arr([1.5, 2.5], "float32", [2, 1]), I([1, 0]), (0, 1)),
    ]:
        fam.add(f"slice_update_{tag}", "slice_update", [s, up, st], {"axes": list(axes)},
                lambda x, u, st, axes=axes: mx.slice_update(x, u, st, axes))

    # ------------------------------------------------------ put_along_axis
    p = arr(rng_vals(76, 12, -5, 5, "float32"), "float32", [3, 4])
    for tag, idx, vals, ax in [
        ("axis1", I([[0, 3], [1, 1], [2, 0]]), arr([1.0, 2.0], "float32", [1, 2]), 1),
        ("axis0", I([[2, 0, 1, 1]]), arr(9.0, "float32"), 0),
        ("neg", I([[-1], [-2], [0]]), arr([[7.0], [8.0], [9.0]], "float32"), -1),
        ("flat", I([11, 0, 5]), arr([1.0, 2.0, 3.0], "float32"), None),
        ("int_values", I([[1], [0], [3]]), arr([4], "int32"), 1),
    ]:
        fam.add(f"put_along_axis_{tag}", "put_along_axis", [p, idx, vals], {"axis": ax},
                lambda x, i, v, ax=ax: mx.put_along_axis(x, i, v, axis=ax))
    fam.write()


if __name__ == "__main__":
    main()
