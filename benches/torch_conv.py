"""W5 peer: PyTorch CPU conv2d, input 8x64x64x64 (NCHW shape in
channels-last memory, as our NHWC), 3x3 kernel, 64 output channels,
padding 1, on 2 threads: forward, and forward plus both gradients.
Median of 20 after 3 warm-up runs. Run: python3 benches/torch_conv.py"""
import statistics
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
x = torch.rand(8, 64, 64, 64).to(memory_format=torch.channels_last)
w = (torch.rand(64, 64, 3, 3) * 0.05).to(memory_format=torch.channels_last)
g = torch.rand(8, 64, 64, 64).to(memory_format=torch.channels_last)
xr = x.clone().requires_grad_()
wr = w.clone().requires_grad_()


def forward():
    with torch.no_grad():
        return torch.nn.functional.conv2d(x, w, padding=1)


def forward_backward():
    y = torch.nn.functional.conv2d(xr, wr, padding=1)
    return torch.autograd.grad(y, (xr, wr), g)


for name, f in [("forward", forward), ("forward+backward", forward_backward)]:
    for _ in range(3):
        f()
    times = []
    for _ in range(20):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    print(f"torch {torch.__version__} threads {torch.get_num_threads()}: "
          f"W5 conv2d {name} median {statistics.median(times) * 1e3:.2f} ms")
