//! One device's state machine: the device's records in canonical order in, its [`Device`] digest out.
//!
//! The digest holds everything the findings need and nothing that depends on other devices: the hub-wide
//! context (incidents, peers that connect fine) is applied when partials are finished.

use serde::{Deserialize, Serialize};

use super::collect::{Action, Collector, DeviceKey, DeviceLog, Stored};
use super::hub::HubPartial;
use super::sorted_map::SortedMap;
use crate::logs::{Format, Level, RecordRef};
use crate::time::Millis;

/// A 404104 this close after a 401003 on the same device belongs to a token-expiry cycle.
const SAS_PAIR_MS: Millis = 10_000;
/// A renewal cycle's reconnect must come this soon after the 401003.
pub(super) const SAS_RECONNECT_MS: Millis = 120_000;
/// A disconnect followed by a connect this soon is a quick reconnect (renewal), not an outage.
const QUICK_RECONNECT_MS: Millis = 90_000;
/// Refused connects in a row that make a clock-drift streak.
pub(super) const DRIFT_MIN_ATTEMPTS: u64 = 3;
/// Per-device times kept for timelines and period estimates.
const MAX_TIMES: usize = 64;
/// Record references kept per series as evidence.
pub(super) const MAX_REFS: usize = 5;

/// Occurrences of something on one device: the count and span of all of them, the earliest times and
/// references (records reach the machine in time order, so the first kept are the earliest).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Series {
    pub count: u64,
    pub first: Option<Millis>,
    pub last: Option<Millis>,
    pub times: Vec<Millis>,
    pub refs: Vec<RecordRef>,
}

impl Series {
    pub fn add(&mut self, at: Millis, source: RecordRef) {
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

    /// A series of every timed occurrence in `items` (in time order).
    pub fn of(items: Vec<(Millis, RecordRef)>) -> Series {
        let mut series = Series::default();
        for (at, source) in items {
            series.add(at, source);
        }
        series
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Median gap between consecutive kept times, in minutes.
    pub fn median_gap_minutes(&self) -> Option<f64> {
        let mut gaps: Vec<Millis> =
            self.times.windows(2).filter_map(|w| Some(w.get(1)? - w.first()?)).collect();
        crate::sort::sort(&mut gaps);
        let middle = gaps.get(gaps.len() / 2)?;
        Some(*middle as f64 / 60_000.0)
    }
}

/// The last connection state event of a device.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum State {
    #[default]
    Unknown,
    Connected(Millis),
    /// When, which record, and whether Event Grid reported it.
    Disconnected(Millis, RecordRef, bool),
}

/// A disconnect error (or a connect refused with a server error) that may be part of a hub-wide incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) struct Candidate {
    pub at: Millis,
    pub code: u32,
    pub connect: bool,
    pub source: RecordRef,
}

/// A 409002 and the disconnect error (time, code) the device had just before it, if any.
pub(super) type LinkConflict = (Millis, RecordRef, Option<(Millis, u32)>);

/// What one device's records say, ready to be merged with other devices' digests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Device {
    pub key: DeviceKey,
    /// The SDK named in the `sdkVersion` of the device's earliest record that has one.
    pub sdk: Option<String>,
    /// Error records, for the summary.
    pub errors: u64,
    pub state: State,
    pub last_ok_connect: Option<Millis>,
    pub renewals: Series,
    /// Every error-free disconnect with a reconnect within [`QUICK_RECONNECT_MS`] (kept whole: incidents
    /// decide later which are renewals).
    pub quick_reconnects: Vec<(Millis, RecordRef)>,
    /// Every disconnect error without token expiry and every connect refused with a server error.
    pub candidates: Vec<Candidate>,
    pub reconnect_total_ms: i64,
    pub reconnects: u64,
    /// Every Event Grid outage (disconnect, then connect after more than [`QUICK_RECONNECT_MS`]).
    pub outages: Vec<(Millis, RecordRef)>,
    pub drift: Series,
    pub past_drift: Series,
    pub never_accepted: Series,
    /// Every 409002, with the device's previous disconnect error.
    pub link_conflicts: Vec<LinkConflict>,
    pub duplicate_identity: Series,
    /// The first distinct client addresses of the device's connects.
    pub ips: Vec<String>,
    pub uploads: Series,
    pub lock_lost: Series,
    pub lock_messages: SortedMap<String, u32>,
    pub queue_full: Series,
    pub not_online: Series,
}

impl Device {
    /// The longer of the device's current and past streaks of refused connects.
    pub fn longest_drift(&self) -> &Series {
        if self.drift.count >= self.past_drift.count { &self.drift } else { &self.past_drift }
    }

    /// The disconnect errors (not refused connects) among the candidates.
    pub fn drops(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().filter(|candidate| !candidate.connect)
    }
}

/// The machine's state while it reads a device's records; none of it outlives the device's last record.
#[derive(Debug, Default)]
struct Pending {
    ever_connected: bool,
    /// Time of a 401003 disconnect that may start a renewal cycle.
    expiry_at: Option<Millis>,
    /// Start of a renewal cycle whose reconnect is awaited.
    cycle_start: Option<(Millis, RecordRef)>,
    /// An error-free disconnect whose reconnect is awaited.
    quiet_disconnect: Option<(Millis, RecordRef)>,
    /// A disconnect error whose reconnect is awaited, for the time to reconnect.
    pending_drop: Option<Millis>,
    last_error_disconnect: Option<(Millis, u32)>,
}

/// Runs the machine over one device's records, given in canonical order without duplicates; hub-wide
/// counts (throttling, quota) go into `hub`.
pub(super) fn run(key: DeviceKey, log: &DeviceLog, collector: &Collector, hub: &mut HubPartial) -> Device {
    let name = (!key.name.is_empty()).then(|| key.name.clone());
    let device_name = name.as_deref();
    let mut device = Device { key, ..Device::default() };
    device.sdk = log.sdk.as_ref().map(|(_, sdk)| sdk_name(sdk));
    let mut ips = log.ips.clone();
    crate::sort::sort(&mut ips);
    device.ips = ips.into_iter().map(|(_, ip)| ip).collect();
    device.errors = log.untimed_errors;
    let mut pending = Pending::default();
    for event in &log.events {
        device.errors += u64::from(event.is_error());
        if !event.is_error() && event.action() == Action::Other {
            continue;
        }
        hub.event(event, device_name);
        if device_name.is_some() {
            process(&mut device, &mut pending, event, collector);
        }
    }
    device
}

fn process(device: &mut Device, pending: &mut Pending, event: &Stored, collector: &Collector) {
    let at = event.time;
    let source = event.source();
    match event.raw_code() {
        403006 => device.uploads.add(at, source),
        412002 => {
            device.lock_lost.add(at, source);
            if let Some(id) = collector.extra(event).and_then(|extra| collector.strings.get(extra.message)) {
                let count = collector.extra(event).and_then(|extra| extra.delivery).unwrap_or(0);
                device.lock_messages.update(id.to_owned(), || 0, |seen| *seen = (*seen).max(count));
            }
        }
        403004 if collector.category(event) != Some("Routes") => device.queue_full.add(at, source),
        404103 => device.not_online.add(at, source),
        400027 => device.duplicate_identity.add(at, source),
        409002 => device.link_conflicts.push((at, source, pending.last_error_disconnect)),
        _ => {}
    }
    if collector.category(event) != Some("Connections") {
        return;
    }
    let candidate = match event.action() {
        Action::Disconnect => disconnect(device, pending, event),
        Action::Connect => connect(device, pending, event),
        Action::Other => None,
    };
    if let Some(code) = candidate {
        device.candidates.push(Candidate { at, code, connect: event.action() == Action::Connect, source });
    }
}

/// Updates a device on a disconnect; returns a code when the disconnect may belong to an incident.
fn disconnect(device: &mut Device, pending: &mut Pending, event: &Stored) -> Option<u32> {
    let at = event.time;
    let source = event.source();
    let failed = matches!(event.level(), Level::Error | Level::Critical);
    match event.code() {
        // The old link of a replaced connection: the identity stays connected.
        Some(409002 | 400027) => return None,
        Some(401003) => {
            pending.expiry_at = Some(at);
            pending.last_error_disconnect = Some((at, 401003));
        }
        Some(404104) => {
            pending.last_error_disconnect = Some((at, 404104));
            if pending.expiry_at.is_some_and(|expiry| at - expiry <= SAS_PAIR_MS) {
                pending.cycle_start = pending.expiry_at.take().map(|expiry| (expiry, source));
            } else {
                pending.pending_drop = Some(at);
            }
        }
        Some(code) if is_server_side(code) => {
            pending.last_error_disconnect = Some((at, code));
            pending.pending_drop = Some(at);
        }
        Some(code) => pending.last_error_disconnect = Some((at, code)),
        None if failed => {}
        None => pending.quiet_disconnect = Some((at, source)),
    }
    device.state = State::Disconnected(at, source, event.format() == Format::EventGrid);
    match event.code() {
        Some(404104) if pending.cycle_start.is_some() => None,
        Some(code @ 404104) => Some(code),
        Some(code) if is_server_side(code) => Some(code),
        _ => None,
    }
}

/// Updates a device on a connect; returns a code when a failed connect may belong to an incident.
fn connect(device: &mut Device, pending: &mut Pending, event: &Stored) -> Option<u32> {
    let at = event.time;
    let source = event.source();
    let event_grid = event.format() == Format::EventGrid;
    if event.is_error() {
        return match event.code() {
            Some(401003) if pending.ever_connected => {
                device.drift.add(at, source);
                None
            }
            Some(401003) => {
                device.never_accepted.add(at, source);
                None
            }
            Some(code) if is_server_side(code) => Some(code),
            _ => None,
        };
    }
    if let Some((start, cycle_source)) = pending.cycle_start.take() {
        if at - start <= SAS_RECONNECT_MS {
            device.renewals.add(start, cycle_source);
        }
    }
    pending.expiry_at = None;
    if let Some((left, left_source)) = pending.quiet_disconnect.take() {
        if at - left <= QUICK_RECONNECT_MS {
            device.quick_reconnects.push((left, left_source));
        } else if event_grid {
            device.outages.push((left, left_source));
            device.reconnect_total_ms += at - left;
            device.reconnects += 1;
        }
    } else if event_grid && matches!(device.state, State::Connected(_)) {
        // Connected twice in a row: the state flapped inside one 60-second snapshot.
        device.quick_reconnects.push((at, source));
    }
    if let Some(dropped) = pending.pending_drop.take() {
        device.reconnect_total_ms += at - dropped;
        device.reconnects += 1;
    }
    if device.drift.count > 0 {
        if device.drift.count >= DRIFT_MIN_ATTEMPTS && device.drift.count > device.past_drift.count {
            device.past_drift = std::mem::take(&mut device.drift);
        }
        device.drift = Series::default();
    }
    pending.ever_connected = true;
    device.last_ok_connect = Some(at);
    device.state = State::Connected(at);
    None
}

/// 5xx codes point at the service rather than the device.
fn is_server_side(code: u32) -> bool {
    (500_000..=504_999).contains(&code)
}

/// The SDK name in an `sdkVersion` string: the text before the first `/`.
fn sdk_name(sdk_version: &str) -> String {
    sdk_version.split('/').next().unwrap_or(sdk_version).trim().to_owned()
}
