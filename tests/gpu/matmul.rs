//! `matmul`: batched, broadcast batch dimensions, transposed and reversed
//! operands, `M == 1`, 1-D operands, empty dimensions, mixed dtypes.

use crate::check::{check, run_both, In, Tol};
use crate::strategies::{broadcastable_from, input_of, Domain, InputSpec, GPU_FLOATS};
use mlx::ops;
use mlx::{Array, Device, Dtype};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The largest `|x|` of `a` (at least 1).
fn max_abs(a: &Array) -> f64 {
    let h = a.to_host_data().expect("cpu input evaluates");
    (0..h.len()).map(|i| h.get_f64(i).abs()).fold(1.0, f64::max)
}

/// `a @ b` on both backends, inputs in [-2, 2], within the accumulation
/// tolerance of K terms of the inputs' size.
fn product_matches(
    gpu: Device,
    (a, da): (&InputSpec, Dtype),
    (b, db): (&InputSpec, Dtype),
) -> Result<(), TestCaseError> {
    let domain = Domain::new(-2.0, 2.0, -3, 3).finite();
    let k = a.shape.last().copied().unwrap_or(0) as f64;
    run_both(
        gpu,
        "matmul",
        &[
            In {
                spec: a,
                dtype: da,
                domain,
            },
            In {
                spec: b,
                dtype: db,
                domain,
            },
        ],
        &|x| Tol::Accum {
            scale: k * max_abs(&x[0]) * max_abs(&x[1]),
        },
        &|x| ops::matmul(&x[0], &x[1]),
    )
}

/// The shapes of `a` and `b`: `[batch_a.., M, K]` and `[batch_b.., K, N]`
/// with batches that broadcast together; `M == 1` often; either operand
/// sometimes 1-D.
fn shapes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    (
        prop::collection::vec(1usize..=3, 0..=2),
        prop_oneof![2 => Just(1usize), 3 => 0usize..=9],
        prop_oneof![1 => Just(0usize), 6 => 1usize..=17],
        0usize..=9,
        prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
    )
        .prop_flat_map(|(batch, m, k, n, one_d)| {
            (
                broadcastable_from(batch.clone()),
                broadcastable_from(batch),
                Just((m, k, n, one_d)),
            )
        })
        .prop_map(|(ba, bb, (m, k, n, one_d))| {
            let mut a = ba;
            a.extend([m, k]);
            let mut b = bb;
            b.extend([k, n]);
            match one_d {
                1 => (vec![k], b),
                2 => (a, vec![k]),
                _ => (a, b),
            }
        })
}

/// `a @ b` for the float dtypes (the second operand sometimes of another
/// dtype, integers included, promoted by the op), operands in random
/// layouts (a transposed layout gives `A^T`-style strides).
#[test]
fn matmul_matches_cpu() {
    let dtypes = || prop::sample::select(GPU_FLOATS.to_vec());
    let s = (
        shapes().prop_flat_map(|(a, b)| (input_of(a), input_of(b))),
        dtypes(),
        prop_oneof![4 => Just(None), 1 => dtypes().prop_map(Some), 1 => Just(Some(Dtype::Int32))],
    );
    check(64, s, |gpu, ((a, b), dt, dt_b)| {
        product_matches(gpu, (&a, dt), (&b, dt_b.unwrap_or(dt)))
    });
}

/// Matrix-vector products at sizes that pick each kernel variant: whole
/// 8-output vector units with 2..16 threads along the outputs, with and
/// without a K split (the split when the outputs alone make fewer than
/// 128 workgroups), ragged outputs, batches, and K not a multiple of the
/// rows a workgroup steps by. Layouts are random, so the weights are
/// sometimes transposed (the dot kernel) and sometimes offset.
#[test]
fn gemv_sizes_match_cpu() {
    let sizes = vec![
        (1usize, 200usize, 4096usize),
        (1, 1000, 1024),
        (1, 300, 8200),
        (1, 37, 16),
        (1, 129, 4100),
        (2, 70, 2048),
        (3, 513, 8),
        (1, 8, 3000),
    ];
    let dtypes = prop::sample::select(vec![Dtype::Float32, Dtype::Float16, Dtype::Bfloat16]);
    let s = (prop::sample::select(sizes), any::<bool>()).prop_flat_map(
        move |((b, k, n), vec_first)| {
            let (x, w) = if vec_first {
                (vec![b, 1, k], vec![k, n])
            } else {
                (vec![b, n, k], vec![k, 1])
            };
            ((input_of(x), input_of(w)), dtypes.clone())
        },
    );
    check(12, s, |gpu, ((x, w), dt)| {
        product_matches(gpu, (&x, dt), (&w, dt))
    });
}

/// Products with K a multiple of 16 and N of 8 (the float16
/// cooperative-matrix kernel that loads straight from the buffers, where
/// the adapter has cooperative matrices): whole and ragged 128x128 output
/// tiles, row-padded and batched operands, and transposed ones (the staged
/// kernel); for bfloat16 the tiled kernel's vector loads and whole-word
/// stores of two elements.
#[test]
fn tile_aligned_products_match_cpu() {
    let shapes = vec![
        (vec![128usize, 64usize], vec![64usize, 256usize]),
        (vec![2, 256, 32], vec![2, 32, 128]),
        (vec![1, 128, 144], vec![144, 128]),
        (vec![37, 32], vec![32, 200]),
        (vec![2, 130, 48], vec![48, 24]),
    ];
    let dtypes = prop::sample::select(vec![Dtype::Float16, Dtype::Float32, Dtype::Bfloat16]);
    let s = prop::sample::select(shapes)
        .prop_flat_map(|(a, b)| (input_of(a), input_of(b)))
        .prop_flat_map(move |ab| (Just(ab), dtypes.clone()));
    check(9, s, |gpu, ((a, b), dt)| {
        product_matches(gpu, (&a, dt), (&b, dt))
    });
}
