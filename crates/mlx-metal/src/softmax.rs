//! Softmax over the last axis (`shaders/softmax.wgsl`): one group of
//! threads per row; short rows are kept in registers (read once), longer
//! ones are read twice (an online max-and-sum pass, then the output pass);
//! max and sum are combined in shared memory.

use crate::context::Gpu;
use crate::elementwise::{buffer, out_buffer, storage};
use crate::reduce::{collapse, groups_grid, push_segment, threads_per_row, word};
use crate::shader::{compose, SOFTMAX};
use crate::slots;
use mlx_core::primitive::OutSpec;
use mlx_core::{Dtype, Error, Result, Storage, View};

/// Most row elements one thread keeps in registers (a larger private
/// array indexed in a loop spills to slow local memory on NVIDIA).
const MAX_CACHED: usize = 8;

/// Threads per row and cached elements per thread for rows of `n`.
pub(crate) fn plan(n: usize) -> (u32, u32) {
    let tpr = threads_per_row(n);
    let k = n.div_ceil(tpr as usize).next_power_of_two();
    (tpr, if k > MAX_CACHED { 0 } else { k as u32 })
}

/// The WGSL of softmax on `dtype` rows.
pub(crate) fn softmax_source(dtype: Dtype, tpr: u32, k: u32, contig: bool) -> String {
    compose(
        &[("a", dtype), ("out", dtype)],
        &[
            ("TPR", format!("{tpr}u")),
            ("K", format!("{k}u")),
            ("KC", format!("{}u", k.max(1))),
            ("CONTIG", contig.to_string()),
        ],
        SOFTMAX,
        &[],
    )
}

/// Softmax of `input` over its last axis.
pub(crate) fn softmax(gpu: &Gpu, input: &View, out: OutSpec) -> Result<Storage> {
    const OP: &str = "softmax";
    slots::check(OP, input.dtype, gpu.caps)?;
    if !slots::is_float(input.dtype) || input.dtype != out.dtype {
        return Err(Error::dtype(
            OP,
            input.dtype,
            "the GPU kernel takes floating point input of the output's dtype",
        ));
    }
    let ob = out_buffer(gpu, OP, out)?;
    if out.numel() == 0 {
        return Ok(storage(ob, out));
    }
    let nd = input.shape.len();
    let (n, stride) = if nd == 0 {
        (1, 1)
    } else {
        (input.shape[nd - 1], input.strides[nd - 1])
    };
    let rows = out.numel() / n;
    let kept = collapse(
        input.shape[..nd.saturating_sub(1)]
            .iter()
            .copied()
            .zip(input.strides.iter().copied()),
    );
    let contig = stride == 1 || n == 1;
    let stride32 = i32::try_from(stride).map_err(|_| Error::Device {
        op: OP,
        msg: format!("stride {stride} does not fit the GPU's 32-bit indexing"),
    })?;
    let mut p = vec![
        word(OP, rows)?,
        word(OP, n)?,
        word(OP, input.offset)?,
        stride32 as u32,
    ];
    push_segment(OP, &mut p, &kept)?;
    let (tpr, k) = plan(n);
    let key = format!("softmax|{}|{tpr}|{k}|{contig}", input.dtype.short_name());
    let pipeline = gpu.pipeline(&key, || softmax_source(input.dtype, tpr, k, contig))?;
    let groups = rows.div_ceil(256 / tpr as usize);
    gpu.dispatch(
        &pipeline,
        &p,
        &[buffer(OP, input)?, &ob],
        groups_grid(groups),
    )?;
    Ok(storage(ob, out))
}
