#!/usr/bin/env python3
"""Generate crates/mlx-nn/tests/golden/functional.json and
functional_grad.json from real MLX 0.32.4 (CPU): every activation function,
loss and initializer of mlx.nn that crates/mlx-nn implements, and MLX's
gradients of the functions and losses (see "gradients" below; those cases
also carry "argnum").

Run from anywhere: `python3 crates/mlx-nn/tests/golden/gen_functional.py`.
Needs `pip install "mlx[cpu]==0.32.4" numpy`. Every expected value below
comes from calling mlx.nn itself; nothing is typed by hand.

File format (the house format of tests/golden/gen_golden.py):
    {"mlx_version": "0.32.4", "cases": [case, ...]}
    case = {"name": str, "fn": str, "inputs": [tensor, ...], "args": {...},
            "expected": tensor}
        or, where MLX raises, {..., "error": "MLX's message"} instead
    tensor = {"data": [flat row-major values], "shape": [...], "dtype": str}
Floats are JSON numbers with NaN/inf as the strings "nan"/"inf"/"-inf";
float16 and bfloat16 as the float value they hold. `args` holds the
keyword arguments given to MLX (absent ones take MLX's defaults). An
initializer case ("fn": "init.<name>") has the weight as its one input, the
initializer's arguments plus "seed" (the `mx.random.seed` before the call)
in `args`, and the initializer's output as expected.
"""

import json
import os

import mlx.core as mx
import mlx.nn as nn
import numpy as np

OUT = os.path.dirname(os.path.abspath(__file__))
assert mx.__version__ == "0.32.4", mx.__version__
mx.set_default_device(mx.cpu)

DT = {
    "bool": mx.bool_,
    "uint32": mx.uint32,
    "int32": mx.int32,
    "int64": mx.int64,
    "float16": mx.float16,
    "bfloat16": mx.bfloat16,
    "float32": mx.float32,
    "float64": mx.float64,
}
NAME = {v: k for k, v in DT.items()}


def enc_float(x):
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return x


def enc(a):
    mx.eval(a)
    dt = NAME[a.dtype]
    flat = np.array(a.astype(mx.float32) if dt == "bfloat16" else a).reshape(-1)
    if dt == "bool":
        data = [bool(v) for v in flat]
    elif dt in ("int32", "int64", "uint32"):
        data = [int(v) for v in flat]
    else:
        data = [enc_float(v) for v in flat]
    return {"data": data, "shape": list(a.shape), "dtype": dt}


def arr(values, dtype="float32", shape=None):
    if dtype == "float64":
        a = mx.array(np.array(values, dtype=np.float64).tolist(), dtype=mx.float64)
    else:
        a = mx.array(np.array(values, dtype=np.float32)).astype(DT[dtype])
    if shape is not None:
        a = a.reshape(shape)
    return a


def rand(seed, shape, lo=-3.0, hi=3.0, dtype="float32"):
    r = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return arr(np.round(r.uniform(lo, hi, n), 3), dtype, shape)


def ints(seed, shape, lo, hi):
    r = np.random.default_rng(seed)
    return mx.array(r.integers(lo, hi, int(np.prod(shape))).astype(np.int32)).reshape(shape)


CASES = []
NAMES = set()


def add(name, fn, inputs, args, call):
    assert name not in NAMES, name
    NAMES.add(name)
    case = {"name": name, "fn": fn, "inputs": [enc(x) for x in inputs], "args": args}
    try:
        case["expected"] = enc(call(*inputs, **args))
    except (ValueError, RuntimeError, TypeError, IndexError, ZeroDivisionError) as e:
        case["error"] = str(e)
    CASES.append(case)


# ------------------------------------------------------------ activations

SPECIALS = [float("-inf"), -100.0, -20.0, -6.0, -3.0, -1.0, -0.5, -1e-3, 0.0, 1e-3,
            0.5, 1.0, 3.0, 6.0, 20.0, 100.0, float("inf"), float("nan")]

ELEMENTWISE = {
    "elu": [{}, {"alpha": 0.5}],
    "celu": [{}, {"alpha": 2.0}],
    "gelu": [{}],
    "gelu_approx": [{}],
    "gelu_fast_approx": [{}],
    "hard_shrink": [{}, {"lambd": 1.25}],
    "hard_tanh": [{}, {"min_val": -0.5, "max_val": 2.0}],
    "hardswish": [{}],
    "leaky_relu": [{}, {"negative_slope": 0.2}],
    "log_sigmoid": [{}],
    "mish": [{}],
    "relu": [{}],
    "relu2": [{}],
    "relu6": [{}],
    "selu": [{}],
    "sigmoid": [{}],
    "silu": [{}],
    "softplus": [{}],
    "softshrink": [{}, {"lambd": 1.25}],
    "softsign": [{}],
    "step": [{}, {"threshold": 0.5}],
    "tanh": [{}],
}

for i, (fn, arglist) in enumerate(ELEMENTWISE.items()):
    f = getattr(nn, fn)
    for j, args in enumerate(arglist):
        suffix = "" if not args else "_" + "_".join(f"{k}{v}" for k, v in args.items())
        for dt in ["float32", "float16", "bfloat16", "float64"]:
            x = rand(100 + i * 10 + j, (2, 3, 4), -7, 7, dt)
            add(f"{fn}{suffix}_{dt}", fn, [x], args, f)
        add(f"{fn}{suffix}_specials", fn, [arr(SPECIALS)], args, f)
    add(f"{fn}_int32", fn, [ints(7, (6,), -5, 5)], {}, f)
    add(f"{fn}_scalar", fn, [arr(0.75)], {}, f)
    add(f"{fn}_empty", fn, [arr([], "float32", (0, 3))], {}, f)

for fn in ["softmax", "softmin", "log_softmax"]:
    f = getattr(nn, fn)
    for dt in ["float32", "float16", "bfloat16", "float64"]:
        add(f"{fn}_{dt}", fn, [rand(5, (3, 5), -4, 4, dt)], {}, f)
    add(f"{fn}_axis0", fn, [rand(6, (3, 5))], {"axis": 0}, f)
    add(f"{fn}_axis1_3d", fn, [rand(7, (2, 3, 4))], {"axis": 1}, f)
    add(f"{fn}_large", fn, [arr([1000.0, 1001.0, 999.0, -1000.0], shape=(1, 4))], {}, f)
    add(f"{fn}_bad_axis", fn, [rand(8, (3, 5))], {"axis": 2}, f)
    add(f"{fn}_int32", fn, [ints(9, (2, 4), -3, 3)], {}, f)
    add(f"{fn}_specials", fn, [arr(SPECIALS[:16], shape=(4, 4))], {}, f)

for dt in ["float32", "float16", "bfloat16", "float64"]:
    add(f"glu_{dt}", "glu", [rand(9, (3, 6), -4, 4, dt)], {}, nn.glu)
add("glu_axis0", "glu", [rand(10, (4, 3))], {"axis": 0}, nn.glu)
add("glu_odd", "glu", [rand(11, (3, 5))], {}, nn.glu)

for dt in ["float32", "float16", "bfloat16", "float64"]:
    add(f"prelu_{dt}", "prelu", [rand(12, (2, 3, 4), -4, 4, dt), arr([0.25], dt)], {}, nn.prelu)
add("prelu_per_channel", "prelu", [rand(13, (2, 3, 4)), arr([0.1, 0.2, 0.3, -0.4])], {},
    nn.prelu)
add("prelu_bad_alpha", "prelu", [rand(14, (2, 3)), arr([0.1, 0.2])], {}, nn.prelu)

# ------------------------------------------------------------------ losses

REDS = ["none", "mean", "sum"]


def loss_cases(fn, make_inputs, extra_args=(), dts=("float32",)):
    f = getattr(nn.losses, fn)
    for dt in dts:
        inputs = make_inputs(dt)
        for red in REDS:
            add(f"{fn}_{dt}_{red}", fn, inputs, {"reduction": red}, f)
    add(f"{fn}_default", fn, make_inputs("float32"), {}, f)
    for k, args in enumerate(extra_args):
        for red in REDS:
            name = "_".join(f"{a}{v}" for a, v in args.items())
            add(f"{fn}_{name}_{red}", fn, make_inputs("float32"), {**args, "reduction": red}, f)


ALL_DT = ("float32", "float16", "bfloat16", "float64")

# cross_entropy: class indices and probabilities, axis, smoothing, weights
ce = nn.losses.cross_entropy
logits = rand(20, (4, 5), -3, 3)
idx = ints(21, (4,), 0, 5)
probs = nn.softmax(rand(22, (4, 5), -2, 2))
for dt in ALL_DT:
    for red in REDS:
        add(f"cross_entropy_indices_{dt}_{red}", "cross_entropy",
            [logits.astype(DT[dt]), idx], {"reduction": red}, ce)
        add(f"cross_entropy_probs_{dt}_{red}", "cross_entropy",
            [logits.astype(DT[dt]), probs.astype(DT[dt])], {"reduction": red}, ce)
for ls in [0.1, 0.5]:
    for red in REDS:
        add(f"cross_entropy_indices_ls{ls}_{red}", "cross_entropy", [logits, idx],
            {"label_smoothing": ls, "reduction": red}, ce)
        add(f"cross_entropy_probs_ls{ls}_{red}", "cross_entropy", [logits, probs],
            {"label_smoothing": ls, "reduction": red}, ce)
add("cross_entropy_axis0_indices", "cross_entropy", [logits, ints(23, (5,), 0, 4)],
    {"axis": 0}, ce)
add("cross_entropy_axis0_probs", "cross_entropy",
    [logits, nn.softmax(rand(24, (4, 5)), axis=0)], {"axis": 0}, ce)
add("cross_entropy_3d_axis1", "cross_entropy", [rand(25, (2, 3, 4)), ints(26, (2, 4), 0, 3)],
    {"axis": 1, "label_smoothing": 0.2, "reduction": "mean"}, ce)
add("cross_entropy_one_hot", "cross_entropy",
    [logits, mx.array(np.eye(5, dtype=np.float32)[[0, 3, 1, 4]])], {}, ce)
for red in REDS:
    add(f"cross_entropy_weights_{red}", "cross_entropy",
        [logits, idx, rand(27, (4,), 0, 2)], {"reduction": red},
        lambda l, t, w, **kw: ce(l, t, weights=w, **kw))
add("cross_entropy_large_logits", "cross_entropy",
    [arr([[1000.0, 0.0, -1000.0], [50.0, 50.0, 50.0]]), mx.array([1, 2])], {}, ce)
add("cross_entropy_int64_indices", "cross_entropy", [logits, idx.astype(mx.int64)],
    {"reduction": "mean"}, ce)
add("cross_entropy_uint32_indices", "cross_entropy", [logits, idx.astype(mx.uint32)], {}, ce)
add("cross_entropy_float_indices", "cross_entropy", [logits, idx.astype(mx.float32)], {}, ce)
add("cross_entropy_bad_axis", "cross_entropy", [logits, idx], {"axis": 2}, ce)
add("cross_entropy_bad_targets", "cross_entropy", [logits, ints(28, (5,), 0, 4)], {}, ce)
add("cross_entropy_bad_probs", "cross_entropy", [logits, rand(29, (4, 4))], {}, ce)
add("cross_entropy_bad_smoothing", "cross_entropy", [logits, idx], {"label_smoothing": 1.0}, ce)
add("cross_entropy_negative_smoothing", "cross_entropy", [logits, idx],
    {"label_smoothing": -0.1}, ce)
add("cross_entropy_bad_weights", "cross_entropy", [logits, idx, rand(30, (5,))], {},
    lambda l, t, w, **kw: ce(l, t, weights=w, **kw))

# binary_cross_entropy
bce = nn.losses.binary_cross_entropy
bl = rand(31, (3, 4), -4, 4)
bt = ints(32, (3, 4), 0, 2)
bp = rand(33, (3, 4), 0.01, 0.99)
for dt in ALL_DT:
    for red in REDS:
        add(f"binary_cross_entropy_logits_{dt}_{red}", "binary_cross_entropy",
            [bl.astype(DT[dt]), bt.astype(DT[dt])], {"reduction": red}, bce)
        add(f"binary_cross_entropy_probs_{dt}_{red}", "binary_cross_entropy",
            [bp.astype(DT[dt]), bt.astype(DT[dt])], {"with_logits": False, "reduction": red},
            bce)
add("binary_cross_entropy_default", "binary_cross_entropy", [bl, bt], {}, bce)
add("binary_cross_entropy_int_targets", "binary_cross_entropy", [bl, bt],
    {"reduction": "none"}, bce)
add("binary_cross_entropy_probs_clip", "binary_cross_entropy",
    [arr([0.0, 1.0, 0.0, 1.0, 0.5]), arr([0.0, 1.0, 1.0, 0.0, 1.0])],
    {"with_logits": False, "reduction": "none"}, bce)
for wl in [True, False]:
    add(f"binary_cross_entropy_weights_{wl}", "binary_cross_entropy",
        [bp if not wl else bl, bt, rand(34, (3, 4), 0, 2)],
        {"with_logits": wl, "reduction": "sum"},
        lambda x, t, w, **kw: bce(x, t, weights=w, **kw))
add("binary_cross_entropy_bool_targets", "binary_cross_entropy", [bl, bt.astype(mx.bool_)],
    {"reduction": "none"}, bce)
add("binary_cross_entropy_bad_shape", "binary_cross_entropy", [bl, ints(35, (4, 3), 0, 2)],
    {}, bce)
add("binary_cross_entropy_bad_weights", "binary_cross_entropy", [bl, bt, rand(36, (4,))], {},
    lambda x, t, w, **kw: bce(x, t, weights=w, **kw))

# regression losses (predictions, targets)
pair = lambda s: (lambda dt: [rand(s, (3, 4), -3, 3, dt), rand(s + 1, (3, 4), -3, 3, dt)])
loss_cases("l1_loss", pair(40), dts=ALL_DT)
loss_cases("mse_loss", pair(42), dts=ALL_DT)
loss_cases("smooth_l1_loss", pair(44), [{"beta": 0.5}, {"beta": 2.5}], dts=ALL_DT)
loss_cases("huber_loss", pair(46), [{"delta": 0.5}, {"delta": 2.5}], dts=ALL_DT)
loss_cases("log_cosh_loss", pair(48), dts=ALL_DT)
add("log_cosh_loss_large", "log_cosh_loss", [arr([100.0, -100.0]), arr([0.0, 0.0])], {},
    nn.losses.log_cosh_loss)
loss_cases("hinge_loss",
           lambda dt: [rand(50, (3, 4), -2, 2, dt),
                       (ints(51, (3, 4), 0, 2) * 2 - 1).astype(DT[dt])],
           dts=ALL_DT)
add("hinge_loss_broadcast", "hinge_loss", [rand(52, (3, 4)), arr([1.0, -1.0, 1.0, 1.0])], {},
    nn.losses.hinge_loss)
for name, p, t in [("l1_loss", (3, 4), (4, 3)), ("mse_loss", (2,), (3,)),
                   ("smooth_l1_loss", (3,), (1, 3))]:
    add(f"{name}_bad_shape", name, [rand(53, p), rand(54, t)], {}, getattr(nn.losses, name))
add("huber_loss_bad_broadcast", "huber_loss", [rand(55, (2,)), rand(56, (3,))], {},
    nn.losses.huber_loss)

gnll = nn.losses.gaussian_nll_loss
loss_cases("gaussian_nll_loss",
           lambda dt: [rand(60, (3, 4), -2, 2, dt), rand(61, (3, 4), -2, 2, dt),
                       rand(62, (3, 4), 0.1, 2, dt)],
           [{"full": True}, {"eps": 0.5}, {"full": True, "eps": 1e-3}], dts=ALL_DT)
add("gaussian_nll_loss_tiny_vars", "gaussian_nll_loss",
    [arr([0.0, 1.0]), arr([0.5, 1.0]), arr([0.0, -1.0])], {"reduction": "none"}, gnll)
add("gaussian_nll_loss_bad_targets", "gaussian_nll_loss",
    [rand(63, (3,)), rand(64, (4,)), rand(65, (3,), 0.1, 1)], {}, gnll)
add("gaussian_nll_loss_bad_vars", "gaussian_nll_loss",
    [rand(66, (3,)), rand(67, (3,)), rand(68, (1,), 0.1, 1)], {}, gnll)

# distribution losses
logp = lambda s, shape, axis=-1: nn.log_softmax(rand(s, shape), axis=axis)
loss_cases("nll_loss", lambda dt: [logp(70, (4, 5)).astype(DT[dt]), ints(71, (4,), 0, 5)],
           dts=ALL_DT)
add("nll_loss_axis0", "nll_loss", [logp(72, (4, 5), 0), ints(73, (5,), 0, 4)], {"axis": 0},
    nn.losses.nll_loss)
add("nll_loss_bad_targets", "nll_loss", [logp(74, (4, 5)), arr([0.5, 1.5, 0.0, 1.0])], {},
    nn.losses.nll_loss)
loss_cases("kl_div_loss", lambda dt: [logp(75, (4, 5)).astype(DT[dt]),
                                      logp(76, (4, 5)).astype(DT[dt])], dts=ALL_DT)
add("kl_div_loss_axis0", "kl_div_loss", [logp(77, (4, 5), 0), logp(78, (4, 5), 0)],
    {"axis": 0}, nn.losses.kl_div_loss)

# embedding losses
loss_cases("cosine_similarity_loss",
           lambda dt: [rand(80, (3, 4), -2, 2, dt), rand(81, (3, 4), -2, 2, dt)],
           [{"axis": -1}, {"axis": 0}, {"eps": 100.0}], dts=ALL_DT)
add("cosine_similarity_loss_zero", "cosine_similarity_loss",
    [arr([[0.0, 0.0], [1.0, 2.0]]), arr([[1.0, 1.0], [0.0, 0.0]])], {},
    nn.losses.cosine_similarity_loss)
loss_cases("triplet_loss",
           lambda dt: [rand(85, (3, 4), -2, 2, dt), rand(86, (3, 4), -2, 2, dt),
                       rand(87, (3, 4), -2, 2, dt)],
           [{"p": 1}, {"p": 3}, {"margin": 0.25}, {"axis": 0}, {"eps": 0.5}], dts=ALL_DT)
add("triplet_loss_p0", "triplet_loss", [rand(88, (3, 4)), rand(89, (3, 4)), rand(90, (3, 4))],
    {"p": 0}, nn.losses.triplet_loss)
loss_cases("margin_ranking_loss",
           lambda dt: [rand(91, (6,), -2, 2, dt), rand(92, (6,), -2, 2, dt),
                       (ints(93, (6,), 0, 2) * 2 - 1).astype(DT[dt])],
           [{"margin": 0.5}], dts=ALL_DT)
add("margin_ranking_loss_int_targets", "margin_ranking_loss",
    [rand(94, (6,)), rand(95, (6,)), ints(96, (6,), 0, 2) * 2 - 1], {},
    nn.losses.margin_ranking_loss)
add("margin_ranking_loss_bad_shape", "margin_ranking_loss",
    [rand(97, (6,)), rand(98, (6,)), arr([1.0, -1.0])], {}, nn.losses.margin_ranking_loss)

# ------------------------------------------------------------ initializers


def init_case(name, fn, shape, build_args, call_args, seed, dtype="float32"):
    """nn.init.<fn>(**build_args, dtype)(w, **call_args) after mx.random.seed(seed)."""
    w = mx.zeros(shape)

    def call(w, **_):
        mx.random.seed(seed)
        return getattr(nn.init, fn)(**build_args, dtype=DT[dtype])(w, **call_args)

    add(name, f"init.{fn}", [w], {**build_args, **call_args, "seed": seed, "dtype": dtype},
        call)


init_case("init_constant", "constant", (2, 3), {"value": 0.5}, {}, 0)
init_case("init_constant_f16", "constant", (4,), {"value": -1.25}, {}, 0, "float16")
init_case("init_identity", "identity", (3, 3), {}, {}, 0)
init_case("init_identity_bf16", "identity", (2, 2), {}, {}, 0, "bfloat16")
init_case("init_identity_not_square", "identity", (2, 3), {}, {}, 0)
for dt in ["float32", "float16", "bfloat16"]:
    init_case(f"init_normal_{dt}", "normal", (3, 4), {"mean": 0.5, "std": 2.0}, {}, 1, dt)
    init_case(f"init_uniform_{dt}", "uniform", (3, 4), {"low": -2.0, "high": 3.0}, {}, 2, dt)
    init_case(f"init_glorot_normal_{dt}", "glorot_normal", (4, 3), {}, {"gain": 1.5}, 3, dt)
    init_case(f"init_glorot_uniform_{dt}", "glorot_uniform", (4, 3), {}, {"gain": 1.5}, 4, dt)
    init_case(f"init_he_normal_{dt}", "he_normal", (4, 3), {}, {}, 5, dt)
    init_case(f"init_he_uniform_{dt}", "he_uniform", (4, 3), {}, {}, 6, dt)
init_case("init_normal_default", "normal", (5,), {}, {}, 7)
init_case("init_uniform_default", "uniform", (5,), {}, {}, 8)
init_case("init_glorot_normal_conv", "glorot_normal", (4, 3, 3, 2), {}, {}, 9)
init_case("init_glorot_uniform_conv", "glorot_uniform", (4, 3, 2), {}, {}, 10)
for mode in ["fan_in", "fan_out"]:
    init_case(f"init_he_normal_{mode}_gain2", "he_normal", (6, 2, 5), {},
              {"mode": mode, "gain": 2.0}, 11)
    init_case(f"init_he_uniform_{mode}_gain2", "he_uniform", (6, 2, 5), {},
              {"mode": mode, "gain": 2.0}, 12)
for fn in ["glorot_normal", "glorot_uniform", "he_normal", "he_uniform"]:
    init_case(f"init_{fn}_1d", fn, (5,), {}, {}, 13)

# --------------------------------------------------------------- gradients
# mx.grad of sum(f(*inputs) * w) with respect to inputs[argnum], where
# w[i] = sin(0.37 i) + 1.2 over the output's flat index (a float32 array of
# the output's shape): MLX's derivative conventions at the kinks (relu at 0,
# hard_tanh at +-1, abs at 0 in l1/smooth_l1/huber, ...) and its gradients
# of every differentiable function and loss.

GRAD_CASES = []


def weights(shape):
    n = int(np.prod(shape)) if len(shape) else 1
    return mx.array((np.sin(np.arange(n) * 0.37) + 1.2).astype(np.float32)).reshape(shape)


def add_grad(name, fn, inputs, args, call, argnum=0):
    def obj(*xs):
        y = call(*xs, **args)
        return (y * weights(y.shape)).sum()

    g = mx.grad(obj, argnums=argnum)(*inputs)
    GRAD_CASES.append({"name": name, "fn": fn, "inputs": [enc(x) for x in inputs],
                       "args": args, "argnum": argnum, "expected": enc(g)})


KINKS = arr([-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0,
             6.0, -2.2, -0.7, 0.3, 1.7, 2.4, 4.1, -4.3], shape=(2, 8))
for fn, arglist in ELEMENTWISE.items():
    if fn == "step":
        continue
    for args in arglist:
        suffix = "" if not args else "_" + "_".join(f"{k}{v}" for k, v in args.items())
        add_grad(f"grad_{fn}{suffix}", fn, [KINKS], args, getattr(nn, fn))
for fn in ["softmax", "softmin", "log_softmax", "glu"]:
    add_grad(f"grad_{fn}", fn, [KINKS], {}, getattr(nn, fn))
    add_grad(f"grad_{fn}_axis0", fn, [KINKS], {"axis": 0}, getattr(nn, fn))
alpha = arr([0.25, -0.5, 0.1, 0.0, 0.3, 0.2, -0.1, 0.4])
add_grad("grad_prelu_x", "prelu", [KINKS, alpha], {}, nn.prelu, 0)
add_grad("grad_prelu_alpha", "prelu", [KINKS, alpha], {}, nn.prelu, 1)

L = nn.losses
kx = arr([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 0.3], shape=(2, 4))
ky = arr([-1.0, 0.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.3], shape=(2, 4))
for red in ["mean", "sum", "none"]:
    for fn, extra in [("l1_loss", {}), ("mse_loss", {}), ("smooth_l1_loss", {}),
                      ("smooth_l1_loss", {"beta": 0.5}), ("huber_loss", {}),
                      ("huber_loss", {"delta": 0.5}), ("log_cosh_loss", {})]:
        tag = "_".join(f"{k}{v}" for k, v in extra.items())
        for argnum in [0, 1]:
            add_grad(f"grad_{fn}{tag}_{red}_arg{argnum}", fn, [kx, ky],
                     {**extra, "reduction": red}, getattr(L, fn), argnum)
    add_grad(f"grad_hinge_loss_{red}", "hinge_loss",
             [arr([1.0, -1.0, 0.5, 2.0, -0.5, 0.0]), arr([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])],
             {"reduction": red}, L.hinge_loss)
    add_grad(f"grad_margin_ranking_loss_{red}", "margin_ranking_loss",
             [arr([1.0, 0.0, 0.5, 2.0]), arr([1.0, 1.0, -0.5, 0.0]), arr([1.0, -1.0, 1.0, -1.0])],
             {"reduction": red}, L.margin_ranking_loss)
    for with_logits, x in [(True, bl), (False, bp)]:
        add_grad(f"grad_binary_cross_entropy_{with_logits}_{red}", "binary_cross_entropy",
                 [x, bt.astype(mx.float32)], {"with_logits": with_logits, "reduction": red},
                 L.binary_cross_entropy)
    for ls in [0.0, 0.3]:
        add_grad(f"grad_cross_entropy_indices_ls{ls}_{red}", "cross_entropy", [logits, idx],
                 {"label_smoothing": ls, "reduction": red}, ce)
        for argnum in [0, 1]:
            add_grad(f"grad_cross_entropy_probs_ls{ls}_{red}_arg{argnum}", "cross_entropy",
                     [logits, probs], {"label_smoothing": ls, "reduction": red}, ce, argnum)
    add_grad(f"grad_cross_entropy_weights_{red}", "cross_entropy",
             [logits, idx, rand(27, (4,), 0, 2)], {"reduction": red},
             lambda l, t, w, **kw: ce(l, t, weights=w, **kw))
    for argnum in [0, 1, 2]:
        add_grad(f"grad_gaussian_nll_loss_{red}_arg{argnum}", "gaussian_nll_loss",
                 [rand(60, (3, 4), -2, 2), rand(61, (3, 4), -2, 2), rand(62, (3, 4), 0.1, 2)],
                 {"full": True, "reduction": red}, gnll, argnum)
    add_grad(f"grad_nll_loss_{red}", "nll_loss", [logp(70, (4, 5)), ints(71, (4,), 0, 5)],
             {"reduction": red}, L.nll_loss)
    for argnum in [0, 1]:
        add_grad(f"grad_kl_div_loss_{red}_arg{argnum}", "kl_div_loss",
                 [logp(75, (4, 5)), logp(76, (4, 5))], {"reduction": red}, L.kl_div_loss,
                 argnum)
        add_grad(f"grad_cosine_similarity_loss_{red}_arg{argnum}", "cosine_similarity_loss",
                 [rand(80, (3, 4), -2, 2), rand(81, (3, 4), -2, 2)], {"reduction": red},
                 L.cosine_similarity_loss, argnum)
    for p in [1, 2, 3]:
        for argnum in [0, 1, 2]:
            add_grad(f"grad_triplet_loss_p{p}_{red}_arg{argnum}", "triplet_loss",
                     [rand(85, (3, 4), -2, 2), rand(86, (3, 4), -2, 2), rand(87, (3, 4), -2, 2)],
                     {"p": p, "margin": 2.0, "reduction": red}, L.triplet_loss, argnum)

with open(os.path.join(OUT, "functional_grad.json"), "w") as f:
    json.dump({"mlx_version": mx.__version__, "cases": GRAD_CASES}, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(GRAD_CASES)} gradient cases")

with open(os.path.join(OUT, "functional.json"), "w") as f:
    json.dump({"mlx_version": mx.__version__, "cases": CASES}, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(CASES)} cases, {sum('error' in c for c in CASES)} errors")
