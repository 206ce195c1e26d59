//! Fit `y = 3x + 2 + noise` with `value_and_grad` and plain SGD. Run it
//! with `cargo run --release --example linear_regression`.

use mlx::transforms::value_and_grad;
use mlx::{eval, Array};

/// Deterministic noise in [-0.5, 0.5) (a small LCG; no RNG op needed).
fn noise(n: usize) -> Vec<f32> {
    let mut s: u64 = 42;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        })
        .collect()
}

fn main() -> mlx::Result<()> {
    let n = 256;
    let xs: Vec<f32> = (0..n).map(|i| i as f32 / n as f32 * 4.0 - 2.0).collect();
    let ys: Vec<f32> = xs
        .iter()
        .zip(noise(n))
        .map(|(x, e)| 3.0 * x + 2.0 + 0.3 * e)
        .collect();
    let x = Array::from_slice(&xs, &[n])?;
    let y = Array::from_slice(&ys, &[n])?;

    // loss(w, b) = mean((w x + b - y)^2); x and y are captured constants.
    let loss_and_grad = value_and_grad(
        move |p: &[Array]| {
            let pred = ((&x * &p[0])? + &p[1])?;
            (pred - &y)?.square()?.mean((), false)
        },
        &[0, 1],
    );

    let mut w = Array::from_slice(&[0.0f32], &[])?;
    let mut b = Array::from_slice(&[0.0f32], &[])?;
    let lr = 0.1f32;
    for step in 0..=200 {
        let (loss, g) = loss_and_grad(&[w.clone(), b.clone()])?;
        w = (&w - (&g[0] * lr)?)?;
        b = (&b - (&g[1] * lr)?)?;
        eval(&[&loss, &w, &b])?;
        if step % 20 == 0 {
            println!(
                "step {step:3}: loss {:.5}  w {:.4}  b {:.4}",
                loss.item::<f32>()?,
                w.item::<f32>()?,
                b.item::<f32>()?
            );
        }
    }
    println!(
        "fitted y = {:.3} x + {:.3} (true: 3x + 2)",
        w.item::<f32>()?,
        b.item::<f32>()?
    );
    Ok(())
}
