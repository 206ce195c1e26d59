//! The seed's "Quick Start with Neural Networks", in Rust.
//!
//! Run: `cargo run -p mlx-nn --example quick_start`.

use mlx_core::tree::{tree_flatten, tree_map};
use mlx_core::{ops, random, Array, Dtype, Result};
use mlx_cpu as _;
use mlx_nn::{Linear, Module, UnaryModule};

#[derive(Module)]
#[module(name = "MLP")]
struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    fn new(in_dims: usize, out_dims: usize) -> Result<Mlp> {
        Ok(Mlp {
            layers: vec![
                Linear::new(in_dims, 128)?,
                Linear::new(128, 128)?,
                Linear::new(128, out_dims)?,
            ],
        })
    }
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

fn main() -> Result<()> {
    // The model is created with all its parameters but nothing is
    // initialized yet because MLX is lazily evaluated.
    let mut mlp = Mlp::new(2, 10)?;

    // We can access its parameters by calling mlp.parameters().
    let params = mlp.parameters();
    // Python: params["layers"][0]["weight"].shape
    let weight = params["layers"][0]["weight"].as_array().expect("a leaf");
    println!("{:?}", weight.shape());

    // Printing a parameter will cause it to be evaluated and thus
    // initialized.
    // (Python prints the whole params["layers"][0] dict.)
    for (name, sub) in [
        ("bias", &params["layers"][0]["bias"]),
        ("weight", &params["layers"][0]["weight"]),
    ] {
        println!("{name}: {}", sub.as_array().expect("a leaf"));
    }

    // We can also force evaluate all parameters to initialize the model.
    let leaves = params.leaves();
    mlx_core::eval(&leaves.iter().collect::<Vec<_>>())?;

    // A simple loss function; the model is its first argument.
    let l2_loss = |mlp: &mut Mlp, args: &[Array]| -> Result<Array> {
        let y_hat = mlp.forward(&args[0])?;
        (y_hat - &args[1])?.square()?.mean((), false)
    };

    // The gradient with respect to mlp.trainable_parameters().
    let loss_and_grad = mlx_nn::value_and_grad(l2_loss);
    let x = random::normal(&[4, 2], Dtype::Float32, None, None, None)?;
    let y = random::normal(&[4, 10], Dtype::Float32, None, None, None)?;
    let (loss, grads) = loss_and_grad(&mut mlp, &[x, y])?;
    println!("loss {}", loss.item::<f32>()?);
    for (k, g) in tree_flatten(&grads) {
        println!("grad {k} {:?}", g.shape());
    }

    // Inspecting modules.
    println!("{mlp}");
    let shapes = tree_map(&mlp.parameters(), |p| Ok(p.clone()))?;
    let num_params: usize = tree_flatten(&shapes).iter().map(|(_, v)| v.size()).sum();
    println!("{num_params} parameters");
    Ok(())
}
