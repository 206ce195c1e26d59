//! Convolutions in MLX's channels-last layout (input `[N, ..., C_in]`,
//! weight `[C_out, ..., C_in / groups]`), recorded as one fused node
//! ([`FastOp::Conv`]) that backends run as a kernel; its fallback is
//! im2col: one gather per spatial axis with lazily computed window
//! indices, then a (grouped, batched) `matmul`. `conv_transpose*` is a convolution of the
//! input-dilated input with the flipped kernel, as MLX defines it.

use crate::ops::{
    arange_f64, astype, concatenate, equal, floor_divide, full, greater_equal, index, less,
    logical_and, matmul, maximum, remainder, reshape, take, transpose, where_, zeros, SliceArg,
};
use crate::primitive::{ConvParams, FastOp};
use crate::shape::format_shape;
use crate::{with_default_device, Array, Dtype, Error, Result};

const OP: &str = "conv";

/// The input positions one spatial axis of a convolution reads: for output
/// `o` and kernel tap `kk`, `p = o*stride + kk*kdil - lo` in the dilated,
/// padded input, which is input row `p / idil` when `p` lands on one and
/// the zero slot `s` otherwise.
struct Window {
    out: usize,
    k: usize,
    stride: i64,
    kdil: i64,
    lo: i64,
    idil: i64,
    dil_in: i64,
    s: i64,
}

impl Window {
    /// The `(out, k)` index array, built from ops (no host memory;
    /// the caller checked that every position fits int64).
    fn indices(&self) -> Result<Array> {
        let range = |n: usize, shape: &[i64]| {
            reshape(&arange_f64(0.0, n as f64, 1.0, Dtype::Int64)?, shape)
        };
        let o = range(self.out, &[-1, 1])?;
        let kk = range(self.k, &[1, -1])?;
        let p = ((&(&o * self.stride)? + &(&kk * self.kdil)?)? - self.lo)?;
        let c = |v: i64| full((), v, Dtype::Int64);
        let on_row = logical_and(
            &logical_and(&greater_equal(&p, &c(0)?)?, &less(&p, &c(self.dil_in)?)?)?,
            &equal(&remainder(&p, &c(self.idil)?)?, &c(0)?)?,
        )?;
        let row = floor_divide(&maximum(&p, &c(0)?)?, &c(self.idil)?)?;
        // int32 indices unless an input axis is longer than int32 reaches.
        let it = if self.s > i32::MAX as i64 {
            Dtype::Int64
        } else {
            Dtype::Int32
        };
        astype(&where_(&on_row, &row, &c(self.s)?)?, it)
    }
}

/// One value per spatial axis: a single entry applies to every axis.
fn per_axis<T: Copy>(what: &str, v: &[T], d: usize) -> Result<Vec<T>> {
    match v.len() {
        1 => Ok(vec![v[0]; d]),
        n if n == d => Ok(v.to_vec()),
        n => Err(Error::invalid(
            OP,
            format!("{what} has {n} entries but the convolution has {d} spatial dimensions"),
        )),
    }
}

fn check_positive(what: &str, v: &[i64]) -> Result<()> {
    if v.iter().any(|&x| x <= 0) {
        return Err(Error::invalid(
            OP,
            format!("{what} sizes must be positive, got {}", format_shape(v)),
        ));
    }
    Ok(())
}

/// General N-d convolution (MLX's `conv_general`). Per spatial axis:
/// `stride`, `padding_lo`/`padding_hi` (applied after input dilation; may
/// be negative to crop), `kernel_dilation`, `input_dilation`; each slice
/// has one entry per spatial axis or a single entry for all. `flip`
/// reverses the kernel (true convolution instead of cross-correlation).
///
/// # Errors
/// `[conv] ...` as MLX: 1-3 spatial dimensions, weight rank, integer
/// dtypes, channel and group mismatches, non-positive strides or
/// dilations, and windows larger than the padded input.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let x = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[1, 4, 1])?;
/// let w = Array::from_slice(&[1.0f32, 1.0], &[1, 2, 1])?;
/// let y = ops::conv_general(&x, &w, &[1], &[0], &[0], &[1], &[1], 1, false)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![3.0, 5.0, 7.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn conv_general(
    input: &Array,
    weight: &Array,
    stride: &[i64],
    padding_lo: &[i64],
    padding_hi: &[i64],
    kernel_dilation: &[i64],
    input_dilation: &[i64],
    groups: i64,
    flip: bool,
) -> Result<Array> {
    let nd = input.ndim();
    if !(3..=5).contains(&nd) {
        return Err(Error::invalid(
            OP,
            "only works for inputs with 1-3 spatial dimensions, the inputs must be in the format [N, ..., C_in]",
        ));
    }
    let d = nd - 2;
    if weight.ndim() != nd {
        return Err(Error::invalid(
            OP,
            format!(
                "invalid weight array with {} dimensions for {d}D convolution, expected an array with {nd} dimensions following the format [C_out, ..., C_in]",
                weight.ndim()
            ),
        ));
    }
    for (what, a) in [("input", input), ("weight", weight)] {
        if !a.dtype().is_inexact() || a.dtype().is_complex() {
            return Err(Error::dtype(
                OP,
                a.dtype(),
                format!(
                    "invalid {what} array with type {}, convolution currently only supports floating point types",
                    a.dtype()
                ),
            ));
        }
    }
    if groups <= 0 {
        return Err(Error::invalid(
            OP,
            format!("groups must be positive, got {groups}"),
        ));
    }
    if groups != 1 && d > 2 {
        return Err(Error::invalid(
            OP,
            "can only handle groups != 1 in 1D or 2D convolutions",
        ));
    }
    let g = groups as usize;
    let cin = input.shape()[nd - 1];
    let cg = weight.shape()[nd - 1];
    let cout = weight.shape()[0];
    if cin % g != 0 {
        return Err(Error::invalid(
            OP,
            format!(
                "the input channels must be divisible by the number of groups, got input with shape {} and {g} groups",
                format_shape(input.shape())
            ),
        ));
    }
    if g > 1 && cout % g != 0 {
        return Err(Error::invalid(
            OP,
            format!(
                "if groups > 1, the output channels must be divisible by the number of groups, got {cout} output channels and {g} groups"
            ),
        ));
    }
    if cg.checked_mul(g) != Some(cin) {
        return Err(Error::invalid(
            OP,
            format!(
                "expect the input channels in the input and weight array to match but got shapes - input: {} and weight: {}",
                format_shape(input.shape()),
                format_shape(weight.shape())
            ),
        ));
    }
    let stride = per_axis("stride", stride, d)?;
    let lo = per_axis("padding", padding_lo, d)?;
    let hi = per_axis("padding", padding_hi, d)?;
    let kdil = per_axis("kernel_dilation", kernel_dilation, d)?;
    let idil = per_axis("input_dilation", input_dilation, d)?;
    check_positive("stride", &stride)?;
    check_positive("kernel dilation", &kdil)?;
    check_positive("input dilation", &idil)?;
    let params = ConvParams {
        stride: stride.iter().map(|&v| v as usize).collect(),
        padding_lo: lo,
        padding_hi: hi,
        kernel_dilation: kdil.iter().map(|&v| v as usize).collect(),
        input_dilation: idil.iter().map(|&v| v as usize).collect(),
        groups: g,
        flip,
    };
    // Sizes and window positions must fit before the node is recorded.
    plan(input, weight, &params)?;
    let dt = Dtype::promote(input.dtype(), weight.dtype());
    with_default_device(input.device(), || {
        FastOp::Conv(params).node(vec![astype(input, dt)?, astype(weight, dt)?])
    })
}

/// Window indices per spatial axis and whether each needs the zero slot,
/// checking that sizes and positions fit. Sizes are in i128: products of
/// two i64 values cannot overflow it.
fn plan(input: &Array, weight: &Array, p: &ConvParams) -> Result<Vec<(Window, bool)>> {
    let d = p.spatial();
    let cout = weight.shape()[0];
    let (lo, hi) = (&p.padding_lo, &p.padding_hi);
    let mut plans = Vec::with_capacity(d);
    let mut out_shape = vec![input.shape()[0]];
    for i in 0..d {
        let s = input.shape()[1 + i] as i128;
        let k = weight.shape()[1 + i] as i128;
        let (lo_i, hi_i) = (lo[i] as i128, hi[i] as i128);
        let (stride_i, kdil_i, idil_i) = (
            p.stride[i] as i128,
            p.kernel_dilation[i] as i128,
            p.input_dilation[i] as i128,
        );
        let dil_in = if s == 0 { 0 } else { (s - 1) * idil_i + 1 };
        let padded = dil_in + lo_i + hi_i;
        let eff_k = if k == 0 { 0 } else { (k - 1) * kdil_i + 1 };
        if padded < eff_k {
            return Err(Error::invalid(
                OP,
                format!(
                    "spatial dimensions of input after padding cannot be smaller than weight spatial dimensions, got error at axis {} for input with shape {}, padding low ({}), padding high ({}), and weight of shape {}",
                    i + 1,
                    format_shape(input.shape()),
                    lo[i],
                    hi[i],
                    format_shape(weight.shape())
                ),
            ));
        }
        let out = (padded - eff_k) / stride_i + 1;
        let too_big = || {
            Error::overflow(
                OP,
                format!("output size {out} along axis {} overflows", i + 1),
            )
        };
        let out_u = usize::try_from(out).map_err(|_| too_big())?;
        // The output shape so far must fit before its index list is built.
        out_shape.extend([out_u, cout]);
        crate::shape::checked_numel(OP, &out_shape, input.itemsize())?;
        out_shape.pop();
        // Every window position p = o*stride + kk*kdil - lo lies in
        // [-lo, dil_in + hi): it must fit int64 for the lazy index math.
        if lo_i.abs() > i64::MAX as i128
            || dil_in + hi_i.abs() > i64::MAX as i128
            || padded > i64::MAX as i128
        {
            return Err(too_big());
        }
        let max_p = (out - 1) * stride_i + (k - 1) * kdil_i - lo_i;
        // Some window reads padding (the appended zero slot) when it starts
        // before the input, ends past it, or falls between dilated rows.
        let needs_zero = out > 0 && k > 0 && (lo_i > 0 || max_p >= dil_in || idil_i > 1);
        let win = Window {
            out: out_u,
            k: k as usize,
            stride: p.stride[i] as i64,
            kdil: p.kernel_dilation[i] as i64,
            lo: lo[i],
            idil: p.input_dilation[i] as i64,
            dil_in: dil_in as i64,
            s: s as i64,
        };
        plans.push((win, needs_zero));
    }
    Ok(plans)
}

/// The composite that defines [`FastOp::Conv`] (its fallback): im2col as
/// one gather per spatial axis with lazily computed window indices, then
/// a grouped, batched `matmul`. `x` and `w` share a floating dtype.
pub(crate) fn conv_composite(x: &Array, w: &Array, p: &ConvParams) -> Result<Array> {
    let (input, weight) = (x, w);
    let nd = x.ndim();
    let d = p.spatial();
    let g = p.groups;
    let cg = w.shape()[nd - 1];
    let cout = w.shape()[0];
    let plans = plan(x, w, p)?;
    let dt = x.dtype();
    let flip = p.flip;
    with_default_device(input.device(), || {
        let mut x = input.clone();
        let mut w = weight.clone();
        if flip {
            let mut args = vec![SliceArg::full(); nd];
            for a in args.iter_mut().take(nd - 1).skip(1) {
                *a = SliceArg::range(None, None, -1);
            }
            w = index(&w, &args)?;
        }
        // Gather windows: axis 1+2i of x becomes (out_i, k_i).
        for (i, (win, needs_zero)) in plans.into_iter().enumerate() {
            let ax = 1 + 2 * i;
            if needs_zero {
                let mut zs = x.shape().to_vec();
                zs[ax] = 1;
                x = concatenate(&[&x, &zeros(&zs, dt)?], ax as i64)?;
            }
            x = take(&x, &win.indices()?, ax as i64)?;
        }
        // x: (N, O1, K1, .., Od, Kd, C) -> (G, N*O, K*Cg)
        let n = input.shape()[0];
        let outs: Vec<usize> = (0..d).map(|i| x.shape()[1 + 2 * i]).collect();
        let ks: Vec<usize> = (0..d).map(|i| x.shape()[2 + 2 * i]).collect();
        let no = n * outs.iter().product::<usize>();
        let kk: usize = ks.iter().product();
        let mut perm: Vec<i64> = vec![0];
        perm.extend((0..d).map(|i| 1 + 2 * i as i64));
        perm.extend((0..d).map(|i| 2 + 2 * i as i64));
        perm.push(1 + 2 * d as i64);
        let cols = reshape(
            &transpose(&x, &perm)?,
            &[no as i64, kk as i64, g as i64, cg as i64],
        )?;
        let cols = reshape(
            &transpose(&cols, &[2, 0, 1, 3])?,
            &[g as i64, no as i64, (kk * cg) as i64],
        )?;
        let og = cout / g;
        let wm = transpose(
            &reshape(&w, &[g as i64, og as i64, (kk * cg) as i64])?,
            &[0, 2, 1],
        )?;
        let y = matmul(&cols, &wm)?; // (G, N*O, Og)
        let y = transpose(&y, &[1, 0, 2])?;
        let mut shape = vec![n as i64];
        shape.extend(outs.iter().map(|&o| o as i64));
        shape.push(cout as i64);
        reshape(&y, &shape)
    })
}

fn conv_nd(
    d: usize,
    input: &Array,
    weight: &Array,
    stride: &[i64],
    padding: &[i64],
    dilation: &[i64],
    groups: i64,
) -> Result<Array> {
    if input.ndim() != d + 2 {
        return Err(Error::invalid(
            OP,
            format!(
                "invalid input array with {} dimensions for {d}D convolution, expected an array with {} dimensions following the format [N, ..., C_in]",
                input.ndim(),
                d + 2
            ),
        ));
    }
    conv_general(
        input,
        weight,
        stride,
        padding,
        padding,
        dilation,
        &[1],
        groups,
        false,
    )
}

/// 1-D convolution (cross-correlation) of `[N, L, C_in]` with
/// `[C_out, K, C_in / groups]` (MLX's `conv1d`).
///
/// # Errors
/// As [`conv_general`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let x = ops::ones(&[1, 5, 2], mlx_core::Dtype::Float32)?;
/// let w = ops::ones(&[3, 2, 2], mlx_core::Dtype::Float32)?;
/// assert_eq!(ops::conv1d(&x, &w, 2, 1, 1, 1)?.shape(), &[1, 3, 3]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conv1d(
    input: &Array,
    weight: &Array,
    stride: i64,
    padding: i64,
    dilation: i64,
    groups: i64,
) -> Result<Array> {
    conv_nd(1, input, weight, &[stride], &[padding], &[dilation], groups)
}

/// 2-D convolution of `[N, H, W, C_in]` with `[C_out, KH, KW, C_in /
/// groups]` (MLX's `conv2d`); per-axis arguments take one or two entries.
///
/// # Errors
/// As [`conv_general`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops;
/// let x = ops::ones(&[1, 4, 4, 1], mlx_core::Dtype::Float32)?;
/// let w = ops::ones(&[1, 3, 3, 1], mlx_core::Dtype::Float32)?;
/// let y = ops::conv2d(&x, &w, &[1], &[1], &[1], 1)?;
/// assert_eq!(y.shape(), &[1, 4, 4, 1]);
/// assert_eq!(y.to_vec::<f32>()?[0], 4.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conv2d(
    input: &Array,
    weight: &Array,
    stride: &[i64],
    padding: &[i64],
    dilation: &[i64],
    groups: i64,
) -> Result<Array> {
    conv_nd(2, input, weight, stride, padding, dilation, groups)
}

/// 3-D convolution of `[N, D, H, W, C_in]` with `[C_out, KD, KH, KW, C_in
/// / groups]` (MLX's `conv3d`).
///
/// # Errors
/// As [`conv_general`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops;
/// let x = ops::ones(&[1, 3, 3, 3, 1], mlx_core::Dtype::Float32)?;
/// let w = ops::ones(&[2, 2, 2, 2, 1], mlx_core::Dtype::Float32)?;
/// assert_eq!(ops::conv3d(&x, &w, &[1], &[0], &[1], 1)?.shape(), &[1, 2, 2, 2, 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conv3d(
    input: &Array,
    weight: &Array,
    stride: &[i64],
    padding: &[i64],
    dilation: &[i64],
    groups: i64,
) -> Result<Array> {
    conv_nd(3, input, weight, stride, padding, dilation, groups)
}

#[allow(clippy::too_many_arguments)]
fn conv_transpose_nd(
    d: usize,
    input: &Array,
    weight: &Array,
    stride: &[i64],
    padding: &[i64],
    dilation: &[i64],
    output_padding: &[i64],
    groups: i64,
) -> Result<Array> {
    if input.ndim() != d + 2 || weight.ndim() != d + 2 {
        return Err(Error::invalid(
            OP,
            format!(
                "invalid input array with {} dimensions or weight with {} dimensions for {d}D transposed convolution, expected {}",
                input.ndim(),
                weight.ndim(),
                d + 2
            ),
        ));
    }
    let stride = per_axis("stride", stride, d)?;
    let padding = per_axis("padding", padding, d)?;
    let dilation = per_axis("dilation", dilation, d)?;
    let output_padding = per_axis("output_padding", output_padding, d)?;
    check_positive("stride", &stride)?;
    check_positive("kernel dilation", &dilation)?;
    let mut lo = Vec::with_capacity(d);
    let mut hi = Vec::with_capacity(d);
    // In i128 (products of i64 values fit), then back to i64 or an error.
    let fit = |v: i128| {
        i64::try_from(v).map_err(|_| Error::overflow(OP, format!("padding {v} overflows")))
    };
    for i in 0..d {
        let (dil, pad, st) = (dilation[i] as i128, padding[i] as i128, stride[i] as i128);
        let wt = 1 + dil * (weight.shape()[1 + i] as i128 - 1);
        lo.push(fit(wt - pad - 1)?);
        let s = input.shape()[1 + i] as i128;
        let conv_out = (s - 1) * st - 2 * pad + wt;
        let out_size = 1 + st * (s - 1);
        hi.push(fit(conv_out - out_size + pad + output_padding[i] as i128)?);
    }
    conv_general(
        input,
        weight,
        &[1],
        &lo,
        &hi,
        &dilation,
        &stride,
        groups,
        true,
    )
}

/// 1-D transposed convolution (MLX's `conv_transpose1d`): input `[N, L,
/// C_in]`, weight `[C_out, K, C_in / groups]`.
///
/// # Errors
/// As [`conv_general`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops;
/// let x = ops::ones(&[1, 3, 1], mlx_core::Dtype::Float32)?;
/// let w = ops::ones(&[1, 2, 1], mlx_core::Dtype::Float32)?;
/// let y = ops::conv_transpose1d(&x, &w, 2, 0, 1, 0, 1)?;
/// assert_eq!(y.to_vec::<f32>()?, vec![1.0; 6]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conv_transpose1d(
    input: &Array,
    weight: &Array,
    stride: i64,
    padding: i64,
    dilation: i64,
    output_padding: i64,
    groups: i64,
) -> Result<Array> {
    conv_transpose_nd(
        1,
        input,
        weight,
        &[stride],
        &[padding],
        &[dilation],
        &[output_padding],
        groups,
    )
}

/// 2-D transposed convolution (MLX's `conv_transpose2d`).
///
/// # Errors
/// As [`conv_general`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops;
/// let x = ops::ones(&[1, 2, 2, 1], mlx_core::Dtype::Float32)?;
/// let w = ops::ones(&[1, 2, 2, 1], mlx_core::Dtype::Float32)?;
/// assert_eq!(ops::conv_transpose2d(&x, &w, &[2], &[0], &[1], &[0], 1)?.shape(), &[1, 4, 4, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conv_transpose2d(
    input: &Array,
    weight: &Array,
    stride: &[i64],
    padding: &[i64],
    dilation: &[i64],
    output_padding: &[i64],
    groups: i64,
) -> Result<Array> {
    conv_transpose_nd(
        2,
        input,
        weight,
        stride,
        padding,
        dilation,
        output_padding,
        groups,
    )
}

/// 3-D transposed convolution (MLX's `conv_transpose3d`).
///
/// # Errors
/// As [`conv_general`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops;
/// let x = ops::ones(&[1, 2, 2, 2, 1], mlx_core::Dtype::Float32)?;
/// let w = ops::ones(&[1, 2, 2, 2, 1], mlx_core::Dtype::Float32)?;
/// assert_eq!(ops::conv_transpose3d(&x, &w, &[1], &[0], &[1], &[0], 1)?.shape(), &[1, 3, 3, 3, 1]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn conv_transpose3d(
    input: &Array,
    weight: &Array,
    stride: &[i64],
    padding: &[i64],
    dilation: &[i64],
    output_padding: &[i64],
    groups: i64,
) -> Result<Array> {
    conv_transpose_nd(
        3,
        input,
        weight,
        stride,
        padding,
        dilation,
        output_padding,
        groups,
    )
}

/// NumPy-style 1-D convolution of `a` with `v` (MLX's `convolve`);
/// `mode` is `"full"`, `"same"` or `"valid"`.
///
/// # Errors
/// `[convolve] inputs must be 1D`, `[convolve] inputs cannot be empty`,
/// `[convolve] invalid mode`, and `[conv]` dtype errors.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0, 3.0], &[3])?;
/// let v = mlx_core::Array::from_slice(&[0.0f32, 1.0, 0.5], &[3])?;
/// let c = mlx_core::ops::convolve(&a, &v, "full")?;
/// assert_eq!(c.to_vec::<f32>()?, vec![0.0, 1.0, 2.5, 4.0, 1.5]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn convolve(a: &Array, v: &Array, mode: &str) -> Result<Array> {
    if a.ndim() != 1 || v.ndim() != 1 {
        return Err(Error::invalid("convolve", "inputs must be 1D"));
    }
    if a.size() == 0 || v.size() == 0 {
        return Err(Error::invalid("convolve", "inputs cannot be empty"));
    }
    let (inp, wt) = if a.size() < v.size() { (v, a) } else { (a, v) };
    let k = wt.size() as i64;
    let (lo, hi) = match mode {
        "full" => (k - 1, k - 1),
        "same" => (k - 1 - (k - 1) / 2, (k - 1) / 2),
        "valid" => (0, 0),
        _ => return Err(Error::invalid("convolve", "invalid mode")),
    };
    let x = reshape(inp, &[1, -1, 1])?;
    let w = reshape(wt, &[1, -1, 1])?;
    let y = conv_general(&x, &w, &[1], &[lo], &[hi], &[1], &[1], 1, true)?;
    reshape(&y, &[-1])
}
