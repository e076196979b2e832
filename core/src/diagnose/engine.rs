//! The diagnosis state machine: a reorder buffer, per-device state, and hub-wide detectors.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::findings::{self, Draft};
use super::sorted_map::SortedMap;
use super::summary::SummaryBuilder;
use super::{FindingKind, Offender, REORDER_WINDOW_MS, Report};
use crate::logs::{Decoded, Format, Level, LogRecord, ReadItem, RecordRef};
use crate::time::Millis;
use iothub_errors_records::hash::FxHashMap;

/// A 404104 this close after a 401003 on the same device belongs to a token-expiry cycle.
const SAS_PAIR_MS: Millis = 10_000;
/// A renewal cycle's reconnect must come this soon after the 401003.
const SAS_RECONNECT_MS: Millis = 120_000;
/// A disconnect followed by a connect this soon is a quick reconnect (renewal), not an outage.
const QUICK_RECONNECT_MS: Millis = 90_000;
/// Window in which disconnects of many devices count as one incident.
const MASS_WINDOW_MS: Millis = 60_000;
/// Fewest devices for a mass disconnect, whatever the fleet size.
const MASS_MIN_DEVICES: usize = 5;
/// Share of the known fleet (in percent) that must drop for a mass disconnect in large fleets.
const MASS_MIN_PERCENT: usize = 2;
/// Throttling errors further apart than this start a new burst.
const BURST_GAP_MS: Millis = 5 * 60_000;
/// Refused connects in a row, and their span, that make a clock-drift streak.
const DRIFT_MIN_ATTEMPTS: u64 = 3;
const DRIFT_MIN_SPAN_MS: Millis = 5 * 60_000;
/// A resource-log disconnect this long before the end of the data with no reconnect means offline.
const OFFLINE_AFTER_MS: Millis = 2 * 60_000;
/// A 409002 this soon after another disconnect error of the device has that error as its cause.
const LINK_CAUSE_MS: Millis = 60_000;
/// Per-device history kept for timelines and period estimates.
const MAX_TIMES: usize = 64;
/// Record references kept per series as evidence.
const MAX_REFS: usize = 5;

/// Which log category a record belongs to, as far as diagnosis cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    Connections,
    Routes,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Connect,
    Disconnect,
    Other,
}

/// One record reduced to what the state machines need.
#[derive(Debug, Clone)]
struct Event {
    time: Millis,
    device: Option<u32>,
    action: Action,
    category: Category,
    code: Option<u32>,
    /// An error without a code (level Error).
    failed: bool,
    event_grid: bool,
    source: RecordRef,
    message_id: Option<Box<str>>,
    delivery_count: Option<u32>,
    ip: Option<Box<str>>,
}

impl Event {
    /// Order of events that share a timestamp: the expiry before the close, closes before connects.
    fn rank(&self) -> u8 {
        match (self.action, self.code) {
            (Action::Disconnect, Some(401003)) => 0,
            (Action::Disconnect, Some(404104)) => 1,
            (Action::Disconnect, _) => 2,
            (Action::Connect, _) => 3,
            (Action::Other, _) => 4,
        }
    }
}

/// An event waiting in the reorder buffer.
#[derive(Debug)]
struct Queued {
    key: (Millis, u8, u64),
    event: Event,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// Occurrences of something on one device or hub-wide: counts, span, a few times and references.
#[derive(Debug, Default, Clone)]
pub(super) struct Series {
    pub count: u64,
    pub first: Option<Millis>,
    pub last: Option<Millis>,
    pub times: Vec<Millis>,
    pub refs: Vec<RecordRef>,
}

impl Series {
    fn add(&mut self, at: Millis, source: RecordRef) {
        self.count += 1;
        self.first = Some(self.first.map_or(at, |first| first.min(at)));
        self.last = Some(self.last.map_or(at, |last| last.max(at)));
        if self.times.len() < MAX_TIMES {
            self.times.push(at);
        }
        if self.refs.len() < MAX_REFS {
            self.refs.push(source);
        }
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Median gap between consecutive kept times, in minutes.
    fn median_gap_minutes(&self) -> Option<f64> {
        let mut gaps: Vec<Millis> =
            self.times.windows(2).filter_map(|w| Some(w.get(1)? - w.first()?)).collect();
        crate::sort::sort(&mut gaps);
        let middle = gaps.get(gaps.len() / 2)?;
        Some(*middle as f64 / 60_000.0)
    }
}

/// A 409002 and the disconnect error (time, code) the device had just before it, if any.
type LinkConflict = (Millis, RecordRef, Option<(Millis, u32)>);

/// Token renewals grouped by (found only as quick reconnects, SDK): a draft and the renewal periods.
type RenewalGroups = SortedMap<(bool, Option<String>), (Draft, Vec<f64>)>;

/// When the device's last connection event is a disconnect that counts as going offline: at least
/// [`OFFLINE_AFTER_MS`] before the end of the data, or any final disconnect from Event Grid.
fn offline_since(device: &Device, end: Millis) -> Option<Millis> {
    match device.state {
        State::Disconnected(at, _, event_grid) if event_grid || end - at >= OFFLINE_AFTER_MS => Some(at),
        _ => None,
    }
}

/// A finding for the device's errors of one code, when it had any.
fn code_errors(index: u32, device: &Device, kind: FindingKind, series: &Series, code: u32) -> Option<Draft> {
    (!series.is_empty()).then(|| Draft::for_device(kind, index, device, series, &[code]))
}

/// 400027 on the device, with the masked IPs its connects came from.
fn duplicate_identity(index: u32, device: &Device) -> Option<Draft> {
    let mut draft =
        code_errors(index, device, FindingKind::DuplicateIdentity, &device.duplicate_identity, 400027)?;
    draft.details.ip_addresses = device.ips.clone();
    Some(draft)
}

/// 412002 on the device, with the message ids and the highest delivery count.
fn c2d_lock_lost(index: u32, device: &Device) -> Option<Draft> {
    let mut draft = code_errors(index, device, FindingKind::C2dLockLost, &device.lock_lost, 412002)?;
    draft.details.message_ids = device.lock_messages.keys().cloned().collect();
    draft.details.max_delivery_count = device.lock_messages.values().copied().max().filter(|&n| n > 0);
    Some(draft)
}

/// The device's final disconnect, when it went offline and is not already found drifting.
fn device_offline(index: u32, device: &Device, offline_at: Option<Millis>, drift: &Series) -> Option<Draft> {
    let State::Disconnected(at, source, _) = device.state else { return None };
    if offline_at.is_none() || drift.count >= DRIFT_MIN_ATTEMPTS {
        return None;
    }
    let mut series = Series::default();
    series.add(at, source);
    Some(Draft::for_device(FindingKind::DeviceOffline, index, device, &series, &[]))
}

/// The last connection state event of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unknown,
    Connected(Millis),
    Disconnected(Millis, RecordRef, bool),
}

#[derive(Debug)]
pub(super) struct Device {
    pub name: String,
    pub sdk: Option<String>,
    state: State,
    ever_connected: bool,
    last_ok_connect: Option<Millis>,
    /// Time of a 401003 disconnect that may start a renewal cycle.
    expiry_at: Option<Millis>,
    /// Start of a renewal cycle whose reconnect is awaited.
    cycle_start: Option<(Millis, RecordRef)>,
    pub renewals: Series,
    /// An error-free disconnect whose reconnect is awaited.
    quiet_disconnect: Option<(Millis, RecordRef)>,
    pub quick_reconnects: Series,
    /// Disconnects without token expiry (404104, 5xx), kept for the incident check at the end.
    pub drops: Series,
    pending_drop: Option<Millis>,
    pub reconnect_total_ms: i64,
    pub reconnects: u64,
    /// An Event Grid outage (disconnect, then connect after more than a minute).
    pub outages: Series,
    pub drift: Series,
    pub past_drift: Series,
    pub never_accepted: Series,
    /// 409002 events with the device's previous disconnect error, if any.
    pub link_conflicts: Vec<LinkConflict>,
    pub link_count: u64,
    last_error_disconnect: Option<(Millis, u32)>,
    pub duplicate_identity: Series,
    pub ips: Vec<String>,
    pub uploads: Series,
    pub lock_lost: Series,
    pub lock_messages: SortedMap<String, u32>,
    pub queue_full: Series,
    pub not_online: Series,
}

impl Device {
    /// The longer of the device's current and past streaks of refused connects.
    fn longest_drift(&self) -> &Series {
        if self.drift.count >= self.past_drift.count { &self.drift } else { &self.past_drift }
    }

    fn new(name: String) -> Device {
        Device {
            name,
            sdk: None,
            state: State::Unknown,
            ever_connected: false,
            last_ok_connect: None,
            expiry_at: None,
            cycle_start: None,
            renewals: Series::default(),
            quiet_disconnect: None,
            quick_reconnects: Series::default(),
            drops: Series::default(),
            pending_drop: None,
            reconnect_total_ms: 0,
            reconnects: 0,
            outages: Series::default(),
            drift: Series::default(),
            past_drift: Series::default(),
            never_accepted: Series::default(),
            link_conflicts: Vec::new(),
            link_count: 0,
            last_error_disconnect: None,
            duplicate_identity: Series::default(),
            ips: Vec::new(),
            uploads: Series::default(),
            lock_lost: Series::default(),
            lock_messages: SortedMap::default(),
            queue_full: Series::default(),
            not_online: Series::default(),
        }
    }
}

/// Disconnect errors of many devices close together.
#[derive(Debug, Default)]
pub(super) struct Incident {
    pub first: Millis,
    pub last: Millis,
    pub devices: FxHashMap<u32, u64>,
    pub codes: SortedMap<u32, u64>,
    pub refs: Vec<RecordRef>,
    pub timeline: Vec<(Millis, u32, u32)>,
    pub failed_reconnects: u64,
    /// Span of the disconnects alone (failed reconnects come later).
    pub drops_first: Option<Millis>,
    pub drops_last: Option<Millis>,
}

impl Incident {
    fn add(&mut self, at: Millis, device: u32, code: u32, source: RecordRef, connect: bool) {
        if self.devices.is_empty() {
            self.first = at;
        }
        self.first = self.first.min(at);
        self.last = self.last.max(at);
        *self.devices.entry(device).or_default() += 1;
        self.codes.update(code, || 0, |n| *n += 1);
        if connect {
            self.failed_reconnects += 1;
        } else {
            self.drops_first = Some(self.drops_first.map_or(at, |first| first.min(at)));
            self.drops_last = Some(self.drops_last.map_or(at, |last| last.max(at)));
        }
        if self.refs.len() < MAX_REFS * 2 {
            self.refs.push(source);
        }
        if self.timeline.len() < 200 {
            self.timeline.push((at, device, code));
        }
    }

    pub fn covers(&self, at: Millis, slack_before: Millis, slack_after: Millis) -> bool {
        at >= self.first - slack_before && at <= self.last + slack_after
    }
}

/// Throttling errors close together.
#[derive(Debug, Default)]
pub(super) struct Burst {
    pub first: Millis,
    pub last: Millis,
    pub count: u64,
    pub devices: FxHashMap<u32, u64>,
    pub codes: SortedMap<u32, u64>,
    pub refs: Vec<RecordRef>,
    pub timeline: Vec<(Millis, Option<u32>, u32)>,
}

/// Hub-wide state.
#[derive(Debug, Default)]
pub(super) struct Hub {
    /// Recent disconnect errors: (time, device, code, source, is_connect).
    window: VecDeque<(Millis, u32, u32, RecordRef, bool)>,
    window_devices: FxHashMap<u32, u32>,
    pub incidents: Vec<Incident>,
    pub bursts: Vec<Burst>,
    pub quota: Series,
    pub quota_devices: FxHashMap<u32, u64>,
}

/// The whole diagnosis state.
#[derive(Debug, Default)]
pub(super) struct Engine {
    summary: SummaryBuilder,
    pub devices: Vec<Device>,
    device_index: FxHashMap<String, u32>,
    queue: BinaryHeap<Reverse<Queued>>,
    sequence: u64,
    watermark: Option<Millis>,
    /// Fingerprints of recent records, to drop duplicates.
    seen: FxHashMap<u64, Millis>,
    pruned_at: Millis,
    pub hub: Hub,
    /// Latest event time processed.
    pub end: Option<Millis>,
}

impl Engine {
    pub fn records_read(&self) -> u64 {
        self.summary.records_read()
    }

    pub fn ingest(&mut self, item: ReadItem) {
        match item {
            ReadItem::Record(record) => self.ingest_record(&record),
            ReadItem::Skipped(skipped) => self.summary.skipped(skipped),
        }
    }

    pub fn ingest_decoded(&mut self, item: Decoded<'_>) {
        match item {
            Decoded::Record(record) => self.ingest_record(record),
            Decoded::Skipped(skipped) => self.summary.skipped(skipped),
        }
    }

    pub fn ingest_record(&mut self, record: &LogRecord) {
        let fingerprint = record.fingerprint();
        if let Some(at) = record.time {
            if self.seen.insert(fingerprint, at).is_some() {
                self.summary.duplicate();
                return;
            }
        }
        let device = record.device_id.as_deref().map(|name| self.intern(name));
        self.summary.record(record, device.map(|d| d as usize));
        if let (Some(index), Some(sdk)) = (device, record.sdk_version.as_deref()) {
            if let Some(state) = self.devices.get_mut(index as usize) {
                if state.sdk.is_none() {
                    state.sdk = Some(sdk_name(sdk));
                }
            }
        }
        let Some(at) = record.time else { return };
        if !record.is_error() && !record.is_connect() && !record.is_disconnect() {
            return;
        }
        let category = match record.category.as_ref() {
            "Connections" => Category::Connections,
            "Routes" => Category::Routes,
            _ => Category::Other,
        };
        let action = if record.is_connect() {
            Action::Connect
        } else if record.is_disconnect() {
            Action::Disconnect
        } else {
            Action::Other
        };
        let event = Event {
            time: at,
            device,
            action,
            category,
            code: record.code,
            failed: matches!(record.level, Level::Error | Level::Critical),
            event_grid: record.format == Format::EventGrid,
            source: record.source,
            // Only lock-lost findings name messages and only connects name addresses: copy nothing else.
            message_id: record.message_id.as_deref().filter(|_| record.code == Some(412002)).map(Box::from),
            delivery_count: record.delivery_count,
            ip: record.ip.as_deref().filter(|_| action == Action::Connect).map(Box::from),
        };
        self.sequence += 1;
        self.queue.push(Reverse(Queued { key: (at, event.rank(), self.sequence), event }));
        let watermark = self.watermark.map_or(at, |w| w.max(at));
        self.watermark = Some(watermark);
        self.drain(watermark - REORDER_WINDOW_MS);
        if watermark - self.pruned_at > REORDER_WINDOW_MS {
            let horizon = watermark - 2 * REORDER_WINDOW_MS;
            self.seen.retain(|_, at| *at >= horizon);
            self.pruned_at = watermark;
        }
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&index) = self.device_index.get(name) {
            return index;
        }
        let index = u32::try_from(self.devices.len()).unwrap_or(u32::MAX);
        self.devices.push(Device::new(name.to_owned()));
        self.device_index.insert(name.to_owned(), index);
        index
    }

    /// Processes queued events older than `horizon`, in time order.
    fn drain(&mut self, horizon: Millis) {
        while self.queue.peek().is_some_and(|Reverse(top)| top.key.0 <= horizon) {
            if let Some(Reverse(queued)) = self.queue.pop() {
                self.process(queued.event);
            }
        }
    }

    fn process(&mut self, event: Event) {
        let at = event.time;
        self.end = Some(self.end.map_or(at, |end| end.max(at)));
        let fleet_size = self.devices.len();
        let Some(index) = event.device else {
            self.hub_event(&event, None);
            return;
        };
        self.hub_event(&event, Some(index));
        let Some(device) = self.devices.get_mut(index as usize) else { return };
        if let Some(code) = event.code {
            match code {
                403006 => device.uploads.add(at, event.source),
                412002 => {
                    device.lock_lost.add(at, event.source);
                    if let Some(id) = &event.message_id {
                        let count = event.delivery_count.unwrap_or(0);
                        device.lock_messages.update(id.to_string(), || 0, |seen| *seen = (*seen).max(count));
                    }
                }
                403004 if event.category != Category::Routes => device.queue_full.add(at, event.source),
                404103 => device.not_online.add(at, event.source),
                400027 => {
                    device.duplicate_identity.add(at, event.source);
                }
                409002 => {
                    device.link_count += 1;
                    if device.link_conflicts.len() < MAX_TIMES {
                        device.link_conflicts.push((at, event.source, device.last_error_disconnect));
                    }
                }
                _ => {}
            }
        }
        if let Some(ip) = &event.ip {
            if event.action == Action::Connect
                && device.ips.len() < 4
                && !device.ips.iter().any(|i| **i == **ip)
            {
                device.ips.push(ip.to_string());
            }
        }
        if event.category != Category::Connections {
            return;
        }
        let mass_candidate = match event.action {
            Action::Disconnect => Self::disconnect(device, &event),
            Action::Connect => Self::connect(device, &event),
            Action::Other => None,
        };
        if let Some(code) = mass_candidate {
            self.mass_candidate(at, index, code, event.source, event.action == Action::Connect, fleet_size);
        }
    }

    /// Updates a device on a disconnect; returns a code when the disconnect may belong to an incident.
    fn disconnect(device: &mut Device, event: &Event) -> Option<u32> {
        let at = event.time;
        match event.code {
            // The old link of a replaced connection: the identity stays connected.
            Some(409002 | 400027) => return None,
            Some(401003) => {
                device.expiry_at = Some(at);
                device.last_error_disconnect = Some((at, 401003));
            }
            Some(404104) => {
                device.last_error_disconnect = Some((at, 404104));
                if device.expiry_at.is_some_and(|expiry| at - expiry <= SAS_PAIR_MS) {
                    device.cycle_start = device.expiry_at.take().map(|expiry| (expiry, event.source));
                } else {
                    device.drops.add(at, event.source);
                    device.pending_drop = Some(at);
                }
            }
            Some(code) if is_server_side(code) => {
                device.last_error_disconnect = Some((at, code));
                device.drops.add(at, event.source);
                device.pending_drop = Some(at);
            }
            Some(code) => device.last_error_disconnect = Some((at, code)),
            None if event.failed => {}
            None => device.quiet_disconnect = Some((at, event.source)),
        }
        device.state = State::Disconnected(at, event.source, event.event_grid);
        match event.code {
            Some(404104) if device.cycle_start.is_some() => None,
            Some(code @ 404104) => Some(code),
            Some(code) if is_server_side(code) => Some(code),
            _ => None,
        }
    }

    /// Updates a device on a connect; returns a code when a failed connect may belong to an incident.
    fn connect(device: &mut Device, event: &Event) -> Option<u32> {
        let at = event.time;
        if event.failed || event.code.is_some() {
            return match event.code {
                Some(401003) if device.ever_connected => {
                    device.drift.add(at, event.source);
                    None
                }
                Some(401003) => {
                    device.never_accepted.add(at, event.source);
                    None
                }
                Some(code) if is_server_side(code) => Some(code),
                _ => None,
            };
        }
        if let Some((start, source)) = device.cycle_start.take() {
            if at - start <= SAS_RECONNECT_MS {
                device.renewals.add(start, source);
            }
        }
        device.expiry_at = None;
        if let Some((left, source)) = device.quiet_disconnect.take() {
            if at - left <= QUICK_RECONNECT_MS {
                device.quick_reconnects.add(left, source);
            } else if event.event_grid {
                device.outages.add(left, source);
                device.reconnect_total_ms += at - left;
                device.reconnects += 1;
            }
        } else if event.event_grid && matches!(device.state, State::Connected(_)) {
            // Connected twice in a row: the state flapped inside one 60-second snapshot.
            device.quick_reconnects.add(at, event.source);
        }
        if let Some(dropped) = device.pending_drop.take() {
            device.reconnect_total_ms += at - dropped;
            device.reconnects += 1;
        }
        if device.drift.count > 0 {
            if device.drift.count >= DRIFT_MIN_ATTEMPTS && device.drift.count > device.past_drift.count {
                device.past_drift = std::mem::take(&mut device.drift);
            }
            device.drift = Series::default();
        }
        device.ever_connected = true;
        device.last_ok_connect = Some(at);
        device.state = State::Connected(at);
        None
    }

    fn mass_candidate(
        &mut self,
        at: Millis,
        device: u32,
        code: u32,
        source: RecordRef,
        connect: bool,
        fleet: usize,
    ) {
        let hub = &mut self.hub;
        hub.window.push_back((at, device, code, source, connect));
        *hub.window_devices.entry(device).or_default() += 1;
        while hub.window.front().is_some_and(|front| at - front.0 > MASS_WINDOW_MS) {
            if let Some((_, old, ..)) = hub.window.pop_front() {
                if let Some(count) = hub.window_devices.get_mut(&old) {
                    *count -= 1;
                    if *count == 0 {
                        hub.window_devices.remove(&old);
                    }
                }
            }
        }
        if let Some(incident) = hub.incidents.last_mut() {
            if at - incident.last <= MASS_WINDOW_MS {
                incident.add(at, device, code, source, connect);
                return;
            }
        }
        let threshold = MASS_MIN_DEVICES.max(fleet * MASS_MIN_PERCENT / 100);
        if hub.window_devices.len() >= threshold {
            let mut incident = Incident::default();
            for &(when, who, what, source, connect) in &hub.window {
                incident.add(when, who, what, source, connect);
            }
            hub.incidents.push(incident);
        }
    }

    fn hub_event(&mut self, event: &Event, device: Option<u32>) {
        let Some(code) = event.code else { return };
        let at = event.time;
        if code == 403002 {
            self.hub.quota.add(at, event.source);
            if let Some(device) = device {
                *self.hub.quota_devices.entry(device).or_default() += 1;
            }
        }
        if (429000..=429999).contains(&code) {
            let start_new = self.hub.bursts.last().is_none_or(|burst| at - burst.last > BURST_GAP_MS);
            if start_new {
                self.hub.bursts.push(Burst { first: at, last: at, ..Burst::default() });
            }
            if let Some(burst) = self.hub.bursts.last_mut() {
                burst.last = burst.last.max(at);
                burst.count += 1;
                if let Some(device) = device {
                    *burst.devices.entry(device).or_default() += 1;
                }
                burst.codes.update(code, || 0, |n| *n += 1);
                if burst.refs.len() < MAX_REFS * 2 {
                    burst.refs.push(event.source);
                }
                if burst.timeline.len() < 200 {
                    burst.timeline.push((at, device, code));
                }
            }
        }
    }

    pub fn finish(mut self) -> Report {
        self.drain(Millis::MAX);
        self.cluster_outages();
        let mut drafts = Vec::new();
        self.device_findings(&mut drafts);
        self.hub_findings(&mut drafts);
        let names: Vec<String> = self.devices.iter().map(|d| d.name.clone()).collect();
        let summary = std::mem::take(&mut self.summary).build(&names);
        findings::report(summary, drafts, &names)
    }

    fn device_findings(&self, drafts: &mut Vec<Draft>) {
        let end = self.end.unwrap_or(Millis::MIN);
        let mut renewals = RenewalGroups::default();
        for (index, device) in self.devices.iter().enumerate() {
            let index = index as u32;
            self.group_renewals(index, device, &mut renewals);
            let offline_at = offline_since(device, end);
            drafts.extend(self.network_disconnect(index, device, offline_at));
            let drift = device.longest_drift();
            drafts.extend(self.time_drift(index, device, drift));
            self.link_conflict_side_effects(index, device, drafts);
            drafts.extend(duplicate_identity(index, device));
            drafts.extend(code_errors(index, device, FindingKind::FileUploadLimit, &device.uploads, 403006));
            drafts.extend(c2d_lock_lost(index, device));
            drafts.extend(code_errors(index, device, FindingKind::C2dQueueFull, &device.queue_full, 403004));
            drafts.extend(code_errors(
                index,
                device,
                FindingKind::DeviceNotOnline,
                &device.not_online,
                404103,
            ));
            drafts.extend(device_offline(index, device, offline_at, drift));
        }
        for ((_, sdk), (mut draft, mut periods)) in renewals {
            crate::sort::sort_by(&mut periods, f64::total_cmp);
            draft.details.period_minutes = periods.get(periods.len() / 2).copied();
            draft.details.sdk = sdk;
            drafts.push(draft);
        }
    }

    /// Adds the device's token renewals (or, without any, its quick error-free reconnects) to the group of
    /// devices renewing the same way with the same SDK, which makes one (benign) finding.
    fn group_renewals(&self, index: u32, device: &Device, groups: &mut RenewalGroups) {
        // Quick reconnects during an incident are part of the incident, not renewals.
        let mut quick = Series::default();
        for (i, &at) in device.quick_reconnects.times.iter().enumerate() {
            if !self.during_incident(at) {
                quick.add(at, device.quick_reconnects.refs.get(i).copied().unwrap_or_default());
            }
        }
        quick.count +=
            device.quick_reconnects.count.saturating_sub(device.quick_reconnects.times.len() as u64);
        if device.renewals.is_empty() && quick.is_empty() {
            return;
        }
        let quiet = device.renewals.is_empty();
        let (series, codes): (&Series, &[u32]) =
            if quiet { (&quick, &[]) } else { (&device.renewals, &[401003, 404104]) };
        let mut draft = Draft::for_device(FindingKind::SasTokenRenewal, index, device, series, codes);
        draft.quiet = quiet;
        let periods = series.median_gap_minutes();
        let kind = draft.kind;
        groups.update(
            (quiet, device.sdk.clone()),
            || (Draft::new(kind), Vec::new()),
            |group| {
                group.0.absorb(draft);
                group.1.extend(periods);
            },
        );
    }

    /// The device's disconnect errors and Event Grid outages outside any incident (but its final disconnect,
    /// which is `device-offline`).
    fn network_disconnect(&self, index: u32, device: &Device, offline_at: Option<Millis>) -> Option<Draft> {
        let drops: Vec<(Millis, usize)> = device
            .drops
            .times
            .iter()
            .enumerate()
            .filter(|&(_, &at)| !self.in_incident(index, at) && Some(at) != offline_at)
            .map(|(i, &at)| (at, i))
            .collect();
        let outages_outside = device.outages.times.iter().any(|&at| !self.during_incident(at));
        if drops.is_empty() && !outages_outside {
            return None;
        }
        let mut series = Series::default();
        for &(at, i) in &drops {
            series.add(at, device.drops.refs.get(i).copied().unwrap_or_default());
        }
        series.count += device.drops.count.saturating_sub(device.drops.times.len() as u64);
        for (i, &at) in device.outages.times.iter().enumerate() {
            if !self.during_incident(at) {
                series.add(at, device.outages.refs.get(i).copied().unwrap_or_default());
            }
        }
        let codes: &[u32] = if drops.is_empty() { &[] } else { &[404104] };
        let mut draft = Draft::for_device(FindingKind::NetworkDisconnect, index, device, &series, codes);
        if device.reconnects > 0 {
            draft.details.reconnect_minutes =
                Some(device.reconnect_total_ms as f64 / device.reconnects as f64 / 60_000.0);
        }
        Some(draft)
    }

    /// A streak of refused connects long enough to be clock drift, while some other device connects fine.
    fn time_drift(&self, index: u32, device: &Device, drift: &Series) -> Option<Draft> {
        let drift_span = drift.last.zip(drift.first).map_or(0, |(last, first)| last - first);
        if drift.count < DRIFT_MIN_ATTEMPTS || drift_span < DRIFT_MIN_SPAN_MS {
            return None;
        }
        let start = drift.first.unwrap_or(Millis::MIN);
        let peers_fine = self
            .devices
            .iter()
            .enumerate()
            .any(|(other, d)| other as u32 != index && d.last_ok_connect.is_some_and(|ok| ok > start));
        peers_fine.then(|| Draft::for_device(FindingKind::TimeDrift, index, device, drift, &[401003]))
    }

    /// One finding per 409002, with its root cause: a mass incident around it, else the device's own
    /// disconnect error just before.
    fn link_conflict_side_effects(&self, index: u32, device: &Device, drafts: &mut Vec<Draft>) {
        for (at, source, previous) in &device.link_conflicts {
            let cause = if self.hub.incidents.iter().any(|i| i.covers(*at, 10_000, SAS_RECONNECT_MS)) {
                Some("mass-disconnect".to_owned())
            } else {
                previous.filter(|(when, _)| at - when <= LINK_CAUSE_MS).map(|(_, code)| code.to_string())
            };
            let mut series = Series::default();
            series.add(*at, *source);
            let mut draft =
                Draft::for_device(FindingKind::LinkConflictSideEffect, index, device, &series, &[409002]);
            draft.details.root_cause = cause;
            drafts.push(draft);
        }
    }

    /// Event Grid carries no error codes: many devices whose outages start within one window form an incident.
    fn cluster_outages(&mut self) {
        let mut outages: Vec<(Millis, u32, RecordRef)> = self
            .devices
            .iter()
            .enumerate()
            .flat_map(|(index, device)| {
                let refs = &device.outages.refs;
                device
                    .outages
                    .times
                    .iter()
                    .enumerate()
                    .map(move |(i, &at)| (at, index as u32, refs.get(i).copied().unwrap_or_default()))
            })
            .collect();
        if outages.is_empty() {
            return;
        }
        crate::sort::sort_by(&mut outages, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let threshold = MASS_MIN_DEVICES.max(self.devices.len() * MASS_MIN_PERCENT / 100);
        let mut start = 0;
        while let Some(&(first, ..)) = outages.get(start) {
            let end =
                outages.iter().skip(start).take_while(|&&(at, ..)| at - first <= MASS_WINDOW_MS).count()
                    + start;
            let cluster = outages.get(start..end).unwrap_or_default();
            let mut devices: Vec<u32> = cluster.iter().map(|&(_, device, _)| device).collect();
            crate::sort::sort(&mut devices);
            devices.dedup();
            if devices.len() >= threshold {
                let mut incident = Incident::default();
                for &(at, device, source) in cluster {
                    incident.add(at, device, 0, source, false);
                }
                incident.codes.clear();
                self.hub.incidents.push(incident);
                start = end;
            } else {
                start += 1;
            }
        }
    }

    /// True when `at` falls in an incident's window (Event Grid's 60-second snapshots blur who dropped when).
    fn during_incident(&self, at: Millis) -> bool {
        self.hub.incidents.iter().any(|incident| incident.covers(at, MASS_WINDOW_MS, 2 * MASS_WINDOW_MS))
    }

    fn in_incident(&self, device: u32, at: Millis) -> bool {
        self.hub
            .incidents
            .iter()
            .any(|incident| incident.devices.contains_key(&device) && incident.covers(at, 5_000, 5_000))
    }

    fn hub_findings(&self, drafts: &mut Vec<Draft>) {
        for incident in &self.hub.incidents {
            let mut draft = Draft::new(FindingKind::MassDisconnect);
            draft.devices = incident.devices.keys().copied().collect();
            crate::sort::sort_by(&mut draft.devices, |a, b| self.name(*a).cmp(self.name(*b)));
            draft.drop_span = incident.drops_first.zip(incident.drops_last);
            draft.codes = incident.codes.keys().copied().collect();
            draft.quiet = incident.codes.is_empty();
            draft.first = Some(incident.first);
            draft.last = Some(incident.last);
            draft.count = incident.devices.values().sum();
            draft.evidence = incident.refs.clone();
            draft.timeline =
                incident.timeline.iter().map(|&(at, device, code)| (at, Some(device), Some(code))).collect();
            draft.failed_reconnects = incident.failed_reconnects;
            let (total, count) = incident.devices.keys().fold((0i64, 0u64), |(total, count), &index| {
                match self.devices.get(index as usize) {
                    Some(device) if device.reconnects > 0 => {
                        (total + device.reconnect_total_ms / device.reconnects as i64, count + 1)
                    }
                    _ => (total, count),
                }
            });
            if count > 0 {
                draft.details.reconnect_minutes = Some(total as f64 / count as f64 / 60_000.0);
            }
            draft.details.top_offenders = self.offenders(&incident.devices, 5);
            drafts.push(draft);
        }
        for burst in &self.hub.bursts {
            let mut draft = Draft::new(FindingKind::ThrottlingBurst);
            let offenders = self.offenders(&burst.devices, usize::MAX);
            draft.devices = {
                let mut order: Vec<(u32, u64)> = burst.devices.iter().map(|(&d, &n)| (d, n)).collect();
                crate::sort::sort_by(&mut order, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                order.into_iter().map(|(d, _)| d).collect()
            };
            draft.codes = burst.codes.keys().copied().collect();
            draft.code_counts = burst.codes.clone();
            draft.first = Some(burst.first);
            draft.last = Some(burst.last);
            draft.count = burst.count;
            draft.evidence = burst.refs.clone();
            draft.timeline =
                burst.timeline.iter().map(|&(at, device, code)| (at, device, Some(code))).collect();
            draft.details.top_offenders = offenders.into_iter().take(5).collect();
            drafts.push(draft);
        }
        if !self.hub.quota.is_empty() {
            let mut draft = Draft::new(FindingKind::QuotaExceeded);
            draft.codes = vec![403002];
            draft.first = self.hub.quota.first;
            draft.last = self.hub.quota.last;
            draft.count = self.hub.quota.count;
            draft.evidence = self.hub.quota.refs.clone();
            draft.timeline = self.hub.quota.times.iter().map(|&at| (at, None, Some(403002))).collect();
            draft.details.top_offenders = self.offenders(&self.hub.quota_devices, 5);
            drafts.push(draft);
        }
    }

    fn name(&self, index: u32) -> &str {
        self.devices.get(index as usize).map_or("", |d| d.name.as_str())
    }

    fn offenders(&self, counts: &FxHashMap<u32, u64>, limit: usize) -> Vec<Offender> {
        let mut order: Vec<(u32, u64)> = counts.iter().map(|(&d, &n)| (d, n)).collect();
        crate::sort::sort_by(&mut order, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        order
            .into_iter()
            .take(limit)
            .filter_map(|(d, count)| {
                Some(Offender { device: self.devices.get(d as usize)?.name.clone(), count })
            })
            .collect()
    }
}

/// 5xx codes (and the code-less service errors) that point at the service rather than the device.
fn is_server_side(code: u32) -> bool {
    (500_000..=504_999).contains(&code)
}

/// The SDK name in an `sdkVersion` string: the text before the first `/`.
fn sdk_name(sdk_version: &str) -> String {
    sdk_version.split('/').next().unwrap_or(sdk_version).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_devices_with_similar_names_have_different_fingerprints() {
        // `hvac-0319` and `hvac-0396` once shared a fingerprint, so one record was dropped as a duplicate.
        let mut record = LogRecord::blank();
        record.time = Some(1_715_727_954_000);
        record.operation = "ingress".into();
        record.category = "DeviceTelemetry".into();
        record.code = Some(403002);
        let mut prints = std::collections::HashSet::new();
        for n in 0..10_000 {
            for name in [format!("hvac-{n:04}"), format!("{n}"), format!("sensor-th-{n:05}-a")] {
                record.device_id = Some(name);
                assert!(prints.insert(record.fingerprint()), "{:?}", record.device_id);
            }
        }
    }
}
