//! Fuzz the safetensors loader: any input returns Ok or Err, never panics; loaded
//! arrays evaluate. Run: `cargo +nightly fuzz run safetensors -- -max_len=4096`
//! (seed the corpus with `../tests/golden/*.safetensors`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlx_core::SharedBytes;
use mlx_cpu as _;

fuzz_target!(|data: &[u8]| {
    let bytes = SharedBytes::new(data.to_vec());
    if let Ok((loaded, _)) = mlx_io::load_bytes(bytes, mlx_io::Format::Safetensors, true) {
        let arrays = match loaded {
            mlx_io::Loaded::Array(a) => vec![a],
            mlx_io::Loaded::Map(m) => m.into_values().collect(),
        };
        for a in arrays {
            a.to_host_data().expect("a loaded array evaluates");
        }
    }
});
