//! Fused kernels ([`FastOp`]): one function per op. An op returns `None`
//! where it has no kernel for the inputs (a dtype it does not take, a row
//! longer than workgroup memory holds), and the core evaluates the op's
//! composite instead.
//!
//! `hadamard_transform` (`shaders/hadamard.wgsl`): each workgroup loads
//! whole rows into workgroup memory (f32), runs the butterflies of every
//! `2^k` block in place, then the `m x m` factor (as sign bits in the
//! parameters) and the scale while writing out.

use crate::context::Gpu;
use crate::elementwise::{buffer, out_buffer, storage};
use crate::reduce::{collapse, groups_grid, push_segment, word};
use crate::shader::{compose, HADAMARD};
use crate::slots;
use mlx_core::primitive::{FastOp, OutSpec};
use mlx_core::{Dtype, Error, Result, Storage, View};

/// Threads per workgroup of the Hadamard kernel (`WG` in the shader).
const HADAMARD_WG: usize = 256;

/// The kernel for `op`, or `None` where there is none for these inputs.
pub(crate) fn fast(
    gpu: &Gpu,
    op: &FastOp,
    inputs: &[View],
    out: OutSpec,
) -> Result<Option<Storage>> {
    match op {
        FastOp::Hadamard { scale } => hadamard(gpu, op.name(), &inputs[0], *scale, out),
        FastOp::Conv(p) => crate::conv::conv(gpu, p, &inputs[0], &inputs[1], out),
        // The composite: a convolution, which runs the kernel above.
        FastOp::ConvWeightGrad { .. } => Ok(None),
        FastOp::MaskGrad { cmp } => crate::mask_grad::mask_grad(gpu, *cmp, inputs, out),
    }
}

/// Rows of `m * p` elements one workgroup transforms, given `shared`
/// bytes of workgroup memory: enough that every thread has a butterfly
/// per stage (`m = 1`) or a column of the `m x m` factor, as far as
/// workgroup memory allows; `None` when one row does not fit.
pub(crate) fn rows_per_group(m: usize, p: usize, shared: usize) -> Option<usize> {
    let n = m * p;
    let fit = shared / (n * std::mem::size_of::<f32>());
    let want = if m == 1 {
        2 * HADAMARD_WG / n
    } else {
        HADAMARD_WG / p
    };
    (fit >= 1).then(|| want.clamp(1, fit))
}

/// The WGSL of the Hadamard transform of `dtype` rows of `n = m * p`
/// elements, `r` rows per workgroup.
pub(crate) fn hadamard_source(dtype: Dtype, m: usize, p: usize, r: usize, contig: bool) -> String {
    let signs = if m > 1 { m } else { 0 };
    compose(
        &[("a", dtype), ("out", dtype)],
        &[
            ("N", format!("{}u", m * p)),
            ("M", format!("{m}u")),
            ("P", format!("{p}u")),
            ("R", format!("{r}u")),
            ("SEG", format!("{}u", 4 + signs)),
            ("CONTIG", contig.to_string()),
        ],
        HADAMARD,
        &[],
    )
}

/// Sign words of the `m x m` factor `h` (row-major, entries ±1): word `a`
/// has bit `a'` set where `h[a', a] < 0`. `None` if an entry is not ±1.
pub(crate) fn sign_words(m: usize, h: &[f32]) -> Option<Vec<u32>> {
    if m > 32 || h.len() != m * m || h.iter().any(|v| v.abs() != 1.0) {
        return None;
    }
    Some(
        (0..m)
            .map(|a| (0..m).fold(0u32, |w, a2| w | (u32::from(h[a2 * m + a] < 0.0) << a2)))
            .collect(),
    )
}

/// The Hadamard transform of `input` over its last axis times `scale`, or
/// `None` for a dtype or row length the kernel does not take.
fn hadamard(
    gpu: &Gpu,
    op: &'static str,
    input: &View,
    scale: f32,
    out: OutSpec,
) -> Result<Option<Storage>> {
    if !slots::is_float(input.dtype)
        || input.dtype != out.dtype
        || slots::check(op, input.dtype, gpu.caps).is_err()
    {
        return Ok(None);
    }
    let nd = input.shape.len();
    let (n, stride) = match nd {
        0 => (1, 1),
        _ => (input.shape[nd - 1], input.strides[nd - 1]),
    };
    let Some((m, k, h)) = FastOp::hadamard_plan(n) else {
        return Err(Error::internal(op, format!("unchecked length {n}")));
    };
    let shared = gpu.limits.max_compute_workgroup_storage_size as usize;
    let Some(r) = rows_per_group(m, 1 << k, shared) else {
        return Ok(None);
    };
    let signs = match &h {
        Some(h) => {
            sign_words(m, h).ok_or_else(|| Error::internal(op, "factor entries are not ±1"))?
        }
        None => Vec::new(),
    };
    let ob = out_buffer(gpu, op, out)?;
    if out.numel() == 0 {
        return Ok(Some(storage(ob, out)));
    }
    let rows = out.numel() / n;
    let contig = input.is_row_major();
    let stride32 = i32::try_from(stride).map_err(|_| Error::Device {
        op,
        msg: format!("stride {stride} does not fit the GPU's 32-bit indexing"),
    })?;
    let mut p = vec![
        word(op, rows)?,
        word(op, input.offset)?,
        stride32 as u32,
        scale.to_bits(),
    ];
    p.extend_from_slice(&signs);
    let kept = collapse(
        input.shape[..nd.saturating_sub(1)]
            .iter()
            .copied()
            .zip(input.strides.iter().copied()),
    );
    push_segment(op, &mut p, &kept)?;
    word(op, out.numel())?;
    let key = format!("{op}|{}|{n}|{r}|{contig}", input.dtype.short_name());
    let pipeline = gpu.pipeline(&key, || hadamard_source(input.dtype, m, 1 << k, r, contig))?;
    gpu.dispatch(
        &pipeline,
        &p,
        &[buffer(op, input)?, &ob],
        groups_grid(rows.div_ceil(r)),
    )?;
    Ok(Some(storage(ob, out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_words_transpose_the_factor() {
        // H = [[1, 1], [1, -1]] is symmetric; [[1, -1], [1, 1]] is not:
        // word a collects column a.
        assert_eq!(sign_words(2, &[1.0, 1.0, 1.0, -1.0]), Some(vec![0, 2]));
        assert_eq!(sign_words(2, &[1.0, -1.0, 1.0, 1.0]), Some(vec![0, 1]));
        assert_eq!(sign_words(2, &[1.0, 0.5, 1.0, 1.0]), None);
        for m in [12, 20, 28] {
            let (_, _, h) = FastOp::hadamard_plan(m).expect("a valid length");
            let h = h.expect("m > 1 has a factor");
            assert_eq!(sign_words(m, &h).map(|w| w.len()), Some(m));
        }
    }

    #[test]
    fn rows_per_group_fill_the_threads_within_memory() {
        let kib32 = 32 << 10;
        assert_eq!(rows_per_group(1, 1, kib32), Some(512));
        assert_eq!(rows_per_group(1, 512, kib32), Some(1));
        assert_eq!(rows_per_group(1, 8192, kib32), Some(1));
        assert_eq!(rows_per_group(1, 16384, kib32), None);
        // A column per thread for the factor: 256 rows of 28 (28 KiB).
        assert_eq!(rows_per_group(28, 1, kib32), Some(256));
        assert_eq!(rows_per_group(28, 1, 16 << 10), Some(146));
        assert_eq!(rows_per_group(12, 64, kib32), Some(4));
        assert_eq!(rows_per_group(28, 256, kib32), Some(1));
        assert_eq!(rows_per_group(28, 512, kib32), None);
    }
}
