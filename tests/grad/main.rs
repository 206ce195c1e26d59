//! Function transformations: every differentiable primitive against
//! central differences in float64 (vjp and jvp), vmap against a loop,
//! closed forms, higher order, custom rules, trees and memory.

mod closed_forms;
mod composite;
mod conv;
mod custom;
mod fd;
mod memory;
mod multi_output;
mod ops_binary;
mod ops_composite;
mod ops_sort;
mod ops_structural;
mod ops_unary;
mod random;
mod tree;
mod vmap;
