//! Float32 extremes: subnormal inputs and results, and sin/cos/tan of huge
//! arguments, against the CPU backend (which keeps subnormals and reduces
//! any argument exactly, as MLX's CPU and libm do).
//!
//! Whether the GPU keeps subnormals is measured here as the backend
//! measures it when it opens (a product with a subnormal result and one
//! with a subnormal input). Where it keeps them, every op must match the
//! CPU with a tolerance relative to the value alone (no absolute slack, so
//! 1e-40 never passes for 0). Where it flushes, the documented behaviour is
//! asserted instead: `abs`, `negative`, `sign`, `sqrt`, `rsqrt` and the
//! logarithms still match the CPU as above, and every other result matches
//! either the CPU's or the CPU's on flushed inputs, flushed (a subnormal
//! taken as a zero of its sign).

use crate::check::{check_result, gpu, gpu_lock, Failures};
use crate::elementwise::{apply_binary, apply_unary};
use mlx::ops::SliceArg;
use mlx::primitive::{BinaryOp, UnaryOp};
use mlx::{ops, Array, Device, HostData};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Float32 values around and inside the subnormal range, with normal
/// neighbours.
const SUBNORMALS: [f32; 14] = [
    1e-40,
    -1e-40,
    1.4e-45, // the smallest subnormal
    -1.4e-45,
    1.1754942e-38, // the largest subnormal
    -5e-39,
    3e-39,
    1e-38,
    1.1754944e-38, // the smallest normal
    1e-30,
    0.0,
    -0.0,
    1.0,
    -2.5,
];

/// Unary ops the issue found flushing, with `log1p` (tiny results).
const UNARY: [UnaryOp; 9] = [
    UnaryOp::Abs,
    UnaryOp::Negative,
    UnaryOp::Sign,
    UnaryOp::Sqrt,
    UnaryOp::Rsqrt,
    UnaryOp::Log,
    UnaryOp::Log2,
    UnaryOp::Log10,
    UnaryOp::Log1p,
];

/// Ops whose kernels read subnormal inputs from their bits, so they are
/// exact on any adapter.
fn reads_bits(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Abs | Negative | Sign | Sqrt | Rsqrt | Log | Log2 | Log10
    )
}

/// Binary ops the issue found flushing, with products and sums whose
/// results are subnormal.
const BINARY: [BinaryOp; 7] = [
    BinaryOp::Divide,
    BinaryOp::FloorDivide,
    BinaryOp::ArcTan2,
    BinaryOp::Remainder,
    BinaryOp::Multiply,
    BinaryOp::Add,
    BinaryOp::Subtract,
];

/// Divisors and factors that move values into or out of the subnormal
/// range.
const SCALES: [f32; 8] = [1e-40, -3e-39, 1e-38, 1e-30, 1.0, -3.0, 1e10, 1e30];

/// `x` with a subnormal value replaced by a zero of its sign.
fn ftz(x: f32) -> f32 {
    if x != 0.0 && x.abs() < f32::MIN_POSITIVE {
        0.0f32.copysign(x)
    } else {
        x
    }
}

fn f32s(a: &Array) -> Vec<f32> {
    a.to_vec::<f32>().expect("float32 result reads back")
}

fn on(v: &[f32], shape: &[usize], device: Device) -> Array {
    Array::from_host_data_on(HostData::Float32(v.to_vec()), shape, device).expect("array builds")
}

/// One element: NaN for NaN, infinities equal, else
/// `|got - want| <= rtol * |want|` (no absolute slack).
fn close1(g: f32, w: f32, rtol: f64) -> bool {
    if w.is_nan() || g.is_nan() {
        w.is_nan() && g.is_nan()
    } else if w.is_infinite() || g.is_infinite() {
        w == g
    } else {
        (f64::from(g) - f64::from(w)).abs() <= rtol * f64::from(w).abs()
    }
}

/// `got` against `want` element by element ([`close1`]), or against
/// `also` where given (the flushed expectation).
fn close_rel(
    what: &str,
    got: &[f32],
    want: &[f32],
    also: Option<&[f32]>,
    rtol: f64,
) -> Result<(), String> {
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let ok = close1(g, w, rtol) || also.is_some_and(|a| close1(g, a[i], rtol));
        if !ok {
            return Err(format!(
                "{what}: element {i}: GPU {g:e} ({:#010x}), CPU {w:e} ({:#010x})",
                g.to_bits(),
                w.to_bits()
            ));
        }
    }
    if got.len() != want.len() {
        return Err(format!("{what}: {} results, CPU {}", got.len(), want.len()));
    }
    Ok(())
}

/// Relative tolerances: exact for bit ops and exact arithmetic, the
/// project's f32 arithmetic (1e-5) and transcendental (2e-4) ones else.
fn rtol_unary(op: UnaryOp) -> f64 {
    match op {
        UnaryOp::Abs | UnaryOp::Negative | UnaryOp::Sign => 0.0,
        UnaryOp::Sqrt | UnaryOp::Rsqrt => 1e-5,
        _ => 2e-4,
    }
}

fn rtol_binary(op: BinaryOp) -> f64 {
    match op {
        BinaryOp::ArcTan2 => 2e-4,
        BinaryOp::Divide => 1e-5,
        _ => 0.0,
    }
}

/// Whether the GPU keeps subnormals, measured as the backend does it:
/// 1e-38 * 0.01 (a subnormal result) and 1e-40 * 1 (a subnormal input).
fn gpu_keeps_subnormals(device: Device) -> bool {
    let a = on(&[1e-38, 1e-40], &[2], device);
    let b = on(&[0.01, 1.0], &[2], device);
    let got = f32s(&ops::multiply(&a, &b).expect("multiply"));
    got.iter().all(|&x| (x - 1e-40).abs() <= 1e-43)
}

/// The backend's own answer agrees with the measurement, and is reported.
#[test]
fn subnormal_support_is_detected() {
    let Some(device) = gpu() else { return };
    let _gpu = gpu_lock();
    let backend = mlx_metal::GpuBackend::new().expect("the GPU opened above");
    let kept = gpu_keeps_subnormals(device);
    eprintln!(
        "note: {}: float32 subnormals {}",
        backend.adapter_name(),
        backend.subnormal_mode()
    );
    assert_eq!(
        backend.preserves_subnormals(),
        kept,
        "{}",
        backend.subnormal_mode()
    );
}

/// Each unary op on subnormal and neighbouring values, contiguous and as
/// a reversed view.
#[test]
fn unary_ops_on_subnormals_match_cpu() {
    let Some(device) = gpu() else { return };
    let _gpu = gpu_lock();
    let kept = gpu_keeps_subnormals(device);
    let mut failures = Failures::new();
    let n = SUBNORMALS.len();
    for op in UNARY {
        let flush = !kept && !reads_bits(op);
        let cpu = |x: &[f32]| f32s(&apply_unary(op, &on(x, &[n], Device::cpu())).unwrap());
        let want = cpu(&SUBNORMALS);
        let flushed: Vec<f32> = cpu(&SUBNORMALS.map(ftz)).into_iter().map(ftz).collect();
        let also = flush.then_some(&flushed[..]);
        let g = on(&SUBNORMALS, &[n], device);
        let outcome = apply_unary(op, &g)
            .map(|r| f32s(&r))
            .map_err(|e| e.to_string())
            .and_then(|got| close_rel(op.name(), &got, &want, also, rtol_unary(op)));
        failures.add(format!("{} on subnormals", op.name()), outcome);
        // The strided kernel too (a reversed view).
        let rev = ops::index(&g, &[SliceArg::range(None, None, -1)]).unwrap();
        let want_rev: Vec<f32> = want.iter().rev().copied().collect();
        let also_rev: Vec<f32> = flushed.iter().rev().copied().collect();
        let outcome = apply_unary(op, &rev)
            .map(|r| f32s(&r))
            .map_err(|e| e.to_string())
            .and_then(|got| {
                close_rel(
                    op.name(),
                    &got,
                    &want_rev,
                    flush.then_some(&also_rev[..]),
                    rtol_unary(op),
                )
            });
        failures.add(format!("{} on reversed subnormals", op.name()), outcome);
    }
    failures.finish("unary_ops_on_subnormals_match_cpu");
}

/// Each binary op on every pair of (subnormals, scales), both ways round
/// (a column against a row, so the kernel broadcasts).
#[test]
fn binary_ops_on_subnormals_match_cpu() {
    let Some(device) = gpu() else { return };
    let _gpu = gpu_lock();
    let kept = gpu_keeps_subnormals(device);
    let mut failures = Failures::new();
    let mut values = SUBNORMALS.to_vec();
    values.extend_from_slice(&SCALES);
    let n = values.len();
    let flushed: Vec<f32> = values.iter().map(|&x| ftz(x)).collect();
    for op in BINARY {
        let cpu = |x: &[f32]| {
            f32s(
                &apply_binary(
                    op,
                    &on(x, &[n, 1], Device::cpu()),
                    &on(x, &[1, n], Device::cpu()),
                )
                .unwrap(),
            )
        };
        let want = cpu(&values);
        let mut want_flushed: Vec<f32> = cpu(&flushed).into_iter().map(ftz).collect();
        if op == BinaryOp::FloorDivide {
            // floor(x / y): a flushing GPU also flushes the quotient.
            for (i, w) in want_flushed.iter_mut().enumerate() {
                *w = ftz(flushed[i / n] / flushed[i % n]).floor();
            }
        }
        let also = (!kept).then_some(&want_flushed[..]);
        let outcome = apply_binary(
            op,
            &on(&values, &[n, 1], device),
            &on(&values, &[1, n], device),
        )
        .map(|r| f32s(&r))
        .map_err(|e| e.to_string())
        .and_then(|got| {
            close_rel(op.name(), &got, &want, also, rtol_binary(op)).map_err(|e| {
                // Name the pair: element i is (values[i / n], values[i % n]).
                let i: usize = e
                    .split("element ")
                    .nth(1)
                    .and_then(|s| s.split(':').next())
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                format!("{e} for ({:e}, {:e})", values[i / n], values[i % n])
            })
        });
        failures.add(format!("{} on subnormals", op.name()), outcome);
    }
    failures.finish("binary_ops_on_subnormals_match_cpu");
}

/// Huge and awkward arguments of sin, cos and tan: the largest floats,
/// 1e10, multiples of pi/2 near 1e6 and 1e20, and both sides of the 4096
/// switch between the two reductions.
fn huge_arguments() -> Vec<f32> {
    let mut v = vec![
        3e38,
        f32::MAX,
        1e10,
        1e6,
        1e20,
        1e30,
        16777216.0,
        4095.9,
        4096.0,
        4096.5,
        1e4,
        12345.679,
        1.5e5,
        8.7e17,
    ];
    // The floats nearest to k * pi/2 for a few k near 1e6 and 1e20
    // (results near 0 or +-1, and poles of tan).
    for k in [
        636_619.0f64,
        636_620.0,
        636_621.0,
        636_622.0,
        6.366_197_723_675_813e19,
    ] {
        v.push((k * std::f64::consts::FRAC_PI_2) as f32);
    }
    let neg: Vec<f32> = v.iter().map(|x| -x).collect();
    v.extend(neg);
    v
}

/// sin, cos and tan of `x` on both backends.
fn trig_both(device: Device, x: &[f32]) -> Result<(), String> {
    let n = x.len();
    let c = on(x, &[n], Device::cpu());
    let g = on(x, &[n], device);
    for op in [UnaryOp::Sin, UnaryOp::Cos, UnaryOp::Tan] {
        let want = f32s(&apply_unary(op, &c).unwrap());
        let got = f32s(&apply_unary(op, &g).map_err(|e| e.to_string())?);
        // 2e-6 relative, plus 1e-6 absolute for results near 0 (whose
        // relative error the f32 argument itself leaves at about 1e-7 / |r|).
        for i in 0..n {
            let (w, gv) = (f64::from(want[i]), f64::from(got[i]));
            let ok = (w.is_nan() && gv.is_nan()) || (w - gv).abs() <= 1e-6 + 2e-6 * w.abs();
            if !ok {
                return Err(format!("{}({:e}): GPU {gv:e}, CPU {w:e}", op.name(), x[i]));
            }
        }
    }
    Ok(())
}

#[test]
fn trig_of_huge_arguments_matches_cpu() {
    let Some(device) = gpu() else { return };
    let _gpu = gpu_lock();
    if let Err(e) = trig_both(device, &huge_arguments()) {
        panic!("{e}");
    }
}

/// Random floats of magnitude 2^10 .. 2^128 (every exponent the reduction
/// sees), both signs.
#[test]
fn trig_of_random_large_arguments_matches_cpu() {
    let strategy = prop::collection::vec((10u32..128, 0u32..(1 << 23), any::<bool>()), 1..64);
    let outcome = check_result(8, strategy, |device, parts| {
        let x: Vec<f32> = parts
            .iter()
            .map(|&(e, m, neg)| f32::from_bits((u32::from(neg) << 31) | ((e + 127) << 23) | m))
            .collect();
        trig_both(device, &x).map_err(TestCaseError::fail)
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// `cosh` and `sinh` where e^|x| overflows float32 but the result does
/// not (88.7 < |x| <= 89.4), in float32 and bfloat16. Expected values are
/// cosh(89) = sinh(89) = e^89 / 2 = 2.2448064e38 rounded to each dtype
/// (MLX 0.32.4's `limits.json` goldens: 2.2448063889e38 in float32,
/// 2.2463953129e38 in bfloat16); 88 gives 8.2581813e37.
#[test]
fn cosh_sinh_just_below_overflow() {
    let Some(device) = gpu() else { return };
    let _gpu = gpu_lock();
    let x = on(&[89.0, -89.0, 88.0, 89.5], &[4], device);
    let big = 2.244_806_4e38f32;
    let want_cosh = [big, big, 8.258_181e37, f32::INFINITY];
    let want_sinh = [big, -big, 8.258_181e37, f32::INFINITY];
    for (name, got, want) in [
        ("cosh", ops::cosh(&x), want_cosh),
        ("sinh", ops::sinh(&x), want_sinh),
    ] {
        let got = f32s(&got.expect("op builds"));
        for (g, w) in got.iter().zip(want) {
            assert!(
                close1(*g, w, 2e-4),
                "{name} float32: {got:?}, want {want:?}"
            );
        }
        let xb = ops::astype(&x, mlx::Dtype::Bfloat16).expect("astype");
        let f = if name == "cosh" { ops::cosh } else { ops::sinh };
        let gb = ops::astype(&f(&xb).expect("op builds"), mlx::Dtype::Float32).expect("astype");
        let gb = f32s(&gb);
        // bfloat16 keeps 8 significant bits: 2.2448e38 rounds to 2.2464e38.
        let wb = [
            2.246_395_3e38f32,
            2.246_395_3e38,
            8.258_181e37,
            f32::INFINITY,
        ];
        for (g, w) in gb.iter().zip(wb) {
            assert!(
                close1(g.abs(), w, 1e-2),
                "{name} bfloat16: {gb:?}, want ±{wb:?}"
            );
        }
    }
}
