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
fn tree_unflatten_rejects_conflicts() {
    let a = Array::from_slice(&[1.0f32], &[1]).unwrap();
    let conflict = tree_unflatten(&[("a".into(), a.clone()), ("a.b".into(), a.clone())]);
    assert!(conflict
        .unwrap_err()
        .to_string()
        .starts_with("[tree_unflatten]"));
    let repeated = tree_unflatten(&[("a".into(), a.clone()), ("a".into(), a)]);
    assert!(repeated.is_err());
}

fn is_empty_map(t: &Tree) -> bool {
    matches!(t, Tree::Map(m) if m.is_empty())
}

#[test]
fn tree_unflatten_fills_list_gaps_with_empty_maps() {
    // mlx.utils.tree_unflatten([('layers.0.w', a), ('layers.2.w', b)])
    // == {'layers': [{'w': a}, {}, {'w': b}]}   (MLX 0.32.4)
    let a = Array::from_slice(&[1.0f32], &[1]).unwrap();
    let b = Array::from_slice(&[2.0f32], &[1]).unwrap();
    let t = tree_unflatten(&[
        ("layers.0.w".into(), a.clone()),
        ("layers.2.w".into(), b.clone()),
    ])
    .unwrap();
    let Tree::List(items) = &t["layers"] else {
        panic!("layers is not a list: {t:?}")
    };
    assert_eq!(items.len(), 3);
    assert!(t["layers"][0]["w"].as_array().unwrap().ptr_eq(&a));
    assert!(is_empty_map(&t["layers"][1]));
    assert!(t["layers"][2]["w"].as_array().unwrap().ptr_eq(&b));
    // tree_unflatten([('l.1', a)]) == {'l': [{}, a]}
    let t = tree_unflatten(&[("l.1".into(), a.clone())]).unwrap();
    assert!(is_empty_map(&t["l"][0]));
    assert!(t["l"][1].as_array().is_some());
    // '0' and '00' are one index twice: MLX makes a map,
    // tree_unflatten([('l.0', a), ('l.00', b)]) == {'l': {'0': a, '00': b}}
    let t = tree_unflatten(&[("l.0".into(), a.clone()), ("l.00".into(), b.clone())]).unwrap();
    assert!(t["l"]["00"].as_array().unwrap().ptr_eq(&b));
    // a number and a name: a map, {'l': {'1': a, 'x': b}}
    let t = tree_unflatten(&[("l.1".into(), a), ("l.x".into(), b)]).unwrap();
    assert!(t["l"]["1"].as_array().is_some());
}

#[test]
fn tree_unflatten_bounds_gaps_and_depth() {
    let a = Array::from_slice(&[1.0f32], &[1]).unwrap();
    // One path may not allocate a huge list of fillers.
    let huge = tree_unflatten(&[("layers.99999999999.w".into(), a.clone())]);
    let msg = huge.unwrap_err().to_string();
    assert!(
        msg.starts_with("[tree_unflatten] list index 99999999999"),
        "{msg}"
    );
    // The budget is global: many lists with big gaps also fail ...
    let many: Vec<(String, Array)> = (0..10).map(|i| (format!("m{i}.1000"), a.clone())).collect();
    assert!(tree_unflatten(&many).is_err());
    // ... while gaps up to items + 1024 fillers are fine.
    let t = tree_unflatten(&[("l.1025".into(), a.clone())]).unwrap();
    assert!(t["l"][1025].as_array().is_some());
    assert!(tree_unflatten(&[("l.1026".into(), a.clone())]).is_err());
    // A number too large for usize is a map key (MLX would try to allocate).
    let t = tree_unflatten(&[("l.99999999999999999999999".into(), a.clone())]).unwrap();
    assert!(t["l"]["99999999999999999999999"].as_array().is_some());
    let deep = vec!["k"; 100_000].join(".");
    let msg = tree_unflatten(&[(deep, a)]).unwrap_err().to_string();
    assert!(
        msg.starts_with("[tree_unflatten] path has 100000 segments"),
        "{msg}"
    );
}

#[test]
fn tree_index_never_panics() {
    let t = model();
    let w = t["layers"][1]["weight"].as_array().unwrap();
    assert_eq!(w.to_vec::<f64>().unwrap(), vec![3.0]);
    assert!(t["scale"].as_array().is_some());
    for missing in [
        &t["nope"],
        &t["layers"][2],
        &t["layers"]["0"],
        &t[0],
        &t["scale"]["x"],
        &t["scale"][0],
        &t["nope"][7]["deeper"],
    ] {
        assert!(is_empty_map(missing));
        assert!(missing.as_array().is_none());
    }
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
        (s * p.get("scale").unwrap())?.sum((), false)
    });
    let (v, g) = f(&model()).unwrap();
    assert_eq!(v.item::<f64>().unwrap(), 50.0);
    assert_eq!(
        g.get("layers.0.weight").unwrap().to_vec::<f64>().unwrap(),
        vec![5.0]
    );
    assert_eq!(g.get("scale").unwrap().to_vec::<f64>().unwrap(), vec![10.0]);
}
