//! Precision and recall of `diagnose` against the fleet simulator's ground truth, over many seeds and
//! every export shape.

use std::collections::BTreeMap;

use iothub_errors::diagnose::{FindingKind, FleetFinding, diagnose_text};
use iothub_errors_sim::{Config, Format, Kind, Truth, simulate, truth_for, write};

/// Seeds run by `cargo test`; `cargo xtask bench` and the nightly-style runs use more.
const SEEDS: u64 = 6;

/// Kinds whose findings concern the fleet as a whole: matched by time overlap, not by device.
fn fleet_wide(kind: FindingKind) -> bool {
    matches!(kind, FindingKind::MassDisconnect | FindingKind::ThrottlingBurst | FindingKind::QuotaExceeded)
}

fn kind_of(truth: &Truth) -> FindingKind {
    FindingKind::from_name(truth.kind.as_str()).unwrap()
}

#[derive(Default, Debug)]
struct Score {
    true_positives: u64,
    false_positives: u64,
    false_negatives: u64,
    misses: Vec<String>,
}

impl Score {
    fn precision(&self) -> f64 {
        let predicted = self.true_positives + self.false_positives;
        if predicted == 0 { 1.0 } else { self.true_positives as f64 / predicted as f64 }
    }
    fn recall(&self) -> f64 {
        let actual = self.true_positives + self.false_negatives;
        if actual == 0 { 1.0 } else { self.true_positives as f64 / actual as f64 }
    }
}

fn overlaps(finding: &FleetFinding, truth: &Truth) -> bool {
    let parse = |t: &Option<String>| t.as_deref().and_then(|t| t.get(..19)).map(str::to_owned);
    let (Some(first), Some(last)) = (parse(&finding.first), parse(&finding.last)) else { return false };
    let truth_first = iso(truth.first_ms);
    let truth_last = iso(truth.last_ms + 1000);
    first <= truth_last && truth_first <= last
}

fn iso(ms: i64) -> String {
    // Seconds precision, as the report writes times.
    let seconds = ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn score(findings: &[FleetFinding], truth: &[Truth], scores: &mut BTreeMap<FindingKind, Score>, label: &str) {
    // Device-level kinds: one unit per (kind, device).
    let mut expected: BTreeMap<(FindingKind, String), bool> = BTreeMap::new();
    for t in truth.iter().filter(|t| !fleet_wide(kind_of(t))) {
        for device in &t.devices {
            expected.insert((kind_of(t), device.clone()), false);
        }
    }
    for finding in findings.iter().filter(|f| !fleet_wide(f.kind)) {
        for device in &finding.devices {
            let score = scores.entry(finding.kind).or_default();
            match expected.get_mut(&(finding.kind, device.clone())) {
                Some(seen) => {
                    if !*seen {
                        score.true_positives += 1;
                    }
                    *seen = true;
                }
                None => {
                    score.false_positives += 1;
                    score.misses.push(format!(
                        "{label}: unexpected {} on {device}: {}",
                        finding.kind.as_str(),
                        finding.title
                    ));
                }
            }
        }
    }
    for ((kind, device), seen) in expected {
        if !seen {
            let score = scores.entry(kind).or_default();
            score.false_negatives += 1;
            score.misses.push(format!("{label}: missed {} on {device}", kind.as_str()));
        }
    }
    // Fleet-wide kinds: one unit per incident, matched by kind and time.
    for t in truth.iter().filter(|t| fleet_wide(kind_of(t))) {
        let kind = kind_of(t);
        let score = scores.entry(kind).or_default();
        if findings.iter().any(|f| f.kind == kind && overlaps(f, t)) {
            score.true_positives += 1;
        } else {
            score.false_negatives += 1;
            score.misses.push(format!("{label}: missed {} at {}", kind.as_str(), iso(t.first_ms)));
        }
    }
    for finding in findings.iter().filter(|f| fleet_wide(f.kind)) {
        if !truth.iter().any(|t| kind_of(t) == finding.kind && overlaps(finding, t)) {
            let score = scores.entry(finding.kind).or_default();
            score.false_positives += 1;
            score.misses.push(format!("{label}: unexpected {}", finding.title));
        }
    }
}

#[test]
fn diagnosis_finds_what_the_simulator_injected() {
    let mut scores: BTreeMap<FindingKind, Score> = BTreeMap::new();
    for seed in 1..=SEEDS {
        let config = Config { seed, devices: 120, hours: 5, ..Config::default() };
        let fleet = simulate(&config);
        for format in Format::ALL {
            let mut bytes = Vec::new();
            write(&fleet, format, &mut bytes).unwrap();
            let report = diagnose_text(&String::from_utf8(bytes).unwrap());
            assert_eq!(
                report.summary.records_skipped,
                0,
                "seed {seed} {}: {:?}",
                format.as_str(),
                report.summary.skipped
            );
            let mut truth = truth_for(&fleet, format);
            if format == Format::EventGrid {
                // Event Grid carries no codes: a device whose every connect is refused simply looks offline there.
                // A mass disconnect shows as many devices' outages starting together.
                let full = truth_for(&fleet, Format::StorageJsonLines);
                let drifting = full.iter().filter(|t| t.kind == Kind::TimeDrift).cloned();
                truth.extend(drifting.map(|t| Truth { kind: Kind::DeviceOffline, ..t }));
                truth.extend(full.into_iter().filter(|t| t.kind == Kind::MassDisconnect));
            }
            score(&report.findings, &truth, &mut scores, &format!("seed {seed} {}", format.as_str()));
        }
    }
    let mut failures = Vec::new();
    for (kind, score) in &scores {
        println!(
            "{:<28} precision {:.3} recall {:.3} (tp {}, fp {}, fn {})",
            kind.as_str(),
            score.precision(),
            score.recall(),
            score.true_positives,
            score.false_positives,
            score.false_negatives
        );
        if std::env::var_os("SHOW_MISSES").is_some() {
            for miss in &score.misses {
                println!("    {miss}");
            }
        }
        if score.precision() < 0.95 || score.recall() < 0.95 {
            failures.push(format!(
                "{}: {:?}",
                kind.as_str(),
                score.misses.iter().take(8).collect::<Vec<_>>()
            ));
        }
    }
    let every_kind_seen =
        Kind::ALL.iter().all(|k| scores.contains_key(&FindingKind::from_name(k.as_str()).unwrap()));
    assert!(every_kind_seen, "some injected kinds never appeared: {:?}", scores.keys().collect::<Vec<_>>());
    assert!(failures.is_empty(), "below 0.95:\n{}", failures.join("\n"));
}
