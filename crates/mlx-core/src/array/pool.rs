//! Where [`eval`](crate::eval) runs its nodes: on a worker of rayon's
//! global pool when the graph holds several large CPU kernels.
//!
//! A CPU kernel splits large work with rayon. Called from a thread outside
//! the pool, each such split hands its work to the pool's workers and puts
//! the calling thread to sleep until they finish: two thread switches per
//! kernel, tens of microseconds each on a small or virtual machine. From a
//! worker, a split pushes half of the work where an idle worker takes it
//! and goes on with the other half itself. So an eval with two or more
//! such kernels moves into the pool once and runs all of them there (the
//! W6 training step, about 60 kernels: 5.5-6.1 -> 4.7-5.3 ms on 2 cores).
//!
//! Only one eval at a time runs this way; others run on their own thread
//! as before. A node is locked while its kernel runs, and a worker that
//! waits for a node another thread holds runs pool jobs meanwhile (see
//! `Array::lock`), so an eval on a thread outside the pool whose kernel
//! waits for the pool cannot deadlock with the eval inside it. The
//! calling thread's stream scopes ([`with_stream`](crate::with_stream))
//! are carried onto the worker, so ops built during evaluation (composite
//! fallbacks) see the same defaults as on the calling thread.

use super::Array;
use crate::DeviceType;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether an eval is running on the pool now.
static IN_POOL: AtomicBool = AtomicBool::new(false);

/// Outputs of at least this many elements make a kernel that splits its
/// work over threads (the CPU backend's threshold is 2^15).
const LARGE: usize = 1 << 15;

/// Whether `order` holds two or more large CPU kernels: below that the
/// move into the pool costs as much as it saves.
pub(super) fn worth_it(order: &[Array]) -> bool {
    order
        .iter()
        .filter(|a| a.device().kind == DeviceType::Cpu && a.size() >= LARGE)
        .nth(1)
        .is_some()
}

/// Leaves the pool when dropped (also when `f` panics).
struct Leave;

impl Drop for Leave {
    fn drop(&mut self) {
        IN_POOL.store(false, Ordering::Release);
    }
}

/// Run `f` on a worker of rayon's global pool when `wanted`, this thread
/// is not a worker already and no other eval is in the pool; else here.
pub(super) fn run<R: Send>(wanted: bool, f: impl FnOnce() -> R + Send) -> R {
    if !wanted || rayon::current_thread_index().is_some() {
        return f();
    }
    if IN_POOL
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return f();
    }
    let _leave = Leave;
    let scopes = crate::stream::scopes();
    rayon::scope(|_| crate::stream::with_scopes(&scopes, f))
}
