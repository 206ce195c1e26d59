//! Pooling (MLX's `mlx.nn.layers.pooling`): `MaxPool1d/2d/3d`,
//! `AvgPool1d/2d/3d` over `(N, ..., C)`, by sliding windows as MLX does.

use crate::module::py_tuple;
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::ops::{self, PadMode};
use mlx_core::{Array, Error, Result};

/// MLX's `_sliding_windows`: `(N, *out, *window, C)`.
fn sliding_windows(
    op: &'static str,
    x: &Array,
    window: &[usize],
    strides: &[usize],
) -> Result<Array> {
    let shape = x.shape().to_vec();
    let spatial = &shape[1..shape.len() - 1];
    if spatial.iter().zip(window).any(|(&s, &w)| s < w) {
        return Err(Error::invalid(
            op,
            format!(
                "the (padded) spatial size {} is smaller than the kernel size {}",
                py_tuple(spatial),
                py_tuple(window)
            ),
        ));
    }
    // Row-major strides of x.
    let mut st = vec![1i64; shape.len()];
    for i in (0..shape.len() - 1).rev() {
        st[i] = st[i + 1] * shape[i + 1] as i64;
    }
    let mut final_shape = vec![shape[0]];
    final_shape.extend(
        spatial
            .iter()
            .zip(window)
            .zip(strides)
            .map(|((&s, &w), &k)| (s - w) / k + 1),
    );
    final_shape.extend_from_slice(window);
    final_shape.push(shape[shape.len() - 1]);
    let mut final_strides = vec![st[0]];
    final_strides.extend(
        st[1..st.len() - 1]
            .iter()
            .zip(strides)
            .map(|(&s, &k)| s * k as i64),
    );
    final_strides.extend_from_slice(&st[1..st.len() - 1]);
    final_strides.push(1);
    ops::as_strided(x, Some(&final_shape), Some(&final_strides), 0)
}

macro_rules! pool_layer {
    ($(#[$doc:meta])* $name:ident, $n:literal, max = $max:literal, $ex:literal) => {
        $(#[$doc])*
        ///
        /// # Examples
        /// ```
        /// # use mlx_cpu as _;
        /// use mlx_nn::UnaryModule;
        #[doc = $ex]
        /// Ok::<(), mlx_core::Error>(())
        /// ```
        #[derive(Debug, Clone, Module)]
        #[module(extra_repr)]
        pub struct $name {
            /// Window size per spatial axis.
            pub kernel_size: [usize; $n],
            /// Step per spatial axis (the kernel size by default).
            pub stride: [usize; $n],
            /// Padding on both sides per spatial axis.
            pub padding: [usize; $n],
            /// Training flag and frozen keys.
            pub state: ModuleState,
        }

        impl $name {
            /// Windows of `kernel_size`, stride `kernel_size`, no padding.
            ///
            /// # Errors
            /// As [`Self::with_options`].
            ///
            /// # Examples
            /// ```
            #[doc = concat!("let p = mlx_nn::", stringify!($name), "::new([2; ", $n, "])?;")]
            #[doc = concat!("assert_eq!(p.stride, [2; ", $n, "]);")]
            /// Ok::<(), mlx_core::Error>(())
            /// ```
            pub fn new(kernel_size: [usize; $n]) -> Result<$name> {
                $name::with_options(kernel_size, None, [0; $n])
            }

            /// Explicit stride (`None`: the kernel size) and padding.
            ///
            /// # Errors
            #[doc = concat!("`[", stringify!($name), "] 'kernel_size' must be positive but got (0, ..)`.")]
            ///
            /// # Examples
            /// ```
            #[doc = concat!("assert!(mlx_nn::", stringify!($name), "::with_options([0; ", $n, "], None, [0; ", $n, "]).is_err());")]
            /// ```
            pub fn with_options(
                kernel_size: [usize; $n],
                stride: Option<[usize; $n]>,
                padding: [usize; $n],
            ) -> Result<$name> {
                const OP: &str = stringify!($name);
                let stride = stride.unwrap_or(kernel_size);
                for (what, v) in [("kernel_size", &kernel_size), ("stride", &stride)] {
                    if v.iter().any(|&x| x == 0) {
                        return Err(Error::invalid(OP, format!("'{what}' must be positive but got {}", py_tuple(v))));
                    }
                }
                Ok($name { kernel_size, stride, padding, state: ModuleState::new() })
            }
        }

        impl ExtraRepr for $name {
            fn extra_repr(&self) -> String {
                format!(
                    "kernel_size={}, stride={}, padding={}",
                    py_tuple(&self.kernel_size),
                    py_tuple(&self.stride),
                    py_tuple(&self.padding)
                )
            }
        }

        impl UnaryModule for $name {
            fn forward(&mut self, x: &Array) -> Result<Array> {
                const OP: &str = stringify!($name);
                if x.ndim() != $n + 2 {
                    return Err(Error::invalid(OP, format!(
                        "expected input with {} dimensions (N, ..., C) but got {}", $n + 2, x.ndim()
                    )));
                }
                let mut x = x.clone();
                if self.padding.iter().any(|&p| p > 0) {
                    let mut pw = vec![(0i64, 0i64)];
                    pw.extend(self.padding.iter().map(|&p| (p as i64, p as i64)));
                    pw.push((0, 0));
                    x = if $max {
                        ops::pad(&x, &pw, PadMode::Constant, f32::NEG_INFINITY)
                    } else {
                        ops::pad(&x, &pw, PadMode::Constant, 0.0f32)
                    }
                    .map_err(|e| e.in_op(OP))?;
                }
                let w = sliding_windows(OP, &x, &self.kernel_size, &self.stride).map_err(|e| e.in_op(OP))?;
                let axes: Vec<i64> = (-($n as i64) - 1..-1).collect();
                if $max {
                    ops::max(&w, &axes, false)
                } else {
                    ops::mean(&w, &axes, false)
                }
                .map_err(|e| e.in_op(OP))
            }
        }
    };
}

pool_layer!(
    /// 1-d max pooling over `(N, L, C)` (MLX's `nn.MaxPool1d`).
    MaxPool1d, 1, max = true,
    "let mut p = mlx_nn::MaxPool1d::new([2])?;\nlet x = mlx_core::Array::from_slice(&[1.0f32, 3.0, 2.0, 0.0], &[1, 4, 1])?;\nassert_eq!(p.forward(&x)?.to_vec::<f32>()?, vec![3.0, 2.0]);"
);
pool_layer!(
    /// 2-d max pooling over `(N, H, W, C)` (MLX's `nn.MaxPool2d`).
    MaxPool2d, 2, max = true,
    "let mut p = mlx_nn::MaxPool2d::new([2, 2])?;\nassert_eq!(p.to_string(), \"MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))\");\nlet x = mlx_core::ops::ones(&[1, 4, 4, 3], mlx_core::Dtype::Float32)?;\nassert_eq!(p.forward(&x)?.shape(), &[1, 2, 2, 3]);"
);
pool_layer!(
    /// 3-d max pooling over `(N, D, H, W, C)` (MLX's `nn.MaxPool3d`).
    MaxPool3d, 3, max = true,
    "let mut p = mlx_nn::MaxPool3d::new([2, 2, 2])?;\nlet x = mlx_core::ops::ones(&[1, 4, 4, 4, 1], mlx_core::Dtype::Float32)?;\nassert_eq!(p.forward(&x)?.shape(), &[1, 2, 2, 2, 1]);"
);
pool_layer!(
    /// 1-d average pooling over `(N, L, C)` (MLX's `nn.AvgPool1d`).
    AvgPool1d, 1, max = false,
    "let mut p = mlx_nn::AvgPool1d::new([2])?;\nlet x = mlx_core::Array::from_slice(&[1.0f32, 3.0, 2.0, 0.0], &[1, 4, 1])?;\nassert_eq!(p.forward(&x)?.to_vec::<f32>()?, vec![2.0, 1.0]);"
);
pool_layer!(
    /// 2-d average pooling over `(N, H, W, C)` (MLX's `nn.AvgPool2d`).
    AvgPool2d, 2, max = false,
    "let mut p = mlx_nn::AvgPool2d::new([2, 2])?;\nlet x = mlx_core::ops::ones(&[1, 4, 4, 3], mlx_core::Dtype::Float32)?;\nassert_eq!(p.forward(&x)?.shape(), &[1, 2, 2, 3]);"
);
pool_layer!(
    /// 3-d average pooling over `(N, D, H, W, C)` (MLX's `nn.AvgPool3d`).
    AvgPool3d, 3, max = false,
    "let mut p = mlx_nn::AvgPool3d::new([2, 2, 2])?;\nlet x = mlx_core::ops::ones(&[1, 4, 4, 4, 1], mlx_core::Dtype::Float32)?;\nassert_eq!(p.forward(&x)?.shape(), &[1, 2, 2, 2, 1]);"
);
