//! Devices and streams: the thread-local default device of
//! `with_default_device` and `with_stream` (scopes nest, the previous
//! default comes back after each scope, also after a panic, other threads
//! keep theirs), every creation op and random sampler following the scope,
//! the stream API (`new_stream`, `default_stream`, `set_default_stream`),
//! per-index devices and their errors, and the device rule of docs/ops.md.

use mlx::{
    backend_for, default_device, default_stream, device_count, is_available, new_stream, ops,
    random, set_default_stream, with_default_device, with_stream, Array, Device, DeviceType, Dtype,
    Stream,
};

/// A device distinct from `d` for the nesting checks (the GPU needs no
/// backend here: the scope only records it).
fn other(d: Device) -> Device {
    if d == Device::cpu() {
        Device::gpu(0)
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

#[test]
fn device_constructors_and_display() {
    assert_eq!(Device::gpu(1), Device::new(DeviceType::Gpu, 1));
    assert_eq!(Device::cpu(), Device::new(DeviceType::Cpu, 0));
    assert_ne!(Device::gpu(0), Device::gpu(1));
    assert_eq!(Device::gpu(1).to_string(), "Device(gpu, 1)");
    assert_eq!(DeviceType::Gpu.to_string(), "gpu");
    let s = Stream {
        device: Device::gpu(1),
        index: 2,
    };
    assert_eq!(s.to_string(), "Stream(Device(gpu, 1), 2)");
}

#[test]
fn cpu_index_past_the_cpu_is_an_error() {
    let cpu1 = Device::new(DeviceType::Cpu, 1);
    assert_eq!(device_count(DeviceType::Cpu), 1);
    assert!(is_available(Device::cpu()));
    assert!(!is_available(cpu1));
    let e = backend_for(cpu1).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[backend] no cpu device 1: 1 cpu device found by the cpu backend"
    );
    let e = Array::from_host_data_on(mlx::HostData::Float32(vec![1.0]), &[1], cpu1).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[array] no cpu device 1: 1 cpu device found by the cpu backend"
    );
    // A lazy op on it fails at eval, naming the op.
    let a = with_default_device(cpu1, || ops::arange(0, 3, 1, None)).unwrap();
    assert_eq!(a.device(), cpu1);
    let e = a.eval().unwrap_err();
    assert_eq!(
        e.to_string(),
        "[arange] no cpu device 1: 1 cpu device found by the cpu backend"
    );
    let e = mlx::set_default_device(cpu1).unwrap_err();
    assert!(e
        .to_string()
        .starts_with("[set_default_device] no cpu device 1"));
}

#[test]
fn gpu_index_past_the_gpus_is_an_error() {
    let n = device_count(DeviceType::Gpu);
    let e = backend_for(Device::gpu(n)).unwrap_err().to_string();
    if n == 0 {
        // No GPU backend linked in this binary, or no adapter.
        assert!(e.starts_with("[backend] no "), "{e}");
    } else {
        let noun = if n == 1 { "device" } else { "devices" };
        assert!(
            e.starts_with(&format!(
                "[backend] no gpu device {n}: {n} gpu {noun} found by the "
            )),
            "{e}"
        );
    }
    assert!(!is_available(Device::gpu(n)));
}

#[test]
fn new_stream_gives_distinct_indices_per_device() {
    let cpu = Device::cpu();
    let gpu = Device::gpu(1);
    let a = new_stream(cpu);
    let b = new_stream(cpu);
    let g = new_stream(gpu);
    assert_eq!((a.device, b.device, g.device), (cpu, cpu, gpu));
    assert!(a.index > 0 && b.index > a.index, "{a} {b}");
    assert!(g.index > 0, "stream 0 is the default of each device: {g}");
    assert_ne!(a, b);
    assert_ne!(a, g);
}

/// Every check of the process-wide default stream of the CPU, in one test
/// (tests run in parallel and this state is shared).
#[test]
fn set_default_stream_changes_the_process_default() {
    let cpu = Device::cpu();
    assert_eq!(
        default_stream(cpu),
        Stream {
            device: cpu,
            index: 0
        }
    );
    let s = new_stream(cpu);
    set_default_stream(s).unwrap();
    assert_eq!(default_stream(cpu), s);
    let seen = std::thread::spawn(move || default_stream(cpu))
        .join()
        .unwrap();
    assert_eq!(seen, s, "the process default is seen by every thread");
    let t = new_stream(cpu);
    with_stream(t, || assert_eq!(default_stream(cpu), t, "a scope wins"));
    assert_eq!(default_stream(cpu), s);
    set_default_stream(Stream {
        device: cpu,
        index: 0,
    })
    .unwrap();
    assert_eq!(default_stream(cpu).index, 0);
    let bad = Stream {
        device: cpu,
        index: 1_000_000,
    };
    assert_eq!(
        set_default_stream(bad).unwrap_err().to_string(),
        "[set_default_stream] Stream(Device(cpu, 0), 1000000) was not created by new_stream"
    );
    let e = set_default_stream(Stream {
        device: Device::new(DeviceType::Cpu, 3),
        index: 0,
    })
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("[set_default_stream] no cpu device 3"),
        "{e}"
    );
}

#[test]
fn with_stream_scopes_nest_and_restore() {
    let outer_device = default_device();
    let cpu = Device::cpu();
    let gpu = Device::gpu(1);
    let s = new_stream(cpu);
    let g = new_stream(gpu);
    let before = default_stream(cpu);
    with_stream(s, || {
        assert_eq!(default_device(), cpu);
        assert_eq!(default_stream(cpu), s);
        with_stream(g, || {
            assert_eq!(default_device(), gpu);
            assert_eq!(default_stream(gpu), g);
            assert_eq!(
                default_stream(cpu),
                s,
                "outer scopes of other devices still count"
            );
            with_default_device(cpu, || {
                assert_eq!(default_device(), cpu);
                assert_eq!(default_stream(cpu), s, "the device's scoped stream");
            });
        });
        assert_eq!(default_device(), cpu);
        assert_ne!(default_stream(gpu), g, "the inner scope is left");
    });
    assert_eq!(default_device(), outer_device);
    assert_eq!(default_stream(cpu), before);
}

#[test]
fn with_stream_restores_after_a_panic() {
    let outer = default_device();
    let s = new_stream(Device::gpu(1));
    let before = default_stream(Device::gpu(1));
    let r = std::panic::catch_unwind(|| {
        with_stream(s, || {
            with_default_device(Device::cpu(), || panic!("boom"));
        })
    });
    assert!(r.is_err());
    assert_eq!(default_device(), outer);
    assert_eq!(default_stream(Device::gpu(1)), before);
}

#[test]
fn with_stream_is_per_thread() {
    let outer = default_device();
    let s = new_stream(Device::gpu(1));
    with_stream(s, || {
        let seen = std::thread::spawn(default_device).join().unwrap();
        assert_eq!(seen, outer, "another thread keeps the process default");
    });
}

/// Every creation op and random sampler, built under the current scope.
fn creations() -> Vec<(&'static str, mlx::Result<Array>)> {
    let f32 = Dtype::Float32;
    let key = || random::key(7);
    let k = || key().ok();
    vec![
        ("zeros", ops::zeros(&[2, 3], f32)),
        ("ones", ops::ones(&[2], Dtype::Int32)),
        ("full", ops::full(&[2], 1.5, f32)),
        ("arange", ops::arange(0, 5, 1, None)),
        ("arange_f64", ops::arange_f64(0.0, 1.0, 0.25, f32)),
        ("linspace", ops::linspace(0.0, 1.0, 5, true, None)),
        ("linspace_1", ops::linspace(0.0, 1.0, 1, true, None)),
        ("eye", ops::eye(3, Some(4), 1, None)),
        ("identity", ops::identity(3, None)),
        ("tri", ops::tri(3, None, 0, None)),
        ("from_slice", Array::from_slice(&[1.0f32, 2.0], &[2])),
        ("from_scalar", Ok(Array::from_scalar(3i32))),
        ("array!", mlx::array!([1.0f32, 2.0])),
        ("random::key", key()),
        ("random::bits", random::bits(&[4], 4, k().as_ref())),
        ("random::split", random::split(&key().unwrap(), 3)),
        (
            "uniform_unit",
            random::uniform_unit(&[3], f32, k().as_ref()),
        ),
        (
            "uniform_unit_unkeyed",
            random::uniform_unit(&[3], f32, None),
        ),
        (
            "uniform",
            random::uniform(
                &Array::from_scalar(-1.0f32),
                &Array::from_scalar(1.0f32),
                &[3],
                f32,
                k().as_ref(),
            ),
        ),
        (
            "normal",
            random::normal(&[3], f32, None, None, k().as_ref()),
        ),
        (
            "truncated_normal",
            random::truncated_normal(
                &Array::from_scalar(-1.0f32),
                &Array::from_scalar(1.0f32),
                Some(&[3]),
                f32,
                k().as_ref(),
            ),
        ),
        ("gumbel", random::gumbel(&[3], f32, k().as_ref())),
        (
            "laplace",
            random::laplace(&[3], f32, 0.5, 2.0, k().as_ref()),
        ),
        (
            "randint",
            random::randint(
                &Array::from_scalar(0i32),
                &Array::from_scalar(10i32),
                &[3],
                Dtype::Int32,
                k().as_ref(),
            ),
        ),
        (
            "bernoulli",
            random::bernoulli(&Array::from_scalar(0.5f32), Some(&[3]), k().as_ref()),
        ),
        (
            "categorical",
            random::categorical(
                &Array::from_slice(&[0.0f32, 1.0, 2.0], &[3]).unwrap(),
                -1,
                None,
                Some(4),
                k().as_ref(),
            ),
        ),
        ("permutation", random::permutation(5, k().as_ref())),
    ]
}

fn check_creations_on(device: &Device, made: Vec<(&'static str, mlx::Result<Array>)>) {
    for (name, a) in made {
        let a = a.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(a.device(), *device, "{name}");
        a.eval().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

fn creation_ops_follow_with_default_device(device: &Device) {
    let made = with_default_device(*device, creations);
    check_creations_on(device, made);
}

fn creation_ops_follow_with_stream(device: &Device) {
    let s = new_stream(*device);
    let made = with_stream(s, creations);
    check_creations_on(device, made);
}

/// A key that lives on the CPU is copied to the device of the scope: the
/// random op runs there and draws the same bits.
fn random_key_is_copied_to_the_default_device(device: &Device) {
    let key = with_default_device(Device::cpu(), || random::key(11)).unwrap();
    assert_eq!(key.device(), Device::cpu());
    let here = with_default_device(*device, || random::bits(&[6], 4, Some(&key))).unwrap();
    assert_eq!(here.device(), *device);
    let on_cpu = with_default_device(Device::cpu(), || random::bits(&[6], 4, Some(&key))).unwrap();
    assert_eq!(
        here.to_vec::<u32>().unwrap(),
        on_cpu.to_vec::<u32>().unwrap()
    );
    let u = with_default_device(*device, || {
        random::normal(&[4], Dtype::Float32, None, None, Some(&key))
    })
    .unwrap();
    assert_eq!(u.device(), *device);
}

/// Ops with array arguments run where their first argument lives, whatever
/// the scope says; `zeros_like` and samplers with array parameters too.
fn ops_follow_their_first_argument(device: &Device) {
    let a = with_default_device(*device, || Array::from_slice(&[1.0f32, 2.0], &[2])).unwrap();
    let b = with_default_device(Device::cpu(), || Array::from_slice(&[3.0f32, 4.0], &[2])).unwrap();
    let other = if *device == Device::cpu() {
        Device::gpu(1)
    } else {
        Device::cpu()
    };
    with_default_device(other, || {
        let c = ops::add(&a, &b).unwrap();
        assert_eq!(c.device(), *device, "add follows its first argument");
        assert_eq!(
            c.to_vec::<f32>().unwrap(),
            vec![4.0, 6.0],
            "b is copied over"
        );
        let c = (&a * 2.0f32).unwrap();
        assert_eq!(c.device(), *device, "scalar operands are made on it");
        let z = ops::zeros_like(&a).unwrap();
        assert_eq!(z.device(), *device, "zeros_like");
        let o = ops::ones_like(&a).unwrap();
        assert_eq!(o.device(), *device, "ones_like");
        let u =
            random::uniform(&a, &ops::add(&a, &b).unwrap(), &[2], Dtype::Float32, None).unwrap();
        assert_eq!(u.device(), *device, "uniform follows low");
        let p = random::permutation_array(&a, 0, None).unwrap();
        assert_eq!(p.device(), *device, "permutation_array follows x");
        if is_available(other) {
            let p = ops::full((), 0.5, Dtype::Float32).unwrap();
            let m = random::bernoulli(&p, None, None).unwrap();
            assert_eq!(m.device(), other, "a parameter made in the scope");
        }
    });
}

mlx_tests::device_tests! {
    creation_ops_follow_with_default_device,
    creation_ops_follow_with_stream,
    random_key_is_copied_to_the_default_device,
    ops_follow_their_first_argument,
}

/// Rule 1 of docs/ops.md: an op runs on its first array argument's
/// device, and so do the constants a composite or a derivative makes.
/// Checked with float64 CPU inputs while the default device is the GPU,
/// which holds no float64: a constant made on the default device fails.
/// Runs where a GPU backend is linked and finds an adapter.
#[cfg(feature = "gpu")]
#[test]
fn composites_and_derivatives_make_constants_on_their_input_device() {
    use mlx::transforms::grad;
    let Some(gpu) = mlx_tests::gpu_device() else {
        return;
    };
    let cpu = Device::cpu();
    let x = mlx_tests::from_f64(
        &[0.5, -1.5, 2.0, 3.0, -0.25, 1.0],
        &[2, 3],
        Dtype::Float64,
        &cpu,
    );
    let i = Array::from_host_data_on(mlx::HostData::from(vec![1i32, 0]), &[2], cpu).unwrap();
    type Case<'a> = (&'a str, Box<dyn Fn(&Array) -> mlx::Result<Array> + 'a>);
    let cases: Vec<Case> = vec![
        ("logsumexp", Box::new(|a| ops::logsumexp(a, -1, false))),
        ("median", Box::new(|a| ops::median(a, (), false))),
        ("softmax", Box::new(|a| ops::softmax(a, -1, false))),
        ("var", Box::new(|a| ops::var(a, (), false, 1))),
        ("cumsum", Box::new(|a| ops::cumsum(a, 1, false, true))),
        (
            "logcumsumexp",
            Box::new(|a| ops::logcumsumexp(a, 1, false, true)),
        ),
        (
            "pad",
            Box::new(|a| ops::pad(a, &[(1, 1), (0, 2)], ops::PadMode::Reflect, 0.0)),
        ),
        ("tile", Box::new(|a| ops::tile(a, &[2, 1]))),
        ("repeat", Box::new(|a| ops::repeat(a, 2, 1))),
        ("roll", Box::new(|a| ops::roll(a, &[1], 1))),
        ("tril", Box::new(|a| ops::tril(a, 0))),
        ("diag", Box::new(|a| ops::diagonal(a, 0, 0, 1))),
        ("take", Box::new(|a| ops::take(a, &i, 1))),
        ("topk", Box::new(|a| ops::topk(a, 2, -1))),
        ("clip", Box::new(|a| ops::clip(a, 0.0, 1.0))),
        ("round", Box::new(|a| ops::round(a, 1))),
        (
            "isclose",
            Box::new(|a| ops::isclose(a, a, 1e-5, 1e-8, false)),
        ),
        ("tensordot", Box::new(|a| ops::tensordot(a, a, 2))),
        (
            "d cumsum",
            Box::new(|a| d(a, |y| ops::cumsum(y, 1, false, true))),
        ),
        (
            "d cumprod",
            Box::new(|a| d(a, |y| ops::cumprod(y, 1, false, true))),
        ),
        (
            "d logcumsumexp",
            Box::new(|a| d(a, |y| ops::logcumsumexp(y, 1, false, true))),
        ),
        ("d take", Box::new(|a| d(a, |y| ops::take(y, &i, 1)))),
        ("d sort", Box::new(|a| d(a, |y| ops::sort(y, -1)))),
        (
            "d pad",
            Box::new(|a| {
                d(a, |y| {
                    ops::pad(y, &[(1, 1), (0, 2)], ops::PadMode::Constant, 0.0)
                })
            }),
        ),
        (
            "d softmax",
            Box::new(|a| d(a, |y| ops::softmax(y, -1, false))),
        ),
        (
            "d logsumexp",
            Box::new(|a| d(a, |y| ops::logsumexp(y, -1, false))),
        ),
        ("d max", Box::new(|a| d(a, |y| ops::max(y, -1, false)))),
        ("d maximum", Box::new(|a| d(a, |y| ops::maximum(y, 0.0)))),
        ("d abs", Box::new(|a| d(a, ops::abs))),
        ("d sqrt", Box::new(|a| d(a, |y| ops::sqrt(&ops::abs(y)?)))),
        (
            "d where",
            Box::new(|a| d(a, |y| ops::where_(&ops::greater(y, 0.0)?, y, 0.0))),
        ),
        (
            "d median",
            Box::new(|a| d(a, |y| ops::median(y, (), false))),
        ),
    ];
    fn d(a: &Array, f: impl Fn(&Array) -> mlx::Result<Array>) -> mlx::Result<Array> {
        let g = grad(|x: &[Array]| ops::sum(&f(&x[0])?, (), false), &[0]);
        Ok(g(std::slice::from_ref(a))?.remove(0))
    }
    let mut failed = Vec::new();
    with_default_device(gpu, || {
        for (name, f) in &cases {
            let got = f(&x).and_then(|y| {
                y.eval()?;
                Ok(y.device())
            });
            match got {
                Ok(dev) if dev == cpu => {}
                Ok(dev) => failed.push(format!("{name}: ran on {dev}")),
                Err(e) => failed.push(format!("{name}: {e}")),
            }
        }
    });
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
