//! Throughput of the core on realistic inputs, with plain references measured in the same run.
//!
//! Criterion benchmarks, run by `cargo xtask bench rust`, which prints them as one table with their targets
//! (or `cargo bench -p iothub-errors --bench throughput`). Single thread, release build.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use iothub_errors::diagnose::Diagnoser;
use iothub_errors_sim::{Config, Format, simulate, write};

fn lookups(c: &mut Criterion) {
    let codes: Vec<u32> = iothub_errors::entries().iter().filter_map(|e| e.code).collect();
    let names: Vec<&str> = iothub_errors::entries().iter().map(|e| e.name).collect();
    let map: HashMap<u32, &iothub_errors::Entry> =
        iothub_errors::entries().iter().filter_map(|e| Some((e.code?, e))).collect();
    let mut group = c.benchmark_group("lookup");
    group.throughput(Throughput::Elements(codes.len() as u64));
    group.bench_function("lookup by code", |b| {
        b.iter(|| codes.iter().filter(|&&code| iothub_errors::lookup(black_box(code)).is_ok()).count())
    });
    group.bench_function("reference: HashMap::get", |b| {
        b.iter(|| codes.iter().filter(|&&code| map.contains_key(&black_box(code))).count())
    });
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("by_name (any case)", |b| {
        b.iter(|| names.iter().filter(|name| iothub_errors::by_name(black_box(name)).is_ok()).count())
    });
    let typed =
        ["Error 401003", "aka.ms/iothub404103", "iothubunauthorized", "ErrorCode:DeviceNotFound;", "429999"];
    group.throughput(Throughput::Elements(typed.len() as u64));
    group.bench_function("resolve (typed forms)", |b| {
        b.iter(|| typed.iter().filter(|text| iothub_errors::resolve(black_box(text)).is_ok()).count())
    });
    group.finish();

    let mut group = c.benchmark_group("search");
    group.throughput(Throughput::Elements(1));
    group.bench_function("search (ranked, full text)", |b| {
        b.iter(|| iothub_errors::search(black_box("file upload limit")).map(|hits| hits.len()))
    });
    group.finish();
}

fn error_bodies(c: &mut Criterion) {
    let bodies: Vec<String> = include_str!("../../testdata/bodies/rest-error-bodies.jsonl")
        .lines()
        .filter_map(|line| {
            let start = line.find("\"body\":\"")? + 8;
            Some(line.get(start..line.len() - 2)?.replace("\\\"", "\"").replace("\\\\", "\\"))
        })
        .collect();
    let mut group = c.benchmark_group("parse_error_body");
    group.throughput(Throughput::Elements(bodies.len() as u64));
    group.bench_function("parse_error_body (all body shapes)", |b| {
        b.iter(|| {
            bodies
                .iter()
                .filter(|body| iothub_errors::parse_error_body(black_box(body), Some(404)).is_ok())
                .count()
        })
    });
    group.finish();
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

fn scanning(c: &mut Criterion) {
    let text = log_like_text(16);
    // The reference a developer would write: a regex for six-digit 4xx/5xx codes and `ErrorCode:Name;`.
    let pattern = regex::Regex::new(r"\b[45]\d{5}\b|ErrorCode:(\w+);").unwrap();
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("scan (log-like text, 1 error in 500 lines)", |b| {
        b.iter(|| iothub_errors::scan(black_box(&text)).len())
    });
    group.bench_function("reference: regex find_iter", |b| {
        b.iter(|| pattern.find_iter(black_box(&text)).count())
    });
    group.finish();
}

fn fleet_log(devices: usize, hours: u32, format: Format) -> (Vec<u8>, u64) {
    let fleet = simulate(&Config { seed: 7, devices, hours, ..Config::default() });
    let mut bytes = Vec::new();
    let records = write(&fleet, format, &mut bytes).unwrap();
    (bytes, records)
}

/// Diagnoses `bytes` pushed in 1 MiB chunks; the number of records read.
fn diagnose_chunks(bytes: &[u8]) -> u64 {
    let mut diagnoser = Diagnoser::new();
    for chunk in bytes.chunks(1 << 20) {
        diagnoser.push_bytes(chunk);
    }
    diagnoser.finish().summary.records_read
}

fn diagnosis(c: &mut Criterion) {
    let mut group = c.benchmark_group("diagnose");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    for (label, devices, hours) in [("100k records", 400, 24), ("1M records", 4000, 24)] {
        let (bytes, records) = fleet_log(devices, hours, Format::StorageJsonLines);
        group.throughput(Throughput::Elements(records));
        group.bench_with_input(BenchmarkId::new("diagnose (storage lines)", label), &bytes, |b, bytes| {
            b.iter(|| diagnose_chunks(bytes))
        });
        group.bench_with_input(
            BenchmarkId::new("reference: split lines, count resultType", label),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    let mut counts: HashMap<&[u8], usize> = HashMap::new();
                    for line in bytes.split(|&b| b == b'\n') {
                        if let Some(at) = line.windows(14).position(|w| w == b"\"resultType\":\"") {
                            *counts.entry(line.get(at + 14..at + 20).unwrap_or_default()).or_default() += 1;
                        }
                    }
                    counts.len()
                })
            },
        );
    }
    // The CSV reader (Log Analytics `AzureDiagnostics` export), the other hand-written splitter.
    let (bytes, records) = fleet_log(400, 24, Format::AzureDiagnosticsCsv);
    group.throughput(Throughput::Elements(records));
    group.bench_with_input(
        BenchmarkId::new("diagnose (AzureDiagnostics CSV)", "100k records"),
        &bytes,
        |b, bytes| b.iter(|| diagnose_chunks(bytes)),
    );
    group.finish();
}

criterion_group!(benches, lookups, error_bodies, scanning, diagnosis);
criterion_main!(benches);
