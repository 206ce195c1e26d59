//! Streams (MLX's `mx.Stream`): per-device scheduling labels, the default
//! stream of each device, and the scoped default stream of a thread.
//!
//! Our backends run each device's work in one queue, in graph order, so a
//! stream labels where ops are recorded without reordering them: ops
//! recorded under two streams of one device still run in graph order.

use crate::{Device, Result};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// A stream of a device (MLX's `mx.Stream`): `index` numbers the streams
/// of `device` from 0, its default stream until
/// [`set_default_stream`] picks another.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{default_stream, Device, Stream};
/// let s = default_stream(Device::cpu());
/// assert_eq!(s, Stream { device: Device::cpu(), index: 0 });
/// assert_eq!(s.to_string(), "Stream(Device(cpu, 0), 0)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stream {
    /// The device whose ops the stream carries.
    pub device: Device,
    /// Index among the streams of `device`.
    pub index: usize,
}

impl fmt::Display for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stream({}, {})", self.device, self.index)
    }
}

/// The streams created for one device and its process-wide default.
#[derive(Clone, Copy, Default)]
struct Streams {
    /// Streams created by [`new_stream`], besides stream 0.
    created: usize,
    /// Index of the process-wide default stream.
    default: usize,
}

static STREAMS: Mutex<Option<HashMap<Device, Streams>>> = Mutex::new(None);

fn with_streams<R>(f: impl FnOnce(&mut HashMap<Device, Streams>) -> R) -> R {
    let mut guard = STREAMS.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}

thread_local! {
    /// The [`with_stream`] (and `with_default_device`) scopes of this
    /// thread, innermost last.
    static SCOPES: RefCell<Vec<Stream>> = const { RefCell::new(Vec::new()) };
}

/// The stream of the innermost scope on this thread, if any.
pub(crate) fn scoped() -> Option<Stream> {
    SCOPES.with(|s| s.borrow().last().copied())
}

/// A new stream on `device` (MLX's `mx.new_stream`), with the next index
/// of that device's streams (the default stream is 0). The device is not
/// checked here: an op on a device without a backend fails as usual.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{default_stream, new_stream, Device};
/// let s = new_stream(Device::cpu());
/// let t = new_stream(Device::cpu());
/// assert_eq!(s.device, Device::cpu());
/// assert!(s.index > 0 && t.index > s.index);
/// assert_ne!(s, default_stream(Device::cpu()));
/// ```
pub fn new_stream(device: Device) -> Stream {
    let index = with_streams(|m| {
        let e = m.entry(device).or_default();
        e.created += 1;
        e.created
    });
    Stream { device, index }
}

/// The default stream of `device` (MLX's `mx.default_stream`): the stream
/// of the innermost [`with_stream`] scope on this thread that is on
/// `device`, else the one set by [`set_default_stream`], else stream 0.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{default_stream, new_stream, with_stream, Device};
/// let s = new_stream(Device::cpu());
/// with_stream(s, || assert_eq!(default_stream(Device::cpu()), s));
/// assert_eq!(default_stream(Device::gpu(1)).index, 0);
/// ```
pub fn default_stream(device: Device) -> Stream {
    let scoped = SCOPES.with(|s| {
        s.borrow()
            .iter()
            .rev()
            .find(|s| s.device == device)
            .copied()
    });
    if let Some(s) = scoped {
        return s;
    }
    let index = with_streams(|m| m.get(&device).map_or(0, |e| e.default));
    Stream { device, index }
}

/// Make `stream` the process-wide default stream of its device (MLX's
/// `mx.set_default_stream`). The default device does not change.
///
/// # Errors
/// `[set_default_stream] no backend is registered for device ...` when no
/// backend serves the stream's device, or
/// `[set_default_stream] Stream(Device(cpu, 0), 9) was not created by new_stream`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{default_stream, new_stream, set_default_stream, Device};
/// let before = default_stream(Device::cpu());
/// let s = new_stream(Device::cpu());
/// set_default_stream(s)?;
/// assert_eq!(default_stream(Device::cpu()), s);
/// set_default_stream(before)?;
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn set_default_stream(stream: Stream) -> Result<()> {
    let op = "set_default_stream";
    crate::backend::backend_for_op(op, stream.device)?;
    with_streams(|m| {
        let e = m.entry(stream.device).or_default();
        if stream.index > e.created {
            return Err(crate::Error::invalid(
                op,
                format!("{stream} was not created by new_stream"),
            ));
        }
        e.default = stream.index;
        Ok(())
    })
}

/// This thread's stream scopes, outermost first (to carry them onto the
/// thread that evaluates for this one).
pub(crate) fn scopes() -> Vec<Stream> {
    SCOPES.with(|s| s.borrow().clone())
}

/// Run `f` inside `scopes` (from [`scopes`]) on top of this thread's own.
pub(crate) fn with_scopes<R>(scopes: &[Stream], f: impl FnOnce() -> R) -> R {
    let depth = SCOPES.with(|s| {
        let mut s = s.borrow_mut();
        let depth = s.len();
        s.extend_from_slice(scopes);
        depth
    });
    let _guard = ScopeGuard { depth };
    f()
}

/// Leaves the scope when dropped (also when the scope unwinds from a
/// panic).
struct ScopeGuard {
    depth: usize,
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        SCOPES.with(|s| s.borrow_mut().truncate(self.depth));
    }
}

/// Run `f` with `stream` as this thread's default stream, and its device
/// as the default device (MLX's `with mx.stream(s)`): creation ops
/// (`zeros`, `arange`, random samplers, ...) inside `f` run on
/// `stream.device`, and [`default_stream`] of that device is `stream`
/// (also inside nested scopes on other devices). Scopes nest; the previous
/// ones come back when `f` returns or panics.
/// Other threads and the process-wide defaults are not affected. The
/// stream is not checked here: an op on a device without a backend fails
/// as usual.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{default_device, new_stream, ops, with_stream, Device};
/// let s = new_stream(Device::cpu());
/// let a = with_stream(s, || ops::arange(0, 3, 1, None))?;
/// assert_eq!(a.device(), Device::cpu());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn with_stream<R>(stream: Stream, f: impl FnOnce() -> R) -> R {
    let depth = SCOPES.with(|s| {
        let mut s = s.borrow_mut();
        s.push(stream);
        s.len() - 1
    });
    let _guard = ScopeGuard { depth };
    f()
}
