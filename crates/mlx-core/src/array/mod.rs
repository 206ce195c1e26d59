//! The lazy [`Array`] handle: graph nodes, evaluation, conversion, printing.

mod convert;
pub mod display;
mod eval;
mod node;
mod pool;

pub use convert::Nested;
pub use display::format_g;
pub use eval::eval;
pub use node::Array;
pub(crate) use node::ArrayData;
