//! Fused kernels ([`FastOp`]) against the composite that defines them:
//! every float dtype, 0-d, non-contiguous and batched inputs, each
//! Hadamard factor `m`. The composite itself is checked against MLX in
//! `composite.rs` (the `hadamard_transform` goldens).

use mlx::ops;
use mlx::primitive::{FastOp, Primitive};
use mlx::{Array, Device, Dtype, HostData};
use mlx_tests::{from_f64, gpu_unsupported, is_gpu, to_f64};

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

/// The Hadamard composite of a float64 CPU array, run on the CPU (its
/// constants follow the default device).
fn reference(scale: f32, x: Array) -> Vec<f64> {
    mlx::with_default_device(Device::cpu(), || {
        FastOp::Hadamard { scale }
            .fallback(&[x])
            .and_then(|y| y.to_vec::<f64>())
            .unwrap()
    })
}

/// Largest |a - b| / (1 + |b|).
fn max_rel(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / (1.0 + y.abs()))
        .fold(0.0, f64::max)
}

fn hadamard_kernel_matches_composite(device: &Device) {
    let shapes: &[&[usize]] = &[
        &[],
        &[1],
        &[2],
        &[5, 16],
        &[2, 3, 64],
        &[12],
        &[3, 24],
        &[2, 40],
        &[2, 56],
        &[1, 28 * 32],
        &[4, 2048],
    ];
    let cpu = Device::cpu();
    for (i, shape) in shapes.iter().enumerate() {
        let n: usize = shape.iter().product();
        let v = values(n, i as u64);
        let x64 = from_f64(&v, shape, Dtype::Float64, &cpu);
        for scale in [None, Some(0.25f32)] {
            let s = scale.unwrap_or(1.0 / (*shape.last().unwrap_or(&1) as f32).sqrt());
            // The reference: the composite in float64, on the CPU.
            let want = reference(s, x64.clone());
            for (dt, tol) in [
                (Dtype::Float64, 1e-12),
                (Dtype::Float32, 1e-5),
                (Dtype::Float16, 2e-2),
                (Dtype::Bfloat16, 8e-2),
            ] {
                if is_gpu(device) && gpu_unsupported(dt) {
                    continue;
                }
                let x = from_f64(&v, shape, dt, device);
                let got = ops::hadamard_transform(&x, scale).unwrap();
                assert_eq!(got.shape(), x.shape(), "{shape:?} {dt}");
                assert_eq!(got.dtype(), dt, "{shape:?} {dt}");
                let got = to_f64(&got);
                // Low-precision inputs were rounded first: compare with the
                // f64 transform of the rounded input.
                let xr = from_f64(&to_f64(&x), shape, Dtype::Float64, &cpu);
                let want_r = reference(s, xr);
                let err = max_rel(&got, &want_r);
                assert!(err <= tol, "{shape:?} {dt} scale {scale:?}: error {err}");
                if dt == Dtype::Float64 {
                    assert!(max_rel(&got, &want) <= tol, "{shape:?}");
                }
            }
        }
    }
}

fn hadamard_kernel_reads_views(device: &Device) {
    // A transposed and a reversed view give the transform of their values.
    let v = values(8 * 12, 7);
    let dt = if is_gpu(device) {
        Dtype::Float32
    } else {
        Dtype::Float64
    };
    let a = from_f64(&v, &[8, 12], dt, device);
    let t = a.transpose(()).unwrap(); // (12, 8), not row-major
    let got = to_f64(&ops::hadamard_transform(&t, None).unwrap());
    // The reference: the composite in float64 on the dense values, on the CPU.
    let dense = ops::contiguous(
        &from_f64(&to_f64(&a), &[8, 12], Dtype::Float64, &Device::cpu())
            .transpose(())
            .unwrap(),
    )
    .unwrap();
    let want = reference(1.0 / 8f32.sqrt(), dense);
    let tol = if dt == Dtype::Float64 { 1e-12 } else { 1e-6 };
    assert!(max_rel(&got, &want) < tol);
}

fn hadamard_of_empty_is_an_error(device: &Device) {
    // MLX 0.32.4: "[hadamard_transform] Does not support empty arrays."
    for shape in [&[0usize, 8][..], &[3, 0]] {
        let a =
            Array::from_host_data_on(HostData::from(Vec::<f32>::new()), shape, *device).unwrap();
        let e = ops::hadamard_transform(&a, None).unwrap_err().to_string();
        assert!(
            e.starts_with("[hadamard_transform] does not support empty"),
            "{e}"
        );
    }
}

fn hadamard_by_hand(device: &Device) {
    // H2 [1, 2] = [3, -1]; H4 e0 = [1, 1, 1, 1] / 2 with the default scale.
    let a = Array::from_host_data_on(HostData::from(vec![1.0f32, 2.0]), &[2], *device).unwrap();
    let h = ops::hadamard_transform(&a, Some(1.0)).unwrap();
    assert_eq!(h.to_vec::<f32>().unwrap(), vec![3.0, -1.0]);
    let e = Array::from_host_data_on(HostData::from(vec![1.0f32, 0.0, 0.0, 0.0]), &[4], *device)
        .unwrap();
    let h = ops::hadamard_transform(&e, None).unwrap();
    assert_eq!(h.to_vec::<f32>().unwrap(), vec![0.5; 4]);
    // Integers become float32, as in MLX.
    let i = Array::from_host_data_on(HostData::from(vec![1i32, 2]), &[2], *device).unwrap();
    let h = ops::hadamard_transform(&i, Some(1.0)).unwrap();
    assert_eq!(h.dtype(), Dtype::Float32);
    assert_eq!(h.to_vec::<f32>().unwrap(), vec![3.0, -1.0]);
}

fn hadamard_is_one_node(device: &Device) {
    // The fused op records one node over the (cast) input, whatever n.
    let a = Array::from_host_data_on(
        HostData::from(vec![0.5f32; 2 * 28 * 64]),
        &[2, 28 * 64],
        *device,
    )
    .unwrap();
    let h = ops::hadamard_transform(&a, None).unwrap();
    let scale = 1.0 / ((28 * 64) as f32).sqrt();
    assert_eq!(
        h.primitive(),
        Some(Primitive::Fast(FastOp::Hadamard { scale }))
    );
    assert!(h.inputs()[0].ptr_eq(&a));
}

mlx_tests::device_tests!(
    hadamard_kernel_matches_composite,
    hadamard_kernel_reads_views,
    hadamard_by_hand,
    hadamard_of_empty_is_an_error,
    hadamard_is_one_node,
);
