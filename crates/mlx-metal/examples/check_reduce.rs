//! Check the GPU's reductions, arg-reductions, softmax and cumsum against
//! the CPU backend on random-ish arrays of several dtypes and layouts
//! (row-major, transposed, broadcast, reversed, empty, 0-d).
//!
//! `cargo run -p mlx-metal --example check_reduce`

use mlx_core::half::{bf16, f16};
use mlx_core::ops::SliceArg;
use mlx_core::{Array, Device, Dtype, HostData, Result};
use mlx_cpu as _;

/// A small linear congruential generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// A multiple of 1/8 in [-3, 3] (exact in every float dtype).
    fn eighth(&mut self) -> f32 {
        (self.next() % 49) as f32 / 8.0 - 3.0
    }
}

/// `n` random-ish values of `dtype`; floats get a NaN or -inf when asked.
fn data(dtype: Dtype, n: usize, seed: u64, special: bool) -> HostData {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ n as u64);
    let mut f = |_| r.eighth();
    let mut floats: Vec<f32> = (0..n).map(&mut f).collect();
    if special && n > 5 {
        floats[n / 3] = f32::NAN;
        floats[n / 2] = f32::NEG_INFINITY;
    }
    let mut r = Rng(seed ^ 0x1234_5678 ^ n as u64);
    match dtype {
        Dtype::Float32 => HostData::Float32(floats),
        Dtype::Float16 => HostData::Float16(floats.iter().map(|&x| f16::from_f32(x)).collect()),
        Dtype::Bfloat16 => HostData::Bfloat16(floats.iter().map(|&x| bf16::from_f32(x)).collect()),
        Dtype::Int32 => HostData::Int32((0..n).map(|_| (r.next() % 2000) as i32 - 1000).collect()),
        Dtype::Int8 => HostData::Int8((0..n).map(|_| r.next() as i8).collect()),
        Dtype::Int16 => HostData::Int16((0..n).map(|_| r.next() as i16).collect()),
        Dtype::Int64 => HostData::Int64(
            (0..n)
                .map(|_| (r.next() as i64 - (1 << 30)) * 3_000_000_007)
                .collect(),
        ),
        Dtype::Uint8 => HostData::Uint8((0..n).map(|_| (r.next() % 7) as u8 * 40).collect()),
        Dtype::Uint16 => HostData::Uint16((0..n).map(|_| r.next() as u16).collect()),
        Dtype::Uint32 => {
            HostData::Uint32((0..n).map(|_| (r.next() as u32).wrapping_mul(3)).collect())
        }
        Dtype::Uint64 => HostData::Uint64((0..n).map(|_| r.next() << 31).collect()),
        Dtype::Bool => HostData::Bool((0..n).map(|_| r.next() % 3 != 0).collect()),
        Dtype::Float64 | Dtype::Complex64 => unreachable!("not on the GPU"),
    }
}

/// Float values of host data (None for integer data).
fn floats(h: &HostData) -> Option<Vec<f32>> {
    match h {
        HostData::Float32(v) => Some(v.clone()),
        HostData::Float16(v) => Some(v.iter().map(|x| x.to_f32()).collect()),
        HostData::Bfloat16(v) => Some(v.iter().map(|x| x.to_f32()).collect()),
        _ => None,
    }
}

/// The results of `op` on the CPU and GPU copies of the same data agree.
struct Checker {
    seed: u64,
    checks: usize,
}

impl Checker {
    fn run(
        &mut self,
        what: &str,
        dtype: Dtype,
        shape: &[usize],
        special: bool,
        op: impl Fn(&Array) -> Result<Array>,
    ) -> Result<()> {
        self.seed += 1;
        let n: usize = shape.iter().product();
        let h = data(dtype, n, self.seed, special);
        let cpu = Array::from_host_data_on(h.clone(), shape, Device::cpu())?;
        let gpu = Array::from_host_data_on(h, shape, Device::gpu(0))?;
        let label = format!("{what} on {dtype} {shape:?}");
        let (c, g) = match (op(&cpu), op(&gpu)) {
            (Ok(c), Ok(g)) => (c, g),
            (Err(_), Err(_)) => return Ok(()),
            (c, g) => panic!("{label}: cpu {:?} vs gpu {:?}", c.err(), g.err()),
        };
        assert_eq!(c.shape(), g.shape(), "{label}: shape");
        assert_eq!(c.dtype(), g.dtype(), "{label}: dtype");
        let (hc, hg) = match (c.to_host_data(), g.to_host_data()) {
            (Ok(c), Ok(g)) => (c, g),
            (Err(_), Err(_)) => return Ok(()),
            (c, g) => panic!("{label}: cpu {:?} vs gpu {:?}", c.err(), g.err()),
        };
        match (floats(&hc), floats(&hg)) {
            (Some(fc), Some(fg)) => {
                let tol = match c.dtype() {
                    Dtype::Float16 => 2e-3,
                    Dtype::Bfloat16 => 1.6e-2,
                    _ => 2e-5,
                };
                for (i, (&x, &y)) in fc.iter().zip(&fg).enumerate() {
                    let ok = (x.is_nan() && y.is_nan())
                        || x == y
                        || (x - y).abs() <= tol * x.abs().max(1e-3);
                    assert!(ok, "{label}: element {i}: cpu {x} vs gpu {y}");
                }
            }
            _ => assert_eq!(hc, hg, "{label}"),
        }
        self.checks += 1;
        Ok(())
    }
}

const DTYPES: [Dtype; 11] = [
    Dtype::Float32,
    Dtype::Float16,
    Dtype::Bfloat16,
    Dtype::Int32,
    Dtype::Uint8,
    Dtype::Bool,
    Dtype::Int64,
    Dtype::Int8,
    Dtype::Uint16,
    Dtype::Uint32,
    Dtype::Uint64,
];

fn reductions(ck: &mut Checker) -> Result<()> {
    let subsets: [&[i64]; 7] = [&[0], &[1], &[2], &[0, 1], &[0, 2], &[1, 2], &[0, 1, 2]];
    type Red = fn(&Array, &[i64], bool) -> Result<Array>;
    let ops: [(&str, Red); 6] = [
        ("sum", |a, ax, k| a.sum(ax, k)),
        ("prod", |a, ax, k| a.prod(ax, k)),
        ("max", |a, ax, k| a.max(ax, k)),
        ("min", |a, ax, k| a.min(ax, k)),
        ("all", |a, ax, k| a.all(ax, k)),
        ("any", |a, ax, k| a.any(ax, k)),
    ];
    for d in DTYPES {
        for (name, f) in ops {
            for ax in subsets {
                let special = d == Dtype::Float32 && matches!(name, "sum" | "max" | "min");
                ck.run(&format!("{name} {ax:?}"), d, &[5, 7, 9], special, |a| {
                    f(a, ax, false)
                })?;
                ck.run(
                    &format!("{name} {ax:?} of transpose"),
                    d,
                    &[5, 7, 9],
                    false,
                    |a| f(&a.transpose(())?, ax, true),
                )?;
                ck.run(
                    &format!("{name} {ax:?} of broadcast"),
                    d,
                    &[1, 7, 1],
                    false,
                    |a| f(&a.broadcast_to(&[5, 7, 9])?, ax, false),
                )?;
                ck.run(
                    &format!("{name} {ax:?} of reversed"),
                    d,
                    &[5, 7, 9],
                    false,
                    |a| {
                        let r = a.index(&[
                            SliceArg::full(),
                            SliceArg::range(None, None, -1),
                            SliceArg::range(None, None, -2),
                        ])?;
                        f(&r, ax, false)
                    },
                )?;
            }
            // Empty reductions and empty outputs.
            ck.run(&format!("{name} over empty"), d, &[0, 3], false, |a| {
                f(a, &[0], false)
            })?;
            ck.run(&format!("{name} into empty"), d, &[3, 0], false, |a| {
                f(a, &[0], false)
            })?;
            ck.run(&format!("{name} of 0-d"), d, &[], false, |a| {
                f(a, &[], false)
            })?;
            ck.run(
                &format!("{name} all of 0-d"),
                d,
                &[],
                false,
                |a| match name {
                    "sum" => a.sum((), false),
                    "max" => a.max((), false),
                    _ => a.all((), false),
                },
            )?;
        }
        // Long rows, split passes and column reductions.
        ck.run("sum of long rows", d, &[3, 5000], false, |a| {
            a.sum(1, false)
        })?;
        ck.run("max of split rows", d, &[2, 20000], false, |a| {
            a.max(-1, false)
        })?;
        ck.run("sum of everything", d, &[100_000], false, |a| {
            a.sum((), false)
        })?;
        ck.run("min of everything transposed", d, &[300, 301], false, |a| {
            a.transpose(())?.min((), false)
        })?;
        ck.run("sum of columns", d, &[3000, 40], false, |a| a.sum(0, false))?;
        ck.run("max of columns", d, &[64, 300], false, |a| a.max(0, true))?;
        ck.run("sum of few columns", d, &[5000, 3], false, |a| {
            a.sum(0, false)
        })?;
        ck.run("any of long rows", d, &[4, 3000], false, |a| {
            a.any(1, false)
        })?;
    }
    // Max/min propagate NaN from anywhere; all -inf rows stay -inf.
    ck.run("max with nan", Dtype::Float32, &[4, 3000], true, |a| {
        a.max(1, false)
    })?;
    ck.run("min with nan", Dtype::Float32, &[3000, 40], true, |a| {
        a.min(0, false)
    })?;
    Ok(())
}

fn arg_reductions(ck: &mut Checker) -> Result<()> {
    for d in DTYPES {
        for special in [false, true] {
            let special = special && d == Dtype::Float32;
            for ax in [0i64, 1, 2] {
                ck.run(&format!("argmax {ax}"), d, &[5, 7, 9], special, |a| {
                    a.argmax(ax, false)
                })?;
                ck.run(
                    &format!("argmin {ax} of transpose"),
                    d,
                    &[5, 7, 9],
                    special,
                    |a| a.transpose(())?.argmin(ax, true),
                )?;
            }
            ck.run("argmax of all", d, &[5000], special, |a| {
                a.argmax((), false)
            })?;
            ck.run("argmin of all", d, &[30, 70], special, |a| {
                a.argmin((), false)
            })?;
            ck.run("argmin of rows", d, &[3, 700], special, |a| {
                a.argmin(1, false)
            })?;
            ck.run("argmax of broadcast", d, &[1, 6], special, |a| {
                a.broadcast_to(&[4, 6])?.argmax(0, false)
            })?;
        }
        ck.run("argmax of empty", d, &[0, 3], false, |a| a.argmax(1, false))?;
        ck.run("argmax over empty axis", d, &[3, 0], false, |a| {
            a.argmax(1, false)
        })?;
    }
    Ok(())
}

fn softmaxes(ck: &mut Checker) -> Result<()> {
    for d in [
        Dtype::Float32,
        Dtype::Float16,
        Dtype::Bfloat16,
        Dtype::Int32,
    ] {
        for special in [false, true] {
            let special = special && d == Dtype::Float32;
            for shape in [&[4usize, 10][..], &[3, 3000], &[2, 9000], &[7], &[3, 1]] {
                ck.run("softmax", d, shape, special, |a| {
                    a.softmax(&[-1][..], false)
                })?;
            }
            ck.run("softmax of transpose", d, &[10, 4], special, |a| {
                a.transpose(())?.softmax(&[-1][..], false)
            })?;
            ck.run("softmax axis 0", d, &[300, 3], special, |a| {
                a.softmax(&[0][..], false)
            })?;
            ck.run("softmax of broadcast", d, &[1, 50], special, |a| {
                a.broadcast_to(&[3, 50])?.softmax(&[-1][..], false)
            })?;
        }
        ck.run("softmax of empty", d, &[0, 4], false, |a| {
            a.softmax(&[-1][..], false)
        })?;
        ck.run("softmax of empty rows", d, &[4, 0], false, |a| {
            a.softmax(&[-1][..], false)
        })?;
        ck.run("softmax of 0-d", d, &[], false, |a| {
            a.softmax(&[-1][..], false)
        })?;
    }
    // Rows of -inf, and a row holding +inf, give NaN as on the CPU.
    for h in [
        vec![f32::NEG_INFINITY; 6],
        vec![1.0, f32::INFINITY, 2.0, 0.0, -1.0, 3.0],
    ] {
        let c = Array::from_host_data_on(HostData::Float32(h.clone()), &[2, 3], Device::cpu())?;
        let g = Array::from_host_data_on(HostData::Float32(h), &[2, 3], Device::gpu(0))?;
        let (c, g) = (
            c.softmax(&[-1][..], false)?.to_vec::<f32>()?,
            g.softmax(&[-1][..], false)?.to_vec::<f32>()?,
        );
        for (x, y) in c.iter().zip(&g) {
            assert!(
                (x - y).abs() <= 1e-6 || (x.is_nan() && y.is_nan()),
                "{c:?} vs {g:?}"
            );
        }
    }
    Ok(())
}

fn scans(ck: &mut Checker) -> Result<()> {
    for d in DTYPES {
        for reverse in [false, true] {
            for inclusive in [false, true] {
                let what = format!("cumsum rev={reverse} incl={inclusive}");
                for ax in [0i64, 1, 2] {
                    ck.run(&what, d, &[5, 7, 9], false, |a| {
                        a.cumsum(ax, reverse, inclusive)
                    })?;
                    ck.run(&format!("{what} of transpose"), d, &[5, 7, 9], false, |a| {
                        a.transpose(())?.cumsum(ax, reverse, inclusive)
                    })?;
                }
                ck.run(&format!("{what} long"), d, &[3, 1000], false, |a| {
                    a.cumsum(1, reverse, inclusive)
                })?;
                ck.run(&format!("{what} flat"), d, &[40, 30], false, |a| {
                    a.transpose(())?.cumsum((), reverse, inclusive)
                })?;
                ck.run(&format!("{what} broadcast"), d, &[1, 300], false, |a| {
                    a.broadcast_to(&[2, 300])?.cumsum(0, reverse, inclusive)
                })?;
            }
        }
        ck.run("cumsum of empty", d, &[0, 4], false, |a| {
            a.cumsum(1, false, true)
        })?;
        ck.run("cumsum of 0-d", d, &[], false, |a| {
            a.cumsum((), false, true)
        })?;
    }
    Ok(())
}

/// One family of checks.
type Family = fn(&mut Checker) -> Result<()>;

fn main() -> Result<()> {
    let gpu = mlx_metal::GpuBackend::new()?;
    println!("adapter: {}", gpu.adapter_name());
    let mut ck = Checker { seed: 0, checks: 0 };
    let only = std::env::args().nth(1).unwrap_or_default();
    let families: [(&str, Family); 4] = [
        ("reduce", reductions),
        ("arg", arg_reductions),
        ("softmax", softmaxes),
        ("scan", scans),
    ];
    for (name, f) in families {
        if only.is_empty() || only == name {
            let before = ck.checks;
            f(&mut ck)?;
            println!("{name}: {} comparisons ok", ck.checks - before);
        }
    }
    Ok(())
}
