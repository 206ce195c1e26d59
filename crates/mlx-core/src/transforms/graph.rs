//! Graph walks shared by the transforms.

use crate::primitive::Primitive;
use crate::Array;
use std::collections::HashSet;

/// A node of a traced graph with its primitive and inputs (`None` for
/// leaves: evaluated arrays and the transform's own tracers).
pub(crate) struct Traced {
    pub(crate) array: Array,
    pub(crate) parts: Parts,
    /// Every output of the node's primitive (`None` where dropped):
    /// `[self]` for most.
    pub(crate) outputs: Vec<Option<Array>>,
}

impl Traced {
    /// True when the node is one of several outputs of its primitive.
    pub(crate) fn has_siblings(&self) -> bool {
        self.outputs.len() > 1
    }
}

/// A node's primitive and inputs, `None` for a leaf.
type Parts = Option<(Primitive, Vec<Array>)>;

/// Nodes reachable from `outputs`, inputs before consumers, without
/// expanding the nodes in `stops`. Iterative: graphs may be very deep.
pub(crate) fn trace_order(outputs: &[Array], stops: &HashSet<usize>) -> Vec<Traced> {
    let mut order = Vec::new();
    let mut visited: HashSet<usize> = HashSet::new();
    let mut stack: Vec<(Array, Option<Parts>)> =
        outputs.iter().rev().map(|a| (a.clone(), None)).collect();
    while let Some((a, expanded)) = stack.pop() {
        if let Some(parts) = expanded {
            let outputs = match parts.is_some().then(|| a.group()).flatten() {
                Some((outs, _)) => outs,
                None => vec![Some(a.clone())],
            };
            order.push(Traced {
                array: a,
                parts,
                outputs,
            });
            continue;
        }
        if !visited.insert(a.id()) {
            continue;
        }
        let parts = if stops.contains(&a.id()) {
            None
        } else {
            a.pending_parts()
        };
        let inputs: Vec<Array> = parts.as_ref().map(|(_, i)| i.clone()).unwrap_or_default();
        stack.push((a, Some(parts)));
        for inp in inputs.into_iter().rev() {
            if !visited.contains(&inp.id()) {
                stack.push((inp, None));
            }
        }
    }
    order
}

/// A fresh node standing for `x` (an identity view), so the transform can
/// tell its inputs apart from any other use of the same array.
pub(crate) fn tracer(x: &Array) -> crate::Result<Array> {
    Array::from_op(
        Primitive::Broadcast,
        vec![x.clone()],
        x.shape().to_vec(),
        x.dtype(),
    )
}
