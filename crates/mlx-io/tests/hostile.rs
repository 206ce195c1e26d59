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

/// The system allocator, recording per thread the largest request and
/// the peak of bytes live (allocated on the thread and not yet freed
/// there; memory freed on another thread keeps counting, which only
/// overstates the peak).
struct Counting;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|m| m.set(m.get().max(size)));
    grow(size as isize);
}

fn grow(delta: isize) {
    let _ = LIVE.try_with(|l| {
        let now = l.get() + delta;
        l.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

/// Run `f` and return its result with the peak of bytes it held live on
/// this thread at once (above what was live when it started).
fn peak_live<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(|l| l.get());
    PEAK.with(|p| p.set(base));
    let out = f();
    let peak = PEAK.with(|p| p.get());
    (out, (peak - base).max(0) as usize)
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
        grow(-(layout.size() as isize));
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
        grow(-(layout.size() as isize));
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

// ---------------------------------------------------------------------
// Amplification: files whose records point many times at the same bytes,
// archives inflating past a multiple of their size, long headers, and
// shapes whose size overflows beside a zero dimension (issue 12).

const MIB: usize = 1 << 20;

/// The single local header + data, central-directory record and end
/// record of a one-entry zip written by `npz::to_bytes`.
struct OneEntryZip {
    local: Vec<u8>,
    central: Vec<u8>,
}

fn le16(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}

fn le32(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// Split a one-entry archive (no archive comment) into its parts.
fn split_zip(zip: &[u8]) -> OneEntryZip {
    let eocd = zip.len() - 22;
    assert_eq!(le32(zip, eocd), 0x0605_4b50, "end of central directory");
    let (cd_size, cd_off) = (le32(zip, eocd + 12), le32(zip, eocd + 16));
    assert_eq!(le16(zip, eocd + 10), 1, "one entry");
    assert_eq!(cd_off + cd_size, eocd);
    OneEntryZip {
        local: zip[..cd_off].to_vec(),
        central: zip[cd_off..eocd].to_vec(),
    }
}

/// A zip of `n` central-directory records all pointing at the one entry
/// of `one` (offset 0), renamed `a0000.npy`, `a0001.npy`, ... (the entry's
/// name must have that length).
fn shared_entry_zip(one: &OneEntryZip, n: usize) -> Vec<u8> {
    let name_len = le16(&one.central, 28);
    assert_eq!(name_len, 9, "entry named like a0000.npy");
    let mut out = one.local.clone();
    let cd_off = out.len();
    for i in 0..n {
        let mut rec = one.central.clone();
        rec[46..46 + 9].copy_from_slice(format!("a{i:04}.npy").as_bytes());
        out.extend_from_slice(&rec);
    }
    let cd_size = out.len() - cd_off;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&(cd_size as u32).to_le_bytes());
    out.extend_from_slice(&(cd_off as u32).to_le_bytes());
    out.extend_from_slice(&[0; 2]); // comment length
    out
}

/// A compressed `.npz` of one float32 zeros array of `n` elements named
/// `a0000`: deflate shrinks it about 1000 times.
fn zeros_npz(n: usize) -> Vec<u8> {
    let z = mlx_core::ops::zeros(&[n], mlx_core::Dtype::Float32).unwrap();
    mlx_io::npz::to_bytes([("a0000", &z)], true).unwrap()
}

fn load_err(format: Format, bytes: Vec<u8>) -> String {
    match mlx_io::load_bytes(SharedBytes::new(bytes), format, false) {
        Ok(_) => panic!("{format:?}: a hostile file loaded"),
        Err(e) => e.to_string(),
    }
}

/// 40 and 400 central-directory records sharing one deflated 4 MiB
/// `.npy` (the issue's 67 KB / 87 KB files, with a smaller entry): the
/// old reader inflated it once per record (160 MiB, 1.6 GiB). Refused as
/// overlapping before anything is inflated, even when the caller lifts
/// the inflation bound.
#[test]
fn npz_records_sharing_one_entry_are_rejected() {
    let one = split_zip(&zeros_npz(MIB));
    for n in [40, 400] {
        let zip = shared_entry_zip(&one, n);
        assert!(zip.len() < 64 * 1024, "{n} records: {} bytes", zip.len());
        for expansion in [mlx_io::npz::DEFAULT_MAX_EXPANSION, u64::MAX] {
            let bytes = SharedBytes::new(zip.clone());
            let (res, peak) = peak_live(|| mlx_io::npz::load_bytes_with(bytes, expansion));
            let err = res.expect_err("overlapping entries load").to_string();
            assert!(
                err.starts_with("[load] entries \"a0000.npy\"") && err.contains("overlap"),
                "{n}: {err}"
            );
            // Under 1 MiB: the 4 MiB entry was never inflated.
            assert!(peak < MIB, "{n} records: {peak} bytes live at once");
        }
    }
}

/// Forty distinct deflated entries of 512 KiB of zeros: each within the
/// per-entry deflate limit and the bound, 20 MiB in all from a file of
/// about 30 KB, past 128 times its size. The old reader inflated them all.
#[test]
fn npz_total_inflation_is_bounded_by_a_multiple_of_the_file() {
    let z = mlx_core::ops::zeros(&[128 * 1024], mlx_core::Dtype::Float32).unwrap();
    let names: Vec<String> = (0..40).map(|i| format!("z{i:02}")).collect();
    let zip = mlx_io::npz::to_bytes(names.iter().map(|n| (n.as_str(), &z)), true).unwrap();
    let claimed = 40 * (512 * 1024 + 128) as u64;
    assert!(
        claimed > zip.len() as u64 * mlx_io::npz::DEFAULT_MAX_EXPANSION,
        "{} bytes",
        zip.len()
    );
    let bytes = SharedBytes::new(zip.clone());
    let (res, peak) = peak_live(|| mlx_io::npz::load_bytes(bytes));
    let err = res.expect_err("the archive loaded").to_string();
    assert_eq!(
        err,
        format!(
            "[load] deflated entries inflate to {claimed} bytes in all, more than 128 times the archive's {} bytes (pass a larger max_expansion to load a trusted archive)",
            zip.len()
        )
    );
    assert!(peak < MIB, "{peak} bytes live at once");
    // The opt-in loads it, through bytes and through a file.
    let m = mlx_io::npz::load_bytes_with(SharedBytes::new(zip.clone()), 10_000).unwrap();
    assert_eq!(m.len(), 40);
    assert_eq!(m["z39"].to_vec::<f32>().unwrap(), vec![0.0; 128 * 1024]);
    let path = std::env::temp_dir().join(format!("mlx-io-bound-{}.npz", std::process::id()));
    std::fs::write(&path, &zip).unwrap();
    assert!(mlx_io::load(&path).is_err());
    let opts = mlx_io::LoadOptions {
        max_expansion: 10_000,
        ..Default::default()
    };
    let (loaded, _) = mlx_io::load_with(&path, &opts).unwrap();
    assert_eq!(loaded.into_map().unwrap().len(), 40);
    std::fs::remove_file(&path).unwrap();
}

/// A real compressed archive of varied data (2 MiB of float32, which
/// deflates about 1.1-4 times) and a small archive of zeros (under the
/// 1 MiB floor) load with the default bound.
#[test]
fn npz_legit_compressed_archives_load() {
    let n = 512 * 1024;
    let vals: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
    let a = Array::from_slice(&vals, &[n]).unwrap();
    let zeros = mlx_core::ops::zeros(&[256, 256], mlx_core::Dtype::Float32).unwrap();
    let zip = mlx_io::npz::to_bytes([("a", &a), ("zeros", &zeros)], true).unwrap();
    let m = mlx_io::npz::load_bytes(SharedBytes::new(zip)).unwrap();
    assert_eq!(m["a"].to_vec::<f32>().unwrap(), vals);
    assert_eq!(m["zeros"].to_vec::<f32>().unwrap(), vec![0.0; 256 * 256]);
}

/// A GGUF tensor info record: name, dims (GGUF order, fastest first),
/// type id and data offset.
fn gguf_tensor(out: &mut Vec<u8>, name: &str, dims: &[u64], ty: u32, offset: u64) {
    out.extend_from_slice(&(name.len() as u64).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&(dims.len() as u32).to_le_bytes());
    for d in dims {
        out.extend_from_slice(&d.to_le_bytes());
    }
    out.extend_from_slice(&ty.to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
}

/// A GGUF v3 file of `tensors` (name, dims, type, offset), no metadata,
/// and `data` at the first 32-byte boundary.
fn gguf_file(tensors: &[(String, Vec<u64>, u32, u64)], data: &[u8]) -> Vec<u8> {
    let mut b = b"GGUF".to_vec();
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&(tensors.len() as u64).to_le_bytes());
    b.extend_from_slice(&0u64.to_le_bytes());
    for (name, dims, ty, offset) in tensors {
        gguf_tensor(&mut b, name, dims, *ty, *offset);
    }
    b.resize(b.len().div_ceil(32) * 32, 0);
    b.extend_from_slice(data);
    b
}

const Q8_0: u32 = 8;

/// 600 Q8_0 tensors all at data offset 0 over 64 KiB of blocks (the
/// issue's 8.9 MB file took 5.4 GB): the old reader unpacked each into
/// its own 69 KiB buffers (41 MiB in all). Refused as overlapping.
#[test]
fn gguf_tensors_sharing_data_are_rejected() {
    let blocks = 1927; // 65,518 bytes of 34-byte blocks
    let data = vec![0u8; blocks * 34];
    let tensors: Vec<_> = (0..600)
        .map(|i| (format!("t{i:03}.weight"), vec![32 * blocks as u64], Q8_0, 0))
        .collect();
    let file = gguf_file(&tensors, &data);
    assert!(file.len() < 100 * 1024);
    let (err, peak) = peak_live(|| load_err(Format::Gguf, file.clone()));
    assert!(
        err.starts_with("[load_gguf] tensors \"t") && err.ends_with("overlap"),
        "{err}"
    );
    assert!(peak < 2 * MIB, "{peak} bytes live at once");
    // Partly overlapping: the second starts inside the first.
    let two = vec![
        ("a".to_string(), vec![64], Q8_0, 0),
        ("b".to_string(), vec![32], Q8_0, 34),
    ];
    let err = load_err(Format::Gguf, gguf_file(&two, &[0; 102]));
    assert!(
        err.contains("\"a\" (bytes") && err.contains("\"b\""),
        "{err}"
    );
    // Adjacent tensors and empty ones at the same offset load.
    let ok = vec![
        ("a".to_string(), vec![32], Q8_0, 0),
        ("b".to_string(), vec![32], Q8_0, 34),
        ("e".to_string(), vec![0], 0, 0),
        ("f".to_string(), vec![0, 3], 0, 0),
    ];
    let (m, _) = mlx_io::gguf::load_bytes(SharedBytes::new(gguf_file(&ok, &[0; 68]))).unwrap();
    assert_eq!(m.len(), 2 * 3 + 2);
    assert_eq!(m["f"].shape(), &[3, 0]);
}

/// Many tensors and metadata entries cost memory in proportion to the
/// file: 3,000 empty tensors and 3,000 metadata strings.
#[test]
fn gguf_many_entries_cost_memory_in_proportion() {
    let mut b = b"GGUF".to_vec();
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&3000u64.to_le_bytes());
    b.extend_from_slice(&3000u64.to_le_bytes());
    for i in 0..3000 {
        let key = format!("k{i:04}");
        b.extend_from_slice(&(key.len() as u64).to_le_bytes());
        b.extend_from_slice(key.as_bytes());
        b.extend_from_slice(&8u32.to_le_bytes()); // string
        b.extend_from_slice(&0u64.to_le_bytes()); // ""
    }
    for i in 0..3000 {
        gguf_tensor(&mut b, &format!("t{i:04}"), &[0], 0, 0);
    }
    b.resize(b.len().div_ceil(32) * 32, 0);
    let len = b.len();
    let (res, peak) = peak_live(|| {
        let (m, meta) = mlx_io::gguf::load_bytes(SharedBytes::new(b)).unwrap();
        (m.len(), meta.len())
    });
    assert_eq!(res, (3000, 3000));
    assert!(
        peak < 40 * len + MIB,
        "{peak} bytes live for a {len}-byte file"
    );
}

/// An npy header of commas: the old reader collected every token first
/// (24 bytes per comma; 48 million took 1.2 GB). A 2 MiB header is over
/// the 1 MiB bound and refused before it is read; a 900 KB one is parsed
/// as it is read and fails at its first stray comma.
#[test]
fn npy_header_of_commas_is_rejected_without_allocating() {
    let head = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for commas in [2 * MIB, 900_000] {
        let mut text = head.to_string();
        text.extend(std::iter::repeat_n(',', commas));
        text.push_str("), }\n");
        let mut b = b"\x93NUMPY\x02\x00".to_vec();
        b.extend_from_slice(&(text.len() as u32).to_le_bytes());
        b.extend_from_slice(text.as_bytes());
        LARGEST.with(|m| m.set(0));
        let (err, peak) = peak_live(|| load_err(Format::Npy, b.clone()));
        let largest = LARGEST.with(|m| m.get());
        assert!(err.starts_with("[load] "), "{err}");
        if commas > MIB {
            assert_eq!(
                err,
                format!(
                    "[load] header of {} bytes exceeds the limit of 1048576 bytes",
                    text.len()
                )
            );
        }
        // The input itself (cloned once) is the only large allocation.
        assert!(peak < b.len() + 64 * 1024, "{commas}: {peak} live");
        assert!(largest <= b.len(), "{commas}: largest {largest}");
    }
}

/// A `(0, 1024, 2^54)` tensor in a file of about 100 bytes: its size is 0,
/// but reducing over the zero axis would give 2^64 elements. Every reader
/// refuses it, naming its op.
#[test]
fn zero_dim_beside_huge_dims_is_rejected_by_every_reader() {
    let big = 1u64 << 54;
    let npy = {
        let text =
            format!("{{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1024, {big}), }}\n");
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend_from_slice(&(text.len() as u16).to_le_bytes());
        b.extend_from_slice(text.as_bytes());
        b
    };
    let st = {
        let header =
            format!(r#"{{"t":{{"dtype":"F32","shape":[0,1024,{big}],"data_offsets":[0,0]}}}}"#);
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend_from_slice(header.as_bytes());
        b
    };
    // GGUF lists the fastest dimension first.
    let gguf = gguf_file(&[("t".to_string(), vec![big, 1024, 0], 0, 0)], &[]);
    let gguf_q = gguf_file(&[("t".to_string(), vec![32 << 50, 1024, 0], Q8_0, 0)], &[]);
    let npz = {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        use std::io::Write;
        zip.start_file("t.npy", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&npy).unwrap();
        zip.finish().unwrap().into_inner()
    };
    let shape = format!("(0, 1024, {big})");
    for (format, bytes, prefix, what) in [
        (Format::Npy, npy, "[load] shape", "npy"),
        (
            Format::Safetensors,
            st,
            "[load_safetensors] shape",
            "safetensors",
        ),
        (Format::Gguf, gguf, "[load_gguf] shape", "gguf"),
        (Format::Gguf, gguf_q, "[load_gguf] shape", "gguf q8_0"),
        (
            Format::Npz,
            npz,
            "[load] entry \"t.npy\": [load] shape",
            "npz",
        ),
    ] {
        assert!(bytes.len() < 400, "{what}: {} bytes", bytes.len());
        let err = load_err(format, bytes);
        assert!(err.starts_with(prefix), "{what}: {err}");
        let dims_ok = err.contains(&shape) || err.contains(&format!("(0, 1024, {})", 32u64 << 50));
        assert!(dims_ok && err.contains("exceeds"), "{what}: {err}");
    }
}

/// The hostile shapes above as fuzz seeds (each under 100 KB; those under
/// 4 KB survive the fuzzers' `-max_len=4096`), by target.
fn hostile_seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let big = 1u64 << 54;
    let mut out = Vec::new();
    // npz: records sharing one deflated entry; entries inflating past the bound.
    let issue = split_zip(&zeros_npz(16 * MIB)); // the issue's 64 MiB .npy
    out.push((
        "npz",
        "shared_40_of_64mib.npz".into(),
        shared_entry_zip(&issue, 40),
    ));
    out.push((
        "npz",
        "shared_400_of_64mib.npz".into(),
        shared_entry_zip(&issue, 400),
    ));
    let small = split_zip(&zeros_npz(16 * 1024));
    out.push((
        "npz",
        "shared_8_small.npz".into(),
        shared_entry_zip(&small, 8),
    ));
    let z = mlx_core::ops::zeros(&[128 * 1024], mlx_core::Dtype::Float32).unwrap();
    let names: Vec<String> = (0..40).map(|i| format!("z{i:02}")).collect();
    let many = mlx_io::npz::to_bytes(names.iter().map(|n| (n.as_str(), &z)), true).unwrap();
    out.push(("npz", "past_bound_40_entries.npz".into(), many));
    // gguf: tensors sharing data; many entries; zero beside huge dims.
    let data = vec![0u8; 1927 * 34];
    let shared: Vec<_> = (0..600)
        .map(|i| (format!("t{i:03}.weight"), vec![32 * 1927], Q8_0, 0))
        .collect();
    out.push((
        "gguf",
        "shared_600_q8_0.gguf".into(),
        gguf_file(&shared, &data),
    ));
    let shared: Vec<_> = (0..40)
        .map(|i| (format!("t{i:02}.weight"), vec![64], Q8_0, 0))
        .collect();
    out.push((
        "gguf",
        "shared_40_q8_0_small.gguf".into(),
        gguf_file(&shared, &[0; 68]),
    ));
    let empty: Vec<_> = (0..60)
        .map(|i| (format!("e{i:02}"), vec![0], 0, 0))
        .collect();
    out.push(("gguf", "empty_60_at_0.gguf".into(), gguf_file(&empty, &[])));
    let zd = gguf_file(&[("t".to_string(), vec![big, 1024, 0], 0, 0)], &[]);
    out.push(("gguf", "zero_dim_huge.gguf".into(), zd));
    let zq = gguf_file(&[("t".to_string(), vec![32 << 50, 1024, 0], Q8_0, 0)], &[]);
    out.push(("gguf", "zero_dim_huge_q8_0.gguf".into(), zq));
    // npy: long headers; zero beside huge dims.
    let head = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for (commas, name) in [(90_000, "commas_90k.npy"), (3000, "commas_3k.npy")] {
        let mut text = head.to_string();
        text.extend(std::iter::repeat_n(',', commas));
        text.push_str("), }\n");
        let mut b = b"\x93NUMPY\x02\x00".to_vec();
        b.extend_from_slice(&(text.len() as u32).to_le_bytes());
        b.extend_from_slice(text.as_bytes());
        out.push(("npy", name.into(), b));
    }
    let mut b = b"\x93NUMPY\x02\x00".to_vec();
    b.extend_from_slice(&(1u32 << 31).to_le_bytes());
    b.extend_from_slice(head.as_bytes());
    out.push(("npy", "header_len_2g.npy".into(), b));
    let text = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1024, {big}), }}\n");
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend_from_slice(&(text.len() as u16).to_le_bytes());
    b.extend_from_slice(text.as_bytes());
    out.push(("npy", "zero_dim_huge.npy".into(), b));
    // safetensors: zero beside huge dims; two tensors on the same bytes.
    for (name, header) in [
        (
            "zero_dim_huge.safetensors",
            format!(r#"{{"t":{{"dtype":"F32","shape":[0,1024,{big}],"data_offsets":[0,0]}}}}"#),
        ),
        (
            "overlap.safetensors",
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.to_string(),
        ),
    ] {
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend_from_slice(header.as_bytes());
        b.extend_from_slice(&[0; 4]);
        out.push(("safetensors", name.into(), b));
    }
    out
}

/// Every seed in `fuzz/seeds/<target>/` (written from [`hostile_seeds`]
/// when `MLX_IO_WRITE_SEEDS=1`, plus crashes the fuzzers found, named
/// `found_*`) loads or fails cleanly within the allowance, and the
/// hostile ones fail.
#[test]
fn fuzz_seeds_fail_cleanly() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let generated = hostile_seeds();
    if std::env::var_os("MLX_IO_WRITE_SEEDS").is_some() {
        for (target, name, bytes) in &generated {
            std::fs::create_dir_all(root.join(target)).unwrap();
            std::fs::write(root.join(target).join(name), bytes).unwrap();
        }
    }
    for (target, name, bytes) in &generated {
        assert!(
            bytes.len() < 100_000,
            "{target}/{name}: {} bytes",
            bytes.len()
        );
        let format = Format::from_name(target).unwrap();
        let (largest, peak) = peak_live(|| feed(format, bytes, name));
        let allowed = allowance(format, bytes.len());
        assert!(
            largest <= allowed && peak <= allowed,
            "{name}: {largest} / {peak}"
        );
        if !name.starts_with("empty_") {
            load_err(format, bytes.clone());
        }
        let stored = std::fs::read(root.join(target).join(name)).unwrap();
        assert_eq!(&stored, bytes, "fuzz/seeds/{target}/{name} is stale");
    }
    // Inputs the fuzzers found (`found_*`) are kept there too.
    for target in ["npy", "npz", "safetensors", "gguf"] {
        let format = Format::from_name(target).unwrap();
        for entry in std::fs::read_dir(root.join(target)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let (largest, peak) = peak_live(|| feed(format, &bytes, &path.display().to_string()));
            let allowed = allowance(format, bytes.len());
            assert!(
                largest <= allowed && peak <= allowed,
                "{path:?}: {largest} / {peak}"
            );
        }
    }
}

/// A quantized tensor with a zero dimension and a last dimension of 2^62
/// is valid (empty, at most one byte per element); its packed width is
/// computed without overflowing (`2^62 * 4 / 32` wrapped before).
#[test]
fn gguf_quantized_empty_tensor_with_huge_last_dim_loads() {
    const Q4_0: u32 = 2;
    let file = gguf_file(&[("w.weight".to_string(), vec![1 << 62, 0], Q4_0, 0)], &[]);
    let (m, _) = mlx_io::gguf::load_bytes(SharedBytes::new(file)).unwrap();
    // 8 nibbles per uint32 word, one scale and bias per 32 values.
    assert_eq!(m["w.weight"].shape(), &[0, 1 << 59]);
    assert_eq!(m["w.scales"].shape(), &[0, 1 << 57]);
    assert_eq!(m["w.biases"].dtype(), mlx_core::Dtype::Float16);
}
