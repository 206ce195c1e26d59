//! Elementwise two-input primitives ([`BinaryOp`]) and their dtype rules.

use super::vmap_rules::{Batch, Mapped};
use super::Primitive;
use crate::{Array, Dtype, Error, Result};

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
    /// Bitwise and of integers or bools.
    BitwiseAnd,
    /// Bitwise or of integers or bools.
    BitwiseOr,
    /// Bitwise exclusive or of integers or bools.
    BitwiseXor,
    /// `a << b`: types narrower than 32 bits shift as `int32` and the result
    /// wraps to the dtype; an amount that is negative or at least the width
    /// gives 0 (NumPy's rule).
    LeftShift,
    /// `a >> b`, arithmetic for signed types; an amount out of range gives
    /// 0, or -1 for a negative value (NumPy's rule).
    RightShift,
}

impl BinaryOp {
    /// Every binary op (for tests that must cover them all).
    pub const ALL: [BinaryOp; 24] = [
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
        BinaryOp::BitwiseAnd,
        BinaryOp::BitwiseOr,
        BinaryOp::BitwiseXor,
        BinaryOp::LeftShift,
        BinaryOp::RightShift,
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
            BinaryOp::BitwiseAnd => "bitwise_and",
            BinaryOp::BitwiseOr => "bitwise_or",
            BinaryOp::BitwiseXor => "bitwise_xor",
            BinaryOp::LeftShift => "left_shift",
            BinaryOp::RightShift => "right_shift",
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
            // MLX divides complex numbers without flooring.
            FloorDivide => Ok(promoted),
            Remainder => no_complex(promoted),
            Divide => Ok(promoted.to_inexact()),
            ArcTan2 => no_complex(promoted.to_inexact()),
            LogAddExp => Ok(promoted.to_inexact()),
            LogicalAnd | LogicalOr => Ok(Dtype::Bool),
            BitwiseAnd | BitwiseOr | BitwiseXor | LeftShift | RightShift => {
                if !(promoted.is_integer() || promoted == Dtype::Bool) {
                    Err(Error::dtype(
                        self.name(),
                        promoted,
                        "only allowed on integer or boolean types",
                    ))
                } else if promoted == Dtype::Bool && matches!(self, LeftShift | RightShift) {
                    // MLX shifts bools as uint8.
                    Ok(Dtype::Uint8)
                } else {
                    Ok(promoted)
                }
            }
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

impl BinaryOp {
    /// `g * d out / d a` and `g * d out / d b`, before un-broadcasting;
    /// `None` where the derivative is zero (comparisons, `floor_divide`).
    fn partials(
        self,
        a: &Array,
        b: &Array,
        out: &Array,
        g: &Array,
        want: [bool; 2],
    ) -> Result<[Option<Array>; 2]> {
        use super::fast::mask_grad;
        use crate::ops::{log, power, sigmoid, square};
        use BinaryOp::*;
        let some = |x: Result<Array>| x.map(Some);
        let (da, db): (Result<Option<Array>>, Result<Option<Array>>) = match self {
            Add => (Ok(Some(g.clone())), Ok(Some(g.clone()))),
            Subtract => (Ok(Some(g.clone())), some(-g)),
            Multiply => (some(g * b), some(g * a)),
            Divide => (some(g / b), some(crate::ops::negative(&((g * out)? / b)?))),
            Remainder => (
                Ok(Some(g.clone())),
                some(crate::ops::negative(
                    &(g * crate::ops::floor_divide(a, b)?)?,
                )),
            ),
            Power => (
                some(g * (power(a, &(b - 1.0f64)?)? * b)?),
                some(g * (log(a)? * out)?),
            ),
            // MLX gives a tie to the second input, for both.
            Maximum => (
                some(mask_grad(Greater, g, a, b)),
                some(mask_grad(LessEqual, g, a, b)),
            ),
            Minimum => (
                some(mask_grad(Less, g, a, b)),
                some(mask_grad(GreaterEqual, g, a, b)),
            ),
            ArcTan2 => {
                let den = (square(a)? + square(b)?)?;
                (
                    some(g * (b / &den)?),
                    some(crate::ops::negative(&(g * (a / &den)?)?)),
                )
            }
            LogAddExp => (some(g * sigmoid(&(a - b)?)?), some(g * sigmoid(&(b - a)?)?)),
            FloorDivide | Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual
            | LogicalAnd | LogicalOr | BitwiseAnd | BitwiseOr | BitwiseXor | LeftShift
            | RightShift => (Ok(None), Ok(None)),
        };
        Ok([
            if want[0] { da? } else { None },
            if want[1] { db? } else { None },
        ])
    }

    /// Cotangents of the two inputs given the output's cotangent `g`,
    /// summed over broadcast axes back to each input's shape (MLX's `vjp`).
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::BinaryOp, Array};
    /// let a = Array::from_slice(&[1.0f32, 2.0], &[2])?;
    /// let b = Array::from_slice(&[3.0f32], &[1])?;
    /// let g = mlx_core::ops::ones(&[2], mlx_core::Dtype::Float32)?;
    /// let [da, db] = BinaryOp::Multiply.vjp(&a, &b, &(&a * &b)?, &g)?;
    /// assert_eq!(da.unwrap().to_vec::<f32>()?, vec![3.0, 3.0]);
    /// assert_eq!(db.unwrap().to_vec::<f32>()?, vec![3.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vjp(self, a: &Array, b: &Array, out: &Array, g: &Array) -> Result<[Option<Array>; 2]> {
        let [da, db] = self.partials(a, b, out, g, [true, true])?;
        Ok([
            da.map(|d| unbroadcast(&d, a.shape())).transpose()?,
            db.map(|d| unbroadcast(&d, b.shape())).transpose()?,
        ])
    }

    /// Tangent of the output given tangents of the inputs (`None` = zero).
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::BinaryOp, Array};
    /// let a = Array::from_slice(&[2.0f32], &[1])?;
    /// let t = Array::from_slice(&[1.0f32], &[1])?;
    /// let d = BinaryOp::Multiply.jvp(&a, &a, &(&a * &a)?, [Some(&t), None])?.unwrap();
    /// assert_eq!(d.to_vec::<f32>()?, vec![2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn jvp(
        self,
        a: &Array,
        b: &Array,
        out: &Array,
        t: [Option<&Array>; 2],
    ) -> Result<Option<Array>> {
        let mut acc: Option<Array> = None;
        for (i, ti) in t.iter().enumerate() {
            let Some(ti) = ti else { continue };
            let mut want = [false; 2];
            want[i] = true;
            if let Some(d) = self.partials(a, b, out, ti, want)?[i].take() {
                acc = Some(match acc {
                    None => d,
                    Some(x) => (x + d)?,
                });
            }
        }
        acc.map(|x| crate::ops::broadcast_to(&x, out.shape()))
            .transpose()
    }
}

/// Sum `g` over the axes that broadcasting added or stretched, so it has
/// `shape` (the rule for every broadcasting op's `vjp`).
///
/// # Errors
/// Errors of `sum` or `reshape`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let g = mlx_core::ops::ones(&[2, 3], mlx_core::Dtype::Float32)?;
/// let s = mlx_core::primitive::unbroadcast(&g, &[1, 3])?;
/// assert_eq!(s.to_vec::<f32>()?, vec![2.0, 2.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn unbroadcast(g: &Array, shape: &[usize]) -> Result<Array> {
    if g.shape() == shape {
        return Ok(g.clone());
    }
    let off = g.ndim() - shape.len();
    let axes: Vec<i64> = (0..g.ndim())
        .filter(|&i| i < off || (shape[i - off] == 1 && g.shape()[i] != 1))
        .map(|i| i as i64)
        .collect();
    let s = crate::ops::sum(g, &axes, true)?;
    let dims: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    crate::ops::reshape(&s, &dims)
}

/// Cotangents of `where(cond, x, y)`'s inputs `[cond, x, y]`.
pub(crate) fn select_vjp(inputs: &[Array], g: &Array) -> Result<Vec<Option<Array>>> {
    use crate::ops::{where_, zeros};
    let zero = zeros((), g.dtype())?;
    let c = &inputs[0];
    let gx = unbroadcast(&where_(c, g, &zero)?, inputs[1].shape())?;
    let gy = unbroadcast(&where_(c, &zero, g)?, inputs[2].shape())?;
    Ok(vec![None, Some(gx), Some(gy)])
}

/// Tangent of `where(cond, x, y)` given tangents of `x` and `y`.
pub(crate) fn select_jvp(inputs: &[Array], out: &Array, t: &[Option<Array>]) -> Result<Array> {
    use crate::ops::{where_, zeros};
    let zero = zeros((), out.dtype())?;
    let tx = t[1].as_ref().unwrap_or(&zero);
    let ty = t[2].as_ref().unwrap_or(&zero);
    crate::ops::broadcast_to(&where_(&inputs[0], tx, ty)?, out.shape())
}

/// `vmap` of an elementwise op of several inputs (binary ops, `where`):
/// each batched input gets its batch axis first and ones up to the
/// output's rank, so it broadcasts against the unbatched ones in the node.
pub(super) fn broadcast_vmap(p: &Primitive, v: &Batch) -> Mapped {
    let r = v.out.ndim();
    let ins = (0..v.inputs.len())
        .map(|i| match v.front(i)? {
            None => Ok(v.inputs[i].clone()),
            Some(f) => {
                let mut s = vec![v.size as i64];
                s.extend(std::iter::repeat_n(1, r + 1 - f.ndim()));
                s.extend(f.shape()[1..].iter().map(|&d| d as i64));
                crate::ops::reshape(&f, &s)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    v.node(p.clone(), ins)
}
