//! `adam_update` (the fused Adam step, [`MultiOp::Adam`]) against the same
//! update written here with ordinary ops, bit for bit in every float dtype
//! (the kernel rounds after each step as the ops do), and against values
//! derived by hand. Inputs of one shape and float dtype make one fused
//! node; mixed shapes and dtypes run the ops. Its derivatives and `vmap`
//! follow the ops'.

use mlx::ops::{self, adam_update};
use mlx::primitive::{MultiOp, Primitive};
use mlx::{Array, Device, Dtype, HostData};

const BETAS: [f64; 2] = [0.9, 0.999];
const EPS: f64 = 1e-8;

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn arr(v: Vec<f64>, shape: &[usize], dt: Dtype, device: &Device) -> Array {
    let a = mlx_tests::from_f64(&v, shape, dt, device);
    mlx::eval(&[&a]).unwrap();
    a
}

/// The update with separate ops, as MLX's `Adam.apply_single` writes it.
fn by_ops(
    p: &Array,
    m: &Array,
    v: &Array,
    g: &Array,
    step: &Array,
    c2: Option<&Array>,
) -> (Array, Array, Array) {
    let [b1, b2] = BETAS;
    let m = ((b1 * m).unwrap() + ((1.0 - b1) * g).unwrap()).unwrap();
    let v = ((b2 * v).unwrap() + ((1.0 - b2) * &ops::square(g).unwrap()).unwrap()).unwrap();
    let num = (step * &m).unwrap();
    let root = ops::sqrt(&v).unwrap();
    let den = match c2 {
        Some(c2) => ((&root * c2).unwrap() + EPS).unwrap(),
        None => (&root + EPS).unwrap(),
    };
    let p = (p - &(&num / &den).unwrap()).unwrap();
    (p, m, v)
}

fn bits(a: &Array) -> Vec<f64> {
    mlx_tests::to_f64(a)
}

fn assert_same(got: &(Array, Array, Array), want: &(Array, Array, Array), what: &str) {
    for (k, (g, w)) in [(&got.0, &want.0), (&got.1, &want.1), (&got.2, &want.2)]
        .into_iter()
        .enumerate()
    {
        assert_eq!(g.shape(), w.shape(), "{what}: output {k} shape");
        assert_eq!(g.dtype(), w.dtype(), "{what}: output {k} dtype");
        let (g, w) = (bits(g), bits(w));
        for (i, (a, b)) in g.iter().zip(&w).enumerate() {
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{what}: output {k} element {i}: fused {a} vs ops {b}"
            );
        }
    }
}

fn adam_update_matches_ops_bitwise(device: &Device) {
    let shapes: &[&[usize]] = &[&[], &[0], &[1], &[3, 5], &[70_001]];
    for dt in [
        Dtype::Float32,
        Dtype::Float64,
        Dtype::Float16,
        Dtype::Bfloat16,
    ] {
        if mlx_tests::is_gpu(device) && mlx_tests::gpu_unsupported(dt) {
            continue;
        }
        for (si, shape) in shapes.iter().enumerate() {
            let n: usize = shape.iter().product();
            let p = arr(values(n, 1 + si as u64), shape, dt, device);
            let g = arr(values(n, 2 + si as u64), shape, dt, device);
            let m = arr(values(n, 3 + si as u64), shape, dt, device);
            // Second moments are non-negative.
            let v = ops::abs(&arr(values(n, 4 + si as u64), shape, dt, device)).unwrap();
            let step = arr(vec![1e-3 / (1.0 - 0.9f64.powi(3))], &[], dt, device);
            let c2 = arr(vec![1.0 / (1.0 - 0.999f64.powi(3)).sqrt()], &[], dt, device);
            for c2 in [None, Some(&c2)] {
                let what = format!("{dt} {shape:?} bias correction {}", c2.is_some());
                let got = adam_update(&p, &m, &v, &g, &step, c2, BETAS, EPS).unwrap();
                assert_eq!(
                    got.0.primitive(),
                    Some(Primitive::Multi(MultiOp::Adam {
                        betas: BETAS,
                        eps: EPS
                    })),
                    "{what}: one fused node"
                );
                let want = by_ops(&p, &m, &v, &g, &step, c2);
                assert_same(&got, &want, &what);
            }
        }
    }
}

/// Transposed and offset views (gathered by the kernel first)
/// and a broadcast gradient (no fused node) give the ops' values too.
fn adam_update_views_and_broadcast(device: &Device) {
    let base = arr(values(4 * 6, 7), &[4, 6], Dtype::Float32, device);
    let p = ops::transpose(&base, &[1, 0]).unwrap(); // [6, 4], strided
                                                     // Rows 1.. of a [7, 4] array: a view at an offset.
    let rows = [ops::SliceArg::range(Some(1), None, 1)];
    let m = ops::index(
        &arr(values(7 * 4, 8), &[7, 4], Dtype::Float32, device),
        &rows,
    )
    .unwrap();
    let v = ops::abs(&arr(values(24, 9), &[6, 4], Dtype::Float32, device)).unwrap();
    let g = arr(values(24, 10), &[6, 4], Dtype::Float32, device);
    let step = Array::from_scalar(0.01f32);
    let got = adam_update(&p, &m, &v, &g, &step, None, BETAS, EPS).unwrap();
    assert_same(&got, &by_ops(&p, &m, &v, &g, &step, None), "views");
    // A gradient broadcast along rows: the shapes differ, so ops run.
    let g_row = arr(values(4, 11), &[4], Dtype::Float32, device);
    let got = adam_update(&p, &m, &v, &g_row, &step, None, BETAS, EPS).unwrap();
    assert_same(&got, &by_ops(&p, &m, &v, &g_row, &step, None), "broadcast");
    // Mixed dtypes promote as the ops do (no fused node).
    let g16 = g.as_type(Dtype::Float16).unwrap();
    let got = adam_update(&p, &m, &v, &g16, &step, None, BETAS, EPS).unwrap();
    assert_same(&got, &by_ops(&p, &m, &v, &g16, &step, None), "mixed dtypes");
}

/// Values derived by hand (all exact in binary floating point).
fn adam_update_by_hand(device: &Device) {
    for dt in [
        Dtype::Float32,
        Dtype::Float16,
        Dtype::Bfloat16,
        Dtype::Float64,
    ] {
        if mlx_tests::is_gpu(device) && mlx_tests::gpu_unsupported(dt) {
            continue;
        }
        let a = |x: f64| arr(vec![x], &[1], dt, device);
        let s = |x: f64| arr(vec![x], &[], dt, device);
        let (p, m, v, g) = (a(1.0), a(0.0), a(0.0), a(2.0));
        // m = 0.5 * 2 = 1, v = 0.25 * 4 = 1; p = 1 - 0.5 * 1 / (1 + 0).
        let (p1, m1, v1) = adam_update(&p, &m, &v, &g, &s(0.5), None, [0.5, 0.75], 0.0).unwrap();
        assert_eq!(
            (bits(&p1), bits(&m1), bits(&v1)),
            (vec![0.5], vec![1.0], vec![1.0]),
            "{dt}"
        );
        // With c2 = 2 and eps = 0.5: p = 1 - 0.5 * 1 / (1 * 2 + 0.5) = 0.8.
        let (p2, _, _) =
            adam_update(&p, &m, &v, &g, &s(0.5), Some(&s(2.0)), [0.5, 0.75], 0.5).unwrap();
        let want = match dt {
            Dtype::Float64 => 0.8,
            Dtype::Float32 => 0.8f32 as f64,
            Dtype::Float16 => half::f16::from_f64(0.8).to_f64(),
            _ => half::bf16::from_f64(0.8).to_f64(),
        };
        assert_eq!(bits(&p2), vec![want], "{dt} with bias correction");
    }
}

fn adam_update_rejects_non_scalar_steps(device: &Device) {
    let x = Array::from_host_data_on(HostData::from(vec![1.0f32, 2.0]), &[2], *device).unwrap();
    let e = adam_update(&x, &x, &x, &x, &x, None, BETAS, EPS)
        .unwrap_err()
        .to_string();
    assert!(e.contains("adam_update") && e.contains("scalar"), "{e}");
    let s = Array::from_scalar(1.0f32);
    let e = adam_update(&x, &x, &x, &x, &s, Some(&x), BETAS, EPS)
        .unwrap_err()
        .to_string();
    assert!(e.contains("adam_update") && e.contains("c2"), "{e}");
}

/// The gradient through the fused node equals the gradient through the
/// ops (float64, float32 on a GPU; bias correction), and `vmap` over a
/// batch of parameters equals the update of each.
fn adam_update_transforms_follow_the_ops(device: &Device) {
    let (dt, tol) = if mlx_tests::is_gpu(device) {
        (Dtype::Float32, 1e-5)
    } else {
        (Dtype::Float64, 1e-12)
    };
    let n = 5;
    let ins: Vec<Array> = (0..4)
        .map(|k| ops::abs(&arr(values(n, 20 + k), &[n], dt, device)).unwrap())
        .collect();
    let step = arr(vec![0.1], &[], dt, device);
    let c2 = arr(vec![1.5], &[], dt, device);
    let cot = vec![
        arr(values(n, 30), &[n], dt, device),
        arr(values(n, 31), &[n], dt, device),
        arr(values(n, 32), &[n], dt, device),
    ];
    let fused = |x: &[Array]| {
        let (p, m, v) = adam_update(&x[0], &x[1], &x[2], &x[3], &step, Some(&c2), BETAS, EPS)?;
        Ok(vec![p, m, v])
    };
    let plain = |x: &[Array]| {
        let (p, m, v) = by_ops(&x[0], &x[1], &x[2], &x[3], &step, Some(&c2));
        Ok(vec![p, m, v])
    };
    let (_, gf) = mlx::transforms::vjp(fused, &ins, &cot).unwrap();
    let (_, gp) = mlx::transforms::vjp(plain, &ins, &cot).unwrap();
    for (k, (a, b)) in gf.iter().zip(&gp).enumerate() {
        let (a, b) = (bits(a), bits(b));
        for (x, y) in a.iter().zip(&b) {
            assert!(
                (x - y).abs() <= tol * (1.0 + y.abs()),
                "cotangent of input {k}: {x} vs {y}"
            );
        }
    }
    // vmap over a batch of 3 parameters (axis 0), the scalars unbatched.
    let batch: Vec<Array> = (0..4)
        .map(|k| ops::abs(&arr(values(3 * n, 40 + k), &[3, n], dt, device)).unwrap())
        .collect();
    let vm = mlx::transforms::vmap(fused, &[Some(0); 4], &[0, 0, 0])(&batch).unwrap();
    for row in 0..3i32 {
        let rows: Vec<Array> = batch
            .iter()
            .map(|b| ops::take(b, row, 0).unwrap())
            .collect();
        let want = by_ops(&rows[0], &rows[1], &rows[2], &rows[3], &step, Some(&c2));
        let got = (
            ops::take(&vm[0], row, 0).unwrap(),
            ops::take(&vm[1], row, 0).unwrap(),
            ops::take(&vm[2], row, 0).unwrap(),
        );
        assert_same(&got, &want, &format!("vmap row {row}"));
    }
}

/// On the CPU, an old parameter and moments that nobody else holds give
/// their buffers to the new ones (MLX's donation: the step allocates
/// nothing), with the ops' values; a moment still held elsewhere keeps
/// its buffer and values, and its update goes to a new buffer.
#[test]
fn adam_update_writes_into_donated_buffers() {
    let dev = Device::cpu();
    // 70,001 elements: several parallel chunks and a partial block.
    let shape = [70_001];
    for dt in [
        Dtype::Float32,
        Dtype::Float64,
        Dtype::Float16,
        Dtype::Bfloat16,
    ] {
        for keep_m in [false, true] {
            let what = format!("{dt} keep m {keep_m}");
            let mk = |seed| arr(values(shape[0], seed), &shape, dt, &dev);
            let (p, m, g) = (mk(1), mk(2), mk(4));
            let v = ops::abs(&mk(3)).unwrap();
            v.eval().unwrap();
            let step = arr(vec![1e-3], &[], dt, &dev);
            let c2 = arr(vec![1.5], &[], dt, &dev);
            let want = {
                let w = by_ops(&p, &m, &v, &g, &step, Some(&c2));
                (bits(&w.0), bits(&w.1), bits(&w.2))
            };
            let m_before = bits(&m);
            let ptrs = [&p, &m, &v].map(|a| a.data_ptr().unwrap());
            let (p2, m2, v2) = adam_update(&p, &m, &v, &g, &step, Some(&c2), BETAS, EPS).unwrap();
            let held = keep_m.then(|| m.clone());
            drop((p, m, v));
            mlx::eval(&[&p2, &m2, &v2]).unwrap();
            assert_eq!(p2.data_ptr(), Some(ptrs[0]), "{what}: p in place");
            assert_eq!(v2.data_ptr(), Some(ptrs[2]), "{what}: v in place");
            assert_eq!(m2.data_ptr() == Some(ptrs[1]), !keep_m, "{what}: m");
            if let Some(m) = held {
                assert_eq!(bits(&m), m_before, "{what}: held m unchanged");
            }
            let got = (bits(&p2), bits(&m2), bits(&v2));
            for (k, (g, w)) in [(&got.0, &want.0), (&got.1, &want.1), (&got.2, &want.2)]
                .into_iter()
                .enumerate()
            {
                let same = g
                    .iter()
                    .zip(w)
                    .all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
                assert!(
                    same && g.len() == w.len(),
                    "{what}: output {k} differs from the ops"
                );
            }
        }
    }
}

mlx_tests::device_tests!(
    adam_update_matches_ops_bitwise,
    adam_update_views_and_broadcast,
    adam_update_by_hand,
    adam_update_rejects_non_scalar_steps,
    adam_update_transforms_follow_the_ops,
);
