//! The fused Adam update (`ops::adam_update`, `MultiOp::Adam`) on the GPU:
//! against the CPU backend's kernel over random shapes (0-d, size-0, odd
//! sizes), float32/float16/bfloat16, with and without bias correction
//! (`c2`), a transposed gradient (which the GPU kernel declines, so the
//! composite runs), a size past one dimension of 2-D dispatch, and one
//! small case against values computed by hand in f64.
//!
//! The CPU kernel rounds after every op in the dtype; the GPU kernel does
//! the same in the same order, so results differ only by the last bit of a
//! GPU sqrt or division (and, in float32, where the GPU contracts a product
//! and a sum into an FMA). Each element's tolerance is a few units in the
//! last place of the dtype, relative to the terms that make the result.

use crate::check::{check, gpu_lock};
use half::{bf16, f16};
use mlx::{ops, Array, Device, Dtype, HostData};
use proptest::prelude::*;

/// Units of roundoff (relative) of a dtype.
fn unit(dtype: Dtype) -> f64 {
    match dtype {
        Dtype::Float16 => 2f64.powi(-11),
        Dtype::Bfloat16 => 2f64.powi(-8),
        _ => 2f64.powi(-24),
    }
}

/// `xs` as an array of `dtype` on `device`.
fn array(xs: &[f64], shape: &[usize], dtype: Dtype, device: Device) -> Array {
    let data = match dtype {
        Dtype::Float16 => HostData::from(xs.iter().map(|&x| f16::from_f64(x)).collect::<Vec<_>>()),
        Dtype::Bfloat16 => {
            HostData::from(xs.iter().map(|&x| bf16::from_f64(x)).collect::<Vec<_>>())
        }
        _ => HostData::from(xs.iter().map(|&x| x as f32).collect::<Vec<_>>()),
    };
    Array::from_host_data_on(data, shape, device).expect("input array")
}

/// The values of `a` (any float dtype) as f64.
fn values(a: &Array) -> Vec<f64> {
    let f = a.as_type(Dtype::Float32).expect("cast");
    f.to_vec::<f32>()
        .expect("download")
        .into_iter()
        .map(f64::from)
        .collect()
}

/// `xs` rounded to `dtype`, as f64.
fn rounded(xs: &[f64], dtype: Dtype) -> Vec<f64> {
    xs.iter()
        .map(|&x| match dtype {
            Dtype::Float16 => f16::from_f64(x).to_f64(),
            Dtype::Bfloat16 => bf16::from_f64(x).to_f64(),
            _ => f64::from(x as f32),
        })
        .collect()
}

/// One Adam step's inputs.
#[derive(Clone, Debug)]
struct Case {
    shape: Vec<usize>,
    dtype: Dtype,
    p: Vec<f64>,
    m: Vec<f64>,
    v: Vec<f64>,
    g: Vec<f64>,
    step: f64,
    c2: Option<f64>,
    betas: [f64; 2],
    eps: f64,
    /// Pass the gradient as the transpose of a row-major array (2-D only).
    transposed_g: bool,
}

impl Case {
    /// `adam_update` on `device`, as `(p', m', v')` values.
    fn run(&self, device: Device) -> mlx::Result<[Vec<f64>; 3]> {
        let a = |xs: &[f64]| array(xs, &self.shape, self.dtype, device);
        let g = if self.transposed_g {
            let [r, c] = [self.shape[0], self.shape[1]];
            // The row-major [c, r] array whose transpose holds g.
            let mut t = vec![0.0; self.g.len()];
            for i in 0..r {
                for j in 0..c {
                    t[j * r + i] = self.g[i * c + j];
                }
            }
            ops::transpose(&array(&t, &[c, r], self.dtype, device), [1, 0])?
        } else {
            a(&self.g)
        };
        let scalar = |x: f64| array(&[x], &[], self.dtype, device);
        let c2 = self.c2.map(scalar);
        let (p, m, v) = ops::adam_update(
            &a(&self.p),
            &a(&self.m),
            &a(&self.v),
            &g,
            &scalar(self.step),
            c2.as_ref(),
            self.betas,
            self.eps,
        )?;
        mlx::eval(&[&p, &m, &v])?;
        for x in [&p, &m, &v] {
            assert_eq!(x.shape(), &self.shape[..], "output shape");
            assert_eq!(x.dtype(), self.dtype, "output dtype");
        }
        Ok([values(&p), values(&m), values(&v)])
    }

    /// Per-element tolerances of `(p', m', v')`: `k` units of the dtype
    /// times the magnitudes of the terms each result sums.
    fn tolerances(&self, k: f64) -> [Vec<f64>; 3] {
        let d = self.dtype;
        let r = |xs: &[f64]| rounded(xs, d);
        let (p, m, v, g) = (r(&self.p), r(&self.m), r(&self.v), r(&self.g));
        let [b1, b2] = self.betas;
        let u = k * unit(d);
        let n = p.len();
        let (mut tp, mut tm, mut tv) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        for i in 0..n {
            let sm = (b1 * m[i]).abs() + ((1.0 - b1) * g[i]).abs();
            let v2 = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            let den = v2.sqrt() * self.c2.unwrap_or(1.0) + self.eps;
            tm[i] = u * sm;
            tv[i] = u * v2;
            tp[i] = u * (p[i].abs() + self.step.abs() * sm / den);
        }
        [tp, tm, tv]
    }
}

/// `|a - b| <= tol` elementwise (NaN only where both are NaN).
fn close(what: &str, a: &[f64], b: &[f64], tol: &[f64]) -> Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("{what}: {} values against {}", a.len(), b.len()));
    }
    for (i, ((x, y), t)) in a.iter().zip(b).zip(tol).enumerate() {
        let ok = (x.is_nan() && y.is_nan()) || x == y || (x - y).abs() <= *t;
        if !ok {
            return Err(format!(
                "{what}[{i}]: gpu {x:e}, reference {y:e}, tolerance {t:e}"
            ));
        }
    }
    Ok(())
}

/// Compare the GPU's result of `case` with `reference` within `k` units.
fn compare(case: &Case, gpu: Device, reference: &[Vec<f64>; 3], k: f64) -> Result<(), String> {
    let got = case.run(gpu).map_err(|e| format!("gpu: {e}"))?;
    let tol = case.tolerances(k);
    for (j, name) in ["p", "m", "v"].into_iter().enumerate() {
        close(name, &got[j], &reference[j], &tol[j])?;
    }
    Ok(())
}

/// Deterministic values in `[lo, hi)` from `seed` (a 64-bit LCG).
fn uniform(seed: u64, n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(0usize..=9, 0..=3),
        prop::sample::select(vec![Dtype::Float32, Dtype::Float16, Dtype::Bfloat16]),
        any::<u64>(),
        1e-3f64..0.5,
        prop::option::of(1.0f64..4.0),
        prop::sample::select(vec![[0.9, 0.999], [0.5, 0.75]]),
        prop::sample::select(vec![1e-8, 1e-3]),
        any::<bool>(),
    )
        .prop_map(|(shape, dtype, seed, step, c2, betas, eps, t)| {
            let n: usize = shape.iter().product();
            Case {
                transposed_g: t && shape.len() == 2,
                p: uniform(seed, n, -2.0, 2.0),
                m: uniform(seed ^ 1, n, -0.5, 0.5),
                v: uniform(seed ^ 2, n, 0.01, 1.0),
                g: uniform(seed ^ 3, n, -2.0, 2.0),
                shape,
                dtype,
                step,
                c2,
                betas,
                eps,
            }
        })
}

#[test]
fn adam_update_matches_cpu() {
    check(64, case_strategy(), |gpu, case| {
        let cpu = case
            .run(Device::cpu())
            .map_err(|e| TestCaseError::fail(format!("cpu: {e}")))?;
        compare(&case, gpu, &cpu, 4.0).map_err(|e| TestCaseError::fail(format!("{case:?}: {e}")))
    });
}

/// More elements than one dimension of workgroups covers (65,535 groups
/// of 256 threads), so the kernel runs on a 2-D grid.
#[test]
fn adam_update_on_a_2d_grid_matches_cpu() {
    let Some(gpu) = crate::check::gpu() else {
        return;
    };
    let _lock = gpu_lock();
    // (bfloat16 would need twice as many elements: its grid is covered by
    // the same thread index, so float32 alone keeps the test's memory in
    // check.)
    let (dtype, n) = (Dtype::Float32, 65_535 * 256 + 3);
    {
        let case = Case {
            shape: vec![n],
            dtype,
            p: uniform(7, n, -2.0, 2.0),
            m: uniform(8, n, -0.5, 0.5),
            v: uniform(9, n, 0.01, 1.0),
            g: uniform(10, n, -2.0, 2.0),
            step: 0.01,
            c2: Some(1.5),
            betas: [0.9, 0.999],
            eps: 1e-8,
            transposed_g: false,
        };
        let cpu = case.run(Device::cpu()).expect("cpu");
        if let Err(e) = compare(&case, gpu, &cpu, 4.0) {
            panic!("{dtype}, {n} elements: {e}");
        }
    }
}

/// Three elements in float32 against the update computed in f64 from the
/// formula (MLX's `Adam.apply_single`), within float32 roundoff.
#[test]
fn adam_update_matches_f64_by_hand() {
    let Some(gpu) = crate::check::gpu() else {
        return;
    };
    let _lock = gpu_lock();
    let (p, m, v, g) = (
        [1.0, -0.5, 0.25],
        [0.1, 0.0, -0.2],
        [0.04, 0.0, 0.5],
        [2.0, -1.0, 0.5],
    );
    let ([b1, b2], eps, step, c2) = ([0.9, 0.999], 1e-8, 0.01, 1.25);
    let mut want = [vec![], vec![], vec![]];
    for i in 0..3 {
        // Inputs and constants as float32 holds them.
        let f = |x: f64| f64::from(x as f32);
        let (pi, mi, vi, gi) = (f(p[i]), f(m[i]), f(v[i]), f(g[i]));
        let m2 = f(b1) * mi + f(1.0 - b1) * gi;
        let v2 = f(b2) * vi + f(1.0 - b2) * gi * gi;
        let p2 = pi - f(step) * m2 / (v2.sqrt() * f(c2) + f(eps));
        want[0].push(p2);
        want[1].push(m2);
        want[2].push(v2);
    }
    // The reference is exact in f64 from the float32 inputs: only the
    // kernel's float32 roundings (a few per value) separate the two.
    let case = Case {
        shape: vec![3],
        dtype: Dtype::Float32,
        p: p.to_vec(),
        m: m.to_vec(),
        v: v.to_vec(),
        g: g.to_vec(),
        step,
        c2: Some(c2),
        betas: [b1, b2],
        eps,
        transposed_g: false,
    };
    if let Err(e) = compare(&case, gpu, &want, 8.0) {
        panic!("{e}");
    }
}
