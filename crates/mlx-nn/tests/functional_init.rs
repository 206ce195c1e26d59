//! The initializers with fixed keys: exact shape and dtype, fans as MLX
//! computes them, and sample statistics (mean, standard deviation, bounds)
//! of large draws. The bit-exact comparison with MLX's own initializers
//! after `mx.random.seed` is in `functional.rs`.

use mlx_core::{ops, random, Array, Dtype};
use mlx_cpu as _;
use mlx_nn::init::{self, fan_in_fan_out, FanMode, Initializer};

fn zeros(shape: &[usize]) -> Array {
    ops::zeros(shape, Dtype::Float32).unwrap()
}

fn key(seed: u64) -> Option<Array> {
    Some(random::key(seed).unwrap())
}

/// `(mean, std, min, max)` of a draw, computed on the host in f64.
fn stats(a: &Array) -> (f64, f64, f64, f64) {
    let v: Vec<f64> = ops::astype(a, Dtype::Float64)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (mean, var.sqrt(), min, max)
}

#[test]
fn fans_match_mlx_for_linear_and_conv_weights() {
    assert_eq!(fan_in_fan_out(&[8, 4]).unwrap(), (4, 8));
    // Conv1d weight (out, k, in), Conv2d (out, kh, kw, in), Conv3d.
    assert_eq!(fan_in_fan_out(&[16, 3, 4]).unwrap(), (12, 48));
    assert_eq!(fan_in_fan_out(&[8, 3, 3, 4]).unwrap(), (36, 72));
    assert_eq!(fan_in_fan_out(&[2, 2, 3, 5, 7]).unwrap(), (7 * 30, 2 * 30));
    let e = fan_in_fan_out(&[5]).unwrap_err().to_string();
    assert!(
        e.starts_with("[fan_in_fan_out] glorot / he initialization requires at least 2"),
        "{e}"
    );
}

#[test]
fn shape_and_dtype_of_every_initializer() {
    for dt in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        let inits: Vec<(&str, Initializer)> = vec![
            ("constant", init::constant(0.5, dt)),
            ("normal", init::normal(0.0, 1.0, dt, key(1))),
            ("uniform", init::uniform(0.0, 1.0, dt, key(2))),
            ("glorot_normal", init::glorot_normal(dt, 1.0, key(3))),
            ("glorot_uniform", init::glorot_uniform(dt, 1.0, key(4))),
            (
                "he_normal",
                init::he_normal(dt, FanMode::FanIn, 1.0, key(5)),
            ),
            (
                "he_uniform",
                init::he_uniform(dt, FanMode::FanOut, 1.0, key(6)),
            ),
        ];
        for (name, f) in &inits {
            for shape in [&[3usize, 5][..], &[4, 3, 3, 2][..]] {
                let w = f(&zeros(shape)).unwrap();
                assert_eq!(w.shape(), shape, "{name}");
                assert_eq!(w.dtype(), dt, "{name}");
            }
        }
        let eye = init::identity(dt)(&zeros(&[3, 3])).unwrap();
        assert_eq!(eye.dtype(), dt);
        assert_eq!(
            ops::astype(&eye, Dtype::Float32)
                .unwrap()
                .to_vec::<f32>()
                .unwrap(),
            vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
        );
    }
    // The input's values and dtype are ignored; only its shape counts.
    let ints = Array::from_slice(&[7i32; 6], &[2, 3]).unwrap();
    let c = init::constant(-2.0, Dtype::Float32)(&ints).unwrap();
    assert_eq!(c.to_vec::<f32>().unwrap(), vec![-2.0; 6]);
}

#[test]
fn a_key_makes_the_draw_reproducible_and_none_advances_the_generator() {
    let f = init::normal(0.0, 1.0, Dtype::Float32, key(42));
    let w = zeros(&[4, 4]);
    assert_eq!(
        f(&w).unwrap().to_vec::<f32>().unwrap(),
        f(&w).unwrap().to_vec::<f32>().unwrap()
    );
    // The same key as mlx.random.normal's: init.normal(mean, std) is
    // mean + std * normal(key).
    let direct = random::normal(&[4, 4], Dtype::Float32, None, None, key(42).as_ref()).unwrap();
    let scaled = init::normal(1.0, 2.0, Dtype::Float32, key(42))(&w).unwrap();
    for (a, b) in direct
        .to_vec::<f32>()
        .unwrap()
        .iter()
        .zip(scaled.to_vec::<f32>().unwrap())
    {
        assert!((1.0 + 2.0 * a - b).abs() < 1e-5);
    }
    let g = init::uniform(0.0, 1.0, Dtype::Float32, None);
    random::seed(3);
    let first = g(&w).unwrap().to_vec::<f32>().unwrap();
    let second = g(&w).unwrap().to_vec::<f32>().unwrap();
    assert_ne!(first, second);
    random::seed(3);
    assert_eq!(g(&w).unwrap().to_vec::<f32>().unwrap(), first);
}

#[test]
fn normal_and_uniform_statistics() {
    let w = zeros(&[200, 250]);
    let (m, s, _, _) = stats(&init::normal(0.5, 2.0, Dtype::Float32, key(7))(&w).unwrap());
    assert!((m - 0.5).abs() < 0.03, "mean {m}");
    assert!((s - 2.0).abs() < 0.03, "std {s}");
    let (m, s, lo, hi) = stats(&init::uniform(-2.0, 3.0, Dtype::Float32, key(8))(&w).unwrap());
    assert!((m - 0.5).abs() < 0.03, "mean {m}");
    assert!((s - 5.0 / 12f64.sqrt()).abs() < 0.02, "std {s}");
    assert!(
        lo >= -2.0 && hi < 3.0 && lo < -1.99 && hi > 2.99,
        "bounds {lo} {hi}"
    );
}

#[test]
fn glorot_statistics_on_linear_and_conv_shapes() {
    for (shape, fans) in [
        (&[300usize, 200][..], 500.0),
        (&[64, 3, 3, 32][..], 9.0 * 96.0),
    ] {
        let w = zeros(shape);
        let gain = 1.5;
        let (m, s, _, _) = stats(&init::glorot_normal(Dtype::Float32, gain, key(9))(&w).unwrap());
        let want = gain * (2.0f64 / fans).sqrt();
        assert!(m.abs() < 0.02 * want * 5.0, "mean {m}");
        assert!((s / want - 1.0).abs() < 0.02, "std {s} want {want}");
        let (m, s, lo, hi) =
            stats(&init::glorot_uniform(Dtype::Float32, gain, key(10))(&w).unwrap());
        let limit = gain * (6.0f64 / fans).sqrt();
        assert!(
            lo >= -limit && hi <= limit,
            "bounds {lo} {hi} limit {limit}"
        );
        assert!(
            lo < -0.99 * limit && hi > 0.99 * limit,
            "bounds {lo} {hi} limit {limit}"
        );
        assert!(m.abs() < 0.02 * limit, "mean {m}");
        assert!((s / (limit / 3f64.sqrt()) - 1.0).abs() < 0.02, "std {s}");
    }
}

#[test]
fn he_statistics_by_mode() {
    // (out, k, in) = (120, 5, 40): fan_in = 200, fan_out = 600.
    let w = zeros(&[120, 5, 40]);
    for (mode, fan) in [(FanMode::FanIn, 200.0), (FanMode::FanOut, 600.0)] {
        let gain = 2.0;
        let (_, s, _, _) =
            stats(&init::he_normal(Dtype::Float32, mode, gain, key(11))(&w).unwrap());
        let want = gain / f64::sqrt(fan);
        assert!(
            (s / want - 1.0).abs() < 0.02,
            "{mode:?}: std {s} want {want}"
        );
        let (m, s, lo, hi) =
            stats(&init::he_uniform(Dtype::Float32, mode, gain, key(12))(&w).unwrap());
        let limit = gain * (3.0 / fan).sqrt();
        assert!(lo >= -limit && hi <= limit && lo < -0.99 * limit && hi > 0.99 * limit);
        assert!(m.abs() < 0.02 * limit, "mean {m}");
        assert!((s / (limit / 3f64.sqrt()) - 1.0).abs() < 0.02, "std {s}");
    }
}

#[test]
fn initializer_errors_name_the_initializer() {
    let v = zeros(&[5]);
    let cases: Vec<(&str, Initializer)> = vec![
        (
            "glorot_normal",
            init::glorot_normal(Dtype::Float32, 1.0, None),
        ),
        (
            "glorot_uniform",
            init::glorot_uniform(Dtype::Float32, 1.0, None),
        ),
        (
            "he_normal",
            init::he_normal(Dtype::Float32, FanMode::FanIn, 1.0, None),
        ),
        (
            "he_uniform",
            init::he_uniform(Dtype::Float32, FanMode::FanIn, 1.0, None),
        ),
    ];
    for (name, f) in &cases {
        let e = f(&v).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("[{name}] glorot / he initialization")),
            "{e}"
        );
        let e = f(&zeros(&[0, 0])).unwrap_err().to_string(); // MLX: ZeroDivisionError
        assert!(e.starts_with(&format!("[{name}]")), "{e}");
    }
    let e = init::identity(Dtype::Float32)(&zeros(&[2, 3]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "[identity] the input array must be a square matrix but got shape (2, 3)"
    );
    let e = init::normal(0.0, 1.0, Dtype::Int32, None)(&v)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("[normal]"), "{e}");
    let e = init::uniform(0.0, 1.0, Dtype::Int32, None)(&v)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("[uniform]"), "{e}");
    let e = "fan_avg".parse::<FanMode>().unwrap_err().to_string();
    assert!(e.contains("fan_in, fan_out"), "{e}");
}
