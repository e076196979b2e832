//! The push-based decoder: splits a byte stream into records, whatever its shape, in bounded memory.
//!
//! JSON input is split by a byte-level state machine that tracks nesting and strings, so a record is
//! emitted as soon as its closing brace arrives, whether records come one per line, inside a
//! `{"records":[...]}` wrapper, or in a top-level array, and however the input is chunked. Two resync
//! rules keep one broken record from swallowing the next: a raw line break inside a string ends the
//! record as malformed, and a `{` in the first column while a record is open starts a new one.

use std::borrow::Cow;

use super::normalize::{self, CsvColumn, Shape};
use super::{Decoded, Format, LogRecord, MAX_RECORD_BYTES, ReadItem, SkipReason, Skipped};

/// Bytes of a line kept for [`Skipped::excerpt`].
const EXCERPT_LEN: usize = 80;
/// Longest first line examined to recognise a CSV header.
const MAX_HEADER_PROBE: usize = 64 << 10;
/// Lines one quoted CSV cell may span before the row is declared malformed.
const MAX_CSV_ROW_LINES: u64 = 100;

/// Splits pushed bytes into [`ReadItem`]s. Feed chunks with [`LogDecoder::push`], then call
/// [`LogDecoder::finish`] once.
#[derive(Debug)]
pub struct LogDecoder {
    mode: Mode,
    /// Line of the next byte (1-based).
    line: u64,
    /// True when the next byte starts a line.
    line_start: bool,
    bytes: u64,
    records: u64,
    format: Option<Format>,
    /// Leading bytes kept while the format is not known yet.
    probe: Vec<u8>,
    /// Index of the input this decoder reads, stamped on every [`super::RecordRef`].
    input: u32,
    /// The record being read, reused from one record to the next so that reading allocates nothing.
    scratch: LogRecord,
}

#[derive(Debug)]
enum Mode {
    Detecting,
    Json(JsonState),
    Csv(CsvState),
    Unknown(LineSkipper),
}

impl Default for LogDecoder {
    fn default() -> Self {
        LogDecoder::new()
    }
}

impl LogDecoder {
    /// A decoder that has seen nothing yet.
    pub fn new() -> LogDecoder {
        LogDecoder::for_input(0)
    }

    /// A decoder for the input numbered `input` (its records' [`super::RecordRef::input`]).
    pub fn for_input(input: u32) -> LogDecoder {
        LogDecoder {
            input,
            mode: Mode::Detecting,
            line: 1,
            line_start: true,
            bytes: 0,
            records: 0,
            format: None,
            probe: Vec::new(),
            scratch: LogRecord::blank(),
        }
    }

    /// The format detected so far (refined by the first record for JSON inputs).
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// Total bytes pushed.
    pub fn bytes_pushed(&self) -> u64 {
        self.bytes
    }

    /// Feeds the next chunk; every complete record or skipped part is passed to `emit`.
    pub fn push(&mut self, chunk: &[u8], emit: &mut dyn FnMut(ReadItem)) {
        self.push_decoded(chunk, &mut |item| emit(item.into_item()));
    }

    /// Ends the input: emits what remains (a cut-off record is reported as skipped).
    pub fn finish(&mut self, emit: &mut dyn FnMut(ReadItem)) {
        self.finish_decoded(&mut |item| emit(item.into_item()));
    }

    /// [`LogDecoder::push`] lending each record instead of boxing a copy of it.
    pub fn push_decoded(&mut self, chunk: &[u8], emit: &mut dyn FnMut(Decoded<'_>)) {
        self.bytes += chunk.len() as u64;
        if matches!(self.mode, Mode::Detecting) {
            self.probe.extend_from_slice(chunk);
            let Some(mode) = self.detect(false) else { return };
            self.mode = mode;
            let probe = std::mem::take(&mut self.probe);
            self.feed(&probe, emit);
            return;
        }
        self.feed(chunk, emit);
    }

    /// [`LogDecoder::finish`] lending each record instead of boxing a copy of it.
    pub fn finish_decoded(&mut self, emit: &mut dyn FnMut(Decoded<'_>)) {
        if matches!(self.mode, Mode::Detecting) {
            match self.detect(true) {
                Some(mode) => {
                    self.mode = mode;
                    let probe = std::mem::take(&mut self.probe);
                    self.feed(&probe, emit);
                }
                None => return,
            }
        }
        let mut sink = Sink {
            emit,
            records: &mut self.records,
            format: &mut self.format,
            input: self.input,
            scratch: &mut self.scratch,
        };
        match &mut self.mode {
            Mode::Detecting => {}
            Mode::Json(state) => state.finish(&mut sink),
            Mode::Csv(state) => state.finish(&mut sink),
            Mode::Unknown(skipper) => skipper.finish(&mut sink),
        }
    }

    fn feed(&mut self, bytes: &[u8], emit: &mut dyn FnMut(Decoded<'_>)) {
        let mut sink = Sink {
            emit,
            records: &mut self.records,
            format: &mut self.format,
            input: self.input,
            scratch: &mut self.scratch,
        };
        let position = Position { line: &mut self.line, line_start: &mut self.line_start };
        match &mut self.mode {
            Mode::Detecting => {}
            Mode::Json(state) => state.feed(bytes, position, &mut sink),
            Mode::Csv(state) => state.feed(bytes, position, &mut sink),
            Mode::Unknown(skipper) => skipper.feed(bytes, position, &mut sink),
        }
    }

    /// Decides the mode from the probe; `None` while more bytes are needed.
    fn detect(&mut self, at_end: bool) -> Option<Mode> {
        let text = self.probe.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&self.probe);
        let first = text.iter().position(|b| !b.is_ascii_whitespace());
        match first.and_then(|i| text.get(i)) {
            Some(b'{' | b'[') => return Some(Mode::Json(JsonState::default())),
            None if !at_end => return None,
            None => return Some(Mode::Unknown(LineSkipper::new(SkipReason::UnknownFormat))),
            Some(_) => {}
        }
        let line_end = text.iter().position(|&b| b == b'\n');
        if line_end.is_none() && !at_end && text.len() < MAX_HEADER_PROBE {
            return None;
        }
        let header = text.get(..line_end.unwrap_or(text.len())).unwrap_or_default();
        let header = String::from_utf8_lossy(header);
        if CsvState::looks_like_header(&header) {
            self.format = Some(Format::AzureDiagnosticsCsv);
            Some(Mode::Csv(CsvState::default()))
        } else {
            Some(Mode::Unknown(LineSkipper::new(SkipReason::UnknownFormat)))
        }
    }
}

/// Where emitted items go, with the counters they update.
struct Sink<'a> {
    emit: &'a mut dyn FnMut(Decoded<'_>),
    input: u32,
    records: &'a mut u64,
    format: &'a mut Option<Format>,
    /// The decoder's reused record, filled for each record and lent to `emit`.
    scratch: &'a mut LogRecord,
}

impl Sink<'_> {
    fn skipped(&mut self, line: u64, reason: SkipReason, excerpt: &[u8]) {
        (self.emit)(Decoded::Skipped(Skipped { line, reason, excerpt: excerpt_of(excerpt) }));
    }

    fn json_record(&mut self, line: u64, bytes: &[u8], container: Container) {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        // The braces were matched while splitting, so the object is taken as is; reading its fields checks
        // the rest of its grammar.
        let Some(value) = crate::json::Value::object(&text) else {
            return self.skipped(line, SkipReason::MalformedJson, bytes);
        };
        let index = *self.records;
        match normalize::from_json(&value, super::RecordRef { input: self.input, line, index }, self.scratch)
        {
            Ok(shape) => {
                let format = match (shape, container) {
                    (Shape::EventGrid, _) => Format::EventGrid,
                    (Shape::Legacy, _) => Format::OperationsMonitoring,
                    (Shape::LogAnalyticsRow, _) => Format::LogAnalyticsJson,
                    (Shape::ResourceLog, Container::Records) => Format::EventHubsRecords,
                    (Shape::ResourceLog, _) => Format::StorageJsonLines,
                };
                self.scratch.format = format;
                self.format.get_or_insert(format);
                *self.records += 1;
                (self.emit)(Decoded::Record(self.scratch));
            }
            Err(reason) => self.skipped(line, reason, bytes),
        }
    }

    fn csv_record(&mut self, line: u64, columns: &[CsvColumn], cells: &[Cow<'_, str>], raw: &[u8]) {
        let index = *self.records;
        let source = super::RecordRef { input: self.input, line, index };
        if normalize::from_csv_row(columns, cells, source, self.scratch) {
            *self.records += 1;
            (self.emit)(Decoded::Record(self.scratch));
        } else {
            self.skipped(line, SkipReason::NotALogRecord, raw);
        }
    }
}

fn excerpt_of(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes.get(..EXCERPT_LEN.min(bytes.len())).unwrap_or_default());
    text.trim_end_matches('\u{FFFD}').trim().to_owned()
}

/// The decoder's line bookkeeping, lent to the mode that consumes bytes.
struct Position<'a> {
    line: &'a mut u64,
    line_start: &'a mut bool,
}

impl Position<'_> {
    /// Moves past `byte`; whether `byte` started a line.
    fn step(&mut self, byte: u8) -> bool {
        if byte == b'\n' {
            *self.line += 1;
        }
        std::mem::replace(self.line_start, byte == b'\n')
    }

    /// The same bookkeeping, lent on.
    fn reborrow(&mut self) -> Position<'_> {
        Position { line: &mut *self.line, line_start: &mut *self.line_start }
    }
}

/// Where records sit in the JSON structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Container {
    /// Objects at the top level (JSON lines, concatenated objects).
    #[default]
    TopLevel,
    /// Elements of a top-level array.
    Array,
    /// Elements of the `records` array of a `{"records":[...]}` wrapper.
    Records,
}

impl Container {
    fn item_depth(self) -> usize {
        match self {
            Container::TopLevel => 0,
            Container::Array => 1,
            Container::Records => 2,
        }
    }
}

#[derive(Debug, Default)]
struct JsonState {
    depth: usize,
    in_string: bool,
    escaped: bool,
    container: Container,
    /// Inside a scalar element of a record array (already reported).
    in_scalar: bool,
    record: Option<OpenRecord>,
    /// A line of text outside any record that is not JSON: (line, reason, excerpt).
    garbage: Option<(u64, SkipReason, Vec<u8>)>,
    /// Set once the input proved to hold one record per line.
    lines: Option<LineRecords>,
    /// A record filled its line up to the end of the last chunk: a line break first in the next chunk proves it.
    line_check: bool,
}

#[derive(Debug)]
struct OpenRecord {
    line: u64,
    /// The record's `{` was the first byte of its line.
    at_line_start: bool,
    depth: usize,
    bytes: Vec<u8>,
    too_large: bool,
}

impl OpenRecord {
    fn append(&mut self, bytes: &[u8]) {
        if self.too_large {
            return;
        }
        if self.bytes.len() + bytes.len() > MAX_RECORD_BYTES {
            self.too_large = true;
            self.bytes.truncate(EXCERPT_LEN);
        } else {
            self.bytes.extend_from_slice(bytes);
        }
    }
}

/// The chunk [`JsonState::feed`] is reading.
struct Chunk<'b> {
    bytes: &'b [u8],
    /// The byte being read.
    at: usize,
    /// Bytes from here up to `at` still have to be appended to the open record.
    copy_from: usize,
}

impl<'b> Chunk<'b> {
    /// The open record's bytes in this chunk not copied yet, up to (not including) the current byte.
    fn pending(&self) -> &'b [u8] {
        self.bytes.get(self.copy_from..self.at).unwrap_or_default()
    }
}

/// What [`JsonState::feed`] does after a byte was handled.
enum Flow {
    /// Read the next byte.
    Next,
    /// The handler moved [`Chunk::at`] itself.
    Moved,
    /// The rest of the chunk was handed to [`LineRecords`].
    Handed,
}

impl JsonState {
    fn feed(&mut self, bytes: &[u8], mut position: Position<'_>, sink: &mut Sink<'_>) {
        if std::mem::take(&mut self.line_check) && matches!(bytes.first(), Some(b'\n' | b'\r')) {
            self.lines = Some(LineRecords::default());
        }
        if let Some(lines) = &mut self.lines {
            return lines.feed(bytes, position, sink);
        }
        let mut chunk = Chunk { bytes, at: 0, copy_from: 0 };
        while let Some(&byte) = bytes.get(chunk.at) {
            if self.skip_string_content(&mut chunk, &mut position) {
                continue;
            }
            let line_start = position.step(byte);
            let flow = if self.garbage.is_some() {
                self.garbage_byte(byte, &mut chunk, sink)
            } else if self.in_string {
                self.string_byte(byte, &mut chunk, sink)
            } else {
                self.structure_byte(byte, line_start, &mut chunk, &mut position, sink)
            };
            match flow {
                Flow::Next => chunk.at += 1,
                Flow::Moved => {}
                Flow::Handed => return,
            }
        }
        if let Some(record) = &mut self.record {
            record.append(bytes.get(chunk.copy_from..).unwrap_or_default());
        }
    }

    /// Inside a string, jumps to the next quote, backslash or line end (most of a record is string content);
    /// false when there is nothing to jump over.
    fn skip_string_content(&self, chunk: &mut Chunk<'_>, position: &mut Position<'_>) -> bool {
        if !self.in_string || self.escaped || self.garbage.is_some() {
            return false;
        }
        let rest = chunk.bytes.get(chunk.at..).unwrap_or_default();
        let skip = memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
        if skip == 0 {
            return false;
        }
        *position.line_start = false;
        chunk.at += skip;
        true
    }

    /// A byte of a line that is not JSON: kept for the excerpt until the line ends.
    fn garbage_byte(&mut self, byte: u8, chunk: &mut Chunk<'_>, sink: &mut Sink<'_>) -> Flow {
        if byte == b'\n' {
            self.flush_garbage(sink);
        } else if let Some((_, _, excerpt)) = &mut self.garbage {
            if excerpt.len() < EXCERPT_LEN {
                excerpt.push(byte);
            }
        }
        chunk.at += 1;
        chunk.copy_from = chunk.at;
        Flow::Moved
    }

    /// A byte inside a string: escapes, the closing quote, or a raw line break that cuts the record off.
    fn string_byte(&mut self, byte: u8, chunk: &mut Chunk<'_>, sink: &mut Sink<'_>) -> Flow {
        if self.escaped {
            self.escaped = false;
        } else if byte == b'\\' {
            self.escaped = true;
        } else if byte == b'"' {
            self.in_string = false;
        } else if byte == b'\n' {
            // JSON strings never hold raw line breaks: the record was cut off on this line.
            self.in_string = false;
            self.abandon_record(sink, SkipReason::MalformedJson, chunk.pending());
            chunk.copy_from = chunk.at + 1;
        }
        Flow::Next
    }

    /// A byte outside strings: brackets open and close records and containers, anything else is checked
    /// to be where it may be.
    fn structure_byte(
        &mut self,
        byte: u8,
        line_start: bool,
        chunk: &mut Chunk<'_>,
        position: &mut Position<'_>,
        sink: &mut Sink<'_>,
    ) -> Flow {
        match byte {
            b'"' => self.open_string(*position.line, sink),
            b'{' => return self.open_object(line_start, chunk, position, sink),
            b'[' => self.open_array(chunk),
            b'}' | b']' => return self.close(byte, chunk, position, sink),
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' => self.in_scalar = false,
            _ => self.scalar_byte(byte, *position.line, sink),
        }
        Flow::Next
    }

    fn open_string(&mut self, line: u64, sink: &mut Sink<'_>) {
        if self.record.is_none() && self.depth == 0 {
            self.start_garbage(line, SkipReason::NotJson, b'"');
            return;
        }
        if self.record.is_none() && self.depth == self.container.item_depth() {
            sink.skipped(line, SkipReason::NotAnObject, b"\"");
        }
        self.in_string = true;
    }

    /// A `{`: the start of a record where one is expected (handed over whole when it can be), else nesting.
    fn open_object(
        &mut self,
        line_start: bool,
        chunk: &mut Chunk<'_>,
        position: &mut Position<'_>,
        sink: &mut Sink<'_>,
    ) -> Flow {
        if self.record.is_some() && line_start && self.depth > self.record_depth() {
            // A new record in the first column while one is open: the open one was cut off.
            self.abandon_record(sink, SkipReason::MalformedJson, chunk.pending());
            chunk.copy_from = chunk.at;
        }
        let starts_record = self.record.is_none() && self.depth == self.container.item_depth();
        if starts_record && self.container != Container::TopLevel {
            // An element of a record array that ends within this chunk and on this line cannot meet either
            // resync rule: hand it over whole, without copying or byte stepping.
            if let Some(end) = element_end_on_line(chunk.bytes, chunk.at) {
                let record = chunk.bytes.get(chunk.at..end).unwrap_or_default();
                sink.json_record(*position.line, record, self.container);
                self.in_scalar = false;
                *position.line_start = false;
                chunk.at = end;
                chunk.copy_from = end;
                return Flow::Moved;
            }
        }
        if starts_record {
            self.record = Some(OpenRecord {
                line: *position.line,
                at_line_start: line_start,
                depth: self.depth,
                bytes: Vec::new(),
                too_large: false,
            });
            chunk.copy_from = chunk.at;
        }
        self.depth += 1;
        Flow::Next
    }

    /// A `[`: the top-level array of records, the `records` array of a wrapper, or nesting.
    fn open_array(&mut self, chunk: &mut Chunk<'_>) {
        if self.record.is_none() && self.depth == 0 {
            self.container = Container::Array;
        } else if let Some(record) = &mut self.record {
            if record.depth == 0 && self.depth == 1 && self.container == Container::TopLevel {
                record.append(chunk.pending());
                chunk.copy_from = chunk.at;
                if ends_with_records_key(&record.bytes) {
                    // `{"records":[`: the wrapper is not a record; its elements are.
                    self.record = None;
                    self.container = Container::Records;
                    chunk.copy_from = chunk.at + 1;
                }
            }
        }
        self.depth += 1;
    }

    /// A `}` or `]`: the end of a record, of a record array, or of nesting.
    fn close(
        &mut self,
        byte: u8,
        chunk: &mut Chunk<'_>,
        position: &mut Position<'_>,
        sink: &mut Sink<'_>,
    ) -> Flow {
        self.in_scalar = false;
        if self.depth == 0 {
            self.start_garbage(*position.line, SkipReason::NotJson, byte);
            return Flow::Next;
        }
        self.depth -= 1;
        if self.record.as_ref().is_some_and(|r| r.depth == self.depth) {
            if let Flow::Handed = self.end_record(chunk, position, sink) {
                return Flow::Handed;
            }
            chunk.copy_from = chunk.at + 1;
        }
        if self.record.is_none() && self.depth < self.container.item_depth() {
            // The record array closed; what follows (the wrapper's `}`) is at the top level.
            self.container = Container::TopLevel;
        }
        Flow::Next
    }

    /// Emits the open record, which ends at the current byte; switches to [`LineRecords`] once a record
    /// proves to fill its line.
    fn end_record(&mut self, chunk: &Chunk<'_>, position: &mut Position<'_>, sink: &mut Sink<'_>) -> Flow {
        let Some(mut record) = self.record.take() else { return Flow::Next };
        record.append(chunk.bytes.get(chunk.copy_from..=chunk.at).unwrap_or_default());
        let alone_on_line =
            record.at_line_start && record.line == *position.line && self.container == Container::TopLevel;
        Self::emit_record(record, self.container, sink);
        let after = chunk.bytes.get(chunk.at + 1);
        // Whether a line break follows may only be known from the next chunk: decide there, so that every
        // chunking reads the input the same way.
        self.line_check = alone_on_line && after.is_none();
        if alone_on_line && matches!(after, Some(b'\n' | b'\r')) {
            // One record per line (storage `PT1H.json`, legacy exports): from here on, lines are split with a
            // fast newline search.
            let mut lines = LineRecords::default();
            lines.feed(chunk.bytes.get(chunk.at + 1..).unwrap_or_default(), position.reborrow(), sink);
            self.lines = Some(lines);
            return Flow::Handed;
        }
        Flow::Next
    }

    /// Any other byte outside strings: not JSON at the top level; a scalar where a record array expects an
    /// object (reported once per scalar).
    fn scalar_byte(&mut self, byte: u8, line: u64, sink: &mut Sink<'_>) {
        if self.record.is_some() {
            return;
        }
        if self.depth == 0 {
            self.start_garbage(line, SkipReason::NotJson, byte);
        } else if self.depth == self.container.item_depth() && !std::mem::replace(&mut self.in_scalar, true) {
            sink.skipped(line, SkipReason::NotAnObject, &[byte]);
        }
    }

    fn record_depth(&self) -> usize {
        self.record.as_ref().map_or(0, |r| r.depth)
    }

    fn emit_record(record: OpenRecord, container: Container, sink: &mut Sink<'_>) {
        if record.too_large {
            sink.skipped(record.line, SkipReason::TooLarge, &record.bytes);
        } else {
            sink.json_record(record.line, &record.bytes, container);
        }
    }

    /// Reports the open record as skipped; `pending` is its part of the current chunk not yet copied.
    fn abandon_record(&mut self, sink: &mut Sink<'_>, reason: SkipReason, pending: &[u8]) {
        if let Some(mut record) = self.record.take() {
            record.append(pending);
            sink.skipped(record.line, reason, &record.bytes);
            self.depth = record.depth;
        } else {
            self.depth = self.depth.min(self.container.item_depth());
        }
    }

    fn start_garbage(&mut self, line: u64, reason: SkipReason, byte: u8) {
        self.garbage = Some((line, reason, vec![byte]));
    }

    fn flush_garbage(&mut self, sink: &mut Sink<'_>) {
        if let Some((line, reason, excerpt)) = self.garbage.take() {
            sink.skipped(line, reason, &excerpt);
        }
    }

    fn finish(&mut self, sink: &mut Sink<'_>) {
        if let Some(lines) = &mut self.lines {
            return lines.finish(sink);
        }
        self.flush_garbage(sink);
        if let Some(record) = self.record.take() {
            let reason = if record.too_large { SkipReason::TooLarge } else { SkipReason::MalformedJson };
            sink.skipped(record.line, reason, &record.bytes);
        }
    }
}

/// JSON records one per line: each line is one record, found with a fast newline search.
#[derive(Debug, Default)]
struct LineRecords {
    /// The start of a line whose end has not arrived yet.
    partial: Vec<u8>,
    /// The line `partial` started on.
    partial_line: u64,
    too_large: bool,
}

impl LineRecords {
    fn feed(&mut self, bytes: &[u8], position: Position<'_>, sink: &mut Sink<'_>) {
        let mut rest = bytes;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            let line = rest.get(..end).unwrap_or_default();
            if self.partial.is_empty() && !self.too_large {
                Self::line(line, *position.line, sink);
            } else {
                self.extend(line, *position.line);
                self.flush(sink);
            }
            *position.line += 1;
            rest = rest.get(end + 1..).unwrap_or_default();
        }
        *position.line_start = rest.is_empty();
        self.extend(rest, *position.line);
    }

    fn extend(&mut self, bytes: &[u8], line: u64) {
        if self.partial.is_empty() {
            self.partial_line = line;
        }
        if self.partial.len() + bytes.len() > MAX_RECORD_BYTES {
            self.too_large = true;
            self.partial.truncate(EXCERPT_LEN);
        } else if !self.too_large {
            self.partial.extend_from_slice(bytes);
        }
    }

    fn flush(&mut self, sink: &mut Sink<'_>) {
        let partial = std::mem::take(&mut self.partial);
        if std::mem::take(&mut self.too_large) {
            sink.skipped(self.partial_line, SkipReason::TooLarge, &partial);
        } else {
            Self::line(&partial, self.partial_line, sink);
        }
    }

    fn line(bytes: &[u8], line: u64, sink: &mut Sink<'_>) {
        let trimmed = bytes.trim_ascii();
        match (trimmed.first(), trimmed.last()) {
            (None, _) => {}
            (Some(b'{'), Some(b'}')) => sink.json_record(line, trimmed, Container::TopLevel),
            (Some(b'{'), _) => sink.skipped(line, SkipReason::MalformedJson, trimmed),
            _ => sink.skipped(line, SkipReason::NotJson, trimmed),
        }
    }

    fn finish(&mut self, sink: &mut Sink<'_>) {
        if !self.partial.is_empty() || self.too_large {
            self.flush(sink);
        }
    }
}

/// The end of the object opening at `start` when it closes within `bytes`, on the same line and within
/// [`MAX_RECORD_BYTES`].
fn element_end_on_line(bytes: &[u8], start: usize) -> Option<usize> {
    crate::json::object_end(bytes, start).filter(|&end| {
        end - start <= MAX_RECORD_BYTES
            && bytes.get(start..end).is_some_and(|record| memchr::memchr(b'\n', record).is_none())
    })
}

/// True when `bytes` (the start of a top-level object) ends with `"records"` and a colon.
fn ends_with_records_key(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end();
    let Some(before_colon) = text.strip_suffix(':') else { return false };
    before_colon.trim_end().ends_with("\"records\"")
}

#[derive(Debug, Default)]
struct CsvState {
    /// The header's columns, once the header row was read.
    columns: Option<Vec<CsvColumn>>,
    /// The row being gathered (its buffer reused from row to row).
    row: Vec<u8>,
    row_line: u64,
    in_quotes: bool,
    too_large: bool,
}

impl CsvState {
    /// A header row of an `AzureDiagnostics` export.
    fn looks_like_header(line: &str) -> bool {
        let line = line.as_bytes();
        line.contains(&b',')
            && [b"OperationName".as_slice(), b"properties_s", b"TimeGenerated", b"ResultType"]
                .iter()
                .any(|name| line.windows(name.len()).any(|window| window == *name))
    }

    fn feed(&mut self, bytes: &[u8], position: Position<'_>, sink: &mut Sink<'_>) {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.row.is_empty() && !self.too_large {
                self.row_line = *position.line;
            }
            // A line at a time: an odd number of quotes on it flips whether its line break is inside a cell.
            let line_end = memchr::memchr(b'\n', rest);
            let segment = rest.get(..line_end.unwrap_or(rest.len())).unwrap_or_default();
            if count_quotes(segment) % 2 == 1 {
                self.in_quotes = !self.in_quotes;
            }
            if !segment.is_empty() {
                self.append(segment);
                *position.line_start = false;
            }
            let Some(at) = line_end else { break };
            *position.line += 1;
            *position.line_start = true;
            if !self.in_quotes {
                self.end_row(sink);
            } else if *position.line - self.row_line > MAX_CSV_ROW_LINES {
                // An unclosed quote: give the row up and read on from the next line.
                sink.skipped(self.row_line, SkipReason::MalformedCsv, &self.row);
                self.row.clear();
                self.in_quotes = false;
                self.too_large = false;
            } else {
                self.append(b"\n");
            }
            rest = rest.get(at + 1..).unwrap_or_default();
        }
    }

    /// Adds bytes to the row, up to [`MAX_RECORD_BYTES`]; beyond, the row is marked too large.
    fn append(&mut self, bytes: &[u8]) {
        let room = MAX_RECORD_BYTES.saturating_sub(self.row.len());
        if bytes.len() > room {
            self.too_large = true;
        }
        self.row.extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
    }

    fn end_row(&mut self, sink: &mut Sink<'_>) {
        if std::mem::take(&mut self.too_large) {
            sink.skipped(self.row_line, SkipReason::TooLarge, &self.row);
            self.row.clear();
            return;
        }
        // Validation alone is much cheaper than the lossy conversion, which only broken rows need.
        let text = match std::str::from_utf8(&self.row) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&self.row),
        };
        let text = text.trim_end_matches('\r');
        if !text.trim().is_empty() {
            let cells = split_csv(text, self.columns.as_ref().map_or(0, Vec::len));
            match &self.columns {
                None => {
                    self.columns = Some(cells.iter().map(|name| CsvColumn::of(name.trim())).collect());
                }
                Some(columns) if columns.len() == cells.len() => {
                    sink.csv_record(self.row_line, columns, &cells, &self.row)
                }
                Some(_) => sink.skipped(self.row_line, SkipReason::MalformedCsv, &self.row),
            }
        }
        self.row.clear();
    }

    fn finish(&mut self, sink: &mut Sink<'_>) {
        if self.in_quotes {
            sink.skipped(self.row_line, SkipReason::MalformedCsv, &self.row);
            self.row.clear();
        } else {
            self.end_row(sink);
        }
    }
}

/// The number of `"` in `bytes` (memchr counts with vector instructions).
fn count_quotes(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'"', bytes).count()
}

/// Splits one CSV row (RFC 4180: quoted cells, doubled quotes; a quote anywhere toggles quoting). Cells are
/// borrowed from the row unless they hold a doubled quote or quoted and unquoted parts.
fn split_csv(row: &str, expected_cells: usize) -> Vec<Cow<'_, str>> {
    let bytes = row.as_bytes();
    let mut cells = Vec::with_capacity(expected_cells);
    let mut cell: Cow<'_, str> = Cow::Borrowed("");
    // Start of the text not yet added to `cell`.
    let mut run = 0;
    let mut in_quotes = false;
    let mut pos = 0;
    loop {
        let rest = bytes.get(pos..).unwrap_or_default();
        let found = if in_quotes { memchr::memchr(b'"', rest) } else { memchr::memchr2(b'"', b',', rest) };
        let Some(offset) = found else { break };
        pos += offset;
        if bytes.get(pos) == Some(&b',') {
            push_run(&mut cell, row.get(run..pos).unwrap_or_default());
            cells.push(std::mem::replace(&mut cell, Cow::Borrowed("")));
            run = pos + 1;
        } else if in_quotes && bytes.get(pos + 1) == Some(&b'"') {
            // A doubled quote inside quotes is one literal quote: keep the first, drop the second.
            push_run(&mut cell, row.get(run..pos + 1).unwrap_or_default());
            run = pos + 2;
            pos += 1;
        } else {
            push_run(&mut cell, row.get(run..pos).unwrap_or_default());
            in_quotes = !in_quotes;
            run = pos + 1;
        }
        pos += 1;
    }
    push_run(&mut cell, row.get(run..).unwrap_or_default());
    cells.push(cell);
    cells
}

/// Appends a run of a cell's text, borrowing it when it is the cell's first.
fn push_run<'r>(cell: &mut Cow<'r, str>, run: &'r str) {
    if run.is_empty() {
        return;
    }
    if cell.is_empty() {
        *cell = Cow::Borrowed(run);
    } else {
        cell.to_mut().push_str(run);
    }
}

/// Reports every line of an unrecognised input as skipped.
#[derive(Debug)]
struct LineSkipper {
    reason: SkipReason,
    current: Option<(u64, Vec<u8>)>,
}

impl LineSkipper {
    fn new(reason: SkipReason) -> LineSkipper {
        LineSkipper { reason, current: None }
    }

    fn feed(&mut self, bytes: &[u8], position: Position<'_>, sink: &mut Sink<'_>) {
        for &byte in bytes {
            *position.line_start = byte == b'\n';
            if byte == b'\n' {
                *position.line += 1;
                self.flush(sink);
                continue;
            }
            let (_, excerpt) = self.current.get_or_insert_with(|| (*position.line, Vec::new()));
            if excerpt.len() < EXCERPT_LEN {
                excerpt.push(byte);
            }
        }
    }

    fn flush(&mut self, sink: &mut Sink<'_>) {
        if let Some((line, excerpt)) = self.current.take() {
            if !excerpt.iter().all(u8::is_ascii_whitespace) {
                sink.skipped(line, self.reason, &excerpt);
            }
        }
    }

    fn finish(&mut self, sink: &mut Sink<'_>) {
        self.flush(sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::read_text;

    fn counts(text: &str) -> (usize, Vec<(u64, SkipReason)>) {
        let items = read_text(text);
        let records = items.iter().filter(|i| matches!(i, ReadItem::Record(_))).count();
        let skipped = items
            .iter()
            .filter_map(|i| match i {
                ReadItem::Skipped(s) => Some((s.line, s.reason)),
                ReadItem::Record(_) => None,
            })
            .collect();
        (records, skipped)
    }

    const REC: &str = r#"{"time":"2024-05-14T08:00:05Z","operationName":"deviceConnect","category":"Connections","level":"Information","properties":"{\"deviceId\":\"d1\"}"}"#;

    #[test]
    fn splits_json_lines_wrappers_and_arrays_alike() {
        let lines = format!("{REC}\n{REC}\n");
        assert_eq!(counts(&lines), (2, vec![]));
        let wrapper = format!("{{\"records\":[\n{REC},\n{REC}\n]}}\n{{\"records\":[{REC}]}}");
        assert_eq!(counts(&wrapper), (3, vec![]));
        let array = format!("[\n  {REC},\n  {REC}\n]");
        assert_eq!(counts(&array), (2, vec![]));
    }

    #[test]
    fn any_chunking_gives_the_same_records() {
        // Found by the log_decoder fuzz target: a record cut off mid-chunk lost its excerpt in one-chunk reads.
        let cut = &REC[..50];
        let text =
            format!("[{REC},\n{cut}\n{REC}]\n{{\"records\":[\n{REC},\n{REC}\n]}}\n{REC}\n{cut}\n{REC}\n");
        let whole = read_text(&text);
        for size in [1, 2, 3, 7, 64] {
            let mut items = Vec::new();
            let mut decoder = LogDecoder::new();
            for chunk in text.as_bytes().chunks(size) {
                decoder.push(chunk, &mut |item| items.push(item));
            }
            decoder.finish(&mut |item| items.push(item));
            assert_eq!(items, whole, "chunk size {size}");
        }
    }

    #[test]
    fn a_broken_line_is_reported_and_the_next_record_still_read() {
        let cut = &REC[..60];
        let text = format!("{REC}\n{cut}\n{REC}\nnot json at all\n{REC}\n");
        let (records, skipped) = counts(&text);
        assert_eq!(records, 3);
        assert_eq!(skipped, vec![(2, SkipReason::MalformedJson), (4, SkipReason::NotJson)]);
        let unbalanced = format!("{REC}\n{{\"a\":{{\"b\":1}}\n{REC}\n");
        assert_eq!(counts(&unbalanced), (2, vec![(2, SkipReason::MalformedJson)]));
    }

    #[test]
    fn truncated_input_and_non_records_are_counted() {
        assert_eq!(counts(&REC[..40]), (0, vec![(1, SkipReason::MalformedJson)]));
        assert_eq!(counts("[1, 2]"), (0, vec![(1, SkipReason::NotAnObject), (1, SkipReason::NotAnObject)]));
        let mixed = format!("[{REC}, 5, \"s\", {REC}]");
        assert_eq!(counts(&mixed), (2, vec![(1, SkipReason::NotAnObject), (1, SkipReason::NotAnObject)]));
        assert_eq!(counts("{\"hello\":1}"), (0, vec![(1, SkipReason::NotALogRecord)]));
        assert_eq!(
            counts("plain text\nmore text\n"),
            (0, vec![(1, SkipReason::UnknownFormat), (2, SkipReason::UnknownFormat)])
        );
        assert_eq!(counts(""), (0, vec![]));
    }

    #[test]
    fn broken_json_is_malformed_whatever_was_read_before_the_break() {
        // Broken records, each with a log record's fields before the break, and how to repair each.
        let cases = [
            (
                r#"{"operationName":"deviceConnect","category":"Connections" "level":"Error"}"#,
                "\" \"",
                "\",\"",
            ),
            (r#"{"operationName":"deviceConnect","category":"Connections",}"#, ",}", "}"),
            (r#"{"operationName":"deviceConnect","durationMs":01}"#, ":01", ":1"),
            (r#"{"operationName":"deviceConnect","durationMs":}"#, ":}", ":1}"),
            (r#"{"operationName":"deviceConnect","x":"a\q"}"#, "a\\q", "aq"),
            (
                r#"{"operationName":"deviceConnect","properties":"{\"deviceId\":\"d1\",\"x\":\"a\q\"}"}"#,
                "a\\q",
                "aq",
            ),
            (r#"{"operationName":"deviceConnect","x":[1,{"y":2,}]}"#, ",}", "}"),
            (r#"{"eventType":"Microsoft.Devices.DeviceConnected","data":{"deviceId":"d"},}"#, ",}", "}"),
            (
                r#"{"eventType":"Microsoft.Devices.DeviceConnected","data":{"deviceId" "d"}}"#,
                "\" \"",
                "\":\"",
            ),
        ];
        for (broken, bad, good) in cases {
            let fixed = broken.replace(bad, good);
            for (text, line) in [
                (format!("{REC}\n{broken}\n"), 2),
                (format!("[{REC},\n{broken}]"), 2),
                (format!("{{\"records\":[{broken}]}}"), 1),
            ] {
                assert_eq!(counts(&text).1, vec![(line, SkipReason::MalformedJson)], "{text}");
                assert_eq!(counts(&text.replace(bad, good)).1, vec![], "{fixed}");
            }
        }
        assert_eq!(counts(r#"{"a":[1,{"b":null}]}"#), (0, vec![(1, SkipReason::NotALogRecord)]));
    }

    #[test]
    fn csv_rows_are_read_by_header_name() {
        let text = "Level,OperationName,Category,TimeGenerated [UTC],properties_s,ResultType\n\
                    Error,deviceConnect,Connections,\"5/13/2024, 10:01:10.000 PM\",\"{\"\"deviceId\"\":\"\"gw\"\"}\",401003\n\
                    bad,row\n\
                    Error,deviceConnect,Connections,\"5/13/2024, 10:01:10.000 PM\",\"{\"\"deviceId\"\":\"\"gw\"\"}\",401003\n";
        let items = read_text(text);
        let ReadItem::Record(record) = &items[0] else { panic!("{items:?}") };
        assert_eq!((record.code, record.device_id.as_deref()), (Some(401003), Some("gw")));
        assert_eq!(counts(text), (2, vec![(3, SkipReason::MalformedCsv)]));
        let unclosed = "OperationName,properties_s\ndeviceConnect,\"{\n".to_owned() + &"x\n".repeat(200);
        let (records, skipped) = counts(&unclosed);
        assert_eq!(records, 0);
        assert!(skipped.iter().all(|(_, r)| *r == SkipReason::MalformedCsv) && !skipped.is_empty());
    }

    /// The obvious character-by-character reading of a CSV row, to check the fast one against.
    fn split_csv_reference(row: &str) -> Vec<String> {
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut in_quotes = false;
        let mut chars = row.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, in_quotes) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                ('"', _) => in_quotes = !in_quotes,
                (',', false) => cells.push(std::mem::take(&mut cell)),
                _ => cell.push(c),
            }
        }
        cells.push(cell);
        cells
    }

    #[test]
    fn csv_rows_end_only_at_line_breaks_outside_quotes() {
        // Cells holding line breaks, commas and doubled quotes (odd and even counts of quotes per line).
        let text = "OperationName,ResultDescription,properties_s,ResultType\n\
                    deviceConnect,plain,\"{\"\"deviceId\"\":\"\"a\"\"}\",401003\n\
                    deviceConnect,\"two\nlines, \"\"quoted\"\"\",\"{\"\"deviceId\"\":\"\"b\"\"}\",404104\n\
                    deviceConnect,\"\"\"\n\"\"\n\"\"\",\"{\"\"deviceId\"\":\"\"c\"\"}\",404104";
        for size in [1, 2, 3, 5, 64, text.len()] {
            let mut items = Vec::new();
            let mut decoder = LogDecoder::new();
            for chunk in text.as_bytes().chunks(size) {
                decoder.push(chunk, &mut |item| items.push(item));
            }
            decoder.finish(&mut |item| items.push(item));
            let rows: Vec<(u64, Option<&str>)> = items
                .iter()
                .map(|item| match item {
                    ReadItem::Record(record) => (record.source.line, record.device_id.as_deref()),
                    ReadItem::Skipped(skipped) => (skipped.line, None),
                })
                .collect();
            assert_eq!(rows, [(2, Some("a")), (3, Some("b")), (5, Some("c"))], "chunk size {size}");
        }
    }

    #[test]
    fn csv_cells_match_a_character_by_character_reading() {
        let mut rows: Vec<String> = [
            "",
            ",",
            "a,b,,c",
            r#""5/14/2024, 12:00:00.000 AM",x"#,
            r#""{""deviceId"":""d1""}",y"#,
            r#"ab"c,d"e,f"#,
            r#""""#,
            r#"""""#,
            r#""a""b"c,"#,
            r#""unclosed,cell"#,
            "é,\"ü,\"",
        ]
        .iter()
        .map(|row| row.to_string())
        .collect();
        // Rows drawn from the characters that matter, by a fixed linear congruential sequence.
        let mut state = 0x2545_f491_u64;
        for _ in 0..2000 {
            let mut row = String::new();
            for _ in 0..(state % 12) {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                row.push(['a', ',', '"', 'é', ' '][(state >> 33) as usize % 5]);
            }
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            rows.push(row);
        }
        for row in &rows {
            let fast: Vec<String> = split_csv(row, 0).into_iter().map(Cow::into_owned).collect();
            assert_eq!(fast, split_csv_reference(row), "{row:?}");
        }
    }
}
