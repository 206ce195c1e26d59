//! `sort` and `argsort` (`shaders/sort.wgsl`): a bitonic network over the
//! positions of each line, padded to a power of two `P`. Blocks of up to
//! 512 positions sort in workgroup memory; longer lines add, per stage,
//! global compare-exchange passes for the steps of at least one block and
//! a workgroup pass for the rest. Ties are broken by position, so the
//! result is MLX's stable sort.

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, out_buffer, storage};
use crate::reduce::{groups_grid, lines_along, push_segment, word};
use crate::shader::{compose, op_section, section, SORT};
use crate::slots;
use mlx_core::primitive::{OutSpec, SortOp};
use mlx_core::{Dtype, Error, Result, Storage, View};

/// Positions one workgroup sorts in workgroup memory.
const BLOCK: usize = 512;

/// The WGSL of `entry` (`main.local`, `main.global`, `emit.sort`,
/// `emit.argsort`) for input `dtype` and output `out`.
pub(crate) fn sort_source(entry: &str, dtype: Dtype, out: Dtype) -> Result<String> {
    let nan = op_section(SORT, "sort", "nan", dtype)?;
    let main = section(SORT, entry).ok_or_else(|| Error::Device {
        op: "sort",
        msg: format!("sort.wgsl has no section {entry}"),
    })?;
    let mut bindings = vec![("a", dtype)];
    if entry.starts_with("emit") {
        bindings.push(("out", out));
    }
    Ok(compose(&bindings, &[], SORT, &[nan, main]))
}

/// Sorted values or sorting indices of `input` along `axis`.
pub(crate) fn sort(
    gpu: &Gpu,
    op: SortOp,
    input: &View,
    axis: usize,
    out: OutSpec,
) -> Result<Storage> {
    let name = op.name();
    slots::check(name, input.dtype, gpu.caps)?;
    let ob = out_buffer(gpu, name, out)?;
    let numel = out.numel();
    if numel == 0 {
        return Ok(storage(ob, out));
    }
    let n = input.shape[axis];
    let inner: usize = input.shape[axis + 1..].iter().product();
    let lines = numel / n;
    let big_p = n.next_power_of_two();
    let block = big_p.min(BLOCK);
    let scratch_len = lines.checked_mul(big_p).ok_or_else(|| Error::Device {
        op: name,
        msg: "sort scratch does not fit the GPU's 32-bit indexing".into(),
    })?;
    word(name, scratch_len)?;
    let (line_dims, stride) = lines_along(name, input, axis)?;
    let params = |k_lo: usize, k_hi: usize, j: usize, init: bool| -> Result<Vec<u32>> {
        let mut p = vec![
            word(name, lines)?,
            word(name, n)?,
            word(name, big_p)?,
            word(name, block)?,
            word(name, input.offset)?,
            stride as u32,
            word(name, k_lo)?,
            word(name, k_hi)?,
            word(name, j)?,
            u32::from(init),
            word(name, inner)?,
        ];
        push_segment(name, &mut p, &line_dims)?;
        Ok(p)
    };
    let d = input.dtype.short_name();
    let pipe = |entry: &str| {
        gpu.pipeline(
            &format!("sort|{entry}|{d}|{}", out.dtype.short_name()),
            || sort_source(entry, input.dtype, out.dtype).expect("sort.wgsl has its sections"),
        )
    };
    let a = buffer(name, input)?;
    let scratch = gpu.alloc(name, (scratch_len * 4) as u64)?;
    let local = pipe("main.local")?;
    let blocks = groups_grid(lines * (big_p / block));
    gpu.dispatch(&local, &params(2, block, 0, true)?, &[a, &scratch], blocks)?;
    let mut k = block * 2;
    if k <= big_p {
        let global = pipe("main.global")?;
        let pairs = grid(lines * big_p / 2);
        while k <= big_p {
            let mut j = k / 2;
            while j >= block {
                gpu.dispatch(&global, &params(k, k, j, false)?, &[a, &scratch], pairs)?;
                j /= 2;
            }
            gpu.dispatch(&local, &params(k, k, 0, false)?, &[a, &scratch], blocks)?;
            k *= 2;
        }
    }
    let emit = pipe(match op {
        SortOp::Sort => "emit.sort",
        SortOp::ArgSort => "emit.argsort",
    })?;
    gpu.dispatch(
        &emit,
        &params(0, 0, 0, false)?,
        &[a, &scratch, &ob],
        grid(numel),
    )?;
    Ok(storage(ob, out))
}
