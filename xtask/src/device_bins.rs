//! `cargo xtask device-bins`: build the release binaries that run on a GPU
//! machine without a Rust toolchain (the GPU-vs-CPU test suite, the GPU
//! criterion benches, the adapter probe) and copy them, with the script
//! that runs them, into `device-bin/` (git-ignored).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Executables produced by one `cargo ... --message-format=json` run.
fn executables(cmd: &mut Command) -> Result<Vec<PathBuf>, String> {
    eprintln!("+ {cmd:?}");
    let out = cmd
        .current_dir(crate::root())
        .output()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut exes = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let Some(exe) = v.get("executable").and_then(|e| e.as_str()) {
            exes.push(PathBuf::from(exe));
        }
    }
    Ok(exes)
}

fn copy_one(exes: &[PathBuf], dest: &Path, what: &str) -> Result<(), String> {
    let exe = exes
        .last()
        .ok_or_else(|| format!("no executable was built for {what}"))?;
    std::fs::copy(exe, dest).map_err(|e| format!("copy {exe:?} -> {dest:?}: {e}"))?;
    eprintln!("{what}: {}", dest.display());
    Ok(())
}

/// The script run on the GPU machine (see docs/gpu.md).
const RUN_SH: &str = r#"#!/usr/bin/env bash
# Run on the GPU machine from the repository root (see docs/gpu.md).
set -uo pipefail
for f in .gl/*.deb; do dpkg -x "$f" /; done 2>/dev/null; ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
export XDG_RUNTIME_DIR=/tmp
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
./device-bin/gpu_info
case "${1:-all}" in
  tests|all) ./device-bin/gpu_tests --test-threads 8 2>&1 | tail -n 40 ;;
esac
case "${1:-all}" in
  bench|all)
    ./device-bin/gpu_bench --bench --warm-up-time 1 --measurement-time 3 2>&1 | grep -E "^W|time:|thrpt:|panicked|rror"
    python3 benches/torch_gpu.py ;;
esac
case "${1:-all}" in
  train|all)
    W6_DEVICE=gpu W6_SKIP_RSS=1 ./device-bin/train_step --bench --warm-up-time 1 --measurement-time 5 2>&1 | grep -E "^W|time:|panicked|rror"
    python3 benches/torch_train_step.py --device cuda ;;
esac
"#;

/// Build and copy the device binaries.
pub fn device_bins() -> Result<(), String> {
    let dir = crate::root().join("device-bin");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{dir:?}: {e}"))?;
    let json = "--message-format=json-render-diagnostics";
    let tests = executables(crate::cargo().args([
        "test",
        "--release",
        "-p",
        "mlx-tests",
        "--test",
        "gpu",
        "--no-run",
        json,
    ]))?;
    copy_one(&tests, &dir.join("gpu_tests"), "GPU-vs-CPU tests")?;
    let bench = executables(crate::cargo().args([
        "bench",
        "-p",
        "mlx-benches",
        "--bench",
        "gpu",
        "--no-run",
        json,
    ]))?;
    copy_one(&bench, &dir.join("gpu_bench"), "GPU benches")?;
    let w6 = executables(crate::cargo().args([
        "bench",
        "-p",
        "mlx-benches",
        "--bench",
        "train_step",
        "--no-run",
        json,
    ]))?;
    copy_one(&w6, &dir.join("train_step"), "W6 training step")?;
    let info = executables(crate::cargo().args([
        "build",
        "--release",
        "-p",
        "mlx-metal",
        "--example",
        "gpu_info",
        json,
    ]))?;
    copy_one(&info, &dir.join("gpu_info"), "adapter probe")?;
    let script = dir.join("run.sh");
    std::fs::write(&script, RUN_SH).map_err(|e| format!("{script:?}: {e}"))?;
    eprintln!("then, on the GPU machine: bash device-bin/run.sh [tests|bench|train|all]");
    Ok(())
}
