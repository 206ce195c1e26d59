//! Loss functions (MLX's `mlx.nn.losses`).
//!
//! # Calling convention
//! Every loss takes its arrays positionally and its optional arguments as
//! one options struct, passed by reference, whose [`Default`] is MLX's
//! defaults for that loss (the default [`Reduction`] differs between
//! losses, as in MLX):
//!
//! ```
//! # use mlx_cpu as _;
//! use mlx_core::Array;
//! use mlx_nn::losses::{cross_entropy, CrossEntropyOptions, Reduction};
//! let logits = Array::from_slice(&[2.0f32, -1.0, -1.0, 2.0], &[2, 2])?;
//! let targets = Array::from_slice(&[0i32, 1], &[2])?;
//! // MLX: nn.losses.cross_entropy(logits, targets)
//! let per_sample = cross_entropy(&logits, &targets, &CrossEntropyOptions::default())?;
//! assert_eq!(per_sample.shape(), &[2]);
//! // MLX: nn.losses.cross_entropy(logits, targets, label_smoothing=0.1, reduction="mean")
//! let opts = CrossEntropyOptions { label_smoothing: 0.1, reduction: Reduction::Mean, ..Default::default() };
//! assert_eq!(cross_entropy(&logits, &targets, &opts)?.ndim(), 0);
//! Ok::<(), mlx_core::Error>(())
//! ```
//!
//! Each loss computes MLX's formula (`mlx/nn/losses.py`) with the same
//! checks; a check that fails, or an error of an inner op, is reported
//! under the loss's name (`[mse_loss] predictions shape (2,) does not match
//! targets shape (3,)`).
//!
//! | family | losses |
//! | --- | --- |
//! | classification | [`cross_entropy`], [`binary_cross_entropy`], [`nll_loss`], [`kl_div_loss`], [`hinge_loss`] |
//! | regression | [`l1_loss`], [`mse_loss`], [`smooth_l1_loss`], [`huber_loss`], [`log_cosh_loss`], [`gaussian_nll_loss`] |
//! | embeddings and ranking | [`cosine_similarity_loss`], [`triplet_loss`], [`margin_ranking_loss`] |

mod classification;
mod embedding;
mod reduction;
mod regression;

pub use classification::{
    binary_cross_entropy, cross_entropy, hinge_loss, kl_div_loss, nll_loss,
    BinaryCrossEntropyOptions, CrossEntropyOptions, HingeLossOptions, KlDivLossOptions,
    NllLossOptions,
};
pub use embedding::{
    cosine_similarity_loss, margin_ranking_loss, triplet_loss, CosineSimilarityLossOptions,
    MarginRankingLossOptions, TripletLossOptions,
};
pub use reduction::Reduction;
pub use regression::{
    gaussian_nll_loss, huber_loss, l1_loss, log_cosh_loss, mse_loss, smooth_l1_loss,
    GaussianNllLossOptions, HuberLossOptions, L1LossOptions, LogCoshLossOptions, MseLossOptions,
    SmoothL1LossOptions,
};
