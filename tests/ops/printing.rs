//! `Display` of arrays equals MLX 0.32.4's `str(mx.array(...))` exactly
//! (`tests/golden/printing.json`): every dtype, 0-d, empty, summarised
//! (axes longer than 6), complex, -0, NaN, inf and 1e10.

use mlx::ops;
use mlx_tests::{Expected, Failures, Layout};

/// Printing cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn check(device: &mlx::Device, layout: Layout, known: bool) {
    let mut failures = Failures::new();
    for case in mlx_tests::load("printing").iter() {
        let is_known = KNOWN_BUGS.iter().any(|(n, _)| *n == case.name);
        if is_known != known {
            continue;
        }
        let Expected::Str(want) = &case.expected else {
            panic!("{}: printing case without expected_str", case.name)
        };
        if mlx_tests::is_gpu(device) && mlx_tests::gpu_unsupported(case.inputs[0].dtype()) {
            continue; // no float64 or complex64 on a GPU
        }
        let Some(a) = case.inputs[0].to_array_with(device, layout) else {
            continue;
        };
        let got = a.to_string();
        failures.check(
            &case.name,
            if &got == want {
                Ok(())
            } else {
                Err(format!("\n      expected {want:?}\n      got      {got:?}"))
            },
        );
    }
    if known && KNOWN_BUGS.is_empty() {
        return;
    }
    failures.finish(&format!("printing ({layout:?})"));
}

fn print_golden(device: &mlx::Device) {
    check(device, Layout::Contiguous, false);
}

fn print_transposed(device: &mlx::Device) {
    check(device, Layout::Transposed, false);
}

fn print_reversed(device: &mlx::Device) {
    check(device, Layout::Reversed, false);
}

fn print_lazy_result_evaluates(device: &mlx::Device) {
    // str(mx.exp(mx.array([0.0]))) -> "array([1], dtype=float32)"
    let a = mlx::Array::from_host_data_on(vec![0.0f32].into(), &[1], *device).unwrap();
    assert_eq!(
        ops::exp(&a).unwrap().to_string(),
        "array([1], dtype=float32)"
    );
}

mlx_tests::device_tests! {
    print_golden,
    print_transposed,
    print_reversed,
    print_lazy_result_evaluates,
}
