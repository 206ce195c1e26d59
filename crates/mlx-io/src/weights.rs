//! Weight files for `Module::load_weights` / `save_weights`: name-to-array
//! maps, with MLX's strict and non-strict checks.

use crate::{load, Error, Result};
use mlx_core::shape::format_shape;
use mlx_core::Array;
use std::collections::HashMap;
use std::path::Path;

/// The name-to-array map of a weights file (`.npz`, `.safetensors` or
/// `.gguf`), as `Module.load_weights(path)` reads it.
///
/// # Errors
/// `[load_weights] ...` for a `.npy` file (one unnamed array), or any
/// [`load`] error.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let path = std::env::temp_dir().join(format!("mlx-io-w-{}.npz", std::process::id()));
/// let b = mlx_core::Array::from_slice(&[0.5f32], &[1])?;
/// mlx_io::savez(&path, [("bias", &b)])?;
/// assert!(mlx_io::load_weights(&path)?.contains_key("bias"));
/// # std::fs::remove_file(&path).unwrap();
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn load_weights(path: impl AsRef<Path>) -> Result<HashMap<String, Array>> {
    load(path)?.into_map().map_err(|_| {
        Error::invalid(
            "load_weights",
            "a .npy file holds one unnamed array; use .npz, .safetensors or .gguf",
        )
    })
}

/// The loaded weights to apply to a model whose parameters have the
/// `expected` names and shapes, as MLX's `Module.load_weights(strict)`:
///
/// - strict: every expected name must be loaded, nothing else may be, and
///   shapes must match; all loaded weights are returned.
/// - non-strict: loaded names the model lacks are dropped; no other check.
///
/// # Errors
/// `[load_weights] received 1 parameters not in model: extra`,
/// `[load_weights] missing 1 parameters: w`, or
/// `[load_weights] expected shape (2, 2) but received shape (3,) for parameter w`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use std::collections::HashMap;
/// let w = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// let loaded = HashMap::from([("w".to_string(), w)]);
/// let expected = HashMap::from([("w".to_string(), vec![2usize]), ("b".to_string(), vec![2])]);
/// assert!(mlx_io::select_weights(&expected, &loaded, true).is_err());
/// assert_eq!(mlx_io::select_weights(&expected, &loaded, false)?.len(), 1);
/// Ok::<(), mlx_io::Error>(())
/// ```
pub fn select_weights(
    expected: &HashMap<String, Vec<usize>>,
    loaded: &HashMap<String, Array>,
    strict: bool,
) -> Result<HashMap<String, Array>> {
    if !strict {
        return Ok(loaded
            .iter()
            .filter(|(k, _)| expected.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect());
    }
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",\n")
    };
    let extra: Vec<&String> = loaded
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    if !extra.is_empty() {
        return Err(Error::invalid(
            "load_weights",
            format!(
                "received {} parameters not in model: \n{}",
                extra.len(),
                sorted(extra)
            ),
        ));
    }
    let missing: Vec<&String> = expected
        .keys()
        .filter(|k| !loaded.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(
            "load_weights",
            format!(
                "missing {} parameters: \n{}",
                missing.len(),
                sorted(missing)
            ),
        ));
    }
    let mut names: Vec<&String> = expected.keys().collect();
    names.sort();
    for k in names {
        let (want, got) = (&expected[k], loaded[k].shape());
        if want.as_slice() != got {
            return Err(Error::invalid(
                "load_weights",
                format!(
                    "expected shape {} but received shape {} for parameter {k}",
                    format_shape(want),
                    format_shape(got)
                ),
            ));
        }
    }
    Ok(loaded.clone())
}
