//! [`GpuBackend`]: the core's [`Backend`] trait on a wgpu device. Each
//! method forwards to its family module; kernels live in `shaders/`.

use crate::context::Gpu;
use crate::pool::GpuBuffer;
use mlx_core::primitive::{
    ArgReduceOp, BinaryOp, FastOp, MultiOp, OutSpec, Primitive, ReduceOp, ScanOp, ScatterOp,
    SortOp, UnaryOp,
};
use mlx_core::{Backend, Device, Donor, Error, HostData, Result, Storage, View};
use std::sync::{Arc, OnceLock};

/// The wgpu GPU backend. Linking `mlx-metal` registers it; the core
/// creates the backend of [`Device::gpu`]`(i)` on first use of that
/// device, on the i-th adapter (see [`GpuBackend::with_index`]).
///
/// # Examples
/// ```
/// use mlx_core::{Array, Device};
/// match mlx_metal::GpuBackend::new() {
///     Ok(gpu) => println!("GPU: {}", gpu.adapter_name()),
///     Err(e) => println!("no GPU here: {e}"),
/// }
/// ```
#[derive(Debug, Clone)]
pub struct GpuBackend {
    gpu: Arc<Gpu>,
}

impl GpuBackend {
    /// The process's first GPU, `Device::gpu(0)`: the same as
    /// [`with_index(0)`](Self::with_index).
    ///
    /// # Errors
    /// As [`with_index`](Self::with_index).
    pub fn new() -> Result<GpuBackend> {
        Self::with_index(0)
    }

    /// The process's GPU `Device::gpu(index)`: the index-th adapter that
    /// can run compute shaders, discrete GPUs first, then integrated,
    /// virtual and software ones (lavapipe), in the driver's enumeration
    /// order among equals. Opened on first use and shared by every handle
    /// (and by the backend the core uses for that device), so statistics
    /// such as [`held_bytes`](Self::held_bytes) describe the arrays of the
    /// whole process on it.
    ///
    /// # Errors
    /// [`mlx_core::Error::NoBackend`] when no adapter exists (the message
    /// says how to install one), [`mlx_core::Error::NoDevice`] when
    /// `index` is not below [`count`](Self::count), or
    /// [`mlx_core::Error::Device`] when the device fails to open.
    ///
    /// # Examples
    /// ```
    /// use mlx_core::Backend;
    /// if let Ok(n) = mlx_metal::GpuBackend::count() {
    ///     let last = mlx_metal::GpuBackend::with_index(n - 1)?;
    ///     assert_eq!(last.device(), mlx_core::Device::gpu(n - 1));
    ///     let e = mlx_metal::GpuBackend::with_index(n).unwrap_err();
    ///     assert!(e.to_string().starts_with(&format!("[gpu] no gpu device {n}: ")));
    /// }
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn with_index(index: usize) -> Result<GpuBackend> {
        type Opened = OnceLock<std::result::Result<Arc<Gpu>, Error>>;
        static GPUS: OnceLock<Vec<Opened>> = OnceLock::new();
        let count = crate::context::adapter_count()?;
        let gpus = GPUS.get_or_init(|| (0..count).map(|_| OnceLock::new()).collect());
        let Some(cell) = gpus.get(index) else {
            return Err(Error::NoDevice {
                op: "gpu",
                device: Device::gpu(index),
                count,
                backend: "wgpu",
            });
        };
        let gpu = cell
            .get_or_init(|| Gpu::open(index).map(Arc::new))
            .clone()?;
        Ok(GpuBackend { gpu })
    }

    /// How many GPUs this backend can open: the adapters that run compute
    /// shaders (MLX's `mx.device_count(mx.gpu)` while this is the linked
    /// GPU backend).
    ///
    /// # Errors
    /// [`mlx_core::Error::NoBackend`] when there is none (the message says
    /// how to install a driver).
    ///
    /// # Examples
    /// ```
    /// match mlx_metal::GpuBackend::count() {
    ///     Ok(n) => println!("{n} GPU adapters"),
    ///     Err(e) => println!("no GPU here: {e}"),
    /// }
    /// ```
    pub fn count() -> Result<usize> {
        crate::context::adapter_count()
    }

    /// The adapter's name and API, e.g. `NVIDIA H100 (Vulkan)`.
    pub fn adapter_name(&self) -> String {
        format!("{} ({:?})", self.gpu.info.name, self.gpu.info.backend)
    }

    /// Whether kernels keep float32 subnormal inputs and results (as the
    /// CPU does) rather than flushing them to zero. Decided when the
    /// adapter opens by a probe kernel, after asking Vulkan drivers for
    /// `DenormPreserve` where they offer it (see docs/gpu.md); `abs`,
    /// `negative`, `sign`, `sqrt`, `rsqrt` and the logarithms handle
    /// subnormal inputs exactly either way.
    pub fn preserves_subnormals(&self) -> bool {
        self.gpu.subnormals
    }

    /// How kernels treat float32 subnormals, in words (for reports).
    pub fn subnormal_mode(&self) -> String {
        self.gpu.subnormal_mode()
    }

    /// Bytes held by the buffer pool's free buffers.
    pub fn cached_bytes(&self) -> u64 {
        self.gpu.pool.cached_bytes()
    }

    /// Bytes of all GPU buffers this backend holds: those of live arrays
    /// plus the pool's free ones. Steady across iterations of a loop that
    /// repeats the same shapes.
    pub fn held_bytes(&self) -> u64 {
        self.gpu.pool.held_bytes()
    }

    /// The largest array, in bytes, one buffer can hold on this adapter
    /// (its per-binding storage limit).
    pub fn max_array_bytes(&self) -> u64 {
        self.gpu
            .limits
            .max_storage_buffer_binding_size
            .min(self.gpu.limits.max_buffer_size)
    }

    /// Release the pool's free buffers to the driver (and the cached bind
    /// groups that name them).
    pub fn clear_cache(&self) {
        self.gpu.pool.clear();
        self.gpu.clear_bindings();
    }
}

impl Backend for GpuBackend {
    fn name(&self) -> &'static str {
        "wgpu"
    }

    fn device(&self) -> Device {
        self.gpu.mlx_device
    }

    fn upload(&self, data: HostData) -> Result<Storage> {
        crate::transfer::upload(&self.gpu, data)
    }

    fn download(&self, view: &View) -> Result<HostData> {
        crate::transfer::download(&self.gpu, view)
    }

    fn copy(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::copy::copy(&self.gpu, "copy", input, out)
    }

    fn as_type(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::copy::copy(&self.gpu, "astype", input, out)
    }

    fn bitcast(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::bitcast::bitcast(&self.gpu, input, out)
    }

    fn unary(&self, op: UnaryOp, input: &View, out: OutSpec) -> Result<Storage> {
        crate::unary::unary(&self.gpu, op, input, out)
    }

    fn binary(&self, op: BinaryOp, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
        crate::binary::binary(&self.gpu, op, a, b, out)
    }

    fn select(&self, cond: &View, x: &View, y: &View, out: OutSpec) -> Result<Storage> {
        crate::select::select(&self.gpu, cond, x, y, out)
    }

    fn reduce(&self, op: ReduceOp, input: &View, axes: &[usize], out: OutSpec) -> Result<Storage> {
        crate::reduce::reduce(&self.gpu, op, input, axes, out)
    }

    fn arg_reduce(
        &self,
        op: ArgReduceOp,
        input: &View,
        axis: usize,
        out: OutSpec,
    ) -> Result<Storage> {
        crate::reduce::arg_reduce(&self.gpu, op, input, axis, out)
    }

    fn softmax(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::softmax::softmax(&self.gpu, input, out)
    }

    fn scan(
        &self,
        op: ScanOp,
        input: &View,
        axis: usize,
        reverse: bool,
        inclusive: bool,
        out: OutSpec,
    ) -> Result<Storage> {
        crate::scan::scan(&self.gpu, op, input, axis, reverse, inclusive, out)
    }

    fn sort(&self, op: SortOp, input: &View, axis: usize, out: OutSpec) -> Result<Storage> {
        crate::sort::sort(&self.gpu, op, input, axis, out)
    }

    fn matmul(&self, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
        crate::matmul::matmul(&self.gpu, a, b, out)
    }

    fn gather(&self, input: &View, indices: &View, axis: usize, out: OutSpec) -> Result<Storage> {
        crate::indexing::gather(&self.gpu, input, indices, axis, out)
    }

    fn gather_axis(
        &self,
        input: &View,
        indices: &View,
        axis: usize,
        out: OutSpec,
    ) -> Result<Storage> {
        crate::indexing::gather_axis(&self.gpu, input, indices, axis, out)
    }

    fn scatter(
        &self,
        op: ScatterOp,
        input: &View,
        indices: &[View],
        updates: &View,
        axes: &[usize],
        out: OutSpec,
    ) -> Result<Storage> {
        crate::scatter::scatter(
            &self.gpu,
            op,
            Some(input),
            indices,
            updates,
            axes,
            out,
            None,
        )
    }

    /// A scatter into a donated destination writes only its windows (no
    /// copy of the destination). Elementwise kernels decline: their
    /// shaders bind inputs and output apart.
    fn in_place(
        &self,
        prim: &Primitive,
        donor: &mut Option<Donor>,
        inputs: &[View],
        out: OutSpec,
    ) -> Result<Option<Storage>> {
        let Primitive::Scatter { op, axes } = prim else {
            return Ok(None);
        };
        let owned = donor
            .as_ref()
            .and_then(|d| d.storage.downcast_ref::<GpuBuffer>())
            .is_some_and(GpuBuffer::is_owned);
        if !owned {
            return Ok(None);
        }
        let Some(d) = donor.take() else {
            return Ok(None);
        };
        let buf = match d.storage.try_into_inner::<GpuBuffer>() {
            Ok(b) => b,
            Err(storage) => {
                *donor = Some(Donor { storage, ..d });
                return Ok(None);
            }
        };
        let n = inputs.len();
        let (indices, updates) = (&inputs[..n - 1], &inputs[n - 1]);
        crate::scatter::scatter(&self.gpu, *op, None, indices, updates, axes, out, Some(buf))
            .map(Some)
    }

    fn concatenate(&self, inputs: &[View], axis: usize, out: OutSpec) -> Result<Storage> {
        crate::copy::concatenate(&self.gpu, inputs, axis, out)
    }

    fn arange(&self, start: f64, step: f64, out: OutSpec) -> Result<Storage> {
        crate::transfer::arange(&self.gpu, start, step, out)
    }

    fn random_bits(&self, keys: &View, width: usize, out: OutSpec) -> Result<Storage> {
        crate::random::random_bits(&self.gpu, keys, width, out)
    }

    fn fast(&self, op: &FastOp, inputs: &[View], out: OutSpec) -> Result<Option<Storage>> {
        crate::fast::fast(&self.gpu, op, inputs, out)
    }

    fn multi(
        &self,
        op: &MultiOp,
        inputs: &[View],
        outs: &[OutSpec],
    ) -> Result<Option<Vec<Storage>>> {
        match op {
            MultiOp::Adam { betas, eps } => {
                crate::optimizer::adam(&self.gpu, inputs, outs, *betas, *eps)
            }
            // The composite serves.
            _ => Ok(None),
        }
    }

    fn flush(&self) -> Result<()> {
        self.gpu.submit();
        self.gpu.check_errors("eval")?;
        self.gpu.check_oob()
    }
}
