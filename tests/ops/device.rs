//! The thread-local default device of `with_default_device`: scopes nest,
//! the previous default comes back after each scope (also after a panic),
//! other threads keep theirs, and creation ops follow the scope.

use mlx::{default_device, ops, with_default_device, Device};

/// A device distinct from `d` for the nesting checks (the GPU needs no
/// backend here: the scope only records it).
fn other(d: Device) -> Device {
    if d == Device::cpu() {
        Device::gpu()
    } else {
        Device::cpu()
    }
}

#[test]
fn with_default_device_nests_and_restores() {
    let outer = default_device();
    let inner = other(outer);
    let got = with_default_device(inner, || {
        assert_eq!(default_device(), inner);
        with_default_device(outer, || assert_eq!(default_device(), outer));
        assert_eq!(default_device(), inner, "the inner scope restores");
        with_default_device(inner, || assert_eq!(default_device(), inner));
        assert_eq!(default_device(), inner);
        42
    });
    assert_eq!(got, 42, "the closure's value comes back");
    assert_eq!(default_device(), outer, "the outer scope restores");
}

#[test]
fn with_default_device_restores_after_a_panic() {
    let outer = default_device();
    let inner = other(outer);
    let r = std::panic::catch_unwind(|| {
        with_default_device(inner, || {
            with_default_device(outer, || panic!("boom"));
        })
    });
    assert!(r.is_err());
    assert_eq!(default_device(), outer);
}

#[test]
fn with_default_device_is_per_thread() {
    let outer = default_device();
    let inner = other(outer);
    with_default_device(inner, || {
        let seen = std::thread::spawn(default_device).join().unwrap();
        assert_eq!(seen, outer, "another thread keeps the process default");
    });
}

#[test]
fn creation_ops_follow_the_scope() {
    let a = with_default_device(Device::cpu(), || ops::arange(0, 4, 1, None)).unwrap();
    assert_eq!(a.device(), Device::cpu());
    assert_eq!(a.to_vec::<i32>().unwrap(), vec![0, 1, 2, 3]);
    let z = with_default_device(Device::cpu(), || ops::zeros(&[2], mlx::Dtype::Float32)).unwrap();
    assert_eq!(z.device(), Device::cpu());
}
