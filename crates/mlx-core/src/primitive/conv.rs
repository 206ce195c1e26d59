//! [`ConvParams`]: the parameters of the fused convolution
//! ([`FastOp::Conv`](super::FastOp::Conv)) and its rules side by side:
//! output shape, the derivatives, and the jvp (conv is bilinear). The
//! input's cotangent is a `conv_general` again (so it runs the same
//! kernel); the weight's is [`FastOp::ConvWeightGrad`](super::FastOp),
//! whose fallback is a `conv_general` of the transposed operands and
//! which a backend may run as its own kernel (the CPU does).
//!
//! Per spatial axis, the input is dilated (`input_dilation - 1` zeros
//! between elements, length `in = (S - 1) * idil + 1`), padded by
//! `padding_lo`/`padding_hi` (negative crops), and read by windows of
//! `K` taps spaced `kernel_dilation` apart (span `ek = (K - 1) * kd + 1`)
//! every `stride` positions: `O = (in + lo + hi - ek) / stride + 1`.

use crate::ops::{conv_general, reshape, swapaxes, transpose, zeros_like, SliceArg};
use crate::{Array, Result};

/// Parameters of a convolution, one entry per spatial axis (already
/// normalised and validated by `conv_general`). Input `[N, S.., C_in]`,
/// weight `[C_out, K.., C_in / groups]`, output `[N, O.., C_out]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::primitive::ConvParams;
/// let p = ConvParams {
///     stride: vec![2],
///     padding_lo: vec![1],
///     padding_hi: vec![1],
///     kernel_dilation: vec![1],
///     input_dilation: vec![1],
///     groups: 1,
///     flip: false,
/// };
/// assert_eq!(p.out_shape(&[1, 5, 3], &[4, 3, 3]), vec![1, 3, 4]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConvParams {
    /// Output stride per axis (positive).
    pub stride: Vec<usize>,
    /// Padding before each axis, after input dilation (may be negative).
    pub padding_lo: Vec<i64>,
    /// Padding after each axis, after input dilation (may be negative).
    pub padding_hi: Vec<i64>,
    /// Spacing of kernel taps (positive).
    pub kernel_dilation: Vec<usize>,
    /// Spacing of input elements (positive).
    pub input_dilation: Vec<usize>,
    /// Channel groups.
    pub groups: usize,
    /// Reverse the kernel (true convolution).
    pub flip: bool,
}

/// `(n - 1) * step + 1`, or 0 for `n = 0`.
fn span(n: usize, step: usize) -> i128 {
    if n == 0 {
        0
    } else {
        (n as i128 - 1) * step as i128 + 1
    }
}

impl ConvParams {
    /// Number of spatial axes.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let p = mlx_core::primitive::ConvParams {
    ///     stride: vec![1, 1], padding_lo: vec![0, 0], padding_hi: vec![0, 0],
    ///     kernel_dilation: vec![1, 1], input_dilation: vec![1, 1], groups: 1, flip: false,
    /// };
    /// assert_eq!(p.spatial(), 2);
    /// ```
    pub fn spatial(&self) -> usize {
        self.stride.len()
    }

    /// Output length of spatial axis `i` for input length `s` and `k`
    /// taps (the sizes were validated: the padded input holds a window).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let p = mlx_core::primitive::ConvParams {
    ///     stride: vec![1], padding_lo: vec![1], padding_hi: vec![1],
    ///     kernel_dilation: vec![1], input_dilation: vec![1], groups: 1, flip: false,
    /// };
    /// assert_eq!(p.out_len(0, 8, 3), 8);
    /// ```
    pub fn out_len(&self, i: usize, s: usize, k: usize) -> usize {
        let padded = span(s, self.input_dilation[i])
            + self.padding_lo[i] as i128
            + self.padding_hi[i] as i128;
        let o = (padded - span(k, self.kernel_dilation[i])) / self.stride[i] as i128 + 1;
        usize::try_from(o).unwrap_or(0)
    }

    /// Output shape for input shape `x` and weight shape `w`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let p = mlx_core::primitive::ConvParams {
    ///     stride: vec![1], padding_lo: vec![0], padding_hi: vec![0],
    ///     kernel_dilation: vec![1], input_dilation: vec![1], groups: 1, flip: false,
    /// };
    /// assert_eq!(p.out_shape(&[2, 5, 3], &[4, 3, 3]), vec![2, 3, 4]);
    /// ```
    pub fn out_shape(&self, x: &[usize], w: &[usize]) -> Vec<usize> {
        let d = self.spatial();
        let mut shape = vec![x[0]];
        shape.extend((0..d).map(|i| self.out_len(i, x[1 + i], w[1 + i])));
        shape.push(w[0]);
        shape
    }

    /// Record the fused convolution of `x` and `w` (validated, same dtype).
    fn node(&self, x: Array, w: Array) -> Result<Array> {
        super::FastOp::Conv(self.clone()).node(vec![x, w])
    }

    /// Cotangents of `x` and `w` for output cotangent `g`: both are
    /// convolutions again (MLX's `Convolution::vjp`, derived per axis).
    pub(crate) fn vjp(&self, x: &Array, w: &Array, g: &Array) -> Result<Vec<Option<Array>>> {
        if x.size() == 0 || w.size() == 0 || g.size() == 0 {
            return Ok(vec![Some(zeros_like(x)?), Some(zeros_like(w)?)]);
        }
        Ok(vec![
            Some(self.input_grad(x, w, g)?),
            Some(
                super::FastOp::ConvWeightGrad {
                    params: self.clone(),
                    weight_shape: w.shape().to_vec(),
                }
                .node(vec![x.clone(), g.as_type(x.dtype())?])?,
            ),
        ])
    }

    /// Per axis: (dilated input length, window span, dilated output length).
    fn spans(&self, x: &Array, w: &[usize], g: &Array) -> Vec<(i64, i64, i64)> {
        (0..self.spatial())
            .map(|i| {
                (
                    span(x.shape()[1 + i], self.input_dilation[i]) as i64,
                    span(w[1 + i], self.kernel_dilation[i]) as i64,
                    span(g.shape()[1 + i], self.stride[i]) as i64,
                )
            })
            .collect()
    }

    /// `dx[i] = sum_{o*s + k*kd = lo + i*idil} g[o] w[k]`: `g` dilated by
    /// the stride, read with the kernel reversed, every `idil` positions;
    /// the weight's channels swap within each group.
    fn input_grad(&self, x: &Array, w: &Array, g: &Array) -> Result<Array> {
        let d = self.spatial();
        let gr = self.groups as i64;
        let (cout, cg) = (w.shape()[0] as i64, w.shape()[d + 1] as i64);
        let mut lo = Vec::with_capacity(d);
        let mut hi = Vec::with_capacity(d);
        for (i, (xin, ek, out)) in self.spans(x, w.shape(), g).into_iter().enumerate() {
            lo.push(ek - 1 - self.padding_lo[i]);
            hi.push(xin - out + self.padding_lo[i]);
        }
        // [C_out, K.., Cg] = [G, Og, K.., Cg] -> [G, Cg, K.., Og].
        let mut split = vec![gr, cout / gr];
        split.extend(w.shape()[1..].iter().map(|&s| s as i64));
        let mut perm = vec![0, d as i64 + 2];
        perm.extend(2..d as i64 + 2);
        perm.push(1);
        let wt = transpose(&reshape(w, &split)?, &perm)?;
        let mut merged = vec![gr * cg];
        merged.extend(w.shape()[1..=d].iter().map(|&s| s as i64));
        merged.push(cout / gr);
        let wt = reshape(&wt, &merged)?;
        conv_general(
            g,
            &wt,
            &as_i64(&self.input_dilation),
            &lo,
            &hi,
            &as_i64(&self.kernel_dilation),
            &as_i64(&self.stride),
            gr,
            !self.flip,
        )
    }

    /// The weight cotangent for weight shape `w` (the fallback of
    /// [`FastOp::ConvWeightGrad`](super::FastOp::ConvWeightGrad)):
    /// `dw[k] = sum_{n, o} g[n, o] x[n, o*s + k*kd]`, a convolution whose
    /// batch is the input channels (per group), whose channels are the
    /// batch, and whose kernel is `g`; reversed again for a flipped kernel.
    pub(crate) fn weight_grad(&self, x: &Array, w: &[usize], g: &Array) -> Result<Array> {
        let d = self.spatial();
        let gr = self.groups as i64;
        let n = x.shape()[0] as i64;
        let cg = w[d + 1] as i64;
        let mut hi = Vec::with_capacity(d);
        for (i, (xin, ek, out)) in self.spans(x, w, g).into_iter().enumerate() {
            hi.push(ek + out - 1 - xin - self.padding_lo[i]);
        }
        // [N, S.., G*Cg] -> [N, S.., G, Cg] -> [Cg, S.., G, N] -> [Cg, S.., G*N].
        let mut split = vec![n];
        split.extend(x.shape()[1..=d].iter().map(|&s| s as i64));
        split.extend([gr, cg]);
        let mut perm = vec![d as i64 + 2];
        perm.extend(1..=d as i64);
        perm.extend([d as i64 + 1, 0]);
        let xt = transpose(&reshape(x, &split)?, &perm)?;
        let mut merged = vec![cg];
        merged.extend(x.shape()[1..=d].iter().map(|&s| s as i64));
        merged.push(gr * n);
        let xt = reshape(&xt, &merged)?;
        let gt = swapaxes(g, 0, -1)?;
        let mut r = conv_general(
            &xt,
            &gt,
            &as_i64(&self.kernel_dilation),
            &self.padding_lo,
            &hi,
            &as_i64(&self.stride),
            &as_i64(&self.input_dilation),
            gr,
            false,
        )?;
        if self.flip {
            let mut args = vec![SliceArg::full(); d + 2];
            for a in args.iter_mut().skip(1).take(d) {
                *a = SliceArg::range(None, None, -1);
            }
            r = r.index(&args)?;
        }
        swapaxes(&r, 0, -1)
    }

    /// Tangent of the output: conv is linear in each argument.
    pub(crate) fn jvp(&self, x: &Array, w: &Array, t: &[Option<Array>]) -> Result<Option<Array>> {
        let tx = t[0]
            .as_ref()
            .map(|tx| self.node(tx.as_type(x.dtype())?, w.clone()))
            .transpose()?;
        let tw = t[1]
            .as_ref()
            .map(|tw| self.node(x.clone(), tw.as_type(w.dtype())?))
            .transpose()?;
        match (tx, tw) {
            (Some(a), Some(b)) => Ok(Some((&a + &b)?)),
            (a, b) => Ok(a.or(b)),
        }
    }
}

fn as_i64(v: &[usize]) -> Vec<i64> {
    v.iter().map(|&x| x as i64).collect()
}
