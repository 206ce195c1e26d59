//! A lazy Cholesky factorisation built from ops, for the covariance of
//! `multivariate_normal` (MLX takes an SVD, which this port lacks).

use super::continuous::scalar;
use crate::ops::{
    arange_f64, greater, greater_equal, matmul, maximum, multiply, sqrt, squeeze, stack, subtract,
    take, where_,
};
use crate::{Array, Dtype, Result};

/// Column `j` of `a` (`[.., n, n]`), as `[.., n]`.
fn column(a: &Array, j: usize) -> Result<Array> {
    take(a, &Array::from_slice(&[j as i32], &[])?, -1)
}

/// The lower-triangular `L` with `a = L Lᵀ` for symmetric positive
/// semi-definite float32 matrices `a` of shape `[.., n, n]`, column by
/// column (Cholesky–Banachiewicz). A pivot at or below `1e-6` of its
/// diagonal entry (a singular direction) gives a zero column, so
/// semi-definite matrices factor too.
pub(crate) fn cholesky_lower(a: &Array) -> Result<Array> {
    let n = a.shape()[a.ndim() - 1];
    if n == 0 {
        return Ok(a.clone());
    }
    let rows = arange_f64(0.0, n as f64, 1.0, Dtype::Int32)?;
    let zero = scalar(0.0, Dtype::Float32)?;
    let mut cols: Vec<Array> = Vec::with_capacity(n);
    for j in 0..n {
        let aj = column(a, j)?;
        let mut c = aj.clone();
        if j > 0 {
            let refs: Vec<&Array> = cols.iter().collect();
            let prev = stack(&refs, -1)?; // [.., n, j]
            let row_j = take(&prev, &Array::from_slice(&[j as i32], &[])?, -2)?;
            let proj = matmul(&prev, &row_j.expand_dims(&[-1])?)?;
            c = subtract(&c, &squeeze(&proj, &[-1])?)?;
        }
        let jj = Array::from_slice(&[j as i32], &[])?;
        let d = take(&c, &jj, -1)?.expand_dims(&[-1])?;
        let diag = take(&aj, &jj, -1)?.expand_dims(&[-1])?;
        let pivot = sqrt(&maximum(&d, &zero)?)?;
        let live = greater(&d, &multiply(&diag, &scalar(1e-6, Dtype::Float32)?)?)?;
        let below = greater_equal(&rows, &scalar(j as f64, Dtype::Int32)?)?;
        let keep = crate::ops::logical_and(&live, &below)?;
        let safe = where_(&live, &pivot, &scalar(1.0, Dtype::Float32)?)?;
        cols.push(where_(&keep, &(&c / &safe)?, &zero)?);
    }
    let refs: Vec<&Array> = cols.iter().collect();
    stack(&refs, -1)
}
