//! `cargo xtask bench rust`: core throughput (criterion benchmarks, printed as one table with their targets) and
//! the CLI's peak memory on large inputs.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::tools::{cargo, step};

/// Input sizes for the memory measurement, with the simulator settings that produce them.
const MEMORY_INPUTS: [(&str, &str, &str); 2] = [("100mb", "700", "24"), ("1gb", "7000", "24")];

pub fn rust(root: &Path) -> Result<(), String> {
    step("core throughput", || {
        cargo(root, &["bench", "--locked", "-p", "iothub-errors", "--bench", "throughput"])
    })?;
    step("CLI peak memory", || memory(root))
}

/// Peak resident memory of `iothub-errors diagnose` on inputs of 100 MB and 1 GB: it must not grow with the input.
fn memory(root: &Path) -> Result<(), String> {
    cargo(root, &["build", "--locked", "--release", "-p", "iothub-errors-cli", "-p", "iothub-errors-sim"])?;
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    println!("| input | records | peak RSS of `iothub-errors diagnose --json` |");
    println!("|---|---|---|");
    for (label, devices, hours) in MEMORY_INPUTS {
        let file = bench_dir.join(format!("fleet-{label}.jsonl"));
        if !file.exists() {
            let status = Command::new(root.join("target/release/iothub-errors-sim"))
                .args([
                    "--seed",
                    "11",
                    "--devices",
                    devices,
                    "--hours",
                    hours,
                    "--format",
                    "storage-jsonl",
                    "--out",
                ])
                .arg(&file)
                .stdout(Stdio::null())
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("the simulator failed".into());
            }
        }
        let size = std::fs::metadata(&file).map_err(|e| e.to_string())?.len();
        let mut child = Command::new(root.join("target/release/iothub-errors"))
            .args(["diagnose", "--json"])
            .arg(&file)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let status_path = format!("/proc/{}/status", child.id());
        let mut peak_kb = 0u64;
        let mut stdout = child.stdout.take().ok_or("no stdout")?;
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
        });
        while child.try_wait().map_err(|e| e.to_string())?.is_none() {
            if let Ok(status) = std::fs::read_to_string(&status_path) {
                peak_kb = peak_kb.max(vm_hwm_kb(&status).unwrap_or(0));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let report = reader.join().map_err(|_| "reader thread panicked")?.map_err(|e| e.to_string())?;
        let records = report
            .split("\"records_read\":")
            .nth(1)
            .and_then(|rest| rest.trim_start().split(|c: char| !c.is_ascii_digit()).next())
            .unwrap_or("?")
            .to_owned();
        println!("| {} MB | {records} | {} MB |", size >> 20, peak_kb >> 10);
    }
    Ok(())
}

/// The `VmHWM` (peak resident set) line of `/proc/<pid>/status`, in kB.
fn vm_hwm_kb(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
