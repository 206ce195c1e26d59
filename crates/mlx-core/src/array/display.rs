//! Printing in MLX's format: `array([[1, 2],\n       [3, 4]], dtype=int32)`.

use super::Array;
use crate::{Complex64, HostData};
use std::fmt;

/// Items kept at each end of an axis longer than twice this.
const EDGE_ITEMS: usize = 3;

impl fmt::Display for Array {
    /// Evaluates the array and prints it as MLX does.
    ///
    /// # Evaluation
    /// Evaluates the array; an evaluation error prints as `array(<error: ..>)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match self.to_host_data() {
            Ok(h) => h,
            Err(e) => return write!(f, "array(<error: {e}>, dtype={})", self.dtype()),
        };
        let mut out = String::from("array(");
        write_level(&mut out, &host, self.shape(), 0, 0);
        out.push_str(&format!(", dtype={})", self.dtype()));
        f.write_str(&out)
    }
}

fn write_level(out: &mut String, host: &HostData, shape: &[usize], depth: usize, base: usize) {
    if depth == shape.len() {
        out.push_str(&format_element(host, base));
        return;
    }
    let n = shape[depth];
    let inner: usize = shape[depth + 1..].iter().product();
    out.push('[');
    // MLX 0.32.4 shortens every axis longer than 6, whatever the size.
    let skip = n > 2 * EDGE_ITEMS;
    let last_axis = depth + 1 == shape.len();
    let sep = if last_axis {
        ", ".to_string()
    } else {
        format!(",\n{}", " ".repeat(7 + depth))
    };
    let mut first = true;
    for i in 0..n {
        if skip && i == EDGE_ITEMS {
            out.push_str(&sep);
            out.push_str("...");
            continue;
        }
        if skip && i > EDGE_ITEMS && i < n - EDGE_ITEMS {
            continue;
        }
        if !first {
            out.push_str(&sep);
        }
        first = false;
        write_level(out, host, shape, depth + 1, base + i * inner);
    }
    out.push(']');
}

fn format_element(host: &HostData, i: usize) -> String {
    match host {
        HostData::Bool(v) => if v[i] { "True" } else { "False" }.to_string(),
        HostData::Uint8(v) => v[i].to_string(),
        HostData::Uint16(v) => v[i].to_string(),
        HostData::Uint32(v) => v[i].to_string(),
        HostData::Uint64(v) => v[i].to_string(),
        HostData::Int8(v) => v[i].to_string(),
        HostData::Int16(v) => v[i].to_string(),
        HostData::Int32(v) => v[i].to_string(),
        HostData::Int64(v) => v[i].to_string(),
        HostData::Float16(v) => format_g(v[i].to_f64()),
        HostData::Bfloat16(v) => format_g(v[i].to_f64()),
        HostData::Float32(v) => format_g(v[i] as f64),
        HostData::Float64(v) => format_g(v[i]),
        HostData::Complex64(v) => format_complex(v[i]),
    }
}

fn format_complex(z: Complex64) -> String {
    // As MLX: '-' only for a negative imaginary part, so -0 prints `+-0j`.
    let im = z.im as f64;
    if im < 0.0 {
        format!("{}-{}j", format_g(z.re as f64), format_g(-im))
    } else {
        format!("{}+{}j", format_g(z.re as f64), format_g(im))
    }
}

/// C's `%g` with 6 significant digits, as MLX prints floats.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::array::format_g;
/// assert_eq!(format_g(2.5), "2.5");
/// assert_eq!(format_g(1e10), "1e+10");
/// assert_eq!(format_g(1.0 / 3.0), "0.333333");
/// assert_eq!(format_g(123456.789), "123457");
/// ```
pub fn format_g(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("integer exponent");
    if !(-4..6).contains(&exp) {
        let m = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (5 - exp).max(0) as usize;
        strip_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format_g;

    #[test]
    fn format_g_matches_c_printf() {
        // Expected strings from C's printf("%g") (also what MLX prints).
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (2.5, "2.5"),
            (1e10, "1e+10"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (0.0001, "0.0001"),
            (0.00012345678, "0.000123457"),
            (-1.23456789, "-1.23457"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (999999.5, "1e+06"),
        ];
        for (x, want) in cases {
            assert_eq!(format_g(x), want, "format_g({x})");
        }
    }
}
