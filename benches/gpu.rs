//! GPU workloads on `Device::gpu(0)` (the wgpu backend), to compare with
//! `benches/torch_gpu.py` on the same machine:
//!
//! | id | workload | rate |
//! |---|---|---|
//! | copy | row-major copy of 64M f32 and bf16 (`contiguous`) | GB/s, read + write |
//! | W5 | `a * b + c` over 64M f32 and bf16 | GB/s, 4 arrays x 64M elements |
//! | W6 | softmax over the last axis of 4096x8192 f32 | GB/s, read + write |
//! | W7 | matmul 4096^3 f32, f16 and bf16 | elem/s = FLOP/s (2 n^3) |
//! | W8 | gemv 1x4096 @ 4096x4096 f16 (and the 4096x4096 weight transposed; and a chain through 8 distinct layers in one eval) | GB/s of weights |
//!
//! Each criterion iteration builds the graph and evaluates it (one submit);
//! a batch of iterations ends by reading one element of the last output,
//! which waits for every queued GPU command, so the measured time is GPU
//! (or CPU dispatch, whichever is slower) time, not submit time.
//!
//! `cargo bench -p mlx-benches --bench gpu` (a criterion filter such as
//! `W7` narrows it). Prints a message and exits when no GPU adapter exists
//! or the only one is a CPU implementation (lavapipe), unless
//! `MLX_BENCH_CPU_ADAPTER=1`; `MLX_BENCH_GPU_SMALL=1` shrinks every size
//! (a smoke test of the harness, e.g. on lavapipe).
use criterion::measurement::WallTime;
use criterion::{criterion_group, BenchmarkGroup, Criterion, Throughput};
use mlx::{ops, Array, Device, Dtype, HostData, Result};
use mlx_benches::uniform;
use std::time::{Duration, Instant};

/// An evaluated GPU array of `shape` filled by [`uniform`], as `dtype`.
fn gpu_array(shape: &[usize], seed: u64, dtype: Dtype) -> Array {
    let n = shape.iter().product();
    let a = Array::from_host_data_on(HostData::Float32(uniform(n, seed)), shape, Device::gpu(0))
        .and_then(|a| a.as_type(dtype))
        .expect("upload");
    a.eval().expect("eval");
    a
}

/// Wait for all GPU work queued before `out` (and `out` itself) by
/// reading its first element back.
fn sync(out: &Array) {
    let flat = out.reshape(&[-1]).expect("reshape");
    let first = ops::index(&flat, &[ops::SliceArg::range(Some(0), Some(1), 1)]).expect("slice");
    first
        .as_type(Dtype::Float32)
        .and_then(|f| f.to_vec::<f32>())
        .expect("readback");
}

/// Time `f` (build + eval) per iteration, syncing once per batch.
fn bench(g: &mut BenchmarkGroup<WallTime>, name: &str, f: impl Fn() -> Result<Array>) {
    // Fail with the backend's message before criterion starts timing.
    match f().and_then(|o| o.eval().map(|_| o)) {
        Ok(o) => sync(&o),
        Err(e) => {
            println!("{name}: skipped, the GPU backend says: {e}");
            return;
        }
    }
    g.bench_function(name, |bench| {
        bench.iter_custom(|iters| {
            let start = Instant::now();
            let mut last = None;
            for _ in 0..iters {
                let out = f().expect("op");
                out.eval().expect("eval");
                last = Some(out);
            }
            if let Some(out) = &last {
                sync(out);
            }
            start.elapsed()
        })
    });
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    g
}

/// `n`, or `n / div` with `MLX_BENCH_GPU_SMALL` set.
fn size(n: usize, div: usize) -> usize {
    if std::env::var_os("MLX_BENCH_GPU_SMALL").is_some() {
        n / div
    } else {
        n
    }
}

fn copy(c: &mut Criterion) {
    let n = size(64 << 20, 64);
    let mut g = group(c, "copy");
    for dtype in [Dtype::Float32, Dtype::Bfloat16] {
        let a = gpu_array(&[n], 1, dtype);
        g.throughput(Throughput::BytesDecimal((2 * dtype.size() * n) as u64));
        bench(&mut g, &format!("contiguous {}M {dtype}", n >> 20), || {
            ops::contiguous(&a)
        });
    }
    g.finish();
}

fn w5(c: &mut Criterion) {
    let n = size(64 << 20, 64);
    let mut g = group(c, "W5");
    for dtype in [Dtype::Float32, Dtype::Bfloat16] {
        let a = gpu_array(&[n], 1, dtype);
        let b = gpu_array(&[n], 2, dtype);
        let d = gpu_array(&[n], 3, dtype);
        g.throughput(Throughput::BytesDecimal((4 * dtype.size() * n) as u64));
        bench(&mut g, &format!("a*b+c {}M {dtype}", n >> 20), || {
            &a * &b + &d
        });
    }
    g.finish();
}

fn w6(c: &mut Criterion) {
    let (rows, cols) = (size(4096, 64), 8192);
    let x = gpu_array(&[rows, cols], 4, Dtype::Float32);
    let mut g = group(c, "W6");
    g.throughput(Throughput::BytesDecimal((2 * 4 * rows * cols) as u64));
    bench(&mut g, &format!("softmax last {rows}x{cols} f32"), || {
        ops::softmax(&x, &[-1], false)
    });
    g.finish();
}

fn w7(c: &mut Criterion) {
    let n = size(4096, 16);
    let mut g = group(c, "W7");
    g.sample_size(10);
    g.throughput(Throughput::Elements((2 * n * n * n) as u64));
    for dtype in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        let x = gpu_array(&[n, n], 5, dtype);
        let y = gpu_array(&[n, n], 6, dtype);
        bench(&mut g, &format!("matmul {n} {dtype}"), || x.matmul(&y));
    }
    g.finish();
}

fn w8(c: &mut Criterion) {
    let (k, n) = (size(4096, 4), size(4096, 4));
    let x = gpu_array(&[1, k], 7, Dtype::Float16);
    let w = gpu_array(&[k, n], 8, Dtype::Float16);
    let wt = gpu_array(&[n, k], 9, Dtype::Float16)
        .t()
        .expect("transpose");
    let mut g = group(c, "W8");
    g.throughput(Throughput::BytesDecimal((2 * k * n) as u64));
    bench(&mut g, &format!("gemv 1x{k} @ {k}x{n} f16"), || {
        x.matmul(&w)
    });
    bench(&mut g, &format!("gemv 1x{k} @ ({n}x{k}).T f16"), || {
        x.matmul(&wt)
    });
    // The decode step of a model: a chain of products through distinct
    // layers (8 x 32 MiB, beyond any L2) in one eval; throughput counts
    // every layer's weights.
    let layers: Vec<Array> = (0..8)
        .map(|i| gpu_array(&[k, k], 10 + i, Dtype::Float16))
        .collect();
    g.throughput(Throughput::BytesDecimal((8 * 2 * k * k) as u64));
    bench(
        &mut g,
        &format!("gemv chain of 8 {k}x{k} f16 layers"),
        || layers.iter().try_fold(x.clone(), |y, w| y.matmul(w)),
    );
    g.finish();
}

criterion_group!(benches, copy, w5, w6, w7, w8);

fn main() {
    let gpu = match mlx_metal::GpuBackend::new() {
        Ok(gpu) => gpu,
        Err(e) => {
            println!("no GPU adapter, skipping the GPU benches: {e}");
            return;
        }
    };
    let name = gpu.adapter_name();
    println!("GPU benches on {name}");
    let software = ["llvmpipe", "lavapipe", "SwiftShader", "WARP"]
        .iter()
        .any(|s| name.contains(s));
    if software && std::env::var_os("MLX_BENCH_CPU_ADAPTER").is_none() {
        println!("{name} is a CPU implementation; skipping (set MLX_BENCH_CPU_ADAPTER=1 to run)");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
