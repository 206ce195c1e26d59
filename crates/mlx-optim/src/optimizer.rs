//! The [`Optimizer`] trait, [`LearningRate`], and the per-parameter state
//! machinery shared by every optimizer (MLX's `Optimizer` base class).

use mlx_core::tree::{tree_flatten, tree_map_with_path, tree_unflatten, Tree};
use mlx_core::{Array, Dtype, Error, Result};
use mlx_nn::Module;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// A schedule: a function of the step (a `uint64` scalar array) giving a
/// value, such as a learning rate (MLX's schedulers are callables). Made by
/// [`crate::step_decay`], [`crate::cosine_decay`] and the like, or by hand.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// let s: mlx_optim::Schedule = std::sync::Arc::new(|step: &Array| step * 0.5);
/// assert_eq!(s(&Array::from_scalar(4u64))?.item::<f32>()?, 2.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub type Schedule = Arc<dyn Fn(&Array) -> Result<Array> + Send + Sync>;

/// A learning rate: a number or a [`Schedule`] of the step.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_optim::{LearningRate, Optimizer, Sgd};
/// let lr: LearningRate = 0.1.into();
/// let opt = Sgd::new(lr)?;
/// assert_eq!(opt.learning_rate().item::<f32>()?, 0.1);
/// let opt = Sgd::new(mlx_optim::exponential_decay(0.1, 0.9))?;
/// assert_eq!(opt.learning_rate().item::<f32>()?, 0.1);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone)]
pub enum LearningRate {
    /// A fixed value (stored as a `float32` scalar, as `mx.array(0.1)`).
    Value(f64),
    /// A function of the step, evaluated before each update.
    Schedule(Schedule),
}

impl fmt::Debug for LearningRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LearningRate::Value(v) => write!(f, "LearningRate::Value({v})"),
            LearningRate::Schedule(_) => write!(f, "LearningRate::Schedule(..)"),
        }
    }
}

impl From<f64> for LearningRate {
    fn from(v: f64) -> Self {
        LearningRate::Value(v)
    }
}

impl From<f32> for LearningRate {
    fn from(v: f32) -> Self {
        LearningRate::Value(v as f64)
    }
}

impl From<Schedule> for LearningRate {
    fn from(s: Schedule) -> Self {
        LearningRate::Schedule(s)
    }
}

/// An optimizer (MLX's `mlx.optimizers.Optimizer`): turns gradients into
/// parameter updates, keeping its state (the step, the learning rate and
/// per-parameter moments) as a [`Tree`] of arrays.
///
/// Every update is lazy: after [`Optimizer::update`] evaluate the model's
/// parameters and the optimizer's state together, as MLX's
/// `mx.eval(model.parameters(), optimizer.state)` ([`crate::eval_step`]).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Array, Dtype, ops};
/// use mlx_nn::{Linear, Module, UnaryModule};
/// use mlx_optim::{Adam, Optimizer};
/// let mut model = Linear::new(2, 1)?;
/// let mut opt = Adam::new(0.1)?;
/// let loss_and_grad = mlx_nn::value_and_grad(|m: &mut Linear, a: &[Array]| {
///     (m.forward(&a[0])? - &a[1])?.square()?.mean((), false)
/// });
/// let x = ops::ones(&[4, 2], Dtype::Float32)?;
/// // A target no initialisation is near (|w1 + w2 + b| < 2.2), so the loss
/// // falls whatever the random start.
/// let y = ops::full(&[4, 1], 3.0, Dtype::Float32)?;
/// let (first, _) = loss_and_grad(&mut model, &[x.clone(), y.clone()])?;
/// for _ in 0..20 {
///     let (_, grads) = loss_and_grad(&mut model, &[x.clone(), y.clone()])?;
///     opt.update(&mut model, &grads)?;
///     mlx_optim::eval_step(&model, &opt)?;
/// }
/// let (last, _) = loss_and_grad(&mut model, &[x, y])?;
/// assert!(last.item::<f32>()? < first.item::<f32>()?);
/// assert_eq!(opt.step().item::<u64>()?, 20);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub trait Optimizer {
    /// Initialize the state for `parameters` (optional: the first update
    /// initializes what is missing).
    ///
    /// # Errors
    /// An optimizer that cannot handle a parameter's shape says so.
    fn init(&mut self, parameters: &Tree) -> Result<()>;

    /// The updated parameters for `gradients` (MLX's `apply_gradients`):
    /// a tree shaped like `gradients`; `parameters` may be a superset.
    ///
    /// # Errors
    /// `[apply_gradients] no parameter for gradient "w"` and op errors.
    fn apply_gradients(&mut self, gradients: &Tree, parameters: &Tree) -> Result<Tree>;

    /// Apply `gradients` to `model`'s parameters and update the model
    /// (`model.update(self.apply_gradients(gradients, model))`).
    ///
    /// # Errors
    /// As [`Optimizer::apply_gradients`] and [`Module::update`].
    fn update(&mut self, model: &mut dyn Module, gradients: &Tree) -> Result<()> {
        let new = self.apply_gradients(gradients, &model.parameters())?;
        model.update(&new, true)
    }

    /// The state as a tree: `step`, `learning_rate` (when it has one) and,
    /// per parameter path, its moments (`{"weight": {"m": .., "v": ..}}`).
    fn state(&self) -> Tree;

    /// Replace the state with `state` (as returned by
    /// [`Optimizer::state`]); missing per-parameter entries are
    /// initialized at the next update.
    ///
    /// # Errors
    /// `[Optimizer.state] ...` for a tree that is not an optimizer state.
    fn set_state(&mut self, state: &Tree) -> Result<()>;

    /// The number of updates so far (a `uint64` scalar array).
    fn step(&self) -> Array;

    /// The current learning rate (a scalar array; the value a schedule gave
    /// at the last update).
    fn learning_rate(&self) -> Array;

    /// Set a fixed learning rate (a schedule, if any, keeps overriding it).
    fn set_learning_rate(&mut self, learning_rate: f64);

    /// Save the state to a safetensors file (flattened dotted keys).
    ///
    /// # Errors
    /// `[Optimizer.save] ...` when the file cannot be written.
    fn save(&self, path: &Path) -> Result<()> {
        save_tree(&self.state(), path)
    }

    /// Load a state saved by [`Optimizer::save`] and make it current.
    ///
    /// # Errors
    /// `[Optimizer.load] ...` when the file cannot be read, and the errors
    /// of [`Optimizer::set_state`].
    fn load(&mut self, path: &Path) -> Result<()> {
        let t = load_tree(path)?;
        self.set_state(&t)
    }
}

fn io_err(op: &'static str, path: &Path, e: mlx_io::Error) -> Error {
    match e {
        mlx_io::Error::Core(e) => e,
        e => Error::invalid(op, format!("{}: {e}", path.display())),
    }
}

/// Save a tree of arrays as safetensors with dotted keys.
pub(crate) fn save_tree(tree: &Tree, path: &Path) -> Result<()> {
    let flat = tree_flatten(tree);
    mlx_io::save_safetensors(path, flat.iter().map(|(k, a)| (k.as_str(), a)), None)
        .map_err(|e| io_err("Optimizer.save", path, e))
}

/// Load a tree saved by [`save_tree`].
pub(crate) fn load_tree(path: &Path) -> Result<Tree> {
    let map = mlx_io::load(path)
        .and_then(|l| l.into_map())
        .map_err(|e| io_err("Optimizer.load", path, e))?;
    let mut items: Vec<(String, Array)> = map.into_iter().collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    tree_unflatten(&items)
}

/// Evaluate a model's parameters and an optimizer's state together, once
/// (MLX's `mx.eval(model.parameters(), optimizer.state)`).
///
/// # Errors
/// Evaluation errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_optim::{Optimizer, Sgd};
/// let model = mlx_nn::Linear::new(2, 2)?;
/// let opt = Sgd::new(0.1)?;
/// mlx_optim::eval_step(&model, &opt)?;
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn eval_step(model: &dyn Module, optimizer: &dyn Optimizer) -> Result<()> {
    let mut arrays = model.parameters().leaves();
    arrays.extend(optimizer.state().leaves());
    mlx_core::eval(&arrays.iter().collect::<Vec<_>>())
}

/// What an update sees besides the gradient and the parameter.
pub(crate) struct Ctx<'a> {
    /// The step after this update's increment (`uint64`).
    pub step: &'a Array,
    /// The learning rate, when the optimizer has one.
    pub lr: Option<&'a Array>,
    /// Scalars that every parameter of this step shares ([`Ctx::shared`]).
    pub shared: std::cell::RefCell<Vec<(&'static str, Dtype, Array)>>,
}

impl Ctx<'_> {
    /// The scalar `key` in `dtype`, built by `make` for the first
    /// parameter of the step and shared by the rest: one node per step
    /// instead of one per parameter (e.g. Adam's bias corrections).
    pub fn shared(
        &self,
        key: &'static str,
        dtype: Dtype,
        make: impl FnOnce() -> Result<Array>,
    ) -> Result<Array> {
        if let Some((_, _, a)) = self
            .shared
            .borrow()
            .iter()
            .find(|(k, d, _)| *k == key && *d == dtype)
        {
            return Ok(a.clone());
        }
        let a = make()?;
        self.shared.borrow_mut().push((key, dtype, a.clone()));
        Ok(a)
    }

    /// The learning rate cast to `dtype` (`learning_rate.astype(dtype)`).
    pub fn lr(&self, dtype: Dtype) -> Result<Array> {
        match self.lr {
            Some(lr) => lr.as_type(dtype),
            None => Err(Error::invalid(
                "apply_gradients",
                "the optimizer has no learning rate",
            )),
        }
    }
}

/// One parameter's state: named arrays (`m`, `v`, ...).
pub(crate) type Slots = BTreeMap<String, Array>;

/// The per-parameter rule of an optimizer (MLX's `init_single` and
/// `apply_single`).
pub(crate) trait Rule {
    fn init_single(&self, parameter: &Array) -> Result<Slots>;
    fn apply_single(&self, g: &Array, p: &Array, s: &mut Slots, ctx: &Ctx) -> Result<Array>;
}

/// The state shared by the single optimizers.
#[derive(Clone, Default)]
pub(crate) struct Base {
    step: Option<Array>,
    scalars: BTreeMap<String, Array>,
    schedules: BTreeMap<String, Schedule>,
    params: BTreeMap<String, Slots>,
}

impl fmt::Debug for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptimizerState")
            .field("scalars", &self.scalars.keys().collect::<Vec<_>>())
            .field("schedules", &self.schedules.keys().collect::<Vec<_>>())
            .field("parameters", &self.params.len())
            .finish()
    }
}

impl Base {
    pub fn new() -> Base {
        Base {
            step: Some(Array::from_scalar(0u64)),
            ..Base::default()
        }
    }

    /// MLX's `_maybe_schedule`: a fixed value or a schedule of the step.
    pub fn schedule(&mut self, name: &str, value: LearningRate) -> Result<()> {
        let v = match value {
            LearningRate::Value(v) => Array::from_scalar(v as f32),
            LearningRate::Schedule(s) => {
                let v = s(&self.step())?;
                self.schedules.insert(name.to_string(), s);
                v
            }
        };
        self.scalars.insert(name.to_string(), v);
        Ok(())
    }

    pub fn step(&self) -> Array {
        self.step.clone().expect("step is set")
    }

    pub fn scalar(&self, name: &str) -> Array {
        self.scalars
            .get(name)
            .cloned()
            .unwrap_or_else(|| Array::from_scalar(f32::NAN))
    }

    pub fn set_scalar(&mut self, name: &str, v: f64) {
        self.scalars
            .insert(name.to_string(), Array::from_scalar(v as f32));
    }

    pub fn init(&mut self, rule: &dyn Rule, parameters: &Tree) -> Result<()> {
        for (path, p) in tree_flatten(parameters) {
            if let std::collections::btree_map::Entry::Vacant(e) = self.params.entry(path) {
                e.insert(rule.init_single(&p)?);
            }
        }
        Ok(())
    }

    pub fn apply(&mut self, rule: &dyn Rule, grads: &Tree, params: &Tree) -> Result<Tree> {
        self.init(rule, grads)?;
        for (name, s) in &self.schedules {
            let v = s(&self.step())?;
            self.scalars.insert(name.clone(), v);
        }
        let step = (&self.step() + 1u64)?;
        self.step = Some(step.clone());
        let ctx = Ctx {
            step: &step,
            lr: self.scalars.get("learning_rate"),
            shared: Default::default(),
        };
        let states = &mut self.params;
        tree_map_with_path(grads, |path, g| {
            let p = lookup(params, path)?;
            let s = states.get_mut(path).expect("initialized above");
            rule.apply_single(g, p, s, &ctx)
        })
    }

    pub fn state(&self) -> Tree {
        let mut items = vec![("step".to_string(), self.step())];
        for (k, v) in &self.scalars {
            items.push((k.clone(), v.clone()));
        }
        for (path, slots) in &self.params {
            for (k, v) in slots {
                let key = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                items.push((key, v.clone()));
            }
        }
        tree_unflatten(&items).expect("optimizer state paths do not conflict")
    }

    pub fn set_state(&mut self, state: &Tree) -> Result<()> {
        let mut step = None;
        let mut scalars = BTreeMap::new();
        let mut params: BTreeMap<String, Slots> = BTreeMap::new();
        for (k, a) in tree_flatten(state) {
            if k == "step" {
                step = Some(a);
            } else if let Some((path, slot)) = k.rsplit_once('.') {
                params
                    .entry(path.to_string())
                    .or_default()
                    .insert(slot.to_string(), a);
            } else {
                scalars.insert(k, a);
            }
        }
        let Some(step) = step else {
            return Err(Error::invalid(
                "Optimizer.state",
                "the state has no \"step\"",
            ));
        };
        self.step = Some(step);
        self.scalars = scalars;
        self.params = params;
        Ok(())
    }
}

fn lookup<'a>(params: &'a Tree, path: &str) -> Result<&'a Array> {
    params.get(path).ok_or_else(|| {
        Error::invalid(
            "apply_gradients",
            format!("no parameter for gradient {path:?}"),
        )
    })
}

/// Implements [`Optimizer`] for a struct with a `base: Base` field and a
/// [`Rule`] impl.
macro_rules! single_optimizer {
    ($T:ty) => {
        impl $crate::Optimizer for $T {
            fn init(&mut self, parameters: &mlx_core::tree::Tree) -> mlx_core::Result<()> {
                let mut base = std::mem::take(&mut self.base);
                let r = base.init(self, parameters);
                self.base = base;
                r
            }
            fn apply_gradients(
                &mut self,
                gradients: &mlx_core::tree::Tree,
                parameters: &mlx_core::tree::Tree,
            ) -> mlx_core::Result<mlx_core::tree::Tree> {
                let mut base = std::mem::take(&mut self.base);
                let r = base.apply(self, gradients, parameters);
                self.base = base;
                r
            }
            fn state(&self) -> mlx_core::tree::Tree {
                self.base.state()
            }
            fn set_state(&mut self, state: &mlx_core::tree::Tree) -> mlx_core::Result<()> {
                self.base.set_state(state)
            }
            fn step(&self) -> mlx_core::Array {
                self.base.step()
            }
            fn learning_rate(&self) -> mlx_core::Array {
                self.base.scalar("learning_rate")
            }
            fn set_learning_rate(&mut self, learning_rate: f64) {
                self.base.set_scalar("learning_rate", learning_rate)
            }
        }
    };
}
pub(crate) use single_optimizer;

/// `base ** step` with a float `base` next to the `uint64` step, as Python
/// floats do in MLX (`0.9 ** step` is `float32`).
pub(crate) fn scalar_pow(base: f64, step: &Array) -> Result<Array> {
    mlx_core::ops::power(
        &Array::from_scalar(base as f32),
        &step.as_type(Dtype::Float32)?,
    )
}
