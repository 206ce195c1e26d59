//! Arguments of MLX ops the port lacked (issue 12), against MLX 0.32.4
//! goldens (`tests/golden/arguments.json`, from `gen_limits.py`):
//! `concatenate` with `axis=None` (flatten, then join), `linspace` with
//! `endpoint=False`, `softmax` with `precise` and with no axis (every
//! axis), and `mode` on `quantize`/`dequantize`/`quantized_matmul`.

use mlx::ops::{self, QuantizationMode};
use mlx::{Array, Device, Dtype};
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

fn mode(case: &Case) -> mlx::Result<QuantizationMode> {
    case.args
        .get("mode")
        .and_then(|v| v.as_str())
        .map_or(Ok(QuantizationMode::Affine), QuantizationMode::parse)
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let gs = case.arg_i64("group_size").map(|v| v as usize);
    let bits = case.arg_i64("bits").map(|v| v as usize);
    match case.op.as_str() {
        "concatenate" => {
            let refs: Vec<&Array> = x.iter().collect();
            one(ops::concatenate(&refs, case.arg_i64("axis")))
        }
        "linspace" => one(ops::linspace(
            case.arg_f64("start").expect("start"),
            case.arg_f64("stop").expect("stop"),
            case.arg_i64("num").expect("num"),
            case.arg_bool("endpoint"),
            case.arg_dtype("dtype"),
        )),
        "softmax" => one(ops::softmax(
            &x[0],
            case.arg_i64s("axes").as_deref(),
            case.arg_bool("precise"),
        )),
        "quantize" => {
            let (q, s, b) = ops::quantize(&x[0], gs, bits, mode(case)?)?;
            Ok(vec![q, s, b])
        }
        "dequantize" => one(ops::dequantize(&x[0], &x[1], &x[2], gs, bits, mode(case)?)),
        "quantized_matmul" => one(ops::quantized_matmul(
            &x[0],
            &x[1],
            &x[2],
            &x[3],
            case.arg_bool("transpose"),
            gs,
            bits,
            mode(case)?,
        )),
        other => panic!("unknown arguments op {other}"),
    }
}

fn tol(case: &Case) -> Tol {
    match case.op.as_str() {
        "concatenate" | "quantize" | "dequantize" => Tol::Exact,
        "linspace" => Tol::Elementwise,
        _ => Tol::Loose,
    }
}

mlx_tests::golden_op_tests! {
    family: "arguments", apply: apply, tol: tol,
    ops: [concatenate, softmax, quantize, dequantize, quantized_matmul]
}

/// `linspace` goldens have no array inputs, so only the contiguous layout.
fn linspace_golden(device: &Device) {
    mlx::with_default_device(*device, || {
        mlx_tests::run_golden(
            "arguments",
            device,
            mlx_tests::Layout::Contiguous,
            &|c| c.op == "linspace",
            &tol,
            &apply,
        )
    })
}

fn known_bugs(device: &Device) {
    mlx_tests::run_known_bugs("arguments", device, KNOWN_BUGS, &tol, &apply);
}

/// Modes other than affine are rejected by every quantized op, with an
/// error naming the op and the mode (MLX implements them; we do not yet).
fn quantized_modes_other_than_affine_rejected(d: &Device) {
    let w = mlx::with_default_device(*d, || ops::ones(&[2, 64], Dtype::Float32)).unwrap();
    let (q, s, b) = ops::quantize(&w, None, None, QuantizationMode::Affine).unwrap();
    for m in [
        QuantizationMode::Mxfp4,
        QuantizationMode::Mxfp8,
        QuantizationMode::Nvfp4,
    ] {
        let want = |op: &str| {
            format!(
                "[{op}] quantization mode '{}' is not supported, only 'affine' is",
                m.name()
            )
        };
        let e = ops::quantize(&w, None, None, m).unwrap_err().to_string();
        assert_eq!(e, want("quantize"));
        let e = ops::dequantize(&q, &s, &b, None, None, m).unwrap_err();
        assert_eq!(e.to_string(), want("dequantize"));
        let e = ops::quantized_matmul(&w, &q, &s, &b, true, None, None, m).unwrap_err();
        assert_eq!(e.to_string(), want("quantized_matmul"));
        let e = ops::gather_qmm(&w, &q, &s, &b, None, None, true, None, None, m, false);
        assert_eq!(e.unwrap_err().to_string(), want("gather_qmm"));
    }
}

mlx_tests::device_tests! {
    linspace_golden,
    quantized_modes_other_than_affine_rejected,
    #[ignore = "known bugs of the arguments family"] known_bugs,
}
