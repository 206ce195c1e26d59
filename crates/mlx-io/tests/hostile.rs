//! Hostile input: truncated, corrupted and malicious variants of valid
//! files go to every parser, which must return (`Ok` or `Err`), never
//! panic, and never make an allocation the input's size cannot justify.
//! A counting allocator measures the largest allocation on the test's
//! thread. (The `cargo fuzz` targets in `fuzz/` do the same, longer.)

use mlx_core::{Array, SharedBytes};
use mlx_io::Format;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;

use mlx_cpu as _;

/// The system allocator, recording the largest request per thread.
struct Counting;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|m| m.set(m.get().max(size)));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; `note` only touches a thread-local `Cell` (no allocation).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded; `ptr` came from `System` through `alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: forwarded; `ptr` and `layout` come from the caller.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Load `bytes` as `format` and read every array back; returns the
/// largest allocation made. Panics (failing the test) name the input.
fn feed(format: Format, bytes: &[u8], what: &str) -> usize {
    LARGEST.with(|m| m.set(0));
    let owned = bytes.to_vec();
    let result = std::panic::catch_unwind(|| {
        let _ = match format {
            Format::Npy => mlx_io::npy::parse(&owned).map(|_| ()),
            Format::Safetensors => mlx_io::safetensors::parse(&owned).map(|_| ()),
            Format::Gguf => mlx_io::gguf::parse(&owned).map(|_| ()),
            Format::Npz => Ok(()),
        };
        if let Ok((loaded, _)) = mlx_io::load_bytes(SharedBytes::new(owned.clone()), format, false)
        {
            let arrays: Vec<Array> = match loaded {
                mlx_io::Loaded::Array(a) => vec![a],
                mlx_io::Loaded::Map(m) => m.into_values().collect(),
            };
            for a in arrays {
                a.to_host_data().expect("a loaded array evaluates");
            }
        }
    });
    if result.is_err() {
        panic!("{what}: panicked on input {:?}", bytes);
    }
    LARGEST.with(|m| m.get())
}

/// What an input of `len` bytes may allocate: the arrays it holds (its
/// size), twice over for copies, deflate's 1040x expansion for npz, and a
/// fixed allowance for bookkeeping.
fn allowance(format: Format, len: usize) -> usize {
    let factor = if format == Format::Npz { 1100 } else { 40 };
    factor * len + (1 << 20)
}

fn seeds() -> Vec<(Format, String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if let Ok(format) = Format::from_path(&path) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((format, name, std::fs::read(&path).unwrap()));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    assert!(out.len() >= 30);
    out
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn truncated_files_error_without_panicking() {
    for (format, name, bytes) in seeds() {
        let step = (bytes.len() / 300).max(1);
        for len in (0..bytes.len()).step_by(step) {
            let largest = feed(format, &bytes[..len], &format!("{name} cut at {len}"));
            assert!(
                largest <= allowance(format, len),
                "{name} cut at {len}: allocated {largest}"
            );
        }
    }
}

#[test]
fn corrupted_bytes_never_panic_or_overallocate() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (format, name, bytes) in seeds() {
        // Every header byte set to 0x00, 0xFF and flipped.
        let head = bytes.len().min(200);
        for pos in 0..head {
            for v in [0x00, 0xFF, bytes[pos] ^ 0x80] {
                let mut m = bytes.clone();
                m[pos] = v;
                let largest = feed(format, &m, &format!("{name} byte {pos} = {v}"));
                assert!(
                    largest <= allowance(format, m.len()),
                    "{name} byte {pos}: {largest}"
                );
            }
        }
        // Random multi-byte corruption, insertion and deletion.
        for k in 0..150 {
            let mut m = bytes.clone();
            match k % 3 {
                0 => {
                    for _ in 0..1 + rng.below(4) {
                        let p = rng.below(m.len());
                        m[p] = rng.next() as u8;
                    }
                }
                1 => {
                    let p = rng.below(m.len());
                    m.insert(p, rng.next() as u8);
                }
                _ => {
                    let p = rng.below(m.len());
                    m.remove(p);
                }
            }
            let largest = feed(format, &m, &format!("{name} mutation {k}"));
            assert!(
                largest <= allowance(format, m.len()),
                "{name} mutation {k}: {largest}"
            );
        }
    }
}

#[test]
fn random_bytes_after_a_valid_magic_never_panic() {
    let mut rng = Rng(42);
    let magics: [(Format, &[u8]); 4] = [
        (Format::Npy, b"\x93NUMPY\x01\x00"),
        (Format::Npz, b"PK\x03\x04"),
        (Format::Safetensors, b"\x40\x00\x00\x00\x00\x00\x00\x00{"),
        (Format::Gguf, b"GGUF\x03\x00\x00\x00"),
    ];
    for (format, magic) in magics {
        for k in 0..500 {
            let mut m = magic.to_vec();
            m.extend((0..rng.below(120)).map(|_| rng.next() as u8));
            let largest = feed(format, &m, &format!("{format:?} random {k}"));
            assert!(
                largest <= allowance(format, m.len()),
                "{format:?} random {k}: {largest}"
            );
        }
    }
}

/// A 1 TB tensor claimed in a tiny file is rejected before any allocation.
#[test]
fn huge_claims_in_tiny_files_are_rejected_up_front() {
    let tb = 1usize << 40;
    let npy = {
        let mut h = mlx_io::npy::to_bytes(&Array::from_slice(&[1.0f32], &[1]).unwrap()).unwrap();
        let text = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({tb},), }}");
        h.truncate(8);
        h.extend_from_slice(&(text.len() as u16).to_le_bytes());
        h.extend_from_slice(text.as_bytes());
        h
    };
    let st = {
        let header = format!(
            r#"{{"t":{{"dtype":"F32","shape":[{tb}],"data_offsets":[0,{}]}}}}"#,
            4 * tb
        );
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend_from_slice(header.as_bytes());
        b.extend_from_slice(&[0; 16]);
        b
    };
    let gguf = {
        let mut b = b"GGUF".to_vec();
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&1u64.to_le_bytes()); // one tensor
        b.extend_from_slice(&0u64.to_le_bytes()); // no metadata
        b.extend_from_slice(&1u64.to_le_bytes());
        b.push(b't');
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&(tb as u64).to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes()); // F32
        b.extend_from_slice(&0u64.to_le_bytes());
        b.resize(64, 0);
        b
    };
    let gguf_counts = {
        let mut b = b"GGUF".to_vec();
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&u64::MAX.to_le_bytes());
        b.extend_from_slice(&u64::MAX.to_le_bytes());
        b
    };
    let gguf_array = {
        let mut b = b"GGUF".to_vec();
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&0u64.to_le_bytes());
        b.extend_from_slice(&1u64.to_le_bytes());
        b.extend_from_slice(&1u64.to_le_bytes());
        b.push(b'k');
        b.extend_from_slice(&9u32.to_le_bytes()); // array
        b.extend_from_slice(&8u32.to_le_bytes()); // of strings
        b.extend_from_slice(&(1u64 << 60).to_le_bytes());
        b
    };
    for (format, bytes, what) in [
        (Format::Npy, npy, "npy"),
        (Format::Safetensors, st, "safetensors"),
        (Format::Gguf, gguf, "gguf tensor"),
        (Format::Gguf, gguf_counts, "gguf counts"),
        (Format::Gguf, gguf_array, "gguf array"),
    ] {
        let largest = feed(format, &bytes, what);
        assert!(largest < 1 << 16, "{what}: allocated {largest}");
        let err = mlx_io::load_bytes(SharedBytes::new(bytes), format, false).unwrap_err();
        assert!(err.to_string().starts_with('['), "{what}: {err}");
    }
}

/// A zip entry claiming far more than its compressed bytes can inflate to
/// (a zip bomb's header) is refused before inflating.
#[test]
fn npz_bomb_header_is_rejected() {
    let z = mlx_core::ops::zeros(&[4096], mlx_core::Dtype::Float32).unwrap();
    let mut bytes = mlx_io::npz::to_bytes([("z", &z)], true).unwrap();
    // Patch the uncompressed size in the central directory and local header.
    let n = (16_384 + 128) as u32;
    let mut patched = 0;
    for i in 0..bytes.len().saturating_sub(4) {
        if bytes[i..i + 4] == n.to_le_bytes() {
            bytes[i..i + 4].copy_from_slice(&u32::MAX.to_le_bytes());
            patched += 1;
        }
    }
    assert!(patched >= 1);
    let largest = feed(Format::Npz, &bytes, "npz bomb");
    assert!(largest < 1 << 20, "allocated {largest}");
    assert!(mlx_io::load_bytes(SharedBytes::new(bytes), Format::Npz, false).is_err());
}
