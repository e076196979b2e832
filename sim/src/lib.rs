//! Fleet log simulator for `iothub-errors`.
//!
//! [`simulate`] plays a fleet of IoT Hub devices for a few hours: every device connects, renews its SAS token the
//! way its SDK does, reads and updates its twin and answers direct methods, while chosen devices live through
//! known incidents ([`Kind`]). The result is a [`Fleet`]: the log records ([`Event`]) in emission order, with
//! duplicates and out-of-order delivery, plus the ground truth ([`Truth`]) of what was injected.
//! [`write()`] renders the records in each export shape IoT Hub logs reach people in ([`Format`]), byte-compatible
//! with the fixtures in `shared/fixtures/sample-logs`; [`truth_for`] and [`truth_json`] give the matching truth.
//! [`write_layout`] writes the storage container layout of a diagnostic setting (a `PT1H.json` blob per category,
//! hub and hour of receipt).
//!
//! Everything is deterministic for a seed and depends on nothing but `std`.
//!
//! ```
//! use iothub_errors_sim::{simulate, write, truth_for, truth_json, Config, Format, Kind};
//! let config = Config { devices: 40, hours: 3, scenarios: vec![Kind::ThrottlingBurst], ..Config::default() };
//! let fleet = simulate(&config);
//! let mut out = Vec::new();
//! let records = write(&fleet, Format::StorageJsonLines, &mut out).unwrap();
//! assert_eq!(records as usize, fleet.events.len());
//! assert!(truth_json(&truth_for(&fleet, Format::StorageJsonLines)).contains("throttling-burst"));
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

mod grid;
mod rng;
mod sim;
mod text;
mod write;

pub use write::{Blob, blob_path, write, write_layout};

/// Subscription of the simulated hub (upper case, as in `resourceId`).
pub const SUBSCRIPTION: &str = "3F9A1C2E-7B4D-4E8F-9A0B-1C2D3E4F5A6B";
/// Resource group of the simulated hub.
pub const RESOURCE_GROUP: &str = "FLEET-SIM-RG";
/// Name of the simulated hub (upper case, as in `resourceId`); with several hubs, of the first ([`hub_name`]).
pub const HUB: &str = "FLEET-SIM-HUB";
/// Region written to `location`.
pub const LOCATION: &str = "westeurope";
/// The hub's ARM resource id, as IoT Hub writes it in `resourceId`.
pub const RESOURCE_ID: &str = "/SUBSCRIPTIONS/3F9A1C2E-7B4D-4E8F-9A0B-1C2D3E4F5A6B/RESOURCEGROUPS/FLEET-SIM-RG/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/FLEET-SIM-HUB";

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Seed of every random choice; the same config always gives the same fleet.
    pub seed: u64,
    /// Number of devices in the fleet.
    pub devices: usize,
    /// Length of the log in hours (at least 1 is used).
    pub hours: u32,
    /// Start of the log, milliseconds since the Unix epoch (rounded down to the second).
    pub start_unix_ms: i64,
    /// Scenarios to inject; empty means all of [`Kind::ALL`].
    pub scenarios: Vec<Kind>,
    /// Percentage of records emitted twice (at-least-once delivery).
    pub duplicates_percent: u8,
    /// Largest delay between a record's `time` and its position in the output (logs are not ordered).
    pub max_skew_ms: i64,
    /// Percentage of records delivered late: 10 to 90 minutes after their `time` (instead of within
    /// `max_skew_ms`), far beyond a reader's few-minute reorder window. A late record is the same record, only
    /// further on in the output, so the truth does not change. Which records are late, and by how much, is fixed
    /// by the seed, and turning lateness on moves only the late records: the others keep their relative order.
    pub late_percent: u8,
    /// Number of hubs the fleet is spread over (at least 1 is used): [`HUB`], `FLEET-SIM-HUB-2`, ... ([`hub_name`]).
    /// The devices are dealt to the hubs in turn, and every hub is a fleet of its own: its own devices, its own
    /// scenarios (each hub gets every requested scenario that fits its share of the devices) and its own truth
    /// entries, which name the hub ([`Truth::hub`]). Device ids repeat across hubs (a device id is unique only
    /// within its hub): the n-th device of every hub has the same id, and they are different devices. The first
    /// hub of N is exactly the one-hub fleet of its share of the devices, and 1 gives the one-hub output.
    pub hubs: usize,
}

impl Default for Config {
    /// Seed 1, 200 devices, 6 hours from 2024-05-14T00:00:00Z, all scenarios, 1 % duplicates, 2 minutes of skew,
    /// nothing late, one hub.
    fn default() -> Config {
        Config {
            seed: 1,
            devices: 200,
            hours: 6,
            start_unix_ms: 1_715_644_800_000,
            scenarios: Vec::new(),
            duplicates_percent: 1,
            max_skew_ms: 120_000,
            late_percent: 0,
            hubs: 1,
        }
    }
}

/// A scenario: a pattern injected into the logs that a diagnosis engine should recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// SDK token renewal: benign periodic disconnect/reconnect (401003 + 404104 for .NET/Java over MQTT,
    /// Information-only pairs for Node, C and Python).
    SasTokenRenewal,
    /// 404104 with no 401003 before it, reconnect minutes later: network loss or a crash.
    NetworkDisconnect,
    /// Many devices drop within seconds with 500001/500008/404104: a transient hub-side fault.
    MassDisconnect,
    /// 409002 LinkCreationConflict right after a reconnect: a side effect, not a root cause.
    LinkConflictSideEffect,
    /// Two clients share one device identity and kick each other off (400027).
    DuplicateIdentity,
    /// A device whose every connect fails with 401003 after a healthy history (clock drift).
    TimeDrift,
    /// A burst of 429001 (and a few 429002) from a handful of devices.
    ThrottlingBurst,
    /// Hub-wide 403002 IotHubQuotaExceeded until the end of the log.
    QuotaExceeded,
    /// Repeated 403006 DeviceMaximumActiveFileUploadLimitExceeded.
    FileUploadLimit,
    /// 412002 DeviceMessageLockLost on one C2D message redelivered with growing deliveryCount.
    C2dLockLost,
    /// Repeated 403004 DeviceMaximumQueueDepthExceeded on C2D sends.
    C2dQueueFull,
    /// A final disconnect with no reconnect until the end of the log.
    DeviceOffline,
    /// Direct methods failing with 404103 because the device is not connected.
    DeviceNotOnline,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 13] = [
        Kind::SasTokenRenewal,
        Kind::NetworkDisconnect,
        Kind::MassDisconnect,
        Kind::LinkConflictSideEffect,
        Kind::DuplicateIdentity,
        Kind::TimeDrift,
        Kind::ThrottlingBurst,
        Kind::QuotaExceeded,
        Kind::FileUploadLimit,
        Kind::C2dLockLost,
        Kind::C2dQueueFull,
        Kind::DeviceOffline,
        Kind::DeviceNotOnline,
    ];

    /// The kebab-case identifier used on the command line and in truth files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SasTokenRenewal => "sas-token-renewal",
            Kind::NetworkDisconnect => "network-disconnect",
            Kind::MassDisconnect => "mass-disconnect",
            Kind::LinkConflictSideEffect => "link-conflict-side-effect",
            Kind::DuplicateIdentity => "duplicate-identity",
            Kind::TimeDrift => "time-drift",
            Kind::ThrottlingBurst => "throttling-burst",
            Kind::QuotaExceeded => "quota-exceeded",
            Kind::FileUploadLimit => "file-upload-limit",
            Kind::C2dLockLost => "c2d-lock-lost",
            Kind::C2dQueueFull => "c2d-queue-full",
            Kind::DeviceOffline => "device-offline",
            Kind::DeviceNotOnline => "device-not-online",
        }
    }

    /// Whether Event Grid connection-state events (which carry no error code) can show this kind.
    pub fn visible_in_event_grid(self) -> bool {
        matches!(self, Kind::DeviceOffline | Kind::NetworkDisconnect | Kind::SasTokenRenewal)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    /// Parses the identifier returned by [`Kind::as_str`].
    fn from_str(text: &str) -> Result<Kind, String> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text.trim()).ok_or_else(|| {
            let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown scenario `{text}` (known: {})", known.join(", "))
        })
    }
}

/// An export shape of IoT Hub logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Storage account `PT1H.json` blobs: one compact record per line.
    StorageJsonLines,
    /// Event Hubs bodies: `{"records":[...]}` documents of 100-500 records, one record per line.
    EventHubsRecords,
    /// Log Analytics portal "Export to CSV" of the `AzureDiagnostics` table.
    AzureDiagnosticsCsv,
    /// Log Analytics query results as a JSON array of `AzureDiagnostics` rows.
    LogAnalyticsJson,
    /// Event Grid `DeviceConnected`/`DeviceDisconnected` events (60-second snapshots, no error codes).
    EventGrid,
    /// The legacy operations-monitoring stream: flat objects, one per line.
    OperationsMonitoring,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::StorageJsonLines,
        Format::EventHubsRecords,
        Format::AzureDiagnosticsCsv,
        Format::LogAnalyticsJson,
        Format::EventGrid,
        Format::OperationsMonitoring,
    ];

    /// The identifier used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::StorageJsonLines => "storage-jsonl",
            Format::EventHubsRecords => "eventhubs",
            Format::AzureDiagnosticsCsv => "azurediagnostics-csv",
            Format::LogAnalyticsJson => "loganalytics-json",
            Format::EventGrid => "eventgrid",
            Format::OperationsMonitoring => "operations-monitoring",
        }
    }

    /// The usual file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::StorageJsonLines | Format::OperationsMonitoring => "jsonl",
            Format::AzureDiagnosticsCsv => "csv",
            Format::EventHubsRecords | Format::LogAnalyticsJson | Format::EventGrid => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Parses the identifier returned by [`Format::as_str`].
    fn from_str(text: &str) -> Result<Format, String> {
        Format::ALL.into_iter().find(|f| f.as_str() == text.trim()).ok_or_else(|| {
            let known: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown format `{text}` (known: {})", known.join(", "))
        })
    }
}

/// Resource-log category of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// `Connections`: deviceConnect / deviceDisconnect.
    Connections,
    /// `DeviceTelemetry`: ingress errors.
    DeviceTelemetry,
    /// `C2DCommands`: cloud-to-device message errors.
    C2DCommands,
    /// `C2DTwinOperations`: service-side twin reads.
    C2DTwinOperations,
    /// `D2CTwinOperations`: device-side twin updates.
    D2CTwinOperations,
    /// `DirectMethods`: method invocations.
    DirectMethods,
    /// `FileUploadOperations`: file upload errors.
    FileUploadOperations,
}

impl Category {
    /// The category name in resource logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Connections => "Connections",
            Category::DeviceTelemetry => "DeviceTelemetry",
            Category::C2DCommands => "C2DCommands",
            Category::C2DTwinOperations => "C2DTwinOperations",
            Category::D2CTwinOperations => "D2CTwinOperations",
            Category::DirectMethods => "DirectMethods",
            Category::FileUploadOperations => "FileUploadOperations",
        }
    }

    /// The category name in the legacy operations-monitoring stream (`fileUpload` differs).
    pub fn legacy_name(self) -> &'static str {
        match self {
            Category::FileUploadOperations => "fileUpload",
            other => other.as_str(),
        }
    }

    /// Whether records of this category carry `durationMs`.
    pub fn has_duration(self) -> bool {
        matches!(
            self,
            Category::C2DTwinOperations
                | Category::D2CTwinOperations
                | Category::DirectMethods
                | Category::FileUploadOperations
        )
    }
}

/// `operationName` of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `deviceConnect`
    DeviceConnect,
    /// `deviceDisconnect`
    DeviceDisconnect,
    /// `ingress` (telemetry, file upload)
    Ingress,
    /// `complete` (C2D message completion; 412002)
    Complete,
    /// `send` (direct method; C2D enqueue for 403004)
    Send,
    /// `read` (twin read)
    Read,
    /// `update` (twin update)
    Update,
}

impl Operation {
    /// The camelCase operation name.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::DeviceConnect => "deviceConnect",
            Operation::DeviceDisconnect => "deviceDisconnect",
            Operation::Ingress => "ingress",
            Operation::Complete => "complete",
            Operation::Send => "send",
            Operation::Read => "read",
            Operation::Update => "update",
        }
    }
}

/// `level` of a record (IoT Hub writes only these two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// `Information`
    Information,
    /// `Error`
    Error,
}

impl Level {
    /// The level as written in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Information => "Information",
            Level::Error => "Error",
        }
    }
}

/// Transport of the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `Mqtt`
    Mqtt,
    /// `Amqp`
    Amqp,
    /// `Http`
    Http,
}

impl Protocol {
    /// The protocol as written in `properties`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Mqtt => "Mqtt",
            Protocol::Amqp => "Amqp",
            Protocol::Http => "Http",
        }
    }
}

/// Message details carried by DeviceTelemetry and C2DCommands records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInfo {
    /// C2D `messageId` (empty for telemetry).
    pub message_id: String,
    /// C2D `deliveryCount`.
    pub delivery_count: u32,
    /// `EventEnqueuedUtcTime`, milliseconds since the epoch.
    pub enqueued_ms: i64,
    /// `EventProcessedUtcTime`, milliseconds since the epoch.
    pub processed_ms: i64,
    /// Telemetry `partitionId`.
    pub partition: u8,
    /// C2D `ttl` in seconds.
    pub ttl_s: u32,
}

/// One log record, independent of the export format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The record's `time`, milliseconds since the epoch (whole seconds, as IoT Hub writes them).
    pub time_ms: i64,
    /// `deviceId`: unique only within the record's hub.
    pub device: Arc<str>,
    /// The record's hub, an index: 0 is [`HUB`], `n` is [`hub_name`]`(n)`.
    pub hub: u32,
    /// `category`.
    pub category: Category,
    /// `operationName`.
    pub operation: Operation,
    /// `level`.
    pub level: Level,
    /// The six-digit error code (`resultType`) on errors.
    pub code: Option<u32>,
    /// The error name (`resultDescription`); empty on Information records.
    pub name: &'static str,
    /// `protocol`.
    pub protocol: Protocol,
    /// `sdkVersion` (device SDK on connects, service API version on twin reads and methods); empty when absent.
    pub sdk_version: &'static str,
    /// The first three octets of `maskedIpAddress` (the last is always `XXX`).
    pub ip: [u8; 3],
    /// `messageSizeInBytes` / `messageSize` / `RequestSize`.
    pub size: u32,
    /// Direct method `ResponseSize`.
    pub response_size: u32,
    /// `durationMs` on categories that have it.
    pub duration_ms: Option<u32>,
    /// Telemetry and C2D message details.
    pub message: Option<Box<MessageInfo>>,
    /// Position of the record in true time order (duplicates share it); stable across formats.
    pub seq: u32,
    /// True for the second copy of a duplicated record.
    pub duplicate: bool,
    /// When the record reaches the export, milliseconds since the epoch: `time_ms` plus its delivery delay (up
    /// to `max_skew_ms`, or 10 to 90 minutes for a late record). [`Fleet::events`] is sorted by it.
    pub received_ms: i64,
    /// True when the record is delivered late ([`Config::late_percent`]); each copy of a duplicate is decided
    /// on its own.
    pub late: bool,
}

impl Event {
    /// The HTTP status IoT Hub reports as `properties.statusCode` (the code's first three digits).
    pub fn status_code(&self) -> Option<u32> {
        self.code.map(|code| code / 1000)
    }

    /// `properties.errorMessage` of Connections records.
    pub fn error_message(&self) -> &'static str {
        match self.code {
            Some(401_003) => "Authentication failed for this device, see https://aka.ms/iothub401003",
            Some(404_104) => "Device disconnected, see cause and resolution at https://aka.ms/iothub404104",
            _ => "",
        }
    }

    /// `properties.maskedIpAddress`, e.g. `81.17.204.XXX`.
    pub fn masked_ip(&self) -> String {
        format!("{}.{}.{}.XXX", self.ip[0], self.ip[1], self.ip[2])
    }
}

/// Name of an error code as IoT Hub writes it in `resultDescription`.
pub fn code_name(code: u32) -> &'static str {
    match code {
        400_027 => "ConnectionForcefullyClosedOnNewConnection",
        401_003 => "IotHubUnauthorized",
        403_002 => "IotHubQuotaExceeded",
        403_004 => "DeviceMaximumQueueDepthExceeded",
        403_006 => "DeviceMaximumActiveFileUploadLimitExceeded",
        404_103 => "DeviceNotOnline",
        404_104 => "DeviceConnectionClosedRemotely",
        409_002 => "LinkCreationConflict",
        412_002 => "DeviceMessageLockLost",
        429_001 => "ThrottlingException",
        429_002 => "ThrottleBacklogLimitExceeded",
        500_001 => "ServerError",
        500_008 => "GenericTimeout",
        _ => "",
    }
}

/// One injected scenario occurrence: what a perfect diagnosis reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    /// The scenario.
    pub kind: Kind,
    /// The hub the scenario happened in ([`hub_name`]) when the fleet spans several hubs, where a device id alone
    /// does not name a device; `None` in a one-hub fleet (its hub is [`HUB`]).
    pub hub: Option<String>,
    /// Affected device ids, sorted; empty for hub-wide findings ([`Kind::QuotaExceeded`]).
    pub devices: Vec<String>,
    /// Time of the scenario's first record.
    pub first_ms: i64,
    /// Time of the scenario's last record.
    pub last_ms: i64,
}

/// Name of hub `hub` (upper case, as in `resourceId`): [`HUB`] for 0, `FLEET-SIM-HUB-2` for 1, and so on.
pub fn hub_name(hub: u32) -> String {
    match hub {
        0 => HUB.to_string(),
        n => format!("{HUB}-{}", u64::from(n) + 1),
    }
}

/// ARM resource id of hub `hub`, as IoT Hub writes it in `resourceId` ([`RESOURCE_ID`] for 0).
pub fn hub_resource_id(hub: u32) -> String {
    format!(
        "/SUBSCRIPTIONS/{SUBSCRIPTION}/RESOURCEGROUPS/{RESOURCE_GROUP}/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/{}",
        hub_name(hub)
    )
}

/// A simulated fleet: its log records and the ground truth.
#[derive(Debug, Clone, Default)]
pub struct Fleet {
    /// Records in emission order, that is by [`Event::received_ms`]: sorted by time, duplicated, jittered by up to
    /// `max_skew_ms`, and the late ones ([`Config::late_percent`]) moved 10 to 90 minutes on.
    pub events: Vec<Event>,
    /// Everything injected, sorted by kind then first time (then hub).
    pub truth: Vec<Truth>,
}

/// Simulates the fleet described by `config`.
pub fn simulate(config: &Config) -> Fleet {
    sim::run(config)
}

/// The truth a perfect reader of `format` can reach. Event Grid carries no error codes, so only
/// [`Kind::DeviceOffline`], [`Kind::NetworkDisconnect`] (outages of a minute or more) and
/// [`Kind::SasTokenRenewal`] (quick reconnects) remain; every other format carries the full truth.
pub fn truth_for(fleet: &Fleet, format: Format) -> Vec<Truth> {
    match format {
        Format::EventGrid => fleet.truth.iter().filter(|t| t.kind.visible_in_event_grid()).cloned().collect(),
        _ => fleet.truth.clone(),
    }
}

/// Renders truth as JSON: `[{"kind":"...","devices":[...],"first":"ISO","last":"ISO"}]`, one entry per line.
/// Entries of a fleet of several hubs end with the hub's name: `...,"last":"ISO","hub":"FLEET-SIM-HUB-2"}`.
pub fn truth_json(truth: &[Truth]) -> String {
    let mut buf = Vec::with_capacity(256 + truth.len() * 128);
    buf.push(b'[');
    for (i, t) in truth.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        buf.extend_from_slice(b"{\"kind\":\"");
        buf.extend_from_slice(t.kind.as_str().as_bytes());
        buf.extend_from_slice(b"\",\"devices\":[");
        for (j, device) in t.devices.iter().enumerate() {
            if j > 0 {
                buf.push(b',');
            }
            text::json_str(&mut buf, device);
        }
        buf.extend_from_slice(b"],\"first\":\"");
        text::iso(&mut buf, t.first_ms);
        buf.extend_from_slice(b"\",\"last\":\"");
        text::iso(&mut buf, t.last_ms);
        buf.push(b'"');
        if let Some(hub) = &t.hub {
            buf.extend_from_slice(b",\"hub\":");
            text::json_str(&mut buf, hub);
        }
        buf.push(b'}');
    }
    buf.extend_from_slice(b"\n]\n");
    String::from_utf8_lossy(&buf).into_owned()
}
