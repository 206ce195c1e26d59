//! The `reduction` argument every loss takes, and the shape check most of
//! them share.

use mlx_core::shape::format_shape;
use mlx_core::{ops, Array, Error, Result};

/// How a loss reduces its per-element values (MLX's `reduction` string).
///
/// # Examples
/// ```
/// use mlx_nn::losses::Reduction;
/// assert_eq!("sum".parse::<Reduction>()?, Reduction::Sum);
/// assert_eq!(
///     "avg".parse::<Reduction>().unwrap_err().to_string(),
///     "[reduction] invalid reduction 'avg', must be one of none, mean, sum"
/// );
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// Keep the per-element losses (`"none"`).
    None,
    /// Their mean over every element, a 0-d array (`"mean"`).
    Mean,
    /// Their sum over every element, a 0-d array (`"sum"`).
    Sum,
}

impl Reduction {
    /// MLX's name for the reduction: `"none"`, `"mean"` or `"sum"`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::losses::Reduction::Mean.name(), "mean");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Reduction::None => "none",
            Reduction::Mean => "mean",
            Reduction::Sum => "sum",
        }
    }

    /// Apply the reduction to `loss` (MLX's `_reduce`).
    ///
    /// # Errors
    /// The errors of `mean` or `sum` (none for a numeric array).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_nn::losses::Reduction;
    /// let l = mlx_core::Array::from_slice(&[1.0f32, 3.0], &[2])?;
    /// assert_eq!(Reduction::Mean.apply(&l)?.item::<f32>()?, 2.0);
    /// assert_eq!(Reduction::Sum.apply(&l)?.item::<f32>()?, 4.0);
    /// assert_eq!(Reduction::None.apply(&l)?.shape(), &[2]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn apply(self, loss: &Array) -> Result<Array> {
        match self {
            Reduction::None => Ok(loss.clone()),
            Reduction::Mean => ops::mean(loss, (), false),
            Reduction::Sum => ops::sum(loss, (), false),
        }
    }
}

impl std::str::FromStr for Reduction {
    type Err = Error;

    /// Parse MLX's spelling (`"none"`, `"mean"`, `"sum"`).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            other => Err(Error::invalid(
                "reduction",
                format!("invalid reduction '{other}', must be one of none, mean, sum"),
            )),
        }
    }
}

impl std::fmt::Display for Reduction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `[op] {what_a} shape (2,) does not match {what_b} shape (3,)` unless the
/// shapes are equal (MLX's `ValueError` in the losses that check shapes).
pub(super) fn same_shape(
    op: &'static str,
    (what_a, a): (&str, &Array),
    (what_b, b): (&str, &Array),
) -> Result<()> {
    if a.shape() == b.shape() {
        return Ok(());
    }
    Err(Error::invalid(
        op,
        format!(
            "{what_a} shape {} does not match {what_b} shape {}",
            format_shape(a.shape()),
            format_shape(b.shape())
        ),
    ))
}

/// Multiply `loss` by optional `weights` of exactly its shape.
pub(super) fn apply_weights(
    op: &'static str,
    loss: Array,
    weights: Option<&Array>,
) -> Result<Array> {
    let Some(w) = weights else {
        return Ok(loss);
    };
    if w.shape() != loss.shape() {
        return Err(Error::invalid(
            op,
            format!(
                "weights with shape {} is not the same as output loss with shape {}",
                format_shape(w.shape()),
                format_shape(loss.shape())
            ),
        ));
    }
    loss * w
}
