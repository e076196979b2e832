//! Unit tests of the diagnosis engine: canonical order, exact duplicates, incidents sized by their own hub,
//! caps that never hide records, and mergeable hub partials.

use super::collect::Stored;
use super::hub::{Earliest, HubPartial};
use super::{FindingKind, Report, diagnose_text};
use crate::logs::{Format, Level};

/// 2024-05-14T00:00:00Z.
const START: i64 = 1_715_644_800_000;

/// A storage-shaped Connections record.
fn record(hub: &str, device: &str, seconds: i64, operation: &str, code: Option<u32>) -> String {
    let time = crate::time::format(START + seconds * 1000);
    let (level, result) = match code {
        Some(code) => ("Error", code.to_string()),
        None => ("Information", "0".to_owned()),
    };
    format!(
        r#"{{"time":"{time}","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/{hub}","operationName":"{operation}","category":"Connections","level":"{level}","resultType":"{result}","properties":"{{\"deviceId\":\"{device}\",\"protocol\":\"Mqtt\"}}"}}"#
    )
}

fn report(lines: &[String]) -> Report {
    diagnose_text(&lines.join("\n"))
}

fn kinds(report: &Report) -> Vec<FindingKind> {
    report.findings.iter().map(|finding| finding.kind).collect()
}

#[test]
fn a_renewal_cycle_is_found_whatever_order_its_records_come_in() {
    let mut lines = Vec::new();
    lines.push(record("HUB", "d1", 0, "deviceConnect", None));
    for cycle in 1..=3 {
        let at = cycle * 3600;
        lines.push(record("HUB", "d1", at, "deviceDisconnect", Some(401003)));
        lines.push(record("HUB", "d1", at + 1, "deviceDisconnect", Some(404104)));
        lines.push(record("HUB", "d1", at + 30, "deviceConnect", None));
    }
    let forward = report(&lines);
    assert_eq!(kinds(&forward), [FindingKind::SasTokenRenewal]);
    lines.reverse();
    let mut backward = report(&lines);
    // Positions differ (the lines moved); everything else is the same.
    let mut forward = forward;
    for finding in forward.findings.iter_mut().chain(backward.findings.iter_mut()) {
        finding.evidence.clear();
    }
    assert_eq!(forward.findings, backward.findings);
}

#[test]
fn exact_duplicates_are_dropped_and_records_that_differ_are_kept() {
    let line = record("HUB", "d1", 10, "deviceDisconnect", Some(404104));
    let other_code = record("HUB", "d1", 10, "deviceDisconnect", Some(500001));
    let report = report(&[line.clone(), other_code, line]);
    assert_eq!(report.summary.records_read, 3);
    assert_eq!(report.summary.duplicates, 1);
    assert_eq!(report.summary.errors, 2);
}

#[test]
fn device_ids_are_unique_only_within_their_hub() {
    let lines = [
        record("HUB-A", "d1", 0, "deviceConnect", None),
        record("HUB-B", "d1", 0, "deviceConnect", None),
        record("HUB-B", "d1", 60, "deviceDisconnect", Some(404104)),
        record("HUB-B", "d1", 3600, "deviceConnect", None),
    ];
    let report = report(&lines);
    assert_eq!(report.summary.devices, 2);
    let network: Vec<_> = report.of_kind(FindingKind::NetworkDisconnect).collect();
    assert_eq!(network.len(), 1);
    assert_eq!(network[0].hub.as_deref(), Some("hub-b"));
    assert_eq!(report.summary.by_device[0].key, "hub-b:d1");
}

/// 81 of a hub's 4000 devices (2 %) dropping in one minute is an incident of that hub; its drops are not also
/// network disconnects, however many drops a device had before (the per-device caps do not hide any).
#[test]
fn incidents_are_sized_by_their_hub_and_absorb_every_drop() {
    let mut lines = Vec::new();
    for device in 0..4000 {
        lines.push(record("BIG", &format!("d{device}"), 0, "deviceConnect", None));
    }
    // One device flaps 70 times first, far from the incident: those are its own network disconnects.
    for flap in 0..70 {
        let at = 600 + flap * 120;
        lines.push(record("BIG", "d0", at, "deviceDisconnect", Some(404104)));
        lines.push(record("BIG", "d0", at + 30, "deviceConnect", None));
    }
    for device in 0..81 {
        let at = 20_000 + device % 50;
        lines.push(record("BIG", &format!("d{device}"), at, "deviceDisconnect", Some(500001)));
        lines.push(record("BIG", &format!("d{device}"), at + 90, "deviceConnect", None));
    }
    let report = report(&lines);
    let mass: Vec<_> = report.of_kind(FindingKind::MassDisconnect).collect();
    assert_eq!(mass.len(), 1, "{:?}", kinds(&report));
    assert_eq!(mass[0].devices.len(), 81);
    let network: Vec<_> = report.of_kind(FindingKind::NetworkDisconnect).collect();
    assert_eq!(network.len(), 1);
    assert_eq!(network[0].count, 70, "the incident's drop of d0 is not a network disconnect");
    // 79 devices of 4000 stay below 2 %: no incident.
    let fewer: Vec<String> = lines
        .into_iter()
        .filter(|line| !(line.contains(r#"\"deviceId\":\"d80\""#) && line.contains("500001")))
        .filter(|line| !(line.contains(r#"\"deviceId\":\"d79\""#) && line.contains("500001")))
        .collect();
    assert_eq!(super::diagnose_text(&fewer.join("\n")).of_kind(FindingKind::MassDisconnect).count(), 0);
}

fn stored(time: i64, code: u32) -> Stored {
    let source = crate::logs::RecordRef { input: 0, line: 1, index: 0 };
    Stored::new(
        time,
        source,
        Some(code),
        Level::Error,
        Format::StorageJsonLines,
        super::collect::Action::Other,
    )
}

#[test]
fn a_stored_record_takes_32_bytes_and_keeps_its_fields() {
    assert_eq!(std::mem::size_of::<Stored>(), 32);
    let source = crate::logs::RecordRef { input: 3, line: 7, index: 5 };
    for level in Level::ALL {
        for format in Format::ALL {
            let stored =
                Stored::new(9, source, Some(999_999), level, format, super::collect::Action::Disconnect);
            assert_eq!((stored.level(), stored.format(), stored.code()), (level, format, Some(999_999)));
            assert_eq!((stored.action(), stored.source()), (super::collect::Action::Disconnect, source));
        }
    }
}

#[test]
fn earliest_keeps_the_earliest_whatever_the_order() {
    let times: Vec<i64> = (0..500).map(|n| (n * 7919) % 500).collect();
    let event = |t: i64| (t, None, 429001, crate::logs::RecordRef::default());
    let mut forward = Earliest::new(10);
    let mut backward = Earliest::new(10);
    for &t in &times {
        forward.push(event(t));
    }
    for &t in times.iter().rev() {
        backward.push(event(t));
    }
    let expected: Vec<_> = (0..10).map(event).collect();
    assert_eq!(forward.into_sorted(), expected);
    assert_eq!(backward.into_sorted(), expected);
}

#[test]
fn hub_partials_merge_in_any_order() {
    let part = |codes: &[(i64, u32)], device: &str| {
        let mut hub = HubPartial::default();
        for &(at, code) in codes {
            hub.event(&stored(START + at * 1000, code), Some(device));
        }
        hub
    };
    let a = part(&[(0, 429001), (30, 429001), (5000, 403002)], "a");
    let b = part(&[(10, 429002), (900, 429001)], "b");
    let c = part(&[(20, 403002)], "c");
    let mut abc = a.clone();
    abc.merge(b.clone());
    abc.merge(c.clone());
    let mut cba = c;
    cba.merge(b);
    cba.merge(a);
    assert_eq!(abc, cba);
    let bursts = abc.bursts();
    assert_eq!(bursts.len(), 2, "errors 15 minutes apart are two bursts");
    assert_eq!(bursts[0].count, 3);
    assert_eq!(abc.quota.count, 2);
}
