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

/// An event of a hub-wide finding: when, the device (when named), the code and where it was read.
pub(super) type HubEvent = (Millis, Option<String>, u32, RecordRef);

/// The earliest `cap` hub events, whatever order they arrive in (ties by content, then position).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Earliest {
    cap: usize,
    items: Vec<HubEvent>,
}

impl Earliest {
    pub fn new(cap: usize) -> Earliest {
        Earliest { cap, items: Vec::new() }
    }

    pub fn push(&mut self, event: HubEvent) {
        self.items.push(event);
        if self.items.len() >= self.cap.saturating_mul(2).max(16) {
            self.trim();
        }
    }

    pub fn merge(&mut self, other: Earliest) {
        self.items.extend(other.items);
        self.trim();
    }

    /// The kept events, earliest first.
    pub fn into_sorted(mut self) -> Vec<HubEvent> {
        self.trim();
        self.items
    }

    fn trim(&mut self) {
        crate::sort::sort_by(&mut self.items, |a, b| a.cmp(b));
        self.items.truncate(self.cap);
    }
}

/// Throttling errors of one hub over a span: one UTC minute in a partial, a burst of minutes after the merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Throttled {
    pub first: Millis,
    pub last: Millis,
    pub count: u64,
    pub devices: SortedMap<String, u64>,
    pub codes: SortedMap<u32, u64>,
    /// The earliest errors.
    pub events: Earliest,
}

impl Throttled {
    /// Takes the errors of another span in.
    fn absorb(&mut self, other: Throttled) {
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        self.count += other.count;
        self.devices.add_all(other.devices);
        self.codes.add_all(other.codes);
        self.events.merge(other.events);
    }

    /// The earliest records, as evidence.
    pub fn refs(&self) -> Vec<RecordRef> {
        self.events.clone().into_sorted().into_iter().take(MAX_REFS * 2).map(|(.., source)| source).collect()
    }
}

impl Default for Throttled {
    fn default() -> Throttled {
        Throttled {
            first: Millis::MAX,
            last: Millis::MIN,
            count: 0,
            devices: SortedMap::default(),
            codes: SortedMap::default(),
            events: Earliest::new(MAX_TIMELINE),
        }
    }
}

/// The daily quota errors (403002) of one hub.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Quota {
    pub count: u64,
    pub first: Option<Millis>,
    pub last: Option<Millis>,
    pub events: Earliest,
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
    pub throttling: SortedMap<i64, Throttled>,
    pub quota: Quota,
}

impl HubPartial {
    /// Counts an error or connection event of `device` (`None` for records that name no device).
    pub fn event(&mut self, event: &Stored, device: Option<&str>) {
        let at = event.time;
        self.end = Some(self.end.map_or(at, |end| end.max(at)));
        let source = event.source();
        match event.raw_code() {
            403002 => {
                let quota = &mut self.quota;
                quota.count += 1;
                quota.first = Some(quota.first.map_or(at, |first| first.min(at)));
                quota.last = Some(quota.last.map_or(at, |last| last.max(at)));
                quota.events.push((at, None, 403002, source));
                if let Some(device) = device {
                    quota.devices.bump(device.to_owned());
                }
            }
            code @ 429000..=429999 => {
                let minute = at.div_euclid(MINUTE_MS);
                if let Some(bucket) = self.throttling.slot(minute, Throttled::default) {
                    bucket.first = bucket.first.min(at);
                    bucket.last = bucket.last.max(at);
                    bucket.count += 1;
                    if let Some(device) = device {
                        bucket.devices.bump(device.to_owned());
                    }
                    bucket.codes.bump(code);
                    bucket.events.push((at, device.map(str::to_owned), code, source));
                }
            }
            _ => {}
        }
    }

    /// Adds another partial of the same hub.
    pub fn merge(&mut self, other: HubPartial) {
        self.devices += other.devices;
        self.end = self.end.max(other.end);
        self.throttling.merge_with(other.throttling, Throttled::absorb);
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
    pub fn bursts(&self) -> Vec<Throttled> {
        let mut bursts: Vec<Throttled> = Vec::new();
        for bucket in self.throttling.values() {
            match bursts.last_mut() {
                Some(burst) if bucket.first - burst.last <= BURST_GAP_MS => burst.absorb(bucket.clone()),
                _ => bursts.push(bucket.clone()),
            }
        }
        bursts
    }
}
