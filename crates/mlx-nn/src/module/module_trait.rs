//! The [`Module`] trait (MLX's `mlx.nn.Module`) and [`UnaryModule`], the
//! call trait of one-input layers.

use super::node::{Node, NodeMut};
use super::state::ModuleState;
use super::traversal::{self, Filter};
use super::{freeze, weights};
use mlx_core::tree::{tree_flatten, Tree};
use mlx_core::{issubdtype, Array, Dtype, DtypeCategory, Result};
use std::fmt;
use std::path::Path;

/// A neural-network module: a container of parameters (arrays) and
/// submodules, with MLX's traversal, freezing, training flag and weight
/// files. Implement it with `#[derive(Module)]`; the required methods are
/// what the derive writes, the provided ones are MLX's `Module` API.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Linear, Module};
///
/// #[derive(Module)]
/// struct Mlp {
///     layers: Vec<Linear>,
/// }
///
/// let mlp = Mlp { layers: vec![Linear::new(2, 4)?, Linear::new(4, 1)?] };
/// let p = mlp.parameters();
/// assert_eq!(p.get("layers.0.weight").unwrap().shape(), &[4, 2]);
/// assert_eq!(
///     mlp.to_string(),
///     "Mlp(\n  (layers.0): Linear(input_dims=2, output_dims=4, bias=True)\n  (layers.1): Linear(input_dims=4, output_dims=1, bias=True)\n)"
/// );
/// Ok::<(), mlx_core::Error>(())
/// ```
pub trait Module {
    /// The printed type name (`Linear`).
    fn module_name(&self) -> String;
    /// The fields that may hold parameters or submodules, in declaration
    /// order.
    fn children_nodes(&self) -> Vec<(&'static str, Node<'_>)>;
    /// As [`Module::children_nodes`], mutably.
    fn children_nodes_mut(&mut self) -> Vec<(&'static str, NodeMut<'_>)>;
    /// The training flag and frozen keys, when the module has a
    /// [`ModuleState`] field.
    fn module_state(&self) -> Option<&ModuleState>;
    /// As [`Module::module_state`], mutably.
    fn module_state_mut(&mut self) -> Option<&mut ModuleState>;
    /// The constructor arguments printed by [`module_repr`](crate::module_repr)
    /// (MLX's `_extra_repr`).
    fn extra_repr(&self) -> String;
    /// `self` as a trait object.
    fn as_module(&self) -> &dyn Module;
    /// `self` as a mutable trait object.
    fn as_module_mut(&mut self) -> &mut dyn Module;

    /// Whether the module is in training mode (MLX's `Module.training`).
    /// A module without a [`ModuleState`] reports its first submodule's
    /// mode (training when it has none).
    fn training(&self) -> bool {
        match self.module_state() {
            Some(s) => s.training(),
            None => traversal::children(self.as_module())
                .first()
                .is_none_or(|(_, c)| c.training()),
        }
    }

    /// Every array of the module as a tree (MLX's `Module.state`; the same
    /// arrays as [`Module::parameters`], frozen ones included).
    fn state(&self) -> Tree {
        self.parameters()
    }

    /// MLX's `Module.filter_and_map` with arrays as leaves: keep the values
    /// `filter(module, key, value)` accepts and map the arrays.
    ///
    /// # Errors
    /// The first error of `map`.
    fn filter_and_map(
        &self,
        filter: Filter<'_>,
        map: &mut dyn FnMut(&Array) -> Result<Array>,
    ) -> Result<Tree> {
        traversal::filter_and_map(self.as_module(), filter, map)
    }

    /// All parameters as a tree (`layers.0.weight`), frozen ones included
    /// (MLX's `Module.parameters`).
    fn parameters(&self) -> Tree {
        traversal::filter_and_map(
            self.as_module(),
            &traversal::valid_parameter_filter,
            &mut |a| Ok(a.clone()),
        )
        .expect("the identity map cannot fail")
    }

    /// The parameters that are not frozen (MLX's
    /// `Module.trainable_parameters`).
    fn trainable_parameters(&self) -> Tree {
        traversal::filter_and_map(
            self.as_module(),
            &traversal::trainable_parameter_filter,
            &mut |a| Ok(a.clone()),
        )
        .expect("the identity map cannot fail")
    }

    /// The direct submodules with their paths (`layers.0`); MLX's
    /// `Module.children` flattened.
    fn children(&self) -> Vec<(String, &dyn Module)> {
        traversal::children(self.as_module())
    }

    /// The modules without submodules, with their full paths; MLX's
    /// `Module.leaf_modules` flattened.
    fn leaf_modules(&self) -> Vec<(String, &dyn Module)> {
        let mut all = Vec::new();
        traversal::named_modules(self.as_module(), String::new(), &mut all);
        let mut leaves: Vec<_> = all
            .into_iter()
            .filter(|(k, m)| !k.is_empty() && m.children().is_empty())
            .collect();
        leaves.reverse();
        leaves
    }

    /// Every module, this one first, in MLX's `apply_to_modules` order.
    fn modules(&self) -> Vec<&dyn Module> {
        self.named_modules().into_iter().map(|(_, m)| m).collect()
    }

    /// Every module with its path (`""` for this one), in MLX's order.
    fn named_modules(&self) -> Vec<(String, &dyn Module)> {
        let mut out = Vec::new();
        traversal::named_modules(self.as_module(), String::new(), &mut out);
        out
    }

    /// Call `f(path, module)` on every module (MLX's
    /// `Module.apply_to_modules`).
    ///
    /// # Errors
    /// The first error of `f`.
    fn apply_to_modules(
        &mut self,
        f: &mut dyn FnMut(&str, &mut dyn Module) -> Result<()>,
    ) -> Result<()> {
        traversal::apply_to_modules(self.as_module_mut(), "", f)
    }

    /// Replace parameters from a tree shaped like [`Module::parameters`]
    /// (MLX's `Module.update`). Strict: every key must name a parameter
    /// and arrays must replace arrays. Nothing changes when it fails.
    ///
    /// # Errors
    /// `[update] module Linear does not have parameter named "foo"` and
    /// the like.
    fn update(&mut self, parameters: &Tree, strict: bool) -> Result<()> {
        let m = self.as_module_mut();
        traversal::update_module(m, parameters, "", strict, false)?;
        traversal::update_module(m, parameters, "", strict, true)
    }

    /// Map the parameters that `filter` accepts (all valid ones when
    /// `None`) through `map` (MLX's `Module.apply`).
    ///
    /// # Errors
    /// The first error of `map`.
    fn apply(
        &mut self,
        map: &mut dyn FnMut(&Array) -> Result<Array>,
        filter: Option<Filter<'_>>,
    ) -> Result<()> {
        let filter = filter.unwrap_or(&traversal::valid_parameter_filter);
        let new = traversal::filter_and_map(self.as_module(), filter, map)?;
        self.update(&new, true)
    }

    /// Freeze parameters so that [`Module::trainable_parameters`] and
    /// [`value_and_grad`](crate::value_and_grad) skip them (MLX's
    /// `Module.freeze`). `keys` are relative to each module (`"weight"`);
    /// `None` freezes every array. `strict` checks that the keys exist.
    ///
    /// # Errors
    /// `[freeze] module Linear does not contain member "foo"` when strict;
    /// nothing changes when it fails.
    fn freeze(&mut self, recurse: bool, keys: Option<&[&str]>, strict: bool) -> Result<()> {
        freeze::freeze(self.as_module_mut(), recurse, keys, strict, true)
    }

    /// Undo [`Module::freeze`] (MLX's `Module.unfreeze`); `None` unfreezes
    /// everything.
    ///
    /// # Errors
    /// As [`Module::freeze`], with `[unfreeze]`.
    fn unfreeze(&mut self, recurse: bool, keys: Option<&[&str]>, strict: bool) -> Result<()> {
        freeze::freeze(self.as_module_mut(), recurse, keys, strict, false)
    }

    /// Set training mode (`true`) or evaluation mode on every module (MLX's
    /// `Module.train`).
    fn train(&mut self, mode: bool) {
        let _ = self.apply_to_modules(&mut |_, m| {
            if let Some(s) = m.module_state_mut() {
                s.set_training(mode);
            }
            Ok(())
        });
    }

    /// Evaluation mode (MLX's `Module.eval`): `train(false)`.
    fn eval(&mut self) {
        self.train(false);
    }

    /// Cast the parameters whose dtype passes `predicate` to `dtype`
    /// (MLX's `Module.set_dtype`; the default predicate keeps only floating
    /// point parameters).
    ///
    /// # Errors
    /// A failed cast.
    fn set_dtype(&mut self, dtype: Dtype, predicate: Option<&dyn Fn(Dtype) -> bool>) -> Result<()> {
        let default = |d: Dtype| issubdtype(d, DtypeCategory::Floating);
        let pred: &dyn Fn(Dtype) -> bool = predicate.unwrap_or(&default);
        self.apply(
            &mut |a| {
                if pred(a.dtype()) {
                    a.as_type(dtype)
                } else {
                    Ok(a.clone())
                }
            },
            None,
        )
    }

    /// Load weights from `(name, array)` pairs (MLX's
    /// `Module.load_weights` with a list). Strict: no missing and no extra
    /// names. In both modes the shape and dtype of every loaded parameter
    /// must match the model's (MLX checks shapes in strict mode only and
    /// takes any dtype): cast a model with `set_dtype` before loading a
    /// checkpoint of another dtype. Nothing changes when it fails.
    ///
    /// # Errors
    /// `[load_weights] shape mismatch for key layers.0.weight: expected
    /// (128, 2), got (2, 128)`, `[load_weights] missing 1 parameters: ...`,
    /// `[load_weights] received 1 parameters not in model: ...`.
    fn load_weights_from(&mut self, weights: &[(String, Array)], strict: bool) -> Result<()> {
        weights::load_weights(self.as_module_mut(), weights, strict)
    }

    /// Load a `.safetensors` or `.npz` file written by MLX's
    /// `save_weights` (or [`Module::save_weights`]); as
    /// [`Module::load_weights_from`].
    ///
    /// # Errors
    /// As [`Module::load_weights_from`], or `[load_weights] ...` when the
    /// file cannot be read.
    fn load_weights(&mut self, path: &Path, strict: bool) -> Result<()> {
        let w = weights::read_weights(path)?;
        weights::load_weights(self.as_module_mut(), &w, strict)
    }

    /// Replace boxed layers (`Box<dyn UnaryModule>` fields, e.g.
    /// [`Sequential`](crate::Sequential)'s) at the given paths (MLX's
    /// `Module.update_modules`, with the tree flattened to paths). Strict:
    /// every path must name such a layer. Nothing changes when it fails.
    ///
    /// # Errors
    /// `[update_modules] no replaceable layer at "layers.5"`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_nn::{Identity, Linear, Module, Sequential, UnaryModule};
    /// let mut s = Sequential::new().push(Linear::new(2, 2)?);
    /// s.update_modules(vec![("layers.0".into(), Box::new(Identity::new()) as Box<dyn UnaryModule>)], true)?;
    /// assert_eq!(s.to_string(), "Sequential(\n  (layers.0): Identity()\n)");
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    fn update_modules(
        &mut self,
        modules: Vec<(String, Box<dyn UnaryModule>)>,
        strict: bool,
    ) -> Result<()> {
        let mut paths = Vec::new();
        traversal::visit_slots(self.as_module_mut(), "", &mut |p, _| {
            paths.push(p.to_string());
            Ok(false)
        })?;
        let mut new: std::collections::HashMap<String, Box<dyn UnaryModule>> =
            std::collections::HashMap::new();
        for (p, m) in modules {
            if paths.contains(&p) {
                new.insert(p, m);
            } else if strict {
                return Err(mlx_core::Error::invalid(
                    "update_modules",
                    format!("no replaceable layer (Box<dyn UnaryModule> field) at {p:?}"),
                ));
            }
        }
        traversal::visit_slots(
            self.as_module_mut(),
            "",
            &mut |p, slot| match new.remove(p) {
                Some(m) => {
                    *slot = m;
                    Ok(true)
                }
                None => Ok(false),
            },
        )
    }

    /// Save the parameters with their dotted names, as `.npz` or
    /// `.safetensors` by the file's extension (MLX's
    /// `Module.save_weights`).
    ///
    /// # Evaluation
    /// Evaluates every parameter.
    ///
    /// # Errors
    /// `[save_weights] unsupported file extension ...`, or a write error.
    fn save_weights(&self, path: &Path) -> Result<()> {
        weights::save_weights(&tree_flatten(&self.parameters()), path)
    }
}

/// A module with one input and one output, such as every layer that
/// [`Sequential`](crate::Sequential) can hold (MLX's `__call__(x)`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Linear, UnaryModule};
/// let mut l = Linear::new(2, 3)?;
/// let y = l.forward(&mlx_core::ops::ones(&[4, 2], mlx_core::Dtype::Float32)?)?;
/// assert_eq!(y.shape(), &[4, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub trait UnaryModule: Module {
    /// Apply the module to `x`.
    ///
    /// # Errors
    /// `[Layer] ...` when `x` does not fit the layer.
    fn forward(&mut self, x: &Array) -> Result<Array>;

    /// The quantized replacement of this layer for
    /// [`quantize`](crate::quantize) (MLX's `to_quantized`): `None` when the
    /// layer has none (`Linear` and `Embedding` have one).
    ///
    /// # Errors
    /// The inner `Result` holds quantization errors.
    fn to_quantized(
        &self,
        group_size: Option<usize>,
        bits: Option<usize>,
    ) -> Option<Result<Box<dyn UnaryModule>>> {
        let _ = (group_size, bits);
        None
    }
}

impl fmt::Debug for dyn Module + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::repr::module_repr(self))
    }
}

impl fmt::Debug for dyn UnaryModule + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::repr::module_repr(self.as_module()))
    }
}
