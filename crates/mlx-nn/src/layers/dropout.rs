//! Dropout (MLX's `mlx.nn.layers.dropout`): `Dropout`, `Dropout2d`,
//! `Dropout3d`, active only in training mode.

use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::{random, Array, Error, Result};

fn check_p(op: &'static str, p: f64) -> Result<()> {
    if (0.0..1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::invalid(
            op,
            format!("the dropout probability {p} is not in [0, 1)"),
        ))
    }
}

/// Python's `repr` of `1 - (1 - p)`, as MLX prints it.
fn py_p(p: f64) -> String {
    let v = 1.0 - (1.0 - p);
    if v == v.trunc() {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

/// Zero entries with probability `p` and scale the rest by `1/(1-p)`;
/// `shared` axes (counted from the end) share one draw.
fn drop(x: &Array, p: f64, shared: &[usize]) -> Result<Array> {
    let keep = 1.0 - p;
    let mut shape = x.shape().to_vec();
    let nd = shape.len();
    for &a in shared {
        shape[nd - a] = 1;
    }
    let mask = random::bernoulli(&Array::from_scalar(keep as f32), Some(&shape), None)?;
    (mask * x)? * (1.0 / keep) as f32
}

macro_rules! dropout_layer {
    ($(#[$doc:meta])* $name:ident, ranks = $ranks:expr, shared = $shared:expr) => {
        $(#[$doc])*
        ///
        /// # Examples
        /// ```
        /// # use mlx_cpu as _;
        /// use mlx_nn::{Module, UnaryModule};
        #[doc = concat!("let mut d = mlx_nn::", stringify!($name), "::new(0.5)?;")]
        #[doc = concat!("assert_eq!(d.to_string(), \"", stringify!($name), "(p=0.5)\");")]
        /// d.eval();
        /// let x = mlx_core::ops::ones(&[2, 3, 3, 4], mlx_core::Dtype::Float32)?;
        /// assert_eq!(d.forward(&x)?.to_vec::<f32>()?, x.to_vec::<f32>()?);
        /// Ok::<(), mlx_core::Error>(())
        /// ```
        #[derive(Debug, Clone, Module)]
        #[module(extra_repr)]
        pub struct $name {
            /// Probability of zeroing.
            pub p: f64,
            /// Training flag and frozen keys.
            pub state: ModuleState,
        }

        impl $name {
            /// Dropout with probability `p` (MLX's default is 0.5).
            ///
            /// # Errors
            #[doc = concat!("`[", stringify!($name), "] the dropout probability 1 is not in [0, 1)`.")]
            ///
            /// # Examples
            /// ```
            #[doc = concat!("assert!(mlx_nn::", stringify!($name), "::new(1.0).is_err());")]
            /// ```
            pub fn new(p: f64) -> Result<$name> {
                check_p(stringify!($name), p)?;
                Ok($name { p, state: ModuleState::new() })
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name { p: 0.5, state: ModuleState::new() }
            }
        }

        impl ExtraRepr for $name {
            fn extra_repr(&self) -> String {
                format!("p={}", py_p(self.p))
            }
        }

        impl UnaryModule for $name {
            fn forward(&mut self, x: &Array) -> Result<Array> {
                const OP: &str = stringify!($name);
                let ranks: &[usize] = &$ranks;
                if !ranks.is_empty() && !ranks.contains(&x.ndim()) {
                    return Err(Error::invalid(OP, format!(
                        "received input with {} dimensions; expected {} or {} dimensions",
                        x.ndim(), ranks[0], ranks[1]
                    )));
                }
                if self.p == 0.0 || !self.state.training() {
                    return Ok(x.clone());
                }
                drop(x, self.p, &$shared).map_err(|e| e.in_op(OP))
            }
        }
    };
}

dropout_layer!(
    /// Element-wise dropout (MLX's `nn.Dropout`).
    Dropout, ranks = [], shared = []
);
dropout_layer!(
    /// Channel-wise dropout of `(N, H, W, C)` or `(H, W, C)` inputs: whole
    /// channels are zeroed (MLX's `nn.Dropout2d`).
    Dropout2d, ranks = [3, 4], shared = [2, 3]
);
dropout_layer!(
    /// Channel-wise dropout of `(N, D, H, W, C)` or `(D, H, W, C)` inputs
    /// (MLX's `nn.Dropout3d`).
    Dropout3d, ranks = [4, 5], shared = [2, 3, 4]
);
