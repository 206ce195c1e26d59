//! Muon.

use crate::optimizer::{single_optimizer, Base, Ctx, LearningRate, Rule, Slots};
use crate::sgd::{slots, take};
use mlx_core::ops::{addmm, matmul, reshape, sqrt, square, sum, transpose};
use mlx_core::{Array, Result};

/// Muon (MLX's `optim.Muon`, MomentUm Orthogonalized by Newton-Schulz):
/// SGD momentum whose update for matrices is orthogonalized by `ns_steps`
/// Newton-Schulz iterations and scaled by `sqrt(max(1, rows / cols))`.
/// Arrays of more than two dimensions are flattened after the first;
/// vectors get the plain momentum update.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{Muon, Optimizer};
/// let mut opt = Muon::new(0.1)?.weight_decay(0.0).nesterov(false);
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[2.0f32], &[1])?);
/// // v = 0.05 * 2 = 0.1, w = 1 - 0.1 * 0.1
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// assert!((w - 0.99).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Muon {
    momentum: f64,
    weight_decay: f64,
    nesterov: bool,
    ns_steps: usize,
    base: Base,
}

impl Muon {
    /// Muon with `momentum = 0.95`, `weight_decay = 0.01`, Nesterov,
    /// 5 Newton-Schulz steps.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Muon::new(0.02)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<Muon> {
        let mut base = Base::new();
        base.schedule("learning_rate", learning_rate.into())?;
        Ok(Muon {
            momentum: 0.95,
            weight_decay: 0.01,
            nesterov: true,
            ns_steps: 5,
            base,
        })
    }

    /// The momentum strength.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Muon::new(0.02)?.momentum(0.9);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn momentum(mut self, momentum: f64) -> Muon {
        self.momentum = momentum;
        self
    }

    /// L2 penalty added to the gradient.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Muon::new(0.02)?.weight_decay(0.0);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn weight_decay(mut self, weight_decay: f64) -> Muon {
        self.weight_decay = weight_decay;
        self
    }

    /// Nesterov momentum (default on).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Muon::new(0.02)?.nesterov(false);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn nesterov(mut self, on: bool) -> Muon {
        self.nesterov = on;
        self
    }

    /// The number of Newton-Schulz iterations.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Muon::new(0.02)?.ns_steps(3);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn ns_steps(mut self, steps: usize) -> Muon {
        self.ns_steps = steps;
        self
    }
}

fn newton_schulz5(x: &Array, steps: usize) -> Result<Array> {
    let (a, b, c) = (3.4445, -4.7750, 2.0315f32);
    let tr = x.shape()[0] > x.shape()[1];
    let mut x = if tr { transpose(x, ())? } else { x.clone() };
    let norm = sqrt(&sum(&square(&x)?, (), true)?)?;
    x = (&x / &(norm + 1e-7)?)?;
    for _ in 0..steps {
        let xt = transpose(&x, ())?;
        let am = matmul(&x, &xt)?;
        let bm = addmm(&(b * &am)?, &am, &am, c, 1.0)?;
        x = addmm(&(a * &x)?, &bm, &x, 1.0, 1.0)?;
    }
    if tr {
        transpose(&x, ())
    } else {
        Ok(x)
    }
}

impl Rule for Muon {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["v"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let mut g = g.clone();
        if self.weight_decay != 0.0 {
            g = (&g + (self.weight_decay * p)?)?;
        }
        let mu = self.momentum;
        let v = ((mu * &take(s, "v"))? + ((1.0 - mu) * &g)?)?;
        s.insert("v".into(), v.clone());
        let mut update = if self.nesterov {
            ((&g * (1.0 - mu))? + (&v * mu)?)?
        } else {
            v
        };
        let mut lr = ctx.lr(g.dtype())?;
        if update.ndim() >= 2 {
            let shape = update.shape().to_vec();
            let flat = update.ndim() > 2;
            if flat {
                let rest: usize = shape[1..].iter().product();
                update = reshape(&update, &[shape[0] as i64, rest as i64])?;
            }
            update = newton_schulz5(&update, self.ns_steps)?;
            if flat {
                let sh: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
                update = reshape(&update, &sh)?;
            }
            let n = shape.len();
            let ratio = (shape[n - 2] as f64 / shape[n - 1] as f64).max(1.0);
            lr = (&lr * ratio.sqrt())?;
        }
        p - (&lr * &update)?
    }
}
single_optimizer!(Muon);
