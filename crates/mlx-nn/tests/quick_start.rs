//! The seed's quick start, checked against MLX 0.32.4
//! (golden/gen_layers.py, case `quick_start`, and the checkpoints
//! golden/mlp.safetensors / golden/mlp.npz written by MLX's
//! `save_weights`).

mod common;

use common::*;
use mlx_core::tree::tree_flatten;
use mlx_core::{ops, Array, Dtype, Result};
use mlx_nn::{Linear, Module, UnaryModule};
use std::path::{Path, PathBuf};

#[derive(Module)]
#[module(name = "MLP")]
struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    fn new(in_dims: usize, out_dims: usize) -> Result<Mlp> {
        Ok(Mlp {
            layers: vec![
                Linear::new(in_dims, 128)?,
                Linear::new(128, 128)?,
                Linear::new(128, out_dims)?,
            ],
        })
    }
}

impl UnaryModule for Mlp {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        let mut x = x.clone();
        for (i, l) in self.layers.iter_mut().enumerate() {
            if i > 0 {
                x = ops::maximum(&x, &Array::from_scalar(0.0f32))?;
            }
            x = l.forward(&x)?;
        }
        Ok(x)
    }
}

fn golden_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn l2_loss(mlp: &mut Mlp, args: &[Array]) -> Result<Array> {
    (mlp.forward(&args[0])? - &args[1])?
        .square()?
        .mean((), false)
}

const SEED_REPR: &str = "MLP(
  (layers.0): Linear(input_dims=2, output_dims=128, bias=True)
  (layers.1): Linear(input_dims=128, output_dims=128, bias=True)
  (layers.2): Linear(input_dims=128, output_dims=10, bias=True)
)";

#[test]
fn printed_mlp_matches_the_seed_text() {
    let mlp = Mlp::new(2, 10).unwrap();
    assert_eq!(mlp.to_string(), SEED_REPR);
    assert_eq!(mlp.to_string(), repr(case("quick_start")));
}

#[test]
fn parameters_have_the_seed_keys_and_shapes() {
    let mlp = Mlp::new(2, 10).unwrap();
    let p = mlp.parameters();
    // Python: params["layers"][0]["weight"].shape == (128, 2)
    assert_eq!(
        p["layers"][0]["weight"].as_array().unwrap().shape(),
        &[128, 2]
    );
    assert!(p["layers"][3]["weight"].as_array().is_none());
    let got: Vec<(String, Vec<usize>)> = tree_flatten(&p)
        .into_iter()
        .map(|(k, a)| (k, a.shape().to_vec()))
        .collect();
    let want = [
        ("layers.0.bias", vec![128]),
        ("layers.0.weight", vec![128, 2]),
        ("layers.1.bias", vec![128]),
        ("layers.1.weight", vec![128, 128]),
        ("layers.2.bias", vec![10]),
        ("layers.2.weight", vec![10, 128]),
    ];
    assert_eq!(got.len(), want.len());
    for ((k, s), (wk, ws)) in got.iter().zip(want.iter()) {
        assert_eq!((k.as_str(), s), (*wk, ws));
    }
}

#[test]
fn value_and_grad_matches_mlx_on_mlx_weights() {
    for file in ["mlp.safetensors", "mlp.npz"] {
        let mut mlp = Mlp::new(2, 10).unwrap();
        mlp.load_weights(&golden_file(file), true).unwrap();
        let c = case("quick_start");
        let loss_and_grad = mlx_nn::value_and_grad(l2_loss);
        let (loss, grads) = loss_and_grad(&mut mlp, &inputs(c)).unwrap();
        assert_close(&loss, &outputs(c)[0], 1e-5, 1e-6, "loss");
        let want = c["grads"].as_array().unwrap();
        let got = tree_flatten(&grads);
        assert_eq!(got.len(), want.len());
        for w in want {
            let k = w[0].as_str().unwrap();
            let g = grads
                .get(k)
                .unwrap_or_else(|| panic!("no gradient for {k}"));
            assert_close(g, &arr(&w[1]), 1e-4, 1e-6, k);
        }
        // The tree has the shape of trainable_parameters(), and the model
        // keeps its own parameters.
        let tp = tree_flatten(&mlp.trainable_parameters());
        for ((k, p), (gk, g)) in tp.iter().zip(&got) {
            assert_eq!((k, p.shape()), (gk, g.shape()));
        }
    }
}

#[test]
fn value_and_grad_skips_frozen_parameters() {
    let mut mlp = Mlp::new(2, 10).unwrap();
    mlp.load_weights(&golden_file("mlp.safetensors"), true)
        .unwrap();
    mlp.freeze(true, Some(&["bias"]), false).unwrap();
    let c = case("quick_start");
    let (_, grads) = mlx_nn::value_and_grad(l2_loss)(&mut mlp, &inputs(c)).unwrap();
    let keys: Vec<String> = tree_flatten(&grads).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        ["layers.0.weight", "layers.1.weight", "layers.2.weight"]
    );
    let w = c["grads"].as_array().unwrap();
    let w1 = w.iter().find(|g| g[0] == "layers.1.weight").unwrap();
    assert_close(
        grads.get("layers.1.weight").unwrap(),
        &arr(&w1[1]),
        1e-4,
        1e-6,
        "w1",
    );
}

fn snapshot(m: &Mlp) -> Vec<Vec<f32>> {
    tree_flatten(&m.parameters())
        .into_iter()
        .map(|(_, a)| a.to_vec::<f32>().unwrap())
        .collect()
}

#[test]
fn load_weights_bad_cases_are_errors_and_change_nothing() {
    let mut mlp = Mlp::new(2, 10).unwrap();
    let before = snapshot(&mlp);
    let good: Vec<(String, Array)> = tree_flatten(&Mlp::new(2, 10).unwrap().parameters());

    let missing: Vec<_> = good[1..].to_vec();
    let e = mlp.load_weights_from(&missing, true).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[load_weights] missing 1 parameters: layers.0.bias"
    );

    let mut extra = good.clone();
    extra.push((
        "layers.3.weight".into(),
        ops::ones(&[1], Dtype::Float32).unwrap(),
    ));
    let e = mlp.load_weights_from(&extra, true).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[load_weights] received 1 parameters not in model: layers.3.weight"
    );

    let mut shape = good.clone();
    shape[1].1 = ops::zeros(&[2, 128], Dtype::Float32).unwrap();
    for strict in [true, false] {
        let e = mlp.load_weights_from(&shape, strict).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[load_weights] shape mismatch for key layers.0.weight: expected (128, 2), got (2, 128)"
        );
    }

    let mut dtype = good.clone();
    dtype[0].1 = ops::zeros(&[128], Dtype::Float16).unwrap();
    let e = mlp.load_weights_from(&dtype, true).unwrap_err();
    assert!(e.to_string().starts_with(
        "[load_weights] dtype mismatch for key layers.0.bias: expected float32, got float16"
    ));

    assert_eq!(snapshot(&mlp), before);
}

#[test]
fn load_weights_non_strict_rejects_a_dtype_mismatch_too() {
    let mut mlp = Mlp::new(2, 10).unwrap();
    let w = vec![(
        "layers.2.bias".to_string(),
        ops::zeros(&[10], Dtype::Float16).unwrap(),
    )];
    let e = mlp.load_weights_from(&w, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[load_weights] dtype mismatch for key layers.2.bias: expected float32, got float16 \
         (cast the model with set_dtype first)"
    );
    assert_eq!(mlp.layers[2].bias.as_ref().unwrap().dtype(), Dtype::Float32);
}

#[test]
fn load_weights_non_strict_ignores_extras_and_missing() {
    let mut mlp = Mlp::new(2, 10).unwrap();
    let zeros = ops::zeros(&[10], Dtype::Float32).unwrap();
    let w = vec![
        ("layers.2.bias".to_string(), zeros),
        (
            "unknown.key".to_string(),
            ops::ones(&[3], Dtype::Float32).unwrap(),
        ),
    ];
    mlp.load_weights_from(&w, false).unwrap();
    assert_eq!(
        mlp.layers[2]
            .bias
            .as_ref()
            .unwrap()
            .to_vec::<f32>()
            .unwrap(),
        vec![0.0; 10]
    );
}

#[test]
fn save_weights_round_trips_through_both_formats() {
    let mlp = Mlp::new(2, 10).unwrap();
    let dir = std::env::temp_dir();
    for ext in ["safetensors", "npz"] {
        let path = dir.join(format!("mlx-nn-qs-{}.{ext}", std::process::id()));
        mlp.save_weights(&path).unwrap();
        let mut other = Mlp::new(2, 10).unwrap();
        other.load_weights(&path, true).unwrap();
        assert_eq!(snapshot(&other), snapshot(&mlp));
        std::fs::remove_file(&path).unwrap();
    }
    let e = mlp.save_weights(Path::new("/tmp/x.bin")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("[save_weights] unsupported file extension"),
        "{e}"
    );
}

#[test]
fn load_weights_of_a_missing_file_is_an_error() {
    let mut mlp = Mlp::new(2, 10).unwrap();
    let e = mlp
        .load_weights(Path::new("/nonexistent/w.npz"), true)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("[load_weights] /nonexistent/w.npz"),
        "{e}"
    );
}

#[test]
fn value_and_grad_through_batch_norm_updates_running_stats() {
    let mut s = mlx_nn::Sequential::new()
        .push(Linear::new(2, 3).unwrap())
        .push(mlx_nn::BatchNorm::new(3).unwrap());
    let x = mlx_core::random::normal(&[8, 2], Dtype::Float32, None, None, None).unwrap();
    let vg = mlx_nn::value_and_grad(|m: &mut mlx_nn::Sequential, a: &[Array]| {
        m.forward(&a[0])?.square()?.sum((), false)
    });
    let (_, grads) = vg(&mut s, &[x]).unwrap();
    // Running statistics are frozen: no gradient for them, but they moved.
    let keys: Vec<String> = tree_flatten(&grads).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "layers.0.bias",
            "layers.0.weight",
            "layers.1.bias",
            "layers.1.weight"
        ]
    );
    let rm = s
        .parameters()
        .get("layers.1.running_mean")
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    assert!(rm.iter().any(|v| *v != 0.0));
}
