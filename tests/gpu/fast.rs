//! Fused kernels (`Primitive::Fast`) on the GPU against the CPU kernel:
//! `hadamard_transform` over rows of `m * 2^k` (m in 1, 12, 20, 28), 0-d,
//! batched, transposed, reversed and broadcast inputs, float and integer
//! dtypes (the op casts integers to float32), and rows too long for
//! workgroup memory (the GPU then runs the composite); and the cotangents
//! of `maximum`/`minimum` (`mask_grad`).

use crate::check::{check, run_both, In, Tol};
use crate::strategies::{broadcastable_from, hadamard_shape, input_of, shape, Domain, GPU_FLOATS};
use mlx::{ops, Array, Dtype};
use proptest::prelude::*;

/// Tolerance of a transform of rows of `n` values bounded by 2 in
/// magnitude, scaled by `scale`: the sums run in the same order on both
/// backends, but the result is rounded once per dtype.
fn tol(n: usize, scale: f32) -> Tol {
    Tol::Accum {
        scale: 2.0 * n as f64 * f64::from(scale.abs()),
    }
}

#[test]
fn hadamard_transform_matches_cpu() {
    let dtypes = [GPU_FLOATS.as_slice(), &[Dtype::Int32]].concat();
    let s = (
        hadamard_shape(5),
        prop::sample::select(dtypes),
        prop_oneof![2 => Just(None), 1 => (-2.0f32..2.0).prop_map(Some)],
        any::<bool>(),
    )
        .prop_flat_map(|(shape, dt, scale, specials)| {
            (input_of(shape), Just((dt, scale, specials)))
        });
    check(48, s, |gpu, (x, (dt, scale, specials))| {
        let n = x.shape.last().copied().unwrap_or(1);
        let domain = Domain::new(-2.0, 2.0, -2, 2);
        let domain = if specials { domain } else { domain.finite() };
        let default = 1.0 / (n as f32).sqrt();
        run_both(
            gpu,
            format!("hadamard_transform(scale {scale:?})"),
            &[In {
                spec: &x,
                dtype: dt,
                domain,
            }],
            &|_| tol(n, scale.unwrap_or(default)),
            &|a| ops::hadamard_transform(&a[0], scale),
        )
    });
}

/// Rows of 2^14 and 28 * 2^9 float32 values need more workgroup memory
/// than lavapipe's 32 KiB (and 48 KiB on NVIDIA): the composite runs.
#[test]
fn hadamard_transform_long_rows_match_cpu() {
    let s = prop::sample::select(vec![vec![2, 1 << 14], vec![28 << 9], vec![1 << 13]])
        .prop_flat_map(input_of);
    check(3, s, |gpu, x| {
        let n = x.shape.last().copied().unwrap_or(1);
        run_both(
            gpu,
            "hadamard_transform",
            &[In {
                spec: &x,
                dtype: Dtype::Float32,
                domain: Domain::new(-2.0, 2.0, -2, 2).finite(),
            }],
            &|_| tol(n, 1.0 / (n as f32).sqrt()),
            &|a| ops::hadamard_transform(&a[0], None),
        )
    });
}

/// `conv_general` (the fused convolution: the GPU's implicit-GEMM kernel
/// against the CPU's) over 1-3 spatial axes, strides, asymmetric and
/// negative padding, kernel and input dilation, groups (1-2 axes) and
/// flips, on random layouts.
#[test]
fn conv_general_matches_cpu() {
    let axis = (
        1usize..=5,
        1usize..=3,
        1i64..=2,
        -1i64..=2,
        -1i64..=2,
        1i64..=2,
        1i64..=2,
    );
    let s = (
        1usize..=3,
        prop::collection::vec(axis, 3),
        0usize..=2,
        1usize..=3,
        1usize..=2,
        1usize..=3,
        any::<bool>(),
        prop::sample::select(GPU_FLOATS.to_vec()),
    )
        .prop_flat_map(|(d, axes, n, cg, groups, og, flip, dt)| {
            let groups = if d == 3 { 1 } else { groups };
            let mut xs = vec![n];
            let mut ws = vec![og * groups];
            let (mut st, mut lo, mut hi, mut kd, mut idl) =
                (vec![], vec![], vec![], vec![], vec![]);
            for &(sz, k, stride, l, h, kdil, idil) in axes.iter().take(d) {
                let span = (sz as i64 - 1) * idil + 1;
                let ek = (k as i64 - 1) * kdil + 1;
                // Grow the high padding until a window fits.
                let h = h.max(ek - span - l);
                xs.push(sz);
                ws.push(k);
                st.push(stride);
                lo.push(l);
                hi.push(h);
                kd.push(kdil);
                idl.push(idil);
            }
            xs.push(cg * groups);
            ws.push(cg);
            let terms = ws[1..].iter().product::<usize>();
            (
                input_of(xs),
                input_of(ws),
                Just((st, lo, hi, kd, idl, groups as i64, flip, dt, terms)),
            )
        });
    check(
        32,
        s,
        |gpu, (x, w, (st, lo, hi, kd, idl, groups, flip, dt, terms))| {
            let domain = Domain::new(-2.0, 2.0, -3, 3).finite();
            run_both(
            gpu,
            format!("conv_general(stride {st:?}, lo {lo:?}, hi {hi:?}, kdil {kd:?}, idil {idl:?}, groups {groups}, flip {flip})"),
            &[
                In { spec: &x, dtype: dt, domain },
                In { spec: &w, dtype: dt, domain },
            ],
            &|_| Tol::Accum {
                scale: 4.0 * terms as f64,
            },
            &|a| ops::conv_general(&a[0], &a[1], &st, &lo, &hi, &kd, &idl, groups, flip),
        )
        },
    );
}

/// The broadcast shape of `a` and `b` (NumPy's rule; both come from
/// [`broadcastable_from`] of one shape, so they broadcast).
fn broadcast_of(a: &[usize], b: &[usize]) -> Vec<usize> {
    let n = a.len().max(b.len());
    let dim = |s: &[usize], i: usize| (i + s.len()).checked_sub(n).map_or(1, |j| s[j]);
    (0..n).map(|i| dim(a, i).max(dim(b, i))).collect()
}

/// The cotangents of `maximum` and `minimum` (one fused `mask_grad` node
/// per input, summed back over broadcast axes): random broadcast shapes
/// and layouts, every GPU float dtype, NaN and infinities in all three
/// inputs, and `maximum(a, a)` for ties.
#[test]
fn maximum_minimum_cotangents_match_cpu() {
    let s = shape()
        .prop_flat_map(|s| {
            (
                broadcastable_from(s.clone()),
                broadcastable_from(s),
                prop::bool::weighted(0.2),
            )
        })
        .prop_flat_map(|(a, b, tie)| {
            let b = if tie { a.clone() } else { b };
            let g = broadcast_of(&a, &b);
            (
                input_of(a),
                input_of(b),
                input_of(g),
                prop::sample::select(GPU_FLOATS.to_vec()),
                any::<bool>(),
                Just(tie),
            )
        });
    check(48, s, |gpu, (a, b, g, dt, max, tie)| {
        let domain = Domain::new(-2.0, 2.0, -2, 2);
        let n: usize = g.shape.iter().product();
        // A tie everywhere: b holds a's values.
        let b = if tie { a.clone() } else { b };
        run_both(
            gpu,
            format!("vjp of {}", if max { "maximum" } else { "minimum" }),
            &[
                In {
                    spec: &a,
                    dtype: dt,
                    domain,
                },
                In {
                    spec: &b,
                    dtype: dt,
                    domain,
                },
                In {
                    spec: &g,
                    dtype: dt,
                    domain,
                },
            ],
            &|_| Tol::Accum {
                scale: 2.0 * n as f64,
            },
            &|x| {
                let f = |v: &[Array]| {
                    Ok(vec![if max {
                        ops::maximum(&v[0], &v[1])?
                    } else {
                        ops::minimum(&v[0], &v[1])?
                    }])
                };
                let (_, d) = mlx::transforms::vjp(f, &x[..2], &x[2..])?;
                ops::concatenate(&[&d[0].flatten()?, &d[1].flatten()?], 0)
            },
        )
    });
}
