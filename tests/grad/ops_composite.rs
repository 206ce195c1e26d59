//! Composite elementwise ops and quantized matmul against central
//! differences: `degrees`, `radians`, `real`/`imag`/`conjugate` of real
//! inputs, `quantized_matmul` and `gather_qmm` with respect to `x`, and
//! `nan_to_num`'s gradient (1 where finite, 0 where replaced).

use crate::fd::{check, check_zero, Rng};
use mlx::{ops, vjp, Array, Dtype};

#[test]
fn degrees_radians_match_finite_differences() {
    let mut rng = Rng(11);
    for shape in [&[][..], &[3][..], &[2, 3][..]] {
        let x = rng.uniform(shape, -3.0, 3.0);
        check(
            "degrees",
            &|x: &[Array]| ops::degrees(&x[0]),
            std::slice::from_ref(&x),
            &mut rng,
            1e-6,
        );
        check(
            "radians",
            &|x: &[Array]| ops::radians(&x[0]),
            &[x],
            &mut rng,
            1e-6,
        );
    }
}

#[test]
fn complex_parts_of_real_inputs() {
    let mut rng = Rng(12);
    let x = rng.uniform(&[2, 3], -2.0, 2.0);
    check(
        "real",
        &|x: &[Array]| ops::real(&x[0]),
        std::slice::from_ref(&x),
        &mut rng,
        1e-6,
    );
    check(
        "conj",
        &|x: &[Array]| ops::conj(&x[0]),
        std::slice::from_ref(&x),
        &mut rng,
        1e-6,
    );
    check_zero("imag", &|x: &[Array]| ops::imag(&x[0]), &[x]);
}

#[test]
fn quantized_matmul_grad_wrt_x() {
    let mut rng = Rng(13);
    let w = rng
        .uniform(&[6, 64], -1.0, 1.0)
        .as_type(Dtype::Float32)
        .unwrap();
    for bits in [3, 4] {
        let (q, s, b) = ops::quantize(&w, Some(32), Some(bits), Default::default()).unwrap();
        let x = rng.uniform(&[2, 64], -1.0, 1.0);
        let f = |x: &[Array]| {
            ops::quantized_matmul(
                &x[0],
                &q,
                &s,
                &b,
                true,
                Some(32),
                Some(bits),
                Default::default(),
            )
        };
        check("quantized_matmul", &f, &[x], &mut rng, 1e-6);
    }
    let wn = rng
        .uniform(&[64, 32], -1.0, 1.0)
        .as_type(Dtype::Float32)
        .unwrap();
    let (q, s, b) = ops::quantize(&wn, Some(32), Some(4), Default::default()).unwrap();
    let x = rng.uniform(&[3, 64], -1.0, 1.0);
    let f = |x: &[Array]| {
        ops::quantized_matmul(
            &x[0],
            &q,
            &s,
            &b,
            false,
            Some(32),
            Some(4),
            Default::default(),
        )
    };
    check("quantized_matmul_no_transpose", &f, &[x], &mut rng, 1e-6);
}

#[test]
fn gather_qmm_grad_wrt_x() {
    let mut rng = Rng(14);
    let w = rng
        .uniform(&[3, 4, 32], -1.0, 1.0)
        .as_type(Dtype::Float32)
        .unwrap();
    let (q, s, b) = ops::quantize(&w, Some(32), Some(4), Default::default()).unwrap();
    let idx = Array::from_slice(&[2u32, 0, 2], &[3]).unwrap();
    let x = rng.uniform(&[1, 2, 32], -1.0, 1.0);
    let f = |x: &[Array]| {
        ops::gather_qmm(
            &x[0],
            &q,
            &s,
            &b,
            None,
            Some(&idx),
            true,
            Some(32),
            Some(4),
            Default::default(),
            false,
        )
    };
    check("gather_qmm", &f, &[x], &mut rng, 1e-6);
}

/// MLX: `mx.grad(lambda x: mx.nan_to_num(x).sum())` is 1 at finite values
/// and 0 where NaN or ±inf was replaced.
#[test]
fn nan_to_num_gradient_passes_finite_values() {
    let x = Array::from_slice(
        &[1.5f32, f32::NAN, f32::INFINITY, -2.0, f32::NEG_INFINITY],
        &[5],
    )
    .unwrap();
    let g = ops::ones(&[5], Dtype::Float32).unwrap();
    let (_, d) = vjp(
        |a: &[Array]| Ok(vec![ops::nan_to_num(&a[0], 0.0, None, None)?]),
        &[x],
        &[g],
    )
    .unwrap();
    assert_eq!(d[0].to_vec::<f32>().unwrap(), vec![1.0, 0.0, 0.0, 1.0, 0.0]);
}
