//! Printing modules as MLX's `Module.__repr__` does.

use super::traversal::children;
use crate::Module;

/// The constructor arguments a layer prints between its parentheses
/// (MLX's `_extra_repr`). Used by `#[derive(Module)]` with
/// `#[module(extra_repr)]`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_nn::ExtraRepr;
/// let l = mlx_nn::Linear::new(2, 3)?;
/// assert_eq!(l.extra_repr(), "input_dims=2, output_dims=3, bias=True");
/// Ok::<(), mlx_core::Error>(())
/// ```
pub trait ExtraRepr {
    /// The arguments, e.g. `input_dims=2, output_dims=3, bias=True`.
    fn extra_repr(&self) -> String;
}

/// The text MLX prints for a module: `Name(args` then one indented
/// `(path): child` line per submodule, then `)`.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let l = mlx_nn::Linear::new(2, 3)?;
/// assert_eq!(mlx_nn::module_repr(&l), "Linear(input_dims=2, output_dims=3, bias=True)");
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn module_repr(m: &dyn Module) -> String {
    let mut out = format!("{}({}", m.module_name(), m.extra_repr());
    let kids = children(m);
    for (k, c) in &kids {
        out.push('\n');
        let text = format!("({k}): {}", module_repr(*c));
        let indented: Vec<String> = text
            .split('\n')
            .map(|l| {
                if l.trim().is_empty() {
                    l.to_string()
                } else {
                    format!("  {l}")
                }
            })
            .collect();
        out.push_str(&indented.join("\n"));
    }
    if !kids.is_empty() {
        out.push('\n');
    }
    out.push(')');
    out
}

/// MLX's Python spelling of a flag: `True` / `False`.
pub(crate) fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// MLX's Python spelling of a float (`1e-05`, `0.5`, `1.0`).
pub(crate) fn py_float(x: f32) -> String {
    let x = x as f64;
    if x == x.trunc() && x.abs() < 1e16 {
        return format!("{x:.1}");
    }
    let short = format!("{}", x as f32);
    let v: f64 = short.parse().unwrap_or(x);
    if v.abs() < 1e-4 && v != 0.0 {
        // Python: 1e-05
        let s = format!("{:e}", x as f32);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", e.abs())
    } else {
        short
    }
}

/// MLX's Python spelling of a tuple of sizes: `(2, 2)`, `(3,)`.
pub(crate) fn py_tuple(v: &[usize]) -> String {
    mlx_core::shape::format_shape(v)
}
