//! Laziness and the graph: long chains neither overflow the stack when
//! evaluated nor when dropped, shared subgraphs are computed once, views
//! (transpose, broadcast, slice) read the right elements of their base, and
//! data-dependent errors surface at evaluation without panicking.

use mlx::ops::{self, SliceArg};
use mlx::{Array, Device, HostData};
use std::time::{Duration, Instant};

const CHAIN: usize = 100_000;

fn scalar_i32(d: &Device, v: i32) -> Array {
    Array::from_host_data_on(HostData::from(vec![v]), &[], *d).unwrap()
}

fn long_chain_builds_cheaply_and_evaluates(d: &Device) {
    let start = Instant::now();
    let mut x = scalar_i32(d, 0);
    for _ in 0..CHAIN {
        x = (&x + 1).unwrap();
    }
    let built = start.elapsed();
    assert!(!x.is_evaluated(), "building is lazy");
    assert!(
        built < Duration::from_secs(10),
        "building {CHAIN} lazy ops took {built:?}"
    );
    mlx::eval(&[&x]).unwrap();
    assert!(x.is_evaluated());
    assert_eq!(x.item::<i32>().unwrap(), CHAIN as i32);
}

fn long_chain_dropped_unevaluated(d: &Device) {
    let mut x = scalar_i32(d, 0);
    for _ in 0..CHAIN {
        x = ops::negative(&x).unwrap();
    }
    drop(x); // must not recurse 100,000 deep
}

fn long_chain_of_views_evaluates(d: &Device) {
    // reshape/transpose views stacked deep: values still right.
    let mut x =
        Array::from_host_data_on(HostData::from(vec![1.0f32, 2.0, 3.0, 4.0]), &[2, 2], *d).unwrap();
    for _ in 0..20_000 {
        x = ops::transpose(&x, ()).unwrap();
    }
    // an even number of transposes is the identity
    assert_eq!(x.to_vec::<f32>().unwrap(), vec![1.0, 2.0, 3.0, 4.0]);
}

fn is_evaluated_after_eval(d: &Device) {
    let a = Array::from_host_data_on(HostData::from(vec![1.0f32, 2.0]), &[2], *d).unwrap();
    assert!(a.is_evaluated(), "arrays from host data are evaluated");
    let b = ops::exp(&a).unwrap();
    assert!(!b.is_evaluated());
    let c = (&b * 2.0).unwrap();
    mlx::eval(&[&c]).unwrap();
    assert!(c.is_evaluated());
    assert!(b.is_evaluated(), "inputs computed on the way are kept");
    // evaluating again is a no-op
    mlx::eval(&[&c, &c]).unwrap();
    assert_close(&b.to_vec::<f32>().unwrap(), &[1f32.exp(), 2f32.exp()]);
}

/// Equal within a few f32 ulps (a GPU's `exp` is not correctly rounded).
fn assert_close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 4.0 * f32::EPSILON * w.abs(),
            "{got:?} vs {want:?}"
        );
    }
}

fn shared_subgraph_evaluated_once(d: &Device) {
    // x_{i+1} = (x_i + x_i) * 0.5: each level uses the previous twice, so an
    // evaluator without memoisation would do 2^200 node visits.
    let mut x = Array::from_host_data_on(HostData::from(vec![1.0f32, -2.0]), &[2], *d).unwrap();
    for _ in 0..200 {
        x = ((&x + &x).unwrap() * 0.5).unwrap();
    }
    let start = Instant::now();
    assert_eq!(x.to_vec::<f32>().unwrap(), vec![1.0, -2.0]);
    assert!(start.elapsed() < Duration::from_secs(10));
}

fn two_outputs_share_a_pending_input(d: &Device) {
    let a = Array::from_host_data_on(HostData::from(vec![0.0f32, 1.0]), &[2], *d).unwrap();
    let s = ops::exp(&a).unwrap();
    let p = (&s + 1.0).unwrap();
    let q = (&s * 2.0).unwrap();
    mlx::eval(&[&p, &q]).unwrap();
    let e = 1f32.exp();
    assert_close(&p.to_vec::<f32>().unwrap(), &[2.0, e + 1.0]);
    assert_close(&q.to_vec::<f32>().unwrap(), &[2.0, 2.0 * e]);
    // evaluate a consumer of an already evaluated node later
    let r = (&s - 1.0).unwrap();
    assert_close(&r.to_vec::<f32>().unwrap(), &[0.0, e - 1.0]);
}

fn views_read_the_right_elements(d: &Device) {
    // a = mx.arange(12).reshape(3, 4)
    let a = Array::from_host_data_on(HostData::from((0..12).collect::<Vec<i32>>()), &[3, 4], *d)
        .unwrap();
    // a.T[::-1, 1:] -> [[7, 11], [6, 10], [5, 9], [4, 8]]
    let t = ops::transpose(&a, ()).unwrap();
    let v = ops::index(
        &t,
        &[
            SliceArg::range(None, None, -1),
            SliceArg::range(Some(1), None, 1),
        ],
    )
    .unwrap();
    assert_eq!(v.shape(), &[4, 2]);
    assert_eq!(v.to_vec::<i32>().unwrap(), vec![7, 11, 6, 10, 5, 9, 4, 8]);
    // (a.T[::-1, 1:] + 100).reshape(-1) after an elementwise op
    let w = ops::reshape(&(&v + 100).unwrap(), &[-1]).unwrap();
    assert_eq!(
        w.to_vec::<i32>().unwrap(),
        vec![107, 111, 106, 110, 105, 109, 104, 108]
    );
    // mx.broadcast_to(a[:, 1:2], (3, 3)).T -> [[1, 5, 9]] * 3
    let col = ops::index(
        &a,
        &[SliceArg::full(), SliceArg::range(Some(1), Some(2), 1)],
    )
    .unwrap();
    let b = ops::transpose(&ops::broadcast_to(&col, &[3, 3]).unwrap(), ()).unwrap();
    assert_eq!(b.to_vec::<i32>().unwrap(), vec![1, 5, 9, 1, 5, 9, 1, 5, 9]);
    // reshape of a non-contiguous view must copy in logical order
    let r = ops::reshape(&t, &[12]).unwrap();
    assert_eq!(
        r.to_vec::<i32>().unwrap(),
        vec![0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]
    );
    // the base is untouched by its views
    assert_eq!(a.to_vec::<i32>().unwrap(), (0..12).collect::<Vec<_>>());
}

fn view_of_pending_array(d: &Device) {
    // a view over an unevaluated result: (mx.arange(6) * 2).reshape(2, 3)[:, ::-2]
    let a =
        Array::from_host_data_on(HostData::from((0..6).collect::<Vec<i32>>()), &[6], *d).unwrap();
    let m = (&a * 2).unwrap();
    let v = ops::index(
        &ops::reshape(&m, &[2, 3]).unwrap(),
        &[SliceArg::full(), SliceArg::range(None, None, -2)],
    )
    .unwrap();
    assert_eq!(v.to_vec::<i32>().unwrap(), vec![4, 0, 10, 6]);
}

fn take_out_of_range_is_eval_error_not_panic(d: &Device) {
    let a = Array::from_host_data_on(HostData::from(vec![1.0f32, 2.0, 3.0]), &[3], *d).unwrap();
    let i = Array::from_host_data_on(HostData::from(vec![0i32, 3]), &[2], *d).unwrap();
    let t = ops::take(&a, &i, 0).expect("builds: the index is data");
    let outcome = std::panic::catch_unwind(|| mlx::eval(&[&t]));
    match outcome {
        Ok(Err(e)) => assert!(e.to_string().starts_with("[take]"), "got {e}"),
        Ok(Ok(())) => panic!("out-of-range take evaluated without error"),
        Err(_) => panic!("out-of-range take panicked"),
    }
    assert!(!t.is_evaluated(), "the array stays pending after an error");
    // Reading it, evaluating it again or using it gives the error again,
    // never values (a GPU finds the bad index only when its batch ends).
    for again in [
        t.to_vec::<f32>().map(drop),
        mlx::eval(&[&t]),
        (&t + 1.0).and_then(|u| u.to_vec::<f32>()).map(drop),
    ] {
        let e = again.expect_err("the failed take is never read");
        assert!(e.to_string().starts_with("[take]"), "got {e}");
    }
}

fn threads_evaluate_one_shared_graph(d: &Device) {
    // Six threads evaluate consumers of one pending subgraph at once, each
    // graph large enough for the CPU to run it inside rayon's pool (one
    // eval at a time goes there, the others wait for the shared nodes it
    // holds): every thread gets its values and none deadlocks.
    let n = 1 << 18;
    for _ in 0..8 {
        let v: Vec<f32> = (0..n).map(|i| (i % 7) as f32).collect();
        let x = Array::from_host_data_on(HostData::from(v), &[n], *d).unwrap();
        let shared = ops::square(&(&x + 1.0).unwrap()).unwrap();
        let got: Vec<Vec<f32>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..6)
                .map(|t| {
                    let shared = shared.clone();
                    s.spawn(move || {
                        let y = (&(&shared * 2.0).unwrap() + t as f64).unwrap();
                        y.to_vec::<f32>().unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (t, ys) in got.iter().enumerate() {
            for (i, &y) in ys.iter().enumerate() {
                let want = ((i % 7) as f32 + 1.0).powi(2) * 2.0 + t as f32;
                assert_eq!(y, want, "thread {t}, element {i}");
            }
        }
    }
}

/// Set in the child process of the test below.
const ONE_WORKER_CHILD: &str = "MLX_TEST_ONE_POOL_WORKER";

#[test]
fn threads_share_a_graph_with_one_pool_worker() {
    // With one rayon worker, a thread outside the pool can hold a shared
    // node while its kernel waits for that worker, and the worker (running
    // another thread's eval) can wait for the node: it must run the
    // kernel's pool job meanwhile. The global pool's size is fixed per
    // process, so the case runs in a child process with
    // RAYON_NUM_THREADS=1; a deadlock shows as the child not finishing.
    if std::env::var_os(ONE_WORKER_CHILD).is_some() {
        threads_evaluate_one_shared_graph(&Device::cpu());
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(exe)
        .args([
            "graph::threads_share_a_graph_with_one_pool_worker",
            "--exact",
            "--test-threads",
            "1",
        ])
        .env(ONE_WORKER_CHILD, "1")
        .env("RAYON_NUM_THREADS", "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the child failed: {status}");
            return;
        }
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            panic!("six threads sharing a graph deadlocked with one pool worker");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

mlx_tests::device_tests! {
    threads_evaluate_one_shared_graph,
    long_chain_builds_cheaply_and_evaluates,
    long_chain_dropped_unevaluated,
    long_chain_of_views_evaluates,
    is_evaluated_after_eval,
    shared_subgraph_evaluated_once,
    two_outputs_share_a_pending_input,
    views_read_the_right_elements,
    view_of_pending_array,
    take_out_of_range_is_eval_error_not_panic,
}
