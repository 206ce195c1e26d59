//! Round trips: every dtype and rank (0-d and size-0 included) through
//! every format that stores it, in memory and through files.

use half::{bf16, f16};
use mlx_core::{Array, Complex64, Dtype, HostData, SharedBytes};
use mlx_io::gguf::{GgufArray, GgufValue};
use mlx_io::{Format, LoadOptions, Loaded, Metadata};
use std::collections::HashMap;

use mlx_cpu as _;

/// Deterministic values of `dtype` (same formula as golden/gen.py), with
/// NaN and infinities for floats when there is room.
fn sample(dtype: Dtype, n: usize) -> HostData {
    let i = (0..n).map(|i| i as i64);
    let f = |i: i64| match i {
        4 => f64::NAN,
        5 => f64::INFINITY,
        6 => f64::NEG_INFINITY,
        _ => (i - 3) as f64 * 0.5,
    };
    match dtype {
        Dtype::Bool => HostData::Bool(i.map(|i| i % 2 == 0).collect()),
        Dtype::Uint8 => HostData::Uint8(i.map(|i| (i % 7) as u8).collect()),
        Dtype::Uint16 => HostData::Uint16(i.map(|i| (i % 7) as u16 * 1000).collect()),
        Dtype::Uint32 => HostData::Uint32(i.map(|i| (i % 7) as u32 * 100_000).collect()),
        Dtype::Uint64 => HostData::Uint64(i.map(|i| (i % 7) as u64 * (1 << 40)).collect()),
        Dtype::Int8 => HostData::Int8(i.map(|i| (i % 7 - 3) as i8).collect()),
        Dtype::Int16 => HostData::Int16(i.map(|i| (i % 7 - 3) as i16 * 1000).collect()),
        Dtype::Int32 => HostData::Int32(i.map(|i| (i % 7 - 3) as i32 * 100_000).collect()),
        Dtype::Int64 => HostData::Int64(i.map(|i| (i % 7 - 3) * (1 << 40)).collect()),
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

const SHAPES: &[&[usize]] = &[
    &[],
    &[0],
    &[3, 0, 2],
    &[1],
    &[5],
    &[2, 3],
    &[2, 1, 3],
    &[2, 2, 1, 3],
];

fn arrays_for(dtypes: &[Dtype]) -> Vec<(String, Array)> {
    let mut out = Vec::new();
    for &d in dtypes {
        for (k, shape) in SHAPES.iter().enumerate() {
            let n = shape.iter().product();
            let a = Array::from_host_data(sample(d, n), shape).unwrap();
            out.push((format!("{}_{k}", d.name()), a));
        }
    }
    out
}

/// Same shape, dtype and bytes (NaN payloads included).
fn assert_same(name: &str, got: &Array, want: &Array) {
    assert_eq!(got.shape(), want.shape(), "{name}: shape");
    assert_eq!(got.dtype(), want.dtype(), "{name}: dtype");
    let (g, w) = (got.to_host_data().unwrap(), want.to_host_data().unwrap());
    assert_eq!(g.as_bytes(), w.as_bytes(), "{name}: values");
}

#[test]
fn npy_every_dtype_and_rank() {
    for (name, a) in arrays_for(&Dtype::ALL) {
        let bytes = mlx_io::npy::to_bytes(&a).unwrap();
        assert_eq!((mlx_io::npy::parse(&bytes).unwrap().data_offset) % 64, 0);
        let b = mlx_io::npy::load_bytes(SharedBytes::new(bytes)).unwrap();
        assert_same(&name, &b, &a);
    }
}

#[test]
fn npy_non_contiguous_input_saves_logical_order() {
    let a = Array::from_slice(&[1i32, 2, 3, 4, 5, 6], &[2, 3]).unwrap();
    let t = a.transpose(()).unwrap();
    let b = mlx_io::npy::load_bytes(SharedBytes::new(mlx_io::npy::to_bytes(&t).unwrap())).unwrap();
    assert_eq!(b.shape(), &[3, 2]);
    assert_eq!(b.to_vec::<i32>().unwrap(), vec![1, 4, 2, 5, 3, 6]);
}

#[test]
fn npz_stored_and_compressed_every_dtype_and_rank() {
    let arrays = arrays_for(&Dtype::ALL);
    for compressed in [false, true] {
        let bytes = mlx_io::npz::to_bytes(arrays.iter().map(|(k, a)| (k, a)), compressed).unwrap();
        let m = mlx_io::npz::load_bytes(SharedBytes::new(bytes)).unwrap();
        assert_eq!(m.len(), arrays.len());
        for (name, a) in &arrays {
            assert_same(name, &m[name], a);
        }
    }
}

#[test]
fn safetensors_every_dtype_and_rank_with_metadata() {
    let arrays = arrays_for(&Dtype::ALL);
    let meta = HashMap::from([("format".to_string(), "mlx".to_string())]);
    let bytes =
        mlx_io::safetensors::to_bytes(arrays.iter().map(|(k, a)| (k, a)), Some(&meta)).unwrap();
    let (m, got_meta) = mlx_io::safetensors::load_bytes(SharedBytes::new(bytes)).unwrap();
    assert_eq!(got_meta, meta);
    for (name, a) in &arrays {
        assert_same(name, &m[name], a);
    }
}

#[test]
fn gguf_every_writable_dtype_and_rank_with_metadata() {
    let dtypes = [
        Dtype::Float32,
        Dtype::Float16,
        Dtype::Bfloat16,
        Dtype::Int8,
        Dtype::Int16,
        Dtype::Int32,
    ];
    let arrays = arrays_for(&dtypes);
    let meta: HashMap<String, GgufValue> = [
        GgufValue::U8(1),
        GgufValue::I8(-1),
        GgufValue::U16(2),
        GgufValue::I16(-2),
        GgufValue::U32(3),
        GgufValue::I32(-3),
        GgufValue::F32(0.5),
        GgufValue::Bool(true),
        GgufValue::String("héllo".into()),
        GgufValue::U64(u64::MAX),
        GgufValue::I64(i64::MIN),
        GgufValue::F64(0.1),
        GgufValue::Array(GgufArray::String(vec!["a".into(), "".into()])),
        GgufValue::Array(GgufArray::F64(vec![])),
        GgufValue::Array(GgufArray::Array(vec![
            GgufArray::I16(vec![1, 2]),
            GgufArray::Bool(vec![false]),
        ])),
        GgufValue::Array(GgufArray::U8(vec![1, 2, 3])),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, v)| (format!("key.{i}"), v))
    .collect();
    let bytes = mlx_io::gguf::to_bytes(arrays.iter().map(|(k, a)| (k, a)), Some(&meta)).unwrap();
    let (m, got_meta) = mlx_io::gguf::load_bytes(SharedBytes::new(bytes)).unwrap();
    assert_eq!(got_meta, meta);
    for (name, a) in &arrays {
        assert_same(name, &m[name], a);
    }
}

#[test]
fn gguf_refuses_dtypes_mlx_refuses() {
    for d in [
        Dtype::Bool,
        Dtype::Uint8,
        Dtype::Uint32,
        Dtype::Int64,
        Dtype::Float64,
        Dtype::Complex64,
    ] {
        let a = Array::from_host_data(sample(d, 2), &[2]).unwrap();
        let err = mlx_io::gguf::to_bytes([("a", &a)], None)
            .unwrap_err()
            .to_string();
        assert_eq!(err, format!("[save_gguf] dtype {d} is not supported"));
    }
}

#[test]
fn files_round_trip_through_every_saver_with_mmap_and_without() {
    let dir = std::env::temp_dir().join(format!("mlx-io-rt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = Array::from_slice(&[1.0f32, -2.0, 3.5, 4.0], &[2, 2]).unwrap();
    let map = [("w", &a)];
    mlx_io::save(dir.join("a"), &a).unwrap();
    mlx_io::savez(dir.join("b"), map).unwrap();
    mlx_io::savez_compressed(dir.join("c.npz"), map).unwrap();
    mlx_io::save_safetensors(dir.join("d"), map, None).unwrap();
    mlx_io::save_gguf(dir.join("e"), map, None).unwrap();
    for file in ["a.npy", "b.npz", "c.npz", "d.safetensors", "e.gguf"] {
        for mmap in [true, false] {
            let opts = LoadOptions {
                mmap,
                ..LoadOptions::default()
            };
            let (loaded, _) = mlx_io::load_with(dir.join(file), &opts).unwrap();
            let got = match loaded {
                Loaded::Array(x) => x,
                Loaded::Map(m) => m["w"].clone(),
            };
            assert_same(file, &got, &a);
        }
    }
    // An explicit format overrides the extension.
    std::fs::copy(dir.join("d.safetensors"), dir.join("d.bin")).unwrap();
    let opts = LoadOptions {
        format: Some(Format::Safetensors),
        return_metadata: true,
        mmap: true,
        ..LoadOptions::default()
    };
    let (_, meta) = mlx_io::load_with(dir.join("d.bin"), &opts).unwrap();
    assert_eq!(meta, Some(Metadata::Safetensors(HashMap::new())));
    assert!(mlx_io::load(dir.join("d.bin")).is_err());
    let err = mlx_io::load_with(
        dir.join("a.npy"),
        &LoadOptions {
            return_metadata: true,
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "[load] metadata not supported for format npy"
    );
    let err = mlx_io::load(dir.join("missing.npy"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("[load] "), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mapped_arrays_compute_and_outlive_nothing() {
    // Arrays over a mapped file feed ops on the CPU backend (zero-copy path).
    let dir = std::env::temp_dir().join(format!("mlx-io-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = Array::from_slice(&(0..64).map(|i| i as f32).collect::<Vec<_>>(), &[8, 8]).unwrap();
    let b = Array::from_slice(&[true, false, true], &[3]).unwrap();
    mlx_io::save_safetensors(dir.join("m.safetensors"), [("a", &a), ("b", &b)], None).unwrap();
    let m = mlx_io::load(dir.join("m.safetensors"))
        .unwrap()
        .into_map()
        .unwrap();
    let s = mlx_core::ops::sum(&m["a"], (), false).unwrap();
    assert_eq!(s.item::<f32>().unwrap(), 2016.0);
    let t = m["a"].transpose(()).unwrap();
    assert_eq!(t.to_vec::<f32>().unwrap()[1], 8.0);
    assert_eq!(m["b"].to_vec::<bool>().unwrap(), vec![true, false, true]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn weights_strict_and_non_strict() {
    let w = Array::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
    let loaded = HashMap::from([("w".to_string(), w.clone()), ("extra".to_string(), w)]);
    let expected = HashMap::from([("w".to_string(), vec![2usize])]);
    let err = mlx_io::select_weights(&expected, &loaded, true)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "[load_weights] received 1 parameters not in model: \nextra"
    );
    let got = mlx_io::select_weights(&expected, &loaded, false).unwrap();
    assert_eq!(got.keys().collect::<Vec<_>>(), vec!["w"]);
    let wrong = HashMap::from([("w".to_string(), vec![3usize])]);
    let only_w = HashMap::from([("w".to_string(), loaded["w"].clone())]);
    let err = mlx_io::select_weights(&wrong, &only_w, true)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "[load_weights] expected shape (3,) but received shape (2,) for parameter w"
    );
}
