//! W2: f32 matrix products of 1024 and 2048 square matrices, and the
//! `x @ w.T` products of a linear layer (W6's shapes) beside the same
//! product with `w.T` stored row-major.
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use mlx::Array;
use mlx_benches::random_array;

/// Time `a @ b` (built and evaluated per iteration) as `name` in `g`, with
/// its flop count as the throughput.
fn bench_product(g: &mut BenchmarkGroup<WallTime>, name: String, a: &Array, b: &Array) {
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    g.throughput(Throughput::Elements((2 * m * n * k) as u64));
    g.bench_function(name, |bench| {
        bench.iter(|| {
            let out = a.matmul(b).unwrap();
            out.eval().unwrap();
            out
        })
    });
}

fn w2(c: &mut Criterion) {
    let mut g = c.benchmark_group("W2");
    g.sample_size(10);
    for n in [1024usize, 2048] {
        let x = random_array(&[n, n], 4).unwrap();
        let y = random_array(&[n, n], 5).unwrap();
        bench_product(&mut g, format!("matmul {n} f32"), &x, &y);
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
        for (name, rhs) in [("x @ w.T", w.t().unwrap()), ("x @ row-major w.T", wt)] {
            bench_product(&mut g, format!("{name} 256x512x{k} f32"), &x, &rhs);
        }
    }
    g.finish();
}

/// The eight products of one W6 training step (MLP 784-512-512-10 at
/// batch 256), in the layouts the step hands to the backend: forward
/// `x @ w.T`, the weight gradients `g.T @ x`, the input gradients `g @ w`.
/// PyTorch's side: `python3 benches/torch_w6_matmuls.py`. With
/// `W6MM_DENSE=1` both operands are row-major copies first: the layout
/// gemm reads fastest, so the difference is what the transposed layouts
/// cost.
fn w6_products(c: &mut Criterion) {
    let mut g = c.benchmark_group("W6mm");
    g.sample_size(20);
    let arr = |s: &[usize], seed| random_array(s, seed).unwrap();
    let t = |a: &Array| a.t().unwrap();
    let (x, h) = (arr(&[256, 784], 1), arr(&[256, 512], 2));
    let (w1, w2, w3) = (arr(&[512, 784], 3), arr(&[512, 512], 4), arr(&[10, 512], 5));
    let (g2, g3) = (arr(&[256, 512], 6), arr(&[256, 10], 7));
    let cases = [
        ("fwd1 x@w1.T", x.clone(), t(&w1)),
        ("fwd2 h@w2.T", h.clone(), t(&w2)),
        ("fwd3 h@w3.T", h.clone(), t(&w3)),
        ("dw1 g.T@x", t(&g2), x.clone()),
        ("dw2 g.T@h", t(&g2), h.clone()),
        ("dw3 g.T@h", t(&g3), h.clone()),
        ("dh2 g@w3", g3.clone(), w3.clone()),
        ("dh1 g@w2", g2.clone(), w2.clone()),
    ];
    let dense = std::env::var("W6MM_DENSE").is_ok();
    for (name, a, b) in cases {
        let (a, b) = if dense {
            let (a, b) = (
                mlx::ops::contiguous(&a).unwrap(),
                mlx::ops::contiguous(&b).unwrap(),
            );
            mlx::eval(&[&a, &b]).unwrap();
            (a, b)
        } else {
            (a, b)
        };
        let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
        bench_product(&mut g, format!("{name} {m}x{n}x{k}"), &a, &b);
    }
    g.finish();
}

criterion_group!(benches, w2, linear, w6_products);
criterion_main!(benches);
