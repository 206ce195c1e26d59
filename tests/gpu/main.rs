//! GPU-vs-CPU property tests: random shapes (rank 0..=4, dims 0..=7,
//! size-0 and 0-d included), every GPU dtype, random values (NaN, ±inf and
//! -0.0 where the CPU result is defined) and layouts (contiguous,
//! transposed, negatively strided, broadcast, sliced from an offset,
//! stepped). Each property builds the same data on the CPU backend (the
//! reference, checked against MLX's goldens by the `ops` tests) and on the
//! GPU backend, applies the same op and compares shape, dtype and values
//! (integers and bools exactly, floats within per-op tolerances; NaN
//! positions and infinities equal).
//! A failure names the op, dtype, shape, layout, inputs and both outputs.
//!
//! The tests need a GPU adapter (lavapipe counts): without one they panic
//! with the backend's message, unless `MLX_SKIP_GPU_TESTS=1`. Case counts
//! are small so that the binary runs in about a minute on lavapipe;
//! `MLX_GPU_TEST_SCALE=10` runs ten times as many random cases. Tests take
//! the GPU one at a time (see `check::gpu_lock`); `threads.rs` tests
//! concurrent use on purpose.

use mlx_cpu as _;
use mlx_metal as _;

mod bfloat16;
mod check;
mod composite;
mod device;
mod elementwise;
mod errors;
mod extremes;
mod fast;
mod indexing;
mod matmul;
mod optimizer;
mod random;
mod reduce;
mod scatter;
mod sort;
mod strategies;
mod threads;
