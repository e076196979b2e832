//! Throughput of the core on realistic inputs, with plain references beside each figure.
//!
//! Run with `cargo xtask bench rust` (or `cargo bench -p iothub-errors --bench throughput`). Single thread,
//! release build; each figure is the best of several runs. This is a benchmark, not a test: it asserts nothing.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use iothub_errors::diagnose::Diagnoser;
use iothub_errors_sim::{Config, Format, simulate, write};

/// Best wall time of `runs` runs of `work`.
fn best(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn row(what: &str, figure: String, target: &str, reference: String) {
    println!("| {what} | {figure} | {target} | {reference} |");
}

fn fleet_log(devices: usize, hours: u32, format: Format) -> (Vec<u8>, u64) {
    let fleet = simulate(&Config { seed: 7, devices, hours, ..Config::default() });
    let mut bytes = Vec::new();
    let records = write(&fleet, format, &mut bytes).unwrap();
    (bytes, records)
}

fn diagnose_bytes(bytes: &[u8]) -> u64 {
    let mut diagnoser = Diagnoser::new();
    for chunk in bytes.chunks(1 << 20) {
        diagnoser.push_bytes(chunk);
    }
    let report = diagnoser.finish();
    report.summary.records_read
}

/// The plain reference for diagnose: split lines and count error codes with a hash map, no real parsing.
fn count_codes_naively(bytes: &[u8]) -> usize {
    let mut counts: HashMap<&[u8], usize> = HashMap::new();
    for line in bytes.split(|&b| b == b'\n') {
        if let Some(at) = line.windows(14).position(|w| w == b"\"resultType\":\"") {
            let code = line.get(at + 14..at + 20).unwrap_or_default();
            *counts.entry(code).or_default() += 1;
        }
    }
    counts.len()
}

/// Application log lines with an IoT Hub error about once in 500 lines.
fn log_like_text(megabytes: usize) -> String {
    let mut text = String::with_capacity(megabytes << 20);
    let mut n = 0u64;
    while text.len() < megabytes << 20 {
        n += 1;
        if n % 500 == 0 {
            text.push_str("2024-05-14T08:00:05.123Z ERROR [telemetry] send failed: Microsoft.Azure.Devices.Client.Exceptions.IotHubThrottledException: ErrorCode:ThrottlingException;Throttling threshold reached\n");
        } else {
            text.push_str(&format!(
                "2024-05-14T08:{:02}:{:02}.{:03}Z INFO  [worker-{}] batch {n} sent: 12 messages, 65536 bytes, 41 ms, port 8883, v1.42.3\n",
                n % 60,
                (n * 7) % 60,
                n % 1000,
                n % 8
            ));
        }
    }
    text
}

fn main() {
    println!("| measurement | result | target | reference in the same run |");
    println!("|---|---|---|---|");

    // Lookups.
    let codes: Vec<u32> = iothub_errors::entries().iter().filter_map(|e| e.code).collect();
    let map: HashMap<u32, &iothub_errors::Entry> =
        iothub_errors::entries().iter().filter_map(|e| Some((e.code?, e))).collect();
    let calls = 2_000_000;
    let lookup = best(5, || {
        for i in 0..calls {
            black_box(iothub_errors::lookup(black_box(codes[i % codes.len()])).ok());
        }
    });
    let hashmap = best(5, || {
        for i in 0..calls {
            black_box(map.get(&black_box(codes[i % codes.len()])));
        }
    });
    let per = |d: Duration, n: usize| d.as_nanos() as f64 / n as f64;
    row(
        "lookup by code",
        format!("{:.0} ns", per(lookup, calls)),
        "≤ 1 µs (Python), ≤ 2 µs (JS)",
        format!("HashMap::get {:.0} ns", per(hashmap, calls)),
    );
    let names: Vec<&str> = iothub_errors::entries().iter().map(|e| e.name).collect();
    let by_name = best(5, || {
        for i in 0..calls / 4 {
            black_box(iothub_errors::by_name(black_box(names[i % names.len()])).ok());
        }
    });
    row("by_name (case-insensitive)", format!("{:.0} ns", per(by_name, calls / 4)), "", String::new());
    let inputs =
        ["Error 401003", "aka.ms/iothub404103", "iothubunauthorized", "ErrorCode:DeviceNotFound;", "429999"];
    let resolve = best(5, || {
        for i in 0..calls / 4 {
            black_box(iothub_errors::resolve(black_box(inputs[i % inputs.len()])).ok());
        }
    });
    row("resolve (mixed forms)", format!("{:.0} ns", per(resolve, calls / 4)), "", String::new());
    let queries = ["device not online", "throttling", "file upload limit", "sas token expired"];
    let search = best(3, || {
        for i in 0..400 {
            black_box(iothub_errors::search(black_box(queries[i % queries.len()])).ok());
        }
    });
    row("search (ranked, full text)", format!("{:.0} µs", per(search, 400) / 1000.0), "", String::new());

    // Error bodies.
    let bodies: Vec<String> = include_str!("../../testdata/bodies/rest-error-bodies.jsonl")
        .lines()
        .filter_map(|line| {
            let start = line.find("\"body\":\"")? + 8;
            Some(line.get(start..line.len() - 2)?.replace("\\\"", "\"").replace("\\\\", "\\"))
        })
        .collect();
    let parse = best(5, || {
        for i in 0..100_000 {
            black_box(iothub_errors::parse_error_body(black_box(&bodies[i % bodies.len()]), Some(404)).ok());
        }
    });
    row("parse_error_body", format!("{:.2} µs", per(parse, 100_000) / 1000.0), "", String::new());

    // Scan.
    let text = log_like_text(64);
    let scan = best(3, || {
        black_box(iothub_errors::scan(black_box(&text)));
    });
    let mbps = |d: Duration, bytes: usize| bytes as f64 / d.as_secs_f64() / 1e6;
    let naive = best(3, || {
        let hits = text
            .as_bytes()
            .windows(6)
            .filter(|w| w.iter().all(u8::is_ascii_digit) && (w[0] == b'4' || w[0] == b'5'))
            .count();
        black_box(hits);
    });
    row(
        "scan, log-like text (64 MB, 1 error in 500 lines)",
        format!("{:.0} MB/s", mbps(scan, text.len())),
        "≥ 500 MB/s",
        format!("naive six-digit window search {:.0} MB/s", mbps(naive, text.len())),
    );

    // Diagnose.
    for (devices, hours, format, label) in [
        (400, 24, Format::StorageJsonLines, "diagnose, storage lines, ~100 k records"),
        (4000, 24, Format::StorageJsonLines, "diagnose, storage lines, ~1 M records"),
        (400, 24, Format::EventHubsRecords, "diagnose, Event Hubs documents, ~100 k records"),
        (400, 24, Format::AzureDiagnosticsCsv, "diagnose, AzureDiagnostics CSV, ~100 k records"),
    ] {
        let (bytes, records) = fleet_log(devices, hours, format);
        let runs = if records > 500_000 { 2 } else { 3 };
        let time = best(runs, || {
            black_box(diagnose_bytes(&bytes));
        });
        let reference = best(runs, || {
            black_box(count_codes_naively(&bytes));
        });
        row(
            &format!("{label} ({records}, {} MB)", bytes.len() >> 20),
            format!(
                "{:.2} M records/s ({:.0} MB/s)",
                records as f64 / time.as_secs_f64() / 1e6,
                mbps(time, bytes.len())
            ),
            "≥ 1 M records/s",
            format!(
                "split lines + HashMap count of resultType: {:.2} M lines/s",
                records as f64 / reference.as_secs_f64() / 1e6
            ),
        );
    }
}
