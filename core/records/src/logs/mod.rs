//! Reading IoT Hub log exports in every shape Azure produces, as a stream of normalized [`LogRecord`]s.
//!
//! Shapes (detected from the first bytes, see [`Format`]): storage-account `PT1H.json` lines, Event Hubs
//! `{"records":[...]}` documents, Log Analytics `AzureDiagnostics` CSV exports, Log Analytics JSON exports,
//! Event Grid connection-state events and the legacy operations-monitoring objects.
//!
//! [`LogDecoder`] is push-based (feed it chunks of bytes of any size) so that browsers and language
//! bindings can stream; [`LogReader`] wraps it for any [`std::io::BufRead`]. Memory is bounded by the largest
//! single record, whatever the input size. Input that cannot be read is reported as [`Skipped`] with its
//! line number, never dropped silently and never fatal.

mod decoder;
mod key_table;
mod normalize;

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::io::BufRead;

use serde::{Deserialize, Serialize};

pub use decoder::LogDecoder;

use crate::time::Millis;

named_enum! {
    /// The export shapes the readers understand.
    pub enum Format {
        /// Storage account `PT1H.json` blobs: one JSON record per line.
        StorageJsonLines = "storage-json-lines",
        /// Event Hubs (and the docs' samples): `{"records":[...]}` documents.
        EventHubsRecords = "event-hubs-records",
        /// Log Analytics portal export of the `AzureDiagnostics` table as CSV.
        AzureDiagnosticsCsv = "azure-diagnostics-csv",
        /// Log Analytics query results as JSON (an array of rows with `TimeGenerated`, `properties_s`, ...).
        LogAnalyticsJson = "log-analytics-json",
        /// Event Grid `Microsoft.Devices.DeviceConnected` / `DeviceDisconnected` events.
        EventGrid = "event-grid",
        /// The legacy operations-monitoring objects (flat, with `statusType`).
        OperationsMonitoring = "operations-monitoring",
    }
}

named_enum! {
    /// A record's log level.
    pub enum Level {
        /// `Information` (or `Informational`).
        Information = "information",
        /// `Warning`.
        Warning = "warning",
        /// `Error`.
        Error = "error",
        /// `Critical`.
        Critical = "critical",
        /// Absent or unrecognised (Event Grid events have none).
        Unknown = "unknown",
    }
}

/// Where a record came from in the input, for evidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordRef {
    /// 0-based index of the input (file) it came from, when several are diagnosed together.
    pub input: u32,
    /// 1-based line on which the record starts (counted over everything pushed into the decoder).
    pub line: u64,
    /// 0-based index of the record among the records of its input (it restarts at 0 with each input).
    pub index: u64,
}

/// One log record, whatever shape it came in, reduced to the fields diagnosis needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LogRecord {
    /// The shape it was read from.
    pub format: Format,
    /// Where it is in the input.
    pub source: RecordRef,
    /// Event time, when present and readable.
    pub time: Option<Millis>,
    /// The category (`Connections`, `DeviceTelemetry`, ...), legacy names mapped to current ones.
    pub category: Cow<'static, str>,
    /// The operation (`deviceConnect`, `ingress`, ...), as written.
    pub operation: Cow<'static, str>,
    /// The level.
    pub level: Level,
    /// The six-digit error code, when the record carries one.
    pub code: Option<u32>,
    /// The HTTP status, from a three-digit result or the `statusCode` property.
    pub http_status: Option<u16>,
    /// The error name (`resultDescription`), when present.
    pub error_name: Option<String>,
    /// The device the record is about.
    pub device_id: Option<String>,
    /// The module, for module identities.
    pub module_id: Option<String>,
    /// `Mqtt`, `Amqp`, `Http`, ... when known.
    pub protocol: Option<Cow<'static, str>>,
    /// The client's `sdkVersion` string, when known.
    pub sdk_version: Option<String>,
    /// The masked client IP address (`24.9.142.XXX`).
    pub ip: Option<String>,
    /// The C2D or routed message id.
    pub message_id: Option<String>,
    /// The C2D delivery count.
    pub delivery_count: Option<u32>,
    /// Message size in bytes.
    pub size_bytes: Option<u64>,
    /// The routing endpoint, for Routes records.
    pub endpoint: Option<String>,
    /// The error message text, when present.
    pub error_message: Option<String>,
    /// Event Grid's per-device sequence number.
    pub sequence_number: Option<String>,
    /// The IoT hub the record comes from (its name as written), read from `resourceId`, `_ResourceId`,
    /// `Resource` or Event Grid's `hubName`/`topic`; device ids are unique only within a hub.
    pub hub: Option<String>,
}

impl LogRecord {
    /// A record with no fields set: the decoder's reusable buffer before its first record.
    pub fn blank() -> LogRecord {
        LogRecord {
            format: Format::StorageJsonLines,
            source: RecordRef::default(),
            time: None,
            category: Cow::Borrowed(""),
            operation: Cow::Borrowed(""),
            level: Level::Unknown,
            code: None,
            http_status: None,
            error_name: None,
            device_id: None,
            module_id: None,
            protocol: None,
            sdk_version: None,
            ip: None,
            message_id: None,
            delivery_count: None,
            size_bytes: None,
            endpoint: None,
            error_message: None,
            sequence_number: None,
            hub: None,
        }
    }

    /// True for a device connect (successful or not).
    pub fn is_connect(&self) -> bool {
        is_named(&self.operation, "deviceConnect")
    }

    /// True for a device disconnect.
    pub fn is_disconnect(&self) -> bool {
        is_named(&self.operation, "deviceDisconnect")
    }

    /// Identifies the record for duplicate detection: a hash of its time, hub, device, module, operation,
    /// category, code, message, delivery count, sequence number and level.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = crate::hash::FxHasher::default();
        self.time.hash(&mut hasher);
        self.hub.hash(&mut hasher);
        self.device_id.hash(&mut hasher);
        self.module_id.hash(&mut hasher);
        self.operation.hash(&mut hasher);
        self.category.hash(&mut hasher);
        self.code.hash(&mut hasher);
        self.message_id.hash(&mut hasher);
        self.delivery_count.hash(&mut hasher);
        self.sequence_number.hash(&mut hasher);
        (self.level as u8).hash(&mut hasher);
        hasher.finish()
    }

    /// True when the record reports a failure (an error level or an error code).
    pub fn is_error(&self) -> bool {
        matches!(self.level, Level::Error | Level::Critical) || self.code.is_some()
    }
}

named_enum! {
    /// Why part of the input could not be read.
    pub enum SkipReason {
        /// The text is not JSON (or CSV) where a record was expected.
        NotJson = "not-json",
        /// The JSON record is cut off or malformed.
        MalformedJson = "malformed-json",
        /// A JSON value that is not an object where records are expected.
        NotAnObject = "not-an-object",
        /// An object without any of the fields of a log record.
        NotALogRecord = "not-a-log-record",
        /// A record larger than [`MAX_RECORD_BYTES`].
        TooLarge = "too-large",
        /// A CSV row with a different number of cells than the header, or an unclosed quote.
        MalformedCsv = "malformed-csv",
        /// Text in a shape none of the readers know.
        UnknownFormat = "unknown-format",
    }
}

/// Largest single record the readers accept; larger ones are skipped and reported.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// A part of the input that could not be read as a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    /// 1-based line where it starts.
    pub line: u64,
    /// Why it was skipped.
    pub reason: SkipReason,
    /// Its first characters, for a person to recognise it.
    pub excerpt: String,
}

/// What the decoder produces, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadItem {
    /// A record.
    Record(Box<LogRecord>),
    /// A part of the input that could not be read.
    Skipped(Skipped),
}

/// What the decoder hands over inside the crate: a record lent from the decoder's reused buffer (no
/// allocation per record), or a part that could not be read.
pub enum Decoded<'r> {
    /// A record, valid until the decoder reads the next one.
    Record(&'r LogRecord),
    /// A part of the input that could not be read.
    Skipped(Skipped),
}

impl Decoded<'_> {
    /// The item as the public API gives it, the record copied out of the decoder's buffer.
    fn into_item(self) -> ReadItem {
        match self {
            Decoded::Record(record) => ReadItem::Record(Box::new(record.clone())),
            Decoded::Skipped(skipped) => ReadItem::Skipped(skipped),
        }
    }
}

/// Reads records from any buffered reader, detecting the format. I/O errors end the stream and are
/// returned by [`LogReader::io_error`].
pub struct LogReader<R> {
    input: R,
    decoder: LogDecoder,
    pending: std::collections::VecDeque<ReadItem>,
    done: bool,
    io_error: Option<std::io::Error>,
}

impl<R: BufRead> LogReader<R> {
    /// A reader over `input`.
    pub fn new(input: R) -> LogReader<R> {
        LogReader {
            input,
            decoder: LogDecoder::new(),
            pending: std::collections::VecDeque::new(),
            done: false,
            io_error: None,
        }
    }

    /// The detected format, once the first bytes have been read.
    pub fn format(&self) -> Option<Format> {
        self.decoder.format()
    }

    /// The I/O error that ended the stream early, if any.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        self.io_error.as_ref()
    }

    /// Total bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.decoder.bytes_pushed()
    }
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = ReadItem;

    fn next(&mut self) -> Option<ReadItem> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let pending = &mut self.pending;
            match self.input.fill_buf() {
                Ok([]) => {
                    self.decoder.finish(&mut |item| pending.push_back(item));
                    self.done = true;
                }
                Ok(chunk) => {
                    let len = chunk.len();
                    self.decoder.push(chunk, &mut |item| pending.push_back(item));
                    self.input.consume(len);
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.io_error = Some(error);
                    self.decoder.finish(&mut |item| pending.push_back(item));
                    self.done = true;
                }
            }
        }
    }
}

/// Reads every record of a complete text (convenience for small inputs and tests).
pub fn read_text(text: &str) -> Vec<ReadItem> {
    let mut items = Vec::new();
    let mut decoder = LogDecoder::new();
    decoder.push(text.as_bytes(), &mut |item| items.push(item));
    decoder.finish(&mut |item| items.push(item));
    items
}

/// `text` is `name` ignoring ASCII case. The exact spelling, which exports use, is tried first: a plain comparison
/// of bytes costs less than folding the case of each.
pub(crate) fn is_named(text: &str, name: &str) -> bool {
    text == name || text.eq_ignore_ascii_case(name)
}
