//! Evaluation: an iterative topological walk over pending nodes, then one
//! dispatch per node. Views are resolved here; kernels run on backends.

use super::node::{ArrayData, State};
use super::Array;
use crate::backend::{backend_for_op, Backend};
use crate::primitive::{OutSpec, Primitive};
use crate::shape::{broadcast_strides, row_major_strides};
use crate::{Error, Result, View};
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
/// in `take`. The arrays stay pending after an error.
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
    let order = topo_order(arrays);
    let mut used: Vec<Arc<dyn Backend>> = Vec::new();
    for node in order {
        let backend = run_node(&node)?;
        if let Some(b) = backend {
            if !used.iter().any(|u| Arc::ptr_eq(u, &b)) {
                used.push(b);
            }
        }
    }
    for b in used {
        b.flush()?;
    }
    Ok(())
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

/// Evaluate one node whose inputs are evaluated.
fn run_node(a: &Array) -> Result<Option<Arc<dyn Backend>>> {
    let (primitive, inputs) = match &*a.lock() {
        State::Pending { primitive, inputs } => (primitive.clone(), inputs.clone()),
        _ => return Ok(None),
    };
    let backend = backend_for_op(primitive.name(), a.device())?;
    // Allocation failures name the primitive, whichever helper failed.
    let named = |e| crate::memory::name_oom(primitive.name(), e);
    let mut datas = Vec::with_capacity(inputs.len());
    for inp in &inputs {
        datas.push(on_device(inp, backend.as_ref()).map_err(named)?);
    }
    let data = dispatch(backend.as_ref(), &primitive, &inputs, &datas, a).map_err(named)?;
    *a.lock() = State::Ready(data);
    Ok(Some(backend))
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
            });
        }
        Primitive::Broadcast => {
            let d = &datas[0];
            let strides = broadcast_strides(inputs[0].shape(), &d.strides, out.shape());
            return Ok(ArrayData {
                storage: d.storage.clone(),
                strides,
                offset: d.offset,
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
                }
            };
            // Strides and offset fit: the op checked every position.
            return Ok(ArrayData {
                storage: d.storage,
                strides: strides.iter().map(|&s| s as isize).collect(),
                offset: d.offset + offset,
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
            });
        }
    };
    Ok(dense(storage, out.shape()))
}
