//! Element types ([`Dtype`]) and MLX's type-promotion rules.

use std::fmt;

/// The element type of an [`Array`](crate::Array), with MLX's names.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Dtype;
/// assert_eq!(Dtype::Float16.size(), 2);
/// assert_eq!(Dtype::promote(Dtype::Int8, Dtype::Uint8), Dtype::Int16);
/// assert_eq!(Dtype::Bfloat16.to_string(), "bfloat16");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dtype {
    /// Boolean, stored as one byte holding 0 or 1.
    Bool,
    /// Unsigned 8-bit integer.
    Uint8,
    /// Unsigned 16-bit integer.
    Uint16,
    /// Unsigned 32-bit integer.
    Uint32,
    /// Unsigned 64-bit integer.
    Uint64,
    /// Signed 8-bit integer.
    Int8,
    /// Signed 16-bit integer.
    Int16,
    /// Signed 32-bit integer.
    Int32,
    /// Signed 64-bit integer.
    Int64,
    /// IEEE half precision.
    Float16,
    /// Brain floating point (8-bit exponent, 7-bit mantissa).
    Bfloat16,
    /// IEEE single precision.
    Float32,
    /// IEEE double precision (CPU only, as in MLX).
    Float64,
    /// Complex number of two `f32`.
    Complex64,
}

/// Broad class of a [`Dtype`], as MLX's `issubdtype` categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DtypeKind {
    /// `bool`.
    Bool,
    /// Unsigned integers.
    Unsigned,
    /// Signed integers.
    Signed,
    /// Real floating point.
    Float,
    /// Complex floating point.
    Complex,
}

impl Dtype {
    /// Every dtype, in MLX's order.
    pub const ALL: [Dtype; 14] = [
        Dtype::Bool,
        Dtype::Uint8,
        Dtype::Uint16,
        Dtype::Uint32,
        Dtype::Uint64,
        Dtype::Int8,
        Dtype::Int16,
        Dtype::Int32,
        Dtype::Int64,
        Dtype::Float16,
        Dtype::Bfloat16,
        Dtype::Float32,
        Dtype::Float64,
        Dtype::Complex64,
    ];

    /// Size of one element in bytes.
    pub const fn size(self) -> usize {
        match self {
            Dtype::Bool | Dtype::Uint8 | Dtype::Int8 => 1,
            Dtype::Uint16 | Dtype::Int16 | Dtype::Float16 | Dtype::Bfloat16 => 2,
            Dtype::Uint32 | Dtype::Int32 | Dtype::Float32 => 4,
            Dtype::Uint64 | Dtype::Int64 | Dtype::Float64 | Dtype::Complex64 => 8,
        }
    }

    /// MLX's name of the dtype (`"float32"`).
    pub const fn name(self) -> &'static str {
        match self {
            Dtype::Bool => "bool",
            Dtype::Uint8 => "uint8",
            Dtype::Uint16 => "uint16",
            Dtype::Uint32 => "uint32",
            Dtype::Uint64 => "uint64",
            Dtype::Int8 => "int8",
            Dtype::Int16 => "int16",
            Dtype::Int32 => "int32",
            Dtype::Int64 => "int64",
            Dtype::Float16 => "float16",
            Dtype::Bfloat16 => "bfloat16",
            Dtype::Float32 => "float32",
            Dtype::Float64 => "float64",
            Dtype::Complex64 => "complex64",
        }
    }

    /// Short name used to specialise kernels (`"f32"`, `"bf16"`).
    pub const fn short_name(self) -> &'static str {
        match self {
            Dtype::Bool => "bool",
            Dtype::Uint8 => "u8",
            Dtype::Uint16 => "u16",
            Dtype::Uint32 => "u32",
            Dtype::Uint64 => "u64",
            Dtype::Int8 => "i8",
            Dtype::Int16 => "i16",
            Dtype::Int32 => "i32",
            Dtype::Int64 => "i64",
            Dtype::Float16 => "f16",
            Dtype::Bfloat16 => "bf16",
            Dtype::Float32 => "f32",
            Dtype::Float64 => "f64",
            Dtype::Complex64 => "c64",
        }
    }

    /// The dtype's category.
    pub const fn kind(self) -> DtypeKind {
        match self {
            Dtype::Bool => DtypeKind::Bool,
            Dtype::Uint8 | Dtype::Uint16 | Dtype::Uint32 | Dtype::Uint64 => DtypeKind::Unsigned,
            Dtype::Int8 | Dtype::Int16 | Dtype::Int32 | Dtype::Int64 => DtypeKind::Signed,
            Dtype::Float16 | Dtype::Bfloat16 | Dtype::Float32 | Dtype::Float64 => DtypeKind::Float,
            Dtype::Complex64 => DtypeKind::Complex,
        }
    }

    /// True for real floating-point dtypes.
    pub const fn is_float(self) -> bool {
        matches!(self.kind(), DtypeKind::Float)
    }

    /// True for floating-point and complex dtypes (MLX's `inexact`).
    pub const fn is_inexact(self) -> bool {
        matches!(self.kind(), DtypeKind::Float | DtypeKind::Complex)
    }

    /// True for signed and unsigned integers (not bool).
    pub const fn is_integer(self) -> bool {
        matches!(self.kind(), DtypeKind::Signed | DtypeKind::Unsigned)
    }

    /// True for unsigned integers.
    pub const fn is_unsigned(self) -> bool {
        matches!(self.kind(), DtypeKind::Unsigned)
    }

    /// True for signed integers.
    pub const fn is_signed_integer(self) -> bool {
        matches!(self.kind(), DtypeKind::Signed)
    }

    /// True for `complex64`.
    pub const fn is_complex(self) -> bool {
        matches!(self, Dtype::Complex64)
    }

    /// MLX's type promotion of two dtypes (the result dtype of `a + b`).
    ///
    /// Matches MLX 0.32.4: `uint64` with a signed integer gives `float32`,
    /// `float16` with `bfloat16` gives `float32`, an integer with a float
    /// gives that float.
    pub fn promote(a: Dtype, b: Dtype) -> Dtype {
        use Dtype::*;
        use DtypeKind as K;
        if a == b {
            return a;
        }
        match (a.kind(), b.kind()) {
            (K::Complex, _) | (_, K::Complex) => Complex64,
            (K::Bool, _) => b,
            (_, K::Bool) => a,
            (K::Float, K::Float) => match (a, b) {
                (Float64, _) | (_, Float64) => Float64,
                (Float32, _) | (_, Float32) => Float32,
                // float16 with bfloat16
                _ => Float32,
            },
            (K::Float, _) => a,
            (_, K::Float) => b,
            (K::Unsigned, K::Unsigned) | (K::Signed, K::Signed) => a.max_by_size(b),
            (K::Unsigned, K::Signed) => Self::promote_mixed(a, b),
            (K::Signed, K::Unsigned) => Self::promote_mixed(b, a),
        }
    }

    fn max_by_size(self, other: Dtype) -> Dtype {
        if self.size() >= other.size() {
            self
        } else {
            other
        }
    }

    fn promote_mixed(unsigned: Dtype, signed: Dtype) -> Dtype {
        if unsigned == Dtype::Uint64 {
            return Dtype::Float32;
        }
        // The smallest signed type that holds the unsigned one.
        let need = unsigned.size() * 2;
        let size = need.max(signed.size());
        match size {
            1 => Dtype::Int8,
            2 => Dtype::Int16,
            4 => Dtype::Int32,
            _ => Dtype::Int64,
        }
    }

    /// The dtype reductions such as `sum` and `prod` produce: bool and small
    /// integers widen to 32 bits, as in MLX.
    pub const fn sum_dtype(self) -> Dtype {
        match self {
            Dtype::Bool | Dtype::Int8 | Dtype::Int16 => Dtype::Int32,
            Dtype::Uint8 | Dtype::Uint16 => Dtype::Uint32,
            other => other,
        }
    }

    /// The floating dtype an op like `exp` computes in: inexact dtypes are
    /// kept, everything else becomes `float32`.
    pub const fn to_inexact(self) -> Dtype {
        if self.is_inexact() {
            self
        } else {
            Dtype::Float32
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// MLX's abstract dtype categories (`mx.generic`, `mx.number`, ...), the
/// second argument of [`issubdtype`]. Their hierarchy: `Generic` holds
/// `bool` and `Number`; `Number` holds `Integer` and `Inexact`; `Integer`
/// holds `SignedInteger` and `UnsignedInteger`; `Inexact` holds `Floating`
/// and `ComplexFloating`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DtypeCategory {
    /// Every dtype.
    Generic,
    /// Integers, floats and complex (not bool).
    Number,
    /// Signed and unsigned integers.
    Integer,
    /// `int8` .. `int64`.
    SignedInteger,
    /// `uint8` .. `uint64`.
    UnsignedInteger,
    /// Real floats.
    Floating,
    /// `complex64`.
    ComplexFloating,
    /// Real and complex floats.
    Inexact,
}

impl DtypeCategory {
    /// The category directly above this one (`None` for `Generic`).
    pub const fn parent(self) -> Option<DtypeCategory> {
        use DtypeCategory::*;
        match self {
            Generic => None,
            Number => Some(Generic),
            Integer | Inexact => Some(Number),
            SignedInteger | UnsignedInteger => Some(Integer),
            Floating | ComplexFloating => Some(Inexact),
        }
    }

    /// True when `self` is `other` or lies below it (MLX's
    /// `issubdtype(category, category)`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::DtypeCategory as C;
    /// assert!(C::Floating.is_sub(C::Number));
    /// assert!(!C::Number.is_sub(C::Floating));
    /// ```
    pub fn is_sub(self, other: DtypeCategory) -> bool {
        let mut c = Some(self);
        while let Some(x) = c {
            if x == other {
                return true;
            }
            c = x.parent();
        }
        false
    }
}

impl Dtype {
    /// The most specific category holding this dtype (`Generic` for bool).
    pub const fn category(self) -> DtypeCategory {
        match self.kind() {
            DtypeKind::Bool => DtypeCategory::Generic,
            DtypeKind::Unsigned => DtypeCategory::UnsignedInteger,
            DtypeKind::Signed => DtypeCategory::SignedInteger,
            DtypeKind::Float => DtypeCategory::Floating,
            DtypeKind::Complex => DtypeCategory::ComplexFloating,
        }
    }
}

/// MLX's `issubdtype(dtype, category)`: whether `dtype` belongs to
/// `category`. As in MLX, `bool` belongs only to `Generic`. (MLX's
/// `issubdtype(dtype, dtype)` is plain equality.)
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{issubdtype, Dtype, DtypeCategory};
/// assert!(issubdtype(Dtype::Float16, DtypeCategory::Inexact));
/// assert!(!issubdtype(Dtype::Uint8, DtypeCategory::SignedInteger));
/// assert!(!issubdtype(Dtype::Bool, DtypeCategory::Number));
/// ```
pub fn issubdtype(dtype: Dtype, category: DtypeCategory) -> bool {
    dtype.category().is_sub(category)
}

#[cfg(test)]
mod tests {
    use super::Dtype::*;
    use super::*;

    #[test]
    fn promotion_matches_mlx_spot_checks() {
        // Values read off MLX 0.32.4 (`(mx.zeros(1, a) + mx.zeros(1, b)).dtype`);
        // the full 14x14 table is checked in tests/ops/promotion.rs.
        assert_eq!(Dtype::promote(Uint8, Int8), Int16);
        assert_eq!(Dtype::promote(Uint32, Int8), Int64);
        assert_eq!(Dtype::promote(Uint64, Int64), Float32);
        assert_eq!(Dtype::promote(Float16, Bfloat16), Float32);
        assert_eq!(Dtype::promote(Int64, Float16), Float16);
        assert_eq!(Dtype::promote(Bool, Uint16), Uint16);
        assert_eq!(Dtype::promote(Float64, Complex64), Complex64);
    }

    #[test]
    fn sizes_and_names() {
        assert_eq!(Bfloat16.size(), 2);
        assert_eq!(Complex64.size(), 8);
        assert_eq!(Uint16.name(), "uint16");
        assert_eq!(Int8.sum_dtype(), Int32);
        assert_eq!(Uint16.sum_dtype(), Uint32);
        assert_eq!(Int64.to_inexact(), Float32);
    }
}
