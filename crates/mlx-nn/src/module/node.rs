//! The structure a module exposes to traversal: [`Node`] / [`NodeMut`]
//! views of its fields, and [`ModuleValue`], the trait every field type
//! implements (arrays are parameters, modules are submodules, `Vec`s are
//! lists, maps are dicts; numbers, flags and strings are not parameters).

use crate::{Module, UnaryModule};
use mlx_core::{Array, Dtype};
use std::collections::{BTreeMap, HashMap};

/// A read-only view of one field of a module (MLX's `Module` dict values).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{ModuleValue, Node};
/// let v = vec![mlx_core::Array::from_slice(&[1.0f32], &[1])?];
/// assert!(matches!(v.node(), Node::List(ref items) if items.len() == 1));
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug)]
pub enum Node<'a> {
    /// A parameter.
    Array(&'a Array),
    /// A submodule.
    Module(&'a dyn Module),
    /// A list of values (paths use the index).
    List(Vec<Node<'a>>),
    /// String-keyed values, in key order.
    Map(Vec<(String, Node<'a>)>),
    /// Not a parameter or a module (a size, a flag, an absent `Option`).
    Skip,
}

/// A mutable view of one field of a module, as [`Node`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{ModuleValue, NodeMut};
/// let mut a = mlx_core::Array::from_slice(&[1.0f32], &[1])?;
/// if let NodeMut::Array(x) = a.node_mut() {
///     *x = mlx_core::Array::from_slice(&[2.0f32], &[1])?;
/// }
/// assert_eq!(a.to_vec::<f32>()?, vec![2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug)]
pub enum NodeMut<'a> {
    /// A parameter.
    Array(&'a mut Array),
    /// A submodule.
    Module(&'a mut dyn Module),
    /// A boxed one-input layer, which can be replaced by another
    /// (`update_modules`, [`quantize`](crate::quantize)).
    Slot(&'a mut Box<dyn UnaryModule>),
    /// A list of values.
    List(Vec<NodeMut<'a>>),
    /// String-keyed values, in key order.
    Map(Vec<(String, NodeMut<'a>)>),
    /// Not a parameter or a module.
    Skip,
}

/// A type that can be a field of a `#[derive(Module)]` struct.
///
/// # Examples
/// ```
/// use mlx_nn::{ModuleValue, Node};
/// assert!(matches!(3usize.node(), Node::Skip));
/// assert!(matches!(None::<mlx_core::Array>.node(), Node::Skip));
/// ```
pub trait ModuleValue {
    /// The read-only view of this value.
    fn node(&self) -> Node<'_>;
    /// The mutable view of this value.
    fn node_mut(&mut self) -> NodeMut<'_>;
}

impl ModuleValue for Array {
    fn node(&self) -> Node<'_> {
        Node::Array(self)
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        NodeMut::Array(self)
    }
}

impl<T: ModuleValue> ModuleValue for Option<T> {
    fn node(&self) -> Node<'_> {
        self.as_ref().map_or(Node::Skip, |v| v.node())
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        self.as_mut().map_or(NodeMut::Skip, |v| v.node_mut())
    }
}

/// A list node, or `Skip` when every item is `Skip` (a list of sizes).
fn list(items: Vec<Node<'_>>) -> Node<'_> {
    if !items.is_empty() && items.iter().all(|n| matches!(n, Node::Skip)) {
        Node::Skip
    } else {
        Node::List(items)
    }
}

fn list_mut(items: Vec<NodeMut<'_>>) -> NodeMut<'_> {
    if !items.is_empty() && items.iter().all(|n| matches!(n, NodeMut::Skip)) {
        NodeMut::Skip
    } else {
        NodeMut::List(items)
    }
}

impl<T: ModuleValue> ModuleValue for Vec<T> {
    fn node(&self) -> Node<'_> {
        list(self.iter().map(|v| v.node()).collect())
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        list_mut(self.iter_mut().map(|v| v.node_mut()).collect())
    }
}

impl<T: ModuleValue, const N: usize> ModuleValue for [T; N] {
    fn node(&self) -> Node<'_> {
        list(self.iter().map(|v| v.node()).collect())
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        list_mut(self.iter_mut().map(|v| v.node_mut()).collect())
    }
}

impl<T: ModuleValue> ModuleValue for Box<T> {
    fn node(&self) -> Node<'_> {
        (**self).node()
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        (**self).node_mut()
    }
}

impl ModuleValue for Box<dyn Module> {
    fn node(&self) -> Node<'_> {
        Node::Module(self.as_module())
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        NodeMut::Module(self.as_module_mut())
    }
}

impl ModuleValue for Box<dyn UnaryModule> {
    fn node(&self) -> Node<'_> {
        Node::Module(self.as_module())
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        NodeMut::Slot(self)
    }
}

impl<T: ModuleValue> ModuleValue for BTreeMap<String, T> {
    fn node(&self) -> Node<'_> {
        Node::Map(self.iter().map(|(k, v)| (k.clone(), v.node())).collect())
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        NodeMut::Map(
            self.iter_mut()
                .map(|(k, v)| (k.clone(), v.node_mut()))
                .collect(),
        )
    }
}

impl<T: ModuleValue, S> ModuleValue for HashMap<String, T, S> {
    fn node(&self) -> Node<'_> {
        let mut items: Vec<_> = self.iter().map(|(k, v)| (k.clone(), v.node())).collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        Node::Map(items)
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        let mut items: Vec<_> = self
            .iter_mut()
            .map(|(k, v)| (k.clone(), v.node_mut()))
            .collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        NodeMut::Map(items)
    }
}

macro_rules! not_a_parameter {
    ($($t:ty),*) => {$(
        impl ModuleValue for $t {
            fn node(&self) -> Node<'_> {
                Node::Skip
            }
            fn node_mut(&mut self) -> NodeMut<'_> {
                NodeMut::Skip
            }
        }
    )*};
}

not_a_parameter!(
    bool,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    char,
    String,
    &'static str,
    Dtype
);
