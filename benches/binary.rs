//! W1: `a * b + c` over 16M elements (bandwidth-bound elementwise), in
//! f32, f16 and bf16.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mlx::Dtype;
use mlx_benches::random_array;

fn w1(c: &mut Criterion) {
    let n = 16 * 1024 * 1024;
    let a = random_array(&[n], 1).unwrap();
    let b = random_array(&[n], 2).unwrap();
    let d = random_array(&[n], 3).unwrap();
    let mut g = c.benchmark_group("W1");
    g.sample_size(20);
    // Bytes moved as NumPy counts them: 3 inputs + 1 output.
    g.throughput(Throughput::Bytes((n * 16) as u64));
    g.bench_function("a*b+c 16M f32", |bench| {
        bench.iter(|| {
            let out = ((&a * &b).unwrap() + &d).unwrap();
            out.eval().unwrap();
            out
        })
    });
    for (dtype, name) in [(Dtype::Float16, "f16"), (Dtype::Bfloat16, "bf16")] {
        let [a, b, d] = [&a, &b, &d].map(|x| {
            let h = x.as_type(dtype).unwrap();
            h.eval().unwrap();
            h
        });
        g.throughput(Throughput::Bytes((n * 8) as u64));
        g.bench_function(format!("a*b+c 16M {name}"), |bench| {
            bench.iter(|| {
                let out = ((&a * &b).unwrap() + &d).unwrap();
                out.eval().unwrap();
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, w1);
criterion_main!(benches);
