//! Activation functions (MLX's `mlx.nn` functions list): parameter-free
//! layers as plain functions on [`Array`](mlx_core::Array)s.
//!
//! Each function computes exactly MLX's formula (`mlx/nn/layers/activations.py`),
//! so results keep the input's dtype as MLX's weak scalars do (`float16` in,
//! `float16` out), and errors name the function (`[glu] ...`). MLX's keyword
//! defaults are explicit arguments in Rust; each function's doc states the
//! MLX default (`leaky_relu(x, 0.01)` is MLX's `leaky_relu(x)`).
//!
//! | family | functions |
//! | --- | --- |
//! | rectifiers and thresholds | [`relu`], [`relu2`], [`relu6`], [`leaky_relu`], [`prelu`], [`elu`], [`celu`], [`selu`], [`hard_tanh`], [`hard_shrink`], [`softshrink`], [`step`] |
//! | smooth | [`sigmoid`], [`tanh`], [`silu`], [`gelu`], [`gelu_approx`], [`gelu_fast_approx`], [`mish`], [`hardswish`], [`softplus`], [`softsign`], [`log_sigmoid`] |
//! | along an axis | [`softmax`], [`softmin`], [`log_softmax`], [`glu`] |

mod along_axis;
mod rectifiers;
pub(crate) mod scalars;
mod smooth;

pub use along_axis::{glu, log_softmax, softmax, softmin};
pub use rectifiers::{
    celu, elu, hard_shrink, hard_tanh, leaky_relu, prelu, relu, relu2, relu6, selu, softshrink,
    step,
};
pub use smooth::{
    gelu, gelu_approx, gelu_fast_approx, hardswish, log_sigmoid, mish, sigmoid, silu, softplus,
    softsign, tanh,
};
