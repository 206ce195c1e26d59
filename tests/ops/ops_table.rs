//! `docs/ops.md` is the status table of every row of MLX's Operations and
//! Array reference tables. This test rebuilds it from the sources (an op is
//! "implemented" when a `pub fn` of its Rust name exists in a crate) and
//! fails when the committed file differs, so the table cannot drift.
//! `MLX_BLESS_OPS_TABLE=1 cargo test -p mlx-tests --test ops ops_table`
//! rewrites it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The rows of the Operations table of MLX's Python reference
/// (`mlx.core`, 0.32.4), in its order.
const OPS: &[&str] = &[
    "abs",
    "add",
    "addmm",
    "all",
    "allclose",
    "any",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argpartition",
    "argsort",
    "array_equal",
    "as_strided",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_or",
    "bitwise_xor",
    "block_masked_mm",
    "broadcast_arrays",
    "broadcast_to",
    "ceil",
    "clip",
    "concatenate",
    "contiguous",
    "conj",
    "conjugate",
    "convolve",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "conv_general",
    "cos",
    "cosh",
    "cummax",
    "cummin",
    "cumprod",
    "cumsum",
    "degrees",
    "dequantize",
    "diag",
    "diagonal",
    "divide",
    "divmod",
    "einsum",
    "einsum_path",
    "equal",
    "erf",
    "erfinv",
    "exp",
    "expm1",
    "expand_dims",
    "eye",
    "flatten",
    "floor",
    "floor_divide",
    "full",
    "gather_mm",
    "gather_qmm",
    "greater",
    "greater_equal",
    "hadamard_transform",
    "identity",
    "imag",
    "inner",
    "isfinite",
    "isclose",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "issubdtype",
    "kron",
    "left_shift",
    "less",
    "less_equal",
    "linspace",
    "load",
    "log",
    "log2",
    "log10",
    "log1p",
    "logaddexp",
    "logcumsumexp",
    "logical_not",
    "logical_and",
    "logical_or",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "min",
    "minimum",
    "moveaxis",
    "multiply",
    "nan_to_num",
    "negative",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "partition",
    "pad",
    "power",
    "prod",
    "put_along_axis",
    "quantize",
    "quantized_matmul",
    "radians",
    "real",
    "reciprocal",
    "remainder",
    "repeat",
    "reshape",
    "right_shift",
    "roll",
    "round",
    "rsqrt",
    "save",
    "savez",
    "savez_compressed",
    "save_gguf",
    "save_safetensors",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "slice",
    "slice_update",
    "softmax",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "stop_gradient",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "topk",
    "trace",
    "transpose",
    "tri",
    "tril",
    "triu",
    "unflatten",
    "var",
    "view",
    "where",
    "zeros",
    "zeros_like",
];

/// The rows of the Array table (`mlx.core.array` members), in its order.
const ARRAY: &[&str] = &[
    "array",
    "astype",
    "at",
    "item",
    "tolist",
    "dtype",
    "itemsize",
    "nbytes",
    "ndim",
    "shape",
    "size",
    "real",
    "imag",
    "abs",
    "all",
    "any",
    "argmax",
    "argmin",
    "conj",
    "cos",
    "cummax",
    "cummin",
    "cumprod",
    "cumsum",
    "diag",
    "diagonal",
    "exp",
    "flatten",
    "log",
    "log10",
    "log1p",
    "log2",
    "logcumsumexp",
    "logsumexp",
    "max",
    "mean",
    "min",
    "moveaxis",
    "prod",
    "reciprocal",
    "reshape",
    "round",
    "rsqrt",
    "sin",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "std",
    "sum",
    "swapaxes",
    "transpose",
    "T",
    "var",
    "view",
];

/// MLX names whose Rust name differs (Rust keywords, Rust conventions).
const RUST_NAME: &[(&str, &str)] = &[
    ("where", "where_"),
    ("array", "from_slice"),
    ("astype", "as_type"),
    ("tolist", "to_vec"),
    ("T", "t"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Every `pub fn` name in `crates/*/src`, with the first file defining it.
fn public_fns() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read crates dir")
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                let rel = path.strip_prefix(root).expect("under root");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let lines: Vec<&str> = text.lines().collect();
                for (i, line) in lines.iter().enumerate() {
                    let next = lines.get(i + 1).copied().unwrap_or("");
                    for (name, method) in defined_names(line, next) {
                        let key = if method {
                            format!("&self {name}")
                        } else {
                            name
                        };
                        out.entry(key).or_insert_with(|| rel.clone());
                    }
                }
            }
        }
    }
    let root = root();
    let mut out = BTreeMap::new();
    let crates = root.join("crates");
    let mut dirs: Vec<_> = std::fs::read_dir(&crates)
        .expect("crates/")
        .map(|e| e.expect("entry").path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        walk(&d, &root, &mut out);
    }
    out
}

/// Names a source line (followed by `next`) defines, each with whether it
/// is an `Array` method: `pub fn name(..)` (a method when its first
/// parameter is `&self`), or an entry of a function-generating macro such
/// as `exp => Exp;` or `sum, sum_axis, sum_axes => Sum;` (each entry
/// defines the free function and the `Array` method of its names).
fn defined_names(line: &str, next: &str) -> Vec<(String, bool)> {
    let line = line.trim_start();
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && s.starts_with(|c: char| c.is_ascii_lowercase())
    };
    if let Some(rest) = line.strip_prefix("pub fn ") {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let params = rest[name.len()..].trim_start_matches(|c| c != '(');
        let method = params.starts_with("(&self") || (params == "(" && next.trim() == "&self,");
        return vec![(name, method)];
    }
    let Some((lhs, rhs)) = line.split_once(" => ") else {
        return Vec::new();
    };
    let variant = rhs.trim_end_matches(';');
    let is_variant = rhs.ends_with(';')
        && variant.starts_with(|c: char| c.is_ascii_uppercase())
        && variant.chars().all(|c| c.is_alphanumeric());
    let names: Vec<&str> = lhs.split(", ").collect();
    if is_variant && names.iter().all(|n| ident(n)) {
        names
            .into_iter()
            .flat_map(|n| [(n.to_string(), false), (n.to_string(), true)])
            .collect()
    } else {
        Vec::new()
    }
}

fn rust_name(mlx: &str) -> &str {
    RUST_NAME
        .iter()
        .find(|(m, _)| *m == mlx)
        .map_or(mlx, |(_, r)| r)
}

/// The key of `row` in [`public_fns`]: `Array` members must be methods
/// (or associated functions such as `from_slice`).
fn lookup_key(row: &str, method: bool) -> String {
    let rust = rust_name(row);
    if method && row != "array" {
        format!("&self {rust}")
    } else {
        rust.to_string()
    }
}

fn table(title: &str, prefix: &str, rows: &[&str], fns: &BTreeMap<String, String>) -> String {
    let mut s = format!("## {title}\n\n| MLX | Rust | status | defined in |\n|---|---|---|---|\n");
    let method = !prefix.is_empty();
    for &row in rows {
        let rust = rust_name(row);
        let (status, file) = match fns.get(&lookup_key(row, method)) {
            Some(file) => ("implemented", format!("`{file}`")),
            None => ("missing", String::new()),
        };
        s += &format!("| `{prefix}{row}` | `{rust}` | {status} | {file} |\n");
    }
    s
}

fn render() -> String {
    let fns = public_fns();
    let count = |rows: &[&str], method: bool| {
        rows.iter()
            .filter(|r| fns.contains_key(&lookup_key(r, method)))
            .count()
    };
    let mut s = String::from(
        "# Status of MLX's ops and array members\n\n\
         Generated by `tests/ops/ops_table.rs` from the sources: a row is \
         *implemented* when a `pub fn` of its Rust name exists in `crates/*/src` \
         (for the Array table: a method taking `&self`). The test fails \
         when this file is stale; `MLX_BLESS_OPS_TABLE=1 cargo test -p mlx-tests \
         --test ops ops_table` rewrites it. Semantics are checked by the golden \
         tests in `tests/ops/` (values from MLX 0.32.4).\n\n",
    );
    s += &format!(
        "Operations: {} of {} implemented. Array members: {} of {} implemented.\n\n",
        count(OPS, false),
        OPS.len(),
        count(ARRAY, true),
        ARRAY.len()
    );
    s += &table("Operations (`mlx.core`)", "", OPS, &fns);
    s += "\n";
    s += &table("Array members (`mlx.core.array`)", "array.", ARRAY, &fns);
    s += NOTES;
    s += DEVICES;
    s
}

/// Arguments and rules of the Rust signatures a reader of MLX's reference
/// would not guess (kept here so that the file stays generated).
const NOTES: &str = "
## Arguments and rules

- `concatenate(arrays, axis: Option<i64>)`: MLX's default is `Some(0)`; `None` flattens every array, then joins them (MLX `axis=None`).
- `linspace(start, stop, num, endpoint, dtype)`: `endpoint = false` leaves `stop` out (MLX `endpoint=False`).
- `softmax(a, axes, precise)`: `axes = None` is every axis, as in MLX. The kernels accumulate half-precision input in `float32` whatever `precise` says; over several axes `precise` computes the composite in `float32`.
- `quantize`, `dequantize`, `quantized_matmul`, `gather_qmm` take `mode: QuantizationMode` (MLX's `mode` strings through `QuantizationMode::parse`). Only `Affine` is implemented; `Mxfp4`, `Mxfp8` and `Nvfp4` are an error naming the op and the mode.
- `left_shift`, `right_shift`: an amount that is negative or at least the bit width shifts every bit out, giving 0 (or -1 for a negative value shifted right), as NumPy does on both backends. MLX leaves this to C++, where it is undefined.
- `round(a, decimals)` with `decimals != 0` scales in `float32` for integers and bool too, as MLX does (`round([15, 25], -1)` is `[20, 20]`).
- Errors name the op called: a composite relabels the errors of the ops it delegates to (`[tile]`, not `[reshape]`), where MLX sometimes names the inner op.
";

/// How an op chooses its device, and what streams are (MLX's `stream=`).
const DEVICES: &str = "
## Devices and streams

- Devices: `Device::cpu()` and `Device::gpu(i)` (MLX's `mx.cpu`, `mx.Device(mx.gpu, i)`; `mx.gpu` is `Device::gpu(0)`). The core keeps one backend per device; the wgpu backend numbers the adapters that run compute shaders from 0, discrete GPUs first and lavapipe last, and `device_count(DeviceType::Gpu)` says how many there are. A GPU index past them is an error at first use: `[backend] no gpu device 5: 1 gpu device found by the wgpu backend`. The CPU is index 0 only.
- One backend per device kind: when two are linked for one kind (two GPU backend crates), neither is picked silently. `MLX_GPU_BACKEND=<name>` (`MLX_CPU_BACKEND` for the CPU) chooses one; while it is unset, using a GPU is an error naming both, and the default device is the CPU.
- Which device an op runs on (MLX passes `stream=` to every op, else uses the default stream; we take no `stream` argument, the scoped default plays its part everywhere):
  1. An op with array arguments runs on the device of its first array argument. Arguments living on another device are copied there (through the host) when the graph is evaluated; no op fails for mixed devices. Scalar operands are made on that device. `zeros_like` and `ones_like` count their argument.
  2. An op with no array arguments runs on the default device: the innermost `with_stream` / `with_default_device` scope of the calling thread, else `set_default_device`, else `Device::gpu(0)` when a GPU backend finds an adapter, else the CPU. These are the creation ops (`zeros`, `ones`, `full`, `arange`, `linspace`, `eye`, `identity`, `tri`, `Array::from_slice`, `array!`) and `random::key`.
  3. A random op does not count its key: random bits are drawn on the default device (the key is copied there). A sampler whose only other arguments are shapes and numbers (`bits`, `split`, `uniform_unit`, `normal` without `loc`/`scale`, `gumbel`, `laplace`, `permutation(n)`) runs on the default device; one with array parameters runs on the device of the first of them (`low`, `loc` or else `scale`, `lower`, `mean`, `p`, `logits`, `x`).
- Streams: `Stream { device, index }` (MLX's `mx.Stream`). `new_stream(device)` gives the next index of that device's streams; `default_stream(device)` is stream 0 until `set_default_stream` picks another; `with_stream(stream, || ..)` makes `stream` this thread's default stream and its device the default device for the closure (MLX's `with mx.stream(s)`), restoring both when the closure returns or panics; `with_default_device(device, f)` is `with_stream(default_stream(device), f)`.
- Each backend runs a device's work in one queue, in graph order: streams are scheduling labels that keep MLX's API, and ops recorded under different streams of one device still run in graph order.
";

#[test]
fn ops_table_is_current() {
    let path = root().join("docs/ops.md");
    let want = render();
    if std::env::var_os("MLX_BLESS_OPS_TABLE").is_some() {
        std::fs::write(&path, &want).expect("write docs/ops.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let diff: Vec<_> = want
            .lines()
            .zip(have.lines().chain(std::iter::repeat("")))
            .filter(|(w, h)| w != h)
            .take(10)
            .map(|(w, h)| format!("  want: {w}\n  have: {h}"))
            .collect();
        panic!(
            "docs/ops.md is stale; rerun with MLX_BLESS_OPS_TABLE=1. First differences:\n{}",
            diff.join("\n")
        );
    }
}

#[test]
fn ops_table_lists_unique_rows() {
    for rows in [OPS, ARRAY] {
        let mut seen = std::collections::HashSet::new();
        for r in rows {
            assert!(seen.insert(r), "row {r} listed twice");
        }
    }
}
