//! Training resumes exactly: N steps, save model and optimizer, reload into
//! fresh objects, M more steps, bit-identical to N + M uninterrupted steps.

use mlx_core::tree::{tree_flatten, Tree};
use mlx_core::{ops, random, Array, Dtype, Result};
use mlx_cpu as _;
use mlx_nn::{Linear, Module, UnaryModule};
use mlx_optim::*;
use std::path::PathBuf;

#[derive(Module)]
struct Net {
    layers: Vec<Linear>,
}

impl Net {
    fn new() -> Result<Net> {
        Ok(Net {
            layers: vec![Linear::new(6, 16)?, Linear::new(16, 3)?],
        })
    }
}

impl UnaryModule for Net {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        let h = ops::maximum(&self.layers[0].forward(x)?, &Array::from_scalar(0.0f32))?;
        self.layers[1].forward(&h)
    }
}

fn data(step: usize) -> Result<(Array, Array)> {
    let key = random::key(step as u64)?;
    let x = random::normal(&[32, 6], Dtype::Float32, None, None, Some(&key))?;
    let y = ops::sin(&ops::matmul(&x, &ops::ones(&[6, 3], Dtype::Float32)?)?)?;
    Ok((x, y))
}

fn train(model: &mut Net, opt: &mut dyn Optimizer, steps: std::ops::Range<usize>) -> Result<()> {
    let lg = mlx_nn::value_and_grad(|m: &mut Net, a: &[Array]| {
        (m.forward(&a[0])? - &a[1])?.square()?.mean((), false)
    });
    for t in steps {
        let (x, y) = data(t)?;
        let (_, grads) = lg(model, &[x, y])?;
        let (grads, _) = clip_grad_norm(&grads, 5.0)?;
        opt.update(model, &grads)?;
        eval_step(model, opt)?;
    }
    Ok(())
}

fn bits(t: &Tree) -> Vec<(String, Vec<u32>)> {
    tree_flatten(t)
        .into_iter()
        .map(|(k, a)| {
            let v = a.to_vec::<f32>().unwrap();
            (k, v.iter().map(|x| x.to_bits()).collect())
        })
        .collect()
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("mlx-optim-resume-{}-{name}", std::process::id()))
}

type Make = fn() -> Result<Box<dyn Optimizer>>;

fn cases() -> Vec<(&'static str, Make)> {
    vec![
        ("adam_bias_correction_cosine", || {
            Ok(Box::new(
                Adam::new(cosine_decay(0.05, 12, 0.001)?)?.bias_correction(true),
            ))
        }),
        ("sgd_nesterov_step_decay", || {
            Ok(Box::new(
                Sgd::new(step_decay(0.05, 0.5, 3)?)?
                    .momentum(0.9)?
                    .nesterov(true)?,
            ))
        }),
        ("adafactor_first_moment", || {
            Ok(Box::new(Adafactor::new().beta_1(Some(0.9))))
        }),
        ("muon", || Ok(Box::new(Muon::new(0.02)?))),
        ("lion", || Ok(Box::new(Lion::new(0.01)?.weight_decay(0.1)))),
        ("multi_adamw_rmsprop", || {
            Ok(Box::new(MultiOptimizer::new(
                vec![Box::new(AdamW::new(0.01)?), Box::new(RmsProp::new(0.01)?)],
                vec![Box::new(|p: &str, _: &Array| p.ends_with("bias"))],
            )?))
        }),
    ]
}

#[test]
fn save_load_resumes_bit_identically() -> Result<()> {
    let (n, m) = (5, 7);
    for (name, make) in cases() {
        let init = Net::new()?.parameters();
        // Uninterrupted N + M steps.
        let mut a = Net::new()?;
        a.update(&init, true)?;
        let mut opt_a = make()?;
        train(&mut a, opt_a.as_mut(), 0..n + m)?;
        // N steps, save, reload into fresh objects, M steps.
        let mut b = Net::new()?;
        b.update(&init, true)?;
        let mut opt_b = make()?;
        train(&mut b, opt_b.as_mut(), 0..n)?;
        let (wp, op) = (
            tmp(&format!("{name}-model.safetensors")),
            tmp(&format!("{name}-opt.safetensors")),
        );
        b.save_weights(&wp)?;
        opt_b.save(&op)?;
        drop((b, opt_b));
        let mut c = Net::new()?;
        c.load_weights(&wp, true)?;
        let mut opt_c = make()?;
        opt_c.load(&op)?;
        assert_eq!(opt_c.step().item::<u64>()?, n as u64, "{name}");
        train(&mut c, opt_c.as_mut(), n..n + m)?;
        assert_eq!(
            bits(&a.parameters()),
            bits(&c.parameters()),
            "{name}: weights differ"
        );
        assert_eq!(
            bits_state(&opt_a.state()),
            bits_state(&opt_c.state()),
            "{name}: state differs"
        );
        // Without the optimizer state the result differs (the test can fail).
        let mut d = Net::new()?;
        d.load_weights(&wp, true)?;
        let mut opt_d = make()?;
        train(&mut d, opt_d.as_mut(), n..n + m)?;
        assert_ne!(bits(&a.parameters()), bits(&d.parameters()), "{name}");
        std::fs::remove_file(&wp).ok();
        std::fs::remove_file(&op).ok();
    }
    Ok(())
}

fn bits_state(t: &Tree) -> Vec<(String, Vec<u64>)> {
    tree_flatten(t)
        .into_iter()
        .map(|(k, a)| {
            let v = if a.dtype() == Dtype::Uint64 {
                a.to_vec::<u64>().unwrap()
            } else {
                a.as_type(Dtype::Float32)
                    .unwrap()
                    .to_vec::<f32>()
                    .unwrap()
                    .iter()
                    .map(|x| x.to_bits() as u64)
                    .collect()
            };
            (k, v)
        })
        .collect()
}

#[test]
fn state_tree_has_mlx_layout() -> Result<()> {
    let mut model = Net::new()?;
    let mut opt = Adam::new(0.1)?;
    opt.init(&model.trainable_parameters())?;
    let s = opt.state();
    assert_eq!(s.get("step").unwrap().dtype(), Dtype::Uint64);
    assert_eq!(s.get("learning_rate").unwrap().dtype(), Dtype::Float32);
    assert_eq!(s.get("layers.0.weight.m").unwrap().shape(), &[16, 6]);
    assert_eq!(s.get("layers.1.bias.v").unwrap().shape(), &[3]);
    // The update is lazy until evaluated.
    let (x, y) = data(0)?;
    let lg = mlx_nn::value_and_grad(|m: &mut Net, a: &[Array]| {
        (m.forward(&a[0])? - &a[1])?.square()?.mean((), false)
    });
    let (_, g) = lg(&mut model, &[x, y])?;
    opt.update(&mut model, &g)?;
    assert_eq!(opt.step().item::<u64>()?, 1);
    let multi = MultiOptimizer::new(
        vec![Box::new(Sgd::new(0.1)?), Box::new(Adam::new(0.1)?)],
        vec![Box::new(|_: &str, _: &Array| true)],
    )?;
    assert!(matches!(multi.state(), Tree::Map(ref m) if m.contains_key("states")));
    Ok(())
}
