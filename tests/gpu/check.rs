//! The GPU device check, the property runner, and the CPU-vs-GPU
//! comparison with its tolerances and failure messages.

use crate::strategies::{Domain, InputSpec};
use mlx::{Array, Device, Dtype, HostData};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

/// The GPU device, or `None` when GPU tests are skipped (see
/// [`mlx_tests::gpu_device`]).
pub fn gpu() -> Option<Device> {
    mlx_tests::gpu_device()
}

/// Every test holds this while it uses the GPU, so tests of this binary
/// use the GPU one at a time even when the harness runs them on several
/// threads: concurrent evals share the device's encoder and buffer pool
/// (`threads.rs` and `errors.rs` test concurrency on purpose). A failure
/// then points at a kernel, not at another test.
static GPU_LOCK: Mutex<()> = Mutex::new(());

/// Exclusive use of the GPU for the rest of the scope.
pub fn gpu_lock() -> MutexGuard<'static, ()> {
    GPU_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Run a property for `cases` random cases on the GPU (returns early when
/// GPU tests are skipped). Failures persist nowhere; shrinking is bounded
/// because every case runs kernels on a possibly slow GPU.
pub fn check<S>(
    cases: u32,
    strategy: S,
    test: impl Fn(Device, S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    if let Err(e) = check_result(cases, strategy, test) {
        panic!("{e}");
    }
}

/// [`check`], returning the failure instead of panicking (to collect the
/// failures of many ops in one test).
pub fn check_result<S>(
    cases: u32,
    strategy: S,
    test: impl Fn(Device, S::Value) -> Result<(), TestCaseError>,
) -> Result<(), String>
where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    let Some(gpu) = gpu() else { return Ok(()) };
    let _gpu = gpu_lock();
    let mut runner = TestRunner::new(ProptestConfig {
        failure_persistence: None,
        max_shrink_iters: 64,
        ..ProptestConfig::with_cases(cases * cases_scale())
    });
    runner
        .run(&strategy, |v| test(gpu, v))
        .map_err(|e| match e {
            proptest::test_runner::TestError::Fail(why, input) => {
                format!("{why}\n    minimal failing input: {input:?}")
            }
            other => other.to_string(),
        })
}

/// `MLX_GPU_TEST_SCALE=k` runs k times the cases of every property (for
/// a longer local search; CI keeps 1).
fn cases_scale() -> u32 {
    std::env::var("MLX_GPU_TEST_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// Collects failures of many sub-properties (one per op and dtype), then
/// panics once listing them all.
#[derive(Debug, Default)]
pub struct Failures(Vec<String>, usize);

impl Failures {
    pub fn new() -> Failures {
        Failures::default()
    }

    /// Record one sub-property's outcome.
    pub fn add(&mut self, what: impl std::fmt::Display, outcome: Result<(), String>) {
        self.1 += 1;
        if let Err(e) = outcome {
            self.0.push(format!("{what}: {e}"));
        }
    }

    /// Panic if anything failed.
    pub fn finish(self, test: &str) {
        if self.0.is_empty() {
            return;
        }
        let mut msg = format!(
            "{test}: {} of {} properties failed:\n",
            self.0.len(),
            self.1
        );
        for f in &self.0 {
            let _ = writeln!(msg, "- {f}\n");
        }
        panic!("{msg}");
    }
}

// ------------------------------------------------------------- tolerances

/// How close a float result must be (integers and bools are always exact).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tol {
    /// Bit-exact (casts, copies, gathers).
    Exact,
    /// Simple arithmetic: f32 rtol 1e-5, f16 1e-3, bf16 1e-2.
    Arith,
    /// Transcendental functions: f32 rtol 2e-4, f16 2e-3, bf16 1e-2.
    Transcendental,
    /// Accumulations (reductions, scans, softmax, matmul): as
    /// [`Tol::Transcendental`], plus `rtol * scale` of absolute slack,
    /// where `scale` bounds the magnitude of the accumulated terms (the sum
    /// of their absolute values), because the order of accumulation
    /// differs between backends.
    Accum {
        /// Magnitude of the accumulated terms.
        scale: f64,
    },
}

/// `(rtol, atol)` of a result dtype: `|gpu - cpu| <= atol + rtol * |cpu|`.
pub fn tolerance(dtype: Dtype, tol: Tol) -> (f64, f64) {
    match (tol, dtype) {
        (Tol::Exact, _) => (0.0, 0.0),
        (_, d) if !d.is_inexact() => (0.0, 0.0),
        (Tol::Arith, Dtype::Float32) => (1e-5, 1e-6),
        (Tol::Arith, Dtype::Float16) => (1e-3, 1e-4),
        (Tol::Transcendental | Tol::Accum { .. }, Dtype::Float32) => (2e-4, 1e-5),
        (Tol::Transcendental | Tol::Accum { .. }, Dtype::Float16) => (2e-3, 2e-4),
        (_, Dtype::Bfloat16) => (1e-2, 1e-4),
        (_, d) => panic!("{d} is not a GPU float dtype"),
    }
}

// -------------------------------------------------------------- comparing

/// An element as a comparable value.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    Int(i128),
    Float(f64),
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Int(i) => write!(f, "{i}"),
            Val::Float(x) if *x == 0.0 && x.is_sign_negative() => write!(f, "-0.0"),
            Val::Float(x) => write!(f, "{x:?}"),
        }
    }
}

fn values(h: &HostData) -> Vec<Val> {
    match h {
        HostData::Bool(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Uint8(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Uint16(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Uint32(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Uint64(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Int8(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Int16(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Int32(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Int64(v) => v.iter().map(|&x| Val::Int(x.into())).collect(),
        HostData::Float16(v) => v.iter().map(|x| Val::Float(x.to_f64())).collect(),
        HostData::Bfloat16(v) => v.iter().map(|x| Val::Float(x.to_f64())).collect(),
        HostData::Float32(v) => v.iter().map(|&x| Val::Float(x.into())).collect(),
        HostData::Float64(v) => v.iter().map(|&x| Val::Float(x)).collect(),
        HostData::Complex64(v) => v.iter().map(|x| Val::Float(x.re.into())).collect(),
    }
}

fn close(want: Val, got: Val, rtol: f64, atol: f64) -> bool {
    match (want, got) {
        (Val::Int(a), Val::Int(b)) => a == b,
        (Val::Float(a), Val::Float(b)) => {
            if a.is_nan() || b.is_nan() {
                a.is_nan() && b.is_nan()
            } else if a.is_infinite() || b.is_infinite() {
                a == b
            } else if b == 0.0 && a.abs() < f64::from(f32::MIN_POSITIVE) && gpu_flushes() {
                // A float32-range subnormal result flushed to zero, on an
                // adapter that flushes (docs/gpu.md, "Float32 subnormals").
                true
            } else if rtol == 0.0 && atol == 0.0 {
                a == b && a.is_sign_negative() == b.is_sign_negative()
            } else {
                (a - b).abs() <= atol + rtol * a.abs()
            }
        }
        _ => false,
    }
}

/// Whether the GPU flushes float32 subnormals (the backend's own probe).
fn gpu_flushes() -> bool {
    static FLUSHES: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FLUSHES.get_or_init(|| mlx_metal::GpuBackend::new().is_ok_and(|b| !b.preserves_subnormals()))
}

/// At most 40 values, `[a, b, ...]`.
fn show(h: &HostData) -> String {
    const MAX: usize = 40;
    let v = values(h);
    let parts: Vec<String> = v.iter().take(MAX).map(|x| x.to_string()).collect();
    let more = if v.len() > MAX {
        format!(", ... ({} in all)", v.len())
    } else {
        String::new()
    };
    format!("[{}{more}]", parts.join(", "))
}

/// The multi-index of row-major flat index `i` in `shape`.
fn unravel(mut i: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for (k, &d) in shape.iter().enumerate().rev() {
        idx[k] = i % d.max(1);
        i /= d.max(1);
    }
    idx
}

/// One input of a case, as shown in failure messages.
#[derive(Clone, Debug)]
pub struct Shown {
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    pub layout: String,
    pub values: Result<HostData, String>,
}

/// What a failure message names: the op with its arguments, and inputs.
#[derive(Clone, Debug)]
pub struct Label {
    pub op: String,
    pub inputs: Vec<Shown>,
}

impl Label {
    pub fn new(op: impl Into<String>) -> Label {
        Label {
            op: op.into(),
            inputs: Vec::new(),
        }
    }

    /// Show the (CPU-side) input `a`, described by `layout`.
    pub fn input(mut self, a: &Array, layout: impl Into<String>) -> Label {
        self.inputs.push(Shown {
            dtype: a.dtype(),
            shape: a.shape().to_vec(),
            layout: layout.into(),
            values: a.to_host_data().map_err(|e| e.to_string()),
        });
        self
    }

    fn header(&self) -> String {
        let mut s = format!("op {}", self.op);
        for (i, x) in self.inputs.iter().enumerate() {
            let vals = match &x.values {
                Ok(h) => show(h),
                Err(e) => format!("<{e}>"),
            };
            let _ = write!(
                s,
                "\n      input {i}: {} shape {:?} layout {}: {vals}",
                x.dtype, x.shape, x.layout
            );
        }
        s
    }

    /// A failure with this label and `detail`.
    pub fn fail(&self, detail: impl std::fmt::Display) -> TestCaseError {
        TestCaseError::fail(format!("{}\n      {detail}", self.header()))
    }
}

/// Compare a CPU result (the reference) with the GPU result of the same
/// op: both errors, or equal shape, dtype and values within `tol`; NaN
/// positions match, infinities are equal. The GPU result must live on the
/// GPU.
pub fn compare(
    label: &Label,
    gpu: Device,
    cpu_out: mlx::Result<Array>,
    gpu_out: mlx::Result<Array>,
    tol: Tol,
) -> Result<(), TestCaseError> {
    let (c, g) = match (cpu_out, gpu_out) {
        (Err(ce), Err(ge)) => {
            // Both rejected when the op was built: the same core check.
            if ce.to_string() != ge.to_string() {
                return Err(label.fail(format!(
                    "both reject the op, differently: cpu {ce}; gpu {ge}"
                )));
            }
            return Ok(());
        }
        (Ok(_), Err(ge)) => return Err(label.fail(format!("cpu builds the op, gpu fails: {ge}"))),
        (Err(ce), Ok(_)) => return Err(label.fail(format!("gpu builds the op, cpu fails: {ce}"))),
        (Ok(c), Ok(g)) => (c, g),
    };
    if g.device() != gpu {
        return Err(label.fail(format!("gpu result lives on {}", g.device())));
    }
    if c.shape() != g.shape() {
        return Err(label.fail(format!("shape: cpu {:?}, gpu {:?}", c.shape(), g.shape())));
    }
    if c.dtype() != g.dtype() {
        return Err(label.fail(format!("dtype: cpu {}, gpu {}", c.dtype(), g.dtype())));
    }
    let ch = c.to_host_data();
    let gh = g.to_host_data();
    let (ch, gh) = match (ch, gh) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(ce), Err(ge)) => {
            if mlx_tests::error_prefix(&ce.to_string()) != mlx_tests::error_prefix(&ge.to_string())
            {
                return Err(label.fail(format!(
                    "both fail at eval, naming different ops: cpu {ce}; gpu {ge}"
                )));
            }
            return Ok(());
        }
        (Ok(a), Err(ge)) => {
            return Err(label.fail(format!(
                "gpu eval failed: {ge}\n      cpu {} {:?}: {}",
                c.dtype(),
                c.shape(),
                show(&a)
            )))
        }
        (Err(ce), Ok(b)) => {
            return Err(label.fail(format!(
                "cpu eval failed: {ce}\n      gpu {} {:?}: {}",
                g.dtype(),
                g.shape(),
                show(&b)
            )))
        }
    };
    let (w, v) = (values(&ch), values(&gh));
    if w.len() != v.len() {
        return Err(label.fail(format!("element count: cpu {}, gpu {}", w.len(), v.len())));
    }
    let (rtol, mut atol) = tolerance(c.dtype(), tol);
    if let Tol::Accum { scale } = tol {
        atol += rtol * scale;
    }
    let bad: Vec<usize> = (0..w.len())
        .filter(|&i| !close(w[i], v[i], rtol, atol))
        .collect();
    if !bad.is_empty() {
        let at: Vec<String> = bad
            .iter()
            .take(8)
            .map(|&k| format!("{:?}: cpu {}, gpu {}", unravel(k, c.shape()), w[k], v[k]))
            .collect();
        return Err(label.fail(format!(
            "values: {} of {} differ (rtol {rtol:e}, atol {atol:e}), at {}\n      cpu {} {:?}: {}\n      gpu {} {:?}: {}",
            bad.len(),
            w.len(),
            at.join("; "),
            c.dtype(),
            c.shape(),
            show(&ch),
            g.dtype(),
            g.shape(),
            show(&gh)
        )));
    }
    Ok(())
}

/// One generated input with its dtype and value domain.
#[derive(Clone, Copy, Debug)]
pub struct In<'a> {
    pub spec: &'a InputSpec,
    pub dtype: Dtype,
    pub domain: Domain,
}

/// Build `inputs` on the CPU and on the GPU, apply `f` to each set, and
/// [`compare`]. `op` names the op and its arguments in messages.
pub fn run_both(
    gpu: Device,
    op: impl Into<String>,
    inputs: &[In],
    tol: &dyn Fn(&[Array]) -> Tol,
    f: &dyn Fn(&[Array]) -> mlx::Result<Array>,
) -> Result<(), TestCaseError> {
    let mut label = Label::new(op);
    let mut cpu_in = Vec::with_capacity(inputs.len());
    let mut gpu_in = Vec::with_capacity(inputs.len());
    for x in inputs {
        let c = x
            .spec
            .build(x.dtype, &x.domain, Device::cpu())
            .map_err(|e| label.fail(format!("building a cpu input: {e}")))?;
        let g = x
            .spec
            .build(x.dtype, &x.domain, gpu)
            .map_err(|e| label.fail(format!("building a gpu input: {e}")))?;
        label = label.input(&c, x.spec.describe_layout());
        cpu_in.push(c);
        gpu_in.push(g);
    }
    let t = tol(&cpu_in);
    compare(&label, gpu, f(&cpu_in), f(&gpu_in), t)
}
