//! Each optimizer reduces a small convex problem's loss by a stated factor:
//! least squares `mean((X w - y)^2)` with `X` 64 x 8 and `y = X w*`, from
//! `w = 0.1` (Adafactor's relative step scales with the weights' RMS, so
//! it needs them nonzero), 300 steps.

use mlx_core::tree::Tree;
use mlx_core::{ops, random, Array, Dtype, Result};
use mlx_cpu as _;
use mlx_optim::*;

fn loss(w: &Array, x: &Array, y: &Array) -> Result<Array> {
    (ops::matmul(x, w)? - y)?.square()?.mean((), false)
}

fn run(opt: &mut dyn Optimizer, steps: usize) -> Result<(f32, f32)> {
    let kx = random::key(1)?;
    let kw = random::key(2)?;
    let x = random::normal(&[64, 8], Dtype::Float32, None, None, Some(&kx))?;
    let w_star = random::normal(&[8, 2], Dtype::Float32, None, None, Some(&kw))?;
    let y = ops::matmul(&x, &w_star)?;
    let mut params = Tree::map([("w", Tree::Leaf(ops::full(&[8, 2], 0.1f32, Dtype::Float32)?))]);
    let first = loss(params.get("w").unwrap(), &x, &y)?.item::<f32>()?;
    let vg = mlx_core::value_and_grad(|a: &[Array]| loss(&a[0], &x, &y), &[0]);
    for _ in 0..steps {
        let w = params.get("w").unwrap().clone();
        let (_, g) = vg(&[w])?;
        let grads = Tree::map([("w", Tree::Leaf(g[0].clone()))]);
        params = opt.apply_gradients(&grads, &params)?;
        let mut arrays = params.leaves();
        arrays.extend(opt.state().leaves());
        mlx_core::eval(&arrays.iter().collect::<Vec<_>>())?;
    }
    let last = loss(params.get("w").unwrap(), &x, &y)?.item::<f32>()?;
    Ok((first, last))
}

#[test]
fn every_optimizer_reduces_a_least_squares_loss() -> Result<()> {
    // (name, optimizer, factor the loss must fall by in 300 steps)
    let cases: Vec<(&str, Box<dyn Optimizer>, f32)> = vec![
        ("SGD", Box::new(Sgd::new(0.05)?), 1e3),
        (
            "SGD momentum nesterov",
            Box::new(Sgd::new(0.02)?.momentum(0.9)?.nesterov(true)?),
            1e3,
        ),
        ("RMSprop", Box::new(RmsProp::new(0.01)?), 100.0),
        ("Adagrad", Box::new(Adagrad::new(0.5)?), 100.0),
        ("AdaDelta", Box::new(AdaDelta::new(10.0)?), 10.0),
        ("Adam", Box::new(Adam::new(0.05)?), 100.0),
        (
            "Adam bias correction",
            Box::new(Adam::new(0.05)?.bias_correction(true)),
            100.0,
        ),
        (
            "AdamW",
            Box::new(AdamW::new(0.05)?.weight_decay(0.001)),
            100.0,
        ),
        ("Adamax", Box::new(Adamax::new(0.05)?), 100.0),
        // Sign updates keep a fixed step size: Lion needs a decaying rate.
        (
            "Lion cosine",
            Box::new(Lion::new(cosine_decay(0.02, 300, 1e-5)?)?),
            20.0,
        ),
        // Relative steps of 1% of the weights' RMS: slow on purpose.
        ("Adafactor", Box::new(Adafactor::new()), 4.0),
        (
            "Adafactor lr",
            Box::new(Adafactor::new().learning_rate(0.05)?.relative_step(false)),
            100.0,
        ),
        ("Muon", Box::new(Muon::new(0.05)?.weight_decay(0.0)), 10.0),
        (
            "MultiOptimizer",
            Box::new(MultiOptimizer::new(
                vec![Box::new(Adam::new(0.05)?), Box::new(Sgd::new(0.05)?)],
                vec![Box::new(|p: &str, _: &Array| p == "w")],
            )?),
            100.0,
        ),
    ];
    let mut report = Vec::new();
    for (name, mut opt, factor) in cases {
        let (first, last) = run(opt.as_mut(), 300)?;
        let ok = last.is_finite() && first / last >= factor;
        report.push(format!(
            "{name}: {first:.4} -> {last:.6} (x{:.1}, need x{factor}) {}",
            first / last,
            if ok { "ok" } else { "FAIL" }
        ));
    }
    println!("{}", report.join("\n"));
    assert!(
        report.iter().all(|r| r.ends_with("ok")),
        "{}",
        report.join("\n")
    );
    Ok(())
}
