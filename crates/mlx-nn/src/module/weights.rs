//! `Module.load_weights` / `save_weights`: strict and non-strict loading
//! with shape and dtype checks, files through `mlx-io`.

use crate::Module;
use mlx_core::shape::format_shape;
use mlx_core::tree::{tree_flatten, Tree};
use mlx_core::{Array, Error, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

fn io_error(op: &'static str, path: &Path, e: mlx_io::Error) -> Error {
    match e {
        mlx_io::Error::Core(e) => e,
        e => Error::invalid(op, format!("{}: {e}", path.display())),
    }
}

/// The `(name, array)` pairs of a weights file.
pub(crate) fn read_weights(path: &Path) -> Result<Vec<(String, Array)>> {
    let map = mlx_io::load_weights(path).map_err(|e| io_error("load_weights", path, e))?;
    let mut items: Vec<(String, Array)> = map.into_iter().collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(items)
}

pub(crate) fn load_weights(
    m: &mut dyn Module,
    weights: &[(String, Array)],
    strict: bool,
) -> Result<()> {
    const OP: &str = "load_weights";
    let current: BTreeMap<String, Array> = tree_flatten(&m.parameters()).into_iter().collect();
    let mut new: HashMap<&str, &Array> = HashMap::new();
    for (k, v) in weights {
        if new.insert(k.as_str(), v).is_some() {
            return Err(Error::invalid(OP, format!("duplicate key {k}")));
        }
    }
    if strict {
        let extras: BTreeSet<&str> = new
            .keys()
            .copied()
            .filter(|k| !current.contains_key(*k))
            .collect();
        if !extras.is_empty() {
            let list: Vec<&str> = extras.into_iter().collect();
            return Err(Error::invalid(
                OP,
                format!(
                    "received {} parameters not in model: {}",
                    list.len(),
                    list.join(", ")
                ),
            ));
        }
        let missing: Vec<&str> = current
            .keys()
            .map(String::as_str)
            .filter(|k| !new.contains_key(k))
            .collect();
        if !missing.is_empty() {
            return Err(Error::invalid(
                OP,
                format!(
                    "missing {} parameters: {}",
                    missing.len(),
                    missing.join(", ")
                ),
            ));
        }
    }
    let mut kept = Vec::new();
    for (k, v) in weights {
        let Some(cur) = current.get(k) else { continue };
        if cur.shape() != v.shape() {
            return Err(Error::invalid(
                OP,
                format!(
                    "shape mismatch for key {k}: expected {}, got {}",
                    format_shape(cur.shape()),
                    format_shape(v.shape())
                ),
            ));
        }
        if cur.dtype() != v.dtype() {
            return Err(Error::invalid(
                OP,
                format!(
                    "dtype mismatch for key {k}: expected {}, got {} (cast with set_dtype first)",
                    cur.dtype(),
                    v.dtype()
                ),
            ));
        }
        kept.push((k.clone(), v.clone()));
    }
    if kept.is_empty() {
        return Ok(());
    }
    let tree = unflatten_with_gaps(&kept)?;
    m.update(&tree, false).map_err(|e| e.in_op(OP))
}

pub(crate) fn save_weights(params: &[(String, Array)], path: &Path) -> Result<()> {
    const OP: &str = "save_weights";
    let name = path.to_string_lossy();
    let arrays = params.iter().map(|(k, a)| (k.as_str(), a));
    if name.ends_with(".npz") {
        mlx_io::savez(path, arrays).map_err(|e| io_error(OP, path, e))
    } else if name.ends_with(".safetensors") {
        let meta = HashMap::from([("format".to_string(), "mlx".to_string())]);
        mlx_io::save_safetensors(path, arrays, Some(&meta)).map_err(|e| io_error(OP, path, e))
    } else {
        Err(Error::invalid(
            OP,
            format!("unsupported file extension for {name}; use '.npz' or '.safetensors'"),
        ))
    }
}

enum Draft {
    Leaf(Array),
    Map(BTreeMap<String, Draft>),
}

/// MLX's `tree_unflatten`: numeric keys make lists, and missing list
/// entries become empty maps (`layers.0`, `layers.2` around a `ReLU`).
pub(crate) fn unflatten_with_gaps(items: &[(String, Array)]) -> Result<Tree> {
    let conflict = |k: &str| Error::invalid("load_weights", format!("conflicting key {k}"));
    let mut root = BTreeMap::new();
    for (path, a) in items {
        let keys: Vec<&str> = path.split('.').collect();
        let (last, inner) = keys.split_last().expect("split gives one item");
        let mut node = &mut root;
        for k in inner {
            let e = node
                .entry(k.to_string())
                .or_insert_with(|| Draft::Map(BTreeMap::new()));
            node = match e {
                Draft::Map(m) => m,
                Draft::Leaf(_) => return Err(conflict(path)),
            };
        }
        if node
            .insert(last.to_string(), Draft::Leaf(a.clone()))
            .is_some()
        {
            return Err(conflict(path));
        }
    }
    Ok(finish(Draft::Map(root)))
}

fn finish(d: Draft) -> Tree {
    match d {
        Draft::Leaf(a) => Tree::Leaf(a),
        Draft::Map(m) => {
            let numeric = !m.is_empty() && m.keys().all(|k| k.parse::<usize>().is_ok());
            if !numeric {
                return Tree::Map(m.into_iter().map(|(k, v)| (k, finish(v))).collect());
            }
            let mut items: Vec<(usize, Draft)> = m
                .into_iter()
                .map(|(k, v)| (k.parse::<usize>().expect("numeric"), v))
                .collect();
            items.sort_by_key(|(i, _)| *i);
            let mut out = Vec::new();
            for (i, v) in items {
                while out.len() < i {
                    out.push(Tree::Map(BTreeMap::new()));
                }
                out.push(finish(v));
            }
            Tree::List(out)
        }
    }
}
