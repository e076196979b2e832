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

/// Per-device kinds come grouped: one finding per kind and cause, its devices each once and by name, and when it
/// has several devices, "N devices: " in the title and at most five top offenders, most events first.
fn assert_grouped(findings: &[FleetFinding], label: &str) {
    let mut groups = std::collections::BTreeSet::new();
    for finding in findings.iter().filter(|f| !fleet_wide(f.kind) && f.kind != FindingKind::SasTokenRenewal) {
        let cause =
            (finding.hub.clone(), finding.kind, finding.codes.is_empty(), finding.details.root_cause.clone());
        assert!(groups.insert(cause.clone()), "{label}: two findings of {cause:?}");
        let mut sorted = finding.devices.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(finding.devices, sorted, "{label}: {}", finding.title);
        let top = &finding.details.top_offenders;
        if finding.devices.len() > 1 {
            assert!(
                finding.title.starts_with(&format!("{} devices: ", finding.devices.len())),
                "{}",
                finding.title
            );
            assert!(!top.is_empty() && top.len() <= 5, "{label}: {}", finding.title);
            assert!(top.windows(2).all(|w| (std::cmp::Reverse(w[0].count), &w[0].device)
                < (std::cmp::Reverse(w[1].count), &w[1].device)));
            assert!(top.iter().map(|o| o.count).sum::<u64>() <= finding.count);
        } else {
            assert!(finding.title.starts_with(&format!("{}: ", finding.devices[0])), "{}", finding.title);
            assert!(top.is_empty());
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
            let label = format!("seed {seed} {}", format.as_str());
            assert_grouped(&report.findings, &label);
            score(&report.findings, &truth, &mut scores, &label);
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

/// Two hubs with their own fleets: the per-device findings are grouped per hub, never across hubs.
#[test]
fn each_hub_gets_its_own_grouped_findings() {
    let config = Config { seed: 3, devices: 240, hours: 5, hubs: 2, ..Config::default() };
    let fleet = simulate(&config);
    let mut bytes = Vec::new();
    write(&fleet, Format::StorageJsonLines, &mut bytes).unwrap();
    let report = diagnose_text(&String::from_utf8(bytes).unwrap());
    assert_grouped(&report.findings, "two hubs");
    let hubs: std::collections::BTreeSet<Option<&str>> =
        report.findings.iter().filter(|f| f.devices.len() > 1).map(|f| f.hub.as_deref()).collect();
    assert_eq!(hubs.len(), 2, "grouped findings of both hubs: {hubs:?}");
    assert!(hubs.iter().all(Option::is_some));
}

/// A fleet of 2000 devices of which most go offline (each MQTT device's log is cut after a disconnect):
/// the report groups them into one `device-offline` finding, stays small, and still lists every device.
#[test]
fn a_large_offline_fleet_gives_a_small_grouped_report() {
    use iothub_errors_sim::{Fleet, Operation};
    let config = Config {
        seed: 11,
        devices: 2000,
        hours: 2,
        scenarios: vec![Kind::SasTokenRenewal, Kind::DeviceOffline],
        ..Config::default()
    };
    let fleet = simulate(&config);
    let start = config.start_unix_ms;
    let end = start + i64::from(config.hours) * 3_600_000;
    // The log of every device but one in five stops at its first disconnect between 30 minutes in and 10
    // minutes before the end; the others go on renewing their tokens until the end.
    let mut cut: BTreeMap<String, i64> = BTreeMap::new();
    for event in &fleet.events {
        let window = start + 30 * 60_000..end - 10 * 60_000;
        let stays = event.device.bytes().map(u32::from).sum::<u32>() % 5 == 0;
        if event.operation == Operation::DeviceDisconnect && window.contains(&event.time_ms) && !stays {
            let at = cut.entry(event.device.to_string()).or_insert(event.time_ms);
            *at = (*at).min(event.time_ms);
        }
    }
    let events = fleet
        .events
        .iter()
        .filter(|e| cut.get(&*e.device).is_none_or(|&at| e.time_ms <= at))
        .cloned()
        .collect();
    let fleet = Fleet { events, truth: fleet.truth };
    let mut offline: Vec<String> = cut.keys().cloned().collect();
    offline
        .extend(fleet.truth.iter().filter(|t| t.kind == Kind::DeviceOffline).flat_map(|t| t.devices.clone()));
    offline.sort();
    offline.dedup();
    assert!(offline.len() > 1000, "{} offline devices", offline.len());

    let mut bytes = Vec::new();
    write(&fleet, Format::StorageJsonLines, &mut bytes).unwrap();
    let report = diagnose_text(&String::from_utf8(bytes).unwrap());
    let json = serde_json::to_string(&report).unwrap();
    let findings: Vec<&FleetFinding> = report.of_kind(FindingKind::DeviceOffline).collect();
    println!(
        "{} devices offline, {} device-offline finding(s), {} findings, report JSON {} bytes",
        offline.len(),
        findings.len(),
        report.findings.len(),
        json.len()
    );
    assert_eq!(findings.len(), 1);
    let grouped = findings[0];
    assert_eq!(grouped.devices, offline, "every offline device, sorted by name");
    assert_eq!(grouped.count, offline.len() as u64);
    assert!(grouped.title.starts_with(&format!("{} devices: ", offline.len())), "{}", grouped.title);
    assert_eq!(grouped.details.top_offenders.len(), 5);
    assert!(grouped.evidence.len() <= 10 && grouped.timeline.len() <= 200);
    let times: Vec<i64> = grouped.timeline.iter().map(|e| e.time_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    // One finding per offline device made 2.4 MB of JSON here. Grouped, the offline finding is its device ids
    // (14 bytes each) plus at most 24 KiB of words, queries, evidence and timeline; the whole report, with the
    // summary and the token-renewal groups of the other devices, stays under 192 KiB.
    let finding_json = serde_json::to_string(grouped).unwrap().len();
    let devices_json = serde_json::to_string(&grouped.devices).unwrap().len();
    assert!(finding_json - devices_json < 24 * 1024, "device-offline finding {finding_json} bytes");
    assert!(json.len() < 192 * 1024, "report JSON {} bytes", json.len());
}
