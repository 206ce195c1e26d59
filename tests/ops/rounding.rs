//! Results that must be bit-exact on every device, checked against Rust's
//! own IEEE arithmetic over many pseudo-random values: float32 division
//! rounds to nearest even (GPU division is an approximation: NVIDIA gives
//! -5 / 3 one ulp off), float16/bfloat16 stores round to nearest even
//! (Vulkan leaves the f32-to-f16 conversion's rounding to the device),
//! a plain scatter with duplicate positions leaves the last update, as
//! MLX's CPU and NumPy do (parallel GPU writes race), and float-to-int
//! casts wrap out-of-range values as MLX's CPU (WGSL's casts saturate).

use half::{bf16, f16};
use mlx::{ops, Array, Dtype};

/// A deterministic stream of 32-bit words (xorshift32).
fn words(seed: u32, n: usize) -> Vec<u32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s
        })
        .collect()
}

/// Finite float32 values over the whole exponent range, subnormals and
/// signed zeros included.
fn finite_f32(seed: u32, n: usize) -> Vec<f32> {
    words(seed, n)
        .into_iter()
        .map(|w| {
            let v = f32::from_bits(w);
            if v.is_finite() {
                v
            } else {
                f32::from_bits(w & 0x3fff_ffff)
            }
        })
        .collect()
}

fn same_bits(got: f32, want: f32) -> bool {
    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
}

fn divide_rounds_to_nearest(device: &mlx::Device) {
    let n = 1 << 16;
    // Quotients in the ordinary range (operands with nearby exponents) and
    // over the whole range.
    let near: Vec<f32> = words(7, 2 * n)
        .into_iter()
        .map(|w| f32::from_bits((w & 0x807f_ffff) | ((118 + (w >> 28)) << 23)))
        .collect();
    let mut x = near[..n].to_vec();
    let mut y = near[n..].to_vec();
    x.extend(finite_f32(11, n));
    y.extend(finite_f32(13, n));
    // Hand-picked: -5 / 3 is -1.6666666 (0xbfd55555).
    x.extend([-5.0, 1.0, 4096.0, 1e-40, 3.0e38]);
    y.extend([3.0, 3.0, 2.599_609_4, 3.0, 1e-3]);
    let a = Array::from_host_data_on(x.clone().into(), &[x.len()], *device).unwrap();
    let b = Array::from_host_data_on(y.clone().into(), &[y.len()], *device).unwrap();
    let got = ops::divide(&a, &b).unwrap().to_vec::<f32>().unwrap();
    let bad: Vec<String> = (0..x.len())
        .filter(|&i| !same_bits(got[i], x[i] / y[i]))
        .take(5)
        .map(|i| {
            format!(
                "{:e} / {:e} = {:e}, got {:e}",
                x[i],
                y[i],
                x[i] / y[i],
                got[i]
            )
        })
        .collect();
    assert!(bad.is_empty(), "divide is not correctly rounded: {bad:?}");
}

fn half_precision_stores_round_to_nearest_even(device: &mlx::Device) {
    // Values at and between the representable halves: ties, subnormal
    // halves, the overflow threshold (65520 rounds to inf) and NaN.
    let mut x: Vec<f32> = words(17, 1 << 16)
        .into_iter()
        .map(|w| f32::from_bits((w & 0x807f_ffff) | ((100 + (w >> 27)) << 23)))
        .collect();
    x.extend(finite_f32(19, 1 << 14));
    x.extend([
        1575.5, 1576.5, 2049.0, 2051.0, 65519.0, 65520.0, -65520.0, 1e-8, 3e-8, -0.0,
    ]);
    let a = Array::from_host_data_on(x.clone().into(), &[x.len()], *device).unwrap();
    let h = a.as_type(Dtype::Float16).unwrap().to_vec::<f16>().unwrap();
    let b = a
        .as_type(Dtype::Bfloat16)
        .unwrap()
        .to_vec::<bf16>()
        .unwrap();
    for (i, &v) in x.iter().enumerate() {
        assert_eq!(h[i].to_bits(), f16::from_f32(v).to_bits(), "float16({v:e})");
        assert_eq!(
            b[i].to_bits(),
            bf16::from_f32(v).to_bits(),
            "bfloat16({v:e})"
        );
    }
    // An op's float16 result is rounded the same way: 1575 + 0.6 = 1576.
    let p = Array::from_host_data_on(vec![f16::from_f32(1575.0)].into(), &[1], *device).unwrap();
    let q = ops::add(&p, &Array::from_scalar(f16::from_f32(0.6))).unwrap();
    assert_eq!(q.to_vec::<f16>().unwrap(), vec![f16::from_f32(1576.0)]);
}

fn scatter_duplicates_keep_the_last_update(device: &mlx::Device) {
    // 4096 updates into 7 slots: the last update at each slot stays.
    let n = 4096;
    let idx: Vec<i32> = words(23, n).into_iter().map(|w| (w % 7) as i32).collect();
    let vals: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let mut want = vec![-1.0f32; 7];
    for (&i, &v) in idx.iter().zip(&vals) {
        want[i as usize] = v;
    }
    let a = Array::from_host_data_on(vec![-1.0f32; 7].into(), &[7], *device).unwrap();
    let i = Array::from_host_data_on(idx.clone().into(), &[n], *device).unwrap();
    let v = Array::from_host_data_on(vals.clone().into(), &[n], *device).unwrap();
    let s = ops::scatter(
        &a,
        std::slice::from_ref(&i),
        &v.reshape(&[n as i64, 1]).unwrap(),
        &[0],
    )
    .unwrap();
    assert_eq!(s.to_vec::<f32>().unwrap(), want);
    // put_along_axis, float16 (two elements per 32-bit word).
    let a16 = a.as_type(Dtype::Float16).unwrap();
    let v16 = v.as_type(Dtype::Float16).unwrap();
    let p = ops::put_along_axis(&a16, &i, &v16, Some(0)).unwrap();
    let want16: Vec<f16> = want.iter().map(|&w| f16::from_f32(w)).collect();
    assert_eq!(p.to_vec::<f16>().unwrap(), want16);
}

fn float_to_int_casts_wrap_through_int64(device: &mlx::Device) {
    // C++ static_cast as MLX compiles it on x86-64: truncate to int64
    // (saturating), keep the low bits; NaN gives 0 here (MLX: undefined).
    // mx.array([-1.5]).astype(mx.uint32) -> 4294967295;
    // mx.array([3e9]).astype(mx.int32) -> -1294967296;
    // mx.array([300.7]).astype(mx.uint8) -> 44; (-1.0) -> uint64 2**64 - 1.
    let x = vec![
        -1.5f32,
        3e9,
        -3e9,
        300.7,
        -2.9,
        5e9,
        1e20,
        -1e20,
        f32::NAN,
        -0.0,
    ];
    let a = Array::from_host_data_on(x.into(), &[10], *device).unwrap();
    let u32s = a.as_type(Dtype::Uint32).unwrap().to_vec::<u32>().unwrap();
    let i32s = a.as_type(Dtype::Int32).unwrap().to_vec::<i32>().unwrap();
    let u8s = a.as_type(Dtype::Uint8).unwrap().to_vec::<u8>().unwrap();
    let i64s = a.as_type(Dtype::Int64).unwrap().to_vec::<i64>().unwrap();
    let u64s = a.as_type(Dtype::Uint64).unwrap().to_vec::<u64>().unwrap();
    // 5e9 = 2^32 + 705032704; 1e20 saturates to i64::MAX (low bits all
    // ones), -1e20 to i64::MIN (low bits 0).
    assert_eq!(
        u32s,
        [
            u32::MAX,
            3_000_000_000,
            1_294_967_296,
            300,
            u32::MAX - 1,
            705_032_704,
            u32::MAX,
            0,
            0,
            0
        ]
    );
    assert_eq!(
        i32s,
        [
            -1,
            -1_294_967_296,
            1_294_967_296,
            300,
            -2,
            705_032_704,
            -1,
            0,
            0,
            0
        ]
    );
    assert_eq!(u8s, [255, 0, 0, 44, 254, 0, 255, 0, 0, 0]);
    assert_eq!(
        i64s,
        [
            -1,
            3_000_000_000,
            -3_000_000_000,
            300,
            -2,
            5_000_000_000,
            i64::MAX,
            i64::MIN,
            0,
            0
        ]
    );
    assert_eq!(u64s[0], u64::MAX);
    assert_eq!(u64s[2], (-3_000_000_000i64) as u64);
    assert_eq!(u64s[8], 0);
}

mlx_tests::device_tests! {
    float_to_int_casts_wrap_through_int64,
    divide_rounds_to_nearest,
    half_precision_stores_round_to_nearest_even,
    scatter_duplicates_keep_the_last_update,
}
