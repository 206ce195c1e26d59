//! [`MaybeQuantized`]: a field type that [`quantize`](crate::quantize) can
//! swap for the quantized layer, as MLX swaps any attribute.

use crate::{ModuleValue, Node, NodeMut, UnaryModule};
use mlx_core::{Array, Result};
use std::fmt;
use std::marker::PhantomData;

/// A one-input layer of kind `M` (`Linear`, `Embedding`) that
/// [`quantize`](crate::quantize) may replace by its quantized form
/// (`QuantizedLinear`, `QuantizedEmbedding`) in place.
///
/// A Rust field has one type, so a `Linear` field cannot later hold a
/// `QuantizedLinear`; declare the fields a model wants quantizable as
/// `MaybeQuantized<Linear>`. Parameter paths are those of the layer inside
/// (`q_proj.weight`, then `q_proj.scales` once quantized), so MLX
/// checkpoints load unchanged.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Linear, MaybeQuantized, Module};
///
/// #[derive(Module)]
/// struct Proj {
///     proj: MaybeQuantized<Linear>,
/// }
///
/// let mut m = Proj { proj: MaybeQuantized::new(Linear::new(64, 4)?) };
/// assert!(!m.proj.is_quantized());
/// let x = mlx_core::ops::ones(&[2, 64], mlx_core::Dtype::Float32)?;
/// assert_eq!(m.proj.forward(&x)?.shape(), &[2, 4]);
///
/// assert_eq!(mlx_nn::quantize(&mut m, None, None, None)?, vec!["proj"]);
/// assert!(m.proj.is_quantized());
/// assert_eq!(m.proj.module().module_name(), "QuantizedLinear");
/// assert!(m.parameters().get("proj.scales").is_some());
/// assert_eq!(m.proj.forward(&x)?.shape(), &[2, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub struct MaybeQuantized<M> {
    inner: Box<dyn UnaryModule>,
    kind: PhantomData<fn() -> M>,
}

impl<M: UnaryModule + 'static> MaybeQuantized<M> {
    /// Wrap a float layer.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::MaybeQuantized::new(mlx_nn::Linear::new(2, 3)?);
    /// assert_eq!(l.module().module_name(), "Linear");
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(layer: M) -> MaybeQuantized<M> {
        MaybeQuantized {
            inner: Box::new(layer),
            kind: PhantomData,
        }
    }
}

impl<M> MaybeQuantized<M> {
    /// Whether the layer has been replaced by a quantized one.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let l = mlx_nn::MaybeQuantized::new(mlx_nn::Linear::new(2, 3)?);
    /// assert!(!l.is_quantized());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn is_quantized(&self) -> bool {
        self.inner.module_name().starts_with("Quantized")
    }

    /// The layer inside (float or quantized).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_nn::Module;
    /// let l = mlx_nn::MaybeQuantized::new(mlx_nn::Linear::new(2, 3)?);
    /// assert_eq!(l.module().parameters().get("weight").unwrap().shape(), &[3, 2]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn module(&self) -> &dyn UnaryModule {
        &*self.inner
    }

    /// The layer inside, mutably.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_nn::Module;
    /// let mut l = mlx_nn::MaybeQuantized::new(mlx_nn::Linear::new(2, 3)?);
    /// l.module_mut().freeze(true, None, true)?;
    /// assert!(l.module().trainable_parameters().get("weight").is_none());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn module_mut(&mut self) -> &mut dyn UnaryModule {
        &mut *self.inner
    }

    /// Apply the layer inside to `x`.
    ///
    /// # Errors
    /// The layer's errors (`[Linear] input last dim ...`).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let mut l = mlx_nn::MaybeQuantized::new(mlx_nn::Linear::new(2, 3)?);
    /// let x = mlx_core::ops::ones(&[2], mlx_core::Dtype::Float32)?;
    /// assert_eq!(l.forward(&x)?.shape(), &[3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(&mut self, x: &Array) -> Result<Array> {
        self.inner.forward(x)
    }
}

impl<M> ModuleValue for MaybeQuantized<M> {
    fn node(&self) -> Node<'_> {
        Node::Module(self.inner.as_module())
    }
    fn node_mut(&mut self) -> NodeMut<'_> {
        NodeMut::Slot(&mut self.inner)
    }
}

impl<M> fmt::Debug for MaybeQuantized<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.inner)
    }
}

impl<M> fmt::Display for MaybeQuantized<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::module_repr(self.inner.as_module()))
    }
}
