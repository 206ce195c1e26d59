//! The finite-difference check shared by the per-family files.
//!
//! For random tangents `t` and a random cotangent `v`, central differences
//! give `D = (f(x + h t) - f(x - h t)) / 2h`. The check asserts
//! `jvp(f, x, t) ≈ D` and `<v, D> ≈ Σ <vjp(f, x, v)_i, t_i>`.

use mlx::transforms::{jvp, vjp};
use mlx::{Array, Dtype, Result};

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform values in `[lo, hi)` as a float64 array.
    pub fn uniform(&mut self, shape: &[usize], lo: f64, hi: f64) -> Array {
        let n: usize = shape.iter().product();
        let v: Vec<f64> = (0..n).map(|_| lo + (hi - lo) * self.next_f64()).collect();
        Array::from_slice(&v, shape).unwrap()
    }
}

fn dot(a: &Array, b: &Array) -> f64 {
    let a = a.as_type(Dtype::Float64).unwrap().to_vec::<f64>().unwrap();
    let b = b.as_type(Dtype::Float64).unwrap().to_vec::<f64>().unwrap();
    a.iter().zip(&b).map(|(x, y)| x * y).sum()
}

fn close(name: &str, what: &str, got: f64, want: f64, tol: f64) {
    let err = (got - want).abs();
    assert!(
        err <= tol * (1.0 + want.abs().max(got.abs())),
        "{name}: {what} got {got}, finite differences {want} (err {err:e}, tol {tol:e})"
    );
}

/// Check `f`'s vjp and jvp at `x` against central differences.
pub fn check(
    name: &str,
    f: &dyn Fn(&[Array]) -> Result<Array>,
    x: &[Array],
    rng: &mut Rng,
    tol: f64,
) {
    let h = 1e-6;
    let y = f(x).unwrap_or_else(|e| panic!("{name}: {e}"));
    let t: Vec<Array> = x
        .iter()
        .map(|a| rng.uniform(a.shape(), -1.0, 1.0))
        .collect();
    let v = rng.uniform(y.shape(), -1.0, 1.0);
    let shifted = |s: f64| -> Array {
        let xs: Vec<Array> = x
            .iter()
            .zip(&t)
            .map(|(a, t)| (a + (t * s).unwrap()).unwrap())
            .collect();
        f(&xs).unwrap()
    };
    let d = ((shifted(h) - shifted(-h)).unwrap() / (2.0 * h)).unwrap();
    let (_, jt) = jvp(|a: &[Array]| Ok(vec![f(a)?]), x, &t).unwrap();
    assert_eq!(jt[0].shape(), y.shape(), "{name}: jvp shape");
    let fd = d.to_vec::<f64>().unwrap();
    let got = jt[0]
        .as_type(Dtype::Float64)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    for (g, w) in got.iter().zip(&fd) {
        close(name, "jvp", *g, *w, tol);
    }
    let (_, g) = vjp(|a: &[Array]| Ok(vec![f(a)?]), x, std::slice::from_ref(&v)).unwrap();
    let mut lhs = 0.0;
    for ((gi, ti), xi) in g.iter().zip(&t).zip(x) {
        assert_eq!(gi.shape(), xi.shape(), "{name}: vjp shape");
        lhs += dot(gi, ti);
    }
    close(name, "vjp", lhs, dot(&v, &d), tol);
}

/// Assert the gradient of `sum(f(x))` is exactly zero (non-differentiable
/// ops, as in MLX).
pub fn check_zero(name: &str, f: &dyn Fn(&[Array]) -> Result<Array>, x: &[Array]) {
    let y = f(x).unwrap();
    let v = mlx::ops::ones(y.shape(), y.dtype()).unwrap();
    let (_, g) = vjp(|a: &[Array]| Ok(vec![f(a)?]), x, &[v]).unwrap();
    for gi in g {
        let vals = gi.as_type(Dtype::Float64).unwrap().to_vec::<f64>().unwrap();
        assert!(
            vals.iter().all(|&z| z == 0.0),
            "{name}: gradient {vals:?} is not zero"
        );
    }
}
