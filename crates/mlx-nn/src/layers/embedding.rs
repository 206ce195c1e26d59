//! `Embedding` (MLX's `mlx.nn.layers.embedding`).

use crate::{ExtraRepr, Module, ModuleState, UnaryModule};
use mlx_core::{random, Array, Dtype, Error, Result};

/// A lookup table of `num_embeddings` vectors of size `dims` (MLX's
/// `nn.Embedding`), initialised from `normal(0, sqrt(1/dims))`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::{Embedding, UnaryModule};
/// let mut e = Embedding::new(10, 4)?;
/// assert_eq!(e.to_string(), "Embedding(10, 4)");
/// let ids = mlx_core::Array::from_slice(&[1u32, 2, 3], &[1, 3])?;
/// assert_eq!(e.forward(&ids)?.shape(), &[1, 3, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
#[module(extra_repr)]
pub struct Embedding {
    /// The `(num_embeddings, dims)` table.
    pub weight: Array,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

impl Embedding {
    /// A table of `num_embeddings` vectors of size `dims`.
    ///
    /// # Errors
    /// Errors of the random initialiser.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_nn::Embedding::new(10, 4)?.weight.shape(), &[10, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn new(num_embeddings: usize, dims: usize) -> Result<Embedding> {
        let scale = Array::from_scalar((1.0 / dims as f64).sqrt() as f32);
        let weight = random::normal(
            &[num_embeddings, dims],
            Dtype::Float32,
            None,
            Some(&scale),
            None,
        )?;
        Ok(Embedding {
            weight,
            state: ModuleState::new(),
        })
    }

    /// Use the table as a linear layer, `x @ weight.T` (MLX's
    /// `Embedding.as_linear`, for tied input and output embeddings).
    ///
    /// # Errors
    /// `[Embedding] input last dim 3 does not match dims 4`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let e = mlx_nn::Embedding::new(10, 4)?;
    /// let x = mlx_core::ops::ones(&[2, 4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(e.as_linear(&x)?.shape(), &[2, 10]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn as_linear(&self, x: &Array) -> Result<Array> {
        let dims = self.weight.shape().get(1).copied().unwrap_or(0);
        super::linear::check_last_dim("Embedding", x, dims, "dims")?;
        x.matmul(&self.weight.t()?)
            .map_err(|e| e.in_op("Embedding"))
    }
}

impl ExtraRepr for Embedding {
    fn extra_repr(&self) -> String {
        let s = self.weight.shape();
        format!("{}, {}", s.first().unwrap_or(&0), s.get(1).unwrap_or(&0))
    }
}

impl UnaryModule for Embedding {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        if !x.dtype().is_integer() {
            return Err(Error::dtype(
                "Embedding",
                x.dtype(),
                "indices must be integers",
            ));
        }
        self.weight.take(x, 0).map_err(|e| e.in_op("Embedding"))
    }

    fn to_quantized(
        &self,
        group_size: Option<usize>,
        bits: Option<usize>,
    ) -> Option<Result<Box<dyn UnaryModule>>> {
        Some(
            crate::QuantizedEmbedding::from_embedding(self, group_size, bits)
                .map(|q| Box::new(q) as Box<dyn UnaryModule>),
        )
    }
}
