//! MLX's affine quantization: `quantize`, `dequantize`, `quantized_matmul`
//! and `gather_qmm`, composed from existing ops and the bitwise ops (no
//! kernels of their own).
//!
//! Every `group_size` consecutive elements of a row share a scale `s` and
//! bias `b`, and each element is stored as `bits` bits `q` with
//! `w ≈ s * q + b`. A row's codes form one little-endian bit stream of
//! `uint32` words: code `j` occupies bits `bits * j ..` of the stream, so
//! 3-, 5- and 6-bit codes cross word boundaries exactly as MLX packs them.

use super::binary::{greater, maximum, not_equal, where_};
use super::bitwise::{bitwise_and, bitwise_or, left_shift, right_shift};
use super::indexing::{slice_axis, take};
use super::matmul::matmul;
use super::reduce::{max, min, sum};
use super::shape::{astype, broadcast_arrays, expand_dims, reshape, stack, swapaxes};
use super::unary::{abs, round};
use crate::{Array, Dtype, Error, HostData, Result};

/// MLX's default group size.
const DEFAULT_GROUP_SIZE: usize = 64;
/// MLX's default number of bits.
const DEFAULT_BITS: usize = 4;

/// MLX's quantization modes (its `mode` strings). Only [`Affine`]
/// (MLX's default) is implemented; the microscaling formats are rejected
/// with an error naming the op and the mode.
///
/// [`Affine`]: QuantizationMode::Affine
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QuantizationMode {
    /// A scale and a bias per group (MLX `"affine"`, the default).
    #[default]
    Affine,
    /// MX FP4: 4-bit floats with a shared 8-bit exponent scale (MLX `"mxfp4"`).
    Mxfp4,
    /// MX FP8 (MLX `"mxfp8"`).
    Mxfp8,
    /// NVIDIA FP4 (MLX `"nvfp4"`).
    Nvfp4,
}

impl QuantizationMode {
    /// Parse MLX's mode name.
    ///
    /// # Errors
    /// `[quantize] invalid quantization mode 'foo'`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::ops::QuantizationMode;
    /// assert_eq!(QuantizationMode::parse("mxfp4")?, QuantizationMode::Mxfp4);
    /// assert!(QuantizationMode::parse("zz").is_err());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn parse(mode: &str) -> Result<QuantizationMode> {
        Ok(match mode {
            "affine" => QuantizationMode::Affine,
            "mxfp4" => QuantizationMode::Mxfp4,
            "mxfp8" => QuantizationMode::Mxfp8,
            "nvfp4" => QuantizationMode::Nvfp4,
            other => {
                return Err(Error::invalid(
                    "quantize",
                    format!("invalid quantization mode '{other}'"),
                ))
            }
        })
    }

    /// MLX's name of the mode.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_core::ops::QuantizationMode::Affine.name(), "affine");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            QuantizationMode::Affine => "affine",
            QuantizationMode::Mxfp4 => "mxfp4",
            QuantizationMode::Mxfp8 => "mxfp8",
            QuantizationMode::Nvfp4 => "nvfp4",
        }
    }
}

/// Resolve and check `group_size`, `bits` (MLX's defaults: 64 and 4) and
/// `mode` (only affine is implemented).
fn params(
    op: &'static str,
    group_size: Option<usize>,
    bits: Option<usize>,
    mode: QuantizationMode,
) -> Result<(usize, usize)> {
    if mode != QuantizationMode::Affine {
        return Err(Error::invalid(
            op,
            format!(
                "quantization mode '{}' is not supported, only 'affine' is",
                mode.name()
            ),
        ));
    }
    let gs = group_size.unwrap_or(DEFAULT_GROUP_SIZE);
    let bits = bits.unwrap_or(DEFAULT_BITS);
    if ![32, 64, 128].contains(&gs) {
        return Err(Error::invalid(
            op,
            format!(
                "the requested group size {gs} is not supported. The supported group sizes are 32, 64, and 128"
            ),
        ));
    }
    if ![1, 2, 3, 4, 5, 6, 8].contains(&bits) {
        return Err(Error::invalid(
            op,
            format!(
                "the requested number of bits {bits} is not supported. The supported bits are 1, 2, 3, 4, 5, 6 and 8"
            ),
        ));
    }
    Ok((gs, bits))
}

/// Codes per chunk of whole words (`lcm(bits, 32) / bits`) and the words
/// they fill.
fn chunk(bits: usize) -> (usize, usize) {
    let mut a = bits;
    let mut b = 32;
    while b != 0 {
        (a, b) = (b, a % b);
    }
    let codes = 32 / a;
    (codes, codes * bits / 32)
}

/// A `uint32` vector constant on `like`'s device.
fn u32s(v: Vec<u32>, like: &Array) -> Result<Array> {
    let n = v.len();
    Array::from_host_data_on(HostData::from(v), &[n], like.device())
}

/// `shape` as `i64`s followed by `tail`.
fn dims(shape: &[usize], tail: &[usize]) -> Vec<i64> {
    shape.iter().chain(tail).map(|&d| d as i64).collect()
}

/// Pack `uint32` codes `q` (`[..., k]`, each below `2^bits`) into words
/// (`[..., k * bits / 32]`).
fn pack(q: &Array, bits: usize) -> Result<Array> {
    let (c, nw) = chunk(bits);
    let (lead, k) = q.shape().split_at(q.ndim() - 1);
    let q = reshape(q, &dims(lead, &[k[0] / c, c]))?;
    let offs: Vec<usize> = (0..c).map(|j| bits * j).collect();
    let lo = left_shift(
        &q,
        &u32s(offs.iter().map(|o| (o % 32) as u32).collect(), &q)?,
    )?;
    let mut words = Vec::with_capacity(nw);
    for wi in 0..nw {
        let first = offs.iter().position(|o| o / 32 == wi).unwrap_or(c);
        let last = offs.iter().rposition(|o| o / 32 == wi).unwrap_or(0);
        let mut word = sum(
            &slice_axis(&lo, lo.ndim() - 1, first as i64, last as i64 + 1)?,
            -1,
            false,
        )?;
        // The code that straddles into this word from the previous one.
        if let Some(j) = (0..c).find(|&j| offs[j] / 32 + 1 == wi && offs[j] % 32 + bits > 32) {
            let qj = slice_axis(&q, q.ndim() - 1, j as i64, j as i64 + 1)?;
            let spill = right_shift(&qj, &u32s(vec![(32 - offs[j] % 32) as u32], &q)?)?;
            word = (word + reshape(&spill, &dims(&lead_of(&spill), &[]))?)?;
        }
        words.push(word);
    }
    let refs: Vec<&Array> = words.iter().collect();
    let packed = stack(&refs, -1)?;
    reshape(&packed, &dims(lead, &[k[0] * bits / 32]))
}

/// The shape of `a` without its last axis.
fn lead_of(a: &Array) -> Vec<usize> {
    a.shape()[..a.ndim() - 1].to_vec()
}

/// Unpack words (`[..., n]`) into `uint32` codes (`[..., n * 32 / bits]`).
fn unpack(w: &Array, bits: usize) -> Result<Array> {
    let (c, nw) = chunk(bits);
    let (lead, n) = w.shape().split_at(w.ndim() - 1);
    let words = reshape(w, &dims(lead, &[n[0] / nw, nw]))?;
    let offs: Vec<usize> = (0..c).map(|j| bits * j).collect();
    let spills: Vec<bool> = offs.iter().map(|o| o % 32 + bits > 32).collect();
    let idx = u32s(offs.iter().map(|o| (o / 32) as u32).collect(), w)?;
    let lo = right_shift(
        &take(&words, &idx, -1)?,
        &u32s(offs.iter().map(|o| (o % 32) as u32).collect(), w)?,
    )?;
    let mut v = lo;
    if spills.iter().any(|&s| s) {
        let next = offs
            .iter()
            .map(|o| ((o / 32 + 1).min(nw - 1)) as u32)
            .collect();
        let hi = left_shift(
            &take(&words, &u32s(next, w)?, -1)?,
            &u32s(
                offs.iter().map(|o| ((32 - o % 32) % 32) as u32).collect(),
                w,
            )?,
        )?;
        let spill = Array::from_host_data_on(HostData::from(spills), &[c], w.device())?;
        let zero = Array::from_host_data_on(HostData::from(vec![0u32]), &[], w.device())?;
        v = bitwise_or(&v, &where_(&spill, &hi, &zero)?)?;
    }
    let v = bitwise_and(&v, &u32s(vec![(1u32 << bits) - 1], w)?)?;
    reshape(&v, &dims(lead, &[n[0] * 32 / bits]))
}

/// Quantize `w` (`[..., k]`, at least 2-d, real float) with MLX's affine
/// scheme, as one node with three outputs (evaluating one computes all):
/// returns the packed codes (`uint32`, `[..., k * bits / 32]`) and
/// the scales and biases (`w`'s dtype, `[..., k / group_size]`).
/// `group_size` is 32, 64 (default) or 128; `bits` is 1, 2, 3, 4
/// (default), 5, 6 or 8. Scales and biases are computed in `float32` and
/// rounded to `w`'s dtype, as MLX does.
///
/// # Errors
/// `[quantize] the requested group size 16 is not supported ...`, bad
/// `bits`, a non-float or `float64` `w`, fewer than 2 dimensions, or a last dimension not
/// divisible by `group_size`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let w = ops::reshape(&ops::arange(0.0, 32.0, 1.0, None)?, &[1, 32])?;
/// let (q, scales, biases) = ops::quantize(&w, Some(32), Some(4), Default::default())?;
/// assert_eq!(q.shape(), &[1, 4]);
/// assert_eq!(scales.shape(), &[1, 1]);
/// let back = ops::dequantize(&q, &scales, &biases, Some(32), Some(4), Default::default())?;
/// let err = ops::max(&ops::abs(&(&back - &w)?)?, (), false)?.item::<f32>()?;
/// assert!(err <= 31.0 / 15.0 / 2.0 + 1e-5);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn quantize(
    w: &Array,
    group_size: Option<usize>,
    bits: Option<usize>,
    mode: QuantizationMode,
) -> Result<(Array, Array, Array)> {
    const OP: &str = "quantize";
    let (gs, bits) = params(OP, group_size, bits, mode)?;
    if !w.dtype().is_float() {
        return Err(Error::invalid(
            OP,
            format!(
                "only real floating types can be quantized but w has type {}",
                w.dtype()
            ),
        ));
    }
    if w.dtype() == Dtype::Float64 {
        // MLX builds the node and fails at eval; we fail when building.
        return Err(Error::dtype(
            OP,
            w.dtype(),
            "only float16, bfloat16 and float32 are supported",
        ));
    }
    if w.ndim() < 2 {
        return Err(Error::invalid(
            OP,
            format!(
                "the matrix to be quantized must have at least 2 dimension but it has only {}",
                w.ndim()
            ),
        ));
    }
    let k = w.shape()[w.ndim() - 1];
    if k % gs != 0 {
        return Err(Error::invalid(
            OP,
            format!(
                "the last dimension of the matrix needs to be divisible by the quantization group size {gs}. However the provided matrix has shape {:?}",
                w.shape()
            ),
        ));
    }
    let mut out = crate::primitive::MultiOp::Quantize {
        group_size: gs,
        bits,
    }
    .node(vec![w.clone()])?;
    let biases = out
        .pop()
        .ok_or_else(|| Error::internal(OP, "missing output"))?;
    let scales = out
        .pop()
        .ok_or_else(|| Error::internal(OP, "missing output"))?;
    let packed = out
        .pop()
        .ok_or_else(|| Error::internal(OP, "missing output"))?;
    Ok((packed, scales, biases))
}

/// The composite of ordinary ops that defines [`quantize`] (its
/// fallback), on a validated `w`.
pub(crate) fn quantize_composite(
    w: &Array,
    gs: usize,
    bits: usize,
) -> Result<(Array, Array, Array)> {
    let (lead, k) = w.shape().split_at(w.ndim() - 1);
    let k = k[0];
    let n_bins = ((1u32 << bits) - 1) as f64;
    let wf = reshape(&astype(w, Dtype::Float32)?, &dims(lead, &[k / gs, gs]))?;
    let w_max = max(&wf, -1, true)?;
    let w_min = min(&wf, -1, true)?;
    let eps = |like: &Array| super::operators::scalar_like(1e-7f64, like);
    let (scale, bias) = if bits == 1 {
        let range = (&w_max - &w_min)?;
        (maximum(&range, &eps(&range)?)?, w_min.clone())
    } else {
        // The scale is chosen so that the larger-magnitude edge of the group
        // is exactly representable (MLX's `edge / q0`).
        let mask = greater(&abs(&w_min)?, &abs(&w_max)?)?;
        let step = ((&w_max - &w_min)? / n_bins)?;
        let step = maximum(&step, &eps(&step)?)?;
        let scale = where_(&mask, &step, &(-&step)?)?;
        let edge = where_(&mask, &w_min, &w_max)?;
        let q0 = round(&(&edge / &scale)?, 0)?;
        let nz = not_equal(&q0, &super::operators::scalar_like(0.0f64, &q0)?)?;
        let scale = where_(&nz, &(&edge / &q0)?, &scale)?;
        let bias = where_(&nz, &edge, &super::operators::scalar_like(0.0f64, &edge)?)?;
        (scale, bias)
    };
    let q = round(&((&wf - &bias)? / &scale)?, 0)?;
    let q = super::binary::clip(&q, 0.0f64, n_bins)?;
    let q = reshape(&astype(&q, Dtype::Uint32)?, &dims(lead, &[k]))?;
    let packed = pack(&q, bits)?;
    let groups = dims(lead, &[k / gs]);
    let scales = astype(&reshape(&scale, &groups)?, w.dtype())?;
    let biases = astype(&reshape(&bias, &groups)?, w.dtype())?;
    Ok((packed, scales, biases))
}

/// Check the packed matrix and its scales and biases; returns the
/// unpacked last dimension.
fn check_packed(
    op: &'static str,
    w: &Array,
    scales: &Array,
    biases: &Array,
    gs: usize,
    bits: usize,
) -> Result<usize> {
    if w.dtype() != Dtype::Uint32 {
        return Err(Error::invalid(op, "the matrix should be given as a uint32"));
    }
    if w.ndim() < 2 {
        return Err(Error::invalid(
            op,
            format!(
                "the matrix to be dequantized must have at least 2 dimension but it has only {}",
                w.ndim()
            ),
        ));
    }
    if scales.shape() != biases.shape() {
        return Err(Error::invalid(
            op,
            "shape of scales and biases does not match the matrix",
        ));
    }
    let k = w.shape()[w.ndim() - 1] * 32 / bits;
    let n_words = w.shape()[w.ndim() - 1];
    let ok = scales.ndim() == w.ndim()
        && scales.shape()[..w.ndim() - 1] == w.shape()[..w.ndim() - 1]
        && (n_words * 32) % bits == 0
        && k % gs == 0
        && scales.shape()[w.ndim() - 1] * gs == k;
    if !ok {
        return Err(Error::invalid(
            op,
            format!(
                "shape of scales and biases does not match the matrix given the quantization parameters. Provided matrix of shape {:?} and scales/biases of shape {:?} with group_size={gs} and bits={bits}",
                w.shape(),
                scales.shape()
            ),
        ));
    }
    if !scales.dtype().is_float() {
        return Err(Error::dtype(
            op,
            scales.dtype(),
            "scales must be a real floating type",
        ));
    }
    Ok(k)
}

/// Undo [`quantize`]: `scales * codes + biases` in the scales' dtype, with
/// `w` the packed `uint32` codes (`[..., k * bits / 32]`) and `scales`,
/// `biases` of shape `[..., k / group_size]`.
///
/// # Errors
/// `[dequantize] the matrix should be given as a uint32`, mismatched
/// shapes, or bad `group_size`/`bits` (as [`quantize`]).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// // Codes 0..8 at 4 bits in one word: 0x76543210.
/// let w = Array::from_slice(&[0x7654_3210u32, 0, 0, 0], &[1, 4])?;
/// let s = Array::from_slice(&[0.5f32], &[1, 1])?;
/// let b = Array::from_slice(&[-1.0f32], &[1, 1])?;
/// let d = ops::dequantize(&w, &s, &b, Some(32), Some(4), Default::default())?.to_vec::<f32>()?;
/// assert_eq!(&d[..4], &[-1.0, -0.5, 0.0, 0.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn dequantize(
    w: &Array,
    scales: &Array,
    biases: &Array,
    group_size: Option<usize>,
    bits: Option<usize>,
    mode: QuantizationMode,
) -> Result<Array> {
    const OP: &str = "dequantize";
    let (gs, bits) = params(OP, group_size, bits, mode)?;
    let k = check_packed(OP, w, scales, biases, gs, bits)?;
    let lead = lead_of(w);
    let codes = astype(&unpack(w, bits)?, scales.dtype())?;
    let codes = reshape(&codes, &dims(&lead, &[k / gs, gs]))?;
    let s = expand_dims(scales, &[-1])?;
    let b = expand_dims(biases, &[-1])?;
    let out = ((&codes * &s)? + &b)?;
    reshape(&out, &dims(&lead, &[k]))
}

/// The dequantized weight of a matmul, cast to the output dtype and laid
/// out as `[..., k, n]`; also checks `x`'s last dimension.
#[allow(clippy::too_many_arguments)]
fn weight_for(
    op: &'static str,
    x: &Array,
    w: &Array,
    scales: &Array,
    biases: &Array,
    transpose: bool,
    gs: usize,
    bits: usize,
) -> Result<(Array, Dtype)> {
    if check_packed(op, w, scales, biases, gs, bits).is_err() {
        return Err(Error::invalid(
            op,
            format!(
                "the shapes of the weight and scales are incompatible based on bits and group_size. w.shape() == {:?} and scales.shape() == {:?} with group_size={gs} and bits={bits}",
                w.shape(),
                scales.shape()
            ),
        ));
    }
    let rows = w.shape()[w.ndim() - 2];
    let cols = w.shape()[w.ndim() - 1] * 32 / bits;
    let want = if transpose { cols } else { rows };
    let got = x.shape().last().copied().unwrap_or(0);
    if x.ndim() == 0 || got != want {
        let (a, b) = if transpose {
            (cols, rows)
        } else {
            (rows, cols)
        };
        return Err(Error::invalid(
            op,
            format!(
                "last dimension of first input with shape (..., {got}) does not match the expanded quantized matrix ({a}, {b}) computed from shape {:?} with group_size={gs}, bits={bits} and transpose={transpose}",
                w.shape()
            ),
        ));
    }
    let mut dtype = Dtype::promote(x.dtype(), scales.dtype());
    if !dtype.is_float() {
        dtype = Dtype::Float32;
    }
    let wd = astype(
        &dequantize(
            w,
            scales,
            biases,
            Some(gs),
            Some(bits),
            QuantizationMode::Affine,
        )?,
        dtype,
    )?;
    let wd = if transpose {
        swapaxes(&wd, -1, -2)?
    } else {
        wd
    };
    Ok((wd, dtype))
}

/// `x @ dequantize(w).T` (or `x @ dequantize(w)` with `transpose = false`),
/// MLX's `quantized_matmul`; computed by dequantizing then multiplying.
/// The output dtype is that of `x` promoted with the scales'.
///
/// # Errors
/// `[quantized_matmul] the shapes of the weight and scales are incompatible
/// ...`, a mismatched last dimension of `x`, or matmul's broadcast errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let w = ops::ones(&[2, 32], mlx_core::Dtype::Float32)?;
/// let (q, s, b) = ops::quantize(&w, Some(32), Some(4), Default::default())?;
/// let x = ops::ones(&[3, 32], mlx_core::Dtype::Float32)?;
/// let y = ops::quantized_matmul(&x, &q, &s, &b, true, Some(32), Some(4), Default::default())?;
/// assert_eq!(y.to_vec::<f32>()?, vec![32.0; 6]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn quantized_matmul(
    x: &Array,
    w: &Array,
    scales: &Array,
    biases: &Array,
    transpose: bool,
    group_size: Option<usize>,
    bits: Option<usize>,
    mode: QuantizationMode,
) -> Result<Array> {
    const OP: &str = "quantized_matmul";
    let (gs, bits) = params(OP, group_size, bits, mode)?;
    let (wd, dtype) = weight_for(OP, x, w, scales, biases, transpose, gs, bits)?;
    matmul(&astype(x, dtype)?, &wd)
}

/// `arange(prod(batch))` reshaped to `batch` (the default gather indices).
fn batch_indices(batch: &[usize], like: &Array) -> Result<Array> {
    let n: usize = batch.iter().product();
    let v: Vec<u32> = (0..n as u32).collect();
    Array::from_host_data_on(HostData::from(v), batch, like.device())
}

/// A quantized matmul with the batches of `x` and `w` gathered by
/// `lhs_indices` and `rhs_indices` (MLX's `gather_qmm`; by default each
/// indexes its own batch in order). The indices broadcast together and give
/// the output's batch shape: the result is
/// `[*indices.shape, M, N]`. `sorted_indices` is a performance hint in MLX
/// and does not change the result.
///
/// # Errors
/// `[gather_qmm] got indices with invalid dtype. Indices must be integral`,
/// and the errors of [`quantized_matmul`] (named `gather_qmm`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array, Dtype};
/// let w = ops::ones(&[3, 2, 32], Dtype::Float32)?; // 3 experts
/// let (q, s, b) = ops::quantize(&w, Some(32), Some(4), Default::default())?;
/// let x = ops::ones(&[1, 32], Dtype::Float32)?;
/// let idx = Array::from_slice(&[2u32, 0], &[2])?;
/// let y = ops::gather_qmm(&x, &q, &s, &b, None, Some(&idx), true, Some(32), Some(4), Default::default(), false)?;
/// assert_eq!(y.shape(), &[2, 1, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn gather_qmm(
    x: &Array,
    w: &Array,
    scales: &Array,
    biases: &Array,
    lhs_indices: Option<&Array>,
    rhs_indices: Option<&Array>,
    transpose: bool,
    group_size: Option<usize>,
    bits: Option<usize>,
    mode: QuantizationMode,
    sorted_indices: bool,
) -> Result<Array> {
    const OP: &str = "gather_qmm";
    let _ = sorted_indices;
    let (gs, bits) = params(OP, group_size, bits, mode)?;
    for i in [lhs_indices, rhs_indices].into_iter().flatten() {
        if !i.dtype().is_integer() {
            return Err(Error::invalid(
                OP,
                "got indices with invalid dtype. Indices must be integral",
            ));
        }
    }
    if x.ndim() < 2 {
        return Err(Error::invalid(
            OP,
            "the first input must have at least 2 dimensions",
        ));
    }
    let (wd, dtype) = weight_for(OP, x, w, scales, biases, transpose, gs, bits)?;
    let x_batch = &x.shape()[..x.ndim() - 2];
    let w_batch = &wd.shape()[..wd.ndim() - 2];
    let lhs = match lhs_indices {
        Some(i) => i.clone(),
        None => batch_indices(x_batch, x)?,
    };
    let rhs = match rhs_indices {
        Some(i) => i.clone(),
        None => batch_indices(w_batch, x)?,
    };
    let idx = broadcast_arrays(&[&lhs, &rhs])?;
    let flat = |a: &Array| -> Result<Array> {
        let n = a.ndim();
        let mut d = vec![-1i64];
        d.extend(a.shape()[n - 2..].iter().map(|&v| v as i64));
        reshape(a, &d)
    };
    let xs = take(&flat(&astype(x, dtype)?)?, &idx[0], 0)?;
    let ws = take(&flat(&wd)?, &idx[1], 0)?;
    matmul(&xs, &ws)
}
