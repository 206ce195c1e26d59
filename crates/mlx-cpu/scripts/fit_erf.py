"""Fit the coefficients of `erf_f32` in crates/mlx-cpu/src/simd.rs.

Two pieces, both without a division:
  |x| <  C: erf(x) = x + x * R(x^2),        R(s) ~ erf(x)/x - 1
  |x| >= C: erf(x) = 1 - exp(-P(|x|)),      P(t) ~ -ln(erfc(t)),  t <= T_MAX
Each polynomial is a weighted minimax fit (Lawson's iteratively reweighted
least squares in a Chebyshev basis) with the weight that turns its error
into ulps of erf: R's absolute error is erf's relative error, and P's
absolute error times erfc(t) is erf's absolute error. The coefficients are
rounded to f32 one at a time from the leading one, refitting the rest after
each rounding. The script prints the coefficients and the worst error in ulp
of a float32 Horner evaluation (numpy, separate multiply and add) against
math.erf on a dense grid.  Run: python3 crates/mlx-cpu/scripts/fit_erf.py
"""
import math

import numpy as np

C = 0.921875
T_MAX = 4.0


def lawson(x, f, w, deg, fixed=(), iters=60):
    """Monomial coefficients (highest first) of the weighted minimax
    polynomial of degree `deg`; `fixed` holds already rounded leading
    coefficients."""
    k = len(fixed)
    resid = f - sum(c * x ** (deg - i) for i, c in enumerate(fixed))
    lo, hi = x.min(), x.max()
    u = (2 * x - lo - hi) / (hi - lo)
    basis = np.polynomial.chebyshev.chebvander(u, deg - k)
    lw = np.ones_like(x) / len(x)
    for _ in range(iters):
        sw = np.sqrt(lw) * w
        coef, *_ = np.linalg.lstsq(basis * sw[:, None], resid * sw, rcond=None)
        err = np.abs(basis @ coef - resid) * w
        lw = lw * err
        lw /= lw.sum()
    # Chebyshev in u -> monomial in x.
    cheb = np.polynomial.Chebyshev(coef, domain=[lo, hi])
    mono = cheb.convert(kind=np.polynomial.Polynomial).coef[::-1]
    return list(fixed) + list(mono)


def rounded_fit(x, f, w, deg):
    fixed = []
    for _ in range(deg + 1):
        coef = lawson(x, f, w, deg, fixed)
        fixed.append(float(np.float32(coef[len(fixed)])))
    return fixed


def horner32(coef, x):
    acc = np.full_like(x, np.float32(coef[0]))
    for c in coef[1:]:
        acc = (acc * x + np.float32(c)).astype(np.float32)
    return acc


def ulp_error(y32, want):
    y = y32.astype(np.float64)
    ulp = np.spacing(np.abs(want).astype(np.float32)).astype(np.float64)
    return np.abs(y - want) / ulp


def main():
    n = 200_000
    # Small piece, in s = x^2 (x in (0, C)).
    xs = np.linspace(1e-4, C, n)
    s = xs * xs
    r = np.array([math.erf(v) / v - 1 for v in xs])
    rc = rounded_fit(s, r, np.ones_like(s), 6)
    # Large piece, in t.
    t = np.linspace(C, T_MAX, n)
    erfc = np.array([math.erfc(v) for v in t])
    p = -np.log(erfc)
    pc = rounded_fit(t, p, erfc, 7)
    print("R (highest power of s first):", [f"{c:.9e}" for c in rc])
    print("P (highest power of t first):", [f"{c:.9e}" for c in pc])
    # Check in float32 (exp in f64, rounded: ours is within 2 ulp).
    x = np.linspace(0, 6, 2_000_001).astype(np.float32)
    want = np.array([math.erf(float(v)) for v in x])
    x2 = (x * x).astype(np.float32)
    small = (x + x * horner32(rc, x2)).astype(np.float32)
    tt = np.minimum(x, np.float32(T_MAX))
    e = np.exp(-horner32(pc, tt).astype(np.float64)).astype(np.float32)
    large = (np.float32(1) - e).astype(np.float32)
    y = np.where(x < C, small, large)
    err = ulp_error(y, want)
    i = np.argmax(err)
    print(f"worst {err[i]:.3f} ulp at x = {x[i]:.7g} "
          f"(small piece {err[x < C].max():.3f}, large {err[x >= C].max():.3f})")


if __name__ == "__main__":
    main()
