//! W2: f32 matrix products of 1024 and 2048 square matrices.
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

criterion_group!(benches, w2);
criterion_main!(benches);
