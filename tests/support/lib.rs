//! Helpers shared by the test suite: golden files, comparisons, devices.
//!
//! Golden files live in `tests/golden/*.json` and come from real MLX 0.32.4
//! through `tests/golden/gen_golden.py` (see its docstring for the format).
//! Comparisons check shape, then dtype, then values with the per-dtype
//! tolerances of [`tolerance`], stated once here (style rule 13).
#![allow(missing_docs)]

use half::{bf16, f16};
use mlx::ops::SliceArg;
use mlx::{Array, Complex64, Device, DeviceType, Dtype, HostData};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

pub use serde_json;

/// Expand test bodies taking `&mlx::Device` into one `#[test]` per device:
/// `cpu::name` always, `gpu::name` with the `gpu` feature of this crate.
/// Each runs with its device as the default device too (as MLX runs an op
/// on the default device), so arrays a body creates without naming a
/// device, and the constants of composite ops, live there.
///
/// ```text
/// fn exp_golden(device: &mlx::Device) { ... }
/// mlx_tests::device_tests! {
///     exp_golden,
///     #[ignore = "bug: ..."] log_golden,
/// }
/// ```
#[macro_export]
macro_rules! device_tests {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {
        mod cpu {
            $(
                #[test]
                $(#[$meta])*
                fn $name() {
                    let d = mlx::Device::cpu();
                    mlx::with_default_device(d, || super::$name(&d))
                }
            )*
        }
        #[cfg(feature = "gpu")]
        mod gpu {
            $(
                #[test]
                $(#[$meta])*
                fn $name() {
                    let Some(d) = $crate::gpu_device() else { return };
                    mlx::with_default_device(d, || super::$name(&d))
                }
            )*
        }
    };
}

/// Set to `1` to let GPU tests pass without a GPU adapter.
const SKIP_GPU_ENV: &str = "MLX_SKIP_GPU_TESTS";

/// The GPU device, once `mlx_metal` has found an adapter. Without one this
/// panics with the backend's message, unless `MLX_SKIP_GPU_TESTS=1`, when
/// it prints a note and returns `None` (the test then returns early).
pub fn gpu_device() -> Option<Device> {
    static OPENED: OnceLock<Result<String, String>> = OnceLock::new();
    let opened = OPENED.get_or_init(|| match mlx_metal::GpuBackend::new() {
        Ok(g) => Ok(g.adapter_name()),
        Err(e) => Err(e.to_string()),
    });
    match opened {
        Ok(_) => Some(Device::gpu(0)),
        Err(msg) if std::env::var(SKIP_GPU_ENV).is_ok_and(|v| v == "1") => {
            eprintln!("note: skipping a GPU test ({SKIP_GPU_ENV}=1): {msg}");
            None
        }
        Err(msg) => {
            panic!("no GPU for the GPU tests: {msg} (set {SKIP_GPU_ENV}=1 to skip them)")
        }
    }
}

/// The op name of a golden test module: its ident, or an explicit string
/// for names that are Rust keywords (`where_ = "where"`).
#[doc(hidden)]
#[macro_export]
macro_rules! __op_name {
    ($op:ident) => {
        stringify!($op)
    };
    ($op:ident, $name:literal) => {
        $name
    };
}

/// One module per op of a golden family, each with the tests `golden`
/// (contiguous inputs), `transposed` (inputs are transpose views) and
/// `reversed` (inputs are `[::-1]` views), on every device. Cases named in
/// the calling file's `KNOWN_BUGS` are left to its ignored `known_bugs` test.
///
/// `apply` and `tol` name functions of the calling file:
/// `fn apply(&Case, &[Array]) -> mlx::Result<Vec<Array>>`, `fn tol(&Case) -> Tol`.
#[macro_export]
macro_rules! golden_op_tests {
    (family: $fam:literal, apply: $apply:ident, tol: $tol:ident,
     ops: [$($op:ident $(= $name:literal)?),* $(,)?]) => {$(
        mod $op {
            fn run(device: &mlx::Device, layout: $crate::Layout) {
                let op = $crate::__op_name!($op $(, $name)?);
                $crate::run_golden(
                    $fam,
                    device,
                    layout,
                    &|c| c.op == op && !super::KNOWN_BUGS.iter().any(|(n, _)| *n == c.name),
                    &super::$tol,
                    &super::$apply,
                )
            }
            fn golden(device: &mlx::Device) {
                run(device, $crate::Layout::Contiguous)
            }
            fn transposed(device: &mlx::Device) {
                run(device, $crate::Layout::Transposed)
            }
            fn reversed(device: &mlx::Device) {
                run(device, $crate::Layout::Reversed)
            }
            $crate::device_tests! { golden, transposed, reversed }
        }
    )*};
}

/// Run only the cases listed in `known` (the known bugs of a family), so
/// that an ignored test documents and reproduces them.
pub fn run_known_bugs(
    family: &str,
    device: &Device,
    known: &[(&str, &str)],
    tol: &dyn Fn(&Case) -> Tol,
    apply: &ApplyFn,
) {
    if known.is_empty() {
        return;
    }
    let mut failures = Failures::new();
    for (name, why) in known {
        let case = load(family)
            .iter()
            .find(|c| c.name == *name)
            .cloned()
            .unwrap_or_else(|| panic!("known bug {name} is not a case of {family}"));
        if let Some(outcome) = check_case(&case, device, Layout::Contiguous, tol(&case), apply) {
            failures.check(&case.name, outcome.map_err(|e| format!("{e} [{why}]")));
        }
    }
    failures.finish(&format!("{family} known bugs"));
}

// ------------------------------------------------------------------ dtypes

/// Parse MLX's dtype name (`"float32"`).
pub fn parse_dtype(name: &str) -> Dtype {
    Dtype::ALL
        .into_iter()
        .find(|d| d.name() == name)
        .unwrap_or_else(|| panic!("unknown dtype {name:?} in golden file"))
}

// ------------------------------------------------------------------ goldens

/// One array of a golden case: flat row-major data, shape, dtype.
#[derive(Clone, Debug)]
pub struct Tensor {
    pub data: HostData,
    pub shape: Vec<usize>,
}

impl Tensor {
    pub fn dtype(&self) -> Dtype {
        self.data.dtype()
    }

    /// A contiguous array on `device`.
    pub fn to_array(&self, device: &Device) -> Array {
        Array::from_host_data_on(self.data.clone(), &self.shape, *device)
            .expect("golden input builds")
    }

    /// The same values through a layout: contiguous, a transposed view (all
    /// axes reversed), or a negatively strided slice (axis 0 reversed).
    /// `None` when the layout would equal the contiguous one (too few dims).
    pub fn to_array_with(&self, device: &Device, layout: Layout) -> Option<Array> {
        match layout {
            Layout::Contiguous => Some(self.to_array(device)),
            Layout::Transposed => {
                if self.shape.iter().filter(|&&d| d > 1).count() < 2 {
                    return None;
                }
                let n = self.shape.len();
                let perm: Vec<usize> = (0..n).rev().collect();
                let phys_shape: Vec<usize> = perm.iter().map(|&p| self.shape[p]).collect();
                let phys = permute_host(&self.data, &self.shape, &perm);
                let p = Array::from_host_data_on(phys, &phys_shape, *device).ok()?;
                Some(mlx::ops::transpose(&p, ()).expect("transpose"))
            }
            Layout::Reversed => {
                if self.shape.first().is_none_or(|&d| d < 2) {
                    return None;
                }
                let phys = flip0_host(&self.data, &self.shape);
                let p = Array::from_host_data_on(phys, &self.shape, *device).ok()?;
                Some(mlx::ops::index(&p, &[SliceArg::range(None, None, -1)]).expect("slice"))
            }
        }
    }
}

/// How a golden input is laid out in memory (style: non-contiguous variants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Contiguous,
    /// A transpose view of a contiguous array holding the transposed data.
    Transposed,
    /// A `[::-1]` view (negative stride) of the data flipped on axis 0.
    Reversed,
}

fn strides_of(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

fn permute_vec<T: Copy>(v: &[T], shape: &[usize], perm: &[usize]) -> Vec<T> {
    // out has shape shape[perm[k]]; out[j0..] = v[idx with idx[perm[k]] = j_k]
    let out_shape: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let in_strides = strides_of(shape);
    let n = v.len();
    let mut out = Vec::with_capacity(n);
    let mut idx = vec![0usize; out_shape.len()];
    for _ in 0..n {
        let src: usize = idx.iter().zip(perm).map(|(&j, &p)| j * in_strides[p]).sum();
        out.push(v[src]);
        for k in (0..idx.len()).rev() {
            idx[k] += 1;
            if idx[k] < out_shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

fn flip0_vec<T: Copy>(v: &[T], shape: &[usize]) -> Vec<T> {
    let inner: usize = shape[1..].iter().product();
    let mut out = Vec::with_capacity(v.len());
    for r in (0..shape[0]).rev() {
        out.extend_from_slice(&v[r * inner..(r + 1) * inner]);
    }
    out
}

/// Host data holding `data` (of `shape`) permuted by `perm`.
pub fn permute_host(data: &HostData, shape: &[usize], perm: &[usize]) -> HostData {
    mlx::with_host_data!(data, v, _T => HostData::from(permute_vec(v, shape, perm)))
}

fn flip0_host(data: &HostData, shape: &[usize]) -> HostData {
    mlx::with_host_data!(data, v, _T => HostData::from(flip0_vec(v, shape)))
}

fn json_f64(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("number"),
        Value::String(s) => match s.as_str() {
            "nan" => f64::NAN,
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            other => panic!("bad float string {other:?}"),
        },
        Value::Bool(b) => f64::from(u8::from(*b)),
        other => panic!("bad float {other:?}"),
    }
}

fn json_i128(v: &Value) -> i128 {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .unwrap_or_else(|| panic!("not an integer: {n}")),
        Value::Bool(b) => i128::from(*b),
        other => panic!("bad integer {other:?}"),
    }
}

/// Parse a `{"data", "shape", "dtype"}` object.
pub fn parse_tensor(v: &Value) -> Tensor {
    let dtype = parse_dtype(v["dtype"].as_str().expect("dtype"));
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .expect("shape")
        .iter()
        .map(|d| d.as_u64().expect("dim") as usize)
        .collect();
    let items = v["data"].as_array().expect("data");
    let f = |x: &Value| json_f64(x);
    let i = |x: &Value| json_i128(x);
    let data = match dtype {
        Dtype::Bool => HostData::from(items.iter().map(|x| i(x) != 0).collect::<Vec<_>>()),
        Dtype::Uint8 => HostData::from(items.iter().map(|x| i(x) as u8).collect::<Vec<_>>()),
        Dtype::Uint16 => HostData::from(items.iter().map(|x| i(x) as u16).collect::<Vec<_>>()),
        Dtype::Uint32 => HostData::from(items.iter().map(|x| i(x) as u32).collect::<Vec<_>>()),
        Dtype::Uint64 => HostData::from(items.iter().map(|x| i(x) as u64).collect::<Vec<_>>()),
        Dtype::Int8 => HostData::from(items.iter().map(|x| i(x) as i8).collect::<Vec<_>>()),
        Dtype::Int16 => HostData::from(items.iter().map(|x| i(x) as i16).collect::<Vec<_>>()),
        Dtype::Int32 => HostData::from(items.iter().map(|x| i(x) as i32).collect::<Vec<_>>()),
        Dtype::Int64 => HostData::from(items.iter().map(|x| i(x) as i64).collect::<Vec<_>>()),
        Dtype::Float16 => HostData::from(
            items
                .iter()
                .map(|x| f16::from_f64(f(x)))
                .collect::<Vec<_>>(),
        ),
        Dtype::Bfloat16 => HostData::from(
            items
                .iter()
                .map(|x| bf16::from_f64(f(x)))
                .collect::<Vec<_>>(),
        ),
        Dtype::Float32 => HostData::from(items.iter().map(|x| f(x) as f32).collect::<Vec<_>>()),
        Dtype::Float64 => HostData::from(items.iter().map(f).collect::<Vec<_>>()),
        Dtype::Complex64 => HostData::from(
            items
                .iter()
                .map(|x| Complex64::new(f(&x[0]) as f32, f(&x[1]) as f32))
                .collect::<Vec<_>>(),
        ),
    };
    let n: usize = shape.iter().product();
    assert_eq!(n, data.len(), "golden tensor size matches its shape");
    Tensor { data, shape }
}

/// What MLX produced for a case.
#[derive(Clone, Debug)]
pub enum Expected {
    /// One output array.
    One(Tensor),
    /// Several outputs (`split`).
    Many(Vec<Tensor>),
    /// MLX raised this error: our op must return an error when it is built.
    Error(String),
    /// The `str()` of the input (printing cases).
    Str(String),
}

/// How a test file runs a golden case: the op named by the case on the
/// built inputs, returning every output (or the op's error).
pub type ApplyFn = dyn Fn(&Case, &[Array]) -> mlx::Result<Vec<Array>>;

/// One golden case.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub op: String,
    pub inputs: Vec<Tensor>,
    pub args: Value,
    pub expected: Expected,
}

impl Case {
    /// An argument as `i64` (`None` when absent or null).
    pub fn arg_i64(&self, key: &str) -> Option<i64> {
        self.args.get(key).and_then(Value::as_i64)
    }

    /// An argument as a bool (false when absent).
    pub fn arg_bool(&self, key: &str) -> bool {
        self.args.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    /// An argument as a list of `i64` (`None` when absent or null).
    pub fn arg_i64s(&self, key: &str) -> Option<Vec<i64>> {
        self.args.get(key).and_then(Value::as_array).map(|v| {
            v.iter()
                .map(|x| x.as_i64().expect("integer list"))
                .collect()
        })
    }

    /// An argument as a list of `usize`.
    pub fn arg_usizes(&self, key: &str) -> Vec<usize> {
        self.arg_i64s(key)
            .unwrap_or_else(|| panic!("{}: missing arg {key}", self.name))
            .into_iter()
            .map(|x| x as usize)
            .collect()
    }

    /// An argument as a dtype (`None` when absent or null).
    pub fn arg_dtype(&self, key: &str) -> Option<Dtype> {
        self.args.get(key).and_then(Value::as_str).map(parse_dtype)
    }

    /// An argument as `f64` (NaN/inf strings allowed).
    pub fn arg_f64(&self, key: &str) -> Option<f64> {
        self.args.get(key).filter(|v| !v.is_null()).map(json_f64)
    }
}

/// Load `tests/golden/<family>.json` (parsed once per process).
pub fn load(family: &str) -> Arc<Vec<Case>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Vec<Case>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(family) {
        return c.clone();
    }
    let cases = Arc::new(load_uncached(family));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(family.to_string(), cases.clone());
    cases
}

/// Parse `tests/golden/<family>.json`, or `$MLX_GOLDEN_DIR/<family>.json`
/// when that variable is set (fuzzed goldens from `gen_fuzz.py`).
fn load_uncached(family: &str) -> Vec<Case> {
    let path = match std::env::var_os("MLX_GOLDEN_DIR") {
        Some(dir) => format!("{}/{family}.json", dir.to_string_lossy()),
        None => format!("{}/golden/{family}.json", env!("CARGO_MANIFEST_DIR")),
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let root: Value = serde_json::from_str(&text).expect("golden JSON parses");
    assert_eq!(
        root["mlx_version"], "0.32.4",
        "goldens come from MLX 0.32.4"
    );
    root["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let expected = if let Some(e) = c.get("error") {
                Expected::Error(e.as_str().expect("error text").to_string())
            } else if let Some(s) = c.get("expected_str") {
                Expected::Str(s.as_str().expect("str").to_string())
            } else {
                match &c["expected"] {
                    Value::Array(v) => Expected::Many(v.iter().map(parse_tensor).collect()),
                    v => Expected::One(parse_tensor(v)),
                }
            };
            Case {
                name: c["name"].as_str().expect("name").to_string(),
                op: c["op"].as_str().expect("op").to_string(),
                inputs: c["inputs"]
                    .as_array()
                    .expect("inputs")
                    .iter()
                    .map(parse_tensor)
                    .collect(),
                args: c["args"].clone(),
                expected,
            }
        })
        .collect()
}

// ------------------------------------------------------------- tolerances

/// How close a float result must be, by kind of op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tol {
    /// Every dtype exact (shape ops, casts, creation).
    Exact,
    /// Simple elementwise arithmetic.
    Elementwise,
    /// Reductions, matmul and transcendental functions.
    Loose,
}

/// `(rtol, atol)` for a result dtype: `|got - want| <= atol + rtol * |want|`.
/// Integers and bools are always exact. The one place tolerances are stated.
pub fn tolerance(dtype: Dtype, tol: Tol) -> (f64, f64) {
    match (tol, dtype) {
        (Tol::Exact, _) => (0.0, 0.0),
        (_, d) if !d.is_inexact() => (0.0, 0.0),
        (Tol::Elementwise, Dtype::Float32 | Dtype::Complex64) => (1e-5, 1e-6),
        (Tol::Loose, Dtype::Float32 | Dtype::Complex64) => (1e-4, 1e-5),
        (Tol::Elementwise, Dtype::Float64) => (1e-12, 1e-12),
        (Tol::Loose, Dtype::Float64) => (1e-5, 1e-6),
        (Tol::Elementwise, Dtype::Float16) => (1e-3, 1e-3),
        (Tol::Loose, Dtype::Float16) => (1e-2, 1e-2),
        (Tol::Elementwise, Dtype::Bfloat16) => (2e-2, 2e-2),
        (Tol::Loose, Dtype::Bfloat16) => (5e-2, 5e-2),
        (_, d) => unreachable!("inexact dtype {d}"),
    }
}

// -------------------------------------------------------------- comparing

#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    Int(i128),
    Float(f64),
    Complex(f64, f64),
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Int(i) => write!(f, "{i}"),
            Val::Float(x) => write!(f, "{x}"),
            Val::Complex(r, i) => write!(f, "{r}{i:+}j"),
        }
    }
}

fn values(h: &HostData) -> Vec<Val> {
    match h {
        HostData::Bool(v) => v.iter().map(|&x| Val::Int(i128::from(x))).collect(),
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
        HostData::Complex64(v) => v
            .iter()
            .map(|x| Val::Complex(x.re.into(), x.im.into()))
            .collect(),
    }
}

fn float_close(want: f64, got: f64, rtol: f64, atol: f64) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    if want.is_infinite() || got.is_infinite() {
        return want == got;
    }
    (got - want).abs() <= atol + rtol * want.abs()
}

fn val_close(want: Val, got: Val, rtol: f64, atol: f64) -> bool {
    match (want, got) {
        (Val::Int(a), Val::Int(b)) => a == b,
        (Val::Float(a), Val::Float(b)) => float_close(a, b, rtol, atol),
        (Val::Complex(ar, ai), Val::Complex(br, bi)) => {
            float_close(ar, br, rtol, atol) && float_close(ai, bi, rtol, atol)
        }
        _ => false,
    }
}

fn show(v: &[Val]) -> String {
    const MAX: usize = 12;
    let parts: Vec<String> = v.iter().take(MAX).map(|x| x.to_string()).collect();
    let more = if v.len() > MAX { ", ..." } else { "" };
    format!("[{}{more}]", parts.join(", "))
}

/// Compare an array with a golden tensor: shape, then dtype, then values.
///
/// # Errors
/// A message with expected and got when they differ or evaluation fails.
pub fn compare(want: &Tensor, got: &Array, tol: Tol) -> Result<(), String> {
    if got.shape() != want.shape.as_slice() {
        return Err(format!(
            "shape: expected {:?}, got {:?}",
            want.shape,
            got.shape()
        ));
    }
    if got.dtype() != want.dtype() {
        return Err(format!(
            "dtype: expected {}, got {}",
            want.dtype(),
            got.dtype()
        ));
    }
    let host = got.to_host_data().map_err(|e| format!("eval error: {e}"))?;
    let (w, g) = (values(&want.data), values(&host));
    if w.len() != g.len() {
        return Err(format!(
            "size: expected {} elements, got {}",
            w.len(),
            g.len()
        ));
    }
    let (rtol, atol) = tolerance(want.dtype(), tol);
    let bad: Vec<usize> = (0..w.len())
        .filter(|&i| !val_close(w[i], g[i], rtol, atol))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    let i = bad[0];
    Err(format!(
        "values ({} of {} differ, first at flat index {i}: expected {}, got {}; rtol {rtol}, atol {atol}; {})\n      expected {}\n      got      {}",
        bad.len(),
        w.len(),
        w[i],
        g[i],
        want.dtype(),
        show(&w),
        show(&g)
    ))
}

/// Collects every failing case of a test, then panics once listing them all.
#[derive(Debug, Default)]
pub struct Failures {
    list: Vec<String>,
    checked: usize,
}

impl Failures {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record the outcome of one case.
    pub fn check(&mut self, case: &str, outcome: Result<(), String>) {
        self.checked += 1;
        if let Err(e) = outcome {
            self.list.push(format!("{case}: {e}"));
        }
    }

    /// Number of cases checked so far.
    pub fn checked(&self) -> usize {
        self.checked
    }

    /// Panic listing every failure (and require that something ran).
    pub fn finish(self, what: &str) {
        assert!(self.checked > 0, "{what}: no golden case was checked");
        if !self.list.is_empty() {
            let mut msg = format!(
                "{what}: {} of {} cases failed:\n",
                self.list.len(),
                self.checked
            );
            for f in &self.list {
                let _ = writeln!(msg, "  - {f}");
            }
            panic!("{msg}");
        }
    }
}

/// The `[op]` prefix of an error message.
pub fn error_prefix(msg: &str) -> &str {
    msg.split_once(']')
        .map_or("", |(p, _)| p.trim_start_matches('['))
}

/// Check one golden case: build the inputs with `layout`, call `apply`,
/// compare every output. `apply` returns the outputs, or an error from the
/// op. Returns `None` when the layout does not apply to the case's inputs.
pub fn check_case(
    case: &Case,
    device: &Device,
    layout: Layout,
    tol: Tol,
    apply: &ApplyFn,
) -> Option<Result<(), String>> {
    if let Some(d) = unsupported_dtype(case, device) {
        // One check per case is enough: the layouts add nothing here.
        return (layout == Layout::Contiguous).then(|| expect_dtype_error(case, device, d, apply));
    }
    let mut inputs = Vec::with_capacity(case.inputs.len());
    let mut any_changed = layout == Layout::Contiguous;
    for t in &case.inputs {
        match t.to_array_with(device, layout) {
            Some(a) => {
                any_changed = true;
                inputs.push(a);
            }
            None => inputs.push(t.to_array(device)),
        }
    }
    if !any_changed {
        return None;
    }
    let result = apply(case, &inputs);
    Some(match (&case.expected, result) {
        (Expected::Error(mlx_msg), Ok(outs)) => {
            // Building succeeded; an error now may only come at eval.
            let at_eval = outs.iter().find_map(|o| o.to_host_data().err());
            match at_eval {
                Some(e) => Err(format!(
                    "MLX rejects the case when the op is built ({mlx_msg:?}); ours fails only at eval: {e}"
                )),
                None => Err(format!(
                    "expected an error like MLX's {mlx_msg:?}, got a result of shape {:?} dtype {}",
                    outs.first().map(|o| o.shape().to_vec()),
                    outs.first().map_or("-".into(), |o| o.dtype().to_string())
                )),
            }
        }
        (Expected::Error(mlx_msg), Err(e)) => {
            let ours = e.to_string();
            // Ours may name the op called where MLX names an op it
            // delegates to (`[broadcast_shapes]` from `addmm`): issue 12.
            let named_as_called = error_prefix(&ours) == case.op;
            if error_prefix(&ours) != error_prefix(mlx_msg) && !named_as_called {
                Err(format!(
                    "error prefix: expected [{}] (MLX: {mlx_msg:?}), got {ours:?}",
                    error_prefix(mlx_msg)
                ))
            } else {
                Ok(())
            }
        }
        (_, Err(e)) => Err(format!("op returned error: {e}")),
        (Expected::One(want), Ok(outs)) => {
            if outs.len() != 1 {
                Err(format!("expected 1 output, got {}", outs.len()))
            } else {
                compare(want, &outs[0], tol)
            }
        }
        (Expected::Many(wants), Ok(outs)) => {
            if outs.len() != wants.len() {
                Err(format!(
                    "expected {} outputs, got {}",
                    wants.len(),
                    outs.len()
                ))
            } else {
                wants
                    .iter()
                    .zip(&outs)
                    .enumerate()
                    .try_for_each(|(k, (w, o))| {
                        compare(w, o, tol).map_err(|e| format!("output {k}: {e}"))
                    })
            }
        }
        (Expected::Str(_), Ok(_)) => Err("printing cases are checked by printing.rs".into()),
    })
}

/// An array of `dtype` on `device` holding `values` rounded to `dtype`.
/// The rounding runs on the CPU, so float64 test data reach a GPU, which
/// has no float64.
pub fn from_f64(values: &[f64], shape: &[usize], dtype: Dtype, device: &Device) -> Array {
    let cpu = Array::from_host_data_on(HostData::from(values.to_vec()), shape, Device::cpu())
        .and_then(|a| a.as_type(dtype))
        .expect("test data builds on the CPU");
    if *device == Device::cpu() {
        return cpu;
    }
    let host = cpu.to_host_data().expect("test data evaluates");
    Array::from_host_data_on(host, shape, *device).expect("test data uploads")
}

/// Every element of a real array as `f64`, read from its device and
/// widened on the CPU (a GPU has no float64 to cast to).
pub fn to_f64(a: &Array) -> Vec<f64> {
    let host = a.to_host_data().expect("array evaluates");
    Array::from_host_data_on(host, a.shape(), Device::cpu())
        .and_then(|c| c.as_type(Dtype::Float64))
        .and_then(|c| c.to_vec::<f64>())
        .expect("widening to float64 on the CPU")
}

/// True for a GPU device (tests skip the dtypes it does not run).
pub fn is_gpu(device: &Device) -> bool {
    device.kind == DeviceType::Gpu
}

/// The dtypes MLX's GPU rejects (`float64`) and ours does not run yet
/// (`complex64`).
pub fn gpu_unsupported(dtype: Dtype) -> bool {
    matches!(dtype, Dtype::Float64 | Dtype::Complex64)
}

/// The first dtype of `case` (an input, an expected output or a `dtype`
/// argument) that `device` does not run, if any.
fn unsupported_dtype(case: &Case, device: &Device) -> Option<Dtype> {
    if device.kind != DeviceType::Gpu {
        return None;
    }
    let outputs: Vec<&Tensor> = match &case.expected {
        Expected::One(t) => vec![t],
        Expected::Many(ts) => ts.iter().collect(),
        Expected::Error(_) | Expected::Str(_) => Vec::new(),
    };
    case.inputs
        .iter()
        .chain(outputs)
        .map(Tensor::dtype)
        .chain(case.arg_dtype("dtype"))
        .find(|&d| gpu_unsupported(d))
}

/// A case with a dtype the GPU does not run must fail with a dtype error
/// naming it (when the inputs are uploaded, the op is built or it is
/// evaluated), never return values: MLX raises for `float64` on the GPU.
fn expect_dtype_error(
    case: &Case,
    device: &Device,
    dtype: Dtype,
    apply: &ApplyFn,
) -> Result<(), String> {
    let is_dtype_error =
        |e: &mlx::Error| matches!(e, mlx::Error::Dtype { dtype: d, .. } if *d == dtype);
    let check = |e: mlx::Error| {
        if is_dtype_error(&e) {
            Ok(())
        } else {
            Err(format!(
                "expected a {dtype} dtype error on {device}, got {e}"
            ))
        }
    };
    let mut inputs = Vec::with_capacity(case.inputs.len());
    for t in &case.inputs {
        match Array::from_host_data_on(t.data.clone(), &t.shape, *device) {
            Ok(a) => inputs.push(a),
            Err(e) => return check(e),
        }
    }
    let outs = match apply(case, &inputs) {
        Ok(outs) => outs,
        // MLX's own error for the case is also an answer on any device.
        Err(e) if matches!(case.expected, Expected::Error(_)) && !is_dtype_error(&e) => {
            return Ok(())
        }
        Err(e) => return check(e),
    };
    match outs.iter().find_map(|o| o.to_host_data().err()) {
        Some(e) => check(e),
        None => Err(format!(
            "{device} computed a result for a case with {dtype}, which it does not run"
        )),
    }
}

/// Run every case of `family` accepted by `select`, with `layout`, and
/// panic once listing every failure. `tol` picks the tolerance per case.
pub fn run_golden(
    family: &str,
    device: &Device,
    layout: Layout,
    select: &dyn Fn(&Case) -> bool,
    tol: &dyn Fn(&Case) -> Tol,
    apply: &ApplyFn,
) {
    let mut failures = Failures::new();
    for case in load(family).iter().filter(|c| select(c)) {
        if let Some(outcome) = check_case(case, device, layout, tol(case), apply) {
            failures.check(&case.name, outcome);
        }
    }
    failures.finish(&format!("{family} goldens ({layout:?})"));
}

/// Wrap one output in a vector (for `apply` closures).
pub fn one(a: mlx::Result<Array>) -> mlx::Result<Vec<Array>> {
    a.map(|x| vec![x])
}
