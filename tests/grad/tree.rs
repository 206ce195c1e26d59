//! Tree utilities and gradients of parameter trees.

use mlx::transforms::value_and_grad_tree;
use mlx::tree::{tree_flatten, tree_map, tree_map_with_path, tree_unflatten, Tree};
use mlx::Array;

fn leaf(v: f64) -> Tree {
    Tree::Leaf(Array::from_slice(&[v], &[1]).unwrap())
}

fn model() -> Tree {
    Tree::map([
        (
            "layers",
            Tree::List(vec![
                Tree::map([("weight", leaf(1.0)), ("bias", leaf(2.0))]),
                Tree::map([("weight", leaf(3.0)), ("bias", leaf(4.0))]),
            ]),
        ),
        ("scale", leaf(5.0)),
    ])
}

#[test]
fn tree_flatten_uses_dotted_paths_in_order() {
    let names: Vec<String> = tree_flatten(&model()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        names,
        [
            "layers.0.bias",
            "layers.0.weight",
            "layers.1.bias",
            "layers.1.weight",
            "scale"
        ]
    );
}

#[test]
fn tree_unflatten_inverts_flatten() {
    let flat = tree_flatten(&model());
    let back = tree_unflatten(&flat).unwrap();
    let again = tree_flatten(&back);
    assert_eq!(flat.len(), again.len());
    for ((p, a), (q, b)) in flat.iter().zip(&again) {
        assert_eq!(p, q);
        assert!(a.ptr_eq(b));
    }
    assert!(back.get("layers").is_none());
    assert!(back.get("layers.1.weight").is_some());
}

#[test]
fn tree_unflatten_rejects_conflicts_and_gaps() {
    let a = Array::from_slice(&[1.0f32], &[1]).unwrap();
    let conflict = tree_unflatten(&[("a".into(), a.clone()), ("a.b".into(), a.clone())]);
    assert!(conflict
        .unwrap_err()
        .to_string()
        .starts_with("[tree_unflatten]"));
    let gap = tree_unflatten(&[("l.0".into(), a.clone()), ("l.2".into(), a)]);
    assert!(gap.unwrap_err().to_string().starts_with("[tree_unflatten]"));
}

#[test]
fn tree_map_and_with_path() {
    let doubled = tree_map(&model(), |a| a * 2.0).unwrap();
    assert_eq!(
        doubled.get("scale").unwrap().to_vec::<f64>().unwrap(),
        vec![10.0]
    );
    let no_bias = tree_map_with_path(&model(), |p, a| {
        if p.ends_with("bias") {
            a * 0.0
        } else {
            Ok(a.clone())
        }
    })
    .unwrap();
    assert_eq!(
        no_bias
            .get("layers.1.bias")
            .unwrap()
            .to_vec::<f64>()
            .unwrap(),
        vec![0.0]
    );
    assert_eq!(
        no_bias
            .get("layers.1.weight")
            .unwrap()
            .to_vec::<f64>()
            .unwrap(),
        vec![3.0]
    );
}

#[test]
fn value_and_grad_of_a_parameter_tree() {
    // loss = scale * sum_i (w_i + b_i)
    let f = value_and_grad_tree(|p: &Tree| {
        let mut s = p.get("scale").unwrap().clone();
        s = (&s * 0.0)?;
        for i in 0..2 {
            let w = p.get(&format!("layers.{i}.weight")).unwrap();
            let b = p.get(&format!("layers.{i}.bias")).unwrap();
            s = (s + (w + b)?)?;
        }
        (s * p.get("scale").unwrap())?.sum(false)
    });
    let (v, g) = f(&model()).unwrap();
    assert_eq!(v.item::<f64>().unwrap(), 50.0);
    assert_eq!(
        g.get("layers.0.weight").unwrap().to_vec::<f64>().unwrap(),
        vec![5.0]
    );
    assert_eq!(g.get("scale").unwrap().to_vec::<f64>().unwrap(), vec![10.0]);
}
