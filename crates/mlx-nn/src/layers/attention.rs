//! `MultiHeadAttention` (MLX's `mlx.nn.layers.transformer`) and the
//! attention it computes (MLX's `mx.fast.scaled_dot_product_attention`).

use super::linear::Linear;
use crate::{Module, ModuleState};
use mlx_core::{ops, Array, Dtype, Error, Result};

/// `softmax(q k^T * scale + mask) v` over `(B, H, L, D)` arrays (MLX's
/// `mx.fast.scaled_dot_product_attention`). An additive mask is added to
/// the scores; a boolean mask keeps the `true` positions.
///
/// # Errors
/// `[scaled_dot_product_attention] ...` for shapes that do not fit.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let q = mlx_core::ops::ones(&[1, 1, 2, 4], mlx_core::Dtype::Float32)?;
/// let y = mlx_nn::scaled_dot_product_attention(&q, &q, &q, 0.5, None)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![1.0; 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn scaled_dot_product_attention(
    queries: &Array,
    keys: &Array,
    values: &Array,
    scale: f32,
    mask: Option<&Array>,
) -> Result<Array> {
    const OP: &str = "scaled_dot_product_attention";
    let f = || -> Result<Array> {
        let kt = keys.swapaxes(-1, -2)?;
        let mut scores = (queries * scale)?.matmul(&kt)?;
        if let Some(m) = mask {
            scores = if m.dtype() == Dtype::Bool {
                let neg = Array::from_scalar(f32::NEG_INFINITY).as_type(scores.dtype())?;
                ops::where_(m, &scores, &neg)?
            } else {
                (scores + m)?
            };
        }
        let probs = scores.softmax(&[-1], true)?;
        probs.matmul(values)
    };
    f().map_err(|e| e.in_op(OP))
}

/// Multi-head attention (MLX's `nn.MultiHeadAttention`): projections
/// `query_proj`, `key_proj`, `value_proj`, `out_proj` (no bias by default).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::MultiHeadAttention;
/// let mut mha = MultiHeadAttention::new(8, 2)?;
/// let x = mlx_core::ops::ones(&[1, 3, 8], mlx_core::Dtype::Float32)?;
/// let mask = MultiHeadAttention::create_additive_causal_mask(3, mlx_core::Dtype::Float32)?;
/// assert_eq!(mha.forward(&x, &x, &x, Some(&mask))?.shape(), &[1, 3, 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Debug, Clone, Module)]
pub struct MultiHeadAttention {
    /// Number of heads.
    pub num_heads: usize,
    /// Query projection.
    pub query_proj: Linear,
    /// Key projection.
    pub key_proj: Linear,
    /// Value projection.
    pub value_proj: Linear,
    /// Output projection.
    pub out_proj: Linear,
    /// Training flag and frozen keys.
    pub state: ModuleState,
}

/// The optional arguments of [`MultiHeadAttention`]; `None` takes MLX's
/// default (`dims`, or `key_input_dims` for `value_input_dims`).
///
/// # Examples
/// ```
/// let o = mlx_nn::MultiHeadAttentionOptions { bias: true, ..Default::default() };
/// assert!(o.query_input_dims.is_none());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MultiHeadAttentionOptions {
    /// Input size of the queries.
    pub query_input_dims: Option<usize>,
    /// Input size of the keys.
    pub key_input_dims: Option<usize>,
    /// Input size of the values.
    pub value_input_dims: Option<usize>,
    /// Size of the projected values.
    pub value_dims: Option<usize>,
    /// Output size.
    pub value_output_dims: Option<usize>,
    /// Whether the projections have biases.
    pub bias: bool,
}

impl MultiHeadAttention {
    /// `MultiHeadAttention(dims, num_heads)` with MLX's defaults.
    ///
    /// # Errors
    /// As [`MultiHeadAttention::with_options`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert!(mlx_nn::MultiHeadAttention::new(6, 4).is_err());
    /// ```
    pub fn new(dims: usize, num_heads: usize) -> Result<MultiHeadAttention> {
        Self::with_options(dims, num_heads, MultiHeadAttentionOptions::default())
    }

    /// All of MLX's arguments.
    ///
    /// # Errors
    /// `[MultiHeadAttention] the input feature dimensions should be
    /// divisible by the number of heads (6 % 4) != 0`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let o = mlx_nn::MultiHeadAttentionOptions { value_output_dims: Some(3), ..Default::default() };
    /// let m = mlx_nn::MultiHeadAttention::with_options(8, 2, o)?;
    /// assert_eq!(m.out_proj.output_dims(), 3);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_options(
        dims: usize,
        num_heads: usize,
        o: MultiHeadAttentionOptions,
    ) -> Result<MultiHeadAttention> {
        if num_heads == 0 || dims % num_heads != 0 {
            return Err(Error::invalid(
                "MultiHeadAttention",
                format!(
                    "the input feature dimensions should be divisible by the number of heads ({dims} % {num_heads}) != 0"
                ),
            ));
        }
        let q_in = o.query_input_dims.unwrap_or(dims);
        let k_in = o.key_input_dims.unwrap_or(dims);
        let v_in = o.value_input_dims.unwrap_or(k_in);
        let v_dims = o.value_dims.unwrap_or(dims);
        let v_out = o.value_output_dims.unwrap_or(dims);
        Ok(MultiHeadAttention {
            num_heads,
            query_proj: Linear::with_bias(q_in, dims, o.bias)?,
            key_proj: Linear::with_bias(k_in, dims, o.bias)?,
            value_proj: Linear::with_bias(v_in, v_dims, o.bias)?,
            out_proj: Linear::with_bias(v_dims, v_out, o.bias)?,
            state: ModuleState::new(),
        })
    }

    /// Attend from `queries` `(B, L_q, *)` to `keys`/`values` `(B, L_k, *)`
    /// with an optional additive or boolean `mask` (MLX's `__call__`).
    ///
    /// # Errors
    /// `[MultiHeadAttention] ...` for mismatched sizes.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let mut m = mlx_nn::MultiHeadAttention::new(4, 2)?;
    /// let q = mlx_core::ops::ones(&[2, 3, 4], mlx_core::Dtype::Float32)?;
    /// let kv = mlx_core::ops::ones(&[2, 5, 4], mlx_core::Dtype::Float32)?;
    /// assert_eq!(m.forward(&q, &kv, &kv, None)?.shape(), &[2, 3, 4]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn forward(
        &mut self,
        queries: &Array,
        keys: &Array,
        values: &Array,
        mask: Option<&Array>,
    ) -> Result<Array> {
        use crate::UnaryModule;
        const OP: &str = "MultiHeadAttention";
        let q = self.query_proj.forward(queries).map_err(|e| e.in_op(OP))?;
        let k = self.key_proj.forward(keys).map_err(|e| e.in_op(OP))?;
        let v = self.value_proj.forward(values).map_err(|e| e.in_op(OP))?;
        let h = self.num_heads as i64;
        let heads = |a: &Array| -> Result<Array> {
            let mut shape: Vec<i64> = a.shape().iter().map(|&s| s as i64).collect();
            let last = shape.pop().unwrap_or(0);
            shape.extend([h, last / h]);
            a.reshape(&shape)?.transpose(&[0, 2, 1, 3])
        };
        let f = || -> Result<Array> {
            let (q, k, v) = (heads(&q)?, heads(&k)?, heads(&v)?);
            let d = q.shape()[3];
            let scale = (1.0 / d as f64).sqrt() as f32;
            let o = scaled_dot_product_attention(&q, &k, &v, scale, mask)?;
            let o = o.transpose(&[0, 2, 1, 3])?;
            let s = o.shape().to_vec();
            o.reshape(&[s[0] as i64, s[1] as i64, -1])
        };
        let o = f().map_err(|e| e.in_op(OP))?;
        self.out_proj.forward(&o).map_err(|e| e.in_op(OP))
    }

    /// The `(n, n)` additive causal mask: 0 on and below the diagonal, the
    /// dtype's most negative value above (MLX's
    /// `MultiHeadAttention.create_additive_causal_mask`).
    ///
    /// # Errors
    /// `[create_additive_causal_mask] ...` for a non-floating dtype.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let m = mlx_nn::MultiHeadAttention::create_additive_causal_mask(2, mlx_core::Dtype::Float32)?;
    /// assert_eq!(m.to_vec::<f32>()?, vec![0.0, f32::MIN, 0.0, 0.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn create_additive_causal_mask(n: usize, dtype: Dtype) -> Result<Array> {
        let min = match dtype {
            Dtype::Float32 => f32::MIN,
            Dtype::Float16 => -65504.0,
            Dtype::Bfloat16 => -3.389_531_4e38,
            d => {
                return Err(Error::dtype(
                    "create_additive_causal_mask",
                    d,
                    "the mask must have a floating point dtype",
                ))
            }
        };
        let v: Vec<f32> = (0..n * n)
            .map(|i| if i / n < i % n { min } else { 0.0 })
            .collect();
        Array::from_slice(&v, &[n, n])?.as_type(dtype)
    }
}
