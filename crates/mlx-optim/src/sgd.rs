//! SGD, RMSprop, Adagrad and AdaDelta.

use crate::optimizer::{single_optimizer, Base, Ctx, LearningRate, Rule, Slots};
use mlx_core::ops::{sqrt, square, zeros_like};
use mlx_core::{Array, Error, Result};

pub(crate) fn slots(names: &[&str], p: &Array) -> Result<Slots> {
    names
        .iter()
        .map(|n| Ok((n.to_string(), zeros_like(p)?)))
        .collect()
}

pub(crate) fn take(s: &Slots, k: &str) -> Array {
    s.get(k).cloned().expect("slot initialized")
}

/// Stochastic gradient descent (MLX's `optim.SGD`):
/// `v = momentum * v + (1 - dampening) * g`, `w = w - lr * v` (or
/// `g + momentum * v` with Nesterov), with L2 `weight_decay` added to `g`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{Optimizer, Sgd};
/// let mut opt = Sgd::new(0.5)?.momentum(0.9)?.nesterov(true)?;
/// let p = Tree::map([("w", Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?))]);
/// let g = Tree::map([("w", Tree::Leaf(Array::from_slice(&[2.0f32], &[1])?))]);
/// let new = opt.apply_gradients(&g, &p)?;
/// // v = 2, update = g + 0.9 v = 3.8, w = 1 - 0.5 * 3.8
/// assert_eq!(new.get("w").unwrap().to_vec::<f32>()?, vec![1.0 - 0.5 * 3.8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sgd {
    momentum: f64,
    weight_decay: f64,
    dampening: f64,
    nesterov: bool,
    base: Base,
}

impl Sgd {
    /// Plain SGD with learning rate `learning_rate` (a number or a
    /// schedule).
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Sgd::new(0.1)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<Sgd> {
        let mut base = Base::new();
        base.schedule("learning_rate", learning_rate.into())?;
        Ok(Sgd {
            momentum: 0.0,
            weight_decay: 0.0,
            dampening: 0.0,
            nesterov: false,
            base,
        })
    }

    fn check(self) -> Result<Sgd> {
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            return Err(Error::invalid(
                "SGD",
                "Nesterov momentum requires a momentum and zero dampening.",
            ));
        }
        Ok(self)
    }

    /// Momentum strength (default 0).
    ///
    /// # Errors
    /// `[SGD] Nesterov momentum requires ...` when Nesterov is on and the
    /// momentum is not positive.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Sgd::new(0.1)?.momentum(0.9)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn momentum(mut self, momentum: f64) -> Result<Sgd> {
        self.momentum = momentum;
        self.check()
    }

    /// L2 penalty added to the gradient (default 0).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Sgd::new(0.1)?.weight_decay(1e-4);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn weight_decay(mut self, weight_decay: f64) -> Sgd {
        self.weight_decay = weight_decay;
        self
    }

    /// Dampening of the momentum (default 0).
    ///
    /// # Errors
    /// `[SGD] Nesterov momentum requires ...` with Nesterov on.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Sgd::new(0.1)?.momentum(0.9)?.dampening(0.1)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn dampening(mut self, dampening: f64) -> Result<Sgd> {
        self.dampening = dampening;
        self.check()
    }

    /// Nesterov momentum (default off).
    ///
    /// # Errors
    /// `[SGD] Nesterov momentum requires a momentum and zero dampening.`
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_optim::Sgd::new(0.1)?.nesterov(true).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn nesterov(mut self, nesterov: bool) -> Result<Sgd> {
        self.nesterov = nesterov;
        self.check()
    }
}

impl Rule for Sgd {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["v"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let mut g = g.clone();
        if self.weight_decay != 0.0 {
            g = (&g + (self.weight_decay * p)?)?;
        }
        let lr = ctx.lr(g.dtype())?;
        if self.momentum <= 0.0 {
            return p - (&lr * &g)?;
        }
        let mut v = (self.momentum * &take(s, "v"))?;
        if self.dampening > 0.0 {
            v = (&v + ((1.0 - self.dampening) * &g)?)?;
        } else {
            v = (&v + &g)?;
        }
        let update = if self.nesterov {
            (&g + (self.momentum * &v)?)?
        } else {
            v.clone()
        };
        s.insert("v".into(), v);
        p - (&lr * &update)?
    }
}
single_optimizer!(Sgd);

/// RMSprop (MLX's `optim.RMSprop`): `v = alpha v + (1 - alpha) g^2`,
/// `w = w - lr g / (sqrt(v) + eps)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{Optimizer, RmsProp};
/// let mut opt = RmsProp::new(0.1)?.alpha(0.5)?;
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[2.0f32], &[1])?);
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// assert!((w - (1.0 - 0.1 * 2.0 / 2f32.sqrt())).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RmsProp {
    alpha: f64,
    eps: f64,
    base: Base,
}

impl RmsProp {
    /// RMSprop with `alpha = 0.99`, `eps = 1e-8`.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::RmsProp::new(1e-3)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<RmsProp> {
        let mut base = Base::new();
        base.schedule("learning_rate", learning_rate.into())?;
        Ok(RmsProp {
            alpha: 0.99,
            eps: 1e-8,
            base,
        })
    }

    /// The smoothing constant.
    ///
    /// # Errors
    /// `[RMSprop] alpha should be >=0, -1 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_optim::RmsProp::new(1e-3)?.alpha(-1.0).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn alpha(mut self, alpha: f64) -> Result<RmsProp> {
        if alpha < 0.0 {
            return Err(Error::invalid(
                "RMSprop",
                format!("alpha should be >=0, {alpha} was provided instead"),
            ));
        }
        self.alpha = alpha;
        Ok(self)
    }

    /// The denominator's epsilon.
    ///
    /// # Errors
    /// `[RMSprop] epsilon should be >0, 0 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_optim::RmsProp::new(1e-3)?.eps(0.0).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn eps(mut self, eps: f64) -> Result<RmsProp> {
        if eps <= 0.0 {
            return Err(Error::invalid(
                "RMSprop",
                format!("epsilon should be >0, {eps} was provided instead"),
            ));
        }
        self.eps = eps;
        Ok(self)
    }
}

impl Rule for RmsProp {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["v"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let lr = ctx.lr(g.dtype())?;
        let v = ((self.alpha * &take(s, "v"))? + ((1.0 - self.alpha) * &square(g)?)?)?;
        let den = (sqrt(&v)? + self.eps)?;
        s.insert("v".into(), v);
        p - ((&lr * g)? / &den)?
    }
}
single_optimizer!(RmsProp);

/// Adagrad (MLX's `optim.Adagrad`): `v = v + g^2`,
/// `w = w - lr g / (sqrt(v) + eps)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{Adagrad, Optimizer};
/// let mut opt = Adagrad::new(0.1)?;
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[2.0f32], &[1])?);
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// assert!((w - 0.9).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Adagrad {
    eps: f64,
    base: Base,
}

impl Adagrad {
    /// Adagrad with `eps = 1e-8`.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adagrad::new(1e-2)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<Adagrad> {
        let mut base = Base::new();
        base.schedule("learning_rate", learning_rate.into())?;
        Ok(Adagrad { eps: 1e-8, base })
    }

    /// The denominator's epsilon.
    ///
    /// # Errors
    /// `[Adagrad] epsilon should be >0, 0 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adagrad::new(1e-2)?.eps(1e-6)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn eps(mut self, eps: f64) -> Result<Adagrad> {
        if eps <= 0.0 {
            return Err(Error::invalid(
                "Adagrad",
                format!("epsilon should be >0, {eps} was provided instead"),
            ));
        }
        self.eps = eps;
        Ok(self)
    }
}

impl Rule for Adagrad {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["v"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let lr = ctx.lr(g.dtype())?;
        let v = (&take(s, "v") + &square(g)?)?;
        let den = (sqrt(&v)? + self.eps)?;
        s.insert("v".into(), v);
        p - ((&lr * g)? / &den)?
    }
}
single_optimizer!(Adagrad);

/// AdaDelta (MLX's `optim.AdaDelta`): `v = rho v + (1 - rho) g^2`,
/// `d = sqrt(u + eps) / sqrt(v + eps) g`, `u = rho u + (1 - rho) d^2`,
/// `w = w - lr d`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{AdaDelta, Optimizer};
/// let mut opt = AdaDelta::new(1.0)?;
/// let p = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let g = Tree::Leaf(Array::from_slice(&[1.0f32], &[1])?);
/// let w = opt.apply_gradients(&g, &p)?.leaves()[0].item::<f32>()?;
/// let d = (1e-6f32).sqrt() / (0.1f32 + 1e-6).sqrt();
/// assert!((w - (1.0 - d)).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AdaDelta {
    rho: f64,
    eps: f64,
    base: Base,
}

impl AdaDelta {
    /// AdaDelta with `rho = 0.9`, `eps = 1e-6`.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdaDelta::new(1.0)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(learning_rate: impl Into<LearningRate>) -> Result<AdaDelta> {
        let mut base = Base::new();
        base.schedule("learning_rate", learning_rate.into())?;
        Ok(AdaDelta {
            rho: 0.9,
            eps: 1e-6,
            base,
        })
    }

    /// The running-average coefficient.
    ///
    /// # Errors
    /// `[AdaDelta] rho should be >=0, -1 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdaDelta::new(1.0)?.rho(0.95)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn rho(mut self, rho: f64) -> Result<AdaDelta> {
        if rho < 0.0 {
            return Err(Error::invalid(
                "AdaDelta",
                format!("rho should be >=0, {rho} was provided instead"),
            ));
        }
        self.rho = rho;
        Ok(self)
    }

    /// The epsilon inside the square roots.
    ///
    /// # Errors
    /// `[AdaDelta] epsilon should be >0, 0 was provided instead`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::AdaDelta::new(1.0)?.eps(1e-5)?;
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn eps(mut self, eps: f64) -> Result<AdaDelta> {
        if eps <= 0.0 {
            return Err(Error::invalid(
                "AdaDelta",
                format!("epsilon should be >0, {eps} was provided instead"),
            ));
        }
        self.eps = eps;
        Ok(self)
    }
}

impl Rule for AdaDelta {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        slots(&["v", "u"], p)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let lr = ctx.lr(g.dtype())?;
        let (rho, eps) = (self.rho, self.eps);
        let u = take(s, "u");
        let v = ((rho * &take(s, "v"))? + ((1.0 - rho) * &square(g)?)?)?;
        let d = ((sqrt(&(&u + eps)?)? / &sqrt(&(&v + eps)?)?)? * g)?;
        let u = ((rho * &u)? + ((1.0 - rho) * &square(&d)?)?)?;
        s.insert("v".into(), v);
        s.insert("u".into(), u);
        p - (&lr * &d)?
    }
}
single_optimizer!(AdaDelta);
