//! `docs/nn.md` against the seed's `mlx.nn` lists
//! (`tests/golden/seed_nn_lists.txt`): every listed name has exactly one
//! row in its section, no section has rows the seed does not list, and
//! every row marked *done* names something that exists in the crate's
//! sources: a `pub fn` (functions, losses, initializers, utilities), a
//! method of the `Module` trait, or a layer type.

const SEED: &str = include_str!("golden/seed_nn_lists.txt");
const DOC: &str = include_str!("../../../docs/nn.md");

const ACTIVATIONS: &[&str] = &[
    include_str!("../src/activations.rs"),
    include_str!("../src/activations/along_axis.rs"),
    include_str!("../src/activations/rectifiers.rs"),
    include_str!("../src/activations/smooth.rs"),
];
const LOSSES: &[&str] = &[
    include_str!("../src/losses.rs"),
    include_str!("../src/losses/classification.rs"),
    include_str!("../src/losses/embedding.rs"),
    include_str!("../src/losses/regression.rs"),
];
const INIT: &[&str] = &[include_str!("../src/init.rs")];
const UTILITIES: &[&str] = &[
    include_str!("../src/value_and_grad.rs"),
    include_str!("../src/quantize.rs"),
    include_str!("../src/distributed.rs"),
];
const MODULE_TRAIT: &str = include_str!("../src/module/module_trait.rs");
const LAYERS: &[&str] = &[
    include_str!("../src/layers/activation_layers.rs"),
    include_str!("../src/layers/attention.rs"),
    include_str!("../src/layers/containers.rs"),
    include_str!("../src/layers/conv.rs"),
    include_str!("../src/layers/dropout.rs"),
    include_str!("../src/layers/embedding.rs"),
    include_str!("../src/layers/linear.rs"),
    include_str!("../src/layers/normalization.rs"),
    include_str!("../src/layers/pooling.rs"),
    include_str!("../src/layers/positional.rs"),
    include_str!("../src/layers/quantized.rs"),
    include_str!("../src/layers/recurrent.rs"),
    include_str!("../src/layers/transformer.rs"),
    include_str!("../src/layers/upsample.rs"),
];

/// `(section, names)` in file order.
fn seed_sections() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in SEED.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((s.to_string(), Vec::new()));
        } else {
            out.last_mut()
                .expect("a section first")
                .1
                .push(line.to_string());
        }
    }
    out
}

/// The table rows (cells, trimmed) under `## {section}` of docs/nn.md.
fn doc_rows(section: &str) -> Vec<Vec<String>> {
    let heading = format!("## {section}");
    let mut lines = DOC.lines().skip_while(|l| l.trim() != heading);
    assert!(
        lines.next().is_some(),
        "docs/nn.md has no section {heading:?}"
    );
    lines
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn every_seed_name_has_one_row_and_no_row_is_extra() {
    let sections = seed_sections();
    let names: Vec<&str> = sections.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "Utilities",
            "Module",
            "Layers",
            "Functions",
            "Loss Functions",
            "Initializers"
        ]
    );
    let mut total = 0;
    for (section, seed_names) in &sections {
        let rows = doc_rows(section);
        let doc_names: Vec<String> = rows
            .iter()
            .map(|r| r[0].trim_matches('`').to_string())
            .collect();
        assert_eq!(&doc_names, seed_names, "section {section}");
        for r in &rows {
            assert!(
                r.iter().any(|c| c == "done" || c == "planned"),
                "{section}: row {r:?} has no status"
            );
        }
        total += seed_names.len();
    }
    assert_eq!(total, 131);
}

#[test]
fn every_done_row_names_an_existing_pub_fn() {
    let mut checked = 0;
    for (section, sources) in [
        ("Functions", ACTIVATIONS),
        ("Loss Functions", LOSSES),
        ("Initializers", INIT),
        ("Utilities", UTILITIES),
    ] {
        for row in doc_rows(section) {
            assert_eq!(row[2], "done", "{section}: {row:?} is not done");
            let rust = row[1].trim_matches('`');
            let name = rust.split('(').next().expect("a name");
            let needle = format!("pub fn {name}(");
            let generic = format!("pub fn {name}<");
            assert!(
                sources
                    .iter()
                    .any(|s| s.contains(&needle) || s.contains(&generic)),
                "{section}: no `{needle}` in the sources"
            );
            // The Rust function is named as MLX's.
            assert_eq!(name, row[0].trim_matches('`').trim_end_matches("()"));
            checked += 1;
        }
    }
    assert_eq!(checked, 26 + 14 + 8 + 3);
}

/// A layer type is defined by `pub struct Name` or by a line of a layer
/// macro's invocation that starts with the name (`ReLU => f::relu;`,
/// `Conv1d, 1, ...`, `LeakyReLU(negative_slope: f64 = 0.01) => ...`).
fn defines_layer(src: &str, name: &str) -> bool {
    src.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with(&format!("pub struct {name} "))
            || t.starts_with(&format!("pub struct {name}{{"))
            || t.strip_prefix(name)
                .is_some_and(|rest| [" =>", ",", "("].iter().any(|p| rest.starts_with(p)))
    })
}

#[test]
fn every_done_module_and_layer_row_names_an_existing_item() {
    let rows = doc_rows("Module");
    for row in &rows {
        assert_eq!(row[2], "done", "Module: {row:?} is not done");
        let rust = row[1].trim_matches('`');
        let found = if rust == "Module" {
            MODULE_TRAIT.contains("pub trait Module")
        } else {
            MODULE_TRAIT.contains(&format!("fn {rust}("))
        };
        assert!(found, "Module: no method `{rust}` in module_trait.rs");
        // The method is named as MLX's.
        let mlx = row[0].trim_matches('`').trim_end_matches("()");
        assert_eq!(mlx.rsplit('.').next(), Some(rust));
    }
    assert_eq!(rows.len(), 21);
    let rows = doc_rows("Layers");
    for row in &rows {
        assert_eq!(row[2], "done", "Layers: {row:?} is not done");
        let rust = row[1].trim_matches('`');
        assert!(
            LAYERS.iter().any(|s| defines_layer(s, rust)),
            "Layers: no type `{rust}` in src/layers/"
        );
        assert_eq!(rust, row[0].trim_matches('`'));
    }
    assert_eq!(rows.len(), 59);
}

#[test]
fn defines_layer_needs_a_definition() {
    assert!(defines_layer("pub struct Linear {", "Linear"));
    assert!(defines_layer("    ReLU => f::relu;", "ReLU"));
    assert!(!defines_layer("    ReLU2 => f::relu2;", "ReLU"));
    assert!(!defines_layer("/// uses a Linear layer", "Linear"));
}
