//! Cumulative ops ([`ScanOp`]: `cumsum`, `cumprod`, `cummax`, `cummin`,
//! `logcumsumexp`) and their derivative rules.

use crate::ops::slice_axis;
use crate::ops::{
    arange_f64, concatenate, cummax, cummin, cumprod, cumsum, equal, exp, full, greater,
    logcumsumexp, logical_and, not_equal, reshape, take_along_axis, where_, zeros,
};
use crate::{Array, Dtype, Result};

/// A cumulative op along one axis; input and output dtypes are equal.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// assert_eq!(mlx_core::primitive::ScanOp::Sum.name(), "cumsum");
/// assert_eq!(mlx_core::primitive::ScanOp::LogAddExp.name(), "logcumsumexp");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScanOp {
    /// Running sum (0 before the first element).
    Sum,
    /// Running product (1 before the first element).
    Prod,
    /// Running maximum, NaN-propagating (lowest value before the first).
    Max,
    /// Running minimum, NaN-propagating (highest value before the first).
    Min,
    /// Running `log(sum(exp(x)))` of floats (`-inf` before the first).
    LogAddExp,
}

impl ScanOp {
    /// MLX's op name.
    pub const fn name(self) -> &'static str {
        match self {
            ScanOp::Sum => "cumsum",
            ScanOp::Prod => "cumprod",
            ScanOp::Max => "cummax",
            ScanOp::Min => "cummin",
            ScanOp::LogAddExp => "logcumsumexp",
        }
    }

    /// The same scan of `a` (used by the rules).
    fn apply(self, a: &Array, axis: usize, reverse: bool, inclusive: bool) -> Result<Array> {
        let ax = Some(axis as i64);
        match self {
            ScanOp::Sum => cumsum(a, ax, reverse, inclusive),
            ScanOp::Prod => cumprod(a, ax, reverse, inclusive),
            ScanOp::Max => cummax(a, ax, reverse, inclusive),
            ScanOp::Min => cummin(a, ax, reverse, inclusive),
            ScanOp::LogAddExp => logcumsumexp(a, ax, reverse, inclusive),
        }
    }

    /// The cotangent of the input `x` of a scan along `axis` given its
    /// output `out` and the output's cotangent `g` (MLX's `vjp`). `cumsum`
    /// scans `g` the other way; `cumprod` treats the first zero of each
    /// line as MLX does; `cummax`/`cummin` send each output's cotangent to
    /// the element it copied (the latest in scan order among ties);
    /// `logcumsumexp` uses a stable log-domain form.
    ///
    /// # Errors
    /// Errors of the ops that build the rule.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::ScanOp, Array};
    /// let x = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3])?;
    /// let g = Array::from_slice(&[1.0f32, 1.0, 1.0], &[3])?;
    /// let out = x.cumsum(0, false, true)?;
    /// let d = ScanOp::Sum.vjp(&x, &out, 0, false, true, &g)?;
    /// assert_eq!(d.to_vec::<f32>()?, vec![3.0, 2.0, 1.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn vjp(
        self,
        x: &Array,
        out: &Array,
        axis: usize,
        reverse: bool,
        inclusive: bool,
        g: &Array,
    ) -> Result<Array> {
        let ax = Some(axis as i64);
        match self {
            ScanOp::Sum => cumsum(g, ax, !reverse, inclusive),
            ScanOp::Prod => cumprod_vjp(x, out, axis, reverse, inclusive, g),
            ScanOp::Max | ScanOp::Min => {
                let src = extreme_source(self, x, axis, reverse)?;
                let gs = if inclusive {
                    g.clone()
                } else {
                    shift(g, axis, reverse)?
                };
                super::indexing::gather_axis_vjp(x, &src, axis, &gs)
            }
            ScanOp::LogAddExp => {
                // dx_j = sum_k g_k exp(x_j - out_k) over the k that see j.
                let part = |lg: &Array| -> Result<Array> {
                    let s = logcumsumexp(&(lg - out)?, ax, !reverse, inclusive)?;
                    exp(&(s + x)?)
                };
                let (pos, neg) = signed_logs(g)?;
                part(&pos)? - part(&neg)?
            }
        }
    }

    /// Tangent of the output given the input's tangent `t`. `cumprod`'s
    /// is exact at zeros (MLX has no `jvp` for `cumprod`, `cummax` or
    /// `cummin`).
    ///
    /// # Errors
    /// As [`ScanOp::vjp`].
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{primitive::ScanOp, Array};
    /// let x = Array::from_slice(&[1.0f32, 2.0], &[2])?;
    /// let t = Array::from_slice(&[1.0f32, 1.0], &[2])?;
    /// let out = x.cumsum(0, false, true)?;
    /// assert_eq!(ScanOp::Sum.jvp(&x, &out, 0, false, true, &t)?.to_vec::<f32>()?, vec![1.0, 2.0]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn jvp(
        self,
        x: &Array,
        out: &Array,
        axis: usize,
        reverse: bool,
        inclusive: bool,
        t: &Array,
    ) -> Result<Array> {
        let ax = Some(axis as i64);
        match self {
            ScanOp::Sum => cumsum(t, ax, reverse, inclusive),
            ScanOp::Prod => cumprod_jvp(x, out, axis, reverse, inclusive, t),
            ScanOp::Max | ScanOp::Min => {
                let src = extreme_source(self, x, axis, reverse)?;
                let picked = take_along_axis(t, &src, ax)?;
                if inclusive {
                    Ok(picked)
                } else {
                    shift(&picked, axis, !reverse)
                }
            }
            ScanOp::LogAddExp => {
                // dout_k = sum_j t_j exp(x_j - out_k) over the j that k sees.
                let part = |lt: &Array| -> Result<Array> {
                    let s = logcumsumexp(&(lt + x)?, ax, reverse, inclusive)?;
                    exp(&(s - out)?)
                };
                let (pos, neg) = signed_logs(t)?;
                let d = (part(&pos)? - part(&neg)?)?;
                // An empty exclusive prefix (out = -inf) has a zero tangent.
                let empty = equal(out, &full((), f64::NEG_INFINITY, out.dtype())?)?;
                where_(&empty, &zeros((), d.dtype())?, &d)
            }
        }
    }
}

/// `log(max(v, 0))` and `log(max(-v, 0))` (`-inf` where the sign differs).
fn signed_logs(v: &Array) -> Result<(Array, Array)> {
    let z = zeros((), v.dtype())?;
    let ninf = full((), f64::NEG_INFINITY, v.dtype())?;
    let lp = where_(&greater(v, &z)?, &crate::ops::log(v)?, &ninf)?;
    let nv = (-v)?;
    let ln = where_(&greater(&nv, &z)?, &crate::ops::log(&nv)?, &ninf)?;
    Ok((lp, ln))
}

/// `a` moved one step along `axis` (towards the end when `forward`), the
/// vacated entry zero.
fn shift(a: &Array, axis: usize, forward: bool) -> Result<Array> {
    let n = a.shape()[axis];
    if n == 0 {
        return Ok(a.clone());
    }
    let mut pad_shape = a.shape().to_vec();
    pad_shape[axis] = 1;
    let pad = zeros(&pad_shape, a.dtype())?;
    let ax = axis as i64;
    if forward {
        let part = slice_axis(a, axis, 0, n as i64 - 1)?;
        concatenate(&[&pad, &part], ax)
    } else {
        let part = slice_axis(a, axis, 1, n as i64)?;
        concatenate(&[&part, &pad], ax)
    }
}

/// For each position of an inclusive `cummax`/`cummin` along `axis`, the
/// index of the input element it copied (the latest in scan order among
/// equal values), as `int32`.
fn extreme_source(op: ScanOp, x: &Array, axis: usize, reverse: bool) -> Result<Array> {
    let n = x.shape()[axis];
    let incl = op.apply(x, axis, reverse, true)?;
    let hit = equal(x, &incl)?;
    let mut pos_shape = vec![1i64; x.ndim()];
    pos_shape[axis] = n as i64;
    let pos = reshape(&arange_f64(0.0, n as f64, 1.0, Dtype::Int32)?, &pos_shape)?;
    let ax = Some(axis as i64);
    if reverse {
        let miss = full((), n.saturating_sub(1) as f64, Dtype::Int32)?;
        cummin(&where_(&hit, &pos, &miss)?, ax, true, true)
    } else {
        let miss = zeros((), Dtype::Int32)?;
        cummax(&where_(&hit, &pos, &miss)?, ax, false, true)
    }
}

/// MLX's `cumprod` vjp: the usual `cumsum(out * g) / x` before the first
/// zero of a line, a recomputation with that zero set to one at it, and
/// zero after it.
fn cumprod_vjp(
    x: &Array,
    out: &Array,
    axis: usize,
    reverse: bool,
    inclusive: bool,
    g: &Array,
) -> Result<Array> {
    let ax = Some(axis as i64);
    let mut excl = cumprod(x, ax, reverse, !inclusive)?;
    let mut incl = out.clone();
    if !inclusive {
        std::mem::swap(&mut excl, &mut incl);
    }
    let z = zeros((), x.dtype())?;
    let one = full((), 1.0, x.dtype())?;
    let eq_zero = equal(&incl, &z)?;
    let first_zero = logical_and(&eq_zero, &not_equal(&excl, &z)?)?;
    let partial = |arr: &Array| cumsum(&(arr * g)?, ax, !reverse, inclusive);
    let with_one = cumprod(&where_(&first_zero, &one, x)?, ax, reverse, inclusive)?;
    let grad_with_one = partial(&with_one)?;
    let grad = (partial(out)? / x)?;
    where_(&first_zero, &grad_with_one, &where_(&eq_zero, &z, &grad)?)
}

/// `cumprod`'s tangent: `out * cumsum(t / x)` before the first zero of a
/// line; after exactly one zero only that element's term survives
/// (`t_z` times the product with `x_z` read as one); after two, zero.
fn cumprod_jvp(
    x: &Array,
    out: &Array,
    axis: usize,
    reverse: bool,
    inclusive: bool,
    t: &Array,
) -> Result<Array> {
    let ax = Some(axis as i64);
    let z = zeros((), x.dtype())?;
    let one = full((), 1.0, x.dtype())?;
    let is_zero = equal(x, &z)?;
    let zeros_through = cumsum(&is_zero.as_type(Dtype::Int32)?, ax, reverse, true)?;
    let first_zero = logical_and(
        &is_zero,
        &equal(&zeros_through, &full((), 1.0, Dtype::Int32)?)?,
    )?;
    let seen = cumsum(&is_zero.as_type(Dtype::Int32)?, ax, reverse, inclusive)?;
    let safe_x = where_(&is_zero, &one, x)?;
    let before = (out * cumsum(&(t / &safe_x)?, ax, reverse, inclusive)?)?;
    let t_z = cumsum(&where_(&first_zero, t, &z)?, ax, reverse, inclusive)?;
    let rest = cumprod(&where_(&first_zero, &one, x)?, ax, reverse, inclusive)?;
    let after_one = (t_z * rest)?;
    let n_seen = |k: f64| equal(&seen, &full((), k, Dtype::Int32)?);
    where_(
        &n_seen(0.0)?,
        &before,
        &where_(&n_seen(1.0)?, &after_one, &z)?,
    )
}
