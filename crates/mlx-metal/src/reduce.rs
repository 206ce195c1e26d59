//! Reductions and arg-reductions (`shaders/reduce.wgsl`).
//!
//! The view's dimensions are split into kept and reduced groups, each with
//! size-1 dimensions dropped and contiguous neighbours merged, so the
//! kernel sees `(output index, reduced index) -> offset` with the reduced
//! axes logically last. Then:
//! - when the reduced elements of an output are one contiguous run (the
//!   common "last axis" case) or the outputs are not laid side by side, the
//!   row kernel gives each output `TPR` threads (up to a workgroup) that
//!   read the run coalesced and meet in a shared-memory tree;
//! - when consecutive outputs are consecutive in memory (reducing leading
//!   axes), the column kernel gives each thread one output (and a few
//!   strands of the reduced range), so a warp reads contiguous memory;
//! - when there are too few outputs to fill the GPU, the reduced range is
//!   cut into chunks whose partials (in the accumulation type) a second
//!   pass reduces.

use crate::context::Gpu;
use crate::elementwise::{buffer, out_buffer, storage};
use crate::pool::GpuBuffer;
use crate::shader::{compose, op_section, REDUCE};
use crate::slots;
use mlx_core::primitive::{ArgReduceOp, OutSpec, ReduceOp};
use mlx_core::{Dtype, Error, Result, Storage, View};

/// Workgroups below which a reduction is split into chunks.
const FEW_GROUPS: usize = 1024;

/// The layout of `input`'s lines along `axis` (for kernels that walk one
/// line per thread group): the other dimensions collapsed, and the axis'
/// own stride as a 32-bit word.
pub(crate) fn lines_along(
    op: &'static str,
    input: &View,
    axis: usize,
) -> Result<(Vec<(usize, isize)>, i32)> {
    let others = collapse(
        (0..input.shape.len())
            .filter(|&i| i != axis)
            .map(|i| (input.shape[i], input.strides[i])),
    );
    let stride = i32::try_from(input.strides[axis]).map_err(|_| Error::Device {
        op,
        msg: format!(
            "stride {} does not fit the GPU's 32-bit indexing",
            input.strides[axis]
        ),
    })?;
    Ok((others, stride))
}

pub(crate) use mlx_core::shape::collapse_pairs as collapse;

/// `x` as a parameter word, or an error naming `op`.
pub(crate) fn word(op: &'static str, x: usize) -> Result<u32> {
    u32::try_from(x).map_err(|_| Error::Device {
        op,
        msg: format!("index {x} does not fit the GPU's 32-bit indexing"),
    })
}

/// Push a `[nd, shape.., strides..]` segment.
pub(crate) fn push_segment(
    op: &'static str,
    p: &mut Vec<u32>,
    dims: &[(usize, isize)],
) -> Result<()> {
    p.push(dims.len() as u32);
    for &(n, _) in dims {
        p.push(word(op, n)?);
    }
    for &(_, s) in dims {
        let s32 = i32::try_from(s).map_err(|_| Error::Device {
            op,
            msg: format!("stride {s} does not fit the GPU's 32-bit indexing"),
        })?;
        p.push(s32 as u32);
    }
    Ok(())
}

/// A 2-D grid of `groups` workgroups (x capped at 65,535).
pub(crate) fn groups_grid(groups: usize) -> [u32; 3] {
    if groups == 0 {
        return [0, 0, 0];
    }
    let x = groups.min(65_535);
    [x as u32, groups.div_ceil(x) as u32, 1]
}

/// Threads per row for rows of `n` elements: a power of two giving each
/// thread about 8 elements, at most a workgroup.
pub(crate) fn threads_per_row(n: usize) -> u32 {
    n.div_ceil(8).next_power_of_two().clamp(1, 256) as u32
}

/// WGSL for the dtype-dependent helpers of a reduction from `input` to
/// `out`: `convert`, `lowest` and `highest`.
fn helpers(input: Dtype, out: Dtype) -> String {
    let (lo, hi) = match out {
        Dtype::Bool => ("0u", "1u"),
        Dtype::Uint8 => ("0u", "255u"),
        Dtype::Uint16 => ("0u", "65535u"),
        Dtype::Uint32 => ("0u", "4294967295u"),
        Dtype::Uint64 => ("0lu", "18446744073709551615lu"),
        Dtype::Int8 => ("-128i", "127i"),
        Dtype::Int16 => ("-32768i", "32767i"),
        Dtype::Int32 => ("-2147483647i - 1i", "2147483647i"),
        Dtype::Int64 => ("-9223372036854775807li - 1li", "9223372036854775807li"),
        _ => ("-inf_f32()", "inf_f32()"),
    };
    format!(
        "fn convert(x: C_a) -> C_out {{ return {}; }}\n\
         fn lowest() -> C_out {{ return {lo}; }}\n\
         fn highest() -> C_out {{ return {hi}; }}\n",
        slots::cast_expr("x", input, out)
    )
}

/// How one reduction pass runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// `tpr` threads per output row.
    Row {
        /// Threads per row (a power of two up to 256).
        tpr: u32,
    },
    /// One output per lane, `strands` threads per output.
    Col {
        /// Threads splitting each output's range (1 or 8).
        strands: u32,
    },
}

/// The WGSL of a reduction pass: `op` from `input` to `out` dtypes, with
/// `contig` (reduced run of stride 1) and `red1` (one reduced dimension).
pub(crate) fn reduce_source(
    op: ReduceOp,
    input: Dtype,
    out: Dtype,
    kernel: Kernel,
    contig: bool,
    red1: bool,
) -> Result<String> {
    let name = op.name();
    let op_sec = op_section(REDUCE, name, name, out)?;
    let (entry, consts) = match kernel {
        Kernel::Row { tpr } => ("main.row", vec![("TPR", format!("{tpr}u"))]),
        Kernel::Col { strands } => (
            "main.col",
            vec![
                ("LANES", format!("{}u", 256 / strands)),
                ("STRANDS", format!("{strands}u")),
            ],
        ),
    };
    let mut consts = consts;
    consts.push(("CONTIG", contig.to_string()));
    consts.push(("RED1", red1.to_string()));
    let load = crate::shader::section(REDUCE, "load").expect("reduce.wgsl has a load section");
    let main = crate::shader::section(REDUCE, entry).expect("reduce.wgsl has its entries");
    let extra = helpers(input, out);
    Ok(compose(
        &[("a", input), ("out", out)],
        &consts,
        REDUCE,
        &[op_sec, load, main, &extra],
    ))
}

/// The WGSL of an arg-reduction of `input` with `tpr` threads per row.
pub(crate) fn arg_source(op: ArgReduceOp, input: Dtype, tpr: u32, contig: bool) -> Result<String> {
    let cmp = op_section(REDUCE, op.name(), "argcmp", input)?;
    let main = crate::shader::section(REDUCE, "main.arg").expect("reduce.wgsl has main.arg");
    Ok(compose(
        &[("a", input), ("out", Dtype::Uint32)],
        &[
            ("TPR", format!("{tpr}u")),
            ("CONTIG", contig.to_string()),
            ("RED1", "true".to_string()),
            ("MAX", (op == ArgReduceOp::ArgMax).to_string()),
        ],
        REDUCE,
        &[cmp, main],
    ))
}

/// The dtype partials of a reduction into `out` are kept in: `float32`
/// for the float types (not rounded between passes), else `out`.
fn partial_dtype(out: Dtype) -> Dtype {
    if slots::is_float(out) {
        Dtype::Float32
    } else {
        out
    }
}

/// One strided source of a reduction pass.
struct Source<'a> {
    buf: &'a GpuBuffer,
    dtype: Dtype,
    offset: usize,
}

/// Reduce `src` over `red` for every index of `kept` into a new buffer of
/// `out` dtype (row-major over `kept`), splitting into two passes when the
/// outputs are too few to fill the GPU.
fn reduce_pass(
    gpu: &Gpu,
    op: ReduceOp,
    src: &Source,
    kept: &[(usize, isize)],
    red: &[(usize, isize)],
    out: Dtype,
) -> Result<GpuBuffer> {
    let name = op.name();
    let n_out: usize = kept.iter().map(|d| d.0).product();
    let n_red: usize = red.iter().map(|d| d.0).product();
    let red: &[(usize, isize)] = if n_red == 0 { &[] } else { red };
    let contig = matches!(red, [(_, 1)]);
    let red1 = red.len() == 1;
    let columns = matches!(kept.last(), Some(&(n, 1 | -1)) if n >= 32);
    let kernel = if red.is_empty() {
        Kernel::Col { strands: 1 }
    } else if contig || !columns {
        Kernel::Row {
            tpr: threads_per_row(n_red),
        }
    } else {
        Kernel::Col {
            strands: if n_red >= 64 { 8 } else { 1 },
        }
    };
    // Outputs per workgroup, and whether to cut the reduced range.
    let per_group = match kernel {
        Kernel::Row { tpr } => 256 / tpr as usize,
        Kernel::Col { strands } => 256 / strands as usize,
    };
    let groups = n_out.div_ceil(per_group);
    let (min_chunk, want) = match kernel {
        Kernel::Row { .. } => (4096, 2 * FEW_GROUPS),
        Kernel::Col { .. } => (256, FEW_GROUPS),
    };
    let mut nchunks = 1;
    if groups < FEW_GROUPS && n_red >= 2 * min_chunk {
        nchunks = want.div_ceil(groups).min(n_red / min_chunk).max(1);
    }
    let chunk = n_red.div_ceil(nchunks).max(1);
    let nchunks = if n_red == 0 { 1 } else { n_red.div_ceil(chunk) };
    let pass_dtype = if nchunks > 1 { partial_dtype(out) } else { out };
    let parts = n_out * nchunks;

    let mut p = vec![
        word(
            name,
            match kernel {
                Kernel::Row { .. } => parts,
                Kernel::Col { .. } => n_out,
            },
        )?,
        word(name, n_red)?,
        word(name, chunk)?,
        word(name, nchunks)?,
        word(name, src.offset)?,
    ];
    push_segment(name, &mut p, kept)?;
    push_segment(name, &mut p, red)?;
    let key = format!(
        "reduce|{name}|{}>{}|{kernel:?}|{contig}{red1}",
        src.dtype.short_name(),
        pass_dtype.short_name()
    );
    let pipeline = gpu.pipeline(&key, || {
        reduce_source(op, src.dtype, pass_dtype, kernel, contig, red1)
            .expect("op sections exist for every dtype the core sends")
    })?;
    let dst = gpu.alloc(name, (parts * slots::slot_size(pass_dtype)) as u64)?;
    let total_groups = match kernel {
        Kernel::Row { .. } => parts.div_ceil(per_group),
        Kernel::Col { .. } => groups * nchunks,
    };
    // An empty input (nothing to reduce) is never read, but its binding
    // must still hold one element.
    let dummy;
    let input = if n_red == 0 {
        dummy = gpu.alloc(name, 16)?;
        &dummy
    } else {
        src.buf
    };
    gpu.dispatch(&pipeline, &p, &[input, &dst], groups_grid(total_groups))?;
    if nchunks == 1 {
        return Ok(dst);
    }
    // Second pass over the partials.
    let (kept2, red2) = match kernel {
        // Partials laid out [n_out, nchunks].
        Kernel::Row { .. } => (
            collapse(std::iter::once((n_out, nchunks as isize))),
            vec![(nchunks, 1)],
        ),
        // Partials laid out [nchunks, n_out].
        Kernel::Col { .. } => (
            collapse(std::iter::once((n_out, 1))),
            vec![(nchunks, n_out as isize)],
        ),
    };
    let src2 = Source {
        buf: &dst,
        dtype: pass_dtype,
        offset: 0,
    };
    reduce_pass(gpu, op, &src2, &kept2, &red2, out)
}

/// Reduce `input` over sorted `axes`.
pub(crate) fn reduce(
    gpu: &Gpu,
    op: ReduceOp,
    input: &View,
    axes: &[usize],
    out: OutSpec,
) -> Result<Storage> {
    let name = op.name();
    slots::check(name, input.dtype, gpu.caps)?;
    if out.numel() == 0 {
        return Ok(storage(out_buffer(gpu, name, out)?, out));
    }
    slots::check(name, out.dtype, gpu.caps)?;
    let dims = |keep: bool| {
        (0..input.shape.len())
            .filter(move |i| axes.contains(i) != keep)
            .map(|i| (input.shape[i], input.strides[i]))
    };
    let kept = collapse(dims(true));
    let red = collapse(dims(false));
    let src = Source {
        buf: buffer(name, input)?,
        dtype: input.dtype,
        offset: input.offset,
    };
    op_section(REDUCE, name, name, out.dtype)?;
    let res = reduce_pass(gpu, op, &src, &kept, &red, out.dtype)?;
    Ok(storage(res, out))
}

/// Index of the max/min along `axis`.
pub(crate) fn arg_reduce(
    gpu: &Gpu,
    op: ArgReduceOp,
    input: &View,
    axis: usize,
    out: OutSpec,
) -> Result<Storage> {
    let name = op.name();
    slots::check(name, input.dtype, gpu.caps)?;
    let ob = out_buffer(gpu, name, out)?;
    let n_out = out.numel();
    let n = input.shape[axis];
    if n_out == 0 {
        return Ok(storage(ob, out));
    }
    if n == 0 {
        return Err(Error::invalid(name, "cannot reduce over an empty axis"));
    }
    let kept = collapse(
        (0..input.shape.len())
            .filter(|&i| i != axis)
            .map(|i| (input.shape[i], input.strides[i])),
    );
    op_section(REDUCE, name, "argcmp", input.dtype)?;
    let stride = input.strides[axis];
    let contig = stride == 1;
    let tpr = threads_per_row(n);
    let mut p = vec![
        word(name, n_out)?,
        word(name, n)?,
        word(name, input.offset)?,
    ];
    push_segment(name, &mut p, &kept)?;
    push_segment(name, &mut p, &[(n, stride)])?;
    let key = format!("{name}|{}|{tpr}|{contig}", input.dtype.short_name());
    let pipeline = gpu.pipeline(&key, || {
        arg_source(op, input.dtype, tpr, contig).expect("argcmp sections cover every dtype")
    })?;
    let groups = n_out.div_ceil(256 / tpr as usize);
    gpu.dispatch(
        &pipeline,
        &p,
        &[buffer(name, input)?, &ob],
        groups_grid(groups),
    )?;
    Ok(storage(ob, out))
}
