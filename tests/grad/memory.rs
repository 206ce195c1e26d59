//! Repeated transforms keep memory bounded: graphs are freed after use.
//! The loop runs in a child process so other tests' allocations do not
//! disturb its resident set size.

use mlx::transforms::value_and_grad;
use mlx::{eval, Array};

/// Resident set size in pages, from `/proc/self/statm` (Linux).
fn rss_pages() -> Option<usize> {
    let s = std::fs::read_to_string("/proc/self/statm").ok()?;
    s.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "run by ten_thousand_value_and_grad_iterations_stay_bounded in its own process"]
fn value_and_grad_loop_child() {
    let f = value_and_grad(|x: &[Array]| (x[0].sin()? * &x[0])?.sum((), false), &[0]);
    let mut x = Array::from_slice(&[0.5f32; 64], &[64]).unwrap();
    let mut baseline = None;
    for i in 0..10_000 {
        let (v, g) = f(std::slice::from_ref(&x)).unwrap();
        let next = (&x - (&g[0] * 1e-3).unwrap()).unwrap();
        eval(&[&v, &next]).unwrap();
        x = next;
        if i == 500 {
            baseline = rss_pages();
        }
    }
    if let (Some(b), Some(end)) = (baseline, rss_pages()) {
        // 4 KiB pages: allow 4 MiB of allocator noise.
        assert!(end < b + 1024, "RSS grew from {b} to {end} pages");
    }
}

#[test]
fn ten_thousand_value_and_grad_iterations_stay_bounded() {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "memory::value_and_grad_loop_child",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "child failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
