//! Random samplers under `grad` and `vmap`: samples are differentiable
//! through their location and scale arguments by composition (MLX has no
//! stop-gradient there), not through keys; `vmap` over keys equals a loop.

use mlx::{grad, ops, random, vmap, Array, Dtype};

fn key(seed: u64) -> Array {
    random::key(seed).unwrap()
}

/// d/dlow sum(uniform(low, high)) = sum(1 - u), d/dhigh = sum(u).
#[test]
fn uniform_grad_through_bounds() {
    let f = |x: &[Array]| {
        random::uniform(&x[0], &x[1], &[8], Dtype::Float32, Some(&key(1)))?.sum((), false)
    };
    let lo = Array::from_scalar(0.0f32);
    let hi = Array::from_scalar(1.0f32);
    let g = grad(f, &[0, 1])(&[lo.clone(), hi.clone()]).unwrap();
    let u = random::uniform(&lo, &hi, &[8], Dtype::Float32, Some(&key(1)))
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    let su: f32 = u.iter().sum();
    assert!((g[0].item::<f32>().unwrap() - (8.0 - su)).abs() < 1e-4);
    assert!((g[1].item::<f32>().unwrap() - su).abs() < 1e-4);
}

/// d/dloc sum(normal(loc, scale)) = n, d/dscale = sum(z).
#[test]
fn normal_grad_through_loc_and_scale() {
    let f = |x: &[Array]| {
        random::normal(
            &[16],
            Dtype::Float32,
            Some(&x[0]),
            Some(&x[1]),
            Some(&key(2)),
        )?
        .sum((), false)
    };
    let loc = Array::from_scalar(3.0f32);
    let scale = Array::from_scalar(2.0f32);
    let g = grad(f, &[0, 1])(&[loc, scale]).unwrap();
    let z: f32 = random::normal(&[16], Dtype::Float32, None, None, Some(&key(2)))
        .unwrap()
        .to_vec::<f32>()
        .unwrap()
        .iter()
        .sum();
    assert!((g[0].item::<f32>().unwrap() - 16.0).abs() < 1e-5);
    assert!((g[1].item::<f32>().unwrap() - z).abs() < 1e-4);
}

/// Bits carry no gradient to the key: the cotangent of a key is zero.
#[test]
fn bits_have_no_gradient_to_the_key() {
    let k = key(3).as_type(Dtype::Float32).unwrap();
    let f = |x: &[Array]| {
        let kk = x[0].as_type(Dtype::Uint32)?;
        let b = random::bits(&[4], 4, Some(&kk))?.as_type(Dtype::Float32)?;
        b.sum((), false)? + x[0].sum((), false)?
    };
    let g = grad(f, &[0])(&[k]).unwrap();
    assert_eq!(g[0].to_vec::<f32>().unwrap(), vec![1.0, 1.0]);
}

/// `vmap` of a sampler over keys equals stacking its per-key samples.
#[test]
fn vmap_over_keys_equals_loop() {
    let keys = random::split(&key(4), 3).unwrap();
    let f = vmap(
        |k: &[Array]| {
            Ok(vec![random::normal(
                &[2, 2],
                Dtype::Float32,
                None,
                None,
                Some(&k[0]),
            )?])
        },
        &[Some(0)],
        &[0],
    );
    let got = f(std::slice::from_ref(&keys)).unwrap().remove(0);
    let mut rows = Vec::new();
    for i in 0..3 {
        let ki = ops::take(&keys, &Array::from_scalar(i), 0).unwrap();
        rows.push(random::normal(&[2, 2], Dtype::Float32, None, None, Some(&ki)).unwrap());
    }
    let refs: Vec<&Array> = rows.iter().collect();
    let want = ops::stack(&refs, 0).unwrap();
    assert_eq!(got.to_vec::<f32>().unwrap(), want.to_vec::<f32>().unwrap());
}
