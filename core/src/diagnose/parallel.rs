//! Diagnosis on every core: worker threads read the inputs (large line-per-record files split at line
//! starts), the devices are digested in shards, and the partials are merged. The report equals the
//! one-thread report byte for byte: positions in split files are renumbered as if read whole, and every
//! order in the report comes from the records' content (see the module's parent).
//!
//! The core opens nothing: the caller hands an [`Inputs`] that opens readers.

use std::io::{self, Read};
use std::sync::Mutex;

use super::collect::Collector;
use super::summary::SummaryBuilder;
use super::{Partial, Report, collect};
use crate::logs::LogDecoder;

/// Bytes read per call.
const CHUNK: usize = 1 << 20;
/// Smallest segment a file is split into.
const MIN_SEGMENT: u64 = 8 << 20;

/// The inputs of a diagnosis, opened by the caller.
pub trait Inputs: Sync {
    /// How many inputs there are.
    fn count(&self) -> usize;
    /// The input's length when it can be read from any offset (a plain file); `None` otherwise (standard
    /// input, a compressed file), and such an input is read whole by one worker.
    fn len(&self, input: usize) -> Option<u64>;
    /// A reader of the input from byte `offset` (always 0 for an input without a length).
    fn open_at(&self, input: usize, offset: u64) -> io::Result<Box<dyn Read + Send>>;
}

/// A part of an input read by one worker.
#[derive(Debug, Clone, Copy)]
struct Segment {
    input: u32,
    start: u64,
    /// Bytes to read (`None`: to the end).
    len: Option<u64>,
}

/// What reading a segment found, for renumbering positions.
#[derive(Debug, Clone, Copy, Default)]
struct Counted {
    lines: u64,
    records: u64,
}

/// What a worker read: its collector, what each of its segments held, and its read failures.
type WorkerResult = (Collector, Vec<(usize, Counted)>, Vec<InputError>);

/// A failure to read an input: the input's number and the error.
#[derive(Debug)]
pub struct InputError {
    /// The input (0-based, in the order given).
    pub input: usize,
    /// What went wrong.
    pub error: io::Error,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "input {}: {}", self.input, self.error)
    }
}

impl std::error::Error for InputError {}

/// Diagnoses every input with `jobs` threads (at least one). Inputs that fail to open or read are reported
/// in the second value, and diagnosis goes on with what could be read.
pub fn diagnose_inputs(
    inputs: &dyn Inputs,
    jobs: usize,
    on_read: &(dyn Fn(u64) + Sync),
) -> (Report, Vec<InputError>) {
    let jobs = jobs.max(1);
    let mut failures = Vec::new();
    let segments = plan(inputs, jobs, &mut failures);
    // Workers pop from the end: the segments in reverse, so that they are read in order.
    let queue = Mutex::new(segments.iter().copied().enumerate().rev().collect::<Vec<_>>());
    let mut results: Vec<WorkerResult> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.min(segments.len()).max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut collector = Collector::default();
                    let mut counted = Vec::new();
                    let mut errors = Vec::new();
                    while let Some((id, segment)) = queue.lock().ok().and_then(|mut q| q.pop()) {
                        match read_segment(inputs, id, segment, &mut collector, on_read) {
                            Ok(counts) => counted.push((id, counts)),
                            Err(error) => errors.push(InputError { input: segment.input as usize, error }),
                        }
                    }
                    (collector, counted, errors)
                })
            })
            .collect();
        workers.into_iter().filter_map(|worker| worker.join().ok()).collect()
    });
    let mut counts = vec![Counted::default(); segments.len()];
    for (_, counted, errors) in &mut results {
        for &(id, found) in counted.iter() {
            if let Some(slot) = counts.get_mut(id) {
                *slot = found;
            }
        }
        failures.append(errors);
    }
    crate::sort::sort_by(&mut failures, |a, b| a.input.cmp(&b.input));
    let offsets = renumbering(&segments, &counts);
    let fix = |segment: u32, line: u32, index: u32| -> (u32, u32, u32) {
        match offsets.get(segment as usize) {
            Some(&(input, lines, records)) => (
                input,
                u32::try_from(u64::from(line) + lines).unwrap_or(u32::MAX),
                u32::try_from(u64::from(index) + records).unwrap_or(u32::MAX),
            ),
            None => (segment, line, index),
        }
    };
    let mut merged = Collector::default();
    for (collector, ..) in results {
        merged.absorb(collector, &fix);
    }
    (digest_in_shards(merged, jobs), failures)
}

/// Digests the devices of `collector` in `jobs` shards of about equal numbers of records.
fn digest_in_shards(mut collector: Collector, jobs: usize) -> Report {
    let logs = collector.take_logs();
    let total: usize = logs.iter().map(|log| log.events.len() + 1).sum();
    let per_shard = total.div_ceil(jobs).max(1);
    let mut shards: Vec<Vec<collect::DeviceLog>> = vec![Vec::new()];
    let mut filled = 0;
    for log in logs {
        if filled >= per_shard {
            shards.push(Vec::new());
            filled = 0;
        }
        filled += log.events.len() + 1;
        if let Some(shard) = shards.last_mut() {
            shard.push(log);
        }
    }
    let shared = &collector;
    let partials: Vec<Partial> = std::thread::scope(|scope| {
        let workers: Vec<_> = shards
            .into_iter()
            .map(|shard| scope.spawn(move || Partial::digest(shared, shard, SummaryBuilder::default())))
            .collect();
        workers.into_iter().filter_map(|worker| worker.join().ok()).collect()
    });
    let counts = Partial::counts_of(&mut collector);
    let mut merged = Partial::digest(&collector, Vec::new(), counts);
    for partial in partials {
        merged.merge(partial);
    }
    merged.report_of_one()
}

/// Splits the inputs into segments: files of one record per line into parts of at least [`MIN_SEGMENT`]
/// bytes starting at line starts, every other input whole.
fn plan(inputs: &dyn Inputs, jobs: usize, failures: &mut Vec<InputError>) -> Vec<Segment> {
    let total: u64 = (0..inputs.count()).filter_map(|input| inputs.len(input)).sum();
    let target = (total / (jobs as u64 * 4)).max(MIN_SEGMENT);
    let mut segments = Vec::new();
    for input in 0..inputs.count() {
        let number = u32::try_from(input).unwrap_or(u32::MAX);
        let whole = Segment { input: number, start: 0, len: None };
        let Some(len) = inputs.len(input).filter(|&len| jobs > 1 && len > target) else {
            segments.push(whole);
            continue;
        };
        match line_starts(inputs, input, len, target) {
            Ok(starts) => {
                for (i, &start) in starts.iter().enumerate() {
                    let end = starts.get(i + 1).copied().unwrap_or(len);
                    segments.push(Segment { input: number, start, len: Some(end - start) });
                }
            }
            Err(error) => {
                failures.push(InputError { input, error });
            }
        }
    }
    segments
}

/// Where segments of about `target` bytes start, each at a line start; `[0]` when the input does not hold
/// one JSON record per line (a JSON array, a pretty-printed document, CSV with its header).
fn line_starts(inputs: &dyn Inputs, input: usize, len: u64, target: u64) -> io::Result<Vec<u64>> {
    let mut head = Vec::new();
    inputs.open_at(input, 0)?.take(64 << 10).read_to_end(&mut head)?;
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default().trim_ascii();
    let one_record_per_line = first_line.first() == Some(&b'{') && first_line.last() == Some(&b'}');
    let mut starts = vec![0];
    if !one_record_per_line {
        return Ok(starts);
    }
    let mut at = target;
    while at < len {
        let Some(start) = next_line_start(inputs, input, at)? else { break };
        if start >= len {
            break;
        }
        if starts.last().is_some_and(|&last| start > last) {
            starts.push(start);
        }
        at = start + target;
    }
    Ok(starts)
}

/// The offset just after the first line break at or after `offset`.
fn next_line_start(inputs: &dyn Inputs, input: usize, offset: u64) -> io::Result<Option<u64>> {
    let mut reader = inputs.open_at(input, offset)?;
    let mut buffer = vec![0; 64 << 10];
    let mut position = offset;
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            return Ok(None);
        }
        if let Some(at) = buffer.get(..read).and_then(|bytes| memchr::memchr(b'\n', bytes)) {
            return Ok(Some(position + at as u64 + 1));
        }
        position += read as u64;
    }
}

/// Reads one segment into `collector`, its positions numbered by segment (`id` in place of the input).
fn read_segment(
    inputs: &dyn Inputs,
    id: usize,
    segment: Segment,
    collector: &mut Collector,
    on_read: &(dyn Fn(u64) + Sync),
) -> io::Result<Counted> {
    let reader = inputs.open_at(segment.input as usize, segment.start)?;
    let mut reader: Box<dyn Read + Send> = match segment.len {
        Some(len) => Box::new(reader.take(len)),
        None => reader,
    };
    let tag = u32::try_from(id).unwrap_or(u32::MAX);
    let skipped_before = collector.skipped.len();
    let mut decoder = LogDecoder::for_input(tag);
    let mut counted = Counted::default();
    let mut buffer = vec![0; CHUNK];
    let mut emit = |item: crate::logs::Decoded<'_>| {
        if matches!(item, crate::logs::Decoded::Record(_)) {
            counted.records += 1;
        }
        super::collect_item(collector, item);
    };
    let result = loop {
        match reader.read(&mut buffer) {
            Ok(0) => break Ok(()),
            Ok(read) => {
                let bytes = buffer.get(..read).unwrap_or_default();
                counted.lines += memchr::memchr_iter(b'\n', bytes).count() as u64;
                on_read(read as u64);
                decoder.push_decoded(bytes, &mut emit);
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => break Err(error),
        }
    };
    decoder.finish_decoded(&mut emit);
    collector.tag_skipped(skipped_before, tag);
    result.map(|()| counted)
}

/// For each segment: its input and the lines and records of the segments of the same input before it.
fn renumbering(segments: &[Segment], counts: &[Counted]) -> Vec<(u32, u64, u64)> {
    let mut offsets = Vec::with_capacity(segments.len());
    let mut running: (u32, u64, u64) = (u32::MAX, 0, 0);
    for (segment, counted) in segments.iter().zip(counts) {
        if running.0 != segment.input || segment.start == 0 {
            running = (segment.input, 0, 0);
        }
        offsets.push(running);
        running.1 += counted.lines;
        running.2 += counted.records;
    }
    offsets
}
