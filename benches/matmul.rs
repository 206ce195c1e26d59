//! W2: f32 matrix products of 1024 and 2048 square matrices, and the
//! `x @ w.T` products of a linear layer (W6's shapes) beside the same
//! product with `w.T` stored row-major.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mlx_benches::random_array;

fn w2(c: &mut Criterion) {
    let mut g = c.benchmark_group("W2");
    g.sample_size(10);
    for n in [1024usize, 2048] {
        let x = random_array(&[n, n], 4).unwrap();
        let y = random_array(&[n, n], 5).unwrap();
        g.throughput(Throughput::Elements((2 * n * n * n) as u64));
        g.bench_function(format!("matmul {n} f32"), |bench| {
            bench.iter(|| {
                let out = x.matmul(&y).unwrap();
                out.eval().unwrap();
                out
            })
        });
    }
    g.finish();
}

/// `x @ w.T` for `x` of shape (256, k) and `w` of shape (512, k), as in
/// `nn::Linear`, against `x @ wt` with `wt` a row-major copy of `w.T`:
/// the same product, from the layout gemm likes best.
fn linear(c: &mut Criterion) {
    let mut g = c.benchmark_group("W2t");
    g.sample_size(20);
    for k in [512usize, 784, 1024] {
        let x = random_array(&[256, k], 6).unwrap();
        let w = random_array(&[512, k], 7).unwrap();
        let wt = mlx::ops::contiguous(&w.t().unwrap()).unwrap();
        wt.eval().unwrap();
        g.throughput(Throughput::Elements((2 * 256 * 512 * k) as u64));
        for (name, rhs) in [("x @ w.T", w.t().unwrap()), ("x @ row-major w.T", wt)] {
            g.bench_function(format!("{name} 256x512x{k} f32"), |bench| {
                bench.iter(|| {
                    let out = x.matmul(&rhs).unwrap();
                    out.eval().unwrap();
                    out
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, w2, linear);
criterion_main!(benches);
