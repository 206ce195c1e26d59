//! The module system: the [`Module`] trait, its field views and state.

mod freeze;
mod module_trait;
mod node;
mod repr;
mod state;
mod traversal;
mod weights;

pub use module_trait::{Module, UnaryModule};
pub use node::{ModuleValue, Node, NodeMut};
pub use repr::{module_repr, ExtraRepr};
pub(crate) use repr::{py_bool, py_float, py_tuple};
pub use state::ModuleState;
pub(crate) use traversal::visit_slots;
pub use traversal::{trainable_parameter_filter, valid_parameter_filter, Filter};
