//! GGUF files (version 3; version 2 is read too): metadata of every GGUF
//! value type both ways, tensors of type F32, F16, BF16, I8, I16, I32, I64
//! and F64, and the quantized Q4_0, Q4_1 and Q8_0 tensors MLX loads,
//! unpacked into MLX's affine quantized triple (`name`, `prefix.scales`,
//! `prefix.biases`, group size 32) as MLX does.

mod quant;
mod read;
mod value;
mod write;

pub use read::{load_bytes, parse, GgmlType, GgufFile, GgufTensorInfo};
pub use value::{GgufArray, GgufValue};
pub use write::to_bytes;
pub(crate) use write::write_file;
