//! Positional encodings, attention, transformers and recurrent layers
//! against MLX 0.32.4 goldens (golden/gen_layers.py).

mod common;

use common::*;
use mlx_core::Dtype;
use mlx_nn::*;

fn load(name: &str, m: &mut dyn Module) -> Vec<mlx_core::Array> {
    let c = case(name);
    m.load_weights_from(&params(c), true).unwrap();
    assert_eq!(m.to_string_repr(), repr(c), "{name}: repr");
    inputs(c)
}

trait ReprExt {
    fn to_string_repr(&self) -> String;
}

impl ReprExt for dyn Module + '_ {
    fn to_string_repr(&self) -> String {
        module_repr(self)
    }
}

fn want(name: &str, i: usize) -> mlx_core::Array {
    outputs(case(name))[i].clone()
}

#[test]
fn rope_matches_mlx() {
    let mut r = RoPE::new(4, false, 10000.0, 1.0);
    let x = load("rope", &mut r);
    assert_close(
        &r.forward(&x[0]).unwrap(),
        &want("rope", 0),
        1e-4,
        1e-5,
        "rope",
    );
    let mut r = RoPE::new(6, true, 500.0, 0.5);
    let x = load("rope_traditional", &mut r);
    assert_close(
        &r.forward(&x[0]).unwrap(),
        &want("rope_traditional", 0),
        1e-4,
        1e-5,
        "trad",
    );
    let mut r = RoPE::new(4, false, 10000.0, 1.0);
    let x = load("rope_offset", &mut r);
    let y = r.forward_with_offset(&x[0], 7).unwrap();
    assert_close(&y, &want("rope_offset", 0), 1e-4, 1e-5, "offset");
}

#[test]
fn alibi_matches_mlx() {
    let mut a = ALiBi::new();
    let x = load("alibi", &mut a);
    let y = a.forward_with(&x[0], 2, None).unwrap();
    assert_close(&y, &want("alibi", 0), 1e-5, 1e-6, "alibi");
}

#[test]
fn sinusoidal_matches_mlx() {
    let mut p = SinusoidalPositionalEncoding::new(8).unwrap();
    let x = load("sinusoidal", &mut p);
    assert_close(
        &p.forward(&x[0]).unwrap(),
        &want("sinusoidal", 0),
        1e-4,
        1e-5,
        "sin",
    );
    let mut p =
        SinusoidalPositionalEncoding::with_options(6, 1e-4, 2.0, Some(0.3), true, true).unwrap();
    let x = load("sinusoidal_opts", &mut p);
    // sin(2*pi*k*x) near a multiple of pi: one f32 ulp of the phase (~4e-6)
    // shows up as an absolute error there.
    assert_close(
        &p.forward(&x[0]).unwrap(),
        &want("sinusoidal_opts", 0),
        1e-4,
        3e-5,
        "opts",
    );
}

#[test]
fn multi_head_attention_matches_mlx() {
    let mut m = MultiHeadAttention::new(8, 2).unwrap();
    let x = load("mha", &mut m);
    let y = m.forward(&x[0], &x[1], &x[2], None).unwrap();
    assert_close(&y, &want("mha", 0), 1e-4, 1e-5, "mha");

    let o = MultiHeadAttentionOptions {
        query_input_dims: Some(6),
        key_input_dims: Some(5),
        value_input_dims: Some(4),
        value_dims: Some(6),
        value_output_dims: Some(3),
        bias: true,
    };
    let mut m = MultiHeadAttention::with_options(8, 2, o).unwrap();
    let x = load("mha_opts", &mut m);
    let y = m.forward(&x[0], &x[1], &x[2], None).unwrap();
    assert_close(&y, &want("mha_opts", 0), 1e-4, 1e-5, "mha_opts");

    let mut m = MultiHeadAttention::new(4, 1).unwrap();
    let x = load("mha_mask", &mut m);
    let y = m.forward(&x[0], &x[0], &x[0], Some(&x[1])).unwrap();
    assert_close(&y, &want("mha_mask", 0), 1e-4, 1e-5, "mha_mask");
}

#[test]
fn causal_mask_matches_mlx() {
    let m = MultiHeadAttention::create_additive_causal_mask(4, Dtype::Float32).unwrap();
    assert_close(&m, &want("causal_mask", 0), 0.0, 0.0, "mask");
    assert!(MultiHeadAttention::create_additive_causal_mask(2, Dtype::Int32).is_err());
}

#[test]
fn transformer_encoder_layer_matches_mlx() {
    let o = TransformerOptions {
        mlp_dims: Some(12),
        ..Default::default()
    };
    let mut l = TransformerEncoderLayer::new(8, 2, o).unwrap();
    let x = load("transformer_encoder_layer", &mut l);
    let y = l.forward(&x[0], Some(&x[1])).unwrap();
    assert_close(&y, &want("transformer_encoder_layer", 0), 1e-4, 1e-5, "pre");
    let o = TransformerOptions {
        norm_first: false,
        ..Default::default()
    };
    let mut l = TransformerEncoderLayer::new(8, 2, o).unwrap();
    let x = load("transformer_encoder_layer_post", &mut l);
    let y = l.forward(&x[0], Some(&x[1])).unwrap();
    assert_close(
        &y,
        &want("transformer_encoder_layer_post", 0),
        1e-4,
        1e-5,
        "post",
    );
}

#[test]
fn transformer_matches_mlx() {
    for (name, enc, dec, norm_first) in [
        ("transformer", 2, 2, true),
        ("transformer_post", 1, 1, false),
    ] {
        let o = TransformerOptions {
            mlp_dims: Some(16),
            norm_first,
            ..Default::default()
        };
        let mut t = Transformer::new(8, 2, enc, dec, o).unwrap();
        let x = load(name, &mut t);
        let y = t
            .forward(&x[0], &x[1], Some(&x[2]), Some(&x[3]), Some(&x[4]))
            .unwrap();
        assert_close(&y, &want(name, 0), 1e-4, 1e-5, name);
    }
}

#[test]
fn rnn_matches_mlx() {
    // MLX prints the nonlinearity as a Python function address, so the
    // repr is not compared for RNN.
    let c = case("rnn");
    let mut r = RNN::new(3, 4, true).unwrap();
    r.load_weights_from(&params(c), true).unwrap();
    assert_close(
        &r.forward_with(&inputs(c)[0], None).unwrap(),
        &outputs(c)[0],
        1e-4,
        1e-5,
        "rnn",
    );
    let c = case("rnn_hidden");
    let mut r = RNN::new(3, 4, false).unwrap();
    r.load_weights_from(&params(c), true).unwrap();
    let x = inputs(c);
    assert_close(
        &r.forward_with(&x[0], Some(&x[1])).unwrap(),
        &outputs(c)[0],
        1e-4,
        1e-5,
        "rnn_h",
    );
}

#[test]
fn gru_matches_mlx() {
    let mut g = GRU::new(3, 4, true).unwrap();
    let x = load("gru", &mut g);
    assert_close(
        &g.forward_with(&x[0], None).unwrap(),
        &want("gru", 0),
        1e-4,
        1e-5,
        "gru",
    );
    let mut g = GRU::new(3, 4, true).unwrap();
    let x = load("gru_hidden", &mut g);
    let y = g.forward_with(&x[0], Some(&x[1])).unwrap();
    assert_close(&y, &want("gru_hidden", 0), 1e-4, 1e-5, "gru_h");
}

#[test]
fn lstm_matches_mlx() {
    let l = &mut LSTM::new(3, 4, true).unwrap();
    let x = load("lstm", l);
    let (h, c) = l.forward(&x[0], None, None).unwrap();
    assert_close(&h, &want("lstm", 0), 1e-4, 1e-5, "lstm h");
    assert_close(&c, &want("lstm", 1), 1e-4, 1e-5, "lstm c");
    let l = &mut LSTM::new(3, 4, false).unwrap();
    let x = load("lstm_state", l);
    let (h, c) = l.forward(&x[0], Some(&x[1]), Some(&x[2])).unwrap();
    assert_close(&h, &want("lstm_state", 0), 1e-4, 1e-5, "lstm_s h");
    assert_close(&c, &want("lstm_state", 1), 1e-4, 1e-5, "lstm_s c");
}
