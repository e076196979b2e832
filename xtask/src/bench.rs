//! `cargo xtask bench rust`: core throughput (criterion benchmarks, printed as one table with their targets) and
//! the CLI's peak memory on large inputs.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::tools::{cargo, step};

/// Input sizes for the memory measurement, with the simulator settings that produce them.
const MEMORY_INPUTS: [(&str, &str, &str); 2] = [("100mb", "700", "24"), ("1gb", "7000", "24")];

pub fn rust(root: &Path) -> Result<(), String> {
    step("core throughput (criterion)", || {
        cargo(root, &["bench", "--locked", "-p", "iothub-errors", "--bench", "throughput"])?;
        table(&root.join("target/criterion"))
    })?;
    step("CLI time and peak memory, --jobs 1 and 2", || memory(root))
}

/// Targets set by the issues, by benchmark name.
const TARGETS: [(&str, &str); 3] = [
    ("lookup by code", "≤ 1 µs per call (Python), ≤ 2 µs (JS)"),
    ("scan (log-like", "≥ 500 MB/s"),
    ("diagnose (storage lines)", "≥ 1 M records/s"),
];

/// One criterion result: full id, mean time per iteration in ns, and the throughput (kind, amount) per iteration.
type Measurement = (String, f64, Option<(&'static str, f64)>);

/// Prints every criterion result under `dir` as one table: time per iteration and throughput.
fn table(dir: &Path) -> Result<(), String> {
    let mut rows = Vec::new();
    collect(dir, &mut rows);
    if rows.is_empty() {
        return Err(format!("no criterion results under {}", dir.display()));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    println!("| benchmark | time per iteration | throughput | target |");
    println!("|---|---|---|---|");
    for (id, nanos, throughput) in rows {
        let seconds = nanos / 1e9;
        let rate = match throughput {
            Some(("Bytes", n)) => format!("{:.0} MB/s", n / seconds / 1e6),
            Some((_, n)) if n / seconds >= 1e6 => format!("{:.2} M/s", n / seconds / 1e6),
            Some((_, n)) => format!("{:.0} /s", n / seconds),
            None => String::new(),
        };
        let time =
            if nanos >= 1e6 { format!("{:.2} ms", nanos / 1e6) } else { format!("{:.2} µs", nanos / 1e3) };
        let target = TARGETS.iter().find(|(name, _)| id.contains(name)).map_or("", |(_, t)| t);
        println!("| {id} | {time} | {rate} | {target} |");
    }
    Ok(())
}

/// Finds `<benchmark>/new/{benchmark,estimates}.json` below `dir`.
fn collect(dir: &Path, rows: &mut Vec<Measurement>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "new") {
            let read = |name: &str| -> Option<serde_json::Value> {
                serde_json::from_str(&std::fs::read_to_string(path.join(name)).ok()?).ok()
            };
            let (Some(benchmark), Some(estimates)) = (read("benchmark.json"), read("estimates.json")) else {
                continue;
            };
            let id = benchmark["full_id"].as_str().unwrap_or_default().to_owned();
            let Some(nanos) = estimates["mean"]["point_estimate"].as_f64() else { continue };
            let throughput = ["Bytes", "Elements"]
                .into_iter()
                .find_map(|kind| Some((kind, benchmark["throughput"][kind].as_f64()?)));
            rows.push((id, nanos, throughput));
        } else if path.is_dir() && path.file_name().is_some_and(|n| n != "report") {
            collect(&path, rows);
        }
    }
}

/// Wall time and peak resident memory of `iothub-errors diagnose --json` on inputs of 100 MB and 1 GB, with one
/// worker thread and with two: memory must stay under 200 MB for 1 GB, two jobs must not change the report and
/// should approach twice the speed on two cores.
fn memory(root: &Path) -> Result<(), String> {
    cargo(root, &["build", "--locked", "--release", "-p", "iothub-errors-cli", "-p", "iothub-errors-sim"])?;
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    println!(
        "| input | records | `--jobs 1`: time, peak RSS | `--jobs 2`: time, peak RSS | speed-up | same report |"
    );
    println!("|---|---|---|---|---|---|");
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
        let one = diagnose_run(root, &file, 1)?;
        let two = diagnose_run(root, &file, 2)?;
        let records = one
            .report
            .split("\"records_read\":")
            .nth(1)
            .and_then(|rest| rest.trim_start().split(|c: char| !c.is_ascii_digit()).next())
            .unwrap_or("?")
            .to_owned();
        println!(
            "| {} MiB | {records} | {:.2} s, {} MiB | {:.2} s, {} MiB | {:.2}× | {} |",
            size >> 20,
            one.seconds,
            one.peak_kb >> 10,
            two.seconds,
            two.peak_kb >> 10,
            one.seconds / two.seconds,
            if one.report == two.report { "yes" } else { "NO" }
        );
        if one.report != two.report {
            return Err(format!("--jobs 2 changed the report of {}", file.display()));
        }
    }
    Ok(())
}

/// One timed run of the CLI.
struct Run {
    seconds: f64,
    peak_kb: u64,
    report: String,
}

/// Runs `iothub-errors diagnose --json --jobs N FILE`, sampling its peak resident memory.
fn diagnose_run(root: &Path, file: &Path, jobs: u32) -> Result<Run, String> {
    let started = std::time::Instant::now();
    let mut child = Command::new(root.join("target/release/iothub-errors"))
        .args(["diagnose", "--json", "--jobs", &jobs.to_string()])
        .arg(file)
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
    let seconds = started.elapsed().as_secs_f64();
    let report = reader.join().map_err(|_| "reader thread panicked")?.map_err(|e| e.to_string())?;
    Ok(Run { seconds, peak_kb, report })
}

/// The `VmHWM` (peak resident set) line of `/proc/<pid>/status`, in KiB (the file writes "kB" for 1,024 bytes).
fn vm_hwm_kb(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
