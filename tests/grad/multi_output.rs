//! Transforms over multi-output primitives (siblings, issue 13): `vjp`
//! with cotangents on some outputs only, `jvp` and `vmap` producing every
//! output. Oracles: MLX defines `divmod`'s derivative as zero; the
//! derivatives of MLX's affine `quantize` are derived by hand below;
//! quotients and remainders are Python's `//` and `%`.

use mlx::ops::{self, QuantizationMode};
use mlx::transforms::{grad, jvp, vjp, vmap};
use mlx::{Array, Result};

/// `[0, 1, .., 31]` as one row: with 4 bits and groups of 32, MLX's rule
/// gives edge = max = 31, q0 = round(31 / -(31/15)) = -15, so
/// `scale = edge / q0 = -31/15` and `bias = edge = 31`: near this point
/// `d scale / d w = e_31 / q0 = -e_31 / 15` and `d bias / d w = e_31`.
fn ramp() -> Array {
    let v: Vec<f32> = (0..32).map(|i| i as f32).collect();
    Array::from_slice(&v, &[1, 32]).unwrap()
}

fn q4(w: &Array) -> Result<(Array, Array, Array)> {
    ops::quantize(w, Some(32), Some(4), QuantizationMode::Affine)
}

/// `c * e_31` as a `[1, 32]` row.
fn at_max(c: f32) -> Vec<f32> {
    let mut v = vec![0.0f32; 32];
    v[31] = c;
    v
}

#[track_caller]
fn assert_close(got: &Array, want: &[f32]) {
    let g = got.to_vec::<f32>().unwrap();
    assert_eq!(g.len(), want.len());
    for (i, (a, b)) in g.iter().zip(want).enumerate() {
        assert!((a - b).abs() <= 1e-5, "element {i}: got {a}, want {b}");
    }
}

#[test]
fn quantize_vjp_cotangent_on_biases_only() {
    let f = |x: &[Array]| Ok(vec![q4(&x[0])?.2]);
    let (_, g) = vjp(
        f,
        &[ramp()],
        &[Array::from_slice(&[1.0f32], &[1, 1]).unwrap()],
    )
    .unwrap();
    assert_close(&g[0], &at_max(1.0));
}

#[test]
fn quantize_vjp_cotangent_on_scales_only() {
    let f = |x: &[Array]| Ok(vec![q4(&x[0])?.1]);
    let (_, g) = vjp(
        f,
        &[ramp()],
        &[Array::from_slice(&[1.0f32], &[1, 1]).unwrap()],
    )
    .unwrap();
    assert_close(&g[0], &at_max(-1.0 / 15.0));
}

#[test]
fn quantize_grad_through_both_siblings() {
    // sum(s * b) + sum(b): d = b ds + s db + db = (31 (-1/15) - 31/15 + 1) e_31.
    let df = grad(
        |x: &[Array]| {
            let (_, s, b) = q4(&x[0])?;
            &(&s * &b)?.sum((), false)? + &b.sum((), false)?
        },
        &[0],
    );
    assert_close(&df(&[ramp()]).unwrap()[0], &at_max(-62.0 / 15.0 + 1.0));
}

#[test]
fn quantize_jvp_gives_every_float_output() {
    let t = Array::from_slice(&at_max(1.0), &[1, 32]).unwrap();
    let f = |x: &[Array]| {
        let (w, s, b) = q4(&x[0])?;
        Ok(vec![w, s, b])
    };
    let (_, ts) = jvp(f, &[ramp()], &[t]).unwrap();
    assert_close(&ts[1], &[-1.0 / 15.0]);
    assert_close(&ts[2], &[1.0]);
}

#[test]
fn quantize_vmap_over_rows() {
    // Slice 1 is twice slice 0: scale and bias double, codes are the same.
    let v: Vec<f32> = (0..64).map(|i| ((i % 32) * (1 + i / 32)) as f32).collect();
    let w = Array::from_slice(&v, &[2, 1, 32]).unwrap();
    let f = |x: &[Array]| {
        let (w, s, b) = q4(&x[0])?;
        Ok(vec![w, s, b])
    };
    let out = vmap(f, &[Some(0)], &[0])(&[w]).unwrap();
    assert_eq!(out[1].shape(), &[2, 1, 1]);
    assert_close(&out[1], &[-31.0 / 15.0, -62.0 / 15.0]);
    assert_close(&out[2], &[31.0, 62.0]);
    let codes: Vec<u32> = (0..32)
        .map(|x| (15.0 * (31.0 - x as f64) / 31.0).round() as u32)
        .collect();
    let words: Vec<u32> = codes
        .chunks(8)
        .map(|c| c.iter().enumerate().map(|(i, q)| q << (4 * i)).sum())
        .collect();
    let mut want = words.clone();
    want.extend(&words);
    assert_eq!(out[0].to_vec::<u32>().unwrap(), want);
}

#[test]
fn divmod_vjp_cotangent_on_one_output_is_zero() {
    // MLX's DivMod::vjp is zeros_like for every input.
    let a = Array::from_slice(&[7.5f32, -7.5], &[2]).unwrap();
    let b = Array::from_slice(&[2.0f32, 2.0], &[2]).unwrap();
    let ones = Array::from_slice(&[1.0f32, 1.0], &[2]).unwrap();
    let f = |x: &[Array]| Ok(vec![ops::divmod(&x[0], &x[1])?.1]);
    let (out, g) = vjp(f, &[a.clone(), b.clone()], std::slice::from_ref(&ones)).unwrap();
    // Python: 7.5 % 2 == 1.5, -7.5 % 2 == 0.5.
    assert_close(&out[0], &[1.5, 0.5]);
    assert_close(&g[0], &[0.0, 0.0]);
    assert_close(&g[1], &[0.0, 0.0]);
    let (_, t) = jvp(
        |x: &[Array]| {
            let (q, r) = ops::divmod(&x[0], &x[1])?;
            Ok(vec![q, r])
        },
        &[a, b],
        &[ones.clone(), ones],
    )
    .unwrap();
    assert_close(&t[0], &[0.0, 0.0]);
    assert_close(&t[1], &[0.0, 0.0]);
}

#[test]
fn divmod_vmap_over_both_outputs() {
    // Batch on axis 1 of a; b unbatched. Python:
    // [7, 8, 9] // [2, 3, -4] == [3, 2, -3], % == [1, 2, -3];
    // [-7, -8, -9] // [2, 3, -4] == [-4, -3, 2], % == [1, 1, -1].
    let a = Array::from_slice(&[7i32, -7, 8, -8, 9, -9], &[3, 2]).unwrap();
    let b = Array::from_slice(&[2i32, 3, -4], &[3]).unwrap();
    let f = |x: &[Array]| {
        let (q, r) = ops::divmod(&x[0], &x[1])?;
        Ok(vec![q, r])
    };
    let out = vmap(f, &[Some(1), None], &[0])(&[a, b]).unwrap();
    assert_eq!(out[0].shape(), &[2, 3]);
    assert_eq!(out[0].to_vec::<i32>().unwrap(), vec![3, 2, -3, -4, -3, 2]);
    assert_eq!(out[1].to_vec::<i32>().unwrap(), vec![1, 2, -3, 1, 1, -1]);
}

/// `adam_update`'s three outputs differentiated through the fused node
/// against central differences in float64 (with and without the bias
/// correction's `c2`; second moments kept positive so `sqrt` is smooth).
#[test]
fn adam_update_derivatives_match_finite_differences() {
    let mut rng = crate::fd::Rng(0xada);
    let step = Array::from_scalar(0.1f64);
    let c2 = Array::from_scalar(1.25f64);
    for c2 in [None, Some(&c2)] {
        let x = vec![
            rng.uniform(&[2, 3], -1.0, 1.0),
            rng.uniform(&[2, 3], -1.0, 1.0),
            rng.uniform(&[2, 3], 0.5, 1.5),
            rng.uniform(&[2, 3], -1.0, 1.0),
        ];
        for k in 0..3 {
            let f = |a: &[Array]| -> Result<Array> {
                let (p, m, v) =
                    ops::adam_update(&a[0], &a[1], &a[2], &a[3], &step, c2, [0.9, 0.999], 1e-3)?;
                Ok([p, m, v][k].clone())
            };
            let name = format!("adam_update output {k}, c2 {}", c2.is_some());
            crate::fd::check(&name, &f, &x, &mut rng, 1e-6);
        }
    }
}
