//! Op tests, one module per family. Golden data come from MLX 0.32.4 via
//! `tests/golden/gen_golden.py`; every test body takes `&mlx::Device` and
//! `mlx_tests::device_tests!` expands it per device (style rule 12).

#[cfg(feature = "gpu")]
use mlx_metal as _;

mod arguments;
mod binary;
mod bitwise;
mod composite;
mod conv;
mod creation;
mod device;
mod donation;
mod edge_cases;
mod error_op_names;
mod errors;
mod extreme_shapes;
mod fast;
mod graph;
mod indexing;
mod indexing_adv;
mod laws;
mod limits;
mod matmul;
mod memory;
mod misc_elementwise;
mod ops_table;
mod optimizer_update;
mod printing;
mod promotion;
mod quantized;
mod random;
mod reduce;
mod rounding;
mod shape;
mod siblings;
mod sort;
mod unary;
