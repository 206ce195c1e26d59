//! W5: `conv2d` NHWC 8x64x64x64 input, 64 output channels, 3x3 kernel,
//! padding 1, f32.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mlx::ops;
use mlx_benches::random_array;

fn w5(c: &mut Criterion) {
    let x = random_array(&[8, 64, 64, 64], 9).unwrap();
    let w = random_array(&[64, 3, 3, 64], 10).unwrap();
    let mut g = c.benchmark_group("W5");
    g.sample_size(10);
    g.throughput(Throughput::Elements(2 * 8 * 64 * 64 * 64 * 64 * 9));
    g.bench_function("conv2d 8x64x64x64 k3", |bench| {
        bench.iter(|| {
            let out = ops::conv2d(&x, &w, &[1], &[1], &[1], 1).unwrap();
            out.eval().unwrap();
            out
        })
    });
    g.finish();
}

criterion_group!(benches, w5);
criterion_main!(benches);
