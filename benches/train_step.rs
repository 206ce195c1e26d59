//! W6: one Adam training step of an MLP 784-512-512-10 at batch 256 on the
//! CPU backend (forward, `nn::value_and_grad`, update, one eval of the
//! parameters and the optimizer state), against PyTorch CPU's eager step
//! (`python3 benches/torch_train_step.py`). Both time steps 20..220 of a
//! fresh model (see [`TIMED`]). Then, unless
//! `W6_SKIP_RSS=1`, 10,000 steps with the resident set size printed at
//! steps 1,000 and 10,000 (it must stay flat).
//!
//! `W6u` times the Adam update alone: the fused `adam_update` node against
//! the same update as separate ops.
//!
//! `W6_DEVICE=gpu` runs the same step on the GPU backend (GPU 0), beside
//! `python3 benches/torch_train_step.py --device cuda` on a GPU machine
//! (`cargo xtask device-bins` copies this bench as `device-bin/train_step`).
//!
//! ```sh
//! cargo bench -p mlx-benches --bench train_step
//! ```

use criterion::{criterion_group, Criterion};
use mlx::nn::losses::{cross_entropy, CrossEntropyOptions, Reduction};
use mlx::nn::{Linear, Module, UnaryModule};
use mlx::optim::{eval_step, Adam, Optimizer};
use mlx::{ops, random, Array, Device, Dtype, Result};
// Link the GPU backend so that its registration (`inventory`) is present
// for `W6_DEVICE=gpu`: a crate nothing refers to is not linked.
use mlx_metal as _;

#[derive(Module)]
#[module(crate = "mlx::nn")]
struct Mlp {
    layers: Vec<Linear>,
}

impl UnaryModule for Mlp {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        let mut x = x.clone();
        for (i, l) in self.layers.iter_mut().enumerate() {
            if i > 0 {
                x = ops::maximum(&x, &Array::from_scalar(0.0f32))?;
            }
            x = l.forward(&x)?;
        }
        Ok(x)
    }
}

/// Untimed steps of a fresh model before its timed ones.
const WARM_UP: usize = 20;
/// Timed steps per fresh model: the bench measures steps 20..220 of a
/// fresh model, as `torch_train_step.py` does. Later steps are not
/// comparable: training one fixed batch drives the gradients, and then
/// Adam's second moments, into the subnormal range, where x86 arithmetic
/// takes microcode assists (measured here on a Xeon: ours 6.2 -> 13.5 ms
/// per step after ~600 steps, PyTorch 6.5 -> 8.6 ms).
const TIMED: usize = 200;

struct Setup {
    model: Mlp,
    opt: Adam,
    x: Array,
    y: Array,
}

/// `cpu` unless `W6_DEVICE=gpu`.
fn device_name() -> String {
    std::env::var("W6_DEVICE").unwrap_or_else(|_| "cpu".into())
}

fn setup() -> Result<Setup> {
    let device = match device_name().as_str() {
        "gpu" => Device::gpu(0),
        _ => Device::cpu(),
    };
    mlx::set_default_device(device)?;
    let model = Mlp {
        layers: vec![
            Linear::new(784, 512)?,
            Linear::new(512, 512)?,
            Linear::new(512, 10)?,
        ],
    };
    let k = random::key(0)?;
    let x = random::uniform_unit(&[256, 784], Dtype::Float32, Some(&k))?;
    let y = random::randint(
        &Array::from_scalar(0u32),
        &Array::from_scalar(10u32),
        &[256],
        Dtype::Uint32,
        Some(&random::key(1)?),
    )?;
    mlx::eval(&[&x, &y])?;
    Ok(Setup {
        model,
        opt: Adam::new(1e-3)?,
        x,
        y,
    })
}

fn step(s: &mut Setup) -> Result<Array> {
    let lg = mlx::nn::value_and_grad(|m: &mut Mlp, a: &[Array]| {
        let opts = CrossEntropyOptions {
            reduction: Reduction::Mean,
            ..Default::default()
        };
        cross_entropy(&m.forward(&a[0])?, &a[1], &opts)
    });
    let (loss, grads) = lg(&mut s.model, &[s.x.clone(), s.y.clone()])?;
    s.opt.update(&mut s.model, &grads)?;
    eval_step(&s.model, &s.opt)?;
    Ok(loss)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A fresh model and optimizer after [`WARM_UP`] untimed steps.
fn warmed_up() -> Setup {
    let mut s = match setup() {
        Ok(s) => s,
        Err(e) => panic!("W6 setup on {}: {e}", device_name()),
    };
    for _ in 0..WARM_UP {
        step(&mut s).unwrap();
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut s = warmed_up();
    let mut timed = 0;
    let name = format!("W6 adam step mlp 784-512-512-10 b256 {}", device_name());
    c.bench_function(&name, |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                if timed == TIMED {
                    s = warmed_up();
                    timed = 0;
                }
                let t = std::time::Instant::now();
                let loss = step(&mut s).unwrap();
                total += t.elapsed();
                drop(loss);
                timed += 1;
            }
            total
        })
    });
    adam_update_only(c).unwrap();
}

/// The Adam update alone on the MLP's six parameters (669k values): the
/// fused `adam_update` node against the same update written with separate
/// ops (the baseline, as it ran before the fused node), one eval each.
fn adam_update_only(c: &mut Criterion) -> Result<()> {
    let shapes: [&[usize]; 6] = [&[512, 784], &[512], &[512, 512], &[512], &[10, 512], &[10]];
    let k = random::key(2)?;
    let mut state = Vec::new();
    for sh in shapes {
        let x = random::uniform_unit(sh, Dtype::Float32, Some(&k))?;
        let v = ops::abs(&x)?;
        mlx::eval(&[&x, &v])?;
        state.push([x.clone(), x.clone(), v, x]);
    }
    let (step, c2) = (Array::from_scalar(1e-3f32), Array::from_scalar(1.01f32));
    let (betas, eps) = ([0.9, 0.999], 1e-8);
    let dev = device_name();
    c.bench_function(&format!("W6u adam update 669k f32 fused {dev}"), |b| {
        b.iter(|| {
            let outs: Vec<(Array, Array, Array)> = state
                .iter()
                .map(|[p, m, v, g]| ops::adam_update(p, m, v, g, &step, Some(&c2), betas, eps))
                .collect::<Result<_>>()
                .unwrap();
            let refs: Vec<&Array> = outs.iter().flat_map(|(p, m, v)| [p, m, v]).collect();
            mlx::eval(&refs).unwrap();
        })
    });
    c.bench_function(
        &format!("W6u adam update 669k f32 separate ops {dev}"),
        |b| {
            b.iter(|| {
                let [b1, b2] = betas;
                let mut refs = Vec::new();
                for [p, m, v, g] in &state {
                    let m = ((b1 * m).unwrap() + ((1.0 - b1) * g).unwrap()).unwrap();
                    let v = ((b2 * v).unwrap() + ((1.0 - b2) * &ops::square(g).unwrap()).unwrap())
                        .unwrap();
                    let den = ((ops::sqrt(&v).unwrap() * &c2).unwrap() + eps).unwrap();
                    let p = (p - &(&(&step * &m).unwrap() / &den).unwrap()).unwrap();
                    refs.extend([p, m, v]);
                }
                mlx::eval(&refs.iter().collect::<Vec<_>>()).unwrap();
            })
        },
    );
    Ok(())
}

criterion_group!(benches, bench);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    if std::env::var("W6_SKIP_RSS").is_ok_and(|v| v == "1") {
        return;
    }
    let mut s = setup().unwrap();
    let t = std::time::Instant::now();
    for i in 1..=10_000 {
        let loss = step(&mut s).unwrap();
        if i == 1_000 || i == 10_000 {
            println!(
                "W6 RSS at step {i}: {} MiB (loss {:.4}, mean step {:.2} ms)",
                rss_kib() / 1024,
                loss.item::<f32>().unwrap(),
                t.elapsed().as_secs_f64() * 1e3 / i as f64
            );
        }
    }
}
