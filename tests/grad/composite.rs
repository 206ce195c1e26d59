//! Composite ops (convolutions, einsum, structure and product composites)
//! against central differences in float64. They have no derivative rules
//! of their own: these check that the rules of their parts compose.

use crate::fd::{check, Rng};
use mlx::ops::{self, PadMode};
use mlx::{Array, Result};

type F = Box<dyn Fn(&[Array]) -> Result<Array>>;

/// `(name, f, input shapes)`.
fn cases() -> Vec<(&'static str, F, Vec<Vec<usize>>)> {
    let s = |v: &[usize]| v.to_vec();
    vec![
        (
            "conv1d_stride_pad",
            Box::new(|x| ops::conv1d(&x[0], &x[1], 2, 1, 1, 1)),
            vec![s(&[2, 5, 3]), s(&[2, 3, 3])],
        ),
        (
            "conv1d_groups_dilation",
            Box::new(|x| ops::conv1d(&x[0], &x[1], 1, 2, 2, 2)),
            vec![s(&[1, 6, 4]), s(&[4, 2, 2])],
        ),
        (
            "conv2d",
            Box::new(|x| ops::conv2d(&x[0], &x[1], &[1, 2], &[1, 0], &[1], 1)),
            vec![s(&[1, 4, 5, 2]), s(&[3, 2, 3, 2])],
        ),
        (
            "conv3d",
            Box::new(|x| ops::conv3d(&x[0], &x[1], &[1], &[1], &[1], 1)),
            vec![s(&[1, 2, 3, 2, 1]), s(&[2, 2, 2, 2, 1])],
        ),
        (
            "conv_transpose2d",
            Box::new(|x| ops::conv_transpose2d(&x[0], &x[1], &[2], &[1], &[1], &[1], 1)),
            vec![s(&[1, 3, 2, 2]), s(&[2, 3, 2, 2])],
        ),
        (
            "conv_general_input_dilation_flip",
            Box::new(|x| {
                ops::conv_general(&x[0], &x[1], &[1], &[1, 0], &[0, 2], &[2, 1], &[2], 1, true)
            }),
            vec![s(&[1, 3, 3, 2]), s(&[2, 2, 2, 2])],
        ),
        (
            "convolve_same",
            Box::new(|x| ops::convolve(&x[0], &x[1], "same")),
            vec![s(&[6]), s(&[3])],
        ),
        (
            "einsum_matmul_chain",
            Box::new(|x| ops::einsum("ij,jk,kl->il", &[&x[0], &x[1], &x[2]])),
            vec![s(&[2, 3]), s(&[3, 2]), s(&[2, 2])],
        ),
        (
            "einsum_trace_ellipsis",
            Box::new(|x| ops::einsum("...ii,...i->...", &[&x[0], &x[1]])),
            vec![s(&[2, 3, 3]), s(&[3])],
        ),
        (
            "einsum_outer_sum",
            Box::new(|x| ops::einsum("ij,k->jk", &[&x[0], &x[1]])),
            vec![s(&[2, 3]), s(&[2])],
        ),
        (
            "pad_edge_reflect",
            Box::new(|x| {
                let p = ops::pad(&x[0], &[(1, 2)], PadMode::Edge, 0)?;
                ops::pad(&p, &[(1, 1)], PadMode::Reflect, 0)
            }),
            vec![s(&[3, 2])],
        ),
        (
            "roll_tril_diag",
            Box::new(|x| {
                let r = ops::roll(&x[0], &[1, -1], &[0, 1])?;
                ops::diag(&ops::tril(&r, 0)?, 1)
            }),
            vec![s(&[3, 3])],
        ),
        (
            "trace_repeat_tile",
            Box::new(|x| {
                let t = ops::tile(&ops::repeat(&x[0], 2, 1)?, &[2, 1])?;
                ops::trace(&t, 1, 0, 1, None)
            }),
            vec![s(&[2, 2])],
        ),
        (
            "kron_tensordot",
            Box::new(|x| ops::tensordot(&ops::kron(&x[0], &x[1])?, &x[2], 1)),
            vec![s(&[2, 2]), s(&[1, 2]), s(&[4, 2])],
        ),
        (
            "hadamard_addmm",
            Box::new(|x| {
                ops::hadamard_transform(&ops::addmm(&x[0], &x[1], &x[2], 0.5, 2.0)?, None)
            }),
            vec![s(&[4]), s(&[2, 3]), s(&[3, 4])],
        ),
    ]
}

#[test]
fn composite_vjp_jvp_match_finite_differences() {
    let mut rng = Rng(7);
    for (name, f, shapes) in cases() {
        let x: Vec<Array> = shapes.iter().map(|s| rng.uniform(s, -1.0, 1.0)).collect();
        check(name, &f, &x, &mut rng, 1e-6);
    }
}
