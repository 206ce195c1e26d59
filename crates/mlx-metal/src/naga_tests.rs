//! Every kernel the backend can build, parsed and validated by naga, so a
//! shader error fails `cargo test` instead of a user's first run. Needs no
//! GPU.

use crate::shader::{self, compose};
use crate::slots;
use mlx_core::primitive::{ArgReduceOp, BinaryOp, ReduceOp, UnaryOp};
use mlx_core::Dtype;

/// Dtypes the GPU holds.
pub(crate) const GPU_DTYPES: [Dtype; 12] = [
    Dtype::Bool,
    Dtype::Uint8,
    Dtype::Uint16,
    Dtype::Uint32,
    Dtype::Uint64,
    Dtype::Int8,
    Dtype::Int16,
    Dtype::Int32,
    Dtype::Int64,
    Dtype::Float16,
    Dtype::Bfloat16,
    Dtype::Float32,
];

/// Parse and validate `src`, panicking with naga's report and the source.
pub(crate) fn validate(what: &str, src: &str) {
    let module = naga::front::wgsl::parse_str(src)
        .unwrap_or_else(|e| panic!("{what}: {}\n{src}", e.emit_to_string(src)));
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::all(),
    )
    .validate(&module)
    .unwrap_or_else(|e| panic!("{what}: {}\n{src}", e.emit_to_string(src)));
}

fn contig_consts(c: bool) -> Vec<(&'static str, String)> {
    vec![("CONTIG", c.to_string()), ("OUT_CONTIG", c.to_string())]
}

#[test]
fn every_family_has_a_header_comment() {
    for (name, src) in shader::FAMILIES {
        assert!(
            src.starts_with("//"),
            "shaders/{name}.wgsl should start with a comment"
        );
    }
}

#[test]
fn unary_kernels_validate() {
    let mut built = 0;
    for op in UnaryOp::ALL {
        for d in GPU_DTYPES {
            let Ok(c) = op.compute_dtype(d) else { continue };
            if c != d {
                continue; // the core casts first; only the compute dtype reaches a kernel
            }
            let secs = crate::unary::sections(op, c)
                .unwrap_or_else(|_| panic!("no unary kernel for {} on {c}", op.name()));
            for contig in [true, false] {
                let src = compose(
                    &[("a", c), ("out", op.out_dtype(c))],
                    &contig_consts(contig)[..1],
                    shader::UNARY,
                    &secs,
                );
                validate(&format!("unary {} {c}", op.name()), &src);
                built += 1;
            }
        }
    }
    assert!(built > 300, "{built}");
}

#[test]
fn binary_kernels_validate() {
    for op in BinaryOp::ALL {
        for d in GPU_DTYPES {
            let Ok(c) = op.compute_dtype(d) else { continue };
            if c != d {
                continue;
            }
            let secs = crate::binary::sections(op, c)
                .unwrap_or_else(|_| panic!("no binary kernel for {} on {c}", op.name()));
            let src = compose(
                &[("a", c), ("b", c), ("out", op.out_dtype(c))],
                &contig_consts(false)[..1],
                shader::BINARY,
                &secs,
            );
            validate(&format!("binary {} {c}", op.name()), &src);
        }
    }
}

#[test]
fn copy_kernels_validate_for_every_cast() {
    for from in GPU_DTYPES {
        for to in GPU_DTYPES {
            let cast = format!(
                "fn convert(x: C_a) -> C_out {{ return {}; }}\n",
                slots::cast_expr("x", from, to)
            );
            for pairs in [false, true] {
                let mut consts = contig_consts(pairs);
                consts.push(("PAIRS", pairs.to_string()));
                let src = compose(&[("a", from), ("out", to)], &consts, shader::COPY, &[&cast]);
                validate(&format!("copy {from} -> {to} pairs={pairs}"), &src);
            }
        }
    }
}

#[test]
fn select_and_indexing_kernels_validate() {
    for d in GPU_DTYPES {
        let src = compose(
            &[("c", Dtype::Bool), ("x", d), ("y", d), ("out", d)],
            &contig_consts(true)[..1],
            shader::SELECT,
            &[shader::ELEMENTWISE],
        );
        validate(&format!("where {d}"), &src);
        for i in [
            Dtype::Int32,
            Dtype::Uint32,
            Dtype::Int64,
            Dtype::Uint8,
            Dtype::Int16,
        ] {
            for along in [false, true] {
                let src = compose(
                    &[("a", d), ("idx", i), ("out", d)],
                    &[("ALONG", along.to_string())],
                    shader::INDEXING,
                    &[],
                );
                validate(&format!("take {d} by {i}"), &src);
            }
        }
    }
}

#[test]
fn reduce_kernels_validate() {
    use crate::reduce::{arg_source, reduce_source, Kernel};
    let kernels = [
        Kernel::Row { tpr: 256 },
        Kernel::Row { tpr: 32 },
        Kernel::Row { tpr: 1 },
        Kernel::Col { strands: 8 },
        Kernel::Col { strands: 1 },
    ];
    let mut built = 0;
    for op in [
        ReduceOp::Sum,
        ReduceOp::Prod,
        ReduceOp::Max,
        ReduceOp::Min,
        ReduceOp::All,
        ReduceOp::Any,
    ] {
        for d in GPU_DTYPES {
            if matches!(op, ReduceOp::All | ReduceOp::Any) && d != Dtype::Bool {
                continue; // the core casts their input to bool
            }
            // The kernel's own dtype, and float partials of a split pass.
            let mut pairs = vec![(d, d)];
            if slots::is_float(d) {
                pairs.push((d, Dtype::Float32));
                pairs.push((Dtype::Float32, d));
            }
            for (from, to) in pairs {
                for kernel in kernels {
                    for (contig, red1) in [(true, true), (false, true), (false, false)] {
                        let src = reduce_source(op, from, to, kernel, contig, red1)
                            .unwrap_or_else(|e| panic!("{}: {e}", op.name()));
                        validate(
                            &format!("{} {from}->{to} {kernel:?} {contig} {red1}", op.name()),
                            &src,
                        );
                        built += 1;
                    }
                }
            }
        }
    }
    assert!(built > 500, "{built}");
    for op in [ArgReduceOp::ArgMax, ArgReduceOp::ArgMin] {
        for d in GPU_DTYPES {
            for (tpr, contig) in [(256, true), (8, false), (1, true)] {
                let src = arg_source(op, d, tpr, contig).expect("argcmp section");
                validate(&format!("{} {d} {tpr}", op.name()), &src);
            }
        }
    }
}

#[test]
fn softmax_kernels_validate() {
    use crate::softmax::{plan, softmax_source};
    assert_eq!(plan(2048), (256, 8));
    assert_eq!(plan(8192), (256, 0)); // streamed: registers would spill
    assert_eq!(plan(100_000).1, 0);
    for d in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        for (tpr, k) in [(256, 32), (256, 0), (16, 8), (1, 1)] {
            for contig in [true, false] {
                validate(
                    &format!("softmax {d} {tpr} {k} {contig}"),
                    &softmax_source(d, tpr, k, contig),
                );
            }
        }
    }
}

#[test]
fn scan_kernels_validate() {
    use crate::scan::{par_ok, scan_source};
    use mlx_core::primitive::ScanOp;
    let ops = [
        ScanOp::Sum,
        ScanOp::Prod,
        ScanOp::Max,
        ScanOp::Min,
        ScanOp::LogAddExp,
    ];
    let mut built = 0;
    for op in ops {
        for d in GPU_DTYPES {
            if op == ScanOp::LogAddExp && !slots::is_float(d) {
                assert!(scan_source(op, d, false, false, true).is_err());
                continue; // the core casts integers to float32 first
            }
            for reverse in [false, true] {
                for inclusive in [false, true] {
                    for par in [false, true] {
                        if par && !par_ok(d) {
                            continue;
                        }
                        let what =
                            format!("{} {d} par={par} rev={reverse} incl={inclusive}", op.name());
                        let src = scan_source(op, d, par, reverse, inclusive)
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        validate(&what, &src);
                        built += 1;
                    }
                }
            }
        }
    }
    assert!(built > 300, "{built}");
}

#[test]
fn sort_kernels_validate() {
    use crate::sort::sort_source;
    for d in GPU_DTYPES {
        for entry in ["main.local", "main.global", "emit.sort"] {
            let src = sort_source(entry, d, d).unwrap_or_else(|e| panic!("{entry} {d}: {e}"));
            validate(&format!("sort {entry} {d}"), &src);
        }
        let src = sort_source("emit.argsort", d, Dtype::Uint32).expect("argsort emit");
        validate(&format!("sort emit.argsort {d}"), &src);
    }
}

#[test]
fn bitcast_kernels_validate() {
    use crate::bitcast::bitcast_source;
    for from in GPU_DTYPES {
        for to in GPU_DTYPES {
            for contig in [true, false] {
                let src = bitcast_source(from, to, contig).unwrap();
                validate(&format!("view {from} as {to} contig={contig}"), &src);
            }
        }
    }
}

#[test]
fn random_kernels_validate() {
    use crate::random::random_source;
    for d in [Dtype::Uint8, Dtype::Uint16, Dtype::Uint32] {
        validate(&format!("bits {d}"), &random_source(d));
    }
}

#[test]
fn matmul_kernels_validate() {
    use crate::matmul::{coop_source, gemv_source, reduce_source, tiled_source, Gemv, Layout};
    let layouts: Vec<Layout> = [(false, false), (false, true), (true, false), (true, true)]
        .into_iter()
        .map(|(t, vec)| Layout { t, vec })
        .collect();
    for d in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        for &a in &layouts {
            for &b in &layouts {
                for out_vec in [false, true] {
                    validate(
                        &format!("matmul tiled {d} {a:?} {b:?} out_vec={out_vec}"),
                        &tiled_source(d, a, b, out_vec),
                    );
                }
            }
        }
        for kind in [Gemv::Axpy, Gemv::AxpyFast, Gemv::Dot] {
            for x_vec in [false, true] {
                for y_vec in [false, true] {
                    for split in [false, true] {
                        for tj in [2, 4, 8, 16] {
                            validate(
                                &format!(
                                    "matmul gemv {d} {kind:?} x_vec={x_vec} y_vec={y_vec} \
                                     split={split} tj={tj}"
                                ),
                                &gemv_source(d, kind, (x_vec, y_vec), split, tj),
                            );
                        }
                    }
                }
            }
        }
        validate(&format!("matmul gemv reduce {d}"), &reduce_source(d));
    }
    for &a in &layouts {
        for &b in &layouts {
            for out_vec in [false, true] {
                validate(
                    &format!("matmul coop {a:?} {b:?} out_vec={out_vec}"),
                    &coop_source(a, b, out_vec),
                );
            }
        }
    }
    for a_t in [false, true] {
        for b_t in [false, true] {
            validate(
                &format!("matmul coop direct a_t={a_t} b_t={b_t}"),
                &crate::matmul::coop_direct_source(a_t, b_t),
            );
        }
    }
}

/// The cooperative-matrix kernel cannot run here (no adapter offers it),
/// so at least check that naga's SPIR-V writer (wgpu's Vulkan path)
/// accepts it and declares the cooperative-matrix capability.
#[test]
fn matmul_coop_kernel_writes_spirv() {
    use crate::matmul::{coop_direct_source, coop_source, Layout};
    let l = |t| Layout { t, vec: true };
    let sources = [
        (l(false), l(false)),
        (l(false), l(true)),
        (l(true), l(true)),
    ]
    .map(|(a, b)| (format!("coop {a:?} {b:?}"), coop_source(a, b, true)));
    let direct = [(false, false), (true, true)]
        .map(|(a, b)| (format!("coop direct {a} {b}"), coop_direct_source(a, b)));
    for (name, src) in sources.into_iter().chain(direct) {
        let module = naga::front::wgsl::parse_str(&src).expect("parses");
        let info = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::all(),
        )
        .validate(&module)
        .expect("validates");
        let options = naga::back::spv::Options {
            lang_version: (1, 6),
            ..Default::default()
        };
        let words = naga::back::spv::write_vec(&module, &info, &options, None)
            .unwrap_or_else(|e| panic!("SPIR-V for {name}: {e}"));
        // OpCapability CooperativeMatrixKHR (6022).
        assert!(
            words.windows(2).any(|w| w == [(2 << 16) | 17, 6022]),
            "no CooperativeMatrixKHR capability"
        );
    }
}

#[test]
fn scatter_kernels_validate() {
    use crate::scatter::scatter_source;
    use mlx_core::primitive::ScatterOp;
    let mut built = 0;
    for op in ScatterOp::ALL {
        for d in GPU_DTYPES {
            for i in [Dtype::Int32, Dtype::Uint8, Dtype::Int64, Dtype::Uint64] {
                validate(
                    &format!("scatter {} {d} {i}", op.name()),
                    &scatter_source(op, d, i, None),
                );
                built += 1;
                if op == ScatterOp::None {
                    for pass in 0..3 {
                        validate(
                            &format!("scatter last pass {pass} {d} {i}"),
                            &scatter_source(op, d, i, Some(pass)),
                        );
                    }
                }
            }
        }
    }
    assert_eq!(built, 5 * 12 * 4);
}

#[test]
fn every_shader_file_is_a_family() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shaders");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("shaders/ exists")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .filter_map(|f| f.strip_suffix(".wgsl").map(str::to_string))
        .collect();
    files.sort();
    let mut families: Vec<String> = shader::FAMILIES.iter().map(|f| f.0.to_string()).collect();
    families.sort();
    assert_eq!(files, families, "every shaders/*.wgsl is validated here");
}

#[test]
fn hadamard_kernels_validate() {
    use crate::fast::{hadamard_source, rows_per_group};
    use mlx_core::primitive::FastOp;
    for d in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        for n in [1, 2, 12, 20, 28, 56, 1024, 7168] {
            let (m, k, _) = FastOp::hadamard_plan(n).expect("a valid length");
            let r = rows_per_group(m, 1 << k, 32 << 10).expect("fits 32 KiB");
            for contig in [true, false] {
                validate(
                    &format!("hadamard {d} n={n} contig={contig}"),
                    &hadamard_source(d, m, 1 << k, r, contig),
                );
            }
        }
    }
}

/// The op functions of `unary.wgsl` and `binary.wgsl` live apart from the
/// loops over memory and have distinct names, so one module can hold every
/// float32 op of both families plus a kernel chaining two of them (what a
/// fused elementwise kernel will do).
#[test]
fn elementwise_functions_chain_in_one_module() {
    use crate::shader::{BINARY_FN, UNARY_FN};
    let f = Dtype::Float32;
    let mut bodies = Vec::new();
    for op in UnaryOp::ALL {
        if op.compute_dtype(f).ok() == Some(f) && op.out_dtype(f) == f {
            bodies.push(crate::unary::sections(op, f).expect("a float kernel")[0]);
        }
    }
    for op in BinaryOp::ALL {
        if op.compute_dtype(f).ok() == Some(f) && op.out_dtype(f) == f {
            bodies.push(crate::binary::sections(op, f).expect("a float kernel")[0]);
        }
    }
    assert!(bodies.len() > 40, "{}", bodies.len());
    let exp = format!("{UNARY_FN}_{}_float", UnaryOp::Exp.name());
    let add = format!("{BINARY_FN}_{}", BinaryOp::Add.name()); // one section for every class
    let main = format!(
        "@group(0) @binding(1) var<storage, read_write> o: array<f32>;\n\
         @compute @workgroup_size(1)\n\
         fn main() {{ let x = o[0]; o[0] = {add}({exp}(x), x); }}\n"
    );
    let mut secs = vec![crate::shader::shared(shader::BINARY)];
    secs.extend(bodies);
    secs.push(&main);
    let src = compose(&[("a", f), ("b", f), ("out", f)], &[], shader::UNARY, &secs);
    validate("chained elementwise functions", &src);
}

#[test]
fn conv_kernels_validate() {
    for d in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        validate(&format!("conv {d}"), &crate::conv::conv_source(d));
    }
}

#[test]
fn optimizer_kernels_validate() {
    for d in [Dtype::Float32, Dtype::Float16, Dtype::Bfloat16] {
        for c2 in [false, true] {
            let secs = crate::optimizer::sections(c2).expect("adam sections");
            let src = compose(
                &crate::optimizer::bindings(d, c2),
                &[],
                shader::OPTIMIZER,
                &secs,
            );
            validate(&format!("adam {d} c2 {c2}"), &src);
        }
    }
}

#[test]
fn mask_grad_kernels_validate() {
    for d in [Dtype::Float16, Dtype::Bfloat16, Dtype::Float32] {
        for cmp in ["greater", "greater_equal", "less", "less_equal"] {
            let keep = shader::section(shader::MASK_GRAD, cmp).expect("a section per comparison");
            for c in [false, true] {
                let src = compose(
                    &[("g", d), ("a", d), ("b", d), ("out", d)],
                    &contig_consts(c)[..1],
                    shader::MASK_GRAD,
                    &[keep, shader::ELEMENTWISE],
                );
                validate(&format!("mask_grad {cmp} {d} contig={c}"), &src);
            }
        }
    }
}
