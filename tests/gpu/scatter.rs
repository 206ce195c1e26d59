//! Scatters (`scatter`, `scatter_add`, `scatter_prod`, `scatter_max`,
//! `scatter_min`) and the updates built on them (`at[]`, `index_put`,
//! `put_along_axis`): duplicate indices must combine correctly from many
//! GPU threads (atomic and compare-exchange paths, and the sequential
//! 64-bit path), with inputs and updates in random layouts.

use crate::check::{check, run_both, In, Tol};
use crate::strategies::{dtype, input_of, shape_of_rank, Domain, INDEX_DTYPES};
use mlx::ops::{self, SliceArg};
use mlx::primitive::ScatterOp;
use mlx::{Array, Dtype};
use proptest::prelude::*;

/// Index values for an axis of `n`: `-n..n` (signed) or `0..n`.
fn index_domain(n: usize, dtype: Dtype) -> Domain {
    let n = n as i128;
    let lo = if dtype.is_signed_integer() { -n } else { 0 };
    Domain::new(0.0, 0.0, lo, (n - 1).max(0))
}

/// The op applied through `at[]`-style scatter functions.
fn scatter_fn(op: ScatterOp) -> fn(&Array, &[Array], &Array, &[i64]) -> mlx::Result<Array> {
    match op {
        ScatterOp::None => ops::scatter,
        ScatterOp::Sum => ops::scatter_add,
        ScatterOp::Prod => ops::scatter_prod,
        ScatterOp::Max => ops::scatter_max,
        ScatterOp::Min => ops::scatter_min,
    }
}

/// A scatter along a random axis with a random index array (rank 0..=2,
/// every index dtype, negatives and many duplicates) and every op: plain
/// `scatter` leaves the last update at a duplicate position, as the CPU.
#[test]
fn scatter_reduce_matches_cpu() {
    let ops_ = [
        ScatterOp::None,
        ScatterOp::Sum,
        ScatterOp::Prod,
        ScatterOp::Max,
        ScatterOp::Min,
    ];
    let s = (
        shape_of_rank(1..=3),
        dtype(),
        prop::sample::select(INDEX_DTYPES.to_vec()),
        shape_of_rank(0..=2),
        prop::sample::select(ops_.to_vec()),
        any::<prop::sample::Index>(),
    )
        .prop_flat_map(|(shape, dt, it, ishape, op, ax)| {
            let axis = ax.index(shape.len());
            let mut ushape = ishape.clone();
            let mut w = shape.clone();
            w[axis] = 1;
            ushape.extend(w);
            (
                input_of(shape),
                Just(dt),
                Just(it),
                input_of(ishape),
                input_of(ushape),
                Just(op),
                Just(axis),
            )
        });
    check(48, s, |gpu, (a, dt, it, idx, upd, op, axis)| {
        let n = a.shape[axis];
        // Products of values in [-1, 1] stay within [-1, 1]; each factor
        // rounds once per backend, so the error of a product of k factors is
        // under k roundings of 1: `scale` is k, the updates per position plus
        // the original (a bf16 product of 25 factors in [-4, 4] once differed
        // by 1.6%). Sums in another order: allow for the accumulation.
        let dom = match op {
            ScatterOp::Prod => Domain::new(-1.0, 1.0, -20, 20).finite(),
            _ => Domain::new(-4.0, 4.0, -20, 20).finite(),
        };
        let tol = move |x: &[Array]| match op {
            ScatterOp::Sum => Tol::Accum { scale: 4096.0 },
            ScatterOp::Prod => Tol::Accum {
                scale: x[1].size() as f64 + 1.0,
            },
            _ => Tol::Exact,
        };
        run_both(
            gpu,
            format!("{}(axis={axis})", op.name()),
            &[
                In {
                    spec: &a,
                    dtype: dt,
                    domain: dom,
                },
                In {
                    spec: &idx,
                    dtype: it,
                    domain: index_domain(n, it),
                },
                In {
                    spec: &upd,
                    dtype: dt,
                    domain: dom,
                },
            ],
            &tol,
            &|x| scatter_fn(op)(&x[0], &[x[1].clone()], &x[2], &[axis as i64]),
        )
    });
}

/// Plain `scatter` with distinct (reversed) positions, and `at[].add`
/// with two index arrays that repeat positions.
#[test]
fn scatter_none_unique_and_at_add_match_cpu() {
    let s = (shape_of_rank(2..=3), dtype()).prop_flat_map(|(shape, dt)| {
        let mut u = shape.clone();
        u.insert(0, shape[0]);
        u[1] = 1;
        (
            input_of(shape.clone()),
            Just(dt),
            input_of(u),
            input_of(shape[1..].to_vec()),
        )
    });
    check(32, s, |gpu, (a, dt, upd, vals)| {
        let n = a.shape[0] as i32;
        let rev: Vec<i32> = (0..n).rev().collect();
        let dom = Domain::new(-4.0, 4.0, -20, 20).finite();
        run_both(
            gpu,
            "scatter(unique) + at[i, 0].add",
            &[
                In {
                    spec: &a,
                    dtype: dt,
                    domain: dom,
                },
                In {
                    spec: &upd,
                    dtype: dt,
                    domain: dom,
                },
                In {
                    spec: &vals,
                    dtype: dt,
                    domain: dom,
                },
            ],
            &|_| Tol::Accum { scale: 64.0 },
            &|x| {
                let dev = x[0].device();
                let i = Array::from_host_data_on(rev.clone().into(), &[rev.len()], dev)?;
                let s = ops::scatter(&x[0], &[i], &x[1], &[0])?;
                let j = Array::from_host_data_on(vec![0i32, 0, -1, 0].into(), &[4], dev)?;
                s.at(&[SliceArg::Array(j), SliceArg::Index(0)])
                    .add(&x[2].index(&[SliceArg::Index(0)])?)
            },
        )
    });
}

/// `put_along_axis` (all axes indexed by broadcast aranges) with unique
/// positions: a permutation along the axis.
#[test]
fn put_along_axis_matches_cpu() {
    let s = (shape_of_rank(1..=3), dtype(), any::<prop::sample::Index>()).prop_flat_map(
        |(shape, dt, ax)| {
            let axis = ax.index(shape.len());
            (
                input_of(shape.clone()),
                Just(dt),
                input_of(shape),
                Just(axis),
            )
        },
    );
    check(32, s, |gpu, (a, dt, v, axis)| {
        run_both(
            gpu,
            format!("put_along_axis(axis={axis})"),
            &[
                In {
                    spec: &a,
                    dtype: dt,
                    domain: Domain::GENERAL,
                },
                In {
                    spec: &v,
                    dtype: dt,
                    domain: Domain::GENERAL,
                },
            ],
            &|_| Tol::Exact,
            &|x| {
                let n = x[0].shape()[axis];
                let mut s = vec![1usize; x[0].ndim()];
                s[axis] = n;
                let r: Vec<i32> = (0..n as i32).rev().collect();
                let i = Array::from_host_data_on(r.into(), &s, x[0].device())?;
                ops::put_along_axis(&x[0], &i, &x[1], Some(axis as i64))
            },
        )
    });
}

/// A KV-cache update with the cache donated (its only handle replaced by
/// the result), as a decode loop writes it: the GPU scatters into the
/// cache's own buffer without copying it, and every step matches the CPU.
#[test]
fn slice_update_into_donated_cache_matches_cpu() {
    let Some(gpu) = crate::check::gpu() else {
        return;
    };
    let _gpu = crate::check::gpu_lock();
    let run = |device: mlx::Device| -> Vec<f32> {
        let zeros = mlx::HostData::from(vec![0.0f32; 2 * 6 * 4]);
        let mut cache = Array::from_host_data_on(zeros, &[1, 2, 6, 4], device).unwrap();
        cache = (&cache + 1.0).unwrap();
        cache.eval().unwrap();
        for p in 0..6i64 {
            let v: Vec<f32> = (0..8).map(|i| (p * 8 + i) as f32).collect();
            let row =
                Array::from_host_data_on(mlx::HostData::from(v), &[1, 2, 1, 4], device).unwrap();
            cache =
                ops::slice_update_strided(&cache, &row, &[0, 0, p, 0], &[1, 2, p + 1, 4], &[1; 4])
                    .unwrap();
            cache.eval().unwrap();
        }
        cache.to_vec::<f32>().unwrap()
    };
    let want = run(mlx::Device::cpu());
    // Hand-derived: position p of head h holds p * 8 + h * 4 + [0, 1, 2, 3].
    let expect: Vec<f32> = (0..2)
        .flat_map(|h| (0..6).flat_map(move |p| (0..4).map(move |i| (p * 8 + h * 4 + i) as f32)))
        .collect();
    assert_eq!(want, expect);
    assert_eq!(run(gpu), want);
}
