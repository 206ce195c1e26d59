//! `view` (bit reinterpretation): narrow dtypes sit widened in their
//! slots, so the kernel rebuilds raw bits from the slot values instead of
//! copying bytes (`shaders/bitcast.wgsl`); the 16-bit floats are read and
//! written as raw words of two elements.

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, out_buffer, storage, view_params};
use crate::shader;
use crate::slots;
use mlx_core::primitive::OutSpec;
use mlx_core::{Dtype, Error, Result, Storage, View};

/// True for the dtypes stored two per word (float16, bfloat16), which the
/// kernel binds as raw `u32` words.
fn half(d: Dtype) -> bool {
    slots::slot_size(d) == 2
}

/// WGSL source of the kernel reading `from` as `to`.
pub(crate) fn bitcast_source(from: Dtype, to: Dtype, contig: bool) -> Result<String> {
    let pick = |side: &str, d: Dtype| {
        let name = if half(d) { "half" } else { d.short_name() };
        shader::section(shader::BITCAST, &format!("{side}.{name}"))
            .ok_or_else(|| Error::dtype("view", d, "has no GPU kernel for this dtype"))
    };
    let mut sections = vec![pick("store", to)?, pick("load", from)?];
    if !half(from) {
        // Dtypes in slots read one slot per element through `load_bits`.
        sections.push(
            shader::section(shader::BITCAST, "load.slot")
                .ok_or_else(|| Error::internal("view", "bitcast.wgsl has no load.slot"))?,
        );
    }
    let raw = |d: Dtype| if half(d) { Dtype::Uint32 } else { d };
    Ok(shader::compose(
        &[("a", raw(from)), ("out", raw(to))],
        &[
            ("CONTIG", contig.to_string()),
            ("OUT_PAIRS", half(to).to_string()),
            ("ISZ", format!("{}u", from.size())),
            ("OSZ", format!("{}u", to.size())),
        ],
        shader::BITCAST,
        &sections,
    ))
}

/// The row-major bytes of `input` read as `out.dtype`.
pub(crate) fn bitcast(gpu: &Gpu, input: &View, out: OutSpec) -> Result<Storage> {
    const OP: &str = "view";
    slots::check(OP, input.dtype, gpu.caps)?;
    let ob = out_buffer(gpu, OP, out)?;
    if out.numel() == 0 {
        return Ok(storage(ob, out));
    }
    if u32::try_from(out.numel()).is_err() {
        return Err(Error::Device {
            op: OP,
            msg: format!(
                "{} elements do not fit the GPU's 32-bit indexing",
                out.numel()
            ),
        });
    }
    let (params, contig) = view_params(OP, input.shape, &[(input.offset, input.strides)])?;
    let (from, to) = (input.dtype, out.dtype);
    let key = format!("view|{}>{}|{contig}", from.short_name(), to.short_name());
    let text = bitcast_source(from, to, contig)?;
    let pipeline = gpu.pipeline(&key, || text)?;
    let src = buffer(OP, input)?;
    let threads = if half(to) {
        out.numel().div_ceil(2)
    } else {
        out.numel()
    };
    gpu.dispatch(&pipeline, &params, &[src, &ob], grid(threads))?;
    Ok(storage(ob, out))
}
