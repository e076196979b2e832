//! Renders records in each export format. Every writer appends to one reusable byte buffer and hands it to the
//! output in large chunks; per-record work is plain byte pushing (no `format!`).

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::rng::Rng;
use crate::text::{
    civil, csv_field, csv_quoted, csv_time, hex, iso, iso7, json_escape, json_str, padded, timespan, uint,
};
use crate::{
    Category, Event, Fleet, Format, LOCATION, Level, Operation, RESOURCE_GROUP, SUBSCRIPTION, grid, hub_name,
    hub_resource_id,
};

const CHUNK: usize = 1 << 18;
const AUTH_TYPE: &[u8] =
    br#""{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}""#;
const LEGACY_AUTH_TYPE: &[u8] = br#""{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\"}""#;
const TENANT: &[u8] = b"9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const CSV_HEADER: &[u8] = b"TenantId,SourceSystem,TimeGenerated [UTC],ResourceId,Category,ResourceGroup,SubscriptionId,\
ResourceProvider,Resource,ResourceType,OperationName,ResultType,ResultDescription,ResultSignature,CorrelationId,\
CallerIPAddress,Level,DurationMs,OperationVersion,location_s,properties_s,Type,_ResourceId\n";
/// Upper 64 bits of every Event Grid sequence number (an epoch-like constant per hub).
const GRID_EPOCH: u64 = 0x01DA_A61B_2C3D_4E5F;

/// Writes `fleet`'s records to `out` in `format`; returns the number of records written (Event Grid: events).
pub fn write(fleet: &Fleet, format: Format, out: &mut impl Write) -> io::Result<u64> {
    let hubs = HubNames::of(fleet);
    let mut w = Writer { buf: Vec::with_capacity(CHUNK + 8192), props: Vec::with_capacity(1024), hubs, out };
    let count = match format {
        Format::StorageJsonLines => w.lines(&fleet.events, Writer::record)?,
        Format::OperationsMonitoring => w.lines(&fleet.events, Writer::legacy)?,
        Format::EventHubsRecords => w.event_hubs(&fleet.events)?,
        Format::AzureDiagnosticsCsv => {
            w.buf.extend_from_slice(CSV_HEADER);
            w.lines(&fleet.events, Writer::csv_row)?
        }
        Format::LogAnalyticsJson => w.json_array(&fleet.events)?,
        Format::EventGrid => w.event_grid(&fleet.events)?,
    };
    w.flush()?;
    Ok(count)
}

/// How each hub of a fleet is spelled in the records, by hub index.
struct HubNames {
    /// `Resource`, upper case.
    name: Vec<String>,
    /// Event Grid `hubName`, lower case.
    name_lower: Vec<String>,
    /// `resourceId`, upper case.
    id: Vec<String>,
    /// `_ResourceId`, lower case.
    id_lower: Vec<String>,
}

impl HubNames {
    fn of(fleet: &Fleet) -> HubNames {
        let count = fleet.events.iter().map(|e| e.hub).max().unwrap_or(0);
        let name: Vec<String> = (0..=count).map(hub_name).collect();
        let id: Vec<String> = (0..=count).map(hub_resource_id).collect();
        HubNames {
            name_lower: name.iter().map(|n| n.to_ascii_lowercase()).collect(),
            id_lower: id.iter().map(|i| i.to_ascii_lowercase()).collect(),
            name,
            id,
        }
    }
}

/// The entry of `hub` in one of [`HubNames`]' lists (every hub of the fleet has one).
fn of(names: &[String], hub: u32) -> &[u8] {
    names.get(hub as usize).map_or(&[], |n| n.as_bytes())
}

/// One blob written by [`write_layout`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// The blob's name inside the container directory, `/`-separated ([`blob_path`]).
    pub path: String,
    /// Records written to it.
    pub records: u64,
}

const HOUR_MS: i64 = 3_600_000;

/// Name of the blob that receives `event` in the storage account of an Azure Monitor diagnostic setting:
/// `insights-logs-<category>/resourceId=<resource id>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json`, where `<category>` is
/// the record's category in lower case (`insights-logs-connections`) and the hour is the one in which the record
/// is received ([`Event::received_ms`]), not its `time`: Azure appends each record to the blob of the hour it
/// arrives in, so a late record lands in a later hour's blob.
pub fn blob_path(event: &Event) -> String {
    let c = civil(event.received_ms);
    let mut path = Vec::with_capacity(200);
    path.extend_from_slice(b"insights-logs-");
    path.extend_from_slice(event.category.as_str().to_ascii_lowercase().as_bytes());
    path.extend_from_slice(b"/resourceId=");
    path.extend_from_slice(hub_resource_id(event.hub).as_bytes());
    path.extend_from_slice(b"/y=");
    padded(&mut path, c.year.max(0) as u64, 4);
    for (label, value) in [(&b"/m="[..], c.month), (b"/d=", c.day), (b"/h=", c.hour)] {
        path.extend_from_slice(label);
        padded(&mut path, u64::from(value), 2);
    }
    path.extend_from_slice(b"/m=00/PT1H.json");
    String::from_utf8_lossy(&path).into_owned()
}

/// Writes `fleet`'s records as the storage container layout of an Azure Monitor diagnostic setting under `dir`:
/// one `PT1H.json` blob per category, hub and hour of receipt ([`blob_path`]), each holding its records as
/// storage JSON lines ([`Format::StorageJsonLines`]) in the order they arrive. Blobs of the same name are
/// replaced. Returns the blobs in the order they were started.
pub fn write_layout(fleet: &Fleet, dir: &Path) -> io::Result<Vec<Blob>> {
    let mut sink = io::sink();
    let hubs = HubNames::of(fleet);
    let mut w =
        Writer { buf: Vec::with_capacity(8192), props: Vec::with_capacity(1024), hubs, out: &mut sink };
    let mut blobs: Vec<Blob> = Vec::new();
    // The blobs of the current hour, still open; the records arrive in order, so an hour once passed is done.
    let mut open: HashMap<(Category, u32), (BufWriter<File>, usize)> = HashMap::new();
    let mut done: HashSet<(Category, u32, i64)> = HashSet::new();
    let mut hour = i64::MIN;
    for e in &fleet.events {
        let this_hour = e.received_ms.div_euclid(HOUR_MS);
        if this_hour != hour {
            for ((category, hub), (mut file, _)) in open.drain() {
                file.flush()?;
                done.insert((category, hub, hour));
            }
            hour = this_hour;
        }
        let (file, index) = match open.entry((e.category, e.hub)) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let name = blob_path(e);
                let path: PathBuf = name.split('/').fold(dir.to_path_buf(), |path, part| path.join(part));
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                // Records arrive in order, so a blob is never reopened; were it, it would be appended to.
                let reopened = done.contains(&(e.category, e.hub, this_hour));
                let file = OpenOptions::new()
                    .write(true)
                    .create(true)
                    .append(reopened)
                    .truncate(!reopened)
                    .open(&path)?;
                let index = match blobs.iter().position(|b| reopened && b.path == name) {
                    Some(index) => index,
                    None => {
                        blobs.push(Blob { path: name, records: 0 });
                        blobs.len() - 1
                    }
                };
                entry.insert((BufWriter::with_capacity(1 << 16, file), index))
            }
        };
        w.buf.clear();
        w.record(e);
        w.buf.push(b'\n');
        file.write_all(&w.buf)?;
        if let Some(blob) = blobs.get_mut(*index) {
            blob.records += 1;
        }
    }
    for (_, (mut file, _)) in open.drain() {
        file.flush()?;
    }
    Ok(blobs)
}

struct Writer<'o, W: Write> {
    buf: Vec<u8>,
    props: Vec<u8>,
    hubs: HubNames,
    out: &'o mut W,
}

impl<W: Write> Writer<'_, W> {
    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= CHUNK { self.flush() } else { Ok(()) }
    }

    fn lines(&mut self, events: &[Event], row: fn(&mut Self, &Event)) -> io::Result<u64> {
        for e in events {
            row(self, e);
            self.buf.push(b'\n');
            self.maybe_flush()?;
        }
        Ok(events.len() as u64)
    }

    fn event_hubs(&mut self, events: &[Event]) -> io::Result<u64> {
        let mut rng = Rng::new(0xE7E7 ^ events.len() as u64);
        let mut rest = events;
        while !rest.is_empty() {
            let size = (rng.range(100, 500) as usize).min(rest.len());
            let (document, tail) = rest.split_at(size);
            self.buf.extend_from_slice(b"{\"records\":[\n");
            for (i, e) in document.iter().enumerate() {
                self.record(e);
                self.buf.extend_from_slice(if i + 1 < document.len() { b",\n" } else { b"\n" });
                self.maybe_flush()?;
            }
            self.buf.extend_from_slice(b"]}\n");
            rest = tail;
        }
        Ok(events.len() as u64)
    }

    fn json_array(&mut self, events: &[Event]) -> io::Result<u64> {
        self.buf.push(b'[');
        for (i, e) in events.iter().enumerate() {
            self.buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            self.analytics_row(e);
            self.maybe_flush()?;
        }
        self.buf.extend_from_slice(b"\n]\n");
        Ok(events.len() as u64)
    }

    /// The record's `properties` object (not yet string-encoded) into `self.props`.
    fn properties(&mut self, e: &Event) {
        let p = &mut self.props;
        p.clear();
        p.extend_from_slice(b"{\"deviceId\":");
        json_str(p, &e.device);
        match e.category {
            Category::Connections => {
                if e.operation == Operation::DeviceConnect {
                    p.extend_from_slice(b",\"sdkVersion\":");
                    json_str(p, e.sdk_version);
                }
                p.extend_from_slice(b",\"protocol\":\"");
                p.extend_from_slice(e.protocol.as_str().as_bytes());
                p.extend_from_slice(b"\",\"authType\":null,\"maskedIpAddress\":\"");
                masked_ip(p, e.ip);
                p.extend_from_slice(b"\",\"statusCode\":");
                status(p, e);
                p.extend_from_slice(b",\"errorMessage\":");
                json_str(p, e.error_message());
            }
            Category::DeviceTelemetry => {
                p.extend_from_slice(b",\"batching\":\"0\",\"messageSizeInBytes\":\"");
                uint(p, u64::from(e.size));
                let (processed, enqueued, partition) = e
                    .message
                    .as_ref()
                    .map_or((e.time_ms, e.time_ms, 0), |m| (m.processed_ms, m.enqueued_ms, m.partition));
                p.extend_from_slice(b"\",\"EventProcessedUtcTime\":\"");
                iso7(p, processed, 0);
                p.extend_from_slice(b"\",\"EventEnqueuedUtcTime\":\"");
                iso7(p, enqueued, 0);
                p.extend_from_slice(b"\",\"partitionId\":\"");
                uint(p, u64::from(partition));
                p.push(b'"');
            }
            Category::C2DCommands => {
                let m = e.message.as_deref();
                p.extend_from_slice(b",\"messageId\":");
                json_str(p, m.map_or("", |m| &m.message_id));
                p.extend_from_slice(b",\"messageSizeInBytes\":\"");
                uint(p, u64::from(e.size));
                p.extend_from_slice(b"\",\"protocol\":\"");
                p.extend_from_slice(e.protocol.as_str().as_bytes());
                p.extend_from_slice(b"\",\"deliveryAcknowledgement\":\"Full\",\"deliveryCount\":\"");
                uint(p, u64::from(m.map_or(0, |m| m.delivery_count)));
                let enqueued = m.map_or(e.time_ms, |m| m.enqueued_ms);
                let ttl = m.map_or(3600, |m| m.ttl_s);
                p.extend_from_slice(b"\",\"expiryTime\":\"");
                iso(p, enqueued + i64::from(ttl) * 1000);
                p.extend_from_slice(b"\",\"timeInSystem\":\"");
                timespan(p, e.time_ms - enqueued);
                p.extend_from_slice(b"\",\"ttl\":");
                uint(p, u64::from(ttl));
                p.extend_from_slice(b",\"EventProcessedUtcTime\":\"");
                iso7(p, m.map_or(e.time_ms, |m| m.processed_ms), 0);
                p.extend_from_slice(b"\",\"EventEnqueuedUtcTime\":\"");
                iso7(p, enqueued, 0);
                p.extend_from_slice(b"\",\"maskedIpAddress\":\"");
                masked_ip(p, e.ip);
                p.extend_from_slice(b"\",\"statusCode\":");
                status(p, e);
            }
            Category::C2DTwinOperations => {
                p.extend_from_slice(b",\"sdkVersion\":");
                json_str(p, e.sdk_version);
                p.extend_from_slice(b",\"messageSize\":\"");
                uint(p, u64::from(e.size));
                p.push(b'"');
            }
            Category::D2CTwinOperations => {
                p.extend_from_slice(b",\"protocol\":\"");
                p.extend_from_slice(e.protocol.as_str().as_bytes());
                p.extend_from_slice(b"\",\"authenticationType\":");
                p.extend_from_slice(AUTH_TYPE);
            }
            Category::DirectMethods => {
                p.extend_from_slice(b",\"RequestSize\":");
                uint(p, u64::from(e.size));
                p.extend_from_slice(b",\"ResponseSize\":");
                uint(p, u64::from(e.response_size));
                p.extend_from_slice(b",\"sdkVersion\":");
                json_str(p, e.sdk_version);
            }
            Category::FileUploadOperations => {
                p.extend_from_slice(b",\"protocol\":\"");
                p.extend_from_slice(e.protocol.as_str().as_bytes());
                p.extend_from_slice(b"\",\"authType\":");
                p.extend_from_slice(AUTH_TYPE);
                p.extend_from_slice(b",\"blobUri\":null");
            }
        }
        p.push(b'}');
    }

    /// A resource-log record as one compact JSON object (storage and Event Hubs shapes).
    fn record(&mut self, e: &Event) {
        self.properties(e);
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"time\":\"");
        iso(b, e.time_ms);
        b.extend_from_slice(b"\",\"resourceId\":\"");
        b.extend_from_slice(of(&self.hubs.id, e.hub));
        b.extend_from_slice(b"\",\"operationName\":\"");
        b.extend_from_slice(e.operation.as_str().as_bytes());
        b.extend_from_slice(b"\",\"category\":\"");
        b.extend_from_slice(e.category.as_str().as_bytes());
        b.extend_from_slice(b"\",\"level\":\"");
        b.extend_from_slice(e.level.as_str().as_bytes());
        b.push(b'"');
        if let Some(code) = e.code {
            b.extend_from_slice(b",\"resultType\":\"");
            uint(b, u64::from(code));
            b.extend_from_slice(b"\",\"resultDescription\":");
            json_str(b, e.name);
        }
        if let Some(duration) = e.duration_ms.filter(|_| e.category.has_duration()) {
            b.extend_from_slice(b",\"durationMs\":\"");
            uint(b, u64::from(duration));
            b.push(b'"');
        }
        b.extend_from_slice(b",\"properties\":\"");
        json_escape(b, &self.props);
        b.extend_from_slice(b"\",\"location\":\"");
        b.extend_from_slice(LOCATION.as_bytes());
        b.extend_from_slice(b"\"}");
    }

    /// A Log Analytics portal CSV row (columns of [`CSV_HEADER`]).
    fn csv_row(&mut self, e: &Event) {
        self.properties(e);
        let b = &mut self.buf;
        b.extend_from_slice(TENANT);
        b.extend_from_slice(b",Azure,\"");
        csv_time(b, e.time_ms);
        b.extend_from_slice(b"\",");
        b.extend_from_slice(of(&self.hubs.id, e.hub));
        b.push(b',');
        b.extend_from_slice(e.category.as_str().as_bytes());
        b.push(b',');
        b.extend_from_slice(RESOURCE_GROUP.as_bytes());
        b.push(b',');
        b.extend_from_slice(SUBSCRIPTION.to_ascii_lowercase().as_bytes());
        b.extend_from_slice(b",MICROSOFT.DEVICES,");
        b.extend_from_slice(of(&self.hubs.name, e.hub));
        b.extend_from_slice(b",IOTHUBS,");
        b.extend_from_slice(e.operation.as_str().as_bytes());
        b.push(b',');
        if let Some(code) = e.code {
            uint(b, u64::from(code));
            b.push(b',');
            csv_field(b, e.name.as_bytes());
        } else {
            b.push(b',');
        }
        b.extend_from_slice(b",,,,");
        b.extend_from_slice(e.level.as_str().as_bytes());
        b.push(b',');
        if let Some(duration) = e.duration_ms.filter(|_| e.category.has_duration()) {
            uint(b, u64::from(duration));
        }
        b.extend_from_slice(b",,");
        b.extend_from_slice(LOCATION.as_bytes());
        b.push(b',');
        csv_quoted(b, &self.props);
        b.extend_from_slice(b",AzureDiagnostics,");
        b.extend_from_slice(of(&self.hubs.id_lower, e.hub));
    }

    /// A Log Analytics JSON row: every value a string, empty where absent.
    fn analytics_row(&mut self, e: &Event) {
        self.properties(e);
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"TimeGenerated\":\"");
        iso7(b, e.time_ms, 0);
        b.extend_from_slice(b"\",\"Category\":\"");
        b.extend_from_slice(e.category.as_str().as_bytes());
        b.extend_from_slice(b"\",\"OperationName\":\"");
        b.extend_from_slice(e.operation.as_str().as_bytes());
        b.extend_from_slice(b"\",\"Level\":\"");
        b.extend_from_slice(e.level.as_str().as_bytes());
        b.extend_from_slice(b"\",\"ResultType\":\"");
        if let Some(code) = e.code {
            uint(b, u64::from(code));
        }
        b.extend_from_slice(b"\",\"ResultDescription\":");
        json_str(b, e.name);
        b.extend_from_slice(b",\"properties_s\":\"");
        json_escape(b, &self.props);
        b.extend_from_slice(b"\",\"Resource\":\"");
        b.extend_from_slice(of(&self.hubs.name, e.hub));
        b.extend_from_slice(b"\",\"ResourceId\":\"");
        b.extend_from_slice(of(&self.hubs.id, e.hub));
        b.extend_from_slice(b"\",\"Type\":\"AzureDiagnostics\"}");
    }

    /// A legacy operations-monitoring object: flat, numbers unquoted.
    fn legacy(&mut self, e: &Event) {
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"durationMs\":");
        // The legacy stream timed every operation; connections took a few to a few hundred milliseconds.
        uint(b, u64::from(e.duration_ms.unwrap_or(e.seq.wrapping_mul(2_654_435_761) >> 24)));
        b.extend_from_slice(b",\"authType\":");
        b.extend_from_slice(LEGACY_AUTH_TYPE);
        b.extend_from_slice(b",\"protocol\":\"");
        b.extend_from_slice(e.protocol.as_str().as_bytes());
        b.extend_from_slice(b"\",\"time\":\"");
        iso(b, e.time_ms);
        b.extend_from_slice(b"\",\"operationName\":\"");
        b.extend_from_slice(e.operation.as_str().as_bytes());
        b.extend_from_slice(b"\",\"category\":\"");
        b.extend_from_slice(e.category.legacy_name().as_bytes());
        b.extend_from_slice(b"\",\"level\":\"");
        b.extend_from_slice(e.level.as_str().as_bytes());
        b.push(b'"');
        if let Some(code) = e.code {
            b.extend_from_slice(b",\"statusCode\":");
            uint(b, u64::from(code / 1000));
            b.extend_from_slice(b",\"statusType\":");
            uint(b, u64::from(code));
            b.extend_from_slice(b",\"statusDescription\":");
            json_str(b, e.name);
        }
        b.extend_from_slice(b",\"deviceId\":");
        json_str(b, &e.device);
        if matches!(e.category, Category::DeviceTelemetry | Category::C2DCommands) {
            b.extend_from_slice(b",\"messageSizeInBytes\":");
            uint(b, u64::from(e.size));
        }
        if let Some(m) = e.message.as_deref().filter(|_| e.category == Category::C2DCommands) {
            b.extend_from_slice(b",\"messageId\":");
            json_str(b, &m.message_id);
            b.extend_from_slice(b",\"deliveryCount\":");
            uint(b, u64::from(m.delivery_count));
        }
        b.push(b'}');
    }

    fn event_grid(&mut self, events: &[Event]) -> io::Result<u64> {
        let derived = grid::derive(events);
        self.buf.push(b'[');
        for (i, g) in derived.iter().enumerate() {
            let b = &mut self.buf;
            b.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            b.extend_from_slice(b"{\"id\": \"");
            guid(b, g.id);
            b.extend_from_slice(b"\", \"topic\": \"");
            b.extend_from_slice(of(&self.hubs.id, g.hub));
            b.extend_from_slice(b"\", \"subject\": \"devices/");
            json_escape(b, g.device.as_bytes());
            b.extend_from_slice(b"\", \"eventType\": \"Microsoft.Devices.");
            b.extend_from_slice(if g.connected { b"DeviceConnected" } else { b"DeviceDisconnected" });
            b.extend_from_slice(b"\", \"eventTime\": \"");
            iso7(b, g.time_ms, g.ticks);
            b.extend_from_slice(
                b"\", \"data\": {\"deviceConnectionStateEventInfo\": {\"sequenceNumber\": \"",
            );
            hex(b, 0, 16);
            hex(b, GRID_EPOCH, 16);
            hex(b, u64::from(g.partition), 8);
            hex(b, g.counter, 24);
            b.extend_from_slice(b"\"}, \"hubName\": \"");
            b.extend_from_slice(of(&self.hubs.name_lower, g.hub));
            b.extend_from_slice(b"\", \"deviceId\": ");
            json_str(b, g.device);
            b.extend_from_slice(
                b", \"moduleId\": \"\"}, \"dataVersion\": \"1\", \"metadataVersion\": \"1\"}",
            );
            self.maybe_flush()?;
        }
        self.buf.extend_from_slice(b"\n]\n");
        Ok(derived.len() as u64)
    }
}

fn masked_ip(p: &mut Vec<u8>, ip: [u8; 3]) {
    for octet in ip {
        uint(p, u64::from(octet));
        p.push(b'.');
    }
    p.extend_from_slice(b"XXX");
}

/// `properties.statusCode`: the HTTP status as a string on errors, `null` otherwise.
fn status(p: &mut Vec<u8>, e: &Event) {
    match e.status_code() {
        Some(status) if e.level == Level::Error => {
            p.push(b'"');
            uint(p, u64::from(status));
            p.push(b'"');
        }
        _ => p.extend_from_slice(b"null"),
    }
}

/// A version-5-looking GUID from 128 random bits.
fn guid(b: &mut Vec<u8>, bits: [u64; 2]) {
    let mut lower = Vec::with_capacity(32);
    hex(&mut lower, bits[0], 16);
    hex(&mut lower, bits[1], 16);
    lower.make_ascii_lowercase();
    lower[12] = b'5';
    lower[16] = b"89ab"[(bits[1] >> 62) as usize];
    for (i, &c) in lower.iter().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            b.push(b'-');
        }
        b.push(c);
    }
}
