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

/// `x @ w.T` with `w` row-major and a column stride that is a multiple of
/// 1 KiB: the layout the CPU backend copies row-major before gemm (cache
/// aliasing), checked exactly against an f64 product computed here.
/// Integer-valued entries keep every sum exact in f32.
fn matmul_linear_layout_matches_f64_loops(device: &mlx::Device) {
    fn check(
        m: usize,
        n: usize,
        k: usize,
        w_rows: usize,
        row0: usize,
        f64_: bool,
        dev: &mlx::Device,
    ) {
        if f64_ && mlx_tests::is_gpu(dev) {
            return; // no float64 on a GPU
        }
        let xv: Vec<f64> = (0..m * k)
            .map(|i| ((i * 7 + 3) % 11) as f64 - 5.0)
            .collect();
        let wv: Vec<f64> = (0..w_rows * k)
            .map(|i| ((i * 5 + 1) % 9) as f64 - 4.0)
            .collect();
        let mut want = vec![0.0f64; m * n];
        for i in 0..m {
            for j in 0..n {
                want[i * n + j] = (0..k).map(|p| xv[i * k + p] * wv[(row0 + j) * k + p]).sum();
            }
        }
        let (x, w) = if f64_ {
            (
                Array::from_host_data_on(xv.clone().into(), &[m, k], *dev).unwrap(),
                Array::from_host_data_on(wv.clone().into(), &[w_rows, k], *dev).unwrap(),
            )
        } else {
            let f = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
            (
                Array::from_host_data_on(f(&xv).into(), &[m, k], *dev).unwrap(),
                Array::from_host_data_on(f(&wv).into(), &[w_rows, k], *dev).unwrap(),
            )
        };
        // Rows row0..row0+n of w (a view with an offset), transposed.
        let rows = ops::SliceArg::range(Some(row0 as i64), Some((row0 + n) as i64), 1);
        let w = ops::index(&w, &[rows]).unwrap();
        let got = ops::matmul(&x, &w.t().unwrap()).unwrap();
        assert_eq!(got.shape(), &[m, n]);
        let got = mlx_tests::to_f64(&got);
        assert_eq!(got, want, "m={m} n={n} k={k} row0={row0} f64={f64_}");
    }
    check(40, 3, 256, 3, 0, false, device);
    check(33, 17, 512, 20, 2, false, device);
    check(64, 2, 128, 4, 1, true, device);
    // Large enough for the copy to split into one band of rows per thread,
    // with a last block of 12 columns.
    check(48, 300, 512, 301, 1, false, device);
    // Below the copy's thresholds (m < 32, n = 1): the direct path.
    check(31, 5, 256, 5, 0, false, device);
    check(40, 1, 256, 2, 1, false, device);
    // A classifier head (n <= 16): the CPU's dot-product path, split over
    // threads, with a depth that leaves a tail after every 16-lane block.
    check(300, 10, 517, 12, 1, false, device);
}

mlx_tests::device_tests! {
    matmul_transposed_operand_equals_explicit,
    matmul_linear_layout_matches_f64_loops,
}
