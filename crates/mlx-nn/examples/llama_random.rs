//! The seed's "LLM inference" Llama, with its random sizes: 12 layers,
//! a vocabulary of 8192, 512 dims, 1024 MLP dims, 8 heads. Processes a
//! 6-token prompt, generates 10 tokens and prints MLX's timing lines.
//!
//! Run: `cargo run --release -p mlx-nn --example llama_random`; the same
//! script in real MLX is `llama_random_mlx.py` beside this file. Decode
//! ms/token is (full generation - prompt processing) / 9 tokens.

use mlx_core::ops::{self, SliceArg};
use mlx_core::{random, Array, Result};
use mlx_cpu as _;
use mlx_nn::{Embedding, Linear, Module, MultiHeadAttention, RMSNorm, RoPE, UnaryModule};
use std::time::Instant;

type Cache = (Array, Array);

#[derive(Module)]
struct LlamaAttention {
    num_heads: usize,
    rope: RoPE,
    query_proj: Linear,
    key_proj: Linear,
    value_proj: Linear,
    out_proj: Linear,
}

impl LlamaAttention {
    fn new(dims: usize, num_heads: usize) -> Result<Self> {
        Ok(LlamaAttention {
            num_heads,
            rope: RoPE::new(dims / num_heads, true, 10000.0, 1.0),
            query_proj: Linear::with_bias(dims, dims, false)?,
            key_proj: Linear::with_bias(dims, dims, false)?,
            value_proj: Linear::with_bias(dims, dims, false)?,
            out_proj: Linear::with_bias(dims, dims, false)?,
        })
    }

    fn forward(
        &mut self,
        x: &Array,
        mask: Option<&Array>,
        cache: Option<&Cache>,
    ) -> Result<(Array, Cache)> {
        let (queries, keys, values) = (
            self.query_proj.forward(x)?,
            self.key_proj.forward(x)?,
            self.value_proj.forward(x)?,
        );

        // Extract some shapes
        let (b, l) = (x.shape()[0] as i64, x.shape()[1] as i64);
        let heads = |a: Array| {
            a.reshape(&[b, l, self.num_heads as i64, -1])?
                .transpose(&[0, 2, 1, 3])
        };
        let (mut queries, mut keys, mut values) = (heads(queries)?, heads(keys)?, heads(values)?);

        // Add RoPE to the queries and keys and combine them with the cache
        if let Some((key_cache, value_cache)) = cache {
            let offset = key_cache.shape()[2];
            queries = self.rope.forward_with_offset(&queries, offset)?;
            keys = self.rope.forward_with_offset(&keys, offset)?;
            keys = ops::concatenate(&[key_cache, &keys], 2)?;
            values = ops::concatenate(&[value_cache, &values], 2)?;
        } else {
            queries = self.rope.forward(&queries)?;
            keys = self.rope.forward(&keys)?;
        }

        // Finally perform the attention computation
        let scale = (1.0 / *queries.shape().last().unwrap() as f64).sqrt() as f32;
        let mut scores = (queries * scale)?.matmul(&keys.transpose(&[0, 1, 3, 2])?)?;
        if let Some(mask) = mask {
            scores = (scores + mask)?;
        }
        let scores = scores.softmax(&[-1], false)?;
        let values_hat = scores
            .matmul(&values)?
            .transpose(&[0, 2, 1, 3])?
            .reshape(&[b, l, -1])?;

        // Return the keys and values to possibly be used as a cache
        Ok((self.out_proj.forward(&values_hat)?, (keys, values)))
    }
}

#[derive(Module)]
struct LlamaEncoderLayer {
    attention: LlamaAttention,
    norm1: RMSNorm,
    norm2: RMSNorm,
    linear1: Linear,
    linear2: Linear,
    linear3: Linear,
}

impl LlamaEncoderLayer {
    fn new(dims: usize, mlp_dims: usize, num_heads: usize) -> Result<Self> {
        Ok(LlamaEncoderLayer {
            attention: LlamaAttention::new(dims, num_heads)?,
            norm1: RMSNorm::new(dims)?,
            norm2: RMSNorm::new(dims)?,
            linear1: Linear::with_bias(dims, mlp_dims, false)?,
            linear2: Linear::with_bias(dims, mlp_dims, false)?,
            linear3: Linear::with_bias(mlp_dims, dims, false)?,
        })
    }

    fn forward(
        &mut self,
        x: &Array,
        mask: Option<&Array>,
        cache: Option<&Cache>,
    ) -> Result<(Array, Cache)> {
        let y = self.norm1.forward(x)?;
        let (y, cache) = self.attention.forward(&y, mask, cache)?;
        let x = (x + y)?;

        let y = self.norm2.forward(&x)?;
        let a = self.linear1.forward(&y)?;
        let b = self.linear2.forward(&y)?;
        let y = ((&a * a.sigmoid()?)? * b)?;
        let y = self.linear3.forward(&y)?;
        Ok(((x + y)?, cache))
    }
}

#[derive(Module)]
struct Llama {
    embedding: Embedding,
    layers: Vec<LlamaEncoderLayer>,
    norm: RMSNorm,
    out_proj: Linear,
}

impl Llama {
    fn new(
        num_layers: usize,
        vocab_size: usize,
        dims: usize,
        mlp_dims: usize,
        num_heads: usize,
    ) -> Result<Self> {
        Ok(Llama {
            embedding: Embedding::new(vocab_size, dims)?,
            layers: (0..num_layers)
                .map(|_| LlamaEncoderLayer::new(dims, mlp_dims, num_heads))
                .collect::<Result<_>>()?,
            norm: RMSNorm::new(dims)?,
            out_proj: Linear::with_bias(dims, vocab_size, false)?,
        })
    }

    /// Sample from the last position's logits.
    fn sample(&mut self, x: &Array, temp: f32) -> Result<Array> {
        let x = self.norm.forward(x)?;
        let last = x.index(&[SliceArg::full(), SliceArg::Index(-1)])?;
        let y = self.out_proj.forward(&last)?;
        random::categorical(&(y * (1.0 / temp))?, -1, None, None, None)
    }

    /// Process the prompt: the first token and the per-layer caches.
    fn prompt(&mut self, x: &Array, temp: f32) -> Result<(Array, Vec<Cache>)> {
        let mask = MultiHeadAttention::create_additive_causal_mask(
            x.shape()[1],
            self.embedding.weight.dtype(),
        )?;
        let mut x = self.embedding.forward(x)?;
        let mut cache = Vec::new();
        for l in &mut self.layers {
            let (y, c) = l.forward(&x, Some(&mask), None)?;
            x = y;
            cache.push(c);
        }
        Ok((self.sample(&x, temp)?, cache))
    }

    /// One more token from the previous one, updating the caches.
    fn next(&mut self, y: &Array, cache: &mut [Cache], temp: f32) -> Result<Array> {
        let mut x = self.embedding.forward(&y.expand_dims(&[1])?)?;
        for (l, c) in self.layers.iter_mut().zip(cache.iter_mut()) {
            let (out, new_c) = l.forward(&x, None, Some(c))?;
            x = out;
            *c = new_c;
        }
        self.sample(&x, temp)
    }
}

fn toc(msg: &str, start: Instant) -> String {
    format!("[INFO] {msg}: {:.3} s", start.elapsed().as_secs_f64())
}

fn main() -> Result<()> {
    let model = Llama::new(12, 8192, 512, 1024, 8)?;
    let start = Instant::now();
    let mut model = model;
    let params = model.parameters().leaves();
    mlx_core::eval(&params.iter().collect::<Vec<_>>())?;
    println!("{}", toc("Initializing model", start));

    let prompt = Array::from_slice(&[1u32, 10, 8, 32, 44, 7], &[1, 6])?;
    let (temp, max_tokens) = (0.8, 10);

    println!("------");
    let start = Instant::now();
    let (mut y, mut cache) = model.prompt(&prompt, temp)?;
    y.eval()?;
    let prompt_time = start.elapsed().as_secs_f64();
    let prompt_processing = toc("Prompt processing", start);
    let mut tokens = vec![y.clone()];
    while tokens.len() < max_tokens {
        y = model.next(&y, &mut cache, temp)?;
        tokens.push(y.clone());
    }
    mlx_core::eval(&tokens.iter().collect::<Vec<_>>())?;
    let full_time = start.elapsed().as_secs_f64();
    let full_gen = toc("Full generation", start);
    let ids: Vec<u32> = tokens
        .iter()
        .map(|t| t.item::<u32>())
        .collect::<Result<_>>()?;
    println!("{ids:?}");
    println!("------");
    println!("{prompt_processing}");
    println!("{full_gen}");
    let decode_ms = (full_time - prompt_time) / (max_tokens - 1) as f64 * 1000.0;
    println!("[INFO] Decode: {decode_ms:.1} ms/token (pure-Rust mlx, cpu)");
    Ok(())
}
