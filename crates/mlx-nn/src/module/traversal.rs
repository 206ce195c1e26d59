//! The walks behind the `Module` methods: MLX's `filter_and_map` and
//! `_unwrap`, `update`, child collection and `apply_to_modules`.

use super::node::{Node, NodeMut};
use crate::Module;
use mlx_core::tree::Tree;
use mlx_core::{Array, Error, Result};
use std::collections::BTreeMap;

/// A filter over `(owning module, key within it, value)`, as MLX's
/// `filter_fn(module, key, value)`.
pub type Filter<'f> = &'f dyn Fn(&dyn Module, &str, &Node<'_>) -> bool;

/// MLX's `Module.valid_parameter_filter`: arrays, modules, lists and maps
/// whose key does not start with `_`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{valid_parameter_filter, Linear, Module, Node};
/// let l = Linear::new(2, 3)?;
/// assert!(!valid_parameter_filter(&l, "x", &Node::Skip));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn valid_parameter_filter(_m: &dyn Module, key: &str, value: &Node<'_>) -> bool {
    !matches!(value, Node::Skip) && !key.starts_with('_')
}

/// MLX's `Module.trainable_parameter_filter`: valid parameters whose key
/// is not frozen in the owning module.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{trainable_parameter_filter, Linear, Module, ModuleValue};
/// let mut l = Linear::new(2, 3)?;
/// l.freeze(true, Some(&["weight"]), false)?;
/// assert!(!trainable_parameter_filter(&l, "weight", &l.weight.node()));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn trainable_parameter_filter(m: &dyn Module, key: &str, value: &Node<'_>) -> bool {
    valid_parameter_filter(m, key, value) && !m.module_state().is_some_and(|s| s.is_frozen(key))
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// MLX's `filter_and_map` with arrays as leaves.
pub(crate) fn filter_and_map(
    m: &dyn Module,
    filter: Filter<'_>,
    map: &mut dyn FnMut(&Array) -> Result<Array>,
) -> Result<Tree> {
    let mut out = BTreeMap::new();
    for (k, v) in m.children_nodes() {
        if !matches!(v, Node::Skip) && filter(m, k, &v) {
            out.insert(k.to_string(), unwrap(m, k, &v, filter, map)?);
        }
    }
    Ok(Tree::Map(out))
}

/// MLX's `_unwrap`: keys inside lists and maps are checked against the
/// owning module with their dotted path (`ws.0`).
fn unwrap(
    owner: &dyn Module,
    key: &str,
    node: &Node<'_>,
    filter: Filter<'_>,
    map: &mut dyn FnMut(&Array) -> Result<Array>,
) -> Result<Tree> {
    Ok(match node {
        Node::Array(a) => Tree::Leaf(map(a)?),
        Node::Module(sub) => filter_and_map(*sub, filter, map)?,
        Node::List(items) => Tree::List(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let tk = join(key, &i.to_string());
                    if !matches!(v, Node::Skip) && filter(owner, &tk, v) {
                        unwrap(owner, &tk, v, filter, map)
                    } else {
                        Ok(Tree::Map(BTreeMap::new()))
                    }
                })
                .collect::<Result<_>>()?,
        ),
        Node::Map(items) => Tree::Map(
            items
                .iter()
                .map(|(k, v)| {
                    let tk = join(key, k);
                    let t = if !matches!(v, Node::Skip) && filter(owner, &tk, v) {
                        unwrap(owner, &tk, v, filter, map)?
                    } else {
                        Tree::Map(BTreeMap::new())
                    };
                    Ok((k.clone(), t))
                })
                .collect::<Result<_>>()?,
        ),
        Node::Skip => Tree::Map(BTreeMap::new()),
    })
}

/// Submodules reachable from `node` without passing through another
/// module, with their dotted paths under `prefix`.
pub(crate) fn collect_modules<'a>(
    node: Node<'a>,
    prefix: String,
    out: &mut Vec<(String, &'a dyn Module)>,
) {
    match node {
        Node::Module(m) => out.push((prefix, m)),
        Node::List(items) => {
            for (i, v) in items.into_iter().enumerate() {
                collect_modules(v, join(&prefix, &i.to_string()), out);
            }
        }
        Node::Map(items) => {
            for (k, v) in items {
                collect_modules(v, join(&prefix, &k), out);
            }
        }
        Node::Array(_) | Node::Skip => {}
    }
}

/// As [`collect_modules`], mutably.
pub(crate) fn collect_modules_mut<'a>(
    node: NodeMut<'a>,
    prefix: String,
    out: &mut Vec<(String, &'a mut dyn Module)>,
) {
    match node {
        NodeMut::Module(m) => out.push((prefix, m)),
        NodeMut::Slot(b) => out.push((prefix, b.as_module_mut())),
        NodeMut::List(items) => {
            for (i, v) in items.into_iter().enumerate() {
                collect_modules_mut(v, join(&prefix, &i.to_string()), out);
            }
        }
        NodeMut::Map(items) => {
            for (k, v) in items {
                collect_modules_mut(v, join(&prefix, &k), out);
            }
        }
        NodeMut::Array(_) | NodeMut::Skip => {}
    }
}

/// The direct submodules of `m` with paths relative to `m`.
pub(crate) fn children(m: &dyn Module) -> Vec<(String, &dyn Module)> {
    let mut out = Vec::new();
    for (k, v) in m.children_nodes() {
        collect_modules(v, k.to_string(), &mut out);
    }
    out
}

/// The direct submodules of `m`, mutably.
pub(crate) fn children_mut(m: &mut dyn Module) -> Vec<(String, &mut dyn Module)> {
    let mut out = Vec::new();
    for (k, v) in m.children_nodes_mut() {
        collect_modules_mut(v, k.to_string(), &mut out);
    }
    out
}

/// MLX's `apply_to_modules` order: the module, then its children last to
/// first, depth first.
pub(crate) fn named_modules<'a>(
    m: &'a dyn Module,
    prefix: String,
    out: &mut Vec<(String, &'a dyn Module)>,
) {
    out.push((prefix.clone(), m));
    for (k, c) in children(m).into_iter().rev() {
        named_modules(c, join(&prefix, &k), out);
    }
}

/// Mutable [`named_modules`] walk calling `f` on each module.
pub(crate) fn apply_to_modules(
    m: &mut dyn Module,
    prefix: &str,
    f: &mut dyn FnMut(&str, &mut dyn Module) -> Result<()>,
) -> Result<()> {
    f(prefix, &mut *m)?;
    for (k, c) in children_mut(m).into_iter().rev() {
        apply_to_modules(c, &join(prefix, &k), f)?;
    }
    Ok(())
}

fn invalid_type(path: &str, expected: &str) -> Error {
    Error::invalid(
        "update",
        format!("expected {expected} for {path:?} but received a different kind of value"),
    )
}

/// MLX's `Module.update` walk; with `apply == false` it only checks.
pub(crate) fn update_module(
    m: &mut dyn Module,
    tree: &Tree,
    path: &str,
    strict: bool,
    apply: bool,
) -> Result<()> {
    let Tree::Map(items) = tree else {
        return if strict {
            Err(invalid_type(path, "a map of parameters"))
        } else {
            Ok(())
        };
    };
    let name = m.module_name();
    let mut fields: BTreeMap<&str, NodeMut<'_>> = m
        .children_nodes_mut()
        .into_iter()
        .filter(|(_, v)| !matches!(v, NodeMut::Skip))
        .collect();
    for (k, sub) in items {
        let p = join(path, k);
        match fields.remove(k.as_str()) {
            Some(node) => update_node(node, sub, &p, strict, apply)?,
            None if strict => {
                return Err(Error::invalid(
                    "update",
                    format!("module {name} does not have parameter named {p:?}"),
                ))
            }
            None => {}
        }
    }
    Ok(())
}

fn update_node(
    node: NodeMut<'_>,
    tree: &Tree,
    path: &str,
    strict: bool,
    apply: bool,
) -> Result<()> {
    match (node, tree) {
        (NodeMut::Array(a), Tree::Leaf(new)) => {
            if apply {
                *a = new.clone();
            }
            Ok(())
        }
        (NodeMut::Module(m), t) => update_module(m, t, path, strict, apply),
        (NodeMut::Slot(b), t) => update_module(b.as_module_mut(), t, path, strict, apply),
        (NodeMut::List(items), Tree::List(ts)) => {
            if strict && ts.len() > items.len() {
                return Err(Error::invalid(
                    "update",
                    format!(
                        "list index {} is out of bounds for {path:?} of length {}",
                        items.len(),
                        items.len()
                    ),
                ));
            }
            for (i, (n, t)) in items.into_iter().zip(ts).enumerate() {
                update_node(n, t, &join(path, &i.to_string()), strict, apply)?;
            }
            Ok(())
        }
        (NodeMut::Map(items), Tree::Map(tm)) => {
            let mut items: BTreeMap<String, NodeMut<'_>> = items.into_iter().collect();
            for (k, t) in tm {
                let p = join(path, k);
                match items.remove(k) {
                    Some(n) => update_node(n, t, &p, strict, apply)?,
                    None if strict => {
                        return Err(Error::invalid(
                            "update",
                            format!("no parameter named {p:?}"),
                        ))
                    }
                    None => {}
                }
            }
            Ok(())
        }
        // An empty map stands for "nothing here" (MLX's `{}` placeholders).
        (_, Tree::Map(m)) if m.is_empty() => Ok(()),
        (NodeMut::Array(_), _) if strict => Err(invalid_type(path, "an array")),
        (NodeMut::List(_), _) if strict => Err(invalid_type(path, "a list")),
        (NodeMut::Map(_), _) if strict => Err(invalid_type(path, "a map")),
        (NodeMut::Skip, _) if strict => Err(Error::invalid(
            "update",
            format!("no parameter named {path:?}"),
        )),
        _ => Ok(()),
    }
}

/// A visitor of boxed one-input layers: `f(path, slot)`.
pub(crate) type SlotFn<'f> = dyn FnMut(&str, &mut Box<dyn crate::UnaryModule>) -> Result<bool> + 'f;

/// Call `f(path, slot)` on every boxed one-input layer; when `f` returns
/// `false` the walk goes on inside the slot's module.
pub(crate) fn visit_slots(m: &mut dyn Module, prefix: &str, f: &mut SlotFn<'_>) -> Result<()> {
    fn walk(node: NodeMut<'_>, path: String, f: &mut SlotFn<'_>) -> Result<()> {
        match node {
            NodeMut::Slot(b) => {
                if !f(&path, b)? {
                    visit_slots(b.as_module_mut(), &path, f)?;
                }
            }
            NodeMut::Module(m) => visit_slots(m, &path, f)?,
            NodeMut::List(items) => {
                for (i, v) in items.into_iter().enumerate() {
                    walk(v, join(&path, &i.to_string()), f)?;
                }
            }
            NodeMut::Map(items) => {
                for (k, v) in items {
                    walk(v, join(&path, &k), f)?;
                }
            }
            NodeMut::Array(_) | NodeMut::Skip => {}
        }
        Ok(())
    }
    for (k, v) in m.children_nodes_mut() {
        walk(v, join(prefix, k), f)?;
    }
    Ok(())
}
