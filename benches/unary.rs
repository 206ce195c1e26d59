//! T: transcendentals `exp`, `tanh`, `erf` over 16M f32 elements.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mlx::{Array, Result};
use mlx_benches::uniform;

/// A unary op as a function pointer.
type UnaryFn = fn(&Array) -> Result<Array>;

fn transcendental(c: &mut Criterion) {
    let n = 16 * 1024 * 1024;
    // uniform in [-4, 4): covers the curved part of tanh and erf.
    let v: Vec<f32> = uniform(n, 8).into_iter().map(|v| v * 4.0).collect();
    let x = Array::from_vec(v, &[n]).unwrap();
    let mut g = c.benchmark_group("T");
    g.sample_size(20);
    g.throughput(Throughput::Elements(n as u64));
    let ops: [(&str, UnaryFn); 3] = [
        ("exp", Array::exp),
        ("tanh", Array::tanh),
        ("erf", Array::erf),
    ];
    for (name, op) in ops {
        g.bench_function(format!("{name} 16M f32"), |bench| {
            bench.iter(|| {
                let out = op(&x).unwrap();
                out.eval().unwrap();
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, transcendental);
criterion_main!(benches);
