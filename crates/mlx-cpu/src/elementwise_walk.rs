//! Walking one to three strided inputs in row-major output order.
//!
//! Elementwise kernels (unary, binary, `where`, casts) share this driver:
//! dimensions that are contiguous for every input are merged first, then
//! the output is split into chunks of [`CHUNK`] elements (in parallel when
//! large), and each chunk is handed to the kernel as runs along the last
//! axis: an output slice, the start offset of each input and its stride.

use bytemuck::Zeroable;
use mlx_core::{Element, Error, HostData, Result, View};
use rayon::prelude::*;
use std::any::Any;
use std::cell::RefCell;

thread_local! {
    /// A donated buffer for the elementwise kernel running on this thread
    /// (see [`with_donor`]): which input it was, and its data.
    static DONOR: RefCell<Option<(usize, HostData)>> = const { RefCell::new(None) };
}

/// Run the elementwise kernel `f` writing into `donor`, the data of input
/// `index`, which the kernel reads from that buffer instead of its view
/// (the view of that input is a placeholder). Fails if the kernel did not
/// take the buffer (it would have read the placeholder).
pub(crate) fn with_donor<R>(
    index: usize,
    donor: HostData,
    f: impl FnOnce() -> Result<R>,
) -> Result<R> {
    DONOR.with(|c| *c.borrow_mut() = Some((index, donor)));
    let r = f();
    let left = DONOR.with(|c| c.borrow_mut().take());
    match (r, left) {
        (Err(e), _) => Err(e),
        (Ok(_), Some(_)) => Err(Error::internal(
            "cpu",
            "an elementwise kernel did not take its donated buffer",
        )),
        (Ok(r), None) => Ok(r),
    }
}

/// The donated buffer, if one is set, as `n` elements of `U` (the kernel
/// writes the donated input's own type), with the input it holds.
pub(crate) fn take_donor<T: Element, U: Element>(n: usize) -> Option<(usize, Vec<U>)> {
    if T::DTYPE != U::DTYPE {
        return None;
    }
    DONOR.with(|c| {
        let mut c = c.borrow_mut();
        match c.take() {
            Some((k, h)) if h.dtype() == U::DTYPE && h.len() == n => {
                U::from_host(h).ok().map(|v| (k, v))
            }
            other => {
                *c = other;
                None
            }
        }
    })
}

/// `x` as `B` where `A` and `B` are one type (checked by the caller
/// through their dtypes; folded away after monomorphisation).
#[inline(always)]
pub(crate) fn same<A: Any + Copy, B: Any + Copy>(x: A) -> B {
    *(&x as &dyn Any)
        .downcast_ref::<B>()
        .expect("donated element types match")
}

/// Elements per parallel task.
pub(crate) const CHUNK: usize = 1 << 16;

/// An element type kernels can write (every dtype's element is one).
pub(crate) trait OutElem: Element + Default + Zeroable {}
impl<T: Element + Default + Zeroable> OutElem for T {}

/// The op named by allocation failures in elementwise kernels, which do
/// not know their primitive; `eval` names the primitive instead.
pub(crate) const ELEMENTWISE: &str = "elementwise";

/// A zeroed output vector of `n` elements, or [`mlx_core::Error::OutOfMemory`]
/// naming `op`. The zeroing is free (the allocator hands out fresh pages),
/// and on Linux large buffers are advised to use transparent huge pages,
/// as NumPy does: first-touch page faults otherwise cost more than the
/// arithmetic of a bandwidth-bound op.
pub(crate) fn alloc_out<U: OutElem>(op: &'static str, n: usize) -> Result<Vec<U>> {
    let mut v = mlx_core::memory::try_zeroed::<U>(op, n)?;
    advise_huge(&mut v);
    Ok(v)
}

/// A zeroed vector of `n` elements whose pages are advised to be huge
/// *before* the zeros are written, for scratch and output buffers that
/// are allocated again on every call: [`alloc_out`]'s zeroing is free only
/// for fresh pages, and a buffer that the allocator hands back from memory
/// it returned to the kernel (glibc trims a worker thread's arena on free)
/// is zeroed through 4 KiB page faults, thousands per call (W5's backward:
/// 3000 faults and about a quarter of its time). The zeros cost one
/// `memset`, which huge pages make cheaper than those faults.
pub(crate) fn alloc_zeroed_huge<U: bytemuck::Zeroable + Copy>(
    op: &'static str,
    n: usize,
) -> Result<Vec<U>> {
    let mut v = mlx_core::memory::try_with_capacity::<U>(op, n)?;
    advise_huge_raw(v.as_mut_ptr() as usize, n * std::mem::size_of::<U>());
    v.resize(n, U::zeroed());
    Ok(v)
}

/// Ask the kernel to back `v` with huge pages (advisory; errors ignored).
fn advise_huge<U>(v: &mut [U]) {
    advise_huge_raw(v.as_mut_ptr() as usize, std::mem::size_of_val(v));
}

/// Ask the kernel to back the `bytes` bytes at `p`, inside one live
/// allocation, with huge pages (advisory; errors ignored).
#[cfg(target_os = "linux")]
fn advise_huge_raw(p: usize, bytes: usize) {
    const PAGE: usize = 4096;
    if bytes < 4 << 20 {
        return;
    }
    let start = p.next_multiple_of(PAGE);
    let len = (p + bytes - start) / PAGE * PAGE;
    // SAFETY: `[start, start + len)` is page-aligned and inside the live
    // allocation at `p` (the caller's guarantee); MADV_HUGEPAGE only
    // changes how the kernel backs those pages, never their contents, so
    // no memory Rust can observe changes.
    unsafe {
        libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

/// Huge-page advice is Linux-only.
#[cfg(not(target_os = "linux"))]
fn advise_huge_raw(_p: usize, _bytes: usize) {}

/// Shape and per-input strides/offsets after merging contiguous dimensions.
#[derive(Debug)]
pub(crate) struct Layout<const K: usize> {
    /// Merged shape (at least one dimension).
    shape: Vec<usize>,
    /// Merged strides of each input.
    strides: [Vec<isize>; K],
    /// Element offset of each input's first element.
    offsets: [isize; K],
}

impl<const K: usize> Layout<K> {
    /// Merge the dimensions of `views` (all of the output's shape).
    pub(crate) fn new(views: [&View; K]) -> Self {
        let shape0 = views[0].shape;
        let all: [&[isize]; K] = std::array::from_fn(|k| views[k].strides);
        let (mut shape, merged) = mlx_core::shape::collapse_dims(shape0, &all);
        let mut merged = merged.into_iter();
        let mut strides: [Vec<isize>; K] =
            std::array::from_fn(|_| merged.next().expect("one stride list per view"));
        if shape0.contains(&0) {
            shape = vec![0];
            strides = std::array::from_fn(|_| vec![0]);
        } else if shape.is_empty() {
            shape.push(1);
            strides = std::array::from_fn(|_| vec![0]);
        }
        Layout {
            shape,
            strides,
            offsets: std::array::from_fn(|k| views[k].offset as isize),
        }
    }

    /// Total number of elements.
    fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// Offsets of row-major element `i` in each input.
    #[inline]
    fn offsets_of(&self, i: usize) -> [isize; K] {
        let mut offs = self.offsets;
        let mut rem = i;
        for d in (0..self.shape.len()).rev() {
            let n = self.shape[d];
            let idx = (rem % n) as isize;
            rem /= n;
            for (k, o) in offs.iter_mut().enumerate() {
                *o += idx * self.strides[k][d];
            }
        }
        offs
    }

    /// Call `seg(out_run, starts, inner_strides)` for every run of `out`
    /// (which begins at flat index `start`) along the last merged axis.
    fn walk_range<U, F>(&self, start: usize, out: &mut [U], seg: &F)
    where
        F: Fn(&mut [U], [isize; K], [isize; K]),
    {
        let inner = *self.shape.last().expect("nonempty");
        let inner_strides: [isize; K] =
            std::array::from_fn(|k| *self.strides[k].last().expect("nonempty"));
        let mut pos = 0;
        while pos < out.len() {
            let i = start + pos;
            let len = (inner - i % inner).min(out.len() - pos);
            seg(&mut out[pos..pos + len], self.offsets_of(i), inner_strides);
            pos += len;
        }
    }

    /// Fill a new output vector run by run, in parallel when large.
    ///
    /// # Errors
    /// [`mlx_core::Error::OutOfMemory`] naming `op` when the output cannot
    /// be allocated.
    pub(crate) fn fill<U, F>(&self, op: &'static str, seg: F) -> Result<Vec<U>>
    where
        U: OutElem,
        F: Fn(&mut [U], [isize; K], [isize; K]) + Sync,
    {
        let n = self.numel();
        let mut out = alloc_out::<U>(op, n)?;
        self.fill_into(&mut out, seg);
        Ok(out)
    }

    /// Write two outputs of the layout's size run by run (one kernel with
    /// two results, e.g. `divmod`), in parallel when large.
    pub(crate) fn fill_pair_into<U, F>(&self, out1: &mut [U], out2: &mut [U], seg: F)
    where
        U: Send,
        F: Fn(&mut [U], &mut [U], [isize; K], [isize; K]) + Sync,
    {
        let inner = *self.shape.last().expect("nonempty");
        let inner_strides: [isize; K] =
            std::array::from_fn(|k| *self.strides[k].last().expect("nonempty"));
        let run = |start: usize, o1: &mut [U], o2: &mut [U]| {
            let mut pos = 0;
            while pos < o1.len() {
                let i = start + pos;
                let len = (inner - i % inner).min(o1.len() - pos);
                let (r1, r2) = (&mut o1[pos..pos + len], &mut o2[pos..pos + len]);
                seg(r1, r2, self.offsets_of(i), inner_strides);
                pos += len;
            }
        };
        let n = out1.len();
        if n >= 2 * CHUNK {
            out1.par_chunks_mut(CHUNK)
                .zip(out2.par_chunks_mut(CHUNK))
                .enumerate()
                .for_each(|(c, (a, b))| run(c * CHUNK, a, b));
        } else if n > 0 {
            run(0, out1, out2);
        }
    }

    /// Write `out` (of the layout's size) run by run, in parallel when
    /// large; `seg` may read what `out` held (a donated input).
    pub(crate) fn fill_into<U, F>(&self, out: &mut [U], seg: F)
    where
        U: Send,
        F: Fn(&mut [U], [isize; K], [isize; K]) + Sync,
    {
        let n = out.len();
        if n >= 2 * CHUNK {
            out.par_chunks_mut(CHUNK)
                .enumerate()
                .for_each(|(c, chunk)| self.walk_range(c * CHUNK, chunk, &seg));
        } else if n > 0 {
            self.walk_range(0, out, &seg);
        }
    }
}

/// The run `[start, start + len*stride)` of `buf` with stride 1, if it is.
#[inline]
pub(crate) fn dense<T>(buf: &[T], start: isize, stride: isize, len: usize) -> Option<&[T]> {
    (stride == 1).then(|| &buf[start as usize..start as usize + len])
}

/// Apply `f` elementwise to one strided input.
#[inline]
pub(crate) fn map1<T, U, F>(v: &View, f: F) -> Result<Vec<U>>
where
    T: Element,
    U: OutElem,
    F: Fn(T) -> U + Sync,
{
    if let Some((_, mut dst)) = take_donor::<T, U>(v.numel()) {
        // In place: each element is read from the donated buffer.
        let body = |chunk: &mut [U]| {
            for o in chunk {
                *o = f(same::<U, T>(*o));
            }
        };
        in_chunks(&mut dst, body);
        return Ok(dst);
    }
    let buf = crate::strided::buffer::<T>(v)?;
    let layout = Layout::new([v]);
    layout.fill(
        ELEMENTWISE,
        |out: &mut [U], [s]: [isize; 1], [st]: [isize; 1]| {
            if let Some(x) = dense(buf, s, st, out.len()) {
                crate::simd::dispatch(
                    #[inline(always)]
                    || {
                        for (o, &x) in out.iter_mut().zip(x) {
                            *o = f(x);
                        }
                    },
                );
            } else {
                for (j, o) in out.iter_mut().enumerate() {
                    *o = f(buf[(s + j as isize * st) as usize]);
                }
            }
        },
    )
}

/// Run `body` over `dst` in [`CHUNK`]-sized pieces, in parallel when
/// there are at least two of them.
fn in_chunks<U: Send>(dst: &mut [U], body: impl Fn(&mut [U]) + Sync + Send) {
    if dst.len() >= 2 * CHUNK {
        dst.par_chunks_mut(CHUNK).for_each(body);
    } else {
        body(dst);
    }
}

/// Elements gathered at a time when [`map1_runs`] meets a strided run.
const GATHER: usize = 256;

/// Apply `f(input_run, output_run)` over one strided input: dense runs
/// are passed as they are, strided ones (and a donated buffer, read in
/// place) through a small stack buffer. For kernels that work on whole
/// slices (explicit SIMD, see `simd.rs`).
pub(crate) fn map1_runs<T, U, F>(v: &View, f: F) -> Result<Vec<U>>
where
    T: OutElem,
    U: OutElem,
    F: Fn(&[T], &mut [U]) + Sync,
{
    if let Some((_, mut dst)) = take_donor::<T, U>(v.numel()) {
        let body = |chunk: &mut [U]| {
            for c in chunk.chunks_mut(GATHER) {
                let mut tmp = [T::default(); GATHER];
                for (t, &o) in tmp.iter_mut().zip(c.iter()) {
                    *t = same::<U, T>(o);
                }
                f(&tmp[..c.len()], c);
            }
        };
        in_chunks(&mut dst, body);
        return Ok(dst);
    }
    let buf = crate::strided::buffer::<T>(v)?;
    let layout = Layout::new([v]);
    layout.fill(
        ELEMENTWISE,
        |out: &mut [U], [s]: [isize; 1], [st]: [isize; 1]| {
            if let Some(x) = dense(buf, s, st, out.len()) {
                f(x, out);
            } else {
                for (k, c) in out.chunks_mut(GATHER).enumerate() {
                    let mut tmp = [T::default(); GATHER];
                    let first = s + (k * GATHER) as isize * st;
                    for (j, t) in tmp.iter_mut().take(c.len()).enumerate() {
                        *t = buf[(first + j as isize * st) as usize];
                    }
                    f(&tmp[..c.len()], c);
                }
            }
        },
    )
}
