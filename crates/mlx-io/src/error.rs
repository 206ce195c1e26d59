//! The crate's error type: file and format errors, plus core errors.

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong when loading or saving, each message prefixed with the
/// MLX function (`[load]`, `[load_safetensors]`, `[save_gguf]`, ...).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let err = mlx_io::npy::parse(b"not a numpy file").unwrap_err();
/// assert!(err.to_string().starts_with("[load] "));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error of the core (building or evaluating an array).
    #[error(transparent)]
    Core(#[from] mlx_core::Error),
    /// The operating system failed to open, map, read or write a file.
    #[error("[{op}] {path}: {source}")]
    Io {
        /// The function.
        op: &'static str,
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a valid file of its format (truncated, corrupted or
    /// malicious), or uses a feature this crate does not read.
    #[error("[{op}] {msg}")]
    Format {
        /// The function.
        op: &'static str,
        /// What is wrong, lowercase, no trailing period.
        msg: String,
    },
    /// An argument cannot be saved or loaded as asked (a dtype the format
    /// lacks, an unknown extension, ...).
    #[error("[{op}] {msg}")]
    InvalidArgument {
        /// The function.
        op: &'static str,
        /// What is wrong.
        msg: String,
    },
}

impl Error {
    /// A [`Error::Format`] error.
    pub(crate) fn format(op: &'static str, msg: impl Into<String>) -> Error {
        Error::Format {
            op,
            msg: msg.into(),
        }
    }

    /// An [`Error::InvalidArgument`] error.
    pub(crate) fn invalid(op: &'static str, msg: impl Into<String>) -> Error {
        Error::InvalidArgument {
            op,
            msg: msg.into(),
        }
    }

    /// An [`Error::Io`] error.
    pub(crate) fn io(op: &'static str, path: &std::path::Path, source: std::io::Error) -> Error {
        Error::Io {
            op,
            path: path.display().to_string(),
            source,
        }
    }
}
