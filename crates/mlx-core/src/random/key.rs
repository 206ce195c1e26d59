//! PRNG keys and raw bits: MLX's counter-based threefry2x32 generator.
//!
//! A key is a `uint32` array of shape `(2,)`. [`bits`] hashes counters
//! with the key (one [`RandomBits`](crate::primitive::Primitive::RandomBits)
//! node); [`split`] is `bits` of shape `(num, 2)`. Functions given no key
//! draw the next key of the calling thread's default sequence, as MLX's
//! thread-local `KeySequence` does.

use crate::ops::Shape;
use crate::primitive::Primitive;
use crate::shape::format_shape;
use crate::{Array, Dtype, Error, Result};
use std::cell::Cell;
use std::sync::Mutex;

/// One threefry2x32 block (20 rounds) of `count` under `key`, exactly as
/// MLX's `threefry2x32_hash`. The kernels of every backend call this (or a
/// transcription of it) so that bits are identical to MLX's.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// // mx.random.split(mx.random.key(0)) is [[4146024105, 967050713],
/// // [2718843009, 1272950319]]: four words whose first and third are the
/// // hash of counter (0, 2).
/// let (a, b) = mlx_core::random::threefry2x32([0, 0], [0, 2]);
/// assert_eq!((a, b), (4146024105, 2718843009));
/// ```
pub fn threefry2x32(key: [u32; 2], count: [u32; 2]) -> (u32, u32) {
    const ROTATIONS: [[u32; 4]; 2] = [[13, 15, 26, 6], [17, 29, 16, 24]];
    let ks = [key[0], key[1], key[0] ^ key[1] ^ 0x1BD1_1BDA];
    let mut x0 = count[0].wrapping_add(ks[0]);
    let mut x1 = count[1].wrapping_add(ks[1]);
    for i in 0..5u32 {
        for r in ROTATIONS[(i % 2) as usize] {
            x0 = x0.wrapping_add(x1);
            x1 = x1.rotate_left(r) ^ x0;
        }
        x0 = x0.wrapping_add(ks[((i + 1) % 3) as usize]);
        x1 = x1
            .wrapping_add(ks[((i + 2) % 3) as usize])
            .wrapping_add(i + 1);
    }
    (x0, x1)
}

/// Word `w` of the bit stream of one key whose output spans `n_words`
/// 32-bit words (the last possibly partial), laid out as MLX's CPU kernel:
/// counter `(i, i + half + odd)` fills words `i` and `i + half + odd`, and
/// for an odd count counter `(half, 0)` fills the middle word.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::random::{bits_word, threefry2x32};
/// assert_eq!(bits_word([0, 0], 4, 3), threefry2x32([0, 0], [1, 3]).1);
/// ```
pub fn bits_word(key: [u32; 2], n_words: usize, w: usize) -> u32 {
    let half = n_words / 2;
    let odd = n_words % 2;
    if w < half {
        threefry2x32(key, [w as u32, (w + half + odd) as u32]).0
    } else if odd == 1 && w == half {
        threefry2x32(key, [half as u32, 0]).0
    } else {
        let i = w - half - odd;
        threefry2x32(key, [i as u32, w as u32]).1
    }
}

/// The key of `seed`: its high and low 32 bits (MLX's `random.key`).
///
/// # Errors
/// None in practice (the array is built on the default device).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let k = mlx_core::random::key((1 << 40) + 7)?;
/// assert_eq!(k.to_vec::<u32>()?, vec![256, 7]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn key(seed: u64) -> Result<Array> {
    Array::from_slice(&[(seed >> 32) as u32, seed as u32], &[2])
}

fn time_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The process's root key, seeded once from the start time. Each thread's
/// first unseeded draw splits it (MLX's global `KeySequence::next`), so no
/// two threads start from the same key.
static ROOT_KEY: Mutex<Option<[u32; 2]>> = Mutex::new(None);

/// The next key of the process's root sequence: a fresh starting key for
/// one unseeded thread.
fn next_root_key() -> [u32; 2] {
    let mut root = ROOT_KEY.lock().unwrap_or_else(|e| e.into_inner());
    let s = root.unwrap_or_else(|| {
        let t = time_seed();
        [(t >> 32) as u32, t as u32]
    });
    let w = |i| bits_word(s, 4, i);
    *root = Some([w(0), w(1)]);
    [w(2), w(3)]
}

thread_local! {
    /// The calling thread's default key, as host words (`None`: unseeded).
    static DEFAULT_KEY: Cell<Option<[u32; 2]>> = const { Cell::new(None) };
}

/// Seed the calling thread's default key (MLX's `random.seed`). As in MLX,
/// each thread has its own default key sequence. An unseeded thread's
/// sequence starts from a key split off a process-wide root key (seeded
/// from the time at the first unseeded draw), so unseeded threads draw
/// distinct values (MLX 0.32.4 starts every new thread from the same key);
/// seeding makes a thread's draws reproducible.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::random;
/// random::seed(3);
/// let a = random::uniform_unit(&[2], mlx_core::Dtype::Float32, None)?;
/// random::seed(3);
/// let b = random::uniform_unit(&[2], mlx_core::Dtype::Float32, None)?;
/// assert_eq!(a.to_vec::<f32>()?, b.to_vec::<f32>()?);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn seed(seed: u64) {
    DEFAULT_KEY.with(|k| k.set(Some([(seed >> 32) as u32, seed as u32])));
}

/// The next key of the default sequence: the state is split in two, the
/// first half becomes the new state and the second is returned (MLX's
/// `KeySequence::next`). The split is computed on the host, so the state
/// never grows a graph.
pub(crate) fn next_key() -> Result<Array> {
    let k = DEFAULT_KEY.with(|cell| {
        let s = cell.get().unwrap_or_else(next_root_key);
        let w = |i| bits_word(s, 4, i);
        cell.set(Some([w(0), w(1)]));
        [w(2), w(3)]
    });
    Array::from_slice(&k, &[2])
}

/// `key` checked as MLX's `bits` checks it, or the next default key.
pub(crate) fn key_or_next(key: Option<&Array>) -> Result<Array> {
    let Some(k) = key else {
        return next_key();
    };
    if k.dtype() != Dtype::Uint32 {
        return Err(Error::dtype("bits", k.dtype(), "expected key type uint32"));
    }
    if k.shape() != [2] {
        return Err(Error::invalid(
            "bits",
            format!(
                "expected key shape (2) but received {}",
                format_shape(k.shape())
            ),
        ));
    }
    Ok(k.clone())
}

/// Random bits of `shape`, `width` bytes each: `uint32` for 4, `uint16`
/// for 2, `uint8` for 1 (MLX's `random.bits`). Without a key the default
/// sequence's next key is used.
///
/// # Errors
/// `[bits] bit width must be in {1, 2, 4} but got 3`, or a key that is not
/// a `uint32` array of shape `(2,)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::random;
/// let b = random::bits(&[4], 4, Some(&random::key(0)?))?;
/// // mx.random.split(mx.random.key(0)).flatten() in MLX 0.32.4 (split
/// // draws these bits)
/// assert_eq!(b.to_vec::<u32>()?, vec![4146024105, 967050713, 2718843009, 1272950319]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn bits(shape: impl Into<Shape>, width: usize, key: Option<&Array>) -> Result<Array> {
    let shape = shape.into().dims("bits")?;
    let shape = &shape[..];
    let dtype = match width {
        4 => Dtype::Uint32,
        2 => Dtype::Uint16,
        1 => Dtype::Uint8,
        w => {
            return Err(Error::invalid(
                "bits",
                format!("bit width must be in {{1, 2, 4}} but got {w}"),
            ))
        }
    };
    crate::ops::check_size_fits("bits", shape, dtype.size())?;
    let key = key_or_next(key)?;
    // The key is a parameter, not an input: bits are drawn on the default
    // device, and the key is copied there if it lives elsewhere.
    Array::from_op_on(
        Primitive::RandomBits { width },
        vec![key],
        shape.to_vec(),
        dtype,
        crate::default_device(),
    )
}

/// Run a sampler on the device of its first array parameter (`params`,
/// the key left out), or on the default device when it has none (the
/// device rule of docs/ops.md).
pub(crate) fn on_params_device<R>(params: &[Option<&Array>], f: impl FnOnce() -> R) -> R {
    match params.iter().flatten().next() {
        Some(p) => crate::with_default_device(p.device(), f),
        None => f(),
    }
}

/// `num` new keys from `key`, as an array of shape `(num, 2)` (MLX's
/// `random.split`).
///
/// # Errors
/// A key that is not a `uint32` array of shape `(2,)` (reported as
/// `[split]`; MLX names its inner `[bits]`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::random;
/// let ks = random::split(&random::key(0)?, 2)?;
/// assert_eq!(ks.to_vec::<u32>()?, vec![4146024105, 967050713, 2718843009, 1272950319]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn split(key: &Array, num: i64) -> Result<Array> {
    let num = crate::ops::check_size("split", "num", num)?;
    split_unlabeled(key, num).map_err(|e| e.in_op("split"))
}

/// [`split`] before its errors are relabelled.
fn split_unlabeled(key: &Array, num: usize) -> Result<Array> {
    bits(&[num, 2], 4, Some(key))
}

/// [`split`] into two keys of shape `(2,)` (MLX's C++ `split(key)`).
///
/// # Errors
/// As [`split`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::random;
/// let (a, b) = random::split_pair(&random::key(0)?)?;
/// assert_eq!(a.to_vec::<u32>()?, vec![4146024105, 967050713]);
/// assert_eq!(b.shape(), &[2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn split_pair(key: &Array) -> Result<(Array, Array)> {
    split_pair_unlabeled(key).map_err(|e| e.in_op("split"))
}

/// [`split_pair`] before its errors are relabelled.
fn split_pair_unlabeled(key: &Array) -> Result<(Array, Array)> {
    let ks = split(key, 2)?;
    let take = |i: i64| -> Result<Array> {
        let idx = Array::from_slice(&[i as i32], &[])?;
        crate::ops::take(&ks, &idx, 0)
    };
    Ok((take(0)?, take(1)?))
}
