//! W3: sum over the last axis of 4096x4096 f32 (and f16, bf16); W4: softmax over the last
//! axis of 1024x4096 f32 (and f16, bf16).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mlx::Dtype;
use mlx_benches::random_array;

fn w3(c: &mut Criterion) {
    let x = random_array(&[4096, 4096], 6).unwrap();
    let mut g = c.benchmark_group("W3");
    g.sample_size(20);
    g.throughput(Throughput::Bytes((4096 * 4096 * 4) as u64));
    g.bench_function("sum last 4096x4096", |bench| {
        bench.iter(|| {
            let out = x.sum(-1, false).unwrap();
            out.eval().unwrap();
            out
        })
    });
    for (dtype, name) in [(Dtype::Float16, "f16"), (Dtype::Bfloat16, "bf16")] {
        let h = x.as_type(dtype).unwrap();
        h.eval().unwrap();
        g.throughput(Throughput::Bytes((4096 * 4096 * 2) as u64));
        g.bench_function(format!("sum last 4096x4096 {name}"), |bench| {
            bench.iter(|| {
                let out = h.sum(-1, false).unwrap();
                out.eval().unwrap();
                out
            })
        });
    }
    g.finish();
}

fn w4(c: &mut Criterion) {
    let x = random_array(&[1024, 4096], 7).unwrap();
    let mut g = c.benchmark_group("W4");
    g.sample_size(20);
    g.throughput(Throughput::Bytes((1024 * 4096 * 4) as u64));
    g.bench_function("softmax 1024x4096", |bench| {
        bench.iter(|| {
            let out = x.softmax(&[-1], false).unwrap();
            out.eval().unwrap();
            out
        })
    });
    for (dtype, name) in [(Dtype::Float16, "f16"), (Dtype::Bfloat16, "bf16")] {
        let h = x.as_type(dtype).unwrap();
        h.eval().unwrap();
        g.throughput(Throughput::Bytes((1024 * 4096 * 2) as u64));
        g.bench_function(format!("softmax 1024x4096 {name}"), |bench| {
            bench.iter(|| {
                let out = h.softmax(&[-1], false).unwrap();
                out.eval().unwrap();
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, w3, w4);
criterion_main!(benches);
