//! Elementwise two-input primitives ([`BinaryOp`]) and their dtype rules.

use crate::{Dtype, Error, Result};

/// An elementwise op of two inputs. Both inputs reach the kernel broadcast
/// to the output shape and cast to [`BinaryOp::compute_dtype`]; the kernel
/// writes [`BinaryOp::out_dtype`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Dtype, primitive::BinaryOp};
/// assert_eq!(BinaryOp::Divide.compute_dtype(Dtype::Int32)?, Dtype::Float32);
/// assert_eq!(BinaryOp::Less.out_dtype(Dtype::Float16), Dtype::Bool);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    /// True division: integers are computed in `float32`.
    Divide,
    /// Floor of the quotient; exact for integers.
    FloorDivide,
    /// Remainder with the sign of the divisor (Python's `%`).
    Remainder,
    Power,
    /// NaN-propagating maximum.
    Maximum,
    /// NaN-propagating minimum.
    Minimum,
    ArcTan2,
    LogAddExp,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    LogicalAnd,
    LogicalOr,
}

impl BinaryOp {
    /// Every binary op (for tests that must cover them all).
    pub const ALL: [BinaryOp; 19] = [
        BinaryOp::Add,
        BinaryOp::Subtract,
        BinaryOp::Multiply,
        BinaryOp::Divide,
        BinaryOp::FloorDivide,
        BinaryOp::Remainder,
        BinaryOp::Power,
        BinaryOp::Maximum,
        BinaryOp::Minimum,
        BinaryOp::ArcTan2,
        BinaryOp::LogAddExp,
        BinaryOp::Equal,
        BinaryOp::NotEqual,
        BinaryOp::Less,
        BinaryOp::LessEqual,
        BinaryOp::Greater,
        BinaryOp::GreaterEqual,
        BinaryOp::LogicalAnd,
        BinaryOp::LogicalOr,
    ];

    /// MLX's op name (`"floor_divide"`).
    pub const fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Subtract => "subtract",
            BinaryOp::Multiply => "multiply",
            BinaryOp::Divide => "divide",
            BinaryOp::FloorDivide => "floor_divide",
            BinaryOp::Remainder => "remainder",
            BinaryOp::Power => "power",
            BinaryOp::Maximum => "maximum",
            BinaryOp::Minimum => "minimum",
            BinaryOp::ArcTan2 => "arctan2",
            BinaryOp::LogAddExp => "logaddexp",
            BinaryOp::Equal => "equal",
            BinaryOp::NotEqual => "not_equal",
            BinaryOp::Less => "less",
            BinaryOp::LessEqual => "less_equal",
            BinaryOp::Greater => "greater",
            BinaryOp::GreaterEqual => "greater_equal",
            BinaryOp::LogicalAnd => "logical_and",
            BinaryOp::LogicalOr => "logical_or",
        }
    }

    /// True for ops whose output is `bool`.
    pub const fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(
            self,
            Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual | LogicalAnd | LogicalOr
        )
    }

    /// The dtype both inputs are cast to, given their promoted dtype.
    ///
    /// # Errors
    /// `[arctan2] not supported for complex64` and similar.
    pub fn compute_dtype(self, promoted: Dtype) -> Result<Dtype> {
        use BinaryOp::*;
        let no_complex = |d: Dtype| {
            if d.is_complex() {
                Err(Error::dtype(self.name(), d, "not supported for complex64"))
            } else {
                Ok(d)
            }
        };
        match self {
            Add | Subtract | Multiply | Power | Equal | NotEqual => Ok(promoted),
            Maximum | Minimum | Less | LessEqual | Greater | GreaterEqual => Ok(promoted),
            FloorDivide | Remainder => no_complex(promoted),
            Divide => Ok(promoted.to_inexact()),
            ArcTan2 | LogAddExp => no_complex(promoted.to_inexact()),
            LogicalAnd | LogicalOr => Ok(Dtype::Bool),
        }
    }

    /// The output dtype given the compute dtype.
    pub const fn out_dtype(self, compute: Dtype) -> Dtype {
        if self.is_comparison() {
            Dtype::Bool
        } else {
            compute
        }
    }
}
