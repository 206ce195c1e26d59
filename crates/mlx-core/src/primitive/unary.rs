//! Elementwise one-input primitives ([`UnaryOp`]) and their dtype rules.

use crate::{Dtype, Error, Result};

/// An elementwise op of one input. The kernel receives its input already
/// cast to [`UnaryOp::compute_dtype`] and writes [`UnaryOp::out_dtype`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Dtype, primitive::UnaryOp};
/// assert_eq!(UnaryOp::Exp.name(), "exp");
/// assert_eq!(UnaryOp::Exp.compute_dtype(Dtype::Int32)?, Dtype::Float32);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Abs,
    Negative,
    Sign,
    Square,
    Sqrt,
    Rsqrt,
    Reciprocal,
    Exp,
    Expm1,
    Log,
    Log1p,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    ArcSin,
    ArcCos,
    ArcTan,
    Sinh,
    Cosh,
    Tanh,
    ArcSinh,
    ArcCosh,
    ArcTanh,
    Sigmoid,
    Erf,
    ErfInv,
    Floor,
    Ceil,
    /// Round half to even.
    Round,
    LogicalNot,
    /// Identity in the forward pass; blocks gradients.
    StopGradient,
    /// Bitwise not of integers (`logical_not` for bool).
    BitwiseInvert,
    /// Real part of `complex64` (as `float32`).
    Real,
    /// Imaginary part of `complex64` (as `float32`).
    Imag,
    /// Complex conjugate of `complex64`.
    Conjugate,
}

impl UnaryOp {
    /// Every unary op (for tests that must cover them all).
    pub const ALL: [UnaryOp; 37] = [
        UnaryOp::Abs,
        UnaryOp::Negative,
        UnaryOp::Sign,
        UnaryOp::Square,
        UnaryOp::Sqrt,
        UnaryOp::Rsqrt,
        UnaryOp::Reciprocal,
        UnaryOp::Exp,
        UnaryOp::Expm1,
        UnaryOp::Log,
        UnaryOp::Log1p,
        UnaryOp::Log2,
        UnaryOp::Log10,
        UnaryOp::Sin,
        UnaryOp::Cos,
        UnaryOp::Tan,
        UnaryOp::ArcSin,
        UnaryOp::ArcCos,
        UnaryOp::ArcTan,
        UnaryOp::Sinh,
        UnaryOp::Cosh,
        UnaryOp::Tanh,
        UnaryOp::ArcSinh,
        UnaryOp::ArcCosh,
        UnaryOp::ArcTanh,
        UnaryOp::Sigmoid,
        UnaryOp::Erf,
        UnaryOp::ErfInv,
        UnaryOp::Floor,
        UnaryOp::Ceil,
        UnaryOp::Round,
        UnaryOp::LogicalNot,
        UnaryOp::StopGradient,
        UnaryOp::BitwiseInvert,
        UnaryOp::Real,
        UnaryOp::Imag,
        UnaryOp::Conjugate,
    ];

    /// MLX's op name (`"arcsin"`), also the prefix of kernel names.
    pub const fn name(self) -> &'static str {
        match self {
            UnaryOp::Abs => "abs",
            UnaryOp::Negative => "negative",
            UnaryOp::Sign => "sign",
            UnaryOp::Square => "square",
            UnaryOp::Sqrt => "sqrt",
            UnaryOp::Rsqrt => "rsqrt",
            UnaryOp::Reciprocal => "reciprocal",
            UnaryOp::Exp => "exp",
            UnaryOp::Expm1 => "expm1",
            UnaryOp::Log => "log",
            UnaryOp::Log1p => "log1p",
            UnaryOp::Log2 => "log2",
            UnaryOp::Log10 => "log10",
            UnaryOp::Sin => "sin",
            UnaryOp::Cos => "cos",
            UnaryOp::Tan => "tan",
            UnaryOp::ArcSin => "arcsin",
            UnaryOp::ArcCos => "arccos",
            UnaryOp::ArcTan => "arctan",
            UnaryOp::Sinh => "sinh",
            UnaryOp::Cosh => "cosh",
            UnaryOp::Tanh => "tanh",
            UnaryOp::ArcSinh => "arcsinh",
            UnaryOp::ArcCosh => "arccosh",
            UnaryOp::ArcTanh => "arctanh",
            UnaryOp::Sigmoid => "sigmoid",
            UnaryOp::Erf => "erf",
            UnaryOp::ErfInv => "erfinv",
            UnaryOp::Floor => "floor",
            UnaryOp::Ceil => "ceil",
            UnaryOp::Round => "round",
            UnaryOp::LogicalNot => "logical_not",
            UnaryOp::StopGradient => "stop_gradient",
            UnaryOp::BitwiseInvert => "bitwise_invert",
            UnaryOp::Real => "real",
            UnaryOp::Imag => "imag",
            UnaryOp::Conjugate => "conjugate",
        }
    }

    /// The dtype the kernel computes in, given the input dtype. Ops that
    /// need floats promote integers and bool to `float32`, as MLX does.
    ///
    /// # Errors
    /// `[floor] not supported for complex64` and similar.
    pub fn compute_dtype(self, input: Dtype) -> Result<Dtype> {
        use UnaryOp::*;
        let no_complex = |d: Dtype| {
            if d.is_complex() {
                Err(Error::dtype(self.name(), d, "not supported for complex64"))
            } else {
                Ok(d)
            }
        };
        match self {
            Negative if input == Dtype::Bool => Err(Error::dtype(
                self.name(),
                input,
                "not supported for bool, use logical_not instead",
            )),
            Abs | Negative | Sign | Square | StopGradient => Ok(input),
            Expm1 => no_complex(input.to_inexact()),
            Floor | Ceil => no_complex(input),
            // MLX rounds the parts of a complex number.
            Round => Ok(input),
            BitwiseInvert if !(input.is_integer() || input == Dtype::Bool) => Err(Error::dtype(
                self.name(),
                input,
                "bitwise inverse only allowed on integer types",
            )),
            BitwiseInvert => Ok(input),
            // The ops handle real inputs without recording a node.
            Real | Imag | Conjugate if !input.is_complex() => Err(Error::dtype(
                self.name(),
                input,
                "the primitive takes complex64 only",
            )),
            Real | Imag | Conjugate => Ok(input),
            LogicalNot => Ok(Dtype::Bool),
            Sigmoid | Erf | ErfInv => no_complex(input.to_inexact()),
            Sqrt | Rsqrt | Reciprocal | Exp | Log | Log1p | Log2 | Log10 | Sin | Cos | Tan
            | ArcSin | ArcCos | ArcTan | Sinh | Cosh | Tanh | ArcSinh | ArcCosh | ArcTanh => {
                Ok(input.to_inexact())
            }
        }
    }

    /// The output dtype given the compute dtype (`abs` of complex is real).
    pub fn out_dtype(self, compute: Dtype) -> Dtype {
        match self {
            UnaryOp::Abs | UnaryOp::Real | UnaryOp::Imag if compute.is_complex() => Dtype::Float32,
            _ => compute,
        }
    }
}

use crate::Array;

impl UnaryOp {
    /// `g * f'(x)` for input `x` and output `out` (MLX's `vjp`; also the
    /// `jvp` with `g` the tangent, since the derivative is elementwise).
    /// `None` means the derivative is zero (`sign`, `floor`, comparisons,
    /// `stop_gradient`).
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::UnaryOp, Array};
    /// let x = Array::from_slice(&[0.0f32], &[1])?;
    /// let g = Array::from_slice(&[2.0f32], &[1])?;
    /// let d = UnaryOp::Sin.vjp(&x, &x.sin()?, &g)?.unwrap();
    /// assert_eq!(d.to_vec::<f32>()?, vec![2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vjp(self, x: &Array, out: &Array, g: &Array) -> Result<Option<Array>> {
        use crate::ops::{cos, cosh, exp, rsqrt, sign, sin, sinh, square};
        use UnaryOp::*;
        let d = match self {
            // MLX: the cotangent of real(z) is g + 0i, of imag(z) is -g i.
            Real => crate::ops::astype(g, Dtype::Complex64),
            Imag => {
                let minus_i = Array::from_host_data_on(
                    crate::HostData::from(vec![crate::Complex64::new(0.0, -1.0)]),
                    &[],
                    g.device(),
                )?;
                crate::ops::astype(g, Dtype::Complex64)? * minus_i
            }
            Conjugate => crate::ops::conjugate(g),
            Sign | Floor | Ceil | Round | LogicalNot | StopGradient | BitwiseInvert => {
                return Ok(None)
            }
            Abs => g * sign(x)?,
            Negative => -g,
            Square => g * (x * 2.0)?,
            Sqrt => g / (out * 2.0)?,
            Rsqrt => g * ((out / x)? * -0.5)?,
            Reciprocal => -(g * square(out)?)?,
            Exp => g * out,
            Expm1 => g * (out + 1.0f64)?,
            Log => g / x,
            Log1p => g / (x + 1.0f64)?,
            Log2 => g / (x * std::f64::consts::LN_2)?,
            Log10 => g / (x * std::f64::consts::LN_10)?,
            Sin => g * cos(x)?,
            Cos => -(g * sin(x)?)?,
            Tan => g * (square(out)? + 1.0f64)?,
            ArcSin => g * rsqrt(&(1.0f64 - square(x)?)?)?,
            ArcCos => -(g * rsqrt(&(1.0f64 - square(x)?)?)?)?,
            ArcTan => g / (square(x)? + 1.0f64)?,
            Sinh => g * cosh(x)?,
            Cosh => g * sinh(x)?,
            Tanh => g * (1.0f64 - square(out)?)?,
            ArcSinh => g * rsqrt(&(square(x)? + 1.0f64)?)?,
            ArcCosh => g * rsqrt(&(square(x)? - 1.0f64)?)?,
            ArcTanh => g / (1.0f64 - square(x)?)?,
            Sigmoid => g * (out * (1.0f64 - out)?)?,
            Erf => {
                let c = 2.0 / std::f64::consts::PI.sqrt();
                g * (exp(&crate::ops::negative(&square(x)?)?)? * c)?
            }
            ErfInv => {
                let c = std::f64::consts::PI.sqrt() / 2.0;
                g * (exp(&square(out)?)? * c)?
            }
        };
        d.map(Some)
    }

    /// Tangent of the output given tangent `t` of the input (MLX's `jvp`).
    ///
    /// # Errors
    /// As [`UnaryOp::vjp`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::UnaryOp, Array};
    /// let x = Array::from_slice(&[3.0f32], &[1])?;
    /// let t = Array::from_slice(&[1.0f32], &[1])?;
    /// let d = UnaryOp::Square.jvp(&x, &x.square()?, &t)?.unwrap();
    /// assert_eq!(d.to_vec::<f32>()?, vec![6.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn jvp(self, x: &Array, out: &Array, t: &Array) -> Result<Option<Array>> {
        match self {
            UnaryOp::Real => crate::ops::real(t).map(Some),
            UnaryOp::Imag => crate::ops::imag(t).map(Some),
            _ => self.vjp(x, out, t),
        }
    }
}
