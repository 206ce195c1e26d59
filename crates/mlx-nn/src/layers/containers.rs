//! `Sequential` (MLX's `mlx.nn.layers.containers`).

use crate::{Module, ModuleState, UnaryModule};
use mlx_core::{Array, Result};

/// Layers called one after the other (MLX's `nn.Sequential`); its
/// parameters are named `layers.0.weight`, `layers.1.bias`, ...
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Linear, Sequential, UnaryModule};
/// let mut s = Sequential::new()
///     .push(Linear::new(2, 4)?)
///     .push(Linear::new(4, 1)?);
/// let y = s.forward(&mlx_core::ops::ones(&[3, 2], mlx_core::Dtype::Float32)?)?;
/// assert_eq!(y.shape(), &[3, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Default, Module)]
pub struct Sequential {
    /// The layers, in call order.
    pub layers: Vec<Box<dyn UnaryModule>>,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl Sequential {
    /// An empty `Sequential`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(mlx_nn::Sequential::new().to_string(), "Sequential()");
    /// ```
    pub fn new() -> Sequential {
        Sequential::default()
    }

    /// From boxed layers (MLX's `Sequential(*modules)`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_nn::{Linear, Sequential, UnaryModule};
    /// let s = Sequential::from_layers(vec![Box::new(Linear::new(2, 2)?) as Box<dyn UnaryModule>]);
    /// assert_eq!(s.layers.len(), 1);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_layers(layers: Vec<Box<dyn UnaryModule>>) -> Sequential {
        Sequential {
            layers,
            state: ModuleState::new(),
        }
    }

    /// Append a layer.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let s = mlx_nn::Sequential::new().push(mlx_nn::Identity::new());
    /// assert_eq!(s.layers.len(), 1);
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn push(mut self, layer: impl UnaryModule + 'static) -> Sequential {
        self.layers.push(Box::new(layer));
        self
    }
}

impl UnaryModule for Sequential {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        let mut y = x.clone();
        for l in &mut self.layers {
            y = l.forward(&y)?;
        }
        Ok(y)
    }
}
