//! Counts over the whole input: by code, category, device, operation and hour.

use serde::Serialize;

use crate::logs::{Format, LogRecord, Skipped};
use crate::time::{self, Millis};
use iothub_errors_records::hash::FxHashMap;

/// Positions of skipped input kept in the summary (all are counted).
const MAX_SKIPPED_KEPT: usize = 100;
/// Devices listed in `by_device` (all are counted in `devices`).
const MAX_DEVICES_LISTED: usize = 1000;
/// Devices listed in `top_devices`.
const TOP_DEVICES: usize = 10;

/// A key and how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Count {
    /// What was counted (a category, an operation, a device, an hour like `2024-05-14T09:00:00Z`).
    pub key: String,
    /// How often.
    pub count: u64,
}

/// An error code and how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CodeCount {
    /// The six-digit code.
    pub code: u32,
    /// Its catalog name, when listed.
    pub name: Option<&'static str>,
    /// How often.
    pub count: u64,
}

/// Counts over the whole input.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// Records read.
    pub records_read: u64,
    /// Parts of the input that could not be read.
    pub records_skipped: u64,
    /// Records seen twice (counted in `records_read`, left out of the diagnosis and the other counts).
    pub duplicates: u64,
    /// Where the first skipped parts are, and why.
    pub skipped: Vec<Skipped>,
    /// Export shapes found.
    pub formats: Vec<Format>,
    /// Earliest event (ISO 8601 UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub first: Option<String>,
    /// Latest event (ISO 8601 UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub last: Option<String>,
    /// Distinct devices.
    pub devices: u64,
    /// Records that report an error.
    pub errors: u64,
    /// Error records by code, most frequent first.
    pub by_code: Vec<CodeCount>,
    /// Records by category.
    pub by_category: Vec<Count>,
    /// Records by operation.
    pub by_operation: Vec<Count>,
    /// Records by hour (UTC).
    pub by_hour: Vec<Count>,
    /// Error records by hour (UTC), for the same hours as `by_hour` (zero where an hour had none).
    pub errors_by_hour: Vec<Count>,
    /// Error records by device, most first (at most 1000 devices listed).
    pub by_device: Vec<Count>,
    /// The devices with the most error records.
    pub top_devices: Vec<Count>,
}

/// Accumulates a [`Summary`].
#[derive(Debug, Default)]
pub(super) struct SummaryBuilder {
    records_read: u64,
    records_skipped: u64,
    duplicates: u64,
    skipped: Vec<Skipped>,
    formats: Vec<Format>,
    first: Option<Millis>,
    last: Option<Millis>,
    errors: u64,
    by_code: FxHashMap<u32, u64>,
    by_category: Tally,
    by_operation: Tally,
    /// Records and error records per hour since the epoch.
    by_hour: FxHashMap<i64, (u64, u64)>,
    /// Error records per device index (devices are interned by the engine).
    device_errors: Vec<u64>,
}

impl SummaryBuilder {
    pub fn record(&mut self, record: &LogRecord, device: Option<usize>) {
        self.records_read += 1;
        if !self.formats.contains(&record.format) {
            self.formats.push(record.format);
        }
        let is_error = record.is_error();
        if let Some(at) = record.time {
            self.first = Some(self.first.map_or(at, |first| first.min(at)));
            self.last = Some(self.last.map_or(at, |last| last.max(at)));
            let hour = self.by_hour.entry(at.div_euclid(3_600_000)).or_default();
            hour.0 += 1;
            hour.1 += u64::from(is_error);
        }
        self.by_category.bump(&record.category);
        self.by_operation.bump(&record.operation);
        if let Some(index) = device {
            if self.device_errors.len() <= index {
                self.device_errors.resize(index + 1, 0);
            }
        }
        if is_error {
            self.errors += 1;
            if let Some(code) = record.code {
                *self.by_code.entry(code).or_default() += 1;
            }
            if let Some(slot) = device.and_then(|index| self.device_errors.get_mut(index)) {
                *slot += 1;
            }
        }
    }

    /// Counts a record seen before: read, but left out of every other count.
    pub fn duplicate(&mut self) {
        self.records_read += 1;
        self.duplicates += 1;
    }

    pub fn skipped(&mut self, skipped: Skipped) {
        self.records_skipped += 1;
        if self.skipped.len() < MAX_SKIPPED_KEPT {
            self.skipped.push(skipped);
        }
    }

    pub fn records_read(&self) -> u64 {
        self.records_read
    }

    pub fn build(self, device_names: &[String]) -> Summary {
        let mut by_code: Vec<CodeCount> = self
            .by_code
            .into_iter()
            .map(|(code, count)| CodeCount {
                code,
                name: crate::catalog::find_code(code).map(|e| e.name),
                count,
            })
            .collect();
        crate::sort::sort_by(&mut by_code, |a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        let mut by_device: Vec<Count> = self
            .device_errors
            .iter()
            .zip(device_names)
            .filter(|(count, _)| **count > 0)
            .map(|(count, name)| Count { key: name.clone(), count: *count })
            .collect();
        crate::sort::sort_by(&mut by_device, |a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        by_device.truncate(MAX_DEVICES_LISTED);
        let top_devices = by_device.iter().take(TOP_DEVICES).cloned().collect();
        let mut hours: Vec<(i64, (u64, u64))> = self.by_hour.into_iter().collect();
        crate::sort::sort(&mut hours);
        let hourly = |pick: fn(&(u64, u64)) -> u64| -> Vec<Count> {
            hours
                .iter()
                .map(|(hour, counts)| Count { key: time::format(hour * 3_600_000), count: pick(counts) })
                .collect()
        };
        Summary {
            records_read: self.records_read,
            records_skipped: self.records_skipped,
            duplicates: self.duplicates,
            skipped: self.skipped,
            formats: self.formats,
            first: self.first.map(time::format),
            last: self.last.map(time::format),
            devices: device_names.len() as u64,
            errors: self.errors,
            by_code,
            by_category: self.by_category.sorted(),
            by_operation: self.by_operation.sorted(),
            by_hour: hourly(|counts| counts.0),
            errors_by_hour: hourly(|counts| counts.1),
            by_device,
            top_devices,
        }
    }
}

/// Counts of a few distinct names (categories, operations): a short list, searched most recent first, is
/// faster than hashing each name.
#[derive(Debug, Default)]
struct Tally {
    counts: Vec<(String, u64)>,
    /// Index of the name counted last (runs of the same name are common).
    last: usize,
}

impl Tally {
    fn bump(&mut self, name: &str) {
        if let Some((known, count)) = self.counts.get_mut(self.last) {
            if known == name {
                *count += 1;
                return;
            }
        }
        match self.counts.iter().position(|(known, _)| known == name) {
            Some(index) => {
                if let Some((_, count)) = self.counts.get_mut(index) {
                    *count += 1;
                }
                self.last = index;
            }
            None => {
                self.last = self.counts.len();
                self.counts.push((name.to_owned(), 1));
            }
        }
    }

    fn sorted(self) -> Vec<Count> {
        let mut counts: Vec<Count> =
            self.counts.into_iter().map(|(key, count)| Count { key, count }).collect();
        crate::sort::sort_by(&mut counts, |a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        counts
    }
}
