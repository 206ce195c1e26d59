#!/usr/bin/env python3
"""Goldens for the composite ops (structure, products, einsum) and the
convolutions, from real MLX 0.32.4 (CPU). Run from tests/golden:
`python3 gen_composite.py`. Writes composite.json, composite_mm.json and conv.json in the
format described in gen_golden.py.
"""

import mlx.core as mx

from gen_golden import Family, arr, rng_vals


def f32(seed, shape, lo=-2, hi=2, dtype="float32"):
    n = 1
    for d in shape:
        n *= d
    return arr(rng_vals(seed, n, lo, hi, dtype), dtype, list(shape))


def gen_structure(fam):
    a23 = arr(list(range(6)), "int32", [2, 3])
    f234 = f32(1, [2, 3, 4])
    # pad
    for tag, x, pw, mode, cv in [
        ("int_all", a23, [[1, 1]], "constant", 0),
        ("pair_all", a23, [[1, 2]], "constant", 0),
        ("per_axis", f234, [[0, 1], [2, 0], [1, 1]], "constant", 0),
        ("value_cast_int", a23, [[1, 1]], "constant", 2.5),
        ("value_float", f234, [[1, 0]], "constant", -1.5),
        ("f16", f32(2, [3], dtype="float16"), [[2, 1]], "constant", 0.5),
        ("bf16", f32(3, [2, 2], dtype="bfloat16"), [[1, 1]], "constant", 1),
        ("empty", arr([], "float32", [0, 2]), [[1, 1]], "constant", 0),
        ("zero_width", a23, [[0, 0]], "constant", 0),
        ("edge", f234, [[1, 2], [0, 3], [2, 0]], "edge", 0),
        ("edge_int", a23, [[2, 2]], "edge", 0),
        ("reflect", a23, [[1, 2]], "reflect", 0),
        ("symmetric", a23, [[2, 1]], "symmetric", 0),
        ("bool", arr([True, False], "bool"), [[1, 1]], "constant", 1),
    ]:
        fam.add(f"pad_{tag}", "pad", [x], {"pad_width": pw, "mode": mode, "constant_values": cv},
                lambda x, pw=pw, mode=mode, cv=cv: mx.pad(x, [tuple(p) for p in pw] if len(pw) > 1 else tuple(pw[0]),
                                                         mode=mode, constant_values=cv))
    # tile
    for tag, x, reps in [("1d", arr([1, 2, 3], "int32"), [2]), ("2d_short_reps", a23, [2]),
                         ("long_reps", arr([1.5, 2.5], "float32"), [2, 1, 3]), ("zero", a23, [0, 2]),
                         ("0d", arr(7, "int32"), [3]), ("3d", f234, [1, 2, 1]), ("f16", f32(4, [2], dtype="float16"), [2, 2])]:
        fam.add(f"tile_{tag}", "tile", [x], {"reps": reps}, lambda x, reps=reps: mx.tile(x, reps))
    # repeat
    for tag, x, r, ax in [("flat", a23, 2, None), ("axis0", a23, 3, 0), ("axis1", a23, 2, 1), ("neg_axis", f234, 2, -1),
                          ("zero", a23, 0, 1), ("0d", arr(2.5, "float32"), 3, None), ("bool", arr([True, False], "bool"), 2, 0),
                          ("negative", a23, -1, 0), ("bad_axis", a23, 2, 2)]:
        fam.add(f"repeat_{tag}", "repeat", [x], {"repeats": r, "axis": ax}, lambda x, r=r, ax=ax: mx.repeat(x, r, ax))
    # roll
    for tag, x, sh, ax in [("flat", a23, [1], None), ("flat_tuple", a23, [1, 2], None), ("axis0", a23, [1], [0]),
                           ("neg_shift", a23, [-1], [1]), ("big_shift", a23, [7], [1]), ("two_axes", f234, [1, -2], [0, 2]),
                           ("one_shift_two_axes", f234, [1], [1, 2]), ("neg_axis", f234, [2], [-1]),
                           ("empty", arr([], "float32", [0, 3]), [1], [0]), ("count_mismatch", a23, [1, 2, 3], [0, 1])]:
        def f(x, sh=sh, ax=ax):
            s = sh[0] if len(sh) == 1 else tuple(sh)
            a = None if ax is None else (ax[0] if len(ax) == 1 else tuple(ax))
            return mx.roll(x, s, a)
        fam.add(f"roll_{tag}", "roll", [x], {"shift": sh, "axis": ax}, f)
    # tril / triu
    sq = f32(5, [4, 4])
    for op in ["tril", "triu"]:
        for tag, x, k in [("k0", sq, 0), ("k1", sq, 1), ("k_neg", sq, -2), ("wide", f32(6, [3, 5]), 1),
                          ("tall", arr(list(range(12)), "int32", [4, 3]), -1), ("batch", f234, 0),
                          ("bool", arr([True] * 9, "bool", [3, 3]), 0), ("1d", arr([1, 2, 3], "int32"), 0)]:
            fam.add(f"{op}_{tag}", op, [x], {"k": k}, lambda x, k=k, op=op: getattr(mx, op)(x, k))
    # diag / diagonal / trace
    v = arr([1.5, -2.0, 3.0], "float32")
    for tag, x, k in [("1d", v, 0), ("1d_k2", v, 2), ("1d_kneg", v, -1), ("1d_int", arr([1, 2], "int32"), 1),
                      ("2d", sq, 0), ("2d_k1", sq, 1), ("2d_kneg", f32(7, [3, 5]), -2), ("2d_out_of_range", sq, 5),
                      ("empty_1d", arr([], "float32", [0]), 0), ("3d", f234, 0)]:
        fam.add(f"diag_{tag}", "diag", [x], {"k": k}, lambda x, k=k: mx.diag(x, k))
    a345 = arr(list(range(60)), "int32", [3, 4, 5])
    for tag, x, o, a1, a2 in [("2d", sq, 0, 0, 1), ("offset", sq, 1, 0, 1), ("neg_offset", sq, -1, 0, 1),
                              ("swapped_axes", f32(8, [3, 5]), 1, 1, 0), ("3d_12", a345, 0, 1, 2), ("3d_02", a345, 1, 0, 2),
                              ("3d_neg", a345, -1, -1, 0), ("big_offset", sq, 4, 0, 1), ("same_axes", sq, 0, 1, 1),
                              ("1d", v, 0, 0, 1)]:
        fam.add(f"diagonal_{tag}", "diagonal", [x], {"offset": o, "axis1": a1, "axis2": a2},
                lambda x, o=o, a1=a1, a2=a2: mx.diagonal(x, o, a1, a2))
    for tag, x, o, a1, a2, dt in [("2d", sq, 0, 0, 1, None), ("int8", arr(list(range(9)), "int8", [3, 3]), 0, 0, 1, None),
                                  ("offset", sq, 1, 0, 1, None), ("3d", a345, 0, 1, 2, None),
                                  ("dtype_f32", a345, -1, 0, 2, "float32"), ("f16", f32(9, [3, 3], dtype="float16"), 0, 0, 1, None),
                                  ("1d", v, 0, 0, 1, None)]:
        fam.add(f"trace_{tag}", "trace", [x], {"offset": o, "axis1": a1, "axis2": a2, "dtype": dt},
                lambda x, o=o, a1=a1, a2=a2, dt=dt: mx.trace(x, o, a1, a2, None if dt is None else getattr(mx, dt)))
    # meshgrid
    x3, y2, z2 = arr([1, 2, 3], "int32"), arr([4.5, 5.5], "float32"), arr([7, 8], "int32")
    for tag, ins, sparse, ind in [("xy", [x3, y2], False, "xy"), ("ij", [x3, y2], False, "ij"),
                                  ("sparse", [x3, y2], True, "xy"), ("three", [x3, y2, z2], False, "xy"),
                                  ("one", [x3], False, "xy"), ("2d_input", [arr([1, 2, 3, 4], "int32", [2, 2]), y2], False, "ij"),
                                  ("bad_indexing", [x3], False, "foo")]:
        fam.add(f"meshgrid_{tag}", "meshgrid", ins, {"sparse": sparse, "indexing": ind},
                lambda *a, sparse=sparse, ind=ind: mx.meshgrid(*a, sparse=sparse, indexing=ind))
    # atleast
    for n in [1, 2, 3]:
        for tag, x in [("0d", arr(2.0, "float32")), ("1d", arr([1, 2], "int32")), ("2d", a23), ("3d", f234),
                       ("4d", arr(list(range(4)), "int32", [1, 2, 2, 1]))]:
            fam.add(f"atleast_{n}d_{tag}", f"atleast_{n}d", [x], {}, lambda x, n=n: getattr(mx, f"atleast_{n}d")(x))
    # as_strided
    a10 = arr(list(range(10)), "float32")
    for tag, x, shape, strides, off in [("windows", a10, [4, 3], [2, 1], 0), ("offset", a10, [3, 2], [1, 2], 1),
                                        ("zero_stride", a10, [2, 3], [0, 1], 4), ("2d_input", a23, [3, 2], [1, 3], 0),
                                        ("default", a23, None, None, 0)]:
        fam.add(f"as_strided_{tag}", "as_strided", [x], {"shape": shape, "strides": strides, "offset": off},
                lambda x, shape=shape, strides=strides, off=off: mx.as_strided(x, shape, strides, off))
    # unflatten
    for tag, x, ax, shape in [("basic", arr(list(range(12)), "int32", [12]), 0, [3, 4]), ("infer", f234, 2, [2, -1]),
                              ("neg_axis", f234, -2, [3, 1]), ("bad_size", a23, 1, [2, 2]), ("two_infer", a23, 1, [-1, -1]),
                              ("empty_shape", a23, 1, [])]:
        fam.add(f"unflatten_{tag}", "unflatten", [x], {"axis": ax, "shape": shape},
                lambda x, ax=ax, shape=shape: mx.unflatten(x, ax, shape))


def gen_products(fam):
    a = f32(11, [2, 3])
    b = f32(12, [3, 4])
    c3 = f32(13, [2, 3, 4])
    for tag, x, y, ax in [("int1", a, b, 1), ("int2", c3, f32(14, [3, 4, 2]), 2), ("int0", a, f32(15, [2]), 0),
                          ("lists", f32(16, [3, 2]), f32(17, [4, 3]), [[0], [1]]),
                          ("lists2", c3, f32(18, [4, 2, 5]), [[0, 2], [1, 0]]), ("neg_axes", a, b, [[-1], [0]]),
                          ("f16", f32(19, [2, 3], dtype="float16"), f32(20, [3, 2], dtype="float16"), 1),
                          ("negative", a, b, -1), ("too_many", a, b, 3), ("mismatch", a, a, [[0], [1]]),
                          ("int_dtype", arr(list(range(6)), "int32", [2, 3]), arr(list(range(6)), "int32", [3, 2]), 1)]:
        fam.add(f"tensordot_{tag}", "tensordot", [x, y], {"axes": ax}, lambda x, y, ax=ax: mx.tensordot(x, y, ax))
    for tag, x, y in [("1d", f32(21, [3]), f32(22, [3])), ("2d_3d", a, f32(23, [2, 4, 3])), ("0d", arr(2.0, "float32"), a),
                      ("mismatch", a, b)]:
        fam.add(f"inner_{tag}", "inner", [x, y], {}, lambda x, y: mx.inner(x, y))
    for tag, x, y in [("1d", f32(24, [3]), f32(25, [2])), ("int", arr([1, 2], "int32"), arr([3, 4, 5], "int32")),
                      ("2d", a, f32(26, [2, 2])), ("0d", arr(3, "int32"), arr([1, 2], "int32"))]:
        fam.add(f"outer_{tag}", "outer", [x, y], {}, lambda x, y: mx.outer(x, y))
    for tag, x, y in [("1d", arr([1, 10], "int32"), arr([1, 2, 3], "int32")), ("2d", a, f32(27, [2, 2])),
                      ("mixed_rank", arr([1, 2], "int32"), arr(list(range(6)), "int32", [2, 3])),
                      ("3d", f32(28, [2, 1, 2]), f32(29, [1, 2, 2])), ("empty", arr([], "float32"), a)]:
        fam.add(f"kron_{tag}", "kron", [x, y], {}, lambda x, y: mx.kron(x, y))
    for tag, c, x, y, al, be in [("2d", f32(30, [2, 4]), a, b, 1.0, 1.0), ("alpha_beta", f32(31, [2, 4]), a, b, 2.0, -0.5),
                                 ("bcast_c", f32(32, [4]), a, b, 0.5, 3.0),
                                 ("batched", f32(33, [2, 2, 4]), f32(34, [2, 2, 3]), b, 1.0, 1.0),
                                 ("vec_a", f32(35, [4]), f32(36, [3]), b, 1.0, 2.0),
                                 ("vec_b", f32(37, [2]), a, f32(38, [3]), 1.0, 1.0),
                                 ("f16", f32(39, [2, 4], dtype="float16"), f32(40, [2, 3], dtype="float16"),
                                  f32(41, [3, 4], dtype="float16"), 1.0, 1.0),
                                 ("int", arr([1, 2], "int32"), arr([1, 2], "int32", [1, 2]), arr([1, 2], "int32", [2, 1]), 1.0, 1.0),
                                 ("mismatch", f32(42, [2, 4]), a, a, 1.0, 1.0), ("0d", arr(1.0, "float32"), arr(1.0, "float32"), b, 1.0, 1.0),
                                 ("bad_c", f32(43, [3, 4]), a, b, 1.0, 1.0)]:
        fam.add(f"addmm_{tag}", "addmm", [c, x, y], {"alpha": al, "beta": be},
                lambda c, x, y, al=al, be=be: mx.addmm(c, x, y, al, be))
    # gather_mm
    ga, gb = f32(44, [3, 2, 4]), f32(45, [5, 4, 3])
    for tag, ins, has_l, has_r in [("both", [ga, gb, arr([0, 2, 1], "int32"), arr([4, 1, 1], "int32")], True, True),
                                   ("lhs_only", [ga, f32(46, [4, 3]), arr([2, 0], "int32", [2, 1])], True, False),
                                   ("rhs_only", [f32(47, [4]), gb, arr([3, 0], "uint32")], False, True),
                                   ("bcast", [ga, gb, arr([0, 1], "int32", [2, 1]), arr([0, 1, 2], "int32")], True, True),
                                   ("float_idx", [ga, gb, arr([0.0], "float32"), arr([1], "int32")], True, True)]:
        def g(*xs, has_l=has_l, has_r=has_r):
            x, y = xs[0], xs[1]
            rest = list(xs[2:])
            li = rest.pop(0) if has_l else None
            ri = rest.pop(0) if has_r else None
            return mx.gather_mm(x, y, li, ri)
        fam.add(f"gather_mm_{tag}", "gather_mm", ins, {"lhs": has_l, "rhs": has_r}, g)
    # block_masked_mm
    ba, bb = f32(48, [33, 34]), f32(49, [34, 5])
    mo = arr([True, False], "bool", [2, 1])
    ml = arr([1.0, 0.5, 0.0, 2.0], "float32", [2, 2])
    mr = arr([True, False], "bool", [2, 1])
    for tag, ins, which in [("out", [ba, bb, mo], ["out"]), ("lhs_rhs", [ba, bb, ml, mr], ["lhs", "rhs"]),
                            ("all", [ba, bb, mo, ml, mr], ["out", "lhs", "rhs"]), ("none", [ba, bb], [])]:
        def bm(*xs, which=which):
            kw = {f"mask_{w}": m for w, m in zip(which, xs[2:])}
            return mx.block_masked_mm(xs[0], xs[1], 32, **kw)
        fam.add(f"block_masked_mm_{tag}", "block_masked_mm", ins, {"block_size": 32, "masks": which}, bm)
    # hadamard
    for tag, x, sc in [("n1", f32(50, [3, 1]), None), ("n2", f32(51, [2]), None), ("n8_batch", f32(52, [3, 8]), None),
                       ("n16_scale", f32(53, [16]), 0.5), ("f16", f32(54, [2, 4], dtype="float16"), None),
                       ("int", arr(list(range(8)), "int32"), None), ("0d", arr(2.0, "float32"), None),
                       ("bad_size", f32(55, [3]), None), ("m12", f32(56, [2, 12]), None),
                       ("m12x4", f32(57, [48]), 0.25), ("m20x2", f32(58, [3, 40]), None),
                       ("m28", f32(59, [28]), 1.0), ("m28x2_f16", f32(49, [2, 56], dtype="float16"), None),
                       ("m20_int", arr(list(range(20)), "int32"), None)]:
        fam.add(f"hadamard_transform_{tag}", "hadamard_transform", [x], {"scale": sc},
                lambda x, sc=sc: mx.hadamard_transform(x, sc))


def gen_einsum(fam):
    a, b, c = f32(60, [2, 3]), f32(61, [3, 4]), f32(62, [4, 5])
    sq = f32(63, [3, 3])
    v3, w3 = f32(64, [3]), f32(65, [3])
    t = f32(66, [2, 3, 4])
    cases = [
        ("matmul", "ij,jk->ik", [a, b]), ("matmul_implicit", "ij,jk", [a, b]), ("chain3", "ij,jk,kl->il", [a, b, c]),
        ("transpose", "ij->ji", [a]), ("sum_all", "ij->", [a]), ("sum_axis", "ij->j", [a]), ("trace", "ii", [sq]),
        ("diag", "ii->i", [sq]), ("dot", "i,i", [v3, w3]), ("outer", "i,j->ij", [v3, f32(67, [2])]),
        ("hadamard", "ij,ij->ij", [a, f32(68, [2, 3])]), ("batch_matmul", "bij,bjk->bik", [t, f32(69, [2, 4, 2])]),
        ("ellipsis", "...ij,...jk->...ik", [t, f32(70, [4, 2])]), ("ellipsis_implicit", "...j,j", [a, v3]),
        ("ellipsis_bcast", "...i,...i->...", [f32(71, [2, 1, 3]), f32(72, [4, 3])]),
        ("implicit_sorted", "ba", [a]), ("uppercase", "Ba,aC", [a, f32(73, [3, 2])]),
        ("repeated_3", "iii->i", [f32(74, [2, 2, 2])]), ("diag_mixed", "iij,jk->ik", [f32(75, [2, 2, 3]), b]),
        ("sum_unused", "ij,k->i", [a, v3]), ("bcast_size1", "i,i", [f32(76, [3]), f32(77, [1])]),
        ("spaces", " ij , jk -> ik ", [a, b]), ("int_elementwise", "ij,ij->ij", [arr(list(range(6)), "int32", [2, 3])] * 2),
        ("int_trace", "ii", [arr(list(range(9)), "int32", [3, 3])]), ("int_contract", "ij,jk", [arr(list(range(6)), "int32", [2, 3]),
                                                                                            arr(list(range(6)), "int32", [3, 2])]),
        ("f16", "ij,jk->ik", [f32(78, [2, 3], dtype="float16"), f32(79, [3, 2], dtype="float16")]),
        ("empty", "ij,jk->ik", [arr([], "float32", [0, 3]), b]),
        ("k_zero", "ij,jk->ik", [arr([], "float32", [2, 0]), arr([], "float32", [0, 3])]),
        ("four_ops", "ab,bc,cd,de->ae", [f32(80, [2, 2]), f32(81, [2, 3]), f32(82, [3, 2]), f32(83, [2, 2])]),
        ("0d", ",i->i", [arr(2.0, "float32"), v3]),
        ("err_count", "ij,jk", [a]), ("err_rank", "ijk->ij", [a]), ("err_letter", "i1", [a]),
        ("err_repeat_out", "ij->ii", [a]), ("err_bcast", "ij,ij", [a, f32(84, [3, 2])]),
    ]
    for tag, sub, ins in cases:
        fam.add(f"einsum_{tag}", "einsum", ins, {"subscripts": sub}, lambda *x, sub=sub: mx.einsum(sub, *x))


def gen_conv():
    fam = Family("conv")
    x1 = f32(100, [2, 7, 4])
    w1 = f32(101, [3, 3, 4])
    for tag, x, w, s, p, d, g in [("basic", x1, w1, 1, 0, 1, 1), ("stride", x1, w1, 2, 1, 1, 1),
                                  ("dilation", x1, w1, 1, 2, 2, 1), ("groups", x1, f32(102, [4, 2, 2]), 1, 1, 1, 2),
                                  ("depthwise", x1, f32(103, [4, 3, 1]), 1, 1, 1, 4),
                                  ("neg_padding", x1, w1, 1, -1, 1, 1),
                                  ("f16", f32(104, [1, 5, 2], dtype="float16"), f32(105, [2, 2, 2], dtype="float16"), 1, 0, 1, 1),
                                  ("bf16", f32(106, [1, 5, 2], dtype="bfloat16"), f32(107, [2, 2, 2], dtype="bfloat16"), 1, 1, 1, 1),
                                  ("mixed_dtype", f32(108, [1, 4, 2], dtype="float16"), f32(109, [1, 2, 2]), 1, 0, 1, 1),
                                  ("empty_batch", arr([], "float32", [0, 5, 4]), w1, 1, 0, 1, 1),
                                  ("err_int", arr([1] * 8, "int32", [1, 4, 2]), arr([1] * 4, "int32", [1, 2, 2]), 1, 0, 1, 1),
                                  ("err_channels", x1, f32(110, [1, 2, 3]), 1, 0, 1, 1),
                                  ("err_weight_rank", x1, f32(111, [1, 2, 2, 4]), 1, 0, 1, 1),
                                  ("err_too_small", x1, f32(112, [1, 9, 4]), 1, 0, 1, 1),
                                  ("err_groups_out", x1, f32(113, [3, 2, 2]), 1, 0, 1, 2),
                                  ("err_groups_in", f32(114, [1, 4, 6]), f32(115, [4, 2, 2]), 1, 0, 1, 4),
                                  ("err_stride", x1, w1, 0, 0, 1, 1),
                                  ("err_input_rank", f32(116, [7, 4]), w1, 1, 0, 1, 1)]:
        fam.add(f"conv1d_{tag}", "conv1d", [x, w], {"stride": s, "padding": p, "dilation": d, "groups": g},
                lambda x, w, s=s, p=p, d=d, g=g: mx.conv1d(x, w, s, p, d, g))
    x2 = f32(120, [2, 5, 6, 3])
    w2 = f32(121, [4, 3, 2, 3])
    for tag, x, w, s, p, d, g in [("basic", x2, w2, [1, 1], [0, 0], [1, 1], 1), ("stride_pad", x2, w2, [2, 1], [1, 2], [1, 1], 1),
                                  ("dilation", x2, w2, [1, 1], [1, 1], [2, 1], 1),
                                  ("groups", f32(122, [1, 4, 4, 4]), f32(123, [6, 2, 2, 2]), [1, 1], [1, 0], [1, 1], 2),
                                  ("1x1", x2, f32(124, [5, 1, 1, 3]), [1, 1], [0, 0], [1, 1], 1),
                                  ("f16", f32(125, [1, 4, 4, 2], dtype="float16"), f32(126, [2, 2, 2, 2], dtype="float16"),
                                   [1, 1], [1, 1], [1, 1], 1)]:
        fam.add(f"conv2d_{tag}", "conv2d", [x, w], {"stride": s, "padding": p, "dilation": d, "groups": g},
                lambda x, w, s=s, p=p, d=d, g=g: mx.conv2d(x, w, tuple(s), tuple(p), tuple(d), g))
    x3 = f32(130, [1, 4, 4, 5, 2])
    w3 = f32(131, [3, 2, 3, 2, 2])
    for tag, x, w, s, p, d, g in [("basic", x3, w3, [1, 1, 1], [0, 0, 0], [1, 1, 1], 1),
                                  ("stride_pad", x3, w3, [2, 1, 2], [1, 0, 1], [1, 1, 1], 1),
                                  ("groups", x3, f32(132, [2, 2, 2, 2, 1]), [1, 1, 1], [0, 1, 0], [1, 1, 2], 2)]:
        fam.add(f"conv3d_{tag}", "conv3d", [x, w], {"stride": s, "padding": p, "dilation": d, "groups": g},
                lambda x, w, s=s, p=p, d=d, g=g: mx.conv3d(x, w, tuple(s), tuple(p), tuple(d), g))
    for tag, x, w, s, lo, hi, kd, idl, g, fl in [
        ("plain", x2, w2, [1, 1], [0, 0], [0, 0], [1, 1], [1, 1], 1, False),
        ("asym_pad", x2, w2, [1, 2], [1, 0], [2, 1], [1, 1], [1, 1], 1, False),
        ("input_dilation", x2, w2, [1, 1], [1, 1], [1, 1], [1, 1], [2, 3], 1, False),
        ("flip", x2, w2, [1, 1], [1, 1], [0, 0], [2, 1], [1, 1], 1, True),
        ("everything", f32(140, [1, 4, 4, 4]), f32(141, [2, 2, 3, 2]), [2, 1], [2, 0], [1, 2], [1, 2], [2, 1], 2, True),
        ("1d", x1, w1, [1], [2], [0], [1], [2], 1, False),
        # Stride 1, one group, K_last * C >= 32: the CPU's shifted-GEMM path
        # (crates/mlx-cpu/src/conv/shifted.rs), with padding, cropping and flips.
        ("shifted_2d", f32(142, [2, 4, 9, 11]), f32(143, [12, 3, 3, 11]), [1, 1], [1, 1], [1, 1], [1, 1], [1, 1], 1, False),
        ("shifted_2d_asym_flip", f32(144, [1, 5, 10, 16]), f32(145, [3, 2, 3, 16]), [1, 1], [0, 2], [-1, 0], [1, 1], [1, 1],
         1, True),
        ("shifted_1d", f32(146, [2, 12, 16]), f32(147, [4, 3, 16]), [1], [2], [1], [1], [1], 1, False),
        ("shifted_3d", f32(148, [1, 3, 4, 9, 11]), f32(149, [2, 2, 2, 3, 11]), [1, 1, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1],
         [1, 1, 1], 1, False)]:
        fam.add(f"conv_general_{tag}", "conv_general", [x, w],
                {"stride": s, "padding_lo": lo, "padding_hi": hi, "kernel_dilation": kd, "input_dilation": idl,
                 "groups": g, "flip": fl},
                lambda x, w, s=s, lo=lo, hi=hi, kd=kd, idl=idl, g=g, fl=fl:
                mx.conv_general(x, w, s, (lo, hi), kd, idl, g, fl))
    for tag, x, w, s, p, d, op_, g in [("basic", x1, w1, 1, 0, 1, 0, 1), ("stride", x1, w1, 2, 0, 1, 0, 1),
                                       ("stride_pad_outpad", x1, w1, 2, 1, 1, 1, 1), ("dilation", x1, w1, 1, 1, 2, 0, 1),
                                       ("groups", x1, f32(150, [4, 2, 2]), 2, 0, 1, 0, 2)]:
        fam.add(f"conv_transpose1d_{tag}", "conv_transpose1d", [x, w],
                {"stride": s, "padding": p, "dilation": d, "output_padding": op_, "groups": g},
                lambda x, w, s=s, p=p, d=d, op_=op_, g=g: mx.conv_transpose1d(x, w, s, p, d, op_, g))
    for tag, x, w, s, p, d, op_, g in [("basic", x2, w2, [1, 1], [0, 0], [1, 1], [0, 0], 1),
                                       ("stride_pad", x2, w2, [2, 3], [1, 0], [1, 1], [1, 0], 1),
                                       ("dilation", x2, w2, [1, 1], [0, 1], [2, 1], [0, 0], 1)]:
        fam.add(f"conv_transpose2d_{tag}", "conv_transpose2d", [x, w],
                {"stride": s, "padding": p, "dilation": d, "output_padding": op_, "groups": g},
                lambda x, w, s=s, p=p, d=d, op_=op_, g=g: mx.conv_transpose2d(x, w, tuple(s), tuple(p), tuple(d), tuple(op_), g))
    for tag, x, w, s, p, d, op_, g in [("basic", f32(160, [1, 2, 3, 2, 2]), w3, [1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0], 1),
                                       ("stride", f32(161, [1, 2, 2, 2, 2]), w3, [2, 1, 2], [0, 1, 0], [1, 1, 1], [1, 0, 0], 1)]:
        fam.add(f"conv_transpose3d_{tag}", "conv_transpose3d", [x, w],
                {"stride": s, "padding": p, "dilation": d, "output_padding": op_, "groups": g},
                lambda x, w, s=s, p=p, d=d, op_=op_, g=g: mx.conv_transpose3d(x, w, tuple(s), tuple(p), tuple(d), tuple(op_), g))
    a, v = f32(170, [6]), f32(171, [3])
    for tag, x, y, mode in [("full", a, v, "full"), ("same", a, v, "same"), ("valid", a, v, "valid"),
                            ("same_even", a, f32(172, [4]), "same"), ("swapped", v, a, "full"),
                            ("swapped_same", f32(173, [2]), a, "same"), ("one", f32(174, [1]), a, "valid"),
                            ("err_mode", a, v, "foo"), ("err_2d", f32(175, [2, 2]), v, "full"),
                            ("err_empty", arr([], "float32"), v, "full"), ("err_int", arr([1, 2], "int32"), arr([1], "int32"), "full")]:
        fam.add(f"convolve_{tag}", "convolve", [x, y], {"mode": mode}, lambda x, y, mode=mode: mx.convolve(x, y, mode))
    fam.write()


def hadamard_table():
    """Rust source of crates/mlx-core/src/ops/hadamard_factors.rs's tables:
    MLX's unscaled transform of each unit vector, one row each."""
    import numpy as np
    out = []
    for m in (12, 20, 28):
        h = np.array(mx.hadamard_transform(mx.eye(m), scale=1.0))
        rows = "".join('    "%s",\n' % "".join("+" if v > 0 else "-" for v in r) for r in h)
        out.append("/// Row `i` is MLX's `hadamard_transform` of the `i`-th unit vector of\n"
                   "/// length %d, unscaled (`+` is 1, `-` is -1).\n"
                   "pub(crate) const H%d: [&str; %d] = [\n%s];\n" % (m, m, m, rows))
    print("\n".join(out))


if __name__ == "__main__":
    import sys
    if "--hadamard-table" in sys.argv:
        hadamard_table()
        sys.exit(0)
    fam = Family("composite")
    gen_structure(fam)
    gen_einsum(fam)
    fam.write()
    fam = Family("composite_mm")
    gen_products(fam)
    fam.write()
    gen_conv()
