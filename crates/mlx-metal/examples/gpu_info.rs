//! Print the GPU adapter the backend picks and check one small eval
//! against values computed by hand; optional timings outside criterion.
//!
//! `cargo run -p mlx-metal --example gpu_info [--time] [--overhead]
//! [--gemv] [--matmul]` (see docs/gpu.md).

use mlx_core::{Array, Device, HostData};

fn main() -> Result<(), mlx_core::Error> {
    let gpu = mlx_metal::GpuBackend::new()?;
    println!(
        "adapter: {}; float32 subnormals {}",
        gpu.adapter_name(),
        gpu.subnormal_mode()
    );
    let on = |v: Vec<f32>| Array::from_host_data_on(HostData::Float32(v), &[4], Device::gpu(0));
    let (a, b, c) = (
        on(vec![1., 2., 3., 4.])?,
        on(vec![2.; 4])?,
        on(vec![0.5; 4])?,
    );
    let y = ((&a * &b)? + &c)?.exp()?;
    let got = y.to_vec::<f32>()?;
    // exp(2a + 0.5) for a = 1..4
    let want = [12.182_494_f32, 90.017_13, 665.141_6, 4_914.769];
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-4 * w, "{got:?} vs {want:?}");
    }
    println!("exp(a*b+c) = {got:?}: ok");
    if std::env::args().any(|a| a == "--time") {
        time_fma()?;
    }
    if std::env::args().any(|a| a == "--overhead") {
        time_small_ops()?;
    }
    if std::env::args().any(|a| a == "--gemv") {
        time_gemv()?;
    }
    if std::env::args().any(|a| a == "--matmul") {
        time_matmul()?;
    }
    Ok(())
}

/// CPU cost per op: tiny arrays, so the GPU work is negligible. One op per
/// eval (the LLM decode pattern) and a chain of 16 ops in one eval.
fn time_small_ops() -> Result<(), mlx_core::Error> {
    let a = Array::from_host_data_on(HostData::Float32(vec![1.0; 256]), &[256], Device::gpu(0))?;
    let sync = |y: &Array| y.index(&[mlx_core::ops::SliceArg::Index(0)])?.item::<f32>();
    let iters = 2000;
    for round in 0..2 {
        let t = std::time::Instant::now();
        let mut last = a.clone();
        for _ in 0..iters {
            let y = (&a + 1.0)?;
            mlx_core::eval(&[&y])?;
            last = y;
        }
        sync(&last)?;
        let one = t.elapsed().as_secs_f64() / iters as f64;
        let t = std::time::Instant::now();
        for _ in 0..iters / 16 {
            let mut y = a.clone();
            for _ in 0..16 {
                y = (&y + 1.0)?;
            }
            mlx_core::eval(&[&y])?;
            last = y;
        }
        sync(&last)?;
        let chained = t.elapsed().as_secs_f64() / iters as f64;
        if round == 1 {
            println!(
                "per op: {:.1} us with one op per eval, {:.1} us in a 16-op eval",
                one * 1e6,
                chained * 1e6
            );
        }
    }
    Ok(())
}

/// Seconds per unit of `run` (which does `units` units of work and returns
/// its last output; reading that back waits for the GPU), from the second
/// of two runs (the first warms caches and pipelines).
fn warm_time(
    units: usize,
    mut run: impl FnMut() -> Result<Array, mlx_core::Error>,
) -> Result<f64, mlx_core::Error> {
    let mut dt = 0.0;
    for _ in 0..2 {
        let t = std::time::Instant::now();
        let last = run()?;
        last.reshape(&[-1])?
            .index(&[mlx_core::ops::SliceArg::Index(0)])?
            .as_type(mlx_core::Dtype::Float32)?
            .item::<f32>()?;
        dt = t.elapsed().as_secs_f64() / units.max(1) as f64;
    }
    Ok(dt)
}

/// The LLM decode product 1x4096 @ 4096x4096 f16, one per eval, synced
/// at the end (a profiling target: `perf record gpu_info --gemv`).
fn time_gemv() -> Result<(), mlx_core::Error> {
    let k = 4096;
    let on = |n: usize, shape: &[usize]| {
        let v = (0..n).map(|i| ((i % 17) as f32 - 8.0) / 64.0).collect();
        Array::from_host_data_on(HostData::Float32(v), shape, Device::gpu(0))?
            .as_type(mlx_core::Dtype::Float16)
    };
    let (x, w) = (on(k, &[1, k])?, on(k * k, &[k, k])?);
    mlx_core::eval(&[&x, &w])?;
    // GPU_INFO_FILL=n: first create and drop n arrays of 256 MiB, as a
    // program that ran large work before does (the pool caches them).
    let fill: usize = std::env::var("GPU_INFO_FILL")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut held = Vec::new();
    for _ in 0..fill {
        let big = (&x.reshape(&[-1])?.sum((), false)? * 0.0)?;
        let big = mlx_core::ops::contiguous(&mlx_core::ops::broadcast_to(&big, &[128 << 20])?)?;
        mlx_core::eval(&[&big])?;
        held.push(big);
    }
    drop(held);
    let iters = std::env::var("GPU_INFO_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5000);
    let wt = w.t()?;
    for (label, w) in [("", &w), (" (transposed)", &wt)] {
        let dt = warm_time(iters, || {
            let mut last = x.clone();
            for _ in 0..iters {
                last = x.matmul(w)?;
                mlx_core::eval(&[&last])?;
            }
            Ok(last)
        })?;
        println!(
            "gemv 1x{k} @ {k}x{k}{label} f16, one per eval: {:.1} us, {:.0} GB/s of weights",
            dt * 1e6,
            (2 * k * k) as f64 / dt / 1e9
        );
    }
    if std::env::var_os("GPU_INFO_NO_CHAIN").is_some() {
        return Ok(());
    }
    // Eight layers of distinct weights (256 MiB, beyond any L2) chained in
    // one eval: dispatch cost overlaps GPU work, so this shows GPU time.
    let ws = (0..8)
        .map(|_| on(k * k, &[k, k]))
        .collect::<Result<Vec<_>, _>>()?;
    mlx_core::eval(&ws.iter().collect::<Vec<_>>())?;
    // The same with each weight stored transposed ([out, in], as model
    // files hold a linear layer's weight: y = x @ W.T).
    let wts = ws.iter().map(|w| w.t()).collect::<Result<Vec<_>, _>>()?;
    for (label, layers) in [("", &ws), (" (weights transposed)", &wts)] {
        let dt = warm_time(iters / 8 * 8, || {
            let mut y = x.clone();
            for _ in 0..iters / 8 {
                y = x.clone();
                for w in layers {
                    y = y.matmul(w)?;
                }
                mlx_core::eval(&[&y])?;
            }
            Ok(y)
        })?;
        println!(
            "gemv chained over 8 weights{label} in one eval: {:.1} us per product, {:.0} GB/s",
            dt * 1e6,
            (2 * k * k) as f64 / dt / 1e9
        );
    }
    Ok(())
}

/// 4096^3 float16 products, 10 per eval, synced at the end (GPU time).
fn time_matmul() -> Result<(), mlx_core::Error> {
    let n = 4096;
    let on = |seed: usize| {
        let v = (0..n * n)
            .map(|i| (((i * 37 + seed) % 17) as f32 - 8.0) / 64.0)
            .collect();
        Array::from_host_data_on(HostData::Float32(v), &[n, n], Device::gpu(0))?
            .as_type(mlx_core::Dtype::Float16)
    };
    // Whole and ragged tiles against an f64 product on the host first.
    for (m, k, nn, wt) in [
        (512, 256, 384, false),
        (300, 64, 200, false),
        (300, 64, 200, true),
    ] {
        let vals = |len: usize, seed: usize| -> Vec<f32> {
            (0..len)
                .map(|i| (((i * 37 + seed) % 17) as f32 - 8.0) / 16.0)
                .collect()
        };
        let (xv, yv) = (vals(m * k, 3), vals(k * nn, 4));
        let x = Array::from_host_data_on(HostData::Float32(xv.clone()), &[m, k], Device::gpu(0))?
            .as_type(mlx_core::Dtype::Float16)?;
        // wt: the weight stored [nn, k] and used transposed (x @ W.T).
        let y = if wt {
            let yt: Vec<f32> = (0..nn * k).map(|e| yv[(e % k) * nn + e / k]).collect();
            Array::from_host_data_on(HostData::Float32(yt), &[nn, k], Device::gpu(0))?
                .as_type(mlx_core::Dtype::Float16)?
                .t()?
        } else {
            Array::from_host_data_on(HostData::Float32(yv.clone()), &[k, nn], Device::gpu(0))?
                .as_type(mlx_core::Dtype::Float16)?
        };
        let g = x
            .matmul(&y)?
            .as_type(mlx_core::Dtype::Float32)?
            .to_vec::<f32>()?;
        let mut worst = 0.0f64;
        for i in 0..m {
            for j in 0..nn {
                // The inputs are exact in f16 (multiples of 1/16 below 1).
                let want: f64 = (0..k)
                    .map(|t| f64::from(xv[i * k + t]) * f64::from(yv[t * nn + j]))
                    .sum();
                let got = f64::from(g[i * nn + j]);
                worst = worst.max((got - want).abs() / (1.0 + want.abs()));
            }
        }
        let how = if wt { " (weight transposed)" } else { "" };
        println!("matmul {m}x{k} @ {k}x{nn}{how} f16 against f64: worst relative error {worst:e}");
        assert!(worst < 2e-3, "GPU matmul disagrees with the f64 product");
    }
    let (a, b) = (on(1)?, on(2)?);
    mlx_core::eval(&[&a, &b])?;
    // Whole tiles, rows that end inside a tile (a prefill's M), and the
    // weight used transposed (x @ W.T, a linear layer).
    let bt = b.t()?;
    for (rows, b, how) in [(n, &b, ""), (n - 96, &b, ""), (n, &bt, ".T")] {
        let a = a.index(&[mlx_core::ops::SliceArg::range(
            Some(0),
            Some(rows as i64),
            1,
        )])?;
        let dt = warm_time(10, || {
            let outs = (0..10)
                .map(|_| a.matmul(b))
                .collect::<Result<Vec<_>, _>>()?;
            mlx_core::eval(&outs.iter().collect::<Vec<_>>())?;
            Ok(outs[9].clone())
        })?;
        println!(
            "matmul {rows}x{n} @ ({n}x{n}){how} f16: {:.3} ms, {:.1} TFLOP/s",
            dt * 1e3,
            2.0 * rows as f64 * (n as f64).powi(2) / dt / 1e12
        );
    }
    Ok(())
}

/// Rough wall-clock of `a*b+c` over 64M f32, eval plus a one-element
/// readback per iteration (the criterion benches are the real measurement).
fn time_fma() -> Result<(), mlx_core::Error> {
    let n = 64 << 20;
    let on = |x: f32| Array::from_host_data_on(HostData::Float32(vec![x; n]), &[n], Device::gpu(0));
    let (a, b, c) = (on(1.5)?, on(2.0)?, on(0.25)?);
    let sync = |y: &Array| y.index(&[mlx_core::ops::SliceArg::Index(0)])?.item::<f32>();
    for _ in 0..3 {
        sync(&((&a * &b)? + &c)?)?;
    }
    let iters = 20;
    let t = std::time::Instant::now();
    for _ in 0..iters {
        let y = ((&a * &b)? + &c)?;
        assert_eq!(sync(&y)?, 3.25);
    }
    let dt = t.elapsed().as_secs_f64() / iters as f64;
    println!(
        "a*b+c over 64M f32, sync each: {:.3} ms, {:.0} GB/s (16 bytes per element)",
        dt * 1e3,
        16.0 * n as f64 / dt / 1e9
    );
    let t = std::time::Instant::now();
    let mut last = None;
    for _ in 0..iters {
        let y = ((&a * &b)? + &c)?;
        mlx_core::eval(&[&y])?;
        last = Some(y);
    }
    sync(last.as_ref().expect("ran"))?;
    let dt = t.elapsed().as_secs_f64() / iters as f64;
    println!(
        "a*b+c over 64M f32, sync at end: {:.3} ms, {:.0} GB/s",
        dt * 1e3,
        16.0 * n as f64 / dt / 1e9
    );
    let t = std::time::Instant::now();
    let mut cpu = 0.0;
    for _ in 0..iters {
        let y = ((&a * &b)? + &c)?;
        let t0 = std::time::Instant::now();
        mlx_core::eval(&[&y])?;
        cpu += t0.elapsed().as_secs_f64();
        last = Some(y);
    }
    sync(last.as_ref().expect("ran"))?;
    let dt = t.elapsed().as_secs_f64() / iters as f64;
    println!(
        "again: {:.3} ms per iter, eval() CPU time {:.3} ms",
        dt * 1e3,
        cpu * 1e3 / iters as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..iters {
        let m = (&a * &b)?;
        mlx_core::eval(&[&m])?;
        let y = (&m + &c)?;
        mlx_core::eval(&[&y])?;
        last = Some(y);
    }
    sync(last.as_ref().expect("ran"))?;
    let dt = t.elapsed().as_secs_f64() / iters as f64;
    println!("a*b; eval; +c; eval: {:.3} ms per iter", dt * 1e3);
    let t = std::time::Instant::now();
    for _ in 0..iters {
        let y = (&a + &b)?;
        mlx_core::eval(&[&y])?;
        last = Some(y);
    }
    sync(last.as_ref().expect("ran"))?;
    let dt = t.elapsed().as_secs_f64() / iters as f64;
    println!(
        "a+b over 64M f32, sync at end: {:.3} ms, {:.0} GB/s (12 bytes per element)",
        dt * 1e3,
        12.0 * n as f64 / dt / 1e9
    );
    Ok(())
}
