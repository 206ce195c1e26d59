//! `sort`, `argsort`, `partition`, `argpartition`, `topk`, `median` and the
//! cumulative ops `cumprod`, `cummax`, `cummin`, `logcumsumexp` (with their
//! vjp/jvp) against MLX 0.32.4 goldens (`tests/golden/sort.json`, from
//! `gen_sort.py`): every real dtype and complex64, NaN/inf/signed zeros,
//! ties (stable argsort), negative axes and kth, `axis = None`, 0-d and
//! size-0 inputs, lines longer than one GPU block, with contiguous,
//! transposed and negatively strided inputs. Partitions and `topk` are
//! compared only on what MLX guarantees (see the generator).

use mlx::transforms::{jvp, vjp};
use mlx::{ops, Array, Dtype};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
/// They are skipped by the per-op tests and run by the ignored `known_bugs`.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// `p[kth]` along `axis`, kept as a length-1 axis.
fn kth_slice(p: &Array, kth: i64, axis: i64) -> mlx::Result<Array> {
    let ax = (if axis < 0 {
        axis + p.ndim() as i64
    } else {
        axis
    }) as usize;
    let n = p.shape()[ax] as i64;
    let k = if n == 0 { 0 } else { kth.rem_euclid(n) };
    ops::take(p, &Array::from_slice(&[k as i32], &[1])?, axis)
}

/// The array and axis an op with `axis = None` works on.
fn flat_or(a: &Array, axis: Option<i64>) -> mlx::Result<(Array, i64)> {
    match axis {
        None => Ok((ops::flatten(a, 0, -1)?, 0)),
        Some(x) => Ok((a.clone(), x)),
    }
}

fn scan(case: &Case, a: &Array) -> mlx::Result<Array> {
    let op = case.args["scan"].as_str().unwrap_or(case.op.as_str());
    let (ax, rev, inc) = (
        case.arg_i64("axis"),
        case.arg_bool("reverse"),
        case.arg_bool("inclusive"),
    );
    match op {
        "cumsum" => ops::cumsum(a, ax, rev, inc),
        "cumprod" => ops::cumprod(a, ax, rev, inc),
        "cummax" => ops::cummax(a, ax, rev, inc),
        "cummin" => ops::cummin(a, ax, rev, inc),
        "logcumsumexp" => ops::logcumsumexp(a, ax, rev, inc),
        other => panic!("unknown scan {other}"),
    }
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let a = &x[0];
    let axis = case.arg_i64("axis");
    let kth = case.arg_i64("kth").unwrap_or(0);
    match case.op.as_str() {
        "sort" => one(ops::sort(a, axis)),
        "argsort" => one(ops::argsort(a, axis)),
        "partition" => {
            let p = ops::partition(a, kth, axis)?;
            let (_, ax) = flat_or(a, axis)?;
            Ok(vec![ops::sort(&p, ax)?, kth_slice(&p, kth, ax)?])
        }
        "argpartition" => {
            let i = ops::argpartition(a, kth, axis)?;
            let (src, ax) = flat_or(a, axis)?;
            let v = ops::take_along_axis(&src, &i, ax)?;
            Ok(vec![
                ops::sort(&v, ax)?,
                ops::sort(&i, ax)?,
                kth_slice(&v, kth, ax)?,
            ])
        }
        "topk" => {
            let k = case.arg_i64("k").unwrap_or(0);
            let t = ops::topk(a, k, axis)?;
            one(ops::sort(&t, axis.unwrap_or(-1)))
        }
        "median" => {
            let axes = case.arg_i64s("axes");
            one(ops::median(a, axes.as_deref(), case.arg_bool("keepdims")))
        }
        "cumprod" | "cummax" | "cummin" | "logcumsumexp" => one(scan(case, a)),
        "scan_vjp" => {
            let (_, d) = vjp(|p| Ok(vec![scan(case, &p[0])?]), &x[..1], &x[1..])?;
            Ok(d)
        }
        "scan_jvp" => {
            let (_, d) = jvp(|p| Ok(vec![scan(case, &p[0])?]), &x[..1], &x[1..])?;
            Ok(d)
        }
        "sort_vjp" => {
            let (_, d) = vjp(|p| Ok(vec![ops::sort(&p[0], axis)?]), &x[..1], &x[1..])?;
            Ok(d)
        }
        "sort_jvp" => {
            let (_, d) = jvp(|p| Ok(vec![ops::sort(&p[0], axis)?]), &x[..1], &x[1..])?;
            Ok(d)
        }
        other => panic!("unknown sort op {other}"),
    }
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "sort" | "argsort" | "partition" | "argpartition" | "topk" | "cummax" | "cummin" => {
            Tol::Exact
        }
        _ => Tol::Loose,
    }
}

mlx_tests::golden_op_tests! {
    family: "sort", apply: apply, tol: tol,
    ops: [sort, argsort, partition, argpartition, topk, median, cumprod, cummax, cummin,
          logcumsumexp, scan_vjp, scan_jvp, sort_vjp, sort_jvp]
}

fn known_bugs(device: &mlx::Device) {
    mlx_tests::run_known_bugs("sort", device, KNOWN_BUGS, &tol, &apply);
}

fn partition_places_kth_between_smaller_and_larger(device: &mlx::Device) {
    // MLX's contract: p[kth] is the sorted value; nothing before is larger,
    // nothing after is smaller.
    let v: Vec<f32> = (0..40).map(|i| ((i * 17) % 23) as f32 - 7.0).collect();
    let a = Array::from_host_data_on(v.clone().into(), &[40], *device).unwrap();
    let mut sorted = v.clone();
    sorted.sort_by(f32::total_cmp);
    for kth in [0i64, 5, 39, -1, -20] {
        let p = ops::partition(&a, kth, 0).unwrap().to_vec::<f32>().unwrap();
        let k = kth.rem_euclid(40) as usize;
        assert_eq!(p[k], sorted[k], "kth {kth}");
        assert!(p[..k].iter().all(|&x| x <= p[k]), "kth {kth}");
        assert!(p[k + 1..].iter().all(|&x| x >= p[k]), "kth {kth}");
    }
}

fn argsort_is_stable_for_ties(device: &mlx::Device) {
    // mx.argsort(mx.array([1, 0, 1, 0, 1])) -> [1, 3, 0, 2, 4]
    let a = Array::from_host_data_on(vec![1i32, 0, 1, 0, 1].into(), &[5], *device).unwrap();
    let i = ops::argsort(&a, -1).unwrap();
    assert_eq!(i.dtype(), Dtype::Uint32);
    assert_eq!(i.to_vec::<u32>().unwrap(), vec![1, 3, 0, 2, 4]);
}

fn sort_errors_name_the_op(device: &mlx::Device) {
    let a = Array::from_host_data_on(vec![1.0f32, 2.0].into(), &[2], *device).unwrap();
    let e = ops::topk(&a, 3, 0).unwrap_err().to_string();
    assert!(e.starts_with("[topk]"), "{e}");
    let e = ops::partition(&a, 2, 0).unwrap_err().to_string();
    assert!(e.starts_with("[partition]"), "{e}");
    let e = ops::sort(&a, -2).unwrap_err().to_string();
    assert!(e.starts_with("[sort]"), "{e}");
    let z = Array::from_host_data_on(vec![1i32].into(), &[1], *device).unwrap();
    let e = ops::logcumsumexp(&z.as_type(Dtype::Complex64).unwrap(), (), false, true);
    assert!(e.unwrap_err().to_string().starts_with("[logcumsumexp]"));
}

mlx_tests::device_tests! {
    #[ignore = "known bugs: see KNOWN_BUGS"] known_bugs,
    partition_places_kth_between_smaller_and_larger,
    argsort_is_stable_for_ties,
    sort_errors_name_the_op,
}
