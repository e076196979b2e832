//! Fleet diagnosis: the streaming [`Diagnoser`] object and the [`Report`] it returns, mirrored from the core.

use std::sync::{Mutex, MutexGuard, PoisonError};

use iothub_errors::diagnose as core;
use iothub_errors::logs;

use crate::enums::{FindingKind, LogFormat, Severity, SkipReason};

/// Where a record is in the input, for evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RecordRef {
    /// 0-based index of the input (file) it came from (see `Diagnoser.nextInput`).
    pub input: u32,
    /// 1-based line on which the record starts.
    pub line: u64,
    /// 0-based index of the record among all records read.
    pub index: u64,
}

impl From<&logs::RecordRef> for RecordRef {
    fn from(reference: &logs::RecordRef) -> RecordRef {
        RecordRef { input: reference.input, line: reference.line, index: reference.index }
    }
}

/// A part of the input that could not be read as a record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Skipped {
    /// 1-based line where it starts.
    pub line: u64,
    /// Why it was skipped.
    pub reason: SkipReason,
    /// Its first characters, for a person to recognise it.
    pub excerpt: String,
}

impl From<&logs::Skipped> for Skipped {
    fn from(skipped: &logs::Skipped) -> Skipped {
        Skipped { line: skipped.line, reason: skipped.reason.into(), excerpt: skipped.excerpt.clone() }
    }
}

/// A key and how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Count {
    /// What was counted (a category, an operation, a device, an hour like `2024-05-14T09:00:00Z`).
    pub key: String,
    /// How often.
    pub count: u64,
}

impl From<&core::Count> for Count {
    fn from(count: &core::Count) -> Count {
        Count { key: count.key.clone(), count: count.count }
    }
}

/// An error code and how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeCount {
    /// The six-digit code.
    pub code: u32,
    /// Its catalog name, when listed.
    pub name: Option<String>,
    /// How often.
    pub count: u64,
}

impl From<&core::CodeCount> for CodeCount {
    fn from(count: &core::CodeCount) -> CodeCount {
        CodeCount { code: count.code, name: count.name.map(str::to_owned), count: count.count }
    }
}

/// Counts over the whole input.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Summary {
    /// Records read.
    pub records_read: u64,
    /// Parts of the input that could not be read.
    pub records_skipped: u64,
    /// Records seen twice (counted in `recordsRead`, left out of the diagnosis and the other counts).
    pub duplicates: u64,
    /// Where the first skipped parts are, and why.
    pub skipped: Vec<Skipped>,
    /// Export shapes found.
    pub formats: Vec<LogFormat>,
    /// Earliest event (ISO 8601 UTC).
    pub first: Option<String>,
    /// Latest event (ISO 8601 UTC).
    pub last: Option<String>,
    /// Distinct devices.
    pub devices: u64,
    /// Records that report an error.
    pub errors: u64,
    /// Error records by code, most frequent first.
    pub by_code: Vec<CodeCount>,
    /// Records by category.
    pub by_category: Vec<Count>,
    /// Records by operation.
    pub by_operation: Vec<Count>,
    /// Records by hour (UTC).
    pub by_hour: Vec<Count>,
    /// Error records by device, most first (at most 1000 devices listed).
    pub by_device: Vec<Count>,
    /// The devices with the most error records.
    pub top_devices: Vec<Count>,
}

impl From<&core::Summary> for Summary {
    fn from(summary: &core::Summary) -> Summary {
        let counts = |counts: &[core::Count]| counts.iter().map(Count::from).collect();
        Summary {
            records_read: summary.records_read,
            records_skipped: summary.records_skipped,
            duplicates: summary.duplicates,
            skipped: summary.skipped.iter().map(Skipped::from).collect(),
            formats: summary.formats.iter().map(|&format| LogFormat::from(format)).collect(),
            first: summary.first.clone(),
            last: summary.last.clone(),
            devices: summary.devices,
            errors: summary.errors,
            by_code: summary.by_code.iter().map(CodeCount::from).collect(),
            by_category: counts(&summary.by_category),
            by_operation: counts(&summary.by_operation),
            by_hour: counts(&summary.by_hour),
            by_device: counts(&summary.by_device),
            top_devices: counts(&summary.top_devices),
        }
    }
}

/// A link to the catalog entry of a code involved in a finding.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EntryLink {
    /// The code.
    pub code: u32,
    /// Its catalog name.
    pub name: String,
    /// Its documentation link.
    pub doc_url: String,
}

/// One event on a finding's timeline.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimelineEvent {
    /// When (ISO 8601 UTC).
    pub time: String,
    /// Milliseconds since the Unix epoch, for plotting.
    pub time_ms: i64,
    /// The device.
    pub device: String,
    /// The error code, if the event had one.
    pub code: Option<u32>,
}

/// A device and how many of a finding's events it caused.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Offender {
    /// The device.
    pub device: String,
    /// Its events in the finding.
    pub count: u64,
}

/// Facts specific to a kind of finding; absent fields do not apply.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Details {
    /// Typical minutes between renewal cycles (sas-token-renewal).
    pub period_minutes: Option<f64>,
    /// Typical minutes until the device was back (network-disconnect, mass-disconnect).
    pub reconnect_minutes: Option<f64>,
    /// What caused the finding (link-conflict-side-effect: `"mass-disconnect"`, `"404104"`, ...).
    pub root_cause: Option<String>,
    /// Devices by number of events, most first (throttling-burst, mass-disconnect, quota-exceeded).
    pub top_offenders: Vec<Offender>,
    /// C2D message ids involved (c2d-lock-lost).
    pub message_ids: Vec<String>,
    /// Highest delivery count seen (c2d-lock-lost).
    pub max_delivery_count: Option<u32>,
    /// Client IP addresses seen on the identity (duplicate-identity).
    pub ip_addresses: Vec<String>,
    /// The SDK named in the device's `sdkVersion`, when known.
    pub sdk: Option<String>,
}

impl From<&core::Details> for Details {
    fn from(details: &core::Details) -> Details {
        Details {
            period_minutes: details.period_minutes,
            reconnect_minutes: details.reconnect_minutes,
            root_cause: details.root_cause.clone(),
            top_offenders: details
                .top_offenders
                .iter()
                .map(|offender| Offender { device: offender.device.clone(), count: offender.count })
                .collect(),
            message_ids: details.message_ids.clone(),
            max_delivery_count: details.max_delivery_count,
            ip_addresses: details.ip_addresses.clone(),
            sdk: details.sdk.clone(),
        }
    }
}

/// One pattern found in the logs.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FleetFinding {
    /// What kind of pattern.
    pub kind: FindingKind,
    /// How bad it is; benign patterns are `info`.
    pub severity: Severity,
    /// One line for a person.
    pub title: String,
    /// The devices involved (empty for hub-wide findings).
    pub devices: Vec<String>,
    /// The error codes involved.
    pub codes: Vec<u32>,
    /// First event (ISO 8601 UTC).
    pub first: Option<String>,
    /// Last event (ISO 8601 UTC).
    pub last: Option<String>,
    /// How many records make up the finding.
    pub count: u64,
    /// Where some of those records are in the input.
    pub evidence: Vec<RecordRef>,
    /// What is going on, in plain words.
    pub explanation: String,
    /// What to do, in order.
    pub actions: Vec<String>,
    /// Catalog entries of the codes involved.
    pub entries: Vec<EntryLink>,
    /// Kind-specific facts.
    pub details: Details,
    /// Up to 200 events, for a timeline.
    pub timeline: Vec<TimelineEvent>,
}

impl From<&core::FleetFinding> for FleetFinding {
    fn from(finding: &core::FleetFinding) -> FleetFinding {
        FleetFinding {
            kind: finding.kind.into(),
            severity: finding.severity.into(),
            title: finding.title.clone(),
            devices: finding.devices.clone(),
            codes: finding.codes.clone(),
            first: finding.first.clone(),
            last: finding.last.clone(),
            count: finding.count,
            evidence: finding.evidence.iter().map(RecordRef::from).collect(),
            explanation: finding.explanation.clone(),
            actions: finding.actions.clone(),
            entries: finding
                .entries
                .iter()
                .map(|link| EntryLink {
                    code: link.code,
                    name: link.name.to_owned(),
                    doc_url: link.doc_url.to_owned(),
                })
                .collect(),
            details: Details::from(&finding.details),
            timeline: finding
                .timeline
                .iter()
                .map(|event| TimelineEvent {
                    time: event.time.clone(),
                    time_ms: event.time_ms,
                    device: event.device.clone(),
                    code: event.code,
                })
                .collect(),
        }
    }
}

/// The result of a diagnosis: counts over the input and the patterns found, most severe first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Report {
    /// Counts over the whole input.
    pub summary: Summary,
    /// The patterns found, most severe first.
    pub findings: Vec<FleetFinding>,
}

impl From<&core::Report> for Report {
    fn from(report: &core::Report) -> Report {
        Report {
            summary: Summary::from(&report.summary),
            findings: report.findings.iter().map(FleetFinding::from).collect(),
        }
    }
}

/// Streaming diagnosis of IoT Hub log exports: push bytes or text in chunks of any size, call `nextInput()`
/// between files, then `finish()` for the report.
///
/// The export shape (storage JSON lines, Event Hubs records, Log Analytics CSV or JSON, Event Grid, legacy
/// operations monitoring) is detected from the first bytes of each input. Memory grows with the number of
/// devices, not with the length of the input. The object is safe to share between threads; calls are
/// serialised.
#[derive(Debug, Default, uniffi::Object)]
pub struct Diagnoser {
    state: Mutex<core::Diagnoser>,
}

#[uniffi::export]
impl Diagnoser {
    /// An empty diagnoser.
    #[uniffi::constructor]
    pub fn new() -> Diagnoser {
        Diagnoser::default()
    }

    /// Feeds raw export bytes, in any chunking (a chunk may end inside a record or a UTF-8 sequence).
    pub fn push_bytes(&self, chunk: Vec<u8>) {
        self.lock().push_bytes(&chunk);
    }

    /// Feeds export text, in any chunking.
    pub fn push_text(&self, chunk: String) {
        self.lock().push_bytes(chunk.as_bytes());
    }

    /// Starts the next input (file): the shape is detected anew and evidence carries the input's number.
    pub fn next_input(&self) {
        self.lock().next_input();
    }

    /// Records read so far.
    pub fn records_read(&self) -> u64 {
        self.lock().records_read()
    }

    /// Ends the input and returns the report of everything pushed since the diagnoser was made (or since
    /// the last `finish`); the diagnoser is then empty again and can diagnose another set of logs.
    pub fn finish(&self) -> Report {
        let diagnoser = std::mem::take(&mut *self.lock());
        Report::from(&diagnoser.finish())
    }
}

impl Diagnoser {
    /// The core diagnoser. The core never panics, so the lock is never poisoned; if it were, the state is
    /// still consistent enough to go on with, so poisoning is ignored rather than turned into a panic.
    fn lock(&self) -> MutexGuard<'_, core::Diagnoser> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Diagnoses a complete export text in one call (what a `Diagnoser` does with one `pushText` and `finish`).
#[uniffi::export]
pub fn diagnose_text(text: String) -> Report {
    Report::from(&core::diagnose_text(&text))
}
