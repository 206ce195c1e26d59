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

/// MLX names whose Rust name differs (Rust keywords, Rust conventions),
/// with the reason; rendered as the table of renames in `docs/ops.md`.
const RENAMES: &[(&str, &str, &str)] = &[
    ("where", "where_", "`where` is a Rust keyword"),
    (
        "array",
        "from_slice",
        "`Array::from_slice(&data, &shape)`; also `from_vec`, `from_scalar`, `array!`",
    ),
    (
        "astype",
        "as_type",
        "the method, as in mlx-rs; the free function keeps MLX's `astype`",
    ),
    (
        "tolist",
        "to_vec",
        "Rust's word for a flat host copy (`to_vec::<T>()`)",
    ),
    ("T", "t", "a method: Rust has no properties"),
];

/// Rust forms of MLX calls that one Rust signature cannot take (an MLX
/// argument that may be a scalar or an array, a second C++ signature).
const EXTRA_FORMS: &[(&str, &str, &str)] = &[
    (
        "full(shape, vals: array)",
        "full_array(shape, &vals)",
        "`full` takes a Rust scalar value",
    ),
    (
        "arange(start, stop, step) with floats",
        "arange_f64(start, stop, step, dtype)",
        "`arange` takes one scalar type `S` for its three bounds",
    ),
    (
        "pad(a, w, constant_values: array)",
        "pad_with_array",
        "`pad` takes a Rust scalar value",
    ),
    (
        "tensordot(a, b, axes=(axes_a, axes_b))",
        "tensordot_axes(a, b, &axes_a, &axes_b)",
        "`tensordot` takes the integer form",
    ),
    (
        "slice_update(src, update, start, stop, strides) (C++)",
        "slice_update_strided",
        "`slice_update` is the Python form `(a, update, start_indices, axes)`",
    ),
    (
        "random.permutation(x: array)",
        "random::permutation_array(&x, axis, key)",
        "`permutation` takes the integer form",
    ),
    (
        "a.flatten(start_axis, end_axis)",
        "flatten(&a, start, end); a.flatten()",
        "the method flattens every axis",
    ),
];

fn rust_name(mlx: &str) -> &str {
    RENAMES
        .iter()
        .find(|(m, _, _)| *m == mlx)
        .map_or(mlx, |(_, r, _)| r)
}

/// The table of deliberate renames and extra Rust forms.
fn renames() -> String {
    let mut s = String::from(
        "\n## Names that differ from MLX\n\n\
         Every deliberate difference between an MLX name or call form and ours \
         (the tables above use these Rust names).\n\n\
         | MLX | Rust | why |\n|---|---|---|\n",
    );
    for (mlx, rust, why) in RENAMES.iter().chain(EXTRA_FORMS) {
        s += &format!("| `{mlx}` | `{rust}` | {why} |\n");
    }
    s
}

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
    s += &renames();
    s += DEVICES;
    s
}

/// Arguments and rules of the Rust signatures a reader of MLX's reference
/// would not guess (kept here so that the file stays generated).
const NOTES: &str = "
## Arguments and rules

One style per kind of argument, the same in every op and its `Array` method:

- Axes (`sum`, `prod`, `max`, `min`, `all`, `any`, `mean`, `var`, `std`, `logsumexp`, `median`, `softmax`, `squeeze`, `transpose`, `expand_dims`, `roll`, and the `axes` of `slice`/`slice_update`) take `impl Into<Axes>`: `()` for every axis (MLX's `axis=None`), one integer of any integer type, or a slice, array or `Vec` of integers: `sum(&a, (), false)`, `sum(&a, 1, false)`, `a.sum([0, 1], true)`. `Option<&[i64]>` and `Option<Vec<i64>>` convert too, for axes computed at run time (`None` is every axis). There is one function per op (no `sum_axis`/`sum_axes`). Ops whose axes are required (`expand_dims`, `slice`, `slice_update`) reject `()` with an error naming the op.
- One optional axis (`argmax`, `argmin`, `sort`, `argsort`, `partition`, `argpartition`, `topk`, `cumsum`, `cumprod`, `cummax`, `cummin`, `logcumsumexp`, `concatenate`, `take`, `take_along_axis`, `put_along_axis`, `repeat`) takes `impl Into<Axis>`: `()` works on the flattened array (MLX's `axis=None`), an integer is the axis, `Option<i64>` converts too. MLX's default is written out: `-1` for `sort`, `argsort`, `partition`, `topk`; `0` for `concatenate`.
- A required single axis (`stack`, `split`, `swapaxes`, `moveaxis`, `flatten`, `diagonal`, `trace`, `unflatten`, ...) is an `i64`; negative axes count from the end everywhere.
- Shapes (`zeros`, `ones`, `full`, `full_array`, `reshape`, `broadcast_to`, `tile`, `unflatten`, `slice`'s `slice_size`, the `random` samplers' `shape`) take `impl Into<Shape>`: a slice, array or `Vec` of any integer type, one integer for a 1-d shape, or `()` for the 0-d shape (`&[]` has no element type to infer). A negative entry is an error naming the op, except one `-1` in `reshape` and `unflatten`. Integer literals default to `i32`: a dimension above `i32::MAX` needs a suffix (`zeros([1usize << 40], ..)`). `Array::from_slice`/`from_vec` keep `&[usize]`, the shape of the data given.
- Single sizes (`eye`'s and `tri`'s `n` and `m`, `identity`'s `n`, `topk`'s `k`, `repeat`'s count, `random::split`'s `num`, `random::permutation`'s `n`) are `i64`; a negative size is an error naming the op.
- Scalars: wherever MLX takes a Python scalar the Rust op takes `impl IntoOperand` (an `Array`, `&Array`, or a Rust number or `bool`): every binary op (`add` .. `logaddexp`, comparisons, logical and bitwise ops, `divmod`), the three arguments of `where_`, the bounds of `clip` (`()` or `None` leaves a bound out), the indices of `take`, the starts of `slice` and `slice_update`, and the values of `a.at(..).add(..)` and its siblings. A scalar is weakly typed as MLX types a Python scalar: a float takes the array's dtype when it is inexact, else `float32` (`maximum(&f16, 0.0)` is `float16`, `maximum(&i32, 0.0)` is `float32`); an integer takes the array's dtype, as MLX converts a Python int through `int64`: a value a 1-, 2- or 4-byte integer dtype cannot hold is an error (`[maximum] converting 300 to uint8 would result in overflow`), next to `int64`/`uint64` it wraps (`uint64 + (-3)`), and next to `bool` it is `int32`, wrapping (`bool + 2**40` adds 0); two scalars are `int32`/`float32` as `mx.add(1, 2.5)` (`int64` for an int past the `int32` range, as `mx.array(2**40)`). `clip(&i32, 0, 1.5)` is `float32`, as MLX's. An operator expression with a scalar on the left passed to a generic argument (`add(x, (1 - &a)?)`) needs the scalar's type written (`1i32`), or the op form `subtract(1, &a)`.
- `linspace(start, stop, num, endpoint, dtype)`: `endpoint = false` leaves `stop` out (MLX `endpoint=False`).
- `softmax(a, axes, precise)`: `axes = ()` is every axis, as MLX's `None`. The kernels accumulate half-precision input in `float32` whatever `precise` says; over several axes `precise` computes the composite in `float32`.
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
  1. An op with array arguments runs on the device of its first array argument. Arguments living on another device are copied there (through the host) when the graph is evaluated; no op fails for mixed devices. Scalar operands are made on that device, and so are the constants that composite ops (`logsumexp`, `median`, ...) and derivative and vmap rules make. `zeros_like` and `ones_like` count their argument.
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
