//! bfloat16 as the GPU stores it: two elements per 32-bit word, so a view
//! may start in the high half of a word, an odd count ends in a half word,
//! and two threads writing neighbours share a word. Every case builds the
//! same bfloat16 bits on the CPU (the reference) and on the GPU from 1-D
//! buffers viewed at odd offsets and strides (reversed too), then compares
//! reads (copies, casts, bit views, arithmetic, reductions, sorts), writes
//! into views (`slice_update`, `concatenate` at odd offsets) and scatters
//! whose duplicate indices hit both halves of the same words.

use crate::check::{check, compare, Label, Tol};
use half::bf16;
use mlx::ops::{self, SliceArg};
use mlx::{Array, Device, Dtype, HostData};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Raw bfloat16 bits: any pattern (NaNs with payloads, infinities,
/// subnormals, -0.0) a quarter of the time, else a value in ±100.
fn bits() -> impl Strategy<Value = u16> {
    prop_oneof![
        1 => any::<u16>(),
        3 => (-100.0f32..100.0).prop_map(|x| bf16::from_f32(x).to_bits()),
    ]
}

/// A 1-D view of `n` elements of a longer buffer: from element `start`
/// with step `step` (a negative step counts `start` from the end).
#[derive(Clone, Debug)]
struct Strided {
    buf: Vec<u16>,
    start: usize,
    step: i64,
    n: usize,
}

impl Strided {
    /// The buffer on `device`, viewed.
    fn build(&self, device: Device) -> mlx::Result<Array> {
        let data = HostData::Bfloat16(self.buf.iter().map(|&b| bf16::from_bits(b)).collect());
        let a = Array::from_host_data_on(data, &[self.buf.len()], device)?;
        let len = self.buf.len() as i64;
        let (s, n, st) = (self.start as i64, self.n as i64, self.step);
        let arg = if st > 0 {
            SliceArg::range(Some(s), Some(s + n * st), st)
        } else {
            let first = len - 1 - s;
            let stop = first + n * st;
            SliceArg::range(Some(first), (stop >= 0).then_some(stop), st)
        };
        ops::index(&a, &[arg])
    }

    fn describe(&self) -> String {
        format!(
            "[{}::{}][:{}] of {} elements",
            self.start,
            self.step,
            self.n,
            self.buf.len()
        )
    }
}

/// A view of `n` elements (0..=11, odd counts included) from offset 0..=3
/// with step 1, 2, 3 or -1.
fn strided_of(n: usize) -> impl Strategy<Value = Strided> {
    (0usize..=3, prop::sample::select(vec![1i64, 1, 2, 3, -1])).prop_flat_map(
        move |(start, step)| {
            let len = start + n * step.unsigned_abs() as usize + 1;
            prop::collection::vec(bits(), len).prop_map(move |buf| Strided {
                buf,
                start,
                step,
                n,
            })
        },
    )
}

/// `f` on the CPU and GPU builds of `xs`, compared.
fn both(
    gpu: Device,
    op: &str,
    xs: &[&Strided],
    tol: Tol,
    f: impl Fn(&[Array]) -> mlx::Result<Array>,
) -> Result<(), TestCaseError> {
    let mut label = Label::new(op);
    let mut cpu = Vec::new();
    let mut dev = Vec::new();
    for x in xs {
        let c = x
            .build(Device::cpu())
            .map_err(|e| label.fail(format!("cpu input: {e}")))?;
        let g = x
            .build(gpu)
            .map_err(|e| label.fail(format!("gpu input: {e}")))?;
        label = label.input(&c, x.describe());
        cpu.push(c);
        dev.push(g);
    }
    compare(&label, gpu, f(&cpu), f(&dev), tol)
}

/// Reads of odd offsets, odd counts and strided or reversed views:
/// downloads, the copy kernel (whole words and half words), casts both
/// ways, bit views (NaN payloads kept), unary and binary kernels,
/// reductions, scans and sorts.
#[test]
fn bfloat16_views_at_odd_offsets_match_cpu() {
    let s = (0usize..=11).prop_flat_map(|n| (strided_of(n), strided_of(n)));
    check(64, s, |gpu, (x, y)| {
        type Op = fn(&[Array]) -> mlx::Result<Array>;
        let ops_: [(&str, Tol, Op); 13] = [
            // The view itself: its download reads from the odd offset.
            ("identity", Tol::Exact, |a| Ok(a[0].clone())),
            ("contiguous", Tol::Exact, |a| ops::contiguous(&a[0])),
            ("view(uint16)", Tol::Exact, |a| {
                ops::view(&a[0], Dtype::Uint16)
            }),
            ("astype(float32)", Tol::Exact, |a| {
                ops::astype(&a[0], Dtype::Float32)
            }),
            ("astype(float16)", Tol::Exact, |a| {
                ops::astype(&a[0], Dtype::Float16)
            }),
            ("astype(astype(float32) * 1.3, bfloat16)", Tol::Exact, |a| {
                let f = (&ops::astype(&a[0], Dtype::Float32)? * 1.3f32)?;
                ops::astype(&f, Dtype::Bfloat16)
            }),
            ("negative", Tol::Exact, |a| ops::negative(&a[0])),
            ("exp", Tol::Transcendental, |a| ops::exp(&a[0])),
            ("add", Tol::Arith, |a| ops::add(&a[0], &a[1])),
            ("maximum", Tol::Exact, |a| ops::maximum(&a[0], &a[1])),
            ("sum", Tol::Accum { scale: 1200.0 }, |a| {
                ops::sum(&ops::clip(&a[0], -100f32, 100f32)?, (), false)
            }),
            ("cumsum", Tol::Accum { scale: 1200.0 }, |a| {
                ops::cumsum(&ops::clip(&a[0], -100f32, 100f32)?, 0, false, true)
            }),
            ("sort", Tol::Exact, |a| ops::sort(&a[0], 0)),
        ];
        for (name, tol, f) in ops_ {
            both(gpu, name, &[&x, &y], tol, f)?;
        }
        Ok(())
    });
}

/// Writes that start or end inside a word: `concatenate` of odd-length
/// views (the second part starts at an odd offset), and `slice_update`
/// of a view into every other element of a copy or into an odd range, so
/// neighbouring threads write the two halves of one word.
#[test]
fn bfloat16_writes_into_views_match_cpu() {
    let s = (1usize..=9, 0usize..=9).prop_flat_map(|(n, m)| {
        (
            strided_of(n),
            strided_of(m),
            strided_of(2 * n + 3),
            0usize..=3,
        )
    });
    check(48, s, |gpu, (x, y, base, at)| {
        let n = x.n as i64;
        both(gpu, "concatenate", &[&x, &y], Tol::Exact, |a| {
            ops::concatenate(&[&a[0], &a[1]], 0)
        })?;
        both(gpu, "concatenate(y, x, y)", &[&x, &y], Tol::Exact, |a| {
            ops::concatenate(&[&a[1], &a[0], &a[1]], 0)
        })?;
        let at = at as i64;
        both(
            gpu,
            &format!("slice_update(base, x, {at}::2)"),
            &[&base, &x],
            Tol::Exact,
            |a| ops::slice_update_strided(&a[0], &a[1], &[at], &[at + 2 * n], &[2]),
        )?;
        both(
            gpu,
            &format!("slice_update(base, x, {at}:{})", at + n),
            &[&base, &x],
            Tol::Exact,
            |a| ops::slice_update_strided(&a[0], &a[1], &[at], &[at + n], &[1]),
        )?;
        both(
            gpu,
            "slice_update(base, x, reversed)",
            &[&base, &x],
            Tol::Exact,
            |a| ops::slice_update_strided(&a[0], &a[1], &[at + n], &[at], &[-1]),
        )
    });
}

/// Bit views between bfloat16 and 8-, 16- and 32-bit dtypes, from odd
/// offsets: the bits (NaN payloads included) match the CPU's exactly.
#[test]
fn bfloat16_bit_views_match_cpu() {
    let s = (1usize..=6).prop_flat_map(|k| strided_of(2 * k));
    check(48, s, |gpu, x| {
        for to in [
            Dtype::Uint8,
            Dtype::Int8,
            Dtype::Uint16,
            Dtype::Int16,
            Dtype::Float16,
            Dtype::Uint32,
            Dtype::Int32,
            Dtype::Float32,
        ] {
            // There and back: the bfloat16 bits as uint16, exactly.
            both(
                gpu,
                &format!("view(view(x, {to}), bfloat16)"),
                &[&x],
                Tol::Exact,
                |a| {
                    let back = ops::view(&ops::view(&a[0], to)?, Dtype::Bfloat16)?;
                    ops::view(&back, Dtype::Uint16)
                },
            )?;
            // The other way: words of `to` read as bfloat16.
            both(
                gpu,
                &format!("view(view(x, {to}) + 0, bfloat16)"),
                &[&x],
                Tol::Exact,
                |a| {
                    let w = ops::contiguous(&ops::view(&a[0], to)?)?;
                    ops::view(&ops::view(&w, Dtype::Bfloat16)?, Dtype::Uint16)
                },
            )?;
        }
        Ok(())
    });
}

/// Scatters into a bfloat16 target of 1..=5 elements (an offset view)
/// with up to 40 duplicate indices: every word's two halves are updated
/// by many threads at once. Small integers and powers of two keep every
/// result exact in bfloat16 whatever the order of combination.
#[test]
fn bfloat16_scatter_duplicates_match_cpu() {
    let s = (1usize..=5, 1usize..=40).prop_flat_map(|(m, k)| {
        (
            Just(m),
            0usize..=3,
            prop::collection::vec(0..m as i32, k),
            prop::collection::vec(-4i32..=4, k),
            prop::collection::vec(prop::sample::select(vec![-2.0f32, -1.0, 0.5, 1.0, 2.0]), k),
        )
    });
    check(48, s, |gpu, (m, skip, idx, ints, pows)| {
        let k = idx.len();
        let build = |d: Device| -> mlx::Result<[Array; 4]> {
            let t: Vec<bf16> = (0..m + skip)
                .map(|i| bf16::from_f32(i as f32 - 2.0))
                .collect();
            let t = Array::from_host_data_on(HostData::Bfloat16(t), &[m + skip], d)?;
            let t = ops::index(&t, &[SliceArg::range(Some(skip as i64), None, 1)])?;
            let i = Array::from_host_data_on(HostData::Int32(idx.clone()), &[k], d)?;
            let u: Vec<bf16> = ints.iter().map(|&v| bf16::from_f32(v as f32)).collect();
            let u = Array::from_host_data_on(HostData::Bfloat16(u), &[k, 1], d)?;
            let p: Vec<bf16> = pows.iter().map(|&v| bf16::from_f32(v)).collect();
            let p = Array::from_host_data_on(HostData::Bfloat16(p), &[k, 1], d)?;
            Ok([t, i, u, p])
        };
        let label = Label::new(format!("scatter into {m} elements at {idx:?}"));
        let label = label.input(&build(Device::cpu()).expect("cpu inputs")[2], "updates");
        type Op = fn(&[Array; 4]) -> mlx::Result<Array>;
        let ops_: [(&str, Op); 4] = [
            ("scatter_add", |a| {
                ops::scatter_add(&a[0], &[a[1].clone()], &a[2], &[0])
            }),
            ("scatter_max", |a| {
                ops::scatter_max(&a[0], &[a[1].clone()], &a[2], &[0])
            }),
            ("scatter_min", |a| {
                ops::scatter_min(&a[0], &[a[1].clone()], &a[2], &[0])
            }),
            ("scatter_prod", |a| {
                ops::scatter_prod(&a[0], &[a[1].clone()], &a[3], &[0])
            }),
        ];
        let (c, g) = (build(Device::cpu()), build(gpu));
        let (c, g) = match (c, g) {
            (Ok(c), Ok(g)) => (c, g),
            (c, g) => {
                return Err(label.fail(format!("inputs: cpu {:?}, gpu {:?}", c.err(), g.err())))
            }
        };
        for (name, f) in ops_ {
            let l = Label {
                op: format!("{name}: {}", label.op),
                ..label.clone()
            };
            compare(&l, gpu, f(&c), f(&g), Tol::Exact)?;
        }
        // Plain scatter with duplicates: any one of the position's
        // updates may win, never a blend of their bits.
        let out = ops::scatter(&g[0], &[g[1].clone()], &g[2], &[0])
            .and_then(|o| o.to_vec::<bf16>())
            .map_err(|e| label.fail(format!("scatter: {e}")))?;
        for (pos, got) in out.iter().enumerate() {
            let cands: Vec<f32> = idx
                .iter()
                .zip(&ints)
                .filter(|(&i, _)| i as usize == pos)
                .map(|(_, &v)| v as f32)
                .collect();
            let old = (pos + skip) as f32 - 2.0;
            let ok = if cands.is_empty() {
                got.to_f32() == old
            } else {
                cands.contains(&got.to_f32())
            };
            if !ok {
                return Err(label.fail(format!(
                    "scatter: element {pos} is {got}, not one of {cands:?} (was {old})"
                )));
            }
        }
        Ok(())
    });
}
