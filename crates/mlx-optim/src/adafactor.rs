//! Adafactor.

use crate::optimizer::{single_optimizer, Base, Ctx, LearningRate, Rule, Slots};
use mlx_core::ops::{
    expand_dims, full, maximum, mean, minimum, power, rsqrt, sqrt, square, zeros, zeros_like,
};
use mlx_core::{Array, Dtype, Result};

/// Adafactor (MLX's `optim.Adafactor`): factored second moments for
/// matrices (row and column averages), relative step sizes, update
/// clipping, optional first moment and weight decay.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, ops, Dtype};
/// use mlx_optim::{Adafactor, Optimizer};
/// let mut opt = Adafactor::new();
/// let p = Tree::map([("w", Tree::Leaf(ops::ones(&[3, 4], Dtype::Float32)?))]);
/// opt.init(&p)?;
/// // A matrix keeps a row and a column average instead of a full moment.
/// assert_eq!(opt.state().get("w.exp_avg_sq_row").unwrap().shape(), &[3]);
/// assert_eq!(opt.state().get("w.exp_avg_sq_col").unwrap().shape(), &[4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Adafactor {
    eps: (f64, f64),
    clip_threshold: f64,
    decay_rate: f64,
    beta_1: Option<f64>,
    weight_decay: f64,
    scale_parameter: bool,
    relative_step: bool,
    warmup_init: bool,
    base: Base,
}

impl Default for Adafactor {
    fn default() -> Self {
        Adafactor::new()
    }
}

impl Adafactor {
    /// Adafactor with MLX's defaults: no learning rate (relative steps),
    /// `eps = (1e-30, 1e-3)`, `clip_threshold = 1`, `decay_rate = -0.8`,
    /// no first moment, no weight decay, `scale_parameter`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new();
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new() -> Adafactor {
        Adafactor {
            eps: (1e-30, 1e-3),
            clip_threshold: 1.0,
            decay_rate: -0.8,
            beta_1: None,
            weight_decay: 0.0,
            scale_parameter: true,
            relative_step: true,
            warmup_init: false,
            base: Base::new(),
        }
    }

    /// A learning rate (number or schedule), used when `relative_step` is
    /// off.
    ///
    /// # Errors
    /// The schedule's error at step 0.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().learning_rate(1e-2)?.relative_step(false);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn learning_rate(mut self, learning_rate: impl Into<LearningRate>) -> Result<Adafactor> {
        self.base.schedule("learning_rate", learning_rate.into())?;
        Ok(self)
    }

    /// The two epsilons: added to the squared gradient, and the floor of
    /// the parameter scale.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().eps((1e-30, 1e-2));
    /// ```
    pub fn eps(mut self, eps: (f64, f64)) -> Adafactor {
        self.eps = eps;
        self
    }

    /// Clip the unscaled update's RMS at this value.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().clip_threshold(0.5);
    /// ```
    pub fn clip_threshold(mut self, clip_threshold: f64) -> Adafactor {
        self.clip_threshold = clip_threshold;
        self
    }

    /// The exponent of the second-moment decay `1 - step^decay_rate`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().decay_rate(-0.5);
    /// ```
    pub fn decay_rate(mut self, decay_rate: f64) -> Adafactor {
        self.decay_rate = decay_rate;
        self
    }

    /// Keep a first moment with this coefficient.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().beta_1(Some(0.9));
    /// ```
    pub fn beta_1(mut self, beta_1: Option<f64>) -> Adafactor {
        self.beta_1 = beta_1;
        self
    }

    /// Decoupled weight decay (scaled by the step size).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().weight_decay(0.1);
    /// ```
    pub fn weight_decay(mut self, weight_decay: f64) -> Adafactor {
        self.weight_decay = weight_decay;
        self
    }

    /// Scale the step size by `max(eps.1, RMS(w))`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().scale_parameter(false);
    /// ```
    pub fn scale_parameter(mut self, on: bool) -> Adafactor {
        self.scale_parameter = on;
        self
    }

    /// Use `min(1e-2, 1/sqrt(step))` as step size instead of the learning
    /// rate.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().relative_step(true);
    /// ```
    pub fn relative_step(mut self, on: bool) -> Adafactor {
        self.relative_step = on;
        self
    }

    /// With relative steps, warm up as `min(1e-6 step, 1/sqrt(step))`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let opt = mlx_optim::Adafactor::new().warmup_init(true);
    /// ```
    pub fn warmup_init(mut self, on: bool) -> Adafactor {
        self.warmup_init = on;
        self
    }

    fn learning_rate_for(&self, ctx: &Ctx, rms: &Array) -> Result<Array> {
        let step = ctx.step;
        let rel = if self.relative_step {
            let r = rsqrt(step)?;
            if self.warmup_init {
                minimum((&step.as_type(Dtype::Float32)? * 1e-6)?, &r)?
            } else {
                minimum(&r, &Array::from_scalar(1e-2f32))?
            }
        } else {
            ctx.lr(Dtype::Float32)?
        };
        let rel = rel.as_type(rms.dtype())?;
        if self.scale_parameter {
            maximum(rms, &full((), self.eps.1, rms.dtype())?)? * &rel
        } else {
            Ok(rel)
        }
    }
}

fn rms(x: &Array) -> Result<Array> {
    sqrt(&mean(&square(x)?, (), false)?)
}

impl Rule for Adafactor {
    fn init_single(&self, p: &Array) -> Result<Slots> {
        let mut s = Slots::new();
        if p.ndim() >= 2 {
            let sh = p.shape();
            let n = sh.len();
            s.insert("exp_avg_sq_row".into(), zeros(&sh[..n - 1], p.dtype())?);
            let mut col = sh[..n - 2].to_vec();
            col.push(sh[n - 1]);
            s.insert("exp_avg_sq_col".into(), zeros(&col, p.dtype())?);
        } else {
            s.insert("exp_avg_sq".into(), zeros_like(p)?);
        }
        if self.beta_1.is_some() {
            s.insert("exp_avg".into(), zeros_like(p)?);
        }
        Ok(s)
    }

    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array> {
        let factored = g.ndim() >= 2;
        let p_rms = rms(p)?;
        let lr = self.learning_rate_for(ctx, &p_rms)?;
        let decay = power(
            &ctx.step.as_type(Dtype::Float32)?,
            &Array::from_scalar(self.decay_rate as f32),
        )?;
        let beta_2 = (1.0 - decay.as_type(p_rms.dtype())?)?;
        let one_minus = (1.0 - &beta_2)?;
        let mut update = (square(g)? + self.eps.0)?;
        if factored {
            let row = ((&beta_2 * &s["exp_avg_sq_row"])?
                + (&one_minus * &mean(&update, &[-1], false)?)?)?;
            let col = ((&beta_2 * &s["exp_avg_sq_col"])?
                + (&one_minus * &mean(&update, &[-2], false)?)?)?;
            let r = rsqrt(&(&row / &mean(&row, &[-1], true)?)?)?;
            let c = rsqrt(&col)?;
            update = (expand_dims(&r, &[-1])? * expand_dims(&c, &[-2])?)?;
            update = (&update * g)?;
            s.insert("exp_avg_sq_row".into(), row);
            s.insert("exp_avg_sq_col".into(), col);
        } else {
            let sq = ((&beta_2 * &s["exp_avg_sq"])? + (&one_minus * &update)?)?;
            update = (rsqrt(&sq)? * g)?;
            s.insert("exp_avg_sq".into(), sq);
        }
        let denom = maximum(
            &full((), 1.0, update.dtype())?,
            &(rms(&update)? / self.clip_threshold)?,
        )?;
        update = (&update / &denom)?;
        update = (&lr * &update)?;
        if let Some(b1) = self.beta_1 {
            let avg = ((b1 * &s["exp_avg"])? + ((1.0 - b1) * &update)?)?;
            s.insert("exp_avg".into(), avg.clone());
            update = avg;
        }
        let p = if self.weight_decay != 0.0 {
            (p + (p * &(-self.weight_decay * &lr)?)?)?
        } else {
            p.clone()
        };
        &p - &update
    }
}
single_optimizer!(Adafactor);
