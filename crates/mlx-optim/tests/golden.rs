//! Every optimizer, schedule and clip_grad_norm against MLX 0.32.4
//! (golden/optim.json from golden/gen_optim.py): 12 steps on the same
//! parameters and gradient sequence, float32 and bfloat16.

use mlx_core::tree::Tree;
use mlx_core::{Array, Dtype, Result};
use mlx_cpu as _;
use mlx_optim::*;
use serde_json::Value;

fn golden() -> Value {
    serde_json::from_str(include_str!("golden/optim.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn tree_of(g: &Value, v: &Value, dtype: Dtype) -> Tree {
    let shapes = g["shapes"].as_object().unwrap();
    Tree::map(shapes.iter().map(|(k, s)| {
        let shape: Vec<usize> = s
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        let a = Array::from_slice(&floats(&v[k]), &shape)
            .unwrap()
            .as_type(dtype)
            .unwrap();
        (k.clone(), Tree::Leaf(a))
    }))
}

fn make(name: &str) -> Result<Box<dyn Optimizer>> {
    Ok(match name {
        "sgd" => Box::new(Sgd::new(0.1)?),
        "sgd_momentum_wd_dampening" => Box::new(
            Sgd::new(0.1)?
                .momentum(0.9)?
                .weight_decay(0.01)
                .dampening(0.1)?,
        ),
        "sgd_nesterov" => Box::new(Sgd::new(0.05)?.momentum(0.8)?.nesterov(true)?),
        "sgd_cosine_lr" => Box::new(Sgd::new(cosine_decay(0.1, 8, 0.01)?)?.momentum(0.5)?),
        "rmsprop" => Box::new(RmsProp::new(0.01)?),
        "rmsprop_alpha_eps" => Box::new(RmsProp::new(0.01)?.alpha(0.9)?.eps(1e-4)?),
        "adagrad" => Box::new(Adagrad::new(0.1)?),
        "adagrad_eps" => Box::new(Adagrad::new(0.1)?.eps(1e-3)?),
        "adadelta" => Box::new(AdaDelta::new(1.0)?),
        "adadelta_rho_eps" => Box::new(AdaDelta::new(0.5)?.rho(0.8)?.eps(1e-4)?),
        "adam" => Box::new(Adam::new(0.01)?),
        "adam_bias_correction" => Box::new(
            Adam::new(0.01)?
                .betas([0.8, 0.95])?
                .eps(1e-6)?
                .bias_correction(true),
        ),
        "adamw" => Box::new(AdamW::new(0.01)?),
        "adamw_wd_bias_correction" => Box::new(
            AdamW::new(0.01)?
                .betas([0.85, 0.99])?
                .weight_decay(0.1)
                .bias_correction(true),
        ),
        "adamax" => Box::new(Adamax::new(0.01)?),
        "adamax_betas_eps" => Box::new(Adamax::new(0.01)?.betas([0.8, 0.9])?.eps(1e-4)?),
        "lion" => Box::new(Lion::new(0.01)?),
        "lion_betas_wd" => Box::new(Lion::new(0.01)?.betas([0.8, 0.9])?.weight_decay(0.1)),
        "adafactor" => Box::new(Adafactor::new()),
        "adafactor_warmup" => Box::new(Adafactor::new().warmup_init(true)),
        "adafactor_lr_beta1_wd" => Box::new(
            Adafactor::new()
                .learning_rate(0.01)?
                .relative_step(false)
                .beta_1(Some(0.9))
                .weight_decay(0.01)
                .scale_parameter(false)
                .clip_threshold(0.5)
                .decay_rate(-0.5)
                .eps((1e-20, 1e-2)),
        ),
        "adafactor_exp_lr_scaled" => Box::new(
            Adafactor::new()
                .learning_rate(exponential_decay(0.05, 0.9))?
                .relative_step(false),
        ),
        "muon" => Box::new(Muon::new(0.02)?),
        "muon_plain" => Box::new(
            Muon::new(0.02)?
                .momentum(0.9)
                .weight_decay(0.0)
                .nesterov(false)
                .ns_steps(3),
        ),
        "multi_adam_bias_sgd" => Box::new(MultiOptimizer::new(
            vec![
                Box::new(Adam::new(0.01)?),
                Box::new(Sgd::new(0.1)?.momentum(0.9)?),
            ],
            vec![Box::new(|path: &str, _: &Array| path.ends_with('b'))],
        )?),
        other => panic!("unknown case {other}"),
    })
}

/// `|a - b| <= atol + rtol |b|`, the tolerance per dtype: float32 results
/// may differ from MLX's in the last bits (pow, rsqrt, sum order);
/// bfloat16 in two units of its 8-bit mantissa.
fn close(a: f32, b: f32, dtype: Dtype) -> bool {
    close_scaled(a, b, dtype, 0.0)
}

/// [`close`], and for bfloat16 also within half a bfloat16 unit of the
/// array's largest magnitude `scale`: after a dozen steps an element that
/// is the small difference of large bfloat16 terms (Muon's Newton-Schulz
/// products, Adafactor's factored moments) carries the rounding of those
/// terms, not of itself.
fn close_scaled(a: f32, b: f32, dtype: Dtype, scale: f32) -> bool {
    let (atol, rtol) = match dtype {
        Dtype::Float32 => (1e-6, 1e-5),
        _ => (1e-3 + scale / 256.0, 1.6e-2),
    };
    (a - b).abs() <= atol + rtol * b.abs()
}

fn run_dtype(dtype_name: &str, dtype: Dtype) {
    let g = golden();
    let grads: Vec<Tree> = g["grads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| tree_of(&g, v, dtype))
        .collect();
    let mut failures = Vec::new();
    let cases = g["optimizers"][dtype_name].as_object().unwrap();
    assert_eq!(cases.len(), 25);
    for (name, steps) in cases {
        let mut opt = make(name).unwrap();
        let mut params = tree_of(&g, &g["init"], dtype);
        let steps = steps.as_array().unwrap();
        assert!(steps.len() >= 10);
        'steps: for (t, want) in steps.iter().enumerate() {
            params = opt.apply_gradients(&grads[t], &params).unwrap();
            let mut arrays = params.leaves();
            arrays.extend(opt.state().leaves());
            mlx_core::eval(&arrays.iter().collect::<Vec<_>>()).unwrap();
            for (k, w) in want.as_object().unwrap() {
                let got = params
                    .get(k)
                    .unwrap()
                    .as_type(Dtype::Float32)
                    .unwrap()
                    .to_vec::<f32>()
                    .unwrap();
                let w = floats(w);
                let scale = w.iter().fold(0.0f32, |m, x| m.max(x.abs()));
                if let Some(i) = (0..w.len()).find(|&i| !close_scaled(got[i], w[i], dtype, scale)) {
                    failures.push(format!(
                        "{dtype_name} {name} step {} {k}[{i}]: got {} want {}",
                        t + 1,
                        got[i],
                        w[i]
                    ));
                    break 'steps;
                }
            }
        }
        let failed = failures
            .last()
            .is_some_and(|f| f.contains(&format!(" {name} ")));
        if name != "multi_adam_bias_sgd" && !failed {
            assert_eq!(opt.step().item::<u64>().unwrap(), steps.len() as u64);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn optimizers_float32_match_mlx() {
    run_dtype("float32", Dtype::Float32);
}

#[test]
fn optimizers_bfloat16_match_mlx() {
    run_dtype("bfloat16", Dtype::Bfloat16);
}

#[test]
fn schedules_match_mlx() {
    let g = golden();
    let make = |name: &str| -> Schedule {
        match name {
            "step_decay" => step_decay(0.1, 0.9, 3).unwrap(),
            "exponential_decay" => exponential_decay(0.1, 0.95),
            "cosine_decay" => cosine_decay(0.1, 20, 0.0).unwrap(),
            "cosine_decay_end" => cosine_decay(0.1, 20, 0.01).unwrap(),
            "linear_schedule" => linear_schedule(0.0, 0.1, 10).unwrap(),
            "join_schedules" => join_schedules(
                vec![
                    linear_schedule(0.0, 0.1, 5).unwrap(),
                    cosine_decay(0.1, 20, 0.0).unwrap(),
                ],
                &[5],
            )
            .unwrap(),
            other => panic!("unknown schedule {other}"),
        }
    };
    let cases = g["schedules"].as_object().unwrap();
    assert_eq!(cases.len(), 6);
    for (name, want) in cases {
        let s = make(name);
        for (t, w) in floats(want).into_iter().enumerate() {
            let v = s(&Array::from_scalar(t as u64)).unwrap();
            assert_eq!(v.dtype(), Dtype::Float32, "{name}");
            let v = v.item::<f32>().unwrap();
            assert!(
                close(v, w, Dtype::Float32),
                "{name} step {t}: got {v} want {w}"
            );
        }
    }
}

#[test]
fn clip_grad_norm_matches_mlx() {
    let g = golden();
    for (dtype_name, dtype) in [("float32", Dtype::Float32), ("bfloat16", Dtype::Bfloat16)] {
        for (name, case) in g["clip"][dtype_name].as_object().unwrap() {
            let grads = tree_of(&g, &case["grads"], dtype);
            let max_norm = case["max_norm"].as_f64().unwrap();
            let (clipped, norm) = clip_grad_norm(&grads, max_norm).unwrap();
            let n = norm.as_type(Dtype::Float32).unwrap().item::<f32>().unwrap();
            let want = case["norm"].as_f64().unwrap() as f32;
            assert!(
                close(n, want, dtype),
                "{dtype_name} {name}: norm {n} want {want}"
            );
            for (k, w) in case["clipped"].as_object().unwrap() {
                let a = clipped.get(k).unwrap();
                assert_eq!(a.dtype(), dtype);
                let got = a.as_type(Dtype::Float32).unwrap().to_vec::<f32>().unwrap();
                for (i, (x, y)) in got.iter().zip(floats(w)).enumerate() {
                    assert!(
                        close(*x, y, dtype),
                        "{dtype_name} {name} {k}[{i}]: {x} vs {y}"
                    );
                }
            }
        }
    }
}
