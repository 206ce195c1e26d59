//! A pool of GPU buffers in size buckets. A [`GpuBuffer`] goes back to
//! its bucket when dropped, so a loop that allocates the same shapes every
//! step reuses the same buffers and holds a steady footprint.
//!
//! Reuse is safe while earlier work is still queued: the GPU runs
//! dispatches in submission order, so a later writer of a recycled buffer
//! runs after every earlier reader.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Usage of every pooled buffer.
pub(crate) const USAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE
    .union(wgpu::BufferUsages::COPY_SRC)
    .union(wgpu::BufferUsages::COPY_DST);

/// The bucket a request of `bytes` is served from: powers of two up to
/// 1 MiB, then multiples of an eighth of the power of two below (at most
/// 12.5% slack on large arrays).
pub(crate) fn bucket(bytes: u64) -> u64 {
    let b = bytes.max(16);
    let p = b.next_power_of_two();
    if p <= 1 << 20 {
        return p;
    }
    let step = (p >> 1) / 8;
    b.div_ceil(step) * step
}

/// Free buffers by bucket size, and how many bytes they hold.
#[derive(Debug)]
pub(crate) struct Pool {
    /// The device whose buffers the pool holds (stamped on storages).
    pub(crate) device: mlx_core::Device,
    free: Mutex<Free<wgpu::Buffer>>,
    /// Cached bytes above which returned buffers are released instead.
    pub(crate) cap: u64,
    /// Bytes of every buffer that exists (in use or cached).
    held: AtomicU64,
    /// Counts releases of buffers to the driver; caches that hold buffers
    /// (bind groups) empty themselves when it changes.
    epoch: AtomicU64,
}

#[derive(Debug)]
struct Free<B> {
    by_size: HashMap<u64, Vec<B>>,
    bytes: u64,
}

impl<B> Default for Free<B> {
    fn default() -> Self {
        Free {
            by_size: HashMap::new(),
            bytes: 0,
        }
    }
}

impl<B> Free<B> {
    /// Evict cached buffers of at least `size` bytes, largest first, until
    /// `size` more bytes fit under `cap`. Returns the evicted buffers with
    /// their sizes, and whether `size` now fits. (A loop that returns
    /// small buffers every step keeps them cached even when earlier work
    /// filled the cache with large ones.)
    fn make_room(&mut self, size: u64, cap: u64) -> (Vec<(u64, B)>, bool) {
        let mut evicted = Vec::new();
        while self.bytes + size > cap {
            let largest = self
                .by_size
                .iter()
                .filter(|(&s, v)| s >= size && !v.is_empty())
                .map(|(&s, _)| s)
                .max();
            let Some(s) = largest else { break };
            if let Some(b) = self.by_size.get_mut(&s).and_then(Vec::pop) {
                self.bytes -= s;
                evicted.push((s, b));
            }
        }
        (evicted, self.bytes + size <= cap)
    }

    fn push(&mut self, size: u64, b: B) {
        self.bytes += size;
        self.by_size.entry(size).or_default().push(b);
    }
}

impl Pool {
    /// A pool of `device`'s buffers caching at most `cap` bytes of free
    /// ones.
    pub(crate) fn new(device: mlx_core::Device, cap: u64) -> Pool {
        Pool {
            device,
            free: Mutex::new(Free::default()),
            cap,
            held: AtomicU64::new(0),
            epoch: AtomicU64::new(0),
        }
    }

    /// Count a newly created buffer of `size` bytes.
    pub(crate) fn created(&self, size: u64) {
        self.held.fetch_add(size, Ordering::Relaxed);
    }

    /// Changes whenever a buffer is released to the driver.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Relaxed)
    }

    /// Bytes of all buffers that exist, in use or cached.
    pub(crate) fn held_bytes(&self) -> u64 {
        self.held.load(Ordering::Relaxed)
    }

    /// A free buffer of exactly `size` bytes, if one is cached.
    pub(crate) fn take(&self, size: u64) -> Option<wgpu::Buffer> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let buf = free.by_size.get_mut(&size)?.pop()?;
        free.bytes -= size;
        Some(buf)
    }

    /// Return a buffer to the cache, releasing larger cached buffers when
    /// it is full; released itself when it still does not fit.
    fn put(&self, buf: wgpu::Buffer) {
        let size = buf.size();
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let (evicted, fits) = if bucket(size) == size {
            free.make_room(size, self.cap)
        } else {
            (Vec::new(), false)
        };
        // Released buffers are dropped: wgpu frees them once queued work
        // that uses them is done.
        for (s, _) in &evicted {
            self.held.fetch_sub(*s, Ordering::Relaxed);
        }
        if !fits {
            self.held.fetch_sub(size, Ordering::Relaxed);
        }
        if !fits || !evicted.is_empty() {
            self.epoch.fetch_add(1, Ordering::Relaxed);
        }
        if fits {
            free.push(size, buf);
        }
    }

    /// Release every cached buffer (e.g. before retrying an allocation
    /// that ran out of memory).
    pub(crate) fn clear(&self) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        free.by_size.clear();
        self.held.fetch_sub(free.bytes, Ordering::Relaxed);
        self.epoch.fetch_add(1, Ordering::Relaxed);
        free.bytes = 0;
    }

    /// Bytes held by free buffers.
    pub(crate) fn cached_bytes(&self) -> u64 {
        self.free.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }
}

/// A device buffer that returns to its [`Pool`] when dropped. `len` is the
/// number of bytes in use (the buffer may be larger).
#[derive(Debug)]
pub(crate) struct GpuBuffer {
    buf: Option<wgpu::Buffer>,
    pub(crate) len: u64,
    pool: Arc<Pool>,
    /// Returned to the pool when dropped (false for a shared, read-only
    /// buffer that a cache owns).
    pooled: bool,
}

impl GpuBuffer {
    /// True when this handle owns its buffer (not a cache's shared one),
    /// so a kernel may write into it when donated.
    pub(crate) fn is_owned(&self) -> bool {
        self.pooled
    }

    /// Wrap a pooled-usage buffer holding `len` meaningful bytes.
    pub(crate) fn new(buf: wgpu::Buffer, len: u64, pool: Arc<Pool>) -> GpuBuffer {
        GpuBuffer {
            buf: Some(buf),
            len,
            pool,
            pooled: true,
        }
    }

    /// A handle to a buffer owned elsewhere and never written (it does
    /// not go back to the pool when dropped).
    pub(crate) fn shared(buf: wgpu::Buffer, len: u64, pool: Arc<Pool>) -> GpuBuffer {
        GpuBuffer {
            buf: Some(buf),
            len,
            pool,
            pooled: false,
        }
    }

    /// The device the buffer lives on.
    pub(crate) fn device(&self) -> mlx_core::Device {
        self.pool.device
    }

    /// The wgpu buffer.
    pub(crate) fn raw(&self) -> &wgpu::Buffer {
        self.buf.as_ref().expect("buffer is present until drop")
    }
}

impl Drop for GpuBuffer {
    fn drop(&mut self) {
        if let Some(buf) = self.buf.take() {
            if self.pooled {
                self.pool.put(buf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{bucket, Free};

    #[test]
    fn a_full_cache_evicts_larger_buffers_largest_first() {
        let mut f: Free<u32> = Free::default();
        f.push(64, 1);
        f.push(256, 2);
        f.push(128, 3);
        // 448 cached under a cap of 460: 16 more bytes evict the 256.
        let (ev, fits) = f.make_room(16, 460);
        assert_eq!(ev, vec![(256, 2)]);
        assert!(fits);
        assert_eq!(f.bytes, 192);
        // Room without eviction.
        assert_eq!(f.make_room(64, 480), (vec![], true));
        // Smaller cached buffers are kept for a larger one, which then
        // does not fit.
        let (ev, fits) = f.make_room(512, 480);
        assert!(ev.is_empty() && !fits);
        // Evicting the 128 then the 64 (largest first) makes room for 64.
        let (ev, fits) = f.make_room(64, 64);
        assert_eq!(ev, vec![(128, 3), (64, 1)]);
        assert!(fits && f.bytes == 0);
    }

    #[test]
    fn buckets_round_up_with_bounded_slack() {
        assert_eq!(bucket(0), 16);
        assert_eq!(bucket(17), 32);
        assert_eq!(bucket(1 << 20), 1 << 20);
        // 1 MiB + 1 byte: the step is 128 KiB (an eighth of 1 MiB).
        assert_eq!(bucket((1 << 20) + 1), (1 << 20) + (128 << 10));
        for b in [3u64 << 20, 100 << 20, (256 << 20) + 7] {
            let k = bucket(b);
            assert!(k >= b && (k - b) * 8 <= b, "{b} -> {k}");
        }
    }
}
