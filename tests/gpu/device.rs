//! Per-index GPU devices: `Device::gpu(i)` is the i-th adapter, each with
//! its own backend whose storages carry their index; ops move data between
//! devices; an index past the adapters is an error naming the count.

use mlx::{backend_for, device_count, ops, Array, Device, DeviceType, HostData};

#[test]
fn every_gpu_index_has_its_own_backend() {
    let Some(_) = crate::check::gpu() else { return };
    let _gpu = crate::check::gpu_lock();
    let n = device_count(DeviceType::Gpu);
    assert!(n >= 1);
    assert_eq!(mlx_metal::GpuBackend::count().unwrap(), n);
    for i in 0..n {
        let d = Device::gpu(i);
        let b = backend_for(d).unwrap();
        assert_eq!((b.name(), b.device()), ("wgpu", d));
        let a = Array::from_host_data_on(HostData::Float32(vec![1.0, 2.0, 3.0]), &[3], d).unwrap();
        let c = (&a * &a).unwrap();
        assert_eq!(c.device(), d);
        assert_eq!(c.to_vec::<f32>().unwrap(), vec![1.0, 4.0, 9.0], "on {d}");
        let z = mlx::with_default_device(d, || ops::arange(0, 3, 1, None)).unwrap();
        assert_eq!((z.device(), z.to_vec::<i32>().unwrap()), (d, vec![0, 1, 2]));
    }
}

#[test]
fn ops_copy_inputs_from_other_devices() {
    let Some(_) = crate::check::gpu() else { return };
    let _gpu = crate::check::gpu_lock();
    let last = Device::gpu(device_count(DeviceType::Gpu) - 1);
    let g = Array::from_host_data_on(HostData::Float32(vec![1.0, 2.0]), &[2], last).unwrap();
    let c =
        Array::from_host_data_on(HostData::Float32(vec![10.0, 20.0]), &[2], Device::cpu()).unwrap();
    let on_gpu = (&g + &c).unwrap();
    let on_cpu = (&c + &g).unwrap();
    assert_eq!((on_gpu.device(), on_cpu.device()), (last, Device::cpu()));
    assert_eq!(on_gpu.to_vec::<f32>().unwrap(), vec![11.0, 22.0]);
    assert_eq!(on_cpu.to_vec::<f32>().unwrap(), vec![11.0, 22.0]);
    let g0 =
        Array::from_host_data_on(HostData::Float32(vec![5.0, 6.0]), &[2], Device::gpu(0)).unwrap();
    let s = (&g0 - &g).unwrap();
    assert_eq!(
        (s.device(), s.to_vec::<f32>().unwrap()),
        (Device::gpu(0), vec![4.0, 4.0])
    );
}

#[test]
fn gpu_index_past_the_adapters_is_an_error() {
    let Some(_) = crate::check::gpu() else { return };
    let n = device_count(DeviceType::Gpu);
    let noun = if n == 1 { "device" } else { "devices" };
    let want =
        |op: &str| format!("[{op}] no gpu device {n}: {n} gpu {noun} found by the wgpu backend");
    let e = backend_for(Device::gpu(n)).unwrap_err();
    assert_eq!(e.to_string(), want("backend"));
    let e = Array::from_host_data_on(HostData::Float32(vec![1.0]), &[1], Device::gpu(n));
    assert_eq!(e.unwrap_err().to_string(), want("array"));
    let e = mlx_metal::GpuBackend::with_index(n).unwrap_err();
    assert_eq!(e.to_string(), want("gpu"));
    assert!(!mlx::is_available(Device::gpu(n)));
}
