//! MLX's `Module.freeze` / `unfreeze`: per-module frozen key sets.

use super::node::Node;
use super::traversal::{self, valid_parameter_filter};
use crate::Module;
use mlx_core::tree::tree_flatten;
use mlx_core::{Error, Result};

fn has_member(m: &dyn Module, key: &str) -> bool {
    m.children_nodes()
        .iter()
        .any(|(k, v)| *k == key && !matches!(v, Node::Skip))
}

/// The module's own (non-module) parameter keys, as MLX's `_freeze_impl`
/// computes them.
fn local_keys(m: &dyn Module) -> Vec<String> {
    let t = traversal::filter_and_map(
        m,
        &|m, k, v| !matches!(v, Node::Module(_)) && valid_parameter_filter(m, k, v),
        &mut |a| Ok(a.clone()),
    )
    .expect("the identity map cannot fail");
    tree_flatten(&t).into_iter().map(|(k, _)| k).collect()
}

/// Freeze (`freeze == true`) or unfreeze keys; checks everything first so
/// that a failure changes nothing.
pub(crate) fn freeze(
    root: &mut dyn Module,
    recurse: bool,
    keys: Option<&[&str]>,
    mut strict: bool,
    freeze: bool,
) -> Result<()> {
    let op = if freeze { "freeze" } else { "unfreeze" };
    if recurse && strict {
        if let Some(ks) = keys {
            let modules = root.named_modules();
            for k in ks {
                if !modules.iter().any(|(_, m)| has_member(*m, k)) {
                    return Err(Error::invalid(
                        op,
                        format!("module does not contain member {k:?}"),
                    ));
                }
            }
            strict = false;
        }
    }
    for apply in [false, true] {
        let mut f = |_: &str, m: &mut dyn Module| -> Result<()> {
            let local: Vec<String> = match keys {
                Some(ks) => ks.iter().map(|k| k.to_string()).collect(),
                None if freeze => local_keys(m),
                None => Vec::new(),
            };
            if strict {
                if let Some(k) = local.iter().find(|k| !has_member(m, k)) {
                    return Err(Error::invalid(
                        op,
                        format!("module {} does not contain member {k:?}", m.module_name()),
                    ));
                }
            }
            let name = m.module_name();
            let owns_any = match keys {
                Some(_) => local.iter().any(|k| has_member(m, k)),
                None => !local_keys(m).is_empty(),
            };
            match m.module_state_mut() {
                Some(s) if apply => {
                    if freeze {
                        s.freeze_keys(local);
                    } else {
                        let ks: Vec<&str> = local.iter().map(String::as_str).collect();
                        s.unfreeze_keys(keys.map(|_| ks.as_slice()));
                    }
                }
                Some(_) => {}
                None if owns_any => {
                    return Err(Error::invalid(
                        op,
                        format!(
                            "module {name} has parameters of its own but no ModuleState field \
                             to record frozen keys in; add a `state: ModuleState` field"
                        ),
                    ))
                }
                None => {}
            }
            Ok(())
        };
        if recurse {
            traversal::apply_to_modules(root, "", &mut f)?;
        } else {
            f("", root)?;
        }
    }
    if !freeze {
        if let Some(s) = root.module_state_mut() {
            s.refreeze_pinned();
        }
    }
    Ok(())
}
