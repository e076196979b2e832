//! Counts over the whole input: by code, category, device, operation and hour.

use serde::{Deserialize, Serialize};

use super::collect::{Collector, NONE, Stored};
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

/// Accumulates a [`Summary`]; builders of disjoint parts of the input merge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct SummaryBuilder {
    records_read: u64,
    records_skipped: u64,
    duplicates: u64,
    /// The skipped parts kept: the first by (input, line).
    skipped: Vec<(u32, Skipped)>,
    formats: Vec<Format>,
    first: Option<Millis>,
    last: Option<Millis>,
    errors: u64,
    by_code: FxHashMap<u32, u64>,
    by_category: Tally,
    by_operation: Tally,
    /// Records and error records per hour since the epoch.
    by_hour: FxHashMap<i64, (u64, u64)>,
}

impl SummaryBuilder {
    /// Counts a record read (a duplicate too).
    pub fn read(&mut self) {
        self.records_read += 1;
    }

    /// Counts a record without a time (it takes no part in diagnosis).
    pub fn untimed(&mut self, record: &LogRecord) {
        self.counts(record.format, None, record.is_error(), record.code);
        self.by_category.bump(&record.category, 1);
        self.by_operation.bump(&record.operation, 1);
    }

    /// Counts one device's timed records that are not duplicates. Categories and operations are counted per
    /// (category, operation) pair and added once at the end: comparing their texts for every record cost more
    /// than the rest of the count.
    pub fn events(&mut self, events: &[Stored], collector: &Collector) {
        let mut per_pair = vec![0u64; collector.pairs.len()];
        for event in events {
            if let Some(count) = per_pair.get_mut(event.pair as usize) {
                *count += 1;
            }
            self.counts(event.format(), Some(event.time), event.is_error(), event.code());
        }
        for (pair, &count) in per_pair.iter().enumerate().filter(|&(_, &count)| count > 0) {
            let (category, operation) = collector.pairs.get(pair).copied().unwrap_or((NONE, NONE));
            self.by_category.bump(collector.strings.get(category).unwrap_or_default(), count);
            self.by_operation.bump(collector.strings.get(operation).unwrap_or_default(), count);
        }
    }

    /// Counts a record by shape, time and error (its category and operation are counted by the caller).
    fn counts(&mut self, format: Format, time: Option<Millis>, is_error: bool, code: Option<u32>) {
        if !self.formats.contains(&format) {
            self.formats.push(format);
            crate::sort::sort(&mut self.formats);
        }
        if let Some(at) = time {
            self.first = Some(self.first.map_or(at, |first| first.min(at)));
            self.last = Some(self.last.map_or(at, |last| last.max(at)));
            let hour = self.by_hour.entry(at.div_euclid(3_600_000)).or_default();
            hour.0 += 1;
            hour.1 += u64::from(is_error);
        }
        if is_error {
            self.errors += 1;
            if let Some(code) = code {
                *self.by_code.entry(code).or_default() += 1;
            }
        }
    }

    /// Counts records seen before: read, but left out of every other count.
    pub fn duplicates(&mut self, count: u64) {
        self.duplicates += count;
    }

    /// Counts a part of the input that could not be read.
    pub fn skipped_part(&mut self) {
        self.records_skipped += 1;
    }

    /// Keeps the first of these skipped parts (by input and line) for the summary.
    pub fn keep_skipped(&mut self, skipped: Vec<(u32, Skipped)>) {
        self.skipped.extend(skipped);
        self.trim_skipped();
    }

    fn trim_skipped(&mut self) {
        crate::sort::sort_by(&mut self.skipped, |a, b| (a.0, a.1.line).cmp(&(b.0, b.1.line)));
        self.skipped.truncate(MAX_SKIPPED_KEPT);
    }

    pub fn records_read(&self) -> u64 {
        self.records_read
    }

    /// Adds the counts of another part of the input.
    pub fn merge(&mut self, other: SummaryBuilder) {
        self.records_read += other.records_read;
        self.records_skipped += other.records_skipped;
        self.duplicates += other.duplicates;
        self.keep_skipped(other.skipped);
        for format in other.formats {
            if !self.formats.contains(&format) {
                self.formats.push(format);
            }
        }
        crate::sort::sort(&mut self.formats);
        self.first = self.first.into_iter().chain(other.first).min();
        self.last = self.last.max(other.last);
        self.errors += other.errors;
        for (code, count) in other.by_code {
            *self.by_code.entry(code).or_default() += count;
        }
        for (name, count) in other.by_category.counts {
            self.by_category.bump(&name, count);
        }
        for (name, count) in other.by_operation.counts {
            self.by_operation.bump(&name, count);
        }
        for (hour, (records, errors)) in other.by_hour {
            let mine = self.by_hour.entry(hour).or_default();
            mine.0 += records;
            mine.1 += errors;
        }
    }

    /// The summary, with each device's label and error records.
    pub fn build(self, devices: &[(String, u64)]) -> Summary {
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
        let mut by_device: Vec<Count> = devices
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(name, count)| Count { key: name.clone(), count: *count })
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
            skipped: self.skipped.into_iter().map(|(_, skipped)| skipped).collect(),
            formats: self.formats,
            first: self.first.map(time::format),
            last: self.last.map(time::format),
            devices: devices.len() as u64,
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Tally {
    counts: Vec<(String, u64)>,
    /// Index of the name counted last (runs of the same name are common).
    #[serde(skip)]
    last: usize,
}

impl Tally {
    fn bump(&mut self, name: &str, by: u64) {
        if let Some((known, count)) = self.counts.get_mut(self.last) {
            if known == name {
                *count += by;
                return;
            }
        }
        match self.counts.iter().position(|(known, _)| known == name) {
            Some(index) => {
                if let Some((_, count)) = self.counts.get_mut(index) {
                    *count += by;
                }
                self.last = index;
            }
            None => {
                self.last = self.counts.len();
                self.counts.push((name.to_owned(), by));
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
