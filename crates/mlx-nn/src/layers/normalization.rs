//! Normalization layers (MLX's `mlx.nn.layers.normalization`):
//! `LayerNorm`, `RMSNorm`, `GroupNorm`, `InstanceNorm`, `BatchNorm`.

use crate::module::{py_bool, py_float};
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::{ops, Array, Dtype, Error, Result};

fn check_eps(op: &'static str, eps: f32) -> Result<()> {
    if eps > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            op,
            format!("'eps' must be positive but got {eps}"),
        ))
    }
}

fn ones(n: usize) -> Result<Array> {
    ops::ones(&[n], Dtype::Float32)
}

fn zeros(n: usize) -> Result<Array> {
    ops::zeros(&[n], Dtype::Float32)
}

/// Normalise over the last axis: `(x - mean) / sqrt(var + eps)` (MLX's
/// `mx.fast.layer_norm` without weight and bias).
pub(crate) fn normalize_last(x: &Array, eps: f32) -> Result<Array> {
    let mean = x.mean(&[-1], true)?;
    let var = x.var(&[-1], true, 0)?;
    (x - &mean)? * (var + eps)?.rsqrt()?
}

fn affine(x: Array, weight: Option<&Array>, bias: Option<&Array>) -> Result<Array> {
    let x = match weight {
        Some(w) => (x * w)?,
        None => x,
    };
    match bias {
        Some(b) => x + b,
        None => Ok(x),
    }
}

/// Layer normalization over the last axis (MLX's `nn.LayerNorm`), with a
/// learned `weight` (ones) and `bias` (zeros) when `affine`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{LayerNorm, UnaryModule};
/// let mut ln = LayerNorm::new(2)?;
/// assert_eq!(ln.to_string(), "LayerNorm(2, eps=1e-05, affine=True)");
/// let y = ln.forward(&mlx_core::Array::from_slice(&[1.0f32, 3.0], &[1, 2])?)?;
/// let v = y.to_vec::<f32>()?;
/// assert!((v[0] + 1.0).abs() < 1e-4 && (v[1] - 1.0).abs() < 1e-4);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct LayerNorm {
    /// Scale, when affine.
    pub weight: Option<Array>,
    /// Shift, when affine with a bias.
    pub bias: Option<Array>,
    /// The normalised size.
    pub dims: usize,
    /// Added to the variance.
    pub eps: f32,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl LayerNorm {
    /// `LayerNorm(dims)` with MLX's defaults (`eps=1e-5`, affine, bias).
    ///
    /// # Errors
    /// Allocation errors.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::LayerNorm::new(4)?.bias.is_some());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(dims: usize) -> Result<LayerNorm> {
        LayerNorm::with_options(dims, 1e-5, true, true)
    }

    /// `LayerNorm(dims, eps, affine, bias)`.
    ///
    /// # Errors
    /// `[LayerNorm] 'eps' must be positive but got 0`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let ln = mlx_nn::LayerNorm::with_options(4, 1e-3, false, true)?;
    /// assert!(ln.weight.is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_options(dims: usize, eps: f32, affine: bool, bias: bool) -> Result<LayerNorm> {
        check_eps("LayerNorm", eps)?;
        Ok(LayerNorm {
            weight: if affine { Some(ones(dims)?) } else { None },
            bias: if affine && bias {
                Some(zeros(dims)?)
            } else {
                None
            },
            dims,
            eps,
            state: ModuleState::new(),
        })
    }
}

impl ExtraRepr for LayerNorm {
    fn extra_repr(&self) -> String {
        format!(
            "{}, eps={}, affine={}",
            self.dims,
            py_float(self.eps),
            py_bool(self.weight.is_some())
        )
    }
}

impl UnaryModule for LayerNorm {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        super::linear::check_last_dim("LayerNorm", x, self.dims, "dims")?;
        let y = normalize_last(x, self.eps)?;
        affine(y, self.weight.as_ref(), self.bias.as_ref()).map_err(|e| e.in_op("LayerNorm"))
    }
}

/// Root-mean-square normalization over the last axis (MLX's
/// `nn.RMSNorm`): `x / sqrt(mean(x^2) + eps) * weight`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{RMSNorm, UnaryModule};
/// let mut n = RMSNorm::new(2)?;
/// assert_eq!(n.to_string(), "RMSNorm(2, eps=1e-05)");
/// let y = n.forward(&mlx_core::Array::from_slice(&[3.0f32, 4.0], &[2])?)?;
/// assert!((y.to_vec::<f32>()?[1] - 4.0 / 12.5f32.sqrt()).abs() < 1e-5);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct RMSNorm {
    /// Scale (ones).
    pub weight: Array,
    /// Added to the mean square.
    pub eps: f32,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl RMSNorm {
    /// `RMSNorm(dims)` with `eps=1e-5`.
    ///
    /// # Errors
    /// Allocation errors.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::RMSNorm::new(4)?.weight.shape(), &[4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(dims: usize) -> Result<RMSNorm> {
        RMSNorm::with_eps(dims, 1e-5)
    }

    /// `RMSNorm(dims, eps)`.
    ///
    /// # Errors
    /// `[RMSNorm] 'eps' must be positive but got -1`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::RMSNorm::with_eps(4, -1.0).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_eps(dims: usize, eps: f32) -> Result<RMSNorm> {
        check_eps("RMSNorm", eps)?;
        Ok(RMSNorm {
            weight: ones(dims)?,
            eps,
            state: ModuleState::new(),
        })
    }
}

impl ExtraRepr for RMSNorm {
    fn extra_repr(&self) -> String {
        format!(
            "{}, eps={}",
            self.weight.shape().first().unwrap_or(&0),
            py_float(self.eps)
        )
    }
}

impl UnaryModule for RMSNorm {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "RMSNorm";
        let dims = self.weight.shape().first().copied().unwrap_or(0);
        super::linear::check_last_dim(OP, x, dims, "dims")?;
        let ms = x.square()?.mean(&[-1], true)?;
        ((x * (ms + self.eps)?.rsqrt()?)? * &self.weight).map_err(|e| e.in_op(OP))
    }
}

/// Group normalization over groups of features (MLX's `nn.GroupNorm`);
/// features are the last axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{GroupNorm, UnaryModule};
/// let mut g = GroupNorm::new(2, 4)?;
/// assert_eq!(g.to_string(), "GroupNorm(2, 4, eps=1e-05, affine=True, pytorch_compatible=False)");
/// let y = g.forward(&mlx_core::ops::ones(&[1, 3, 4], mlx_core::Dtype::Float32)?)?;
/// assert_eq!(y.shape(), &[1, 3, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct GroupNorm {
    /// Shift, when affine.
    pub bias: Option<Array>,
    /// Scale, when affine.
    pub weight: Option<Array>,
    /// Number of groups.
    pub num_groups: usize,
    /// Number of features.
    pub dims: usize,
    /// Added to the variance.
    pub eps: f32,
    /// Group features as PyTorch does (contiguous groups of channels).
    pub pytorch_compatible: bool,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl GroupNorm {
    /// `GroupNorm(num_groups, dims)` with MLX's defaults.
    ///
    /// # Errors
    /// `[GroupNorm] the number of features (5) must be evenly divisible by
    /// the number of groups (2)`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::GroupNorm::new(2, 5).is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(num_groups: usize, dims: usize) -> Result<GroupNorm> {
        GroupNorm::with_options(num_groups, dims, 1e-5, true, false)
    }

    /// `GroupNorm(num_groups, dims, eps, affine, pytorch_compatible)`.
    ///
    /// # Errors
    /// As [`GroupNorm::new`], or a non-positive `eps`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let g = mlx_nn::GroupNorm::with_options(2, 4, 1e-5, false, true)?;
    /// assert!(g.weight.is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_options(
        num_groups: usize,
        dims: usize,
        eps: f32,
        affine: bool,
        pytorch_compatible: bool,
    ) -> Result<GroupNorm> {
        const OP: &str = "GroupNorm";
        check_eps(OP, eps)?;
        if num_groups == 0 || dims == 0 {
            return Err(Error::invalid(OP, "num_groups and dims must be positive"));
        }
        if dims % num_groups != 0 {
            return Err(Error::invalid(
                OP,
                format!(
                    "the number of features ({dims}) must be evenly divisible by the number of groups ({num_groups})"
                ),
            ));
        }
        Ok(GroupNorm {
            bias: if affine { Some(zeros(dims)?) } else { None },
            weight: if affine { Some(ones(dims)?) } else { None },
            num_groups,
            dims,
            eps,
            pytorch_compatible,
            state: ModuleState::new(),
        })
    }
}

impl ExtraRepr for GroupNorm {
    fn extra_repr(&self) -> String {
        format!(
            "{}, {}, eps={}, affine={}, pytorch_compatible={}",
            self.num_groups,
            self.dims,
            py_float(self.eps),
            py_bool(self.weight.is_some()),
            py_bool(self.pytorch_compatible)
        )
    }
}

impl UnaryModule for GroupNorm {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "GroupNorm";
        super::linear::check_last_dim(OP, x, self.dims, "dims")?;
        if x.ndim() < 2 {
            return Err(Error::invalid(
                OP,
                "input must have a batch and a feature axis",
            ));
        }
        let shape: Vec<i64> = x.shape().iter().map(|&d| d as i64).collect();
        let (batch, g) = (shape[0], self.num_groups as i64);
        let y = if self.pytorch_compatible {
            let gs = self.dims as i64 / g;
            let t = x.reshape(&[batch, -1, g, gs])?.transpose(&[0, 2, 1, 3])?;
            let t = normalize_last(&t.reshape(&[batch, g, -1])?, self.eps)?;
            t.reshape(&[batch, g, -1, gs])?
                .transpose(&[0, 2, 1, 3])?
                .reshape(&shape)?
        } else {
            let t = x.reshape(&[batch, -1, g])?;
            let mean = t.mean(&[1], true)?;
            let var = t.var(&[1], true, 0)?;
            ((t - &mean)? * (var + self.eps)?.rsqrt()?)?.reshape(&shape)?
        };
        affine(y, self.weight.as_ref(), self.bias.as_ref()).map_err(|e| e.in_op(OP))
    }
}

/// Instance normalization over the spatial axes of each channel (MLX's
/// `nn.InstanceNorm`); input `(N, ..., C)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{InstanceNorm, UnaryModule};
/// let mut n = InstanceNorm::new(3)?;
/// assert_eq!(n.to_string(), "InstanceNorm(3, eps=1e-05, affine=False)");
/// assert_eq!(n.forward(&mlx_core::ops::ones(&[1, 2, 2, 3], mlx_core::Dtype::Float32)?)?.shape(), &[1, 2, 2, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct InstanceNorm {
    /// Scale, when affine.
    pub weight: Option<Array>,
    /// Shift, when affine.
    pub bias: Option<Array>,
    /// Number of channels.
    pub dims: usize,
    /// Added to the variance.
    pub eps: f32,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl InstanceNorm {
    /// `InstanceNorm(dims)` (`eps=1e-5`, not affine).
    ///
    /// # Errors
    /// Allocation errors.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::InstanceNorm::new(3)?.weight.is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(dims: usize) -> Result<InstanceNorm> {
        InstanceNorm::with_options(dims, 1e-5, false)
    }

    /// `InstanceNorm(dims, eps, affine)`.
    ///
    /// # Errors
    /// A non-positive `eps`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::InstanceNorm::with_options(3, 1e-5, true)?.weight.is_some());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_options(dims: usize, eps: f32, affine: bool) -> Result<InstanceNorm> {
        check_eps("InstanceNorm", eps)?;
        Ok(InstanceNorm {
            weight: if affine { Some(ones(dims)?) } else { None },
            bias: if affine { Some(zeros(dims)?) } else { None },
            dims,
            eps,
            state: ModuleState::new(),
        })
    }
}

impl ExtraRepr for InstanceNorm {
    fn extra_repr(&self) -> String {
        format!(
            "{}, eps={}, affine={}",
            self.dims,
            py_float(self.eps),
            py_bool(self.weight.is_some())
        )
    }
}

impl UnaryModule for InstanceNorm {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "InstanceNorm";
        if x.ndim() < 3 {
            return Err(Error::invalid(
                OP,
                format!(
                    "expects inputs with at least 3 dimensions (N, ..., C) but the input has {} dimensions",
                    x.ndim()
                ),
            ));
        }
        let axes: Vec<i64> = (1..x.ndim() as i64 - 1).collect();
        let mean = x.mean(&axes, true)?;
        let var = x.var(&axes, true, 0)?;
        let y = ((x - &mean)? * (var + self.eps)?.rsqrt()?)?;
        affine(y, self.weight.as_ref(), self.bias.as_ref()).map_err(|e| e.in_op(OP))
    }
}

/// Batch normalization over all axes but the last (MLX's `nn.BatchNorm`):
/// in training mode it uses the batch statistics and updates the running
/// ones (`running_mean`, `running_var`, frozen parameters); in evaluation
/// mode it uses the running statistics.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{BatchNorm, Module, UnaryModule};
/// let mut bn = BatchNorm::new(2)?;
/// assert_eq!(bn.to_string(), "BatchNorm(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
/// let x = mlx_core::Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
/// bn.forward(&x)?;
/// let rm = bn.running_mean.as_ref().unwrap().to_vec::<f32>()?;
/// assert!((rm[0] - 0.2).abs() < 1e-6 && (rm[1] - 0.3).abs() < 1e-6);
/// bn.eval();
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct BatchNorm {
    /// Scale, when affine.
    pub weight: Option<Array>,
    /// Shift, when affine.
    pub bias: Option<Array>,
    /// Running mean, when tracked.
    pub running_mean: Option<Array>,
    /// Running variance, when tracked.
    pub running_var: Option<Array>,
    /// Number of features (the last axis).
    pub num_features: usize,
    /// Added to the variance.
    pub eps: f32,
    /// Weight of the new batch in the running statistics.
    pub momentum: f32,
    /// Whether running statistics are kept.
    pub track_running_stats: bool,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl BatchNorm {
    /// `BatchNorm(num_features)` with MLX's defaults.
    ///
    /// # Errors
    /// Allocation errors.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_nn::Module;
    /// let bn = mlx_nn::BatchNorm::new(3)?;
    /// assert_eq!(mlx_core::tree::tree_flatten(&bn.trainable_parameters()).len(), 2);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(num_features: usize) -> Result<BatchNorm> {
        BatchNorm::with_options(num_features, 1e-5, 0.1, true, true)
    }

    /// `BatchNorm(num_features, eps, momentum, affine, track_running_stats)`.
    ///
    /// # Errors
    /// A non-positive `eps`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let bn = mlx_nn::BatchNorm::with_options(3, 1e-5, 0.1, false, false)?;
    /// assert!(bn.running_mean.is_none() && bn.weight.is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_options(
        num_features: usize,
        eps: f32,
        momentum: f32,
        affine: bool,
        track_running_stats: bool,
    ) -> Result<BatchNorm> {
        check_eps("BatchNorm", eps)?;
        let mut state = ModuleState::new();
        let (running_mean, running_var) = if track_running_stats {
            state.pin_frozen(["running_mean", "running_var"]);
            (Some(zeros(num_features)?), Some(ones(num_features)?))
        } else {
            (None, None)
        };
        Ok(BatchNorm {
            weight: if affine {
                Some(ones(num_features)?)
            } else {
                None
            },
            bias: if affine {
                Some(zeros(num_features)?)
            } else {
                None
            },
            running_mean,
            running_var,
            num_features,
            eps,
            momentum,
            track_running_stats,
            state,
        })
    }
}

impl ExtraRepr for BatchNorm {
    fn extra_repr(&self) -> String {
        format!(
            "{}, eps={}, momentum={}, affine={}, track_running_stats={}",
            self.num_features,
            py_float(self.eps),
            py_float(self.momentum),
            py_bool(self.weight.is_some()),
            py_bool(self.track_running_stats)
        )
    }
}

impl UnaryModule for BatchNorm {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "BatchNorm";
        if !(2..=4).contains(&x.ndim()) {
            return Err(Error::invalid(
                OP,
                format!(
                    "expected input tensor to have 2, 3 or 4 dimensions, but got {}",
                    x.ndim()
                ),
            ));
        }
        super::linear::check_last_dim(OP, x, self.num_features, "num_features")?;
        let training = self.state.training();
        let per_channel: usize = x.shape()[..x.ndim() - 1].iter().product();
        if training && per_channel == 1 {
            return Err(Error::invalid(
                OP,
                "training requires more than one value per channel",
            ));
        }
        let axes: Vec<i64> = (0..x.ndim() as i64 - 1).collect();
        let mut mean = x.mean(&axes, false)?;
        let mut var = x.var(&axes, false, 0)?;
        if let (Some(rm), Some(rv)) = (&mut self.running_mean, &mut self.running_var) {
            if training {
                let mu = self.momentum;
                let unbiased = x.var(&axes, false, 1)?;
                *rm = ((&*rm * (1.0 - mu))? + (&mean * mu)?)?;
                *rv = ((&*rv * (1.0 - mu))? + (unbiased * mu)?)?;
            } else {
                mean = rm.clone();
                var = rv.clone();
            }
        }
        let y = ((x - &mean)? * (var + self.eps)?.rsqrt()?)?;
        affine(y, self.weight.as_ref(), self.bias.as_ref()).map_err(|e| e.in_op(OP))
    }
}
