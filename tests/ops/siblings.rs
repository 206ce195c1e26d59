//! Multi-output primitives (MLX's siblings, issue 13): `divmod` and
//! `quantize` record one node per output; evaluating any output runs the
//! primitive once and fills every output still alive. Values are checked
//! against Python's `//` and `%` and MLX's affine quantization derived by
//! hand; the MLX goldens of both ops live in `misc_elementwise.rs` and
//! `quantized.rs`.

use mlx::ops::{self, QuantizationMode};
use mlx::{Array, Device, Dtype, HostData};

fn on(d: &Device, data: HostData, shape: &[usize]) -> Array {
    Array::from_host_data_on(data, shape, *d).unwrap()
}

/// `[0, 1, .., 31]` in one row of `float32`.
fn ramp(d: &Device) -> Array {
    let v: Vec<f32> = (0..32).map(|i| i as f32).collect();
    on(d, HostData::from(v), &[1, 32])
}

/// Both outputs of `divmod` come from one evaluation: evaluating the
/// quotient leaves the remainder evaluated, with Python's values.
fn divmod_eval_one_fills_both(d: &Device) {
    let a = on(d, HostData::from(vec![7i32, -7, 7, -7]), &[4]);
    let b = on(d, HostData::from(vec![2i32, 2, -2, -2]), &[4]);
    let (q, r) = ops::divmod(&a, &b).unwrap();
    assert!(q.siblings()[0].ptr_eq(&r) && r.siblings()[0].ptr_eq(&q));
    assert_eq!(q.outputs().len(), 2);
    q.eval().unwrap();
    assert!(r.is_evaluated(), "the sibling was filled by the same run");
    // Python: [7 // 2, -7 // 2, 7 // -2, -7 // -2], and the same with %.
    assert_eq!(q.to_vec::<i32>().unwrap(), vec![3, -4, -4, 3]);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![1, 1, -1, -1]);
    assert!(q.siblings().is_empty(), "evaluated arrays detach");
}

/// A dropped sibling does not stop the other from evaluating.
fn divmod_dropped_sibling(d: &Device) {
    let a = on(d, HostData::from(vec![7.5f32, -7.5]), &[2]);
    let b = on(d, HostData::from(vec![2.0f32]), &[1]);
    let (_, r) = ops::divmod(&a, &b).unwrap();
    assert!(r.siblings().is_empty());
    assert_eq!(r.outputs().len(), 1);
    // Python: 7.5 % 2 == 1.5, -7.5 % 2 == 0.5.
    assert_eq!(r.to_vec::<f32>().unwrap(), vec![1.5, 0.5]);
}

/// Broadcast and non-contiguous inputs through the one kernel.
fn divmod_broadcast_transposed(d: &Device) {
    let a = on(d, HostData::from(vec![-5i64, -4, 9, 10, 11, 3]), &[2, 3]);
    let at = ops::transpose(&a, ()).unwrap(); // [[-5, 10], [-4, 11], [9, 3]]
    let b = on(d, HostData::from(vec![3i64, -4]), &[2]);
    let (q, r) = ops::divmod(&at, &b).unwrap();
    // Python: [[-5 // 3, 10 // -4], [-4 // 3, 11 // -4], [9 // 3, 3 // -4]]
    assert_eq!(q.to_vec::<i64>().unwrap(), vec![-2, -3, -2, -3, 3, -1]);
    assert_eq!(r.to_vec::<i64>().unwrap(), vec![1, -2, 2, -1, 0, -1]);
}

/// `quantize`'s three outputs come from one evaluation of its composite.
fn quantize_eval_one_fills_all(d: &Device) {
    let (w, s, b) = ops::quantize(&ramp(d), Some(32), Some(4), QuantizationMode::Affine).unwrap();
    assert_eq!(w.outputs().len(), 3);
    assert!(w.outputs()[1].ptr_eq(&s) && w.outputs()[2].ptr_eq(&b));
    s.eval().unwrap();
    assert!(w.is_evaluated() && b.is_evaluated());
    // MLX's affine rule by hand: |min| = 0 <= |max| = 31, so the edge is
    // 31, q0 = round(31 / -(31 / 15)) = -15, scale = 31 / -15, bias = 31.
    assert_eq!(w.dtype(), Dtype::Uint32);
    assert!((s.item::<f32>().unwrap() + 31.0 / 15.0).abs() < 1e-6);
    assert_eq!(b.item::<f32>().unwrap(), 31.0);
    // Codes round((x - 31) / scale) = round(15 (31 - x) / 31), eight
    // 4-bit codes per little-endian word.
    let codes: Vec<u32> = (0..32)
        .map(|x| (15.0 * (31.0 - x as f64) / 31.0).round() as u32)
        .collect();
    let words: Vec<u32> = codes
        .chunks(8)
        .map(|c| c.iter().enumerate().map(|(i, q)| q << (4 * i)).sum())
        .collect();
    assert_eq!(w.to_vec::<u32>().unwrap(), words);
}

mlx_tests::device_tests! {
    divmod_eval_one_fills_both,
    divmod_dropped_sibling,
    divmod_broadcast_transposed,
    quantize_eval_one_fills_all,
}
