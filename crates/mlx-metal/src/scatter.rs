//! `Scatter` (`shaders/scatter.wgsl`): the input is copied into the
//! output, the index arrays are packed row-major into one buffer, and one
//! kernel combines every update element into the output.
//!
//! Duplicate indices must combine correctly from many threads: 32-bit
//! slots use `atomicAdd`/`atomicMax`/`atomicMin` where those give the
//! exact result (int32/uint32 sums, integer max/min), and otherwise a
//! compare-exchange loop on the slot; `float16` (two per 32-bit word) uses
//! a compare-exchange loop on its word that keeps the other half
//! bit-exact. 64-bit dtypes have no WGSL atomics, so one thread per window
//! element loops over the update positions in order (slower, and exactly
//! the CPU's order). A plain scatter (`ScatterOp::None`) of several
//! positions leaves the last update at a duplicate position, as the CPU
//! does, through `main.last`'s three passes. An out-of-bounds window raises the GPU flag and is
//! reported when the eval is flushed, as for gathers.

use crate::context::{grid, Gpu};
use crate::copy::copy_into;
use crate::elementwise::{buffer, out_buffer, storage};
use crate::pool::GpuBuffer;
use crate::reduce::{push_segment, word};
use crate::shader::{compose, section, SCATTER};
use crate::slots;
use mlx_core::primitive::{OutSpec, ScatterOp};
use mlx_core::shape::row_major_strides;
use mlx_core::{Dtype, Error, Result, Storage, View};

/// How `main.par` writes an element of `dtype` under `op`; `None` for
/// 64-bit dtypes, which take `main.seq`.
pub(crate) fn strategy(op: ScatterOp, dtype: Dtype) -> Option<&'static str> {
    match slots::slot_size(dtype) {
        8 => return None,
        2 => return Some("update.cas16"),
        _ => {}
    }
    let int_slot = !slots::is_float(dtype);
    Some(match op {
        ScatterOp::None => "update.store",
        ScatterOp::Sum if matches!(dtype, Dtype::Int32 | Dtype::Uint32) => "update.add",
        ScatterOp::Max if int_slot => "update.max",
        ScatterOp::Min if int_slot => "update.min",
        ScatterOp::Sum | ScatterOp::Prod | ScatterOp::Max | ScatterOp::Min => "update.cas32",
    })
}

/// The WGSL of a scatter of `dtype` values with `idx` indices; with
/// `last_pass` `Some(k)`, pass `k` of `main.last` (a plain scatter whose
/// duplicate positions must leave the last update).
pub(crate) fn scatter_source(
    op: ScatterOp,
    dtype: Dtype,
    idx: Dtype,
    last_pass: Option<u32>,
) -> String {
    let combine = section(SCATTER, &format!("combine.{}", op.kernel_name()))
        .expect("scatter.wgsl has every combine");
    let (entry, update) = match strategy(op, dtype) {
        Some(u) => (
            if last_pass.is_some() {
                "main.last"
            } else {
                "main.par"
            },
            section(SCATTER, u).expect("scatter.wgsl has its updates"),
        ),
        None => ("main.seq", ""),
    };
    let main = section(SCATTER, entry).expect("scatter.wgsl has its entries");
    let atomic = match slots::storage_type(dtype) {
        "i32" => "i32",
        _ => "u32",
    };
    let alias = format!(
        "alias A_out = {atomic};\nconst PASS = {}u;\n",
        last_pass.unwrap_or(0)
    );
    compose(
        &[("upd", dtype), ("idx", idx), ("out", dtype)],
        &[],
        SCATTER,
        &[&alias, combine, update, main],
    )
}

fn i32_word(op: &'static str, s: isize) -> Result<u32> {
    i32::try_from(s)
        .map(|v| v as u32)
        .map_err(|_| Error::Device {
            op,
            msg: format!("stride {s} does not fit the GPU's 32-bit indexing"),
        })
}

/// Scatter `updates` into a copy of `input` (see `Primitive::Scatter`),
/// or, with `input` `None`, into `dest`: a donated buffer holding the
/// destination, of which only the update windows are written.
#[allow(clippy::too_many_arguments)]
pub(crate) fn scatter(
    gpu: &Gpu,
    op: ScatterOp,
    input: Option<&View>,
    indices: &[View],
    updates: &View,
    axes: &[usize],
    out: OutSpec,
    dest: Option<GpuBuffer>,
) -> Result<Storage> {
    let name = op.name();
    slots::check(name, out.dtype, gpu.caps)?;
    let ob = match dest {
        Some(b) => b,
        None => out_buffer(gpu, name, out)?,
    };
    let ostrides = row_major_strides(out.shape);
    if out.numel() == 0 {
        return Ok(storage(ob, out));
    }
    if let Some(input) = input {
        copy_into(gpu, name, input, &ob, 0, &ostrides, out.dtype)?;
    }
    let k = indices.len();
    let nd = out.shape.len();
    let window = &updates.shape[updates.shape.len() - nd..];
    let wn: usize = window.iter().product();
    let n_upd: usize = updates.shape[..updates.shape.len() - nd].iter().product();
    if wn == 0 || n_upd == 0 {
        return Ok(storage(ob, out));
    }
    // Index arrays packed row-major, one after another.
    let idx_dtype = indices.first().map_or(Dtype::Int32, |v| v.dtype);
    slots::check(name, idx_dtype, gpu.caps)?;
    let packed = gpu.alloc(
        name,
        ((k * n_upd).max(1) * slots::slot_size(idx_dtype)) as u64,
    )?;
    for (j, v) in indices.iter().enumerate() {
        let strides = row_major_strides(v.shape);
        copy_into(gpu, name, v, &packed, j * n_upd, &strides, idx_dtype)?;
    }
    let seq = strategy(op, out.dtype).is_none();
    let threads = if seq { wn } else { n_upd * wn };
    let mut p = vec![
        word(name, threads)?,
        word(name, n_upd)?,
        word(name, wn)?,
        k as u32,
        word(name, updates.offset)?,
    ];
    for &ax in axes {
        p.push(word(name, out.shape[ax])?);
        p.push(i32_word(name, ostrides[ax])?);
        p.push(word(name, window[ax])?);
    }
    let wdims: Vec<(usize, isize)> = window
        .iter()
        .copied()
        .zip(ostrides.iter().copied())
        .collect();
    push_segment(name, &mut p, &wdims)?;
    let udims: Vec<(usize, isize)> = updates
        .shape
        .iter()
        .copied()
        .zip(updates.strides.iter().copied())
        .collect();
    push_segment(name, &mut p, &udims)?;
    let key = |pass: Option<u32>| {
        format!(
            "{name}|{}|{}|{pass:?}",
            out.dtype.short_name(),
            idx_dtype.short_name()
        )
    };
    let flag = gpu.oob_flag(name);
    let upd = buffer(name, updates)?;
    if op == ScatterOp::None && n_upd > 1 && !seq {
        // Duplicate positions: the last update wins, in three passes.
        let win = gpu.alloc(name, (out.numel() as u64).saturating_mul(4))?;
        for pass in 0..3 {
            let pipeline = gpu.pipeline(&key(Some(pass)), || {
                scatter_source(op, out.dtype, idx_dtype, Some(pass))
            })?;
            gpu.dispatch(
                &pipeline,
                &p,
                &[upd, &packed, &ob, &flag, &win],
                grid(threads),
            )?;
        }
        return Ok(storage(ob, out));
    }
    let pipeline = gpu.pipeline(&key(None), || {
        scatter_source(op, out.dtype, idx_dtype, None)
    })?;
    gpu.dispatch(&pipeline, &p, &[upd, &packed, &ob, &flag], grid(threads))?;
    Ok(storage(ob, out))
}
