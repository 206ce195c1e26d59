//! [`Array`]: a cheap-to-clone handle on a graph node that is either
//! pending (a primitive and its inputs) or evaluated (data and strides).

use crate::primitive::Primitive;
use crate::{Device, Dtype, Error, Result, Storage};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, TryLockError, Weak};

/// A lazily evaluated n-dimensional array (MLX's `mx.array`).
///
/// Ops record a node and compute only the output shape and dtype; data is
/// computed by [`eval`](crate::eval), [`Array::eval`], [`Array::item`],
/// [`Array::to_vec`] or printing. Once evaluated, an array keeps its data
/// and drops its graph. Cloning is cheap and shares the node.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::Array;
/// let a = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3])?;
/// let b = (&a * &a)?; // nothing computed yet
/// assert_eq!(b.to_vec::<f32>()?, vec![1.0, 4.0, 9.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Array(pub(crate) Arc<Node>);

pub(crate) struct Node {
    pub(crate) shape: Vec<usize>,
    pub(crate) dtype: Dtype,
    pub(crate) device: Device,
    pub(crate) state: Mutex<State>,
}

/// Evaluated data: a buffer and how this array reads it.
#[derive(Clone, Debug)]
pub(crate) struct ArrayData {
    pub(crate) storage: Storage,
    pub(crate) strides: Vec<isize>,
    pub(crate) offset: usize,
    /// The outcome of the eval that computed this data: it holds that
    /// eval's error when a check that completes only with the eval failed
    /// (a GPU gather's out-of-range flag is read when the batch ends), and
    /// the data must then never be read.
    pub(crate) outcome: Option<EvalOutcome>,
}

/// Shared by every array one eval computes; set when the eval fails after
/// its kernels ran (see [`ArrayData::outcome`]).
pub(crate) type EvalOutcome = Arc<OnceLock<Error>>;

impl ArrayData {
    /// The error of the eval that computed this data, if it failed.
    pub(crate) fn failure(&self) -> Option<&Error> {
        self.outcome.as_ref().and_then(|o| o.get())
    }
}

pub(crate) enum State {
    Pending {
        primitive: Primitive,
        inputs: Vec<Array>,
        /// The other outputs of a multi-output primitive (MLX's siblings).
        siblings: Option<Siblings>,
    },
    Ready(ArrayData),
    /// Only seen while a node is being dropped.
    Dropped,
}

/// The outputs of one multi-output node: every output holds the group
/// (weakly, so a dropped output is not kept alive) and its position.
#[derive(Clone)]
pub(crate) struct Siblings {
    pub(crate) group: Arc<SiblingGroup>,
    pub(crate) position: usize,
}

/// Shape, dtype and a weak handle of every output of one node.
pub(crate) struct SiblingGroup {
    pub(crate) specs: Vec<(Vec<usize>, Dtype)>,
    pub(crate) outputs: OnceLock<Vec<Weak<Node>>>,
}

impl SiblingGroup {
    /// Every output still alive (`None` for dropped ones), by position.
    pub(crate) fn live(&self) -> Vec<Option<Array>> {
        match self.outputs.get() {
            Some(w) => w.iter().map(|w| w.upgrade().map(Array)).collect(),
            None => vec![None; self.specs.len()],
        }
    }
}

impl Array {
    /// The outputs of one multi-output node (MLX's `array::make_arrays`):
    /// one pending array per `(shape, dtype)`, siblings of each other.
    /// Evaluating any of them runs the primitive once and fills them all.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`] naming the primitive.
    pub(crate) fn from_op_multi(
        primitive: Primitive,
        inputs: Vec<Array>,
        specs: Vec<(Vec<usize>, Dtype)>,
    ) -> Result<Vec<Array>> {
        for (shape, dtype) in &specs {
            crate::shape::checked_numel(primitive.name(), shape, dtype.size())?;
        }
        let device = inputs
            .first()
            .map(|a| a.device())
            .unwrap_or_else(crate::default_device);
        let group = Arc::new(SiblingGroup {
            specs: specs.clone(),
            outputs: OnceLock::new(),
        });
        let outs: Vec<Array> = specs
            .into_iter()
            .enumerate()
            .map(|(position, (shape, dtype))| {
                Array(Arc::new(Node {
                    shape,
                    dtype,
                    device,
                    state: Mutex::new(State::Pending {
                        primitive: primitive.clone(),
                        inputs: inputs.clone(),
                        siblings: Some(Siblings {
                            group: group.clone(),
                            position,
                        }),
                    }),
                }))
            })
            .collect();
        let weak = outs.iter().map(|a| Arc::downgrade(&a.0)).collect();
        let _ = group.outputs.set(weak);
        Ok(outs)
    }

    /// A pending node. Callers have validated their arguments; the output
    /// shape is checked here, once for every op: its element count and byte
    /// size must fit (every dimension counts, zero or not), so all later
    /// size, stride and offset arithmetic on it cannot overflow.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`] naming the primitive.
    pub(crate) fn from_op(
        primitive: Primitive,
        inputs: Vec<Array>,
        shape: Vec<usize>,
        dtype: Dtype,
    ) -> Result<Array> {
        let device = inputs
            .first()
            .map(|a| a.device())
            .unwrap_or_else(crate::default_device);
        Self::from_op_on(primitive, inputs, shape, dtype, device)
    }

    pub(crate) fn from_op_on(
        primitive: Primitive,
        inputs: Vec<Array>,
        shape: Vec<usize>,
        dtype: Dtype,
        device: Device,
    ) -> Result<Array> {
        crate::shape::checked_numel(primitive.name(), &shape, dtype.size())?;
        Ok(Array(Arc::new(Node {
            shape,
            dtype,
            device,
            state: Mutex::new(State::Pending {
                primitive,
                inputs,
                siblings: None,
            }),
        })))
    }

    /// An evaluated array. Callers have checked `shape` against the data.
    pub(crate) fn from_data(shape: Vec<usize>, dtype: Dtype, data: ArrayData) -> Result<Array> {
        crate::shape::checked_numel("array", &shape, dtype.size())?;
        let device = data.storage.device();
        Ok(Array(Arc::new(Node {
            shape,
            dtype,
            device,
            state: Mutex::new(State::Ready(data)),
        })))
    }

    /// The node's state, locked. On a worker of rayon's pool, waiting for
    /// a node that another thread holds runs pool jobs meanwhile: that
    /// thread may hold it while its kernel waits for this pool (see
    /// `array::pool`), and a blocked worker could be the one it waits for.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        if rayon::current_thread_index().is_none() {
            return self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        }
        loop {
            match self.0.state.try_lock() {
                Ok(g) => return g,
                Err(TryLockError::Poisoned(e)) => return e.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::thread::yield_now();
                    }
                }
            }
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.0.shape
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.0.shape.len()
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        self.0.shape.iter().product()
    }

    /// The element type.
    pub fn dtype(&self) -> Dtype {
        self.0.dtype
    }

    /// Size of one element in bytes.
    pub fn itemsize(&self) -> usize {
        self.0.dtype.size()
    }

    /// Bytes the elements take (`size * itemsize`).
    pub fn nbytes(&self) -> usize {
        self.size() * self.itemsize()
    }

    /// The device the array is computed on.
    pub fn device(&self) -> Device {
        self.0.device
    }

    /// Size of dimension `axis` (negative counts from the end).
    ///
    /// # Errors
    /// `[dim] axis 2 is out of bounds for array of 2 dimensions`.
    pub fn dim(&self, axis: i64) -> Result<usize> {
        let ax = crate::shape::normalize_axis("dim", axis, self.ndim())?;
        Ok(self.0.shape[ax])
    }

    /// True once the array holds data (no graph left).
    pub fn is_evaluated(&self) -> bool {
        matches!(&*self.lock(), State::Ready(d) if d.failure().is_none())
    }

    /// True when two handles share one node.
    pub fn ptr_eq(&self, other: &Array) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The primitive of a pending node (MLX's `array::primitive`); `None`
    /// once evaluated.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::{Primitive, UnaryOp}, Array};
    /// let a = Array::from_slice(&[1.0f32], &[1])?;
    /// let b = a.exp()?;
    /// assert_eq!(b.primitive(), Some(Primitive::Unary(UnaryOp::Exp)));
    /// b.eval()?;
    /// assert_eq!(b.primitive(), None);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn primitive(&self) -> Option<Primitive> {
        match &*self.lock() {
            State::Pending { primitive, .. } => Some(primitive.clone()),
            _ => None,
        }
    }

    /// The inputs of a pending node (MLX's `array::inputs`); empty once
    /// evaluated.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::Array;
    /// let a = Array::from_slice(&[1.0f32], &[1])?;
    /// let b = a.exp()?;
    /// assert!(b.inputs()[0].ptr_eq(&a));
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn inputs(&self) -> Vec<Array> {
        match &*self.lock() {
            State::Pending { inputs, .. } => inputs.clone(),
            _ => Vec::new(),
        }
    }

    /// Every output of this array's primitive, this one included, in
    /// order (MLX's `array::outputs`): one array for a single-output
    /// primitive or an evaluated array. Dropped outputs are left out.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{ops, Array};
    /// let a = Array::from_slice(&[7i32], &[1])?;
    /// let (q, r) = ops::divmod(&a, &Array::from_slice(&[2i32], &[1])?)?;
    /// assert_eq!(q.outputs().len(), 2);
    /// assert!(q.outputs()[1].ptr_eq(&r));
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn outputs(&self) -> Vec<Array> {
        match self.group() {
            Some((outs, _)) => outs.into_iter().flatten().collect(),
            None => vec![self.clone()],
        }
    }

    /// The other outputs of this array's primitive (MLX's
    /// `array::siblings`); empty for single-output primitives and once
    /// evaluated.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{ops, Array};
    /// let a = Array::from_slice(&[7i32], &[1])?;
    /// let (q, r) = ops::divmod(&a, &Array::from_slice(&[2i32], &[1])?)?;
    /// assert!(q.siblings()[0].ptr_eq(&r));
    /// assert!(a.siblings().is_empty());
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn siblings(&self) -> Vec<Array> {
        match self.group() {
            Some((outs, pos)) => outs
                .into_iter()
                .enumerate()
                .filter(|(i, _)| *i != pos)
                .filter_map(|(_, a)| a)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Every output of a pending multi-output node (`None` where dropped)
    /// and this array's position among them.
    pub(crate) fn group(&self) -> Option<(Vec<Option<Array>>, usize)> {
        let s = match &*self.lock() {
            State::Pending {
                siblings: Some(s), ..
            } => s.clone(),
            _ => return None,
        };
        Some((s.group.live(), s.position))
    }

    /// The primitive and inputs of a pending node; `None` once evaluated.
    pub(crate) fn pending_parts(&self) -> Option<(Primitive, Vec<Array>)> {
        match &*self.lock() {
            State::Pending {
                primitive, inputs, ..
            } => Some((primitive.clone(), inputs.clone())),
            _ => None,
        }
    }

    /// Address of element `(0, .., 0)` in the evaluated host buffer (MLX's
    /// `array::data<void>()`): two arrays with equal addresses share one
    /// buffer, e.g. an output written into a donated input. `None` while
    /// pending and for device buffers the host cannot address.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::Array;
    /// let a = Array::from_slice(&[1.0f32, 2.0], &[2])?;
    /// let v = a.reshape(&[1, 2])?;
    /// v.eval()?;
    /// assert_eq!(v.data_ptr(), a.data_ptr()); // a view: no copy
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn data_ptr(&self) -> Option<usize> {
        let d = match &*self.lock() {
            State::Ready(d) => d.clone(),
            _ => return None,
        };
        let bytes = if let Some(h) = d.storage.downcast_ref::<crate::HostData>() {
            h.as_bytes().as_ptr()
        } else {
            d.storage
                .downcast_ref::<crate::SharedBytes>()?
                .as_bytes()
                .as_ptr()
        };
        Some(bytes as usize + d.offset * self.itemsize())
    }

    /// A stable identity of the node (for maps keyed by node).
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The evaluated data (an internal error if not evaluated).
    pub(crate) fn data(&self) -> Result<ArrayData> {
        match &*self.lock() {
            State::Ready(d) => match d.failure() {
                Some(e) => Err(e.clone()),
                None => Ok(d.clone()),
            },
            _ => Err(Error::internal("eval", "input not evaluated")),
        }
    }
}

impl Drop for Node {
    // Drop long chains of pending nodes iteratively so a graph of 100,000
    // ops does not overflow the stack.
    fn drop(&mut self) {
        let state = std::mem::replace(
            self.state.get_mut().unwrap_or_else(|e| e.into_inner()),
            State::Dropped,
        );
        let State::Pending { inputs, .. } = state else {
            return;
        };
        let mut stack = inputs;
        while let Some(a) = stack.pop() {
            if let Ok(mut node) = Arc::try_unwrap(a.0) {
                let st = node.state.get_mut().unwrap_or_else(|e| e.into_inner());
                if let State::Pending { inputs, .. } = std::mem::replace(st, State::Dropped) {
                    stack.extend(inputs);
                }
            }
        }
    }
}

impl std::fmt::Debug for Array {
    /// Shape, dtype, device and status; does not evaluate.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = if self.is_evaluated() {
            "evaluated"
        } else {
            "pending"
        };
        write!(
            f,
            "Array(shape={}, dtype={}, {}, {status})",
            crate::shape::format_shape(self.shape()),
            self.dtype(),
            self.device()
        )
    }
}
