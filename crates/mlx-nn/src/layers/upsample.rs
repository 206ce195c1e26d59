//! `Upsample` (MLX's `mlx.nn.layers.upsample`): nearest, linear and cubic
//! interpolation over the spatial axes of `(N, ..., C)` inputs. Sample
//! positions and weights follow MLX's float32 formulas; they are computed
//! on the host (they depend on sizes only) and applied one axis at a time.

use crate::module::py_bool;
use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::{Array, Error, Result};

/// The interpolation of [`Upsample`].
///
/// # Examples
/// ```
/// assert_eq!(mlx_nn::UpsampleMode::Cubic.name(), "cubic");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsampleMode {
    /// Nearest neighbour (MLX's `"nearest"`).
    Nearest,
    /// Linear, bilinear, trilinear (MLX's `"linear"`).
    Linear,
    /// Cubic with `a = -0.75` (MLX's `"cubic"`).
    Cubic,
}

impl UpsampleMode {
    /// MLX's name of the mode.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::UpsampleMode::Nearest.name(), "nearest");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            UpsampleMode::Nearest => "nearest",
            UpsampleMode::Linear => "linear",
            UpsampleMode::Cubic => "cubic",
        }
    }
}

/// Upsample the spatial axes by `scale_factor` (MLX's `nn.Upsample`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Upsample, UpsampleMode, UnaryModule};
/// let mut up = Upsample::new(2.0, UpsampleMode::Nearest, false)?;
/// assert_eq!(up.to_string(), "Upsample(scale_factor=2.0, mode='nearest', align_corners=False)");
/// let x = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[1, 2, 1])?;
/// assert_eq!(up.forward(&x)?.to_vec::<f32>()?, vec![1.0, 1.0, 2.0, 2.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct Upsample {
    /// One scale per spatial axis, or one for all (`per_axis == false`).
    pub scale_factor: Vec<f64>,
    /// Whether `scale_factor` was given per axis (printed as a tuple).
    pub per_axis: bool,
    /// The interpolation.
    #[module(skip)]
    pub mode: UpsampleMode,
    /// Align the corner samples of input and output (linear and cubic).
    pub align_corners: bool,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl Upsample {
    /// The same scale for every spatial axis.
    ///
    /// # Errors
    /// `[Upsample] scale_factor must be positive but got 0`.
    ///
    /// # Examples
    /// ```
    /// assert!(mlx_nn::Upsample::new(0.0, mlx_nn::UpsampleMode::Linear, false).is_err());
    /// ```
    pub fn new(scale_factor: f64, mode: UpsampleMode, align_corners: bool) -> Result<Upsample> {
        Upsample::build(vec![scale_factor], false, mode, align_corners)
    }

    /// One scale per spatial axis.
    ///
    /// # Errors
    /// As [`Upsample::new`].
    ///
    /// # Examples
    /// ```
    /// let up = mlx_nn::Upsample::per_axis(&[1.5, 2.0], mlx_nn::UpsampleMode::Nearest, false)?;
    /// assert_eq!(up.to_string(), "Upsample(scale_factor=(1.5, 2.0), mode='nearest', align_corners=False)");
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn per_axis(
        scale_factor: &[f64],
        mode: UpsampleMode,
        align_corners: bool,
    ) -> Result<Upsample> {
        Upsample::build(scale_factor.to_vec(), true, mode, align_corners)
    }

    fn build(
        scale_factor: Vec<f64>,
        per_axis: bool,
        mode: UpsampleMode,
        align_corners: bool,
    ) -> Result<Upsample> {
        if let Some(s) = scale_factor.iter().find(|s| !(**s > 0.0 && s.is_finite())) {
            return Err(Error::invalid(
                "Upsample",
                format!("scale_factor must be positive but got {s}"),
            ));
        }
        Ok(Upsample {
            scale_factor,
            per_axis,
            mode,
            align_corners,
            state: ModuleState::new(),
        })
    }
}

fn py_f64(x: f64) -> String {
    if x == x.trunc() {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

impl ExtraRepr for Upsample {
    fn extra_repr(&self) -> String {
        let sf = if self.per_axis {
            let items: Vec<String> = self.scale_factor.iter().map(|&s| py_f64(s)).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        } else {
            py_f64(self.scale_factor[0])
        };
        format!(
            "scale_factor={sf}, mode='{}', align_corners={}",
            self.mode.name(),
            py_bool(self.align_corners)
        )
    }
}

/// MLX's `_scaled_indices`, in float32.
fn scaled(n: usize, scale: f64, align_corners: bool) -> Vec<f32> {
    let m = (scale * n as f64) as usize;
    if align_corners {
        let step = ((n as f64 - 1.0) / (m.max(2) - 1) as f64) as f32;
        (0..m).map(|i| i as f32 * step).collect()
    } else {
        let step = 1.0 / scale;
        let start = (((m as f64 - 1.0) * step - n as f64 + 1.0) / 2.0) as f32;
        (0..m).map(|i| i as f32 * step as f32 - start).collect()
    }
}

/// The taps of one axis: `(indices, weights)` pairs, each of output length.
fn taps(
    mode: UpsampleMode,
    n: usize,
    scale: f64,
    align_corners: bool,
) -> Vec<(Vec<u32>, Vec<f32>)> {
    let last = (n - 1) as f32;
    match mode {
        UpsampleMode::Nearest => {
            let m = (scale * n as f64) as usize;
            let idx = if scale == scale.trunc() {
                (0..m).map(|i| (i / scale as usize) as u32).collect()
            } else {
                let r = (n as f64 / m as f64) as f32;
                (0..m)
                    .map(|i| {
                        let i = i as f32;
                        let v = if m > n {
                            ((i + 0.5) * r - 0.5).round_ties_even()
                        } else {
                            i * r
                        };
                        v.max(0.0) as u32
                    })
                    .collect()
            };
            vec![(idx, vec![1.0; m])]
        }
        UpsampleMode::Linear => {
            let p: Vec<f32> = scaled(n, scale, align_corners)
                .into_iter()
                .map(|v| v.clamp(0.0, last))
                .collect();
            let l: Vec<u32> = p.iter().map(|v| v.floor() as u32).collect();
            let r: Vec<u32> = p.iter().map(|v| v.ceil() as u32).collect();
            let w: Vec<f32> = p.iter().map(|v| v - v.floor()).collect();
            vec![(l, w.iter().map(|w| 1.0 - w).collect()), (r, w)]
        }
        UpsampleMode::Cubic => {
            let p = scaled(n, scale, align_corners);
            let a = -0.75f32;
            let near = |x: f32| ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
            let far = |x: f32| (((x - 5.0) * x + 8.0) * x - 4.0) * a;
            let l1: Vec<f32> = p.iter().map(|v| v.floor()).collect();
            let r1: Vec<f32> = p.iter().map(|v| (v + 1.0).floor()).collect();
            let l2: Vec<f32> = l1.iter().map(|g| g - 1.0).collect();
            let r2: Vec<f32> = r1.iter().map(|g| g + 1.0).collect();
            let mut out = Vec::new();
            for (grid, is_near) in [(l1, true), (r1, true), (l2, false), (r2, false)] {
                let w = p
                    .iter()
                    .zip(&grid)
                    .map(|(v, g)| {
                        let x = (v - g).abs();
                        if is_near {
                            near(x)
                        } else {
                            far(x)
                        }
                    })
                    .collect();
                let idx = grid.iter().map(|g| g.clamp(0.0, last) as u32).collect();
                out.push((idx, w));
            }
            out
        }
    }
}

impl UnaryModule for Upsample {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        const OP: &str = "Upsample";
        let nd = x.ndim();
        if nd < 3 {
            return Err(Error::invalid(OP, format!(
                "the input should have at least 1 spatial dimension which means it should be at least 3D but {nd}D was provided"
            )));
        }
        let dims = nd - 2;
        let scales = if self.per_axis {
            self.scale_factor.clone()
        } else {
            vec![self.scale_factor[0]; dims]
        };
        if scales.len() != dims {
            return Err(Error::invalid(OP, format!(
                "one scale per spatial dimension is required but {} scales were given for {dims} spatial dimensions",
                scales.len()
            )));
        }
        let mut out = x.clone();
        for (i, &s) in scales.iter().enumerate() {
            let axis = i + 1;
            let n = x.shape()[axis];
            if n == 0 {
                return Err(Error::invalid(OP, "cannot upsample an empty axis"));
            }
            let mut acc: Option<Array> = None;
            for (idx, w) in taps(self.mode, n, s, self.align_corners) {
                let m = idx.len();
                let idx = Array::from_slice(&idx, &[m])?;
                let sample = out.take(&idx, axis as i64)?;
                let term = if self.mode == UpsampleMode::Nearest {
                    sample
                } else {
                    let mut wshape = vec![1usize; nd];
                    wshape[axis] = m;
                    (sample * Array::from_slice(&w, &wshape)?)?
                };
                acc = Some(match acc {
                    None => term,
                    Some(a) => (a + term)?,
                });
            }
            out = acc.expect("every mode has a tap");
        }
        Ok(out)
    }
}
