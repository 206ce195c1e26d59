//! MultiOptimizer: different optimizers for parameter subsets.

use crate::Optimizer;
use mlx_core::tree::{tree_flatten, tree_unflatten, Tree};
use mlx_core::{Array, Error, Result};
use std::fmt;

/// A predicate on a parameter's dotted path and value.
pub type ParamFilter = Box<dyn Fn(&str, &Array) -> bool>;

/// Different optimizers for different parameters (MLX's
/// `optim.MultiOptimizer`): the first optimizer whose filter accepts a
/// parameter's path and value takes it; the last optimizer, which has no
/// filter, takes the rest.
///
/// Its state is `{"states": [state of each optimizer]}`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// use mlx_optim::{MultiOptimizer, Optimizer, Sgd};
/// let mut opt = MultiOptimizer::new(
///     vec![Box::new(Sgd::new(1.0)?), Box::new(Sgd::new(0.0)?)],
///     vec![Box::new(|path: &str, _: &Array| path.ends_with("bias"))],
/// )?;
/// let one = |v: f32| Ok::<_, mlx_core::Error>(Tree::Leaf(Array::from_slice(&[v], &[1])?));
/// let p = Tree::map([("bias", one(1.0)?), ("weight", one(1.0)?)]);
/// let g = Tree::map([("bias", one(1.0)?), ("weight", one(1.0)?)]);
/// let new = opt.apply_gradients(&g, &p)?;
/// assert_eq!(new.get("bias").unwrap().item::<f32>()?, 0.0); // lr 1
/// assert_eq!(new.get("weight").unwrap().item::<f32>()?, 1.0); // lr 0
/// Ok::<(), mlx_core::Error>(())
/// ```
pub struct MultiOptimizer {
    optimizers: Vec<Box<dyn Optimizer>>,
    filters: Vec<ParamFilter>,
}

impl fmt::Debug for MultiOptimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MultiOptimizer({} optimizers)", self.optimizers.len())
    }
}

impl MultiOptimizer {
    /// Wrap `optimizers` with `filters`, one fewer than the optimizers.
    ///
    /// # Errors
    /// `[MultiOptimizer] Given 2 filters but 1 needed.`
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_optim::{MultiOptimizer, Sgd};
    /// assert!(MultiOptimizer::new(vec![Box::new(Sgd::new(0.1)?)], vec![]).is_ok());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(optimizers: Vec<Box<dyn Optimizer>>, filters: Vec<ParamFilter>) -> Result<Self> {
        if optimizers.is_empty() || filters.len() != optimizers.len() - 1 {
            return Err(Error::invalid(
                "MultiOptimizer",
                format!(
                    "Given {} filters but {} needed.",
                    filters.len(),
                    optimizers.len().saturating_sub(1)
                ),
            ));
        }
        Ok(MultiOptimizer {
            optimizers,
            filters,
        })
    }

    fn split(&self, tree: &Tree) -> Result<Vec<Tree>> {
        if self.optimizers.len() == 1 {
            return Ok(vec![tree.clone()]);
        }
        let mut parts: Vec<Vec<(String, Array)>> = vec![Vec::new(); self.optimizers.len()];
        for (k, g) in tree_flatten(tree) {
            let i = self
                .filters
                .iter()
                .position(|f| f(&k, &g))
                .unwrap_or(self.filters.len());
            parts[i].push((k, g));
        }
        parts
            .into_iter()
            .map(|p| {
                if p.is_empty() {
                    Ok(Tree::map(Vec::<(String, Tree)>::new()))
                } else {
                    tree_unflatten(&p)
                }
            })
            .collect()
    }
}

impl Optimizer for MultiOptimizer {
    fn init(&mut self, parameters: &Tree) -> Result<()> {
        let parts = self.split(parameters)?;
        for (o, p) in self.optimizers.iter_mut().zip(parts) {
            o.init(&p)?;
        }
        Ok(())
    }

    fn apply_gradients(&mut self, gradients: &Tree, parameters: &Tree) -> Result<Tree> {
        let parts = self.split(gradients)?;
        let mut items = Vec::new();
        for (o, g) in self.optimizers.iter_mut().zip(parts) {
            items.extend(tree_flatten(&o.apply_gradients(&g, parameters)?));
        }
        items.sort_by(|a, b| a.0.cmp(&b.0));
        tree_unflatten(&items)
    }

    fn state(&self) -> Tree {
        Tree::map([(
            "states",
            Tree::List(self.optimizers.iter().map(|o| o.state()).collect()),
        )])
    }

    fn set_state(&mut self, state: &Tree) -> Result<()> {
        let bad = || Error::invalid("MultiOptimizer", "Invalid state provided");
        let Tree::Map(m) = state else {
            return Err(bad());
        };
        let Some(Tree::List(states)) = m.get("states") else {
            return Err(bad());
        };
        if states.len() != self.optimizers.len() {
            return Err(bad());
        }
        for (o, s) in self.optimizers.iter_mut().zip(states) {
            o.set_state(s)?;
        }
        Ok(())
    }

    fn step(&self) -> Array {
        self.optimizers[0].step()
    }

    fn learning_rate(&self) -> Array {
        self.optimizers[0].learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        for o in &mut self.optimizers {
            o.set_learning_rate(learning_rate);
        }
    }
}
