//! Moving data between Rust values and arrays: `from_slice`, nested data,
//! `to_vec`, `item`.

use super::eval::view_of;
use super::{Array, ArrayData};
use crate::backend::backend_for_op;
use crate::shape::{format_shape, numel, row_major_strides};
use crate::{default_device, Device, Dtype, Element, Error, HostData, Result, SharedBytes};

impl Array {
    /// An evaluated array holding `data` with `shape`, on the default device.
    ///
    /// # Errors
    /// `[array] data has 3 elements but shape (2, 2) needs 4`.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_slice(&[1i32, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(a.to_string(), "array([[1, 2],\n       [3, 4]], dtype=int32)");
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_slice<T: Element>(data: &[T], shape: &[usize]) -> Result<Array> {
        let data = crate::memory::try_to_vec("array", data)?;
        Self::from_host_data(T::into_host(data), shape)
    }

    /// Like [`Array::from_slice`], taking ownership of the vector.
    ///
    /// # Errors
    /// As [`Array::from_slice`].
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<Array> {
        Self::from_host_data(T::into_host(data), shape)
    }

    /// A 0-d array holding `value` (MLX's `mx.array(3.0)` with an explicit type).
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_scalar(2.5f32);
    /// assert_eq!(a.item::<f32>()?, 2.5);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_scalar<T: Element>(value: T) -> Array {
        Self::from_host_data(T::into_host(vec![value]), &[]).expect("a scalar always fits shape ()")
    }

    /// An evaluated array from host data, on the default device.
    ///
    /// # Errors
    /// Size mismatch as in [`Array::from_slice`], or a device error.
    pub fn from_host_data(data: HostData, shape: &[usize]) -> Result<Array> {
        Self::from_host_data_on(data, shape, default_device())
    }

    /// An evaluated array from host data on `device`.
    ///
    /// # Errors
    /// As [`Array::from_host_data`].
    pub fn from_host_data_on(data: HostData, shape: &[usize], device: Device) -> Result<Array> {
        let n = crate::shape::checked_numel("array", shape, data.dtype().size())?;
        if data.len() != n {
            return Err(Error::invalid(
                "array",
                format!(
                    "data has {} elements but shape {} needs {}",
                    data.len(),
                    format_shape(shape),
                    n
                ),
            ));
        }
        let dtype = data.dtype();
        let backend = backend_for_op("array", device)?;
        let storage = backend.upload(data)?;
        let data = ArrayData {
            storage,
            strides: row_major_strides(shape),
            offset: 0,
            outcome: None,
        };
        Array::from_data(shape.to_vec(), dtype, data)
    }

    /// An evaluated array of `dtype` and `shape` over little-endian,
    /// row-major `bytes`, on the default device. The CPU backend reads the
    /// bytes in place (no copy) when they are aligned for `dtype`; other
    /// backends copy them.
    ///
    /// # Errors
    /// `[array] 6 bytes do not match shape (2,) of float32 (8 bytes)`, or a
    /// device error.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// use mlx_core::{Array, Dtype, SharedBytes};
    /// let bytes = SharedBytes::new(1.5f32.to_le_bytes().to_vec());
    /// let a = Array::from_shared_bytes(bytes, Dtype::Float32, &[1])?;
    /// assert_eq!(a.to_vec::<f32>()?, vec![1.5]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_shared_bytes(bytes: SharedBytes, dtype: Dtype, shape: &[usize]) -> Result<Array> {
        let need = crate::shape::checked_numel("array", shape, dtype.size())? * dtype.size();
        if need != bytes.len() {
            return Err(Error::invalid(
                "array",
                format!(
                    "{} bytes do not match shape {} of {dtype} ({} bytes)",
                    bytes.len(),
                    format_shape(shape),
                    need
                ),
            ));
        }
        let backend = backend_for_op("array", default_device())?;
        let storage = backend.upload_bytes(bytes, dtype)?;
        let data = ArrayData {
            storage,
            strides: row_major_strides(shape),
            offset: 0,
            outcome: None,
        };
        Array::from_data(shape.to_vec(), dtype, data)
    }

    /// An array from nested Rust arrays or vectors (`[[1, 2], [3, 4]]`).
    ///
    /// # Errors
    /// `[array] ragged nested data ...` when rows differ in length.
    ///
    /// # Examples
    /// ```
    /// # use mlx_cpu as _;
    /// let a = mlx_core::Array::from_nested(&[[1u8, 2, 3], [4, 5, 6]])?;
    /// assert_eq!(a.shape(), &[2, 3]);
    /// Ok::<(), mlx_core::Error>(())
    /// ```
    pub fn from_nested<N: Nested>(data: &N) -> Result<Array> {
        let mut shape = Vec::new();
        data.nested_shape(&mut shape);
        let mut flat = crate::memory::try_with_capacity("array", numel(&shape))?;
        data.flatten_into(&shape, &mut flat)?;
        Self::from_vec(flat, &shape)
    }

    /// Evaluate and read all elements in row-major order.
    ///
    /// # Evaluation
    /// Evaluates the array and waits for the device.
    ///
    /// # Errors
    /// `[to_vec] requested float32; call as_type first (got int32)` when `T`
    /// is not the array's element type, or an evaluation error.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if T::DTYPE != self.dtype() {
            return Err(Error::dtype(
                "to_vec",
                self.dtype(),
                format!("requested {}; call as_type first", T::DTYPE),
            ));
        }
        let host = self.to_host_data()?;
        crate::memory::try_to_vec("to_vec", T::slice(&host).expect("dtype checked above"))
    }

    /// Evaluate and read the elements as [`HostData`] (row-major).
    ///
    /// # Evaluation
    /// Evaluates the array and waits for the device.
    ///
    /// # Errors
    /// An evaluation or device error.
    pub fn to_host_data(&self) -> Result<HostData> {
        self.eval()?;
        let d = self.data()?;
        let backend = backend_for_op("to_vec", d.storage.device())?;
        backend
            .download(&view_of(self, &d))
            .map_err(|e| crate::memory::name_for_op("to_vec", e))
    }

    /// The single element of a size-1 array.
    ///
    /// # Evaluation
    /// Evaluates the array and waits for the device.
    ///
    /// # Errors
    /// `[item] can only be called on arrays of size 1 (got shape (2, 3))`,
    /// or a dtype mismatch as in [`Array::to_vec`].
    pub fn item<T: Element>(&self) -> Result<T> {
        if self.size() != 1 {
            return Err(Error::invalid(
                "item",
                format!(
                    "can only be called on arrays of size 1 (got shape {})",
                    format_shape(self.shape())
                ),
            ));
        }
        if T::DTYPE != self.dtype() {
            return Err(Error::dtype(
                "item",
                self.dtype(),
                format!("requested {}; call as_type first", T::DTYPE),
            ));
        }
        Ok(self.to_vec::<T>()?[0])
    }
}

/// Nested Rust data that [`Array::from_nested`] and [`array!`](crate::array!)
/// accept: an [`Element`], or arrays/vectors of nested data.
pub trait Nested {
    /// The leaf element type.
    type Elem: Element;
    /// Append this value's shape to `shape` (first element decides).
    fn nested_shape(&self, shape: &mut Vec<usize>);
    /// Append elements to `out`, checking each row against `shape`.
    ///
    /// # Errors
    /// Ragged data.
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<Self::Elem>) -> Result<()>;
}

impl<T: Element> Nested for T {
    type Elem = T;
    fn nested_shape(&self, _shape: &mut Vec<usize>) {}
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<T>) -> Result<()> {
        if !shape.is_empty() {
            return Err(Error::invalid("array", "ragged nested data"));
        }
        out.push(*self);
        Ok(())
    }
}

fn flatten_rows<N: Nested>(rows: &[N], shape: &[usize], out: &mut Vec<N::Elem>) -> Result<()> {
    match shape.split_first() {
        Some((&n, rest)) if n == rows.len() => {
            rows.iter().try_for_each(|r| r.flatten_into(rest, out))
        }
        _ => Err(Error::invalid(
            "array",
            format!(
                "ragged nested data: a row of length {} where shape is {}",
                rows.len(),
                format_shape(shape)
            ),
        )),
    }
}

impl<N: Nested, const K: usize> Nested for [N; K] {
    type Elem = N::Elem;
    fn nested_shape(&self, shape: &mut Vec<usize>) {
        shape.push(K);
        if let Some(first) = self.first() {
            first.nested_shape(shape);
        }
    }
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<N::Elem>) -> Result<()> {
        flatten_rows(self, shape, out)
    }
}

impl<N: Nested> Nested for Vec<N> {
    type Elem = N::Elem;
    fn nested_shape(&self, shape: &mut Vec<usize>) {
        shape.push(self.len());
        if let Some(first) = self.first() {
            first.nested_shape(shape);
        }
    }
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<N::Elem>) -> Result<()> {
        flatten_rows(self, shape, out)
    }
}

/// Build an array from literals, like `mx.array([[1, 2], [3, 4]])`.
/// Returns `Result<Array>`. Integer literals give `int32` and float
/// literals `float64` unless suffixed (`1.0f32`), as Rust types them.
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// let a = mlx_core::array!([[1, 2], [3, 4]])?;
/// assert_eq!(a.dtype(), mlx_core::Dtype::Int32);
/// let s = mlx_core::array!(2.5f32)?;
/// assert_eq!(s.ndim(), 0);
/// Ok::<(), mlx_core::Error>(())
/// ```
#[macro_export]
macro_rules! array {
    ($data:expr) => {
        $crate::Array::from_nested(&$data)
    };
}
