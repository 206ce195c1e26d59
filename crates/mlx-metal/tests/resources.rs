//! Resource behaviour on a real adapter (lavapipe in CI): steady memory in
//! a loop, grids over 65,535 workgroups, arrays at and over the binding
//! limit, one submission per eval. Set `MLX_SKIP_GPU_TESTS=1` to skip them
//! on a machine without any Vulkan/Metal/DX12 driver.

use mlx_core::{Array, Device, HostData};
use mlx_cpu as _;
use mlx_metal::GpuBackend;

/// The process's GPU, held by one test at a time (the footprint test
/// counts every buffer of the process).
fn gpu() -> Option<(GpuBackend, std::sync::MutexGuard<'static, ()>)> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    match GpuBackend::new() {
        Ok(g) => Some((g, guard)),
        Err(e) if std::env::var("MLX_SKIP_GPU_TESTS").is_ok_and(|v| v == "1") => {
            eprintln!("skipping: {e}");
            None
        }
        Err(e) => panic!("{e} (set MLX_SKIP_GPU_TESTS=1 to skip GPU tests)"),
    }
}

fn on_gpu(v: Vec<f32>, shape: &[usize]) -> Array {
    Array::from_host_data_on(HostData::Float32(v), shape, Device::gpu(0)).expect("upload")
}

#[test]
fn uploads_are_counted_and_scalars_shared() {
    let Some((g, _one)) = gpu() else { return };
    g.clear_cache();
    let before = g.held_bytes();
    // A 1 MiB upload counts while it exists and while the pool caches it,
    // and clearing the cache gives it back (no wrap-around below zero).
    let big = on_gpu(vec![1.5; 1 << 18], &[1 << 18]);
    assert!(g.held_bytes() >= before + (1 << 20));
    drop(big);
    g.clear_cache();
    assert_eq!(g.held_bytes(), before);
    // The same scalar operand many times: right values, and no buffer
    // per use (shared small uploads are not pool buffers).
    let x = on_gpu(vec![1.0, 2.0, 3.0, 4.0], &[4]);
    for k in 0..50 {
        let y = ((&x * 2.0f32).unwrap() + k as f32).unwrap();
        let want: Vec<f32> = [1.0f32, 2.0, 3.0, 4.0]
            .iter()
            .map(|v| v * 2.0 + k as f32)
            .collect();
        assert_eq!(y.to_vec::<f32>().unwrap(), want);
    }
    drop(x);
    g.clear_cache();
    assert_eq!(g.held_bytes(), before);
}

/// bfloat16 sits two elements per 32-bit word on the GPU: 2^20 of them
/// take 2 MiB of GPU buffers (float32 takes 4 MiB), whether uploaded or
/// written by a kernel (a cast), and hold the right values.
#[test]
fn bfloat16_arrays_take_two_bytes_per_element() {
    use half::bf16;
    let Some((g, _one)) = gpu() else { return };
    const N: usize = 1 << 20;
    g.clear_cache();
    let before = g.held_bytes();
    let data = HostData::Bfloat16(vec![bf16::from_f32(1.5); N]);
    let x = Array::from_host_data_on(data, &[N], Device::gpu(0)).expect("upload");
    x.eval().expect("eval");
    assert_eq!(g.held_bytes() - before, 2 * N as u64, "uploaded bfloat16");
    let f = on_gpu((0..N).map(|i| (i % 256) as f32 + 0.5).collect(), &[N]);
    f.eval().expect("eval");
    let mid = g.held_bytes();
    assert_eq!(mid - before, 6 * N as u64, "plus the float32 source");
    let y = mlx_core::ops::astype(&f, mlx_core::Dtype::Bfloat16).expect("astype");
    y.eval().expect("eval");
    assert_eq!(g.held_bytes() - mid, 2 * N as u64, "bfloat16 cast output");
    // Integers + 0.5 below 256 are exact in bfloat16's 8 significant bits
    // only up to 128; above, the cast rounds half to even (128.5 -> 128).
    let v = y.to_vec::<bf16>().expect("download");
    for i in [0usize, 1, 127, 128, 129, 255, N - 1] {
        let want = bf16::from_f32((i % 256) as f32 + 0.5);
        assert_eq!(v[i].to_bits(), want.to_bits(), "element {i}");
    }
    assert!(x
        .to_vec::<bf16>()
        .expect("download")
        .iter()
        .all(|&b| b == bf16::from_f32(1.5)));
}

#[test]
fn a_training_like_loop_holds_a_steady_footprint() {
    let Some((g, _one)) = gpu() else { return };
    let w = on_gpu(
        (0..64 * 64).map(|i| (i % 7) as f32 * 0.01).collect(),
        &[64, 64],
    );
    let x = on_gpu(vec![0.5; 64 * 64], &[64, 64]);
    let step = |w: &Array| -> Array {
        // Elementwise update with temporaries, like an optimizer step.
        let g2 = ((w * &x).unwrap() + 1.0f32).unwrap();
        let w2 = (w - &(&g2 * 0.001f32).unwrap()).unwrap();
        w2.eval().unwrap();
        w2
    };
    let mut w = step(&w);
    for _ in 0..5 {
        w = step(&w);
    }
    let after_warmup = g.held_bytes();
    for _ in 0..200 {
        w = step(&w);
    }
    assert_eq!(
        g.held_bytes(),
        after_warmup,
        "200 more steps grew GPU memory (pool cached {} bytes)",
        g.cached_bytes()
    );
    // w_{t+1} = w_t - 0.001 * (0.5 * w_t + 1) stays finite and decreases.
    let v = w.to_vec::<f32>().unwrap();
    assert!(v.iter().all(|x| x.is_finite() && *x < 0.07));
}

#[test]
fn strided_kernel_over_65535_workgroups() {
    let Some((_g, _one)) = gpu() else { return };
    // 4096 x 4500 transposed: 18.4M elements, one thread each on the strided
    // path = 72,000 workgroups of 256.
    let (r, c) = (4096usize, 4500usize);
    let a = on_gpu((0..r * c).map(|i| (i % 1000) as f32).collect(), &[r, c]);
    let t = a.transpose(()).unwrap();
    let y = (&t + 1.0f32).unwrap();
    let v = y.to_vec::<f32>().unwrap();
    // y[j, i] = a[i, j] + 1 = ((i * c + j) % 1000) + 1
    for &(j, i) in &[(0usize, 0usize), (c - 1, r - 1), (1234, 4000), (4499, 17)] {
        assert_eq!(
            v[j * r + i],
            ((i * c + j) % 1000) as f32 + 1.0,
            "at ({j}, {i})"
        );
    }
}

#[test]
fn arrays_over_the_binding_limit_are_an_error_naming_the_limit() {
    let Some((g, _one)) = gpu() else { return };
    let limit = g.max_array_bytes();
    if limit > 1 << 30 {
        eprintln!("adapter allows {limit} bytes per array; skipping the host allocation");
        return;
    }
    let n = (limit / 4 + 1024) as usize;
    let e = Array::from_host_data_on(HostData::Uint8(vec![1u8; n]), &[n], Device::gpu(0))
        .map(|a| a.eval());
    // u8 lives in 4-byte slots on the GPU, so n u8 need 4n > limit bytes.
    let msg = match e {
        Err(e) | Ok(Err(e)) => e.to_string(),
        Ok(Ok(())) => panic!("an array of {n} u8 (4n slot bytes) should exceed {limit}"),
    };
    assert!(
        msg.contains("limit") && msg.contains(&limit.to_string()),
        "{msg}"
    );
}

#[test]
fn float64_is_an_error_naming_the_op() {
    let Some((_g, _one)) = gpu() else { return };
    let e = Array::from_host_data_on(HostData::Float64(vec![1.0]), &[1], Device::gpu(0))
        .and_then(|a| a.eval())
        .unwrap_err();
    assert!(e.to_string().contains("float64"), "{e}");
}

#[test]
fn softmax_of_long_rows_matches_cpu() {
    let Some((_g, _one)) = gpu() else { return };
    // Rows past the register-resident size take the online two-read path:
    // scattered -inf entries, then rows that start with a long run of
    // -inf, are all -inf, hold one NaN, or hold one +inf (the last three
    // all NaN, as on the CPU).
    for n in [3000usize, 9000] {
        let rows = 7;
        let v: Vec<f32> = (0..rows * n)
            .map(|i| {
                let (row, col) = (i / n, i % n);
                let x = ((i * 37) % 101) as f32 * 0.05 - 2.0;
                match row {
                    0..=2 if i % 97 == 5 => f32::NEG_INFINITY,
                    3 if col < 2001 => f32::NEG_INFINITY,
                    4 => f32::NEG_INFINITY,
                    5 if col == n / 2 => f32::NAN,
                    6 if col == n - 3 => f32::INFINITY,
                    _ => x,
                }
            })
            .collect();
        let run = |d: Device| {
            Array::from_host_data_on(HostData::Float32(v.clone()), &[rows, n], d)
                .and_then(|a| mlx_core::ops::softmax(&a, &[-1], false))
                .and_then(|s| s.to_vec::<f32>())
                .unwrap()
        };
        let (c, g) = (run(Device::cpu()), run(Device::gpu(0)));
        for (i, (x, y)) in c.iter().zip(&g).enumerate() {
            assert!(
                (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-6 + 1e-4 * x.abs(),
                "n={n} row {} col {}: cpu {x} gpu {y}",
                i / n,
                i % n
            );
        }
        // Row 4 (all -inf) is NaN on the CPU; rows 0..4 sum to one.
        assert!(c[4 * n].is_nan());
        for row in 0..4 {
            let sum: f32 = g[row * n..(row + 1) * n].iter().sum();
            assert!((sum - 1.0).abs() < 1e-3, "row {row} sums to {sum}");
        }
    }
}

/// The fused Hadamard kernel runs for rows that fit workgroup memory (1024
/// float32, 4 KiB: every adapter has at least 16 KiB) and declines rows
/// that cannot fit (2^16 float32, 256 KiB), for which the core runs the
/// composite.
#[test]
fn hadamard_kernel_takes_rows_that_fit_and_declines_longer_ones() {
    use mlx_core::primitive::{FastOp, OutSpec};
    use mlx_core::{Backend, Dtype, View};
    let Some((g, _one)) = gpu() else { return };
    for (n, fused) in [(1024usize, true), (1 << 16, false)] {
        let x: Vec<f32> = (0..2 * n).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
        let storage = Backend::upload(&g, HostData::Float32(x.clone())).expect("upload");
        let shape = [2, n];
        let strides = [n as isize, 1];
        let view = View {
            storage: &storage,
            shape: &shape,
            strides: &strides,
            offset: 0,
            dtype: Dtype::Float32,
        };
        let out = OutSpec {
            shape: &shape,
            dtype: Dtype::Float32,
        };
        let op = FastOp::Hadamard { scale: 0.5 };
        let got = g.fast(&op, &[view], out).expect("no error");
        assert_eq!(got.is_some(), fused, "n = {n}");
        let Some(s) = got else { continue };
        let full = View {
            storage: &s,
            ..view
        };
        let HostData::Float32(y) = g.download(&full).expect("download") else {
            panic!("float32 result")
        };
        let cpu = Array::from_host_data_on(HostData::Float32(x), &shape, Device::cpu())
            .expect("cpu array");
        let want = mlx_core::ops::hadamard_transform(&cpu, Some(0.5))
            .and_then(|a| a.to_vec::<f32>())
            .expect("cpu transform");
        assert_eq!(y, want, "n = {n}");
    }
}
