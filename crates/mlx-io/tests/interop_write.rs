//! Files written by mlx-io for the other direction of the interop check:
//! `cargo xtask io-interop` runs this (ignored) test with
//! `MLX_IO_INTEROP_DIR` set, then `golden/check_written.py` loads the
//! files with NumPy, MLX and the Python `safetensors`/`gguf` packages.
//! Values follow `values()` in `golden/gen.py`.

use half::{bf16, f16};
use mlx_core::{Array, Complex64, Dtype, HostData};
use mlx_io::gguf::{GgufArray, GgufValue};
use std::collections::HashMap;

use mlx_cpu as _;

fn values(dtype: Dtype, n: usize) -> HostData {
    let i = (0..n).map(|i| i as i64);
    let f = |i: i64| (i - 3) as f64 * 0.5;
    match dtype {
        Dtype::Bool => HostData::Bool(i.map(|i| i % 2 == 0).collect()),
        Dtype::Uint8 => HostData::Uint8(i.map(|i| (i % 7) as u8).collect()),
        Dtype::Uint16 => HostData::Uint16(i.map(|i| (i % 7) as u16).collect()),
        Dtype::Uint32 => HostData::Uint32(i.map(|i| (i % 7) as u32).collect()),
        Dtype::Uint64 => HostData::Uint64(i.map(|i| (i % 7) as u64).collect()),
        Dtype::Int8 => HostData::Int8(i.map(|i| (i % 7 - 3) as i8).collect()),
        Dtype::Int16 => HostData::Int16(i.map(|i| (i % 7 - 3) as i16).collect()),
        Dtype::Int32 => HostData::Int32(i.map(|i| (i % 7 - 3) as i32).collect()),
        Dtype::Int64 => HostData::Int64(i.map(|i| i % 7 - 3).collect()),
        Dtype::Float16 => HostData::Float16(i.map(|i| f16::from_f64(f(i))).collect()),
        Dtype::Bfloat16 => HostData::Bfloat16(i.map(|i| bf16::from_f64(f(i))).collect()),
        Dtype::Float32 => HostData::Float32(i.map(|i| f(i) as f32).collect()),
        Dtype::Float64 => HostData::Float64(i.map(f).collect()),
        Dtype::Complex64 => HostData::Complex64(
            i.map(|i| Complex64::new(f(i) as f32, i as f32 * 0.25))
                .collect(),
        ),
    }
}

fn arr(d: Dtype, shape: &[usize]) -> Array {
    Array::from_host_data(values(d, shape.iter().product()), shape).unwrap()
}

#[test]
#[ignore = "run by `cargo xtask io-interop`"]
fn write_interop_files() {
    let Ok(dir) = std::env::var("MLX_IO_INTEROP_DIR") else {
        eprintln!("MLX_IO_INTEROP_DIR is not set; nothing written");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut all = HashMap::new();
    for d in Dtype::ALL {
        for (tag, shape) in [
            ("2d", &[2usize, 3][..]),
            ("0d", &[][..]),
            ("empty", &[0, 2][..]),
        ] {
            let a = arr(d, shape);
            mlx_io::save(dir.join(format!("{}_{tag}.npy", d.name())), &a).unwrap();
            all.insert(format!("{}_{tag}", d.name()), a);
        }
    }
    mlx_io::savez(dir.join("all.npz"), &all).unwrap();
    mlx_io::savez_compressed(dir.join("all_compressed.npz"), &all).unwrap();
    let meta = HashMap::from([("format".to_string(), "mlx".to_string())]);
    mlx_io::save_safetensors(dir.join("all.safetensors"), &all, Some(&meta)).unwrap();
    // MLX 0.32.4 refuses F64 safetensors: a file without them for MLX.
    let no_f64: HashMap<String, Array> = all
        .iter()
        .filter(|(_, a)| a.dtype() != Dtype::Float64)
        .map(|(k, a)| (k.clone(), a.clone()))
        .collect();
    mlx_io::save_safetensors(dir.join("no_f64.safetensors"), &no_f64, Some(&meta)).unwrap();
    let gg: HashMap<String, Array> = all
        .iter()
        .filter(|(_, a)| {
            matches!(
                a.dtype(),
                Dtype::Float32 | Dtype::Float16 | Dtype::Int8 | Dtype::Int16 | Dtype::Int32
            )
        })
        .map(|(k, a)| (k.clone(), a.clone()))
        .collect();
    let gmeta = HashMap::from([
        ("s".to_string(), GgufValue::from("str")),
        ("n".to_string(), GgufValue::I32(3)),
        ("u8".to_string(), GgufValue::U8(7)),
        (
            "f".to_string(),
            GgufValue::Array(GgufArray::F32(vec![1.5, 2.5])),
        ),
        (
            "l".to_string(),
            GgufValue::Array(GgufArray::String(vec!["a".into(), "bc".into()])),
        ),
    ]);
    mlx_io::save_gguf(dir.join("all.gguf"), &gg, Some(&gmeta)).unwrap();
    eprintln!("wrote interop files to {}", dir.display());
}
