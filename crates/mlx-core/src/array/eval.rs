//! Evaluation: an iterative topological walk over pending nodes, then one
//! dispatch per node. Views are resolved here; kernels run on backends.

use super::node::{ArrayData, EvalOutcome, Siblings, State};
use super::Array;
use crate::backend::{backend_for_op, Backend, Donor};
use crate::primitive::{MultiOp, OutSpec, Primitive};
use crate::shape::{broadcast_strides, is_row_major, row_major_strides};
use crate::{Dtype, Error, Result, View};
use std::collections::HashSet;
use std::sync::Arc;

/// Evaluate arrays (MLX's `mx.eval`): compute every pending node they
/// depend on, once, and release the graph behind them.
///
/// # Evaluation
/// This is the point where work happens.
///
/// # Errors
/// Device errors, or data-dependent errors such as an out-of-range index
/// in `take`. The arrays stay pending after an error, except where the
/// error is found only once the device finishes the batch (a GPU
/// gather's out-of-range flag): the arrays that eval computed then hold
/// the error, and reading them, or ops on them, return it again.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{eval, Array};
/// let a = Array::from_slice(&[1i32, 2], &[2])?;
/// let b = (&a + &a)?;
/// eval(&[&b])?;
/// assert!(b.is_evaluated());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn eval(arrays: &[&Array]) -> Result<()> {
    for a in arrays {
        if let State::Ready(d) = &*a.lock() {
            if let Some(e) = d.failure() {
                return Err(e.clone());
            }
        }
    }
    let order = topo_order(arrays);
    super::pool::run(super::pool::worth_it(&order), || run_nodes(order))
}

/// Run the nodes of `order` (inputs first), then flush the backends used.
/// The backends are flushed after an error too (the work recorded before
/// it must be checked); a flush that fails marks every array this eval
/// computed as failed.
fn run_nodes(order: Vec<Array>) -> Result<()> {
    let mut used: Vec<Arc<dyn Backend>> = Vec::new();
    let outcome = EvalOutcome::default();
    let mut result = Ok(());
    // Each handle is dropped once its node ran, so an intermediate that
    // only its consumer holds can donate its buffer to that consumer.
    for node in order {
        match run_node(node, &outcome) {
            Ok(Some(b)) => {
                if !used.iter().any(|u| Arc::ptr_eq(u, &b)) {
                    used.push(b);
                }
            }
            Ok(None) => {}
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    for b in used {
        if let Err(e) = b.flush() {
            let _ = outcome.set(e.clone());
            if result.is_ok() {
                result = Err(e);
            }
        }
    }
    result
}

impl Array {
    /// Evaluate this array (see [`eval`]).
    ///
    /// # Evaluation
    /// Computes the array.
    ///
    /// # Errors
    /// As [`eval`].
    pub fn eval(&self) -> Result<()> {
        eval(&[self])
    }
}

/// Pending nodes reachable from `roots`, inputs before consumers.
fn topo_order(roots: &[&Array]) -> Vec<Array> {
    let mut order = Vec::new();
    let mut visited: HashSet<*const super::node::Node> = HashSet::new();
    let mut stack: Vec<(Array, bool)> = roots.iter().map(|a| ((*a).clone(), false)).collect();
    stack.reverse();
    while let Some((a, expanded)) = stack.pop() {
        if expanded {
            order.push(a);
            continue;
        }
        if !visited.insert(Arc::as_ptr(&a.0)) {
            continue;
        }
        let inputs = match &*a.lock() {
            State::Pending { inputs, .. } => inputs.clone(),
            _ => continue,
        };
        stack.push((a, true));
        for inp in inputs.into_iter().rev() {
            if !visited.contains(&Arc::as_ptr(&inp.0)) {
                stack.push((inp, false));
            }
        }
    }
    order
}

/// Evaluate one node whose inputs are evaluated. The node stays locked
/// while its kernel runs (another thread evaluating it waits), and its
/// inputs are taken out of it, so an input nobody else holds can donate
/// its buffer. On error the node is left pending with its inputs.
fn run_node(a: Array, outcome: &EvalOutcome) -> Result<Option<Arc<dyn Backend>>> {
    let siblings = match &*a.lock() {
        State::Pending { siblings, .. } => siblings.clone(),
        _ => return Ok(None),
    };
    if let Some(s) = siblings {
        return run_multi(&a, &s, outcome);
    }
    let mut guard = a.lock();
    let State::Pending {
        primitive, inputs, ..
    } = &mut *guard
    else {
        return Ok(None);
    };
    let primitive = primitive.clone();
    let taken = std::mem::take(inputs);
    match run_single(&primitive, &taken, &a) {
        Ok((mut data, backend)) => {
            data.outcome = Some(outcome.clone());
            *guard = State::Ready(data);
            drop(guard);
            Ok(Some(backend))
        }
        Err(e) => {
            if let State::Pending { inputs, .. } = &mut *guard {
                *inputs = taken;
            }
            Err(e)
        }
    }
}

/// Compute one single-output node from its (evaluated) inputs, writing
/// into a donated input buffer where the backend can.
fn run_single(
    primitive: &Primitive,
    inputs: &[Array],
    a: &Array,
) -> Result<(ArrayData, Arc<dyn Backend>)> {
    let backend = backend_for_op(primitive.name(), a.device())?;
    // Allocation failures name the primitive, whichever helper failed.
    let named = |e| crate::memory::name_for_op(primitive.name(), e);
    if let Some(data) = donated(backend.as_ref(), primitive, inputs, a).map_err(named)? {
        return Ok((data, backend));
    }
    let mut datas = Vec::with_capacity(inputs.len());
    for inp in inputs {
        datas.push(on_device(inp, backend.as_ref()).map_err(named)?);
    }
    let data = dispatch(backend.as_ref(), primitive, inputs, &datas, a).map_err(named)?;
    Ok((data, backend))
}

/// The data of input `inp`, taken out of it, when it can donate its buffer
/// to `out` (MLX's `is_donatable`): no other handle on the node or the
/// buffer, on the backend's device, row-major from offset 0, with the
/// output's shape and exactly its byte size.
fn take_donor(
    inp: &Array,
    backend: &dyn Backend,
    (shape, dtype): (&[usize], Dtype),
) -> Option<ArrayData> {
    if Arc::strong_count(&inp.0) != 1 || Arc::weak_count(&inp.0) != 0 {
        return None;
    }
    let nbytes = shape
        .iter()
        .try_fold(dtype.size(), |n, &d| n.checked_mul(d))?;
    if inp.shape() != shape || inp.itemsize() != dtype.size() || nbytes == 0 {
        return None;
    }
    let mut st = inp.lock();
    let State::Ready(d) = &*st else {
        return None;
    };
    let ok = d.failure().is_none()
        && d.storage.device() == backend.device()
        && d.offset == 0
        && d.storage.nbytes() == nbytes
        && is_row_major(inp.shape(), &d.strides)
        && d.storage.is_unique();
    if !ok {
        return None;
    }
    match std::mem::replace(&mut *st, State::Dropped) {
        State::Ready(d) => Some(d),
        _ => None,
    }
}

/// Run `prim` in a donated input buffer when one is donatable and the
/// backend takes it; `None` otherwise (inputs untouched).
fn donated(
    be: &dyn Backend,
    prim: &Primitive,
    inputs: &[Array],
    out: &Array,
) -> Result<Option<ArrayData>> {
    let Some((k, d)) = prim
        .donor_inputs()
        .iter()
        .find_map(|&k| take_donor(&inputs[k], be, (out.shape(), out.dtype())).map(|d| (k, d)))
    else {
        return Ok(None);
    };
    if matches!(prim, Primitive::Copy) {
        // A dense buffer nobody else holds is its own copy.
        return Ok(Some(d));
    }
    let restore = |storage: crate::Storage| {
        *inputs[k].lock() = State::Ready(ArrayData {
            storage,
            strides: row_major_strides(out.shape()),
            offset: 0,
            outcome: None,
        });
    };
    let others: Vec<usize> = (0..inputs.len()).filter(|&i| i != k).collect();
    let mut datas = Vec::with_capacity(others.len());
    for &i in &others {
        match on_device(&inputs[i], be) {
            Ok(x) => datas.push(x),
            Err(e) => {
                restore(d.storage);
                return Err(e);
            }
        }
    }
    let elementwise = matches!(prim, Primitive::Binary(_) | Primitive::Select);
    let strides: Vec<Vec<isize>> = others
        .iter()
        .zip(&datas)
        .map(|(&i, x)| {
            if elementwise {
                broadcast_strides(inputs[i].shape(), &x.strides, out.shape())
            } else {
                x.strides.clone()
            }
        })
        .collect();
    let views: Vec<View> = others
        .iter()
        .zip(&datas)
        .zip(&strides)
        .map(|((&i, x), s)| View {
            storage: &x.storage,
            shape: if elementwise {
                out.shape()
            } else {
                inputs[i].shape()
            },
            strides: s,
            offset: x.offset,
            dtype: inputs[i].dtype(),
        })
        .collect();
    let spec = OutSpec {
        shape: out.shape(),
        dtype: out.dtype(),
    };
    let mut donor = Some(Donor {
        storage: d.storage,
        index: k,
        dtype: inputs[k].dtype(),
    });
    let result = be.in_place(prim, &mut donor, &views, spec);
    match (result, donor) {
        (Ok(Some(storage)), _) => Ok(Some(dense(storage, out.shape()))),
        (Ok(None), Some(d)) => {
            restore(d.storage);
            Ok(None)
        }
        (Ok(None), None) => Err(Error::internal(
            prim.name(),
            "backend took a donated buffer and returned no output",
        )),
        (Err(e), d) => {
            // A backend that failed before writing gives the buffer back.
            if let Some(d) = d {
                restore(d.storage);
            }
            Err(e)
        }
    }
}

/// Evaluate every output of a multi-output node at once: the backend's
/// kernel, or the op's composite, runs once and fills each live sibling.
/// The siblings stay locked meanwhile (taken in position order).
fn run_multi(a: &Array, s: &Siblings, outcome: &EvalOutcome) -> Result<Option<Arc<dyn Backend>>> {
    let live = s.group.live();
    let mut guards: Vec<(usize, std::sync::MutexGuard<'_, State>)> = live
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.as_ref().map(|o| (i, o.lock())))
        .collect();
    let Some((_, own)) = guards.iter().find(|(i, _)| *i == s.position) else {
        return Err(Error::internal(
            "eval",
            "an output is missing from its group",
        ));
    };
    let op = match &**own {
        State::Pending {
            primitive: Primitive::Multi(op),
            ..
        } => op.clone(),
        State::Pending { primitive, .. } => {
            return Err(Error::internal(
                primitive.name(),
                "siblings of a single-output primitive",
            ))
        }
        _ => return Ok(None),
    };
    // The inputs leave every sibling (all locked here), so an input that
    // nobody else holds can donate its buffer; an error puts them back.
    let mut inputs = Vec::new();
    for (_, g) in guards.iter_mut() {
        if let State::Pending { inputs: ins, .. } = &mut **g {
            let ins = std::mem::take(ins);
            if inputs.is_empty() {
                inputs = ins;
            }
        }
    }
    let restore = |guards: &mut Vec<(usize, std::sync::MutexGuard<'_, State>)>,
                   inputs: &[Array]| {
        for (_, g) in guards.iter_mut() {
            if let State::Pending { inputs: ins, .. } = &mut **g {
                *ins = inputs.to_vec();
            }
        }
    };
    let backend = match backend_for_op(op.name(), a.device()) {
        Ok(b) => b,
        Err(e) => {
            restore(&mut guards, &inputs);
            return Err(e);
        }
    };
    let named = |e| crate::memory::name_for_op(op.name(), e);
    let specs = &s.group.specs;
    let datas = match multi_donated(backend.as_ref(), &op, &inputs, specs)
        .and_then(|d| match d {
            Some(d) => Ok(d),
            None => multi_outputs(backend.as_ref(), &op, &inputs, specs),
        })
        .map_err(named)
    {
        Ok(d) => d,
        Err(e) => {
            restore(&mut guards, &inputs);
            return Err(e);
        }
    };
    for (i, g) in guards.iter_mut() {
        let mut d = datas[*i].clone();
        d.outcome = Some(outcome.clone());
        **g = State::Ready(d);
    }
    Ok(Some(backend))
}

/// Every output of `op`, written into the buffers of the inputs that can
/// donate theirs ([`MultiOp::donor_outputs`]); `None` when none can or the
/// backend declines (the inputs are then as they were).
fn multi_donated(
    be: &dyn Backend,
    op: &MultiOp,
    inputs: &[Array],
    specs: &[(Vec<usize>, Dtype)],
) -> Result<Option<Vec<ArrayData>>> {
    let mut donors: Vec<Donor> = Vec::new();
    for &(i, o) in op.donor_outputs() {
        let (Some(inp), Some((shape, dtype))) = (inputs.get(i), specs.get(o)) else {
            continue;
        };
        // Donation is per position: the same array twice never donates.
        if let Some(d) = take_donor(inp, be, (shape, *dtype)) {
            donors.push(Donor {
                storage: d.storage,
                index: i,
                dtype: inp.dtype(),
            });
        }
    }
    if donors.is_empty() {
        return Ok(None);
    }
    let put_back = |donors: Vec<Donor>| {
        for d in donors {
            *inputs[d.index].lock() = State::Ready(ArrayData {
                strides: row_major_strides(inputs[d.index].shape()),
                storage: d.storage,
                offset: 0,
                outcome: None,
            });
        }
    };
    let others: Vec<usize> = (0..inputs.len())
        .filter(|i| !donors.iter().any(|d| d.index == *i))
        .collect();
    let mut datas = Vec::with_capacity(others.len());
    for &i in &others {
        match on_device(&inputs[i], be) {
            Ok(x) => datas.push(x),
            Err(e) => {
                put_back(donors);
                return Err(e);
            }
        }
    }
    let xs: Vec<&Array> = others.iter().map(|&i| &inputs[i]).collect();
    let strides = multi_strides(op, &xs, &datas, specs);
    let views = multi_views(op, &xs, &datas, &strides, specs);
    let outs = out_specs(specs);
    let result = be.multi_in_place(op, &mut donors, &views, &outs);
    match result {
        Ok(Some(storages)) if donors.is_empty() => match dense_outputs(op, storages, specs) {
            Ok(d) => Ok(Some(d)),
            Err(e) => {
                put_back(donors);
                Err(e)
            }
        },
        Ok(Some(_)) => {
            put_back(donors);
            Err(Error::internal(op.name(), "in-place kernel kept a donor"))
        }
        Ok(None) => {
            put_back(donors);
            Ok(None)
        }
        Err(e) => {
            put_back(donors);
            Err(e)
        }
    }
}

/// The data of every output of `op` on `inputs`.
fn multi_outputs(
    be: &dyn Backend,
    op: &MultiOp,
    inputs: &[Array],
    specs: &[(Vec<usize>, Dtype)],
) -> Result<Vec<ArrayData>> {
    let mut datas = Vec::with_capacity(inputs.len());
    for inp in inputs {
        datas.push(on_device(inp, be)?);
    }
    let xs: Vec<&Array> = inputs.iter().collect();
    let strides = multi_strides(op, &xs, &datas, specs);
    let views = multi_views(op, &xs, &datas, &strides, specs);
    if let Some(storages) = be.multi(op, &views, &out_specs(specs))? {
        return dense_outputs(op, storages, specs);
    }
    // No kernel here: evaluate the composite once for every output.
    let ys = op.fallback(inputs)?;
    let refs: Vec<&Array> = ys.iter().collect();
    eval(&refs)?;
    ys.iter().map(Array::data).collect()
}

/// The strides `op`'s kernels read the inputs `xs` (data `datas`) with:
/// broadcast to the outputs' shape for elementwise ops, as stored
/// otherwise.
fn multi_strides(
    op: &MultiOp,
    xs: &[&Array],
    datas: &[ArrayData],
    specs: &[(Vec<usize>, Dtype)],
) -> Vec<Vec<isize>> {
    xs.iter()
        .zip(datas)
        .map(|(x, d)| match specs.first() {
            Some((out_shape, _)) if op.is_elementwise() => {
                broadcast_strides(x.shape(), &d.strides, out_shape)
            }
            _ => d.strides.clone(),
        })
        .collect()
}

/// The views of `xs` that `op`'s kernels read, with the strides of
/// [`multi_strides`].
fn multi_views<'a>(
    op: &MultiOp,
    xs: &[&'a Array],
    datas: &'a [ArrayData],
    strides: &'a [Vec<isize>],
    specs: &'a [(Vec<usize>, Dtype)],
) -> Vec<View<'a>> {
    xs.iter()
        .zip(datas)
        .zip(strides)
        .map(|((&x, d), st)| View {
            shape: match specs.first() {
                Some((out_shape, _)) if op.is_elementwise() => out_shape,
                _ => x.shape(),
            },
            strides: st,
            ..view_of(x, d)
        })
        .collect()
}

/// The kernel's view of each output's shape and dtype.
fn out_specs(specs: &[(Vec<usize>, Dtype)]) -> Vec<OutSpec<'_>> {
    specs
        .iter()
        .map(|(shape, dtype)| OutSpec {
            shape,
            dtype: *dtype,
        })
        .collect()
}

/// A multi-output kernel's buffers as row-major output data; an internal
/// error when it returned a different number of outputs.
fn dense_outputs(
    op: &MultiOp,
    storages: Vec<crate::Storage>,
    specs: &[(Vec<usize>, Dtype)],
) -> Result<Vec<ArrayData>> {
    if storages.len() != specs.len() {
        return Err(Error::internal(
            op.name(),
            format!(
                "kernel returned {} outputs, expected {}",
                storages.len(),
                specs.len()
            ),
        ));
    }
    Ok(storages
        .into_iter()
        .zip(specs)
        .map(|(st, (shape, _))| dense(st, shape))
        .collect())
}

/// An input's data, moved to `backend`'s device if it lives elsewhere.
fn on_device(a: &Array, backend: &dyn Backend) -> Result<ArrayData> {
    let d = a.data()?;
    if d.storage.device() == backend.device() {
        return Ok(d);
    }
    let src = backend_for_op("copy", d.storage.device())?;
    let host = src.download(&view_of(a, &d))?;
    let storage = backend.upload(host)?;
    Ok(ArrayData {
        storage,
        strides: row_major_strides(a.shape()),
        offset: 0,
        outcome: None,
    })
}

pub(crate) fn view_of<'a>(a: &'a Array, d: &'a ArrayData) -> View<'a> {
    View {
        storage: &d.storage,
        shape: a.shape(),
        strides: &d.strides,
        offset: d.offset,
        dtype: a.dtype(),
    }
}

fn dense(storage: crate::Storage, shape: &[usize]) -> ArrayData {
    ArrayData {
        storage,
        strides: row_major_strides(shape),
        offset: 0,
        outcome: None,
    }
}

fn dispatch(
    be: &dyn Backend,
    prim: &Primitive,
    inputs: &[Array],
    datas: &[ArrayData],
    out: &Array,
) -> Result<ArrayData> {
    let spec = OutSpec {
        shape: out.shape(),
        dtype: out.dtype(),
    };
    let v: Vec<View> = inputs
        .iter()
        .zip(datas)
        .map(|(a, d)| view_of(a, d))
        .collect();
    // Elementwise kernels get inputs broadcast to the output shape.
    let bstrides: Vec<Vec<isize>> = if matches!(prim, Primitive::Binary(_) | Primitive::Select) {
        inputs
            .iter()
            .zip(datas)
            .map(|(a, d)| broadcast_strides(a.shape(), &d.strides, out.shape()))
            .collect()
    } else {
        Vec::new()
    };
    let bv: Vec<View> = bstrides
        .iter()
        .zip(&v)
        .map(|(s, x)| View {
            shape: out.shape(),
            strides: s,
            ..*x
        })
        .collect();
    let storage = match prim {
        Primitive::Unary(op) => be.unary(*op, &v[0], spec)?,
        Primitive::Binary(op) => be.binary(*op, &bv[0], &bv[1], spec)?,
        Primitive::Select => be.select(&bv[0], &bv[1], &bv[2], spec)?,
        Primitive::AsType => be.as_type(&v[0], spec)?,
        Primitive::Bitcast => be.bitcast(&v[0], spec)?,
        Primitive::Reduce { op, axes } => be.reduce(*op, &v[0], axes, spec)?,
        Primitive::ArgReduce { op, axis } => be.arg_reduce(*op, &v[0], *axis, spec)?,
        Primitive::Softmax => be.softmax(&v[0], spec)?,
        Primitive::Scan {
            op,
            axis,
            reverse,
            inclusive,
        } => be.scan(*op, &v[0], *axis, *reverse, *inclusive, spec)?,
        Primitive::Sort { op, axis } => be.sort(*op, &v[0], *axis, spec)?,
        Primitive::Matmul => be.matmul(&v[0], &v[1], spec)?,
        Primitive::Gather { axis } => be.gather(&v[0], &v[1], *axis, spec)?,
        Primitive::GatherAxis { axis } => be.gather_axis(&v[0], &v[1], *axis, spec)?,
        Primitive::Scatter { op, axes } => {
            let n = v.len();
            be.scatter(*op, &v[0], &v[1..n - 1], &v[n - 1], axes, spec)?
        }
        Primitive::Concatenate { axis } => be.concatenate(&v, *axis, spec)?,
        Primitive::Arange { start, step } => be.arange(*start, *step, spec)?,
        Primitive::RandomBits { width } => be.random_bits(&v[0], *width, spec)?,
        Primitive::Copy => be.copy(&v[0], spec)?,
        Primitive::Reshape => {
            let d = &datas[0];
            if v[0].is_row_major() {
                return Ok(ArrayData {
                    storage: d.storage.clone(),
                    strides: row_major_strides(out.shape()),
                    offset: d.offset,
                    outcome: None,
                });
            }
            let copy_spec = OutSpec {
                shape: inputs[0].shape(),
                dtype: inputs[0].dtype(),
            };
            be.copy(&v[0], copy_spec)?
        }
        Primitive::Transpose { perm } => {
            let d = &datas[0];
            let strides = perm.iter().map(|&p| d.strides[p]).collect();
            return Ok(ArrayData {
                storage: d.storage.clone(),
                strides,
                offset: d.offset,
                outcome: None,
            });
        }
        Primitive::Broadcast => {
            let d = &datas[0];
            let strides = broadcast_strides(inputs[0].shape(), &d.strides, out.shape());
            return Ok(ArrayData {
                storage: d.storage.clone(),
                strides,
                offset: d.offset,
                outcome: None,
            });
        }
        Primitive::Fast(op) => match be.fast(op, &v, spec)? {
            Some(s) => s,
            None => {
                // No kernel here: evaluate the op's composite on the
                // (evaluated) inputs, on this device, and take its data.
                let y = op.fallback(inputs)?;
                y.eval()?;
                return y.data();
            }
        },
        Primitive::Multi(op) => {
            return Err(Error::internal(
                op.name(),
                "multi-output node without siblings",
            ));
        }
        Primitive::Custom(_) => {
            // Forward the last input: the function's computed value.
            return Ok(datas[datas.len() - 1].clone());
        }
        Primitive::AsStrided { strides, offset } => {
            let d = if v[0].is_row_major() {
                datas[0].clone()
            } else {
                let copy_spec = OutSpec {
                    shape: inputs[0].shape(),
                    dtype: inputs[0].dtype(),
                };
                ArrayData {
                    storage: be.copy(&v[0], copy_spec)?,
                    strides: row_major_strides(inputs[0].shape()),
                    offset: 0,
                    outcome: None,
                }
            };
            // Strides and offset fit: the op checked every position.
            return Ok(ArrayData {
                storage: d.storage,
                strides: strides.iter().map(|&s| s as isize).collect(),
                offset: d.offset + offset,
                outcome: None,
            });
        }
        Primitive::Slice { start, step } => {
            let d = &datas[0];
            let mut offset = d.offset as isize;
            if out.size() > 0 {
                for (k, &s) in start.iter().enumerate() {
                    offset += s as isize * d.strides[k];
                }
            }
            let strides = d
                .strides
                .iter()
                .zip(step)
                .map(|(&s, &st)| s * st as isize)
                .collect();
            if offset < 0 {
                return Err(Error::internal("slice", "negative offset"));
            }
            return Ok(ArrayData {
                storage: d.storage.clone(),
                strides,
                offset: offset as usize,
                outcome: None,
            });
        }
    };
    Ok(dense(storage, out.shape()))
}
