//! `einsum`: NumPy's subscript grammar (explicit and implicit output,
//! `...` broadcasting, repeated indices as diagonals) evaluated as a
//! left-to-right chain of pairwise contractions, each a `matmul` (or a
//! broadcast `multiply` when nothing is summed), with `diagonal`, `sum`
//! and `transpose` around them.

use crate::ops::{broadcast_to, diagonal, matmul, multiply, reshape, sum, transpose};
use crate::shape::format_shape;
use crate::{Array, Error, Result};

const OP: &str = "einsum";
/// Labels of ellipsis dimensions start here (letters are below 128).
const ELLIPSIS: u32 = 1000;

/// One parsed subscript entry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Letter(u32),
    Ellipsis,
}

fn parse_term(op: &'static str, s: &str) -> Result<Vec<Tok>> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'.' {
            if b.len() < i + 3 || &b[i..i + 3] != b"..." {
                return Err(Error::invalid(op, "invalid ellipsis, expected '...'"));
            }
            if out.contains(&Tok::Ellipsis) {
                return Err(Error::invalid(
                    op,
                    "only one ellipsis is allowed per subscript",
                ));
            }
            out.push(Tok::Ellipsis);
            i += 3;
        } else if c.is_ascii_alphabetic() {
            out.push(Tok::Letter(u32::from(c)));
            i += 1;
        } else {
            let ch = s[i..].chars().next().unwrap_or('?');
            return Err(Error::invalid(
                op,
                format!("subscripts must be letters, but got '{ch}'"),
            ));
        }
    }
    Ok(out)
}

/// Parsed subscripts: per-operand labels and the output labels.
struct Spec {
    inputs: Vec<Vec<u32>>,
    output: Vec<u32>,
}

fn parse(op: &'static str, subscripts: &str, operands: &[&Array]) -> Result<Spec> {
    if operands.is_empty() {
        return Err(Error::invalid(op, "at least one operand is required"));
    }
    let clean: String = subscripts.chars().filter(|c| !c.is_whitespace()).collect();
    let (lhs, rhs) = match clean.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (clean.as_str(), None),
    };
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() != operands.len() {
        return Err(Error::invalid(
            op,
            format!(
                "number of operands, {}, does not match number of input subscripts, {}",
                operands.len(),
                terms.len()
            ),
        ));
    }
    let toks = terms
        .iter()
        .map(|t| parse_term(op, t))
        .collect::<Result<Vec<_>>>()?;
    // Ellipsis dimensions, right-aligned across operands.
    let mut n_ell = 0usize;
    let mut ell = Vec::with_capacity(operands.len());
    for (i, (t, a)) in toks.iter().zip(operands).enumerate() {
        let letters = t.iter().filter(|x| **x != Tok::Ellipsis).count();
        let has_ell = t.contains(&Tok::Ellipsis);
        if a.ndim() < letters || (!has_ell && a.ndim() != letters) {
            return Err(Error::invalid(
                op,
                format!(
                    "invalid number of subscripts {} for input {i} with {} dimensions",
                    letters,
                    a.ndim()
                ),
            ));
        }
        let e = a.ndim() - letters;
        n_ell = n_ell.max(e);
        ell.push(e);
    }
    let expand = |t: &[Tok], e: usize| -> Vec<u32> {
        let mut v = Vec::new();
        for x in t {
            match *x {
                Tok::Letter(c) => v.push(c),
                Tok::Ellipsis => v.extend((n_ell - e..n_ell).map(|j| ELLIPSIS + j as u32)),
            }
        }
        v
    };
    let inputs: Vec<Vec<u32>> = toks.iter().zip(&ell).map(|(t, &e)| expand(t, e)).collect();
    let output = match rhs {
        Some(r) => {
            let t = parse_term(op, r)?;
            let out = expand(&t, n_ell);
            for (i, l) in out.iter().enumerate() {
                if out[..i].contains(l) {
                    return Err(Error::invalid(op, "repeat indices not allowed in output"));
                }
                if !inputs.iter().any(|v| v.contains(l)) {
                    let c = char::from_u32(*l).unwrap_or('?');
                    return Err(Error::invalid(
                        op,
                        format!("output subscript '{c}' does not appear in the inputs"),
                    ));
                }
            }
            out
        }
        None => {
            let mut out: Vec<u32> = (0..n_ell).map(|j| ELLIPSIS + j as u32).collect();
            let mut letters: Vec<u32> = inputs
                .iter()
                .flatten()
                .copied()
                .filter(|&l| l < ELLIPSIS)
                .collect();
            letters.sort_unstable();
            let once: Vec<u32> = letters
                .iter()
                .copied()
                .filter(|l| letters.iter().filter(|m| *m == l).count() == 1)
                .collect();
            out.extend(once);
            out
        }
    };
    Ok(Spec { inputs, output })
}

/// Size of every label (broadcasting 1 against n), checked across inputs.
fn label_sizes(op: &'static str, spec: &Spec, operands: &[&Array]) -> Result<Vec<(u32, usize)>> {
    let mut sizes: Vec<(u32, usize)> = Vec::new();
    for (i, (labels, a)) in spec.inputs.iter().zip(operands).enumerate() {
        for (ax, &l) in labels.iter().enumerate() {
            let d = a.shape()[ax];
            match sizes.iter_mut().find(|(x, _)| *x == l) {
                None => sizes.push((l, d)),
                Some((_, s)) => {
                    if *s == 1 {
                        *s = d;
                    } else if d != 1 && d != *s {
                        return Err(Error::invalid(
                            op,
                            format!(
                                "cannot broadcast dimension {ax} of input {i} with shape {} to size {s}",
                                format_shape(a.shape())
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(sizes)
}

/// Take diagonals until every label of `x` is unique.
fn dedup(mut x: Array, mut labels: Vec<u32>) -> Result<(Array, Vec<u32>)> {
    loop {
        let dup = (0..labels.len()).find_map(|p| {
            (p + 1..labels.len())
                .find(|&q| labels[q] == labels[p])
                .map(|q| (p, q))
        });
        let Some((p, q)) = dup else {
            return Ok((x, labels));
        };
        if x.shape()[p] != x.shape()[q] {
            return Err(Error::invalid(
                OP,
                format!(
                    "repeated index must have equal sizes, got {} and {}",
                    x.shape()[p],
                    x.shape()[q]
                ),
            ));
        }
        x = diagonal(&x, 0, p as i64, q as i64)?;
        let l = labels[p];
        labels = labels
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != p && i != q)
            .map(|(_, &v)| v)
            .collect();
        labels.push(l);
    }
}

/// Sum the labels of `x` that are not in `keep`.
fn sum_unused(x: Array, labels: Vec<u32>, keep: &[u32]) -> Result<(Array, Vec<u32>)> {
    let drop: Vec<i64> = (0..labels.len())
        .filter(|&i| !keep.contains(&labels[i]))
        .map(|i| i as i64)
        .collect();
    if drop.is_empty() {
        return Ok((x, labels));
    }
    let rest = labels
        .iter()
        .enumerate()
        .filter(|&(i, _)| !drop.contains(&(i as i64)))
        .map(|(_, &l)| l)
        .collect();
    Ok((sum(&x, &drop, false)?, rest))
}

/// `x` with axes in the order of `order` (a permutation of `labels`).
fn permute(x: &Array, labels: &[u32], order: &[u32]) -> Result<Array> {
    let perm: Vec<i64> = order
        .iter()
        .map(|l| labels.iter().position(|m| m == l).expect("label present") as i64)
        .collect();
    transpose(x, &perm)
}

fn size_of(sizes: &[(u32, usize)], l: u32) -> usize {
    sizes.iter().find(|(x, _)| *x == l).map_or(1, |(_, s)| *s)
}

/// Contract two terms; `keep` holds the labels needed afterwards.
fn contract(
    (a, la): (Array, Vec<u32>),
    (b, lb): (Array, Vec<u32>),
    keep: &[u32],
    sizes: &[(u32, usize)],
) -> Result<(Array, Vec<u32>)> {
    let batch: Vec<u32> = la
        .iter()
        .copied()
        .filter(|l| lb.contains(l) && keep.contains(l))
        .collect();
    let summed: Vec<u32> = la
        .iter()
        .copied()
        .filter(|l| lb.contains(l) && !keep.contains(l))
        .collect();
    let a_only: Vec<u32> = la.iter().copied().filter(|l| !lb.contains(l)).collect();
    let b_only: Vec<u32> = lb.iter().copied().filter(|l| !la.contains(l)).collect();
    let dims = |ls: &[u32]| -> Vec<usize> { ls.iter().map(|&l| size_of(sizes, l)).collect() };
    // Saturating: an oversized product is then rejected by the reshape.
    let prod = |ls: &[u32]| -> i64 {
        let n = dims(ls)
            .iter()
            .fold(1usize, |acc, &d| acc.saturating_mul(d));
        i64::try_from(n).unwrap_or(i64::MAX)
    };
    let mut out_labels = batch.clone();
    out_labels.extend(&a_only);
    out_labels.extend(&b_only);
    if summed.is_empty() {
        let mut oa = batch.clone();
        oa.extend(&a_only);
        let mut ob = batch.clone();
        ob.extend(&b_only);
        let ta = permute(&a, &la, &oa)?;
        let tb = permute(&b, &lb, &ob)?;
        let mut sa: Vec<i64> = ta.shape().iter().map(|&d| d as i64).collect();
        sa.extend(std::iter::repeat_n(1, b_only.len()));
        let mut sb: Vec<i64> = tb.shape()[..batch.len()]
            .iter()
            .map(|&d| d as i64)
            .collect();
        sb.extend(std::iter::repeat_n(1, a_only.len()));
        sb.extend(tb.shape()[batch.len()..].iter().map(|&d| d as i64));
        let y = multiply(&reshape(&ta, &sa)?, &reshape(&tb, &sb)?)?;
        return Ok((y, out_labels));
    }
    let mut oa = batch.clone();
    oa.extend(&a_only);
    oa.extend(&summed);
    let mut ob = batch.clone();
    ob.extend(&summed);
    ob.extend(&b_only);
    let ta = broadcast_to(&permute(&a, &la, &oa)?, &dims(&oa))?;
    let tb = broadcast_to(&permute(&b, &lb, &ob)?, &dims(&ob))?;
    let (nb, m, k, n) = (prod(&batch), prod(&a_only), prod(&summed), prod(&b_only));
    let y = matmul(&reshape(&ta, &[nb, m, k])?, &reshape(&tb, &[nb, k, n])?)?;
    let shape: Vec<i64> = dims(&out_labels).iter().map(|&d| d as i64).collect();
    Ok((reshape(&y, &shape)?, out_labels))
}

/// Einstein summation (MLX's `einsum`): `"ij,jk->ik"`, implicit output
/// (`"ij,jk"`: labels seen once, sorted), `...` for broadcast axes, and
/// repeated labels for diagonals (`"ii->i"`) and traces (`"ii"`).
///
/// # Errors
/// `[einsum] ...` for bad subscripts, operand count or rank mismatches,
/// repeated output labels, incompatible sizes; `[matmul]` when a
/// contraction sums over integer operands (as MLX).
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::{ops, Array};
/// let a = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
/// assert_eq!(ops::einsum("ii", &[&a])?.item::<f32>()?, 5.0);
/// assert_eq!(ops::einsum("ij,jk->ik", &[&a, &a])?.to_vec::<f32>()?, vec![7.0, 10.0, 15.0, 22.0]);
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn einsum(subscripts: &str, operands: &[&Array]) -> Result<Array> {
    einsum_unlabeled(subscripts, operands).map_err(|e| e.in_op("einsum"))
}

/// [`einsum`] before its errors are relabelled.
fn einsum_unlabeled(subscripts: &str, operands: &[&Array]) -> Result<Array> {
    let spec = parse(OP, subscripts, operands)?;
    let sizes = label_sizes(OP, &spec, operands)?;
    let mut terms: Vec<(Array, Vec<u32>)> = Vec::with_capacity(operands.len());
    for (a, l) in operands.iter().zip(&spec.inputs) {
        terms.push(dedup((*a).clone(), l.clone())?);
    }
    let needed = |terms: &[(Array, Vec<u32>)], skip: usize| -> Vec<u32> {
        let mut v = spec.output.clone();
        for (i, (_, l)) in terms.iter().enumerate() {
            if i != skip {
                v.extend(l);
            }
        }
        v
    };
    for i in 0..terms.len() {
        let keep = needed(&terms, i);
        let (x, l) = terms[i].clone();
        terms[i] = sum_unused(x, l, &keep)?;
    }
    // Follow MLX's greedy path: each step contracts the listed terms and
    // appends the result.
    for step in greedy_path(&spec, &sizes).path {
        if step.len() < 2 {
            continue;
        }
        let mut picked: Vec<(Array, Vec<u32>)> = Vec::with_capacity(step.len());
        for &p in step.iter().rev() {
            picked.push(terms.remove(p));
        }
        picked.reverse();
        let mut acc = picked.remove(0);
        for (k, next) in picked.iter().enumerate() {
            let mut keep = needed(&terms, usize::MAX);
            keep.extend(picked[k + 1..].iter().flat_map(|(_, l)| l.iter().copied()));
            let (y, l) = contract(acc, next.clone(), &keep, &sizes)?;
            acc = sum_unused(y, l, &keep)?;
        }
        terms.push(acc);
    }
    let (x, l) = terms
        .pop()
        .ok_or_else(|| Error::invalid(OP, "no operands given"))?;
    let (x, l) = sum_unused(x, l, &spec.output)?;
    let y = permute(&x, &l, &spec.output)?;
    let full: Vec<usize> = spec.output.iter().map(|&o| size_of(&sizes, o)).collect();
    if y.shape() != full.as_slice() {
        return broadcast_to(&y, &full);
    }
    Ok(y)
}

/// A candidate pairwise contraction of MLX's greedy path search.
struct Candidate {
    removed: i64,
    cost: usize,
    out: Vec<u32>,
    dims: usize,
    x: usize,
    y: usize,
}

fn set_of(v: &[u32]) -> Vec<u32> {
    let mut s = v.to_vec();
    s.sort_unstable();
    s.dedup();
    s
}

fn term_size(labels: &[u32], sizes: &[(u32, usize)]) -> usize {
    // A cost estimate: saturating, as a product across operands may not fit.
    labels
        .iter()
        .fold(1usize, |acc, &l| acc.saturating_mul(size_of(sizes, l)))
}

fn flop_count(labels: &[u32], inner: bool, terms: usize, sizes: &[(u32, usize)]) -> usize {
    let factor = terms.saturating_sub(1).max(1) + usize::from(inner);
    term_size(labels, sizes).saturating_mul(factor)
}

fn union(sets: &[&Vec<u32>]) -> Vec<u32> {
    let all: Vec<u32> = sets.iter().flat_map(|s| s.iter().copied()).collect();
    set_of(&all)
}

fn cost_and_scaling(inputs: &[Vec<u32>], output: &[u32], sizes: &[(u32, usize)]) -> (usize, usize) {
    let refs: Vec<&Vec<u32>> = inputs.iter().collect();
    let c = union(&refs);
    let inner = c.iter().any(|l| !output.contains(l));
    (flop_count(&c, inner, inputs.len(), sizes), c.len())
}

/// The greedy contraction order and cost summary MLX computes (the
/// opt_einsum "greedy" strategy): positions per step, naive and optimized
/// scaling and FLOP counts.
struct PathInfo {
    path: Vec<Vec<usize>>,
    naive: (usize, usize),
    optimized: (usize, usize),
}

fn greedy_path(spec: &Spec, sizes: &[(u32, usize)]) -> PathInfo {
    let output = set_of(&spec.output);
    let mut inputs: Vec<Vec<u32>> = spec.inputs.iter().map(|v| set_of(v)).collect();
    let naive = cost_and_scaling(&inputs, &output, sizes);
    let n = inputs.len();
    if n <= 2 {
        return PathInfo {
            path: vec![(0..n).collect()],
            naive,
            optimized: naive,
        };
    }
    let mut max_size = term_size(&spec.output, sizes);
    for v in &spec.inputs {
        max_size = max_size.max(term_size(v, sizes));
    }
    let (cost_limit, memory_limit) = (naive.0, max_size);
    let mut pairs: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .collect();
    let mut path = Vec::new();
    let mut cands: Vec<Candidate> = Vec::new();
    let (mut path_cost, mut path_scaling) = (0usize, 0usize);
    for _ in 0..n - 1 {
        let add = |p1: usize, p2: usize, inputs: &[Vec<u32>], cands: &mut Vec<Candidate>| {
            let c = union(&[&inputs[p1], &inputs[p2]]);
            let new_term: Vec<u32> = c
                .iter()
                .copied()
                .filter(|l| {
                    output.contains(l)
                        || inputs
                            .iter()
                            .enumerate()
                            .any(|(i, s)| i != p1 && i != p2 && s.contains(l))
                })
                .collect();
            let new_size = term_size(&new_term, sizes);
            if new_size > memory_limit {
                return;
            }
            let removed = (term_size(&inputs[p1], sizes) + term_size(&inputs[p2], sizes)) as i64
                - new_size as i64;
            let inner = c.len() > new_term.len();
            let cost = flop_count(&c, inner, 2, sizes);
            if path_cost + cost > cost_limit {
                return;
            }
            cands.push(Candidate {
                removed,
                cost,
                out: new_term,
                dims: c.len(),
                x: p1,
                y: p2,
            });
        };
        for &(p1, p2) in &pairs {
            if inputs[p1].iter().any(|l| inputs[p2].contains(l)) {
                add(p1, p2, &inputs, &mut cands);
            }
        }
        if cands.is_empty() {
            for &(p1, p2) in &pairs {
                add(p1, p2, &inputs, &mut cands);
            }
        }
        if cands.is_empty() {
            let (cost, scale) = cost_and_scaling(&inputs, &output, sizes);
            path.push((0..inputs.len()).collect());
            path_cost += cost;
            path_scaling = path_scaling.max(scale);
            break;
        }
        let mut best = 0;
        for (i, c) in cands.iter().enumerate() {
            let b = &cands[best];
            if c.removed > b.removed || (c.removed == b.removed && c.cost < b.cost) {
                best = i;
            }
        }
        let best = cands.remove(best);
        path_scaling = path_scaling.max(best.dims);
        path.push(vec![best.x, best.y]);
        inputs.remove(best.y);
        inputs.remove(best.x);
        inputs.push(best.out);
        cands = cands
            .into_iter()
            .filter(|c| c.x != best.x && c.x != best.y && c.y != best.x && c.y != best.y)
            .map(|mut c| {
                c.x = c.x - usize::from(c.x > best.x) - usize::from(c.x > best.y);
                c.y = c.y - usize::from(c.y > best.x) - usize::from(c.y > best.y);
                c
            })
            .collect();
        let last = inputs.len() - 1;
        pairs = (0..last).map(|i| (i, last)).collect();
        path_cost += best.cost;
    }
    PathInfo {
        path,
        naive,
        optimized: (path_cost, path_scaling),
    }
}

/// The contraction order [`einsum`] would use and a summary, as MLX's
/// `einsum_path`: a list of operand positions per step (positions index
/// the current list, where each step's result is appended at the end) and
/// the text MLX prints (complete contraction, naive and optimized scaling
/// and FLOP counts).
///
/// # Errors
/// `[einsum_path] ...` for the subscript and shape errors of [`einsum`].
///
/// # Examples
/// ```
/// # use mlx_cpu as _;
/// use mlx_core::ops;
/// let a = ops::ones(&[2, 3], mlx_core::Dtype::Float32)?;
/// let b = ops::ones(&[3, 4], mlx_core::Dtype::Float32)?;
/// let c = ops::ones(&[4, 5], mlx_core::Dtype::Float32)?;
/// let (path, text) = ops::einsum_path("ij,jk,kl->il", &[&a, &b, &c])?;
/// assert_eq!(path, vec![vec![1, 2], vec![0, 1]]);
/// assert!(text.contains("Optimized FLOP count:  180"));
/// Ok::<(), mlx_core::Error>(())
/// ```
pub fn einsum_path(subscripts: &str, operands: &[&Array]) -> Result<(Vec<Vec<usize>>, String)> {
    const NAME: &str = "einsum_path";
    let spec = parse(NAME, subscripts, operands)?;
    let sizes = label_sizes(NAME, &spec, operands)?;
    let info = greedy_path(&spec, &sizes);
    let text = format!(
        "  Complete contraction:  {subscripts}\n         Naive scaling:  {}\n     Optimized scaling:  {}\n      Naive FLOP count:  {}\n  Optimized FLOP count:  {}\n",
        info.naive.1, info.optimized.1, info.naive.0, info.optimized.0
    );
    Ok((info.path, text))
}
