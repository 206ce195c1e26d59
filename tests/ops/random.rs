//! `mlx::random` against MLX 0.32.4 goldens (`tests/golden/random.json`,
//! made by `gen_random.py`): keys, splits and samples of every
//! distribution for fixed keys, bit for bit where MLX's values are exactly
//! rounded functions of the key (`args.exact`), within the transcendental
//! tolerance where they pass through `erfinv`/`log`. Keys and bounds are
//! also given as transposed and negatively strided views. Then statistical
//! checks with fixed keys (mean, variance and a Kolmogorov-Smirnov or
//! chi-square statistic against the exact distribution, with thresholds a
//! correct sampler meets and a wrong distribution misses), the default key
//! sequence, and `bits` of narrow widths.

use mlx::{ops, random, vmap, with_default_device, Array, Device, Dtype};
use mlx_tests::{check_case, load, one, Case, Failures, Layout, Tol};

fn shape_arg(case: &Case, key: &str) -> Option<Vec<usize>> {
    case.args
        .get(key)
        .filter(|v| !v.is_null())
        .map(|_| case.arg_usizes(key))
}

fn apply(case: &Case, x: &[Array]) -> mlx::Result<Vec<Array>> {
    let shape = shape_arg(case, "shape");
    let dtype = case.arg_dtype("dtype").unwrap_or(Dtype::Float32);
    let s = shape.as_deref().unwrap_or(&[]);
    let key = x.first();
    let vmapped = |f: &dyn Fn(&Array) -> mlx::Result<Array>| {
        let ax = case.arg_i64("in_axis");
        let g = vmap(|k: &[Array]| Ok(vec![f(&k[0])?]), &[ax], &[0]);
        g(&x[..1])
    };
    one(match case.op.as_str() {
        "key" => random::key(case.args["seed"].as_u64().expect("seed")),
        "split" => random::split(&x[0], case.arg_i64("num").expect("num")),
        "uniform" => random::uniform(&x[1], &x[2], s, dtype, key),
        "normal" => {
            let mut rest = x[1..].iter();
            let loc = if case.arg_bool("loc") {
                rest.next()
            } else {
                None
            };
            let scale = if case.arg_bool("scale") {
                rest.next()
            } else {
                None
            };
            random::normal(s, dtype, loc, scale, key)
        }
        "randint" => random::randint(&x[1], &x[2], s, dtype, key),
        "bernoulli" => random::bernoulli(&x[1], shape.as_deref(), key),
        "gumbel" => random::gumbel(s, dtype, key),
        "laplace" => random::laplace(
            s,
            dtype,
            case.arg_f64("loc").unwrap_or(0.0) as f32,
            case.arg_f64("scale").unwrap_or(1.0) as f32,
            key,
        ),
        "truncated_normal" => random::truncated_normal(&x[1], &x[2], shape.as_deref(), dtype, key),
        "categorical" => random::categorical(
            &x[1],
            case.arg_i64("axis").unwrap_or(-1),
            shape.as_deref(),
            case.arg_i64("num_samples").map(|n| n as usize),
            key,
        ),
        "multivariate_normal" => random::multivariate_normal(&x[1], &x[2], s, dtype, key),
        "vmap_uniform" => {
            return vmapped(&|k| {
                random::uniform_unit(&case.arg_usizes("shape"), Dtype::Float32, Some(k))
            })
        }
        "vmap_split" => return vmapped(&|k| random::split(k, case.arg_i64("num").expect("num"))),
        "vmap_normal" => {
            return vmapped(&|k| {
                random::normal(
                    &case.arg_usizes("shape"),
                    Dtype::Float32,
                    None,
                    None,
                    Some(k),
                )
            })
        }
        other => panic!("unknown random op {other}"),
    })
}

fn tol(case: &Case) -> Tol {
    if case.arg_bool("exact") {
        Tol::Exact
    } else {
        Tol::Loose
    }
}

/// Every golden case of `op` with contiguous, transposed and reversed
/// inputs (the last two where some input has the dims for them).
fn golden(device: &Device, op: &str) {
    with_default_device(*device, || {
        let mut failures = Failures::new();
        for case in load("random").iter().filter(|c| c.op == op) {
            for layout in [Layout::Contiguous, Layout::Transposed, Layout::Reversed] {
                if let Some(outcome) = check_case(case, device, layout, tol(case), &apply) {
                    failures.check(&format!("{} ({layout:?})", case.name), outcome);
                }
            }
        }
        failures.finish(&format!("random {op} goldens"));
    })
}

macro_rules! golden_tests {
    ($($name:ident => $op:literal),* $(,)?) => {
        $(fn $name(device: &Device) {
            golden(device, $op)
        })*
    };
}

golden_tests! {
    key_golden => "key",
    split_golden => "split",
    uniform_golden => "uniform",
    normal_golden => "normal",
    randint_golden => "randint",
    bernoulli_golden => "bernoulli",
    gumbel_golden => "gumbel",
    laplace_golden => "laplace",
    truncated_normal_golden => "truncated_normal",
    categorical_golden => "categorical",
    multivariate_normal_errors_golden => "multivariate_normal",
    vmap_uniform_batched_keys_golden => "vmap_uniform",
    vmap_split_batched_keys_golden => "vmap_split",
    vmap_normal_batched_keys_golden => "vmap_normal",
}

mod stats {
    //! Statistical checks with fixed keys.

    use super::*;

    pub(super) fn samples(a: &Array) -> Vec<f64> {
        a.as_type(Dtype::Float32)
            .unwrap()
            .to_vec::<f32>()
            .unwrap()
            .into_iter()
            .map(f64::from)
            .collect()
    }

    pub(super) fn mean_var(x: &[f64]) -> (f64, f64) {
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        (m, x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n)
    }

    /// Kolmogorov-Smirnov distance between the samples and `cdf`.
    pub(super) fn ks(x: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
        let mut s = x.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len() as f64;
        s.iter()
            .enumerate()
            .map(|(i, &v)| {
                let f = cdf(v);
                (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
            })
            .fold(0.0, f64::max)
    }

    /// KS threshold at significance 0.001 for `n` samples (1.95 / sqrt(n)).
    pub(super) fn ks_limit(n: usize) -> f64 {
        1.95 / (n as f64).sqrt()
    }

    /// Pearson's chi-square statistic of `counts` against `probs`.
    pub(super) fn chi2(counts: &[usize], probs: &[f64]) -> f64 {
        let n: usize = counts.iter().sum();
        counts
            .iter()
            .zip(probs)
            .map(|(&c, &p)| {
                let e = p * n as f64;
                (c as f64 - e).powi(2) / e
            })
            .sum()
    }

    /// Chi-square critical value at significance 0.001 for `dof` degrees
    /// of freedom (Wilson-Hilferty approximation).
    pub(super) fn chi2_limit(dof: usize) -> f64 {
        let k = dof as f64;
        let z = 3.09;
        k * (1.0 - 2.0 / (9.0 * k) + z * (2.0 / (9.0 * k)).sqrt()).powi(3)
    }

    /// erf to about 1e-7 (Abramowitz and Stegun 7.1.26 is 1.5e-7).
    pub(super) fn erf(x: f64) -> f64 {
        let t = 1.0 / (1.0 + 0.3275911 * x.abs());
        let y = 1.0
            - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592)
                * t
                * (-x * x).exp();
        y.copysign(x)
    }

    pub(super) fn phi(x: f64) -> f64 {
        0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
    }
}

use stats::*;

const N: usize = 20_000;

fn k(seed: u64) -> Array {
    random::key(seed).unwrap()
}

fn uniform_distribution(device: &Device) {
    with_default_device(*device, || {
        for dt in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
            let x = samples(&random::uniform_unit(&[N], dt, Some(&k(1))).unwrap());
            let (m, v) = mean_var(&x);
            assert!((m - 0.5).abs() < 0.01, "{dt}: mean {m}");
            assert!((v - 1.0 / 12.0).abs() < 0.003, "{dt}: var {v}");
            assert!(
                x.iter().all(|&u| (0.0..1.0).contains(&u)),
                "{dt}: outside [0, 1)"
            );
            // bfloat16 has 8-bit steps: compare at its resolution
            let d = ks(&x, |u| u.clamp(0.0, 1.0));
            let lim = ks_limit(N)
                + if dt == Dtype::Bfloat16 {
                    1.0 / 256.0
                } else {
                    0.0
                };
            assert!(d < lim, "{dt}: KS {d} >= {lim}");
        }
        // A wrong distribution (u^2) fails the same test.
        let u = random::uniform_unit(&[N], Dtype::Float32, Some(&k(1))).unwrap();
        assert!(ks(&samples(&u.square().unwrap()), |u| u.clamp(0.0, 1.0)) > ks_limit(N));
    })
}

fn normal_distribution(device: &Device) {
    with_default_device(*device, || {
        let loc = Array::from_scalar(2.0f32);
        let scale = Array::from_scalar(3.0f32);
        let x = samples(
            &random::normal(&[N], Dtype::Float32, Some(&loc), Some(&scale), Some(&k(2))).unwrap(),
        );
        let (m, v) = mean_var(&x);
        assert!((m - 2.0).abs() < 0.1, "mean {m}");
        assert!((v - 9.0).abs() < 0.4, "var {v}");
        let d = ks(&x, |y| phi((y - 2.0) / 3.0));
        assert!(d < ks_limit(N), "KS {d}");
        // the same samples against a wrong scale fail
        assert!(ks(&x, |y| phi((y - 2.0) / 2.5)) > ks_limit(N));
        let h = samples(&random::normal(&[N], Dtype::Float16, None, None, Some(&k(3))).unwrap());
        assert!(ks(&h, phi) < ks_limit(N) + 1e-3, "float16 KS");
    })
}

fn randint_distribution(device: &Device) {
    with_default_device(*device, || {
        let lo = Array::from_scalar(-3i32);
        let hi = Array::from_scalar(7i32);
        let x = random::randint(&lo, &hi, &[N], Dtype::Int32, Some(&k(4)))
            .unwrap()
            .to_vec::<i32>()
            .unwrap();
        let mut counts = vec![0usize; 10];
        for v in x {
            assert!((-3..7).contains(&v), "{v} outside [-3, 7)");
            counts[(v + 3) as usize] += 1;
        }
        let c = chi2(&counts, &[0.1; 10]);
        assert!(c < chi2_limit(9), "chi2 {c} with counts {counts:?}");
    })
}

fn bernoulli_distribution(device: &Device) {
    with_default_device(*device, || {
        for p in [0.1f32, 0.5, 0.77] {
            let b = random::bernoulli(&Array::from_scalar(p), Some(&[N]), Some(&k(5)))
                .unwrap()
                .to_vec::<bool>()
                .unwrap();
            let frac = b.iter().filter(|&&x| x).count() as f64 / N as f64;
            let sd = (p as f64 * (1.0 - p as f64) / N as f64).sqrt();
            assert!((frac - p as f64).abs() < 4.0 * sd, "p {p}: got {frac}");
        }
    })
}

fn gumbel_distribution(device: &Device) {
    with_default_device(*device, || {
        let x = samples(&random::gumbel(&[N], Dtype::Float32, Some(&k(6))).unwrap());
        let (m, v) = mean_var(&x);
        // mean = Euler's gamma, variance = pi^2 / 6
        assert!((m - 0.577_215_66).abs() < 0.03, "mean {m}");
        assert!(
            (v - std::f64::consts::PI.powi(2) / 6.0).abs() < 0.08,
            "var {v}"
        );
        let d = ks(&x, |y| (-(-y).exp()).exp());
        assert!(d < ks_limit(N), "KS {d}");
        // a standard normal's CDF does not fit
        assert!(ks(&x, phi) > ks_limit(N));
    })
}

fn laplace_distribution(device: &Device) {
    with_default_device(*device, || {
        let x = samples(&random::laplace(&[N], Dtype::Float32, 1.0, 2.0, Some(&k(7))).unwrap());
        let (m, v) = mean_var(&x);
        assert!((m - 1.0).abs() < 0.08, "mean {m}");
        assert!((v - 8.0).abs() < 0.5, "var {v}");
        let cdf = |y: f64| {
            let z = (y - 1.0) / 2.0;
            if z < 0.0 {
                0.5 * z.exp()
            } else {
                1.0 - 0.5 * (-z).exp()
            }
        };
        let d = ks(&x, cdf);
        assert!(d < ks_limit(N), "KS {d}");
        assert!(ks(&x, |y| phi((y - 1.0) / 8f64.sqrt())) > ks_limit(N));
    })
}

fn truncated_normal_distribution(device: &Device) {
    with_default_device(*device, || {
        let (a, b) = (-0.5f64, 2.0f64);
        let lo = Array::from_scalar(a as f32);
        let hi = Array::from_scalar(b as f32);
        let x = samples(
            &random::truncated_normal(&lo, &hi, Some(&[N]), Dtype::Float32, Some(&k(8))).unwrap(),
        );
        assert!(
            x.iter().all(|&v| (a..=b).contains(&v)),
            "outside the bounds"
        );
        let z = phi(b) - phi(a);
        let d = ks(&x, |y| (phi(y) - phi(a)) / z);
        assert!(d < ks_limit(N), "KS {d}");
        // an untruncated normal does not fit
        assert!(ks(&x, phi) > ks_limit(N));
    })
}

fn categorical_distribution(device: &Device) {
    with_default_device(*device, || {
        let logits = [0.5f32, -1.0, 2.0, 0.0, 1.0];
        let z: f64 = logits.iter().map(|&l| (l as f64).exp()).sum();
        let probs: Vec<f64> = logits.iter().map(|&l| (l as f64).exp() / z).collect();
        let l1 = Array::from_slice(&logits, &[5]).unwrap();
        // one distribution (inverse CDF) and a batch of two (Gumbel-max)
        let l2 = ops::broadcast_to(&l1, &[2, 5]).unwrap();
        let one_dist = random::categorical(&l1, -1, None, Some(N), Some(&k(9))).unwrap();
        let batch = random::categorical(&l2, -1, None, Some(N / 2), Some(&k(9))).unwrap();
        for (what, s) in [("inverse cdf", one_dist), ("gumbel", batch)] {
            let mut counts = vec![0usize; 5];
            for v in s.to_vec::<u32>().unwrap() {
                counts[v as usize] += 1;
            }
            let c = chi2(&counts, &probs);
            assert!(c < chi2_limit(4), "{what}: chi2 {c}, counts {counts:?}");
            let uniform = chi2(&counts, &[0.2; 5]);
            assert!(uniform > chi2_limit(4), "{what}: also fits uniform");
        }
    })
}

fn multivariate_normal_distribution(device: &Device) {
    with_default_device(*device, || {
        let mean = [1.0f64, -2.0, 0.5];
        let cov = [[2.0f64, 0.6, -0.4], [0.6, 1.0, 0.2], [-0.4, 0.2, 0.5]];
        let mean_a = Array::from_slice(&mean.map(|x| x as f32), &[3]).unwrap();
        let cov_a = Array::from_slice(
            &cov.iter().flatten().map(|&x| x as f32).collect::<Vec<_>>(),
            &[3, 3],
        )
        .unwrap();
        let x = random::multivariate_normal(&mean_a, &cov_a, &[N], Dtype::Float32, Some(&k(10)))
            .unwrap();
        assert_eq!(x.shape(), &[N, 3]);
        let v = samples(&x);
        let col = |j: usize| v.iter().skip(j).step_by(3).copied().collect::<Vec<f64>>();
        let cols: Vec<Vec<f64>> = (0..3).map(col).collect();
        for i in 0..3 {
            let (m, _) = mean_var(&cols[i]);
            assert!(
                (m - mean[i]).abs() < 4.0 * (cov[i][i] / N as f64).sqrt(),
                "mean {i}: {m}"
            );
            for j in 0..3 {
                let (mi, mj) = (mean_var(&cols[i]).0, mean_var(&cols[j]).0);
                let c = cols[i]
                    .iter()
                    .zip(&cols[j])
                    .map(|(a, b)| (a - mi) * (b - mj))
                    .sum::<f64>()
                    / N as f64;
                let sd = ((cov[i][i] * cov[j][j] + cov[i][j].powi(2)) / N as f64).sqrt();
                assert!((c - cov[i][j]).abs() < 5.0 * sd, "cov {i}{j}: {c}");
            }
            // each marginal is normal
            let d = ks(&cols[i], |y| phi((y - mean[i]) / cov[i][i].sqrt()));
            assert!(d < ks_limit(N), "marginal {i}: KS {d}");
        }
        // a singular (rank-1) covariance: the two coordinates are equal
        let ones = Array::from_slice(&[1.0f32; 4], &[2, 2]).unwrap();
        let zero = Array::from_slice(&[0.0f32; 2], &[2]).unwrap();
        let y = random::multivariate_normal(&zero, &ones, &[100], Dtype::Float32, Some(&k(11)))
            .unwrap()
            .to_vec::<f32>()
            .unwrap();
        assert!(y
            .chunks(2)
            .all(|p| (p[0] - p[1]).abs() < 1e-5 && p[0].is_finite()));
        // batched covariances broadcast with the mean
        let covs = ops::stack(&[&cov_a, &cov_a], 0).unwrap();
        let z = random::multivariate_normal(&mean_a, &covs, &[4, 1], Dtype::Float32, Some(&k(12)))
            .unwrap();
        assert_eq!(z.shape(), &[4, 2, 3]);
    })
}

mlx_tests::device_tests! {
    key_golden,
    split_golden,
    uniform_golden,
    normal_golden,
    randint_golden,
    bernoulli_golden,
    gumbel_golden,
    laplace_golden,
    truncated_normal_golden,
    categorical_golden,
    multivariate_normal_errors_golden,
    vmap_uniform_batched_keys_golden,
    vmap_split_batched_keys_golden,
    vmap_normal_batched_keys_golden,
    bits_narrow_widths_are_word_bytes,
    default_key_sequence_follows_seed,
    uniform_distribution,
    normal_distribution,
    randint_distribution,
    bernoulli_distribution,
    gumbel_distribution,
    laplace_distribution,
    truncated_normal_distribution,
    categorical_distribution,
    multivariate_normal_distribution,
}

/// `bits` of width 1 and 2 are the little-endian bytes of the 32-bit word
/// stream (MLX's kernel copies the bytes of each word); the words are
/// checked against MLX by the `split` and `uniform` goldens.
fn bits_narrow_widths_are_word_bytes(device: &Device) {
    with_default_device(*device, || {
        for n in [0usize, 1, 2, 3, 5, 6, 7, 8, 13] {
            for width in [1usize, 2] {
                let words = (n * width).div_ceil(4);
                let w = random::bits(&[words], 4, Some(&k(21)))
                    .unwrap()
                    .to_vec::<u32>()
                    .unwrap();
                let bytes: Vec<u8> = w.iter().flat_map(|x| x.to_le_bytes()).collect();
                let b = random::bits(&[n], width, Some(&k(21))).unwrap();
                if width == 1 {
                    assert_eq!(b.dtype(), Dtype::Uint8);
                    assert_eq!(b.to_vec::<u8>().unwrap(), bytes[..n].to_vec(), "n {n}");
                } else {
                    assert_eq!(b.dtype(), Dtype::Uint16);
                    let want: Vec<u16> = bytes
                        .chunks(2)
                        .take(n)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .collect();
                    assert_eq!(b.to_vec::<u16>().unwrap(), want, "n {n}");
                }
            }
        }
        let e = random::bits(&[2], 3, Some(&k(0))).unwrap_err().to_string();
        assert_eq!(e, "[bits] bit width must be in {1, 2, 4} but got 3");
    })
}

/// Without a key, samplers split the thread's default key: after
/// `seed(s)` the first call uses `split(key(s))[1]` and the state becomes
/// `split(key(s))[0]` (MLX's `KeySequence::next`).
fn default_key_sequence_follows_seed(device: &Device) {
    with_default_device(*device, || {
        random::seed(1234);
        let a = random::uniform_unit(&[4], Dtype::Float32, None).unwrap();
        let b = random::uniform_unit(&[4], Dtype::Float32, None).unwrap();
        let (s1, k1) = random::split_pair(&k(1234)).unwrap();
        let (_, k2) = random::split_pair(&s1).unwrap();
        let want_a = random::uniform_unit(&[4], Dtype::Float32, Some(&k1)).unwrap();
        let want_b = random::uniform_unit(&[4], Dtype::Float32, Some(&k2)).unwrap();
        assert_eq!(a.to_vec::<f32>().unwrap(), want_a.to_vec::<f32>().unwrap());
        assert_eq!(b.to_vec::<f32>().unwrap(), want_b.to_vec::<f32>().unwrap());
        // errors do not advance the sequence
        random::seed(1234);
        assert!(random::uniform_unit(&[4], Dtype::Int32, None).is_err());
        let again = random::uniform_unit(&[4], Dtype::Float32, None).unwrap();
        assert_eq!(
            again.to_vec::<f32>().unwrap(),
            want_a.to_vec::<f32>().unwrap()
        );
    })
}

/// Each thread has its own default key, as in MLX: seeding one thread does
/// not change another's sequence.
#[test]
fn default_key_is_per_thread() {
    let draw = |seed: Option<u64>| {
        std::thread::spawn(move || {
            if let Some(s) = seed {
                random::seed(s);
            }
            random::bits(&[2], 4, None)
                .unwrap()
                .to_vec::<u32>()
                .unwrap()
        })
        .join()
        .unwrap()
    };
    assert_eq!(draw(Some(5)), draw(Some(5)));
    assert_ne!(draw(Some(5)), draw(Some(6)));
}

/// Unseeded threads draw distinct keys: each thread's first unseeded call
/// starts from a key split off the process's root key, and calls in
/// sequence on one thread still differ.
#[test]
fn unseeded_threads_draw_distinct_keys() {
    let draws: Vec<Vec<u32>> = (0..8)
        .map(|_| {
            std::thread::spawn(|| {
                let first = random::bits(&[4], 4, None)
                    .unwrap()
                    .to_vec::<u32>()
                    .unwrap();
                let second = random::bits(&[4], 4, None)
                    .unwrap()
                    .to_vec::<u32>()
                    .unwrap();
                assert_ne!(first, second, "one thread's calls in sequence");
                first
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    for i in 0..draws.len() {
        for j in 0..i {
            assert_ne!(draws[i], draws[j], "threads {i} and {j} drew the same bits");
        }
    }
}
