"""Golden values for mlx-optim from MLX 0.32.4 (pip install "mlx[cpu]==0.32.4" numpy).

Every optimizer (defaults and non-default options) runs 12 steps on the same
parameters and gradient sequence, in float32 and bfloat16; the parameters
after every step are recorded. Schedules are evaluated at steps 0..30, and
clip_grad_norm on a few trees. Run: python3 gen_optim.py > optim.json
"""
import json

import mlx.core as mx
import mlx.optimizers as optim
import numpy as np

assert mx.__version__ == "0.32.4", mx.__version__

SHAPES = {"b": (3,), "conv": (4, 2, 3), "w": (5, 3)}
STEPS = 12
rng = np.random.default_rng(15)
INIT = {k: rng.standard_normal(s).astype(np.float32) for k, s in SHAPES.items()}
GRADS = [
    {k: (rng.standard_normal(s) * (1.0 + 0.3 * t)).astype(np.float32) for k, s in SHAPES.items()}
    for t in range(STEPS)
]

CASES = {
    "sgd": lambda: optim.SGD(0.1),
    "sgd_momentum_wd_dampening": lambda: optim.SGD(0.1, momentum=0.9, weight_decay=0.01, dampening=0.1),
    "sgd_nesterov": lambda: optim.SGD(0.05, momentum=0.8, nesterov=True),
    "sgd_cosine_lr": lambda: optim.SGD(optim.cosine_decay(0.1, 8, 0.01), momentum=0.5),
    "rmsprop": lambda: optim.RMSprop(0.01),
    "rmsprop_alpha_eps": lambda: optim.RMSprop(0.01, alpha=0.9, eps=1e-4),
    "adagrad": lambda: optim.Adagrad(0.1),
    "adagrad_eps": lambda: optim.Adagrad(0.1, eps=1e-3),
    "adadelta": lambda: optim.AdaDelta(1.0),
    "adadelta_rho_eps": lambda: optim.AdaDelta(0.5, rho=0.8, eps=1e-4),
    "adam": lambda: optim.Adam(0.01),
    "adam_bias_correction": lambda: optim.Adam(0.01, betas=[0.8, 0.95], eps=1e-6, bias_correction=True),
    "adamw": lambda: optim.AdamW(0.01),
    "adamw_wd_bias_correction": lambda: optim.AdamW(0.01, betas=[0.85, 0.99], weight_decay=0.1, bias_correction=True),
    "adamax": lambda: optim.Adamax(0.01),
    "adamax_betas_eps": lambda: optim.Adamax(0.01, betas=[0.8, 0.9], eps=1e-4),
    "lion": lambda: optim.Lion(0.01),
    "lion_betas_wd": lambda: optim.Lion(0.01, betas=[0.8, 0.9], weight_decay=0.1),
    "adafactor": lambda: optim.Adafactor(),
    "adafactor_warmup": lambda: optim.Adafactor(warmup_init=True),
    "adafactor_lr_beta1_wd": lambda: optim.Adafactor(
        learning_rate=0.01, relative_step=False, beta_1=0.9, weight_decay=0.01,
        scale_parameter=False, clip_threshold=0.5, decay_rate=-0.5, eps=(1e-20, 1e-2)),
    "adafactor_exp_lr_scaled": lambda: optim.Adafactor(
        learning_rate=optim.exponential_decay(0.05, 0.9), relative_step=False),
    "muon": lambda: optim.Muon(0.02),
    "muon_plain": lambda: optim.Muon(0.02, momentum=0.9, weight_decay=0.0, nesterov=False, ns_steps=3),
    "multi_adam_bias_sgd": lambda: optim.MultiOptimizer(
        [optim.Adam(0.01), optim.SGD(0.1, momentum=0.9)], [lambda path, g: path.endswith("b")]),
}


def to_list(a):
    return np.array(a.astype(mx.float32)).reshape(-1).tolist()


def run(name, dtype):
    opt = CASES[name]()
    params = {k: mx.array(v).astype(dtype) for k, v in INIT.items()}
    out = []
    for t in range(STEPS):
        grads = {k: mx.array(v).astype(dtype) for k, v in GRADS[t].items()}
        params = opt.apply_gradients(grads, params)
        mx.eval(params, opt.state)
        out.append({k: to_list(v) for k, v in params.items()})
    return out


SCHEDULES = {
    "step_decay": optim.step_decay(0.1, 0.9, 3),
    "exponential_decay": optim.exponential_decay(0.1, 0.95),
    "cosine_decay": optim.cosine_decay(0.1, 20),
    "cosine_decay_end": optim.cosine_decay(0.1, 20, 0.01),
    "linear_schedule": optim.linear_schedule(0.0, 0.1, 10),
    "join_schedules": optim.join_schedules(
        [optim.linear_schedule(0.0, 0.1, 5), optim.cosine_decay(0.1, 20)], [5]),
}

CLIP = {
    "clip_big": ({k: v * 10 for k, v in GRADS[0].items()}, 1.0),
    "clip_small": (GRADS[1], 100.0),
    "clip_zero_max": (GRADS[2], 0.0),
}


def clip_case(g, max_norm, dtype):
    tree = {k: mx.array(v).astype(dtype) for k, v in g.items()}
    clipped, norm = optim.clip_grad_norm(tree, max_norm)
    return {"max_norm": max_norm, "norm": float(norm.astype(mx.float32).item()),
            "clipped": {k: to_list(v) for k, v in clipped.items()},
            "grads": {k: to_list(v) for k, v in tree.items()}}


golden = {
    "mlx_version": mx.__version__,
    "shapes": {k: list(s) for k, s in SHAPES.items()},
    "init": {k: v.reshape(-1).tolist() for k, v in INIT.items()},
    "grads": [{k: v.reshape(-1).tolist() for k, v in g.items()} for g in GRADS],
    "optimizers": {
        dt: {name: run(name, getattr(mx, dt)) for name in CASES} for dt in ["float32", "bfloat16"]
    },
    "schedules": {
        name: [float(s(mx.array(t, mx.uint64)).item()) for t in range(31)]
        for name, s in SCHEDULES.items()
    },
    "clip": {
        dt: {name: clip_case(g, m, getattr(mx, dt)) for name, (g, m) in CLIP.items()}
        for dt in ["float32", "bfloat16"]
    },
}
print(json.dumps(golden))
