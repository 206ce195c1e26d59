//! `matmul` against MLX 0.32.4 goldens (`tests/golden/matmul.json`):
//! 2-D, batched, broadcast batches, 1-D operands, size-0 and k=0 inputs,
//! float16/bfloat16/float64/complex64, with contiguous, transposed and
//! negatively strided inputs.

use mlx::{ops, Array};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
/// Empty now; when one is added, also add an ignored test as in unary.rs.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    assert_eq!(case.op, "matmul");
    one(ops::matmul(&x[0], &x[1]))
}

fn tol(_case: &Case) -> Tol {
    Tol::Loose
}

mlx_tests::golden_op_tests! {
    family: "matmul", apply: apply, tol: tol,
    ops: [matmul]
}

fn matmul_transposed_operand_equals_explicit(device: &mlx::Device) {
    // a = [[1,2],[3,4]]; a.T @ a -> [[10, 14], [14, 20]]
    let a = Array::from_host_data_on(vec![1.0f32, 2.0, 3.0, 4.0].into(), &[2, 2], *device).unwrap();
    let at = ops::transpose(&a, ()).unwrap();
    let p = ops::matmul(&at, &a).unwrap();
    assert_eq!(p.to_vec::<f32>().unwrap(), vec![10.0, 14.0, 14.0, 20.0]);
}

mlx_tests::device_tests! {
    matmul_transposed_operand_equals_explicit,
}
