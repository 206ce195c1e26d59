//! Every documented error message is triggered and its full text checked:
//! `[op] lowercase message with the values`, no trailing period (style
//! rule 8). Ops must fail when the node is built (rule 9), so these checks
//! never evaluate, except for errors documented as evaluation errors.

use mlx::ops::{self, SliceArg, SplitSpec};
use mlx::{Array, Device, Dtype, HostData};

fn f32s(device: &Device, v: &[f32], shape: &[usize]) -> Array {
    Array::from_host_data_on(HostData::from(v.to_vec()), shape, *device).unwrap()
}

fn i32s(device: &Device, v: &[i32], shape: &[usize]) -> Array {
    Array::from_host_data_on(HostData::from(v.to_vec()), shape, *device).unwrap()
}

/// Assert that `r` is an error whose text is exactly `want`.
#[track_caller]
fn assert_err<T: std::fmt::Debug>(r: mlx::Result<T>, want: &str) {
    match r {
        Ok(v) => panic!("expected error {want:?}, got Ok({v:?})"),
        Err(e) => assert_eq!(e.to_string(), want),
    }
}

fn reshape_size_mismatch(d: &Device) {
    let a = f32s(d, &[0.0; 6], &[6]);
    assert_err(
        ops::reshape(&a, &[4]),
        "[reshape] cannot reshape array of size 6 into shape (4,)",
    );
    assert_err(
        ops::reshape(&a, &[-1, 4]),
        "[reshape] cannot reshape array of size 6 into shape (-1, 4)",
    );
}

fn reshape_two_inferred_dims(d: &Device) {
    let a = f32s(d, &[0.0; 6], &[6]);
    assert_err(
        ops::reshape(&a, &[-1, -1]),
        "[reshape] can only infer one dimension",
    );
    assert_err(
        ops::reshape(&a, &[-2, 3]),
        "[reshape] invalid dimension -2 in shape (-2, 3)",
    );
}

fn sum_axis_out_of_bounds(d: &Device) {
    let a = f32s(d, &[0.0; 4], &[2, 2]);
    assert_err(
        ops::sum(&a, 3, false),
        "[sum] axis 3 is out of bounds for array of 2 dimensions",
    );
    assert_err(
        ops::sum(&a, &[-3], false),
        "[sum] axis -3 is out of bounds for array of 2 dimensions",
    );
    assert_err(
        ops::mean(&a, &[2], false),
        "[mean] axis 2 is out of bounds for array of 2 dimensions",
    );
    assert_err(
        ops::argmax(&a, 2, false),
        "[argmax] axis 2 is out of bounds for array of 2 dimensions",
    );
}

fn sum_duplicate_axis(d: &Device) {
    let a = f32s(d, &[0.0; 4], &[2, 2]);
    assert_err(
        ops::sum(&a, &[0, -2], false),
        "[sum] duplicate axis -2 in [0, -2]",
    );
}

fn add_shapes_cannot_broadcast(d: &Device) {
    let a = f32s(d, &[0.0; 2], &[2]);
    let b = f32s(d, &[0.0; 3], &[3]);
    assert_err(
        ops::add(&a, &b),
        "[add] shapes (2,) and (3,) cannot be broadcast",
    );
    assert_err(
        &a * &b,
        "[multiply] shapes (2,) and (3,) cannot be broadcast",
    );
    let c = Array::from_host_data_on(HostData::from(vec![true; 3]), &[3], *d).unwrap();
    assert_err(
        ops::where_(&c, &a, &a),
        "[where] shapes (3,) and (2,) cannot be broadcast",
    );
}

fn broadcast_to_incompatible(d: &Device) {
    let a = f32s(d, &[0.0; 3], &[3]);
    assert_err(
        ops::broadcast_to(&a, &[2, 4]),
        "[broadcast_to] shapes (3,) and (2, 4) cannot be broadcast",
    );
    let b = f32s(d, &[0.0; 2], &[2, 1]);
    assert_err(
        ops::broadcast_to(&b, &[3]),
        "[broadcast_to] shapes (2, 1) and (3,) cannot be broadcast",
    );
}

fn arange_zero_step(_d: &Device) {
    assert_err(ops::arange(0, 10, 0, None), "[arange] step must be nonzero");
    assert_err(
        ops::arange(0.0, 1.0, 0.0, None),
        "[arange] step must be nonzero",
    );
    assert_err(
        ops::arange(0.0, f64::INFINITY, 1.0, None),
        "[arange] start, stop and step must be finite",
    );
    assert_err(
        ops::arange(0, 3, 1, Some(Dtype::Bool)),
        "[arange] cannot make a range of bools (got bool)",
    );
}

fn linspace_negative_num(_d: &Device) {
    assert_err(
        ops::linspace(0.0, 1.0, -1, true, None),
        "[linspace] number of samples, -1, must be non-negative",
    );
}

fn matmul_mismatched_inner_dims(d: &Device) {
    let a = f32s(d, &[0.0; 6], &[2, 3]);
    let b = f32s(d, &[0.0; 8], &[4, 2]);
    assert_err(
        ops::matmul(&a, &b),
        "[matmul] last dimension of first input with shape (2, 3) must match second to last dimension of second input with shape (4, 2)",
    );
}

fn matmul_zero_dim_input(d: &Device) {
    let a = f32s(d, &[1.0], &[]);
    let b = f32s(d, &[0.0; 2], &[2]);
    assert_err(
        ops::matmul(&a, &b),
        "[matmul] got 0 dimension input; inputs must have at least one dimension",
    );
}

fn matmul_integer_inputs(d: &Device) {
    let a = i32s(d, &[1, 2, 3, 4], &[2, 2]);
    assert_err(
        ops::matmul(&a, &a),
        "[matmul] only inexact types are supported but int32 and int32 were provided (got int32)",
    );
}

fn matmul_batch_not_broadcastable(d: &Device) {
    let a = f32s(d, &[0.0; 8], &[2, 2, 2]);
    let b = f32s(d, &[0.0; 12], &[3, 2, 2]);
    assert_err(
        ops::matmul(&a, &b),
        "[matmul] shapes (2,) and (3,) cannot be broadcast",
    );
}

fn take_float_indices(d: &Device) {
    let a = f32s(d, &[1.0, 2.0], &[2]);
    assert_err(
        ops::take(&a, &a, ()),
        "[take] indices must be integral (got float32)",
    );
    assert_err(
        ops::take_along_axis(&a, &a, 0),
        "[take_along_axis] indices must be integral (got float32)",
    );
}

fn take_out_of_range_at_eval(d: &Device) {
    // Documented in ops::take: an index out of range fails at evaluation.
    let a = f32s(d, &[1.0, 2.0, 3.0], &[3]);
    let i = i32s(d, &[5], &[1]);
    let t = ops::take(&a, &i, 0).expect("take builds");
    let e = t
        .to_vec::<f32>()
        .expect_err("out-of-range take fails at eval");
    assert!(
        e.to_string().starts_with("[take] index 5 is out of bounds"),
        "got {e}"
    );
}

fn take_along_axis_rank_mismatch(d: &Device) {
    let a = f32s(d, &[0.0; 4], &[2, 2]);
    let i = i32s(d, &[0, 1], &[2]);
    assert_err(
        ops::take_along_axis(&a, &i, 0),
        "[take_along_axis] indices of 1 dimensions do not match array of 2 dimensions",
    );
}

fn item_on_non_scalar(d: &Device) {
    let a = f32s(d, &[0.0; 6], &[2, 3]);
    assert_err(
        a.item::<f32>(),
        "[item] can only be called on arrays of size 1 (got shape (2, 3))",
    );
}

fn item_wrong_type(d: &Device) {
    let a = i32s(d, &[1], &[1]);
    assert_err(
        a.item::<f32>(),
        "[item] requested float32; call as_type first (got int32)",
    );
}

fn to_vec_wrong_type(d: &Device) {
    // The text documented on Array::to_vec.
    let a = i32s(d, &[1, 2], &[2]);
    assert_err(
        a.to_vec::<f32>(),
        "[to_vec] requested float32; call as_type first (got int32)",
    );
}

fn from_slice_size_mismatch(d: &Device) {
    assert_err(
        Array::from_host_data_on(HostData::from(vec![1.0f32; 3]), &[2, 2], *d),
        "[array] data has 3 elements but shape (2, 2) needs 4",
    );
}

fn from_nested_ragged(_d: &Device) {
    let r = Array::from_nested(&vec![vec![1i32, 2], vec![3]]);
    let e = r.expect_err("ragged data is rejected");
    assert!(
        e.to_string().starts_with("[array] ragged nested data"),
        "got {e}"
    );
}

fn scalar_overflows_array_dtype(d: &Device) {
    let a = Array::from_host_data_on(HostData::from(vec![1u8]), &[1], *d).unwrap();
    assert_err(
        &a + 300,
        "[array] converting 300 to uint8 would result in overflow",
    );
}

fn concatenate_mismatched_shapes(d: &Device) {
    let a = f32s(d, &[0.0; 6], &[2, 3]);
    let b = f32s(d, &[0.0; 4], &[2, 2]);
    assert_err(
        ops::concatenate(&[&a, &b], 0),
        "[concatenate] all the input array dimensions except for the concatenation axis must match exactly, got (2, 3) and (2, 2)",
    );
    let c = f32s(d, &[0.0; 2], &[2]);
    assert_err(
        ops::concatenate(&[&a, &c], 0),
        "[concatenate] all the input array dimensions except for the concatenation axis must match exactly, got (2, 3) and (2,)",
    );
}

fn concatenate_no_arrays_or_0d(d: &Device) {
    assert_err(ops::concatenate(&[], 0), "[concatenate] no arrays given");
    let s = f32s(d, &[1.0], &[]);
    assert_err(
        ops::concatenate(&[&s, &s], 0),
        "[concatenate] zero-dimensional arrays cannot be concatenated",
    );
    let a = f32s(d, &[0.0; 2], &[2]);
    assert_err(
        ops::concatenate(&[&a, &a], 1),
        "[concatenate] axis 1 is out of bounds for array of 1 dimensions",
    );
}

fn stack_mismatched_shapes(d: &Device) {
    let a = f32s(d, &[0.0; 2], &[2]);
    let b = f32s(d, &[0.0; 3], &[3]);
    assert_err(
        ops::stack(&[&a, &b], 0),
        "[stack] all arrays must have the same shape",
    );
    assert_err(ops::stack(&[], 0), "[stack] no arrays given");
}

fn transpose_not_a_permutation(d: &Device) {
    let a = f32s(d, &[0.0; 4], &[2, 2]);
    assert_err(
        ops::transpose(&a, &[0, 0]),
        "[transpose] axes [0, 0] are not a permutation of 2 axes",
    );
    assert_err(
        ops::transpose(&a, &[0]),
        "[transpose] axes [0] are not a permutation of 2 axes",
    );
    assert_err(
        ops::transpose(&a, &[0, 2]),
        "[transpose] axis 2 is out of bounds for array of 2 dimensions",
    );
}

fn squeeze_non_unit_axis(d: &Device) {
    let a = f32s(d, &[0.0; 3], &[3, 1]);
    assert_err(
        ops::squeeze(&a, &[0]),
        "[squeeze] cannot squeeze axis 0 with size 3",
    );
    assert_err(
        ops::squeeze(&a, &[2]),
        "[squeeze] axis 2 is out of bounds for array of 2 dimensions",
    );
}

fn expand_dims_out_of_bounds(d: &Device) {
    let a = f32s(d, &[0.0; 6], &[2, 3]);
    assert_err(
        ops::expand_dims(&a, &[3]),
        "[expand_dims] axis 3 is out of bounds for array of 3 dimensions",
    );
}

fn index_out_of_bounds(d: &Device) {
    let a = f32s(d, &[0.0; 3], &[3]);
    assert_err(
        ops::index(&a, &[SliceArg::Index(5)]),
        "[index] index 5 is out of bounds for axis 0 with size 3",
    );
    assert_err(
        ops::index(&a, &[SliceArg::Index(-4)]),
        "[index] index -4 is out of bounds for axis 0 with size 3",
    );
}

fn index_too_many_zero_step_two_ellipses(d: &Device) {
    let a = f32s(d, &[0.0; 4], &[2, 2]);
    assert_err(
        ops::index(
            &a,
            &[SliceArg::Index(0), SliceArg::Index(0), SliceArg::Index(0)],
        ),
        "[index] too many indices (3) for array of 2 dimensions",
    );
    assert_err(
        ops::index(&a, &[SliceArg::range(None, None, 0)]),
        "[index] slice step cannot be zero",
    );
    assert_err(
        ops::index(&a, &[SliceArg::Ellipsis, SliceArg::Ellipsis]),
        "[index] an index can only have a single ellipsis",
    );
}

fn split_unequal_sections(d: &Device) {
    let a = f32s(d, &[0.0; 5], &[5]);
    assert_err(
        ops::split(&a, SplitSpec::Sections(2), 0),
        "[split] array split does not result in sub arrays with equal size",
    );
    assert_err(
        ops::split(&a, SplitSpec::Sections(0), 0),
        "[split] number of sections must be positive",
    );
}

fn flatten_start_after_end(d: &Device) {
    let a = f32s(d, &[0.0; 6], &[2, 3]);
    assert_err(
        ops::flatten(&a, 1, 0),
        // MLX's wording
        "[flatten] start_axis must be less than or equal to end_axis",
    );
}

fn max_of_empty_axis(d: &Device) {
    let a = f32s(d, &[], &[0, 3]);
    assert_err(
        ops::max(&a, 0, false),
        "[max] cannot reduce over an empty axis",
    );
    assert_err(
        ops::argmax(&a, 0, false),
        // MLX's wording, for any empty input
        "[argmax] Cannot argmax reduce zero size array.",
    );
}

fn complex_rejected_by_real_only_ops(d: &Device) {
    let z = Array::from_host_data_on(
        HostData::from(vec![mlx::Complex64::new(1.0, 2.0)]),
        &[1],
        *d,
    );
    if mlx_tests::is_gpu(d) {
        // The GPU holds no complex64 yet: the upload says so.
        let e = z.expect_err("complex64 on the GPU");
        assert!(
            matches!(
                e,
                mlx::Error::Dtype {
                    dtype: mlx::Dtype::Complex64,
                    ..
                }
            ),
            "{e}"
        );
        return;
    }
    let z = z.unwrap();
    assert_err(
        ops::max(&z, (), false),
        "[max] not supported for complex64 (got complex64)",
    );
    assert_err(
        ops::floor(&z),
        "[floor] not supported for complex64 (got complex64)",
    );
}

fn clip_without_bounds(d: &Device) {
    let a = f32s(d, &[0.0; 2], &[2]);
    assert_err(
        ops::clip(&a, None::<f64>, ()),
        "[clip] at most one of a_min and a_max may be None",
    );
}

fn cumsum_axis_on_0d(d: &Device) {
    let a = f32s(d, &[1.0], &[]);
    assert_err(
        ops::cumsum(&a, 0, false, true),
        "[cumsum] axis 0 is out of bounds for array of 0 dimensions",
    );
}

fn dim_out_of_bounds(d: &Device) {
    let a = f32s(d, &[0.0; 4], &[2, 2]);
    assert_err(
        a.dim(2),
        "[dim] axis 2 is out of bounds for array of 2 dimensions",
    );
}

fn set_default_device_without_backend(_d: &Device) {
    // No GPU backend is linked into this test binary (no `gpu` feature).
    if cfg!(feature = "gpu") {
        return;
    }
    let e = mlx::set_default_device(Device::gpu(0)).expect_err("no gpu backend");
    assert!(
        e.to_string()
            .starts_with("[set_default_device] no backend is registered for device "),
        "got {e}"
    );
}

mlx_tests::device_tests! {
    reshape_size_mismatch,
    reshape_two_inferred_dims,
    sum_axis_out_of_bounds,
    sum_duplicate_axis,
    add_shapes_cannot_broadcast,
    broadcast_to_incompatible,
    arange_zero_step,
    linspace_negative_num,
    matmul_mismatched_inner_dims,
    matmul_zero_dim_input,
    matmul_integer_inputs,
    matmul_batch_not_broadcastable,
    take_float_indices,
    take_out_of_range_at_eval,
    take_along_axis_rank_mismatch,
    item_on_non_scalar,
    item_wrong_type,
    to_vec_wrong_type,
    from_slice_size_mismatch,
    from_nested_ragged,
    scalar_overflows_array_dtype,
    concatenate_mismatched_shapes,
    concatenate_no_arrays_or_0d,
    stack_mismatched_shapes,
    transpose_not_a_permutation,
    squeeze_non_unit_axis,
    expand_dims_out_of_bounds,
    index_out_of_bounds,
    index_too_many_zero_step_two_ellipses,
    split_unequal_sections,
    flatten_start_after_end,
    max_of_empty_axis,
    complex_rejected_by_real_only_ops,
    clip_without_bounds,
    cumsum_axis_on_0d,
    dim_out_of_bounds,
    set_default_device_without_backend,
}
