//! Convolutions (MLX's `mlx.nn.layers.convolution` and
//! `convolution_transpose`): `Conv1d/2d/3d`, `ConvTranspose1d/2d/3d`,
//! channels last (`(N, ..., C)`), weights `(out, *kernel, in / groups)`.

use super::linear::uniform_init;
use crate::module::{py_bool, py_tuple};
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::{ops, Array, Dtype, Error, Result};

/// Optional arguments of the convolution layers, MLX's defaults via
/// `Default` (stride 1, padding 0, dilation 1, output padding 0, one
/// group, with bias).
///
/// # Examples
/// ```
/// let o = mlx_nn::ConvOptions::<2> { stride: [2, 2], ..Default::default() };
/// assert_eq!(o.padding, [0, 0]);
/// assert!(o.bias);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvOptions<const N: usize> {
    /// Stride per spatial axis.
    pub stride: [usize; N],
    /// Zero padding per spatial axis (both sides).
    pub padding: [usize; N],
    /// Kernel dilation per spatial axis.
    pub dilation: [usize; N],
    /// Extra size added to one side of a transposed convolution's output.
    pub output_padding: [usize; N],
    /// Channel groups (`Conv1d`/`Conv2d` only, as in MLX).
    pub groups: usize,
    /// Whether the layer has a bias.
    pub bias: bool,
}

impl<const N: usize> Default for ConvOptions<N> {
    fn default() -> Self {
        ConvOptions {
            stride: [1; N],
            padding: [0; N],
            dilation: [1; N],
            output_padding: [0; N],
            groups: 1,
            bias: true,
        }
    }
}

fn i64s(v: &[usize]) -> Vec<i64> {
    v.iter().map(|&x| x as i64).collect()
}

/// MLX prints 1-d arguments as ints and N-d ones as tuples, except
/// `dilation`, kept as given (we print an int when all entries agree).
fn fmt_arg(v: &[usize], keep_int: bool) -> String {
    if v.len() == 1 || (keep_int && v.iter().all(|&x| x == v[0])) {
        v[0].to_string()
    } else {
        py_tuple(v)
    }
}

macro_rules! conv_layer {
    ($(#[$doc:meta])* $name:ident, $n:literal, transpose = $tr:literal, groups = $groups:literal, $ex:literal) => {
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
            /// The `(out_channels, *kernel_size, in_channels / groups)` weight.
            pub weight: Array,
            /// The `(out_channels,)` bias (zeros), when present.
            pub bias: Option<Array>,
            /// The arguments other than the sizes.
            #[module(skip)]
            pub options: ConvOptions<$n>,
            /// Training flag and frozen keys.
            pub state: ModuleState,
        }

        impl $name {
            /// The layer with MLX's defaults for the other arguments.
            ///
            /// # Errors
            /// As [`Self::with_options`].
            ///
            /// # Examples
            /// ```
            /// # use mlx_cpu as _;
            #[doc = concat!("let c = mlx_nn::", stringify!($name), "::new(2, 4, [3; ", $n, "])?;")]
            /// assert_eq!(c.weight.shape()[0], 4);
            /// Ok::<(), mlx_core::Error>(())
            /// ```
            pub fn new(in_channels: usize, out_channels: usize, kernel_size: [usize; $n]) -> Result<$name> {
                $name::with_options(in_channels, out_channels, kernel_size, ConvOptions::default())
            }

            /// The layer with explicit options; the weight is drawn from
            /// `uniform(-s, s)` with `s = 1/sqrt(in_channels / groups * prod(kernel_size))`
            /// and the bias is zeros, as in MLX.
            ///
            /// # Errors
            #[doc = concat!("`[", stringify!($name), "] the number of input channels (3) must be divisible by the number of groups (2)`.")]
            ///
            /// # Examples
            /// ```
            /// # use mlx_cpu as _;
            /// let o = mlx_nn::ConvOptions { bias: false, ..Default::default() };
            #[doc = concat!("let c = mlx_nn::", stringify!($name), "::with_options(2, 4, [3; ", $n, "], o)?;")]
            /// assert!(c.bias.is_none());
            /// Ok::<(), mlx_core::Error>(())
            /// ```
            pub fn with_options(
                in_channels: usize,
                out_channels: usize,
                kernel_size: [usize; $n],
                options: ConvOptions<$n>,
            ) -> Result<$name> {
                const OP: &str = stringify!($name);
                let groups = options.groups;
                if groups == 0 || in_channels % groups != 0 {
                    return Err(Error::invalid(OP, format!(
                        "the number of input channels ({in_channels}) must be divisible by the number of groups ({groups})"
                    )));
                }
                if !$groups && groups != 1 {
                    return Err(Error::invalid(OP, "groups are not supported by this layer (as in MLX)"));
                }
                let per_group = in_channels / groups;
                let fan_in = per_group * kernel_size.iter().product::<usize>();
                let scale = (1.0 / fan_in as f64).sqrt();
                let mut shape = vec![out_channels];
                shape.extend_from_slice(&kernel_size);
                shape.push(per_group);
                let weight = uniform_init(scale, &shape)?;
                let bias = if options.bias {
                    Some(ops::zeros(&[out_channels], Dtype::Float32)?)
                } else {
                    None
                };
                Ok($name { weight, bias, options, state: ModuleState::new() })
            }

            /// The kernel size, from the weight's shape.
            ///
            /// # Examples
            /// ```
            /// # use mlx_cpu as _;
            #[doc = concat!("let c = mlx_nn::", stringify!($name), "::new(2, 4, [3; ", $n, "])?;")]
            #[doc = concat!("assert_eq!(c.kernel_size(), vec![3; ", $n, "]);")]
            /// Ok::<(), mlx_core::Error>(())
            /// ```
            pub fn kernel_size(&self) -> Vec<usize> {
                let s = self.weight.shape();
                s.get(1..s.len().saturating_sub(1)).map(<[usize]>::to_vec).unwrap_or_default()
            }
        }

        impl ExtraRepr for $name {
            fn extra_repr(&self) -> String {
                let s = self.weight.shape();
                let o = &self.options;
                let mut out = format!(
                    "{}, {}, kernel_size={}, stride={}, padding={}, dilation={}",
                    s.last().unwrap_or(&0) * o.groups,
                    s.first().unwrap_or(&0),
                    fmt_arg(&self.kernel_size(), false),
                    fmt_arg(&o.stride, false),
                    fmt_arg(&o.padding, false),
                    fmt_arg(&o.dilation, true),
                );
                if $tr {
                    out += &format!(", output_padding={}", fmt_arg(&o.output_padding, false));
                }
                if $groups {
                    out += &format!(", groups={}", o.groups);
                }
                out + &format!(", bias={}", py_bool(self.bias.is_some()))
            }
        }

        impl UnaryModule for $name {
            fn forward(&mut self, x: &Array) -> Result<Array> {
                const OP: &str = stringify!($name);
                let in_ch = self.weight.shape().last().copied().unwrap_or(0) * self.options.groups;
                if x.ndim() != $n + 2 {
                    return Err(Error::invalid(OP, format!(
                        "expected input with {} dimensions (N, ..., C_in) but got {}", $n + 2, x.ndim()
                    )));
                }
                super::linear::check_last_dim(OP, x, in_ch, "in_channels")?;
                let o = &self.options;
                let y = if $tr {
                    match $n {
                        1 => ops::conv_transpose1d(x, &self.weight, o.stride[0] as i64, o.padding[0] as i64,
                            o.dilation[0] as i64, o.output_padding[0] as i64, o.groups as i64),
                        2 => ops::conv_transpose2d(x, &self.weight, &i64s(&o.stride), &i64s(&o.padding),
                            &i64s(&o.dilation), &i64s(&o.output_padding), o.groups as i64),
                        _ => ops::conv_transpose3d(x, &self.weight, &i64s(&o.stride), &i64s(&o.padding),
                            &i64s(&o.dilation), &i64s(&o.output_padding), o.groups as i64),
                    }
                } else {
                    let p = i64s(&o.padding);
                    ops::conv_general(x, &self.weight, &i64s(&o.stride), &p, &p, &i64s(&o.dilation),
                        &[1; $n], o.groups as i64, false)
                }
                .map_err(|e| e.in_op(OP))?;
                match &self.bias {
                    Some(b) => (y + b).map_err(|e| e.in_op(OP)),
                    None => Ok(y),
                }
            }
        }
    };
}

conv_layer!(
    /// 1-d convolution over `(N, L, C_in)` (MLX's `nn.Conv1d`).
    Conv1d, 1, transpose = false, groups = true,
    "let mut c = mlx_nn::Conv1d::new(2, 4, [3])?;\nassert_eq!(c.to_string(), \"Conv1d(2, 4, kernel_size=3, stride=1, padding=0, dilation=1, groups=1, bias=True)\");\nlet y = c.forward(&mlx_core::ops::ones(&[1, 5, 2], mlx_core::Dtype::Float32)?)?;\nassert_eq!(y.shape(), &[1, 3, 4]);"
);
conv_layer!(
    /// 2-d convolution over `(N, H, W, C_in)` (MLX's `nn.Conv2d`).
    Conv2d, 2, transpose = false, groups = true,
    "let mut c = mlx_nn::Conv2d::new(2, 4, [3, 3])?;\nlet y = c.forward(&mlx_core::ops::ones(&[1, 5, 5, 2], mlx_core::Dtype::Float32)?)?;\nassert_eq!(y.shape(), &[1, 3, 3, 4]);"
);
conv_layer!(
    /// 3-d convolution over `(N, D, H, W, C_in)` (MLX's `nn.Conv3d`).
    Conv3d, 3, transpose = false, groups = false,
    "let mut c = mlx_nn::Conv3d::new(2, 4, [2, 2, 2])?;\nlet y = c.forward(&mlx_core::ops::ones(&[1, 3, 3, 3, 2], mlx_core::Dtype::Float32)?)?;\nassert_eq!(y.shape(), &[1, 2, 2, 2, 4]);"
);
conv_layer!(
    /// 1-d transposed convolution (MLX's `nn.ConvTranspose1d`).
    ConvTranspose1d, 1, transpose = true, groups = false,
    "let mut c = mlx_nn::ConvTranspose1d::new(2, 4, [3])?;\nlet y = c.forward(&mlx_core::ops::ones(&[1, 5, 2], mlx_core::Dtype::Float32)?)?;\nassert_eq!(y.shape(), &[1, 7, 4]);"
);
conv_layer!(
    /// 2-d transposed convolution (MLX's `nn.ConvTranspose2d`).
    ConvTranspose2d, 2, transpose = true, groups = false,
    "let mut c = mlx_nn::ConvTranspose2d::new(2, 4, [2, 2])?;\nlet y = c.forward(&mlx_core::ops::ones(&[1, 3, 3, 2], mlx_core::Dtype::Float32)?)?;\nassert_eq!(y.shape(), &[1, 4, 4, 4]);"
);
conv_layer!(
    /// 3-d transposed convolution (MLX's `nn.ConvTranspose3d`).
    ConvTranspose3d, 3, transpose = true, groups = false,
    "let mut c = mlx_nn::ConvTranspose3d::new(2, 4, [2, 2, 2])?;\nlet y = c.forward(&mlx_core::ops::ones(&[1, 2, 2, 2, 2], mlx_core::Dtype::Float32)?)?;\nassert_eq!(y.shape(), &[1, 3, 3, 3, 4]);"
);
