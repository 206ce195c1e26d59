#!/usr/bin/env python3
"""PyTorch on CUDA, timing the workloads of `benches/gpu.rs` for comparison.

    python3 benches/torch_gpu.py            # every workload
    python3 benches/torch_gpu.py W7 W8      # only these ids

Each workload runs 10 warm-up calls, then 50 timed calls; a call is timed
with CUDA events around it (so only GPU time is counted) and the median is
reported, with the rate in GB/s or TFLOP/s counted as in `gpu.rs`. fp32
matmuls run without TF32 (`torch.backends.cuda.matmul.allow_tf32 = False`).
"""

import statistics
import sys

import torch

WARMUP = 10
RUNS = 50
N64M = 64 * 1024 * 1024


def time_ms(fn):
    """Median GPU milliseconds of `fn()` over RUNS calls after WARMUP."""
    for _ in range(WARMUP):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(RUNS):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def uniform(shape, seed, dtype=torch.float32):
    g = torch.Generator(device="cuda").manual_seed(seed)
    x = torch.rand(shape, generator=g, device="cuda", dtype=torch.float32) * 2 - 1
    return x.to(dtype)


def workloads():
    """(id, name, fn, amount, unit) with amount in bytes or FLOPs."""
    out = []

    a = uniform((N64M,), 1)
    out.append(("copy", "contiguous 64M f32 (clone)", lambda: a.clone(), 2 * 4 * N64M, "GB/s"))

    b, c = uniform((N64M,), 2), uniform((N64M,), 3)
    out.append(("W5", "a*b+c 64M f32", lambda: a * b + c, 4 * 4 * N64M, "GB/s"))

    x6 = uniform((4096, 8192), 4)
    out.append(("W6", "softmax last 4096x8192 f32",
                lambda: torch.softmax(x6, dim=-1), 2 * 4 * 4096 * 8192, "GB/s"))

    n = 4096
    for dtype, label in [(torch.float32, "float32"), (torch.float16, "float16")]:
        x, y = uniform((n, n), 5, dtype), uniform((n, n), 6, dtype)
        out.append(("W7", f"matmul {n} {label}", lambda x=x, y=y: x @ y, 2 * n ** 3, "TFLOP/s"))

    k = 4096
    v = uniform((1, k), 7, torch.float16)
    w = uniform((k, k), 8, torch.float16)
    wt = uniform((k, k), 9, torch.float16).t()
    out.append(("W8", "gemv 1x4096 @ 4096x4096 f16", lambda: v @ w, 2 * k * k, "GB/s"))
    out.append(("W8", "gemv 1x4096 @ (4096x4096).T f16", lambda: v @ wt, 2 * k * k, "GB/s"))
    layers = [uniform((k, k), 10 + i, torch.float16) for i in range(8)]

    def chain():
        y = v
        for lw in layers:
            y = y @ lw
        return y

    out.append(("W8", "gemv chain of 8 distinct 4096x4096 f16 layers (per product)",
                chain, 8 * 2 * k * k, "GB/s"))
    return out


def main():
    if not torch.cuda.is_available():
        print("no CUDA device; nothing to measure")
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    wanted = set(sys.argv[1:])
    print(f"PyTorch {torch.__version__} on {torch.cuda.get_device_name()}, "
          f"median of {RUNS} after {WARMUP} warm-ups (CUDA events)")
    print(f"{'id':<5} {'workload':<34} {'ms':>10} {'rate':>14}")
    for wid, name, fn, amount, unit in workloads():
        if wanted and wid not in wanted:
            continue
        ms = time_ms(fn)
        scale = 1e9 if unit == "GB/s" else 1e12
        rate = amount / (ms * 1e-3) / scale
        print(f"{wid:<5} {name:<34} {ms:>10.4f} {rate:>8.1f} {unit}")


if __name__ == "__main__":
    main()
