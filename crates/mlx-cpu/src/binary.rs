//! Elementwise binary kernels and `where`.
//!
//! Both inputs arrive broadcast to the output shape (stride 0) and cast to
//! [`BinaryOp::compute_dtype`]. Each (op, dtype) pair is a monomorphised
//! closure run by [`map2`], which has tight loops for dense and
//! scalar-broadcast runs. Semantics follow MLX 0.32:
//! - integer `add`/`subtract`/`multiply`/`power` wrap;
//! - `floor_divide` rounds toward -inf, `remainder` takes the divisor's
//!   sign (Python's `%`), for integers and floats;
//! - integer division or remainder by zero gives 0 (undefined in MLX);
//!   `MIN / -1` wraps to `MIN`;
//! - integer `power` with a negative exponent gives 0, as MLX;
//! - `maximum`/`minimum` propagate NaN; complex order is lexicographic;
//! - bool arithmetic is C++'s `bool(a op b)`: `add` is or, `subtract` xor,
//!   `multiply`/`floor_divide`/`minimum` and, `remainder` false.

use crate::complex;
use crate::elementwise_walk::{alloc_out, dense, same, take_donor, Layout, OutElem, ELEMENTWISE};
use crate::scalar::{float, float_binary_bodies, int, int_binary_bodies};
use crate::unary::{FloatStore, Int};
use half::{bf16, f16};
use mlx_core::primitive::{BinaryOp, OutSpec};
use mlx_core::{Complex64, Dtype, Element, Error, HostData, Result, View};

/// Apply `f` elementwise to two strided inputs of the same shape.
#[inline]
fn map2<T, U, F>(a: &View, b: &View, f: F) -> Result<Vec<U>>
where
    T: Element,
    U: OutElem,
    F: Fn(T, T) -> U + Sync,
{
    if let Some((k, mut dst)) = take_donor::<T, U>(a.numel()) {
        // In place: input `k` is read from the donated buffer.
        let other = if k == 0 { b } else { a };
        let bo = crate::strided::buffer::<T>(other)?;
        Layout::new([other]).fill_into(&mut dst, |out: &mut [U], [so], [to]| {
            crate::simd::dispatch(
                #[inline(always)]
                || match (dense(bo, so, to, out.len()), k == 0) {
                    (Some(ys), true) => {
                        for (o, &y) in out.iter_mut().zip(ys) {
                            *o = f(same::<U, T>(*o), y);
                        }
                    }
                    (Some(ys), false) => {
                        for (o, &y) in out.iter_mut().zip(ys) {
                            *o = f(y, same::<U, T>(*o));
                        }
                    }
                    (None, _) => {
                        for (j, o) in out.iter_mut().enumerate() {
                            let (x, y) = (same::<U, T>(*o), bo[(so + j as isize * to) as usize]);
                            *o = if k == 0 { f(x, y) } else { f(y, x) };
                        }
                    }
                },
            )
        });
        return Ok(dst);
    }
    let (ba, bb) = (
        crate::strided::buffer::<T>(a)?,
        crate::strided::buffer::<T>(b)?,
    );
    let layout = Layout::new([a, b]);
    layout.fill(
        ELEMENTWISE,
        |out: &mut [U], [sa, sb]: [isize; 2], [ta, tb]: [isize; 2]| {
            let n = out.len();
            crate::simd::dispatch(
                #[inline(always)]
                || match (dense(ba, sa, ta, n), dense(bb, sb, tb, n)) {
                    (Some(xa), Some(xb)) => {
                        for ((o, &x), &y) in out.iter_mut().zip(xa).zip(xb) {
                            *o = f(x, y);
                        }
                    }
                    (None, Some(xb)) if ta == 0 => {
                        let x = ba[sa as usize];
                        for (o, &y) in out.iter_mut().zip(xb) {
                            *o = f(x, y);
                        }
                    }
                    (Some(xa), None) if tb == 0 => {
                        let y = bb[sb as usize];
                        for (o, &x) in out.iter_mut().zip(xa) {
                            *o = f(x, y);
                        }
                    }
                    _ => {
                        for (j, o) in out.iter_mut().enumerate() {
                            let j = j as isize;
                            *o = f(ba[(sa + j * ta) as usize], bb[(sb + j * tb) as usize]);
                        }
                    }
                },
            )
        },
    )
}

/// Map `a`, `b` through `f` and wrap the result.
#[inline]
fn run<T: Element, U: OutElem>(
    a: &View,
    b: &View,
    f: impl Fn(T, T) -> U + Sync,
) -> Result<HostData> {
    map2(a, b, f).map(HostData::from)
}

/// The error for an (op, dtype) pair the core should have rejected.
fn not_for(op: BinaryOp, d: Dtype) -> Error {
    Error::internal(op.name(), format!("no cpu kernel for input dtype {d}"))
}

/// Apply `op` to `a` and `b`, writing `out.dtype`.
pub(crate) fn binary(op: BinaryOp, a: &View, b: &View, out: OutSpec) -> Result<HostData> {
    debug_assert_eq!(out.dtype, op.out_dtype(a.dtype));
    match a.dtype {
        Dtype::Bool => bool_binary(op, a, b),
        Dtype::Uint8 => int_binary::<u8>(op, a, b),
        Dtype::Uint16 => int_binary::<u16>(op, a, b),
        Dtype::Uint32 => int_binary::<u32>(op, a, b),
        Dtype::Uint64 => int_binary::<u64>(op, a, b),
        Dtype::Int8 => int_binary::<i8>(op, a, b),
        Dtype::Int16 => int_binary::<i16>(op, a, b),
        Dtype::Int32 => int_binary::<i32>(op, a, b),
        Dtype::Int64 => int_binary::<i64>(op, a, b),
        Dtype::Float16 => float_binary::<f16>(op, a, b),
        Dtype::Bfloat16 => float_binary::<bf16>(op, a, b),
        Dtype::Float32 => float_binary::<f32>(op, a, b),
        Dtype::Float64 => float_binary::<f64>(op, a, b),
        Dtype::Complex64 => complex_binary(op, a, b),
    }
}

/// Comparisons of any totally or partially ordered element type.
fn compare<T: Element + PartialOrd>(op: BinaryOp, a: &View, b: &View) -> Result<HostData> {
    use BinaryOp::*;
    match op {
        Equal => run(a, b, |x: T, y: T| x == y),
        NotEqual => run(a, b, |x: T, y: T| x != y),
        Less => run(a, b, |x: T, y: T| x < y),
        LessEqual => run(a, b, |x: T, y: T| x <= y),
        Greater => run(a, b, |x: T, y: T| x > y),
        GreaterEqual => run(a, b, |x: T, y: T| x >= y),
        Add | Subtract | Multiply | Divide | FloorDivide | Remainder | Power | Maximum
        | Minimum | ArcTan2 | LogAddExp | LogicalAnd | LogicalOr | BitwiseAnd | BitwiseOr
        | BitwiseXor | LeftShift | RightShift => Err(not_for(op, T::DTYPE)),
    }
}

/// Binary ops on bool, as C++ computes `bool(int(a) op int(b))`.
fn bool_binary(op: BinaryOp, a: &View, b: &View) -> Result<HostData> {
    use BinaryOp::*;
    match op {
        Add | Maximum | LogicalOr | BitwiseOr => run(a, b, |x: bool, y: bool| x | y),
        Subtract | BitwiseXor => run(a, b, |x: bool, y: bool| x ^ y),
        Multiply | FloorDivide | Minimum | LogicalAnd | BitwiseAnd => {
            run(a, b, |x: bool, y: bool| x & y)
        }
        Remainder => run(a, b, |_: bool, _: bool| false),
        Power => run(a, b, |x: bool, y: bool| x | !y),
        Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual => compare::<bool>(op, a, b),
        Divide | ArcTan2 | LogAddExp | LeftShift | RightShift => Err(not_for(op, Dtype::Bool)),
    }
}

/// Binary ops on integers.
fn int_binary<T: Int>(op: BinaryOp, a: &View, b: &View) -> Result<HostData> {
    use BinaryOp::*;
    /// The arms of every op with a body in `scalar::int`, then the rest.
    macro_rules! arms {
        ($($o:ident => $f:ident),* $(,)?) => {
            match op {
                $($o => run(a, b, int::$f::<T>),)*
                LogicalAnd => run(a, b, |x: T, y: T| x != T::ZERO && y != T::ZERO),
                LogicalOr => run(a, b, |x: T, y: T| x != T::ZERO || y != T::ZERO),
                Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual => {
                    compare::<T>(op, a, b)
                }
                Divide | ArcTan2 | LogAddExp => Err(not_for(op, T::DTYPE)),
            }
        };
    }
    int_binary_bodies!(arms)
}

/// Binary ops on a float dtype, computed in its [`FloatStore::C`].
fn float_binary<S: FloatStore>(op: BinaryOp, a: &View, b: &View) -> Result<HostData> {
    use BinaryOp::*;
    /// Lift `f` on the compute type to the stored type.
    macro_rules! lift {
        (|$x:ident, $y:ident| $e:expr) => {
            run(a, b, |p: S, q: S| {
                let ($x, $y) = (p.up(), q.up());
                S::down($e)
            })
        };
    }
    /// Lift a predicate on the compute type.
    macro_rules! pred {
        (|$x:ident, $y:ident| $e:expr) => {
            run(a, b, |p: S, q: S| {
                let ($x, $y) = (p.up(), q.up());
                $e
            })
        };
    }
    let zero = <S::C as num_traits::Zero>::zero();
    /// The arms of every op with a body in `scalar::float`, then the rest.
    macro_rules! arms {
        ($($o:ident => $f:ident),* $(,)?) => {
            match op {
                $($o => lift!(|x, y| float::$f(x, y)),)*
                // MLX divides float16/bfloat16 in their own precision: the
                // quotient is rounded to `S` before the floor (4096 / 2.5996
                // is 1576 in float16, 1575 in float32).
                FloorDivide => run(a, b, |p: S, q: S| S::down(half_floor_divide::<S>(p, q))),
                Equal => pred!(|x, y| x == y),
                NotEqual => pred!(|x, y| x != y),
                Less => pred!(|x, y| x < y),
                LessEqual => pred!(|x, y| x <= y),
                Greater => pred!(|x, y| x > y),
                GreaterEqual => pred!(|x, y| x >= y),
                LogicalAnd => pred!(|x, y| x != zero && y != zero),
                LogicalOr => pred!(|x, y| x != zero || y != zero),
                BitwiseAnd | BitwiseOr | BitwiseXor | LeftShift | RightShift => {
                    Err(not_for(op, S::DTYPE))
                }
            }
        };
    }
    float_binary_bodies!(arms)
}

/// `floor(x / y)` with the quotient rounded to the stored type `S` first
/// (a no-op for `float32`/`float64`).
#[inline(always)]
fn half_floor_divide<S: FloatStore>(p: S, q: S) -> S::C {
    float::floor_divide(p.up(), q.up(), |c| S::down(c).up())
}

/// Lexicographic order of complex numbers (real part, then imaginary), as
/// MLX orders them.
#[inline]
fn complex_lt(x: Complex64, y: Complex64) -> bool {
    x.re < y.re || (x.re == y.re && x.im < y.im)
}

/// Binary ops on `complex64`.
fn complex_binary(op: BinaryOp, a: &View, b: &View) -> Result<HostData> {
    use BinaryOp::*;
    type C = Complex64;
    let nz = |z: C| z.re != 0.0 || z.im != 0.0;
    match op {
        Add => run(a, b, |x: C, y: C| x + y),
        Subtract => run(a, b, |x: C, y: C| x - y),
        Multiply => run(a, b, complex::mul),
        Divide => run(a, b, complex::div),
        Power => run(a, b, complex::pow),
        Maximum => run(a, b, |x: C, y: C| if complex_lt(x, y) { y } else { x }),
        Minimum => run(a, b, |x: C, y: C| if complex_lt(y, x) { y } else { x }),
        Equal => run(a, b, |x: C, y: C| x == y),
        NotEqual => run(a, b, |x: C, y: C| x != y),
        Less => run(a, b, complex_lt),
        LessEqual => run(a, b, |x: C, y: C| !complex_lt(y, x)),
        Greater => run(a, b, |x: C, y: C| complex_lt(y, x)),
        GreaterEqual => run(a, b, |x: C, y: C| !complex_lt(x, y)),
        LogicalAnd => run(a, b, move |x: C, y: C| nz(x) && nz(y)),
        LogicalOr => run(a, b, move |x: C, y: C| nz(x) || nz(y)),
        // MLX's complex floor_divide is plain division.
        FloorDivide => run(a, b, complex::div),
        LogAddExp => run(a, b, complex_log_add_exp),
        Remainder | ArcTan2 | BitwiseAnd | BitwiseOr | BitwiseXor | LeftShift | RightShift => {
            Err(not_for(op, Dtype::Complex64))
        }
    }
}

/// MLX's complex `logaddexp`: `max + log1p(exp(min - max))` with the
/// lexicographic order; NaN in any part gives `nan+nanj`.
#[inline]
fn complex_log_add_exp(x: Complex64, y: Complex64) -> Complex64 {
    if x.re.is_nan() || x.im.is_nan() || y.re.is_nan() || y.im.is_nan() {
        return Complex64::new(f32::NAN, f32::NAN);
    }
    let hi = if complex_lt(y, x) { x } else { y };
    let lo = if complex_lt(x, y) { x } else { y };
    if lo.re == f32::NEG_INFINITY || hi.re == f32::INFINITY {
        return hi;
    }
    let m = (lo.re - hi.re).exp();
    let d = lo.im - hi.im;
    hi + complex::log1p(Complex64::new(m * d.cos(), m * d.sin()))
}

/// `f` giving two results per element pair, in one walk of the inputs.
fn map2_pair<T, F>(a: &View, b: &View, f: F) -> Result<(HostData, HostData)>
where
    T: OutElem,
    F: Fn(T, T) -> (T, T) + Sync,
{
    let (ba, bb) = (
        crate::strided::buffer::<T>(a)?,
        crate::strided::buffer::<T>(b)?,
    );
    let layout = Layout::new([a, b]);
    let n = a.numel();
    let mut q = alloc_out::<T>("divmod", n)?;
    let mut r = alloc_out::<T>("divmod", n)?;
    layout.fill_pair_into(&mut q, &mut r, |q, r, [sa, sb], [ta, tb]| {
        for (j, (qo, ro)) in q.iter_mut().zip(r.iter_mut()).enumerate() {
            let j = j as isize;
            (*qo, *ro) = f(ba[(sa + j * ta) as usize], bb[(sb + j * tb) as usize]);
        }
    });
    Ok((HostData::from(q), HostData::from(r)))
}

/// `(floor_divide(a, b), remainder(a, b))` in one kernel (MLX's `DivMod`);
/// both inputs have the outputs' shape and dtype.
pub(crate) fn divmod(a: &View, b: &View) -> Result<(HostData, HostData)> {
    fn int<T: Int + OutElem>(a: &View, b: &View) -> Result<(HostData, HostData)> {
        map2_pair(a, b, |x: T, y: T| {
            (int::floor_divide(x, y), int::remainder(x, y))
        })
    }
    fn float<S: FloatStore + OutElem>(a: &View, b: &View) -> Result<(HostData, HostData)> {
        map2_pair(a, b, |p: S, q: S| {
            (
                S::down(half_floor_divide::<S>(p, q)),
                S::down(float::remainder(p.up(), q.up())),
            )
        })
    }
    match a.dtype {
        Dtype::Bool => map2_pair(a, b, |x: bool, y: bool| (x & y, false)),
        Dtype::Uint8 => int::<u8>(a, b),
        Dtype::Uint16 => int::<u16>(a, b),
        Dtype::Uint32 => int::<u32>(a, b),
        Dtype::Uint64 => int::<u64>(a, b),
        Dtype::Int8 => int::<i8>(a, b),
        Dtype::Int16 => int::<i16>(a, b),
        Dtype::Int32 => int::<i32>(a, b),
        Dtype::Int64 => int::<i64>(a, b),
        Dtype::Float16 => float::<f16>(a, b),
        Dtype::Bfloat16 => float::<bf16>(a, b),
        Dtype::Float32 => float::<f32>(a, b),
        Dtype::Float64 => float::<f64>(a, b),
        Dtype::Complex64 => Err(Error::internal("divmod", "complex type not supported")),
    }
}

/// `where(cond, x, y)`: `x` where `cond` is true, else `y`.
pub(crate) fn select(c: &View, x: &View, y: &View, out: OutSpec) -> Result<HostData> {
    mlx_core::with_dtype!(out.dtype, T => select_typed::<T>(c, x, y).map(HostData::from))
}

/// [`select`] for one element type.
fn select_typed<T: OutElem>(c: &View, x: &View, y: &View) -> Result<Vec<T>> {
    let bc = crate::strided::buffer::<bool>(c)?;
    if let Some((k, mut dst)) = take_donor::<T, T>(c.numel()) {
        // In place: input `k` (x or y) is read from the donated buffer.
        let other = if k == 1 { y } else { x };
        let bo = crate::strided::buffer::<T>(other)?;
        Layout::new([c, other]).fill_into(&mut dst, |out: &mut [T], [sc, so], [tc, to]| {
            for (j, o) in out.iter_mut().enumerate() {
                let j = j as isize;
                let (cond, v) = (bc[(sc + j * tc) as usize], bo[(so + j * to) as usize]);
                if cond != (k == 1) {
                    *o = v;
                }
            }
        });
        return Ok(dst);
    }
    let (bx, by) = (
        crate::strided::buffer::<T>(x)?,
        crate::strided::buffer::<T>(y)?,
    );
    let layout = Layout::new([c, x, y]);
    layout.fill(
        ELEMENTWISE,
        |out: &mut [T], [sc, sx, sy]: [isize; 3], [tc, tx, ty]: [isize; 3]| {
            let n = out.len();
            match (
                dense(bc, sc, tc, n),
                dense(bx, sx, tx, n),
                dense(by, sy, ty, n),
            ) {
                (Some(vc), Some(vx), Some(vy)) => {
                    for (((o, &k), &p), &q) in out.iter_mut().zip(vc).zip(vx).zip(vy) {
                        *o = if k { p } else { q };
                    }
                }
                _ => {
                    for (j, o) in out.iter_mut().enumerate() {
                        let j = j as isize;
                        *o = if bc[(sc + j * tc) as usize] {
                            bx[(sx + j * tx) as usize]
                        } else {
                            by[(sy + j * ty) as usize]
                        };
                    }
                }
            }
        },
    )
}
