//! Elementwise families: every `UnaryOp` on every dtype its compute rule
//! accepts, every `BinaryOp` (broadcasting, mixed dtypes), `where`,
//! `astype` for every dtype pair, and `copy` of non-contiguous views.
//! Random properties cover shapes and layouts; edge-value tables cover
//! every pair of NaN/inf/±0 and integer extremes.

use crate::check::{check, check_result, compare, run_both, Failures, In, Label, Tol};
use crate::strategies::{
    broadcast_pair, broadcast_triple, dtype, input, int_range, Domain, InputSpec, GPU_DTYPES,
    GPU_FLOATS,
};
use mlx::ops;
use mlx::primitive::{BinaryOp, UnaryOp};
use mlx::{Array, Device, Dtype, HostData};
use proptest::prelude::*;

/// Random cases per (op, dtype) pair.
const CASES_PER_PAIR: u32 = 6;

// ------------------------------------------------------------------ unary

/// The op's public function.
pub fn apply_unary(op: UnaryOp, a: &Array) -> mlx::Result<Array> {
    use UnaryOp::*;
    match op {
        Abs => ops::abs(a),
        Negative => ops::negative(a),
        Sign => ops::sign(a),
        Square => ops::square(a),
        Sqrt => ops::sqrt(a),
        Rsqrt => ops::rsqrt(a),
        Reciprocal => ops::reciprocal(a),
        Exp => ops::exp(a),
        Expm1 => ops::expm1(a),
        Log => ops::log(a),
        Log1p => ops::log1p(a),
        Log2 => ops::log2(a),
        Log10 => ops::log10(a),
        Sin => ops::sin(a),
        Cos => ops::cos(a),
        Tan => ops::tan(a),
        ArcSin => ops::arcsin(a),
        ArcCos => ops::arccos(a),
        ArcTan => ops::arctan(a),
        Sinh => ops::sinh(a),
        Cosh => ops::cosh(a),
        Tanh => ops::tanh(a),
        ArcSinh => ops::arcsinh(a),
        ArcCosh => ops::arccosh(a),
        ArcTanh => ops::arctanh(a),
        Sigmoid => ops::sigmoid(a),
        Erf => ops::erf(a),
        ErfInv => ops::erfinv(a),
        Floor => ops::floor(a),
        Ceil => ops::ceil(a),
        Round => ops::round(a, 0),
        LogicalNot => ops::logical_not(a),
        StopGradient => ops::stop_gradient(a),
        BitwiseInvert => ops::bitwise_invert(a),
        Real => ops::real(a),
        Imag => ops::imag(a),
        Conjugate => ops::conjugate(a),
    }
}

/// Where an op's inputs come from: the function's useful range (GPU
/// builtins such as `sin` are only accurate on moderate arguments).
fn unary_domain(op: UnaryOp) -> Domain {
    use UnaryOp::*;
    match op {
        Sin | Cos => Domain::new(-10.0, 10.0, -10, 10),
        Tan => Domain::new(-1.5, 1.5, -1, 1),
        Exp | Expm1 | Sinh | Cosh | Sigmoid | Tanh => Domain::new(-30.0, 30.0, -30, 30),
        Sqrt | Rsqrt | Log | Log2 | Log10 => Domain::new(-1.0, 1000.0, -4, 100_000),
        Log1p => Domain::new(-1.5, 100.0, -2, 100),
        ArcSin | ArcCos | ArcTanh | ErfInv => Domain::new(-1.1, 1.1, -2, 2),
        ArcCosh => Domain::new(0.5, 100.0, 0, 100),
        ArcTan | ArcSinh | Erf => Domain::new(-10.0, 10.0, -100, 100),
        Abs | Negative | Sign | Square | Reciprocal | Floor | Ceil | Round | LogicalNot
        | StopGradient | BitwiseInvert | Real | Imag | Conjugate => Domain::GENERAL,
    }
}

fn unary_tol(op: UnaryOp) -> Tol {
    use UnaryOp::*;
    match op {
        Abs | Negative | Sign | Square | Reciprocal | Floor | Ceil | Round | LogicalNot
        | StopGradient | BitwiseInvert | Real | Imag | Conjugate => Tol::Arith,
        _ => Tol::Transcendental,
    }
}

/// Every unary op on every GPU dtype its compute rule accepts, on random
/// shapes, layouts and values.
#[test]
fn unary_ops_match_cpu() {
    let mut failures = Failures::new();
    for op in UnaryOp::ALL {
        for dt in GPU_DTYPES {
            if op.compute_dtype(dt).is_err() {
                continue;
            }
            let domain = unary_domain(op);
            let outcome = check_result(CASES_PER_PAIR, input(), |gpu, spec| {
                run_both(
                    gpu,
                    op.name(),
                    &[In {
                        spec: &spec,
                        dtype: dt,
                        domain,
                    }],
                    &|_| unary_tol(op),
                    &|x| apply_unary(op, &x[0]),
                )
            });
            failures.add(format!("{} on {dt}", op.name()), outcome);
        }
    }
    failures.finish("unary_ops_match_cpu");
}

/// A column (`[n, 1]`) or row (`[1, n]`) of values on `device`.
fn table(data: HostData, column: bool, device: Device) -> Array {
    let n = data.len();
    let shape = if column { [n, 1] } else { [1, n] };
    Array::from_host_data_on(data, &shape, device).expect("edge table builds")
}

/// Edge values of a dtype: NaN, ±inf, ±0, ±1, halves, big and tiny
/// values for floats; the extremes and their neighbours for integers.
fn edge_values(dtype: Dtype) -> HostData {
    use half::{bf16, f16};
    let floats = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        2.0,
        -3.0,
        1e-3,
        -7.25,
        100.0,
        1e4,
    ];
    match dtype {
        Dtype::Bool => HostData::from(vec![false, true]),
        Dtype::Float16 => {
            HostData::from(floats.iter().map(|&x| f16::from_f64(x)).collect::<Vec<_>>())
        }
        Dtype::Bfloat16 => HostData::from(
            floats
                .iter()
                .map(|&x| bf16::from_f64(x))
                .collect::<Vec<_>>(),
        ),
        Dtype::Float32 => HostData::from(floats.iter().map(|&x| x as f32).collect::<Vec<_>>()),
        d => {
            let (lo, hi) = int_range(d);
            let mut v: Vec<i128> = vec![lo, lo + 1, -7, -2, -1, 0, 1, 2, 3, 7, hi - 1, hi];
            v.retain(|x| (lo..=hi).contains(x));
            v.sort_unstable();
            v.dedup();
            crate::strategies::host_data(
                &v.iter()
                    .map(|&x| crate::strategies::Raw::Bits((x - lo) as u64))
                    .collect::<Vec<_>>(),
                d,
                &Domain::GENERAL,
            )
        }
    }
}

/// Every unary op on the edge values of every dtype.
#[test]
fn unary_edge_values_match_cpu() {
    let Some(gpu) = crate::check::gpu() else {
        return;
    };
    let _gpu = crate::check::gpu_lock();
    let mut failures = Failures::new();
    for op in UnaryOp::ALL {
        for dt in GPU_DTYPES {
            if op.compute_dtype(dt).is_err() {
                continue;
            }
            let values = edge_values(dt);
            let c = table(values.clone(), false, Device::cpu());
            let g = table(values, false, gpu);
            let label = Label::new(format!("{} (edge values)", op.name())).input(&c, "Contiguous");
            let outcome = compare(
                &label,
                gpu,
                apply_unary(op, &c),
                apply_unary(op, &g),
                unary_tol(op),
            )
            .map_err(|e| e.to_string());
            failures.add(format!("{} on {dt}", op.name()), outcome);
        }
    }
    failures.finish("unary_edge_values_match_cpu");
}

// ----------------------------------------------------------------- binary

/// The op's public function.
pub fn apply_binary(op: BinaryOp, a: &Array, b: &Array) -> mlx::Result<Array> {
    use BinaryOp::*;
    match op {
        Add => ops::add(a, b),
        Subtract => ops::subtract(a, b),
        Multiply => ops::multiply(a, b),
        Divide => ops::divide(a, b),
        FloorDivide => ops::floor_divide(a, b),
        Remainder => ops::remainder(a, b),
        Power => ops::power(a, b),
        Maximum => ops::maximum(a, b),
        Minimum => ops::minimum(a, b),
        ArcTan2 => ops::arctan2(a, b),
        LogAddExp => ops::logaddexp(a, b),
        Equal => ops::equal(a, b),
        NotEqual => ops::not_equal(a, b),
        Less => ops::less(a, b),
        LessEqual => ops::less_equal(a, b),
        Greater => ops::greater(a, b),
        GreaterEqual => ops::greater_equal(a, b),
        LogicalAnd => ops::logical_and(a, b),
        LogicalOr => ops::logical_or(a, b),
        BitwiseAnd => ops::bitwise_and(a, b),
        BitwiseOr => ops::bitwise_or(a, b),
        BitwiseXor => ops::bitwise_xor(a, b),
        LeftShift => ops::left_shift(a, b),
        RightShift => ops::right_shift(a, b),
    }
}

/// Input ranges of a binary op: exponents stay small so that float powers
/// stay finite and accurate; integers span their dtype.
fn binary_domain(op: BinaryOp, second: bool) -> Domain {
    match op {
        BinaryOp::Power if second => Domain {
            ints: None,
            ..Domain::new(-4.0, 4.0, 0, 0)
        },
        BinaryOp::Power => Domain {
            ints: None,
            ..Domain::new(-8.0, 8.0, 0, 0)
        },
        _ => Domain::GENERAL,
    }
}

fn binary_tol(op: BinaryOp) -> Tol {
    match op {
        BinaryOp::Power | BinaryOp::ArcTan2 | BinaryOp::LogAddExp => Tol::Transcendental,
        _ => Tol::Arith,
    }
}

/// Every binary op on every GPU dtype (sometimes mixed with a second
/// dtype), on two random shapes that broadcast together, with random
/// layouts.
#[test]
fn binary_ops_match_cpu() {
    let mut failures = Failures::new();
    for op in BinaryOp::ALL {
        for dt in GPU_DTYPES {
            let other = prop_oneof![3 => Just(dt), 1 => dtype()];
            let outcome = check_result(
                CASES_PER_PAIR,
                (broadcast_pair(), other),
                |gpu, ((a, b), dt_b)| {
                    run_both(
                        gpu,
                        op.name(),
                        &[
                            In {
                                spec: &a,
                                dtype: dt,
                                domain: binary_domain(op, false),
                            },
                            In {
                                spec: &b,
                                dtype: dt_b,
                                domain: binary_domain(op, true),
                            },
                        ],
                        &|_| binary_tol(op),
                        &|x| apply_binary(op, &x[0], &x[1]),
                    )
                },
            );
            failures.add(format!("{} on {dt}", op.name()), outcome);
        }
    }
    failures.finish("binary_ops_match_cpu");
}

/// Every binary op on every pair of edge values of every dtype (a column
/// against a row, so the kernel also broadcasts).
#[test]
fn binary_edge_values_match_cpu() {
    let Some(gpu) = crate::check::gpu() else {
        return;
    };
    let _gpu = crate::check::gpu_lock();
    let mut failures = Failures::new();
    for op in BinaryOp::ALL {
        for dt in GPU_DTYPES {
            let ca = table(edge_values(dt), true, Device::cpu());
            let cb = table(edge_values(dt), false, Device::cpu());
            let ga = table(edge_values(dt), true, gpu);
            let gb = table(edge_values(dt), false, gpu);
            let label = Label::new(format!("{} (edge values, column vs row)", op.name()))
                .input(&ca, "Contiguous")
                .input(&cb, "Contiguous");
            let outcome = compare(
                &label,
                gpu,
                apply_binary(op, &ca, &cb),
                apply_binary(op, &ga, &gb),
                binary_tol(op),
            )
            .map_err(|e| e.to_string());
            failures.add(format!("{} on {dt}", op.name()), outcome);
        }
    }
    failures.finish("binary_edge_values_match_cpu");
}

// ------------------------------------------------------------------ where

/// `where(cond, x, y)` with broadcasting, random layouts and dtypes (the
/// condition of any dtype, cast to bool by the op).
#[test]
fn where_matches_cpu() {
    let s = (
        broadcast_triple(),
        prop_oneof![3 => Just(Dtype::Bool), 1 => dtype()],
        dtype(),
        prop_oneof![3 => Just(None), 1 => dtype().prop_map(Some)],
    );
    check(48, s, |gpu, ((c, x, y), dc, dx, dy)| {
        run_both(
            gpu,
            "where",
            &[
                In {
                    spec: &c,
                    dtype: dc,
                    domain: Domain::GENERAL,
                },
                In {
                    spec: &x,
                    dtype: dx,
                    domain: Domain::GENERAL,
                },
                In {
                    spec: &y,
                    dtype: dy.unwrap_or(dx),
                    domain: Domain::GENERAL,
                },
            ],
            &|_| Tol::Exact,
            &|v| ops::where_(&v[0], &v[1], &v[2]),
        )
    });
}

// ----------------------------------------------------------------- astype

/// Values of `from` whose cast to `to` is defined: floats cast to an
/// integer stay inside its range (and are never NaN/inf), either near 0
/// (`narrow`, with fractions) or across the range.
fn cast_domain(from: Dtype, to: Dtype, narrow: bool) -> Domain {
    let from_max = match from {
        Dtype::Float16 => 65504.0,
        _ => f64::from(f32::MAX),
    };
    if !from.is_float() || !to.is_integer() {
        // Float-to-float (incl. overflow to inf), anything to bool, and
        // integers (all wrap or round).
        return Domain {
            lo: -1e5,
            hi: 1e5,
            ..Domain::GENERAL
        };
    }
    let (lo, hi) = int_range(to);
    // 1% inside the range: bfloat16's spacing near 2^64 is 2^56, so a
    // bound of 0.999 * u64::MAX could round up to 2^64 (out of range).
    let (lo, hi) = (
        (lo as f64 * 0.99).max(-from_max),
        (hi as f64 * 0.99).min(from_max),
    );
    let (lo, hi) = if narrow {
        (lo.max(-300.0), hi.min(300.0))
    } else {
        (lo, hi)
    };
    Domain {
        lo,
        hi,
        specials: false,
        ints: None,
    }
}

/// `astype` for every pair of GPU dtypes, from random layouts.
#[test]
fn astype_all_pairs_match_cpu() {
    let mut failures = Failures::new();
    for from in GPU_DTYPES {
        for to in GPU_DTYPES {
            let outcome = check_result(4, (input(), any::<bool>()), |gpu, (spec, narrow)| {
                run_both(
                    gpu,
                    format!("astype({to})"),
                    &[In {
                        spec: &spec,
                        dtype: from,
                        domain: cast_domain(from, to, narrow),
                    }],
                    &|_| Tol::Exact,
                    &|x| ops::astype(&x[0], to),
                )
            });
            failures.add(format!("astype {from} -> {to}"), outcome);
        }
    }
    failures.finish("astype_all_pairs_match_cpu");
}

/// Float casts of edge values (NaN, inf, ±0, halves) to every float dtype
/// and to bool.
#[test]
fn astype_float_edge_values_match_cpu() {
    let Some(gpu) = crate::check::gpu() else {
        return;
    };
    let _gpu = crate::check::gpu_lock();
    let mut failures = Failures::new();
    for from in GPU_FLOATS {
        for to in [Dtype::Bool, Dtype::Float16, Dtype::Bfloat16, Dtype::Float32] {
            let mut v = edge_values(from);
            if let HostData::Float32(x) = &mut v {
                // Overflow to inf, and rounding to nearest even in f16/bf16.
                x.extend([70000.0, -1e30, 1.0009766, 1.0048828, 3.4e38, 1e-6, 6e-8]);
            }
            let c = table(v.clone(), false, Device::cpu());
            let g = table(v, false, gpu);
            let label = Label::new(format!("astype({to}) (edge values)")).input(&c, "Contiguous");
            let outcome = compare(
                &label,
                gpu,
                ops::astype(&c, to),
                ops::astype(&g, to),
                Tol::Exact,
            )
            .map_err(|e| e.to_string());
            failures.add(format!("astype {from} -> {to}"), outcome);
        }
    }
    failures.finish("astype_float_edge_values_match_cpu");
}

/// Integer casts of values whose float rounding is delicate (ties to even
/// in float32, float16 and bfloat16, values past 2^24 and 2^53, the
/// extremes) to every float dtype, and the extremes to every integer dtype.
#[test]
fn astype_int_edge_values_match_cpu() {
    let Some(gpu) = crate::check::gpu() else {
        return;
    };
    let _gpu = crate::check::gpu_lock();
    let wide: Vec<i128> = vec![
        (1 << 24) + 1,
        (1 << 24) + 3,
        (1 << 30) + (1 << 22) + 1,
        (1 << 30) + (1 << 22),
        (1 << 30) + (3 << 22),
        2049,
        2051,
        65519,
        65520,
        i32::MAX.into(),
        i32::MIN.into(),
        (1 << 53) + 1,
        (1 << 62) + (1 << 38) + 1,
        i64::MAX.into(),
        i64::MIN.into(),
        u32::MAX.into(),
        u64::MAX.into(),
        -((1 << 30) + (1 << 22) + 1),
    ];
    let mut failures = Failures::new();
    for from in GPU_DTYPES.into_iter().filter(|d| d.is_integer()) {
        let (lo, hi) = int_range(from);
        let v: Vec<crate::strategies::Raw> = wide
            .iter()
            .filter(|x| (lo..=hi).contains(*x))
            .map(|&x| crate::strategies::Raw::Bits((x - lo) as u64))
            .collect();
        let data = crate::strategies::host_data(&v, from, &Domain::GENERAL);
        for to in GPU_DTYPES {
            let c = table(data.clone(), false, Device::cpu());
            let g = table(data.clone(), false, gpu);
            let label = Label::new(format!("astype({to}) (edge values)")).input(&c, "Contiguous");
            let outcome = compare(
                &label,
                gpu,
                ops::astype(&c, to),
                ops::astype(&g, to),
                Tol::Exact,
            )
            .map_err(|e| e.to_string());
            failures.add(format!("astype {from} -> {to}"), outcome);
        }
    }
    failures.finish("astype_int_edge_values_match_cpu");
}

// ------------------------------------------------------------------- copy

/// `contiguous` (the `copy` primitive), a flattening reshape (a copy when
/// the view is not row-major) and the download itself, of every dtype
/// from random layouts.
#[test]
fn copy_of_views_matches_cpu() {
    let mut failures = Failures::new();
    for dt in GPU_DTYPES {
        let outcome = check_result(12, input(), |gpu, spec: InputSpec| {
            let one = |spec: &InputSpec, name: &str, f: &dyn Fn(&Array) -> mlx::Result<Array>| {
                run_both(
                    gpu,
                    name,
                    &[In {
                        spec,
                        dtype: dt,
                        domain: Domain::GENERAL,
                    }],
                    &|_| Tol::Exact,
                    &|x| f(&x[0]),
                )
            };
            one(&spec, "copy", &ops::contiguous)?;
            one(&spec, "reshape(-1)", &|a| ops::reshape(a, &[-1]))?;
            one(&spec, "download of the view", &|a| Ok(a.clone()))
        });
        failures.add(format!("copy on {dt}"), outcome);
    }
    failures.finish("copy_of_views_matches_cpu");
}

// ------------------------------------------------------------------- view

/// `view` for every pair of GPU dtypes from random layouts (the last axis
/// a multiple of 8 so every size ratio applies; 0-d inputs keep only the
/// same-size pairs). Bytes must match the CPU's exactly, NaN payloads
/// included.
#[test]
fn view_all_pairs_match_cpu_bytes() {
    let inputs = || {
        crate::strategies::shape_of_rank(0..=3)
            .prop_map(|mut s| {
                if let Some(last) = s.last_mut() {
                    *last *= 8;
                }
                s
            })
            .prop_flat_map(crate::strategies::input_of)
    };
    let mut failures = Failures::new();
    for from in GPU_DTYPES {
        for to in GPU_DTYPES {
            let outcome = check_result(3, inputs(), |gpu, spec| {
                let label = format!(
                    "view({to}) of {from} {:?}, {}",
                    spec.shape,
                    spec.describe_layout()
                );
                let fail = |what: String| TestCaseError::fail(format!("{label}: {what}"));
                let run = |device: Device| -> mlx::Result<(Vec<usize>, HostData)> {
                    let x = spec.build(from, &Domain::GENERAL, device)?;
                    let y = ops::view(&x, to)?;
                    Ok((y.shape().to_vec(), y.to_host_data()?))
                };
                match (run(Device::cpu()), run(gpu)) {
                    (Ok((cs, ch)), Ok((gs, gh))) => {
                        if cs != gs || ch.as_bytes() != gh.as_bytes() {
                            return Err(fail(format!("cpu {cs:?} {ch:?}, gpu {gs:?} {gh:?}")));
                        }
                        Ok(())
                    }
                    (Err(ce), Err(ge)) if ce.to_string() == ge.to_string() => Ok(()),
                    (c, g) => Err(fail(format!("cpu {:?}, gpu {:?}", c.err(), g.err()))),
                }
            });
            failures.add(format!("view {from} -> {to}"), outcome);
        }
    }
    failures.finish("view_all_pairs_match_cpu_bytes");
}
