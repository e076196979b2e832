//! Gathers records into one log per device (hub, device id, module id), so that each device's records can be
//! put into one canonical order whatever order, file split or chunking the input came in.

use std::cmp::Ordering;

use iothub_errors_records::hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::summary::SummaryBuilder;
use crate::logs::{Format, Level, LogRecord, RecordRef, Skipped};
use crate::time::Millis;

/// An index into [`Strings`]; [`NONE`] for an absent string.
pub(super) type StrId = u32;
/// The id of an absent string.
pub(super) const NONE: StrId = u32::MAX;

/// Interned strings: categories, operations, SDK versions, IP addresses, hubs, message ids.
#[derive(Debug, Default)]
pub(super) struct Strings {
    ids: FxHashMap<Box<str>, StrId>,
    names: Vec<Box<str>>,
}

impl Strings {
    /// The id of `text`, added when new.
    pub fn id(&mut self, text: &str) -> StrId {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = StrId::try_from(self.names.len()).unwrap_or(NONE - 1).min(NONE - 1);
        self.names.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    /// The id of an optional text ([`NONE`] when absent).
    pub fn opt(&mut self, text: Option<&str>) -> StrId {
        text.map_or(NONE, |text| self.id(text))
    }

    /// The text of an id (`None` for [`NONE`]).
    pub fn get(&self, id: StrId) -> Option<&str> {
        self.names.get(id as usize).map(|name| &**name)
    }

    /// Compares two ids by their texts (absent first).
    pub fn cmp(&self, a: StrId, b: StrId) -> Ordering {
        if a == b { Ordering::Equal } else { self.get(a).cmp(&self.get(b)) }
    }
}

/// What a record did to the device's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Action {
    Connect,
    Disconnect,
    Other,
}

/// The rarely present fields of a record that still tell duplicates apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Extra {
    pub message: StrId,
    pub sequence: StrId,
    pub delivery: Option<u32>,
}

/// One timed record reduced to what diagnosis and the summary read (40 bytes; positions past 2³² lines
/// saturate).
#[derive(Debug, Clone, Copy)]
pub(super) struct Stored {
    pub time: Millis,
    pub input: u32,
    pub line: u32,
    pub index: u32,
    /// The six-digit code, 0 when none.
    pub code: u32,
    pub category: StrId,
    pub operation: StrId,
    /// Index into [`Collector::extras`], [`NONE`] when the record has none of those fields.
    pub extra: u32,
    pub level: Level,
    pub format: Format,
    pub action: Action,
}

impl Stored {
    pub fn source(&self) -> RecordRef {
        RecordRef { input: self.input, line: u64::from(self.line), index: u64::from(self.index) }
    }

    pub fn code(&self) -> Option<u32> {
        (self.code != 0).then_some(self.code)
    }

    /// An error level or an error code.
    pub fn is_error(&self) -> bool {
        matches!(self.level, Level::Error | Level::Critical) || self.code != 0
    }

    /// Order of records that share a timestamp: the expiry before the close, closes before connects.
    pub fn rank(&self) -> u8 {
        match (self.action, self.code) {
            (Action::Disconnect, 401003) => 0,
            (Action::Disconnect, 404104) => 1,
            (Action::Disconnect, _) => 2,
            (Action::Connect, _) => 3,
            (Action::Other, _) => 4,
        }
    }
}

/// The records of one device (or, with an empty name, the records of a hub that name no device).
#[derive(Debug)]
pub(super) struct DeviceLog {
    pub hub: StrId,
    /// `device` or `device/module` (ids cannot hold `/`); empty for the hub's device-less records.
    pub name: Box<str>,
    pub events: Vec<Stored>,
    /// Error records without a time (counted in the summary; they cannot be put in order).
    pub untimed_errors: u64,
    /// The `sdkVersion` of the earliest record (by time, then text) that has one.
    pub sdk: Option<(Millis, String)>,
    /// The client addresses of connects with the earliest first use (by time, then text), at most
    /// [`MAX_IPS`].
    pub ips: Vec<(Millis, String)>,
}

/// Client addresses kept per device.
pub(super) const MAX_IPS: usize = 4;

impl DeviceLog {
    fn new(hub: StrId, name: &str) -> DeviceLog {
        DeviceLog {
            hub,
            name: name.into(),
            events: Vec::new(),
            untimed_errors: 0,
            sdk: None,
            ips: Vec::new(),
        }
    }

    /// Keeps `sdk` when it comes from an earlier record than the one kept (the same whatever the order).
    fn offer_sdk(&mut self, at: Millis, sdk: &str) {
        let earlier = match &self.sdk {
            None => true,
            Some((kept_at, kept)) => (at, sdk) < (*kept_at, kept.as_str()),
        };
        if earlier {
            self.sdk = Some((at, sdk.to_owned()));
        }
    }

    /// Keeps the [`MAX_IPS`] addresses first used earliest: an address's first use only moves earlier,
    /// and one dropped for later first uses cannot belong among them, so any order gives the same list.
    fn offer_ip(&mut self, at: Millis, ip: &str) {
        if let Some(known) = self.ips.iter_mut().find(|(_, known)| known == ip) {
            known.0 = known.0.min(at);
            return;
        }
        let latest = self.ips.iter().enumerate().max_by(|a, b| (a.1.0, &a.1.1).cmp(&(b.1.0, &b.1.1)));
        match latest {
            _ if self.ips.len() < MAX_IPS => self.ips.push((at, ip.to_owned())),
            Some((index, (kept_at, kept))) if (at, ip) < (*kept_at, kept.as_str()) => {
                if let Some(slot) = self.ips.get_mut(index) {
                    *slot = (at, ip.to_owned());
                }
            }
            _ => {}
        }
    }

    /// Takes another log of the same device in.
    fn absorb(&mut self, mut other: DeviceLog) {
        self.untimed_errors += other.untimed_errors;
        if self.events.is_empty() {
            self.events = other.events;
        } else {
            self.events.append(&mut other.events);
        }
        if let Some((at, sdk)) = other.sdk {
            self.offer_sdk(at, &sdk);
        }
        for (at, ip) in other.ips {
            self.offer_ip(at, &ip);
        }
    }
}

/// The ids of the last few texts interned for one field (runs of the same category or hub are common).
#[derive(Debug, Default)]
struct Recent {
    entries: [(String, StrId); 4],
    next: usize,
}

impl Recent {
    fn id(&mut self, strings: &mut Strings, text: &str) -> StrId {
        if let Some((_, id)) = self.entries.iter().find(|(known, id)| *id != 0 && known == text) {
            return id - 1;
        }
        let id = strings.id(text);
        if let Some(slot) = self.entries.get_mut(self.next % 4) {
            slot.0.clear();
            slot.0.push_str(text);
            slot.1 = id.saturating_add(1);
        }
        self.next = self.next.wrapping_add(1);
        id
    }
}

/// The records read so far, by device, with the counts of records that cannot be ordered.
#[derive(Debug, Default)]
pub(super) struct Collector {
    pub strings: Strings,
    pub extras: Vec<Extra>,
    pub logs: Vec<DeviceLog>,
    /// Logs by hub, then by name.
    index: FxHashMap<StrId, FxHashMap<Box<str>, u32>>,
    /// Counts of records without a time, of skipped parts, and of everything read.
    pub summary: SummaryBuilder,
    /// Skipped parts with the input (or, while a split file is read, the segment) they were found in.
    pub skipped: Vec<(u32, Skipped)>,
    /// The input being read, for skipped parts.
    pub input: u32,
    name: String,
    recent_hubs: Recent,
    recent_categories: Recent,
    recent_operations: Recent,
}

impl Collector {
    /// Adds one record.
    pub fn record(&mut self, record: &LogRecord) {
        self.summary.read();
        let hub = match record.hub.as_deref() {
            Some(hub) => self.recent_hubs.id(&mut self.strings, hub),
            None => NONE,
        };
        let log = self.log_of(hub, record.device_id.as_deref(), record.module_id.as_deref());
        let Some(time) = record.time else {
            self.summary.untimed(record);
            if record.is_error() {
                if let Some(log) = self.logs.get_mut(log as usize) {
                    log.untimed_errors += 1;
                }
            }
            return;
        };
        let action = if record.is_connect() {
            Action::Connect
        } else if record.is_disconnect() {
            Action::Disconnect
        } else {
            Action::Other
        };
        let extra = if record.message_id.is_some()
            || record.sequence_number.is_some()
            || record.delivery_count.is_some()
        {
            let extra = Extra {
                message: self.strings.opt(record.message_id.as_deref()),
                sequence: self.strings.opt(record.sequence_number.as_deref()),
                delivery: record.delivery_count,
            };
            self.extras.push(extra);
            u32::try_from(self.extras.len() - 1).unwrap_or(NONE)
        } else {
            NONE
        };
        let source = record.source;
        let stored = Stored {
            time,
            input: source.input,
            line: u32::try_from(source.line).unwrap_or(u32::MAX),
            index: u32::try_from(source.index).unwrap_or(u32::MAX),
            code: record.code.unwrap_or(0),
            category: self.recent_categories.id(&mut self.strings, &record.category),
            operation: self.recent_operations.id(&mut self.strings, &record.operation),
            extra,
            level: record.level,
            format: record.format,
            action,
        };
        if let Some(log) = self.logs.get_mut(log as usize) {
            log.events.push(stored);
            if let Some(sdk) = record.sdk_version.as_deref() {
                log.offer_sdk(time, sdk);
            }
            if let Some(ip) = record.ip.as_deref().filter(|_| action == Action::Connect) {
                log.offer_ip(time, ip);
            }
        }
    }

    /// Counts a part of the input that could not be read.
    pub fn skipped(&mut self, skipped: Skipped) {
        self.summary.skipped_part();
        self.skipped.push((self.input, skipped));
    }

    /// The extra fields of a record.
    pub fn extra(&self, stored: &Stored) -> Option<&Extra> {
        self.extras.get(stored.extra as usize)
    }

    /// The log of a device, made when new.
    fn log_of(&mut self, hub: StrId, device: Option<&str>, module: Option<&str>) -> u32 {
        let mut name = std::mem::take(&mut self.name);
        name.clear();
        if let Some(device) = device {
            name.push_str(device);
            if let Some(module) = module {
                name.push('/');
                name.push_str(module);
            }
        }
        let log = self.log_by_name(hub, &name);
        self.name = name;
        log
    }

    /// Moves everything `other` collected into this collector; `fix` rewrites each position (records of a
    /// split file are numbered per segment until the segments' line counts are known).
    pub fn absorb(&mut self, other: Collector, fix: &dyn Fn(u32, u32, u32) -> (u32, u32, u32)) {
        let Collector { strings, extras, logs, summary, skipped, .. } = other;
        let mut map: Vec<StrId> = Vec::with_capacity(strings.names.len());
        for name in &strings.names {
            map.push(self.strings.id(name));
        }
        let remap = |id: StrId| map.get(id as usize).copied().unwrap_or(NONE);
        let extra_base = u32::try_from(self.extras.len()).unwrap_or(NONE);
        for extra in extras {
            self.extras.push(Extra {
                message: remap(extra.message),
                sequence: remap(extra.sequence),
                delivery: extra.delivery,
            });
        }
        for mut log in logs {
            let hub = remap(log.hub);
            let target = self.log_by_name(hub, &log.name);
            for event in &mut log.events {
                (event.input, event.line, event.index) = fix(event.input, event.line, event.index);
                event.category = remap(event.category);
                event.operation = remap(event.operation);
                if event.extra != NONE {
                    event.extra = event.extra.saturating_add(extra_base);
                }
            }
            if let Some(target) = self.logs.get_mut(target as usize) {
                target.absorb(log);
            }
        }
        self.summary.merge(summary);
        for (segment, mut part) in skipped {
            let (input, line, _) = fix(segment, u32::try_from(part.line).unwrap_or(u32::MAX), 0);
            part.line = u64::from(line);
            self.skipped.push((input, part));
        }
    }

    /// Marks the skipped parts collected so far as found in `segment`.
    pub fn tag_skipped(&mut self, from: usize, segment: u32) {
        for (tag, _) in self.skipped.iter_mut().skip(from) {
            *tag = segment;
        }
    }

    fn log_by_name(&mut self, hub: StrId, name: &str) -> u32 {
        let logs = self.index.entry(hub).or_default();
        if let Some(&log) = logs.get(name) {
            return log;
        }
        let log = u32::try_from(self.logs.len()).unwrap_or(u32::MAX);
        logs.insert(name.into(), log);
        self.logs.push(DeviceLog::new(hub, name));
        log
    }
}

/// The canonical order of a device's records: time, then the expiry before the close and closes before
/// connects, then the content. Records equal up to [`same_record`] are duplicates; among them the order
/// falls back to the export shape, then to the position in the input.
pub(super) fn canonical(collector: &Collector, a: &Stored, b: &Stored) -> Ordering {
    identity(collector, a, b)
        .then_with(|| a.format.cmp(&b.format))
        .then_with(|| (a.input, a.line, a.index).cmp(&(b.input, b.line, b.index)))
}

/// True when two records of one device are the same record delivered twice: equal in time, operation,
/// category, code, level, message id, delivery count and sequence number (what makes a record distinct).
pub(super) fn same_record(collector: &Collector, a: &Stored, b: &Stored) -> bool {
    identity(collector, a, b) == Ordering::Equal
}

fn identity(collector: &Collector, a: &Stored, b: &Stored) -> Ordering {
    let extra = |stored: &Stored| collector.extra(stored).copied();
    let strings = &collector.strings;
    a.time
        .cmp(&b.time)
        .then_with(|| a.rank().cmp(&b.rank()))
        .then_with(|| a.code.cmp(&b.code))
        .then_with(|| a.level.cmp(&b.level))
        .then_with(|| strings.cmp(a.category, b.category))
        .then_with(|| strings.cmp(a.operation, b.operation))
        .then_with(|| match (extra(a), extra(b)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => strings
                .cmp(x.message, y.message)
                .then_with(|| strings.cmp(x.sequence, y.sequence))
                .then_with(|| x.delivery.cmp(&y.delivery)),
        })
}

/// Who a device is: its hub and name (device ids are unique only within a hub).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(super) struct DeviceKey {
    /// The hub (lower-case name), when the records named it.
    pub hub: Option<String>,
    /// `device` or `device/module`.
    pub name: String,
}
