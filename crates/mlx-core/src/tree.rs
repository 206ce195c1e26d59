//! Trees of arrays (MLX's `mlx.utils` tree functions): nested lists and
//! string-keyed maps with arrays at the leaves, as used for model
//! parameters and gradients.

use crate::{Array, Error, Result};
use std::collections::BTreeMap;

/// A nested structure of arrays: a leaf, a list or a map with sorted keys.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// let w = Array::from_slice(&[1.0f32], &[1])?;
/// let t = Tree::map([("layers", Tree::List(vec![Tree::map([("weight", Tree::Leaf(w))])]))]);
/// assert_eq!(mlx_core::tree::tree_flatten(&t)[0].0, "layers.0.weight");
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub enum Tree {
    /// One array.
    Leaf(Array),
    /// An ordered list of subtrees (paths use the index).
    List(Vec<Tree>),
    /// Named subtrees, iterated in key order.
    Map(BTreeMap<String, Tree>),
}

impl Tree {
    /// A map from `(key, subtree)` pairs.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let t = mlx_core::tree::Tree::map([("a", mlx_core::tree::Tree::List(vec![]))]);
    /// assert!(matches!(t, mlx_core::tree::Tree::Map(_)));
    /// ```
    pub fn map<K: Into<String>>(items: impl IntoIterator<Item = (K, Tree)>) -> Tree {
        Tree::Map(items.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The leaves in flattening order (depth first, lists by index, maps by
    /// key).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{tree::Tree, Array};
    /// let a = Array::from_slice(&[1i32], &[1])?;
    /// let t = Tree::List(vec![Tree::Leaf(a.clone()), Tree::Leaf(a)]);
    /// assert_eq!(t.leaves().len(), 2);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn leaves(&self) -> Vec<Array> {
        tree_flatten(self).into_iter().map(|(_, a)| a).collect()
    }

    /// The leaf at a dotted `path` (`"layers.0.weight"`), if any.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{tree::Tree, Array};
    /// let a = Array::from_slice(&[1i32], &[1])?;
    /// let t = Tree::map([("w", Tree::List(vec![Tree::Leaf(a)]))]);
    /// assert!(t.get("w.0").is_some());
    /// assert!(t.get("w.1").is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn get(&self, path: &str) -> Option<&Array> {
        let mut node = self;
        if !path.is_empty() {
            for key in path.split('.') {
                node = match node {
                    Tree::Leaf(_) => return None,
                    Tree::List(v) => v.get(key.parse::<usize>().ok()?)?,
                    Tree::Map(m) => m.get(key)?,
                };
            }
        }
        match node {
            Tree::Leaf(a) => Some(a),
            _ => None,
        }
    }

    /// A tree of the same structure with the leaves replaced, in
    /// [`Tree::leaves`] order.
    ///
    /// # Errors
    /// `[tree_unflatten] expected 2 leaves but got 1`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{tree::Tree, Array};
    /// let a = Array::from_slice(&[1i32], &[1])?;
    /// let t = Tree::List(vec![Tree::Leaf(a.clone())]);
    /// let b = Array::from_slice(&[2i32], &[1])?;
    /// let u = t.with_leaves(vec![b])?;
    /// assert_eq!(u.leaves()[0].to_vec::<i32>()?, vec![2]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_leaves(&self, leaves: Vec<Array>) -> Result<Tree> {
        let n = self.leaves().len();
        if n != leaves.len() {
            return Err(Error::invalid(
                "tree_unflatten",
                format!("expected {n} leaves but got {}", leaves.len()),
            ));
        }
        let mut it = leaves.into_iter();
        tree_map(self, |_| Ok(it.next().expect("leaf count checked")))
    }
}

impl From<Array> for Tree {
    fn from(a: Array) -> Tree {
        Tree::Leaf(a)
    }
}

/// Flatten to `(dotted path, leaf)` pairs (MLX's `tree_flatten`): list
/// items are named by index and map items by key, e.g. `layers.0.weight`.
/// A lone leaf has the path `""`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::{tree_flatten, Tree}, Array};
/// let a = Array::from_slice(&[1i32], &[1])?;
/// let t = Tree::map([("b", Tree::Leaf(a.clone())), ("a", Tree::List(vec![Tree::Leaf(a)]))]);
/// let names: Vec<String> = tree_flatten(&t).into_iter().map(|(p, _)| p).collect();
/// assert_eq!(names, vec!["a.0", "b"]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tree_flatten(tree: &Tree) -> Vec<(String, Array)> {
    let mut out = Vec::new();
    // Iterative depth-first walk; children are pushed in reverse.
    let mut stack: Vec<(String, &Tree)> = vec![(String::new(), tree)];
    while let Some((path, node)) = stack.pop() {
        let join = |k: &str| {
            if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            }
        };
        match node {
            Tree::Leaf(a) => out.push((path.clone(), a.clone())),
            Tree::List(v) => {
                for (i, t) in v.iter().enumerate().rev() {
                    stack.push((join(&i.to_string()), t));
                }
            }
            Tree::Map(m) => {
                for (k, t) in m.iter().rev() {
                    stack.push((join(k), t));
                }
            }
        }
    }
    out
}

/// Rebuild a tree from dotted paths (MLX's `tree_unflatten`). A path
/// segment that is a number makes a list; other segments make maps.
///
/// # Errors
/// `[tree_unflatten] ...` when paths conflict (a leaf and a subtree at the
/// same place) or list indices leave gaps.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::{tree_flatten, tree_unflatten}, Array};
/// let a = Array::from_slice(&[1i32], &[1])?;
/// let t = tree_unflatten(&[("layers.0.w".to_string(), a.clone()), ("layers.1.w".to_string(), a)])?;
/// assert_eq!(tree_flatten(&t).len(), 2);
/// assert!(t.get("layers.1.w").is_some());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tree_unflatten(items: &[(String, Array)]) -> Result<Tree> {
    let mut root: Option<Tree> = None;
    for (path, a) in items {
        let keys: Vec<&str> = if path.is_empty() {
            vec![]
        } else {
            path.split('.').collect()
        };
        insert(&mut root, &keys, a.clone(), path)?;
    }
    lists_from_maps(root.unwrap_or(Tree::Map(BTreeMap::new())), "")
}

fn conflict(path: &str) -> Error {
    Error::invalid("tree_unflatten", format!("conflicting path {path:?}"))
}

fn insert(slot: &mut Option<Tree>, keys: &[&str], leaf: Array, path: &str) -> Result<()> {
    let Some((k, rest)) = keys.split_first() else {
        if slot.is_some() {
            return Err(conflict(path));
        }
        *slot = Some(Tree::Leaf(leaf));
        return Ok(());
    };
    let node = slot.get_or_insert_with(|| Tree::Map(BTreeMap::new()));
    let Tree::Map(m) = node else {
        return Err(conflict(path));
    };
    let mut child = m.remove(*k);
    insert(&mut child, rest, leaf, path)?;
    m.insert(k.to_string(), child.expect("inserted"));
    Ok(())
}

/// Maps whose keys are all numbers become lists (indices must be `0..n`).
fn lists_from_maps(tree: Tree, path: &str) -> Result<Tree> {
    let Tree::Map(m) = tree else {
        return Ok(tree);
    };
    let numeric = !m.is_empty() && m.keys().all(|k| k.parse::<usize>().is_ok());
    if !numeric {
        let m = m
            .into_iter()
            .map(|(k, t)| Ok((k.clone(), lists_from_maps(t, &k)?)))
            .collect::<Result<_>>()?;
        return Ok(Tree::Map(m));
    }
    let mut items: Vec<(usize, Tree)> = m
        .into_iter()
        .map(|(k, t)| {
            Ok((
                k.parse::<usize>().expect("numeric"),
                lists_from_maps(t, &k)?,
            ))
        })
        .collect::<Result<_>>()?;
    items.sort_by_key(|(i, _)| *i);
    if items.iter().enumerate().any(|(i, (j, _))| i != *j) {
        return Err(Error::invalid(
            "tree_unflatten",
            format!("list indices under {path:?} must be 0..n without gaps"),
        ));
    }
    Ok(Tree::List(items.into_iter().map(|(_, t)| t).collect()))
}

/// Apply `f` to every leaf (MLX's `tree_map`), keeping the structure.
///
/// # Errors
/// The first error `f` returns.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::{tree_map, Tree}, Array};
/// let t = Tree::List(vec![Tree::Leaf(Array::from_slice(&[1i32], &[1])?)]);
/// let u = tree_map(&t, |a| a * 2)?;
/// assert_eq!(u.leaves()[0].to_vec::<i32>()?, vec![2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tree_map(tree: &Tree, mut f: impl FnMut(&Array) -> Result<Array>) -> Result<Tree> {
    tree_map_with_path(tree, |_, a| f(a))
}

/// [`tree_map`] where `f` also receives the leaf's dotted path (MLX's
/// `tree_map_with_path`).
///
/// # Errors
/// The first error `f` returns.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::{tree_map_with_path, Tree}, Array};
/// let t = Tree::map([("bias", Tree::Leaf(Array::from_slice(&[1i32], &[1])?))]);
/// let u = tree_map_with_path(&t, |p, a| if p.ends_with("bias") { a * 0 } else { Ok(a.clone()) })?;
/// assert_eq!(u.get("bias").unwrap().to_vec::<i32>()?, vec![0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tree_map_with_path(
    tree: &Tree,
    mut f: impl FnMut(&str, &Array) -> Result<Array>,
) -> Result<Tree> {
    map_rec(tree, "", &mut f)
}

// Trees are shallow (model structure), so recursion depth is small.
fn map_rec(
    tree: &Tree,
    path: &str,
    f: &mut dyn FnMut(&str, &Array) -> Result<Array>,
) -> Result<Tree> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    Ok(match tree {
        Tree::Leaf(a) => Tree::Leaf(f(path, a)?),
        Tree::List(v) => Tree::List(
            v.iter()
                .enumerate()
                .map(|(i, t)| map_rec(t, &join(&i.to_string()), f))
                .collect::<Result<_>>()?,
        ),
        Tree::Map(m) => Tree::Map(
            m.iter()
                .map(|(k, t)| Ok((k.clone(), map_rec(t, &join(k), f)?)))
                .collect::<Result<_>>()?,
        ),
    })
}
