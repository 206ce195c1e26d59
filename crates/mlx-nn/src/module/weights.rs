//! `Module.load_weights` / `save_weights`: strict and non-strict loading
//! with shape and dtype checks, files through `mlx-io`.

use crate::Module;
use mlx_core::shape::format_shape;
use mlx_core::tree::{tree_flatten, tree_unflatten};
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
        // Both modes keep the model's dtypes (issue #14 counts a dtype
        // mismatch as a bad case; MLX's `update` would take any dtype).
        if cur.dtype() != v.dtype() {
            return Err(Error::invalid(
                OP,
                format!(
                    "dtype mismatch for key {k}: expected {}, got {} (cast the model with set_dtype first)",
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
    let tree = tree_unflatten(&kept).map_err(|e| e.in_op(OP))?;
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
