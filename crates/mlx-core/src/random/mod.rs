//! Random sampling with explicit keys (MLX's `mx.random`): the
//! counter-based threefry2x32 generator of MLX 0.32.4, so that one key
//! gives MLX's bits, uniforms and integers exactly. Every sampler takes an
//! optional key; without one it draws the next key of the calling thread's
//! default sequence (see [`seed`]).
//!
//! `permutation` is not here yet: it needs `argsort`.

mod cholesky;
mod continuous;
mod discrete;
mod key;

pub use continuous::{
    gumbel, laplace, multivariate_normal, normal, truncated_normal, uniform, uniform_unit,
};
pub use discrete::{bernoulli, categorical, permutation, permutation_array, randint};
pub use key::{bits, bits_word, key, seed, split, split_pair, threefry2x32};
