//! Backend registration per (device kind, index), in a binary of its own:
//! a fake GPU backend ("fake", two devices) is registered next to the
//! wgpu one, so that no other test binary sees two GPU backends. With both
//! linked the core picks neither silently: `MLX_GPU_BACKEND` names the one
//! to use, and while it is unset (or names neither) using a GPU is an error
//! naming both. Per-index backends are created once and kept.

use mlx::primitive::{
    ArgReduceOp, BinaryOp, OutSpec, ReduceOp, ScanOp, ScatterOp, SortOp, UnaryOp,
};
use mlx::{
    backend_for, default_device, device_count, Array, Backend, BackendRegistration, Device,
    DeviceType, Error, HostData, Result, Storage, View,
};
use mlx_cpu as _;
use mlx_metal as _;
use std::sync::Arc;

/// A GPU backend that only stores uploads; every kernel is unsupported.
#[derive(Debug)]
struct Fake {
    device: Device,
}

fn no(op: &'static str) -> Result<Storage> {
    Err(Error::unsupported(op, "fake", ""))
}

impl Backend for Fake {
    fn name(&self) -> &'static str {
        "fake"
    }
    fn device(&self) -> Device {
        self.device
    }
    fn upload(&self, data: HostData) -> Result<Storage> {
        let n = data.len() * data.dtype().size();
        Ok(Storage::new(data, self.device, n))
    }
    fn download(&self, _: &View) -> Result<HostData> {
        Err(Error::unsupported("download", "fake", ""))
    }
    fn copy(&self, _: &View, _: OutSpec) -> Result<Storage> {
        no("copy")
    }
    fn as_type(&self, _: &View, _: OutSpec) -> Result<Storage> {
        no("astype")
    }
    fn bitcast(&self, _: &View, _: OutSpec) -> Result<Storage> {
        no("view")
    }
    fn unary(&self, _: UnaryOp, _: &View, _: OutSpec) -> Result<Storage> {
        no("unary")
    }
    fn binary(&self, _: BinaryOp, _: &View, _: &View, _: OutSpec) -> Result<Storage> {
        no("binary")
    }
    fn select(&self, _: &View, _: &View, _: &View, _: OutSpec) -> Result<Storage> {
        no("where")
    }
    fn reduce(&self, _: ReduceOp, _: &View, _: &[usize], _: OutSpec) -> Result<Storage> {
        no("reduce")
    }
    fn arg_reduce(&self, _: ArgReduceOp, _: &View, _: usize, _: OutSpec) -> Result<Storage> {
        no("arg_reduce")
    }
    fn softmax(&self, _: &View, _: OutSpec) -> Result<Storage> {
        no("softmax")
    }
    fn scan(&self, _: ScanOp, _: &View, _: usize, _: bool, _: bool, _: OutSpec) -> Result<Storage> {
        no("scan")
    }
    fn sort(&self, _: SortOp, _: &View, _: usize, _: OutSpec) -> Result<Storage> {
        no("sort")
    }
    fn matmul(&self, _: &View, _: &View, _: OutSpec) -> Result<Storage> {
        no("matmul")
    }
    fn gather(&self, _: &View, _: &View, _: usize, _: OutSpec) -> Result<Storage> {
        no("take")
    }
    fn gather_axis(&self, _: &View, _: &View, _: usize, _: OutSpec) -> Result<Storage> {
        no("take_along_axis")
    }
    fn scatter(
        &self,
        _: ScatterOp,
        _: &View,
        _: &[View],
        _: &View,
        _: &[usize],
        _: OutSpec,
    ) -> Result<Storage> {
        no("scatter")
    }
    fn concatenate(&self, _: &[View], _: usize, _: OutSpec) -> Result<Storage> {
        no("concatenate")
    }
    fn arange(&self, _: f64, _: f64, _: OutSpec) -> Result<Storage> {
        no("arange")
    }
    fn random_bits(&self, _: &View, _: usize, _: OutSpec) -> Result<Storage> {
        no("bits")
    }
}

mlx::inventory::submit! {
    BackendRegistration {
        kind: DeviceType::Gpu,
        name: "fake",
        count: || Ok(2),
        create: |index| Ok(Arc::new(Fake { device: Device::gpu(index) })),
    }
}

fn err(device: Device) -> String {
    backend_for(device).unwrap_err().to_string()
}

/// One test: the steps set `MLX_GPU_BACKEND` in turn, and the process
/// keeps the backend of each device once created.
#[test]
fn two_gpu_backends_need_a_choice_then_serve_per_index() {
    // This binary has no other test, so no other thread reads the
    // environment meanwhile.
    std::env::remove_var("MLX_GPU_BACKEND");

    // Unset: an error naming both, for every index, and no GPU by default.
    let e = err(Device::gpu(0));
    assert!(
        e.starts_with("[backend] 2 gpu backends are linked (")
            && e.contains("wgpu")
            && e.contains("fake")
            && e.ends_with("): set MLX_GPU_BACKEND to the name of the one to use"),
        "{e}"
    );
    assert_eq!(err(Device::gpu(1)), e);
    assert_eq!(device_count(DeviceType::Gpu), 0);
    assert_eq!(default_device(), Device::cpu(), "no GPU is picked silently");
    let up = Array::from_host_data_on(HostData::Float32(vec![1.0]), &[1], Device::gpu(0));
    let up = up.unwrap_err().to_string();
    assert!(
        up.starts_with("[array] 2 gpu backends are linked ("),
        "{up}"
    );
    assert_eq!(
        backend_for(Device::cpu()).unwrap().name(),
        "cpu",
        "the CPU is unaffected"
    );

    // A name that matches neither.
    std::env::set_var("MLX_GPU_BACKEND", "nope");
    let e = err(Device::gpu(0));
    assert!(
        e.starts_with("[backend] MLX_GPU_BACKEND=nope names none of the linked gpu backends ("),
        "{e}"
    );

    // Chosen: one backend per index, created once.
    std::env::set_var("MLX_GPU_BACKEND", "fake");
    assert_eq!(device_count(DeviceType::Gpu), 2);
    let g0 = backend_for(Device::gpu(0)).unwrap();
    let g1 = backend_for(Device::gpu(1)).unwrap();
    assert_eq!((g0.name(), g0.device()), ("fake", Device::gpu(0)));
    assert_eq!((g1.name(), g1.device()), ("fake", Device::gpu(1)));
    assert!(!Arc::ptr_eq(&g0, &g1), "one backend per index");
    assert!(
        Arc::ptr_eq(&g0, &backend_for(Device::gpu(0)).unwrap()),
        "kept"
    );
    assert_eq!(
        err(Device::gpu(2)),
        "[backend] no gpu device 2: 2 gpu devices found by the fake backend"
    );
    let a = Array::from_host_data_on(HostData::Float32(vec![1.0, 2.0]), &[2], Device::gpu(1));
    assert_eq!(
        a.unwrap().device(),
        Device::gpu(1),
        "storages carry their index"
    );

    // The variable is read at the first use of each device: a backend in
    // use stays.
    std::env::set_var("MLX_GPU_BACKEND", "wgpu");
    assert_eq!(backend_for(Device::gpu(0)).unwrap().name(), "fake");
    std::env::remove_var("MLX_GPU_BACKEND");
}
