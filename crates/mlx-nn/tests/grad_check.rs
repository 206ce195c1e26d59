//! `nn::value_and_grad` of layers with parameters against central finite
//! differences, in float64: for the loss `sum(forward(x) * r)` with fixed
//! random `x` and `r`, a few coordinates of every parameter are perturbed.

mod common;

use mlx_core::tree::tree_flatten;
use mlx_core::{random, Array, Dtype, Result};
use mlx_nn::*;

fn rnd(shape: &[usize], seed: u64) -> Array {
    let k = random::key(seed).unwrap();
    random::normal(shape, Dtype::Float64, None, None, Some(&k)).unwrap()
}

/// Check the gradient of `loss(model)` for every parameter of `model`.
fn check<M: Module>(model: &mut M, loss: &dyn Fn(&mut M) -> Result<Array>, what: &str) {
    model.set_dtype(Dtype::Float64, None).unwrap();
    let vg = value_and_grad(|m: &mut M, _: &[Array]| loss(m));
    let (_, grads) = vg(model, &[]).unwrap();
    let eps = 1e-6;
    for (key, p) in tree_flatten(&model.trainable_parameters()) {
        let g = grads.get(&key).unwrap().to_vec::<f64>().unwrap();
        let base = p.to_vec::<f64>().unwrap();
        let n = base.len();
        for &i in &[0, n / 3, n / 2, n - 1] {
            let mut at = |delta: f64| {
                let mut v = base.clone();
                v[i] += delta;
                let a = Array::from_slice(&v, p.shape()).unwrap();
                model.load_weights_from(&[(key.clone(), a)], false).unwrap();
                loss(model).unwrap().item::<f64>().unwrap()
            };
            let fd = (at(eps) - at(-eps)) / (2.0 * eps);
            at(0.0);
            assert!(
                (fd - g[i]).abs() <= 1e-5 + 1e-4 * fd.abs(),
                "{what}: d/d {key}[{i}]: finite difference {fd}, gradient {}",
                g[i]
            );
        }
    }
}

fn weighted_sum(y: &Array, seed: u64) -> Result<Array> {
    (y * rnd(y.shape(), seed))?.sum((), false)
}

#[test]
fn linear_gradient_matches_finite_differences() {
    let x = rnd(&[3, 4], 1);
    let mut l = Linear::new(4, 5).unwrap();
    check(
        &mut l,
        &|m: &mut Linear| weighted_sum(&m.forward(&x)?, 2),
        "Linear",
    );
}

#[test]
fn conv2d_gradient_matches_finite_differences() {
    let x = rnd(&[2, 5, 5, 3], 3);
    let o = ConvOptions {
        stride: [2, 1],
        padding: [1, 0],
        ..Default::default()
    };
    let mut c = Conv2d::with_options(3, 4, [3, 2], o).unwrap();
    check(
        &mut c,
        &|m: &mut Conv2d| weighted_sum(&m.forward(&x)?, 4),
        "Conv2d",
    );
}

#[test]
fn norm_gradients_match_finite_differences() {
    let x = rnd(&[3, 6], 5);
    let mut ln = LayerNorm::new(6).unwrap();
    ln.weight = Some(rnd(&[6], 6).as_type(Dtype::Float32).unwrap());
    check(
        &mut ln,
        &|m: &mut LayerNorm| weighted_sum(&m.forward(&x)?, 7),
        "LayerNorm",
    );
    let mut rms = RMSNorm::new(6).unwrap();
    check(
        &mut rms,
        &|m: &mut RMSNorm| weighted_sum(&m.forward(&x)?, 8),
        "RMSNorm",
    );
    let x4 = rnd(&[2, 3, 6], 9);
    let mut gn = GroupNorm::new(2, 6).unwrap();
    check(
        &mut gn,
        &|m: &mut GroupNorm| weighted_sum(&m.forward(&x4)?, 10),
        "GroupNorm",
    );
}

#[test]
fn attention_gradient_matches_finite_differences() {
    let q = rnd(&[2, 3, 8], 11);
    let kv = rnd(&[2, 4, 8], 12);
    let o = MultiHeadAttentionOptions {
        bias: true,
        ..Default::default()
    };
    let mut mha = MultiHeadAttention::with_options(8, 2, o).unwrap();
    check(
        &mut mha,
        &|m: &mut MultiHeadAttention| weighted_sum(&m.forward(&q, &kv, &kv, None)?, 13),
        "MultiHeadAttention",
    );
}

#[test]
fn recurrent_gradients_match_finite_differences() {
    let x = rnd(&[2, 4, 3], 14);
    let mut lstm = LSTM::new(3, 4, true).unwrap();
    check(
        &mut lstm,
        &|m: &mut LSTM| weighted_sum(&m.forward(&x, None, None)?.0, 15),
        "LSTM",
    );
    let mut gru = GRU::new(3, 4, true).unwrap();
    check(
        &mut gru,
        &|m: &mut GRU| weighted_sum(&m.forward_with(&x, None)?, 16),
        "GRU",
    );
    let h0 = rnd(&[2, 4], 17);
    let mut rnn = RNN::new(3, 4, true).unwrap();
    check(
        &mut rnn,
        &|m: &mut RNN| weighted_sum(&m.forward_with(&x, Some(&h0))?, 18),
        "RNN",
    );
}

#[test]
fn embedding_and_conv1d_gradients_match_finite_differences() {
    let ids = Array::from_slice(&[1u32, 3, 3, 0], &[2, 2]).unwrap();
    let mut e = Embedding::new(5, 3).unwrap();
    check(
        &mut e,
        &|m: &mut Embedding| weighted_sum(&m.forward(&ids)?, 19),
        "Embedding",
    );
    let x = rnd(&[1, 6, 2], 20);
    let mut c = ConvTranspose1d::with_options(
        2,
        3,
        [3],
        ConvOptions {
            stride: [2],
            ..Default::default()
        },
    )
    .unwrap();
    check(
        &mut c,
        &|m: &mut ConvTranspose1d| weighted_sum(&m.forward(&x)?, 21),
        "ConvTranspose1d",
    );
}
