//! The [`Backend`] trait that device crates implement, device buffers
//! ([`Storage`]), strided views of them ([`View`]), and registration.

use crate::primitive::{
    ArgReduceOp, BinaryOp, FastOp, MultiOp, OutSpec, Primitive, ReduceOp, ScanOp, ScatterOp,
    SortOp, UnaryOp,
};
use crate::{Device, DeviceType, Dtype, Error, HostData, Result, SharedBytes};
use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

/// A buffer owned by a backend. The core never looks inside; backends
/// downcast with [`Storage::downcast_ref`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{Device, Storage};
/// let s = Storage::new(vec![1u8, 2, 3], Device::cpu(), 3);
/// assert_eq!(s.downcast_ref::<Vec<u8>>().map(|v| v.len()), Some(3));
/// ```
#[derive(Clone)]
pub struct Storage {
    inner: Arc<dyn Any + Send + Sync>,
    device: Device,
    nbytes: usize,
}

impl Storage {
    /// Wrap a backend buffer living on `device`, `nbytes` large.
    pub fn new<T: Any + Send + Sync>(buffer: T, device: Device, nbytes: usize) -> Storage {
        Storage {
            inner: Arc::new(buffer),
            device,
            nbytes,
        }
    }

    /// The device the buffer lives on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// Size in bytes.
    pub fn nbytes(&self) -> usize {
        self.nbytes
    }

    /// The backend's buffer, if it has type `T`.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.inner.downcast_ref::<T>()
    }

    /// True when both handles share one buffer.
    pub fn ptr_eq(&self, other: &Storage) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// True when this is the only handle on the buffer (no view or other
    /// array shares it), so a kernel may write into it.
    pub fn is_unique(&self) -> bool {
        Arc::strong_count(&self.inner) == 1 && Arc::weak_count(&self.inner) == 0
    }

    /// The backend's buffer by value when it has type `T` and this is its
    /// only handle (a donated buffer a kernel writes into); else `self`.
    ///
    /// # Errors
    /// Gives the storage back when it is shared or of another type.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{Device, Storage};
    /// let s = Storage::new(vec![1u8, 2], Device::cpu(), 2);
    /// let t = s.clone();
    /// let s = s.try_into_inner::<Vec<u8>>().unwrap_err(); // shared with t
    /// drop(t);
    /// assert_eq!(s.try_into_inner::<Vec<u8>>().unwrap(), vec![1, 2]);
    /// ```
    pub fn try_into_inner<T: Any + Send + Sync>(self) -> std::result::Result<T, Storage> {
        let Storage {
            inner,
            device,
            nbytes,
        } = self;
        let typed = match inner.downcast::<T>() {
            Ok(t) => t,
            Err(inner) => {
                return Err(Storage {
                    inner,
                    device,
                    nbytes,
                })
            }
        };
        Arc::try_unwrap(typed).map_err(|t| Storage {
            inner: t,
            device,
            nbytes,
        })
    }
}

/// An input buffer given to a kernel to write its output into (MLX's
/// buffer donation): its array is gone (no other handle on the node or
/// the buffer), it is row-major from offset 0, has the output's shape and
/// exactly the output's byte size.
#[derive(Debug)]
pub struct Donor {
    /// The buffer, holding the input's values.
    pub storage: Storage,
    /// Which input of the primitive it was.
    pub index: usize,
    /// The input's dtype (same size as the output's).
    pub dtype: Dtype,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Storage({} bytes on {})", self.nbytes, self.device)
    }
}

/// A strided view of a [`Storage`]: element `(i0, i1, ..)` lives at
/// `offset + sum(ik * strides[k])`, in elements of `dtype`.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    /// The buffer.
    pub storage: &'a Storage,
    /// Logical shape.
    pub shape: &'a [usize],
    /// Strides in elements (0 for broadcast dimensions, may be negative).
    pub strides: &'a [isize],
    /// Offset of element `(0, .., 0)` in elements.
    pub offset: usize,
    /// Element type.
    pub dtype: Dtype,
}

impl View<'_> {
    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// True when the view is dense and row-major (offset may be nonzero).
    pub fn is_row_major(&self) -> bool {
        crate::shape::is_row_major(self.shape, self.strides)
    }
}

/// A device backend: allocation, host transfers, and one kernel entry per
/// primitive family. Inputs arrive as strided [`View`]s; every kernel
/// returns a new row-major buffer described by its [`OutSpec`].
///
/// Kernels may assume the core validated shapes and dtypes as documented
/// on each [`Primitive`](crate::primitive::Primitive) variant. A backend
/// without a kernel for some case returns [`Error::Unsupported`].
pub trait Backend: Send + Sync + fmt::Debug {
    /// Short name (`"cpu"`, `"wgpu"`), used in errors.
    fn name(&self) -> &'static str;
    /// The device this backend serves.
    fn device(&self) -> Device;
    /// Copy host data to the device.
    fn upload(&self, data: HostData) -> Result<Storage>;
    /// Wrap little-endian `bytes` of `dtype` (e.g. part of a memory-mapped
    /// file) as device storage. The default copies them through
    /// [`Backend::upload`]; the CPU backend keeps them without a copy.
    fn upload_bytes(&self, bytes: SharedBytes, dtype: Dtype) -> Result<Storage> {
        self.upload(HostData::from_le_bytes(dtype, bytes.as_bytes())?)
    }
    /// Read a view back as row-major host data (waits for pending work).
    fn download(&self, view: &View) -> Result<HostData>;
    /// Row-major copy of a view.
    fn copy(&self, input: &View, out: OutSpec) -> Result<Storage>;
    /// Cast a view to `out.dtype`.
    fn as_type(&self, input: &View, out: OutSpec) -> Result<Storage>;
    /// The view's row-major bytes read as `out.dtype` (`out.shape` has the
    /// same number of bytes); nonzero bytes read as `bool` become 1.
    fn bitcast(&self, input: &View, out: OutSpec) -> Result<Storage>;
    /// Elementwise unary op.
    fn unary(&self, op: UnaryOp, input: &View, out: OutSpec) -> Result<Storage>;
    /// Elementwise binary op; `a` and `b` have `out.shape`.
    fn binary(&self, op: BinaryOp, a: &View, b: &View, out: OutSpec) -> Result<Storage>;
    /// `where(cond, x, y)`; all three have `out.shape`.
    fn select(&self, cond: &View, x: &View, y: &View, out: OutSpec) -> Result<Storage>;
    /// Reduce over sorted `axes`; `out.shape` is the input shape without them.
    fn reduce(&self, op: ReduceOp, input: &View, axes: &[usize], out: OutSpec) -> Result<Storage>;
    /// Arg-reduce along `axis`; `out.shape` drops it, `out.dtype` is uint32.
    fn arg_reduce(
        &self,
        op: ArgReduceOp,
        input: &View,
        axis: usize,
        out: OutSpec,
    ) -> Result<Storage>;
    /// Softmax over the last axis.
    fn softmax(&self, input: &View, out: OutSpec) -> Result<Storage>;
    /// Cumulative op along `axis`.
    fn scan(
        &self,
        op: ScanOp,
        input: &View,
        axis: usize,
        reverse: bool,
        inclusive: bool,
        out: OutSpec,
    ) -> Result<Storage>;
    /// Sort or argsort along `axis` (see
    /// [`Primitive::Sort`](crate::primitive::Primitive::Sort)); `out.dtype`
    /// is the input's for values, `uint32` for indices.
    fn sort(&self, op: SortOp, input: &View, axis: usize, out: OutSpec) -> Result<Storage>;
    /// Batched matrix product (see [`Primitive::Matmul`](crate::primitive::Primitive::Matmul)).
    fn matmul(&self, a: &View, b: &View, out: OutSpec) -> Result<Storage>;
    /// `take` along `axis` (see [`Primitive::Gather`](crate::primitive::Primitive::Gather)).
    /// Negative indices count from the end; out-of-range ones are an error.
    fn gather(&self, input: &View, indices: &View, axis: usize, out: OutSpec) -> Result<Storage>;
    /// `take_along_axis` (see [`Primitive::GatherAxis`](crate::primitive::Primitive::GatherAxis)).
    fn gather_axis(
        &self,
        input: &View,
        indices: &View,
        axis: usize,
        out: OutSpec,
    ) -> Result<Storage>;
    /// Scatter `updates` into a copy of `input` (see
    /// [`Primitive::Scatter`](crate::primitive::Primitive::Scatter)); the
    /// index views share one shape and dtype. Out-of-bounds windows are an
    /// error.
    fn scatter(
        &self,
        op: ScatterOp,
        input: &View,
        indices: &[View],
        updates: &View,
        axes: &[usize],
        out: OutSpec,
    ) -> Result<Storage>;
    /// Join views along `axis`.
    fn concatenate(&self, inputs: &[View], axis: usize, out: OutSpec) -> Result<Storage>;
    /// Fill with `start + i * step`.
    fn arange(&self, start: f64, step: f64, out: OutSpec) -> Result<Storage>;
    /// Threefry random bits (see
    /// [`Primitive::RandomBits`](crate::primitive::Primitive::RandomBits)):
    /// `keys` is `uint32` `[K.., 2]`, `out` is `[K.., M..]` of `uint8`,
    /// `uint16` or `uint32` for `width` 1, 2 or 4.
    fn random_bits(&self, keys: &View, width: usize, out: OutSpec) -> Result<Storage>;
    /// A fused kernel for `op` (MLX's `fast` primitives), or `Ok(None)`
    /// when this backend has none for these inputs: evaluation then runs
    /// the op's composite ([`FastOp::fallback`]). One method serves every
    /// fused op.
    fn fast(&self, op: &FastOp, inputs: &[View], out: OutSpec) -> Result<Option<Storage>> {
        let _ = (op, inputs, out);
        Ok(None)
    }
    /// Every output of a multi-output primitive in one kernel (one method
    /// for every [`MultiOp`]), or `Ok(None)` when this backend has none:
    /// evaluation then runs the op's composite ([`MultiOp::fallback`]),
    /// still once for all outputs.
    fn multi(
        &self,
        op: &MultiOp,
        inputs: &[View],
        outs: &[OutSpec],
    ) -> Result<Option<Vec<Storage>>> {
        let _ = (op, inputs, outs);
        Ok(None)
    }
    /// [`Backend::multi`] writing into donated input buffers (MLX's
    /// donation; see [`MultiOp::donor_outputs`]): `donors` holds the given
    /// up inputs (each with its input index) and `inputs` the views of the
    /// other inputs, in order. A backend that can, takes every donor out of
    /// `donors` and returns all outputs; `Ok(None)` (or an error) must leave
    /// `donors` as it was, and evaluation then restores them and calls
    /// [`Backend::multi`].
    fn multi_in_place(
        &self,
        op: &MultiOp,
        donors: &mut Vec<Donor>,
        inputs: &[View],
        outs: &[OutSpec],
    ) -> Result<Option<Vec<Storage>>> {
        let _ = (op, donors, inputs, outs);
        Ok(None)
    }
    /// Run `prim` writing into a donated input buffer (MLX's donation):
    /// `inputs` are the views of the other inputs in order (broadcast to
    /// `out.shape` for elementwise primitives), the donor holds input
    /// `donor.index`. A backend that can, takes the donor out of `donor`
    /// and returns the output (usually that buffer); `Ok(None)` with the
    /// donor left in place declines, and evaluation runs the ordinary
    /// kernel. Offered for `Unary`, `Binary`, `Select`, `AsType` and
    /// `Scatter` (the destination, input 0). The default declines.
    fn in_place(
        &self,
        prim: &Primitive,
        donor: &mut Option<Donor>,
        inputs: &[View],
        out: OutSpec,
    ) -> Result<Option<Storage>> {
        let _ = (prim, donor, inputs, out);
        Ok(None)
    }
    /// Called once at the end of every `eval`: submit queued work.
    fn flush(&self) -> Result<()> {
        Ok(())
    }
}

/// How a backend crate makes itself known: `inventory::submit!` one of
/// these, and the core finds it without naming the crate.
///
/// The core keeps one backend per device: `create(i)` makes the backend
/// of `Device { kind, index: i }` on the first use of that device, for
/// `i` below `count()`; a larger index is [`Error::NoDevice`].
///
/// One registration serves each kind. When two are linked for one kind
/// (say two GPU backend crates), the core picks neither silently: the
/// environment variable `MLX_GPU_BACKEND` (`MLX_CPU_BACKEND` for the CPU)
/// names the one to use, and while it is unset or names neither, using a
/// device of that kind is [`Error::BackendChoice`], naming both. The
/// variable is read at the first use of each device.
///
/// # Examples
/// ```ignore
/// inventory::submit! {
///     mlx_core::BackendRegistration {
///         kind: mlx_core::DeviceType::Gpu,
///         name: "mygpu",
///         count: || Ok(my_adapters().len()),
///         create: |index| Ok(std::sync::Arc::new(MyBackend::open(index)?)),
///     }
/// }
/// ```
#[derive(Debug)]
pub struct BackendRegistration {
    /// The device kind served.
    pub kind: DeviceType,
    /// The backend's name (what `MLX_GPU_BACKEND` / `MLX_CPU_BACKEND` match).
    pub name: &'static str,
    /// How many devices of `kind` the backend can serve, or why it can
    /// serve none (e.g. no GPU adapter: the error says how to get one).
    pub count: fn() -> Result<usize>,
    /// Create the backend of device `index` (below `count()`); its
    /// [`Backend::device`] and storages are `Device { kind, index }`.
    pub create: fn(index: usize) -> Result<Arc<dyn Backend>>,
}

inventory::collect!(BackendRegistration);

/// The environment variable choosing among backends of `kind`.
fn choice_var(kind: DeviceType) -> &'static str {
    match kind {
        DeviceType::Cpu => "MLX_CPU_BACKEND",
        DeviceType::Gpu => "MLX_GPU_BACKEND",
    }
}

/// The one registration serving `kind` (see [`BackendRegistration`]).
fn registration(op: &'static str, kind: DeviceType) -> Result<&'static BackendRegistration> {
    let regs: Vec<&'static BackendRegistration> = inventory::iter::<BackendRegistration>
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect();
    let names = || {
        let n: Vec<&str> = regs.iter().map(|r| r.name).collect();
        n.join(", ")
    };
    let var = choice_var(kind);
    match (regs.as_slice(), std::env::var(var).ok()) {
        ([], _) => Err(Error::NoBackend {
            op,
            device: kind.to_string(),
            hint: match kind {
                DeviceType::Cpu => {
                    "depend on the `mlx` crate (feature `cpu`, on by default) or on `mlx-cpu`"
                }
                DeviceType::Gpu => "enable the `metal` feature of the `mlx` crate",
            },
        }),
        ([one], _) => Ok(one),
        (_, Some(chosen)) => regs
            .iter()
            .find(|r| r.name == chosen)
            .copied()
            .ok_or_else(|| Error::BackendChoice {
                op,
                msg: format!(
                    "{var}={chosen} names none of the linked {kind} backends ({})",
                    names()
                ),
            }),
        (_, None) => Err(Error::BackendChoice {
            op,
            msg: format!(
                "{} {kind} backends are linked ({}): set {var} to the name of the one to use",
                regs.len(),
                names()
            ),
        }),
    }
}

type Slot = std::result::Result<Arc<dyn Backend>, Error>;

/// The backend of each device used so far (or why it could not start).
static BACKENDS: RwLock<Option<HashMap<Device, Arc<OnceLock<Slot>>>>> = RwLock::new(None);

/// Create the backend of `device`.
fn create(device: Device) -> Slot {
    let reg = registration("backend", device.kind)?;
    let count = (reg.count)()?;
    if device.index >= count {
        return Err(Error::NoDevice {
            op: "backend",
            device,
            count,
            backend: reg.name,
        });
    }
    let backend = (reg.create)(device.index)?;
    if backend.device() != device {
        return Err(Error::Internal {
            op: "backend",
            msg: format!(
                "the {} backend created for {device} serves {}",
                reg.name,
                backend.device()
            ),
        });
    }
    Ok(backend)
}

/// The backend serving `device`, created on first use and shared after.
///
/// # Errors
/// [`Error::NoBackend`] when no registered backend serves the device's
/// kind, [`Error::BackendChoice`] when several do and none is chosen,
/// [`Error::NoDevice`] when the index is past the devices found, or the
/// backend's own error when it failed to start (e.g. no adapter).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{backend_for, Device};
/// assert_eq!(backend_for(Device::cpu())?.name(), "cpu");
/// let e = backend_for(Device::new(mlx_core::DeviceType::Cpu, 1)).unwrap_err();
/// assert_eq!(e.to_string(), "[backend] no cpu device 1: 1 cpu device found by the cpu backend");
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn backend_for(device: Device) -> Result<Arc<dyn Backend>> {
    let found = BACKENDS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|m| m.get(&device).cloned());
    let cell = match found {
        Some(cell) => cell,
        None => {
            // A failed choice of backend is not kept: setting the variable
            // later still works.
            registration("backend", device.kind)?;
            let mut map = BACKENDS.write().unwrap_or_else(|e| e.into_inner());
            map.get_or_insert_with(HashMap::new)
                .entry(device)
                .or_default()
                .clone()
        }
    };
    cell.get_or_init(|| create(device)).clone()
}

/// How many devices of `kind` the linked backend serves (MLX's
/// `mx.device_count`): 0 when none is linked, when several are and none
/// is chosen, or when it finds no device (e.g. no GPU adapter).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{device_count, DeviceType};
/// assert_eq!(device_count(DeviceType::Cpu), 1);
/// ```
pub fn device_count(kind: DeviceType) -> usize {
    registration("device_count", kind)
        .and_then(|r| (r.count)())
        .unwrap_or(0)
}

/// Whether `device` can run ops: its backend is linked, chosen, and
/// starts (MLX's `mx.is_available`). Starts the backend when it can.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{is_available, Device};
/// assert!(is_available(Device::cpu()));
/// assert!(!is_available(Device::gpu(1000)));
/// ```
pub fn is_available(device: Device) -> bool {
    backend_for(device).is_ok()
}

/// [`backend_for`], with `op` named in the error.
pub(crate) fn backend_for_op(op: &'static str, device: Device) -> Result<Arc<dyn Backend>> {
    backend_for(device).map_err(|e| match e {
        Error::NoBackend { device, hint, .. } => Error::NoBackend { op, device, hint },
        Error::NoDevice {
            device,
            count,
            backend,
            ..
        } => Error::NoDevice {
            op,
            device,
            count,
            backend,
        },
        Error::BackendChoice { msg, .. } => Error::BackendChoice { op, msg },
        other => other,
    })
}
