//! Affine quantization against MLX 0.32.4 goldens
//! (`tests/golden/quantized.json`, from `gen_quantized.py`): the packed
//! words, scales and biases of `quantize` bit for bit for every bits and
//! group size (3-, 5- and 6-bit codes cross word boundaries), `dequantize`
//! of MLX-packed words, `quantized_matmul` and `gather_qmm`, and MLX's
//! errors; with contiguous, transposed and negatively strided inputs.

use mlx::ops::QuantizationMode::Affine;
use mlx::{ops, Array};
use mlx_tests::{Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn gs_bits(case: &Case) -> (Option<usize>, Option<usize>) {
    (
        case.arg_i64("group_size").map(|v| v as usize),
        case.arg_i64("bits").map(|v| v as usize),
    )
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let (gs, bits) = gs_bits(case);
    match case.op.as_str() {
        "quantize" => {
            let (q, s, b) = ops::quantize(&x[0], gs, bits, Affine)?;
            let d = ops::dequantize(&q, &s, &b, gs, bits, Affine)?;
            Ok(vec![q, s, b, d])
        }
        "dequantize" => Ok(vec![ops::dequantize(
            &x[0], &x[1], &x[2], gs, bits, Affine,
        )?]),
        "quantized_matmul" => Ok(vec![ops::quantized_matmul(
            &x[0],
            &x[1],
            &x[2],
            &x[3],
            case.arg_bool("transpose"),
            gs,
            bits,
            Affine,
        )?]),
        "gather_qmm" => {
            let mut rest = x[4..].iter();
            let lhs = if case.arg_bool("lhs") {
                rest.next()
            } else {
                None
            };
            let rhs = if case.arg_bool("rhs") {
                rest.next()
            } else {
                None
            };
            Ok(vec![ops::gather_qmm(
                &x[0],
                &x[1],
                &x[2],
                &x[3],
                lhs,
                rhs,
                case.arg_bool("transpose"),
                gs,
                bits,
                Affine,
                false,
            )?])
        }
        other => panic!("unknown quantized op {other}"),
    }
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "quantize" | "dequantize" => Tol::Exact,
        _ => Tol::Loose,
    }
}

mlx_tests::golden_op_tests! {
    family: "quantized", apply: apply, tol: tol,
    ops: [quantize, dequantize, quantized_matmul, gather_qmm]
}

/// `quantize` of float64 is rejected when the op is built (MLX fails at
/// eval), and empty weights give empty outputs (MLX's reshape fails).
fn quantize_float64_rejected_and_empty_accepted(device: &mlx::Device) {
    // Built on the CPU: a GPU holds no float64 at all.
    let w = Array::from_host_data_on(
        mlx::HostData::from(vec![0.0f64; 64]),
        &[2, 32],
        mlx::Device::cpu(),
    )
    .unwrap();
    let err = ops::quantize(&w, Some(32), Some(4), Affine)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("[quantize]"), "{err}");
    let w = Array::from_host_data_on(mlx::HostData::from(Vec::<f32>::new()), &[0, 64], *device)
        .unwrap();
    let (q, s, b) = ops::quantize(&w, None, None, Affine).unwrap();
    assert_eq!(q.shape(), &[0, 8]);
    assert_eq!(s.shape(), &[0, 1]);
    assert_eq!(b.to_vec::<f32>().unwrap(), Vec::<f32>::new());
}

mlx_tests::device_tests! { quantize_float64_rejected_and_empty_accepted }
