//! End-to-end tests of the fleet simulator: determinism, every format's syntax, scenario ground truth and noise.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use iothub_errors_sim::{
    Category, Config, Event, Fleet, Format, HUB, Kind, Level, Operation, RESOURCE_ID, blob_path, hub_name,
    hub_resource_id, simulate, truth_for, truth_json, write, write_layout,
};
use support::{Json, csv, parse, parse_stream};

const HOUR: i64 = 3_600_000;

fn config(seed: u64, scenarios: Vec<Kind>) -> Config {
    Config { seed, devices: 120, hours: 6, scenarios, ..Config::default() }
}

fn render(fleet: &Fleet, format: Format) -> (String, u64) {
    let mut out = Vec::new();
    let count = write(fleet, format, &mut out).expect("writing to a Vec cannot fail");
    (String::from_utf8(out).expect("output is UTF-8"), count)
}

/// Records of one device in true order (no duplicates).
fn device_events<'a>(fleet: &'a Fleet, device: &str) -> Vec<&'a Event> {
    let mut events: Vec<&Event> =
        fleet.events.iter().filter(|e| !e.duplicate && &*e.device == device).collect();
    events.sort_by_key(|e| e.seq);
    events
}

fn is_connect_ok(e: &Event) -> bool {
    e.operation == Operation::DeviceConnect && e.level == Level::Information
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = simulate(&config(42, Vec::new()));
    let b = simulate(&config(42, Vec::new()));
    assert_eq!(a.truth, b.truth);
    for format in Format::ALL {
        assert_eq!(render(&a, format), render(&b, format), "{format} differs between runs");
    }
    let c = simulate(&config(43, Vec::new()));
    assert_ne!(render(&a, Format::StorageJsonLines).0, render(&c, Format::StorageJsonLines).0);
    assert_ne!(a.truth, c.truth);
}

#[test]
fn all_kinds_by_default() {
    let fleet = simulate(&Config::default());
    let kinds: BTreeSet<Kind> = fleet.truth.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, Kind::ALL.into_iter().collect(), "{}", truth_json(&fleet.truth));
    for t in &fleet.truth {
        assert!(t.first_ms <= t.last_ms, "{t:?}");
        assert_eq!(t.devices.is_empty(), t.kind == Kind::QuotaExceeded, "{t:?}");
    }
    // The log holds plenty of healthy records, not only errors.
    let info = fleet.events.iter().filter(|e| e.level == Level::Information).count();
    assert!(info * 2 > fleet.events.len(), "{info} of {}", fleet.events.len());
}

/// Codes whose presence on a device proves it lives through `kind`.
fn signature(kind: Kind) -> &'static [u32] {
    match kind {
        Kind::SasTokenRenewal | Kind::DeviceOffline => &[],
        Kind::NetworkDisconnect => &[404_104],
        Kind::MassDisconnect => &[500_001, 500_008, 404_104],
        Kind::LinkConflictSideEffect => &[409_002],
        Kind::DuplicateIdentity => &[400_027],
        Kind::TimeDrift => &[401_003],
        Kind::ThrottlingBurst => &[429_001, 429_002],
        Kind::QuotaExceeded => &[403_002],
        Kind::FileUploadLimit => &[403_006],
        Kind::C2dLockLost => &[412_002],
        Kind::C2dQueueFull => &[403_004],
        Kind::DeviceNotOnline => &[404_103],
    }
}

#[test]
fn each_kind_alone_appears_in_truth_and_output() {
    for kind in Kind::ALL {
        let fleet = simulate(&config(7, vec![kind]));
        let kinds: BTreeSet<Kind> = fleet.truth.iter().map(|t| t.kind).collect();
        let mut expected = BTreeSet::from([kind]);
        if kind == Kind::LinkConflictSideEffect {
            expected.insert(Kind::NetworkDisconnect); // the disconnect it rides on
        }
        assert_eq!(kinds, expected, "{kind}: {}", truth_json(&fleet.truth));
        let (storage, _) = render(&fleet, Format::StorageJsonLines);
        for t in fleet.truth.iter().filter(|t| t.kind == kind) {
            if kind == Kind::QuotaExceeded {
                assert!(storage.contains("\"resultType\":\"403002\""));
            }
            for device in &t.devices {
                assert!(
                    storage.contains(&format!("{{\\\"deviceId\\\":\\\"{device}\\\"")),
                    "{kind}: {device}"
                );
                let codes = signature(kind);
                if !codes.is_empty() {
                    let hit = device_events(&fleet, device)
                        .iter()
                        .any(|e| e.code.is_some_and(|c| codes.contains(&c)));
                    assert!(hit, "{kind}: {device} has none of {codes:?}");
                }
                let own: Vec<i64> = device_events(&fleet, device).iter().map(|e| e.time_ms).collect();
                assert!(
                    own.contains(&t.first_ms) || own.contains(&t.last_ms) || t.devices.len() > 1,
                    "{kind}"
                );
            }
        }
        // Without SasTokenRenewal nobody renews, so no 401003 disconnects muddy other scenarios.
        if kind != Kind::SasTokenRenewal {
            assert!(
                !fleet
                    .events
                    .iter()
                    .any(|e| e.operation == Operation::DeviceDisconnect && e.code == Some(401_003))
            );
        }
        // Error codes not belonging to the requested scenario do not appear.
        let allowed: BTreeSet<u32> = expected.iter().flat_map(|k| signature(*k).iter().copied()).collect();
        let extra = |c: u32| match kind {
            Kind::SasTokenRenewal => c == 401_003 || c == 404_104,
            Kind::DeviceOffline => c == 404_104,
            Kind::NetworkDisconnect | Kind::LinkConflictSideEffect => c == 500_008,
            Kind::MassDisconnect => c == 500_001 || c == 500_008,
            _ => false,
        };
        for e in &fleet.events {
            if let Some(code) = e.code {
                assert!(allowed.contains(&code) || extra(code), "{kind}: unexpected {code}");
            }
        }
    }
}

#[test]
fn scenario_semantics() {
    let fleet = simulate(&Config { seed: 11, devices: 300, hours: 8, ..Config::default() });
    let end = Config::default().start_unix_ms + 8 * HOUR;
    let truth: BTreeMap<Kind, Vec<&iothub_errors_sim::Truth>> =
        fleet.truth.iter().fold(BTreeMap::new(), |mut m, t| {
            m.entry(t.kind).or_insert_with(Vec::new).push(t);
            m
        });
    let all_devices: BTreeSet<&str> = fleet.events.iter().map(|e| &*e.device).collect();
    assert_eq!(all_devices.len(), 300);

    // SAS renewal covers most MQTT devices; .NET/Java cycles are 401003 then 404104 then a connect within a minute.
    let sas = &truth[&Kind::SasTokenRenewal][0];
    assert!(sas.devices.len() > 100, "{}", sas.devices.len());

    // Mass disconnect: >= 8 devices, all errors within 20 s, all back within 3 min.
    let mass = &truth[&Kind::MassDisconnect][0];
    assert!(mass.devices.len() >= 30 && mass.devices.len() <= 75, "{}", mass.devices.len());
    let drops: Vec<i64> = mass
        .devices
        .iter()
        .filter_map(|d| {
            device_events(&fleet, d)
                .into_iter()
                .find(|e| {
                    e.operation == Operation::DeviceDisconnect
                        && (mass.first_ms..=mass.last_ms).contains(&e.time_ms)
                })
                .map(|e| e.time_ms)
        })
        .collect();
    assert_eq!(drops.len(), mass.devices.len());
    let (lo, hi) = (drops.iter().min().copied().unwrap_or(0), drops.iter().max().copied().unwrap_or(0));
    assert!(hi - lo <= 20_000, "spread {}", hi - lo);
    assert!(mass.last_ms - lo <= 185_000);
    let failed_reconnects = fleet
        .events
        .iter()
        .filter(|e| {
            !e.duplicate
                && e.operation == Operation::DeviceConnect
                && matches!(e.code, Some(500_001 | 500_008))
        })
        .filter(|e| mass.devices.iter().any(|d| **d == *e.device))
        .count();
    assert!(failed_reconnects >= 1 && failed_reconnects * 4 <= mass.devices.len(), "{failed_reconnects}");

    // Network disconnect: 404104 with no 401003 on the device in the seconds before; reconnect 1-10 min later.
    for device in &truth[&Kind::NetworkDisconnect][0].devices {
        let events = device_events(&fleet, device);
        // Renewal drops are 401003 then 404104 within 2 s; the network ones have no 401003 before them.
        let renewal = |drop: &Event| {
            events.iter().any(|e| {
                e.code == Some(401_003) && (drop.time_ms - 2_000..=drop.time_ms).contains(&e.time_ms)
            })
        };
        let drops: Vec<&&Event> = events.iter().filter(|e| e.code == Some(404_104) && !renewal(e)).collect();
        assert!((2..=4).contains(&drops.len()), "{device}: {}", drops.len());
        for drop in drops {
            let back = events
                .iter()
                .find(|e| is_connect_ok(e) && e.time_ms > drop.time_ms)
                .map(|e| e.time_ms - drop.time_ms);
            assert!(back.is_some_and(|gap| (60_000..=600_000).contains(&gap)), "{device}: {back:?}");
        }
    }

    // Link conflict: connect + 409002 in the same second, right after a reconnect.
    for device in &truth[&Kind::LinkConflictSideEffect][0].devices {
        let events = device_events(&fleet, device);
        let conflict = events.iter().position(|e| e.code == Some(409_002)).unwrap_or(0);
        assert!(
            conflict >= 2
                && is_connect_ok(events[conflict - 1])
                && events[conflict - 1].time_ms == events[conflict].time_ms
        );
        assert!(
            events[..conflict]
                .iter()
                .any(|e| e.operation == Operation::DeviceDisconnect && e.level == Level::Error)
        );
    }

    // Duplicate identity: two IPs, 400027 repeated for at least an hour.
    for device in &truth[&Kind::DuplicateIdentity][0].devices {
        let events = device_events(&fleet, device);
        let kicks: Vec<&&Event> = events.iter().filter(|e| e.code == Some(400_027)).collect();
        let ips: BTreeSet<[u8; 3]> = kicks.iter().map(|e| e.ip).collect();
        assert_eq!(ips.len(), 2);
        assert!(kicks.len() >= 6 && kicks[kicks.len() - 1].time_ms - kicks[0].time_ms >= HOUR - 10 * 60_000);
    }

    // Time drift: healthy connects before, only 401003 connects after, with growing backoff.
    for device in &truth[&Kind::TimeDrift][0].devices {
        let events = device_events(&fleet, device);
        let first_fail = events
            .iter()
            .position(|e| e.operation == Operation::DeviceConnect && e.code == Some(401_003))
            .unwrap_or(0);
        assert!(
            events[..first_fail].iter().filter(|e| is_connect_ok(e)).count() >= 2,
            "{device}: no healthy history"
        );
        let after: Vec<&&Event> =
            events[first_fail..].iter().filter(|e| e.category == Category::Connections).collect();
        assert!(after.iter().all(|e| e.code == Some(401_003) && e.operation == Operation::DeviceConnect));
        let gaps: Vec<i64> = after.windows(2).map(|w| (w[1].time_ms - w[0].time_ms) / 60_000).collect();
        assert!(gaps.len() >= 5 && gaps[..5] == [1, 2, 4, 8, 16], "{gaps:?}");
    }

    // Throttling: 2-5 devices, one produces most records, 429002 at the end.
    for burst in &truth[&Kind::ThrottlingBurst] {
        assert!((2..=5).contains(&burst.devices.len()));
        assert!(burst.last_ms - burst.first_ms <= 180_000);
        let records: Vec<&Event> = fleet
            .events
            .iter()
            .filter(|e| !e.duplicate && matches!(e.code, Some(429_001 | 429_002)))
            .collect();
        let mut by_device: HashMap<&str, usize> = HashMap::new();
        for e in records.iter().filter(|e| (burst.first_ms..=burst.last_ms).contains(&e.time_ms)) {
            *by_device.entry(&e.device).or_default() += 1;
        }
        let total: usize = by_device.values().sum();
        let top = by_device.values().max().copied().unwrap_or(0);
        assert!(top * 100 >= total * 55, "{top} of {total}");
    }

    // Lock lost: the same messageId with deliveryCount 1, 2, 3 about a minute apart.
    for device in &truth[&Kind::C2dLockLost][0].devices {
        let events = device_events(&fleet, device);
        let lost: Vec<&&Event> = events.iter().filter(|e| e.code == Some(412_002)).collect();
        let first = lost[0].message.as_ref().map(|m| (m.message_id.clone(), m.delivery_count));
        let ids: Vec<(String, u32)> = lost
            .iter()
            .take(3)
            .filter_map(|e| e.message.as_ref().map(|m| (m.message_id.clone(), m.delivery_count)))
            .collect();
        assert_eq!(ids.iter().map(|i| i.1).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(ids.iter().all(|i| Some(&i.0) == first.as_ref().map(|f| &f.0)));
    }

    // Offline: a final disconnect >= 20 min before the end, nothing connection-wise after it.
    for device in &truth[&Kind::DeviceOffline][0].devices {
        let events = device_events(&fleet, device);
        let last = events.last().map(|e| (e.operation, e.time_ms));
        assert!(
            matches!(last, Some((Operation::DeviceDisconnect, t)) if t <= end - 20 * 60_000),
            "{device}: {last:?}"
        );
    }

    // Not online: every 404103 happens while the device has no connection.
    for device in &truth[&Kind::DeviceNotOnline][0].devices {
        let events = device_events(&fleet, device);
        for (i, _) in events.iter().enumerate().filter(|(_, e)| e.code == Some(404_103)) {
            let connected = events[..i]
                .iter()
                .rev()
                .find(|e| e.category == Category::Connections)
                .is_some_and(|e| is_connect_ok(e));
            assert!(!connected, "{device}: connected at a 404103");
        }
    }

    // Scenario devices are disjoint, except the link conflict which rides on another scenario's device.
    let mut owner: HashMap<&str, Kind> = HashMap::new();
    for t in
        fleet.truth.iter().filter(|t| !matches!(t.kind, Kind::SasTokenRenewal | Kind::LinkConflictSideEffect))
    {
        for d in &t.devices {
            if let Some(other) = owner.insert(d, t.kind) {
                assert_eq!(other, t.kind, "{d} is in two scenarios");
            }
        }
    }
    for d in &truth[&Kind::LinkConflictSideEffect][0].devices {
        assert!(matches!(owner.get(d.as_str()), Some(Kind::MassDisconnect | Kind::NetworkDisconnect)));
    }
}

#[test]
fn connection_state_machine_holds_for_every_device() {
    for seed in [1, 2, 3] {
        let fleet = simulate(&Config { seed, devices: 150, hours: 7, ..Config::default() });
        let overlapping: BTreeSet<&str> = fleet
            .truth
            .iter()
            .filter(|t| matches!(t.kind, Kind::DuplicateIdentity | Kind::LinkConflictSideEffect))
            .flat_map(|t| t.devices.iter().map(String::as_str))
            .collect();
        let mut by_device: HashMap<&str, Vec<&Event>> = HashMap::new();
        for e in fleet.events.iter().filter(|e| !e.duplicate) {
            by_device.entry(&e.device).or_default().push(e);
        }
        for (device, mut events) in by_device {
            events.sort_by_key(|e| e.seq);
            let mut connected = false;
            let mut last_401003 = i64::MIN / 2;
            for e in events {
                let context = format!("seed {seed} {device} {:?} {:?} at {}", e.operation, e.code, e.time_ms);
                match (e.category, e.operation, e.level, e.code) {
                    (Category::Connections, Operation::DeviceConnect, Level::Information, _) => {
                        assert!(!connected || overlapping.contains(device), "{context}: already connected");
                        connected = true;
                    }
                    (Category::Connections, Operation::DeviceConnect, Level::Error, _) => {
                        assert!(!connected, "{context}: failed connect while connected")
                    }
                    (Category::Connections, Operation::DeviceDisconnect, _, Some(409_002 | 400_027)) => {
                        assert!(connected, "{context}")
                    }
                    (Category::Connections, Operation::DeviceDisconnect, _, code) => {
                        let second_record = code == Some(404_104) && e.time_ms - last_401003 <= 2_000;
                        assert!(connected || second_record, "{context}: disconnect while disconnected");
                        if code == Some(401_003) {
                            last_401003 = e.time_ms;
                        }
                        connected = false;
                    }
                    (Category::D2CTwinOperations | Category::DirectMethods, _, Level::Information, _) => {
                        assert!(connected, "{context}: traffic while offline")
                    }
                    (Category::DirectMethods, _, _, Some(404_103)) => assert!(!connected, "{context}"),
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn noise_duplicates_and_bounded_jitter() {
    let cfg = Config { duplicates_percent: 5, max_skew_ms: 90_000, ..config(3, Vec::new()) };
    let fleet = simulate(&cfg);
    let originals = fleet.events.iter().filter(|e| !e.duplicate).count();
    let duplicates = fleet.events.len() - originals;
    assert!(
        duplicates * 100 > originals * 3 && duplicates * 100 < originals * 7,
        "{duplicates} of {originals}"
    );
    let mut out_of_order = 0;
    let mut latest = i64::MIN;
    for e in &fleet.events {
        if e.time_ms < latest {
            out_of_order += 1;
            assert!(latest - e.time_ms <= cfg.max_skew_ms, "skew {}", latest - e.time_ms);
        }
        latest = latest.max(e.time_ms);
    }
    assert!(out_of_order > 0);
    // Each duplicate is an exact copy of a record.
    let seqs: BTreeSet<u32> = fleet.events.iter().filter(|e| !e.duplicate).map(|e| e.seq).collect();
    assert_eq!(seqs.len(), originals);
    for dup in fleet.events.iter().filter(|e| e.duplicate) {
        let original = fleet.events.iter().find(|e| !e.duplicate && e.seq == dup.seq);
        assert_eq!(
            original.map(|o| (o.time_ms, &o.device, o.code)),
            Some((dup.time_ms, &dup.device, dup.code))
        );
    }

    let clean = simulate(&Config { duplicates_percent: 0, max_skew_ms: 0, ..cfg });
    assert!(clean.events.iter().all(|e| !e.duplicate));
    assert!(clean.events.windows(2).all(|w| w[0].time_ms <= w[1].time_ms && w[0].seq < w[1].seq));
}

fn check_record(record: &Json) {
    let keys = record.keys();
    let level = record.str("level").unwrap_or("");
    let mut expected = vec!["time", "resourceId", "operationName", "category", "level"];
    if level == "Error" {
        expected.extend(["resultType", "resultDescription"]);
        let result = record.str("resultType").unwrap_or("");
        assert!(result.len() == 6 && result.bytes().all(|b| b.is_ascii_digit()), "{result}");
    } else {
        assert_eq!(level, "Information");
    }
    let category = record.str("category").unwrap_or("");
    if matches!(
        category,
        "C2DTwinOperations" | "D2CTwinOperations" | "DirectMethods" | "FileUploadOperations"
    ) {
        expected.push("durationMs");
        assert!(record.str("durationMs").is_some_and(|d| d.parse::<u32>().is_ok()));
    }
    expected.extend(["properties", "location"]);
    assert_eq!(keys, expected, "{record:?}");
    let time = record.str("time").unwrap_or("");
    assert!(time.len() == 20 && time.ends_with('Z') && time.as_bytes()[10] == b'T', "{time}");
    let properties = parse(record.str("properties").unwrap_or("")).expect("properties is JSON text");
    assert!(properties.str("deviceId").is_some_and(|d| !d.is_empty()));
    for key in ["authType", "authenticationType"] {
        if let Some(Json::Str(auth)) = properties.get(key) {
            assert_eq!(
                parse(auth).ok().and_then(|a| a.str("scope").map(str::to_owned)).as_deref(),
                Some("device")
            );
        }
    }
    if category == "Connections" {
        let status = properties.get("statusCode");
        if level == "Error" {
            let code = record.str("resultType").unwrap_or("");
            assert_eq!(status, Some(&Json::Str(code[..3].to_string())));
        } else {
            assert_eq!(status, Some(&Json::Null));
        }
        assert!(properties.str("maskedIpAddress").is_some_and(|ip| ip.ends_with(".XXX")));
    }
}

#[test]
fn storage_lines_are_records() {
    let fleet = simulate(&config(5, Vec::new()));
    let (text, count) = render(&fleet, Format::StorageJsonLines);
    assert_eq!(count as usize, fleet.events.len());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), fleet.events.len());
    let mut categories = BTreeSet::new();
    for line in lines {
        let record = parse(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        check_record(&record);
        categories.insert(record.str("category").unwrap_or("").to_string());
    }
    assert_eq!(categories.len(), 7, "{categories:?}");
}

#[test]
fn event_hubs_documents() {
    let fleet = simulate(&config(5, Vec::new()));
    let (text, count) = render(&fleet, Format::EventHubsRecords);
    assert!(text.starts_with("{\"records\":[\n{\"time\""));
    let documents = parse_stream(&text).expect("concatenated JSON documents");
    let sizes: Vec<usize> =
        documents.iter().map(|d| d.get("records").map_or(0, |r| r.items().len())).collect();
    assert_eq!(sizes.iter().sum::<usize>() as u64, count);
    assert!(sizes.len() > 10);
    assert!(sizes[..sizes.len() - 1].iter().all(|&n| (100..=500).contains(&n)), "{sizes:?}");
    for document in &documents {
        assert_eq!(document.keys(), ["records"]);
        if let Some(records) = document.get("records") {
            records.items().iter().for_each(check_record);
        }
    }
}

const CSV_HEADER: &str = "TenantId,SourceSystem,TimeGenerated [UTC],ResourceId,Category,ResourceGroup,SubscriptionId,ResourceProvider,Resource,ResourceType,OperationName,ResultType,ResultDescription,ResultSignature,CorrelationId,CallerIPAddress,Level,DurationMs,OperationVersion,location_s,properties_s,Type,_ResourceId";

#[test]
fn azure_diagnostics_csv_rows() {
    let fleet = simulate(&config(5, Vec::new()));
    let (text, count) = render(&fleet, Format::AzureDiagnosticsCsv);
    assert!(text.starts_with(&format!("{CSV_HEADER}\n")));
    let rows = csv(&text).expect("valid CSV");
    assert_eq!(rows.len() as u64, count + 1);
    let header = &rows[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let (time, props, result, level, kind) = (
        column("TimeGenerated [UTC]"),
        column("properties_s"),
        column("ResultType"),
        column("Level"),
        column("Type"),
    );
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len());
        let t = &row[time];
        let (date, clock) = t.split_once(", ").expect("`M/D/YYYY, h:mm:ss.fff AM`");
        assert_eq!(date.split('/').count(), 3);
        assert!((clock.ends_with(" AM") || clock.ends_with(" PM")) && clock.contains('.'), "{t}");
        assert!(parse(&row[props]).is_ok(), "{}", row[props]);
        assert_eq!(row[result].is_empty(), row[level] == "Information");
        assert_eq!(row[kind], "AzureDiagnostics");
    }
    // Same header as the fixture, when the shared fixtures are present.
    let fixture =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/sample-logs/azurediagnostics-export.csv");
    if let Ok(text) = std::fs::read_to_string(fixture) {
        assert_eq!(text.lines().next(), Some(CSV_HEADER));
    }
}

#[test]
fn log_analytics_rows() {
    let fleet = simulate(&config(5, Vec::new()));
    let (text, count) = render(&fleet, Format::LogAnalyticsJson);
    let rows = parse(&text).expect("one JSON array");
    assert_eq!(rows.items().len() as u64, count);
    for row in rows.items() {
        assert_eq!(
            row.keys(),
            [
                "TimeGenerated",
                "Category",
                "OperationName",
                "Level",
                "ResultType",
                "ResultDescription",
                "properties_s",
                "Resource",
                "ResourceId",
                "Type"
            ]
        );
        assert!(matches!(row, Json::Obj(fields) if fields.iter().all(|(_, v)| matches!(v, Json::Str(_)))));
        let t = row.str("TimeGenerated").unwrap_or("");
        assert!(t.len() == 28 && t.ends_with("Z") && t.as_bytes()[19] == b'.', "{t}");
        assert!(parse(row.str("properties_s").unwrap_or("")).is_ok());
    }
    assert!(parse(&render(&Fleet::default(), Format::LogAnalyticsJson).0).is_ok());
}

#[test]
fn event_grid_events_and_truth() {
    let fleet = simulate(&config(9, Vec::new()));
    let (text, count) = render(&fleet, Format::EventGrid);
    let events = parse(&text).expect("one JSON array");
    assert_eq!(events.items().len() as u64, count);
    let mut last: HashMap<String, String> = HashMap::new();
    let mut last_time = String::new();
    let mut types: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for event in events.items() {
        assert_eq!(
            event.keys(),
            ["id", "topic", "subject", "eventType", "eventTime", "data", "dataVersion", "metadataVersion"]
        );
        let data = event.get("data").expect("data");
        let device = data.str("deviceId").unwrap_or("").to_string();
        assert_eq!(event.str("subject"), Some(format!("devices/{device}").as_str()));
        let seq =
            data.get("deviceConnectionStateEventInfo").and_then(|i| i.str("sequenceNumber")).unwrap_or("");
        assert!(seq.len() == 64 && seq.bytes().all(|b| b.is_ascii_hexdigit()), "{seq}");
        if let Some(previous) = last.insert(device.clone(), seq.to_string()) {
            assert!(previous.as_str() < seq, "{device}: {previous} then {seq}");
        }
        let time = event.str("eventTime").unwrap_or("").to_string();
        assert!(time >= last_time, "events sorted by time");
        last_time = time.clone();
        let kind = event.str("eventType").unwrap_or("").to_string();
        assert!(
            kind == "Microsoft.Devices.DeviceConnected" || kind == "Microsoft.Devices.DeviceDisconnected"
        );
        types.entry(device).or_default().push((kind, time));
    }
    let truth = truth_for(&fleet, Format::EventGrid);
    assert!(truth.iter().all(|t| fleet.truth.contains(t)), "subset");
    let kinds: BTreeSet<Kind> = truth.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, BTreeSet::from([Kind::SasTokenRenewal, Kind::NetworkDisconnect, Kind::DeviceOffline]));
    // Offline devices end on DeviceDisconnected; network-disconnect devices show outages of a minute or more.
    for t in &truth {
        for device in &t.devices {
            let seen = types.get(device).cloned().unwrap_or_default();
            match t.kind {
                Kind::DeviceOffline => {
                    assert_eq!(
                        seen.last().map(|s| s.0.as_str()),
                        Some("Microsoft.Devices.DeviceDisconnected")
                    )
                }
                Kind::NetworkDisconnect => {
                    let outages = seen
                        .windows(2)
                        .filter(|w| {
                            w[0].0.ends_with("Disconnected")
                                && w[1].0.ends_with("Connected")
                                && !w[1].0.ends_with("Disconnected")
                        })
                        .count();
                    assert!(outages >= 2, "{device}: {seen:?}");
                }
                _ => {}
            }
        }
    }
    // A renewal inside one snapshot shows as a repeated DeviceConnected (the state flapped).
    let repeated = types.values().filter(|v| v.windows(2).any(|w| w[0].0 == w[1].0)).count();
    assert!(repeated > 10, "{repeated}");
    for format in Format::ALL.into_iter().filter(|f| *f != Format::EventGrid) {
        assert_eq!(truth_for(&fleet, format), fleet.truth);
    }
}

#[test]
fn operations_monitoring_lines() {
    let fleet = simulate(&config(5, Vec::new()));
    let (text, count) = render(&fleet, Format::OperationsMonitoring);
    let mut categories = BTreeSet::new();
    for line in text.lines() {
        let record = parse(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(matches!(record.get("durationMs"), Some(Json::Num(_))));
        assert!(record.get("properties").is_none());
        let error = record.str("level") == Some("Error");
        assert_eq!(matches!(record.get("statusType"), Some(Json::Num(n)) if n.len() == 6), error, "{line}");
        assert_eq!(matches!(record.get("statusCode"), Some(Json::Num(n)) if n.len() == 3), error, "{line}");
        assert!(parse(record.str("authType").unwrap_or("")).is_ok());
        categories.insert(record.str("category").unwrap_or("").to_string());
    }
    assert_eq!(text.lines().count() as u64, count);
    assert!(categories.contains("fileUpload") && !categories.contains("FileUploadOperations"));
}

#[test]
fn truth_json_is_json() {
    let fleet = simulate(&config(5, Vec::new()));
    let parsed = parse(&truth_json(&fleet.truth)).expect("truth JSON");
    assert_eq!(parsed.items().len(), fleet.truth.len());
    for (entry, t) in parsed.items().iter().zip(&fleet.truth) {
        assert_eq!(entry.keys(), ["kind", "devices", "first", "last"]);
        assert_eq!(entry.str("kind"), Some(t.kind.as_str()));
        assert_eq!(entry.get("devices").map(|d| d.items().len()), Some(t.devices.len()));
        assert!(entry.str("first").is_some_and(|f| f.ends_with('Z')));
    }
    assert_eq!(parse(&truth_json(&[])).map(|v| v.items().len()), Ok(0));
}

/// Record keys and properties keys, in order.
type Shape = (Vec<String>, Vec<String>);

#[test]
fn fixture_shapes_match() {
    // Key order of records and of their properties equals the shared fixtures', category by category.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/sample-logs/");
    let mut fixture_shapes: BTreeMap<(String, String, String), Shape> = BTreeMap::new();
    for file in ["connections-sas-renewal.jsonl", "throttling.jsonl"] {
        let Ok(text) = std::fs::read_to_string(format!("{dir}{file}")) else { return };
        for line in text.lines() {
            let record = parse(line).expect("fixture JSON");
            let properties = parse(record.str("properties").unwrap_or("")).expect("fixture properties");
            let key = (
                record.str("category").unwrap_or("").to_string(),
                record.str("operationName").unwrap_or("").to_string(),
                record.str("level").unwrap_or("").to_string(),
            );
            let shape = (
                record.keys().iter().map(|k| k.to_string()).collect(),
                properties.keys().iter().map(|k| k.to_string()).collect(),
            );
            fixture_shapes.insert(key, shape);
        }
    }
    let fleet = simulate(&config(5, Vec::new()));
    let (text, _) = render(&fleet, Format::StorageJsonLines);
    let mut matched = 0;
    for line in text.lines() {
        let record = parse(line).expect("JSON");
        let properties = parse(record.str("properties").unwrap_or("")).expect("properties");
        let key = (
            record.str("category").unwrap_or("").to_string(),
            record.str("operationName").unwrap_or("").to_string(),
            record.str("level").unwrap_or("").to_string(),
        );
        if let Some((keys, props)) = fixture_shapes.get(&key) {
            assert_eq!(&record.keys(), keys, "{line}");
            assert_eq!(&properties.keys(), props, "{line}");
            matched += 1;
        }
    }
    assert!(matched > 1000, "{matched}");
}

#[test]
fn small_and_odd_configs_do_not_panic() {
    for (devices, hours) in [(0, 1), (1, 1), (5, 1), (12, 2), (30, 0)] {
        let fleet = simulate(&Config { devices, hours, ..Config::default() });
        for format in Format::ALL {
            let (text, _) = render(&fleet, format);
            if format == Format::LogAnalyticsJson || format == Format::EventGrid {
                assert!(parse(&text).is_ok());
            }
        }
        assert!(fleet.truth.iter().all(|t| t.first_ms <= t.last_ms));
    }
    let parsed: Result<Vec<Kind>, _> = "mass-disconnect,time-drift".split(',').map(str::parse).collect();
    assert_eq!(parsed, Ok(vec![Kind::MassDisconnect, Kind::TimeDrift]));
    assert!("nope".parse::<Kind>().is_err());
    for format in Format::ALL {
        assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        assert!(!format.extension().is_empty());
    }
}

const MINUTE: i64 = 60_000;

/// A record's identity across runs of one config: its position in true order and whether it is the copy.
fn identity(e: &Event) -> (u32, bool) {
    (e.seq, e.duplicate)
}

#[test]
fn late_records_arrive_ten_to_ninety_minutes_on_and_change_nothing_else() {
    let on_time = simulate(&config(21, Vec::new()));
    assert!(on_time.events.iter().all(|e| !e.late));
    assert!(on_time.events.iter().all(|e| (0..=120_000).contains(&(e.received_ms - e.time_ms))));

    let cfg = Config { late_percent: 20, ..config(21, Vec::new()) };
    let fleet = simulate(&cfg);
    assert_eq!(fleet.truth, on_time.truth, "lateness must not change the truth");
    assert_eq!(simulate(&cfg).events, fleet.events, "deterministic per seed");
    assert_ne!(
        simulate(&Config { seed: 22, ..cfg.clone() }).events.iter().filter(|e| e.late).count(),
        0,
        "another seed has late records too"
    );

    // The same records, only delivered at other positions.
    let strip = |events: &[Event]| {
        let mut events: Vec<Event> =
            events.iter().cloned().map(|e| Event { received_ms: 0, late: false, ..e }).collect();
        events.sort_by_key(identity);
        events
    };
    assert_eq!(strip(&fleet.events), strip(&on_time.events));

    let late: Vec<&Event> = fleet.events.iter().filter(|e| e.late).collect();
    assert!(late.len() * 100 > fleet.events.len() * 17 && late.len() * 100 < fleet.events.len() * 23);
    for e in &fleet.events {
        let delay = e.received_ms - e.time_ms;
        if e.late {
            assert!((10 * MINUTE..=90 * MINUTE).contains(&delay), "late by {delay} ms");
        } else {
            assert!((0..=cfg.max_skew_ms).contains(&delay), "skew {delay} ms");
        }
    }
    assert!(fleet.events.windows(2).all(|w| w[0].received_ms <= w[1].received_ms));
    // Delays spread over the whole range, not one fixed offset.
    let spread = late.iter().map(|e| (e.received_ms - e.time_ms) / (10 * MINUTE)).collect::<BTreeSet<_>>();
    assert!(spread.len() >= 8, "{spread:?}");

    // The records that are on time keep the order they have without lateness.
    let late_ids: BTreeSet<(u32, bool)> = late.iter().map(|e| identity(e)).collect();
    let order = |events: &[Event]| -> Vec<(u32, bool)> {
        events.iter().map(identity).filter(|id| !late_ids.contains(id)).collect()
    };
    assert_eq!(order(&fleet.events), order(&on_time.events));

    // In the output, each late record comes after records 8 minutes or more younger than itself (10 minutes
    // late less 2 of skew): further than the diagnoser's 5-minute reorder window reaches.
    let (text, _) = render(&fleet, Format::StorageJsonLines);
    assert_eq!(iso_ms("2024-05-14T00:00:00Z"), cfg.start_unix_ms);
    assert_eq!(iso_ms("2024-03-01T01:02:03Z"), 1_709_254_923_000);
    let end = cfg.start_unix_ms + i64::from(cfg.hours) * HOUR;
    let mut newest = String::new();
    let mut checked = 0;
    for (line, e) in text.lines().zip(&fleet.events) {
        let record = parse(line).unwrap_or_else(|error| panic!("{error}: {line}"));
        let time = record.str("time").unwrap_or("").to_string();
        if e.late && e.time_ms + 90 * MINUTE < end {
            let behind = iso_ms(&newest) - iso_ms(&time);
            assert!(behind >= 8 * MINUTE, "{line} only {behind} ms behind {newest}");
            checked += 1;
        }
        newest = newest.max(time);
    }
    assert!(checked > 100, "{checked}");
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ`.
fn iso_ms(text: &str) -> i64 {
    let field =
        |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let (y, m, d) = (field(0..4), field(5..7), field(8..10));
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 24 + field(11..13)) * 60 + field(14..16)) * 60_000 + field(17..19) * 1000
}

/// A record without what delivery decides (position, copy, lateness), to compare fleets record by record.
fn played(e: &Event) -> Event {
    Event { seq: 0, duplicate: false, received_ms: 0, late: false, ..e.clone() }
}

/// The records of `hub` in true order, without duplicates.
fn hub_events(fleet: &Fleet, hub: u32) -> Vec<&Event> {
    let mut events: Vec<&Event> = fleet.events.iter().filter(|e| !e.duplicate && e.hub == hub).collect();
    events.sort_by_key(|e| e.seq);
    events
}

#[test]
fn one_hub_is_the_default_and_names_no_hub() {
    assert_eq!(Config::default().hubs, 1);
    let fleet = simulate(&config(5, Vec::new()));
    assert_eq!(simulate(&Config { hubs: 0, ..config(5, Vec::new()) }).events, fleet.events);
    assert!(fleet.events.iter().all(|e| e.hub == 0));
    assert!(fleet.truth.iter().all(|t| t.hub.is_none()));
    assert!(!truth_json(&fleet.truth).contains("\"hub\""));
    assert_eq!(hub_name(0), HUB);
    assert_eq!(hub_resource_id(0), RESOURCE_ID);
    assert_eq!(hub_name(1), "FLEET-SIM-HUB-2");
    assert_eq!(hub_resource_id(2), RESOURCE_ID.replace("FLEET-SIM-HUB", "FLEET-SIM-HUB-3"));
}

#[test]
fn hubs_share_device_ids_and_each_keeps_its_own_truth() {
    let cfg = Config { hubs: 3, devices: 200, ..config(4, Vec::new()) };
    let fleet = simulate(&cfg);
    assert_eq!(simulate(&cfg).events, fleet.events, "deterministic");
    assert_eq!(simulate(&cfg).truth, fleet.truth, "deterministic");

    // The devices are dealt to the hubs in turn: 67, 67 and 66.
    let ids = |hub: u32| -> BTreeSet<&str> { hub_events(&fleet, hub).iter().map(|e| &*e.device).collect() };
    let (a, b, c) = (ids(0), ids(1), ids(2));
    assert_eq!((a.len(), b.len(), c.len()), (67, 67, 66));
    assert!(fleet.events.iter().all(|e| e.hub < 3));
    // The same ids in every hub, and they are different devices: their records differ.
    assert_eq!(a.intersection(&b).count(), 67);
    assert_eq!(a.intersection(&c).count(), 66);
    let connects = |hub: u32, device: &str| -> Vec<(String, &str)> {
        hub_events(&fleet, hub)
            .into_iter()
            .filter(|e| &*e.device == device && e.operation == Operation::DeviceConnect)
            .map(|e| (e.masked_ip(), e.sdk_version))
            .collect()
    };
    let differing = a.iter().filter(|d| connects(0, d) != connects(1, d)).count();
    assert!(differing > 60, "{differing} of {}", a.len());

    // The first hub is exactly the one-hub fleet of its share of the devices.
    let alone = simulate(&Config { devices: 67, ..config(4, Vec::new()) });
    let first: Vec<Event> = hub_events(&fleet, 0).into_iter().map(played).collect();
    let single: Vec<Event> = hub_events(&alone, 0).into_iter().map(played).collect();
    assert_eq!(first, single);
    let first_truth: Vec<iothub_errors_sim::Truth> =
        fleet.truth.iter().filter(|t| t.hub.as_deref() == Some(HUB)).cloned().collect();
    let single_truth: Vec<iothub_errors_sim::Truth> =
        alone.truth.iter().map(|t| iothub_errors_sim::Truth { hub: Some(HUB.into()), ..t.clone() }).collect();
    assert_eq!(first_truth, single_truth);

    // Every hub lives through every scenario, and each truth entry names its hub and that hub's devices.
    for hub in 0..3 {
        let name = hub_name(hub);
        let kinds: BTreeSet<Kind> =
            fleet.truth.iter().filter(|t| t.hub.as_deref() == Some(name.as_str())).map(|t| t.kind).collect();
        assert_eq!(kinds, Kind::ALL.into_iter().collect(), "{name}");
    }
    let hub_index = |name: &str| (0..3).find(|&h| hub_name(h) == name).expect("a hub of the fleet");
    for t in &fleet.truth {
        let hub = hub_index(t.hub.as_deref().expect("every entry names its hub"));
        let events = hub_events(&fleet, hub);
        for device in &t.devices {
            let own: Vec<&&Event> = events.iter().filter(|e| *e.device == **device).collect();
            assert!(!own.is_empty(), "{}: {device} not in hub {hub}", t.kind);
            let codes = signature(t.kind);
            if !codes.is_empty() {
                let hit = own.iter().any(|e| e.code.is_some_and(|c| codes.contains(&c)));
                assert!(hit, "{}: {device} of hub {hub} has none of {codes:?}", t.kind);
            }
        }
    }
    // A device id alone does not name the device: some scenario device's namesake in another hub lacks its codes.
    let ambiguous = fleet.truth.iter().filter(|t| !signature(t.kind).is_empty()).any(|t| {
        let hub = t.hub.as_deref().map_or(0, hub_index);
        t.devices.iter().any(|device| {
            (0..3).filter(|&other| other != hub).any(|other| {
                hub_events(&fleet, other)
                    .iter()
                    .filter(|e| *e.device == **device)
                    .all(|e| !e.code.is_some_and(|c| signature(t.kind).contains(&c)))
            })
        })
    });
    assert!(ambiguous);

    let parsed = parse(&truth_json(&fleet.truth)).expect("truth JSON");
    for (entry, t) in parsed.items().iter().zip(&fleet.truth) {
        assert_eq!(entry.keys(), ["kind", "devices", "first", "last", "hub"]);
        assert_eq!(entry.str("hub"), t.hub.as_deref());
    }
}

#[test]
fn every_format_names_each_records_own_hub() {
    let fleet = simulate(&Config { hubs: 2, devices: 80, hours: 3, ..config(6, Vec::new()) });
    let ids: Vec<String> = (0..2).map(hub_resource_id).collect();
    let device = |properties: &str| parse(properties).ok().and_then(|p| p.str("deviceId").map(str::to_owned));

    let (text, _) = render(&fleet, Format::StorageJsonLines);
    let mut seen = BTreeSet::new();
    for (line, e) in text.lines().zip(&fleet.events) {
        let record = parse(line).unwrap_or_else(|error| panic!("{error}: {line}"));
        assert_eq!(record.str("resourceId"), Some(ids[e.hub as usize].as_str()), "{line}");
        assert_eq!(device(record.str("properties").unwrap_or("")).as_deref(), Some(&*e.device));
        seen.insert(e.hub);
    }
    assert_eq!(seen.len(), 2);

    let (text, _) = render(&fleet, Format::EventHubsRecords);
    let records: Vec<Json> = parse_stream(&text)
        .expect("documents")
        .iter()
        .flat_map(|d| d.get("records").map(|r| r.items().to_vec()).unwrap_or_default())
        .collect();
    assert_eq!(records.len(), fleet.events.len());
    for (record, e) in records.iter().zip(&fleet.events) {
        assert_eq!(record.str("resourceId"), Some(ids[e.hub as usize].as_str()));
    }

    let (text, _) = render(&fleet, Format::AzureDiagnosticsCsv);
    let rows = csv(&text).expect("CSV");
    let column = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    let (resource_id, resource, lower) = (column("ResourceId"), column("Resource"), column("_ResourceId"));
    for (row, e) in rows[1..].iter().zip(&fleet.events) {
        assert_eq!(row[resource_id], ids[e.hub as usize]);
        assert_eq!(row[resource], hub_name(e.hub));
        assert_eq!(row[lower], ids[e.hub as usize].to_ascii_lowercase());
    }

    let (text, _) = render(&fleet, Format::LogAnalyticsJson);
    let rows = parse(&text).expect("JSON array");
    for (row, e) in rows.items().iter().zip(&fleet.events) {
        assert_eq!(row.str("ResourceId"), Some(ids[e.hub as usize].as_str()));
        assert_eq!(row.str("Resource"), Some(hub_name(e.hub).as_str()));
    }

    // Event Grid: topic and hubName name the hub; each (hub, device) has its own rising sequence numbers.
    let (text, _) = render(&fleet, Format::EventGrid);
    let events = parse(&text).expect("JSON array");
    let mut last: HashMap<(String, String), String> = HashMap::new();
    let mut devices_per_hub: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for event in events.items() {
        let topic = event.str("topic").unwrap_or("").to_string();
        let hub = ids.iter().position(|id| *id == topic).expect("topic is a hub of the fleet");
        let data = event.get("data").expect("data");
        assert_eq!(data.str("hubName"), Some(hub_name(hub as u32).to_ascii_lowercase().as_str()));
        let device = data.str("deviceId").unwrap_or("").to_string();
        let seq =
            data.get("deviceConnectionStateEventInfo").and_then(|i| i.str("sequenceNumber")).unwrap_or("");
        if let Some(previous) = last.insert((topic.clone(), device.clone()), seq.to_string()) {
            assert!(previous.as_str() < seq, "{topic} {device}: {previous} then {seq}");
        }
        devices_per_hub.entry(topic).or_default().insert(device);
    }
    let hubs: Vec<&BTreeSet<String>> = devices_per_hub.values().collect();
    assert_eq!(hubs.len(), 2);
    assert!(hubs[0].intersection(hubs[1]).count() >= 38, "namesakes in both hubs");
}

/// Year, month, day and hour (UTC) of milliseconds since the epoch.
fn ymdh(ms: i64) -> (i64, i64, i64, i64) {
    let days = ms.div_euclid(86_400_000);
    let hour = ms.rem_euclid(86_400_000) / 3_600_000;
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day, hour)
}

/// The blob a diagnostic setting appends `e` to: its category and hub, and the hour it is received in.
fn expected_blob(e: &Event) -> String {
    let (y, m, d, h) = ymdh(e.received_ms);
    format!(
        "insights-logs-{}/resourceId={}/y={y:04}/m={m:02}/d={d:02}/h={h:02}/m=00/PT1H.json",
        e.category.as_str().to_lowercase(),
        hub_resource_id(e.hub)
    )
}

/// Every file under `dir`, by its `/`-separated path relative to `dir`, with its text.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("readable directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under root");
                let name: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.insert(name.join("/"), std::fs::read_to_string(&path).expect("UTF-8 blob"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A fresh directory for one test under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iothub-errors-sim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn layout_has_a_blob_per_category_hub_and_hour_of_receipt() {
    assert_eq!(ymdh(1_709_254_923_000), (2024, 3, 1, 1));
    let cfg = Config {
        hubs: 2,
        devices: 80,
        hours: 3,
        late_percent: 25,
        duplicates_percent: 3,
        ..config(8, Vec::new())
    };
    let fleet = simulate(&cfg);
    let dir = scratch("layout");
    let blobs = write_layout(&fleet, &dir).expect("layout written");

    // What a diagnostic setting would have appended where, computed from the storage lines.
    let (text, _) = render(&fleet, Format::StorageJsonLines);
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    for (line, e) in text.lines().zip(&fleet.events) {
        assert_eq!(blob_path(e), expected_blob(e));
        let blob = expected.entry(expected_blob(e)).or_default();
        blob.push_str(line);
        blob.push('\n');
    }
    let written = tree(&dir);
    assert_eq!(written.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    assert!(written == expected, "blob contents differ");
    let listed: BTreeMap<String, u64> = blobs.iter().map(|b| (b.path.clone(), b.records)).collect();
    let counted: BTreeMap<String, u64> =
        expected.iter().map(|(path, text)| (path.clone(), text.lines().count() as u64)).collect();
    assert_eq!(listed, counted);
    assert_eq!(blobs.len(), listed.len(), "each blob listed once");

    // Each line sits under its own category and hub.
    let containers: BTreeSet<&str> = written.keys().filter_map(|p| p.split('/').next()).collect();
    assert_eq!(
        containers,
        BTreeSet::from([
            "insights-logs-c2dcommands",
            "insights-logs-c2dtwinoperations",
            "insights-logs-connections",
            "insights-logs-d2ctwinoperations",
            "insights-logs-devicetelemetry",
            "insights-logs-directmethods",
            "insights-logs-fileuploadoperations",
        ])
    );
    for (path, text) in &written {
        for line in text.lines() {
            let record = parse(line).unwrap_or_else(|error| panic!("{error}: {line}"));
            let category = record.str("category").unwrap_or("").to_lowercase();
            let resource = record.str("resourceId").unwrap_or("");
            assert!(
                path.starts_with(&format!("insights-logs-{category}/resourceId={resource}/y=")),
                "{path}"
            );
        }
    }
    // Both hubs, every hour of the log, and late records in the hours after it.
    assert!(written.keys().any(|p| p.contains("/IOTHUBS/FLEET-SIM-HUB-2/")));
    assert!(written.keys().any(|p| p.contains("/IOTHUBS/FLEET-SIM-HUB/")));
    let hours: BTreeSet<&str> = written.keys().filter_map(|p| p.split("/h=").nth(1)?.get(..2)).collect();
    assert_eq!(hours, BTreeSet::from(["00", "01", "02", "03", "04"]));
    // Late records land in the blob of a later hour than their time's, as Azure fills them.
    let moved = fleet
        .events
        .iter()
        .filter(|e| e.late && ymdh(e.received_ms) != ymdh(e.time_ms))
        .filter(|e| written.contains_key(&expected_blob(e)))
        .count();
    assert!(moved > 100, "{moved}");
    let on_time_elsewhere =
        fleet.events.iter().filter(|e| !e.late && ymdh(e.received_ms).3 != ymdh(e.time_ms).3).count();
    assert!(on_time_elsewhere < fleet.events.len() / 20, "{on_time_elsewhere}");

    // Writing again replaces the blobs rather than appending to them.
    write_layout(&fleet, &dir).expect("layout written again");
    assert!(tree(&dir) == expected);
    let _ = std::fs::remove_dir_all(&dir);
}

fn sim_command(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_iothub-errors-sim"))
        .args(args)
        .output()
        .expect("the simulator binary runs")
}

#[test]
fn command_line_late_hubs_and_layout() {
    let help = String::from_utf8(sim_command(&["--help"]).stdout).expect("UTF-8");
    for flag in ["--late PCT", "--hubs N", "--layout DIR"] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }

    let dir = scratch("cli-layout");
    let truth_path = dir.with_extension("truth.json");
    let (dir_text, truth_text) =
        (dir.to_string_lossy().into_owned(), truth_path.to_string_lossy().into_owned());
    let common = ["--seed", "3", "--devices", "70", "--hours", "2", "--hubs", "2", "--late", "10"];
    let run = sim_command(&[&common[..], &["--layout", &dir_text, "--truth", &truth_text]].concat());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let cfg = Config { seed: 3, devices: 70, hours: 2, hubs: 2, late_percent: 10, ..Config::default() };
    let fleet = simulate(&cfg);
    let library = scratch("cli-layout-library");
    write_layout(&fleet, &library).expect("layout written");
    let (cli, lib) = (tree(&dir), tree(&library));
    assert!(cli.len() > 20, "{}", cli.len());
    assert!(cli == lib, "the command line writes the library's layout");
    let truth = std::fs::read_to_string(&truth_path).expect("truth written");
    assert_eq!(truth, truth_json(&truth_for(&fleet, Format::StorageJsonLines)));
    assert!(truth.contains("\"hub\":\"FLEET-SIM-HUB-2\""));

    // The same flags with --out give the storage lines of the same fleet.
    let out = sim_command(&[&common[..], &["--format", "storage-jsonl", "--out", "-"]].concat());
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).expect("UTF-8"), render(&fleet, Format::StorageJsonLines).0);

    for (args, message) in [
        (vec!["--layout", dir_text.as_str(), "--out", "-"], "exclude each other"),
        (vec!["--layout", dir_text.as_str(), "--format", "eventgrid"], "storage-jsonl"),
        (vec!["--format", "storage-jsonl"], "--out (or --layout) is required"),
        (vec!["--format", "storage-jsonl", "--out", "-", "--late", "101"], "not a percentage"),
        (vec!["--format", "storage-jsonl", "--out", "-", "--hubs", "two"], "not a valid number"),
    ] {
        let refused = sim_command(&args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    for path in [&dir, &library] {
        let _ = std::fs::remove_dir_all(path);
    }
    let _ = std::fs::remove_file(&truth_path);
}
