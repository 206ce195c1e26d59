//! Project chores, run as `cargo xtask <command>`:
//!
//! - `ci`: what CI runs: `cargo fmt --check`, `cargo clippy -D warnings`, every test.
//! - `test`: every test of the workspace.
//! - `bench-cpu`: NumPy baseline and the criterion benches in one command,
//!   then the table of ratios (see `benches/README.md`).
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
                "usage: cargo xtask <ci | test | bench-cpu [criterion filter] | io-interop | device-bins>"
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
/// keyed `group/function`.
fn criterion_results() -> Result<Vec<(String, f64)>, String> {
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
            } else if p.ends_with("new/benchmark.json") {
                let bench: serde_json::Value = read_json(&p)?;
                let est: serde_json::Value = read_json(&p.with_file_name("estimates.json"))?;
                let name = format!(
                    "{}/{}",
                    bench["group_id"].as_str().unwrap_or("?"),
                    bench["function_id"].as_str().unwrap_or("?")
                );
                let ns = est["median"]["point_estimate"].as_f64().unwrap_or(f64::NAN);
                out.push((name, ns / 1e6));
            }
        }
    }
    Ok(out)
}

fn read_json(p: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
}

fn bench_cpu(filter: &[String]) -> Result<(), String> {
    let out = Command::new("python3")
        .arg("benches/numpy_baseline.py")
        .current_dir(root())
        .output()
        .map_err(|e| format!("python3: {e} (install python3 and numpy)"))?;
    if !out.status.success() {
        return Err(format!(
            "numpy baseline failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut numpy = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        numpy.push((
            v["bench"].as_str().unwrap_or("?").to_string(),
            v["numpy_ms"].as_f64().unwrap_or(f64::NAN),
        ));
    }
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "mlx-benches", "--"]);
    cmd.args(filter);
    run(&mut cmd)?;
    let ours = criterion_results()?;
    println!("\n| workload | mlx-rs (ms) | NumPy (ms) | NumPy time / ours |");
    println!("|---|---:|---:|---:|");
    for (name, np_ms) in &numpy {
        if let Some((_, ms)) = ours.iter().find(|(n, _)| n == name) {
            println!("| {name} | {ms:.2} | {np_ms:.2} | {:.2}x |", np_ms / ms);
        }
    }
    Ok(())
}
