//! W5: `conv2d` on the CPU backend, NHWC input 8x64x64x64, 3x3 kernel, 64
//! output channels, padding 1: the forward pass, and forward plus the
//! gradients of the input and the weight (`vjp`), each evaluated once.
//! Peer: `python3 benches/torch_conv.py` (PyTorch CPU, channels-last,
//! 2 threads), run in the same command:
//!
//! ```sh
//! cargo bench -p mlx-benches --bench conv && python3 benches/torch_conv.py
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use mlx::{ops, Array, Device};
use mlx_benches::random_array;

fn conv(x: &Array, w: &Array) -> mlx::Result<Array> {
    ops::conv2d(x, w, &[1], &[1], &[1], 1)
}

fn bench(c: &mut Criterion) {
    mlx::set_default_device(Device::cpu()).unwrap();
    let x = random_array(&[8, 64, 64, 64], 1).unwrap();
    let w = (&random_array(&[64, 3, 3, 64], 2).unwrap() * 0.05).unwrap();
    let g = random_array(&[8, 64, 64, 64], 3).unwrap();
    mlx::eval(&[&x, &w, &g]).unwrap();
    // Named as `cpu_peers.py` names its rows, so `cargo xtask bench-cpu`
    // puts them in its table.
    let mut group = c.benchmark_group("W5");
    group.sample_size(20);
    group.bench_function("conv2d 8x64x64x64 k3", |b| {
        b.iter(|| {
            let y = conv(&x, &w).unwrap();
            y.eval().unwrap();
            y
        })
    });
    group.bench_function("conv2d 8x64x64x64 k3 fwd+bwd", |b| {
        b.iter(|| {
            let (ys, grads) = mlx::vjp(
                |a: &[Array]| Ok(vec![conv(&a[0], &a[1])?]),
                &[x.clone(), w.clone()],
                std::slice::from_ref(&g),
            )
            .unwrap();
            mlx::eval(&[&ys[0], &grads[0], &grads[1]]).unwrap();
            grads
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
