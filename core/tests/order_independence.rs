//! One answer whatever the order: the report of a fleet's log does not depend on the order of its records, on
//! how they are split into files, on the order the files come in, on how devices are spread over merged
//! partials, or on the number of worker threads.
//!
//! Inputs come from the fleet simulator with late records (beyond the old reorder window), duplicates and two
//! hubs whose device ids overlap.

use std::io::{self, Read};

use iothub_errors::diagnose::parallel::{self, Inputs};
use iothub_errors::diagnose::{Diagnoser, Partial, Report, diagnose_text};
use iothub_errors_sim::{Config, Format, simulate, write};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The simulated log: 2 hubs, late and duplicate records, one record per line.
fn fleet_lines(seed: u64) -> Vec<String> {
    let config = Config {
        seed,
        devices: 160,
        hours: 3,
        hubs: 2,
        late_percent: 4,
        duplicates_percent: 3,
        ..Config::default()
    };
    let fleet = simulate(&config);
    let mut out = Vec::new();
    write(&fleet, Format::StorageJsonLines, &mut out).unwrap();
    String::from_utf8(out).unwrap().lines().map(str::to_owned).collect()
}

/// The report as JSON with the positions of evidence left out: they name lines of the files read, which
/// change when the records are spread over other files.
fn without_positions(report: &Report) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap();
    if let Some(findings) = value.get_mut("findings").and_then(|f| f.as_array_mut()) {
        for finding in findings {
            finding.as_object_mut().unwrap().remove("evidence");
        }
    }
    value
}

/// The (hub, device) a storage line is about, read from its text.
fn device_of(line: &str) -> String {
    let hub = line.split("/IOTHUBS/").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or("");
    let device = line.split(r#"deviceId\":\""#).nth(1).and_then(|rest| rest.split('\\').next()).unwrap_or("");
    format!("{hub}/{device}")
}

/// Diagnoses `files` in the order given, each one an input.
fn diagnose_files(files: &[Vec<&String>]) -> Report {
    let mut diagnoser = Diagnoser::new();
    for (number, file) in files.iter().enumerate() {
        if number > 0 {
            diagnoser.next_input();
        }
        for line in file {
            diagnoser.push_bytes(line.as_bytes());
            diagnoser.push_bytes(b"\n");
        }
    }
    diagnoser.finish()
}

/// A permutation of `0..n` from a seed (a small linear congruential shuffle, enough for tests).
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    for i in (1..n).rev() {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let j = (state >> 33) as usize % (i + 1);
        order.swap(i, j);
    }
    order
}

fn same(a: &Report, b: &Report, what: &str) -> Result<(), TestCaseError> {
    let (a, b) = (without_positions(a), without_positions(b));
    if a != b {
        if let Some(dir) = std::env::var_os("ORDER_DUMP") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::write(dir.join("a.json"), serde_json::to_string_pretty(&a).unwrap()).unwrap();
            std::fs::write(dir.join("b.json"), serde_json::to_string_pretty(&b).unwrap()).unwrap();
        }
    }
    prop_assert!(a == b, "{what}: the reports differ\n{}", first_difference(&a, &b));
    Ok(())
}

/// Where two JSON values first differ, for the failure message.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let (a, b) = (serde_json::to_string_pretty(a).unwrap(), serde_json::to_string_pretty(b).unwrap());
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map(|(n, (x, y))| format!("line {n}: {x} | {y}"))
        .unwrap_or_else(|| "lengths differ".to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Records split into 1–8 files at random and fed in a random order give the report of the whole log.
    #[test]
    fn files_in_any_order_give_the_report_of_the_whole(seed in 1u64..1000, files in 1usize..=8, order in any::<u64>()) {
        let lines = fleet_lines(seed % 4 + 1);
        let whole = diagnose_text(&(lines.join("\n") + "\n"));
        let mut split: Vec<Vec<&String>> = vec![Vec::new(); files];
        let places = shuffled(lines.len(), order);
        for (line, place) in lines.iter().zip(places) {
            split[place % files].push(line);
        }
        let permuted: Vec<Vec<&String>> = shuffled(files, order ^ 7).into_iter().map(|i| split[i].clone()).collect();
        same(&whole, &diagnose_files(&permuted), "files in random order")?;
        let mut reversed: Vec<&String> = lines.iter().collect();
        reversed.reverse();
        same(&whole, &diagnose_files(&[reversed]), "records in reverse order")?;
    }

    /// Devices spread over 1–8 diagnosers whose partials travel as JSON and merge in a random order give the
    /// report of one pass.
    #[test]
    fn partials_of_random_shards_merge_to_the_report_of_one_pass(seed in 1u64..1000, shards in 1usize..=8, salt in any::<u64>()) {
        let lines = fleet_lines(seed % 4 + 1);
        let whole = diagnose_text(&(lines.join("\n") + "\n"));
        let mut diagnosers: Vec<Diagnoser> = (0..shards).map(|_| Diagnoser::new()).collect();
        for line in &lines {
            let key = device_of(line);
            let shard = (fxhash(&key) ^ salt) as usize % shards;
            diagnosers[shard].push_bytes(line.as_bytes());
            diagnosers[shard].push_bytes(b"\n");
        }
        let partials: Vec<String> = diagnosers.into_iter().map(|d| d.finish_partial().to_json()).collect();
        let mut merged = Partial::default();
        for index in shuffled(partials.len(), salt) {
            merged.merge(Partial::from_json(partials[index].as_bytes()).unwrap());
        }
        same(&whole, &merged.finish().unwrap(), "merged shards")?;
    }
}

/// A stable hash of a text (FNV-1a), so that shards do not depend on the process.
fn fxhash(text: &str) -> u64 {
    text.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3))
}

/// In-memory files for the parallel reader.
struct Files(Vec<Vec<u8>>);

impl Inputs for Files {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn len(&self, input: usize) -> Option<u64> {
        self.0.get(input).map(|file| file.len() as u64)
    }
    fn open_at(&self, input: usize, offset: u64) -> io::Result<Box<dyn Read + Send>> {
        let file = self.0.get(input).cloned().unwrap_or_default();
        Ok(Box::new(io::Cursor::new(file.get(offset as usize..).unwrap_or_default().to_vec())))
    }
}

/// Worker threads and split files give the one-thread report byte for byte, evidence positions included.
#[test]
fn every_number_of_jobs_gives_the_same_bytes() {
    let lines = fleet_lines(2);
    let half = lines.len() / 2;
    // A large file (split into segments at line starts) and a small one.
    let big: String = lines.iter().take(half).map(|line| format!("{line}\n")).collect::<String>().repeat(30);
    let small: String = lines.iter().skip(half).map(|line| format!("{line}\n")).collect();
    let files = Files(vec![big.into_bytes(), small.into_bytes()]);
    let mut diagnoser = Diagnoser::new();
    diagnoser.push_bytes(&files.0[0]);
    diagnoser.next_input();
    diagnoser.push_bytes(&files.0[1]);
    let expected = serde_json::to_string(&diagnoser.finish()).unwrap();
    for jobs in [1, 2, 3, 4] {
        let (report, failures) = parallel::diagnose_inputs(&files, jobs, &|_| {});
        assert!(failures.is_empty());
        assert!(serde_json::to_string(&report).unwrap() == expected, "--jobs {jobs} differs from one thread");
    }
}

/// A device in two partials, and bytes that are no partial, are typed errors.
#[test]
fn partials_that_cannot_merge_are_invalid_partial_errors() {
    let lines = fleet_lines(3);
    let text = lines.join("\n");
    let mut first = Diagnoser::new();
    first.push_bytes(text.as_bytes());
    let mut second = Diagnoser::new();
    second.push_bytes(text.as_bytes());
    let mut merged = first.finish_partial();
    merged.merge(second.finish_partial());
    let error = merged.finish().unwrap_err();
    assert_eq!(error.kind().as_str(), "invalid-partial");
    assert!(error.to_string().contains("two partials"), "{error}");
    for bad in [&b""[..], b"{}", b"[1,2]", b"\xff\xfe", b"{\"summary\":7}"] {
        let error = Partial::from_json(bad).unwrap_err();
        assert_eq!(error.kind().as_str(), "invalid-partial", "{bad:?}");
    }
}

/// Records later than any reorder window still land in order: the late copy of a renewal cycle makes the
/// same findings as the on-time log.
#[test]
fn late_records_are_put_in_order() {
    let on_time = {
        let config = Config { seed: 5, devices: 120, hours: 3, late_percent: 0, ..Config::default() };
        let mut out = Vec::new();
        write(&simulate(&config), Format::StorageJsonLines, &mut out).unwrap();
        diagnose_text(std::str::from_utf8(&out).unwrap())
    };
    let late = {
        let config = Config { seed: 5, devices: 120, hours: 3, late_percent: 10, ..Config::default() };
        let mut out = Vec::new();
        write(&simulate(&config), Format::StorageJsonLines, &mut out).unwrap();
        diagnose_text(std::str::from_utf8(&out).unwrap())
    };
    let (a, b) = (without_positions(&on_time), without_positions(&late));
    assert!(a == b, "late delivery changed the report: {}", first_difference(&a, &b));
}
