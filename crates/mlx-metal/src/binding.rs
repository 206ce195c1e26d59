//! Binding state kept across evals, so that a loop repeating the same ops
//! on recycled buffers (a decode step, a training step) neither writes
//! kernel parameters nor creates bind groups after its first iteration.
//!
//! - Parameters live in one arena buffer, each distinct parameter block
//!   once, found again by its words. New blocks are appended to a host
//!   shadow and written to the GPU at the next submit; a block is never
//!   overwritten while the arena is in use, and a full arena is reset only
//!   after the batch using it was submitted.
//! - Bind groups are cached by (pipeline, parameter offset, buffers and
//!   bound sizes). A cache entry holds clones of its buffers, so a buffer
//!   it names cannot be freed and its identity reused while the entry
//!   exists; the cache is emptied whenever the pool releases a buffer
//!   (`Pool::epoch` changes), so released memory is not held for long.

use crate::pool::GpuBuffer;
use std::collections::HashMap;

/// Bytes of the parameter arena.
pub(crate) const ARENA_BYTES: u64 = 1 << 20;

/// Bind groups cached before the cache is emptied (bounds the memory a
/// program with very many distinct dispatches holds through it).
const MAX_GROUPS: usize = 4096;

#[derive(Hash, PartialEq, Eq)]
struct GroupKey {
    pipeline: wgpu::ComputePipeline,
    params: u64,
    buffers: Vec<(wgpu::Buffer, u64)>,
}

/// Parameter arena and bind-group cache of one device.
#[derive(Default)]
pub(crate) struct Bindings {
    arena: Option<wgpu::Buffer>,
    /// The arena's contents as the host last laid them out.
    shadow: Vec<u8>,
    /// Bytes of `shadow` already written to the arena.
    written: usize,
    /// Offset of each parameter block in the arena.
    offsets: HashMap<Vec<u32>, u64>,
    groups: HashMap<GroupKey, wgpu::BindGroup>,
    /// The pool epoch `groups` was built in.
    epoch: u64,
}

impl Bindings {
    /// The offset of the parameter block `words` (at most `ARENA_BYTES`
    /// long once padded to 16 bytes) in the arena, appending it when new;
    /// `None` when the arena is full (submit, then [`Bindings::reset`]).
    pub(crate) fn params(&mut self, words: &[u32], align: u64) -> Option<u64> {
        if let Some(&at) = self.offsets.get(words) {
            return Some(at);
        }
        let at = (self.shadow.len() as u64).next_multiple_of(align);
        let len = padded_len(words);
        if at + len > ARENA_BYTES {
            return None;
        }
        self.shadow.resize(at as usize, 0);
        self.shadow.extend_from_slice(bytemuck::cast_slice(words));
        self.shadow.resize((at + len) as usize, 0);
        self.offsets.insert(words.to_vec(), at);
        Some(at)
    }

    /// Forget every parameter block and bind group (the arena is reused
    /// from offset 0). Only after the batch that used them was submitted.
    pub(crate) fn reset(&mut self) {
        self.shadow.clear();
        self.written = 0;
        self.offsets.clear();
        self.groups.clear();
    }

    /// Write the parameter blocks appended since the last flush; call
    /// right before submitting the batch that uses them.
    pub(crate) fn flush(&mut self, queue: &wgpu::Queue) {
        if let (Some(arena), true) = (&self.arena, self.written < self.shadow.len()) {
            queue.write_buffer(arena, self.written as u64, &self.shadow[self.written..]);
        }
        self.written = self.shadow.len();
    }

    /// The arena buffer, created on first use.
    pub(crate) fn arena(&mut self, device: &wgpu::Device) -> &wgpu::Buffer {
        self.arena.get_or_insert_with(|| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("params"),
                size: ARENA_BYTES,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        })
    }

    /// The bind group of `pipeline` with the parameter block at `params`
    /// (of `params_len` bytes) at binding 0 and `buffers` at 1, 2, ...,
    /// from the cache or new. `epoch` is the pool's current epoch.
    pub(crate) fn group(
        &mut self,
        device: &wgpu::Device,
        pipeline: &wgpu::ComputePipeline,
        (params, params_len): (u64, u64),
        buffers: &[&GpuBuffer],
        epoch: u64,
    ) -> wgpu::BindGroup {
        if epoch != self.epoch || self.groups.len() >= MAX_GROUPS {
            self.groups.clear();
            self.epoch = epoch;
        }
        let key = GroupKey {
            pipeline: pipeline.clone(),
            params,
            buffers: buffers
                .iter()
                .map(|b| (b.raw().clone(), bound_len(b)))
                .collect(),
        };
        if let Some(g) = self.groups.get(&key) {
            return g.clone();
        }
        let arena = self.arena(device).clone();
        let group = create_group(device, pipeline, (&arena, params, params_len), buffers);
        self.groups.insert(key, group.clone());
        group
    }
}

/// Bytes a parameter block occupies: its words (at least one) rounded up
/// to 16 bytes.
pub(crate) fn padded_len(words: &[u32]) -> u64 {
    (4 * words.len().max(1) as u64).next_multiple_of(16)
}

/// The bound size of a data buffer: its length rounded up to 16 bytes
/// (buffers are allocated in 16-byte multiples), so kernels that bind
/// arrays of 16-byte vectors can address a partial last vector.
fn bound_len(b: &GpuBuffer) -> u64 {
    b.len.max(4).next_multiple_of(16).min(b.raw().size())
}

/// A new bind group: `params` (buffer, offset, length) at binding 0 and
/// `buffers` at 1, 2, ...
pub(crate) fn create_group(
    device: &wgpu::Device,
    pipeline: &wgpu::ComputePipeline,
    (pbuf, offset, len): (&wgpu::Buffer, u64, u64),
    buffers: &[&GpuBuffer],
) -> wgpu::BindGroup {
    let mut entries = vec![wgpu::BindGroupEntry {
        binding: 0,
        resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
            buffer: pbuf,
            offset,
            size: wgpu::BufferSize::new(len),
        }),
    }];
    for (i, b) in buffers.iter().enumerate() {
        entries.push(wgpu::BindGroupEntry {
            binding: i as u32 + 1,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer: b.raw(),
                offset: 0,
                size: wgpu::BufferSize::new(bound_len(b)),
            }),
        });
    }
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_blocks_are_stored_once_at_aligned_offsets() {
        let mut b = Bindings::default();
        assert_eq!(b.params(&[1, 2, 3], 256), Some(0));
        assert_eq!(b.params(&[7], 256), Some(256));
        // The same words again: the same block, nothing appended.
        assert_eq!(b.params(&[1, 2, 3], 256), Some(0));
        assert_eq!(b.shadow.len(), 256 + 16);
        assert_eq!(&b.shadow[..12], bytemuck::cast_slice::<u32, u8>(&[1, 2, 3]));
        assert_eq!(padded_len(&[]), 16);
        assert_eq!(padded_len(&[0; 5]), 32);
    }

    #[test]
    fn a_full_arena_asks_for_a_reset() {
        let mut b = Bindings::default();
        let big = vec![0u32; (ARENA_BYTES / 4 / 2) as usize];
        assert_eq!(b.params(&big, 16), Some(0));
        let mut other = big.clone();
        other[0] = 1;
        assert_eq!(b.params(&other, 16), Some(ARENA_BYTES / 2));
        other[0] = 2;
        assert_eq!(b.params(&other, 16), None);
        b.reset();
        assert_eq!(b.params(&other, 16), Some(0));
        assert_eq!(b.offsets.len(), 1);
    }
}
