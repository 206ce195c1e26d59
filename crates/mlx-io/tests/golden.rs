//! Files written by NumPy, MLX 0.32.4, the `safetensors` and `gguf` Python
//! packages load with the values `mx.load` (or NumPy) gives: see
//! `golden/gen.py`, which wrote the files and `golden/expected.json`.

use mlx_core::{Array, Dtype};
use mlx_io::gguf::{GgufArray, GgufValue};
use mlx_io::{Format, LoadOptions, Metadata};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

use mlx_cpu as _;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(golden_dir().join("expected.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn dtype_named(name: &str) -> Dtype {
    *Dtype::ALL
        .iter()
        .find(|d| d.name() == name)
        .unwrap_or_else(|| panic!("dtype {name}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compare shape, then dtype, then the exact bytes.
fn check_array(file: &str, name: &str, a: &Array, want: &Value) {
    let shape: Vec<usize> = want["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(a.shape(), shape.as_slice(), "{file} {name}: shape");
    let dtype = dtype_named(want["dtype"].as_str().unwrap());
    // MLX 0.32.4 loads GGUF BF16 tensors as float16; we keep bfloat16
    // (lossless) and compare after the same conversion.
    let a = if a.dtype() == Dtype::Bfloat16 && dtype == Dtype::Float16 {
        assert!(file.ends_with(".gguf"), "{file} {name}");
        a.as_type(Dtype::Float16).unwrap()
    } else {
        a.clone()
    };
    assert_eq!(a.dtype(), dtype, "{file} {name}: dtype");
    let host = a.to_host_data().unwrap();
    assert_eq!(
        hex(host.as_bytes()),
        want["hex"].as_str().unwrap(),
        "{file} {name}: values"
    );
}

/// MLX's view of a GGUF value: a string, a list of strings, or an array
/// (numbers; float64 becomes float32 as in MLX).
fn check_gguf_value(file: &str, key: &str, v: &GgufValue, want: &Value) {
    match want["kind"].as_str().unwrap() {
        "str" => assert_eq!(v.as_str(), want["value"].as_str(), "{file} {key}"),
        "list" => {
            let want: Vec<String> = serde_json::from_value(want["value"].clone()).unwrap();
            assert_eq!(
                v,
                &GgufValue::Array(GgufArray::String(want)),
                "{file} {key}"
            );
        }
        _ => {
            let a = match v {
                GgufValue::U8(x) => Array::from_scalar(*x),
                GgufValue::I8(x) => Array::from_scalar(*x),
                GgufValue::U16(x) => Array::from_scalar(*x),
                GgufValue::I16(x) => Array::from_scalar(*x),
                GgufValue::U32(x) => Array::from_scalar(*x),
                GgufValue::I32(x) => Array::from_scalar(*x),
                GgufValue::U64(x) => Array::from_scalar(*x),
                GgufValue::I64(x) => Array::from_scalar(*x),
                GgufValue::F32(x) => Array::from_scalar(*x),
                GgufValue::F64(x) => Array::from_scalar(*x as f32),
                GgufValue::Bool(x) => Array::from_scalar(*x),
                GgufValue::Array(GgufArray::I32(v)) => Array::from_slice(v, &[v.len()]).unwrap(),
                GgufValue::Array(GgufArray::F32(v)) => Array::from_slice(v, &[v.len()]).unwrap(),
                GgufValue::Array(GgufArray::U64(v)) => Array::from_slice(v, &[v.len()]).unwrap(),
                GgufValue::Array(GgufArray::Bool(v)) => Array::from_slice(v, &[v.len()]).unwrap(),
                other => panic!("{file} {key}: unexpected {other:?}"),
            };
            check_array(file, key, &a, want);
        }
    }
}

#[test]
fn golden_files_load_as_mlx_loads_them() {
    let all = expected();
    assert!(all.len() >= 30, "expected.json lists {} files", all.len());
    for (file, want) in &all {
        let format = Format::from_name(want["format"].as_str().unwrap()).unwrap();
        assert_eq!(Format::from_path(file).unwrap(), format);
        let with_meta = matches!(format, Format::Safetensors | Format::Gguf);
        for mmap in [true, false] {
            let opts = LoadOptions {
                format: None,
                return_metadata: with_meta,
                mmap,
                ..LoadOptions::default()
            };
            let (loaded, meta) = mlx_io::load_with(golden_dir().join(file), &opts)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            let arrays: HashMap<String, Array> = match format {
                Format::Npy => HashMap::from([(String::new(), loaded.into_array().unwrap())]),
                _ => loaded.into_map().unwrap(),
            };
            let want_arrays = want["arrays"].as_object().unwrap();
            let mut names: Vec<&String> = arrays.keys().collect();
            names.sort();
            let mut want_names: Vec<&String> = want_arrays.keys().collect();
            want_names.sort();
            assert_eq!(names, want_names, "{file}: names");
            for (name, w) in want_arrays {
                check_array(file, name, &arrays[name], w);
            }
            match (meta, want.get("metadata")) {
                (Some(Metadata::Safetensors(m)), Some(w)) => {
                    let w: HashMap<String, String> = serde_json::from_value(w.clone()).unwrap();
                    assert_eq!(m, w, "{file}: metadata");
                }
                (Some(Metadata::Gguf(m)), Some(w)) => {
                    let w = w.as_object().unwrap();
                    assert_eq!(m.len(), w.len(), "{file}: metadata keys");
                    for (k, wv) in w {
                        check_gguf_value(file, k, &m[k], wv);
                    }
                }
                (None, None) => {}
                other => panic!("{file}: metadata {other:?}"),
            }
        }
    }
}

/// Unpack MLX's affine triple (`w = scale * q + bias`, groups of 32).
fn dequantize(w: &Array, scales: &Array, biases: &Array) -> Vec<f32> {
    let bits = 32 * w.shape()[1] / (32 * scales.shape()[1]);
    let words = w.to_vec::<u32>().unwrap();
    let s = scales
        .as_type(Dtype::Float32)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    let b = biases
        .as_type(Dtype::Float32)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    let per_word = 32 / bits;
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for k in 0..per_word {
            let q = (word >> (k * bits)) & ((1 << bits) - 1);
            let g = (i * per_word + k) / 32;
            out.push(s[g] * q as f32 + b[g]);
        }
    }
    out
}

#[test]
fn gguf_quantized_dequantizes_as_gguf_py() {
    let all = expected();
    let m = mlx_io::load(golden_dir().join("py.gguf"))
        .unwrap()
        .into_map()
        .unwrap();
    for (name, want) in all["py.gguf"]["dequantized"].as_object().unwrap() {
        let prefix = name.strip_suffix(".weight").unwrap();
        let got = dequantize(
            &m[name],
            &m[&format!("{prefix}.scales")],
            &m[&format!("{prefix}.biases")],
        );
        let bytes: Vec<u8> = (0..want["hex"].as_str().unwrap().len() / 2)
            .map(|i| {
                u8::from_str_radix(&want["hex"].as_str().unwrap()[2 * i..2 * i + 2], 16).unwrap()
            })
            .collect();
        let want: Vec<f32> = bytemuck::pod_collect_to_vec(&bytes);
        assert_eq!(got.len(), want.len(), "{name}");
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g - w).abs() <= 2e-3 * w.abs().max(1.0),
                "{name}: {g} vs {w}"
            );
        }
    }
}
