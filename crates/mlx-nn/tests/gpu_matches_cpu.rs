//! Every layer family and every loss on the GPU backend (mlx-metal;
//! lavapipe in CI) against the CPU backend, the oracle (style rule 14).
//!
//! Each check loads a case of `golden/layers.json` (MLX 0.32.4 weights and
//! small inputs) into the layer on the CPU, runs it, then moves the
//! parameters as they were before the CPU run (`update` with GPU copies)
//! and the inputs to the GPU, runs it again inside
//! `with_default_device(gpu)` and compares the outputs, which must be on
//! the GPU, and the parameters afterwards (BatchNorm's running statistics).
//!
//! Tolerances, stated once: f32 within `1e-4 * |cpu| + 1e-5`
//! ([`TOL`]); [`TOL_TRANSCENDENTAL`] (`1e-3` relative, `1e-5` absolute) for
//! layers built on chains of exp/log/tanh/sin/cos (GELU's erf, Mish,
//! Softplus, the recurrent layers, RoPE, the sinusoidal encoding), whose
//! GPU kernels may use different approximations than the CPU's libm.
//!
//! The tests need a GPU adapter (lavapipe counts): without one they fail
//! with the backend's message, unless `MLX_SKIP_GPU_TESTS=1` (the policy
//! and variable of the `tests/gpu` suite). Run with
//! `WGPU_DEBUG=0 XDG_RUNTIME_DIR=/tmp cargo test -p mlx-nn --test gpu_matches_cpu`.

mod common;

use common::*;
use mlx_core::tree::{tree_flatten, tree_map, Tree};
use mlx_core::{with_default_device, Array, Device, Result};
use mlx_metal as _;
use mlx_nn::losses::{self, Reduction};
use mlx_nn::*;
use serde_json::Value;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// `(rtol, atol)` for f32 results.
type Tol = (f32, f32);
const TOL: Tol = (1e-4, 1e-5);
const TOL_TRANSCENDENTAL: Tol = (1e-3, 1e-5);

const SKIP_ENV: &str = "MLX_SKIP_GPU_TESTS";

/// The GPU device, or `None` (with a note) when there is no adapter and
/// `MLX_SKIP_GPU_TESTS=1`; without an adapter and without the variable,
/// the test fails.
fn gpu() -> Option<Device> {
    static OPENED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    let opened = OPENED.get_or_init(|| {
        mlx_core::backend_for(Device::gpu(0))
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    match opened {
        Ok(()) => Some(Device::gpu(0)),
        Err(msg) if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") => {
            eprintln!("note: skipping a GPU test ({SKIP_ENV}=1): {msg}");
            None
        }
        Err(msg) => panic!("no GPU for the GPU tests: {msg} (set {SKIP_ENV}=1 to skip them)"),
    }
}

/// Tests of this binary use the GPU one at a time (as in `tests/gpu`).
fn gpu_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn to_device(a: &Array, device: Device) -> Array {
    Array::from_host_data_on(a.to_host_data().unwrap(), a.shape(), device).unwrap()
}

fn assert_on(a: &Array, device: Device, what: &str) {
    assert_eq!(a.device(), device, "{what}: computed on the wrong device");
}

/// Compare the GPU results with the CPU's: shape, dtype, then values.
fn compare(cpu: &Array, gpu: &Array, tol: Tol, what: &str) {
    assert_eq!(gpu.dtype(), cpu.dtype(), "{what}: dtype");
    assert_close(gpu, cpu, tol.0, tol.1, what);
}

/// Run `f` on the CPU and on the GPU with the same weights and inputs.
fn both<M: Module + ?Sized>(
    what: &str,
    m: &mut M,
    inputs: &[Array],
    tol: Tol,
    f: impl Fn(&mut M, &[Array]) -> Result<Vec<Array>>,
) {
    let Some(gpu) = gpu() else { return };
    let _g = gpu_lock();
    let before = m.parameters();
    let cpu_out = f(m, inputs).unwrap_or_else(|e| panic!("{what}: cpu: {e}"));
    let cpu_after = tree_flatten(&m.parameters());

    let on_gpu = tree_map(&before, |a| Ok(to_device(a, gpu))).unwrap();
    m.update(&on_gpu, true).unwrap();
    let gpu_in: Vec<Array> = inputs.iter().map(|a| to_device(a, gpu)).collect();
    let gpu_out =
        with_default_device(gpu, || f(m, &gpu_in)).unwrap_or_else(|e| panic!("{what}: gpu: {e}"));
    assert_eq!(cpu_out.len(), gpu_out.len());
    for (i, (c, g)) in cpu_out.iter().zip(&gpu_out).enumerate() {
        let what = format!("{what} output {i}");
        assert_on(g, gpu, &what);
        compare(c, g, tol, &what);
    }
    let gpu_after = tree_flatten(&m.parameters());
    assert_eq!(cpu_after.len(), gpu_after.len(), "{what}: parameters");
    for ((k, c), (_, g)) in cpu_after.iter().zip(&gpu_after) {
        compare(c, g, tol, &format!("{what} parameter {k}"));
    }
}

/// A golden case's weights loaded into `m` (on the CPU) and its inputs.
fn load(name: &str, m: &mut dyn Module) -> Vec<Array> {
    let c = case(name);
    m.load_weights_from(&params(c), true).unwrap();
    if c["training"].as_bool() == Some(false) {
        m.eval();
    }
    inputs(c)
}

/// A unary layer on a golden case's first input.
fn unary(name: &str, m: &mut dyn UnaryModule, tol: Tol) {
    let x = load(name, m.as_module_mut());
    both(name, m, &x[..1], tol, |m, x| Ok(vec![m.forward(&x[0])?]));
}

#[test]
fn linear_embedding_sequential_on_gpu() {
    unary("linear", &mut Linear::new(3, 4).unwrap(), TOL);
    unary(
        "linear_nobias",
        &mut Linear::with_bias(3, 4, false).unwrap(),
        TOL,
    );
    unary("embedding", &mut Embedding::new(10, 4).unwrap(), TOL);
    let mut e = Embedding::new(10, 4).unwrap();
    let x = load("embedding_as_linear", &mut e);
    both("embedding_as_linear", &mut e, &x, TOL, |m, x| {
        Ok(vec![m.as_linear(&x[0])?])
    });
    let mut s = Sequential::new()
        .push(Linear::new(3, 5).unwrap())
        .push(ReLU::new())
        .push(Linear::new(5, 2).unwrap());
    unary("sequential", &mut s, TOL);
}

#[test]
fn normalization_layers_on_gpu() {
    unary("layer_norm", &mut LayerNorm::new(4).unwrap(), TOL);
    unary(
        "layer_norm_noaffine",
        &mut LayerNorm::with_options(4, 1e-3, false, true).unwrap(),
        TOL,
    );
    unary(
        "layer_norm_nobias",
        &mut LayerNorm::with_options(4, 1e-5, true, false).unwrap(),
        TOL,
    );
    unary("rms_norm", &mut RMSNorm::new(6).unwrap(), TOL);
    unary("group_norm", &mut GroupNorm::new(2, 6).unwrap(), TOL);
    unary(
        "group_norm_pt",
        &mut GroupNorm::with_options(3, 6, 1e-5, true, true).unwrap(),
        TOL,
    );
    unary(
        "instance_norm",
        &mut InstanceNorm::with_options(3, 1e-5, true).unwrap(),
        TOL,
    );
    unary(
        "instance_norm_plain",
        &mut InstanceNorm::new(3).unwrap(),
        TOL,
    );
}

#[test]
fn batch_norm_train_and_eval_on_gpu() {
    // Training: batch statistics, and the running statistics move (the
    // parameters after the run are compared too).
    unary("batch_norm_train", &mut BatchNorm::new(3).unwrap(), TOL);
    unary(
        "batch_norm_4d_train",
        &mut BatchNorm::with_options(2, 1e-5, 0.3, true, true).unwrap(),
        TOL,
    );
    unary("batch_norm_eval", &mut BatchNorm::new(3).unwrap(), TOL);
    unary(
        "batch_norm_no_stats",
        &mut BatchNorm::with_options(3, 1e-5, 0.1, false, false).unwrap(),
        TOL,
    );
}

fn conv_opts<const N: usize>(name: &str) -> (usize, usize, [usize; N], ConvOptions<N>) {
    let c = case(name);
    let arr = |k: &str, d: usize| -> [usize; N] {
        arg_vec(c, k)
            .map(|v| v.try_into().unwrap())
            .unwrap_or([d; N])
    };
    (
        arg_usize(c, "in_channels", 0),
        arg_usize(c, "out_channels", 0),
        arg_vec(c, "kernel_size").unwrap().try_into().unwrap(),
        ConvOptions {
            stride: arr("stride", 1),
            padding: arr("padding", 0),
            dilation: arr("dilation", 1),
            output_padding: arr("output_padding", 0),
            groups: arg_usize(c, "groups", 1),
            bias: arg_bool(c, "bias", true),
        },
    )
}

macro_rules! conv_case {
    ($ty:ident, $n:literal, $name:literal) => {{
        let (i, o, k, opts) = conv_opts::<$n>($name);
        unary($name, &mut $ty::with_options(i, o, k, opts).unwrap(), TOL);
    }};
}

#[test]
fn conv_layers_on_gpu() {
    conv_case!(Conv1d, 1, "conv1d");
    conv_case!(Conv1d, 1, "conv1d_groups");
    conv_case!(Conv2d, 2, "conv2d");
    conv_case!(Conv3d, 3, "conv3d");
    conv_case!(ConvTranspose1d, 1, "conv_transpose1d");
    conv_case!(ConvTranspose2d, 2, "conv_transpose2d");
    conv_case!(ConvTranspose3d, 3, "conv_transpose3d");
}

macro_rules! pool_case {
    ($ty:ident, $n:literal, $name:literal) => {{
        let c = case($name);
        let k: [usize; $n] = arg_vec(c, "kernel_size").unwrap().try_into().unwrap();
        let s = arg_vec(c, "stride").map(|v| <[usize; $n]>::try_from(v).unwrap());
        let p = arg_vec(c, "padding")
            .map(|v| v.try_into().unwrap())
            .unwrap_or([0; $n]);
        unary($name, &mut $ty::with_options(k, s, p).unwrap(), TOL);
    }};
}

#[test]
fn pooling_layers_on_gpu() {
    pool_case!(MaxPool1d, 1, "max_pool1d");
    pool_case!(AvgPool1d, 1, "avg_pool1d");
    pool_case!(MaxPool2d, 2, "max_pool2d");
    pool_case!(AvgPool2d, 2, "avg_pool2d");
    pool_case!(MaxPool3d, 3, "max_pool3d");
    pool_case!(AvgPool3d, 3, "avg_pool3d");
}

#[test]
fn upsample_modes_on_gpu() {
    for name in [
        "upsample_nearest",
        "upsample_nearest_frac",
        "upsample_linear",
        "upsample_linear_ac",
        "upsample_cubic",
        "upsample_cubic_ac",
        "upsample_linear_1d",
    ] {
        let c = case(name);
        let mode = match c["args"]["mode"].as_str().unwrap() {
            "nearest" => UpsampleMode::Nearest,
            "linear" => UpsampleMode::Linear,
            _ => UpsampleMode::Cubic,
        };
        let sf: Vec<f64> = c["args"]["scale_factor"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let ac = arg_bool(c, "align_corners", false);
        let mut up = if sf.iter().all(|&s| s == sf[0]) {
            Upsample::new(sf[0], mode, ac).unwrap()
        } else {
            Upsample::per_axis(&sf, mode, ac).unwrap()
        };
        unary(name, &mut up, TOL);
    }
}

#[test]
fn positional_encodings_on_gpu() {
    unary(
        "rope",
        &mut RoPE::new(4, false, 10000.0, 1.0),
        TOL_TRANSCENDENTAL,
    );
    unary(
        "rope_traditional",
        &mut RoPE::new(6, true, 500.0, 0.5),
        TOL_TRANSCENDENTAL,
    );
    let mut r = RoPE::new(4, false, 10000.0, 1.0);
    let x = load("rope_offset", &mut r);
    both("rope_offset", &mut r, &x, TOL_TRANSCENDENTAL, |m, x| {
        Ok(vec![m.forward_with_offset(&x[0], 7)?])
    });
    let mut a = ALiBi::new();
    let x = load("alibi", &mut a);
    both("alibi", &mut a, &x, TOL, |m, x| {
        Ok(vec![m.forward_with(&x[0], 2, None)?])
    });
    unary(
        "sinusoidal",
        &mut SinusoidalPositionalEncoding::new(8).unwrap(),
        TOL_TRANSCENDENTAL,
    );
    // sin(2*pi*k*x) near a multiple of pi: one f32 ulp of the phase (~4e-6)
    // shows up as an absolute error there (as in layers_sequence.rs).
    unary(
        "sinusoidal_opts",
        &mut SinusoidalPositionalEncoding::with_options(6, 1e-4, 2.0, Some(0.3), true, true)
            .unwrap(),
        (1e-3, 3e-5),
    );
}

#[test]
fn attention_and_transformers_on_gpu() {
    let mut m = MultiHeadAttention::new(8, 2).unwrap();
    let x = load("mha", &mut m);
    both("mha", &mut m, &x, TOL, |m, x| {
        Ok(vec![m.forward(&x[0], &x[1], &x[2], None)?])
    });
    let mut m = MultiHeadAttention::new(4, 1).unwrap();
    let x = load("mha_mask", &mut m);
    both("mha_mask", &mut m, &x, TOL, |m, x| {
        Ok(vec![m.forward(&x[0], &x[0], &x[0], Some(&x[1]))?])
    });
    let o = TransformerOptions {
        mlp_dims: Some(12),
        ..Default::default()
    };
    let mut l = TransformerEncoderLayer::new(8, 2, o).unwrap();
    let x = load("transformer_encoder_layer", &mut l);
    both("transformer_encoder_layer", &mut l, &x, TOL, |m, x| {
        Ok(vec![m.forward(&x[0], Some(&x[1]))?])
    });
    let o = TransformerOptions {
        mlp_dims: Some(16),
        norm_first: false,
        ..Default::default()
    };
    let mut t = Transformer::new(8, 2, 1, 1, o).unwrap();
    let x = load("transformer_post", &mut t);
    both("transformer_post", &mut t, &x, TOL, |m, x| {
        Ok(vec![m.forward(
            &x[0],
            &x[1],
            Some(&x[2]),
            Some(&x[3]),
            Some(&x[4]),
        )?])
    });
}

#[test]
fn recurrent_layers_on_gpu() {
    let tol = TOL_TRANSCENDENTAL;
    let mut r = RNN::new(3, 4, true).unwrap();
    let x = load("rnn", &mut r);
    both("rnn", &mut r, &x, tol, |m, x| {
        Ok(vec![m.forward_with(&x[0], None)?])
    });
    let mut r = RNN::new(3, 4, false).unwrap();
    let x = load("rnn_hidden", &mut r);
    both("rnn_hidden", &mut r, &x, tol, |m, x| {
        Ok(vec![m.forward_with(&x[0], Some(&x[1]))?])
    });
    let mut g = GRU::new(3, 4, true).unwrap();
    let x = load("gru_hidden", &mut g);
    both("gru_hidden", &mut g, &x, tol, |m, x| {
        Ok(vec![m.forward_with(&x[0], Some(&x[1]))?])
    });
    let mut l = LSTM::new(3, 4, true).unwrap();
    let x = load("lstm", &mut l);
    both("lstm", &mut l, &x, tol, |m, x| {
        let (h, c) = m.forward(&x[0], None, None)?;
        Ok(vec![h, c])
    });
    let mut l = LSTM::new(3, 4, false).unwrap();
    let x = load("lstm_state", &mut l);
    both("lstm_state", &mut l, &x, tol, |m, x| {
        let (h, c) = m.forward(&x[0], Some(&x[1]), Some(&x[2]))?;
        Ok(vec![h, c])
    });
}

#[test]
fn quantized_layers_on_gpu() {
    unary(
        "quantized_linear",
        &mut QuantizedLinear::new(64, 8, true, None, None).unwrap(),
        TOL,
    );
    unary(
        "quantized_linear_4bit",
        &mut QuantizedLinear::new(64, 8, false, Some(32), Some(4)).unwrap(),
        TOL,
    );
    unary(
        "quantized_embedding",
        &mut QuantizedEmbedding::new(5, 64, None, None).unwrap(),
        TOL,
    );
    let mut e = QuantizedEmbedding::new(5, 64, None, Some(8)).unwrap();
    let x = load("quantized_embedding_as_linear", &mut e);
    both("quantized_embedding_as_linear", &mut e, &x, TOL, |m, x| {
        Ok(vec![m.as_linear(&x[0])?])
    });
}

#[test]
fn activation_layers_on_gpu() {
    let t = TOL_TRANSCENDENTAL;
    let layers: Vec<(&str, Box<dyn UnaryModule>, Tol)> = vec![
        ("relu", Box::new(ReLU::new()), TOL),
        ("relu2", Box::new(ReLU2::new()), TOL),
        ("relu6", Box::new(ReLU6::new()), TOL),
        ("leaky_relu", Box::new(LeakyReLU::new(0.2)), TOL),
        ("elu", Box::new(ELU::new(0.5)), t),
        ("celu", Box::new(CELU::new(1.5)), t),
        ("selu", Box::new(SELU::new()), t),
        ("gelu", Box::new(GELU::new(GeluApprox::None)), t),
        ("gelu_precise", Box::new(GELU::new(GeluApprox::Precise)), t),
        ("gelu_tanh", Box::new(GELU::new(GeluApprox::Tanh)), t),
        ("gelu_fast", Box::new(GELU::new(GeluApprox::Fast)), t),
        ("silu", Box::new(SiLU::new()), t),
        ("sigmoid", Box::new(Sigmoid::new()), t),
        ("tanh", Box::new(Tanh::new()), t),
        ("log_sigmoid", Box::new(LogSigmoid::new()), t),
        ("mish", Box::new(Mish::new()), t),
        ("hardswish", Box::new(Hardswish::new()), TOL),
        ("hard_tanh", Box::new(HardTanh::new()), TOL),
        ("hard_shrink", Box::new(HardShrink::new(0.7)), TOL),
        ("softshrink", Box::new(Softshrink::new(0.3)), TOL),
        ("softsign", Box::new(Softsign::new()), TOL),
        ("softplus", Box::new(Softplus::new()), t),
        ("softmax", Box::new(Softmax::new()), t),
        ("log_softmax", Box::new(LogSoftmax::new()), t),
        ("softmin", Box::new(Softmin::new()), t),
        ("step", Box::new(Step::new(0.5)), TOL),
        ("glu", Box::new(GLU::default()), t),
        ("prelu", Box::new(PReLU::new(1, 0.25).unwrap()), TOL),
    ];
    for (name, mut layer, tol) in layers {
        unary(&format!("act_{name}"), layer.as_mut(), tol);
    }
}

/// The inputs of a case of `golden/functional.json`.
fn functional_inputs(name: &str) -> Vec<Array> {
    static G: OnceLock<Value> = OnceLock::new();
    let g = G.get_or_init(|| {
        serde_json::from_str(include_str!("golden/functional.json")).expect("functional.json")
    });
    let c = g["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no functional case {name}"));
    c["inputs"].as_array().unwrap().iter().map(arr).collect()
}

/// A loss (no module) on a functional case's inputs, for each reduction.
fn loss(case_prefix: &str, tol: Tol, f: impl Fn(&[Array], Reduction) -> Result<Array>) {
    let x = functional_inputs(&format!("{case_prefix}_none"));
    for r in [Reduction::None, Reduction::Mean, Reduction::Sum] {
        let mut id = Identity::new();
        both(&format!("{case_prefix} {r:?}"), &mut id, &x, tol, |_, x| {
            Ok(vec![f(x, r)?])
        });
    }
}

#[test]
fn losses_on_gpu() {
    let t = TOL_TRANSCENDENTAL;
    loss("cross_entropy_indices_float32", t, |x, reduction| {
        let o = losses::CrossEntropyOptions {
            reduction,
            ..Default::default()
        };
        losses::cross_entropy(&x[0], &x[1], &o)
    });
    loss("cross_entropy_probs_ls0.1", t, |x, reduction| {
        let o = losses::CrossEntropyOptions {
            label_smoothing: 0.1,
            reduction,
            ..Default::default()
        };
        losses::cross_entropy(&x[0], &x[1], &o)
    });
    loss("cross_entropy_weights", t, |x, reduction| {
        let o = losses::CrossEntropyOptions {
            weights: Some(x[2].clone()),
            reduction,
            ..Default::default()
        };
        losses::cross_entropy(&x[0], &x[1], &o)
    });
    for with_logits in [true, false] {
        let name = if with_logits { "logits" } else { "probs" };
        loss(
            &format!("binary_cross_entropy_{name}_float32"),
            t,
            |x, reduction| {
                let o = losses::BinaryCrossEntropyOptions {
                    with_logits,
                    reduction,
                    ..Default::default()
                };
                losses::binary_cross_entropy(&x[0], &x[1], &o)
            },
        );
    }
    loss("l1_loss_float32", TOL, |x, reduction| {
        losses::l1_loss(&x[0], &x[1], &losses::L1LossOptions { reduction })
    });
    loss("mse_loss_float32", TOL, |x, reduction| {
        losses::mse_loss(&x[0], &x[1], &losses::MseLossOptions { reduction })
    });
    loss("smooth_l1_loss_beta0.5", TOL, |x, reduction| {
        let o = losses::SmoothL1LossOptions {
            beta: 0.5,
            reduction,
        };
        losses::smooth_l1_loss(&x[0], &x[1], &o)
    });
    loss("huber_loss_delta0.5", TOL, |x, reduction| {
        let o = losses::HuberLossOptions {
            delta: 0.5,
            reduction,
        };
        losses::huber_loss(&x[0], &x[1], &o)
    });
    loss("log_cosh_loss_float32", t, |x, reduction| {
        losses::log_cosh_loss(&x[0], &x[1], &losses::LogCoshLossOptions { reduction })
    });
    loss("hinge_loss_float32", TOL, |x, reduction| {
        losses::hinge_loss(&x[0], &x[1], &losses::HingeLossOptions { reduction })
    });
    loss("gaussian_nll_loss_fullTrue", t, |x, reduction| {
        let o = losses::GaussianNllLossOptions {
            full: true,
            reduction,
            ..Default::default()
        };
        losses::gaussian_nll_loss(&x[0], &x[1], &x[2], &o)
    });
    loss("nll_loss_float32", TOL, |x, reduction| {
        let o = losses::NllLossOptions {
            reduction,
            ..Default::default()
        };
        losses::nll_loss(&x[0], &x[1], &o)
    });
    loss("kl_div_loss_float32", t, |x, reduction| {
        let o = losses::KlDivLossOptions {
            reduction,
            ..Default::default()
        };
        losses::kl_div_loss(&x[0], &x[1], &o)
    });
    loss("cosine_similarity_loss_float32", t, |x, reduction| {
        let o = losses::CosineSimilarityLossOptions {
            reduction,
            ..Default::default()
        };
        losses::cosine_similarity_loss(&x[0], &x[1], &o)
    });
    loss("triplet_loss_float32", t, |x, reduction| {
        let o = losses::TripletLossOptions {
            reduction,
            ..Default::default()
        };
        losses::triplet_loss(&x[0], &x[1], &x[2], &o)
    });
    loss("margin_ranking_loss_float32", TOL, |x, reduction| {
        let o = losses::MarginRankingLossOptions {
            reduction,
            ..Default::default()
        };
        losses::margin_ranking_loss(&x[0], &x[1], &x[2], &o)
    });
}

#[test]
fn missing_key_index_on_gpu_parameters() {
    // The GPU copies keep the tree's structure: indexing works the same.
    let Some(gpu) = gpu() else { return };
    let m = Sequential::new().push(Linear::new(2, 3).unwrap());
    let p = tree_map(&m.parameters(), |a| Ok(to_device(a, gpu))).unwrap();
    let w = p["layers"][0]["weight"].as_array().unwrap();
    assert_on(w, gpu, "weight");
    assert!(matches!(&p["layers"][1], Tree::Map(e) if e.is_empty()));
}
