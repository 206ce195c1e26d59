//! `nn::quantize`: replace `Linear` and `Embedding` layers by their
//! quantized versions in place (MLX's `nn.quantize`).

use crate::module::visit_slots;
use crate::{Module, UnaryModule};
use mlx_core::{Error, Result};
use std::collections::BTreeMap;

/// A predicate over `(path, module)` choosing the layers to quantize
/// (MLX's `class_predicate`).
pub type QuantizePredicate<'a> = &'a dyn Fn(&str, &dyn Module) -> bool;

/// Quantize, in place, the leaf layers that `predicate` accepts (all that
/// can be quantized when `None`), with MLX's defaults of group size 64
/// and 4 bits (MLX's `nn.quantize`, affine mode). Returns the paths of
/// the quantized layers.
///
/// A Rust field has one type, so only layers held where another layer can
/// take their place are replaced: [`MaybeQuantized`](crate::MaybeQuantized)
/// fields (`q_proj: MaybeQuantized<Linear>`) and `Box<dyn UnaryModule>`
/// (as [`Sequential`](crate::Sequential) holds them). A plain `Linear` or
/// `Embedding` field that the predicate accepts is an error naming it.
/// Nothing changes when it fails.
///
/// # Errors
/// `[quantize] layers.0 is a field of fixed type Linear ...`, or
/// quantization errors (`input_dims` not a multiple of the group size).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Linear, Module, Sequential};
/// let mut s = Sequential::new().push(Linear::new(64, 8)?).push(Linear::new(8, 2)?);
/// // The second layer's 8 inputs are not a multiple of 64: skip it.
/// let done = mlx_nn::quantize(&mut s, None, None, Some(&|p: &str, _: &dyn Module| p == "layers.0"))?;
/// assert_eq!(done, vec!["layers.0"]);
/// assert_eq!(s.layers[0].module_name(), "QuantizedLinear");
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn quantize(
    model: &mut dyn Module,
    group_size: Option<usize>,
    bits: Option<usize>,
    predicate: Option<QuantizePredicate<'_>>,
) -> Result<Vec<String>> {
    const OP: &str = "quantize";
    let quantizable = |m: &dyn Module| matches!(m.module_name().as_str(), "Linear" | "Embedding");
    let accept = |p: &str, m: &dyn Module| predicate.map_or_else(|| quantizable(m), |f| f(p, m));
    // The leaf modules the predicate wants; which of them sit in slots.
    let wanted: Vec<String> = model
        .leaf_modules()
        .into_iter()
        .filter(|(p, m)| accept(p, *m))
        .map(|(p, _)| p)
        .collect();
    let mut new: BTreeMap<String, Box<dyn UnaryModule>> = BTreeMap::new();
    visit_slots(model, "", &mut |path, slot| {
        if slot.children().is_empty() && wanted.iter().any(|w| w == path) {
            match slot.to_quantized(group_size, bits) {
                Some(q) => {
                    new.insert(path.to_string(), q.map_err(|e| e.in_op(OP))?);
                }
                None => {
                    return Err(Error::invalid(
                        OP,
                        format!(
                            "unable to quantize {path}: {} has no quantized form",
                            slot.module_name()
                        ),
                    ))
                }
            }
            return Ok(true);
        }
        Ok(false)
    })?;
    if let Some(p) = wanted.iter().find(|w| !new.contains_key(*w)) {
        let name = model
            .named_modules()
            .into_iter()
            .find(|(k, _)| k == p)
            .map(|(_, m)| m.module_name())
            .unwrap_or_default();
        return Err(Error::invalid(
            OP,
            format!(
                "{p} is a field of fixed type {name} and cannot hold a quantized layer; \
                 declare it as MaybeQuantized<{name}> (or Box<dyn UnaryModule>), \
                 or leave it out with the predicate"
            ),
        ));
    }
    let done: Vec<String> = new.keys().cloned().collect();
    visit_slots(model, "", &mut |path, slot| match new.remove(path) {
        Some(q) => {
            *slot = q;
            Ok(true)
        }
        None => Ok(false),
    })?;
    Ok(done)
}
