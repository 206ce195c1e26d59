//! Positional encodings (MLX's `mlx.nn.layers.positional_encoding`):
//! `RoPE`, `SinusoidalPositionalEncoding`, `ALiBi`.

use crate::module::py_bool;
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::ops::{self, SliceArg};
use mlx_core::{Array, Dtype, Error, Result};

/// Rotary positional encoding of the first `dims` features, positions
/// along axis -2 starting at `offset` (MLX's `mx.fast.rope`).
///
/// # Errors
/// `[RoPE] ...` when `x` has fewer than `dims` features or `dims` is odd.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let x = mlx_core::ops::ones(&[1, 3, 4], mlx_core::Dtype::Float32)?;
/// let y = mlx_nn::rope(&x, 4, false, 10000.0, 1.0, 0)?;
/// assert_eq!(y.to_vec::<f32>()?[..4], [1.0, 1.0, 1.0, 1.0]); // position 0 is unrotated
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn rope(
    x: &Array,
    dims: usize,
    traditional: bool,
    base: f32,
    scale: f32,
    offset: usize,
) -> Result<Array> {
    const OP: &str = "RoPE";
    let nd = x.ndim();
    if nd < 2 {
        return Err(Error::invalid(
            OP,
            "input must have at least 2 dimensions (sequence and features)",
        ));
    }
    let d = x.shape()[nd - 1];
    if dims % 2 != 0 || dims > d {
        return Err(Error::invalid(
            OP,
            format!("dims {dims} must be even and at most the feature size {d}"),
        ));
    }
    let l = x.shape()[nd - 2];
    let half = dims / 2;
    let mut cos = Vec::with_capacity(l * half);
    let mut sin = Vec::with_capacity(l * half);
    for p in 0..l {
        let pos = (offset + p) as f32 * scale;
        for i in 0..half {
            let inv = (-(i as f32) * ((base as f64).ln() as f32 / half as f32)).exp();
            let t = pos * inv;
            cos.push(t.cos());
            sin.push(t.sin());
        }
    }
    let dt = x.dtype();
    let table = |v: Vec<f32>| -> Result<Array> { Array::from_slice(&v, &[l, half])?.as_type(dt) };
    let (cos, sin) = (table(cos)?, table(sin)?);
    let last = nd as i64 - 1;
    let sl = |a: &Array, start: usize, stop: usize, step: usize| -> Result<Array> {
        a.index(&[
            SliceArg::Ellipsis,
            SliceArg::range(Some(start as i64), Some(stop as i64), step as i64),
        ])
    };
    let (x1, x2) = if traditional {
        (sl(x, 0, dims, 2)?, sl(x, 1, dims, 2)?)
    } else {
        (sl(x, 0, half, 1)?, sl(x, half, dims, 1)?)
    };
    let o1 = ((&x1 * &cos)? - (&x2 * &sin)?)?;
    let o2 = ((&x1 * &sin)? + (&x2 * &cos)?)?;
    let rotated = if traditional {
        let s = ops::stack(&[&o1, &o2], -1)?;
        let mut shape: Vec<i64> = x.shape().iter().map(|&s| s as i64).collect();
        shape[nd - 1] = dims as i64;
        s.reshape(&shape)?
    } else {
        ops::concatenate(&[&o1, &o2], last)?
    };
    if dims < d {
        let rest = sl(x, dims, d, 1)?;
        ops::concatenate(&[&rotated, &rest], last)
    } else {
        Ok(rotated)
    }
    .map_err(|e| e.in_op(OP))
}

/// Rotary positional encoding (MLX's `nn.RoPE`); `forward` uses offset 0
/// and [`RoPE::forward_with_offset`] continues a sequence (key/value
/// caches).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{RoPE, UnaryModule};
/// let mut r = RoPE::new(4, true, 10000.0, 1.0);
/// assert_eq!(r.to_string(), "RoPE(4, traditional=True)");
/// let x = mlx_core::ops::ones(&[1, 2, 3, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(r.forward_with_offset(&x, 5)?.shape(), &[1, 2, 3, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct RoPE {
    /// Number of rotated features.
    pub dims: usize,
    /// Rotate adjacent pairs (`true`) or the two halves.
    pub traditional: bool,
    /// Base of the frequencies.
    pub base: f32,
    /// Scale of the positions.
    pub scale: f32,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl RoPE {
    /// `RoPE(dims, traditional, base, scale)`; MLX's defaults are
    /// `false`, `10000`, `1.0`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::RoPE::new(8, false, 10000.0, 1.0).dims, 8);
    /// ```
    pub fn new(dims: usize, traditional: bool, base: f32, scale: f32) -> RoPE {
        RoPE {
            dims,
            traditional,
            base,
            scale,
            state: ModuleState::new(),
        }
    }

    /// Apply with positions starting at `offset`.
    ///
    /// # Errors
    /// As [`rope`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let r = mlx_nn::RoPE::new(2, false, 10000.0, 1.0);
    /// let x = mlx_core::Array::from_slice(&[1.0f32, 0.0], &[1, 2])?;
    /// let y = r.forward_with_offset(&x, 1)?.to_vec::<f32>()?;
    /// assert!((y[0] - 1f32.cos()).abs() < 1e-6 && (y[1] - 1f32.sin()).abs() < 1e-6);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward_with_offset(&self, x: &Array, offset: usize) -> Result<Array> {
        rope(
            x,
            self.dims,
            self.traditional,
            self.base,
            self.scale,
            offset,
        )
    }
}

impl ExtraRepr for RoPE {
    fn extra_repr(&self) -> String {
        format!("{}, traditional={}", self.dims, py_bool(self.traditional))
    }
}

impl UnaryModule for RoPE {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        self.forward_with_offset(x, 0)
    }
}

/// Sinusoidal features of (possibly fractional) positions (MLX's
/// `nn.SinusoidalPositionalEncoding`): output has a trailing axis of
/// size `dims`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{SinusoidalPositionalEncoding, UnaryModule};
/// let mut pe = SinusoidalPositionalEncoding::new(8)?;
/// let y = pe.forward(&mlx_core::ops::arange_f64(0.0, 3.0, 1.0, mlx_core::Dtype::Float32)?)?;
/// assert_eq!(y.shape(), &[3, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct SinusoidalPositionalEncoding {
    /// The frequencies (not a parameter, as MLX's private `_sigmas`).
    pub _sigmas: Array,
    /// Output scale.
    pub scale: f32,
    /// Put the cosines first.
    pub cos_first: bool,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl SinusoidalPositionalEncoding {
    /// MLX's defaults: `min_freq=1e-4`, `max_freq=1`, `scale=sqrt(2/dims)`,
    /// sines first, frequencies in radians.
    ///
    /// # Errors
    /// As [`SinusoidalPositionalEncoding::with_options`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::SinusoidalPositionalEncoding::new(3).is_err());
    /// ```
    pub fn new(dims: usize) -> Result<Self> {
        Self::with_options(dims, 1e-4, 1.0, None, false, false)
    }

    /// All of MLX's arguments.
    ///
    /// # Errors
    /// `[SinusoidalPositionalEncoding] dims must be positive and even but got 3`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let pe = mlx_nn::SinusoidalPositionalEncoding::with_options(4, 1e-4, 1.0, Some(1.0), true, false)?;
    /// assert!(pe.cos_first);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_options(
        dims: usize,
        min_freq: f32,
        max_freq: f32,
        scale: Option<f32>,
        cos_first: bool,
        full_turns: bool,
    ) -> Result<Self> {
        if dims == 0 || dims % 2 != 0 {
            return Err(Error::invalid(
                "SinusoidalPositionalEncoding",
                format!("dims must be positive and even but got {dims}"),
            ));
        }
        let half = dims / 2;
        let (lo, hi) = ((min_freq as f64).ln() as f32, (max_freq as f64).ln() as f32);
        let sig: Vec<f32> = (0..half)
            .map(|i| {
                let one_zero = if dims == 2 {
                    1.0
                } else {
                    1.0 - i as f32 / (half - 1) as f32
                };
                let s = (one_zero * (hi - lo) + lo).exp();
                if full_turns {
                    s * (2.0 * std::f64::consts::PI) as f32
                } else {
                    s
                }
            })
            .collect();
        Ok(SinusoidalPositionalEncoding {
            _sigmas: Array::from_slice(&sig, &[half])?,
            scale: scale.unwrap_or((2.0 / dims as f64).sqrt() as f32),
            cos_first,
            state: ModuleState::new(),
        })
    }
}

impl UnaryModule for SinusoidalPositionalEncoding {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "SinusoidalPositionalEncoding";
        let y = (x.expand_dims(&[-1])? * &self._sigmas).map_err(|e| e.in_op(OP))?;
        let (c, s) = (y.cos()?, y.sin()?);
        let y = if self.cos_first {
            ops::concatenate(&[&c, &s], -1)
        } else {
            ops::concatenate(&[&s, &c], -1)
        }?;
        if self.scale != 1.0 {
            y * self.scale
        } else {
            Ok(y)
        }
    }
}

/// Attention with linear biases (MLX's `nn.ALiBi`): adds a per-head
/// distance penalty to attention scores `(B, H, L_q, L_k)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let scores = mlx_core::ops::zeros(&[1, 2, 3, 3], mlx_core::Dtype::Float32)?;
/// let y = mlx_nn::ALiBi::new().forward_with(&scores, 0, None)?;
/// assert_eq!(y.shape(), &[1, 2, 3, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, Module)]
pub struct ALiBi {
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

fn alibi_slopes(n: usize) -> Vec<f64> {
    let log2 = (n as f64).log2();
    if log2 == log2.trunc() {
        let start = 2f64.powf(-(2f64.powf(-(log2 - 3.0))));
        (0..n).map(|i| start * start.powi(i as i32)).collect()
    } else {
        let p = 2usize.pow(log2.floor() as u32);
        let mut s = alibi_slopes(p);
        s.extend(alibi_slopes(2 * p).into_iter().step_by(2).take(n - p));
        s
    }
}

impl ALiBi {
    /// The layer (it has no arguments).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::ALiBi::new().to_string(), "ALiBi()");
    /// ```
    pub fn new() -> ALiBi {
        ALiBi::default()
    }

    /// MLX's `ALiBi.create_alibi_matrix`: `(1, H, L_q - offset, L_k)`.
    ///
    /// # Errors
    /// Allocation errors.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let m = mlx_nn::ALiBi::create_alibi_matrix(2, 2, 1, 0, mlx_core::Dtype::Float32)?;
    /// assert_eq!(m.to_vec::<f32>()?, vec![0.0, -0.00390625, -0.00390625, 0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn create_alibi_matrix(
        q_len: usize,
        k_len: usize,
        num_heads: usize,
        offset: usize,
        dtype: Dtype,
    ) -> Result<Array> {
        let rows = q_len.saturating_sub(offset);
        let slopes = alibi_slopes(num_heads);
        let mut v = Vec::with_capacity(num_heads * rows * k_len);
        for s in &slopes {
            for i in offset..q_len {
                for j in 0..k_len {
                    let dist = -((i as f64 - j as f64).abs()) as f32;
                    v.push(dist * *s as f32);
                }
            }
        }
        Array::from_slice(&v, &[1, num_heads, rows, k_len])?.as_type(dtype)
    }

    /// Add the biases to `scores` (and `mask` when given), query positions
    /// starting at `offset`.
    ///
    /// # Errors
    /// `[ALiBi] attention scores must have 4 dimensions (B, H, L_q, L_k)`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let s = mlx_core::ops::zeros(&[1, 1, 1, 2], mlx_core::Dtype::Float32)?;
    /// assert_eq!(mlx_nn::ALiBi::new().forward_with(&s, 1, None)?.to_vec::<f32>()?, vec![-0.00390625, 0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward_with(
        &self,
        scores: &Array,
        offset: usize,
        mask: Option<&Array>,
    ) -> Result<Array> {
        let s = scores.shape();
        if s.len() != 4 {
            return Err(Error::invalid(
                "ALiBi",
                "attention scores must have 4 dimensions (B, H, L_q, L_k)",
            ));
        }
        let mut m = Self::create_alibi_matrix(s[2] + offset, s[3], s[1], offset, scores.dtype())?;
        if let Some(mask) = mask {
            m = (m + mask)?;
        }
        (scores + m).map_err(|e| e.in_op("ALiBi"))
    }
}

impl UnaryModule for ALiBi {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        self.forward_with(x, 0, None)
    }
}
