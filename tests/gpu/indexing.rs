//! `take`, `take_along_axis`, `concatenate` and `arange` (created on the
//! GPU inside `with_default_device`).

use crate::check::{check, compare, run_both, In, Label, Tol};
use crate::strategies::{
    axis_of, dtype, input, input_of, shape_of_rank, Domain, InputSpec, INDEX_DTYPES,
};
use mlx::ops;
use mlx::{with_default_device, Device, Dtype};
use proptest::prelude::*;

/// Index values valid for an axis of `n`: `-n..n` for signed index
/// dtypes, `0..n` for unsigned ones.
fn index_domain(n: usize, dtype: Dtype) -> Domain {
    let n = n as i128;
    let lo = if dtype.is_signed_integer() { -n } else { 0 };
    Domain::new(0.0, 0.0, lo, (n - 1).max(0))
}

/// `take` along a random axis (or of the flattened array) with indices of
/// every integer dtype, rank 0..=2, negative ones included, both operands
/// in random layouts.
#[test]
fn take_matches_cpu() {
    let s = (
        input(),
        dtype(),
        prop::sample::select(INDEX_DTYPES.to_vec()),
        shape_of_rank(0..=2).prop_flat_map(input_of),
    )
        .prop_flat_map(|(a, dt, it, idx)| {
            let n = a.shape.len();
            (
                Just(a),
                Just(dt),
                Just(it),
                Just(idx),
                prop_oneof![1 => Just(None), 3 => axis_of(n)],
            )
        });
    check(64, s, |gpu, (a, dt, it, idx, axis)| {
        let n = match axis {
            None => a.shape.iter().product(),
            Some(x) => a.shape[x.rem_euclid(a.shape.len() as i64) as usize],
        };
        run_both(
            gpu,
            format!("take(axis={axis:?})"),
            &[
                In {
                    spec: &a,
                    dtype: dt,
                    domain: Domain::GENERAL,
                },
                In {
                    spec: &idx,
                    dtype: it,
                    domain: index_domain(n, it),
                },
            ],
            &|_| Tol::Exact,
            &|x| ops::take(&x[0], &x[1], axis),
        )
    });
}

/// `take_along_axis` with indices whose axis has a random length and whose
/// other axes equal the array's or are 1 (broadcast), of every index
/// dtype, both operands in random layouts; also with `axis = None`.
#[test]
fn take_along_axis_matches_cpu() {
    let s = (
        shape_of_rank(1..=4),
        dtype(),
        prop::sample::select(INDEX_DTYPES.to_vec()),
    )
        .prop_flat_map(|(shape, dt, it)| {
            let n = shape.len();
            (
                Just(shape),
                Just(dt),
                Just(it),
                prop_oneof![1 => Just(None), 4 => axis_of(n)],
                prop::collection::vec(any::<bool>(), n),
                0usize..=5,
            )
        })
        .prop_flat_map(|(shape, dt, it, axis, ones, k)| {
            let ishape: Vec<usize> = match axis {
                None => vec![k],
                Some(x) => {
                    let ax = x.rem_euclid(shape.len() as i64) as usize;
                    (0..shape.len())
                        .map(|i| match (i == ax, ones[i]) {
                            (true, _) => k,
                            (false, true) => 1,
                            (false, false) => shape[i],
                        })
                        .collect()
                }
            };
            (
                input_of(shape),
                Just(dt),
                Just(it),
                input_of(ishape),
                Just(axis),
            )
        });
    check(64, s, |gpu, (a, dt, it, idx, axis)| {
        let n = match axis {
            None => a.shape.iter().product(),
            Some(x) => a.shape[x.rem_euclid(a.shape.len() as i64) as usize],
        };
        run_both(
            gpu,
            format!("take_along_axis(axis={axis:?})"),
            &[
                In {
                    spec: &a,
                    dtype: dt,
                    domain: Domain::GENERAL,
                },
                In {
                    spec: &idx,
                    dtype: it,
                    domain: index_domain(n, it),
                },
            ],
            &|_| Tol::Exact,
            &|x| ops::take_along_axis(&x[0], &x[1], axis),
        )
    });
}

/// `concatenate` of 1..=4 arrays along a random axis, each in a random
/// layout, sometimes of different dtypes (promoted by the op).
#[test]
fn concatenate_matches_cpu() {
    let s = (shape_of_rank(1..=4), dtype())
        .prop_flat_map(|(base, dt)| {
            let n = base.len();
            (
                Just(base),
                Just(dt),
                0..n,
                prop::collection::vec(
                    (
                        0usize..=4,
                        prop_oneof![3 => Just(None), 1 => dtype().prop_map(Some)],
                    ),
                    1..=4,
                ),
            )
        })
        .prop_flat_map(|(base, dt, ax, parts)| {
            let specs: Vec<_> = parts
                .iter()
                .map(|&(k, _)| {
                    let mut s = base.clone();
                    s[ax] = k;
                    input_of(s)
                })
                .collect();
            let dtypes: Vec<Dtype> = parts.iter().map(|&(_, d)| d.unwrap_or(dt)).collect();
            (specs, Just(dtypes), Just(ax))
        });
    check(
        48,
        s,
        |gpu, (specs, dtypes, ax): (Vec<InputSpec>, Vec<Dtype>, usize)| {
            let inputs: Vec<In> = specs
                .iter()
                .zip(&dtypes)
                .map(|(spec, &dtype)| In {
                    spec,
                    dtype,
                    domain: Domain::GENERAL,
                })
                .collect();
            run_both(
                gpu,
                format!("concatenate(axis={ax})"),
                &inputs,
                &|_| Tol::Exact,
                &|x| {
                    let refs: Vec<&mlx::Array> = x.iter().collect();
                    ops::concatenate(&refs, ax as i64)
                },
            )
        },
    );
}

/// `arange` created on the GPU (inside `with_default_device`) against the
/// CPU, for integer and float arguments and every numeric GPU dtype.
#[test]
fn arange_matches_cpu() {
    let dtypes: Vec<Dtype> = crate::strategies::GPU_DTYPES
        .into_iter()
        .filter(|&d| d != Dtype::Bool)
        .collect();
    let s = (
        -50i32..50,
        0i32..40,
        prop_oneof![1i32..5, -5i32..-1],
        prop::sample::select(dtypes),
        any::<bool>(),
        prop_oneof![1 => Just(None), 1 => Just(Some(0.25f64)), 1 => Just(Some(0.1))],
    );
    check(48, s, |gpu, (start, len, step, dt, float_args, frac)| {
        let stop = start + len * step.signum();
        let make = |d: Device| {
            with_default_device(d, || match (float_args, frac) {
                (true, Some(f)) => ops::arange_f64(
                    f64::from(start) * f,
                    f64::from(stop) * f,
                    f64::from(step) * f,
                    dt,
                ),
                (true, None) => {
                    ops::arange_f64(f64::from(start) + 0.5, f64::from(stop), f64::from(step), dt)
                }
                (false, _) => ops::arange(start, stop, step, Some(dt)),
            })
        };
        let label = Label::new(format!(
            "arange(start={start}, stop={stop}, step={step}, float_args={float_args}, frac={frac:?}, dtype={dt})"
        ));
        compare(&label, gpu, make(Device::cpu()), make(gpu), Tol::Exact)
    });
}

/// `with_default_device` scopes also pick the device of `zeros`/`full`,
/// and the values agree with the CPU.
#[test]
fn creation_in_gpu_scope_matches_cpu() {
    check(8, (shape_of_rank(0..=3), dtype()), |gpu, (shape, dt)| {
        let make = |d: Device| with_default_device(d, || ops::full(&shape, 3, dt));
        let label = Label::new(format!("full({shape:?}, 3, {dt})"));
        compare(&label, gpu, make(Device::cpu()), make(gpu), Tol::Exact)
    });
}
