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

    /// The array if this tree is a leaf (the end of an index chain like
    /// `params["layers"][0]["weight"]`), else `None`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{tree::Tree, Array};
    /// let t = Tree::map([("w", Tree::Leaf(Array::from_slice(&[2i32], &[1])?))]);
    /// assert_eq!(t["w"].as_array().unwrap().to_vec::<i32>()?, vec![2]);
    /// assert!(t.as_array().is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn as_array(&self) -> Option<&Array> {
        match self {
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

/// What indexing a [`Tree`] gives for a missing key or index: an empty map.
static EMPTY_TREE: Tree = Tree::Map(BTreeMap::new());

/// `tree["layers"]`: the subtree under a map key. Never panics: a missing
/// key, or indexing a list or a leaf with a string, gives an empty map
/// (as `serde_json::Value` gives `Null`), so chains like
/// `params["layers"][0]["weight"]` end in [`Tree::as_array`]` == None`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// let w = Array::from_slice(&[1.0f32], &[1])?;
/// let t = Tree::map([("layers", Tree::List(vec![Tree::map([("weight", Tree::Leaf(w))])]))]);
/// assert_eq!(t["layers"][0]["weight"].as_array().unwrap().to_vec::<f32>()?, vec![1.0]);
/// assert!(t["nope"]["weight"].as_array().is_none());
/// assert!(matches!(&t["nope"], Tree::Map(m) if m.is_empty()));
/// Ok::<(), mlx_core::Error>(())
/// ```
impl std::ops::Index<&str> for Tree {
    type Output = Tree;

    fn index(&self, key: &str) -> &Tree {
        match self {
            Tree::Map(m) => m.get(key).unwrap_or(&EMPTY_TREE),
            _ => &EMPTY_TREE,
        }
    }
}

/// `tree[0]`: the item of a list. Never panics: an index out of range, or
/// indexing a map or a leaf with a number, gives an empty map.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::Tree, Array};
/// let a = Array::from_slice(&[1i32], &[1])?;
/// let t = Tree::List(vec![Tree::Leaf(a)]);
/// assert!(t[0].as_array().is_some());
/// assert!(t[5].as_array().is_none());
/// assert!(t[0][0].as_array().is_none());
/// Ok::<(), mlx_core::Error>(())
/// ```
impl std::ops::Index<usize> for Tree {
    type Output = Tree;

    fn index(&self, i: usize) -> &Tree {
        match self {
            Tree::List(v) => v.get(i).unwrap_or(&EMPTY_TREE),
            _ => &EMPTY_TREE,
        }
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

/// Most empty maps [`tree_unflatten`] fills into list gaps, beyond one per
/// path given: a list's length comes from its largest index, so without a
/// bound one path like `layers.99999999999.w` would allocate gigabytes.
pub const TREE_UNFLATTEN_GAP_SLACK: usize = 1024;

/// Most segments of one dotted path in [`tree_unflatten`] (trees are built
/// and dropped recursively).
pub const TREE_UNFLATTEN_MAX_DEPTH: usize = 256;

/// Rebuild a tree from dotted paths (MLX's `tree_unflatten`). Under one
/// parent, segments that are all distinct numbers make a list (sorted by
/// index) and any other segments make a map, as in MLX (`"1"` and `"01"`
/// together make a map). As in MLX, missing list indices are filled with
/// empty maps: `layers.0.w` and `layers.2.w` give
/// `{layers: [{w}, {}, {w}]}` (a `Sequential` whose item 1 has no
/// parameters).
///
/// To bound memory, the whole tree may hold at most
/// `items.len() + TREE_UNFLATTEN_GAP_SLACK` filled-in empty maps (see
/// [`TREE_UNFLATTEN_GAP_SLACK`]), and a path at most
/// [`TREE_UNFLATTEN_MAX_DEPTH`] segments.
///
/// # Errors
/// `[tree_unflatten] ...` when paths conflict (a leaf and a subtree at the
/// same place, or a repeated path), a path is deeper than
/// [`TREE_UNFLATTEN_MAX_DEPTH`] or the list gaps exceed the bound above.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{tree::{tree_flatten, tree_unflatten, Tree}, Array};
/// let a = Array::from_slice(&[1i32], &[1])?;
/// let t = tree_unflatten(&[("layers.0.w".to_string(), a.clone()), ("layers.2.w".to_string(), a)])?;
/// assert_eq!(tree_flatten(&t).len(), 2);
/// // mlx.utils.tree_unflatten gives {'layers': [{'w': a}, {}, {'w': a}]}
/// assert!(matches!(&t["layers"][1], Tree::Map(m) if m.is_empty()));
/// assert!(t.get("layers.2.w").is_some());
/// assert!(tree_unflatten(&[("layers.99999999999.w".to_string(), Array::from_scalar(1i32))]).is_err());
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
        if keys.len() > TREE_UNFLATTEN_MAX_DEPTH {
            return Err(Error::invalid(
                "tree_unflatten",
                format!(
                    "path has {} segments but at most {TREE_UNFLATTEN_MAX_DEPTH} are supported",
                    keys.len()
                ),
            ));
        }
        insert(&mut root, &keys, a.clone(), path)?;
    }
    let mut gap_budget = items.len().saturating_add(TREE_UNFLATTEN_GAP_SLACK);
    lists_from_maps(
        root.unwrap_or(Tree::Map(BTreeMap::new())),
        "",
        &mut gap_budget,
    )
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

/// Maps whose keys are all distinct numbers become lists, with empty maps
/// in the gaps (at most `gap_budget` of them in the whole tree).
fn lists_from_maps(tree: Tree, path: &str, gap_budget: &mut usize) -> Result<Tree> {
    let Tree::Map(m) = tree else {
        return Ok(tree);
    };
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    let indices: Option<Vec<usize>> = m.keys().map(|k| k.parse::<usize>().ok()).collect();
    let list_indices = indices.filter(|ix| {
        let mut sorted = ix.clone();
        sorted.sort_unstable();
        sorted.dedup();
        !ix.is_empty() && sorted.len() == ix.len()
    });
    let Some(indices) = list_indices else {
        let m = m
            .into_iter()
            .map(|(k, t)| {
                let sub = lists_from_maps(t, &join(&k), gap_budget)?;
                Ok((k, sub))
            })
            .collect::<Result<_>>()?;
        return Ok(Tree::Map(m));
    };
    let mut items: Vec<(usize, String, Tree)> = indices
        .into_iter()
        .zip(m)
        .map(|(i, (k, t))| (i, k, t))
        .collect();
    items.sort_by_key(|(i, _, _)| *i);
    let mut out = Vec::new();
    for (i, k, t) in items {
        let gap = i - out.len();
        if gap > *gap_budget {
            return Err(Error::invalid(
                "tree_unflatten",
                format!(
                    "list index {i} under {path:?} leaves a gap of {gap} items, more than the \
                     {} empty maps left to fill in",
                    *gap_budget
                ),
            ));
        }
        *gap_budget -= gap;
        out.resize_with(i, || Tree::Map(BTreeMap::new()));
        out.push(lists_from_maps(t, &join(&k), gap_budget)?);
    }
    Ok(Tree::List(out))
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
