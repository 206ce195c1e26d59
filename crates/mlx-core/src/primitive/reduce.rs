//! Reductions ([`ReduceOp`], [`ArgReduceOp`]) and scans ([`ScanOp`]).

/// A reduction over a set of axes. The kernel's input and output dtypes are
/// equal except for `All`/`Any`, whose input is cast to `bool` first.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::primitive::ReduceOp::Sum.name(), "sum");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// Sum (0 for empty reductions).
    Sum,
    /// Product (1 for empty reductions).
    Prod,
    /// Maximum, NaN-propagating (lowest value for empty, guarded by the op).
    Max,
    /// Minimum, NaN-propagating.
    Min,
    /// Logical and of `bool` input (true for empty).
    All,
    /// Logical or of `bool` input (false for empty).
    Any,
}

impl ReduceOp {
    /// MLX's op name.
    pub const fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Max => "max",
            ReduceOp::Min => "min",
            ReduceOp::All => "all",
            ReduceOp::Any => "any",
        }
    }
}

/// Index of the extreme value along one axis; the output is `uint32` and
/// the first occurrence wins. NaN counts as the extreme value.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::primitive::ArgReduceOp::ArgMax.name(), "argmax");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgReduceOp {
    /// First index of the maximum.
    ArgMax,
    /// First index of the minimum.
    ArgMin,
}

impl ArgReduceOp {
    /// MLX's op name.
    pub const fn name(self) -> &'static str {
        match self {
            ArgReduceOp::ArgMax => "argmax",
            ArgReduceOp::ArgMin => "argmin",
        }
    }
}

/// A cumulative op along one axis; input and output dtypes are equal.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::primitive::ScanOp::Sum.name(), "cumsum");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScanOp {
    /// Running sum.
    Sum,
}

impl ScanOp {
    /// MLX's op name.
    pub const fn name(self) -> &'static str {
        match self {
            ScanOp::Sum => "cumsum",
        }
    }
}
