//! Recurrent layers (MLX's `mlx.nn.layers.recurrent`): `RNN`, `GRU`,
//! `LSTM` over `(..., L, input_size)` inputs. Parameter names are MLX's
//! (`Wxh`, `Whh`, `Wx`, `Wh`, `b`, `bhn`, `bias`).
#![allow(non_snake_case)]

use super::linear::uniform_init;
use crate::module::py_bool;
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::ops::{self, SliceArg, SplitSpec};
use mlx_core::{Array, Result};

/// A nonlinearity of [`RNN`] (`tanh` by default).
pub type Nonlinearity = fn(&Array) -> Result<Array>;

fn step(x: &Array, idx: usize) -> Result<Array> {
    x.index(&[
        SliceArg::Ellipsis,
        SliceArg::Index(idx as i64),
        SliceArg::full(),
    ])
}

fn input_proj(op: &'static str, x: &Array, w: &Array, b: Option<&Array>) -> Result<Array> {
    let in_dims = w.shape().get(1).copied().unwrap_or(0);
    super::linear::check_last_dim(op, x, in_dims, "input_size")?;
    if x.ndim() < 2 {
        return Err(mlx_core::Error::invalid(
            op,
            "input must have a sequence axis (..., L, input_size)",
        ));
    }
    match b {
        Some(b) => ops::addmm(b, x, &w.t()?, 1.0, 1.0),
        None => x.matmul(&w.t()?),
    }
    .map_err(|e| e.in_op(op))
}

fn seq_len(x: &Array) -> usize {
    x.shape()[x.ndim() - 2]
}

/// An Elman recurrent layer (MLX's `nn.RNN`):
/// `h_t = nonlinearity(W_xh x_t + W_hh h_{t-1} + b)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{RNN, UnaryModule};
/// let mut r = RNN::new(3, 4, true)?;
/// let x = mlx_core::ops::ones(&[2, 5, 3], mlx_core::Dtype::Float32)?;
/// assert_eq!(r.forward(&x)?.shape(), &[2, 5, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct RNN {
    /// Input weights `(hidden_size, input_size)`.
    pub Wxh: Array,
    /// Hidden weights `(hidden_size, hidden_size)`.
    pub Whh: Array,
    /// Bias `(hidden_size,)`, when present.
    pub bias: Option<Array>,
    /// Hidden size.
    pub hidden_size: usize,
    /// The nonlinearity.
    #[module(skip)]
    pub nonlinearity: Nonlinearity,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl RNN {
    /// `RNN(input_size, hidden_size, bias)` with `tanh`; weights from
    /// `uniform(-1/sqrt(hidden_size), 1/sqrt(hidden_size))`.
    ///
    /// # Errors
    /// Errors of the random initialiser.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::RNN::new(3, 4, false)?.Wxh.shape(), &[4, 3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(input_size: usize, hidden_size: usize, bias: bool) -> Result<RNN> {
        Self::with_nonlinearity(input_size, hidden_size, bias, ops::tanh)
    }

    /// As [`RNN::new`] with another nonlinearity.
    ///
    /// # Errors
    /// Errors of the random initialiser.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let r = mlx_nn::RNN::with_nonlinearity(3, 4, true, mlx_nn::activations::relu)?;
    /// assert!(r.bias.is_some());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_nonlinearity(
        input_size: usize,
        hidden_size: usize,
        bias: bool,
        nonlinearity: Nonlinearity,
    ) -> Result<RNN> {
        let s = 1.0 / (hidden_size as f64).sqrt();
        Ok(RNN {
            Wxh: uniform_init(s, &[hidden_size, input_size])?,
            Whh: uniform_init(s, &[hidden_size, hidden_size])?,
            bias: if bias {
                Some(uniform_init(s, &[hidden_size])?)
            } else {
                None
            },
            hidden_size,
            nonlinearity,
            state: ModuleState::new(),
        })
    }

    /// Run over the sequence from an optional initial `hidden` state;
    /// returns every hidden state `(..., L, hidden_size)`.
    ///
    /// # Errors
    /// `[RNN] input last dim 2 does not match input_size 3`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let r = mlx_nn::RNN::new(3, 4, true)?;
    /// let x = mlx_core::ops::ones(&[5, 3], mlx_core::Dtype::Float32)?;
    /// let h0 = mlx_core::ops::zeros(&[4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(r.forward_with(&x, Some(&h0))?.shape(), &[5, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward_with(&self, x: &Array, hidden: Option<&Array>) -> Result<Array> {
        let x = input_proj("RNN", x, &self.Wxh, self.bias.as_ref())?;
        let whh_t = self.Whh.t()?;
        let mut hidden = hidden.cloned();
        let mut all = Vec::new();
        for i in 0..seq_len(&x) {
            let xi = step(&x, i)?;
            let h = match &hidden {
                Some(h) => ops::addmm(&xi, h, &whh_t, 1.0, 1.0)?,
                None => xi,
            };
            let h = (self.nonlinearity)(&h)?;
            all.push(h.clone());
            hidden = Some(h);
        }
        ops::stack(&all.iter().collect::<Vec<_>>(), -2)
    }
}

impl ExtraRepr for RNN {
    fn extra_repr(&self) -> String {
        format!(
            "input_dims={}, hidden_size={}, nonlinearity={:?}, bias={}",
            self.Wxh.shape().get(1).unwrap_or(&0),
            self.hidden_size,
            self.nonlinearity,
            py_bool(self.bias.is_some())
        )
    }
}

impl UnaryModule for RNN {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        self.forward_with(x, None)
    }
}

/// A gated recurrent unit (MLX's `nn.GRU`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{GRU, UnaryModule};
/// let mut g = GRU::new(3, 4, true)?;
/// assert_eq!(g.to_string(), "GRU(input_dims=3, hidden_size=4, bias=True)");
/// let x = mlx_core::ops::ones(&[2, 5, 3], mlx_core::Dtype::Float32)?;
/// assert_eq!(g.forward(&x)?.shape(), &[2, 5, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct GRU {
    /// Input weights `(3 * hidden_size, input_size)`.
    pub Wx: Array,
    /// Hidden weights `(3 * hidden_size, hidden_size)`.
    pub Wh: Array,
    /// Input bias `(3 * hidden_size,)`, when present.
    pub b: Option<Array>,
    /// Hidden bias of the candidate `(hidden_size,)`, when present.
    pub bhn: Option<Array>,
    /// Hidden size.
    pub hidden_size: usize,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl GRU {
    /// `GRU(input_size, hidden_size, bias)`.
    ///
    /// # Errors
    /// Errors of the random initialiser.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::GRU::new(3, 4, true)?.Wx.shape(), &[12, 3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(input_size: usize, hidden_size: usize, bias: bool) -> Result<GRU> {
        let s = 1.0 / (hidden_size as f64).sqrt();
        let h3 = 3 * hidden_size;
        Ok(GRU {
            Wx: uniform_init(s, &[h3, input_size])?,
            Wh: uniform_init(s, &[h3, hidden_size])?,
            b: if bias {
                Some(uniform_init(s, &[h3])?)
            } else {
                None
            },
            bhn: if bias {
                Some(uniform_init(s, &[hidden_size])?)
            } else {
                None
            },
            hidden_size,
            state: ModuleState::new(),
        })
    }

    /// Run over the sequence from an optional initial `hidden` state.
    ///
    /// # Errors
    /// `[GRU] input last dim 2 does not match input_size 3`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let g = mlx_nn::GRU::new(3, 4, true)?;
    /// let x = mlx_core::ops::ones(&[5, 3], mlx_core::Dtype::Float32)?;
    /// assert_eq!(g.forward_with(&x, None)?.shape(), &[5, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward_with(&self, x: &Array, hidden: Option<&Array>) -> Result<Array> {
        let x = input_proj("GRU", x, &self.Wx, self.b.as_ref())?;
        let h = self.hidden_size as i64;
        let last = |a: &Array, lo: Option<i64>, hi: Option<i64>| {
            a.index(&[SliceArg::Ellipsis, SliceArg::range(lo, hi, 1)])
        };
        let x_rz = last(&x, None, Some(-h))?;
        let x_n = last(&x, Some(-h), None)?;
        let wh_t = self.Wh.t()?;
        let mut hidden = hidden.cloned();
        let mut all = Vec::new();
        for i in 0..seq_len(&x) {
            let mut rz = step(&x_rz, i)?;
            let mut h_proj_n = None;
            if let Some(hd) = &hidden {
                let hp = hd.matmul(&wh_t)?;
                let mut hn = last(&hp, Some(-h), None)?;
                if let Some(bhn) = &self.bhn {
                    hn = (hn + bhn)?;
                }
                rz = (rz + last(&hp, None, Some(-h))?)?;
                h_proj_n = Some(hn);
            }
            let rz = rz.sigmoid()?;
            let parts = ops::split(&rz, SplitSpec::Sections(2), -1)?;
            let (r, z) = (&parts[0], &parts[1]);
            let mut n = step(&x_n, i)?;
            if let Some(hn) = &h_proj_n {
                n = (n + (r * hn)?)?;
            } else if let Some(bhn) = &self.bhn {
                n = (n + (r * bhn)?)?;
            }
            let n = n.tanh()?;
            let one_minus_z = (1.0f32 - z)?;
            let new_h = match &hidden {
                Some(hd) => ((&one_minus_z * &n)? + (z * hd)?)?,
                None => (&one_minus_z * &n)?,
            };
            all.push(new_h.clone());
            hidden = Some(new_h);
        }
        ops::stack(&all.iter().collect::<Vec<_>>(), -2)
    }
}

impl ExtraRepr for GRU {
    fn extra_repr(&self) -> String {
        format!(
            "input_dims={}, hidden_size={}, bias={}",
            self.Wx.shape().get(1).unwrap_or(&0),
            self.hidden_size,
            py_bool(self.b.is_some())
        )
    }
}

impl UnaryModule for GRU {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        self.forward_with(x, None)
    }
}

/// A long short-term memory layer (MLX's `nn.LSTM`); returns the hidden
/// and cell states of every step.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let l = mlx_nn::LSTM::new(3, 4, true)?;
/// assert_eq!(l.to_string(), "LSTM(input_dims=3, hidden_size=4, bias=True)");
/// let x = mlx_core::ops::ones(&[2, 5, 3], mlx_core::Dtype::Float32)?;
/// let (h, c) = l.forward(&x, None, None)?;
/// assert_eq!((h.shape(), c.shape()), (&[2, 5, 4][..], &[2, 5, 4][..]));
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct LSTM {
    /// Input weights `(4 * hidden_size, input_size)`.
    pub Wx: Array,
    /// Hidden weights `(4 * hidden_size, hidden_size)`.
    pub Wh: Array,
    /// Bias `(4 * hidden_size,)`, when present.
    pub bias: Option<Array>,
    /// Hidden size.
    pub hidden_size: usize,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl LSTM {
    /// `LSTM(input_size, hidden_size, bias)`.
    ///
    /// # Errors
    /// Errors of the random initialiser.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::LSTM::new(3, 4, true)?.Wh.shape(), &[16, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(input_size: usize, hidden_size: usize, bias: bool) -> Result<LSTM> {
        let s = 1.0 / (hidden_size as f64).sqrt();
        let h4 = 4 * hidden_size;
        Ok(LSTM {
            Wx: uniform_init(s, &[h4, input_size])?,
            Wh: uniform_init(s, &[h4, hidden_size])?,
            bias: if bias {
                Some(uniform_init(s, &[h4])?)
            } else {
                None
            },
            hidden_size,
            state: ModuleState::new(),
        })
    }

    /// Run over the sequence from optional initial `hidden` and `cell`
    /// states; returns `(hidden states, cell states)`.
    ///
    /// # Errors
    /// `[LSTM] input last dim 2 does not match input_size 3`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::LSTM::new(3, 4, false)?;
    /// let x = mlx_core::ops::ones(&[5, 3], mlx_core::Dtype::Float32)?;
    /// let h0 = mlx_core::ops::zeros(&[4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(l.forward(&x, Some(&h0), Some(&h0))?.0.shape(), &[5, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(
        &self,
        x: &Array,
        hidden: Option<&Array>,
        cell: Option<&Array>,
    ) -> Result<(Array, Array)> {
        let x = input_proj("LSTM", x, &self.Wx, self.bias.as_ref())?;
        let wh_t = self.Wh.t()?;
        let mut hidden = hidden.cloned();
        let mut cell = cell.cloned();
        let (mut hs, mut cs) = (Vec::new(), Vec::new());
        for i in 0..seq_len(&x) {
            let mut ifgo = step(&x, i)?;
            if let Some(h) = &hidden {
                ifgo = ops::addmm(&ifgo, h, &wh_t, 1.0, 1.0)?;
            }
            let p = ops::split(&ifgo, SplitSpec::Sections(4), -1)?;
            let (ig, fg, gg, og) = (
                p[0].sigmoid()?,
                p[1].sigmoid()?,
                p[2].tanh()?,
                p[3].sigmoid()?,
            );
            let c = match &cell {
                Some(c) => ((&fg * c)? + (&ig * &gg)?)?,
                None => (&ig * &gg)?,
            };
            let h = (&og * c.tanh()?)?;
            hs.push(h.clone());
            cs.push(c.clone());
            hidden = Some(h);
            cell = Some(c);
        }
        Ok((
            ops::stack(&hs.iter().collect::<Vec<_>>(), -2)?,
            ops::stack(&cs.iter().collect::<Vec<_>>(), -2)?,
        ))
    }
}

impl ExtraRepr for LSTM {
    fn extra_repr(&self) -> String {
        format!(
            "input_dims={}, hidden_size={}, bias={}",
            self.Wx.shape().get(1).unwrap_or(&0),
            self.hidden_size,
            py_bool(self.bias.is_some())
        )
    }
}
