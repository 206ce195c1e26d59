"""NumPy and PyTorch (CPU) timings of the CPU workloads, printed as JSON lines.

Same workloads and data sizes as benches/{binary,matmul,reduce,unary,conv}.rs
and as ../shared/bench/peers_cpu.py. `cargo xtask bench-cpu` runs this
script and the criterion benches in one command and prints the table.

Each line is {"bench": "<criterion group>/<function>", "numpy_ms": ..,
"torch_ms": ..}; a peer that lacks a workload (NumPy has no erf and no
conv2d, no bfloat16) writes null. PyTorch uses every core
(torch.set_num_threads(os.cpu_count())); NumPy's elementwise ops and
reductions are single-threaded, its matmul uses every core through BLAS.
"""
import json, math, os, statistics, sys, time

import numpy as np


def timeit(fn, repeat=15, warmup=3):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def numpy_rows(rng):
    out = {}
    n = 16 * 1024 * 1024
    a, b, c = (rng.standard_normal(n, dtype=np.float32) for _ in range(3))
    out["W1/a*b+c 16M f32"] = timeit(lambda: a * b + c)
    h = [x.astype(np.float16) for x in (a, b, c)]
    out["W1/a*b+c 16M f16"] = timeit(lambda: h[0] * h[1] + h[2], repeat=5, warmup=1)
    for m in (1024, 2048):
        x = rng.standard_normal((m, m), dtype=np.float32)
        y = rng.standard_normal((m, m), dtype=np.float32)
        out[f"W2/matmul {m} f32"] = timeit(lambda: x @ y, repeat=5, warmup=1)
    x = rng.standard_normal((4096, 4096), dtype=np.float32)
    out["W3/sum last 4096x4096"] = timeit(lambda: x.sum(axis=-1))
    xh = x.astype(np.float16)
    out["W3/sum last 4096x4096 f16"] = timeit(lambda: xh.sum(axis=-1), repeat=5, warmup=1)
    x = rng.standard_normal((1024, 4096), dtype=np.float32)

    def softmax():
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    out["W4/softmax 1024x4096"] = timeit(softmax)
    t = rng.uniform(-4, 4, n).astype(np.float32)  # as benches/unary.rs
    out["T/exp 16M f32"] = timeit(lambda: np.exp(t), repeat=7, warmup=1)
    out["T/tanh 16M f32"] = timeit(lambda: np.tanh(t), repeat=7, warmup=1)
    return out


def torch_rows():
    import torch

    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(0)
    out = {}
    n = 16 * 1024 * 1024
    with torch.no_grad():
        a, b, c = (torch.randn(n) for _ in range(3))
        out["W1/a*b+c 16M f32"] = timeit(lambda: a * b + c)
        for dt, name in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
            h = [x.to(dt) for x in (a, b, c)]
            out[f"W1/a*b+c 16M {name}"] = timeit(lambda: h[0] * h[1] + h[2])
        for m in (1024, 2048):
            x, y = torch.randn(m, m), torch.randn(m, m)
            out[f"W2/matmul {m} f32"] = timeit(lambda: x @ y, repeat=5, warmup=1)
        x = torch.randn(4096, 4096)
        out["W3/sum last 4096x4096"] = timeit(lambda: x.sum(dim=-1))
        for dt, name in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
            xh = x.to(dt)
            out[f"W3/sum last 4096x4096 {name}"] = timeit(lambda: xh.sum(dim=-1))
        x = torch.randn(1024, 4096)
        out["W4/softmax 1024x4096"] = timeit(lambda: torch.softmax(x, dim=-1))
        for dt, name in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
            xh = x.to(dt)
            out[f"W4/softmax 1024x4096 {name}"] = timeit(lambda: torch.softmax(xh, dim=-1))
        t = torch.rand(n) * 8 - 4
        out["T/exp 16M f32"] = timeit(lambda: torch.exp(t))
        out["T/tanh 16M f32"] = timeit(lambda: torch.tanh(t))
        out["T/erf 16M f32"] = timeit(lambda: torch.erf(t))
        x = torch.randn(8, 64, 64, 64).contiguous(memory_format=torch.channels_last)
        w = torch.randn(64, 64, 3, 3)
        out["W5/conv2d 8x64x64x64 k3"] = timeit(
            lambda: torch.nn.functional.conv2d(x, w, padding=1), repeat=5, warmup=1
        )
    # Forward and both gradients (as benches/conv.rs: the output cotangent
    # given, x and w both differentiated).
    xr = x.clone().requires_grad_()
    wr = w.clone().requires_grad_()
    g = torch.randn(8, 64, 64, 64).contiguous(memory_format=torch.channels_last)

    def fwd_bwd():
        y = torch.nn.functional.conv2d(xr, wr, padding=1)
        return torch.autograd.grad(y, (xr, wr), g)

    out["W5/conv2d 8x64x64x64 k3 fwd+bwd"] = timeit(fwd_bwd, repeat=5, warmup=1)
    return out


def main():
    rng = np.random.default_rng(0)
    rows = {k: {"numpy_ms": v} for k, v in numpy_rows(rng).items()}
    try:
        for k, v in torch_rows().items():
            rows.setdefault(k, {})["torch_ms"] = v
    except ImportError:
        print("torch not installed: PyTorch column left empty", file=sys.stderr)
    for name, r in rows.items():
        print(json.dumps({"bench": name, "numpy_ms": r.get("numpy_ms"),
                          "torch_ms": r.get("torch_ms")}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
