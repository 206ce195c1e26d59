//! Compare GPU matrix products with the CPU backend on small odd shapes:
//! every kernel path (tiled, cooperative-matrix float16 where the adapter
//! has it, matrix-vector with and without K splits), transposed, sliced
//! and broadcast operands, float32 / float16 / bfloat16.
//!
//! `cargo run --release -p mlx-metal --example check_matmul`
//! (`MLX_WGPU_NO_COOP=1` checks the portable float16 kernel instead of the
//! cooperative-matrix one; `-- big` adds 512- and 1000-sized products.)

use mlx_core::ops::SliceArg;
use mlx_core::{Array, Device, Dtype, HostData, Result};
use mlx_cpu as _;

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// How the operands are derived from the uploaded arrays.
type Prep = fn(&Array, &Array) -> Result<(Array, Array)>;

fn plain(a: &Array, b: &Array) -> Result<(Array, Array)> {
    Ok((a.clone(), b.clone()))
}

fn trans_a(a: &Array, b: &Array) -> Result<(Array, Array)> {
    Ok((a.swapaxes(-1, -2)?, b.clone()))
}

fn trans_b(a: &Array, b: &Array) -> Result<(Array, Array)> {
    Ok((a.clone(), b.swapaxes(-1, -2)?))
}

fn trans_ab(a: &Array, b: &Array) -> Result<(Array, Array)> {
    Ok((a.swapaxes(-1, -2)?, b.swapaxes(-1, -2)?))
}

/// Drop the first row of a and the first column of b (offsets and row
/// strides that are not multiples of the vector width).
fn sliced(a: &Array, b: &Array) -> Result<(Array, Array)> {
    let from1 = SliceArg::range(Some(1), None, 1);
    Ok((
        a.index(&[SliceArg::Ellipsis, from1.clone(), SliceArg::full()])?,
        b.index(&[SliceArg::Ellipsis, from1])?,
    ))
}

/// The operands on `device`: uploaded as f32, cast to `dtype`, then `prep`.
fn operands(
    device: Device,
    dtype: Dtype,
    a: (&[usize], &[f32]),
    b: (&[usize], &[f32]),
    prep: Prep,
) -> Result<(Array, Array)> {
    let x = Array::from_host_data_on(HostData::Float32(a.1.to_vec()), a.0, device)?;
    let y = Array::from_host_data_on(HostData::Float32(b.1.to_vec()), b.0, device)?;
    prep(&x.as_type(dtype)?, &y.as_type(dtype)?)
}

fn to_f64(a: &Array) -> Result<Vec<f64>> {
    a.as_type(Dtype::Float64)?.to_vec::<f64>()
}

fn check(name: &str, dtype: Dtype, a: &[usize], b: &[usize], prep: Prep) -> Result<()> {
    let va = values(a.iter().product(), 1 + a.len() as u64 * 7 + a[0] as u64);
    let vb = values(b.iter().product(), 2 + b.len() as u64 * 5 + b[0] as u64);
    let t = std::time::Instant::now();
    let (x, y) = operands(Device::gpu(0), dtype, (a, &va), (b, &vb), prep)?;
    let z = x.matmul(&y)?;
    let got: Vec<f64> = z
        .as_type(Dtype::Float32)?
        .to_vec::<f32>()?
        .into_iter()
        .map(f64::from)
        .collect();
    let gpu_time = t.elapsed();
    let (x, y) = operands(Device::cpu(), dtype, (a, &va), (b, &vb), prep)?;
    let zc = x.matmul(&y)?;
    assert_eq!(z.shape(), zc.shape(), "{name}: shapes differ");
    let cpu = to_f64(&zc)?;
    // The exact product of the dtype-rounded operands, and sum |x||y|.
    let (x64, y64) = (x.as_type(Dtype::Float64)?, y.as_type(Dtype::Float64)?);
    let exact = to_f64(&x64.matmul(&y64)?)?;
    let absum = to_f64(&x64.abs()?.matmul(&y64.abs()?)?)?;
    let k = x.shape()[x.ndim() - 1] as f64;
    // The GPU accumulates in f32 and rounds once to the dtype. The CPU
    // rounds float16 partial sums to float16 (gemm's f16 kernels), so it
    // is compared with a looser bound.
    let (round, cpu_acc) = match dtype {
        Dtype::Float16 => (1e-3, 2e-3),
        Dtype::Bfloat16 => (8e-3, 0.0),
        _ => (0.0, 0.0),
    };
    let acc = 2.0 * f32::EPSILON as f64 * k.sqrt();
    let (mut worst, mut worst_cpu) = (0f64, 0f64);
    for i in 0..got.len() {
        let (g, e, c, s) = (got[i], exact[i], cpu[i], absum[i]);
        let tol = round * e.abs() + acc * s + 1e-30;
        let tol_cpu = 2.0 * round * e.abs() + (acc + cpu_acc) * s + 1e-30;
        worst = worst.max((g - e).abs());
        worst_cpu = worst_cpu.max((g - c).abs());
        assert!(
            (g - e).abs() <= tol,
            "{name} {dtype}: element {i} is {g}, exactly {e} (tolerance {tol:e}, CPU says {c})"
        );
        assert!(
            (g - c).abs() <= tol_cpu,
            "{name} {dtype}: element {i} is {g}, CPU says {c} (tolerance {tol_cpu:e}, exactly {e})"
        );
    }
    assert_eq!((got.len(), cpu.len()), (exact.len(), exact.len()));
    println!(
        "ok  {name:<30} {dtype:<8} {:<14} |gpu-exact| {worst:.1e}  |gpu-cpu| {worst_cpu:.1e}  ({:.1} ms)",
        format!("{:?}", z.shape()),
        gpu_time.as_secs_f64() * 1e3
    );
    Ok(())
}

fn main() -> Result<()> {
    let gpu = match mlx_metal::GpuBackend::new() {
        Ok(g) => g,
        Err(e) => {
            println!("no GPU adapter, nothing to check: {e}");
            return Ok(());
        }
    };
    println!("adapter: {}", gpu.adapter_name());
    let big = std::env::args().any(|a| a == "big");
    for dtype in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        // Tiled (and cooperative-matrix for float16 when M, N >= 16).
        check("1x1x1 (dot)", dtype, &[1, 1], &[1, 1], plain)?;
        check("3x5x7", dtype, &[3, 5], &[5, 7], plain)?;
        check("65x33x17", dtype, &[65, 33], &[33, 17], plain)?;
        check("130x70x48", dtype, &[130, 70], &[70, 48], plain)?;
        check("130x70x48 a.T", dtype, &[70, 130], &[70, 48], trans_a)?;
        check("130x70x48 b.T", dtype, &[130, 70], &[48, 70], trans_b)?;
        check("130x70x48 a.T b.T", dtype, &[70, 130], &[48, 70], trans_ab)?;
        check("33x65x40 sliced", dtype, &[34, 65], &[65, 41], sliced)?;
        check("40x64x136 aligned", dtype, &[40, 64], &[64, 136], plain)?;
        check("17x0x9 (K = 0)", dtype, &[17, 0], &[0, 9], plain)?;
        // Batches: broadcast over the first batch axis, folded into M, and
        // a broadcast left operand.
        check(
            "[2,3] x 20x24x19",
            dtype,
            &[2, 3, 20, 24],
            &[3, 24, 19],
            plain,
        )?;
        check("[4] x 9x16x24 folded", dtype, &[4, 9, 16], &[16, 24], plain)?;
        check(
            "[3] x 18x16x24 b batched",
            dtype,
            &[18, 16],
            &[3, 16, 24],
            plain,
        )?;
        check(
            "[2] x 20x24x19 a.T b.T",
            dtype,
            &[2, 24, 20],
            &[2, 19, 24],
            trans_ab,
        )?;
        // Matrix-vector: M == 1 with b row-major (axpy) and transposed (dot),
        // N == 1, 1-D operands, with and without K splits.
        check("gemv 1x300x72", dtype, &[1, 300], &[300, 72], plain)?;
        check("gemv 1x300x70", dtype, &[1, 300], &[300, 70], plain)?;
        check(
            "gemv 1x4096x64 (split)",
            dtype,
            &[1, 4096],
            &[4096, 64],
            plain,
        )?;
        check(
            "gemv 1x4096x64 b.T (split)",
            dtype,
            &[1, 4096],
            &[64, 4096],
            trans_b,
        )?;
        check("gemv 1x333x40 b.T", dtype, &[1, 333], &[40, 333], trans_b)?;
        check("gemv 70x300x1", dtype, &[70, 300], &[300, 1], plain)?;
        check("gemv 70x300x1 a.T", dtype, &[300, 70], &[300, 1], trans_a)?;
        check(
            "gemv [3] x 1x40x24",
            dtype,
            &[3, 1, 40],
            &[3, 40, 24],
            plain,
        )?;
        check("vec @ mat 40 x 40x24", dtype, &[40], &[40, 24], plain)?;
        check("mat @ vec 24x40 x 40", dtype, &[24, 40], &[40], plain)?;
        check("dot 1000", dtype, &[1000], &[1000], plain)?;
        if big {
            check("512x512x512", dtype, &[512, 512], &[512, 512], plain)?;
            check(
                "1000x1000x1000 b.T",
                dtype,
                &[1000, 1000],
                &[1000, 1000],
                trans_b,
            )?;
            check("gemv 1x4096x4096", dtype, &[1, 4096], &[4096, 4096], plain)?;
        }
    }
    println!("all matmul checks passed");
    Ok(())
}
