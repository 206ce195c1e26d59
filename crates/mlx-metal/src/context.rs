//! The wgpu device: adapter choice, buffer allocation through the pool,
//! pipeline cache, and one pending command encoder that every dispatch of
//! an eval is recorded into (submitted at the end of the eval, or when the
//! host reads a result).

use crate::binding::{create_group, padded_len, Bindings, ARENA_BYTES};
use crate::float_controls::{self, FloatControls};
use crate::pool::{bucket, GpuBuffer, Pool, USAGE};
use crate::slots::Caps;
use mlx_core::{Device, Error, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;
use wgpu::util::DeviceExt;

/// Threads per workgroup of the 1-D elementwise kernels.
pub(crate) const WG: u32 = 256;

/// Uploads of at most this many bytes are shared by content.
const SMALL_UPLOAD: usize = 64;

/// Shared small uploads kept before the table is emptied.
const MAX_CONSTS: usize = 1024;

/// Dispatches recorded before an automatic submit (bounds the memory held
/// by a very long graph's recorded commands).
const MAX_PENDING: usize = 1024;

/// An opened GPU with its caches.
pub(crate) struct Gpu {
    /// The core's name for this GPU: `Device::gpu(i)` for adapter `i`.
    pub(crate) mlx_device: Device,
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    pub(crate) info: wgpu::AdapterInfo,
    pub(crate) limits: wgpu::Limits,
    pub(crate) caps: Caps,
    /// The adapter offers subgroup operations (no kernel needs them yet).
    #[allow(dead_code)]
    pub(crate) subgroups: bool,
    /// The adapter offers 16x16x16 f16 cooperative matrices.
    pub(crate) coop_matrix: bool,
    /// Kernels are built through SPIR-V with `DenormPreserve` (see
    /// [`crate::float_controls`]).
    pub(crate) float_controls: Option<FloatControls>,
    /// Kernels keep f32 subnormal inputs and results (the probe's answer).
    pub(crate) subnormals: bool,
    /// Why kernels flush, when they do (for [`Gpu::subnormal_mode`]).
    why_flushed: &'static str,
    pub(crate) pool: Arc<Pool>,
    pipelines: Mutex<HashMap<String, Arc<wgpu::ComputePipeline>>>,
    /// Shared small uploads by content (see [`Gpu::upload`]).
    consts: Mutex<HashMap<Vec<u8>, wgpu::Buffer>>,
    pending: Mutex<Pending>,
    errors: Arc<Mutex<Vec<String>>>,
    /// Out-of-range flags of the gathers and scatters recorded since their
    /// thread's last check (see [`Gpu::oob_flag`]).
    oob: Mutex<OobFlags>,
}

/// `[flag, index, axis size]` buffers written by gathers and scatters on a
/// bad index: one per thread with such kernels recorded since its eval
/// last flushed, so an eval reports its own bad index and never another
/// thread's (an eval records and flushes on one thread).
#[derive(Default)]
struct OobFlags {
    /// The flag and the op of the last kernel that binds it, by thread.
    live: HashMap<ThreadId, (Arc<GpuBuffer>, &'static str)>,
    /// Zeroed flags ready for another thread.
    free: Vec<Arc<GpuBuffer>>,
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gpu({}, {:?})", self.info.name, self.info.backend)
    }
}

#[derive(Default)]
struct Pending {
    encoder: Option<wgpu::CommandEncoder>,
    /// The compute pass every dispatch of the batch is recorded into
    /// (WebGPU orders dispatches of one pass like separate passes: each
    /// dispatch is its own usage scope). Ended before any other command
    /// and before submit.
    pass: Option<wgpu::ComputePass<'static>>,
    dispatches: usize,
    bindings: Bindings,
}

impl Pending {
    /// The batch's encoder, with no compute pass open.
    fn encoder(&mut self, device: &wgpu::Device) -> &mut wgpu::CommandEncoder {
        self.pass = None;
        self.encoder.get_or_insert_with(|| {
            device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None })
        })
    }

    /// The batch's compute pass, begun on first use.
    fn pass(&mut self, device: &wgpu::Device) -> &mut wgpu::ComputePass<'static> {
        if self.pass.is_none() {
            let pass = self
                .encoder(device)
                .begin_compute_pass(&wgpu::ComputePassDescriptor::default())
                .forget_lifetime();
            self.pass = Some(pass);
        }
        self.pass.as_mut().expect("just begun")
    }
}

const NO_ADAPTER: &str = "no GPU adapter found; install a Vulkan driver (on Debian/Ubuntu: \
     `apt-get install mesa-vulkan-drivers libvulkan1`, which includes the lavapipe CPU \
     implementation) or use the CPU device";

/// The adapters that can run compute shaders, in order of preference: a
/// discrete or integrated GPU on Vulkan, Metal or DX12 first, software
/// ones (lavapipe) last, in enumeration order among equals. `Device::gpu(i)`
/// is the i-th. Enumerated once per process.
pub(crate) fn adapters() -> &'static [wgpu::Adapter] {
    static ADAPTERS: OnceLock<Vec<wgpu::Adapter>> = OnceLock::new();
    ADAPTERS.get_or_init(|| {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends: wgpu::Backends::VULKAN | wgpu::Backends::METAL | wgpu::Backends::DX12,
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()));
        let rank = |a: &wgpu::Adapter| match a.get_info().device_type {
            wgpu::DeviceType::DiscreteGpu => 0,
            wgpu::DeviceType::IntegratedGpu => 1,
            wgpu::DeviceType::VirtualGpu => 2,
            wgpu::DeviceType::Other => 3,
            wgpu::DeviceType::Cpu => 4,
        };
        let mut suitable: Vec<wgpu::Adapter> = adapters
            .into_iter()
            .filter(|a| {
                a.get_downlevel_capabilities()
                    .flags
                    .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
            })
            .collect();
        // Stable: adapters of one rank keep their enumeration order.
        suitable.sort_by_key(rank);
        suitable
    })
}

/// How many adapters [`Gpu::open`] can open.
///
/// # Errors
/// [`Error::NoBackend`] saying how to install a driver when there is none.
pub(crate) fn adapter_count() -> Result<usize> {
    match adapters().len() {
        0 => Err(Error::NoBackend {
            op: "gpu",
            device: "gpu".into(),
            hint: NO_ADAPTER,
        }),
        n => Ok(n),
    }
}

impl Gpu {
    /// Open adapter `index` of [`adapters`] as `Device::gpu(index)`.
    pub(crate) fn open(index: usize) -> Result<Gpu> {
        let count = adapter_count()?;
        let mlx_device = Device::gpu(index);
        let adapter = adapters().get(index).ok_or(Error::NoDevice {
            op: "gpu",
            device: mlx_device,
            count,
            backend: "wgpu",
        })?;
        let info = adapter.get_info();
        let offered = adapter.features();
        let wanted = wgpu::Features::SHADER_F16
            | wgpu::Features::SHADER_INT64
            | wgpu::Features::SUBGROUP
            | wgpu::Features::EXPERIMENTAL_COOPERATIVE_MATRIX
            | wgpu::Features::PASSTHROUGH_SHADERS;
        let features = offered & wanted;
        // MLX_GPU_FLOAT_CONTROLS: 0 never asks for DenormPreserve, 1 asks
        // even where the driver does not report it (to test that path).
        let ask = std::env::var("MLX_GPU_FLOAT_CONTROLS").ok();
        let reported = float_controls::vulkan_denorm_preserve(adapter);
        let mut why_not = match reported {
            None => "not Vulkan 1.2+",
            Some(_) if !features.contains(wgpu::Features::PASSTHROUGH_SHADERS) => {
                "no passthrough shaders"
            }
            Some(fc) if !fc.denorm_preserve => "driver reports no DenormPreserve",
            Some(_) => "",
        };
        let denorm = reported
            .filter(|_| features.contains(wgpu::Features::PASSTHROUGH_SHADERS))
            .filter(|fc| match ask.as_deref() {
                Some("0") => false,
                Some("1") => true,
                _ => fc.denorm_preserve,
            });
        if ask.as_deref() == Some("0") {
            why_not = "MLX_GPU_FLOAT_CONTROLS=0";
        }
        let forced = ask.as_deref() == Some("1");
        let limits = adapter.limits();
        // SAFETY: experimental features are only used by the cooperative
        // matrix kernel, whose shapes and layouts follow the extension.
        let experimental = unsafe { wgpu::ExperimentalFeatures::enabled() };
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("mlx"),
            required_features: features,
            required_limits: limits.clone(),
            experimental_features: experimental,
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        }))
        .map_err(|e| Error::Device {
            op: "gpu",
            msg: format!("could not open {} ({:?}): {e}", info.name, info.backend),
        })?;
        let errors: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            sink.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(e.to_string());
        }));
        let lost = errors.clone();
        device.set_device_lost_callback(move |reason, msg| {
            lost.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(format!("device lost ({reason:?}): {msg}"));
        });
        let cap = (limits.max_buffer_size / 2).clamp(256 << 20, 8 << 30);
        let pool = Arc::new(Pool::new(mlx_device, cap));
        let mut gpu = Gpu {
            caps: Caps {
                f16: features.contains(wgpu::Features::SHADER_F16),
                int64: features.contains(wgpu::Features::SHADER_INT64),
            },
            subgroups: features.contains(wgpu::Features::SUBGROUP),
            coop_matrix: features.contains(wgpu::Features::EXPERIMENTAL_COOPERATIVE_MATRIX)
                && adapter.cooperative_matrix_properties().iter().any(|c| {
                    (c.m_size, c.n_size, c.k_size) == (16, 16, 16)
                        && c.ab_type == wgpu::CooperativeScalarType::F16
                        && c.cr_type == wgpu::CooperativeScalarType::F32
                }),
            mlx_device,
            device,
            queue,
            info,
            limits,
            pool,
            pipelines: Mutex::default(),
            consts: Mutex::default(),
            pending: Mutex::default(),
            errors,
            oob: Mutex::default(),
            float_controls: None,
            subnormals: false,
            why_flushed: why_not,
        };
        gpu.subnormals = float_controls::probe(&gpu)?;
        if forced && denorm.is_some() {
            gpu.float_controls = denorm;
            gpu.subnormals = float_controls::probe(&gpu)?;
        } else if !gpu.subnormals && denorm.is_some() {
            // The driver flushes by default: ask for DenormPreserve, and
            // keep it only if the probe then sees subnormals.
            gpu.float_controls = denorm;
            match float_controls::probe(&gpu) {
                Ok(true) => gpu.subnormals = true,
                Ok(false) => {
                    gpu.float_controls = None;
                    gpu.why_flushed = "DenormPreserve requested, still flushed";
                }
                Err(_) => {
                    gpu.float_controls = None;
                    gpu.why_flushed = "DenormPreserve requested, kernel failed";
                    let _ = gpu.check_errors("gpu");
                }
            }
        }
        Ok(gpu)
    }

    /// What kernels do with f32 subnormals, in words.
    pub(crate) fn subnormal_mode(&self) -> String {
        match (self.subnormals, self.float_controls.is_some()) {
            (true, true) => "preserved (DenormPreserve requested)".into(),
            (true, false) => "preserved (driver default)".into(),
            (false, _) => format!("flushed to zero ({})", self.why_flushed),
        }
    }

    /// The calling thread's out-of-bounds flag, for a gather or scatter
    /// that `op` records now.
    pub(crate) fn oob_flag(&self, op: &'static str) -> Arc<GpuBuffer> {
        let mut flags = self.oob.lock().unwrap_or_else(|p| p.into_inner());
        let flags = &mut *flags;
        let entry = flags
            .live
            .entry(std::thread::current().id())
            .or_insert_with(|| {
                let buf = flags.free.pop().unwrap_or_else(|| {
                    let zeroed =
                        self.device
                            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                                label: Some("oob"),
                                contents: &[0u8; 16],
                                usage: USAGE,
                            });
                    self.pool.created(16);
                    Arc::new(GpuBuffer::new(zeroed, 16, self.pool.clone()))
                });
                (buf, op)
            });
        entry.1 = op;
        entry.0.clone()
    }

    /// If this thread recorded a gather or scatter since its last check,
    /// wait for it and fail when it met an out-of-bounds index.
    pub(crate) fn check_oob(&self) -> Result<()> {
        let taken = self
            .oob
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .live
            .remove(&std::thread::current().id());
        let Some((flag, op)) = taken else {
            return Ok(());
        };
        let bytes = self.read(op, &flag, 0, 16)?;
        let w: Vec<i32> = bytemuck::pod_collect_to_vec(&bytes);
        let result = if w[0] == 0 {
            Ok(())
        } else {
            // Zeroed before any later batch runs (queued writes go first).
            self.queue.write_buffer(flag.raw(), 0, &[0u8; 16]);
            Err(Error::invalid(
                op,
                format!("index {} is out of bounds for axis size {}", w[1], w[2]),
            ))
        };
        self.oob
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .free
            .push(flag);
        result
    }

    /// Fail with the first error wgpu reported since the last check.
    pub(crate) fn check_errors(&self, op: &'static str) -> Result<()> {
        let mut errs = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        if errs.is_empty() {
            return Ok(());
        }
        let msg = errs.join("; ");
        errs.clear();
        Err(Error::Device { op, msg })
    }

    fn check_size(&self, op: &'static str, bytes: u64) -> Result<()> {
        let limit = self
            .limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size);
        if bytes > limit {
            return Err(Error::Device {
                op,
                msg: format!(
                    "array of {bytes} bytes exceeds this GPU's limit of {limit} bytes per buffer \
                     ({}); split the array or use the CPU device",
                    self.info.name
                ),
            });
        }
        Ok(())
    }

    /// A buffer of at least `bytes` bytes (contents undefined).
    pub(crate) fn alloc(&self, op: &'static str, bytes: u64) -> Result<GpuBuffer> {
        self.check_size(op, bytes)?;
        let size = bucket(bytes);
        if let Some(buf) = self.pool.take(size) {
            return Ok(GpuBuffer::new(buf, bytes, self.pool.clone()));
        }
        let make = || {
            let scope = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
            let buf = self.device.create_buffer(&wgpu::BufferDescriptor {
                label: None,
                size,
                usage: USAGE,
                mapped_at_creation: false,
            });
            pollster::block_on(scope.pop()).map_or(Some(buf), |_| None)
        };
        let buf = match make() {
            Some(b) => b,
            None => {
                // Free the cache and wait for queued work, then retry once.
                self.pool.clear();
                self.clear_bindings();
                let _ = self.device.poll(wgpu::PollType::wait_indefinitely());
                make().ok_or_else(|| Error::Device {
                    op,
                    msg: format!(
                        "out of GPU memory allocating {bytes} bytes on {}",
                        self.info.name
                    ),
                })?
            }
        };
        self.pool.created(size);
        Ok(GpuBuffer::new(buf, bytes, self.pool.clone()))
    }

    /// A new buffer holding `bytes` (padded to its bucket). Small
    /// contents (scalars, short vectors) are uploaded once and shared by
    /// every array holding the same bytes: buffers are never written after
    /// upload, and a repeated `x * 2.0` then neither creates a buffer nor
    /// misses the bind-group cache.
    pub(crate) fn upload(&self, op: &'static str, bytes: &[u8]) -> Result<GpuBuffer> {
        self.check_size(op, bytes.len() as u64)?;
        let len = bytes.len() as u64;
        if bytes.len() <= SMALL_UPLOAD {
            let mut consts = self.consts.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(buf) = consts.get(bytes) {
                return Ok(GpuBuffer::shared(buf.clone(), len, self.pool.clone()));
            }
            if consts.len() >= MAX_CONSTS {
                consts.clear();
            }
            let buf = self.create_init(bytes);
            consts.insert(bytes.to_vec(), buf.clone());
            return Ok(GpuBuffer::shared(buf, len, self.pool.clone()));
        }
        let buf = self.create_init(bytes);
        self.pool.created(buf.size());
        Ok(GpuBuffer::new(buf, len, self.pool.clone()))
    }

    /// A pool-usage buffer of `bytes`' bucket size starting with `bytes`.
    fn create_init(&self, bytes: &[u8]) -> wgpu::Buffer {
        let size = bucket(bytes.len() as u64) as usize;
        let mut padded;
        let contents = if size == bytes.len() {
            bytes
        } else {
            padded = Vec::with_capacity(size);
            padded.extend_from_slice(bytes);
            padded.resize(size, 0);
            &padded[..]
        };
        self.device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: None,
                contents,
                usage: USAGE,
            })
    }

    /// The compute pipeline for `key`, built from `source()` on first use.
    pub(crate) fn pipeline(
        &self,
        key: &str,
        source: impl FnOnce() -> String,
    ) -> Result<Arc<wgpu::ComputePipeline>> {
        let mut cache = self.pipelines.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = cache.get(key) {
            return Ok(p.clone());
        }
        let src = source();
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        if let Some(fc) = self.float_controls {
            let pipeline = float_controls::pipeline(&self.device, fc, key, &src);
            if let Some(e) = pollster::block_on(scope.pop()) {
                return Err(Error::Device {
                    op: "shader",
                    msg: format!("kernel `{key}` failed to build: {e}"),
                });
            }
            let p = Arc::new(pipeline?);
            cache.insert(key.to_string(), p.clone());
            return Ok(p);
        }
        let module = self
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(key),
                source: wgpu::ShaderSource::Wgsl(src.into()),
            });
        let pipeline = self
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(key),
                layout: None,
                module: &module,
                entry_point: Some("main"),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                cache: None,
            });
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(Error::Device {
                op: "shader",
                msg: format!("kernel `{key}` failed to build: {e}"),
            });
        }
        let p = Arc::new(pipeline);
        cache.insert(key.to_string(), p.clone());
        Ok(p)
    }

    /// Record one dispatch of `pipeline` with `params` bound at 0 and
    /// `buffers` at 1, 2, ... (each bound over its `len` rounded up to 16
    /// bytes).
    pub(crate) fn dispatch(
        &self,
        pipeline: &wgpu::ComputePipeline,
        params: &[u32],
        buffers: &[&GpuBuffer],
        groups: [u32; 3],
    ) -> Result<()> {
        if groups.contains(&0) {
            return Ok(());
        }
        let max = self.limits.max_compute_workgroups_per_dimension;
        if groups.iter().any(|&g| g > max) {
            return Err(Error::Device {
                op: "dispatch",
                msg: format!("grid {groups:?} exceeds {max} workgroups per dimension"),
            });
        }
        let words: &[u32] = if params.is_empty() { &[0] } else { params };
        let len = padded_len(words);
        let align = u64::from(self.limits.min_storage_buffer_offset_alignment).max(16);
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if pending.dispatches >= MAX_PENDING {
            self.submit_locked(&mut pending);
        }
        let group = if len > ARENA_BYTES {
            // More parameters than the arena holds: a buffer of their own.
            let own = self
                .device
                .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: None,
                    contents: bytemuck::cast_slice(words),
                    usage: wgpu::BufferUsages::STORAGE,
                });
            create_group(&self.device, pipeline, (&own, 0, len), buffers)
        } else {
            let at = match pending.bindings.params(words, align) {
                Some(at) => at,
                None => {
                    // The arena is full: submit the batch that reads it,
                    // then start it over.
                    self.submit_locked(&mut pending);
                    pending.bindings.reset();
                    pending
                        .bindings
                        .params(words, align)
                        .expect("a block fits an empty arena")
                }
            };
            let epoch = self.pool.epoch();
            pending
                .bindings
                .group(&self.device, pipeline, (at, len), buffers, epoch)
        };
        let pass = pending.pass(&self.device);
        pass.set_pipeline(pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.dispatch_workgroups(groups[0], groups[1], groups[2]);
        pending.dispatches += 1;
        Ok(())
    }

    /// Submit the pending encoder, if any. The submit happens under the
    /// pending lock, so command buffers reach the queue in recording order
    /// even when several threads evaluate at once.
    pub(crate) fn submit(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        self.submit_locked(&mut pending);
    }

    /// Write the batch's new parameter blocks to the arena, then end its
    /// compute pass and submit its encoder.
    fn submit_locked(&self, pending: &mut Pending) {
        pending.dispatches = 0;
        pending.bindings.flush(&self.queue);
        pending.pass = None;
        if let Some(enc) = pending.encoder.take() {
            self.queue.submit([enc.finish()]);
        }
    }

    /// Drop every cached bind group and parameter block (after submitting
    /// the work that uses them), so the buffers they name can be freed.
    pub(crate) fn clear_bindings(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        self.submit_locked(&mut pending);
        pending.bindings.reset();
    }

    /// Copy `len` bytes of `src` from byte `offset` (a multiple of 4) to the
    /// host, after all queued work.
    pub(crate) fn read(
        &self,
        op: &'static str,
        src: &GpuBuffer,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>> {
        if len == 0 {
            return Ok(Vec::new());
        }
        let size = len.next_multiple_of(4);
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            let encoder = pending.encoder(&self.device);
            let size = size.min(src.raw().size() - offset);
            encoder.copy_buffer_to_buffer(src.raw(), offset, &staging, 0, size);
        }
        self.submit();
        let slice = staging.slice(..);
        let (tx, rx) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Device {
                op,
                msg: format!("waiting for the GPU failed: {e}"),
            })?;
        self.check_errors(op)?;
        match rx.recv() {
            Ok(Ok(())) => {}
            _ => {
                return Err(Error::Device {
                    op,
                    msg: "could not map the readback buffer".into(),
                })
            }
        }
        let bytes = {
            let view = slice.get_mapped_range().map_err(|e| Error::Device {
                op,
                msg: format!("could not read the readback buffer: {e:?}"),
            })?;
            mlx_core::memory::try_to_vec(op, &view[..len as usize])?
        };
        staging.unmap();
        Ok(bytes)
    }
}

/// A 2-D grid of `WG`-thread workgroups covering `threads` threads: x is
/// at most 65,535 and balanced against y, so at most y - 1 workgroups are
/// idle (kernels index them as `wid.y * nwg.x + wid.x`).
pub(crate) fn grid(threads: usize) -> [u32; 3] {
    let groups = threads.div_ceil(WG as usize);
    if groups == 0 {
        return [0, 0, 0];
    }
    let y = groups.div_ceil(65_535);
    let x = groups.div_ceil(y);
    [x as u32, y as u32, 1]
}

#[cfg(test)]
mod tests {
    use super::grid;

    #[test]
    fn grids_cover_threads_with_little_idle() {
        for threads in [
            1usize,
            255,
            256,
            257,
            16 << 20,
            64 << 20,
            (65_535 * 256) + 1,
        ] {
            let [x, y, z] = grid(threads);
            let groups = threads.div_ceil(256);
            let launched = (x * y * z) as usize;
            assert!(x <= 65_535 && launched >= groups, "{threads}: {x}x{y}");
            assert!(
                launched - groups < y as usize,
                "{threads}: {x}x{y} for {groups}"
            );
        }
        assert_eq!(grid(0), [0, 0, 0]);
    }
}
