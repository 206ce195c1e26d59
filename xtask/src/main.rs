//! Project chores, run as `cargo xtask <command>`:
//!
//! - `ci`: what CI runs: `cargo fmt --check`, `cargo clippy -D warnings`, every test.
//! - `test`: every test of the workspace.
//! - `bench-cpu [--before REV]`: NumPy and PyTorch baselines and the
//!   criterion benches in one command (with `--before`, also the same
//!   benches against the crates of git revision `REV`), then the table of
//!   ratios (see `benches/README.md`).
//! - `io-interop`: files written by `mlx-io` load in NumPy, MLX and the
//!   Python `safetensors`/`gguf` packages (skips when Python is missing).
//! - `device-bins`: release binaries of the GPU tests and benches, copied to
//!   `device-bin/` for a GPU machine without a toolchain (see `docs/gpu.md`).

mod device_bins;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("test") => test(),
        Some("bench-cpu") => bench_cpu(&args[1..]),
        Some("device-bins") => device_bins::device_bins(),
        Some("io-interop") => io_interop(),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci | test | bench-cpu [--before REV|DIR] [criterion filter] | io-interop | device-bins>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("+ {cmd:?}");
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed with {status}"))
    }
}

/// The criterion benches of the CPU workloads.
const CPU_BENCHES: [&str; 5] = ["binary", "matmul", "reduce", "unary", "conv"];

/// `cargo bench -p mlx-benches --bench <each CPU bench> --`, ready for
/// criterion's arguments.
fn cpu_bench_cmd() -> Command {
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "mlx-benches"]);
    for b in CPU_BENCHES {
        cmd.args(["--bench", b]);
    }
    cmd.arg("--");
    cmd
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Write files with mlx-io (`crates/mlx-io/tests/interop_write.rs`), then
/// load them in Python (`crates/mlx-io/tests/golden/check_written.py`).
fn io_interop() -> Result<(), String> {
    let has_numpy = Command::new("python3")
        .args(["-c", "import numpy"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_numpy {
        eprintln!("io-interop: python3 with numpy not found; skipping the check");
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("mlx-io-interop-{}", std::process::id()));
    run(cargo()
        .args([
            "test",
            "-p",
            "mlx-io",
            "--test",
            "interop_write",
            "--",
            "--ignored",
        ])
        .env("MLX_IO_INTEROP_DIR", &dir))?;
    let script = root().join("crates/mlx-io/tests/golden/check_written.py");
    let result = run(Command::new("python3").arg(&script).arg(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn test() -> Result<(), String> {
    run(cargo().args(["test", "--workspace", "--all-targets"]))?;
    run(cargo().args(["test", "--workspace", "--doc"]))
}

fn ci() -> Result<(), String> {
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    test()
}

/// Median time in ms of every criterion benchmark under `target/criterion`,
/// keyed `group/function` and the baseline directory (`new`, `before`).
fn criterion_results() -> Result<Vec<(String, String, f64)>, String> {
    let dir = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target"));
    let mut out = Vec::new();
    let mut stack = vec![dir.join("criterion")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.ends_with("benchmark.json") {
                let baseline = p
                    .parent()
                    .and_then(|b| b.file_name())
                    .map(|b| b.to_string_lossy().to_string())
                    .unwrap_or_default();
                let bench: serde_json::Value = read_json(&p)?;
                let est: serde_json::Value = read_json(&p.with_file_name("estimates.json"))?;
                let name = format!(
                    "{}/{}",
                    bench["group_id"].as_str().unwrap_or("?"),
                    bench["function_id"].as_str().unwrap_or("?")
                );
                let ns = est["median"]["point_estimate"].as_f64().unwrap_or(f64::NAN);
                out.push((name, baseline, ns / 1e6));
            }
        }
    }
    Ok(out)
}

fn read_json(p: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
}

/// Criterion's median (ms) of `name` from the results directory
/// `baseline` (`new`, or a `--save-baseline` name).
fn lookup(results: &[(String, String, f64)], name: &str, baseline: &str) -> Option<f64> {
    results
        .iter()
        .find(|(n, b, _)| n == name && b == baseline)
        .map(|r| r.2)
}

/// A table cell in ms, or `-` when the framework lacks the workload.
fn cell(ms: Option<f64>) -> String {
    ms.map_or("-".into(), |v| format!("{v:.2}"))
}

/// The 1-minute load average, for the report (Linux only).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

/// `cargo xtask bench-cpu [--before REV|DIR] [criterion filter]`: the
/// peers (NumPy, PyTorch CPU), optionally the "before" benches (see
/// [`bench_before`]; saved as criterion baseline `before`), then the
/// current benches, then the table.
fn bench_cpu(args: &[String]) -> Result<(), String> {
    let mut before: Option<String> = None;
    let mut filter = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--before" {
            before = Some(it.next().ok_or("--before needs a git revision")?.clone());
        } else {
            filter.push(a.clone());
        }
    }
    let load_start = load_average();
    let out = Command::new("python3")
        .arg("benches/cpu_peers.py")
        .current_dir(root())
        .output()
        .map_err(|e| format!("python3: {e} (install python3, numpy and torch)"))?;
    if !out.status.success() {
        return Err(format!(
            "peer baseline failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut peers = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        peers.push((
            v["bench"].as_str().unwrap_or("?").to_string(),
            v["numpy_ms"].as_f64(),
            v["torch_ms"].as_f64(),
        ));
    }
    if let Some(rev) = &before {
        bench_before(rev, &filter)?;
    }
    let mut cmd = cpu_bench_cmd();
    cmd.args(&filter);
    run(&mut cmd)?;
    let results = criterion_results()?;
    println!(
        "\nload average (1 min): {load_start} at the start, {} at the end",
        load_average()
    );
    println!(
        "\n| workload | mlx-rs (ms) | NumPy (ms) | PyTorch (ms) | best peer / ours |{}",
        if before.is_some() {
            " before (ms) | before / now |"
        } else {
            ""
        }
    );
    println!(
        "|---|---:|---:|---:|---:|{}",
        if before.is_some() { "---:|---:|" } else { "" }
    );
    for (name, np_ms, torch_ms) in &peers {
        let Some(ms) = lookup(&results, name, "new") else {
            continue;
        };
        let best = [*np_ms, *torch_ms]
            .into_iter()
            .flatten()
            .fold(f64::NAN, f64::min);
        let mut line = format!(
            "| {name} | {ms:.2} | {} | {} | {:.2}x |",
            cell(*np_ms),
            cell(*torch_ms),
            best / ms
        );
        if before.is_some() {
            let b = lookup(&results, name, "before");
            let ratio = b.map_or("-".into(), |b| format!("{:.2}x", b / ms));
            line += &format!(" {} | {ratio} |", cell(b));
        }
        println!("{line}");
    }
    Ok(())
}

/// The target directory (`CARGO_TARGET_DIR`, else `target/`).
fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target"))
}

/// Run the "before" benches, saving criterion baseline `before` in the
/// target directory: `rev` is either a directory of bench executables
/// built earlier (each is run with `--bench`), or a git revision whose
/// crates are built with the current bench files (a temporary worktree).
fn bench_before(rev: &str, filter: &[String]) -> Result<(), String> {
    let dir = Path::new(rev);
    if dir.is_dir() {
        let mut bins: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{rev}: {e}"))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        bins.sort();
        for b in bins {
            run(Command::new(&b)
                .args(["--bench", "--save-baseline", "before"])
                .args(filter)
                .env("CRITERION_HOME", target_dir().join("criterion")))?;
        }
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("mlx-bench-before-{}", std::process::id()));
    let d = dir.to_string_lossy().to_string();
    run(Command::new("git").args(["worktree", "add", "--detach", &d, rev]))?;
    let result = (|| {
        // The current bench files, so both sides run the same workloads.
        run(Command::new("cp").args(["-r", "benches/.", &format!("{d}/benches/")]))?;
        // A target directory of its own: in the shared one the old build's
        // executables (same names) replaced the current ones, which cargo
        // then ran as "now" without rebuilding (both columns measured the
        // old code). The baseline goes to the shared criterion directory.
        let target = target_dir();
        let mut cmd = cpu_bench_cmd();
        cmd.args(["--save-baseline", "before"]);
        cmd.args(filter);
        cmd.env("CARGO_TARGET_DIR", target.join("bench-before"));
        cmd.env("CRITERION_HOME", target.join("criterion"));
        eprintln!("+ (in {d}) {cmd:?}");
        let status = cmd
            .current_dir(&dir)
            .status()
            .map_err(|e| format!("{cmd:?}: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{cmd:?} failed with {status}"))
        }
    })();
    let _ = run(Command::new("git").args(["worktree", "remove", "--force", &d]));
    result
}
