#!/usr/bin/env python3
"""Randomized differential goldens from real MLX 0.32.4 (CPU).

Writes fuzzed versions of the golden families (unary, binary, reduce,
shape, indexing, sort, misc_elementwise, bitwise, promotion, composite)
into a directory, in the format of gen_golden.py, using only the ops and
argument forms that each tests/ops/<family>.rs `apply` handles. Inputs
have random shapes (0-d, size-0 dims, broadcasting pairs), random dtypes
among all 14, values mixing ordinary numbers with edge values (NaN, +-inf,
-0.0, subnormals, huge values, integer min/max, float16/bfloat16 rounding
boundaries) and random (also negative, sometimes invalid) axes. Every
expected value or error message comes from running MLX.

Run (from anywhere; fixed seed, so the output is reproducible):

    python3 tests/golden/gen_fuzz.py /tmp/fuzz [--seed 0] [--scale 1.0] [--only unary ...]
    MLX_GOLDEN_DIR=/tmp/fuzz cargo test -p mlx-tests --test ops -- \
        unary:: binary:: reduce:: shape:: indexing:: sort:: misc_elementwise:: \
        bitwise:: promotion:: composite::

Families not written here (arguments, composite_mm, ...) then panic with
"No such file", and ops without fuzzed cases with "no golden case was
checked": expected noise. Fuzzed goldens are not committed; a failure is
minimised into a case of the regular goldens when its bug is fixed.

Inputs whose result is undefined behaviour in MLX's C++ are not generated
(they would crash the generator or give arbitrary values): integer division
or remainder by zero and INT_MIN / -1, `x % False`, shift amounts negative
or past the width, out-of-range `take` indices, float -> int casts of NaN,
inf or values outside the target range (see `FLOAT_TO_INT_UB` to include
them, named `*_ub`), and `logsumexp` of unsigned or bool inputs (MLX
subtracts the max in the input dtype, see gen_golden.py).
"""

import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_golden import ALL, DT, FLOATS, INTS, NAME, Family, arr  # noqa: E402

import mlx.core as mx  # noqa: E402

NAN, INF = float("nan"), float("inf")
SINTS = [d for d in INTS if not d.startswith("u")]
LIM = {d: (int(np.iinfo(np.dtype(d)).min), int(np.iinfo(np.dtype(d)).max)) for d in INTS}
# Float -> int casts of out-of-range values: undefined in C++, so off by default.
FLOAT_TO_INT_UB = False

FLOAT_EDGES = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5,
               1e-45, 1e-40, 6e-8, 5.96e-8, 1e-5, 6.1e-5, 5e-324, 1e-310,
               65504.0, 65519.0, 65520.0, -65504.0, 3.4e38, -3.4e38, 1e300, 1e10, -1e10,
               2049.0, 2051.0, 4097.0, 1.00390625, 1.01171875, 257.0, 259.0, 0.1, 0.3,
               1e-3, 20.0, -20.0, 88.7, 89.0, 710.0, 11.1, 2**24 + 1.0, 2**31, -2**31, 2**63]
UINT_FLOAT_TO_NEG = [-1.0, -3.5, -0.5, -200.0]


class Rng:
    def __init__(self, seed):
        self.r = np.random.default_rng(seed)

    def rand(self):
        return float(self.r.random())

    def int(self, lo, hi):
        """Uniform integer in [lo, hi]."""
        return int(self.r.integers(lo, hi + 1))

    def choice(self, seq):
        return seq[int(self.r.integers(0, len(seq)))]

    def shape(self, max_rank=4, max_size=48, zero_p=0.08):
        rank = self.choice([0, 1, 1, 2, 2, 2, 3, 3, 4][: 2 * max_rank + 1])
        dims = []
        for _ in range(rank):
            dims.append(0 if self.rand() < zero_p else self.choice([1, 2, 2, 3, 3, 4, 5]))
        while int(np.prod(dims)) > max_size:
            i = dims.index(max(dims))
            dims[i] -= 1
        return dims

    def bcast_pair(self, shape):
        """A shape broadcasting with `shape`: dims dropped or set to 1, rarely
        incompatible; returned in random order."""
        other = list(shape)
        drop = self.int(0, len(other))
        other = other[drop:] if self.rand() < 0.5 else other
        other = [1 if self.rand() < 0.3 else d for d in other]
        if self.rand() < 0.15:
            other = [1] * self.int(0, 2) + other
        if self.rand() < 0.04 and other:
            other[-1] = other[-1] + 2
        pair = [list(shape), other]
        if self.rand() < 0.5:
            pair.reverse()
        return pair

    def dtype(self, pool=ALL):
        return self.choice(pool)

    def values(self, dt, n, lo=-5.0, hi=5.0, edge_p=0.25):
        out = []
        for _ in range(n):
            edge = self.rand() < edge_p
            if dt == "bool":
                out.append(self.rand() < 0.5)
            elif dt in INTS:
                mn, mx_ = LIM[dt]
                if edge:
                    v = self.choice([mn, mx_, mn + 1, mx_ - 1, 0, 1, -1, 2, 127, 128, 255, 256, -129, 65535, 2**31])
                else:
                    v = self.int(int(lo), int(hi))
                out.append(min(max(v, mn), mx_))
            elif dt == "complex64":
                re = self.choice(FLOAT_EDGES) if edge else round(self.r.uniform(lo, hi), 3)
                im = self.choice(FLOAT_EDGES) if self.rand() < edge_p else round(self.r.uniform(lo, hi), 3)
                out.append(complex(re, im))
            else:
                if edge:
                    out.append(self.choice(FLOAT_EDGES))
                elif self.rand() < 0.3:
                    out.append(float(self.int(int(lo), int(hi))) + self.choice([0.0, 0.5, 0.25]))
                else:
                    out.append(round(self.r.uniform(lo, hi), self.int(1, 4)))
        return out

    def array(self, dt, shape, **kw):
        n = int(np.prod(shape)) if shape else 1
        vals = self.values(dt, n, **kw)
        if not shape:
            return arr(vals[0], dt)
        return arr(vals, dt, shape)

    def axes(self, ndim, allow_none=True, bad_p=0.03):
        """None (all axes), or a list of distinct axes, some negative."""
        if allow_none and self.rand() < 0.25:
            return None
        if ndim == 0:
            return [] if self.rand() < 0.8 else [0]
        k = self.int(0, ndim)
        ax = [int(a) for a in self.r.permutation(ndim)[:k]]
        ax = [a - ndim if self.rand() < 0.4 else a for a in ax]
        if self.rand() < bad_p:
            ax.append(self.choice([ndim, -ndim - 1, ax[0] if ax else 0]))
        return ax

    def axis(self, ndim, bad_p=0.03):
        if ndim == 0 or self.rand() < bad_p:
            return self.choice([0, ndim, -ndim - 1, 1])
        a = self.int(0, ndim - 1)
        return a - ndim if self.rand() < 0.4 else a


def result_dtype(*arrays):
    """The dtype MLX promotes `arrays` to (an add of one-element zeros)."""
    out = mx.zeros((1,), arrays[0].dtype)
    for a in arrays[1:]:
        out = out + mx.zeros((1,), a.dtype)
    return NAME[out.dtype]


def np_of(a):
    """An MLX array as NumPy (bfloat16 via float32)."""
    if a.dtype == mx.bfloat16:
        return np.array(a.astype(mx.float32))
    return np.array(a)


def rebuild(a, values):
    """An array of `a`'s dtype and shape holding `values` (a NumPy array)."""
    dt = NAME[a.dtype]
    vals = values.reshape(-1).tolist()
    return arr(vals if a.ndim else vals[0], dt, list(a.shape) if a.ndim else None)


def safe_divisor(a, b):
    """`b` with the elements that make integer division undefined replaced
    by 1: zero divisors (all of a bool `b`, as `x % False` is undefined) and
    -1 where `a` holds the minimum of the result dtype."""
    rd = result_dtype(a, b)
    if rd in FLOATS or rd == "complex64":
        return b
    if NAME[b.dtype] == "bool":
        return rebuild(b, np.ones(b.shape, dtype=bool))
    bn = np.array(np_of(b).tolist(), dtype=object).reshape(b.shape)
    bn[bn == 0] = 1
    if rd in SINTS and (np.array(np_of(a).tolist(), dtype=object) == LIM[rd][0]).any():
        bn[bn == -1] = 1
    return rebuild(b, bn)


def _broadcasts(s, t):
    try:
        np.broadcast_shapes(tuple(s), tuple(t))
        return True
    except ValueError:
        return False


class Out:
    """Collects families and writes them into a directory."""

    def __init__(self, outdir):
        self.dir = outdir
        os.makedirs(outdir, exist_ok=True)

    def write(self, fam):
        path = os.path.join(self.dir, f"{fam.name}.json")
        with open(path, "w") as f:
            json.dump({"mlx_version": mx.__version__, "cases": fam.cases}, f, separators=(",", ":"))
        print(f"{fam.name}: {len(fam.cases)} cases, {os.path.getsize(path)} bytes")


# ------------------------------------------------------------------ unary
UNARY = ["abs", "negative", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1",
         "log", "log1p", "log2", "log10", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
         "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sigmoid", "erf", "erfinv",
         "floor", "ceil", "round", "logical_not", "stop_gradient", "isnan", "isinf", "isfinite"]


def fuzz_unary(r, n):
    fam = Family("unary")
    for i in range(n):
        op = UNARY[i % len(UNARY)]
        dt = r.dtype()
        a = r.array(dt, r.shape())
        args, fn = {}, getattr(mx, op)
        if op == "round" and r.rand() < 0.5:
            d = r.choice([1, 2, -1, 3])
            args = {"decimals": d}
            fn = lambda x, d=d: mx.round(x, d)
        fam.add(f"{op}_{dt}_{i}", op, [a], args, fn)
    return fam


# ----------------------------------------------------------------- binary
BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power",
          "maximum", "minimum", "arctan2", "logaddexp", "equal", "not_equal", "less",
          "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "where", "clip"]


def fuzz_binary(r, n):
    fam = Family("binary")
    for i in range(n):
        op = BINARY[i % len(BINARY)]
        da = r.dtype()
        db = da if r.rand() < 0.6 else r.dtype()
        sa, sb = r.bcast_pair(r.shape(max_size=24))
        if op == "clip":
            a = r.array(da, sa)
            kind = r.choice(["int", "float", "mixed"])
            lo = r.int(-5, 3) if kind != "float" else round(r.r.uniform(-5, 3), 2)
            hi = r.int(-3, 5) if kind == "int" else round(r.r.uniform(-3, 5), 2)
            if r.rand() < 0.2:
                lo = None
            elif r.rand() < 0.2:
                hi = None
            if lo is None and hi is None:
                hi = 2
            fam.add(f"clip_{da}_{i}", op, [a], {"a_min": lo, "a_max": hi},
                    lambda x, lo=lo, hi=hi: mx.clip(x, lo, hi))
            continue
        if op == "where":
            dc = "bool" if r.rand() < 0.7 else r.dtype()
            sc = r.bcast_pair(sa)[0]
            ins = [r.array(dc, sc), r.array(da, sa), r.array(db, sb)]
            fam.add(f"where_{dc}_{da}_{db}_{i}", op, ins, {}, mx.where)
            continue
        a, b = r.array(da, sa), r.array(db, sb)
        if op == "power" and result_dtype(a, b) in INTS:
            # Negative integer exponents: MLX gives 0 or 1, ok to keep few.
            b = rebuild(b, np.abs(np_of(b).astype(np.int64)) % 9) if r.rand() < 0.8 else b
        if op in ("floor_divide", "remainder"):
            b = safe_divisor(a, b)
        fam.add(f"{op}_{da}_{db}_{i}", op, [a, b], {}, getattr(mx, op))
    return fam


# ----------------------------------------------------------------- reduce
REDUCE = ["sum", "prod", "max", "min", "mean", "var", "std", "all", "any", "logsumexp",
          "argmax", "argmin", "softmax", "cumsum"]


def fuzz_reduce(r, n):
    fam = Family("reduce")
    for i in range(n):
        op = REDUCE[i % len(REDUCE)]
        pool = ALL
        if op == "logsumexp":
            pool = [d for d in ALL if d != "bool" and not d.startswith("u")]
        dt = r.dtype(pool)
        lo, hi = (-2.0, 2.0) if op in ("prod", "cumsum") else (-5.0, 5.0)
        a = r.array(dt, r.shape(), lo=lo, hi=hi, edge_p=0.12)
        kd = r.rand() < 0.4
        if op in ("argmax", "argmin"):
            ax = None if r.rand() < 0.3 else r.axis(a.ndim)
            args = {"axis": ax, "keepdims": kd}
            fn = lambda x, f=getattr(mx, op), ax=ax, kd=kd: f(x, axis=ax, keepdims=kd)
        elif op == "softmax":
            ax = r.axes(a.ndim)
            prec = r.rand() < 0.3
            args = {"axes": ax, "precise": prec}
            fn = lambda x, ax=ax, p=prec: mx.softmax(x, axis=ax, precise=p)
        elif op == "cumsum":
            ax = None if r.rand() < 0.2 else r.axis(a.ndim)
            rev, inc = r.rand() < 0.5, r.rand() < 0.7
            args = {"axis": ax, "reverse": rev, "inclusive": inc}
            fn = lambda x, ax=ax, rev=rev, inc=inc: mx.cumsum(x, axis=ax, reverse=rev, inclusive=inc)
        else:
            ax = r.axes(a.ndim)
            args = {"axes": ax, "keepdims": kd}
            f = getattr(mx, op)
            if op in ("var", "std"):
                ddof = r.choice([0, 0, 1, 2])
                args["ddof"] = ddof
                fn = lambda x, f=f, ax=ax, kd=kd, d=ddof: f(x, axis=ax, keepdims=kd, ddof=d)
            else:
                fn = lambda x, f=f, ax=ax, kd=kd: f(x, axis=ax, keepdims=kd)
        fam.add(f"{op}_{dt}_{i}", op, [a], args, fn)
    return fam


# ------------------------------------------------------------------ shape
SHAPE = ["reshape", "flatten", "squeeze", "expand_dims", "transpose", "swapaxes", "moveaxis",
         "broadcast_to", "concatenate", "stack", "split", "astype", "astype"]


def float_to_int_ok(v, d):
    re = v.real if isinstance(v, complex) else v
    if not math.isfinite(re):
        return False
    t = math.trunc(re)
    return LIM[d][0] <= t <= LIM[d][1] and abs(t) < 2**62


def random_reshape(r, shape):
    n = int(np.prod(shape)) if shape else 1
    if r.rand() < 0.05:
        return [n + 1]
    dims = []
    m = n
    for _ in range(r.int(0, 3)):
        divs = [d for d in range(1, 7) if m % d == 0] if m else [0, 1, 2]
        d = r.choice(divs)
        dims.append(d)
        m = m // d if d else m
    if m != 1 or n == 0:
        dims.append(m)
    r.r.shuffle(dims)
    if dims and r.rand() < 0.3 and n:
        dims[r.int(0, len(dims) - 1)] = -1
    return [int(d) for d in dims]


def fuzz_shape(r, n):
    fam = Family("shape")
    for i in range(n):
        op = SHAPE[i % len(SHAPE)]
        dt = r.dtype()
        sh = r.shape()
        nd = len(sh)
        name = f"{op}_{dt}_{i}"
        if op == "astype":
            d = r.dtype()
            src = r.values(dt, int(np.prod(sh)) if sh else 1, edge_p=0.4)
            tag = ""
            if (dt in FLOATS or dt == "complex64") and d in INTS:
                bad = not all(float_to_int_ok(v, d) for v in src)
                if bad and not FLOAT_TO_INT_UB:
                    src = [v if float_to_int_ok(v, d) else 7.0 for v in src]
                elif bad:
                    tag = "_ub"
            a = arr(src if sh else src[0], dt, sh if sh else None)
            if (dt in FLOATS or dt == "complex64") and d in INTS and not FLOAT_TO_INT_UB:
                # values that round to inf in float16 (65520) are out of range too
                held = np_of(a).reshape(-1).tolist()
                src = [v if float_to_int_ok(v, d) else 7.0 for v in held]
                a = arr(src if sh else src[0], dt, sh if sh else None)
            fam.add(f"astype_{dt}_to_{d}_{i}{tag}", op, [a], {"dtype": d}, lambda x, d=d: x.astype(DT[d]))
            continue
        a = r.array(dt, sh, edge_p=0.1)
        if op == "reshape":
            s = random_reshape(r, sh)
            fam.add(name, op, [a], {"shape": s}, lambda x, s=s: mx.reshape(x, s))
        elif op == "flatten":
            s, e = r.axis(nd) if nd else 0, r.axis(nd) if nd else -1
            fam.add(name, op, [a], {"start_axis": s, "end_axis": e}, lambda x, s=s, e=e: mx.flatten(x, s, e))
        elif op == "squeeze":
            ones = [k for k, d in enumerate(sh) if d == 1]
            if r.rand() < 0.3 or not ones:
                ax = None if r.rand() < 0.7 else [r.axis(nd)]
            else:
                ax = [k - nd if r.rand() < 0.4 else k for k in ones if r.rand() < 0.7] or [ones[0]]
            fam.add(name, op, [a], {"axes": ax}, lambda x, ax=ax: mx.squeeze(x, ax))
        elif op == "expand_dims":
            k = r.int(1, 2)
            ax = [r.axis(nd + k) for _ in range(k)]
            fam.add(name, op, [a], {"axes": ax}, lambda x, ax=ax: mx.expand_dims(x, ax))
        elif op == "transpose":
            ax = None if r.rand() < 0.3 else [int(p) - (nd if r.rand() < 0.3 else 0) for p in r.r.permutation(nd)]
            fam.add(name, op, [a], {"axes": ax}, lambda x, ax=ax: mx.transpose(x, ax))
        elif op == "swapaxes":
            i1, i2 = r.axis(nd), r.axis(nd)
            fam.add(name, op, [a], {"axis1": i1, "axis2": i2}, lambda x, i1=i1, i2=i2: mx.swapaxes(x, i1, i2))
        elif op == "moveaxis":
            s, d = r.axis(nd), r.axis(nd)
            fam.add(name, op, [a], {"source": s, "destination": d}, lambda x, s=s, d=d: mx.moveaxis(x, s, d))
        elif op == "broadcast_to":
            small, big = r.bcast_pair(sh)
            if r.rand() < 0.8:
                small, big = (small, big) if len(small) <= len(big) else (big, small)
                big = [max(p, q) for p, q in zip([1] * (len(big) - len(small)) + small, big)] if r.rand() < 0.9 else big
            a = r.array(dt, small, edge_p=0.1)
            fam.add(name, op, [a], {"shape": big}, lambda x, s=big: mx.broadcast_to(x, s))
        elif op in ("concatenate", "stack"):
            k = r.int(1, 3)
            ax = r.axis(nd + (op == "stack")) if (nd or op == "stack") else 0
            ins = []
            for _ in range(k):
                s2 = list(sh)
                if op == "concatenate" and -nd <= ax < nd and r.rand() < 0.8:
                    s2[ax] = r.choice([0, 1, 2, 3])
                if r.rand() < 0.04 and s2:
                    s2[0] += 1
                ins.append(r.array(dt if r.rand() < 0.7 else r.dtype(), s2, edge_p=0.1))
            if op == "concatenate" and r.rand() < 0.1:
                ax = None
            f = mx.concatenate if op == "concatenate" else mx.stack
            fam.add(name, op, ins, {"axis": ax}, lambda *x, f=f, ax=ax: f(list(x), axis=ax))
        elif op == "split":
            ax = r.axis(nd)
            if r.rand() < 0.5:
                k = r.int(1, 4)
                fam.add(name, op, [a], {"sections": k, "axis": ax}, lambda x, k=k, ax=ax: mx.split(x, k, axis=ax))
            else:
                ind = [r.int(-4, 6) for _ in range(r.int(0, 3))]
                fam.add(name, op, [a], {"indices": ind, "axis": ax}, lambda x, ind=ind, ax=ax: mx.split(x, ind, axis=ax))
    return fam


# --------------------------------------------------------------- indexing
def fuzz_indexing(r, n):
    fam = Family("indexing")
    for i in range(n):
        op = r.choice(["index", "index", "take", "take", "take_along_axis"])
        dt = r.dtype()
        sh = r.shape(zero_p=0.05)
        nd = len(sh)
        a = r.array(dt, sh, edge_p=0.1)
        name = f"{op}_{dt}_{i}"
        if op == "index":
            items, spec, dim = [], [], 0
            used_ellipsis = False
            for _ in range(r.int(0, nd + 1)):
                kind = r.choice(["int", "slice", "slice", "slice", "new", "ellipsis"])
                if kind == "ellipsis" and not used_ellipsis:
                    used_ellipsis = True
                    items.append(Ellipsis)
                    spec.append("...")
                elif kind == "new":
                    items.append(None)
                    spec.append("newaxis")
                elif kind == "int" and dim < nd and sh[dim] > 0:
                    k = r.int(-sh[dim], sh[dim] - 1)
                    items.append(k)
                    spec.append({"index": k})
                    dim += 1
                else:
                    st = r.choice([None, None, -1, 1, -2, 2, 3, -7, 9])
                    start = r.choice([None, None, 0, 1, -1, 2, -3, 5, -9])
                    stop = r.choice([None, None, 0, 1, -1, 3, -2, 7, -9])
                    items.append(slice(start, stop, st))
                    spec.append({"slice": [start, stop, st if st is not None else 1]})
                    dim += 1
            ix = tuple(items)
            fam.add(name, op, [a], {"index": spec}, lambda x, ix=ix: x[ix])
        elif op == "take":
            ax = None if r.rand() < 0.3 else r.axis(nd, bad_p=0.0)
            size = (int(np.prod(sh)) if sh else 1) if ax is None else (sh[ax] if nd else 0)
            if size == 0:
                continue
            idt = r.choice(["int32", "int32", "int64", "uint8", "int16", "uint32"])
            ish = r.shape(max_rank=2, max_size=8, zero_p=0.1)
            cnt = int(np.prod(ish)) if ish else 1
            lo = 0 if idt.startswith("u") else -size
            vals = [r.int(lo, size - 1) for _ in range(cnt)]
            ind = arr(vals if ish else vals[0], idt, ish if ish else None)
            fam.add(name, op, [a, ind], {"axis": ax},
                    lambda x, j, ax=ax: mx.take(x, j, axis=ax) if ax is not None else mx.take(x, j))
        else:
            if nd == 0:
                continue
            ax = None if r.rand() < 0.2 else r.axis(nd, bad_p=0.0)
            if ax is None:
                size = int(np.prod(sh))
                ish = [r.int(0, 5)]
            else:
                size = sh[ax]
                ish = [1 if r.rand() < 0.3 else d for d in sh]
                ish[ax] = r.int(0, 4)
            if size == 0:
                continue
            cnt = int(np.prod(ish))
            vals = [r.int(-size, size - 1) for _ in range(cnt)]
            ind = arr(vals, "int32", ish)
            fam.add(name, op, [a, ind], {"axis": ax}, lambda x, j, ax=ax: mx.take_along_axis(x, j, axis=ax))
    return fam


# ------------------------------------------------------------------- sort
def kth_slice(p, kth, axis):
    m = p.shape[axis]
    return mx.take(p, mx.array([kth % m if m else 0]), axis=axis)


def fuzz_sort(r, n):
    fam = Family("sort")
    ops = ["sort", "argsort", "partition", "argpartition", "topk", "median",
           "cumprod", "cummax", "cummin", "logcumsumexp"]
    for i in range(n):
        op = ops[i % len(ops)]
        dt = r.dtype()
        sh = r.shape()
        nd = len(sh)
        # ties: small integers/halves most of the time
        a = r.array(dt, sh, lo=-3.0, hi=3.0, edge_p=0.15)
        name = f"{op}_{dt}_{i}"
        ax = None if r.rand() < 0.2 else r.axis(nd)
        if op in ("sort", "argsort"):
            fam.add(name, op, [a], {"axis": ax}, lambda x, f=getattr(mx, op), ax=ax: f(x, axis=ax))
        elif op in ("partition", "argpartition"):
            m = (int(np.prod(sh)) if sh else 1) if ax is None else (sh[ax] if -nd <= ax < nd else 1)
            kth = r.int(-m, max(m - 1, 0)) if r.rand() < 0.95 else m
            if op == "partition":
                def fn(x, kth=kth, ax=ax):
                    p = mx.partition(x, kth, axis=ax)
                    axx = 0 if ax is None else ax
                    return [mx.sort(p, axis=axx), kth_slice(p, kth, axx)]
            else:
                def fn(x, kth=kth, ax=ax):
                    j = mx.argpartition(x, kth, axis=ax)
                    src, axx = (mx.flatten(x), 0) if ax is None else (x, ax)
                    v = mx.take_along_axis(src, j, axis=axx)
                    return [mx.sort(v, axis=axx), mx.sort(j, axis=axx), kth_slice(v, kth, axx)]
            fam.add(name, op, [a], {"kth": kth, "axis": ax}, fn)
        elif op == "topk":
            m = (int(np.prod(sh)) if sh else 1) if ax is None else (sh[ax] if -nd <= ax < nd else 1)
            k = r.int(0, m) if r.rand() < 0.95 else m + 1
            fam.add(name, op, [a], {"k": k, "axis": ax},
                    lambda x, k=k, ax=ax: [mx.sort(mx.topk(x, k, axis=ax), axis=-1 if ax is None else ax)])
        elif op == "median":
            axs = r.axes(nd)
            kd = r.rand() < 0.4
            fam.add(name, op, [a], {"axes": axs, "keepdims": kd},
                    lambda x, axs=axs, kd=kd: mx.median(x, axis=axs, keepdims=kd))
        else:
            rev, inc = r.rand() < 0.5, r.rand() < 0.7
            if op == "cumprod" and dt in FLOATS:
                a = r.array(dt, sh, lo=0.5, hi=1.5, edge_p=0.1)
            fam.add(name, op, [a], {"axis": ax, "reverse": rev, "inclusive": inc},
                    lambda x, f=getattr(mx, op), ax=ax, rev=rev, inc=inc: f(x, axis=ax, reverse=rev, inclusive=inc))
    return fam


# -------------------------------------------------------- misc elementwise
def fuzz_misc(r, n):
    fam = Family("misc_elementwise")
    ops = ["divmod", "degrees", "radians", "isposinf", "isneginf", "real", "imag", "conj",
           "nan_to_num", "isclose", "allclose", "array_equal", "view"]
    for i in range(n):
        op = ops[i % len(ops)]
        dt = r.dtype()
        sh = r.shape()
        a = r.array(dt, sh)
        name = f"{op}_{dt}_{i}"
        if op in ("divmod", "isclose", "allclose", "array_equal"):
            db = dt if r.rand() < 0.6 else r.dtype()
            sa, sb = r.bcast_pair(sh)
            a, b = r.array(dt, sa), r.array(db, sb)
            if op == "array_equal" and r.rand() < 0.5 and _broadcasts(sa, sb):
                b = a.astype(DT[db]) if r.rand() < 0.5 else a
            if op == "divmod":
                b = safe_divisor(a, b)
                fam.add(name, op, [a, b], {}, lambda x, y: list(mx.divmod(x, y)))
            elif op == "array_equal":
                en = r.rand() < 0.5
                fam.add(name, op, [a, b], {"equal_nan": en}, lambda x, y, en=en: mx.array_equal(x, y, equal_nan=en))
            else:
                rt, at = r.choice([1e-5, 0.0, 1e-3, 0.5]), r.choice([1e-8, 0.0, 1e-2, 1.0])
                en = r.rand() < 0.5
                fam.add(name, op, [a, b], {"rtol": rt, "atol": at, "equal_nan": en},
                        lambda x, y, f=getattr(mx, op), rt=rt, at=at, en=en: f(x, y, rt, at, equal_nan=en))
        elif op == "nan_to_num":
            nan = r.choice([0.0, -1.0, 2.5])
            pos = r.choice([None, 1e6, 100.0, 1e30])
            neg = r.choice([None, -7.0, -1e30])
            fam.add(name, op, [a], {"nan": nan, "posinf": pos, "neginf": neg},
                    lambda x, nan=nan, pos=pos, neg=neg: mx.nan_to_num(x, nan, pos, neg))
        elif op == "view":
            d = r.dtype()
            fam.add(name, op, [a], {"dtype": d}, lambda x, d=d: mx.view(x, DT[d]))
        else:
            fam.add(name, op, [a], {}, getattr(mx, op))
    return fam


# ---------------------------------------------------------------- bitwise
def fuzz_bitwise(r, n):
    fam = Family("bitwise")
    ops = ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "bitwise_invert"]
    pool = ["bool"] + INTS * 3 + ["float32", "float16", "complex64"]
    for i in range(n):
        op = ops[i % len(ops)]
        da = r.dtype(pool)
        db = da if r.rand() < 0.6 else r.dtype(pool)
        sa, sb = r.bcast_pair(r.shape(max_size=24))
        a = r.array(da, sa, lo=-100, hi=100, edge_p=0.3)
        name = f"{op}_{da}_{db}_{i}"
        if op == "bitwise_invert":
            fam.add(name, op, [a], {}, mx.bitwise_invert)
            continue
        b = r.array(db, sb, lo=-100, hi=100, edge_p=0.3)
        if op.endswith("shift") and db in INTS + ["bool"]:
            rd = result_dtype(a, b)
            width = {"uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "int8": 8, "int16": 16,
                     "int32": 32, "int64": 64}.get(rd, 8)
            bn = np.abs(np_of(b).astype(np.float64)) % width
            b = rebuild(b, bn.astype(np.int64) if db != "bool" else np_of(b))
        fam.add(name, op, [a, b], {}, getattr(mx, op))
    return fam


# -------------------------------------------------------------- promotion
def fuzz_promotion(r, n):
    fam = Family("promotion")
    # The dtype table (promotion.rs checks that some promote case exists).
    for x in ALL:
        for y in ALL:
            z = NAME[(arr([1], x) + arr([1], y)).dtype]
            fam.cases.append({"name": f"promote_{x}_{y}", "op": "promote", "inputs": [],
                              "args": {"a": x, "b": y}, "expected": {"data": [], "shape": [0], "dtype": z}})
    for i in range(n):
        op = r.choice(["add", "subtract", "multiply", "divide", "remainder"])
        dt = r.dtype()
        a = r.array(dt, r.shape(max_rank=2, max_size=8), edge_p=0.3)
        kind = r.choice(["int", "int", "float", "float", "bool"])
        lhs = kind != "bool" and r.rand() < 0.4
        if kind == "int":
            s = r.choice([0, 1, 2, -1, -3, 127, 128, 255, 256, -129, 300, 70000, 2**31, -2**31 - 1, 2**40])
        elif kind == "float":
            s = r.choice([0.5, 2.5, -1.25, 1e-3, 1e10, 65520.0, 3.0, -0.0, 1e-40, 1e39, INF, NAN])
        else:
            s = r.rand() < 0.5
        if op == "bool" and kind == "bool":
            op = "add"
        if kind == "bool":
            op = "add"
        if op == "remainder" and kind == "int" and not lhs and s == 0:
            s = 3
        if op == "remainder" and kind == "int" and lhs and (NAME[a.dtype] in INTS or NAME[a.dtype] == "bool"):
            a = rebuild(a, np.where(np_of(a) == 0, 1, np_of(a)))
        if op == "remainder" and kind == "int" and not lhs and s == -1:
            s = -2
        f = getattr(mx, op)
        args = {"scalar": s if not (isinstance(s, float) and not math.isfinite(s)) else
                ("nan" if math.isnan(s) else ("inf" if s > 0 else "-inf")),
                "scalar_kind": type(s).__name__}
        if lhs:
            args["scalar_lhs"] = True
        fn = (lambda x, f=f, s=s: f(s, x)) if lhs else (lambda x, f=f, s=s: f(x, s))
        fam.add(f"weak_{op}_{dt}_{kind}_{i}", op, [a], args, fn)
        if "error" in fam.cases[-1]:
            # promotion.rs takes only cases with a result (the overflow
            # errors of out-of-range int scalars are checked in binary.rs).
            fam.cases.pop()
    return fam


# -------------------------------------------------------------- composite
def fuzz_composite(r, n):
    fam = Family("composite")
    ops = ["pad", "tile", "repeat", "roll", "tril", "triu", "diag", "diagonal", "trace",
           "atleast_1d", "atleast_2d", "atleast_3d", "unflatten", "meshgrid"]
    for i in range(n):
        op = ops[i % len(ops)]
        dt = r.dtype()
        sh = r.shape(max_size=30)
        nd = len(sh)
        a = r.array(dt, sh, edge_p=0.15)
        name = f"{op}_{dt}_{i}"
        if op == "pad":
            mode = r.choice(["constant", "constant", "edge", "reflect", "symmetric"])
            k = r.choice([1, nd]) if nd else 1
            pw = [[r.int(0, 3), r.int(0, 3)] for _ in range(k)]
            cv = r.choice([0, 1, 2.5, -1.5, 300])
            fam.add(name, op, [a], {"pad_width": pw, "mode": mode, "constant_values": cv},
                    lambda x, pw=pw, mode=mode, cv=cv: mx.pad(
                        x, [tuple(p) for p in pw] if len(pw) > 1 else tuple(pw[0]), mode=mode, constant_values=cv))
        elif op == "tile":
            reps = [r.int(0, 3) for _ in range(r.int(1, 3))]
            fam.add(name, op, [a], {"reps": reps}, lambda x, reps=reps: mx.tile(x, reps))
        elif op == "repeat":
            rp = r.int(0, 3)
            ax = None if r.rand() < 0.3 else r.axis(nd)
            fam.add(name, op, [a], {"repeats": rp, "axis": ax}, lambda x, rp=rp, ax=ax: mx.repeat(x, rp, ax))
        elif op == "roll":
            if nd == 0 or r.rand() < 0.25:
                shift, ax = [r.int(-7, 7)], None
            else:
                ax = [int(v) for v in r.r.permutation(nd)[: r.int(1, nd)]]
                shift = [r.int(-7, 7) for _ in (ax if r.rand() < 0.7 else [0])]

            def fn(x, sh_=shift, ax=ax):
                s = sh_[0] if len(sh_) == 1 else tuple(sh_)
                aa = None if ax is None else (ax[0] if len(ax) == 1 else tuple(ax))
                return mx.roll(x, s, aa)
            fam.add(name, op, [a], {"shift": shift, "axis": ax}, fn)
        elif op in ("tril", "triu"):
            k = r.int(-3, 3)
            fam.add(name, op, [a], {"k": k}, lambda x, f=getattr(mx, op), k=k: f(x, k))
        elif op == "diag":
            k = r.int(-3, 3)
            fam.add(name, op, [a], {"k": k}, lambda x, k=k: mx.diag(x, k))
        elif op in ("diagonal", "trace"):
            o = r.int(-3, 3)
            a1, a2 = (r.axis(nd), r.axis(nd)) if nd else (0, 1)
            if op == "diagonal":
                fam.add(name, op, [a], {"offset": o, "axis1": a1, "axis2": a2},
                        lambda x, o=o, a1=a1, a2=a2: mx.diagonal(x, o, a1, a2))
            else:
                d = None if r.rand() < 0.7 else r.dtype()
                fam.add(name, op, [a], {"offset": o, "axis1": a1, "axis2": a2, "dtype": d},
                        lambda x, o=o, a1=a1, a2=a2, d=d: mx.trace(x, o, a1, a2, None if d is None else DT[d]))
        elif op.startswith("atleast"):
            fam.add(name, op, [a], {}, getattr(mx, op))
        elif op == "unflatten":
            ax = r.axis(nd)
            m = sh[ax] if nd and -nd <= ax < nd else 1
            shape = random_reshape(r, [m])
            fam.add(name, op, [a], {"axis": ax, "shape": shape}, lambda x, ax=ax, s=shape: mx.unflatten(x, ax, s))
        elif op == "meshgrid":
            ins = [r.array(r.dtype() if r.rand() < 0.3 else dt, r.shape(max_rank=1, max_size=4)) for _ in range(r.int(1, 3))]
            sp, ind = r.rand() < 0.3, r.choice(["xy", "ij"])
            fam.add(name, op, ins, {"sparse": sp, "indexing": ind},
                    lambda *x, sp=sp, ind=ind: mx.meshgrid(*x, sparse=sp, indexing=ind))
    return fam


FAMILIES = [("unary", fuzz_unary, 900), ("binary", fuzz_binary, 900), ("reduce", fuzz_reduce, 700),
            ("shape", fuzz_shape, 500), ("indexing", fuzz_indexing, 300), ("sort", fuzz_sort, 500),
            ("misc_elementwise", fuzz_misc, 400), ("bitwise", fuzz_bitwise, 300),
            ("promotion", fuzz_promotion, 300), ("composite", fuzz_composite, 400)]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scale", type=float, default=1.0, help="multiply every family's case count")
    p.add_argument("--only", nargs="*", help="family names to generate (default: all)")
    p.add_argument("--ub", action="store_true",
                   help="also cast out-of-range floats to ints (undefined in C++; cases named *_ub)")
    args = p.parse_args()
    global FLOAT_TO_INT_UB
    FLOAT_TO_INT_UB = args.ub
    np.seterr(all="ignore")
    assert mx.__version__ == "0.32.4", mx.__version__
    mx.set_default_device(mx.cpu)
    out = Out(args.outdir)
    for k, (name, fn, count) in enumerate(FAMILIES):
        if args.only and name not in args.only:
            continue
        fam = fn(Rng([args.seed, k]), max(1, int(count * args.scale)))
        out.write(fam)


if __name__ == "__main__":
    main()
