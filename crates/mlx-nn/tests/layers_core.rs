//! Linear, Embedding, Sequential and the normalization layers against
//! MLX 0.32.4 goldens (golden/gen_layers.py): MLX's initialised weights
//! are loaded with `load_weights_from`, then forward and printing are
//! compared.

mod common;

use common::*;
use mlx_core::{ops, Array, Result};
use mlx_nn::*;

#[derive(Debug, Module)]
#[module(name = "ReLU")]
struct Relu {
    state: ModuleState,
}

impl UnaryModule for Relu {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        ops::maximum(x, &Array::from_scalar(0.0f32))
    }
}

/// Load the case's weights (strict), run the first input, compare output
/// and printed form.
fn check(name: &str, layer: &mut dyn UnaryModule, rtol: f32) {
    let c = case(name);
    layer.load_weights_from(&params(c), true).unwrap();
    if !c["training"].as_bool().unwrap() {
        layer.eval();
    }
    let y = layer.forward(&inputs(c)[0]).unwrap();
    assert_close(&y, &outputs(c)[0], rtol, 1e-5, name);
    assert_eq!(module_repr(layer.as_module()), repr(c), "{name}: repr");
}

#[test]
fn linear_matches_mlx() {
    check("linear", &mut Linear::new(3, 4).unwrap(), 1e-5);
    check(
        "linear_nobias",
        &mut Linear::with_bias(3, 4, false).unwrap(),
        1e-5,
    );
}

#[test]
fn linear_wrong_input_dims_is_an_error() {
    let mut l = Linear::new(2, 4).unwrap();
    let x = ops::ones(&[1, 3], mlx_core::Dtype::Float32).unwrap();
    assert_eq!(
        l.forward(&x).unwrap_err().to_string(),
        "[Linear] input last dim 3 does not match input_dims 2"
    );
}

#[test]
fn embedding_matches_mlx() {
    check("embedding", &mut Embedding::new(10, 4).unwrap(), 1e-6);
    let c = case("embedding_as_linear");
    let mut e = Embedding::new(10, 4).unwrap();
    e.load_weights_from(&params(c), true).unwrap();
    let y = e.as_linear(&inputs(c)[0]).unwrap();
    assert_close(&y, &outputs(c)[0], 1e-5, 1e-6, "as_linear");
}

#[test]
fn sequential_matches_mlx() {
    let mut s = Sequential::new()
        .push(Linear::new(3, 5).unwrap())
        .push(Relu {
            state: ModuleState::new(),
        })
        .push(Linear::new(5, 2).unwrap());
    check("sequential", &mut s, 1e-5);
}

#[test]
fn layer_norm_matches_mlx() {
    check("layer_norm", &mut LayerNorm::new(4).unwrap(), 1e-4);
    check(
        "layer_norm_noaffine",
        &mut LayerNorm::with_options(4, 1e-3, false, true).unwrap(),
        1e-4,
    );
    check(
        "layer_norm_nobias",
        &mut LayerNorm::with_options(4, 1e-5, true, false).unwrap(),
        1e-4,
    );
    check("layer_norm_weights", &mut LayerNorm::new(4).unwrap(), 1e-4);
}

#[test]
fn rms_norm_matches_mlx() {
    check("rms_norm", &mut RMSNorm::new(6).unwrap(), 1e-4);
}

#[test]
fn group_norm_matches_mlx() {
    check("group_norm", &mut GroupNorm::new(2, 6).unwrap(), 1e-4);
    check(
        "group_norm_pt",
        &mut GroupNorm::with_options(3, 6, 1e-5, true, true).unwrap(),
        1e-4,
    );
}

#[test]
fn instance_norm_matches_mlx() {
    check(
        "instance_norm",
        &mut InstanceNorm::with_options(3, 1e-5, true).unwrap(),
        1e-4,
    );
    check(
        "instance_norm_plain",
        &mut InstanceNorm::new(3).unwrap(),
        1e-4,
    );
}

fn check_running(name: &str, bn: &BatchNorm) {
    let c = case(name);
    let r = c["running"].as_array().unwrap();
    assert_close(
        bn.running_mean.as_ref().unwrap(),
        &arr(&r[0]),
        1e-5,
        1e-6,
        name,
    );
    assert_close(
        bn.running_var.as_ref().unwrap(),
        &arr(&r[1]),
        1e-5,
        1e-6,
        name,
    );
}

#[test]
fn batch_norm_training_matches_mlx_and_updates_running_stats() {
    let mut bn = BatchNorm::new(3).unwrap();
    check("batch_norm_train", &mut bn, 1e-4);
    check_running("batch_norm_train", &bn);
    let mut bn = BatchNorm::with_options(2, 1e-5, 0.3, true, true).unwrap();
    check("batch_norm_4d_train", &mut bn, 1e-4);
    check_running("batch_norm_4d_train", &bn);
}

#[test]
fn batch_norm_eval_uses_running_stats() {
    check("batch_norm_eval", &mut BatchNorm::new(3).unwrap(), 1e-4);
    check(
        "batch_norm_no_stats",
        &mut BatchNorm::with_options(3, 1e-5, 0.1, false, false).unwrap(),
        1e-4,
    );
}

#[test]
fn batch_norm_running_stats_are_frozen_as_in_mlx() {
    let api = &case("module_api")["args"];
    let want = |k: &str| {
        let mut v: Vec<String> = api[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let keys = |t: &mlx_core::tree::Tree| {
        let mut v: Vec<String> = mlx_core::tree::tree_flatten(t)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        v.sort();
        v
    };
    let mut s = Sequential::new()
        .push(Linear::new(2, 2).unwrap())
        .push(BatchNorm::new(2).unwrap());
    assert_eq!(keys(&s.trainable_parameters()), want("batchnorm_trainable"));
    assert_eq!(keys(&s.parameters()), want("batchnorm_params"));
    s.unfreeze(true, None, false).unwrap();
    assert_eq!(
        keys(&s.trainable_parameters()),
        want("batchnorm_trainable_unfrozen")
    );
    // Unfreezing the BatchNorm itself keeps its statistics frozen (MLX's override).
    let mut bn = BatchNorm::new(2).unwrap();
    bn.unfreeze(true, None, false).unwrap();
    assert_eq!(
        mlx_core::tree::tree_flatten(&bn.trainable_parameters()).len(),
        2
    );
}

#[test]
fn batch_norm_bad_rank_is_an_error() {
    let mut bn = BatchNorm::new(2).unwrap();
    let x = ops::ones(&[2], mlx_core::Dtype::Float32).unwrap();
    assert_eq!(
        bn.forward(&x).unwrap_err().to_string(),
        "[BatchNorm] expected input tensor to have 2, 3 or 4 dimensions, but got 1"
    );
}
