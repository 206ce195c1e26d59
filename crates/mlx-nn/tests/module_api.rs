//! The Module API against MLX 0.32.4 (golden/gen_layers.py, case
//! `module_api`): traversal order, freezing, printing, update errors.

mod common;

use common::case;
use mlx_core::tree::{tree_flatten, Tree};
use mlx_core::{ops, Array, Dtype, Result};
use mlx_nn::{Linear, Module, ModuleState, Sequential, UnaryModule};
use std::collections::BTreeMap;

#[derive(Debug, Module)]
#[module(name = "ReLU")]
struct Relu {
    state: ModuleState,
}

impl UnaryModule for Relu {
    fn forward(&mut self, x: &Array) -> Result<Array> {
        ops::maximum(x, &Array::from_scalar(0.0f32))
    }
}

#[derive(Module)]
struct Block {
    proj: Linear,
    norm: mlx_nn::LayerNorm,
    extra: BTreeMap<String, Linear>,
}

#[derive(Module)]
struct Net {
    blocks: Vec<Block>,
    head: Sequential,
}

fn net() -> Net {
    let block = || Block {
        proj: Linear::new(2, 3).unwrap(),
        norm: mlx_nn::LayerNorm::new(3).unwrap(),
        extra: BTreeMap::from([("a".to_string(), Linear::with_bias(3, 1, false).unwrap())]),
    };
    Net {
        blocks: vec![block(), block()],
        head: Sequential::new()
            .push(Linear::new(3, 3).unwrap())
            .push(Relu {
                state: ModuleState::new(),
            }),
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn keys(t: &Tree) -> Vec<String> {
    sorted(tree_flatten(t).into_iter().map(|(k, _)| k).collect())
}

#[test]
fn named_modules_order_matches_mlx() {
    let api = &case("module_api")["args"];
    let n = net();
    let got: Vec<String> = n.named_modules().into_iter().map(|(k, _)| k).collect();
    assert_eq!(got, strings(&api["named_modules"]));
    let leaves: Vec<String> = n.leaf_modules().into_iter().map(|(k, _)| k).collect();
    assert_eq!(leaves, strings(&api["leaf_modules"]));
    let kids: Vec<String> = n.children().into_iter().map(|(k, _)| k).collect();
    assert_eq!(kids, strings(&api["children"]));
    assert_eq!(n.modules().len(), 12);
}

#[test]
fn parameters_keys_match_mlx() {
    let api = &case("module_api")["args"];
    assert_eq!(
        keys(&net().parameters()),
        sorted(strings(&api["parameters"]))
    );
}

#[test]
fn repr_matches_mlx() {
    assert_eq!(net().to_string(), common::repr(case("module_api")));
}

#[test]
fn freeze_and_unfreeze_match_mlx() {
    let api = &case("module_api")["args"];
    let mut n = net();
    n.freeze(true, None, false).unwrap();
    assert_eq!(
        keys(&n.trainable_parameters()),
        sorted(strings(&api["frozen_all"]))
    );
    n.unfreeze(true, Some(&["bias"]), false).unwrap();
    assert_eq!(
        keys(&n.trainable_parameters()),
        sorted(strings(&api["unfreeze_bias"]))
    );
    n.unfreeze(true, None, false).unwrap();
    n.freeze(true, Some(&["weight"]), false).unwrap();
    assert_eq!(
        keys(&n.trainable_parameters()),
        sorted(strings(&api["freeze_weight"]))
    );
    n.unfreeze(true, None, false).unwrap();
    n.blocks[0].freeze(false, None, false).unwrap();
    assert_eq!(
        keys(&n.trainable_parameters()),
        sorted(strings(&api["freeze_norecurse"]))
    );
    // Parameters still lists frozen arrays.
    n.freeze(true, None, false).unwrap();
    assert_eq!(keys(&n.parameters()), sorted(strings(&api["parameters"])));
}

#[test]
fn freeze_strict_unknown_key_is_an_error_and_changes_nothing() {
    let mut n = net();
    let e = n.freeze(true, Some(&["nope"]), true).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[freeze] module does not contain member \"nope\""
    );
    assert_eq!(tree_flatten(&n.trainable_parameters()).len(), 12);
    let mut l = Linear::new(2, 2).unwrap();
    let e = l
        .freeze(false, Some(&["weight", "nope"]), true)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("Linear does not contain member \"nope\""),
        "{e}"
    );
    assert_eq!(tree_flatten(&l.trainable_parameters()).len(), 2);
}

#[test]
fn freeze_of_stateless_module_with_own_arrays_is_an_error() {
    #[derive(Module)]
    struct Bare {
        w: Array,
    }
    let mut b = Bare {
        w: ops::ones(&[2], Dtype::Float32).unwrap(),
    };
    let e = b.freeze(true, None, false).unwrap_err();
    assert!(e.to_string().contains("no ModuleState field"), "{e}");
}

#[test]
fn train_and_eval_set_every_module() {
    let mut n = net();
    assert!(n.training());
    n.eval();
    assert!(n.modules().iter().all(|m| !m.training()));
    n.train(true);
    assert!(n.modules().iter().all(|m| m.training()));
}

#[test]
fn update_strict_unknown_key_is_an_error_and_changes_nothing() {
    let mut l = Linear::new(2, 2).unwrap();
    let before = l.weight.to_vec::<f32>().unwrap();
    let zeros = ops::zeros(&[2, 2], Dtype::Float32).unwrap();
    let bad = Tree::map([
        ("weight", Tree::Leaf(zeros.clone())),
        ("foo", Tree::Leaf(zeros.clone())),
    ]);
    let e = l.update(&bad, true).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[update] module Linear does not have parameter named \"foo\""
    );
    assert_eq!(l.weight.to_vec::<f32>().unwrap(), before);
    // Non-strict ignores the unknown key.
    l.update(&bad, false).unwrap();
    assert_eq!(l.weight.to_vec::<f32>().unwrap(), vec![0.0; 4]);
}

#[test]
fn update_list_out_of_bounds_is_an_error() {
    let mut n = net();
    let t = Tree::map([("blocks", Tree::List(vec![Tree::map::<&str>([]); 3]))]);
    let e = n.update(&t, true).unwrap_err();
    assert!(e.to_string().contains("out of bounds"), "{e}");
    n.update(&t, false).unwrap();
}

#[test]
fn set_dtype_casts_floating_parameters_only() {
    #[derive(Module)]
    struct Mixed {
        w: Array,
        idx: Array,
        state: ModuleState,
    }
    let mut m = Mixed {
        w: ops::ones(&[2], Dtype::Float32).unwrap(),
        idx: Array::from_slice(&[1i32, 2], &[2]).unwrap(),
        state: ModuleState::new(),
    };
    m.set_dtype(Dtype::Float16, None).unwrap();
    assert_eq!(m.w.dtype(), Dtype::Float16);
    assert_eq!(m.idx.dtype(), Dtype::Int32);
    m.set_dtype(Dtype::Float32, Some(&|_| true)).unwrap();
    assert_eq!(m.idx.dtype(), Dtype::Float32);
}

#[test]
fn apply_maps_every_parameter() {
    let mut l = Linear::new(2, 2).unwrap();
    l.apply(&mut |a| ops::zeros_like(a), None).unwrap();
    assert_eq!(
        l.bias.as_ref().unwrap().to_vec::<f32>().unwrap(),
        vec![0.0; 2]
    );
}

#[test]
fn apply_to_modules_visits_in_mlx_order() {
    let api = &case("module_api")["args"];
    let mut n = net();
    let mut seen = Vec::new();
    n.apply_to_modules(&mut |k, _| {
        seen.push(k.to_string());
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, strings(&api["named_modules"]));
}

#[test]
fn option_and_skip_fields_are_not_parameters() {
    #[derive(Module)]
    struct WithExtras {
        dims: usize,
        eps: f32,
        maybe: Option<Linear>,
        _private: Array,
        #[module(skip)]
        kind: std::cmp::Ordering,
    }
    let m = WithExtras {
        dims: 2,
        eps: 1e-5,
        maybe: None,
        _private: ops::ones(&[1], Dtype::Float32).unwrap(),
        kind: std::cmp::Ordering::Less,
    };
    let _ = (m.dims, m.eps, m.kind);
    assert!(tree_flatten(&m.parameters()).is_empty());
    assert_eq!(m.to_string(), "WithExtras()");
}
