//! Gradients of the activation functions and losses against central
//! finite differences, in `float64`: `mlx_core::grad` of a scalar objective
//! (`sum(f(x) * w)` with fixed weights `w` for the functions, the `mean`
//! or `sum` reduction for the losses) must match `(F(x + h) - F(x - h)) /
//! 2h` with `h = 1e-6` within `1e-6 + 1e-5 * |fd|` at every element.
//! Points sit away from the kinks of the piecewise functions.

use mlx_core::{grad, Array, Result};
use mlx_cpu as _;
use mlx_nn::activations as act;
use mlx_nn::losses::{self, Reduction};

const H: f64 = 1e-6;

/// Points away from every kink (0, +-0.5, +-1, +-3, 6) used below.
const X: [f64; 12] = [
    -2.3, -1.7, -0.8, -0.3, 0.4, 0.9, 1.6, 2.2, 3.4, -2.9, 0.15, -0.65,
];

fn arr(v: &[f64], shape: &[usize]) -> Array {
    Array::from_slice(v, shape).expect("array")
}

/// Deterministic weights for a weighted-sum objective.
fn weights(shape: &[usize]) -> Array {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() + 1.2).collect();
    arr(&v, shape)
}

/// Check `grad(f)` at `args` with respect to every argument in `wrt`.
fn check_grad<F>(name: &str, f: F, args: &[(Vec<f64>, Vec<usize>)], wrt: &[usize])
where
    F: Fn(&[Array]) -> Result<Array> + Copy,
{
    let primals: Vec<Array> = args.iter().map(|(v, s)| arr(v, s)).collect();
    let grads = grad(f, wrt)(&primals).unwrap_or_else(|e| panic!("{name}: grad failed: {e}"));
    for (k, &argnum) in wrt.iter().enumerate() {
        let analytic = grads[k].to_vec::<f64>().expect("grad values");
        let (base, shape) = &args[argnum];
        assert_eq!(analytic.len(), base.len(), "{name}: grad size");
        for i in 0..base.len() {
            let eval_at = |delta: f64| -> f64 {
                let mut moved = primals.clone();
                let mut v = base.clone();
                v[i] += delta;
                moved[argnum] = arr(&v, shape);
                f(&moved).and_then(|y| y.item::<f64>()).expect("objective")
            };
            let fd = (eval_at(H) - eval_at(-H)) / (2.0 * H);
            let a = analytic[i];
            assert!(
                (a - fd).abs() <= 1e-6 + 1e-5 * fd.abs(),
                "{name}: d/d(arg {argnum})[{i}]: grad {a}, finite difference {fd}"
            );
        }
    }
}

/// `sum(f(x) * w)` as an objective of `x` (and of the other arguments).
fn weighted(f: impl Fn(&[Array]) -> Result<Array>) -> impl Fn(&[Array]) -> Result<Array> {
    move |a: &[Array]| {
        let y = f(a)?;
        (&y * &weights(y.shape()))?.sum((), false)
    }
}

fn x_arg(shape: &[usize]) -> (Vec<f64>, Vec<usize>) {
    let n: usize = shape.iter().product();
    (X[..n].to_vec(), shape.to_vec())
}

macro_rules! activation_grad {
    ($($test:ident => $f:expr;)*) => {$(
        #[test]
        fn $test() {
            let f = weighted($f);
            check_grad(stringify!($test), &f, &[x_arg(&[3, 4])], &[0]);
        }
    )*};
}

activation_grad! {
    elu_grad => |a: &[Array]| act::elu(&a[0], 1.3);
    celu_grad => |a: &[Array]| act::celu(&a[0], 0.7);
    selu_grad => |a: &[Array]| act::selu(&a[0]);
    gelu_grad => |a: &[Array]| act::gelu(&a[0]);
    gelu_approx_grad => |a: &[Array]| act::gelu_approx(&a[0]);
    gelu_fast_approx_grad => |a: &[Array]| act::gelu_fast_approx(&a[0]);
    glu_grad => |a: &[Array]| act::glu(&a[0], -1);
    glu_axis0_grad => |a: &[Array]| act::glu(&a[0].reshape(&[4, 3])?, 0);
    hard_shrink_grad => |a: &[Array]| act::hard_shrink(&a[0], 0.5);
    hard_tanh_grad => |a: &[Array]| act::hard_tanh(&a[0], -1.0, 1.0);
    hardswish_grad => |a: &[Array]| act::hardswish(&a[0]);
    leaky_relu_grad => |a: &[Array]| act::leaky_relu(&a[0], 0.1);
    log_sigmoid_grad => |a: &[Array]| act::log_sigmoid(&a[0]);
    log_softmax_grad => |a: &[Array]| act::log_softmax(&a[0], -1);
    log_softmax_axis0_grad => |a: &[Array]| act::log_softmax(&a[0], 0);
    mish_grad => |a: &[Array]| act::mish(&a[0]);
    relu_grad => |a: &[Array]| act::relu(&a[0]);
    relu2_grad => |a: &[Array]| act::relu2(&a[0]);
    relu6_grad => |a: &[Array]| act::relu6(&a[0]);
    sigmoid_grad => |a: &[Array]| act::sigmoid(&a[0]);
    silu_grad => |a: &[Array]| act::silu(&a[0]);
    softmax_grad => |a: &[Array]| act::softmax(&a[0], -1);
    softmin_grad => |a: &[Array]| act::softmin(&a[0], 0);
    softplus_grad => |a: &[Array]| act::softplus(&a[0]);
    softshrink_grad => |a: &[Array]| act::softshrink(&a[0], 0.5);
    softsign_grad => |a: &[Array]| act::softsign(&a[0]);
    tanh_grad => |a: &[Array]| act::tanh(&a[0]);
}

#[test]
fn prelu_grad_wrt_input_and_alpha() {
    let f = weighted(|a: &[Array]| act::prelu(&a[0], &a[1]));
    let alpha = (vec![0.25, -0.1, 0.4, 0.05], vec![4]);
    check_grad("prelu", &f, &[x_arg(&[3, 4]), alpha], &[0, 1]);
}

// ------------------------------------------------------------------ losses

fn pair(shape: &[usize]) -> [(Vec<f64>, Vec<usize>); 2] {
    let n: usize = shape.iter().product();
    let t: Vec<f64> = (0..n).map(|i| (i as f64 * 1.3).cos() * 2.0).collect();
    [x_arg(shape), (t, shape.to_vec())]
}

#[test]
fn cross_entropy_grad_indices_probs_smoothing_weights() {
    let idx = Array::from_slice(&[0i32, 3, 1], &[3]).unwrap();
    let probs_v: Vec<f64> = vec![
        0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.25, 0.25, 0.7, 0.1, 0.1, 0.1,
    ];
    let probs = arr(&probs_v, &[3, 4]);
    let w = arr(&[0.5, 1.5, 2.0], &[3]);
    for ls in [0.0, 0.2] {
        for reduction in [Reduction::Mean, Reduction::Sum] {
            let o = losses::CrossEntropyOptions {
                weights: Some(w.clone()),
                label_smoothing: ls,
                reduction,
                ..Default::default()
            };
            let f = |a: &[Array]| losses::cross_entropy(&a[0], &idx, &o);
            check_grad("cross_entropy indices", f, &[x_arg(&[3, 4])], &[0]);
            let f = |a: &[Array]| losses::cross_entropy(&a[0], &a[1], &o);
            check_grad(
                "cross_entropy probs",
                f,
                &[x_arg(&[3, 4]), (probs_v.clone(), vec![3, 4])],
                &[0, 1],
            );
        }
    }
    let o = losses::CrossEntropyOptions {
        axis: 0,
        reduction: Reduction::Mean,
        ..Default::default()
    };
    let _ = probs;
    let idx0 = Array::from_slice(&[0i32, 2, 1, 1], &[4]).unwrap();
    let f = |a: &[Array]| losses::cross_entropy(&a[0], &idx0, &o);
    check_grad("cross_entropy axis 0", f, &[x_arg(&[3, 4])], &[0]);
}

#[test]
fn binary_cross_entropy_grad_logits_and_probs() {
    let t = arr(&[0.0, 1.0, 1.0, 0.0, 1.0, 0.0], &[6]);
    let o = losses::BinaryCrossEntropyOptions::default();
    let f = |a: &[Array]| losses::binary_cross_entropy(&a[0], &t, &o);
    check_grad("bce logits", f, &[x_arg(&[6])], &[0]);
    let o = losses::BinaryCrossEntropyOptions {
        with_logits: false,
        weights: Some(arr(&[1.0, 2.0, 0.5, 1.0, 1.0, 3.0], &[6])),
        reduction: Reduction::Sum,
    };
    let f = |a: &[Array]| losses::binary_cross_entropy(&a[0], &t, &o);
    let p = vec![0.2, 0.7, 0.45, 0.9, 0.05, 0.6];
    check_grad("bce probs", f, &[(p, vec![6])], &[0]);
}

#[test]
fn regression_losses_grad() {
    let args = pair(&[3, 4]);
    let mean = Reduction::Mean;
    let f = |a: &[Array]| losses::l1_loss(&a[0], &a[1], &losses::L1LossOptions { reduction: mean });
    check_grad("l1_loss", f, &args, &[0, 1]);
    let f =
        |a: &[Array]| losses::mse_loss(&a[0], &a[1], &losses::MseLossOptions { reduction: mean });
    check_grad("mse_loss", f, &args, &[0, 1]);
    for beta in [0.5, 1.0, 2.5] {
        let o = losses::SmoothL1LossOptions {
            beta,
            reduction: Reduction::Sum,
        };
        let f = |a: &[Array]| losses::smooth_l1_loss(&a[0], &a[1], &o);
        check_grad("smooth_l1_loss", f, &args, &[0, 1]);
        let o = losses::HuberLossOptions {
            delta: beta,
            reduction: mean,
        };
        let f = |a: &[Array]| losses::huber_loss(&a[0], &a[1], &o);
        check_grad("huber_loss", f, &args, &[0, 1]);
    }
    let o = losses::LogCoshLossOptions { reduction: mean };
    let f = |a: &[Array]| losses::log_cosh_loss(&a[0], &a[1], &o);
    check_grad("log_cosh_loss", f, &args, &[0, 1]);
    let t = arr(&[1.0, -1.0, 1.0, 1.0, -1.0, -1.0], &[6]);
    let o = losses::HingeLossOptions {
        reduction: Reduction::Sum,
    };
    let f = |a: &[Array]| losses::hinge_loss(&a[0], &t, &o);
    check_grad("hinge_loss", f, &[x_arg(&[6])], &[0]);
}

#[test]
fn gaussian_nll_loss_grad_wrt_means_targets_and_vars() {
    let [x, t] = pair(&[6]);
    let vars = (vec![0.5, 1.2, 2.0, 0.3, 0.9, 1.7], vec![6]);
    for full in [false, true] {
        let o = losses::GaussianNllLossOptions {
            full,
            ..Default::default()
        };
        let f = |a: &[Array]| losses::gaussian_nll_loss(&a[0], &a[1], &a[2], &o);
        check_grad(
            "gaussian_nll_loss",
            f,
            &[x.clone(), t.clone(), vars.clone()],
            &[0, 1, 2],
        );
    }
}

#[test]
fn distribution_losses_grad() {
    let idx = Array::from_slice(&[2i32, 0, 3], &[3]).unwrap();
    let o = losses::NllLossOptions {
        reduction: Reduction::Mean,
        ..Default::default()
    };
    let f = |a: &[Array]| losses::nll_loss(&a[0], &idx, &o);
    check_grad("nll_loss", f, &[x_arg(&[3, 4])], &[0]);
    let o = losses::KlDivLossOptions {
        reduction: Reduction::Sum,
        ..Default::default()
    };
    let f = |a: &[Array]| losses::kl_div_loss(&a[0], &a[1], &o);
    check_grad("kl_div_loss", f, &pair(&[3, 4]), &[0, 1]);
}

#[test]
fn embedding_losses_grad() {
    let args = pair(&[3, 4]);
    for axis in [1i64, 0] {
        let o = losses::CosineSimilarityLossOptions {
            axis,
            reduction: Reduction::Mean,
            ..Default::default()
        };
        let f = |a: &[Array]| losses::cosine_similarity_loss(&a[0], &a[1], &o);
        check_grad("cosine_similarity_loss", f, &args, &[0, 1]);
    }
    let n: Vec<f64> = X.iter().map(|v| v * 0.5 + 0.3).collect();
    for p in [1, 2, 3] {
        let o = losses::TripletLossOptions {
            p,
            margin: 3.0,
            reduction: Reduction::Sum,
            ..Default::default()
        };
        let f = |a: &[Array]| losses::triplet_loss(&a[0], &a[1], &a[2], &o);
        let all = [args[0].clone(), args[1].clone(), (n.clone(), vec![3, 4])];
        check_grad("triplet_loss", f, &all, &[0, 1, 2]);
    }
    let y = arr(&[1.0, -1.0, 1.0, -1.0, 1.0, 1.0], &[6]);
    let o = losses::MarginRankingLossOptions {
        margin: 0.1,
        reduction: Reduction::Mean,
    };
    let f = |a: &[Array]| losses::margin_ranking_loss(&a[0], &a[1], &y, &o);
    check_grad("margin_ranking_loss", f, &pair(&[6]), &[0, 1]);
}

// ------------------------------------------------------------------- vmap

/// Per-example gradients, the usual reason to vmap a loss: vmap of grad of
/// `cross_entropy` (class indices, label smoothing) and of `mish` equal the
/// loop over the examples.
#[test]
fn vmap_of_grad_of_cross_entropy_and_mish_equals_the_loop() {
    use mlx_core::transforms::vmap;
    let o = losses::CrossEntropyOptions {
        label_smoothing: 0.1,
        reduction: Reduction::Sum,
        ..Default::default()
    };
    let per_example = |a: &[Array]| -> Result<Vec<Array>> {
        let loss = |b: &[Array]| -> Result<Array> {
            let ce = losses::cross_entropy(&b[0], &b[1], &o)?;
            ce + act::mish(&b[0])?.sum((), false)?
        };
        grad(loss, &[0])(a)
    };
    let logits = arr(&X, &[3, 4]);
    let idx = Array::from_slice(&[1i32, 3, 0], &[3]).unwrap();
    let batched = vmap(per_example, &[Some(0), Some(0)], &[0])(&[logits.clone(), idx.clone()])
        .unwrap()[0]
        .to_vec::<f64>()
        .unwrap();
    let mut looped = Vec::new();
    for i in 0..3 {
        let row = arr(&X[4 * i..4 * i + 4], &[4]);
        let t = Array::from_slice(&[[1i32, 3, 0][i]], &[]).unwrap();
        looped.extend(per_example(&[row, t]).unwrap()[0].to_vec::<f64>().unwrap());
    }
    for (b, l) in batched.iter().zip(&looped) {
        assert!((b - l).abs() < 1e-12, "vmap {b} loop {l}");
    }
}
