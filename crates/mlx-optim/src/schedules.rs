//! Learning-rate schedules (MLX's `mlx.optimizers.schedulers`): functions
//! of the step, a `uint64` scalar array, returning a `float32` scalar.

use crate::optimizer::scalar_pow;
use crate::Schedule;
use mlx_core::ops::{cos, floor_divide, full, less, minimum, where_};
use mlx_core::{Array, Dtype, Error, Result};
use std::sync::Arc;

fn u64_like(v: u64, step: &Array) -> Result<Array> {
    full((), v, step.dtype())
}

/// `init * decay_rate^step`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let s = mlx_optim::exponential_decay(0.1, 0.9);
/// let v = s(&mlx_core::Array::from_scalar(5u64))?.item::<f32>()?;
/// assert!((v - 0.059049).abs() < 1e-6); // MLX 0.32.4: 0.0590490
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn exponential_decay(init: f64, decay_rate: f64) -> Schedule {
    Arc::new(move |step: &Array| init * &scalar_pow(decay_rate, step)?)
}

/// `init * decay_rate^(step / step_size)` (integer division).
///
/// # Errors
/// `[step_decay] step_size must be greater than 0, but got 0.`
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let s = mlx_optim::step_decay(0.1, 0.9, 10)?;
/// let v = s(&mlx_core::Array::from_scalar(21u64))?.item::<f32>()?;
/// assert!((v - 0.081).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn step_decay(init: f64, decay_rate: f64, step_size: u64) -> Result<Schedule> {
    if step_size < 1 {
        return Err(Error::invalid(
            "step_decay",
            format!("step_size must be greater than 0, but got {step_size}."),
        ));
    }
    Ok(Arc::new(move |step: &Array| {
        let k = floor_divide(step, &u64_like(step_size, step)?)?;
        init * &scalar_pow(decay_rate, &k)?
    }))
}

/// Cosine decay from `init` to `end` over `decay_steps`, then constant.
///
/// # Errors
/// `[cosine_decay] decay_steps must be greater than 0, but got 0.`
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let s = mlx_optim::cosine_decay(0.1, 1000, 0.0)?;
/// let v = s(&mlx_core::Array::from_scalar(5u64))?.item::<f32>()?;
/// assert!((v - 0.0999938).abs() < 1e-6); // MLX 0.32.4: 0.0999938
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn cosine_decay(init: f64, decay_steps: u64, end: f64) -> Result<Schedule> {
    if decay_steps < 1 {
        return Err(Error::invalid(
            "cosine_decay",
            format!("decay_steps must be greater than 0, but got {decay_steps}."),
        ));
    }
    Ok(Arc::new(move |step: &Array| {
        let s = minimum(step, &u64_like(decay_steps, step)?)?;
        let s = s.as_type(Dtype::Float32)?;
        let angle = ((std::f64::consts::PI / decay_steps as f64) * &s)?;
        let decay = (0.5f64 * &(1.0f64 + &cos(&angle)?)?)?;
        end + &(&decay * (init - end))?
    }))
}

/// Linear from `init` to `end` over `steps`, then `end`.
///
/// # Errors
/// `[linear_schedule] steps must be greater than 0, but got 0.`
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let s = mlx_optim::linear_schedule(0.0, 0.1, 100)?;
/// let v = s(&mlx_core::Array::from_scalar(101u64))?.item::<f32>()?;
/// assert!((v - 0.1).abs() < 1e-6);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn linear_schedule(init: f64, end: f64, steps: u64) -> Result<Schedule> {
    if steps < 1 {
        return Err(Error::invalid(
            "linear_schedule",
            format!("steps must be greater than 0, but got {steps}."),
        ));
    }
    Ok(Arc::new(move |step: &Array| {
        let s = minimum(step, &u64_like(steps, step)?)?.as_type(Dtype::Float32)?;
        (&s * ((end - init) / steps as f64))? + init
    }))
}

/// Join schedules: schedule `i + 1` takes over at `boundaries[i]` and sees
/// the steps since that boundary.
///
/// # Errors
/// `[join_schedules] Must provide at least 1 schedule to join.` and
/// `[join_schedules] Received 2 boundaries but expected 1.`
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_optim::{cosine_decay, join_schedules, linear_schedule};
/// let s = join_schedules(
///     vec![linear_schedule(0.0, 0.1, 10)?, cosine_decay(0.1, 200, 0.0)?],
///     &[10],
/// )?;
/// let v = s(&mlx_core::Array::from_scalar(12u64))?.item::<f32>()?;
/// assert!((v - 0.0999753).abs() < 1e-6); // MLX 0.32.4: 0.0999753
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn join_schedules(schedules: Vec<Schedule>, boundaries: &[u64]) -> Result<Schedule> {
    if schedules.is_empty() {
        return Err(Error::invalid(
            "join_schedules",
            "Must provide at least 1 schedule to join.",
        ));
    }
    if schedules.len() != boundaries.len() + 1 {
        return Err(Error::invalid(
            "join_schedules",
            format!(
                "Received {} boundaries but expected {}.",
                boundaries.len(),
                schedules.len() - 1
            ),
        ));
    }
    let boundaries = boundaries.to_vec();
    Ok(Arc::new(move |step: &Array| {
        let mut out = schedules[0](step)?;
        for (b, s) in boundaries.iter().zip(&schedules[1..]) {
            let bb = u64_like(*b, step)?;
            let later = s(&(step - &bb)?)?;
            out = where_(&less(step, &bb)?, &out, &later)?;
        }
        Ok(out)
    }))
}
