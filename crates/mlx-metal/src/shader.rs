//! WGSL sources and how a kernel is specialised from them.
//!
//! Each file in the top-level `shaders/` folder holds one kernel family.
//! Text before the first `//@ section NAME` line is shared by every kernel
//! of the family; each section holds one variant (an op's expression, a
//! dtype class's variant of it, an entry point). A kernel is
//! `header + dtype.wgsl + shared text + chosen sections`, where the header
//! declares the dtypes of the bindings (see [`crate::slots::prelude`]) and
//! constants such as `CONTIG`. Section names are derived from op names
//! (`UnaryOp::Exp.name()` is `exp`), never retyped.

use mlx_core::{Dtype, Error, Result};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Shared helpers (bfloat16 rounding, NaN, strided indexing).
pub(crate) const DTYPE: &str = include_str!("../../../shaders/dtype.wgsl");
/// Strided copy and cast.
pub(crate) const COPY: &str = include_str!("../../../shaders/copy.wgsl");
/// The loop over memory shared by the elementwise families.
pub(crate) const ELEMENTWISE: &str = include_str!("../../../shaders/elementwise.wgsl");
/// Elementwise unary ops.
pub(crate) const UNARY: &str = include_str!("../../../shaders/unary.wgsl");
/// Elementwise binary ops.
pub(crate) const BINARY: &str = include_str!("../../../shaders/binary.wgsl");
/// `where(cond, x, y)`.
pub(crate) const SELECT: &str = include_str!("../../../shaders/select.wgsl");
/// `take` and `take_along_axis`.
pub(crate) const INDEXING: &str = include_str!("../../../shaders/indexing.wgsl");
/// Reductions and arg-reductions.
pub(crate) const REDUCE: &str = include_str!("../../../shaders/reduce.wgsl");
/// Softmax over the last axis.
pub(crate) const SOFTMAX: &str = include_str!("../../../shaders/softmax.wgsl");
/// Cumulative ops.
pub(crate) const SCAN: &str = include_str!("../../../shaders/scan.wgsl");
/// Sort and argsort.
pub(crate) const SORT: &str = include_str!("../../../shaders/sort.wgsl");
/// Scatters (indexed updates).
pub(crate) const SCATTER: &str = include_str!("../../../shaders/scatter.wgsl");
/// Matrix products.
pub(crate) const MATMUL: &str = include_str!("../../../shaders/matmul.wgsl");
/// Threefry random bits.
pub(crate) const RANDOM: &str = include_str!("../../../shaders/random.wgsl");
/// `view`: bit reinterpretation between dtypes.
pub(crate) const BITCAST: &str = include_str!("../../../shaders/bitcast.wgsl");
/// The fused Walsh-Hadamard transform.
pub(crate) const HADAMARD: &str = include_str!("../../../shaders/hadamard.wgsl");
/// The fused convolution (implicit GEMM).
pub(crate) const CONV: &str = include_str!("../../../shaders/conv.wgsl");
/// Fused optimizer updates (Adam).
pub(crate) const OPTIMIZER: &str = include_str!("../../../shaders/optimizer.wgsl");
/// The cotangent through a comparison mask (`maximum`'s backward).
pub(crate) const MASK_GRAD: &str = include_str!("../../../shaders/mask_grad.wgsl");

/// Every family, by file name (for the naga tests).
#[cfg(test)]
pub(crate) const FAMILIES: [(&str, &str); 19] = [
    ("dtype", DTYPE),
    ("elementwise", ELEMENTWISE),
    ("copy", COPY),
    ("unary", UNARY),
    ("binary", BINARY),
    ("select", SELECT),
    ("indexing", INDEXING),
    ("reduce", REDUCE),
    ("softmax", SOFTMAX),
    ("scan", SCAN),
    ("sort", SORT),
    ("matmul", MATMUL),
    ("scatter", SCATTER),
    ("random", RANDOM),
    ("bitcast", BITCAST),
    ("hadamard", HADAMARD),
    ("conv", CONV),
    ("optimizer", OPTIMIZER),
    ("mask_grad", MASK_GRAD),
];

const MARK: &str = "//@ section ";

/// The text of `src` before its first section.
pub(crate) fn shared(src: &str) -> &str {
    match src.find(MARK) {
        Some(i) => &src[..i],
        None => src,
    }
}

/// The body of section `name` in `src`, if present.
pub(crate) fn section<'a>(src: &'a str, name: &str) -> Option<&'a str> {
    titled_section(src, name).map(|(_, body)| body)
}

/// Section `name` of `src` as (its title in `src`, its body).
fn titled_section<'a>(src: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let mut rest = src;
    while let Some(i) = rest.find(MARK) {
        let after = &rest[i + MARK.len()..];
        let line_end = after.find('\n').unwrap_or(after.len());
        let title = after[..line_end].trim();
        let body = &after[line_end..];
        let end = body.find(MARK).unwrap_or(body.len());
        if title == name {
            return Some((title, &body[..end]));
        }
        rest = body;
    }
    None
}

/// The dtype class used to pick an op's variant: `float`, `sint`, `uint`
/// or `bool`.
pub(crate) fn class(dtype: Dtype) -> &'static str {
    if crate::slots::is_float(dtype) {
        "float"
    } else if dtype == Dtype::Bool {
        "bool"
    } else if dtype.is_signed_integer() {
        "sint"
    } else {
        "uint"
    }
}

/// The section for op `name` on `dtype`: `name.class`, else `name.uint`
/// for bool, else `name`. Lookups are memoised (ops call this on every
/// dispatch, and scanning a family's text for the marker costs more than
/// the rest of a small op's CPU work).
pub(crate) fn op_section(
    family: &'static str,
    op: &'static str,
    name: &str,
    dtype: Dtype,
) -> Result<&'static str> {
    titled_op_section(family, op, name, dtype).map(|(_, body)| body)
}

/// The function an elementwise op's section defines (see
/// `shaders/unary.wgsl`): `{prefix}_{title}` with `.` as `_`, e.g.
/// `unary_exp_float` for section `exp.float` of [`UNARY`] (prefix
/// [`UNARY_FN`]). Returns the section's body and `call(function name)`
/// (the kernel's `op`, calling it), both built once per section.
pub(crate) fn op_function(
    family: &'static str,
    prefix: &str,
    op: &'static str,
    name: &str,
    dtype: Dtype,
    call: impl Fn(&str) -> String,
) -> Result<(&'static str, &'static str)> {
    type Key = (usize, &'static str);
    static CALLS: OnceLock<Mutex<HashMap<Key, &'static str>>> = OnceLock::new();
    let (title, body) = titled_op_section(family, op, name, dtype)?;
    let calls = CALLS.get_or_init(Mutex::default);
    let mut calls = calls.lock().unwrap_or_else(|p| p.into_inner());
    let text = calls
        .entry((family.as_ptr() as usize, title))
        .or_insert_with(|| {
            // Leaked once per section (a bounded set).
            let func = format!("{prefix}_{}", title.replace('.', "_"));
            Box::leak(call(&func).into_boxed_str())
        });
    Ok((body, *text))
}

/// Prefix of the functions of [`UNARY`]'s op sections.
pub(crate) const UNARY_FN: &str = "unary";
/// Prefix of the functions of [`BINARY`]'s op sections.
pub(crate) const BINARY_FN: &str = "binary";

/// [`op_section`] with the title it was found under.
fn titled_op_section(
    family: &'static str,
    op: &'static str,
    name: &str,
    dtype: Dtype,
) -> Result<(&'static str, &'static str)> {
    type Key = (usize, String, &'static str);
    type Found = Option<(&'static str, &'static str)>;
    static FOUND: OnceLock<Mutex<HashMap<Key, Found>>> = OnceLock::new();
    let c = class(dtype);
    let key = (family.as_ptr() as usize, name.to_string(), c);
    let found = FOUND.get_or_init(Mutex::default);
    let hit = found
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .copied();
    let sec = match hit {
        Some(sec) => sec,
        None => {
            let sec = titled_section(family, &format!("{name}.{c}"))
                .or_else(|| {
                    (c == "bool")
                        .then(|| titled_section(family, &format!("{name}.uint")))
                        .flatten()
                })
                .or_else(|| titled_section(family, name));
            found
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key, sec);
            sec
        }
    };
    sec.ok_or_else(|| Error::dtype(op, dtype, "has no GPU kernel for this dtype"))
}

/// Compose a kernel: `enable f16;` when needed, the binding preludes, the
/// `consts`, `dtype.wgsl`, the family's shared text and `sections`. Each
/// binding's accessors (see [`crate::slots::prelude`]) follow how the
/// kernel text declares it: `var<storage, read> x: array<T_x>;` or
/// `var<storage, read_write> x: array<T_x>;`.
pub(crate) fn compose(
    bindings: &[(&str, Dtype)],
    consts: &[(&str, String)],
    family: &str,
    sections: &[&str],
) -> String {
    let mut body = String::new();
    for (name, value) in consts {
        body.push_str(&format!("const {name} = {value};\n"));
    }
    body.push_str(DTYPE);
    body.push_str(shared(family));
    for sec in sections {
        body.push_str(sec);
    }
    let mut s = String::new();
    if bindings.iter().any(|(_, d)| *d == Dtype::Float16) {
        s.push_str("enable f16;\n");
    }
    for (name, dtype) in bindings {
        s.push_str(&crate::slots::prelude(name, *dtype, access(&body, name)));
    }
    s.push_str(&body);
    s
}

/// How `text` declares binding `name` (see [`compose`]).
fn access(text: &str, name: &str) -> crate::slots::Access {
    use crate::slots::Access;
    let decl = |mode: &str| format!("var<storage, {mode}> {name}: array<T_{name}>;");
    if text.contains(&decl("read_write")) {
        Access::ReadWrite
    } else if text.contains(&decl("read")) {
        Access::Read
    } else {
        Access::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_on_markers() {
        let src = "shared\n//@ section a\nA\n//@ section b.float\nB\n";
        assert_eq!(shared(src), "shared\n");
        assert_eq!(section(src, "a"), Some("\nA\n"));
        assert_eq!(section(src, "b.float"), Some("\nB\n"));
        assert_eq!(section(src, "c"), None);
    }
}
