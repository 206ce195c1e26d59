//! Algebraic laws checked with proptest over random shapes and values:
//! broadcasting `add` commutes, reshape round-trips, a full sum equals
//! nested per-axis sums, transposing back is the identity, concatenate then
//! split round-trips, `a - a == 0` for integers (wrapping), and `take` with
//! `arange` indices is the identity.

use mlx::ops::{self, SplitSpec};
use mlx::{Array, Device, HostData};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Run a property with a fixed, small number of cases (the suite is fast).
fn check<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

fn shape(max_rank: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..5, 0..=max_rank)
}

/// A shape and `i32` data in `-1000..1000` for it.
fn ints(max_rank: usize) -> impl Strategy<Value = (Vec<usize>, Vec<i32>)> {
    shape(max_rank).prop_flat_map(|s| {
        let n = s.iter().product::<usize>();
        (Just(s), prop::collection::vec(-1000i32..1000, n))
    })
}

fn arr(d: &Device, data: &[i32], shape: &[usize]) -> Array {
    Array::from_host_data_on(HostData::from(data.to_vec()), shape, *d).unwrap()
}

fn err(e: mlx::Error) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn broadcast_add_commutes(d: &Device) {
    // b's shape: a suffix of a's with some dims set to 1, plus maybe a new leading dim
    let s = ints(3).prop_flat_map(|(sa, da)| {
        let n = sa.len();
        (
            Just(sa),
            Just(da),
            0..=n,
            prop::collection::vec(any::<bool>(), n),
            0usize..3,
        )
    });
    check(s, |(sa, da, keep, ones, lead)| {
        let mut sb: Vec<usize> = sa[sa.len() - keep..]
            .iter()
            .zip(&ones[..keep])
            .map(|(&x, &one)| if one { 1 } else { x })
            .collect();
        if lead > 0 && keep == sa.len() {
            sb.insert(0, lead);
        }
        let nb = sb.iter().product::<usize>();
        let db: Vec<i32> = (0..nb as i32).map(|i| i * 7 - 3).collect();
        let a = arr(d, &da, &sa);
        let b = arr(d, &db, &sb);
        let ab = ops::add(&a, &b).map_err(err)?;
        let ba = ops::add(&b, &a).map_err(err)?;
        prop_assert_eq!(ab.shape(), ba.shape());
        prop_assert_eq!(
            ab.to_vec::<i32>().map_err(err)?,
            ba.to_vec::<i32>().map_err(err)?
        );
        Ok(())
    });
}

fn reshape_round_trips(d: &Device) {
    check(ints(4), |(s, data)| {
        let a = arr(d, &data, &s);
        let flat = ops::reshape(&a, &[-1]).map_err(err)?;
        let back: Vec<i64> = s.iter().map(|&x| x as i64).collect();
        let b = ops::reshape(&flat, &back).map_err(err)?;
        prop_assert_eq!(b.shape(), s.as_slice());
        prop_assert_eq!(b.to_vec::<i32>().map_err(err)?, data);
        Ok(())
    });
}

fn sum_all_equals_nested_axis_sums(d: &Device) {
    check(ints(4), |(s, data)| {
        let a = arr(d, &data, &s);
        let total = ops::sum(&a, (), false)
            .map_err(err)?
            .item::<i32>()
            .map_err(err)?;
        let mut x = a.clone();
        while x.ndim() > 0 {
            x = ops::sum(&x, -1, false).map_err(err)?;
        }
        prop_assert_eq!(x.item::<i32>().map_err(err)?, total);
        prop_assert_eq!(total, data.iter().sum::<i32>());
        Ok(())
    });
}

fn transpose_twice_is_identity(d: &Device) {
    let s = ints(4).prop_flat_map(|(s, data)| {
        let n = s.len();
        (
            Just(s),
            Just(data),
            Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
        )
    });
    check(s, |(s, data, perm)| {
        let a = arr(d, &data, &s);
        let p: Vec<i64> = perm.iter().map(|&x| x as i64).collect();
        let mut inv = vec![0i64; p.len()];
        for (i, &x) in perm.iter().enumerate() {
            inv[x] = i as i64;
        }
        let t = ops::transpose(&a, &p).map_err(err)?;
        let back = ops::transpose(&t, &inv).map_err(err)?;
        prop_assert_eq!(back.shape(), s.as_slice());
        prop_assert_eq!(back.to_vec::<i32>().map_err(err)?, data.clone());
        let tt = ops::transpose(&ops::transpose(&a, ()).map_err(err)?, ()).map_err(err)?;
        prop_assert_eq!(tt.to_vec::<i32>().map_err(err)?, data);
        Ok(())
    });
}

fn concatenate_then_split_round_trips(d: &Device) {
    let s = (
        prop::collection::vec(1usize..4, 1..=3),
        prop::collection::vec(0usize..4, 1..4),
        any::<prop::sample::Index>(),
    );
    check(s, |(base, sizes, axis_pick)| {
        let ax = axis_pick.index(base.len());
        let mut parts = Vec::new();
        let mut next = 0i32;
        for &k in &sizes {
            let mut sh = base.clone();
            sh[ax] = k;
            let n = sh.iter().product::<usize>();
            let data: Vec<i32> = (next..next + n as i32).collect();
            next += n as i32;
            parts.push((arr(d, &data, &sh), data, sh));
        }
        let refs: Vec<&Array> = parts.iter().map(|p| &p.0).collect();
        let cat = ops::concatenate(&refs, ax as i64).map_err(err)?;
        let mut bounds = Vec::new();
        let mut acc = 0i64;
        for &k in &sizes[..sizes.len() - 1] {
            acc += k as i64;
            bounds.push(acc);
        }
        let pieces = ops::split(&cat, SplitSpec::Indices(bounds), ax as i64).map_err(err)?;
        prop_assert_eq!(pieces.len(), parts.len());
        for (piece, (_, data, sh)) in pieces.iter().zip(&parts) {
            prop_assert_eq!(piece.shape(), sh.as_slice());
            prop_assert_eq!(&piece.to_vec::<i32>().map_err(err)?, data);
        }
        Ok(())
    });
}

fn int_minus_itself_is_zero(d: &Device) {
    let s = shape(3).prop_flat_map(|s| {
        let n = s.iter().product::<usize>();
        (Just(s), prop::collection::vec(any::<i32>(), n))
    });
    check(s, |(s, data)| {
        let a = arr(d, &data, &s);
        let same = a.clone();
        let z = (&a - &same).map_err(err)?;
        prop_assert_eq!(z.to_vec::<i32>().map_err(err)?, vec![0; data.len()]);
        // wrapping: (a + a) - a == a for every i32
        let w = ((&a + &a).map_err(err)? - &a).map_err(err)?;
        prop_assert_eq!(w.to_vec::<i32>().map_err(err)?, data);
        Ok(())
    });
}

fn take_arange_is_identity(d: &Device) {
    let s = ints(3).prop_flat_map(|(s, data)| {
        let n = s.len().max(1);
        (Just(s), Just(data), 0..n)
    });
    check(s, |(s, data, axis)| {
        let a = arr(d, &data, &s);
        if s.is_empty() {
            // flattened take of a 0-d array
            let t = ops::take(&a, &ops::arange(0, 1, 1, None).map_err(err)?, ()).map_err(err)?;
            prop_assert_eq!(t.to_vec::<i32>().map_err(err)?, data);
            return Ok(());
        }
        let idx = ops::arange(0, s[axis] as i64, 1, None).map_err(err)?;
        let t = ops::take(&a, &idx, axis as i64).map_err(err)?;
        prop_assert_eq!(t.shape(), s.as_slice());
        prop_assert_eq!(t.to_vec::<i32>().map_err(err)?, data);
        Ok(())
    });
}

mlx_tests::device_tests! {
    broadcast_add_commutes,
    reshape_round_trips,
    sum_all_equals_nested_axis_sums,
    transpose_twice_is_identity,
    concatenate_then_split_round_trips,
    int_minus_itself_is_zero,
    take_arange_is_identity,
}
