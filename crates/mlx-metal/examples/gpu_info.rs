//! Print the GPU adapter the backend picks and check one small eval
//! against values computed by hand.
//!
//! `cargo run -p mlx-metal --example gpu_info`

use mlx_core::{Array, Device, HostData};

fn main() -> Result<(), mlx_core::Error> {
    let gpu = mlx_metal::GpuBackend::new()?;
    println!("adapter: {}", gpu.adapter_name());
    let on = |v: Vec<f32>| Array::from_host_data_on(HostData::Float32(v), &[4], Device::gpu());
    let (a, b, c) = (
        on(vec![1., 2., 3., 4.])?,
        on(vec![2.; 4])?,
        on(vec![0.5; 4])?,
    );
    let y = ((&a * &b)? + &c)?.exp()?;
    let got = y.to_vec::<f32>()?;
    // exp(2a + 0.5) for a = 1..4
    let want = [12.182494f32, 90.01713, 665.14163, 4914.7686];
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-4 * w, "{got:?} vs {want:?}");
    }
    println!("exp(a*b+c) = {got:?}: ok");
    Ok(())
}
