//! Fleet diagnosis: from a stream of log records to the patterns behind them.
//!
//! [`Diagnoser`] takes bytes (any export shape, any chunking) or already-read records, keeps a summary and a
//! small state per device, and on [`Diagnoser::finish`] returns a [`Report`]: the summary and the
//! [`FleetFinding`]s (token-renewal cycles, mass disconnects, throttling bursts, clock drift, ...).
//!
//! Logs arrive out of order, split over files in any order, and with duplicates, so the answer must not depend
//! on the order of the input. Records are kept per device (hub, device id, module id) in a compact form
//! (32 bytes each); at the end each device's records are put in one canonical order (time, then content),
//! exact duplicates are dropped, and each device runs through its state machine on its own. Hub-wide
//! detectors read mergeable partials, so the same report comes out of one pass, of shards merged in any
//! order ([`Partial`]), of worker threads ([`parallel`]) and of Spark executors.

mod collect;
mod device;
mod findings;
mod grouping;
mod hub;
mod incidents;
#[cfg(not(target_arch = "wasm32"))]
pub mod parallel;
mod partial;
mod sorted_map;
mod summary;
#[cfg(test)]
mod tests;

use serde::Serialize;

pub use partial::Partial;
pub use summary::{CodeCount, Count, Summary};

use crate::logs::{LogDecoder, LogRecord, ReadItem, RecordRef, Skipped};
use crate::model::Severity;
use collect::Collector;

named_enum! {
    /// The patterns diagnosis looks for.
    pub enum FindingKind {
        /// The benign SAS-token renewal cycle (401003 → 404104 → reconnect, or quiet renewal reconnects).
        SasTokenRenewal = "sas-token-renewal",
        /// 404104 without a token expiry before it: network loss, keep-alive timeout, reset or crash.
        NetworkDisconnect = "network-disconnect",
        /// Many devices dropped at once with 500xxx/404104: a transient fault on the service side.
        MassDisconnect = "mass-disconnect",
        /// 409002 caused by a reconnect; the finding names the root cause.
        LinkConflictSideEffect = "link-conflict-side-effect",
        /// Two clients share one device identity (400027, alternating connects).
        DuplicateIdentity = "duplicate-identity",
        /// A device with a healthy history whose every connect is now refused with 401003 while peers are fine.
        TimeDrift = "time-drift",
        /// A burst of 429xxx throttling errors.
        ThrottlingBurst = "throttling-burst",
        /// The daily message quota is exhausted (403002).
        QuotaExceeded = "quota-exceeded",
        /// A device hit the limit of concurrent file uploads (403006).
        FileUploadLimit = "file-upload-limit",
        /// C2D messages completed after their lock expired and were redelivered (412002).
        C2dLockLost = "c2d-lock-lost",
        /// A device's C2D queue is full (403004).
        C2dQueueFull = "c2d-queue-full",
        /// A device disconnected and did not come back.
        DeviceOffline = "device-offline",
        /// Direct methods were sent to a device that was not connected (404103).
        DeviceNotOnline = "device-not-online",
    }
}

/// A link to the catalog entry of a code involved in a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EntryLink {
    /// The code.
    pub code: u32,
    /// Its catalog name.
    pub name: &'static str,
    /// Its documentation link.
    pub doc_url: &'static str,
}

/// One event on a finding's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelineEvent {
    /// When (ISO 8601 UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub time: String,
    /// Milliseconds since the Unix epoch, for plotting.
    pub time_ms: i64,
    /// The device.
    pub device: String,
    /// The error code, if the event had one.
    pub code: Option<u32>,
}

/// A device and how many of a finding's events it caused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Offender {
    /// The device.
    pub device: String,
    /// Its events in the finding.
    pub count: u64,
}

/// Facts specific to a kind of finding; fields that do not apply to the kind are null or empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Details {
    /// Typical minutes between renewal cycles (sas-token-renewal).
    pub period_minutes: Option<f64>,
    /// Typical minutes until the device was back (network-disconnect, mass-disconnect).
    pub reconnect_minutes: Option<f64>,
    /// What caused the finding (link-conflict-side-effect: "mass-disconnect", "404104", ...).
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

/// One pattern found in the logs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FleetFinding {
    /// What kind of pattern.
    pub kind: FindingKind,
    /// The hub (lower-case name) whose devices the finding is about, when the records named it.
    pub hub: Option<String>,
    /// How bad it is; benign patterns are `info`.
    pub severity: Severity,
    /// One line for a person.
    pub title: String,
    /// The devices involved (empty for hub-wide findings).
    pub devices: Vec<String>,
    /// The error codes involved.
    pub codes: Vec<u32>,
    /// First event (ISO 8601 UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub first: Option<String>,
    /// Last event (ISO 8601 UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
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
    /// KQL that shows the finding in the user's own Log Analytics workspace.
    pub kql: crate::kql::FindingQueries,
}

/// The result of a diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    /// False when the input held no IoT Hub log record at all (nothing, or only parts that could not be read):
    /// the report then says nothing about the fleet, and every binding shows it as "no IoT Hub log records
    /// recognised", with the skipped parts' reasons.
    pub recognised: bool,
    /// Counts over the whole input.
    pub summary: Summary,
    /// The patterns found, most severe first.
    pub findings: Vec<FleetFinding>,
}

impl Report {
    /// The findings of one kind.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &FleetFinding> {
        self.findings.iter().filter(move |finding| finding.kind == kind)
    }

    /// The most severe level among the findings (`None` when there are none).
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|finding| finding.severity).max()
    }
}

/// Streaming diagnosis: push bytes or records, then [`finish`](Diagnoser::finish) (or
/// [`finish_partial`](Diagnoser::finish_partial) to merge with other diagnosers' partials).
#[derive(Debug, Default)]
pub struct Diagnoser {
    decoder: LogDecoder,
    collector: Collector,
    /// Number of the current input.
    inputs: u32,
}

impl Diagnoser {
    /// An empty diagnoser.
    pub fn new() -> Diagnoser {
        Diagnoser::default()
    }

    /// Feeds raw export bytes in any chunking; the format is detected from the first bytes.
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        let collector = &mut self.collector;
        self.decoder.push_decoded(chunk, &mut |item| collect_item(collector, item));
    }

    /// Starts the next input (file): the format is detected anew and evidence carries the input's number.
    pub fn next_input(&mut self) {
        let collector = &mut self.collector;
        self.decoder.finish_decoded(&mut |item| collect_item(collector, item));
        self.inputs += 1;
        self.collector.input = self.inputs;
        self.decoder = LogDecoder::for_input(self.inputs);
    }

    /// Feeds one record read elsewhere.
    pub fn push_record(&mut self, record: &LogRecord) {
        self.collector.record(record);
    }

    /// Counts a part of the input that could not be read.
    pub fn push_skipped(&mut self, skipped: Skipped) {
        self.collector.skipped(skipped);
    }

    /// Records read so far.
    pub fn records_read(&self) -> u64 {
        self.collector.summary.records_read()
    }

    /// Ends the input and returns the report.
    pub fn finish(self) -> Report {
        self.finish_partial().report_of_one()
    }

    /// Ends the input and returns its mergeable state: merge it with the partials of diagnosers that read
    /// other devices, then [`Partial::finish`].
    pub fn finish_partial(mut self) -> Partial {
        let collector = &mut self.collector;
        self.decoder.finish_decoded(&mut |item| collect_item(collector, item));
        finish_collector(self.collector)
    }
}

/// Digests everything a collector gathered.
fn finish_collector(mut collector: Collector) -> Partial {
    let logs = collector.take_logs();
    let counts = Partial::counts_of(&mut collector);
    Partial::digest(&collector, logs, counts)
}

/// Adds a decoded item to the collector.
fn collect_item(collector: &mut Collector, item: crate::logs::Decoded<'_>) {
    match item {
        crate::logs::Decoded::Record(record) => collector.record(record),
        crate::logs::Decoded::Skipped(skipped) => collector.skipped(skipped),
    }
}

/// Diagnoses a complete text in one call.
pub fn diagnose_text(text: &str) -> Report {
    let mut diagnoser = Diagnoser::new();
    diagnoser.push_bytes(text.as_bytes());
    diagnoser.finish()
}

/// Diagnoses items already read (for example by a [`crate::logs::LogReader`]).
pub fn diagnose(items: impl IntoIterator<Item = ReadItem>) -> Report {
    let mut collector = Collector::default();
    for item in items {
        match item {
            ReadItem::Record(record) => collector.record(&record),
            ReadItem::Skipped(skipped) => collector.skipped(skipped),
        }
    }
    finish_collector(collector).report_of_one()
}
