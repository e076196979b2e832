//! Hub-wide state: mergeable partials keyed by fixed UTC minutes, and the detectors that read them after the
//! merge (throttling bursts, the daily quota, incidents of many devices).
//!
//! Every partial merges associatively and commutatively, and every cap keeps the earliest items by time
//! (ties by position), so the merged partial does not depend on how devices were spread over shards.

use serde::{Deserialize, Serialize};

use super::collect::Stored;
use super::device::MAX_REFS;
use super::sorted_map::SortedMap;
use crate::logs::RecordRef;
use crate::time::Millis;

/// Throttling errors further apart than this start a new burst.
const BURST_GAP_MS: Millis = 5 * 60_000;
/// Timeline events kept per hub-wide finding.
pub(super) const MAX_TIMELINE: usize = 200;
/// Times kept for the quota finding's timeline.
const MAX_QUOTA_TIMES: usize = 64;
/// One minute, the width of the buckets.
const MINUTE_MS: Millis = 60_000;

/// The earliest `cap` of a stream of timed items, whatever order they arrive in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Earliest<T> {
    cap: usize,
    items: Vec<(Millis, T)>,
}

impl<T: Ord> Earliest<T> {
    pub fn new(cap: usize) -> Earliest<T> {
        Earliest { cap, items: Vec::new() }
    }

    pub fn push(&mut self, at: Millis, item: T) {
        self.items.push((at, item));
        if self.items.len() >= self.cap.saturating_mul(2).max(16) {
            self.trim();
        }
    }

    pub fn merge(&mut self, other: Earliest<T>) {
        self.items.extend(other.items);
        self.trim();
    }

    /// The kept items, earliest first.
    pub fn into_sorted(mut self) -> Vec<(Millis, T)> {
        self.trim();
        self.items
    }

    fn trim(&mut self) {
        crate::sort::sort_by(&mut self.items, |a, b| a.cmp(b));
        self.items.truncate(self.cap);
    }
}

/// Throttling errors of one hub in one UTC minute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ThrottleMinute {
    pub first: Millis,
    pub last: Millis,
    pub count: u64,
    pub devices: SortedMap<String, u64>,
    pub codes: SortedMap<u32, u64>,
    /// (device, code, source), the earliest by time (ties by content, then position).
    pub events: Earliest<(Option<String>, u32, RecordRef)>,
}

/// The daily quota errors (403002) of one hub.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Quota {
    pub count: u64,
    pub first: Option<Millis>,
    pub last: Option<Millis>,
    pub events: Earliest<RecordRef>,
    pub devices: SortedMap<String, u64>,
}

impl Default for Quota {
    fn default() -> Quota {
        Quota {
            count: 0,
            first: None,
            last: None,
            events: Earliest::new(MAX_QUOTA_TIMES),
            devices: SortedMap::default(),
        }
    }
}

/// What the devices of one hub (or one shard of them) contribute to hub-wide findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct HubPartial {
    /// Distinct devices (each device lives in exactly one partial, so counts add up).
    pub devices: u64,
    /// Latest time of an error or connection event.
    pub end: Option<Millis>,
    /// Throttling errors by UTC minute (minutes since the epoch).
    pub throttling: SortedMap<i64, ThrottleMinute>,
    pub quota: Quota,
}

impl HubPartial {
    /// Counts an error or connection event of `device` (`None` for records that name no device).
    pub fn event(&mut self, event: &Stored, device: Option<&str>) {
        let at = event.time;
        self.end = Some(self.end.map_or(at, |end| end.max(at)));
        let source = event.source();
        match event.code {
            403002 => {
                let quota = &mut self.quota;
                quota.count += 1;
                quota.first = Some(quota.first.map_or(at, |first| first.min(at)));
                quota.last = Some(quota.last.map_or(at, |last| last.max(at)));
                quota.events.push(at, source);
                if let Some(device) = device {
                    quota.devices.update(device.to_owned(), || 0, |n| *n += 1);
                }
            }
            code @ 429000..=429999 => {
                let minute = at.div_euclid(MINUTE_MS);
                self.throttling.update(
                    minute,
                    || ThrottleMinute {
                        first: at,
                        last: at,
                        count: 0,
                        devices: SortedMap::default(),
                        codes: SortedMap::default(),
                        events: Earliest::new(MAX_TIMELINE),
                    },
                    |bucket| {
                        bucket.first = bucket.first.min(at);
                        bucket.last = bucket.last.max(at);
                        bucket.count += 1;
                        if let Some(device) = device {
                            bucket.devices.update(device.to_owned(), || 0, |n| *n += 1);
                        }
                        bucket.codes.update(code, || 0, |n| *n += 1);
                        bucket.events.push(at, (device.map(str::to_owned), code, source));
                    },
                );
            }
            _ => {}
        }
    }

    /// Adds another partial of the same hub.
    pub fn merge(&mut self, other: HubPartial) {
        self.devices += other.devices;
        self.end = self.end.max(other.end);
        self.throttling.merge_with(other.throttling, |mine, theirs| {
            mine.first = mine.first.min(theirs.first);
            mine.last = mine.last.max(theirs.last);
            mine.count += theirs.count;
            mine.devices.add_all(theirs.devices);
            mine.codes.add_all(theirs.codes);
            mine.events.merge(theirs.events);
        });
        let quota = &mut self.quota;
        let theirs = other.quota;
        quota.count += theirs.count;
        quota.first = quota.first.into_iter().chain(theirs.first).min();
        quota.last = quota.last.max(theirs.last);
        quota.events.merge(theirs.events);
        quota.devices.add_all(theirs.devices);
    }

    /// Throttling errors grouped into bursts: minutes whose errors are at most [`BURST_GAP_MS`] apart.
    /// Errors of one minute are never further apart than that, so the grouping equals grouping the errors.
    pub fn bursts(&self) -> Vec<Burst> {
        let mut bursts: Vec<Burst> = Vec::new();
        for bucket in self.throttling.values() {
            let start_new = bursts.last().is_none_or(|burst| bucket.first - burst.last > BURST_GAP_MS);
            if start_new {
                bursts.push(Burst { first: bucket.first, last: bucket.last, ..Burst::default() });
            }
            if let Some(burst) = bursts.last_mut() {
                burst.last = burst.last.max(bucket.last);
                burst.count += bucket.count;
                burst.devices.add_all(bucket.devices.clone());
                burst.codes.add_all(bucket.codes.clone());
                burst.events.merge(bucket.events.clone());
            }
        }
        bursts
    }
}

/// Throttling errors close together.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Burst {
    pub first: Millis,
    pub last: Millis,
    pub count: u64,
    pub devices: SortedMap<String, u64>,
    pub codes: SortedMap<u32, u64>,
    pub events: Earliest<(Option<String>, u32, RecordRef)>,
}

impl Default for Burst {
    fn default() -> Burst {
        Burst {
            first: 0,
            last: 0,
            count: 0,
            devices: SortedMap::default(),
            codes: SortedMap::default(),
            events: Earliest::new(MAX_TIMELINE),
        }
    }
}

impl Burst {
    /// The earliest records, as evidence.
    pub fn refs(&self) -> Vec<RecordRef> {
        self.events
            .clone()
            .into_sorted()
            .into_iter()
            .take(MAX_REFS * 2)
            .map(|(_, (.., source))| source)
            .collect()
    }
}
