//! The fused convolution's own derivative rules (`ConvParams::vjp`, each
//! cotangent a convolution again) against central differences in float64
//! and against the gradients of its composite (`FastOp::fallback`), over
//! strides, asymmetric and negative padding, kernel and input dilation,
//! groups and flips in 1-3 spatial dimensions; and `vmap` of a
//! convolution against a loop.

use crate::fd::{check, Rng};
use mlx::ops;
use mlx::primitive::{ConvParams, FastOp};
use mlx::transforms::vjp;
use mlx::{Array, Dtype};

/// `(name, x shape, w shape, stride, lo, hi, kernel dilation, input
/// dilation, groups, flip)`.
type Case = (
    &'static str,
    Vec<usize>,
    Vec<usize>,
    Vec<i64>,
    Vec<i64>,
    Vec<i64>,
    Vec<i64>,
    Vec<i64>,
    i64,
    bool,
);

fn cases() -> Vec<Case> {
    let v = |s: &[usize]| s.to_vec();
    let i = |s: &[i64]| s.to_vec();
    vec![
        (
            "1d_plain",
            v(&[2, 7, 3]),
            v(&[4, 3, 3]),
            i(&[1]),
            i(&[0]),
            i(&[0]),
            i(&[1]),
            i(&[1]),
            1,
            false,
        ),
        (
            "1d_stride_groups",
            v(&[2, 9, 4]),
            v(&[6, 3, 2]),
            i(&[2]),
            i(&[1]),
            i(&[2]),
            i(&[1]),
            i(&[1]),
            2,
            false,
        ),
        (
            "1d_neg_pad_flip",
            v(&[1, 8, 2]),
            v(&[3, 2, 2]),
            i(&[1]),
            i(&[-1]),
            i(&[1]),
            i(&[2]),
            i(&[1]),
            1,
            true,
        ),
        (
            "2d_pad1",
            v(&[2, 5, 5, 3]),
            v(&[4, 3, 3, 3]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            1,
            false,
        ),
        (
            "2d_stride_uneven",
            v(&[1, 7, 6, 2]),
            v(&[3, 3, 2, 2]),
            i(&[2, 3]),
            i(&[0, 1]),
            i(&[2, 0]),
            i(&[1, 1]),
            i(&[1, 1]),
            1,
            false,
        ),
        (
            "2d_everything",
            v(&[1, 4, 5, 4]),
            v(&[4, 2, 3, 2]),
            i(&[2, 1]),
            i(&[2, 0]),
            i(&[1, 2]),
            i(&[1, 2]),
            i(&[2, 1]),
            2,
            true,
        ),
        (
            "2d_depthwise",
            v(&[2, 5, 4, 3]),
            v(&[3, 3, 2, 1]),
            i(&[1, 2]),
            i(&[1, 0]),
            i(&[1, 1]),
            i(&[2, 1]),
            i(&[1, 1]),
            3,
            false,
        ),
        (
            "3d_dilation",
            v(&[1, 4, 3, 5, 2]),
            v(&[2, 2, 2, 2, 2]),
            i(&[1, 1, 2]),
            i(&[1, 0, 1]),
            i(&[0, 1, 1]),
            i(&[2, 1, 1]),
            i(&[1, 2, 1]),
            1,
            false,
        ),
        // Stride 1, one group, `K_last * C >= 32`: the CPU's shifted-GEMM
        // path (forward, input cotangent with 12 output channels, and the
        // weight cotangent), with padding, cropping and a flip.
        (
            "2d_shifted",
            v(&[2, 4, 9, 11]),
            v(&[12, 3, 3, 11]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            1,
            false,
        ),
        (
            "2d_shifted_asym_flip",
            v(&[1, 5, 10, 16]),
            v(&[3, 2, 3, 16]),
            i(&[1, 1]),
            i(&[0, 2]),
            i(&[-1, 0]),
            i(&[1, 1]),
            i(&[1, 1]),
            1,
            true,
        ),
        (
            "1d_shifted",
            v(&[2, 12, 16]),
            v(&[4, 3, 16]),
            i(&[1]),
            i(&[2]),
            i(&[1]),
            i(&[1]),
            i(&[1]),
            1,
            false,
        ),
        (
            "3d_shifted",
            v(&[1, 3, 4, 9, 11]),
            v(&[2, 2, 2, 3, 11]),
            i(&[1, 1, 1]),
            i(&[1, 0, 1]),
            i(&[0, 1, 1]),
            i(&[1, 1, 1]),
            i(&[1, 1, 1]),
            1,
            false,
        ),
    ]
}

fn conv(c: &Case) -> impl Fn(&[Array]) -> mlx::Result<Array> + '_ {
    move |x: &[Array]| ops::conv_general(&x[0], &x[1], &c.3, &c.4, &c.5, &c.6, &c.7, c.8, c.9)
}

/// The recorded node's parameters, read back from the graph.
fn params(y: &Array) -> ConvParams {
    match y.primitive() {
        Some(mlx::primitive::Primitive::Fast(FastOp::Conv(p))) => p,
        other => panic!("conv_general recorded {other:?}, not the fused conv"),
    }
}

#[test]
fn conv_vjp_jvp_match_finite_differences() {
    let mut rng = Rng(11);
    for c in cases() {
        let x = [rng.uniform(&c.1, -1.0, 1.0), rng.uniform(&c.2, -1.0, 1.0)];
        check(c.0, &conv(&c), &x, &mut rng, 1e-6);
    }
}

#[test]
fn conv_gradients_match_the_composite() {
    let mut rng = Rng(12);
    for c in cases() {
        for dt in [Dtype::Float64, Dtype::Float32] {
            let x = [
                rng.uniform(&c.1, -1.0, 1.0).as_type(dt).unwrap(),
                rng.uniform(&c.2, -1.0, 1.0).as_type(dt).unwrap(),
            ];
            let f = conv(&c);
            let y = f(&x).unwrap();
            let p = params(&y);
            let g = rng.uniform(y.shape(), -1.0, 1.0).as_type(dt).unwrap();
            let (_, fast) =
                vjp(|a: &[Array]| Ok(vec![f(a)?]), &x, std::slice::from_ref(&g)).unwrap();
            let op = FastOp::Conv(p);
            let (_, slow) = vjp(
                |a: &[Array]| Ok(vec![op.fallback(a)?]),
                &x,
                std::slice::from_ref(&g),
            )
            .unwrap();
            let tol = if dt == Dtype::Float64 { 1e-12 } else { 1e-4 };
            for (k, (a, b)) in fast.iter().zip(&slow).enumerate() {
                assert_eq!(a.shape(), b.shape(), "{}: grad {k} shape", c.0);
                let a = a.as_type(Dtype::Float64).unwrap().to_vec::<f64>().unwrap();
                let b = b.as_type(Dtype::Float64).unwrap().to_vec::<f64>().unwrap();
                for (u, v) in a.iter().zip(&b) {
                    assert!(
                        (u - v).abs() <= tol * (1.0 + v.abs()),
                        "{} {dt}: grad {k} {u} vs {v}",
                        c.0
                    );
                }
            }
        }
    }
}

#[test]
fn conv_grad_of_empty_batch_is_empty_and_weight_grad_zero() {
    let x = Array::from_slice::<f32>(&[], &[0, 5, 2]).unwrap();
    let w = ops::ones(&[3, 2, 2], Dtype::Float32).unwrap();
    let f = |a: &[Array]| Ok(vec![ops::conv1d(&a[0], &a[1], 1, 0, 1, 1)?]);
    let g = ops::zeros(&[0, 4, 3], Dtype::Float32).unwrap();
    let (_, grads) = vjp(f, &[x, w], &[g]).unwrap();
    assert_eq!(grads[0].shape(), &[0, 5, 2]);
    assert_eq!(grads[1].to_vec::<f32>().unwrap(), vec![0.0; 12]);
}

#[test]
fn conv_vmap_equals_a_loop() {
    let mut rng = Rng(13);
    let x = rng.uniform(&[3, 2, 6, 2], -1.0, 1.0);
    let w = rng.uniform(&[3, 4, 3, 2], -1.0, 1.0);
    let f = |a: &[Array]| Ok(vec![ops::conv1d(&a[0], &a[1], 2, 1, 1, 1)?]);
    let first = |a: &Array| a.index(&[ops::SliceArg::Index(0)]).unwrap();
    for axes in [[Some(0), None], [Some(0), Some(0)], [None, Some(0)]] {
        let xa = if axes[0].is_some() {
            x.clone()
        } else {
            first(&x)
        };
        let wa = if axes[1].is_some() {
            w.clone()
        } else {
            first(&w)
        };
        let got = mlx::transforms::vmap(f, &axes, &[0])(&[xa.clone(), wa.clone()]).unwrap();
        for b in 0..3 {
            let at = |a: &Array, batched: bool| {
                if batched {
                    a.index(&[ops::SliceArg::Index(b)]).unwrap()
                } else {
                    a.clone()
                }
            };
            let want = ops::conv1d(
                &at(&xa, axes[0].is_some()),
                &at(&wa, axes[1].is_some()),
                2,
                1,
                1,
                1,
            )
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
            let gb = at(&got[0], true).to_vec::<f64>().unwrap();
            assert_eq!(gb.len(), want.len());
            for (u, v) in gb.iter().zip(&want) {
                assert!((u - v).abs() < 1e-12, "vmap {axes:?} batch {b}: {u} vs {v}");
            }
        }
    }
}
