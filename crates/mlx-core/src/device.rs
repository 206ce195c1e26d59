//! Devices and the default device.

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

/// The device new arrays and ops use: the one set by
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
