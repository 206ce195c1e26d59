//! The one error type of the project. Every message starts with the op.

use crate::Dtype;

/// Result alias used by every fallible function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, each message prefixed with `[op]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// let a = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[6])?;
/// let err = a.reshape(&[4]).unwrap_err();
/// assert_eq!(err.to_string(), "[reshape] cannot reshape array of size 6 into shape (4,)");
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument is invalid; `msg` says which and why.
    #[error("[{op}] {msg}")]
    InvalidArgument {
        /// The op that rejected the argument.
        op: &'static str,
        /// What is wrong, lowercase, no trailing period.
        msg: String,
    },
    /// Shapes cannot be broadcast together.
    #[error("[{op}] shapes {a} and {b} cannot be broadcast")]
    Broadcast {
        /// The op.
        op: &'static str,
        /// First shape, formatted as a tuple.
        a: String,
        /// Second shape, formatted as a tuple.
        b: String,
    },
    /// An axis is out of range.
    #[error("[{op}] axis {axis} is out of bounds for array of {ndim} dimensions")]
    AxisOutOfBounds {
        /// The op.
        op: &'static str,
        /// The axis the caller gave.
        axis: i64,
        /// Number of dimensions of the array.
        ndim: usize,
    },
    /// A dtype is not accepted by an op.
    #[error("[{op}] {msg} (got {dtype})")]
    Dtype {
        /// The op.
        op: &'static str,
        /// The offending dtype.
        dtype: Dtype,
        /// What the op needs.
        msg: String,
    },
    /// A backend has no kernel for an op or dtype.
    #[error("[{op}] not supported by the {backend} backend{detail}")]
    Unsupported {
        /// The op.
        op: &'static str,
        /// The backend's name.
        backend: &'static str,
        /// Extra detail, starting with `: ` when present.
        detail: String,
    },
    /// No backend is available for a device.
    #[error("[{op}] no backend is registered for device {device}: {hint}")]
    NoBackend {
        /// The op that needed the backend.
        op: &'static str,
        /// The device name.
        device: String,
        /// How to get one.
        hint: &'static str,
    },
    /// A device index past the devices its backend found, e.g.
    /// `[backend] no gpu device 5: 1 gpu device found by the wgpu backend`.
    #[error(
        "[{op}] no {kind} device {index}: {count} {kind} {noun} found by the {backend} backend",
        kind = device.kind,
        index = device.index,
        noun = if *count == 1 { "device" } else { "devices" }
    )]
    NoDevice {
        /// The op that needed the device.
        op: &'static str,
        /// The device asked for.
        device: crate::Device,
        /// How many devices of its kind the backend found.
        count: usize,
        /// The backend's name.
        backend: &'static str,
    },
    /// Several backends are linked for one device kind and none was
    /// chosen (see [`BackendRegistration`](crate::BackendRegistration)).
    #[error("[{op}] {msg}")]
    BackendChoice {
        /// The op that needed the backend.
        op: &'static str,
        /// Which backends are linked and how to choose one.
        msg: String,
    },
    /// A shape whose element count, byte size, strides or offsets do not
    /// fit the address space (every dimension counts, zero or not).
    #[error("[{op}] {msg}")]
    ShapeOverflow {
        /// The op whose shape rule overflowed.
        op: &'static str,
        /// The shape or arithmetic that overflowed.
        msg: String,
    },
    /// A host or device allocation failed (MLX's `[malloc]` error).
    #[error("[{op}] out of memory: cannot allocate {bytes} bytes")]
    OutOfMemory {
        /// The op that needed the memory.
        op: &'static str,
        /// How many bytes it asked for.
        bytes: u128,
    },
    /// A broken internal invariant: a bug in this library, not in the caller.
    #[error("[{op}] internal error: {msg}")]
    Internal {
        /// Where the invariant broke.
        op: &'static str,
        /// Which invariant.
        msg: String,
    },
    /// A device or resource failure (out of memory, device lost).
    #[error("[{op}] {msg}")]
    Device {
        /// The op.
        op: &'static str,
        /// What the device reported.
        msg: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(op: &'static str, msg: impl Into<String>) -> Error {
        Error::InvalidArgument {
            op,
            msg: msg.into(),
        }
    }

    /// Shorthand for [`Error::ShapeOverflow`].
    pub fn overflow(op: &'static str, msg: impl Into<String>) -> Error {
        Error::ShapeOverflow {
            op,
            msg: msg.into(),
        }
    }

    /// Shorthand for [`Error::Internal`].
    pub fn internal(op: &'static str, msg: impl Into<String>) -> Error {
        Error::Internal {
            op,
            msg: msg.into(),
        }
    }

    /// Shorthand for [`Error::Dtype`].
    pub fn dtype(op: &'static str, dtype: Dtype, msg: impl Into<String>) -> Error {
        Error::Dtype {
            op,
            dtype,
            msg: msg.into(),
        }
    }

    /// The same error reported under `op`: a composite op passes the errors
    /// of the ops it delegates to through this, so that the message names
    /// the op the caller called (`tile`, not its inner `reshape`). Errors
    /// of the device, of memory and broken invariants keep their op.
    ///
    /// # Examples
    /// ```
    /// use mlx_core::Error;
    /// let e = Error::invalid("reshape", "can only infer one dimension");
    /// assert_eq!(e.in_op("tile").to_string(), "[tile] can only infer one dimension");
    /// ```
    pub fn in_op(self, op: &'static str) -> Error {
        match self {
            Error::InvalidArgument { msg, .. } => Error::InvalidArgument { op, msg },
            Error::Broadcast { a, b, .. } => Error::Broadcast { op, a, b },
            Error::AxisOutOfBounds { axis, ndim, .. } => Error::AxisOutOfBounds { op, axis, ndim },
            Error::Dtype { dtype, msg, .. } => Error::Dtype { op, dtype, msg },
            Error::ShapeOverflow { msg, .. } => Error::ShapeOverflow { op, msg },
            e @ (Error::Unsupported { .. }
            | Error::NoBackend { .. }
            | Error::NoDevice { .. }
            | Error::BackendChoice { .. }
            | Error::OutOfMemory { .. }
            | Error::Internal { .. }
            | Error::Device { .. }) => e,
        }
    }

    /// Shorthand for [`Error::Unsupported`] without detail.
    pub fn unsupported(
        op: &'static str,
        backend: &'static str,
        detail: impl Into<String>,
    ) -> Error {
        let d: String = detail.into();
        let detail = if d.is_empty() { d } else { format!(": {d}") };
        Error::Unsupported {
            op,
            backend,
            detail,
        }
    }
}
