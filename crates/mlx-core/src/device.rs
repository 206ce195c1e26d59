//! Devices and the default device.

use std::cell::Cell;
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
    /// The CPU.
    pub const fn cpu() -> Device {
        Device {
            kind: DeviceType::Cpu,
            index: 0,
        }
    }

    /// The first GPU.
    pub const fn gpu() -> Device {
        Device {
            kind: DeviceType::Gpu,
            index: 0,
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = match self.kind {
            DeviceType::Cpu => "cpu",
            DeviceType::Gpu => "gpu",
        };
        write!(f, "Device({k}, {})", self.index)
    }
}

static DEFAULT: RwLock<Option<Device>> = RwLock::new(None);

thread_local! {
    /// The innermost [`with_default_device`] scope of this thread.
    static SCOPED: Cell<Option<Device>> = const { Cell::new(None) };
}

/// The device new arrays and ops use: the one of the innermost
/// [`with_default_device`] scope on this thread, else the one set by
/// [`set_default_device`], else the GPU when a GPU backend is registered
/// and finds an adapter, else the CPU.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let d = mlx_core::default_device();
/// assert!(matches!(d.kind, mlx_core::DeviceType::Cpu | mlx_core::DeviceType::Gpu));
/// ```
pub fn default_device() -> Device {
    if let Some(d) = SCOPED.with(Cell::get) {
        return d;
    }
    if let Some(d) = *DEFAULT.read().unwrap_or_else(|e| e.into_inner()) {
        return d;
    }
    let d = if crate::backend::backend_for(Device::gpu()).is_ok() {
        Device::gpu()
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
/// backend serves `device`.
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

/// Restores the previous scoped default device when dropped (also when
/// the scope unwinds from a panic).
struct ScopeGuard {
    previous: Option<Device>,
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        SCOPED.with(|s| s.set(self.previous));
    }
}

/// Run `f` with `device` as this thread's default device (MLX's
/// `with mx.stream(...)`): creation ops (`arange`, `zeros`, ...) and
/// scalar operands inside `f` use `device`. Scopes nest; the previous
/// default comes back when `f` returns or panics. Other threads and the
/// process-wide [`set_default_device`] are not affected. The device is not
/// checked here: an op on a device without a backend fails as usual.
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
    let previous = SCOPED.with(|s| s.replace(Some(device)));
    let _guard = ScopeGuard { previous };
    f()
}
