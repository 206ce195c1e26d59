//! Loading a 1 GiB safetensors checkpoint (16 f32 tensors of 64 MiB,
//! generated here) on the CPU backend:
//!
//! - `open (mmap)`: `mlx_io::load`, which maps the file and builds the
//!   arrays without touching their data: milliseconds.
//! - `load + read all`: load, then read every tensor back to the host (one
//!   copy out of the page cache into fresh memory).
//! - `load + sum all`: load, then sum every tensor in place (the mapped
//!   pages are read once, nothing is copied: what a model does with its
//!   weights).
//!
//! Compare both with the `cat file > /dev/null` bandwidth printed before
//! the run (`cat` copies into one small reused buffer).
//!
//! `MLX_IO_BENCH_MB` sets another size (e.g. 256 for a quick run).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

const TENSORS: usize = 16;

/// Write a safetensors file of `TENSORS` f32 tensors totalling `mb` MiB,
/// streamed (no 1 GiB buffer in memory).
fn make_file(mb: usize) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("mlx-io-bench-{}.safetensors", std::process::id()));
    let per = mb * (1 << 20) / TENSORS;
    let mut header = String::from("{");
    for t in 0..TENSORS {
        let (s, e) = (t * per, (t + 1) * per);
        header += &format!(
            r#""layers.{t}.weight":{{"dtype":"F32","shape":[{},1024],"data_offsets":[{s},{e}]}}"#,
            per / 4096
        );
        header += if t + 1 < TENSORS { "," } else { "}" };
    }
    while (8 + header.len()) % 8 != 0 {
        header.push(' ');
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(&(header.len() as u64).to_le_bytes()).unwrap();
    f.write_all(header.as_bytes()).unwrap();
    let chunk: Vec<u8> = mlx_benches::uniform(1 << 18, 7)
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    for _ in 0..(TENSORS * per) / chunk.len() {
        f.write_all(&chunk).unwrap();
    }
    f.flush().unwrap();
    path
}

/// `cat path > /dev/null`, timed (best of 3, page cache warm).
fn cat_bandwidth(path: &Path, bytes: u64) -> Option<f64> {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let ok = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("cat '{}' > /dev/null", path.display()))
            .status()
            .ok()?
            .success();
        if !ok {
            return None;
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    Some(bytes as f64 / best / 1e9)
}

fn io(c: &mut Criterion) {
    let mb: usize = std::env::var("MLX_IO_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let path = make_file(mb);
    let bytes = std::fs::metadata(&path).unwrap().len();
    match cat_bandwidth(&path, bytes) {
        Some(gbs) => eprintln!("io: `cat file > /dev/null` of {bytes} bytes: {gbs:.2} GB/s"),
        None => eprintln!("io: `cat` unavailable; no baseline"),
    }
    let mut g = c.benchmark_group("io");
    g.sample_size(10);
    g.bench_function(format!("open (mmap) {mb} MiB safetensors"), |b| {
        b.iter(|| mlx_io::load(&path).unwrap())
    });
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function(format!("load + read all {mb} MiB safetensors"), |b| {
        b.iter(|| {
            let m = mlx_io::load(&path).unwrap().into_map().unwrap();
            m.values()
                .map(|a| a.to_host_data().unwrap().len())
                .sum::<usize>()
        })
    });
    g.bench_function(format!("load + sum all {mb} MiB safetensors"), |b| {
        b.iter(|| {
            let m = mlx_io::load(&path).unwrap().into_map().unwrap();
            m.values()
                .map(|a| a.sum((), false).unwrap().item::<f32>().unwrap())
                .sum::<f32>()
        })
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, io);
criterion_main!(benches);
