//! proptest strategies: shapes (rank 0..=4, dims 0..=7, size-0 and 0-d
//! included), dtypes of the GPU, raw element material turned into values
//! of a dtype through a [`Domain`], and memory layouts of an input.
//!
//! An input is generated as [`InputSpec`]: its logical shape, a [`Layout`]
//! and [`Raw`] material for every element of its physical buffer. The same
//! spec builds the same array on the CPU and on the GPU
//! ([`InputSpec::build`]), so both backends see identical data and views.

use mlx::ops::{self, SliceArg};
use mlx::{Array, Device, Dtype, HostData};
use proptest::prelude::*;

/// Every dtype the GPU backend supports.
pub const GPU_DTYPES: [Dtype; 12] = [
    Dtype::Bool,
    Dtype::Uint8,
    Dtype::Uint16,
    Dtype::Uint32,
    Dtype::Uint64,
    Dtype::Int8,
    Dtype::Int16,
    Dtype::Int32,
    Dtype::Int64,
    Dtype::Float16,
    Dtype::Bfloat16,
    Dtype::Float32,
];

/// The floating dtypes of the GPU.
pub const GPU_FLOATS: [Dtype; 3] = [Dtype::Float16, Dtype::Bfloat16, Dtype::Float32];

/// The integer dtypes that may index (`take`).
pub const INDEX_DTYPES: [Dtype; 8] = [
    Dtype::Uint8,
    Dtype::Uint16,
    Dtype::Uint32,
    Dtype::Uint64,
    Dtype::Int8,
    Dtype::Int16,
    Dtype::Int32,
    Dtype::Int64,
];

/// A random dtype of the GPU.
pub fn dtype() -> impl Strategy<Value = Dtype> {
    prop::sample::select(GPU_DTYPES.to_vec())
}

/// One dimension: mostly 1..=4, sometimes 0 or 5..=7.
pub fn dim() -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 12 => 1usize..=4, 3 => 5usize..=7]
}

/// A shape of rank `ranks` (dims 0..=7).
pub fn shape_of_rank(ranks: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(dim(), ranks)
}

/// A shape of rank 0..=4 with dims 0..=7.
pub fn shape() -> impl Strategy<Value = Vec<usize>> {
    shape_of_rank(0..=4)
}

/// Raw material for one element; a [`Domain`] turns it into a value of a
/// dtype.
#[derive(Clone, Copy, Debug)]
pub enum Raw {
    /// Uniform in `[0, 1)`: a value spread over the domain's range.
    Unit(f64),
    /// Random bits: any integer of the range; for floats, a multiple of
    /// 0.5 of the range (exact halves exercise rounding and floor).
    Bits(u64),
    /// An edge value: NaN, ±inf, ±0, ±1, 0.5 for floats (when the domain
    /// allows them); the range's ends, 0, ±1 for integers.
    Special(u8),
}

fn raw() -> impl Strategy<Value = Raw> {
    prop_oneof![
        6 => (0.0f64..1.0).prop_map(Raw::Unit),
        3 => any::<u64>().prop_map(Raw::Bits),
        2 => (0u8..8).prop_map(Raw::Special),
    ]
}

/// Which values an input takes, per dtype kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Domain {
    /// Range of float values.
    pub lo: f64,
    /// Upper end of float values.
    pub hi: f64,
    /// Floats may be NaN, ±inf and -0.0.
    pub specials: bool,
    /// Integer values (clamped to the dtype's range); `None`: the whole
    /// range of the dtype.
    pub ints: Option<(i128, i128)>,
}

impl Domain {
    /// Floats in ±100 with NaN/inf/-0, integers across their range.
    pub const GENERAL: Domain = Domain {
        lo: -100.0,
        hi: 100.0,
        specials: true,
        ints: None,
    };

    /// Floats in `lo..hi` with specials, integers in `ilo..=ihi`.
    pub const fn new(lo: f64, hi: f64, ilo: i128, ihi: i128) -> Domain {
        Domain {
            lo,
            hi,
            specials: true,
            ints: Some((ilo, ihi)),
        }
    }

    /// The same without NaN/inf.
    pub const fn finite(self) -> Domain {
        Domain {
            specials: false,
            ..self
        }
    }
}

/// The integer range of an integer or bool dtype.
pub fn int_range(dtype: Dtype) -> (i128, i128) {
    match dtype {
        Dtype::Bool => (0, 1),
        Dtype::Uint8 => (0, u8::MAX.into()),
        Dtype::Uint16 => (0, u16::MAX.into()),
        Dtype::Uint32 => (0, u32::MAX.into()),
        Dtype::Uint64 => (0, u64::MAX.into()),
        Dtype::Int8 => (i8::MIN.into(), i8::MAX.into()),
        Dtype::Int16 => (i16::MIN.into(), i16::MAX.into()),
        Dtype::Int32 => (i32::MIN.into(), i32::MAX.into()),
        Dtype::Int64 => (i64::MIN.into(), i64::MAX.into()),
        d => panic!("{d} is not an integer dtype"),
    }
}

const FLOAT_SPECIALS: [f64; 8] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    -0.0,
    0.0,
    1.0,
    -1.0,
    0.5,
];

fn int_value(r: Raw, lo: i128, hi: i128) -> i128 {
    let span = (hi - lo + 1) as u128;
    match r {
        Raw::Unit(u) => (lo + (u * span as f64) as i128).min(hi),
        Raw::Bits(b) => lo + (b as u128 % span) as i128,
        Raw::Special(k) => [lo, hi, 0, 1, -1, lo + 1, hi - 1, 2][k as usize % 8].clamp(lo, hi),
    }
}

fn float_value(r: Raw, d: &Domain) -> f64 {
    let spread = |u: f64| d.lo + u * (d.hi - d.lo);
    match r {
        Raw::Unit(u) => spread(u),
        Raw::Bits(b) => {
            let x = spread((b >> 11) as f64 / (1u64 << 53) as f64);
            ((x * 2.0).round() / 2.0).clamp(d.lo, d.hi)
        }
        Raw::Special(k) => {
            let s = FLOAT_SPECIALS[k as usize % 8];
            if d.specials || (s.is_finite() && s >= d.lo && s <= d.hi) {
                s
            } else {
                spread(f64::from(k) / 8.0)
            }
        }
    }
}

/// Host data of `dtype` from raw material through `domain`.
pub fn host_data(raws: &[Raw], dtype: Dtype, domain: &Domain) -> HostData {
    use half::{bf16, f16};
    macro_rules! ints {
        ($t:ty) => {{
            let (tlo, thi) = int_range(dtype);
            let (lo, hi) = domain
                .ints
                .map_or((tlo, thi), |(a, b)| (a.max(tlo), b.min(thi)));
            HostData::from(
                raws.iter()
                    .map(|&r| int_value(r, lo, hi) as $t)
                    .collect::<Vec<$t>>(),
            )
        }};
    }
    let floats = || raws.iter().map(|&r| float_value(r, domain));
    match dtype {
        Dtype::Bool => HostData::from(
            raws.iter()
                .map(|&r| int_value(r, 0, 1) != 0)
                .collect::<Vec<bool>>(),
        ),
        Dtype::Uint8 => ints!(u8),
        Dtype::Uint16 => ints!(u16),
        Dtype::Uint32 => ints!(u32),
        Dtype::Uint64 => ints!(u64),
        Dtype::Int8 => ints!(i8),
        Dtype::Int16 => ints!(i16),
        Dtype::Int32 => ints!(i32),
        Dtype::Int64 => ints!(i64),
        Dtype::Float16 => HostData::from(floats().map(f16::from_f64).collect::<Vec<_>>()),
        Dtype::Bfloat16 => HostData::from(floats().map(bf16::from_f64).collect::<Vec<_>>()),
        Dtype::Float32 => HostData::from(floats().map(|x| x as f32).collect::<Vec<_>>()),
        Dtype::Float64 => HostData::from(floats().collect::<Vec<_>>()),
        Dtype::Complex64 => HostData::from(
            floats()
                .map(|x| mlx::Complex64::new(x as f32, 0.5))
                .collect::<Vec<_>>(),
        ),
    }
}

/// How an input's logical array is laid out in memory.
#[derive(Clone, Debug, PartialEq)]
pub enum Layout {
    /// Row-major.
    Contiguous,
    /// `transpose` (all axes reversed) of a row-major array of the
    /// reversed shape.
    Transposed,
    /// A `[::-1]` slice (negative stride) on `axis`.
    Reversed {
        /// The reversed axis.
        axis: usize,
    },
    /// `broadcast_to` from `from` (the shape with some dims set to 1 and
    /// maybe fewer leading dims): zero strides.
    Broadcast {
        /// The physical shape.
        from: Vec<usize>,
    },
    /// A `[skip:]` slice on axis 0 of a buffer `skip` rows longer: a
    /// row-major view from a nonzero (often odd) element offset, so a
    /// 16-bit element may start in the high half of a word.
    Offset {
        /// Leading rows skipped.
        skip: usize,
    },
    /// A `[1::2]` slice on `axis` of a buffer twice as long there: a
    /// stride of 2 on that axis from an offset of one step.
    Stepped {
        /// The stepped axis.
        axis: usize,
    },
}

impl Layout {
    /// The shape of the physical buffer behind a logical `shape`.
    pub fn physical_shape(&self, shape: &[usize]) -> Vec<usize> {
        match self {
            Layout::Contiguous | Layout::Reversed { .. } => shape.to_vec(),
            Layout::Transposed => shape.iter().rev().copied().collect(),
            Layout::Broadcast { from } => from.clone(),
            Layout::Offset { skip } => {
                let mut s = shape.to_vec();
                s[0] += skip;
                s
            }
            Layout::Stepped { axis } => {
                let mut s = shape.to_vec();
                s[*axis] *= 2;
                s
            }
        }
    }

    /// The logical view of `phys` for a logical `shape`.
    pub fn view(&self, phys: &Array, shape: &[usize]) -> mlx::Result<Array> {
        match self {
            Layout::Contiguous => Ok(phys.clone()),
            Layout::Transposed => ops::transpose(phys, ()),
            Layout::Reversed { axis } => {
                let mut args = vec![SliceArg::full(); *axis];
                args.push(SliceArg::range(None, None, -1));
                ops::index(phys, &args)
            }
            Layout::Broadcast { .. } => ops::broadcast_to(phys, shape),
            Layout::Offset { skip } => {
                ops::index(phys, &[SliceArg::range(Some(*skip as i64), None, 1)])
            }
            Layout::Stepped { axis } => {
                let mut args = vec![SliceArg::full(); *axis];
                args.push(SliceArg::range(Some(1), None, 2));
                ops::index(phys, &args)
            }
        }
    }
}

/// A shape that broadcasts to `shape`: some dims set to 1, maybe some
/// leading dims dropped.
pub fn broadcastable_from(shape: Vec<usize>) -> impl Strategy<Value = Vec<usize>> {
    let n = shape.len();
    (0..=n, prop::collection::vec(prop::bool::weighted(0.4), n)).prop_map(move |(drop, ones)| {
        shape
            .iter()
            .zip(&ones)
            .skip(drop)
            .map(|(&d, &one)| if one { 1 } else { d })
            .collect()
    })
}

/// A random layout for a logical `shape`.
pub fn layout(shape: Vec<usize>) -> BoxedStrategy<Layout> {
    let n = shape.len();
    let mut options: Vec<BoxedStrategy<Layout>> = vec![
        Just(Layout::Contiguous).boxed(),
        Just(Layout::Contiguous).boxed(),
        Just(Layout::Transposed).boxed(),
        broadcastable_from(shape)
            .prop_map(|from| Layout::Broadcast { from })
            .boxed(),
    ];
    if n > 0 {
        options.push((0..n).prop_map(|axis| Layout::Reversed { axis }).boxed());
        options.push(
            (1usize..=3)
                .prop_map(|skip| Layout::Offset { skip })
                .boxed(),
        );
        options.push((0..n).prop_map(|axis| Layout::Stepped { axis }).boxed());
    }
    prop::strategy::Union::new(options).boxed()
}

/// One generated input: logical shape, layout and raw material for its
/// physical buffer.
#[derive(Clone, Debug)]
pub struct InputSpec {
    /// The logical shape.
    pub shape: Vec<usize>,
    /// How it is laid out.
    pub layout: Layout,
    /// One raw element per physical element.
    pub raw: Vec<Raw>,
}

impl InputSpec {
    /// The array on `device`: `dtype` values through `domain`, viewed with
    /// the layout.
    pub fn build(&self, dtype: Dtype, domain: &Domain, device: Device) -> mlx::Result<Array> {
        let phys_shape = self.layout.physical_shape(&self.shape);
        let data = host_data(&self.raw, dtype, domain);
        let phys = Array::from_host_data_on(data, &phys_shape, device)?;
        self.layout.view(&phys, &self.shape)
    }

    /// `{layout}` for messages.
    pub fn describe_layout(&self) -> String {
        match &self.layout {
            Layout::Broadcast { from } => format!("broadcast from {from:?}"),
            other => format!("{other:?}"),
        }
    }
}

/// An input of logical `shape` with a random layout.
pub fn input_of(shape: Vec<usize>) -> impl Strategy<Value = InputSpec> {
    layout(shape.clone()).prop_flat_map(move |layout| {
        let n: usize = layout.physical_shape(&shape).iter().product();
        let shape = shape.clone();
        prop::collection::vec(raw(), n).prop_map(move |raw| InputSpec {
            shape: shape.clone(),
            layout: layout.clone(),
            raw,
        })
    })
}

/// An input of a random shape (rank 0..=4) and layout.
pub fn input() -> impl Strategy<Value = InputSpec> {
    shape().prop_flat_map(input_of)
}

/// Two inputs whose shapes broadcast together (each derived from one
/// output shape by dropping leading dims and setting dims to 1).
pub fn broadcast_pair() -> impl Strategy<Value = (InputSpec, InputSpec)> {
    shape()
        .prop_flat_map(|s| (broadcastable_from(s.clone()), broadcastable_from(s)))
        .prop_flat_map(|(a, b)| (input_of(a), input_of(b)))
}

/// Three inputs whose shapes broadcast together (`where`).
pub fn broadcast_triple() -> impl Strategy<Value = (InputSpec, InputSpec, InputSpec)> {
    shape()
        .prop_flat_map(|s| {
            (
                broadcastable_from(s.clone()),
                broadcastable_from(s.clone()),
                broadcastable_from(s),
            )
        })
        .prop_flat_map(|(a, b, c)| (input_of(a), input_of(b), input_of(c)))
}

/// A subset of the axes of a rank-`n` array, as `i64` (some negative).
pub fn axes_subset(n: usize) -> impl Strategy<Value = Vec<i64>> {
    (
        prop::collection::vec(any::<bool>(), n),
        prop::collection::vec(any::<bool>(), n),
    )
        .prop_map(move |(pick, neg)| {
            (0..n)
                .filter(|&i| pick[i])
                .map(|i| {
                    if neg[i] {
                        i as i64 - n as i64
                    } else {
                        i as i64
                    }
                })
                .collect()
        })
}

/// An axis of a rank-`n` array (`None` for `n == 0`), sometimes negative.
pub fn axis_of(n: usize) -> BoxedStrategy<Option<i64>> {
    if n == 0 {
        Just(None).boxed()
    } else {
        (0..n, any::<bool>())
            .prop_map(move |(a, neg)| Some(if neg { a as i64 - n as i64 } else { a as i64 }))
            .boxed()
    }
}

/// A shape for `hadamard_transform`: up to two batch dims (sometimes 0)
/// and a last axis of `m * 2^k` (m in 1, 12, 20, 28, k up to `max_k`), or
/// 0-d.
pub fn hadamard_shape(max_k: usize) -> impl Strategy<Value = Vec<usize>> {
    let last =
        (prop::sample::select(vec![1usize, 12, 20, 28]), 0..=max_k).prop_map(|(m, k)| m << k);
    prop_oneof![
        1 => Just(Vec::new()),
        6 => (shape_of_rank(0..=2), last).prop_map(|(mut s, n)| {
            s.push(n);
            s
        }),
    ]
}
