//! Composite ops on the GPU against the CPU: `conv2d` (strides, padding,
//! dilation, groups) and `einsum` (a contraction through `matmul` and a
//! trace through `diagonal`). They have no kernels of their own, so these
//! check that the gathers, views and products they are built from agree.

use crate::check::{check, run_both, In, Tol};
use crate::strategies::{input_of, Domain, GPU_FLOATS};
use mlx::ops;
use proptest::prelude::*;

/// `conv2d` of `[N, H, W, C]` with `[O, KH, KW, C / groups]`.
#[test]
fn conv2d_matches_cpu() {
    let s = (
        0usize..=2,
        2usize..=5,
        2usize..=5,
        1usize..=2,
        1usize..=2,
        1usize..=2,
        1usize..=2,
        0i64..=1,
        1i64..=2,
        prop::sample::select(GPU_FLOATS.to_vec()),
    )
        .prop_flat_map(|(n, h, w, cg, groups, og, k, pad, stride, dt)| {
            let x = vec![n, h, w, cg * groups];
            let wt = vec![og * groups, k, k, cg];
            (
                input_of(x),
                input_of(wt),
                Just((groups as i64, pad, stride, dt, k * k * cg)),
            )
        });
    check(12, s, |gpu, (x, w, (groups, pad, stride, dt, terms))| {
        let domain = Domain::new(-2.0, 2.0, -3, 3).finite();
        run_both(
            gpu,
            format!("conv2d(stride {stride}, padding {pad}, groups {groups})"),
            &[
                In {
                    spec: &x,
                    dtype: dt,
                    domain,
                },
                In {
                    spec: &w,
                    dtype: dt,
                    domain,
                },
            ],
            &|_| Tol::Accum {
                scale: 4.0 * terms as f64,
            },
            &|a| ops::conv2d(&a[0], &a[1], &[stride], &[pad], &[1], groups),
        )
    });
}

/// `einsum("bij,bjk->bik")` and `einsum("bii->b")`.
#[test]
fn einsum_matches_cpu() {
    let s = (
        0usize..=2,
        1usize..=4,
        0usize..=4,
        1usize..=4,
        prop::sample::select(GPU_FLOATS.to_vec()),
    )
        .prop_flat_map(|(b, i, j, k, dt)| {
            (
                input_of(vec![b, i, j]),
                input_of(vec![b, j, k]),
                input_of(vec![b, i, i]),
                Just((dt, j)),
            )
        });
    check(12, s, |gpu, (x, y, z, (dt, j))| {
        let domain = Domain::new(-2.0, 2.0, -3, 3).finite();
        let ins = |s| In {
            spec: s,
            dtype: dt,
            domain,
        };
        run_both(
            gpu,
            "einsum(bij,bjk->bik)",
            &[ins(&x), ins(&y)],
            &|_| Tol::Accum {
                scale: 4.0 * j.max(1) as f64,
            },
            &|a| ops::einsum("bij,bjk->bik", &[&a[0], &a[1]]),
        )?;
        run_both(
            gpu,
            "einsum(bii->b)",
            &[ins(&z)],
            &|_| Tol::Accum { scale: 8.0 },
            &|a| ops::einsum("bii->b", &[&a[0]]),
        )
    });
}
