//! The sample logs of `testdata/logs` get exactly the diagnoses written in `testdata/logs/EXPECTED.md`.

use iothub_errors::Severity;
use iothub_errors::diagnose::{FindingKind, FleetFinding, Report, diagnose_text};

fn diagnose(file: &str) -> Report {
    let path = format!("{}/../testdata/logs/{file}", env!("CARGO_MANIFEST_DIR"));
    diagnose_text(&std::fs::read_to_string(path).unwrap())
}

fn kinds(report: &Report) -> Vec<(FindingKind, Vec<String>)> {
    report.findings.iter().map(|f| (f.kind, f.devices.clone())).collect()
}

fn only(report: &Report, kind: FindingKind) -> &FleetFinding {
    let found: Vec<_> = report.of_kind(kind).collect();
    assert_eq!(found.len(), 1, "{kind:?} in {:#?}", kinds(report));
    found[0]
}

fn devices_of(report: &Report, kind: FindingKind) -> Vec<String> {
    let mut devices: Vec<String> = report.of_kind(kind).flat_map(|f| f.devices.clone()).collect();
    devices.sort();
    devices
}

#[test]
fn sas_renewal_sample() {
    let report = diagnose("connections-sas-renewal.jsonl");
    assert_eq!((report.summary.records_read, report.summary.records_skipped), (33, 0));
    assert_eq!(devices_of(&report, FindingKind::SasTokenRenewal), ["pump-17", "thermo-0042", "valve-c-003"]);
    for finding in report.of_kind(FindingKind::SasTokenRenewal) {
        assert_eq!(finding.severity, Severity::Info);
    }
    let thermo = report.of_kind(FindingKind::SasTokenRenewal).find(|f| f.devices == ["thermo-0042"]).unwrap();
    let period = thermo.details.period_minutes.unwrap();
    assert!((60.0..=70.0).contains(&period), "period {period}");
    assert_eq!(thermo.codes, [401003, 404104]);
    assert_eq!(thermo.count, 3);
    let door = only(&report, FindingKind::NetworkDisconnect);
    assert_eq!(
        (door.devices.as_slice(), door.count, door.severity),
        (&["door-9".to_owned()][..], 2, Severity::Warning)
    );
    assert!(door.details.reconnect_minutes.unwrap() > 4.0);
    assert_eq!(report.findings.len(), 4, "{:#?}", kinds(&report));
    assert_eq!(report.worst_severity(), Some(Severity::Warning));
}

#[test]
fn mass_disconnect_sample() {
    let report = diagnose("mass-disconnect.eventhub.json");
    assert_eq!((report.summary.records_read, report.summary.records_skipped), (26, 0));
    let mass = only(&report, FindingKind::MassDisconnect);
    let expected: Vec<String> =
        [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12].iter().map(|n| format!("meter-{n:03}")).collect();
    assert_eq!(mass.devices, expected);
    assert_eq!(mass.codes, [404104, 500001, 500008]);
    assert!(mass.title.contains("within 10 s"), "{}", mass.title);
    assert_eq!(mass.first.as_deref(), Some("2024-05-15T14:02:11Z"));
    let link = only(&report, FindingKind::LinkConflictSideEffect);
    assert_eq!(link.devices, ["meter-004"]);
    assert_eq!(link.details.root_cause.as_deref(), Some("mass-disconnect"));
    assert_eq!(link.severity, Severity::Info);
    assert_eq!(report.of_kind(FindingKind::NetworkDisconnect).count(), 0);
    assert_eq!(report.of_kind(FindingKind::DeviceOffline).count(), 0);
    assert_eq!(report.findings.len(), 2);
}

#[test]
fn throttling_sample() {
    let report = diagnose("throttling.jsonl");
    let burst = only(&report, FindingKind::ThrottlingBurst);
    assert_eq!(burst.count, 17);
    assert_eq!(burst.codes, [429001, 429002]);
    assert_eq!(burst.devices, ["camera-77", "camera-78"]);
    assert_eq!(
        (burst.details.top_offenders[0].device.as_str(), burst.details.top_offenders[0].count),
        ("camera-77", 14)
    );
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn azure_diagnostics_csv_sample() {
    let report = diagnose("azurediagnostics-export.csv");
    assert_eq!((report.summary.records_read, report.summary.records_skipped), (36, 0));
    let drift = only(&report, FindingKind::TimeDrift);
    assert_eq!((drift.devices.as_slice(), drift.count), (&["gw-eu-07".to_owned()][..], 11));
    assert_eq!(drift.first.as_deref(), Some("2024-05-14T01:13:18Z"));
    let upload = only(&report, FindingKind::FileUploadLimit);
    assert_eq!((upload.devices.as_slice(), upload.count), (&["logger-12".to_owned()][..], 3));
    let lock = only(&report, FindingKind::C2dLockLost);
    assert_eq!(lock.devices, ["kiosk-5"]);
    assert_eq!(lock.details.message_ids, ["c2d-7f3e9a"]);
    assert_eq!(lock.details.max_delivery_count, Some(3));
    assert_eq!(report.of_kind(FindingKind::MassDisconnect).count(), 0);
    assert_eq!(report.of_kind(FindingKind::DeviceOffline).count(), 0);
    let serious: Vec<_> =
        report.findings.iter().filter(|f| f.severity > Severity::Info).map(|f| f.kind).collect();
    assert_eq!(serious, [FindingKind::TimeDrift, FindingKind::FileUploadLimit, FindingKind::C2dLockLost]);
}

#[test]
fn event_grid_sample() {
    let report = diagnose("eventgrid-connection-state.json");
    assert_eq!(report.summary.records_read, 6);
    assert_eq!(only(&report, FindingKind::DeviceOffline).devices, ["pump-22"]);
    let outage = only(&report, FindingKind::NetworkDisconnect);
    assert_eq!(outage.devices, ["door-9"]);
    assert!((4.9..=5.1).contains(&outage.details.reconnect_minutes.unwrap()));
    let renewal = only(&report, FindingKind::SasTokenRenewal);
    assert_eq!(
        (renewal.devices.as_slice(), renewal.severity),
        (&["thermo-0042".to_owned()][..], Severity::Info)
    );
    assert_eq!(report.findings.len(), 3);
}

#[test]
fn fleet_sample_groups_devices_by_kind_and_cause() {
    let report = diagnose("fleet-site-outage.jsonl");
    assert_eq!((report.summary.records_read, report.summary.records_skipped), (27, 0));
    let offline = only(&report, FindingKind::DeviceOffline);
    assert_eq!(offline.devices, ["shelf-01", "shelf-02", "shelf-03", "shelf-04"]);
    assert_eq!((offline.count, offline.severity), (4, Severity::Error));
    assert_eq!(
        offline.title,
        "4 devices: disconnected between 2024-05-15T09:12:03Z and 2024-05-15T09:12:09Z and not back"
    );
    assert!(
        offline.explanation.contains("shelf-01, shelf-02, shelf-03 and shelf-04"),
        "{}",
        offline.explanation
    );
    assert_eq!(offline.evidence.len(), 4);
    let network = only(&report, FindingKind::NetworkDisconnect);
    assert_eq!(network.devices, ["dock-1", "dock-2", "dock-3"]);
    assert_eq!((network.count, network.codes.as_slice()), (6, &[404104][..]));
    let top: Vec<(&str, u64)> =
        network.details.top_offenders.iter().map(|o| (o.device.as_str(), o.count)).collect();
    assert_eq!(top, [("dock-1", 3), ("dock-3", 2), ("dock-2", 1)]);
    assert_eq!(
        network.title,
        "3 devices: 6 unexpected disconnects without token expiry; top offender dock-1 (3)"
    );
    assert!(network.actions[0].starts_with("Start with dock-1:"), "{}", network.actions[0]);
    assert_eq!(network.timeline.len(), 6);
    assert_eq!(network.first.as_deref(), Some("2024-05-15T08:20:14Z"));
    assert_eq!(network.last.as_deref(), Some("2024-05-15T09:40:08Z"));
    let link = only(&report, FindingKind::LinkConflictSideEffect);
    assert_eq!(link.devices, ["dock-1", "dock-3"]);
    assert_eq!((link.count, link.severity), (2, Severity::Info));
    assert_eq!(link.details.root_cause.as_deref(), Some("404104"));
    assert!(link.title.starts_with("2 devices: "), "{}", link.title);
    assert_eq!(report.findings.len(), 3, "{:#?}", kinds(&report));
}

#[test]
fn every_finding_explains_itself_and_links_the_catalog() {
    for file in [
        "connections-sas-renewal.jsonl",
        "mass-disconnect.eventhub.json",
        "throttling.jsonl",
        "azurediagnostics-export.csv",
        "eventgrid-connection-state.json",
        "fleet-site-outage.jsonl",
    ] {
        for finding in diagnose(file).findings {
            assert!(
                finding.explanation.len() > 80 && !finding.actions.is_empty(),
                "{file}: {}",
                finding.title
            );
            assert!(finding.first.is_some() && finding.last.is_some() && !finding.timeline.is_empty());
            assert_eq!(finding.entries.len(), finding.codes.len(), "{file}: {}", finding.title);
            assert!(!finding.evidence.is_empty());
        }
    }
}

#[test]
fn order_shuffling_and_duplicates_do_not_change_the_diagnosis() {
    let path = format!("{}/../testdata/logs/connections-sas-renewal.jsonl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    // Swap neighbours (records up to a few minutes out of order) and repeat every fifth line.
    for i in (0..lines.len() - 1).step_by(2) {
        lines.swap(i, i + 1);
    }
    let mut shuffled = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        shuffled.push(*line);
        if i % 5 == 0 {
            shuffled.push(*line);
        }
    }
    let report = diagnose_text(&shuffled.join("\n"));
    let original = diagnose("connections-sas-renewal.jsonl");
    assert_eq!(kinds(&report), kinds(&original));
    assert_eq!(report.summary.duplicates, 7);
    assert_eq!(report.summary.records_read, 40);
}

#[test]
fn grouped_findings_do_not_depend_on_the_order_of_the_records() {
    let path = format!("{}/../testdata/logs/fleet-site-outage.jsonl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    // Everything but where the evidence is in the input.
    let words = |report: &Report| -> Vec<String> {
        report
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {:?} {} {:?} {} {} {:?} {:?} {:?}",
                    f.title,
                    f.devices,
                    f.count,
                    f.details,
                    f.explanation,
                    f.evidence.len(),
                    f.actions,
                    f.timeline,
                    f.kql
                )
            })
            .collect()
    };
    let expected = words(&diagnose_text(&text));
    // Records reversed within each four minutes (the reorder window is five): the shelves' disconnects, the
    // first connects, dock-1's reconnect and its 409002 all come in the opposite order.
    let mut lines: Vec<&str> = text.lines().collect();
    let bucket = |line: &str| {
        let minute: u32 = line[23..25].parse().unwrap();
        (line[9..22].to_owned(), minute / 4)
    };
    lines.sort_by(|a, b| bucket(a).cmp(&bucket(b)).then(b.cmp(a)));
    assert_ne!(lines.join("\n"), text.trim_end());
    assert_eq!(words(&diagnose_text(&lines.join("\n"))), expected);
}

#[test]
fn errors_per_hour_cover_the_same_hours_as_records() {
    for file in ["connections-sas-renewal.jsonl", "throttling.jsonl", "azurediagnostics-export.csv"] {
        let summary = diagnose(file).summary;
        let hours: Vec<&str> = summary.by_hour.iter().map(|c| c.key.as_str()).collect();
        let error_hours: Vec<&str> = summary.errors_by_hour.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(hours, error_hours, "{file}");
        assert!(
            summary
                .by_hour
                .iter()
                .zip(&summary.errors_by_hour)
                .all(|(all, errors)| errors.count <= all.count)
        );
        // Every record of these samples has a time, so the hourly errors add up to all errors.
        assert_eq!(summary.errors_by_hour.iter().map(|c| c.count).sum::<u64>(), summary.errors, "{file}");
    }
    let empty = diagnose_text("no log here").summary;
    assert!(empty.by_hour.is_empty() && empty.errors_by_hour.is_empty());
}
