//! How each [`Dtype`] lives in a GPU buffer ("slot") and which WGSL type
//! kernels compute it in.
//!
//! WGSL has no 8/16-bit integers and no bfloat16, and a kernel thread
//! cannot write one byte of a word without racing its neighbours. So:
//! `bool`, `u8`, `u16` live widened in `u32`, `i8`, `i16` in `i32`
//! (stores wrap to the narrow type), `float16` is native `f16`
//! (SHADER_F16), 64-bit integers are native (SHADER_INT64), and
//! `bfloat16` is stored at 16 bits, two per `u32` word (element `2k` in
//! the low half, as on the host), computed in `f32`. Uploads widen and
//! downloads narrow on the host (bfloat16 is copied as is), so results are
//! bit-identical to the CPU backend's storage.
//!
//! Kernels reach elements only through the accessors [`prelude`] declares
//! per binding (`load_x(i)`, `store_x(i, v)`), so a slot's layout lives in
//! this file alone.

use half::{bf16, f16};
use mlx_core::{Dtype, Error, HostData, Result};
use std::borrow::Cow;

/// Adapter features a dtype may need.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caps {
    pub f16: bool,
    pub int64: bool,
}

/// Reject dtypes the GPU cannot hold, naming `op`.
pub(crate) fn check(op: &'static str, dtype: Dtype, caps: Caps) -> Result<()> {
    match dtype {
        Dtype::Float64 => Err(Error::dtype(
            op,
            dtype,
            "is not supported on the GPU (as in MLX); use the CPU device",
        )),
        Dtype::Complex64 => Err(Error::dtype(
            op,
            dtype,
            "is not supported by the wgpu backend yet; use the CPU device",
        )),
        Dtype::Float16 if !caps.f16 => Err(Error::dtype(
            op,
            dtype,
            "needs the SHADER_F16 feature, which this GPU adapter lacks",
        )),
        Dtype::Int64 | Dtype::Uint64 if !caps.int64 => Err(Error::dtype(
            op,
            dtype,
            "needs the SHADER_INT64 feature, which this GPU adapter lacks",
        )),
        Dtype::Bool
        | Dtype::Uint8
        | Dtype::Uint16
        | Dtype::Uint32
        | Dtype::Uint64
        | Dtype::Int8
        | Dtype::Int16
        | Dtype::Int32
        | Dtype::Int64
        | Dtype::Float16
        | Dtype::Bfloat16
        | Dtype::Float32 => Ok(()),
    }
}

/// The WGSL type a buffer element of `dtype` is stored as.
pub(crate) fn storage_type(dtype: Dtype) -> &'static str {
    match dtype {
        Dtype::Bool | Dtype::Uint8 | Dtype::Uint16 | Dtype::Uint32 => "u32",
        Dtype::Int8 | Dtype::Int16 | Dtype::Int32 => "i32",
        Dtype::Int64 => "i64",
        Dtype::Uint64 => "u64",
        Dtype::Float16 => "f16",
        // Two per word (see [`prelude`]).
        Dtype::Bfloat16 => "u32",
        Dtype::Float32 | Dtype::Float64 | Dtype::Complex64 => "f32",
    }
}

/// The WGSL type kernels compute `dtype` in (floats in `f32`, as MLX's CPU
/// backend computes `float16`/`bfloat16`).
pub(crate) fn compute_type(dtype: Dtype) -> &'static str {
    match dtype {
        Dtype::Float16 | Dtype::Bfloat16 => "f32",
        other => storage_type(other),
    }
}

/// Bytes per element in a GPU buffer.
pub(crate) fn slot_size(dtype: Dtype) -> usize {
    match dtype {
        Dtype::Float16 | Dtype::Bfloat16 => 2,
        Dtype::Int64 | Dtype::Uint64 => 8,
        _ => 4,
    }
}

/// True when a slot word holds two elements (bfloat16), so a kernel
/// thread writes one element with atomics and two neighbours as one word.
pub(crate) fn packed(dtype: Dtype) -> bool {
    dtype == Dtype::Bfloat16
}

/// True for floating dtypes (computed in `f32`).
pub(crate) fn is_float(dtype: Dtype) -> bool {
    matches!(dtype, Dtype::Float16 | Dtype::Bfloat16 | Dtype::Float32)
}

/// How a kernel declares a binding (see [`crate::shader::compose`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// `var<storage, read> x: array<T_x>`.
    Read,
    /// `var<storage, read_write> x: array<T_x>`.
    ReadWrite,
    /// Declared otherwise (vectors, raw words, atomics) or not at all: the
    /// kernel reads the slots itself and gets no accessors.
    Other,
}

/// WGSL declarations for a typed binding named `x` of `dtype`, declared
/// as `access`:
///
/// - `T_x`, the array element type to declare the binding with (for
///   bfloat16 a `u32` word of two elements, `atomic<u32>` when writable);
///   `C_x`, the type kernels compute in; `PACKED_x`, true when a word
///   holds two elements (bfloat16: kernels should then write whole words
///   with `store2_x` where they can);
/// - `round_x(C_x) -> C_x`: a value rounded (bfloat16, float16) or wrapped
///   (narrow integers) to the dtype, as a store and a load would;
/// - with `Read` or `ReadWrite` access, `load_x(i) -> C_x` (element `i`);
///   with `ReadWrite`, `store_x(i, v)` and `store2_x(i, v0, v1)` (elements
///   `i` and `i + 1` for even `i`: one whole word for bfloat16, where
///   `store_x` updates its half atomically, so neighbours may write the
///   other half at the same time);
/// - for dtypes with one element per slot, `ld_x(T_x) -> C_x` and
///   `st_x(C_x) -> T_x` converting one slot value (for kernels that read
///   slots themselves, e.g. through atomics);
/// - for 16-bit floats, `unpack2_x(u32) -> vec2<f32>` and
///   `pack2_x(vec2<f32>) -> u32` converting a word of two elements.
pub(crate) fn prelude(x: &str, dtype: Dtype, access: Access) -> String {
    let c = compute_type(dtype);
    let packed = packed(dtype);
    let mut s = format!("alias C_{x} = {c};\nconst PACKED_{x} = {packed};\n");
    if dtype == Dtype::Bfloat16 {
        let word = if access == Access::ReadWrite {
            "atomic<u32>"
        } else {
            "u32"
        };
        s.push_str(&format!(
            "alias T_{x} = {word};\n\
             fn round_{x}(v: f32) -> f32 {{ return round_bf16(v); }}\n\
             fn unpack2_{x}(w: u32) -> vec2<f32> {{ return bf16x2_unpack(w); }}\n\
             fn pack2_{x}(v: vec2<f32>) -> u32 {{ return bf16_bits(v.x) | (bf16_bits(v.y) << 16u); }}\n"
        ));
        let read = if access == Access::ReadWrite {
            format!("atomicLoad(&{x}[i >> 1u])")
        } else {
            format!("{x}[i >> 1u]")
        };
        if access != Access::Other {
            s.push_str(&format!(
                "fn load_{x}(i: u32) -> f32 {{ return bf16_half({read}, i & 1u); }}\n"
            ));
        }
        if access == Access::ReadWrite {
            s.push_str(&format!(
                "fn store_{x}(i: u32, v: f32) {{\n\
                 \x20   let sh = (i & 1u) * 16u;\n\
                 \x20   atomicAnd(&{x}[i >> 1u], ~(0xffffu << sh));\n\
                 \x20   atomicOr(&{x}[i >> 1u], bf16_bits(v) << sh);\n\
                 }}\n\
                 fn store2_{x}(i: u32, v0: f32, v1: f32) {{\n\
                 \x20   atomicStore(&{x}[i >> 1u], bf16_bits(v0) | (bf16_bits(v1) << 16u));\n\
                 }}\n"
            ));
        }
        return s;
    }
    let t = storage_type(dtype);
    let store = match dtype {
        Dtype::Bool => "select(0u, 1u, v != 0u)",
        Dtype::Uint8 => "v & 0xffu",
        Dtype::Uint16 => "v & 0xffffu",
        Dtype::Int8 => "(v << 24u) >> 24u",
        Dtype::Int16 => "(v << 16u) >> 16u",
        Dtype::Float16 => "f16(round_f16(v))",
        _ => "v",
    };
    s.push_str(&format!(
        "alias T_{x} = {t};\n\
         fn ld_{x}(v: T_{x}) -> C_{x} {{ return C_{x}(v); }}\n\
         fn st_{x}(v: C_{x}) -> T_{x} {{ return {store}; }}\n\
         fn round_{x}(v: C_{x}) -> C_{x} {{ return ld_{x}(st_{x}(v)); }}\n"
    ));
    if dtype == Dtype::Float16 {
        s.push_str(&format!(
            "fn unpack2_{x}(w: u32) -> vec2<f32> {{ return unpack2x16float(w); }}\n\
             fn pack2_{x}(v: vec2<f32>) -> u32 {{ return pack2x16float(vec2<f32>(round_f16(v.x), round_f16(v.y))); }}\n"
        ));
    }
    if access != Access::Other {
        s.push_str(&format!(
            "fn load_{x}(i: u32) -> C_{x} {{ return ld_{x}({x}[i]); }}\n"
        ));
    }
    if access == Access::ReadWrite {
        s.push_str(&format!(
            "fn store_{x}(i: u32, v: C_{x}) {{ {x}[i] = st_{x}(v); }}\n\
             fn store2_{x}(i: u32, v0: C_{x}, v1: C_{x}) {{ {x}[i] = st_{x}(v0); {x}[i + 1u] = st_{x}(v1); }}\n"
        ));
    }
    s
}

/// WGSL expression converting `v` (computed as `from`) to the compute type
/// of `to`, with MLX's cast semantics (to bool is `!= 0`; floats to small
/// unsigned types wrap through `i32`).
pub(crate) fn cast_expr(v: &str, from: Dtype, to: Dtype) -> String {
    let (fc, tc) = (compute_type(from), compute_type(to));
    if to == Dtype::Bool {
        if is_float(from) {
            // NaN is true. A float `!=` may compile to an ordered compare
            // (false for NaN), so test the bits: only ±0 are false.
            return format!("select(0u, 1u, (bitcast<u32>({v}) & 0x7fffffffu) != 0u)");
        }
        return format!("select(0u, 1u, {v} != {fc}(0))");
    }
    if fc == tc {
        return v.to_string();
    }
    if is_float(to) {
        // 32-bit integers to float, rounded to nearest even as the CPU
        // does: the high part (low 8 bits cleared) converts exactly and the
        // float add rounds once (some GPUs' int-to-float conversion does
        // not round to nearest). f16/bf16 then round that f32, as the CPU.
        match fc {
            "i32" => return format!("(f32({v} & -256i) + f32({v} & 255i))"),
            "u32" => return format!("(f32({v} & 0xffffff00u) + f32({v} & 0xffu))"),
            _ => {}
        }
    }
    if is_float(from) {
        // Truncation through a saturating i64, as the CPU (and MLX on
        // x86-64): 8- to 32-bit targets keep its low bits (narrow ones
        // wrap when stored), uint64 wraps negatives, NaN gives 0.
        let nan = format!("is_nan({v})");
        match to {
            Dtype::Int8 | Dtype::Int16 | Dtype::Int32 => {
                return format!("bitcast<i32>(f32_low_bits({v}))")
            }
            Dtype::Uint8 | Dtype::Uint16 | Dtype::Uint32 => return format!("f32_low_bits({v})"),
            Dtype::Int64 | Dtype::Uint64 => {
                // WGSL clamps to the largest f32 below 2^63 (2^64), the
                // CPU to i64::MAX (u64::MAX).
                let mag = format!("(bitcast<u32>({v}) & 0x7fffffffu)");
                let i64_sat = format!(
                    "select(select(i64({v}), select(i64(0x7fffffffffffffff), \
                     i64(-0x7fffffffffffffff) - i64(1), sign_bit({v})), {mag} >= 0x5f000000u), \
                     i64(0), {nan})"
                );
                if to == Dtype::Int64 {
                    return i64_sat;
                }
                return format!(
                    "select(select(select(u64({v}), u64(0) - u64(1), {mag} >= 0x5f800000u), \
                     bitcast<u64>({i64_sat}), sign_bit({v})), u64(0), {nan})"
                );
            }
            _ => {}
        }
    }
    // Widening changes signedness in two steps so that the source's sign
    // decides the extension (as C++ `static_cast` and the CPU backend):
    // `i32 -> u64` sign-extends, `u32 -> i64` zero-extends. A direct
    // conversion extends by the target's signedness instead.
    match (fc, tc) {
        ("i32", "u64") => return format!("u64(i64({v}))"),
        ("u32", "i64") => return format!("i64(u64({v}))"),
        _ => {}
    }
    format!("{tc}({v})")
}

/// Host data widened to the slot layout, as bytes: borrowed when the
/// slot layout is the host's (32/64-bit dtypes, float16, bfloat16),
/// else a new buffer (allocation failures are `OutOfMemory` errors of
/// `op`).
pub(crate) fn widen<'a>(op: &'static str, data: &'a HostData) -> Result<Cow<'a, [u8]>> {
    use mlx_core::memory::try_with_capacity;
    /// Each element through `f`, written straight into the byte buffer.
    fn widened<T: Copy, U: bytemuck::Pod>(
        op: &'static str,
        v: &[T],
        f: impl Fn(T) -> U,
    ) -> Result<Cow<'static, [u8]>> {
        let size = std::mem::size_of::<U>();
        let mut out = try_with_capacity(op, v.len().saturating_mul(size))?;
        for &x in v {
            out.extend_from_slice(bytemuck::bytes_of(&f(x)));
        }
        Ok(Cow::Owned(out))
    }
    let raw = |v: &'a [u8]| Ok(Cow::Borrowed(v));
    match data {
        HostData::Bool(v) => widened(op, v, u32::from),
        HostData::Uint8(v) => widened(op, v, u32::from),
        HostData::Uint16(v) => widened(op, v, u32::from),
        HostData::Int8(v) => widened(op, v, i32::from),
        HostData::Int16(v) => widened(op, v, i32::from),
        HostData::Bfloat16(v) => raw(bytemuck::cast_slice(v)),
        HostData::Uint32(v) => raw(bytemuck::cast_slice(v)),
        HostData::Uint64(v) => raw(bytemuck::cast_slice(v)),
        HostData::Int32(v) => raw(bytemuck::cast_slice(v)),
        HostData::Int64(v) => raw(bytemuck::cast_slice(v)),
        HostData::Float16(v) => raw(bytemuck::cast_slice(v)),
        HostData::Float32(v) => raw(bytemuck::cast_slice(v)),
        HostData::Float64(v) => raw(bytemuck::cast_slice(v)),
        HostData::Complex64(v) => raw(bytemuck::cast_slice(v)),
    }
}

/// `n` elements of `dtype` read back from slot bytes.
pub(crate) fn narrow(dtype: Dtype, bytes: &[u8], n: usize) -> Result<HostData> {
    const OP: &str = "download";
    /// The `n` slot words of `bytes`, each through `f` (alignment-free).
    fn map<T: bytemuck::Pod, U>(bytes: &[u8], n: usize, f: impl Fn(T) -> U) -> Result<Vec<U>> {
        let size = std::mem::size_of::<T>();
        let words = bytes[..n * size].chunks_exact(size);
        mlx_core::memory::try_collect(OP, n, words.map(|w| f(bytemuck::pod_read_unaligned(w))))
    }
    fn words<T: bytemuck::Pod>(bytes: &[u8], n: usize) -> Result<Vec<T>> {
        let size = std::mem::size_of::<T>();
        let mut out = mlx_core::memory::try_zeroed::<T>(OP, n)?;
        bytemuck::cast_slice_mut::<T, u8>(&mut out).copy_from_slice(&bytes[..n * size]);
        Ok(out)
    }
    Ok(match dtype {
        Dtype::Bool => HostData::Bool(map(bytes, n, |x: u32| x != 0)?),
        Dtype::Uint8 => HostData::Uint8(map(bytes, n, |x: u32| x as u8)?),
        Dtype::Uint16 => HostData::Uint16(map(bytes, n, |x: u32| x as u16)?),
        Dtype::Int8 => HostData::Int8(map(bytes, n, |x: i32| x as i8)?),
        Dtype::Int16 => HostData::Int16(map(bytes, n, |x: i32| x as i16)?),
        Dtype::Bfloat16 => HostData::Bfloat16(words::<bf16>(bytes, n)?),
        Dtype::Uint32 => HostData::Uint32(words(bytes, n)?),
        Dtype::Uint64 => HostData::Uint64(words(bytes, n)?),
        Dtype::Int32 => HostData::Int32(words(bytes, n)?),
        Dtype::Int64 => HostData::Int64(words(bytes, n)?),
        Dtype::Float16 => HostData::Float16(words::<f16>(bytes, n)?),
        Dtype::Float32 => HostData::Float32(words(bytes, n)?),
        Dtype::Float64 | Dtype::Complex64 => {
            return Err(Error::dtype(
                "download",
                dtype,
                "is not supported on the GPU",
            ))
        }
    })
}
