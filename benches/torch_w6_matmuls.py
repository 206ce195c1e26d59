"""PyTorch CPU's side of the `W6mm` group in benches/matmul.rs: the eight
products of one W6 training step, in the same layouts, median of 200 runs
each. Run: python3 benches/torch_w6_matmuls.py"""
import os, statistics, time

import torch

torch.set_num_threads(os.cpu_count())
r = lambda *s: torch.rand(*s)
x, h = r(256, 784), r(256, 512)
w1, w2, w3 = r(512, 784), r(512, 512), r(10, 512)
g2, g3 = r(256, 512), r(256, 10)
cases = [
    ("fwd1 x@w1.T", x, w1.t()), ("fwd2 h@w2.T", h, w2.t()),
    ("fwd3 h@w3.T", h, w3.t()), ("dw1 g.T@x", g2.t(), x),
    ("dw2 g.T@h", g2.t(), h), ("dw3 g.T@h", g3.t(), h),
    ("dh2 g@w3", g3, w3), ("dh1 g@w2", g2, w2),
]
total = 0.0
for name, a, b in cases:
    for _ in range(20):
        a @ b
    ts = []
    for _ in range(200):
        t = time.perf_counter()
        a @ b
        ts.append(time.perf_counter() - t)
    ms = statistics.median(ts) * 1e3
    total += ms
    m, k, n = a.shape[0], a.shape[1], b.shape[1]
    print(f"W6mm/{name} {m}x{n}x{k}: {ms * 1e3:.0f} us, "
          f"{2 * m * n * k / ms / 1e6:.0f} GFLOP/s")
print(f"sum of the eight: {total:.3f} ms")
