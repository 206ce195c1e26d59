//! Matrix products (`shaders/matmul.wgsl`).
//!
//! Operands are read through their strides (transposed, sliced and
//! broadcast views need no copy); the output is row-major. Paths:
//!
//! - M == 1 or N == 1: a bandwidth-bound matrix-vector kernel (`gemv_axpy`
//!   when the matrix is unit-stride along the outputs, `gemv_dot` when it
//!   is unit-stride along K), with K split over workgroups when there are
//!   few outputs and a second pass adding the splits.
//! - float16 on adapters with 16x16x16 f16/f32 cooperative matrices and
//!   32-wide subgroups: the `coop` kernel (disable with the environment
//!   variable `MLX_WGPU_NO_COOP=1`).
//! - otherwise the register-tiled `tiled` kernel (f32 accumulation for
//!   every float dtype).
//!
//! Batches run on grid z (several dispatches past the per-dimension limit)
//! with per-operand batch strides; when the right operand is shared by the
//! whole batch and the left one's rows form one strided run, the batch is
//! folded into M instead. Integer dtypes are an error, as on the CPU.

use crate::context::{grid, Gpu};
use crate::elementwise::{buffer, collapse, out_buffer, storage};
use crate::pool::GpuBuffer;
use crate::shader::{self, compose, section};
use crate::slots;
use mlx_core::primitive::OutSpec;
use mlx_core::{Dtype, Error, Result, Storage, View};
use std::sync::OnceLock;

const OP: &str = "matmul";

/// Workgroup memory of the cooperative-matrix kernel, in bytes.
const COOP_SHARED_BYTES: u32 = 46_080;

/// Workgroups the matrix-vector kernels aim for (by splitting K).
const GEMV_TARGET_GROUPS: usize = 512;

/// Workgroups enough for `gemv_axpy` without splitting K: it takes the
/// widest workgroups (most outputs each) that still make this many, since
/// a split costs a second dispatch and a partial-sum buffer. Measured on
/// an H100 for 1x4096 @ 4096x4096 f16 (GPU time, 8 products chained in
/// one eval): 32 workgroups and 16 splits 26.1 us; 128 workgroups, no
/// split 19.8 us; 64 or 256 workgroups 21-30 us.
const AXPY_MIN_GROUPS: usize = 128;

/// Threads per workgroup of `gemv_axpy_fast` (same measurement: 256
/// threads 22.0 us, 512 threads 19.8 us, 1024 threads 20.8 us).
const AXPY_FAST_THREADS: usize = 512;

/// How one operand's unit-stride dimension is read by a kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// The unit-stride (or smaller-stride) dimension is the rows: M for
    /// the left operand, K for the right one.
    pub t: bool,
    /// Units along that dimension may be loaded as vectors.
    pub vec: bool,
}

/// Which matrix-vector kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gemv {
    /// The matrix is unit-stride along the outputs.
    Axpy,
    /// `Axpy` with whole 8-output vector units (vector loads, a multiple
    /// of 8 outputs).
    AxpyFast,
    /// The matrix is unit-stride along K.
    Dot,
}

fn sec(name: &str) -> &'static str {
    section(shader::MATMUL, name).unwrap_or_else(|| panic!("matmul.wgsl has no section {name}"))
}

fn flag(b: bool) -> String {
    b.to_string()
}

/// WGSL of the register-tiled kernel.
pub(crate) fn tiled_source(dtype: Dtype, a: Layout, b: Layout, out_vec: bool) -> String {
    // bfloat16 words hold two elements: their vector sections differ.
    let pick = |binding: &str, vec: bool| match (vec, dtype == Dtype::Bfloat16) {
        (false, _) => format!("{binding}.scalar"),
        (true, false) => format!("{binding}.vec"),
        (true, true) => format!("{binding}.vec.packed"),
    };
    compose(
        &[("a", dtype), ("b", dtype), ("out", dtype)],
        &[
            ("A_T", flag(a.t)),
            ("A_VEC", flag(a.vec)),
            ("B_T", flag(b.t)),
            ("B_VEC", flag(b.vec)),
        ],
        shader::MATMUL,
        &[
            sec(&pick("a", a.vec)),
            sec(&pick("b", b.vec)),
            sec(&pick("out", out_vec)),
            sec("tiled"),
        ],
    )
}

/// WGSL of the float16 cooperative-matrix kernel.
pub(crate) fn coop_source(a: Layout, b: Layout, out_vec: bool) -> String {
    let f = Dtype::Float16;
    let body = compose(
        &[("a", f), ("b", f), ("out", f)],
        &[
            ("A_T", flag(a.t)),
            ("A_VEC", flag(a.vec)),
            ("B_T", flag(b.t)),
            ("B_VEC", flag(b.vec)),
        ],
        shader::MATMUL,
        &[
            sec(if out_vec {
                "coop.out.vec"
            } else {
                "coop.out.scalar"
            }),
            sec("coop.epilogue"),
            sec("coop"),
        ],
    );
    format!("enable wgpu_cooperative_matrix;\n{body}")
}

/// WGSL of the float16 cooperative-matrix kernel that loads fragments
/// straight from the storage buffers; `a_t` / `b_t`: that operand is
/// unit-stride along K.
pub(crate) fn coop_direct_source(a_t: bool, b_t: bool) -> String {
    let f = Dtype::Float16;
    let body = compose(
        &[("a", f), ("b", f), ("out", f)],
        &[("A_T", flag(a_t)), ("B_T", flag(b_t))],
        shader::MATMUL,
        &[
            sec("coop.out.vec"),
            sec("coop.epilogue"),
            sec("coop_direct"),
        ],
    );
    format!("enable wgpu_cooperative_matrix;\n{body}")
}

/// WGSL of a matrix-vector kernel; `split` writes f32 partial sums
/// instead of the output; `tj` (a power of two, 2..=16) is the threads
/// along the outputs of `gemv_axpy`.
pub(crate) fn gemv_source(
    dtype: Dtype,
    kind: Gemv,
    (x_vec, y_vec): (bool, bool),
    split: bool,
    tj: u32,
) -> String {
    // 16-bit floats are read as words of two.
    let h = slots::slot_size(dtype) == 2;
    let (threads, kernel) = match kind {
        Gemv::Axpy => (256, "gemv_axpy"),
        Gemv::AxpyFast => (AXPY_FAST_THREADS, "gemv_axpy_fast"),
        Gemv::Dot => (256, "gemv_dot"),
    };
    let mut sections = vec![
        sec(if h { "x.h8" } else { "x.v4" }),
        sec(if h { "y.h8" } else { "y.v4" }),
        sec(if split { "gemv.partial" } else { "gemv.final" }),
        sec("gemv.units"),
    ];
    if kind != Gemv::Dot {
        sections.push(sec("gemv.axpy_common"));
    }
    sections.push(sec(kernel));
    compose(
        &[("x", dtype), ("y", dtype), ("out", dtype)],
        &[
            ("X_VEC", flag(x_vec)),
            ("Y_VEC", flag(y_vec)),
            ("TJ", format!("{tj}u")),
            ("WGS", format!("{threads}u")),
        ],
        shader::MATMUL,
        &sections,
    )
}

/// WGSL of the pass adding the K-splits of a matrix-vector product.
pub(crate) fn reduce_source(dtype: Dtype) -> String {
    compose(
        &[("out", dtype)],
        &[],
        shader::MATMUL,
        &[sec("gemv_reduce")],
    )
}

/// One operand: offset, row and column strides, batch strides.
#[derive(Clone, Debug)]
struct Operand {
    off: usize,
    rs: isize,
    cs: isize,
    bs: Vec<isize>,
}

impl Operand {
    /// The layout for `unit`-element vector loads.
    fn layout(&self, unit: usize) -> Layout {
        let t = self.cs != 1 && (self.rs == 1 || self.rs.unsigned_abs() < self.cs.unsigned_abs());
        let (inner, outer) = if t {
            (self.rs, self.cs)
        } else {
            (self.cs, self.rs)
        };
        let u = unit as isize;
        let vec = inner == 1
            && self.off % unit == 0
            && outer % u == 0
            && self.bs.iter().all(|s| s % u == 0);
        Layout { t, vec }
    }
}

fn word(x: usize) -> Result<u32> {
    u32::try_from(x).map_err(|_| Error::Device {
        op: OP,
        msg: format!("size {x} does not fit the GPU's 32-bit indexing"),
    })
}

fn sword(x: isize) -> Result<u32> {
    i32::try_from(x)
        .map(|v| v as u32)
        .map_err(|_| Error::Device {
            op: OP,
            msg: format!("stride {x} does not fit the GPU's 32-bit indexing"),
        })
}

/// Batch parameter words `[batch_start, nb, shape.., first.bs.., second.bs..]`.
fn batch_words(dims: &[usize], first: &[isize], second: &[isize]) -> Result<Vec<u32>> {
    let mut p = vec![0, dims.len() as u32];
    for &d in dims {
        p.push(word(d)?);
    }
    for &s in first.iter().chain(second) {
        p.push(sword(s)?);
    }
    Ok(p)
}

/// Dispatch `[gx, gy, batch]`, in chunks of the grid's z limit (the
/// chunk's first batch index goes to `params[9]`).
fn dispatch_batched(
    gpu: &Gpu,
    pipeline: &wgpu::ComputePipeline,
    params: &mut [u32],
    bufs: &[&GpuBuffer],
    gx: usize,
    gy: usize,
    batch: usize,
) -> Result<()> {
    let maxz = (gpu.limits.max_compute_workgroups_per_dimension as usize).max(1);
    let mut start = 0;
    while start < batch {
        let count = maxz.min(batch - start);
        params[9] = word(start)?;
        gpu.dispatch(pipeline, params, bufs, [word(gx)?, word(gy)?, word(count)?])?;
        start += count;
    }
    Ok(())
}

/// True when `MLX_WGPU_NO_COOP` asks for the portable kernels.
fn coop_disabled() -> bool {
    static OFF: OnceLock<bool> = OnceLock::new();
    *OFF.get_or_init(|| std::env::var("MLX_WGPU_NO_COOP").is_ok_and(|v| !v.is_empty() && v != "0"))
}

/// True when the cooperative-matrix kernel can run on this adapter.
fn coop_available(gpu: &Gpu) -> bool {
    gpu.coop_matrix
        && gpu.subgroups
        && gpu.caps.f16
        && gpu.info.subgroup_min_size == 32
        && gpu.info.subgroup_max_size == 32
        && gpu.limits.max_compute_workgroup_storage_size >= COOP_SHARED_BYTES
        && !coop_disabled()
}

/// The layouts `coop_direct` reads `a` and `b` with (true: unit-stride
/// along K), when it takes the product: K a multiple of 16, N of 8, M and
/// N at least 16, each operand unit-stride along one of its dimensions with
/// the other stride, its offset and batch strides multiples of 8 elements
/// (16-byte aligned fragments), and M a multiple of 8 when `a` is
/// unit-stride along M (its last tile may start at M - 16).
fn direct_tiles(m: usize, n: usize, k: usize, a: &Operand, b: &Operand) -> Option<(bool, bool)> {
    // (unit-stride along K?) for an operand with strides (along K, other).
    let layout = |o: &Operand, along_k: isize, other: isize| -> Option<bool> {
        let aligned = o.off % 8 == 0 && o.bs.iter().all(|s| s % 8 == 0);
        match (along_k, other) {
            (1, s) if s > 0 && s % 8 == 0 && aligned => Some(true),
            (s, 1) if s > 0 && s % 8 == 0 && aligned => Some(false),
            _ => None,
        }
    };
    if m < 16 || n < 16 || n % 8 != 0 || k % 16 != 0 || k == 0 {
        return None;
    }
    let a_t = !layout(a, a.cs, a.rs)?;
    let b_t = layout(b, b.rs, b.cs)?;
    (!a_t || m % 8 == 0).then_some((a_t, b_t))
}

/// Batched `a @ b`: `a` is `[batch.., M, K]`, `b` is `[batch.., K, N]`
/// (equal batch shapes, broadcast ones with stride 0).
pub(crate) fn matmul(gpu: &Gpu, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
    product(gpu, a, b, out, false)
}

/// [`matmul`]; `emulate_coop` (tests only) runs float16 products through
/// the cooperative-matrix kernel with its matrix operations emulated in
/// plain WGSL, so its tiling can be checked on adapters without them.
fn product(gpu: &Gpu, a: &View, b: &View, out: OutSpec, emulate_coop: bool) -> Result<Storage> {
    let nd = out.shape.len();
    if nd < 2 || a.shape.len() != nd || b.shape.len() != nd {
        return Err(Error::internal(
            OP,
            "operands must have the output's rank, at least 2",
        ));
    }
    let dtype = out.dtype;
    slots::check(OP, dtype, gpu.caps)?;
    if !slots::is_float(dtype) {
        return Err(Error::unsupported(OP, "wgpu", format!("dtype {dtype}")));
    }
    if a.dtype != dtype || b.dtype != dtype {
        return Err(Error::internal(
            OP,
            format!("operands are {} and {}, output {dtype}", a.dtype, b.dtype),
        ));
    }
    let ob = out_buffer(gpu, OP, out)?;
    if out.numel() == 0 {
        return Ok(storage(ob, out));
    }
    word(out.numel())?;
    let (abuf, bbuf) = (buffer(OP, a)?, buffer(OP, b)?);
    let slot = slots::slot_size(dtype) as u64;
    for buf in [abuf, bbuf] {
        if buf.len / slot > i32::MAX as u64 {
            return Err(Error::Device {
                op: OP,
                msg: "operand exceeds the GPU's 32-bit indexing (2^31 elements)".into(),
            });
        }
    }

    let (mut m, n, k) = (out.shape[nd - 2], out.shape[nd - 1], a.shape[nd - 1]);
    let (dims, bst) = collapse(
        &out.shape[..nd - 2],
        &[&a.strides[..nd - 2], &b.strides[..nd - 2]],
    );
    let mut dims = dims;
    let mut ao = Operand {
        off: a.offset,
        rs: a.strides[nd - 2],
        cs: a.strides[nd - 1],
        bs: bst[0].clone(),
    };
    let mut bo = Operand {
        off: b.offset,
        rs: b.strides[nd - 2],
        cs: b.strides[nd - 1],
        bs: bst[1].clone(),
    };
    // One right operand for the whole batch and left rows forming one
    // strided run: a single (batch * M) x K product.
    if !dims.is_empty() && bo.bs.iter().all(|&s| s == 0) {
        let mut expect = ao.rs * m as isize;
        let foldable = (0..dims.len()).rev().all(|d| {
            let ok = ao.bs[d] == expect;
            expect *= dims[d] as isize;
            ok
        });
        if foldable {
            m *= dims.iter().product::<usize>();
            dims.clear();
            ao.bs.clear();
            bo.bs.clear();
        }
    }
    let batch: usize = dims.iter().product();

    if k > 0
        && (m == 1 || n == 1)
        && gemv(
            gpu,
            dtype,
            &ob,
            abuf,
            bbuf,
            (m, n, k),
            &ao,
            &bo,
            &dims,
            batch,
        )?
    {
        return Ok(storage(ob, out));
    }

    let mut params = vec![
        word(m)?,
        word(n)?,
        word(k)?,
        word(ao.off)?,
        sword(ao.rs)?,
        sword(ao.cs)?,
        word(bo.off)?,
        sword(bo.rs)?,
        sword(bo.cs)?,
    ];
    params.extend(batch_words(&dims, &ao.bs, &bo.bs)?);
    let bufs = [abuf, bbuf, &ob];

    let coop = emulate_coop || coop_available(gpu);
    if dtype == Dtype::Float16 && m >= 16 && n >= 16 && coop {
        // Aligned operands with K a multiple of 16 load straight from the
        // buffers; the rest is staged through workgroup memory.
        let direct = direct_tiles(m, n, k, &ao, &bo);
        let (la, lb, ov) = (ao.layout(8), bo.layout(8), n % 8 == 0);
        let key = if let Some((a_t, b_t)) = direct {
            format!(
                "matmul.coop_direct|{}{}{}",
                a_t as u8, b_t as u8, emulate_coop as u8
            )
        } else {
            format!(
                "matmul.coop|{}{}{}{}{}{}",
                la.t as u8, la.vec as u8, lb.t as u8, lb.vec as u8, ov as u8, emulate_coop as u8
            )
        };
        let source = || {
            let src = match direct {
                Some((a_t, b_t)) => coop_direct_source(a_t, b_t),
                None => coop_source(la, lb, ov),
            };
            #[cfg(test)]
            if emulate_coop {
                return if direct.is_some() {
                    tests::emulate_coop_direct(&src)
                } else {
                    tests::emulate_coop(&src)
                };
            }
            src
        };
        let pipeline = gpu.pipeline(&key, source).map_err(|e| Error::Device {
            op: OP,
            msg: format!(
                "the cooperative-matrix float16 kernel failed to build on {} ({e}); \
                     set MLX_WGPU_NO_COOP=1 to use the portable kernel",
                gpu.info.name
            ),
        })?;
        dispatch_batched(
            gpu,
            &pipeline,
            &mut params,
            &bufs,
            n.div_ceil(128),
            m.div_ceil(128),
            batch,
        )?;
        return Ok(storage(ob, out));
    }

    let (la, lb, ov) = (ao.layout(4), bo.layout(4), n % 4 == 0);
    let key = format!(
        "matmul.tiled|{}|{}{}{}{}{}",
        dtype.short_name(),
        la.t as u8,
        la.vec as u8,
        lb.t as u8,
        lb.vec as u8,
        ov as u8
    );
    let pipeline = gpu.pipeline(&key, || tiled_source(dtype, la, lb, ov))?;
    dispatch_batched(
        gpu,
        &pipeline,
        &mut params,
        &bufs,
        n.div_ceil(128),
        m.div_ceil(128),
        batch,
    )?;
    Ok(storage(ob, out))
}

/// Matrix-vector product (M == 1 or N == 1, K > 0) into `ob`; false
/// (nothing recorded) when its grid would exceed the dispatch limit.
#[allow(clippy::too_many_arguments)]
fn gemv(
    gpu: &Gpu,
    dtype: Dtype,
    ob: &GpuBuffer,
    abuf: &GpuBuffer,
    bbuf: &GpuBuffer,
    (m, n, k): (usize, usize, usize),
    ao: &Operand,
    bo: &Operand,
    dims: &[usize],
    batch: usize,
) -> Result<bool> {
    // out[j] = sum_k y[k] * x[k, j]; x at off + k * sk + j * sj.
    let (nout, xbuf, ybuf, (xoff, sk, sj, xbs), (yoff, ysk, ybs)) = if m == 1 {
        (
            n,
            bbuf,
            abuf,
            (bo.off, bo.rs, bo.cs, &bo.bs),
            (ao.off, ao.cs, &ao.bs),
        )
    } else {
        (
            m,
            abuf,
            bbuf,
            (ao.off, ao.cs, ao.rs, &ao.bs),
            (bo.off, bo.rs, &bo.bs),
        )
    };
    let unit = if slots::slot_size(dtype) == 2 { 8 } else { 4 };
    let u = unit as isize;
    let kind = if nout > 1 && (sj == 1 || (sk != 1 && sj.unsigned_abs() < sk.unsigned_abs())) {
        Gemv::Axpy
    } else {
        Gemv::Dot
    };
    let aligned = |off: usize, s: isize, bs: &[isize]| {
        off % unit == 0 && s % u == 0 && bs.iter().all(|b| b % u == 0)
    };
    let (x_vec, y_vec) = match kind {
        Gemv::Axpy | Gemv::AxpyFast => (sj == 1 && aligned(xoff, sk, xbs), false),
        Gemv::Dot => (
            sk == 1 && aligned(xoff, sj, xbs),
            ysk == 1 && aligned(yoff, 0, ybs),
        ),
    };
    let kind = if kind == Gemv::Axpy && x_vec && nout % 8 == 0 {
        Gemv::AxpyFast
    } else {
        kind
    };
    let axpy = kind != Gemv::Dot;
    // Outputs of `gemv_axpy_fast` per workgroup are 8 * tj; the scalar
    // `gemv_axpy` keeps 16 (its loads are too few in flight to go without
    // splitting K: 46 us against 26 us split, same measurement).
    let tj = match kind {
        Gemv::AxpyFast => [16usize, 8, 4, 2]
            .into_iter()
            .find(|tj| nout.div_ceil(tj * 8) * batch >= AXPY_MIN_GROUPS)
            .unwrap_or(2),
        Gemv::Axpy => 16,
        Gemv::Dot => 0,
    };
    let (per_group, min_chunk) = if axpy { (tj * 8, 64) } else { (8, 1024) };
    let gx = nout.div_ceil(per_group);
    if gx > gpu.limits.max_compute_workgroups_per_dimension as usize {
        return Ok(false);
    }
    let want = if kind == Gemv::AxpyFast && gx * batch >= AXPY_MIN_GROUPS {
        1
    } else {
        GEMV_TARGET_GROUPS.div_ceil(gx * batch).min(4096)
    };
    let mut splits = want.min(k.div_ceil(min_chunk)).max(1);
    let kc = k.div_ceil(splits).next_multiple_of(8);
    splits = k.div_ceil(kc);
    let split = splits > 1;

    let mut params = vec![
        word(nout)?,
        word(k)?,
        word(xoff)?,
        sword(sk)?,
        sword(sj)?,
        word(yoff)?,
        sword(ysk)?,
        word(splits)?,
        word(kc)?,
    ];
    params.extend(batch_words(dims, xbs, ybs)?);
    let tj = tj.max(2) as u32;
    let key = format!(
        "matmul.gemv|{}|{kind:?}{}{}{}|{tj}",
        dtype.short_name(),
        x_vec as u8,
        y_vec as u8,
        split as u8
    );
    let pipeline = gpu.pipeline(&key, || gemv_source(dtype, kind, (x_vec, y_vec), split, tj))?;
    if !split {
        dispatch_batched(gpu, &pipeline, &mut params, &[xbuf, ybuf, ob], gx, 1, batch)?;
        return Ok(true);
    }
    let total = batch * nout;
    let part = gpu.alloc(OP, (total * splits * 4) as u64)?;
    dispatch_batched(
        gpu,
        &pipeline,
        &mut params,
        &[xbuf, ybuf, &part],
        gx,
        splits,
        batch,
    )?;
    let key = format!("matmul.gemv_reduce|{}", dtype.short_name());
    let reduce = gpu.pipeline(&key, || reduce_source(dtype))?;
    gpu.dispatch(
        &reduce,
        &[word(total)?, word(nout)?, word(splits)?],
        &[&part, ob],
        grid(total),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::{download, upload};
    use half::f16;
    use mlx_core::HostData;

    /// The cooperative-matrix kernel with its matrix operations written
    /// out in plain WGSL, "subgroups" being 32 consecutive invocations: an
    /// A or B operand is its (offset, stride) in As / Bs (which do not
    /// change between a load and its use), an accumulator is the 8
    /// elements lane l owns (row l / 2, columns (l % 2) * 8 ..). Everything
    /// else (tile staging, fragment offsets, epilogue) is the real text.
    pub(super) fn emulate_coop(src: &str) -> String {
        emulate(
            src,
            &[
                ("coopLoadT<coop_mat16x16<f16, A>>(&As[", "vec3<u32>(("),
                ("], SA)", "), SA, 0u)"),
                ("coopLoadT<coop_mat16x16<f16, B>>(&Bs[", "vec3<u32>(("),
                ("], SB)", "), SB, 0u)"),
            ],
            ("As", "Bs"),
        )
    }

    /// [`emulate_coop`] for `coop_direct`, whose fragments come from
    /// `frag_a` / `frag_b` over the storage buffers a / b, row- or
    /// column-major.
    pub(super) fn emulate_coop_direct(src: &str) -> String {
        emulate(
            src,
            &[
                ("-> coop_mat16x16<f16, A> {", "-> vec3<u32> {"),
                ("-> coop_mat16x16<f16, B> {", "-> vec3<u32> {"),
                (
                    "coopLoad<coop_mat16x16<f16, A>>(&a[base + k * ld + m], ld)",
                    "vec3<u32>(base + k * ld + m, ld, 1u)",
                ),
                (
                    "coopLoadT<coop_mat16x16<f16, A>>(&a[base + m * ld + k], ld)",
                    "vec3<u32>(base + m * ld + k, ld, 0u)",
                ),
                (
                    "coopLoad<coop_mat16x16<f16, B>>(&b[base + n * ld + k], ld)",
                    "vec3<u32>(base + n * ld + k, ld, 1u)",
                ),
                (
                    "coopLoadT<coop_mat16x16<f16, B>>(&b[base + k * ld + n], ld)",
                    "vec3<u32>(base + k * ld + n, ld, 0u)",
                ),
            ],
            ("a", "b"),
        )
    }

    /// Emulate a kernel: `loads` turn its fragment loads into (offset,
    /// stride, column-major) triples over the arrays `an` / `bn`.
    fn emulate(src: &str, loads: &[(&str, &str)], (an, bn): (&str, &str)) -> String {
        let mut s = src.to_string();
        let mut swap = |from: &str, to: &str| {
            assert!(s.contains(from), "coop kernel no longer contains {from:?}");
            s = s.replace(from, to);
        };
        swap("enable wgpu_cooperative_matrix;\n", "");
        for (from, to) in loads {
            swap(from, to);
        }
        swap(
            "coopLoadT<coop_mat16x16<f32, C>>(&Cs[0], 16u)",
            "emu_load_c(0u)",
        );
        swap("coopMultiplyAdd(", "emu_mma(");
        for f in ["emit_tile", "emit_whole"] {
            swap(
                &format!("fn {f}(c: coop_mat16x16<f32, C>,"),
                &format!("fn {f}(c: EM,"),
            );
        }
        swap("coopStoreT(c, &Cs[stage], 16u)", "emu_store_c(c, stage)");
        swap(
            ",\n        @builtin(subgroup_id) sg: u32, @builtin(subgroup_invocation_id) lane: u32)",
            ")",
        );
        swap(
            "    let wm = sg / ",
            "    let sg = lid / 32u;\n    let lane = lid % 32u;\n    emu_lane = lane;\n    let wm = sg / ",
        );
        for op in [
            "coop_mat16x16<",
            "coopLoadT<",
            "coopStoreT(",
            "coopMultiplyAdd(",
        ] {
            assert!(!s.contains(op), "unemulated {op} left");
        }
        s.push_str(
            &"
var<private> emu_lane: u32;
alias EM = array<f32, 8>;
fn emu_load_c(at: u32) -> EM {
    var m: EM;
    let e = at + (emu_lane / 2u) * 16u + (emu_lane % 2u) * 8u;
    for (var i = 0u; i < 8u; i++) { m[i] = Cs[e + i]; }
    return m;
}
fn emu_store_c(m: EM, at: u32) {
    let e = at + (emu_lane / 2u) * 16u + (emu_lane % 2u) * 8u;
    for (var i = 0u; i < 8u; i++) { Cs[e + i] = m[i]; }
}
// Element (r, c) of a fragment f = (offset, stride, column-major).
fn emu_at(f: vec3<u32>, r: u32, c: u32) -> u32 {
    return select(f.x + r * f.y + c, f.x + c * f.y + r, f.z == 1u);
}
// fa, fb: 16x16 fragments of AN / BN.
fn emu_mma(fa: vec3<u32>, fb: vec3<u32>, c: EM) -> EM {
    var d = c;
    let r = emu_lane / 2u;
    let col = (emu_lane % 2u) * 8u;
    for (var k = 0u; k < 16u; k++) {
        let x = f32(AN[emu_at(fa, r, k)]);
        for (var j = 0u; j < 8u; j++) {
            d[j] += x * f32(BN[emu_at(fb, k, col + j)]);
        }
    }
    return d;
}
"
            .replace("AN", an)
            .replace("BN", bn),
        );
        s
    }

    #[test]
    fn emulated_coop_source_validates() {
        let l = |t, vec| Layout { t, vec };
        for (a, b) in [
            (l(false, true), l(true, false)),
            (l(true, true), l(false, false)),
        ] {
            crate::naga_tests::validate("emulated coop", &emulate_coop(&coop_source(a, b, true)));
        }
    }

    /// One float16 product through the emulated cooperative-matrix kernel,
    /// checked against an f64 product of the same f16 values. `a` and `b`
    /// are (shape, strides, offset) views of buffers of `len` elements.
    fn check_coop(
        gpu: &Gpu,
        what: &str,
        (ashape, astr, aoff): (&[usize], &[isize], usize),
        (bshape, bstr, boff): (&[usize], &[isize], usize),
    ) {
        let span = |shape: &[usize], st: &[isize], off: usize| {
            if shape.contains(&0) {
                return 1;
            }
            off + shape
                .iter()
                .zip(st)
                .map(|(&d, &s)| (d - 1) * s as usize)
                .sum::<usize>()
                + 1
        };
        let val = |i: usize, seed: usize| ((i * 37 + seed * 11) % 23) as f32 / 8.0 - 1.4;
        let av: Vec<f16> = (0..span(ashape, astr, aoff))
            .map(|i| f16::from_f32(val(i, 1)))
            .collect();
        let bv: Vec<f16> = (0..span(bshape, bstr, boff))
            .map(|i| f16::from_f32(val(i, 2)))
            .collect();
        let sa = upload(gpu, HostData::Float16(av.clone())).unwrap();
        let sb = upload(gpu, HostData::Float16(bv.clone())).unwrap();
        let nd = ashape.len();
        let (m, k, n) = (ashape[nd - 2], ashape[nd - 1], bshape[nd - 1]);
        let mut oshape = ashape[..nd - 2].to_vec();
        oshape.extend([m, n]);
        let dt = Dtype::Float16;
        let va = View {
            storage: &sa,
            shape: ashape,
            strides: astr,
            offset: aoff,
            dtype: dt,
        };
        let vb = View {
            storage: &sb,
            shape: bshape,
            strides: bstr,
            offset: boff,
            dtype: dt,
        };
        let out = OutSpec {
            shape: &oshape,
            dtype: dt,
        };
        let so = product(gpu, &va, &vb, out, true).unwrap();
        let ostr = mlx_core::shape::row_major_strides(&oshape);
        let vo = View {
            storage: &so,
            shape: &oshape,
            strides: &ostr,
            offset: 0,
            dtype: dt,
        };
        let HostData::Float16(got) = download(gpu, &vo).unwrap() else {
            panic!("dtype")
        };
        let batch: usize = ashape[..nd - 2].iter().product();
        let at = |v: &[f16], st: &[isize], off: usize, bi: usize, r: usize, c: usize| {
            let mut e = off as isize + r as isize * st[nd - 2] + c as isize * st[nd - 1];
            let mut rem = bi;
            for d in (0..nd - 2).rev() {
                e += (rem % ashape[d]) as isize * st[d];
                rem /= ashape[d];
            }
            v[e as usize].to_f64()
        };
        for bi in 0..batch {
            for i in 0..m {
                for j in 0..n {
                    let want: f64 = (0..k)
                        .map(|kk| at(&av, astr, aoff, bi, i, kk) * at(&bv, bstr, boff, bi, kk, j))
                        .sum();
                    let g = got[(bi * m + i) * n + j].to_f64();
                    assert!(
                        (g - want).abs() <= 2e-3 * want.abs() + 1e-3,
                        "{what}: out[{bi}, {i}, {j}] = {g}, want {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn emulated_coop_kernel_matches_f64() {
        let Ok(gpu) = Gpu::open(0) else {
            eprintln!("no GPU adapter; skipping");
            return;
        };
        if !gpu.caps.f16 {
            eprintln!("no SHADER_F16; skipping");
            return;
        }
        // Row-major, 8-aligned: vector tile loads, vector output.
        check_coop(
            &gpu,
            "NN vec",
            (&[40, 48], &[48, 1], 0),
            (&[48, 136], &[136, 1], 0),
        );
        // Odd sizes and offsets: scalar loads, partial tiles, scalar output.
        check_coop(
            &gpu,
            "NN odd",
            (&[33, 37], &[37, 1], 3),
            (&[37, 19], &[19, 1], 1),
        );
        // Transposed operands (both vector and scalar), two k-tiles and more.
        check_coop(
            &gpu,
            "TN",
            (&[24, 72], &[1, 24], 0),
            (&[72, 40], &[40, 1], 0),
        );
        check_coop(
            &gpu,
            "NT",
            (&[17, 72], &[72, 1], 0),
            (&[72, 136], &[1, 72], 0),
        );
        check_coop(
            &gpu,
            "TT odd",
            (&[21, 35], &[1, 21], 0),
            (&[35, 18], &[1, 35], 5),
        );
        // Batched with a broadcast batch axis and more than one tile of M.
        check_coop(
            &gpu,
            "batched",
            (&[2, 130, 16], &[2100, 16, 1], 0),
            (&[2, 16, 24], &[0, 24, 1], 0),
        );
        // K = 0 writes zeros.
        check_coop(&gpu, "K=0", (&[16, 0], &[0, 1], 0), (&[0, 16], &[16, 1], 0));
        // Row-major operands with K a multiple of 16: the direct kernel,
        // with padded rows, offsets, a broadcast batch axis, and M and N
        // that end inside a tile (its last tiles move back).
        check_coop(
            &gpu,
            "direct",
            (&[128, 48], &[56, 1], 8),
            (&[48, 256], &[256, 1], 16),
        );
        check_coop(
            &gpu,
            "direct batched",
            (&[2, 128, 32], &[4096, 32, 1], 0),
            (&[2, 32, 128], &[0, 128, 1], 0),
        );
        check_coop(
            &gpu,
            "direct ragged",
            (&[130, 48], &[48, 1], 0),
            (&[48, 200], &[200, 1], 8),
        );
        check_coop(
            &gpu,
            "direct smallest",
            (&[16, 16], &[16, 1], 0),
            (&[16, 24], &[24, 1], 0),
        );
        // Operands stored transposed (unit-stride along K): a linear
        // layer's weight in x @ W.T, and A^T.
        check_coop(
            &gpu,
            "direct NT",
            (&[40, 32], &[32, 1], 0),
            (&[32, 136], &[1, 40], 0),
        );
        check_coop(
            &gpu,
            "direct TN",
            (&[48, 32], &[1, 56], 8),
            (&[32, 24], &[24, 1], 0),
        );
        check_coop(
            &gpu,
            "direct TT ragged",
            (&[40, 16], &[1, 40], 0),
            (&[16, 200], &[1, 16], 0),
        );
        check_coop(
            &gpu,
            "direct ragged batched",
            (&[3, 37, 32], &[37 * 40, 40, 1], 8),
            (&[3, 32, 40], &[32 * 40, 40, 1], 0),
        );
    }
}
