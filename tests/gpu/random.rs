//! Threefry `bits` (the `RandomBits` primitive): random key values and
//! layouts, per-key shapes of rank 0..=3 (size 0 included), widths 1, 2
//! and 4, one key or a batch of keys (through `vmap`, in and out of the
//! batch axis); the GPU must equal the CPU bit for bit. Also `uniform` and
//! `normal` built on it.

use crate::check::{check, run_both, In, Tol};
use crate::strategies::{input_of, shape_of_rank, Domain};
use mlx::{random, vmap, with_default_device, Array, Dtype};
use proptest::prelude::*;

/// Every `uint32` key word.
const KEY_WORDS: Domain = Domain::new(0.0, 0.0, 0, u32::MAX as i128);

/// `bits(shape, width)` of every key of `keys` (`[2]` or `[B, 2]`; the
/// batch through `vmap` over `axis`).
fn bits_of(keys: &Array, shape: &[usize], width: usize, axis: i64) -> mlx::Result<Array> {
    if keys.ndim() == 1 {
        return random::bits(shape, width, Some(keys));
    }
    let f = vmap(
        |k: &[Array]| Ok(vec![random::bits(shape, width, Some(&k[0]))?]),
        &[Some(axis)],
        &[0],
    );
    Ok(f(std::slice::from_ref(keys))?.remove(0))
}

#[test]
fn bits_matches_cpu() {
    let s = (
        prop_oneof![Just(None), (0usize..=5).prop_map(Some)],
        shape_of_rank(0..=3),
        prop::sample::select(vec![1usize, 2, 4]),
        any::<bool>(),
    )
        .prop_flat_map(|(batch, shape, width, key_axis_last)| {
            let kshape = match batch {
                None => vec![2],
                Some(b) if key_axis_last => vec![2, b],
                Some(b) => vec![b, 2],
            };
            (
                input_of(kshape),
                Just(shape),
                Just(width),
                Just(key_axis_last),
            )
        });
    check(48, s, |gpu, (keys, shape, width, last)| {
        let axis = if last { 1 } else { 0 };
        run_both(
            gpu,
            format!("bits(shape={shape:?}, width={width}, vmap axis {axis})"),
            &[In {
                spec: &keys,
                dtype: Dtype::Uint32,
                domain: KEY_WORDS,
            }],
            &|_| Tol::Exact,
            &|x| bits_of(&x[0], &shape, width, axis),
        )
    });
}

/// `uniform` and `normal` of every float dtype, their constants created on
/// the device under test.
#[test]
fn uniform_and_normal_match_cpu() {
    let s = (
        input_of(vec![2]),
        shape_of_rank(0..=2),
        prop::sample::select(vec![Dtype::Float32, Dtype::Float16, Dtype::Bfloat16]),
        any::<bool>(),
    );
    check(24, s, |gpu, (key, shape, dt, use_normal)| {
        run_both(
            gpu,
            format!(
                "{}(shape={shape:?}, {dt})",
                if use_normal { "normal" } else { "uniform" }
            ),
            &[In {
                spec: &key,
                dtype: Dtype::Uint32,
                domain: KEY_WORDS,
            }],
            &|_| {
                if use_normal {
                    Tol::Transcendental
                } else {
                    Tol::Exact
                }
            },
            &|x| {
                with_default_device(x[0].device(), || {
                    if use_normal {
                        random::normal(&shape, dt, None, None, Some(&x[0]))
                    } else {
                        random::uniform_unit(&shape, dt, Some(&x[0]))
                    }
                })
            },
        )
    });
}
