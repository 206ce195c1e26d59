//! Buffer donation (issue 13): a kernel writes its output into an input
//! buffer that nobody else can see (MLX's `is_donatable`): the input's
//! node and buffer have no other handle, it is row-major from offset 0
//! and has the output's byte size. Checked on the CPU through
//! `Array::data_ptr` (the output's buffer is the input's), with values
//! derived by hand, and the cases that must not donate.

use mlx::ops;
use mlx::{Array, Dtype, HostData};

/// Run `f` with the CPU as the default device: these tests read host
/// buffer addresses, which only the CPU backend has (the binary may also
/// link a GPU backend, which then becomes the default).
fn on_cpu(f: impl FnOnce()) {
    mlx::with_default_device(mlx::Device::cpu(), f)
}

fn f32s(v: &[f32], shape: &[usize]) -> Array {
    Array::from_slice(v, shape).unwrap()
}

/// An evaluated temporary `t` (the result of `a * b`) and its address.
fn temporary() -> (Array, usize) {
    let a = f32s(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let b = f32s(&[2.0, 2.0, 2.0, 2.0], &[2, 2]);
    let t = (&a * &b).unwrap();
    t.eval().unwrap();
    let p = t.data_ptr().unwrap();
    (t, p)
}

#[test]
fn binary_writes_into_unique_temporary() {
    on_cpu(|| {
        let (t, p) = temporary();
        let c = f32s(&[10.0], &[1]);
        let y = (&t + &c).unwrap();
        drop(t);
        y.eval().unwrap();
        assert_eq!(y.data_ptr(), Some(p));
        assert_eq!(y.to_vec::<f32>().unwrap(), vec![12.0, 14.0, 16.0, 18.0]);
    })
}

#[test]
fn binary_donates_right_operand() {
    on_cpu(|| {
        let (t, p) = temporary();
        let c = f32s(&[10.0], &[1]);
        let y = (&c - &t).unwrap();
        drop(t);
        y.eval().unwrap();
        assert_eq!(y.data_ptr(), Some(p));
        assert_eq!(y.to_vec::<f32>().unwrap(), vec![8.0, 6.0, 4.0, 2.0]);
    })
}

#[test]
fn unary_and_select_write_into_unique_temporary() {
    on_cpu(|| {
        let (t, p) = temporary();
        let y = t.negative().unwrap();
        drop(t);
        y.eval().unwrap();
        assert_eq!(y.data_ptr(), Some(p));
        assert_eq!(y.to_vec::<f32>().unwrap(), vec![-2.0, -4.0, -6.0, -8.0]);
        let cond = Array::from_slice(&[true, false, false, true], &[2, 2]).unwrap();
        let zero = f32s(&[0.0], &[1]);
        let z = ops::where_(&cond, &zero, &y).unwrap();
        drop(y);
        z.eval().unwrap();
        assert_eq!(z.data_ptr(), Some(p));
        assert_eq!(z.to_vec::<f32>().unwrap(), vec![0.0, -4.0, -6.0, 0.0]);
    })
}

#[test]
fn lazy_chain_reuses_its_temporaries() {
    on_cpu(|| {
        // a * b + c - d in one eval: each temporary is donated to the next op.
        let a = f32s(&[1.0, 2.0, 3.0], &[3]);
        let y = ((&(&a * &a).unwrap() + &a).unwrap() - 1.0).unwrap();
        assert_eq!(y.to_vec::<f32>().unwrap(), vec![1.0, 5.0, 11.0]);
    })
}

#[test]
fn held_input_is_not_donated() {
    on_cpu(|| {
        let (t, p) = temporary();
        let y = (&t + 1.0).unwrap();
        y.eval().unwrap();
        assert_ne!(y.data_ptr(), Some(p));
        assert_eq!(t.to_vec::<f32>().unwrap(), vec![2.0, 4.0, 6.0, 8.0]);
        assert_eq!(y.to_vec::<f32>().unwrap(), vec![3.0, 5.0, 7.0, 9.0]);
    })
}

#[test]
fn buffer_shared_with_a_view_is_not_donated() {
    on_cpu(|| {
        let (t, p) = temporary();
        let v = t.reshape(&[4]).unwrap();
        v.eval().unwrap();
        assert_eq!(v.data_ptr(), Some(p), "reshape is a view");
        let y = (&t + 1.0).unwrap();
        drop(t);
        y.eval().unwrap();
        assert_ne!(y.data_ptr(), Some(p));
        assert_eq!(v.to_vec::<f32>().unwrap(), vec![2.0, 4.0, 6.0, 8.0]);
    })
}

#[test]
fn broadcast_or_resized_input_is_not_donated() {
    on_cpu(|| {
        // The temporary is smaller than the output: it cannot hold it.
        let (t, p) = temporary();
        let big = f32s(&[0.0; 8], &[2, 2, 2]);
        let y = (&t + &big).unwrap();
        drop(t);
        y.eval().unwrap();
        assert_ne!(y.data_ptr(), Some(p));
        // A comparison writes bool: another size.
        let (t, p) = temporary();
        let y = ops::greater(&t, &f32s(&[3.0], &[1])).unwrap();
        drop(t);
        assert_eq!(y.to_vec::<bool>().unwrap(), vec![false, true, true, true]);
        assert_ne!(y.data_ptr(), Some(p));
    })
}

#[test]
fn cast_to_other_dtype_allocates() {
    on_cpu(|| {
        let (t, _) = temporary();
        let y = t.as_type(Dtype::Int32).unwrap();
        drop(t);
        assert_eq!(y.to_vec::<i32>().unwrap(), vec![2, 4, 6, 8]);
    })
}

#[test]
fn slice_update_writes_into_donated_cache() {
    on_cpu(|| {
        // A (1, 2, 4, 3) cache of zeros; one row written at position 2.
        let cache = Array::from_host_data(HostData::from(vec![0.0f32; 24]), &[1, 2, 4, 3]).unwrap();
        let cache = (&cache + 0.0).unwrap(); // an owned buffer, not the upload
        cache.eval().unwrap();
        let p = cache.data_ptr().unwrap();
        let row = f32s(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[1, 2, 1, 3]);
        let next =
            ops::slice_update_strided(&cache, &row, &[0, 0, 2, 0], &[1, 2, 3, 3], &[1, 1, 1, 1])
                .unwrap();
        drop(cache);
        next.eval().unwrap();
        assert_eq!(next.data_ptr(), Some(p));
        let mut want = vec![0.0f32; 24];
        want[6..9].copy_from_slice(&[1.0, 2.0, 3.0]);
        want[18..21].copy_from_slice(&[4.0, 5.0, 6.0]);
        assert_eq!(next.to_vec::<f32>().unwrap(), want);
    })
}

#[test]
fn index_put_and_scatter_add_write_into_donated_destination() {
    on_cpu(|| {
        let a = (&Array::from_slice(&[0i32; 6], &[6]).unwrap() + 0).unwrap();
        a.eval().unwrap();
        let p = a.data_ptr().unwrap();
        let idx = Array::from_slice(&[1i32, 4, 1], &[3]).unwrap();
        let upd = Array::from_slice(&[5i32, 7, 2], &[3]).unwrap();
        let y = ops::scatter_add(&a, &[idx], &upd.reshape(&[3, 1]).unwrap(), &[0]).unwrap();
        drop(a);
        y.eval().unwrap();
        assert_eq!(y.data_ptr(), Some(p));
        // Duplicates accumulate: position 1 gets 5 + 2.
        assert_eq!(y.to_vec::<i32>().unwrap(), vec![0, 7, 0, 0, 7, 0]);
    })
}

#[test]
fn failed_scatter_keeps_donor_and_stays_pending() {
    on_cpu(|| {
        let a = (&Array::from_slice(&[1.0f32; 4], &[4]).unwrap() * 2.0).unwrap();
        a.eval().unwrap();
        let idx = Array::from_slice(&[9i32], &[1]).unwrap();
        let upd = f32s(&[5.0], &[1, 1]);
        let y = ops::scatter(&a, &[idx], &upd, &[0]).unwrap();
        drop(a);
        let first = y.eval().unwrap_err().to_string();
        assert!(!y.is_evaluated());
        // The destination was given back: the same error again, not a lost input.
        assert_eq!(y.eval().unwrap_err().to_string(), first);
    })
}

#[test]
fn copy_of_unique_dense_input_is_free() {
    on_cpu(|| {
        let (t, p) = temporary();
        let y = ops::contiguous(&t).unwrap();
        drop(t);
        y.eval().unwrap();
        assert_eq!(y.data_ptr(), Some(p));
        assert_eq!(y.to_vec::<f32>().unwrap(), vec![2.0, 4.0, 6.0, 8.0]);
    })
}
