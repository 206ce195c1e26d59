//! Convolutions against MLX 0.32.4 goldens (`tests/golden/conv.json`, made
//! by `tests/golden/gen_composite.py`): strides, symmetric and asymmetric
//! (and negative) padding, kernel and input dilation, groups, flips,
//! transposed convolutions, NumPy-style `convolve`, half types, and MLX's
//! `[conv]` errors.

use mlx::ops;
use mlx::Array;
use mlx_tests::{one, Case, Tol};

/// Golden cases that fail because of a bug in `crates/`, with the reason.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// A per-axis argument: an int or a list.
fn per_axis(case: &Case, key: &str) -> Vec<i64> {
    case.arg_i64s(key)
        .or_else(|| case.arg_i64(key).map(|v| vec![v]))
        .unwrap_or_else(|| panic!("{}: missing {key}", case.name))
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let (a, w) = (&x[0], &x[1]);
    let i = |k: &str| case.arg_i64(k).expect(k);
    let p = |k: &str| per_axis(case, k);
    one(match case.op.as_str() {
        "conv1d" => ops::conv1d(a, w, i("stride"), i("padding"), i("dilation"), i("groups")),
        "conv2d" => ops::conv2d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            i("groups"),
        ),
        "conv3d" => ops::conv3d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            i("groups"),
        ),
        "conv_general" => ops::conv_general(
            a,
            w,
            &p("stride"),
            &p("padding_lo"),
            &p("padding_hi"),
            &p("kernel_dilation"),
            &p("input_dilation"),
            i("groups"),
            case.arg_bool("flip"),
        ),
        "conv_transpose1d" => ops::conv_transpose1d(
            a,
            w,
            i("stride"),
            i("padding"),
            i("dilation"),
            i("output_padding"),
            i("groups"),
        ),
        "conv_transpose2d" => ops::conv_transpose2d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            &p("output_padding"),
            i("groups"),
        ),
        "conv_transpose3d" => ops::conv_transpose3d(
            a,
            w,
            &p("stride"),
            &p("padding"),
            &p("dilation"),
            &p("output_padding"),
            i("groups"),
        ),
        "convolve" => ops::convolve(a, w, case.args["mode"].as_str().expect("mode")),
        other => panic!("unknown conv op {other}"),
    })
}

fn tol(_case: &Case) -> Tol {
    Tol::Loose
}

mlx_tests::golden_op_tests! {
    family: "conv", apply: apply, tol: tol,
    ops: [conv1d, conv2d, conv3d, conv_general, conv_transpose1d, conv_transpose2d,
          conv_transpose3d, convolve]
}

/// A convolution config: `(x shape, w shape, stride, lo, hi, kernel
/// dilation, input dilation, groups, flip)`.
type Cfg = (
    Vec<usize>,
    Vec<usize>,
    Vec<i64>,
    Vec<i64>,
    Vec<i64>,
    Vec<i64>,
    Vec<i64>,
    usize,
    bool,
);

/// The oracle: `conv_general` by its definition, one output at a time in
/// float64 (row-major `x` and `w`).
fn naive(x: &[f64], w: &[f64], c: &Cfg) -> (Vec<f64>, Vec<usize>) {
    let (xs, ws, st, lo, hi, kd, idl, g, flip) = c;
    let d = xs.len() - 2;
    let cg = ws[d + 1];
    let cout = ws[0];
    let og = cout / g;
    let dil: Vec<i64> = (0..d)
        .map(|i| {
            if xs[1 + i] == 0 {
                0
            } else {
                (xs[1 + i] as i64 - 1) * idl[i] + 1
            }
        })
        .collect();
    let mut shape = vec![xs[0]];
    for i in 0..d {
        let ek = (ws[1 + i] as i64 - 1) * kd[i] + 1;
        shape.push(((dil[i] + lo[i] + hi[i] - ek) / st[i] + 1) as usize);
    }
    shape.push(cout);
    let unravel = |mut i: usize, dims: &[usize]| {
        let mut idx = vec![0; dims.len()];
        for a in (0..dims.len()).rev() {
            idx[a] = i % dims[a];
            i /= dims[a];
        }
        idx
    };
    let ravel =
        |idx: &[usize], dims: &[usize]| idx.iter().zip(dims).fold(0, |acc, (i, n)| acc * n + i);
    let n_out: usize = shape.iter().product();
    let taps: usize = ws[1..=d].iter().product();
    let mut y = vec![0.0; n_out];
    for (at, yv) in y.iter_mut().enumerate() {
        let oi = unravel(at, &shape);
        let co = oi[d + 1];
        let gi = co / og;
        for t in 0..taps {
            let k = unravel(t, &ws[1..=d]);
            let mut src = vec![oi[0]];
            let mut ok = true;
            for i in 0..d {
                let pos = oi[1 + i] as i64 * st[i] + k[i] as i64 * kd[i] - lo[i];
                if pos < 0 || pos >= dil[i] || pos % idl[i] != 0 {
                    ok = false;
                    break;
                }
                src.push((pos / idl[i]) as usize);
            }
            if !ok {
                continue;
            }
            let mut wk = vec![co];
            wk.extend((0..d).map(|i| if *flip { ws[1 + i] - 1 - k[i] } else { k[i] }));
            for ch in 0..cg {
                let mut xi = src.clone();
                xi.push(gi * cg + ch);
                let mut wi = wk.clone();
                wi.push(ch);
                *yv += x[ravel(&xi, xs)] * w[ravel(&wi, ws)];
            }
        }
    }
    (y, shape)
}

fn values(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

/// Run `c` through `conv_general` in `dt` on `device` (inputs laid out by
/// `layout`) and compare with the oracle.
fn check_cfg(
    device: &mlx::Device,
    c: &Cfg,
    dt: mlx::Dtype,
    layout: fn(&Array) -> Array,
    seed: u64,
) {
    use mlx::Dtype;
    let (xs, ws) = (&c.0, &c.1);
    let xv = values(xs.iter().product(), seed);
    let wv = values(ws.iter().product(), seed + 1);
    let (x, w) = (
        mlx_tests::from_f64(&xv, xs, dt, device),
        mlx_tests::from_f64(&wv, ws, dt, device),
    );
    // The oracle sees the inputs as rounded to `dt`.
    let back = mlx_tests::to_f64;
    let (want, shape) = naive(&back(&x), &back(&w), c);
    let (xl, wl) = (layout(&x), layout(&w));
    assert_eq!(xl.shape(), x.shape());
    let y = ops::conv_general(&xl, &wl, &c.2, &c.3, &c.4, &c.5, &c.6, c.7 as i64, c.8)
        .unwrap_or_else(|e| panic!("{c:?}: {e}"));
    assert!(
        matches!(y.primitive(), Some(mlx::primitive::Primitive::Fast(_))),
        "conv_general records the fused op"
    );
    assert_eq!(y.shape(), &shape[..], "{c:?}");
    let got = back(&y);
    let red = (c.1[1..].iter().product::<usize>()) as f64;
    let tol = match dt {
        Dtype::Float64 => 1e-12,
        Dtype::Float32 => 1e-6,
        _ => 1e-2,
    } * red.sqrt().max(1.0);
    for (i, (g, v)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g - v).abs() <= tol * (1.0 + v.abs()),
            "{c:?} {dt} at {i}: got {g}, want {v}"
        );
    }
}

fn cfgs() -> Vec<Cfg> {
    let u = |s: &[usize]| s.to_vec();
    let i = |s: &[i64]| s.to_vec();
    vec![
        // 1-d: plain, stride + groups, negative padding + flip + dilations.
        (
            u(&[2, 9, 4]),
            u(&[6, 3, 2]),
            i(&[2]),
            i(&[1]),
            i(&[2]),
            i(&[1]),
            i(&[1]),
            2,
            false,
        ),
        (
            u(&[1, 8, 3]),
            u(&[2, 2, 3]),
            i(&[1]),
            i(&[-1]),
            i(&[3]),
            i(&[2]),
            i(&[3]),
            1,
            true,
        ),
        // 2-d: the W5 shape in small, depthwise, everything at once.
        (
            u(&[2, 6, 5, 8]),
            u(&[8, 3, 3, 8]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            1,
            false,
        ),
        (
            u(&[1, 5, 7, 3]),
            u(&[6, 3, 2, 1]),
            i(&[2, 1]),
            i(&[0, 2]),
            i(&[1, 0]),
            i(&[1, 3]),
            i(&[1, 1]),
            3,
            false,
        ),
        (
            u(&[1, 4, 5, 4]),
            u(&[4, 2, 3, 2]),
            i(&[2, 1]),
            i(&[2, 0]),
            i(&[1, 2]),
            i(&[1, 2]),
            i(&[2, 1]),
            2,
            true,
        ),
        // 3-d with dilations.
        (
            u(&[1, 4, 3, 5, 2]),
            u(&[3, 2, 2, 2, 2]),
            i(&[1, 1, 2]),
            i(&[1, 0, 1]),
            i(&[0, 1, 1]),
            i(&[2, 1, 1]),
            i(&[1, 2, 1]),
            1,
            false,
        ),
        // Many output rows (several row blocks) and a long reduction
        // (several tap chunks accumulated).
        (
            u(&[2, 20, 20, 8]),
            u(&[16, 3, 3, 8]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            i(&[1, 1]),
            1,
            false,
        ),
        (
            u(&[1, 600, 64]),
            u(&[3, 500, 64]),
            i(&[1]),
            i(&[0]),
            i(&[0]),
            i(&[1]),
            i(&[1]),
            1,
            false,
        ),
        // Empty: no input channels, an all-padding input axis.
        (
            u(&[2, 5, 0]),
            u(&[3, 2, 0]),
            i(&[1]),
            i(&[0]),
            i(&[0]),
            i(&[1]),
            i(&[1]),
            1,
            false,
        ),
        (
            u(&[1, 0, 2]),
            u(&[2, 1, 2]),
            i(&[1]),
            i(&[1]),
            i(&[1]),
            i(&[1]),
            i(&[1]),
            1,
            false,
        ),
    ]
}

fn conv_kernel_matches_definition(device: &mlx::Device) {
    use mlx::Dtype;
    let gpu = device.kind == mlx::DeviceType::Gpu;
    let dts: &[Dtype] = if gpu {
        &[Dtype::Float32, Dtype::Float16, Dtype::Bfloat16]
    } else {
        &[
            Dtype::Float64,
            Dtype::Float32,
            Dtype::Float16,
            Dtype::Bfloat16,
        ]
    };
    for (k, c) in cfgs().iter().enumerate() {
        for &dt in dts {
            if dt == Dtype::Float16
                && gpu
                && !mlx::ops::zeros(&[1], dt).is_ok_and(|z| z.eval().is_ok())
            {
                continue;
            }
            check_cfg(device, c, dt, |a| a.clone(), k as u64);
        }
    }
}

/// Transposed, sliced and reversed views go in without a copy first.
fn conv_kernel_takes_non_contiguous_inputs(device: &mlx::Device) {
    // Channels-first data transposed to channels-last.
    fn transposed(a: &Array) -> Array {
        let nd = a.ndim() as i64;
        let mut to_cf = vec![0, nd - 1];
        to_cf.extend(1..nd - 1);
        let cf = ops::contiguous(&ops::transpose(a, &to_cf).unwrap()).unwrap();
        let mut back = vec![0];
        back.extend(2..nd);
        back.push(1);
        ops::transpose(&cf, &back).unwrap()
    }
    // Every other element of a twice-longer last axis.
    fn strided(a: &Array) -> Array {
        let big = ops::repeat(a, 2, Some(-1)).unwrap();
        let mut args = vec![ops::SliceArg::full(); a.ndim()];
        args[a.ndim() - 1] = ops::SliceArg::range(None, None, 2);
        big.index(&args).unwrap()
    }
    for (k, c) in cfgs().iter().take(6).enumerate() {
        check_cfg(device, c, mlx::Dtype::Float32, transposed, 40 + k as u64);
        check_cfg(device, c, mlx::Dtype::Float32, strided, 50 + k as u64);
    }
}

mlx_tests::device_tests!(
    conv_kernel_matches_definition,
    conv_kernel_takes_non_contiguous_inputs
);
