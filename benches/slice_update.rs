//! `slice_update_kv`: write one token's row into a (1, 8, L, 64) `float16`
//! KV cache, L = 512 .. 4096. The cache is donated to each update (its
//! only handle is replaced by the result), so the scatter writes the 8 x 64
//! new values in place: the time per update must not grow with L.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use mlx::{ops, Array, Dtype};
use mlx_benches::uniform;

fn slice_update_kv(c: &mut Criterion) {
    let mut g = c.benchmark_group("slice_update_kv");
    let row = Array::from_vec(uniform(8 * 64, 7), &[1, 8, 1, 64])
        .and_then(|r| r.as_type(Dtype::Float16))
        .unwrap();
    row.eval().unwrap();
    for len in [512usize, 1024, 2048, 4096] {
        let mut cache = Array::from_vec(uniform(8 * len * 64, 3), &[1, 8, len, 64])
            .and_then(|a| a.as_type(Dtype::Float16))
            .unwrap();
        cache.eval().unwrap();
        let mut pos = 0i64;
        g.bench_with_input(BenchmarkId::from_parameter(len), &len, |bench, &len| {
            bench.iter(|| {
                let p = pos % len as i64;
                pos += 1;
                let start = [0, 0, p, 0];
                let stop = [1, 8, p + 1, 64];
                cache =
                    ops::slice_update_strided(&cache, &row, &start, &stop, &[1, 1, 1, 1]).unwrap();
                cache.eval().unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, slice_update_kv);
criterion_main!(benches);
