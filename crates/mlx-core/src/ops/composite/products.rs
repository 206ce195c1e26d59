//! Products built on `matmul` and broadcasting: `tensordot`, `inner`,
//! `outer`, `kron`, `addmm`, `block_masked_mm`, `gather_mm` and
//! `hadamard_transform`. All composites: no kernels of their own.

use crate::ops::{
    astype, broadcast_to, expand_dims, flatten, index, matmul, multiply, repeat, reshape,
    slice_axis, squeeze, stack, take, transpose,
};
use crate::primitive::FastOp;
use crate::shape::{format_shape, normalize_axis};
use crate::{with_default_device, Array, Dtype, Error, Result};

fn dims(shape: &[usize]) -> Vec<i64> {
    shape.iter().map(|&d| d as i64).collect()
}

/// Tensor contraction over the last `axes` axes of `a` and the first
/// `axes` axes of `b` (MLX's `tensordot` with an int).
///
/// # Errors
/// `[tensordot] axis must be greater or equal to 0`, `axes` beyond either
/// rank, mismatched contracted shapes, or `[matmul]` dtype errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::ones(&[2, 3], mlx_core::Dtype::Float32)?;
/// let b = mlx_core::ops::ones(&[3, 4], mlx_core::Dtype::Float32)?;
/// assert_eq!(mlx_core::ops::tensordot(&a, &b, 1)?.shape(), &[2, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tensordot(a: &Array, b: &Array, axes: i64) -> Result<Array> {
    tensordot_unlabeled(a, b, axes).map_err(|e| e.in_op("tensordot"))
}

/// [`tensordot`] before its errors are relabelled.
fn tensordot_unlabeled(a: &Array, b: &Array, axes: i64) -> Result<Array> {
    if axes < 0 {
        return Err(Error::invalid(
            "tensordot",
            "axis must be greater or equal to 0",
        ));
    }
    let n = axes as usize;
    if n > a.ndim() || n > b.ndim() {
        return Err(Error::invalid(
            "tensordot",
            "axis must be less than the number of dimensions of a and b",
        ));
    }
    let aa: Vec<i64> = (a.ndim() - n..a.ndim()).map(|x| x as i64).collect();
    let bb: Vec<i64> = (0..n).map(|x| x as i64).collect();
    tensordot_axes(a, b, &aa, &bb)
}

/// Tensor contraction of `a`'s `axes_a` with `b`'s `axes_b` (MLX's
/// `tensordot` with a pair of lists). The result has `a`'s free axes then
/// `b`'s.
///
/// # Errors
/// `[tensordot] axes must have the same size`, bad axes, mismatched
/// contracted shapes, or `[matmul]` dtype errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::ops::ones(&[3, 2], mlx_core::Dtype::Float32)?;
/// let b = mlx_core::ops::ones(&[4, 3], mlx_core::Dtype::Float32)?;
/// let c = mlx_core::ops::tensordot_axes(&a, &b, &[0], &[1])?;
/// assert_eq!(c.shape(), &[2, 4]);
/// assert_eq!(c.to_vec::<f32>()?, vec![3.0; 8]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn tensordot_axes(a: &Array, b: &Array, axes_a: &[i64], axes_b: &[i64]) -> Result<Array> {
    tensordot_axes_unlabeled(a, b, axes_a, axes_b).map_err(|e| e.in_op("tensordot"))
}

/// [`tensordot_axes`] before its errors are relabelled.
fn tensordot_axes_unlabeled(a: &Array, b: &Array, axes_a: &[i64], axes_b: &[i64]) -> Result<Array> {
    if axes_a.len() != axes_b.len() {
        return Err(Error::invalid("tensordot", "axes must have the same size"));
    }
    let ca = axes_a
        .iter()
        .map(|&x| normalize_axis("tensordot", x, a.ndim()))
        .collect::<Result<Vec<_>>>()?;
    let cb = axes_b
        .iter()
        .map(|&x| normalize_axis("tensordot", x, b.ndim()))
        .collect::<Result<Vec<_>>>()?;
    let mut csize = 1usize;
    for (&i, &j) in ca.iter().zip(&cb) {
        if a.shape()[i] != b.shape()[j] {
            return Err(Error::invalid(
                "tensordot",
                "a and b must have the same shape on the contracted axes",
            ));
        }
        csize *= a.shape()[i];
    }
    let fa: Vec<usize> = (0..a.ndim()).filter(|x| !ca.contains(x)).collect();
    let fb: Vec<usize> = (0..b.ndim()).filter(|x| !cb.contains(x)).collect();
    let pa: Vec<i64> = fa.iter().chain(&ca).map(|&x| x as i64).collect();
    let pb: Vec<i64> = cb.iter().chain(&fb).map(|&x| x as i64).collect();
    let m: usize = fa.iter().map(|&x| a.shape()[x]).product();
    let n: usize = fb.iter().map(|&x| b.shape()[x]).product();
    let a2 = reshape(&transpose(a, &pa)?, &[m as i64, csize as i64])?;
    let b2 = reshape(&transpose(b, &pb)?, &[csize as i64, n as i64])?;
    let mut out: Vec<i64> = fa.iter().map(|&x| a.shape()[x] as i64).collect();
    out.extend(fb.iter().map(|&x| b.shape()[x] as i64));
    reshape(&matmul(&a2, &b2)?, &out)
}

/// Inner product over the last axes (MLX's `inner`); a 0-d operand
/// multiplies.
///
/// # Errors
/// `[inner] a and b must have the same last dimension`, `[matmul]` dtype
/// errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// assert_eq!(mlx_core::ops::inner(&a, &a)?.item::<f32>()?, 5.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn inner(a: &Array, b: &Array) -> Result<Array> {
    inner_unlabeled(a, b).map_err(|e| e.in_op("inner"))
}

/// [`inner`] before its errors are relabelled.
fn inner_unlabeled(a: &Array, b: &Array) -> Result<Array> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return multiply(a, b);
    }
    if a.shape()[a.ndim() - 1] != b.shape()[b.ndim() - 1] {
        return Err(Error::invalid(
            "inner",
            "a and b must have the same last dimension",
        ));
    }
    tensordot_axes(a, b, &[-1], &[-1])
}

/// Outer product of the flattened inputs (MLX's `outer`).
///
/// # Errors
/// Dtype errors of `multiply`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::outer(&a, &a)?.to_vec::<i32>()?, vec![1, 2, 2, 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn outer(a: &Array, b: &Array) -> Result<Array> {
    outer_unlabeled(a, b).map_err(|e| e.in_op("outer"))
}

/// [`outer`] before its errors are relabelled.
fn outer_unlabeled(a: &Array, b: &Array) -> Result<Array> {
    multiply(&reshape(a, &[-1, 1])?, &flatten(b, 0, -1)?)
}

/// Kronecker product (MLX's `kron`).
///
/// # Errors
/// `[kron] input arrays cannot be empty`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 10], &[2])?;
/// let b = mlx_core::Array::from_slice(&[1i32, 2], &[2])?;
/// assert_eq!(mlx_core::ops::kron(&a, &b)?.to_vec::<i32>()?, vec![1, 2, 10, 20]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn kron(a: &Array, b: &Array) -> Result<Array> {
    kron_unlabeled(a, b).map_err(|e| e.in_op("kron"))
}

/// [`kron`] before its errors are relabelled.
fn kron_unlabeled(a: &Array, b: &Array) -> Result<Array> {
    if a.size() == 0 || b.size() == 0 {
        return Err(Error::invalid("kron", "input arrays cannot be empty"));
    }
    let nd = a.ndim().max(b.ndim());
    let pad = |s: &[usize]| {
        let mut v = vec![1i64; nd - s.len()];
        v.extend(s.iter().map(|&d| d as i64));
        v
    };
    let (sa, sb) = (pad(a.shape()), pad(b.shape()));
    let mut ea = Vec::with_capacity(2 * nd);
    let mut eb = Vec::with_capacity(2 * nd);
    let mut out = Vec::with_capacity(nd);
    for i in 0..nd {
        ea.extend([sa[i], 1]);
        eb.extend([1, sb[i]]);
        out.push(
            sa[i]
                .checked_mul(sb[i])
                .ok_or_else(|| crate::Error::overflow("kron", "output shape overflows"))?,
        );
    }
    reshape(&multiply(&reshape(a, &ea)?, &reshape(b, &eb)?)?, &out)
}

/// `alpha * (a @ b) + beta * c` (MLX's `addmm`); `c` broadcasts to the
/// product's shape.
///
/// # Errors
/// `[addmm] got 0 dimension input ...`, mismatched inner dimensions, a
/// non-real-float result dtype, or `c` not broadcasting to the output.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let c = mlx_core::ops::ones(&[2, 2], mlx_core::Dtype::Float32)?;
/// let a = mlx_core::ops::ones(&[2, 3], mlx_core::Dtype::Float32)?;
/// let b = mlx_core::ops::ones(&[3, 2], mlx_core::Dtype::Float32)?;
/// let out = mlx_core::ops::addmm(&c, &a, &b, 2.0, 0.5)?;
/// assert_eq!(out.to_vec::<f32>()?, vec![6.5; 4]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn addmm(c: &Array, a: &Array, b: &Array, alpha: f32, beta: f32) -> Result<Array> {
    addmm_unlabeled(c, a, b, alpha, beta).map_err(|e| e.in_op("addmm"))
}

/// [`addmm`] before its errors are relabelled.
fn addmm_unlabeled(c: &Array, a: &Array, b: &Array, alpha: f32, beta: f32) -> Result<Array> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(Error::invalid(
            "addmm",
            "got 0 dimension input, inputs must have at least one dimension",
        ));
    }
    let (a1, b1) = (a.ndim() == 1, b.ndim() == 1);
    let a2 = if a1 { expand_dims(a, &[0])? } else { a.clone() };
    let b2 = if b1 {
        expand_dims(b, &[-1])?
    } else {
        b.clone()
    };
    if a2.shape()[a2.ndim() - 1] != b2.shape()[b2.ndim() - 2] {
        return Err(Error::invalid(
            "addmm",
            format!(
                "last dimension of first input with shape {} must match second to last dimension of second input with shape {}",
                format_shape(a2.shape()),
                format_shape(b2.shape())
            ),
        ));
    }
    let dt = Dtype::promote(c.dtype(), Dtype::promote(a.dtype(), b.dtype()));
    if !dt.is_inexact() || dt.is_complex() {
        return Err(Error::dtype(
            "addmm",
            dt,
            format!(
                "only real floating point types are supported but {}, {} and {} were provided",
                a.dtype(),
                b.dtype(),
                c.dtype()
            ),
        ));
    }
    let mut p = matmul(&astype(&a2, dt)?, &astype(&b2, dt)?)?;
    if b1 {
        p = squeeze(&p, &[-1])?;
    }
    if a1 {
        p = squeeze(&p, &[if b1 { -1 } else { -2 }])?;
    }
    let shape = p.shape().to_vec();
    let cb = crate::shape::broadcast_shapes("broadcast_shapes", c.shape(), &shape)?;
    if cb != shape {
        return Err(Error::invalid(
            "addmm",
            "input c must broadcast to the output shape",
        ));
    }
    // Scaling by exactly 1 is the identity (also for inf, NaN and -0), so
    // `nn::Linear`'s `addmm(b, x, w.T, 1, 1)` is one product and one add;
    // `c` is scaled at its own shape and broadcast by the add.
    let scale = |x: Array, k: f32| if k == 1.0 { Ok(x) } else { &x * k as f64 };
    scale(p, alpha)? + scale(astype(c, dt)?, beta)?
}

/// Expand a block mask `(.., R, C)` to `(.., rows, cols)` by `bs`.
fn expand_mask(mask: &Array, bs: usize, rows: usize, cols: usize, dt: Dtype) -> Result<Array> {
    let m = astype(mask, dt)?;
    let nd = m.ndim() as i64;
    let m = repeat(&repeat(&m, bs as i64, nd - 2)?, bs as i64, nd - 1)?;
    let m = slice_axis(&m, (nd - 2) as usize, 0, rows as i64)?;
    slice_axis(&m, (nd - 1) as usize, 0, cols as i64)
}

/// Matrix product with block masks (MLX's `block_masked_mm`): `a` is
/// `(.., M, K)`, `b` is `(.., K, N)`; `mask_lhs` `(.., ceil(M/bs),
/// ceil(K/bs))`, `mask_rhs` `(.., ceil(K/bs), ceil(N/bs))` and `mask_out`
/// `(.., ceil(M/bs), ceil(N/bs))` scale (bool: keep or zero) each block.
///
/// # Errors
/// `[block_masked_mm] ...` for inputs of fewer than two dimensions or
/// masks of the wrong shape, and `[matmul]` errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array, Dtype};
/// let a = ops::ones(&[64, 64], Dtype::Float32)?;
/// let m = Array::from_slice(&[true, false, false, true], &[2, 2])?;
/// let c = ops::block_masked_mm(&a, &a, 32, Some(&m), None, None)?;
/// assert_eq!(c.to_vec::<f32>()?[..2], [64.0, 64.0]);
/// assert_eq!(c.to_vec::<f32>()?[32], 0.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn block_masked_mm(
    a: &Array,
    b: &Array,
    block_size: usize,
    mask_out: Option<&Array>,
    mask_lhs: Option<&Array>,
    mask_rhs: Option<&Array>,
) -> Result<Array> {
    block_masked_mm_unlabeled(a, b, block_size, mask_out, mask_lhs, mask_rhs)
        .map_err(|e| e.in_op("block_masked_mm"))
}

/// [`block_masked_mm`] before its errors are relabelled.
fn block_masked_mm_unlabeled(
    a: &Array,
    b: &Array,
    block_size: usize,
    mask_out: Option<&Array>,
    mask_lhs: Option<&Array>,
    mask_rhs: Option<&Array>,
) -> Result<Array> {
    const OP: &str = "block_masked_mm";
    if a.ndim() < 2 || b.ndim() < 2 {
        return Err(Error::invalid(OP, "arrays must have at least 2 dimensions"));
    }
    if block_size == 0 {
        return Err(Error::invalid(OP, "block_size must be positive"));
    }
    let (m, k) = (a.shape()[a.ndim() - 2], a.shape()[a.ndim() - 1]);
    let n = b.shape()[b.ndim() - 1];
    let dt = Dtype::promote(a.dtype(), b.dtype());
    let blocks = |x: usize| x.div_ceil(block_size);
    let check = |mask: &Array, r: usize, c: usize, what: &str| -> Result<()> {
        let s = mask.shape();
        if s.len() < 2 || s[s.len() - 2] != blocks(r) || s[s.len() - 1] != blocks(c) {
            return Err(Error::invalid(
                OP,
                format!(
                    "{what} mask has shape {} but the blocks are ({}, {})",
                    format_shape(s),
                    blocks(r),
                    blocks(c)
                ),
            ));
        }
        Ok(())
    };
    with_default_device(a.device(), || {
        let mut a = astype(a, dt)?;
        let mut b = astype(b, dt)?;
        if let Some(ml) = mask_lhs {
            check(ml, m, k, "lhs")?;
            a = multiply(&a, &expand_mask(ml, block_size, m, k, dt)?)?;
        }
        if let Some(mr) = mask_rhs {
            check(mr, k, n, "rhs")?;
            b = multiply(&b, &expand_mask(mr, block_size, k, n, dt)?)?;
        }
        let mut out = matmul(&a, &b)?;
        if let Some(mo) = mask_out {
            check(mo, m, n, "output")?;
            out = multiply(&out, &expand_mask(mo, block_size, m, n, dt)?)?;
        }
        Ok(out)
    })
}

/// Default gather indices: every batch matrix, in the batch's shape.
fn batch_indices(x: &Array) -> Result<Array> {
    let batch = &x.shape()[..x.ndim() - 2];
    let count: usize = batch.iter().product();
    let v: Vec<i64> = (0..count as i64).collect();
    crate::ops::structure::index_array("gather_mm", x, v, batch)
}

/// Matrix products of gathered batches (MLX's `gather_mm`): output
/// `[i..]` is `a_flat[lhs_indices[i..]] @ b_flat[rhs_indices[i..]]`, where
/// `a_flat`/`b_flat` flatten the batch axes. Indices default to every
/// batch matrix in order and broadcast together. `sorted_indices` is a
/// speed hint and does not change the result.
///
/// # Errors
/// `[gather_mm] got indices with invalid dtype, indices must be integral`,
/// index broadcast errors, and `[matmul]` errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array, Dtype};
/// let a = ops::ones(&[3, 2, 4], Dtype::Float32)?;
/// let b = ops::ones(&[5, 4, 6], Dtype::Float32)?;
/// let li = Array::from_slice(&[0i32, 2], &[2])?;
/// let ri = Array::from_slice(&[4i32, 1], &[2])?;
/// assert_eq!(ops::gather_mm(&a, &b, Some(&li), Some(&ri), false)?.shape(), &[2, 2, 6]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn gather_mm(
    a: &Array,
    b: &Array,
    lhs_indices: Option<&Array>,
    rhs_indices: Option<&Array>,
    sorted_indices: bool,
) -> Result<Array> {
    gather_mm_unlabeled(a, b, lhs_indices, rhs_indices, sorted_indices)
        .map_err(|e| e.in_op("gather_mm"))
}

/// [`gather_mm`] before its errors are relabelled.
fn gather_mm_unlabeled(
    a: &Array,
    b: &Array,
    lhs_indices: Option<&Array>,
    rhs_indices: Option<&Array>,
    sorted_indices: bool,
) -> Result<Array> {
    const OP: &str = "gather_mm";
    let _ = sorted_indices;
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(Error::invalid(
            OP,
            "got 0 dimension input, inputs must have at least one dimension",
        ));
    }
    for idx in [lhs_indices, rhs_indices].into_iter().flatten() {
        if !idx.dtype().is_integer() {
            return Err(Error::invalid(
                OP,
                "got indices with invalid dtype, indices must be integral",
            ));
        }
    }
    let (a1, b1) = (a.ndim() == 1, b.ndim() == 1);
    let a2 = if a1 { expand_dims(a, &[0])? } else { a.clone() };
    let b2 = if b1 {
        expand_dims(b, &[-1])?
    } else {
        b.clone()
    };
    let li = match lhs_indices {
        Some(i) => i.clone(),
        None => batch_indices(&a2)?,
    };
    let ri = match rhs_indices {
        Some(i) => i.clone(),
        None => batch_indices(&b2)?,
    };
    let bshape = crate::shape::broadcast_shapes(OP, li.shape(), ri.shape())?;
    let flat = |x: &Array| -> Result<Array> {
        let s = x.shape();
        reshape(x, &[-1, s[s.len() - 2] as i64, s[s.len() - 1] as i64])
    };
    let ga = take(&flat(&a2)?, &broadcast_to(&li, &bshape)?, 0)?;
    let gb = take(&flat(&b2)?, &broadcast_to(&ri, &bshape)?, 0)?;
    let mut out = matmul(&ga, &gb)?;
    if b1 {
        out = squeeze(&out, &[-1])?;
    }
    if a1 {
        out = squeeze(&out, &[-2])?;
    }
    Ok(out)
}

/// Walsh-Hadamard transform over the last axis, times `scale` (default
/// `1/sqrt(n)`), MLX's `hadamard_transform`. Integer inputs give
/// `float32`. The size of the last axis is `m * 2^k` with `m` one of 1,
/// 12, 20, 28 (MLX's Hadamard factors, applied as a small matrix product).
///
/// # Errors
/// `[hadamard_transform] only supports n = m*2^k where m in (1, 12, 20, 28)`,
/// or `[hadamard_transform] does not support empty arrays` (as MLX).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 0.0], &[2])?;
/// let h = mlx_core::ops::hadamard_transform(&a, Some(1.0))?;
/// assert_eq!(h.to_vec::<f32>()?, vec![1.0, 1.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn hadamard_transform(a: &Array, scale: Option<f32>) -> Result<Array> {
    hadamard_transform_unlabeled(a, scale).map_err(|e| e.in_op("hadamard_transform"))
}

/// [`hadamard_transform`] before its errors are relabelled: validate, cast,
/// and record one fused node.
fn hadamard_transform_unlabeled(a: &Array, scale: Option<f32>) -> Result<Array> {
    let dt = if a.dtype().is_inexact() {
        a.dtype()
    } else {
        Dtype::Float32
    };
    if a.size() == 0 {
        // As MLX: "[hadamard_transform] Does not support empty arrays."
        return Err(Error::invalid(
            "hadamard_transform",
            "does not support empty arrays",
        ));
    }
    let n = hadamard_len(a);
    if hadamard_split(n).is_none() {
        return Err(Error::invalid(
            "hadamard_transform",
            "only supports n = m*2^k where m in (1, 12, 20, 28)",
        ));
    }
    let scale = scale.unwrap_or(1.0 / (n as f32).sqrt());
    FastOp::Hadamard { scale }.node(vec![astype(a, dt)?])
}

/// The length of the axis the transform runs over (1 for a scalar).
fn hadamard_len(a: &Array) -> usize {
    if a.ndim() == 0 {
        1
    } else {
        a.shape()[a.ndim() - 1]
    }
}

/// `n = m * 2^k` with `m` one of MLX's factors 1, 12, 20, 28, as `(m, k)`.
pub(crate) fn hadamard_split(n: usize) -> Option<(usize, usize)> {
    let pow2 = |x: usize| x > 0 && x.is_power_of_two();
    [1usize, 12, 20, 28]
        .iter()
        .find(|&&m| n % m == 0 && pow2(n / m))
        .map(|&m| (m, (n / m).trailing_zeros() as usize))
}

/// The composite that defines [`FastOp::Hadamard`] (its fallback): the
/// butterflies as slices and stacks, then a product with `H_m`, times
/// `scale`, in `x`'s (floating) dtype.
pub(crate) fn hadamard_composite(x: &Array, scale: f32) -> Result<Array> {
    let dt = x.dtype();
    let n = hadamard_len(x);
    let Some((m, k)) = hadamard_split(n) else {
        return Err(Error::internal("hadamard_transform", "unchecked length"));
    };
    let lead = dims(&x.shape()[..x.ndim().saturating_sub(1)]);
    // The last axis is `[m, 2, .., 2]` (MLX's order: the factor `m` is the
    // slow index): butterflies over the 2s, then a product with `H_m`.
    let mut shape = lead.clone();
    shape.push(m as i64);
    shape.extend(std::iter::repeat_n(2i64, k));
    let mut y = reshape(x, &shape)?;
    let base = lead.len() + 1;
    for j in 0..k {
        let ax = base + j;
        let mut args = vec![crate::ops::SliceArg::full(); y.ndim()];
        args[ax] = crate::ops::SliceArg::Index(0);
        let y0 = index(&y, &args)?;
        args[ax] = crate::ops::SliceArg::Index(1);
        let y1 = index(&y, &args)?;
        y = stack(&[&(&y0 + &y1)?, &(&y0 - &y1)?], ax as i64)?;
    }
    if let Some(h) = super::hadamard_factors::factor(m) {
        let hm = Array::from_slice(&h, &[m, m])?.as_type(dt)?;
        let mut flat = lead.clone();
        flat.extend([m as i64, (n / m) as i64]);
        let moved = reshape(&y, &flat)?.swapaxes(-1, -2)?;
        y = matmul(&moved, &hm)?.swapaxes(-1, -2)?;
    }
    let y = reshape(&y, &dims(x.shape()))?;
    &y * scale as f64
}
