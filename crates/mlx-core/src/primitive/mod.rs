//! Primitives: the nodes of the lazy graph. Each family's enum owns its
//! name and dtype rules; backends supply kernels through
//! [`Backend`](crate::Backend), and view primitives run in the core.

mod binary;
mod conv;
mod custom;
mod fast;
mod indexing;
mod matmul;
mod multi;
mod random;
mod reduce;
mod scan;
mod scatter;
mod shape;
mod softmax;
mod sort;
mod transform_rules;
mod unary;
mod vmap_rules;

pub use binary::{unbroadcast, BinaryOp};
pub use conv::ConvParams;
pub use custom::{CustomJvpFn, CustomRule, CustomVjpFn, CustomVmapFn};
pub use fast::FastOp;
pub use multi::MultiOp;
pub use reduce::{ArgReduceOp, ReduceOp};
pub use scan::ScanOp;
pub use scatter::ScatterOp;
pub use sort::SortOp;
pub use unary::UnaryOp;

use crate::Dtype;

/// One node of the compute graph.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::primitive::{Primitive, UnaryOp};
/// assert_eq!(Primitive::Unary(UnaryOp::Exp).name(), "exp");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Primitive {
    /// Elementwise op of one input.
    Unary(UnaryOp),
    /// Elementwise op of two inputs (broadcast, same dtype).
    Binary(BinaryOp),
    /// `where(cond, x, y)`: inputs `[cond (bool), x, y]`, broadcast.
    Select,
    /// Cast to the node's dtype.
    AsType,
    /// The input's row-major bytes read as the node's dtype (MLX's
    /// `View`); the last axis is rescaled when the element sizes differ.
    /// Reading as `bool` maps nonzero bytes to 1.
    Bitcast,
    /// Reduce over sorted `axes`; the node's shape drops them.
    Reduce {
        /// Which reduction.
        op: ReduceOp,
        /// Sorted, normalised axes of the input.
        axes: Vec<usize>,
    },
    /// Index of the extreme value along `axis`; the node's shape drops it.
    ArgReduce {
        /// Which one.
        op: ArgReduceOp,
        /// Normalised axis.
        axis: usize,
    },
    /// Softmax over the last axis (computed in `float32` for half types).
    Softmax,
    /// Cumulative op along `axis`.
    Scan {
        /// Which scan.
        op: ScanOp,
        /// Normalised axis.
        axis: usize,
        /// Scan from the end.
        reverse: bool,
        /// Include the current element.
        inclusive: bool,
    },
    /// Sort (or argsort) along `axis`: NaNs last, ties in input order.
    Sort {
        /// Values or indices.
        op: SortOp,
        /// Normalised axis.
        axis: usize,
    },
    /// Batched matrix product of `[.., M, K]` and `[.., K, N]` with equal
    /// (already broadcast) batch shapes.
    Matmul,
    /// `take` along `axis`: inputs `[a, indices]`; output shape is
    /// `a.shape[..axis] + indices.shape + a.shape[axis+1..]`.
    Gather {
        /// Normalised axis.
        axis: usize,
    },
    /// `take_along_axis`: inputs `[a, indices]` with equal shapes except on
    /// `axis`; output has the indices' shape.
    GatherAxis {
        /// Normalised axis.
        axis: usize,
    },
    /// MLX's `Scatter`: inputs `[a, indices.., updates]`; the index arrays
    /// share one shape and integer dtype, `updates` has shape `indices'
    /// shape + window` (one size per axis of `a`) and `a`'s dtype. The
    /// window of update position `p` lands at `indices[k][p]` (negative
    /// counts from the end) on axis `axes[k]` and at 0 on other axes, and is
    /// combined by `op`; out-of-bounds windows are an error.
    Scatter {
        /// How updates combine with the values there.
        op: ScatterOp,
        /// The axis of each index array (normalised, distinct).
        axes: Vec<usize>,
    },
    /// Join inputs (same dtype) along `axis`.
    Concatenate {
        /// Normalised axis.
        axis: usize,
    },
    /// `start + i * step` for each index `i`, in the node's dtype.
    Arange {
        /// First value.
        start: f64,
        /// Increment.
        step: f64,
    },
    /// Threefry random bits (MLX's `RandomBits`): input `keys` is `uint32`
    /// of shape `[K.., 2]`; the node's shape is `[K.., M..]` and each key
    /// fills its `prod(M)` elements of `width` bytes (`uint8`, `uint16` or
    /// `uint32`) as MLX lays them out.
    RandomBits {
        /// Bytes per element: 1, 2 or 4.
        width: usize,
    },
    /// Row-major copy (the view's data made dense).
    Copy,
    /// View: same data, new shape (copies first if not row-major).
    Reshape,
    /// View: permuted axes.
    Transpose {
        /// `out axis i` = `input axis perm[i]`.
        perm: Vec<usize>,
    },
    /// View: broadcast to the node's shape.
    Broadcast,
    /// View: strided slice.
    Slice {
        /// Start index per axis (already clamped).
        start: Vec<usize>,
        /// Step per axis (nonzero, may be negative).
        step: Vec<i64>,
    },
    /// View: the input's row-major data read with arbitrary element
    /// strides from an element offset (MLX's `as_strided`; copies first if
    /// the input is not row-major). Positions were checked in range.
    AsStrided {
        /// Element stride per output axis (may be zero or negative).
        strides: Vec<i64>,
        /// Element offset of the first output element.
        offset: usize,
    },
    /// A fused op (MLX's `fast` primitives): a backend kernel where one
    /// exists, else the op's composite of ordinary ops.
    Fast(FastOp),
    /// A primitive with several outputs (MLX's siblings): one node per
    /// output, evaluated together.
    Multi(MultiOp),
    /// One output of a function with user derivatives: inputs are the
    /// primals then this output's forward value, which it forwards.
    Custom(CustomRule),
}

impl Primitive {
    /// The op name used in errors and kernel names.
    pub fn name(&self) -> &'static str {
        match self {
            Primitive::Unary(op) => op.name(),
            Primitive::Binary(op) => op.name(),
            Primitive::Select => "where",
            Primitive::AsType => "astype",
            Primitive::Bitcast => "view",
            Primitive::Reduce { op, .. } => op.name(),
            Primitive::ArgReduce { op, .. } => op.name(),
            Primitive::Softmax => "softmax",
            Primitive::Scan { op, .. } => op.name(),
            Primitive::Sort { op, .. } => op.name(),
            Primitive::Matmul => "matmul",
            Primitive::Gather { .. } => "take",
            Primitive::GatherAxis { .. } => "take_along_axis",
            Primitive::Scatter { op, .. } => op.name(),
            Primitive::Concatenate { .. } => "concatenate",
            Primitive::Arange { .. } => "arange",
            Primitive::RandomBits { .. } => "bits",
            Primitive::Copy => "copy",
            Primitive::Reshape => "reshape",
            Primitive::Transpose { .. } => "transpose",
            Primitive::Broadcast => "broadcast_to",
            Primitive::Slice { .. } => "slice",
            Primitive::AsStrided { .. } => "as_strided",
            Primitive::Fast(op) => op.name(),
            Primitive::Multi(op) => op.name(),
            Primitive::Custom(_) => "custom_function",
        }
    }

    /// True for primitives that only re-describe their input's data (run
    /// in the core, no kernel; derivatives are the view's inverse).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::primitive::Primitive;
    /// assert!(Primitive::Reshape.is_view());
    /// assert!(!Primitive::Copy.is_view());
    /// ```
    pub fn is_view(&self) -> bool {
        matches!(
            self,
            Primitive::Reshape
                | Primitive::Transpose { .. }
                | Primitive::Broadcast
                | Primitive::Slice { .. }
                | Primitive::AsStrided { .. }
        )
    }

    /// True for elementwise primitives (candidates for fusion in `compile`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::primitive::{Primitive, UnaryOp};
    /// assert!(Primitive::Unary(UnaryOp::Exp).is_elementwise());
    /// assert!(!Primitive::Matmul.is_elementwise());
    /// ```
    pub fn is_elementwise(&self) -> bool {
        matches!(
            self,
            Primitive::Unary(_) | Primitive::Binary(_) | Primitive::Select | Primitive::AsType
        )
    }

    /// Inputs whose buffer may hold the output when it is donatable (MLX
    /// donates the data inputs of elementwise ops and a scatter's
    /// destination; `where`'s condition is `bool` and never fits).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::primitive::{BinaryOp, Primitive};
    /// assert_eq!(Primitive::Binary(BinaryOp::Add).donor_inputs(), &[0, 1]);
    /// assert_eq!(Primitive::Select.donor_inputs(), &[1, 2]);
    /// assert!(Primitive::Matmul.donor_inputs().is_empty());
    /// ```
    pub fn donor_inputs(&self) -> &'static [usize] {
        match self {
            Primitive::Select => &[1, 2],
            Primitive::Binary(_) => &[0, 1],
            p if p.is_elementwise() => &[0],
            Primitive::Copy | Primitive::Scatter { .. } => &[0],
            _ => &[],
        }
    }
}

/// Shape and dtype of the buffer a kernel writes (always row-major).
#[derive(Clone, Copy, Debug)]
pub struct OutSpec<'a> {
    /// Output shape.
    pub shape: &'a [usize],
    /// Output dtype.
    pub dtype: Dtype,
}

impl OutSpec<'_> {
    /// Number of elements to write.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }
}
