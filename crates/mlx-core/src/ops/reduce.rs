//! Reductions (`sum`, `max`, `mean`, `var`, `logsumexp`, `argmax`...),
//! `softmax` and `cumsum`.

use super::arguments::{Axes, Axis};
use super::binary::subtract;
use super::shape::{astype, flatten, moveaxis, reshape};
use super::unary::{exp, isinf, log, square, stop_gradient};
use crate::primitive::{ArgReduceOp, Primitive, ReduceOp, ScanOp};
use crate::shape::normalize_axis;
use crate::{Array, Dtype, Error, Result};

/// The axes to reduce: all when `axes` is `()`.
fn reduce_axes(op: &'static str, a: &Array, axes: &Axes) -> Result<Vec<usize>> {
    axes.resolve(op, a.ndim())
}

fn reduced_shape(a: &Array, axes: &[usize], keepdims: bool) -> Vec<usize> {
    (0..a.ndim())
        .filter_map(|i| match (axes.contains(&i), keepdims) {
            (true, true) => Some(1),
            (true, false) => None,
            (false, _) => Some(a.shape()[i]),
        })
        .collect()
}

fn keep(out: Array, shape: Vec<usize>) -> Result<Array> {
    let s: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    reshape(&out, &s)
}

/// Record a reduction with MLX's dtype rules.
fn reduce(op: ReduceOp, a: &Array, axes: &Axes, keepdims: bool) -> Result<Array> {
    let name = op.name();
    let ax = reduce_axes(name, a, axes)?;
    let in_dtype = match op {
        ReduceOp::Sum | ReduceOp::Prod => a.dtype().sum_dtype(),
        ReduceOp::Max | ReduceOp::Min => a.dtype(),
        ReduceOp::All | ReduceOp::Any => Dtype::Bool,
    };
    if matches!(op, ReduceOp::Max | ReduceOp::Min) {
        if a.dtype().is_complex() {
            return Err(Error::dtype(name, a.dtype(), "not supported for complex64"));
        }
        if a.size() == 0 && ax.iter().any(|&i| a.shape()[i] == 0) {
            return Err(Error::invalid(name, "cannot reduce over an empty axis"));
        }
    }
    if ax.is_empty() {
        // Nothing to reduce: MLX returns the input as it is (no widening);
        // `all`/`any` still give bool.
        return astype(a, in_dtype_of_empty(op, a.dtype()));
    }
    let input = astype(a, in_dtype)?;
    let flat_shape = reduced_shape(a, &ax, false);
    let out = Array::from_op(
        Primitive::Reduce {
            op,
            axes: ax.clone(),
        },
        vec![input],
        flat_shape,
        in_dtype,
    )?;
    if keepdims {
        keep(out, reduced_shape(a, &ax, true))
    } else {
        Ok(out)
    }
}

/// The dtype of a reduction over no axes: the input's, bool for
/// `all`/`any`.
fn in_dtype_of_empty(op: ReduceOp, d: Dtype) -> Dtype {
    match op {
        ReduceOp::All | ReduceOp::Any => Dtype::Bool,
        ReduceOp::Sum | ReduceOp::Prod | ReduceOp::Max | ReduceOp::Min => d,
    }
}

macro_rules! reduce_fns {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// `axes` is `()` for every axis, one axis, or several (see
        /// [`Axes`]); negative axes count from the end.
        ///
        /// # Errors
        #[doc = concat!("`[", stringify!($name), "] axis 3 is out of bounds for array of 2 dimensions`, duplicate axes, or a dtype the op rejects.")]
        pub fn $name(a: &Array, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
            reduce(ReduceOp::$op, a, &axes.into(), keepdims)
        }

        impl Array {
            #[doc = concat!("Method form of [`", stringify!($name), "`](fn@", stringify!($name), ").")]
            ///
            /// # Errors
            #[doc = concat!("As [`", stringify!($name), "`](fn@", stringify!($name), ").")]
            pub fn $name(&self, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
                $name(self, axes, keepdims)
            }
        }
    )*};
}

reduce_fns! {
    /// Sum of elements; bool and small integers widen to 32 bits.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(mlx_core::ops::sum(&a, (), false)?.item::<i32>()?, 10);
    /// assert_eq!(mlx_core::ops::sum(&a, -1, false)?.to_vec::<i32>()?, vec![3, 7]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    sum => Sum;
    /// Product of elements; bool and small integers widen to 32 bits.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[4])?;
    /// assert_eq!(mlx_core::ops::prod(&a, (), false)?.item::<i32>()?, 24);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    prod => Prod;
    /// Maximum (NaN propagates). Reducing an empty axis is an error.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 7, 3], &[3])?;
    /// assert_eq!(mlx_core::ops::max(&a, (), false)?.item::<i32>()?, 7);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    max => Max;
    /// Minimum (NaN propagates). Reducing an empty axis is an error.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 7, 3], &[3])?;
    /// assert_eq!(mlx_core::ops::min(&a, (), false)?.item::<i32>()?, 1);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    min => Min;
    /// True when every element is nonzero (true for empty input).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 0], &[2])?;
    /// assert_eq!(mlx_core::ops::all(&a, (), false)?.item::<bool>()?, false);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    all => All;
    /// True when any element is nonzero (false for empty input).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 0], &[2])?;
    /// assert_eq!(mlx_core::ops::any(&a, (), false)?.item::<bool>()?, true);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    any => Any;
}

/// Mean over `axes` (all when `()`); integers give `float32`.
///
/// As in MLX, the mean is the [`sum`] (in the sum's dtype: integers
/// accumulate in at least 32 bits and wrap) times `1/n` rounded to the
/// floating dtype of the result.
///
/// # Errors
/// `[mean] axis 2 is out of bounds for array of 2 dimensions`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[2, 2])?;
/// assert_eq!(mlx_core::ops::mean(&a, 0, false)?.to_vec::<f32>()?, vec![2.0, 3.0]);
/// // mx.mean(mx.array([2147483647, 1, 1, 1], dtype=mx.int32)): the int32 sum wraps
/// let w = mlx_core::Array::from_slice(&[i32::MAX, 1, 1, 1], &[4])?;
/// assert_eq!(mlx_core::ops::mean(&w, (), false)?.item::<f32>()?, -536870912.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn mean(a: &Array, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
    mean_unlabeled(a, &axes.into(), keepdims).map_err(|e| e.in_op("mean"))
}

/// [`mean`] before its errors are relabelled.
fn mean_unlabeled(a: &Array, axes: &Axes, keepdims: bool) -> Result<Array> {
    let ax = reduce_axes("mean", a, axes)?;
    let n: f64 = ax.iter().map(|&i| a.shape()[i] as f64).product();
    let ax_i: Vec<i64> = ax.iter().map(|&i| i as i64).collect();
    let s = reduce(ReduceOp::Sum, a, &Axes::from(&ax_i), keepdims)?;
    let scale = super::creation::constant_like(&s, 1.0 / n, a.dtype().to_inexact())?;
    super::binary::multiply(&s, &scale)
}

/// Variance over `axes` with `ddof` delta degrees of freedom.
///
/// # Errors
/// As [`mean`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[4])?;
/// assert_eq!(mlx_core::ops::var(&a, (), false, 0)?.item::<f32>()?, 1.25);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn var(a: &Array, axes: impl Into<Axes>, keepdims: bool, ddof: i64) -> Result<Array> {
    var_unlabeled(a, &axes.into(), keepdims, ddof).map_err(|e| e.in_op("var"))
}

/// [`var`] before its errors are relabelled.
fn var_unlabeled(a: &Array, axes: &Axes, keepdims: bool, ddof: i64) -> Result<Array> {
    let ax = reduce_axes("var", a, axes)?;
    let ax_i: Vec<i64> = ax.iter().map(|&i| i as i64).collect();
    let n: usize = ax.iter().map(|&i| a.shape()[i]).product();
    // The mean of integers wraps as MLX's does (see `mean`); the deviation
    // is then floating.
    let mu = mean(a, &ax_i, true)?;
    let dev = subtract(a, &mu)?;
    // Complex input: the variance of |x - mean|, a real number (as MLX).
    let dev = if dev.dtype().is_complex() {
        super::unary::abs(&dev)?
    } else {
        dev
    };
    let v = mean(&square(&dev)?, &ax_i, keepdims)?;
    if ddof == 0 {
        return Ok(v);
    }
    let scale = n as f64 / (n as f64 - ddof as f64).max(0.0);
    &v * scale
}

/// Standard deviation: `sqrt(var(..))`.
///
/// # Errors
/// As [`var`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 3.0], &[2])?;
/// assert_eq!(mlx_core::ops::std(&a, (), false, 0)?.item::<f32>()?, 1.0);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn std(a: &Array, axes: impl Into<Axes>, keepdims: bool, ddof: i64) -> Result<Array> {
    std_unlabeled(a, axes.into(), keepdims, ddof).map_err(|e| e.in_op("std"))
}

/// [`std`] before its errors are relabelled.
fn std_unlabeled(a: &Array, axes: Axes, keepdims: bool, ddof: i64) -> Result<Array> {
    super::unary::sqrt(&var(a, axes, keepdims, ddof)?)
}

/// `log(sum(exp(a)))` over `axes`, computed stably.
///
/// # Errors
/// As [`mean`]; complex input is rejected.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[0.0f32, 0.0], &[2])?;
/// let v = mlx_core::ops::logsumexp(&a, (), false)?.item::<f32>()?;
/// assert!((v - std::f32::consts::LN_2).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn logsumexp(a: &Array, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
    logsumexp_unlabeled(a, &axes.into(), keepdims).map_err(|e| e.in_op("logsumexp"))
}

/// [`logsumexp`] before its errors are relabelled.
fn logsumexp_unlabeled(a: &Array, axes: &Axes, keepdims: bool) -> Result<Array> {
    if a.dtype().is_complex() {
        return Err(Error::dtype(
            "logsumexp",
            a.dtype(),
            "not supported for complex64",
        ));
    }
    let ax = reduce_axes("logsumexp", a, axes)?;
    let ax_i: Vec<i64> = ax.iter().map(|&i| i as i64).collect();
    let a = astype(a, a.dtype().to_inexact())?;
    if a.size() == 0 {
        return Err(Error::invalid("logsumexp", "received empty array"));
    }
    let m = stop_gradient(&max(&a, &ax_i, true)?)?;
    let zero = super::creation::constant_like(&m, 0.0, m.dtype())?;
    let m = super::binary::where_(&isinf(&m)?, &zero, &m)?;
    let s = sum(&exp(&subtract(&a, &m)?)?, &ax_i, keepdims)?;
    let m = if keepdims { m } else { squeeze_axes(&m, &ax)? };
    log(&s)? + &m
}

fn squeeze_axes(a: &Array, axes: &[usize]) -> Result<Array> {
    let ax: Vec<i64> = axes.iter().map(|&i| i as i64).collect();
    super::shape::squeeze(a, &ax)
}

/// Softmax over `axes` (every axis when `()`, as MLX's `None`): `exp(a - max) /
/// sum`.
///
/// `precise` is MLX's flag for computing half-precision input in
/// `float32`. Over the last axis (or every axis) the kernels of both
/// backends always accumulate half input in `float32`; over other axes the
/// composite runs in the input's dtype unless `precise` is set.
///
/// The result is floating over the last axis alone; over any other axes
/// (none, several, or all of them) it has the input's dtype, integers
/// included, as in MLX. An empty input is returned as it is.
///
/// # Errors
/// Bad axes, or complex input.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1.0f32, 1.0], &[2])?;
/// assert_eq!(mlx_core::ops::softmax(&a, (), false)?.to_vec::<f32>()?, vec![0.5, 0.5]);
/// // mx.softmax(mx.array([[0., 0.], [0., 0.]])) spreads over all 4 entries
/// let b = mlx_core::Array::from_slice(&[0.0f32; 4], &[2, 2])?;
/// assert_eq!(mlx_core::ops::softmax(&b, (), true)?.to_vec::<f32>()?, vec![0.25; 4]);
/// // mx.softmax(mx.array([1.0, 2.0]), axis=[]) is all ones
/// let c = mlx_core::Array::from_slice(&[1.0f32, 2.0], &[2])?;
/// assert_eq!(mlx_core::ops::softmax(&c, &[] as &[i32], false)?.to_vec::<f32>()?, vec![1.0; 2]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn softmax(a: &Array, axes: impl Into<Axes>, precise: bool) -> Result<Array> {
    const OP: &str = "softmax";
    if a.dtype().is_complex() {
        return Err(Error::dtype(OP, a.dtype(), "not supported for complex64"));
    }
    if a.size() == 0 {
        // MLX returns an empty input as it is, whatever the axes.
        return Ok(a.clone());
    }
    let in_dtype = a.dtype();
    let orig = a;
    let a = astype(a, a.dtype().to_inexact())?;
    let axes = axes.into();
    let ax = axes.resolve(OP, a.ndim())?;
    // MLX's softmax kernel covers a softmax over the last axis and gives a
    // floating result; any other set of axes is a composite whose result
    // MLX casts back to the input dtype (integers included). MLX takes the
    // kernel when the axes as written (axis=None: 0..ndim) are consecutive
    // (`[1, 2]`, `[-2, -1]`; not `[2, 1]` or `[1, -1]`), end at the last
    // axis, and the ones before it have size 1 (probed in MLX 0.32.4).
    let raw: Vec<i64> = match axes.as_slice() {
        Some(r) => r.to_vec(),
        None => (0..a.ndim() as i64).collect(),
    };
    let over_last = matches!((ax.last(), a.ndim().checked_sub(1)), (Some(&l), Some(m)) if l == m)
        && raw.windows(2).all(|w| w[1] == w[0] + 1)
        && ax[..ax.len() - 1].iter().all(|&i| a.shape()[i] == 1);
    let last_axis = |x: &Array| {
        Array::from_op(
            Primitive::Softmax,
            vec![x.clone()],
            x.shape().to_vec(),
            x.dtype(),
        )
    };
    // The composite of ordinary ops: max, subtract, exp, sum, divide.
    let composite = |x: &Array| -> Result<Array> {
        let ax_i: Vec<i64> = ax.iter().map(|&i| i as i64).collect();
        let m = stop_gradient(&max(x, &ax_i, true)?)?;
        let e = exp(&subtract(x, &m)?)?;
        super::binary::divide(&e, &sum(&e, &ax_i, true)?)
    };
    let build = || {
        if over_last {
            return last_axis(&a);
        }
        if in_dtype.is_integer() && !precise {
            // MLX subtracts the maximum in the integer dtype (wrapping:
            // uint8 0 - 255 is 1) before `exp` promotes to float.
            return astype(&composite(orig)?, in_dtype);
        }
        let p = match ax.as_slice() {
            [x] => moveaxis(&last_axis(&moveaxis(&a, *x as i64, -1)?)?, -1, *x as i64)?,
            all if all.len() == a.ndim() && !all.is_empty() => {
                let dims: Vec<i64> = a.shape().iter().map(|&d| d as i64).collect();
                reshape(&last_axis(&reshape(&a, &[-1])?)?, &dims)?
            }
            _ => {
                let half = matches!(a.dtype(), Dtype::Float16 | Dtype::Bfloat16);
                if precise && half {
                    composite(&astype(&a, Dtype::Float32)?)?
                } else {
                    composite(&a)?
                }
            }
        };
        astype(&p, in_dtype)
    };
    build().map_err(|e| e.in_op(OP))
}

fn arg_reduce(op: ArgReduceOp, a: &Array, axis: Axis, keepdims: bool) -> Result<Array> {
    let name = op.name();
    if a.dtype().is_complex() {
        return Err(Error::dtype(name, a.dtype(), "not supported for complex64"));
    }
    let (input, ax) = match axis.get() {
        None => (flatten(a, 0, -1)?, 0),
        Some(x) => (a.clone(), normalize_axis(name, x, a.ndim())?),
    };
    if input.shape()[ax] == 0 {
        return Err(Error::invalid(name, "cannot reduce over an empty axis"));
    }
    let mut shape = input.shape().to_vec();
    shape.remove(ax);
    let out = Array::from_op(
        Primitive::ArgReduce { op, axis: ax },
        vec![input.clone()],
        shape,
        Dtype::Uint32,
    )?;
    if !keepdims {
        return Ok(out);
    }
    let kept: Vec<usize> = match axis.get() {
        None => vec![1; a.ndim()],
        Some(_) => {
            let mut s = input.shape().to_vec();
            s[ax] = 1;
            s
        }
    };
    keep(out, kept)
}

/// Index (`uint32`) of the first maximum along `axis` (of the flattened
/// array when `()`).
///
/// # Errors
/// `[argmax] Cannot argmax reduce zero size array.` for any empty input
/// (as MLX, whichever axis), bad axis, complex input.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 7, 7], &[3])?;
/// assert_eq!(mlx_core::ops::argmax(&a, (), false)?.item::<u32>()?, 1);
/// let e = mlx_core::ops::zeros(&[3, 0], mlx_core::Dtype::Float32)?;
/// assert!(mlx_core::ops::argmax(&e, 0, false).is_err());
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn argmax(a: &Array, axis: impl Into<Axis>, keepdims: bool) -> Result<Array> {
    if a.size() == 0 {
        // MLX refuses any empty input, before looking at the axis.
        return Err(Error::invalid(
            "argmax",
            "Cannot argmax reduce zero size array.",
        ));
    }
    arg_reduce(ArgReduceOp::ArgMax, a, axis.into(), keepdims)
}

/// Index (`uint32`) of the first minimum along `axis`.
///
/// # Errors
/// As [`argmax`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[3i32, 1, 1], &[3])?;
/// assert_eq!(mlx_core::ops::argmin(&a, (), false)?.item::<u32>()?, 1);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn argmin(a: &Array, axis: impl Into<Axis>, keepdims: bool) -> Result<Array> {
    if a.size() == 0 {
        // MLX refuses any empty input, before looking at the axis.
        return Err(Error::invalid(
            "argmin",
            "Cannot argmin reduce zero size array.",
        ));
    }
    arg_reduce(ArgReduceOp::ArgMin, a, axis.into(), keepdims)
}

/// Cumulative sum along `axis` (of the flattened array when `()`);
/// `reverse` scans from the end, `inclusive = false` shifts by one.
///
/// # Errors
/// Bad axis.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::Array::from_slice(&[1i32, 2, 3], &[3])?;
/// assert_eq!(mlx_core::ops::cumsum(&a, (), false, true)?.to_vec::<i32>()?, vec![1, 3, 6]);
/// assert_eq!(mlx_core::ops::cumsum(&a, (), true, false)?.to_vec::<i32>()?, vec![5, 3, 0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn cumsum(a: &Array, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
    let (input, ax) = match axis.into().get() {
        None => (flatten(a, 0, -1)?, 0),
        Some(x) => {
            if a.ndim() == 0 {
                return Err(Error::AxisOutOfBounds {
                    op: "cumsum",
                    axis: x,
                    ndim: 0,
                });
            }
            (a.clone(), normalize_axis("cumsum", x, a.ndim())?)
        }
    };
    // MLX keeps the dtype (small ints wrap); only bool becomes int32.
    let dtype = if a.dtype() == Dtype::Bool {
        Dtype::Int32
    } else {
        a.dtype()
    };
    let input = astype(&input, dtype)?;
    let prim = Primitive::Scan {
        op: ScanOp::Sum,
        axis: ax,
        reverse,
        inclusive,
    };
    Array::from_op(prim, vec![input.clone()], input.shape().to_vec(), dtype)
}

impl Array {
    /// Method form of [`mean`].
    ///
    /// # Errors
    /// As [`mean`].
    pub fn mean(&self, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
        mean(self, axes, keepdims)
    }
    /// Method form of [`var`].
    ///
    /// # Errors
    /// As [`var`].
    pub fn var(&self, axes: impl Into<Axes>, keepdims: bool, ddof: i64) -> Result<Array> {
        var(self, axes, keepdims, ddof)
    }
    /// Method form of [`std`](fn@std).
    ///
    /// # Errors
    /// As [`std`](fn@std).
    pub fn std(&self, axes: impl Into<Axes>, keepdims: bool, ddof: i64) -> Result<Array> {
        std(self, axes, keepdims, ddof)
    }
    /// Method form of [`logsumexp`].
    ///
    /// # Errors
    /// As [`logsumexp`].
    pub fn logsumexp(&self, axes: impl Into<Axes>, keepdims: bool) -> Result<Array> {
        logsumexp(self, axes, keepdims)
    }
    /// Method form of [`softmax`].
    ///
    /// # Errors
    /// As [`softmax`].
    pub fn softmax(&self, axes: impl Into<Axes>, precise: bool) -> Result<Array> {
        softmax(self, axes, precise)
    }
    /// Method form of [`argmax`].
    ///
    /// # Errors
    /// As [`argmax`].
    pub fn argmax(&self, axis: impl Into<Axis>, keepdims: bool) -> Result<Array> {
        argmax(self, axis, keepdims)
    }
    /// Method form of [`argmin`].
    ///
    /// # Errors
    /// As [`argmin`].
    pub fn argmin(&self, axis: impl Into<Axis>, keepdims: bool) -> Result<Array> {
        argmin(self, axis, keepdims)
    }
    /// Method form of [`cumsum`].
    ///
    /// # Errors
    /// As [`cumsum`].
    pub fn cumsum(&self, axis: impl Into<Axis>, reverse: bool, inclusive: bool) -> Result<Array> {
        cumsum(self, axis, reverse, inclusive)
    }
}
