//! How each [`Dtype`] lives in a GPU buffer ("slot") and which WGSL type
//! kernels compute it in.
//!
//! WGSL has no 8/16-bit integers and no bfloat16, and a kernel thread
//! cannot write one byte of a word without racing its neighbours. So:
//! `bool`, `u8`, `u16` live widened in `u32`, `i8`, `i16` in `i32`
//! (stores wrap to the narrow type), `bfloat16` lives in `f32` holding
//! exactly representable bfloat16 values (stores round to nearest even),
//! `float16` is native `f16` (SHADER_F16), and 64-bit integers are native
//! (SHADER_INT64). Uploads widen and downloads narrow on the host, so
//! results are bit-identical to the CPU backend's storage.

use half::{bf16, f16};
use mlx_core::{Dtype, Error, HostData, Result};

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
        Dtype::Bfloat16 | Dtype::Float32 | Dtype::Float64 | Dtype::Complex64 => "f32",
    }
}

/// The WGSL type kernels compute `dtype` in (floats in `f32`, as MLX's CPU
/// backend computes `float16`/`bfloat16`).
pub(crate) fn compute_type(dtype: Dtype) -> &'static str {
    match dtype {
        Dtype::Float16 => "f32",
        other => storage_type(other),
    }
}

/// Bytes per element in a GPU buffer.
pub(crate) fn slot_size(dtype: Dtype) -> usize {
    match dtype {
        Dtype::Float16 => 2,
        Dtype::Int64 | Dtype::Uint64 => 8,
        _ => 4,
    }
}

/// True for floating dtypes (computed in `f32`).
pub(crate) fn is_float(dtype: Dtype) -> bool {
    matches!(dtype, Dtype::Float16 | Dtype::Bfloat16 | Dtype::Float32)
}

/// WGSL declarations for a typed binding named `x`: `T_x` (storage),
/// `C_x` (compute), `ld_x(T_x) -> C_x` and `st_x(C_x) -> T_x` (wraps or
/// rounds to the dtype).
pub(crate) fn prelude(x: &str, dtype: Dtype) -> String {
    let t = storage_type(dtype);
    let c = compute_type(dtype);
    let store = match dtype {
        Dtype::Bool => "select(0u, 1u, v != 0u)".to_string(),
        Dtype::Uint8 => "v & 0xffu".to_string(),
        Dtype::Uint16 => "v & 0xffffu".to_string(),
        Dtype::Int8 => "(v << 24u) >> 24u".to_string(),
        Dtype::Int16 => "(v << 16u) >> 16u".to_string(),
        Dtype::Bfloat16 => "round_bf16(v)".to_string(),
        Dtype::Float16 => "f16(v)".to_string(),
        _ => "v".to_string(),
    };
    format!(
        "alias T_{x} = {t};\nalias C_{x} = {c};\n\
         fn ld_{x}(v: T_{x}) -> C_{x} {{ return C_{x}(v); }}\n\
         fn st_{x}(v: C_{x}) -> T_{x} {{ return {store}; }}\n"
    )
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
    if is_float(from) && matches!(to, Dtype::Uint8 | Dtype::Uint16) {
        return format!("u32(i32({v}))");
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

/// Host data widened to the slot layout, as bytes.
pub(crate) fn widen(data: &HostData) -> Vec<u8> {
    fn cast<T: Copy, U: bytemuck::Pod>(v: &[T], f: impl Fn(T) -> U) -> Vec<u8> {
        bytemuck::cast_slice::<U, u8>(&v.iter().map(|&x| f(x)).collect::<Vec<U>>()).to_vec()
    }
    match data {
        HostData::Bool(v) => cast(v, u32::from),
        HostData::Uint8(v) => cast(v, u32::from),
        HostData::Uint16(v) => cast(v, u32::from),
        HostData::Int8(v) => cast(v, i32::from),
        HostData::Int16(v) => cast(v, i32::from),
        HostData::Bfloat16(v) => cast(v, bf16::to_f32),
        HostData::Uint32(v) => bytemuck::cast_slice(v).to_vec(),
        HostData::Uint64(v) => bytemuck::cast_slice(v).to_vec(),
        HostData::Int32(v) => bytemuck::cast_slice(v).to_vec(),
        HostData::Int64(v) => bytemuck::cast_slice(v).to_vec(),
        HostData::Float16(v) => bytemuck::cast_slice(v).to_vec(),
        HostData::Float32(v) => bytemuck::cast_slice(v).to_vec(),
        HostData::Float64(v) => bytemuck::cast_slice(v).to_vec(),
        HostData::Complex64(v) => bytemuck::cast_slice(v).to_vec(),
    }
}

/// `n` elements of `dtype` read back from slot bytes.
pub(crate) fn narrow(dtype: Dtype, bytes: &[u8], n: usize) -> Result<HostData> {
    fn words<T: bytemuck::Pod>(bytes: &[u8], n: usize) -> Vec<T> {
        let size = std::mem::size_of::<T>();
        bytemuck::pod_collect_to_vec(&bytes[..n * size])
    }
    Ok(match dtype {
        Dtype::Bool => HostData::Bool(words::<u32>(bytes, n).iter().map(|&x| x != 0).collect()),
        Dtype::Uint8 => HostData::Uint8(words::<u32>(bytes, n).iter().map(|&x| x as u8).collect()),
        Dtype::Uint16 => {
            HostData::Uint16(words::<u32>(bytes, n).iter().map(|&x| x as u16).collect())
        }
        Dtype::Int8 => HostData::Int8(words::<i32>(bytes, n).iter().map(|&x| x as i8).collect()),
        Dtype::Int16 => HostData::Int16(words::<i32>(bytes, n).iter().map(|&x| x as i16).collect()),
        Dtype::Bfloat16 => HostData::Bfloat16(
            words::<f32>(bytes, n)
                .iter()
                .map(|&x| {
                    // Slots hold exact bfloat16 values; a NaN keeps its
                    // payload (as `view` made it) where it survives.
                    let hi = (x.to_bits() >> 16) as u16;
                    if x.is_nan() && hi & 0x7f != 0 {
                        bf16::from_bits(hi)
                    } else {
                        bf16::from_f32(x)
                    }
                })
                .collect(),
        ),
        Dtype::Uint32 => HostData::Uint32(words(bytes, n)),
        Dtype::Uint64 => HostData::Uint64(words(bytes, n)),
        Dtype::Int32 => HostData::Int32(words(bytes, n)),
        Dtype::Int64 => HostData::Int64(words(bytes, n)),
        Dtype::Float16 => HostData::Float16(words::<f16>(bytes, n)),
        Dtype::Float32 => HostData::Float32(words(bytes, n)),
        Dtype::Float64 | Dtype::Complex64 => {
            return Err(Error::dtype(
                "download",
                dtype,
                "is not supported on the GPU",
            ))
        }
    })
}
