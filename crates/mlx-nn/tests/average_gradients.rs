//! `nn.average_gradients` with one process: MLX returns the same tree
//! (`if N == 1: return gradients`), so every leaf must be the same array.

use mlx_core::tree::{tree_flatten, Tree};
use mlx_core::{Array, Dtype};
use mlx_cpu as _;
use mlx_nn::{average_gradients, Group, Linear, UnaryModule};

fn grads() -> Tree {
    let mut model = Linear::new(3, 2).unwrap();
    let loss_and_grad = mlx_nn::value_and_grad(|m: &mut Linear, args: &[Array]| {
        m.forward(&args[0])?.square()?.sum((), false)
    });
    let x = mlx_core::ops::ones(&[4, 3], Dtype::Float32).unwrap();
    loss_and_grad(&mut model, &[x]).unwrap().1
}

#[test]
fn average_gradients_single_process_returns_the_same_arrays() {
    let g = grads();
    let world = Group::world();
    for (group, size) in [
        (None, mlx_nn::DEFAULT_ALL_REDUCE_SIZE),
        (Some(&world), 0),
        (Some(&world), -1),
        (None, 1),
    ] {
        let avg = average_gradients(&g, group, size).unwrap();
        let (a, b) = (tree_flatten(&g), tree_flatten(&avg));
        assert_eq!(a.len(), 2);
        assert_eq!(a.len(), b.len());
        for ((p, x), (q, y)) in a.iter().zip(&b) {
            assert_eq!(p, q);
            assert!(x.ptr_eq(y), "{p} was not passed through");
        }
    }
}

#[test]
fn average_gradients_of_an_empty_tree() {
    let avg = average_gradients(&Tree::map::<&str>([]), None, 0).unwrap();
    assert!(tree_flatten(&avg).is_empty());
}

#[test]
fn world_group_is_rank_0_of_1() {
    assert_eq!(Group::world().rank(), 0);
    assert_eq!(Group::world().size(), 1);
}
