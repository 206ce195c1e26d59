//! Loading the MLX goldens of `golden/layers.json` (made by
//! `golden/gen_layers.py` with MLX 0.32.4).
#![allow(dead_code)]

use mlx_core::{Array, Dtype};
use mlx_cpu as _;
use serde_json::Value;
use std::sync::OnceLock;

pub fn golden() -> &'static Value {
    static G: OnceLock<Value> = OnceLock::new();
    G.get_or_init(|| {
        let text = include_str!("../golden/layers.json");
        serde_json::from_str(text).expect("layers.json parses")
    })
}

pub fn case(name: &str) -> &'static Value {
    golden()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no golden case {name}"))
}

pub fn arr(v: &Value) -> Array {
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect();
    let data = v["data"].as_array().unwrap();
    let dtype = v["dtype"].as_str().unwrap();
    match dtype {
        "float32" | "bfloat16" | "float16" => {
            let d: Vec<f32> = data.iter().map(|x| x.as_f64().unwrap() as f32).collect();
            Array::from_slice(&d, &shape).unwrap()
        }
        "int32" | "int64" => {
            let d: Vec<i32> = data.iter().map(|x| x.as_i64().unwrap() as i32).collect();
            Array::from_slice(&d, &shape).unwrap()
        }
        "uint32" => {
            let d: Vec<u32> = data.iter().map(|x| x.as_u64().unwrap() as u32).collect();
            Array::from_slice(&d, &shape).unwrap()
        }
        "bool" => {
            let d: Vec<bool> = data.iter().map(|x| x.as_bool().unwrap()).collect();
            Array::from_slice(&d, &shape).unwrap()
        }
        other => panic!("dtype {other}"),
    }
}

pub fn params(c: &Value) -> Vec<(String, Array)> {
    c["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), arr(&p[1])))
        .collect()
}

pub fn inputs(c: &Value) -> Vec<Array> {
    c["inputs"].as_array().unwrap().iter().map(arr).collect()
}

pub fn outputs(c: &Value) -> Vec<Array> {
    c["outputs"].as_array().unwrap().iter().map(arr).collect()
}

pub fn repr(c: &Value) -> &str {
    c["repr"].as_str().unwrap()
}

/// Shape, then dtype (floats compared as f32), then values within
/// `atol + rtol * |expected|`.
pub fn assert_close(got: &Array, want: &Array, rtol: f32, atol: f32, what: &str) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    let g = got
        .as_type(Dtype::Float32)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    let w = want
        .as_type(Dtype::Float32)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        let ok = (a.is_nan() && b.is_nan())
            || (a.is_infinite() && a == b)
            || (a - b).abs() <= atol + rtol * b.abs();
        assert!(ok, "{what}: element {i}: got {a}, want {b}");
    }
}

pub fn arg_usize(c: &Value, k: &str, default: usize) -> usize {
    c["args"][k].as_u64().map(|v| v as usize).unwrap_or(default)
}

pub fn arg_f32(c: &Value, k: &str, default: f32) -> f32 {
    c["args"][k].as_f64().map(|v| v as f32).unwrap_or(default)
}

pub fn arg_bool(c: &Value, k: &str, default: bool) -> bool {
    c["args"][k].as_bool().unwrap_or(default)
}

pub fn arg_vec(c: &Value, k: &str) -> Option<Vec<usize>> {
    c["args"][k]
        .as_array()
        .map(|v| v.iter().map(|d| d.as_u64().unwrap() as usize).collect())
}
