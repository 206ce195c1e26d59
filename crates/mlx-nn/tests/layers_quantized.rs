//! QuantizedLinear, QuantizedEmbedding and `nn::quantize` against MLX
//! 0.32.4 goldens (golden/gen_layers.py): MLX's packed weights, scales and
//! biases are loaded and the outputs compared.

mod common;

use common::*;
use mlx_core::tree::tree_flatten;
use mlx_core::{ops, Dtype};
use mlx_nn::*;

fn check(name: &str, layer: &mut dyn UnaryModule) {
    let c = case(name);
    layer.load_weights_from(&params(c), true).unwrap();
    let y = layer.forward(&inputs(c)[0]).unwrap();
    assert_close(&y, &outputs(c)[0], 1e-4, 1e-5, name);
    assert_eq!(module_repr(layer.as_module()), repr(c), "{name}: repr");
}

#[test]
fn quantized_linear_matches_mlx() {
    check(
        "quantized_linear",
        &mut QuantizedLinear::new(64, 8, true, None, None).unwrap(),
    );
    check(
        "quantized_linear_4bit",
        &mut QuantizedLinear::new(64, 8, false, Some(32), Some(4)).unwrap(),
    );
}

#[test]
fn quantized_embedding_matches_mlx() {
    check(
        "quantized_embedding",
        &mut QuantizedEmbedding::new(5, 64, None, None).unwrap(),
    );
    let c = case("quantized_embedding_as_linear");
    let mut e = QuantizedEmbedding::new(5, 64, None, Some(8)).unwrap();
    e.load_weights_from(&params(c), true).unwrap();
    let y = e.as_linear(&inputs(c)[0]).unwrap();
    assert_close(&y, &outputs(c)[0], 1e-4, 1e-5, "as_linear");
}

#[test]
fn quantized_layers_are_frozen_as_in_mlx() {
    let q = QuantizedLinear::new(64, 8, true, None, None).unwrap();
    assert!(tree_flatten(&q.trainable_parameters()).is_empty());
    assert_eq!(tree_flatten(&q.parameters()).len(), 4);
    // from_linear keeps the copied bias trainable (MLX sets it after freeze()).
    let q = QuantizedLinear::from_linear(&Linear::new(64, 8).unwrap(), None, None).unwrap();
    let keys: Vec<String> = tree_flatten(&q.trainable_parameters())
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["bias"]);
}

#[test]
fn quantize_swaps_boxed_linear_and_embedding_layers() {
    let mut s = Sequential::new()
        .push(Embedding::new(10, 64).unwrap())
        .push(Linear::new(64, 64).unwrap())
        .push(LayerNorm::new(64).unwrap());
    let x = mlx_core::Array::from_slice(&[1u32, 2, 3], &[3]).unwrap();
    let before = s.forward(&x).unwrap();
    let done = quantize(&mut s, None, Some(8), None).unwrap();
    assert_eq!(done, ["layers.0", "layers.1"]);
    assert_eq!(
        s.to_string(),
        "Sequential(\n  (layers.0): QuantizedEmbedding(10, 64, group_size=64, bits=8, mode=affine)\n  \
         (layers.1): QuantizedLinear(input_dims=64, output_dims=64, bias=True, group_size=64, bits=8, mode=affine)\n  \
         (layers.2): LayerNorm(64, eps=1e-05, affine=True)\n)"
    );
    // 8-bit quantization stays close to the float model.
    let after = s.forward(&x).unwrap();
    let err = ops::max(&ops::abs(&(&after - &before).unwrap()).unwrap(), (), false)
        .unwrap()
        .item::<f32>()
        .unwrap();
    assert!(err < 0.1, "{err}");
}

#[test]
fn quantize_of_a_fixed_type_field_is_an_error_and_changes_nothing() {
    #[derive(Module)]
    struct Fixed {
        proj: Linear,
        rest: Sequential,
    }
    let mut m = Fixed {
        proj: Linear::new(64, 64).unwrap(),
        rest: Sequential::new().push(Linear::new(64, 64).unwrap()),
    };
    let e = quantize(&mut m, None, None, None).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("[quantize] proj is a field of fixed type Linear"),
        "{e}"
    );
    assert_eq!(m.rest.layers[0].module_name(), "Linear");
    // Leaving it out with the predicate works.
    let done = quantize(
        &mut m,
        None,
        None,
        Some(&|p: &str, _: &dyn Module| p != "proj"),
    )
    .unwrap();
    assert_eq!(done, ["rest.layers.0"]);
    let _ = ops::zeros(&[1], Dtype::Float32);
}

#[test]
fn update_modules_strict_rejects_unknown_paths() {
    let mut s = Sequential::new().push(Linear::new(2, 2).unwrap());
    let e = s
        .update_modules(
            vec![(
                "layers.3".into(),
                Box::new(Identity::new()) as Box<dyn UnaryModule>,
            )],
            true,
        )
        .unwrap_err();
    assert!(e.to_string().contains("no replaceable layer"), "{e}");
    assert_eq!(s.layers[0].module_name(), "Linear");
}

#[test]
fn quantize_swaps_maybe_quantized_fields_of_a_users_model() {
    #[derive(Module)]
    struct Tiny {
        embed: MaybeQuantized<Embedding>,
        layers: Vec<MaybeQuantized<Linear>>,
        norm: LayerNorm,
    }
    let mut m = Tiny {
        embed: MaybeQuantized::new(Embedding::new(10, 64).unwrap()),
        layers: vec![
            MaybeQuantized::new(Linear::new(64, 64).unwrap()),
            MaybeQuantized::new(Linear::with_bias(64, 64, false).unwrap()),
        ],
        norm: LayerNorm::new(64).unwrap(),
    };
    let keys = |m: &Tiny| -> Vec<String> {
        tree_flatten(&m.parameters())
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    // Key order: sorted within each module (MLX's is attribute order).
    assert_eq!(
        keys(&m),
        [
            "embed.weight",
            "layers.0.bias",
            "layers.0.weight",
            "layers.1.weight",
            "norm.bias",
            "norm.weight"
        ]
    );
    let x = mlx_core::Array::from_slice(&[1u32, 2, 3], &[3]).unwrap();
    let run = |m: &mut Tiny| {
        let mut h = m.embed.forward(&x).unwrap();
        for l in &mut m.layers {
            h = l.forward(&h).unwrap();
        }
        m.norm.forward(&h).unwrap()
    };
    let before = run(&mut m);
    let done = quantize(&mut m, None, Some(8), None).unwrap();
    assert_eq!(done, ["embed", "layers.0", "layers.1"]);
    assert!(m.embed.is_quantized() && m.layers.iter().all(|l| l.is_quantized()));
    assert_eq!(
        m.layers[1].to_string(),
        "QuantizedLinear(input_dims=64, output_dims=64, bias=False, group_size=64, bits=8, mode=affine)"
    );
    // MLX's parameter names of the quantized layers.
    assert_eq!(
        keys(&m),
        [
            "embed.biases",
            "embed.scales",
            "embed.weight",
            "layers.0.bias",
            "layers.0.biases",
            "layers.0.scales",
            "layers.0.weight",
            "layers.1.biases",
            "layers.1.scales",
            "layers.1.weight",
            "norm.bias",
            "norm.weight"
        ]
    );
    // 8 bits: 32-bit words hold 4 values.
    let w = m.parameters().get("layers.0.weight").unwrap().clone();
    assert_eq!((w.dtype(), w.shape()), (Dtype::Uint32, &[64usize, 16][..]));
    let after = run(&mut m);
    let err = ops::max(&ops::abs(&(&after - &before).unwrap()).unwrap(), (), false)
        .unwrap()
        .item::<f32>()
        .unwrap();
    assert!(err < 0.1, "{err}");
}
