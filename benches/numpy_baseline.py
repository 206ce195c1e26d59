"""NumPy timings of the CPU workloads W1-W4, printed as JSON lines.

Same workloads and data sizes as benches/{binary,matmul,reduce}.rs and as
../shared/bench/peers_cpu.py. `cargo xtask bench-cpu` runs this script and
the criterion benches in one command and prints the ratio table.
"""
import json, statistics, sys, time

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


def main():
    rng = np.random.default_rng(0)
    out = []
    n = 16 * 1024 * 1024
    a, b, c = (rng.standard_normal(n, dtype=np.float32) for _ in range(3))
    out.append(("W1/a*b+c 16M f32", timeit(lambda: a * b + c)))
    for m in (1024, 2048):
        x = rng.standard_normal((m, m), dtype=np.float32)
        y = rng.standard_normal((m, m), dtype=np.float32)
        out.append((f"W2/matmul {m} f32", timeit(lambda: x @ y, repeat=5, warmup=1)))
    x = rng.standard_normal((4096, 4096), dtype=np.float32)
    out.append(("W3/sum last 4096x4096", timeit(lambda: x.sum(axis=-1))))
    x = rng.standard_normal((1024, 4096), dtype=np.float32)

    def softmax():
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    out.append(("W4/softmax 1024x4096", timeit(softmax)))
    for name, ms in out:
        print(json.dumps({"bench": name, "numpy_ms": ms}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
