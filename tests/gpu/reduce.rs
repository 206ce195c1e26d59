//! Reductions (every `ReduceOp` over random axis subsets, keepdims),
//! `argmax`/`argmin`, `softmax` and the scans (every `ScanOp`, reverse,
//! inclusive).

use crate::check::{check_result, run_both, Failures, In, Tol};
use crate::strategies::{axes_subset, axis_of, input, Domain, InputSpec, GPU_DTYPES};
use mlx::ops;
use mlx::primitive::{ReduceOp, ScanOp};
use mlx::{Array, Dtype};
use proptest::prelude::*;

/// Random cases per (op, dtype) pair.
const CASES_PER_PAIR: u32 = 8;

/// Every reduction (the exhaustive match in [`apply_reduce`] keeps this
/// list complete).
const REDUCE_OPS: [ReduceOp; 6] = [
    ReduceOp::Sum,
    ReduceOp::Prod,
    ReduceOp::Max,
    ReduceOp::Min,
    ReduceOp::All,
    ReduceOp::Any,
];

/// The op's public function over every axis (`()`), one axis (an
/// integer) or several (a slice).
fn apply_reduce(
    op: ReduceOp,
    a: &Array,
    axes: Option<&[i64]>,
    keepdims: bool,
) -> mlx::Result<Array> {
    macro_rules! forms {
        ($f:ident) => {
            match axes {
                None => ops::$f(a, (), keepdims),
                Some(&[x]) => ops::$f(a, x, keepdims),
                Some(ax) => ops::$f(a, ax, keepdims),
            }
        };
    }
    match op {
        ReduceOp::Sum => forms!(sum),
        ReduceOp::Prod => forms!(prod),
        ReduceOp::Max => forms!(max),
        ReduceOp::Min => forms!(min),
        ReduceOp::All => forms!(all),
        ReduceOp::Any => forms!(any),
    }
}

/// The largest finite `|x|` of `a` (at least 1).
fn max_abs(a: &Array) -> f64 {
    let h = a.to_host_data().expect("cpu input evaluates");
    (0..h.len())
        .map(|i| h.get_f64(i).abs())
        .filter(|x| x.is_finite())
        .fold(1.0, f64::max)
}

/// Number of elements of `a` along `axes` (all when `None`).
fn count_along(a: &Array, axes: Option<&[i64]>) -> f64 {
    let n = a.ndim() as i64;
    match axes {
        None => a.size() as f64,
        Some(ax) => ax
            .iter()
            .map(|&x| a.shape()[x.rem_euclid(n.max(1)) as usize] as f64)
            .product(),
    }
}

/// Axes to reduce: all (`None`) or a random subset (maybe empty).
fn reduce_case() -> impl Strategy<Value = (InputSpec, Option<Vec<i64>>, bool)> {
    input().prop_flat_map(|spec| {
        let n = spec.shape.len();
        (
            Just(spec),
            prop_oneof![1 => Just(None), 3 => axes_subset(n).prop_map(Some)],
            any::<bool>(),
        )
    })
}

/// Every reduction on every GPU dtype, over random axis subsets, with and
/// without keepdims, from random layouts.
#[test]
fn reductions_match_cpu() {
    let mut failures = Failures::new();
    for op in REDUCE_OPS {
        for dt in GPU_DTYPES {
            let domain = match op {
                ReduceOp::Prod => Domain::new(-2.0, 2.0, -3, 3),
                _ => Domain {
                    ints: None,
                    ..Domain::new(-10.0, 10.0, 0, 0)
                },
            };
            let outcome = check_result(CASES_PER_PAIR, reduce_case(), |gpu, (spec, axes, keep)| {
                let name = format!("{}(axes={axes:?}, keepdims={keep})", op.name());
                let ax = axes.as_deref();
                run_both(
                    gpu,
                    name,
                    &[In {
                        spec: &spec,
                        dtype: dt,
                        domain,
                    }],
                    &|x| Tol::Accum {
                        scale: match op {
                            ReduceOp::Sum => max_abs(&x[0]) * count_along(&x[0], ax),
                            _ => 1.0,
                        },
                    },
                    &|x| apply_reduce(op, &x[0], ax, keep),
                )
            });
            failures.add(format!("{} on {dt}", op.name()), outcome);
        }
    }
    failures.finish("reductions_match_cpu");
}

/// `argmax` and `argmin` on every GPU dtype, over one axis or the flattened
/// array, with and without keepdims; values sometimes from a tiny range so
/// that ties (the first index wins) and NaN (the extreme) are common.
#[test]
fn arg_reductions_match_cpu() {
    let mut failures = Failures::new();
    for (name, f) in [
        (
            "argmax",
            ops::argmax as fn(&Array, Option<i64>, bool) -> mlx::Result<Array>,
        ),
        ("argmin", ops::argmin),
    ] {
        for dt in GPU_DTYPES {
            let s = input().prop_flat_map(|spec| {
                let n = spec.shape.len();
                (
                    Just(spec),
                    prop_oneof![1 => Just(None), 3 => axis_of(n)],
                    any::<bool>(),
                    any::<bool>(),
                )
            });
            let outcome = check_result(CASES_PER_PAIR, s, |gpu, (spec, axis, keep, ties)| {
                let domain = if ties {
                    Domain::new(-2.0, 2.0, -2, 2)
                } else {
                    Domain::GENERAL
                };
                run_both(
                    gpu,
                    format!("{name}(axis={axis:?}, keepdims={keep})"),
                    &[In {
                        spec: &spec,
                        dtype: dt,
                        domain,
                    }],
                    &|_| Tol::Exact,
                    &|x| f(&x[0], axis, keep),
                )
            });
            failures.add(format!("{name} on {dt}"), outcome);
        }
    }
    failures.finish("arg_reductions_match_cpu");
}

/// `softmax` over the last axis, one other axis (moved last by the op) or
/// several axes, for the float dtypes and for integers (computed in
/// float32); inputs include NaN and ±inf.
#[test]
fn softmax_matches_cpu() {
    let mut failures = Failures::new();
    for dt in [
        Dtype::Float32,
        Dtype::Float16,
        Dtype::Bfloat16,
        Dtype::Int32,
        Dtype::Uint8,
        Dtype::Bool,
    ] {
        let s = input().prop_flat_map(|spec| {
            let n = spec.shape.len();
            (
                Just(spec),
                prop_oneof![
                    2 => Just(None),
                    1 => axis_of(n).prop_map(|a| a.map(|x| vec![x])),
                    1 => axes_subset(n).prop_map(Some),
                ],
            )
        });
        let outcome = check_result(2 * CASES_PER_PAIR, s, |gpu, (spec, axes)| {
            run_both(
                gpu,
                format!("softmax(axes={axes:?})"),
                &[In {
                    spec: &spec,
                    dtype: dt,
                    domain: Domain::new(-20.0, 20.0, -20, 20),
                }],
                &|_| Tol::Transcendental,
                &|x| ops::softmax(&x[0], axes.as_deref(), false),
            )
        });
        failures.add(format!("softmax on {dt}"), outcome);
    }
    failures.finish("softmax_matches_cpu");
}

/// The scan's public function.
fn apply_scan(
    op: ScanOp,
    a: &Array,
    axis: Option<i64>,
    reverse: bool,
    inclusive: bool,
) -> mlx::Result<Array> {
    match op {
        ScanOp::Sum => ops::cumsum(a, axis, reverse, inclusive),
        ScanOp::Prod => ops::cumprod(a, axis, reverse, inclusive),
        ScanOp::Max => ops::cummax(a, axis, reverse, inclusive),
        ScanOp::Min => ops::cummin(a, axis, reverse, inclusive),
        ScanOp::LogAddExp => ops::logcumsumexp(a, axis, reverse, inclusive),
    }
}

/// Every scan on every GPU dtype, along one axis or the flattened array,
/// forward and reverse, inclusive and exclusive. Half-precision scans
/// round at every step on the CPU (as MLX), so their slack grows with the
/// axis length.
#[test]
fn scans_match_cpu() {
    let mut failures = Failures::new();
    let ops = [
        ScanOp::Sum,
        ScanOp::Prod,
        ScanOp::Max,
        ScanOp::Min,
        ScanOp::LogAddExp,
    ];
    for op in ops {
        // Products of values in [-1, 1] stay bounded; integers wrap exactly.
        let (lo, hi) = match op {
            ScanOp::Prod => (-1.0, 1.0),
            _ => (-10.0, 10.0),
        };
        for dt in GPU_DTYPES {
            let s = input().prop_flat_map(|spec| {
                let n = spec.shape.len();
                (
                    Just(spec),
                    prop_oneof![1 => Just(None), 3 => axis_of(n)],
                    any::<bool>(),
                    any::<bool>(),
                )
            });
            // Fewer cases for the newer scans: each case builds kernels.
            let cases = if op == ScanOp::Sum { CASES_PER_PAIR } else { 3 };
            let outcome = check_result(cases, s, |gpu, (spec, axis, rev, inc)| {
                run_both(
                    gpu,
                    format!(
                        "{}(axis={axis:?}, reverse={rev}, inclusive={inc})",
                        op.name()
                    ),
                    &[In {
                        spec: &spec,
                        dtype: dt,
                        domain: Domain {
                            ints: None,
                            ..Domain::new(lo, hi, 0, 0)
                        },
                    }],
                    &|x| {
                        let n = count_along(&x[0], axis.map(|a| vec![a]).as_deref());
                        let steps = if matches!(dt, Dtype::Float16 | Dtype::Bfloat16) {
                            n
                        } else {
                            1.0
                        };
                        Tol::Accum {
                            scale: max_abs(&x[0]) * n * steps,
                        }
                    },
                    &|x| apply_scan(op, &x[0], axis, rev, inc),
                )
            });
            failures.add(format!("{} on {dt}", op.name()), outcome);
        }
    }
    failures.finish("scans_match_cpu");
}
