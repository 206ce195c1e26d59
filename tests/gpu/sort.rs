//! `sort` and `argsort` (every `SortOp`) along a random axis or the
//! flattened array (lines of up to 2401 elements, so several blocks of the
//! GPU kernel), and the ops built on them (`partition`, `topk`, `median`),
//! on every GPU dtype. Small integer ranges give many ties, so the stable
//! order of `argsort` is compared exactly, as are NaN positions.

use crate::check::{check_result, run_both, Failures, In, Tol};
use crate::strategies::{axis_of, input, Domain, GPU_DTYPES, GPU_FLOATS};
use mlx::ops;
use mlx::primitive::SortOp;
use mlx::Array;
use proptest::prelude::*;

/// Random cases per (op, dtype) pair.
const CASES_PER_PAIR: u32 = 6;

/// Floats in ±3 with NaN/inf/-0.0, integers in -3..=3 (many ties).
const TIES: Domain = Domain::new(-3.0, 3.0, -3, 3);

/// The op's public function.
fn apply_sort(op: SortOp, a: &Array, axis: Option<i64>) -> mlx::Result<Array> {
    match op {
        SortOp::Sort => ops::sort(a, axis),
        SortOp::ArgSort => ops::argsort(a, axis),
    }
}

#[test]
fn sorts_match_cpu() {
    let mut failures = Failures::new();
    for op in [SortOp::Sort, SortOp::ArgSort] {
        for dt in GPU_DTYPES {
            let s = input().prop_flat_map(|spec| {
                let n = spec.shape.len();
                (Just(spec), prop_oneof![1 => Just(None), 3 => axis_of(n)])
            });
            let outcome = check_result(CASES_PER_PAIR, s, |gpu, (spec, axis)| {
                run_both(
                    gpu,
                    format!("{}(axis={axis:?})", op.name()),
                    &[In {
                        spec: &spec,
                        dtype: dt,
                        domain: TIES,
                    }],
                    &|_| Tol::Exact,
                    &|x| apply_sort(op, &x[0], axis),
                )
            });
            failures.add(format!("{} on {dt}", op.name()), outcome);
        }
    }
    failures.finish("sorts_match_cpu");
}

/// `partition` and `topk` (the sorted result here) and `median` (a sort,
/// two slices and a mean) on the float dtypes, along the last axis.
#[test]
fn partition_topk_median_match_cpu() {
    let mut failures = Failures::new();
    for dt in GPU_FLOATS {
        let s = input().prop_filter("a non-empty last axis", |spec| {
            spec.shape.last().is_some_and(|&n| n > 0)
        });
        let outcome = check_result(CASES_PER_PAIR, s, |gpu, spec| {
            let n = *spec.shape.last().expect("rank >= 1") as i64;
            let x = [In {
                spec: &spec,
                dtype: dt,
                domain: TIES,
            }];
            run_both(gpu, "partition(kth=-1)", &x, &|_| Tol::Exact, &|x| {
                ops::partition(&x[0], -1, -1)
            })?;
            run_both(gpu, "topk(k=n/2)", &x, &|_| Tol::Exact, &|x| {
                ops::topk(&x[0], n / 2, -1)
            })?;
            run_both(gpu, "median(axis=-1)", &x, &|_| Tol::Arith, &|x| {
                ops::median(&x[0], &[-1], false)
            })
        });
        failures.add(format!("partition/topk/median on {dt}"), outcome);
    }
    failures.finish("partition_topk_median_match_cpu");
}
