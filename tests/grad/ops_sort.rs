//! `sort` (and the ops built on it: `topk`, `median`) and the scans
//! `cumprod`, `cummax`, `cummin`, `logcumsumexp` against central
//! differences, in every direction and inclusivity. Random inputs have no
//! ties or zeros, where these are differentiable. An exclusive scan's
//! first output is a constant (`-inf` for `cummax` and `logcumsumexp`),
//! so those cases drop it before differencing.

use crate::fd::{check, check_zero, Rng};
use mlx::ops::{self, SliceArg};
use mlx::{Array, Dtype, Result};

type F = Box<dyn Fn(&[Array]) -> Result<Array>>;

/// `(name, f, input shape, lo, hi)`.
type Case = (String, F, Vec<usize>, f64, f64);

/// `y` without the first (forward) or last (reverse) entry along axis 1.
fn drop_identity(y: Array, reverse: bool) -> Result<Array> {
    let keep = if reverse {
        SliceArg::range(None, Some(-1), 1)
    } else {
        SliceArg::range(Some(1), None, 1)
    };
    y.index(&[SliceArg::full(), keep])
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = vec![
        (
            "sort".into(),
            Box::new(|x| ops::sort(&x[0], -1)),
            vec![3, 4],
            -1.0,
            1.0,
        ),
        (
            "sort_axis0".into(),
            Box::new(|x| ops::sort(&x[0], 0)),
            vec![3, 4],
            -1.0,
            1.0,
        ),
        (
            "sort_flat".into(),
            Box::new(|x| ops::sort(&x[0], ())),
            vec![2, 3],
            -1.0,
            1.0,
        ),
        (
            "topk".into(),
            Box::new(|x| ops::topk(&x[0], 2, -1)),
            vec![2, 5],
            -1.0,
            1.0,
        ),
        (
            "median_even".into(),
            Box::new(|x| ops::median(&x[0], &[1], false)),
            vec![3, 4],
            -1.0,
            1.0,
        ),
        (
            "median_odd_all".into(),
            Box::new(|x| ops::median(&x[0], (), true)),
            vec![3, 3],
            -1.0,
            1.0,
        ),
    ];
    type Scan = fn(&Array, Option<i64>, bool, bool) -> Result<Array>;
    let scans: [(&str, Scan, f64, f64); 4] = [
        ("cumprod", ops::cumprod, 0.5, 2.0),
        ("cummax", ops::cummax, -1.0, 1.0),
        ("cummin", ops::cummin, -1.0, 1.0),
        ("logcumsumexp", ops::logcumsumexp, -2.0, 2.0),
    ];
    for (name, f, lo, hi) in scans {
        for reverse in [false, true] {
            for inclusive in [true, false] {
                let tag = format!("{name}_rev{reverse}_incl{inclusive}");
                let g: F = Box::new(move |x| {
                    let y = f(&x[0], Some(1), reverse, inclusive)?;
                    if inclusive {
                        Ok(y)
                    } else {
                        drop_identity(y, reverse)
                    }
                });
                out.push((tag, g, vec![2, 5], lo, hi));
            }
        }
        out.push((
            format!("{name}_flat"),
            Box::new(move |x| f(&x[0], None, false, true)),
            vec![2, 3],
            lo,
            hi,
        ));
    }
    out
}

#[test]
fn sort_and_scans_vjp_jvp_match_finite_differences() {
    let mut rng = Rng(23);
    for (name, f, shape, lo, hi) in cases() {
        let x = [rng.uniform(&shape, lo, hi)];
        check(&name, f.as_ref(), &x, &mut rng, 1e-6);
    }
}

#[test]
fn argsort_gives_zero_gradients() {
    let x = Rng(9).uniform(&[2, 3], -1.0, 1.0);
    check_zero(
        "argsort",
        &|x| ops::argsort(&x[0], -1)?.as_type(Dtype::Float64),
        std::slice::from_ref(&x),
    );
}

#[test]
fn cumprod_gradient_at_zeros_matches_mlx() {
    use mlx::transforms::vjp;
    // mx.vjp(lambda a: mx.cumprod(a), [mx.array([2., 0., 3., 0., 4.])], [mx.ones(5)])
    //   -> [1, 8, 0, 0, 0]
    let x = Array::from_slice(&[2.0f64, 0.0, 3.0, 0.0, 4.0], &[5]).unwrap();
    let v = ops::ones(&[5], Dtype::Float64).unwrap();
    let (_, g) = vjp(
        |a: &[Array]| Ok(vec![ops::cumprod(&a[0], (), false, true)?]),
        &[x],
        &[v],
    )
    .unwrap();
    assert_eq!(g[0].to_vec::<f64>().unwrap(), vec![1.0, 8.0, 0.0, 0.0, 0.0]);
}

#[test]
fn cumprod_tangent_at_zeros_is_exact() {
    use mlx::transforms::jvp;
    // x = [2, 0, 3, 0, 4], t = 1, by hand: d out_k = sum_j t_j
    // prod_{i in scan(k), i != j} x_i. Forward: out = [2, 0, 0, 0, 0],
    // d = [1, 2, 6, 0, 0]. Reversed: out_k = prod_{i >= k} x_i, d = [0
    // (two zeros), 0 (two zeros), 12 (t_3 * 3 * 4), 4 (t_3 * 4), 1].
    let x = Array::from_slice(&[2.0f64, 0.0, 3.0, 0.0, 4.0], &[5]).unwrap();
    let t = ops::ones(&[5], Dtype::Float64).unwrap();
    let tangent = |reverse: bool, inclusive: bool| -> Vec<f64> {
        let (_, d) = jvp(
            |a: &[Array]| Ok(vec![ops::cumprod(&a[0], (), reverse, inclusive)?]),
            std::slice::from_ref(&x),
            std::slice::from_ref(&t),
        )
        .unwrap();
        d[0].to_vec::<f64>().unwrap()
    };
    assert_eq!(tangent(false, true), vec![1.0, 2.0, 6.0, 0.0, 0.0]);
    assert_eq!(tangent(true, true), vec![0.0, 0.0, 12.0, 4.0, 1.0]);
    // Exclusive: out_k = prod_{i<k} x_i = [1, 2, 0, 0, 0]; d = [0, 1, 2, 6, 0].
    assert_eq!(tangent(false, false), vec![0.0, 1.0, 2.0, 6.0, 0.0]);
}
