//! Cumulative ops (`shaders/scan.wgsl`: `cumsum`, `cumprod`, `cummax`,
//! `cummin`, `logcumsumexp`): one thread per line with a sequential loop
//! (exact CPU semantics, including per-step rounding of half types), or
//! for long innermost lines of integers and `float32` one workgroup per
//! line scanning 256 elements at a time.

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, out_buffer, storage};
use crate::reduce::{groups_grid, lines_along, push_segment, word};
use crate::shader::{compose, op_section, section, SCAN};
use crate::slots;
use mlx_core::primitive::{OutSpec, ScanOp};
use mlx_core::{Dtype, Error, Result, Storage, View};

/// Shortest innermost line scanned by a whole workgroup.
const PAR_MIN: usize = 256;

/// The value before the first element of `op` on `dtype`, as WGSL.
fn identity(op: ScanOp, dtype: Dtype) -> &'static str {
    let float = slots::is_float(dtype);
    match op {
        ScanOp::Sum => "C_out(0)",
        ScanOp::Prod => "C_out(1)",
        ScanOp::LogAddExp => "-inf_f32()",
        ScanOp::Max if float => "-inf_f32()",
        ScanOp::Min if float => "inf_f32()",
        ScanOp::Max => match dtype {
            Dtype::Int8 => "-128i",
            Dtype::Int16 => "-32768i",
            Dtype::Int32 => "i32(-2147483648)",
            Dtype::Int64 => "(-9223372036854775807li - 1li)",
            _ => "C_out(0)",
        },
        ScanOp::Min => match dtype {
            Dtype::Bool => "1u",
            Dtype::Uint8 => "255u",
            Dtype::Uint16 => "65535u",
            Dtype::Uint32 => "4294967295u",
            Dtype::Uint64 => "18446744073709551615lu",
            Dtype::Int8 => "127i",
            Dtype::Int16 => "32767i",
            Dtype::Int64 => "9223372036854775807li",
            _ => "2147483647i",
        },
    }
}

/// The WGSL of scan `op` of `dtype` (`par`: workgroup per line).
///
/// # Errors
/// When `op` has no kernel for `dtype` (`logcumsumexp` of integers).
pub(crate) fn scan_source(
    op: ScanOp,
    dtype: Dtype,
    par: bool,
    reverse: bool,
    inclusive: bool,
) -> Result<String> {
    let entry = if par { "main.par" } else { "main.seq" };
    let main = section(SCAN, entry).expect("scan.wgsl has its entries");
    let name = op.name();
    let combine = op_section(SCAN, name, &format!("op.{name}"), dtype)?;
    let id = format!(
        "fn identity() -> C_out {{ return C_out({}); }}\n",
        identity(op, dtype)
    );
    Ok(compose(
        &[("a", dtype), ("out", dtype)],
        &[
            ("REVERSE", reverse.to_string()),
            ("INCLUSIVE", inclusive.to_string()),
        ],
        SCAN,
        &[combine, &id, main],
    ))
}

/// True when the workgroup scan may serve `dtype` (its rounding differs
/// from a sequential loop only for float32, within tolerance; half types
/// must round after every step).
pub(crate) fn par_ok(dtype: Dtype) -> bool {
    !matches!(dtype, Dtype::Float16 | Dtype::Bfloat16)
}

/// Cumulative `op` of `input` along `axis`.
pub(crate) fn scan(
    gpu: &Gpu,
    op: ScanOp,
    input: &View,
    axis: usize,
    reverse: bool,
    inclusive: bool,
    out: OutSpec,
) -> Result<Storage> {
    let name = op.name();
    slots::check(name, input.dtype, gpu.caps)?;
    if input.dtype != out.dtype {
        return Err(Error::dtype(
            name,
            input.dtype,
            "the GPU kernel keeps the input's dtype",
        ));
    }
    let ob = out_buffer(gpu, name, out)?;
    let numel = out.numel();
    if numel == 0 {
        return Ok(storage(ob, out));
    }
    let n = input.shape[axis];
    let inner: usize = input.shape[axis + 1..].iter().product();
    let lines = numel / n;
    let (line_dims, stride) = lines_along(name, input, axis)?;
    let mut p = vec![
        word(name, lines)?,
        word(name, n)?,
        word(name, inner)?,
        word(name, input.offset)?,
        stride as u32,
    ];
    push_segment(name, &mut p, &line_dims)?;
    let par = inner == 1 && n >= PAR_MIN && par_ok(input.dtype);
    let key = format!(
        "{name}|{}|{par}{reverse}{inclusive}",
        input.dtype.short_name()
    );
    let src = scan_source(op, input.dtype, par, reverse, inclusive)?;
    let pipeline = gpu.pipeline(&key, || src)?;
    let groups = if par { groups_grid(lines) } else { grid(lines) };
    gpu.dispatch(&pipeline, &p, &[buffer(name, input)?, &ob], groups)?;
    Ok(storage(ob, out))
}
