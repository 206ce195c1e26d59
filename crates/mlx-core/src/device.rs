//! Devices and the default device (streams are in `stream.rs`).

use std::fmt;
use std::sync::RwLock;

/// The kind of a [`Device`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceType {
    /// The host CPU.
    Cpu,
    /// A GPU reached through a GPU backend.
    Gpu,
}

impl fmt::Display for DeviceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeviceType::Cpu => "cpu",
            DeviceType::Gpu => "gpu",
        })
    }
}

/// Where an array's data lives and its ops run (MLX's `mx.cpu`, `mx.gpu`).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Device;
/// assert_eq!(Device::cpu().to_string(), "Device(cpu, 0)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Device {
    /// CPU or GPU.
    pub kind: DeviceType,
    /// Index among devices of the same kind.
    pub index: usize,
}

impl Device {
    /// A device of `kind` with `index` among the devices of that kind
    /// (MLX's `mx.Device(mx.gpu, 1)`). Nothing is checked here: using a
    /// device that no backend serves is an error at the first op on it.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{Device, DeviceType};
    /// assert_eq!(Device::new(DeviceType::Gpu, 1), Device::gpu(1));
    /// ```
    pub const fn new(kind: DeviceType, index: usize) -> Device {
        Device { kind, index }
    }

    /// The CPU (MLX's `mx.cpu`). The CPU backend serves index 0 only.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// assert_eq!(mlx_core::Device::cpu().index, 0);
    /// ```
    pub const fn cpu() -> Device {
        Device::new(DeviceType::Cpu, 0)
    }

    /// The GPU with `index` (MLX's `mx.Device(mx.gpu, index)`; `mx.gpu`
    /// is `Device::gpu(0)`). The GPU backend numbers its adapters from 0
    /// in its order of preference (see [`device_count`](crate::device_count)).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{Array, Device, HostData};
    /// assert_eq!(Device::gpu(1).to_string(), "Device(gpu, 1)");
    /// // A GPU index past the adapters found is an error at first use.
    /// let e = Array::from_host_data_on(HostData::Float32(vec![1.0]), &[1], Device::gpu(99));
    /// assert!(e.unwrap_err().to_string().contains("gpu"));
    /// ```
    pub const fn gpu(index: usize) -> Device {
        Device::new(DeviceType::Gpu, index)
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Device({}, {})", self.kind, self.index)
    }
}

static DEFAULT: RwLock<Option<Device>> = RwLock::new(None);

/// The device new arrays and ops use: the device of the innermost
/// [`with_default_device`] or [`with_stream`](crate::with_stream) scope on
/// this thread, else the one set by [`set_default_device`], else
/// `Device::gpu(0)` when a GPU backend is registered and finds an adapter,
/// else the CPU. (With two GPU backends linked and `MLX_GPU_BACKEND`
/// unset, no GPU is chosen: see [`BackendRegistration`](crate::BackendRegistration).)
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let d = mlx_core::default_device();
/// assert!(matches!(d.kind, mlx_core::DeviceType::Cpu | mlx_core::DeviceType::Gpu));
/// ```
pub fn default_device() -> Device {
    if let Some(s) = crate::stream::scoped() {
        return s.device;
    }
    if let Some(d) = *DEFAULT.read().unwrap_or_else(|e| e.into_inner()) {
        return d;
    }
    let d = if crate::backend::backend_for(Device::gpu(0)).is_ok() {
        Device::gpu(0)
    } else {
        Device::cpu()
    };
    *DEFAULT.write().unwrap_or_else(|e| e.into_inner()) = Some(d);
    d
}

/// Set the default device for the whole process (MLX's
/// `mx.set_default_device`).
///
/// # Errors
/// `[set_default_device] no backend is registered for device ...` when no
/// backend serves `device`, or `[set_default_device] no gpu device 3: ...`
/// when its backend has fewer devices.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// mlx_core::set_default_device(mlx_core::Device::cpu()).ok();
/// ```
pub fn set_default_device(device: Device) -> crate::Result<()> {
    crate::backend::backend_for_op("set_default_device", device)?;
    *DEFAULT.write().unwrap_or_else(|e| e.into_inner()) = Some(device);
    Ok(())
}

/// Run `f` with `device` as this thread's default device (MLX's
/// `with mx.stream(device)`): creation ops (`arange`, `zeros`, random
/// samplers, ...) and scalar operands inside `f` use `device`, and its
/// [`default_stream`](crate::default_stream). The same as
/// [`with_stream`](crate::with_stream)`(default_stream(device), f)`.
/// Scopes nest; the previous default comes back when `f` returns or
/// panics. Other threads and the process-wide [`set_default_device`] are
/// not affected. The device is not checked here: an op on a device
/// without a backend fails as usual.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{default_device, ops, with_default_device, Device};
/// let before = default_device();
/// let a = with_default_device(Device::cpu(), || ops::arange(0, 3, 1, None))?;
/// assert_eq!(a.device(), Device::cpu());
/// assert_eq!(default_device(), before);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn with_default_device<R>(device: Device, f: impl FnOnce() -> R) -> R {
    crate::stream::with_stream(crate::stream::default_stream(device), f)
}
