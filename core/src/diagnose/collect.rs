//! Gathers records into one log per device (hub, device id, module id), so that each device's records can be
//! put into one canonical order whatever order, file split or chunking the input came in.

use std::cmp::Ordering;

use std::hash::Hasher;

use iothub_errors_records::hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};

use super::sorted_map::SortedMap;
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

/// One timed record reduced to what diagnosis and the summary read, in 32 bytes (positions past 2³² lines
/// saturate).
#[derive(Debug, Clone, Copy)]
pub(super) struct Stored {
    pub time: Millis,
    pub input: u32,
    pub line: u32,
    pub index: u32,
    /// The code (0 when none, 20 bits), then the level, the export shape and the action, 4 bits each.
    packed: u32,
    /// Index into [`Collector::pairs`]: the record's (category, operation).
    pub pair: u32,
    /// Index into [`Collector::extras`], [`NONE`] when the record has none of those fields.
    pub extra: u32,
}

/// The bits of [`Stored::packed`] that hold the code (six-digit codes are below 2²⁰).
const CODE_BITS: u32 = 20;

impl Stored {
    pub fn new(
        time: Millis,
        source: RecordRef,
        code: Option<u32>,
        level: Level,
        format: Format,
        action: Action,
    ) -> Stored {
        let code = code.filter(|&code| code < 1 << CODE_BITS).unwrap_or(0);
        let packed = code
            | (level as u32) << CODE_BITS
            | (format as u32) << (CODE_BITS + 4)
            | (action as u32) << (CODE_BITS + 8);
        Stored {
            time,
            input: source.input,
            line: u32::try_from(source.line).unwrap_or(u32::MAX),
            index: u32::try_from(source.index).unwrap_or(u32::MAX),
            packed,
            pair: 0,
            extra: NONE,
        }
    }

    pub fn source(&self) -> RecordRef {
        RecordRef { input: self.input, line: u64::from(self.line), index: u64::from(self.index) }
    }

    /// The six-digit code, 0 when none.
    pub fn raw_code(&self) -> u32 {
        self.packed & ((1 << CODE_BITS) - 1)
    }

    pub fn code(&self) -> Option<u32> {
        Some(self.raw_code()).filter(|&code| code != 0)
    }

    pub fn level(&self) -> Level {
        Level::ALL.get((self.packed >> CODE_BITS & 0xf) as usize).copied().unwrap_or(Level::Unknown)
    }

    pub fn format(&self) -> Format {
        Format::ALL
            .get((self.packed >> (CODE_BITS + 4) & 0xf) as usize)
            .copied()
            .unwrap_or(Format::StorageJsonLines)
    }

    pub fn action(&self) -> Action {
        match self.packed >> (CODE_BITS + 8) & 0xf {
            0 => Action::Connect,
            1 => Action::Disconnect,
            _ => Action::Other,
        }
    }

    /// An error level or an error code.
    pub fn is_error(&self) -> bool {
        matches!(self.level(), Level::Error | Level::Critical) || self.raw_code() != 0
    }

    /// Order of records that share a timestamp: the expiry before the close, closes before connects.
    pub fn rank(&self) -> u8 {
        match (self.action(), self.raw_code()) {
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

    /// Takes in what another collector learned of the same device (its records travel separately).
    #[cfg(not(target_arch = "wasm32"))]
    fn absorb(&mut self, other: DeviceLog) {
        self.untimed_errors += other.untimed_errors;
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
    /// The last static text (a known category or operation, which the reader does not copy) and its id.
    last_static: Option<(&'static str, StrId)>,
}

impl Recent {
    /// The id of a category or operation: a known name is a static text, recognised by its address.
    #[allow(clippy::ptr_arg, reason = "whether the text is borrowed for 'static is what is asked")]
    fn id_of(&mut self, strings: &mut Strings, text: &std::borrow::Cow<'static, str>) -> StrId {
        let std::borrow::Cow::Borrowed(name) = text else { return self.id(strings, text) };
        if let Some((last, id)) = self.last_static {
            if std::ptr::eq(last, *name) {
                return id;
            }
        }
        let id = self.id(strings, name);
        self.last_static = Some((name, id));
        id
    }

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

/// Records in the order they were read, each with its device's log, in blocks of [`BLOCK`] records.
///
/// Appending here instead of to each device's own vector keeps reading to sequential writes: with thousands of
/// devices, a device's vector is out of the cache by the time its next record comes, and every push missed
/// (measured in BENCHMARKS.md). [`Collector::take_logs`] hands the records to their devices at the end, in one
/// pass that frees each block once it is moved, so memory does not double.
#[derive(Debug, Default)]
struct Pending {
    blocks: Vec<Block>,
}

/// Records per [`Block`] (2 MiB of records).
const BLOCK: usize = 1 << 16;

/// One block of pending records and the log (index into [`Collector::logs`]) of each.
#[derive(Debug)]
struct Block {
    logs: Vec<u32>,
    records: Vec<Stored>,
}

impl Pending {
    fn push(&mut self, log: u32, stored: Stored) {
        if self.blocks.last().is_none_or(|block| block.records.len() >= BLOCK) {
            self.blocks.push(Block { logs: Vec::with_capacity(BLOCK), records: Vec::with_capacity(BLOCK) });
        }
        if let Some(block) = self.blocks.last_mut() {
            block.logs.push(log);
            block.records.push(stored);
        }
    }
}

/// The records read so far, by device, with the counts of records that cannot be ordered.
#[derive(Debug, Default)]
pub(super) struct Collector {
    pub strings: Strings,
    /// The (category, operation) pairs records have (few distinct).
    pub pairs: Vec<(StrId, StrId)>,
    pair_ids: SortedMap<(StrId, StrId), u32>,
    pub extras: Vec<Extra>,
    /// The devices' logs; their records wait in `pending` until [`Collector::take_logs`].
    logs: Vec<DeviceLog>,
    pending: Pending,
    /// Logs by hub and name.
    index: DeviceIndex,
    /// For each log, the time of the record its kept `sdk` came from ([`Millis::MAX`] when none): most
    /// records are later, and this small array answers that without reading the log.
    sdk_times: Vec<Millis>,
    /// Counts of records without a time, of skipped parts, and of everything read.
    pub summary: SummaryBuilder,
    /// Skipped parts with the input (or, while a split file is read, the segment) they were found in.
    pub skipped: Vec<(u32, Skipped)>,
    /// The input being read, for skipped parts.
    pub input: u32,
    name: String,
    last_hub: Option<(String, StrId)>,
    recent_categories: Recent,
    recent_operations: Recent,
    last_pair: Option<((StrId, StrId), u32)>,
}

impl Collector {
    /// Adds one record.
    pub fn record(&mut self, record: &LogRecord) {
        self.summary.read();
        let hub = match record.hub.as_deref() {
            Some(hub) => self.hub_id(hub),
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
        let category = self.recent_categories.id_of(&mut self.strings, &record.category);
        let operation = self.recent_operations.id_of(&mut self.strings, &record.operation);
        let mut stored = Stored::new(time, record.source, record.code, record.level, record.format, action);
        stored.pair = self.pair_id(category, operation);
        stored.extra = extra;
        self.pending.push(log, stored);
        if let Some(sdk) = record.sdk_version.as_deref() {
            let kept = self.sdk_times.get_mut(log as usize);
            if let (Some(kept), Some(log)) =
                (kept.filter(|kept| time <= **kept), self.logs.get_mut(log as usize))
            {
                log.offer_sdk(time, sdk);
                *kept = log.sdk.as_ref().map_or(Millis::MAX, |(at, _)| *at);
            }
        }
        if let Some(ip) = record.ip.as_deref().filter(|_| action == Action::Connect) {
            if let Some(log) = self.logs.get_mut(log as usize) {
                log.offer_ip(time, ip);
            }
        }
    }

    /// The devices' logs with all their records, taken out of the collector.
    pub fn take_logs(&mut self) -> Vec<DeviceLog> {
        let mut logs = std::mem::take(&mut self.logs);
        let mut counts = vec![0usize; logs.len()];
        for block in &self.pending.blocks {
            for &log in &block.logs {
                if let Some(count) = counts.get_mut(log as usize) {
                    *count += 1;
                }
            }
        }
        for (log, count) in logs.iter_mut().zip(counts) {
            log.events.reserve_exact(count);
        }
        for block in std::mem::take(&mut self.pending.blocks) {
            for (&log, stored) in block.logs.iter().zip(block.records) {
                if let Some(log) = logs.get_mut(log as usize) {
                    log.events.push(stored);
                }
            }
        }
        logs
    }

    /// Counts a part of the input that could not be read.
    pub fn skipped(&mut self, skipped: Skipped) {
        self.summary.skipped_part();
        self.skipped.push((self.input, skipped));
    }

    /// The id of a hub, by its lower-case name (hub names are host names: `MY-HUB` in a resource id is `my-hub`).
    fn hub_id(&mut self, hub: &str) -> StrId {
        if let Some((known, id)) = &self.last_hub {
            if known == hub {
                return *id;
            }
        }
        let id = self.strings.id(&hub.to_ascii_lowercase());
        self.last_hub = Some((hub.to_owned(), id));
        id
    }

    /// The extra fields of a record.
    pub fn extra(&self, stored: &Stored) -> Option<&Extra> {
        self.extras.get(stored.extra as usize)
    }

    /// The record's category.
    pub fn category(&self, stored: &Stored) -> Option<&str> {
        self.pairs.get(stored.pair as usize).and_then(|&(category, _)| self.strings.get(category))
    }

    /// The id of a (category, operation) pair, added when new.
    fn pair_id(&mut self, category: StrId, operation: StrId) -> u32 {
        if let Some(&(last_key, last_id)) = self.last_pair.as_ref() {
            if last_key == (category, operation) {
                return last_id;
            }
        }
        let next = u32::try_from(self.pairs.len()).unwrap_or(NONE);
        let mut id = next;
        self.pair_ids.update((category, operation), || next, |known| id = *known);
        if id == next {
            self.pairs.push((category, operation));
        }
        self.last_pair = Some(((category, operation), id));
        id
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
    #[cfg(not(target_arch = "wasm32"))]
    pub fn absorb(&mut self, other: Collector, fix: &dyn Fn(u32, u32, u32) -> (u32, u32, u32)) {
        let Collector { strings, pairs, extras, logs, pending, summary, skipped, .. } = other;
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
        let mut targets: Vec<u32> = Vec::with_capacity(logs.len());
        for log in logs {
            let target = self.log_by_name(remap(log.hub), &log.name);
            targets.push(target);
            if let Some(kept) = self.logs.get_mut(target as usize) {
                kept.absorb(log);
                if let (Some(time), Some((at, _))) = (self.sdk_times.get_mut(target as usize), &kept.sdk) {
                    *time = *at;
                }
            }
        }
        let pair_ids: Vec<u32> = pairs
            .iter()
            .map(|&(category, operation)| self.pair_id(remap(category), remap(operation)))
            .collect();
        for mut block in pending.blocks {
            for log in &mut block.logs {
                *log = targets.get(*log as usize).copied().unwrap_or(u32::MAX);
            }
            for event in &mut block.records {
                (event.input, event.line, event.index) = fix(event.input, event.line, event.index);
                event.pair = pair_ids.get(event.pair as usize).copied().unwrap_or(NONE);
                if event.extra != NONE {
                    event.extra = event.extra.saturating_add(extra_base);
                }
            }
            self.pending.blocks.push(block);
        }
        self.summary.merge(summary);
        for (segment, mut part) in skipped {
            let (input, line, _) = fix(segment, u32::try_from(part.line).unwrap_or(u32::MAX), 0);
            part.line = u64::from(line);
            self.skipped.push((input, part));
        }
    }

    /// Marks the skipped parts collected so far as found in `segment`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn tag_skipped(&mut self, from: usize, segment: u32) {
        for (tag, _) in self.skipped.iter_mut().skip(from) {
            *tag = segment;
        }
    }

    fn log_by_name(&mut self, hub: StrId, name: &str) -> u32 {
        let next = u32::try_from(self.logs.len()).unwrap_or(u32::MAX);
        let log = self.index.find_or_add(hub, name, next);
        if log == next {
            self.logs.push(DeviceLog::new(hub, name));
            self.sdk_times.push(Millis::MAX);
        }
        log
    }
}

/// Finds a device's log by hub and name. Everything it reads per record sits in a few small arrays (hashes,
/// hubs, and the names back to back), so that a lookup stays in the cache even with thousands of devices.
#[derive(Debug, Default)]
struct DeviceIndex {
    /// The first log of each hash of (hub, name) (32 bits: names are compared anyway).
    first: FxHashMap<u32, u32>,
    /// For each log, the next log with the same hash ([`u32::MAX`] at the end).
    next_same_hash: Vec<u32>,
    hubs: Vec<StrId>,
    /// Where each log's name ends in `names` (it starts where the previous one ends).
    name_ends: Vec<u32>,
    names: Vec<u8>,
}

impl DeviceIndex {
    /// The log of (hub, name), or `new` (which the caller then adds) when there is none yet.
    fn find_or_add(&mut self, hub: StrId, name: &str, new: u32) -> u32 {
        let mut hasher = FxHasher::default();
        hasher.write_u32(hub);
        hasher.write(name.as_bytes());
        self.find_or_add_hashed(hasher.finish() as u32, hub, name, new)
    }

    /// [`DeviceIndex::find_or_add`] with the hash given: names of equal hashes are told apart by their text.
    fn find_or_add_hashed(&mut self, hash: u32, hub: StrId, name: &str, new: u32) -> u32 {
        let mut candidate = self.first.get(&hash).copied().unwrap_or(u32::MAX);
        while let Some(&next) = self.next_same_hash.get(candidate as usize) {
            if self.hubs.get(candidate as usize) == Some(&hub)
                && self.name(candidate) == Some(name.as_bytes())
            {
                return candidate;
            }
            candidate = next;
        }
        let earlier = self.first.insert(hash, new).unwrap_or(u32::MAX);
        self.next_same_hash.push(earlier);
        self.hubs.push(hub);
        self.names.extend_from_slice(name.as_bytes());
        self.name_ends.push(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
        new
    }

    fn name(&self, log: u32) -> Option<&[u8]> {
        let log = log as usize;
        let start = match log.checked_sub(1) {
            Some(previous) => *self.name_ends.get(previous)? as usize,
            None => 0,
        };
        self.names.get(start..*self.name_ends.get(log)? as usize)
    }
}

/// The canonical order of a device's records: time, then the expiry before the close and closes before
/// connects, then the content. Records equal up to [`same_record`] are duplicates; among them the order
/// falls back to the export shape, then to the position in the input.
pub(super) fn canonical(collector: &Collector, a: &Stored, b: &Stored) -> Ordering {
    identity(collector, a, b)
        .then_with(|| a.format().cmp(&b.format()))
        .then_with(|| (a.input, a.line, a.index).cmp(&(b.input, b.line, b.index)))
}

/// True when two records of one device are the same record delivered twice: equal in time, operation,
/// category, code, level, message id, delivery count and sequence number (what makes a record distinct).
pub(super) fn same_record(collector: &Collector, a: &Stored, b: &Stored) -> bool {
    a.time == b.time && identity(collector, a, b) == Ordering::Equal
}

fn identity(collector: &Collector, a: &Stored, b: &Stored) -> Ordering {
    let extra = |stored: &Stored| collector.extra(stored).copied();
    let strings = &collector.strings;
    a.time
        .cmp(&b.time)
        .then_with(|| a.rank().cmp(&b.rank()))
        .then_with(|| a.raw_code().cmp(&b.raw_code()))
        .then_with(|| a.level().cmp(&b.level()))
        .then_with(|| {
            if a.pair == b.pair {
                Ordering::Equal
            } else {
                let pair = |s: &Stored| collector.pairs.get(s.pair as usize).copied().unwrap_or((NONE, NONE));
                let ((ca, oa), (cb, ob)) = (pair(a), pair(b));
                strings.cmp(ca, cb).then_with(|| strings.cmp(oa, ob))
            }
        })
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

#[cfg(test)]
mod tests {
    use super::DeviceIndex;

    #[test]
    fn devices_of_equal_hashes_stay_apart() {
        let mut index = DeviceIndex::default();
        assert_eq!(index.find_or_add_hashed(7, 0, "dev-a", 0), 0);
        assert_eq!(index.find_or_add_hashed(7, 0, "dev-b", 1), 1);
        assert_eq!(
            index.find_or_add_hashed(7, 1, "dev-a", 2),
            2,
            "the same id on another hub is another device"
        );
        assert_eq!(index.find_or_add_hashed(7, 0, "dev-a", 3), 0);
        assert_eq!(index.find_or_add_hashed(7, 0, "dev-b", 3), 1);
        assert_eq!(index.find_or_add_hashed(7, 1, "dev-a", 3), 2);
        assert_eq!(index.find_or_add(0, "", 3), 3, "the hub's device-less records have a log of their own");
        assert_eq!(index.find_or_add(0, "", 4), 3);
        assert_eq!(index.name(1), Some(&b"dev-b"[..]));
    }
}
