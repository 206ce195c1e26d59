//! Adam, AdamW, Adamax and Lion.

use crate::optimizer::{scalar_pow, single_optimizer, Base, Ctx, LearningRate, Rule, Slots};
use crate::sgd::{slots, take};
use mlx_core::ops::{abs, adam_update, maximum, rsqrt, sign};
use mlx_core::{Array, Error, Result};

fn check_betas(op: &'static str, betas: [f64; 2]) -> Result<()> {
    for (i, b) in betas.iter().enumerate() {
        if !(0.0..1.0).contains(b) {
            return Err(Error::invalid(
                op,
                format!(
                    "beta{} should be in [0, 1), {b} was provided instead",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// Adam (MLX's `optim.Adam`): `m = b1 m + (1 - b1) g`,
/// `v = b2 v + (1 - b2) g^2`, `w = w - lr m / (sqrt(v) + eps)`; with
/// `bias_correction` the moments are divided by `1 - b^t`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{Adam, Optimizer};
/// let mut opt = Adam::new(0.1)?.bias_correction(true);
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[3.0f32], &[1])?);
/// // With bias correction the first step moves by lr * sign(g).
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// assert!((w - 0.9).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Adam {
    betas: [f64; 2],
    eps: f64,
    bias_correction: bool,
    base: Base,
}

impl Adam {
    /// Adam with `betas = [0.9, 0.999]`, `eps = 1e-8`, no bias correction.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adam::new(1e-3)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<Adam> {
        let mut base = Base::new();
        base.schedule("learning_rate", learning_rate.into())?;
        Ok(Adam {
            betas: [0.9, 0.999],
            eps: 1e-8,
            bias_correction: false,
            base,
        })
    }

    /// The moment coefficients.
    ///
    /// # Errors
    /// `[Adam] beta1 should be in [0, 1), 1 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_optim::Adam::new(1e-3)?.betas([1.0, 0.9]).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn betas(mut self, betas: [f64; 2]) -> Result<Adam> {
        check_betas("Adam", betas)?;
        self.betas = betas;
        Ok(self)
    }

    /// The denominator's epsilon.
    ///
    /// # Errors
    /// `[Adam] epsilon should be >=0, -1 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adam::new(1e-3)?.eps(1e-6)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn eps(mut self, eps: f64) -> Result<Adam> {
        if eps < 0.0 {
            return Err(Error::invalid(
                "Adam",
                format!("epsilon should be >=0, {eps} was provided instead"),
            ));
        }
        self.eps = eps;
        Ok(self)
    }

    /// Divide the moments by `1 - beta^step` (default off, as MLX).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adam::new(1e-3)?.bias_correction(true);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn bias_correction(mut self, on: bool) -> Adam {
        self.bias_correction = on;
        self
    }
}

impl Rule for Adam {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["m", "v"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let dt = g.dtype();
        let lr = ctx.lr(dt)?;
        let [b1, b2] = self.betas;
        let (m, v) = (take(s, "m"), take(s, "v"));
        // One fused node (one pass on the CPU) with the ops' exact values.
        let (p, m, v) = if self.bias_correction {
            let c1 = ctx.shared("adam_c1", dt, || {
                (&lr / &(1.0 - scalar_pow(b1, ctx.step)?)?)?.as_type(dt)
            })?;
            let c2 = ctx.shared("adam_c2", dt, || {
                rsqrt(&(1.0 - scalar_pow(b2, ctx.step)?)?)?.as_type(dt)
            })?;
            adam_update(p, &m, &v, g, &c1, Some(&c2), self.betas, self.eps)?
        } else {
            adam_update(p, &m, &v, g, &lr, None, self.betas, self.eps)?
        };
        s.insert("m".into(), m);
        s.insert("v".into(), v);
        Ok(p)
    }
}
single_optimizer!(Adam);

/// AdamW (MLX's `optim.AdamW`): Adam on `w (1 - lr weight_decay)`,
/// decoupled weight decay (default 0.01).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{AdamW, Optimizer};
/// let mut opt = AdamW::new(0.1)?.weight_decay(0.5);
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[0.0f32], &[1])?);
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// assert!((w - 0.95).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AdamW {
    adam: Adam,
    weight_decay: f64,
}

impl AdamW {
    /// AdamW with Adam's defaults and `weight_decay = 0.01`.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdamW::new(1e-3)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<AdamW> {
        Ok(AdamW {
            adam: Adam::new(learning_rate)?,
            weight_decay: 0.01,
        })
    }

    /// As [`Adam::betas`].
    ///
    /// # Errors
    /// `[Adam] beta1 should be in [0, 1) ...`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdamW::new(1e-3)?.betas([0.8, 0.99])?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn betas(mut self, betas: [f64; 2]) -> Result<AdamW> {
        self.adam = self.adam.betas(betas)?;
        Ok(self)
    }

    /// As [`Adam::eps`].
    ///
    /// # Errors
    /// `[Adam] epsilon should be >=0 ...`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdamW::new(1e-3)?.eps(1e-6)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn eps(mut self, eps: f64) -> Result<AdamW> {
        self.adam = self.adam.eps(eps)?;
        Ok(self)
    }

    /// As [`Adam::bias_correction`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdamW::new(1e-3)?.bias_correction(true);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn bias_correction(mut self, on: bool) -> AdamW {
        self.adam = self.adam.bias_correction(on);
        self
    }

    /// The decoupled weight decay.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdamW::new(1e-3)?.weight_decay(0.1);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn weight_decay(mut self, weight_decay: f64) -> AdamW {
        self.weight_decay = weight_decay;
        self
    }
}

impl Rule for AdamW {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        self.adam.init_single(p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let lr = ctx.lr(g.dtype())?;
        let p = (p * &(1.0 - (&lr * self.weight_decay)?)?)?;
        self.adam.apply_single(g, &p, s, ctx)
    }
}

impl AdamW {
    fn base_mut(&mut self) -> &mut Base {
        &mut self.adam.base
    }
}

macro_rules! wrapped_optimizer {
    ($T:ty) => {
        impl $crate::Optimizer for $T {
            fn init(&mut self, parameters: &mlx_core::tree::Tree) -> Result<()> {
                let mut base = std::mem::take(self.base_mut());
                let r = base.init(self, parameters);
                *self.base_mut() = base;
                r
            }
            fn apply_gradients(
                &mut self,
                gradients: &mlx_core::tree::Tree,
                parameters: &mlx_core::tree::Tree,
            ) -> Result<mlx_core::tree::Tree> {
                let mut base = std::mem::take(self.base_mut());
                let r = base.apply(self, gradients, parameters);
                *self.base_mut() = base;
                r
            }
            fn state(&self) -> mlx_core::tree::Tree {
                self.adam.base.state()
            }
            fn set_state(&mut self, state: &mlx_core::tree::Tree) -> Result<()> {
                self.base_mut().set_state(state)
            }
            fn step(&self) -> Array {
                self.adam.base.step()
            }
            fn learning_rate(&self) -> Array {
                self.adam.base.scalar("learning_rate")
            }
            fn set_learning_rate(&mut self, learning_rate: f64) {
                self.base_mut().set_scalar("learning_rate", learning_rate)
            }
        }
    };
}
wrapped_optimizer!(AdamW);

/// Adamax (MLX's `optim.Adamax`): Adam with the infinity norm,
/// `v = max(b2 v, |g|)`, `w = w - lr m / (v + eps)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{Adamax, Optimizer};
/// let mut opt = Adamax::new(0.1)?;
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[2.0f32], &[1])?);
/// // m = 0.2, v = 2: w = 1 - 0.1 * 0.1
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// assert!((w - 0.99).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Adamax {
    adam: Adam,
}

impl Adamax {
    /// Adamax with `betas = [0.9, 0.999]`, `eps = 1e-8`.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adamax::new(2e-3)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<Adamax> {
        Ok(Adamax {
            adam: Adam::new(learning_rate)?,
        })
    }

    /// As [`Adam::betas`].
    ///
    /// # Errors
    /// `[Adam] beta1 should be in [0, 1) ...`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adamax::new(2e-3)?.betas([0.8, 0.99])?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn betas(mut self, betas: [f64; 2]) -> Result<Adamax> {
        self.adam = self.adam.betas(betas)?;
        Ok(self)
    }

    /// As [`Adam::eps`].
    ///
    /// # Errors
    /// `[Adam] epsilon should be >=0 ...`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adamax::new(2e-3)?.eps(1e-6)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn eps(mut self, eps: f64) -> Result<Adamax> {
        self.adam = self.adam.eps(eps)?;
        Ok(self)
    }

    fn base_mut(&mut self) -> &mut Base {
        &mut self.adam.base
    }
}

impl Rule for Adamax {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["m", "v"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let lr = ctx.lr(g.dtype())?;
        let [b1, b2] = self.adam.betas;
        let m = ((b1 * &take(s, "m"))? + ((1.0 - b1) * g)?)?;
        let v = maximum(&(b2 * &take(s, "v"))?, &abs(g)?)?;
        s.insert("m".into(), m.clone());
        s.insert("v".into(), v.clone());
        p - ((&lr * &m)? / &(&v + self.adam.eps)?)?
    }
}
wrapped_optimizer!(Adamax);

/// Lion (MLX's `optim.Lion`): `c = b1 m + (1 - b1) g`,
/// `m = b2 m + (1 - b2) g`, `w = w (1 - lr wd) - lr sign(c)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{Lion, Optimizer};
/// let mut opt = Lion::new(0.1)?;
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[-5.0f32], &[1])?);
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// assert!((w - 1.1).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Lion {
    betas: [f64; 2],
    weight_decay: f64,
    base: Base,
}

impl Lion {
    /// Lion with `betas = [0.9, 0.99]`, no weight decay.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Lion::new(1e-4)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<Lion> {
        let mut base = Base::new();
        base.schedule("learning_rate", learning_rate.into())?;
        Ok(Lion {
            betas: [0.9, 0.99],
            weight_decay: 0.0,
            base,
        })
    }

    /// The momentum and direction coefficients.
    ///
    /// # Errors
    /// `[Lion] beta1 should be in [0, 1), 1 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_optim::Lion::new(1e-4)?.betas([1.0, 0.9]).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn betas(mut self, betas: [f64; 2]) -> Result<Lion> {
        check_betas("Lion", betas)?;
        self.betas = betas;
        Ok(self)
    }

    /// The decoupled weight decay.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Lion::new(1e-4)?.weight_decay(0.1);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn weight_decay(mut self, weight_decay: f64) -> Lion {
        self.weight_decay = weight_decay;
        self
    }
}

impl Rule for Lion {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["m"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let lr = ctx.lr(g.dtype())?;
        let [b1, b2] = self.betas;
        let m = take(s, "m");
        let c = ((b1 * &m)? + ((1.0 - b1) * g)?)?;
        s.insert("m".into(), ((b2 * &m)? + ((1.0 - b2) * g)?)?);
        let p = if self.weight_decay > 0.0 {
            ((1.0f64 - (&lr * self.weight_decay)?)? * p)?
        } else {
            p.clone()
        };
        &p - (&lr * &sign(&c)?)?
    }
}
single_optimizer!(Lion);
