"""W6 peer: one eager Adam training step of an MLP 784-512-512-10 at batch
256 on the CPU (forward, backward, step), median of 200 after 20 warm-up
steps. Run: python3 benches/torch_train_step.py [--device cuda]
(on a GPU the step is synchronized before the clock stops)."""
import argparse
import statistics
import time

import torch

ap = argparse.ArgumentParser()
ap.add_argument("--device", default="cpu")
dev = ap.parse_args().device
sync = torch.cuda.synchronize if dev.startswith("cuda") else (lambda: None)

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(784, 512), torch.nn.ReLU(),
    torch.nn.Linear(512, 512), torch.nn.ReLU(),
    torch.nn.Linear(512, 10)).to(dev)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(256, 784, device=dev)
y = torch.randint(0, 10, (256,), device=dev)
loss_fn = torch.nn.CrossEntropyLoss()


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


for _ in range(20):
    step()
sync()
times = []
for _ in range(200):
    t = time.perf_counter()
    step()
    sync()
    times.append(time.perf_counter() - t)
print(f"torch {torch.__version__} {dev} threads {torch.get_num_threads()}: "
      f"W6 adam step median {statistics.median(times) * 1e3:.2f} ms")
