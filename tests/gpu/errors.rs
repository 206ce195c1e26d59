//! Errors on the GPU: float64/complex64 are rejected naming the op and the
//! dtype; an out-of-range `take` index is an error from eval, as on the
//! CPU, and does not leak into later evals.

use crate::check::{gpu, gpu_lock};
use mlx::{ops, Array, Device, Dtype, HostData};
use mlx_tests::error_prefix;

fn gpu_f32(gpu: Device) -> Array {
    Array::from_host_data_on(HostData::Float32(vec![1.0, -2.0, 0.5]), &[3], gpu).unwrap()
}

/// The error of evaluating `a`.
fn eval_error(a: &mlx::Result<Array>) -> String {
    match a {
        Err(e) => e.to_string(),
        Ok(a) => match a.to_host_data() {
            Err(e) => e.to_string(),
            Ok(h) => panic!("expected an error, got {h:?}"),
        },
    }
}

#[test]
fn float64_upload_is_rejected_naming_the_op() {
    let Some(gpu) = gpu() else { return };
    let _gpu = gpu_lock();
    let e = Array::from_host_data_on(HostData::Float64(vec![1.0]), &[1], gpu)
        .expect_err("float64 on the GPU must be an error")
        .to_string();
    assert!(!error_prefix(&e).is_empty(), "names no op: {e}");
    assert!(e.contains("float64"), "does not name float64: {e}");
    assert!(e.contains("not supported on the GPU"), "{e}");
}

/// Every op whose input becomes float64 on the GPU fails at eval with an
/// error naming the op that needs float64 (the cast) and the dtype, while
/// the same graph on the CPU evaluates.
#[test]
fn float64_ops_on_gpu_fail_naming_the_op() {
    let Some(gpu) = gpu() else { return };
    let _gpu = gpu_lock();
    type Build = fn(&Array) -> mlx::Result<Array>;
    let cases: [(&str, Build); 8] = [
        ("astype", |a| ops::astype(a, Dtype::Float64)),
        ("exp", |a| ops::exp(&ops::astype(a, Dtype::Float64)?)),
        ("add", |a| {
            let cpu64 =
                Array::from_host_data_on(HostData::Float64(vec![1.0; 3]), &[3], Device::cpu())?;
            ops::add(a, &cpu64)
        }),
        ("sum", |a| {
            ops::sum(&ops::astype(a, Dtype::Float64)?, (), false)
        }),
        ("where", |a| {
            let x = ops::astype(a, Dtype::Float64)?;
            ops::where_(&ops::greater(a, a)?, &x, &x)
        }),
        ("take", |a| {
            let i = Array::from_host_data_on(HostData::Int32(vec![0, 2]), &[2], a.device())?;
            ops::take(&ops::astype(a, Dtype::Float64)?, &i, ())
        }),
        ("concatenate", |a| {
            let x = ops::astype(a, Dtype::Float64)?;
            ops::concatenate(&[&x, &x], 0)
        }),
        ("contiguous", |a| {
            ops::contiguous(&ops::astype(a, Dtype::Float64)?)
        }),
    ];
    for (what, build) in cases {
        let on_cpu = build(&gpu_f32(Device::cpu())).and_then(|a| a.to_host_data());
        assert!(on_cpu.is_ok(), "{what} on the CPU: {on_cpu:?}");
        let e = eval_error(&build(&gpu_f32(gpu)));
        assert_eq!(
            error_prefix(&e),
            "astype",
            "{what}: the op that makes float64 is the cast: {e}"
        );
        assert!(
            e.contains("float64") && e.contains("not supported on the GPU"),
            "{what}: {e}"
        );
    }
    let e = eval_error(&ops::astype(&gpu_f32(gpu), Dtype::Complex64));
    assert_eq!(error_prefix(&e), "astype", "{e}");
    assert!(e.contains("complex64"), "{e}");
}

/// An out-of-range index (too large, too negative, beyond 32 bits) is an
/// error from eval or `to_vec` on the GPU as on the CPU, for `take` and
/// `take_along_axis` and every index width; the next eval is clean.
#[test]
fn take_out_of_range_is_an_error_on_gpu_as_on_cpu() {
    let Some(gpu) = gpu() else { return };
    // The out-of-bounds flag is per device: keep other tests' evals out.
    let _gpu = gpu_lock();
    let bad: Vec<(&str, HostData)> = vec![
        ("i32 4", HostData::Int32(vec![0, 4])),
        ("i32 -5", HostData::Int32(vec![-5, 1])),
        ("u32 4", HostData::Uint32(vec![4])),
        ("u8 200", HostData::Uint8(vec![200])),
        ("i8 -128", HostData::Int8(vec![-128])),
        ("i64 2^32", HostData::Int64(vec![1 << 32])),
        ("i64 2^32+1", HostData::Int64(vec![(1 << 32) + 1])),
        ("i64 -2^32", HostData::Int64(vec![-(1 << 32)])),
        ("u64 2^32", HostData::Uint64(vec![1 << 32])),
        ("u64 max", HostData::Uint64(vec![u64::MAX])),
    ];
    for (what, idx) in bad {
        for along in [false, true] {
            let outcome = |d: Device| {
                let a = Array::from_host_data_on(HostData::Int32(vec![10, 20, 30, 40]), &[4], d)?;
                let n = idx.len();
                let i = Array::from_host_data_on(idx.clone(), &[n], d)?;
                let t = if along {
                    ops::take_along_axis(&a, &i, 0)?
                } else {
                    ops::take(&a, &i, 0)?
                };
                t.to_host_data()
            };
            let op = if along { "take_along_axis" } else { "take" };
            let c = outcome(Device::cpu()).expect_err("cpu rejects");
            let g = match outcome(gpu) {
                Err(e) => e.to_string(),
                Ok(h) => {
                    panic!("{op} with index {what}: the GPU returned {h:?}, the CPU failed: {c}")
                }
            };
            assert_eq!(error_prefix(&g), op, "{op} with index {what}: {g}");
            assert!(g.contains("out of bounds"), "{op} with index {what}: {g}");
            // The flag is reset: a valid gather now succeeds.
            let a =
                Array::from_host_data_on(HostData::Int32(vec![10, 20, 30, 40]), &[4], gpu).unwrap();
            let i = Array::from_host_data_on(HostData::Int32(vec![3, -4]), &[2], gpu).unwrap();
            let ok = ops::take(&a, &i, ()).unwrap().to_vec::<i32>();
            assert_eq!(ok.ok(), Some(vec![40, 10]), "after {op} with index {what}");
        }
    }
}

/// Threads evaluating at once each see their own gathers' bad indices
/// only: one thread's out-of-range `take` fails that thread's eval, never
/// the other thread's valid gathers and scatters, and the failed array
/// keeps failing when read again.
#[test]
fn out_of_range_flags_stay_with_their_thread() {
    let Some(gpu) = gpu() else { return };
    // Held against other tests only: the two threads below run together.
    let _gpu = gpu_lock();
    let data = || Array::from_host_data_on(HostData::Int32(vec![10, 20, 30, 40]), &[4], gpu);
    let idx = |v: Vec<i32>| Array::from_host_data_on(HostData::Int32(v.clone()), &[v.len()], gpu);
    let rounds = 40;
    std::thread::scope(|s| {
        let bad = s.spawn(|| {
            for r in 0..rounds {
                let t = ops::take(&data().unwrap(), &idx(vec![0, 9]).unwrap(), 0).unwrap();
                let e = t.to_vec::<i32>().expect_err("index 9 of 4 fails");
                assert!(e.to_string().starts_with("[take]"), "round {r}: {e}");
                let again = t.to_vec::<i32>().expect_err("still failed");
                assert_eq!(again.to_string(), e.to_string(), "round {r}");
            }
        });
        let good = s.spawn(|| {
            for r in 0..rounds {
                let a = data().unwrap();
                let t = ops::take(&a, &idx(vec![3, -4]).unwrap(), 0).unwrap();
                assert_eq!(t.to_vec::<i32>().unwrap(), vec![40, 10], "round {r}");
                let u = ops::scatter_add(
                    &a,
                    &[idx(vec![1]).unwrap()],
                    &Array::from_host_data_on(HostData::Int32(vec![1]), &[1, 1], gpu).unwrap(),
                    &[0],
                );
                let u = u.and_then(|u| u.to_vec::<i32>());
                assert_eq!(u.unwrap(), vec![10, 21, 30, 40], "round {r}");
            }
        });
        bad.join().unwrap();
        good.join().unwrap();
    });
}
