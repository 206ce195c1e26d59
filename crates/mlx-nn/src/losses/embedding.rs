//! Losses on embeddings and scores: cosine similarity, triplet and margin
//! ranking.

use super::reduction::Reduction;
use crate::activations::scalars::{labeled, weak};
use mlx_core::shape::format_shape;
use mlx_core::{ops, Array, Error, Result};

/// Options of [`cosine_similarity_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct CosineSimilarityLossOptions {
    /// The embedding axis (default `1`, as in MLX).
    pub axis: i64,
    /// Lower clamp of the product of the norms (default `1e-8`).
    pub eps: f64,
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for CosineSimilarityLossOptions {
    fn default() -> Self {
        Self {
            axis: 1,
            eps: 1e-8,
            reduction: Reduction::None,
        }
    }
}

/// Cosine similarity `sum(x1 * x2) / max(|x1| * |x2|, eps)` along `axis`
/// (MLX's `cosine_similarity_loss`; note that it is the similarity itself,
/// as in MLX, not `1 - similarity`). The norms are Euclidean,
/// `sqrt(sum(x^2))` (MLX's `linalg.norm`).
///
/// # Errors
/// `[cosine_similarity_loss] ...` for shapes that do not broadcast or an
/// out-of-bounds axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{cosine_similarity_loss, CosineSimilarityLossOptions};
/// let a = Array::from_slice(&[1.0f32, 0.0, 3.0, 4.0], &[2, 2])?;
/// let b = Array::from_slice(&[2.0f32, 0.0, -3.0, -4.0], &[2, 2])?;
/// let l = cosine_similarity_loss(&a, &b, &CosineSimilarityLossOptions::default())?;
/// assert_eq!(l.to_vec::<f32>()?, vec![1.0, -1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn cosine_similarity_loss(
    x1: &Array,
    x2: &Array,
    options: &CosineSimilarityLossOptions,
) -> Result<Array> {
    labeled("cosine_similarity_loss", || {
        let axis = options.axis;
        let norm = |x: &Array| ops::sqrt(&ops::sum(&ops::square(x)?, axis, false)?);
        let denom = (norm(x1)? * norm(x2)?)?;
        let denom = ops::maximum(&denom, &weak(options.eps, &denom)?)?;
        let dot = ops::sum(&(x1 * x2)?, axis, false)?;
        options.reduction.apply(&(dot / denom)?)
    })
}

/// Options of [`triplet_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct TripletLossOptions {
    /// The embedding axis (default `-1`).
    pub axis: i64,
    /// The degree of the distance norm (default `2`).
    pub p: i32,
    /// Margin between positive and negative distances (default `1.0`).
    pub margin: f64,
    /// Added to the sum of powers before the `1 / p` root (default `1e-6`).
    pub eps: f64,
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for TripletLossOptions {
    fn default() -> Self {
        Self {
            axis: -1,
            p: 2,
            margin: 1.0,
            eps: 1e-6,
            reduction: Reduction::None,
        }
    }
}

/// Triplet loss `max(d(a, p) - d(a, n) + margin, 0)` with `d(x, y) =
/// (sum(|x - y|^p, axis) + eps)^(1 / p)` (MLX's `triplet_loss`).
///
/// # Errors
/// `[triplet_loss] p must be nonzero` (MLX divides by it), and shapes that
/// do not broadcast or an out-of-bounds axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{triplet_loss, TripletLossOptions};
/// let a = Array::from_slice(&[0.0f32, 0.0], &[1, 2])?;
/// let p = Array::from_slice(&[3.0f32, 4.0], &[1, 2])?;
/// let n = Array::from_slice(&[0.0f32, 1.0], &[1, 2])?;
/// let l = triplet_loss(&a, &p, &n, &TripletLossOptions::default())?.to_vec::<f32>()?;
/// assert!((l[0] - 5.0).abs() < 1e-5); // 5 - 1 + 1
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn triplet_loss(
    anchors: &Array,
    positives: &Array,
    negatives: &Array,
    options: &TripletLossOptions,
) -> Result<Array> {
    const OP: &str = "triplet_loss";
    labeled(OP, || {
        let TripletLossOptions {
            axis,
            p,
            margin,
            eps,
            reduction,
        } = *options;
        if p == 0 {
            return Err(Error::invalid(OP, "p must be nonzero"));
        }
        let dist = |other: &Array| -> Result<Array> {
            let d = ops::abs(&(anchors - other)?)?;
            let powered = ops::power(&d, &weak(p, &d)?)?;
            let summed = (ops::sum(&powered, axis, false)? + eps)?;
            ops::power(&summed, &weak(1.0 / f64::from(p), &summed)?)
        };
        let gap = ((dist(positives)? - dist(negatives)?)? + margin)?;
        reduction.apply(&ops::maximum(&gap, &weak(0, &gap)?)?)
    })
}

/// Options of [`margin_ranking_loss`]; [`Default`] is MLX's defaults.
#[derive(Clone, Copy, Debug)]
pub struct MarginRankingLossOptions {
    /// The margin the scores should be separated by (default `0.0`).
    pub margin: f64,
    /// Reduction (default [`Reduction::None`]).
    pub reduction: Reduction,
}

impl Default for MarginRankingLossOptions {
    fn default() -> Self {
        Self {
            margin: 0.0,
            reduction: Reduction::None,
        }
    }
}

/// Margin ranking loss `max(0, -y * (x1 - x2) + margin)` for labels `y` in
/// `{-1, 1}` (MLX's `margin_ranking_loss`).
///
/// # Errors
/// `[margin_ranking_loss] the shapes of the arguments do not match, got
/// inputs1 (2,), inputs2 (2,) and targets (3,)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// use mlx_nn::losses::{margin_ranking_loss, MarginRankingLossOptions};
/// let x1 = Array::from_slice(&[1.0f32, 1.0], &[2])?;
/// let x2 = Array::from_slice(&[0.0f32, 0.0], &[2])?;
/// let y = Array::from_slice(&[1i32, -1], &[2])?;
/// let l = margin_ranking_loss(&x1, &x2, &y, &MarginRankingLossOptions::default())?;
/// assert_eq!(l.to_vec::<f32>()?, vec![0.0, 1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn margin_ranking_loss(
    inputs1: &Array,
    inputs2: &Array,
    targets: &Array,
    options: &MarginRankingLossOptions,
) -> Result<Array> {
    const OP: &str = "margin_ranking_loss";
    labeled(OP, || {
        if inputs1.shape() != inputs2.shape() || inputs1.shape() != targets.shape() {
            return Err(Error::invalid(
                OP,
                format!(
                    "the shapes of the arguments do not match, got inputs1 {}, inputs2 {} and targets {}",
                    format_shape(inputs1.shape()),
                    format_shape(inputs2.shape()),
                    format_shape(targets.shape())
                ),
            ));
        }
        let differences = (inputs1 - inputs2)?;
        let gap = ((ops::negative(targets)? * differences)? + options.margin)?;
        options
            .reduction
            .apply(&ops::maximum(&weak(0, &gap)?, &gap)?)
    })
}
