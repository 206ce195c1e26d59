//! [`CpuBackend`]: the `Backend` impl, routing each family to its module.

use mlx_core::primitive::{
    ArgReduceOp, BinaryOp, FastOp, MultiOp, OutSpec, Primitive, ReduceOp, ScanOp, ScatterOp,
    SortOp, UnaryOp,
};
use mlx_core::shape::row_major_strides;
use mlx_core::{
    Backend, Device, Donor, Dtype, Element, HostData, Result, SharedBytes, Storage, View,
};

/// The CPU backend. Buffers are [`HostData`]; kernels run on the rayon pool.
///
/// # Examples
/// ```
/// use mlx_core::Backend;
/// assert_eq!(mlx_cpu::CpuBackend::new().name(), "cpu");
/// ```
#[derive(Debug, Default)]
pub struct CpuBackend;

impl CpuBackend {
    /// A CPU backend (stateless; the core keeps one).
    pub fn new() -> CpuBackend {
        CpuBackend
    }
}

/// Wrap host data as CPU storage.
pub(crate) fn store(data: HostData) -> Storage {
    let nbytes = data.len() * data.dtype().size();
    Storage::new(data, Device::cpu(), nbytes)
}

/// The donated buffer as host data, taken out of `donor`; `None` (the
/// donor left in place) when it is not a host vector (e.g. bytes of a
/// memory-mapped file).
pub(crate) fn take_host(donor: &mut Option<Donor>) -> Option<HostData> {
    let d = donor.take()?;
    match d.storage.try_into_inner::<HostData>() {
        Ok(h) => Some(h),
        Err(storage) => {
            *donor = Some(Donor { storage, ..d });
            None
        }
    }
}

impl Backend for CpuBackend {
    fn name(&self) -> &'static str {
        "cpu"
    }
    fn device(&self) -> Device {
        Device::cpu()
    }
    fn upload(&self, data: HostData) -> Result<Storage> {
        Ok(store(data))
    }
    /// Keeps the bytes (a memory-mapped file, say) as the buffer when they
    /// are aligned for `dtype`; kernels read them through
    /// `strided::buffer`. Otherwise copies.
    fn upload_bytes(&self, bytes: SharedBytes, dtype: Dtype) -> Result<Storage> {
        let in_place = mlx_core::with_dtype!(dtype, T => T::cast_bytes(bytes.as_bytes()).is_some());
        if in_place {
            let nbytes = bytes.len();
            return Ok(Storage::new(bytes, Device::cpu(), nbytes));
        }
        Ok(store(HostData::from_le_bytes(dtype, bytes.as_bytes())?))
    }
    fn download(&self, view: &View) -> Result<HostData> {
        crate::cast::to_host(view)
    }
    fn copy(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::cast::copy(input, out).map(store)
    }
    fn as_type(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::cast::as_type(input, out).map(store)
    }
    fn bitcast(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::cast::bitcast(input, out).map(store)
    }
    fn unary(&self, op: UnaryOp, input: &View, out: OutSpec) -> Result<Storage> {
        crate::unary::unary(op, input, out).map(store)
    }
    fn binary(&self, op: BinaryOp, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
        crate::binary::binary(op, a, b, out).map(store)
    }
    fn select(&self, cond: &View, x: &View, y: &View, out: OutSpec) -> Result<Storage> {
        crate::binary::select(cond, x, y, out).map(store)
    }
    fn reduce(&self, op: ReduceOp, input: &View, axes: &[usize], out: OutSpec) -> Result<Storage> {
        crate::reduce::reduce(op, input, axes, out).map(store)
    }
    fn arg_reduce(
        &self,
        op: ArgReduceOp,
        input: &View,
        axis: usize,
        out: OutSpec,
    ) -> Result<Storage> {
        crate::reduce::arg_reduce(op, input, axis, out).map(store)
    }
    fn fast(&self, op: &FastOp, inputs: &[View], out: OutSpec) -> Result<Option<Storage>> {
        Ok(crate::fast::fast(op, inputs, out)?.map(store))
    }
    fn multi(
        &self,
        op: &MultiOp,
        inputs: &[View],
        outs: &[OutSpec],
    ) -> Result<Option<Vec<Storage>>> {
        let _ = outs;
        match op {
            MultiOp::DivMod => {
                let (q, r) = crate::binary::divmod(&inputs[0], &inputs[1])?;
                Ok(Some(vec![store(q), store(r)]))
            }
            // The composite (a few bandwidth-bound passes) serves.
            MultiOp::Quantize { .. } => Ok(None),
            MultiOp::Adam { betas, eps } => Ok(crate::optimizer::adam(inputs, *betas, *eps)?
                .map(|outs| outs.into_iter().map(store).collect())),
        }
    }
    /// Adam updates its donated parameter and moments in place.
    fn multi_in_place(
        &self,
        op: &MultiOp,
        donors: &mut Vec<Donor>,
        inputs: &[View],
        outs: &[OutSpec],
    ) -> Result<Option<Vec<Storage>>> {
        let _ = outs;
        match op {
            MultiOp::Adam { betas, eps } => Ok(crate::optimizer::adam_in_place(
                donors, inputs, *betas, *eps,
            )?
            .map(|outs| outs.into_iter().map(store).collect())),
            MultiOp::DivMod | MultiOp::Quantize { .. } => Ok(None),
        }
    }
    /// Elementwise kernels (`unary`, `binary`, `where`) read the donated
    /// input from the buffer they write; a scatter writes only its windows
    /// into the donated destination. Casts to another dtype decline.
    fn in_place(
        &self,
        prim: &Primitive,
        donor: &mut Option<Donor>,
        inputs: &[View],
        out: OutSpec,
    ) -> Result<Option<Storage>> {
        let Some(d) = donor.as_ref() else {
            return Ok(None);
        };
        let (index, dtype) = (d.index, d.dtype);
        if dtype != out.dtype {
            return Ok(None);
        }
        if let Primitive::Scatter { op, axes } = prim {
            let n = inputs.len();
            let r = crate::scatter::scatter_into(
                *op,
                donor,
                &inputs[..n - 1],
                &inputs[n - 1],
                axes,
                out,
            )?;
            return Ok(r.map(store));
        }
        if !matches!(
            prim,
            Primitive::Unary(_) | Primitive::Binary(_) | Primitive::Select
        ) {
            return Ok(None);
        }
        let Some(host) = take_host(donor) else {
            return Ok(None);
        };
        // The donated input's view: the kernel reads it from the buffer it
        // writes, never from this empty placeholder.
        let empty = store(HostData::zeros(dtype, 0));
        let strides = row_major_strides(out.shape);
        let ph = View {
            storage: &empty,
            shape: out.shape,
            strides: &strides,
            offset: 0,
            dtype,
        };
        // `inputs` lacks the donated input: later ones shift down by one.
        let pick = |i: usize| match i.cmp(&index) {
            std::cmp::Ordering::Equal => &ph,
            std::cmp::Ordering::Less => &inputs[i],
            std::cmp::Ordering::Greater => &inputs[i - 1],
        };
        let data = crate::elementwise_walk::with_donor(index, host, || match prim {
            Primitive::Unary(op) => crate::unary::unary(*op, &ph, out),
            Primitive::Binary(op) => crate::binary::binary(*op, pick(0), pick(1), out),
            _ => crate::binary::select(pick(0), pick(1), pick(2), out),
        })?;
        Ok(Some(store(data)))
    }
    fn softmax(&self, input: &View, out: OutSpec) -> Result<Storage> {
        crate::softmax::softmax(input, out).map(store)
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
        crate::scan::scan(op, input, axis, reverse, inclusive, out).map(store)
    }
    fn sort(&self, op: SortOp, input: &View, axis: usize, out: OutSpec) -> Result<Storage> {
        crate::sort::sort(op, input, axis, out).map(store)
    }
    fn matmul(&self, a: &View, b: &View, out: OutSpec) -> Result<Storage> {
        crate::matmul::matmul(a, b, out).map(store)
    }
    fn gather(&self, input: &View, indices: &View, axis: usize, out: OutSpec) -> Result<Storage> {
        crate::indexing::gather(input, indices, axis, out).map(store)
    }
    fn gather_axis(
        &self,
        input: &View,
        indices: &View,
        axis: usize,
        out: OutSpec,
    ) -> Result<Storage> {
        crate::indexing::gather_axis(input, indices, axis, out).map(store)
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
        crate::scatter::scatter(op, input, indices, updates, axes, out).map(store)
    }
    fn concatenate(&self, inputs: &[View], axis: usize, out: OutSpec) -> Result<Storage> {
        crate::indexing::concatenate(inputs, axis, out).map(store)
    }
    fn arange(&self, start: f64, step: f64, out: OutSpec) -> Result<Storage> {
        crate::creation::arange(start, step, out).map(store)
    }

    fn random_bits(&self, keys: &View, width: usize, out: OutSpec) -> Result<Storage> {
        crate::random::random_bits(keys, width, out).map(store)
    }
}
