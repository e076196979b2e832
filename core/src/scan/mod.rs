//! Finds IoT Hub errors in arbitrary text: logs, stack traces, HTTP dumps, pasted error bodies.
//!
//! [`scan`] makes one pass over the bytes. It splits the text into words (`[A-Za-z0-9_]+`) and looks only at
//! a few of them: six-digit numbers, and words that a bloom filter says may be a catalog name, an SDK
//! exception, a C SDK reason, an MQTT refusal, a keyword (`ErrorCode`, `resultType`, `status`, `HTTP`,
//! `CONNACK`, `amqp`, ...) or the first word of a service message. A `{` opening an error body is parsed
//! with the crate's JSON reader under a total budget proportional to the text, so the pass stays linear.
//! Evidence of one error that overlaps or sits next to other evidence of it is merged into one [`ScanFinding`];
//! the most specific evidence wins (a body over the exception class that carried it). Code-less evidence then gets
//! its most likely code, alternatives and basis from the rules of `evidence.rs`, judged by the text around it.

mod body;
mod evidence;
mod evidence_generated;
mod facts;
mod indexes;
mod patterns;
mod word_hash;

use serde::{Serialize, Serializer};

pub use body::{ErrorBody, parse_error_body};
use evidence::{Hint, Kind, Scope};
pub use facts::{ErrorFacts, ErrorLink, resolve_error};
pub use indexes::{StringIndexes, StringUnit};
use patterns::{Key, Target, Word};

use crate::catalog;
use crate::json::Value;
use crate::model::{Entry, ErrorClass};
use crate::time;

/// One IoT Hub (or Device Provisioning Service) error found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScanFinding {
    /// The catalog entry's six-digit code when known (alias codes give their entry's code: 404102 gives
    /// 404103); a well-formed but unlisted code as written; for code-less evidence (an exception class, a
    /// CONNACK refusal, an AMQP condition, a bare status) the most likely code by the rules of
    /// `core/data/evidence.tsv`; `None` for DPS errors, look-alikes and evidence no hub code stands for.
    pub code: Option<u32>,
    /// The catalog name when the error is a catalog entry.
    pub name: Option<&'static str>,
    /// The HTTP-status class: from the code, else from the status or the exception that was found.
    pub class: Option<ErrorClass>,
    /// Which service raised the error.
    pub service: Service,
    /// Byte offset where the evidence starts in the scanned text (on a character boundary).
    pub start: usize,
    /// Byte offset just after the evidence (on a character boundary, at most the text's length).
    pub end: usize,
    /// The strongest kind of evidence the finding rests on.
    pub evidence: Evidence,
    /// How sure the scanner is that this is the error it names, from 0.0 to 1.0 (two decimals in JSON). Below
    /// 0.85 when the code is inferred from code-less evidence rather than written in the text.
    #[serde(serialize_with = "two_decimals")]
    pub confidence: f32,
    /// The other codes the same evidence can mean, most likely first (empty when the code is written out).
    pub alternatives: Vec<Alternative>,
    /// One sentence: which evidence the finding rests on and which rule gave its code.
    pub basis: String,
    /// The hub's tracking id, from the body or next to the evidence, without its gateway and time stamp parts.
    pub tracking_id: Option<String>,
    /// The gateway part of the tracking id (`-G:3` gives `3`).
    pub gateway: Option<String>,
    /// When the error happened, as ISO 8601 UTC, from the body or the record around the evidence.
    pub timestamp: Option<String>,
    /// The device id named next to the evidence (`deviceId`).
    pub device_id: Option<String>,
    /// The error's message text when a body carries one; for DPS errors, a note saying so.
    pub message: Option<String>,
}

/// Another code the evidence of a finding can mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Alternative {
    /// The six-digit code.
    pub code: u32,
    /// Its catalog name.
    pub name: Option<&'static str>,
    /// How likely this code is, from 0.0 to 1.0 (two decimals in JSON).
    #[serde(serialize_with = "two_decimals")]
    pub confidence: f32,
}

/// Writes a confidence rounded to two decimals, without the noise of its `f32` form (0.85, not 0.8500000238).
fn two_decimals<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64((f64::from(*value) * 100.0).round() / 100.0)
}

named_enum! {
    /// The service an error comes from.
    pub enum Service {
        /// Azure IoT Hub: the catalog applies.
        IotHub = "IotHub",
        /// The Device Provisioning Service: its six-digit codes are not IoT Hub codes.
        Dps = "Dps",
    }
}

named_enum! {
    /// The kind of text a finding rests on.
    pub enum Evidence {
        /// A six-digit code with a word around it saying it is an error code (`error code 404001`).
        NumericCode = "numeric-code",
        /// An error name: `ErrorCode:DeviceNotFound;`, an `iothub-errorcode` header, or a catalog name alone.
        ErrorCodeName = "error-code-name",
        /// An `errorCode` member of a JSON error body (`{"errorCode":404103,...}`).
        JsonErrorCode = "json-error-code",
        /// An SDK exception or error class (`DeviceNotFoundException`, `ThrottlingError`, `CredentialError`).
        SdkException = "sdk-exception",
        /// An AMQP error condition (`amqp:unauthorized-access`, `com.microsoft:device-container-throttled`).
        AmqpCondition = "amqp-condition",
        /// An MQTT CONNACK refusal (`Connection Refused, not authorized`, `CONNACK return code 5`).
        MqttConnack = "mqtt-connack",
        /// A C SDK connection status reason (`IOTHUB_CLIENT_CONNECTION_EXPIRED_SAS_TOKEN`).
        CSdkReason = "c-sdk-reason",
        /// An HTTP status line or status code alone (`HTTP/1.1 429 Too Many Requests`, `(404) Not Found`).
        HttpStatus = "http-status",
        /// A service message text from the catalog (`Number of active file upload requests cannot exceed 10`).
        ServiceMessage = "service-message",
        /// An Azure Monitor field (`"resultType":"404104"`, a `ResultType` column next to its description).
        AzureMonitorField = "azure-monitor-field",
        /// A documentation link (`aka.ms/iothub404103`, `troubleshoot-error-codes#404103`).
        DocLink = "doc-link",
    }
}

/// Finds every IoT Hub error in `text`, in order of position.
///
/// Runs in time linear in the text and never panics. DPS errors are reported with [`Service::Dps`] and no
/// code. One error occurrence gives one finding even when several pieces of evidence describe it.
pub fn scan(text: &str) -> Vec<ScanFinding> {
    scan_with(text, true)
}

/// [`scan`], with tracking ids kept whole (`abc-G:0-TimeStamp:...`) when `split_tracking_ids` is false, as
/// [`parse_error_body`] reports them.
pub(crate) fn scan_with(text: &str, split_tracking_ids: bool) -> Vec<ScanFinding> {
    let mut scanner = Scanner::new(text);
    scanner.run();
    let Scanner { raws, markers, .. } = scanner;
    let merged = merge(text.as_bytes(), raws);
    finish(text, merged, &markers, split_tracking_ids)
}

/// Evidence before merging.
#[derive(Debug, Clone)]
struct Raw {
    start: usize,
    end: usize,
    evidence: Evidence,
    rank: u8,
    confidence: f32,
    code: Option<u32>,
    /// The number as written (for DPS messages).
    written: Option<u32>,
    name: Option<&'static str>,
    class: Option<ErrorClass>,
    message: Option<String>,
    tracking_id: Option<String>,
    timestamp: Option<String>,
    /// True for the head of an HTTP response (status line, `iothub-errorcode` header) still waiting for its
    /// body, which may follow a few lines later.
    head: bool,
    /// The code-less evidence, for the rules of [`evidence`].
    hint: Option<Hint>,
}

/// What a piece of evidence identifies.
#[derive(Debug, Clone, Copy, Default)]
struct Ident {
    code: Option<u32>,
    written: Option<u32>,
    name: Option<&'static str>,
    class: Option<ErrorClass>,
}

impl Ident {
    fn entry(entry: &'static Entry) -> Ident {
        Ident { code: entry.code, written: entry.code, name: Some(entry.name), class: Some(entry.class) }
    }

    /// A six-digit number: its entry, or the number with its class when it is well formed but unlisted.
    fn number(number: u32) -> Option<Ident> {
        well_formed(number)?;
        let ident = match catalog::find_code(number) {
            Some(entry) => Ident::entry(entry),
            None => Ident { code: Some(number), class: class_of_code(number), ..Ident::default() },
        };
        Some(Ident { written: Some(number), ..ident })
    }

    fn target(target: Target) -> Ident {
        match target {
            Target::Entry(name) => catalog::find_name(name).map(Ident::entry).unwrap_or_default(),
            Target::Class(class) => Ident { class: Some(class), ..Ident::default() },
            Target::Nothing => Ident::default(),
        }
    }
}

fn class_of_code(code: u32) -> Option<ErrorClass> {
    u16::try_from(code / 1000).ok().and_then(ErrorClass::from_status)
}

/// The class of a well-formed code: six digits starting with an HTTP status IoT Hub uses (no allocation,
/// unlike `classify::check_code`, whose error carries the input).
pub(crate) fn well_formed(code: u32) -> Option<ErrorClass> {
    (100_000..=999_999).contains(&code).then(|| class_of_code(code)).flatten()
}

/// Largest text a `{` may start an error body in.
const BODY_WINDOW: usize = 64 * 1024;

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    tables: &'static patterns::Tables,
    raws: Vec<Raw>,
    /// Context words (`deviceId`, `"time"`, `Tracking ID`, `trackingId`, DPS markers) by position.
    markers: Vec<(usize, Key)>,
    /// The last word holding a letter: its span.
    prev_word: Option<(usize, usize)>,
    /// Bytes the JSON reader may still look at (keeps bodies from making the scan quadratic).
    budget: usize,
}

// Byte classes, one bit each above BRACE so that OR-ing the classes of a word tells what it holds.
const SEP: u8 = 0;
const BRACE: u8 = 1;
const DIGIT: u8 = 2;
const UNDERSCORE: u8 = 4;
const LETTER: u8 = 8;

/// The class of every byte. Built at compile time, so an index out of range would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
static CLASSES: [u8; 256] = {
    let mut table = [SEP; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() {
            table[b] = LETTER;
        } else if c.is_ascii_digit() {
            table[b] = DIGIT;
        }
        b += 1;
    }
    table[b'_' as usize] = UNDERSCORE;
    table[b'{' as usize] = BRACE;
    table
};

fn class_of(byte: u8) -> u8 {
    CLASSES.get(usize::from(byte)).copied().unwrap_or(SEP)
}

pub(crate) fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            tables: patterns::tables(),
            raws: Vec::new(),
            markers: Vec::new(),
            prev_word: None,
            budget: text.len().saturating_mul(2).saturating_add(BODY_WINDOW),
        }
    }

    fn byte(&self, pos: usize) -> u8 {
        self.bytes.get(pos).copied().unwrap_or(0)
    }

    fn before(&self, pos: usize) -> u8 {
        pos.checked_sub(1).map_or(0, |p| self.byte(p))
    }

    fn run(&mut self) {
        let bytes = self.bytes;
        let mut pos = 0;
        while let Some(&byte) = bytes.get(pos) {
            match class_of(byte) {
                SEP => pos += 1,
                BRACE => pos = self.on_brace(pos).unwrap_or(pos + 1),
                _ => {
                    // One word: find its end first.
                    let start = pos;
                    let mut classes = 0;
                    while let Some(&b) = bytes.get(pos) {
                        let class = class_of(b);
                        if class < DIGIT {
                            break;
                        }
                        classes |= class;
                        pos += 1;
                    }
                    let next = if classes == DIGIT {
                        self.on_number(start, pos)
                    } else {
                        let next = self.on_word(start, pos, classes & UNDERSCORE != 0);
                        self.prev_word = Some((start, pos));
                        next
                    };
                    pos = pos.max(next);
                }
            }
        }
    }

    fn push(&mut self, start: usize, end: usize, evidence: Evidence, confidence: f32, ident: Ident) {
        let rank = match evidence {
            Evidence::HttpStatus => 1,
            Evidence::SdkException
            | Evidence::AmqpCondition
            | Evidence::MqttConnack
            | Evidence::CSdkReason => 2,
            Evidence::DocLink => 3,
            Evidence::NumericCode | Evidence::ServiceMessage => 4,
            Evidence::ErrorCodeName if confidence < 0.9 => 3,
            Evidence::ErrorCodeName | Evidence::JsonErrorCode | Evidence::AzureMonitorField => 5,
        };
        self.raws.push(Raw {
            start,
            end: end.min(self.bytes.len()),
            evidence,
            rank,
            confidence,
            code: ident.code,
            written: ident.written,
            name: ident.name,
            class: ident.class,
            message: None,
            tracking_id: None,
            timestamp: None,
            head: false,
            hint: None,
        });
    }

    /// Records the code-less evidence of the last piece of evidence pushed.
    fn set_hint(&mut self, kind: Kind, start: usize, end: usize) {
        let written = self.text.get(start..end).unwrap_or_default().to_owned();
        if let Some(last) = self.raws.last_mut() {
            last.hint = Some(Hint { kind, written, scope: None });
        }
    }

    fn set_message(&mut self, message: Option<String>) {
        if let Some(last) = self.raws.last_mut() {
            last.message = message.filter(|m| !m.is_empty());
        }
    }

    /// Skips up to `max` bytes matching `accept`.
    fn skip(&self, mut pos: usize, max: usize, accept: impl Fn(u8) -> bool) -> usize {
        let limit = pos + max;
        while pos < limit && self.bytes.get(pos).is_some_and(|&b| accept(b)) {
            pos += 1;
        }
        pos
    }

    /// The end of the word starting at `pos` (at most `max` bytes).
    fn word_end(&self, pos: usize, max: usize) -> usize {
        self.skip(pos, max, is_word_byte)
    }

    fn starts_with_ci(&self, pos: usize, needle: &str) -> bool {
        self.bytes.get(pos..pos + needle.len()).is_some_and(|b| b.eq_ignore_ascii_case(needle.as_bytes()))
    }

    /// The text between `start` and the first of `stops` (at most `max` bytes), trimmed.
    fn text_until(&self, start: usize, max: usize, stops: &[u8]) -> Option<String> {
        let end = self.skip(start, max, |b| !stops.contains(&b));
        let text = self.bytes.get(start..end).map(String::from_utf8_lossy)?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// A word holding a letter: only words the pattern tables could hold are hashed, and only those that the
    /// bloom filter lets through are normalized and looked up.
    fn on_word(&mut self, start: usize, end: usize, underscores: bool) -> usize {
        let Some(word) = self.bytes.get(start..end) else { return end };
        if word.len() == 12 && word.get(..6).is_some_and(|w| w.eq_ignore_ascii_case(b"iothub")) {
            return self.on_doc_link(start, end);
        }
        if word.len() < 3 || word.len() > patterns::MAX_WORD {
            return end;
        }
        let mut buffer = [0u8; patterns::MAX_WORD];
        let hash = if underscores {
            patterns::hash(patterns::normalize_into(word, &mut buffer))
        } else {
            word_hash::hash(word)
        };
        if !self.tables.may_contain(hash) {
            return end;
        }
        let normalized = patterns::normalize_into(word, &mut buffer);
        match self.tables.word(hash, normalized) {
            Some(Word::Sdk(target)) => {
                let ident = Ident::target(target);
                let confidence = if ident.code.is_some() { 0.7 } else { 0.6 };
                self.push(self.namespace_start(start), end, Evidence::SdkException, confidence, ident);
                self.set_hint(Kind::Sdk, start, end);
                end
            }
            Some(Word::CReason(target)) => {
                self.push(start, end, Evidence::CSdkReason, 0.7, Ident::target(target));
                self.set_hint(Kind::CReason, start, end);
                end
            }
            Some(Word::Throttled) => {
                self.push(
                    start,
                    end,
                    Evidence::HttpStatus,
                    0.5,
                    Ident { class: Some(ErrorClass::TooManyRequests), ..Ident::default() },
                );
                self.set_hint(Kind::Word, start, end);
                end
            }
            Some(Word::Mqtt(code)) => {
                self.push_mqtt(start, end, code);
                end
            }
            Some(Word::MessageStart) => self.on_message(start, end, hash),
            Some(Word::Key(key)) => self.on_key(key, start, end),
            None => {
                let Some(entry) = self.text.get(start..end).and_then(catalog::find_name) else { return end };
                let lower = normalized;
                let canonical =
                    entry.name.len() == word.len() && entry.name.as_bytes().eq_ignore_ascii_case(word);
                // A class name: an alias (`DeviceNotFoundError`) or a catalog name inside a namespace
                // (`Microsoft.Azure.Devices.Common.Exceptions.ThrottlingException`).
                let class_name = !canonical || self.before(start) == b'.';
                if class_name && (lower.ends_with(b"exception") || lower.ends_with(b"error")) {
                    self.push(
                        self.namespace_start(start),
                        end,
                        Evidence::SdkException,
                        0.7,
                        Ident::entry(entry),
                    );
                    self.set_hint(Kind::Sdk, start, end);
                } else {
                    let confidence = if entry.code.is_some() { 0.8 } else { 0.6 };
                    self.push(start, end, Evidence::ErrorCodeName, confidence, Ident::entry(entry));
                }
                end
            }
        }
    }

    /// Extends a class name left over its namespace (`Microsoft.Azure.Devices.Common.Exceptions.`).
    fn namespace_start(&self, start: usize) -> usize {
        let mut pos = start;
        while pos > 0 && start - pos < 200 && self.before(pos) == b'.' && is_word_byte(self.before(pos - 1)) {
            pos -= 1;
            while pos > 0 && start - pos < 200 && is_word_byte(self.before(pos)) {
                pos -= 1;
            }
        }
        pos
    }

    fn push_mqtt(&mut self, start: usize, end: usize, code: u8) {
        let ident = Ident { class: patterns::mqtt_class(code), ..Ident::default() };
        self.push(start, end, Evidence::MqttConnack, 0.85, ident);
        self.set_message(Some(format!("MQTT CONNACK return code {code}")));
        if let Some(last) = self.raws.last_mut() {
            last.hint = Some(Hint { kind: Kind::Mqtt, written: code.to_string(), scope: None });
        }
    }

    /// `aka.ms/iothub404103`.
    fn on_doc_link(&mut self, start: usize, end: usize) -> usize {
        let linked = start >= 7 && self.starts_with_ci(start - 7, "aka.ms/");
        let number = self.text.get(start + 6..end).and_then(|digits| digits.parse::<u32>().ok());
        if let (true, Some(ident)) = (linked, number.and_then(Ident::number)) {
            self.push(start - 7, end, Evidence::DocLink, 0.75, ident);
        }
        end
    }

    fn on_key(&mut self, key: Key, start: usize, end: usize) -> usize {
        match key {
            // Pushed by the scanner for the DPS host, never read from the word tables.
            Key::DpsHost => end,
            Key::ErrorCode => self.on_error_code(start, end),
            Key::ResultType => self.on_result_type(start, end),
            Key::Status => self.on_status(start, end),
            Key::Http => self.on_http(start, end),
            Key::Connack => self.on_connack(start, end),
            Key::Refused => self.on_refused(start, end),
            Key::Amqp => self.on_amqp(start, end),
            Key::Microsoft if start >= 4 && self.starts_with_ci(start - 4, "com.") => {
                self.on_amqp(start - 4, end)
            }
            Key::Microsoft => end,
            Key::Tracking => {
                let id = self.skip(end, 1, |b| b == b' ');
                let colon = self.skip(id + 2, 1, |b| b == b' ');
                if self.starts_with_ci(id, "id") && self.byte(colon) == b':' {
                    self.markers.push((start, Key::Tracking));
                }
                end
            }
            Key::TrackingId | Key::DeviceId => {
                self.markers.push((start, key));
                end
            }
            Key::Time => {
                let quoted = matches!(self.before(start), b'"' | b'\'');
                let colon = self.skip(end, 3, |b| matches!(b, b'"' | b'\'' | b'\\'));
                if quoted && self.byte(colon) == b':' {
                    self.markers.push((start, key));
                }
                end
            }
            Key::Dps => {
                let exact_dps = end - start != 3 || self.bytes.get(start..end) == Some(b"DPS");
                if exact_dps {
                    self.markers.push((start, Key::Dps));
                }
                end
            }
            Key::Registration => {
                let next = self.skip(end, 1, |b| b == b' ');
                if self.starts_with_ci(next, "status") || self.starts_with_ci(next, "state") {
                    self.markers.push((start, Key::Dps));
                }
                end
            }
            Key::Returned => self.on_returned(end),
            Key::Invalid => self.on_invalid(start, end),
            Key::Connect => self.on_connect(start, end),
            Key::Failed => self.on_failed(start, end),
            Key::Accepted => self.on_not_accepted(start, end),
            Key::Authorized => {
                // `Not authorized to connect` (Paho Java's message for CONNACK 5, `org.eclipse.paho.client.mqttv3/
                // src/main/resources/org/eclipse/paho/client/mqttv3/internal/nls/messages.properties`).
                let not = start >= 4 && self.starts_with_ci(start - 4, "not ");
                if not && self.starts_with_ci(end, " to connect") {
                    self.push_mqtt(start - 4, end + " to connect".len(), 5);
                }
                end
            }
            Key::Provisioning => {
                let next = self.skip(end, 1, |b| b == b' ' || b == b'.');
                let host = (start >= 8 && self.starts_with_ci(start - 8, "devices-"))
                    || (start >= 7 && self.starts_with_ci(start - 7, "device."));
                if host {
                    self.markers.push((start, Key::DpsHost));
                } else if self.starts_with_ci(next, "service") || self.starts_with_ci(next, "net") {
                    self.markers.push((start, Key::Dps));
                }
                end
            }
        }
    }

    /// The position of a key's value: after quotes, one `:` or `=` and white space. `None` without a separator.
    fn value_start(&self, end: usize) -> Option<usize> {
        let pos = self.skip(end, 3, |b| matches!(b, b'"' | b'\'' | b'\\'));
        let pos = self.skip(pos, 2, |b| b == b' ' || b == b'\t');
        if !matches!(self.byte(pos), b':' | b'=') {
            return None;
        }
        Some(self.skip(pos + 1, 6, |b| matches!(b, b' ' | b'\t' | b'"' | b'\'' | b'\\')))
    }

    /// `ErrorCode:Name;message`, `ErrorCode: Name`, `"errorCode":404103`, `iothub-errorcode: Name`.
    fn on_error_code(&mut self, start: usize, end: usize) -> usize {
        let Some(value) = self.value_start(end) else { return end };
        let value_end = self.word_end(value, 80);
        let Some(written) = self.text.get(value..value_end).filter(|v| !v.is_empty()) else { return end };
        let quote = self.before(start);
        let quoted_key = matches!(quote, b'"' | b'\'') || self.before(start) == b'\\';
        if written.bytes().all(|b| b.is_ascii_digit()) {
            let Some(ident) = written.parse().ok().filter(|_| written.len() == 6).and_then(Ident::number)
            else {
                return value_end;
            };
            let evidence = if quoted_key {
                Evidence::JsonErrorCode
            } else if self.byte(end) == b':' {
                Evidence::ErrorCodeName
            } else {
                Evidence::NumericCode
            };
            self.push(start, value_end, evidence, 0.95, ident);
        } else {
            let entry = catalog::find_name(written);
            if entry.is_none() && self.byte(value_end) != b';' {
                return end;
            }
            let (ident, confidence) = entry.map_or((Ident::default(), 0.5), |e| (Ident::entry(e), 0.95));
            self.push(start, value_end, Evidence::ErrorCodeName, confidence, ident);
        }
        if start >= 7 && self.starts_with_ci(start - 7, "iothub-") {
            self.mark_head();
        }
        if self.byte(value_end) == b';' {
            let stops: &[u8] = match quote {
                b'\'' => b"'\r\n",
                b'"' | b'\\' => b"\"\\\r\n",
                _ => b"\"\r\n",
            };
            let message = self.text_until(value_end + 1, 400, stops);
            let message = message.map(|m| match find_ci(&m, "tracking id") {
                Some(at) => m.get(..at).unwrap_or_default().trim().to_owned(),
                None => m,
            });
            self.set_message(message);
        }
        value_end
    }

    /// `"resultType":"404104"`, `ResultType=404104`.
    fn on_result_type(&mut self, start: usize, end: usize) -> usize {
        let Some(value) = self.value_start(end) else { return end };
        let value_end = self.word_end(value, 16);
        let number = self.text.get(value..value_end).filter(|v| v.len() == 6).and_then(|v| v.parse().ok());
        match number.and_then(Ident::number) {
            Some(ident) => {
                self.push(start, value_end, Evidence::AzureMonitorField, 0.95, ident);
                value_end
            }
            None => end,
        }
    }

    /// `Status code: 404`, `StatusCode=429`, `"statusCode":"404"`, `status code does not indicate success: 404`,
    /// `server reply code is 401`.
    fn on_status(&mut self, start: usize, end: usize) -> usize {
        let mut pos = end;
        let code = self.skip(pos, 2, |b| b == b' ' || b == b'_');
        if self.starts_with_ci(code, "code") && !is_word_byte(self.byte(code + 4)) {
            pos = code + 4;
        }
        // `server reply code is 401` (the C SDK's HTTP layer).
        let is = self.skip(pos, 1, |b| b == b' ');
        if self.starts_with_ci(is, "is") && !is_word_byte(self.byte(is + 2)) {
            pos = is + 2;
        }
        let phrase = self.skip(pos, 1, |b| b == b' ');
        if self.starts_with_ci(phrase, "does not indicate success") {
            pos = phrase + "does not indicate success".len();
        }
        let value =
            self.skip(pos, 8, |b| matches!(b, b' ' | b'\t' | b'"' | b'\'' | b'\\' | b':' | b'=' | b'('));
        if value == pos && pos == end && self.byte(pos) != b' ' {
            return end;
        }
        let name_end = self.skip(value, 24, |b| b.is_ascii_uppercase() || b == b'_');
        if name_end > value && !is_word_byte(self.byte(name_end)) {
            return self.on_java_status(start, value, name_end).unwrap_or(end);
        }
        let value_end = self.skip(value, 7, |b| b.is_ascii_digit());
        if is_word_byte(self.byte(value_end)) {
            return end;
        }
        let Some(number) = self.text.get(value..value_end).and_then(|v| v.parse::<u32>().ok()) else {
            return end;
        };
        match value_end - value {
            3 => match u16::try_from(number).ok().and_then(ErrorClass::from_status) {
                Some(class) => {
                    let ident = Ident { class: Some(class), ..Ident::default() };
                    self.push(start, value_end, Evidence::HttpStatus, 0.5, ident);
                    self.set_hint(Kind::Http, value, value_end);
                    value_end
                }
                None => end,
            },
            6 => match Ident::number(number) {
                Some(ident) => {
                    self.push(start, value_end, Evidence::NumericCode, 0.85, ident);
                    value_end
                }
                None => end,
            },
            _ => end,
        }
    }

    /// `with status UNAUTHORIZED`: a Java device SDK status name, read as its HTTP status on a device connection
    /// (the enum exists only in the device SDK).
    fn on_java_status(&mut self, start: usize, value: usize, value_end: usize) -> Option<usize> {
        let status = patterns::java_device_status(self.bytes.get(value..value_end)?)?;
        let class = ErrorClass::from_status(status)?;
        self.push(
            start,
            value_end,
            Evidence::HttpStatus,
            0.5,
            Ident { class: Some(class), ..Ident::default() },
        );
        if let Some(last) = self.raws.last_mut() {
            last.hint =
                Some(Hint { kind: Kind::Http, written: status.to_string(), scope: Some(Scope::Device) });
        }
        Some(value_end)
    }

    /// `HTTP/1.1 429 Too Many Requests`, `HTTP 404`.
    fn on_http(&mut self, start: usize, end: usize) -> usize {
        let mut pos = end;
        if self.byte(pos) == b'/' {
            pos = self.skip(pos + 1, 4, |b| b.is_ascii_digit() || b == b'.');
        }
        if self.byte(pos) != b' ' {
            return end;
        }
        let value = pos + 1;
        let value_end = self.skip(value, 4, |b| b.is_ascii_digit());
        let status =
            self.text.get(value..value_end).filter(|v| v.len() == 3).and_then(|v| v.parse::<u16>().ok());
        let Some(class) =
            status.filter(|_| !is_word_byte(self.byte(value_end))).and_then(ErrorClass::from_status)
        else {
            return end;
        };
        let reason_end = self.skip(value_end, 40, |b| b.is_ascii_alphabetic() || b == b' ');
        let reason_end =
            value_end + self.bytes.get(value_end..reason_end).map_or(0, |r| r.trim_ascii_end().len());
        self.push(
            start,
            reason_end,
            Evidence::HttpStatus,
            0.6,
            Ident { class: Some(class), ..Ident::default() },
        );
        self.set_hint(Kind::Http, value, value_end);
        self.mark_head();
        reason_end
    }

    /// `operation returned: 404`, `returned status 404` (the status the Python device SDK puts in its texts).
    fn on_returned(&mut self, end: usize) -> usize {
        let mut pos = self.skip(end, 2, |b| b == b':' || b == b' ');
        if self.starts_with_ci(pos, "status") {
            pos = self.skip(pos + "status".len(), 2, |b| b == b' ' || b == b':');
        }
        let value_end = self.skip(pos, 4, |b| b.is_ascii_digit());
        let status =
            self.text.get(pos..value_end).filter(|v| v.len() == 3).and_then(|v| v.parse::<u16>().ok());
        match status.filter(|_| !is_word_byte(self.byte(value_end))).and_then(ErrorClass::from_status) {
            Some(class) => {
                self.push(
                    pos,
                    value_end,
                    Evidence::HttpStatus,
                    0.5,
                    Ident { class: Some(class), ..Ident::default() },
                );
                self.set_hint(Kind::Http, pos, value_end);
                value_end
            }
            None => end,
        }
    }

    /// `invalid status code 'Unauthorized'` (msrest's `HttpOperationError`, raised by the Python service SDK
    /// azure-iot-hub and unpacked by azure-iot-cli-extension `azext_iot/common/utility.py`).
    fn on_invalid(&mut self, start: usize, end: usize) -> usize {
        let phrase = " status code '";
        if !self.starts_with_ci(end, phrase) {
            return end;
        }
        let reason = end + phrase.len();
        let reason_end = self.skip(reason, 40, |b| b != b'\'' && b != b'\n');
        let Some(status) = self.text.get(reason..reason_end).and_then(patterns::status_of_reason) else {
            return end;
        };
        let Some(class) = ErrorClass::from_status(status) else { return end };
        self.push(
            start,
            reason_end + 1,
            Evidence::HttpStatus,
            0.55,
            Ident { class: Some(class), ..Ident::default() },
        );
        if let Some(last) = self.raws.last_mut() {
            last.hint = Some(Hint { kind: Kind::Http, written: status.to_string(), scope: None });
        }
        reason_end
    }

    /// `Failed to connect, return code 5`, `Connect failed, rc 5` (Eclipse Paho C `src/samples/MQTTClient_publish.c`,
    /// `MQTTAsync_publish.c`).
    fn on_connect(&mut self, start: usize, end: usize) -> usize {
        let failed_before = start >= 10 && self.starts_with_ci(start - 10, "failed to ");
        let mut pos = self.skip(end, 3, |b| b == b' ' || b == b',' || b == b':');
        if !failed_before {
            if !self.starts_with_ci(pos, "failed") {
                return end;
            }
            pos = self.skip(pos + "failed".len(), 3, |b| b == b' ' || b == b',' || b == b':');
        }
        if self.starts_with_ci(pos, "return code") {
            pos += "return code".len();
        } else if self.starts_with_ci(pos, "rc") {
            pos += 2;
        } else {
            return end;
        }
        let digit = self.skip(pos, 3, |b| b == b' ' || b == b'=' || b == b':');
        let digit_end = self.skip(digit, 3, |b| b.is_ascii_digit());
        let code = self.byte(digit).wrapping_sub(b'0');
        if digit_end != digit + 1 || patterns::mqtt_class(code).is_none() {
            return end;
        }
        let from = if failed_before { start - 10 } else { start };
        self.push_mqtt(from, digit_end, code);
        digit_end
    }

    /// `Attempting MQTT connection...failed, rc=5`: the Arduino PubSubClient examples (`mqtt_esp8266.ino`,
    /// `mqtt_basic.ino`) print the client's state after a failed connect, and states 1 to 5 are the CONNACK
    /// return codes (`MQTT_CONNECT_UNAUTHORIZED` is 5). Read only with `MQTT` shortly before `failed`.
    fn on_failed(&mut self, start: usize, end: usize) -> usize {
        let rc = self.skip(end, 2, |b| b == b',' || b == b' ');
        if !self.starts_with_ci(rc, "rc") {
            return end;
        }
        let head = start.saturating_sub(64);
        let before = self.bytes.get(head..start).unwrap_or_default().to_ascii_lowercase();
        if !contains(&before, b"mqtt") {
            return end;
        }
        let digit = self.skip(rc + 2, 2, |b| b == b'=' || b == b' ' || b == b':');
        let code = self.byte(digit).wrapping_sub(b'0');
        if digit == rc + 2 || patterns::mqtt_class(code).is_none() || is_word_byte(self.byte(digit + 1)) {
            return end;
        }
        self.push_mqtt(start, digit + 1, code);
        digit + 1
    }

    /// `Connection Not Accepted: 0x5: Not Authorized` (the C SDK's MQTT transport).
    fn on_not_accepted(&mut self, start: usize, end: usize) -> usize {
        let Some(from) = start.checked_sub("connection not ".len()) else { return end };
        if !self.starts_with_ci(from, "connection not ") {
            return end;
        }
        let hex = self.skip(end, 3, |b| b == b':' || b == b' ');
        if !self.starts_with_ci(hex, "0x") {
            return end;
        }
        let code = self.byte(hex + 2).wrapping_sub(b'0');
        if patterns::mqtt_class(code).is_none() || is_word_byte(self.byte(hex + 3)) {
            return end;
        }
        let reason_end = self.skip(hex + 3, 40, |b| b != b'\n' && b != b'\r' && b != b'"');
        self.push_mqtt(from, reason_end, code);
        reason_end
    }

    fn mark_head(&mut self) {
        if let Some(last) = self.raws.last_mut() {
            last.head = true;
        }
    }

    /// `CONNACK return code 5`, `CONNACK rc=5`, `CONNACK with return code 0x05`.
    fn on_connack(&mut self, start: usize, end: usize) -> usize {
        let mut digit = self.skip(end, 32, |b| b.is_ascii_alphabetic() || b" :=()_-,".contains(&b));
        if self.byte(digit) == b'0' && matches!(self.byte(digit + 1), b'x' | b'X') {
            digit = self.skip(digit + 2, 1, |b| b == b'0');
        }
        let digit_end = self.skip(digit, 2, |b| b.is_ascii_digit());
        if digit_end != digit + 1 || is_word_byte(self.byte(digit_end)) {
            return end;
        }
        let code = self.byte(digit).wrapping_sub(b'0');
        if patterns::mqtt_class(code).is_none() {
            return end;
        }
        self.push_mqtt(start, digit_end, code);
        digit_end
    }

    /// `Connection Refused, not authorized` (and the other CONNACK refusal phrases).
    fn on_refused(&mut self, start: usize, end: usize) -> usize {
        let Some(connection) = start.checked_sub(11) else { return end };
        if !self.starts_with_ci(connection, "connection") || !matches!(self.before(start), b' ' | b'_' | b'-')
        {
            return end;
        }
        // Separators include the en and em dashes (`Connection refused – not authorized`, UTF-8 E2 80 93/94).
        let phrase = self.skip(end, 5, |b| {
            matches!(b, b' ' | b',' | b':' | b';' | b'-' | b'(' | 0xE2 | 0x80 | 0x93 | 0x94)
        });
        let matched = patterns::MQTT_PHRASES.iter().find(|(text, _)| self.starts_with_ci(phrase, text));
        match matched {
            Some(&(text, code)) => {
                self.push_mqtt(connection, phrase + text.len(), code);
                phrase + text.len()
            }
            None => end,
        }
    }

    /// `amqp:unauthorized-access`, `com.microsoft:device-container-throttled` (`start` at `amqp` or `com`).
    fn on_amqp(&mut self, start: usize, end: usize) -> usize {
        if self.byte(end) != b':' {
            return end;
        }
        let cond_end = self.skip(end + 1, 48, |b| b.is_ascii_alphanumeric() || b == b'-' || b == b':');
        let cond_end = cond_end - usize::from(self.before(cond_end) == b':');
        let Some(condition) = self.bytes.get(start..cond_end) else { return end };
        let found = patterns::AMQP.iter().find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(condition));
        match found {
            Some(&(_, target)) => {
                let ident = Ident::target(target);
                self.push(start, cond_end, Evidence::AmqpCondition, 0.8, ident);
                self.set_hint(Kind::Amqp, start, cond_end);
                cond_end
            }
            None => end,
        }
    }

    /// A catalog service message starting at this word.
    fn on_message(&mut self, start: usize, end: usize, hash: u64) -> usize {
        let tables = self.tables;
        // A fragment's first piece begins with its first word, and `match_fragment` compares that piece: a word
        // of the same hash and length matches there or nowhere.
        let candidates =
            tables.fragments.iter().filter(|f| f.first_hash == hash && f.first_word == end - start);
        for fragment in candidates {
            let Some(matched) = match_fragment(self.bytes, start, fragment.text) else { continue };
            let Some(entry) = catalog::find_name(fragment.name) else { continue };
            self.push(start, matched, Evidence::ServiceMessage, 0.8, Ident::entry(entry));
            let message = self.text_until(start, 240, b"\"'\\\r\n");
            self.set_message(message);
            return matched;
        }
        end
    }

    /// A six-digit code where the words around it say it is one; `(404) Not Found`.
    fn on_number(&mut self, start: usize, end: usize) -> usize {
        let (prev, next) = (self.before(start), self.byte(end));
        if end - start == 3 && prev == b'(' && next == b')' {
            return self.on_paren_status(start, end);
        }
        if end - start == 3 && next == b' ' {
            return self.on_status_phrase(start, end);
        }
        if end - start != 6 {
            return end;
        }
        let digit_before = start >= 2 && self.byte(start - 2).is_ascii_digit();
        let digit_after = self.byte(end + 1).is_ascii_digit();
        if prev == b'.'
            || (matches!(prev, b':' | b'-' | b'/' | b',') && digit_before)
            || (matches!(next, b'.' | b':' | b'-' | b'/' | b',') && digit_after)
        {
            return end;
        }
        let Some(ident) = self.text.get(start..end).and_then(|d| d.parse().ok()).and_then(Ident::number)
        else {
            return end;
        };
        if start >= 7 && self.starts_with_ci(start - 7, "-codes#") {
            // The anchor goes on with the name (`#409002-linkcreationconflict-error`): part of the link.
            let name_end = self.word_end(end + 1, 64);
            let named = next == b'-' && ident.name.is_some_and(|n| self.starts_with_ci(end + 1, n));
            let link_end =
                if named && name_end == end + 1 + ident.name.map_or(0, str::len) { name_end } else { end };
            self.push(start, link_end, Evidence::DocLink, 0.75, ident);
            return link_end;
        }
        let name_is = |word: &[u8]| ident.name.is_some_and(|n| n.as_bytes().eq_ignore_ascii_case(word));
        let separator = |b: u8| b" \t\"':=,([{#\\-".contains(&b);
        let before = self.prev_word.filter(|&(_, word_end)| {
            start - word_end <= 6
                && self.bytes.get(word_end..start).is_some_and(|gap| gap.iter().all(|&b| separator(b)))
        });
        let before_word = before.and_then(|(s, e)| self.bytes.get(s..e)).unwrap_or_default();
        let after = self.skip(end, 6, |b| b" \t\"':=,()-\\".contains(&b));
        let after_word = self.bytes.get(after..self.word_end(after, 64)).unwrap_or_default();
        let csv = self.bytes.get(end..after).is_some_and(|gap| gap.contains(&b','));
        if name_is(after_word) && csv {
            self.push(start, end, Evidence::AzureMonitorField, 0.9, ident);
        } else if is_context_word(before_word) || name_is(before_word) || name_is(after_word) || {
            let lower = after_word.to_ascii_lowercase();
            matches!(lower.as_slice(), b"error" | b"errorcode" | b"code")
        } {
            self.push(start, end, Evidence::NumericCode, 0.85, ident);
        } else if ident.name.is_some() && !is_unit_word(after_word) && {
            // A listed code standing alone: `connection failed: 401003`, `Unauthorized (401003)`,
            // `got 429001 from hub`.
            let after_next = self.skip(after + after_word.len(), 3, |b| b == b' ');
            let next_word = self.bytes.get(after_next..self.word_end(after_next, 16)).unwrap_or_default();
            is_failure_word(before_word)
                || (after_word.eq_ignore_ascii_case(b"from") && is_hub_word(next_word))
        } {
            self.push(start, end, Evidence::NumericCode, 0.8, ident);
        }
        end
    }

    /// `503 Service Unavailable`: a status followed by its own reason phrase.
    fn on_status_phrase(&mut self, start: usize, end: usize) -> usize {
        let status = self.text.get(start..end).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
        let (Some(class), Some(reason)) =
            (ErrorClass::from_status(status), patterns::reason_of_status(status))
        else {
            return end;
        };
        let reason_end = end + 1 + reason.len();
        if !self.starts_with_ci(end + 1, reason) || is_word_byte(self.byte(reason_end)) {
            return end;
        }
        self.push(
            start,
            reason_end,
            Evidence::HttpStatus,
            0.5,
            Ident { class: Some(class), ..Ident::default() },
        );
        self.set_hint(Kind::Http, start, end);
        reason_end
    }

    /// `(404) Not Found`.
    fn on_paren_status(&mut self, start: usize, end: usize) -> usize {
        let status = self.text.get(start..end).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
        let (Some(class), Some(reason)) =
            (ErrorClass::from_status(status), patterns::reason_first_word(status))
        else {
            return end;
        };
        let word = self.skip(end + 1, 1, |b| b == b' ');
        if !self.starts_with_ci(word, reason) || is_word_byte(self.byte(word + reason.len())) {
            return end;
        }
        let reason_end = self.skip(word, 32, |b| b.is_ascii_alphabetic() || b == b' ');
        let reason_end = word + self.bytes.get(word..reason_end).map_or(0, |r| r.trim_ascii_end().len());
        self.push(
            start - 1,
            reason_end,
            Evidence::HttpStatus,
            0.6,
            Ident { class: Some(class), ..Ident::default() },
        );
        self.set_hint(Kind::Http, start, end);
        reason_end
    }

    /// A `{` that opens an error body (`{"Message":`, `{"errorCode":`, `{"ExceptionMessage":`, escaped or not).
    fn on_brace(&mut self, start: usize) -> Option<usize> {
        let key = self.skip(start + 1, 4, |b| b.is_ascii_whitespace());
        let quote = self.skip(key, 8, |b| b == b'\\');
        let escaped = quote > key;
        if self.byte(quote) != b'"' {
            return None;
        }
        let name = quote + 1;
        let known = ["message\"", "message\\", "errorcode\"", "errorcode\\", "exceptionmessage"];
        if !known.iter().any(|k| self.starts_with_ci(name, k)) || self.budget == 0 {
            return None;
        }
        let mut window_end = (start + BODY_WINDOW).min(self.bytes.len());
        while !self.text.is_char_boundary(window_end) {
            window_end -= 1;
        }
        let window = self.text.get(start..window_end)?;
        let (parsed, end) = if escaped {
            let end = body::escaped_object_end(window)?;
            self.budget = self.budget.saturating_sub(end);
            (body::nested(window.get(..end)?, 0)?, start + end)
        } else {
            match Value::parse_prefix(window) {
                Some((value, _)) => {
                    self.budget = self.budget.saturating_sub(value.raw.len());
                    (body::analyze(value, 0), start + value.raw.len())
                }
                None => {
                    self.budget = self.budget.saturating_sub(window.len());
                    return None;
                }
            }
        };
        if parsed.is_empty() {
            return None;
        }
        let entry = parsed.entry();
        let code = parsed.code(entry);
        let evidence = if parsed.json_code && parsed.code.is_some() {
            Evidence::JsonErrorCode
        } else if parsed.name.is_some() || parsed.code.is_some() {
            Evidence::ErrorCodeName
        } else {
            Evidence::ServiceMessage
        };
        let ident = match entry {
            Some(entry) => Ident { written: parsed.code.or(entry.code), ..Ident::entry(entry) },
            None => Ident { code, written: parsed.code, name: None, class: code.and_then(class_of_code) },
        };
        let confidence = if entry.is_some() || code.is_some() { 0.98 } else { 0.6 };
        self.push(start, end, evidence, confidence, ident);
        if let Some(last) = self.raws.last_mut() {
            last.rank = 6;
            last.timestamp = parsed.timestamp();
            last.message = parsed.message;
            last.tracking_id = parsed.tracking_id;
        }
        Some(end)
    }
}

/// Words before a listed code standing alone that say it is an error (`failed: 401003`, `got 429001 from hub`).
fn is_failure_word(word: &[u8]) -> bool {
    const WORDS: &[&str] = &[
        "failed",
        "failure",
        "fail",
        "unauthorized",
        "forbidden",
        "throttled",
        "rejected",
        "refused",
        "denied",
        "got",
        "answered",
        "responded",
        "returned",
        "received",
        "hub",
        "iothub",
        "reason",
        "rc",
        "result",
        "found",
        "exception",
        "with",
    ];
    WORDS.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}

/// The word after `from` that makes a code one the hub sent (`from hub`, `from IoT Hub`, `from the hub`).
fn is_hub_word(word: &[u8]) -> bool {
    ["hub", "iot", "iothub", "the", "azure"].iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}

/// Words after a number that make it a quantity (`404001 bytes`, `429001 ms`), never an error code.
fn is_unit_word(word: &[u8]) -> bool {
    const UNITS: &[&str] = &[
        "bytes", "byte", "b", "kb", "mb", "ms", "s", "sec", "seconds", "items", "records", "messages",
        "rows", "events", "lines", "times", "entries", "devices", "requests", "us", "ns",
    ];
    UNITS.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}

/// Words before a number that say it is an error code.
fn is_context_word(word: &[u8]) -> bool {
    if word.is_empty() {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    ["error", "errors", "code", "codes", "status", "resulttype", "err"]
        .iter()
        .any(|s| lower.ends_with(s.as_bytes()))
        || lower.starts_with(b"iothub")
}

/// Matches a service-message fragment (`*` = up to 160 bytes of one line) at `pos`; the end of the match.
fn match_fragment(bytes: &[u8], pos: usize, fragment: &str) -> Option<usize> {
    // The first piece is compared before anything is split: most candidates fail there.
    let first_len = memchr::memchr(b'*', fragment.as_bytes()).unwrap_or(fragment.len());
    let first = fragment.as_bytes().get(..first_len)?;
    if !bytes.get(pos..pos + first.len())?.eq_ignore_ascii_case(first) {
        return None;
    }
    let mut end = pos + first.len();
    for piece in fragment.get(first_len..)?.split('*').filter(|p| !p.is_empty()) {
        let window = bytes.get(end..(end + 160 + piece.len()).min(bytes.len()))?;
        let at = find_ci_bytes(window, piece.as_bytes())?;
        if window.get(..at)?.contains(&b'\n') {
            return None;
        }
        end += at + piece.len();
    }
    Some(end)
}

/// The catalog name of the first service message found in `text`.
pub(crate) fn fragment_in(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    patterns::tables().fragments.iter().find_map(|fragment| {
        let first = fragment.text.split('*').next()?;
        let mut from = 0;
        while let Some(at) = find_ci_bytes(bytes.get(from..)?, first.as_bytes()) {
            if match_fragment(bytes, from + at, fragment.text).is_some() {
                return Some(fragment.name);
            }
            from += at + 1;
        }
        None
    })
}

/// Positions of the non-overlapping occurrences of `needle` (not empty) in `haystack`, left to right: what
/// `memchr::memmem::find_iter` gives, without its searchers (their code and its panics' formatting cost ~3 KiB gzip
/// in the npm package for windows of a few kilobytes).
pub(crate) fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let &first = needle.first()?;
        while let Some(at) = haystack.get(from..).and_then(|rest| memchr::memchr(first, rest)) {
            let start = from + at;
            if haystack.get(start..start + needle.len()) == Some(needle) {
                from = start + needle.len();
                return Some(start);
            }
            from = start + 1;
        }
        None
    })
}

/// True when `haystack` holds `needle` (not empty).
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find_all(haystack, needle).next().is_some()
}

/// Position of `needle` in `haystack`, ignoring ASCII case.
pub(crate) fn find_ci_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    let first = needle.first()?.to_ascii_lowercase();
    let last_start = haystack.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&at| {
        haystack.get(at).is_some_and(|b| b.to_ascii_lowercase() == first)
            && haystack.get(at..at + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// Position of `needle` (ASCII) in `haystack`, ignoring ASCII case; always a character boundary.
pub(crate) fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    find_ci_bytes(haystack.as_bytes(), needle.as_bytes())
}

/// True when `a` and `b` name the same error.
fn same_error(a: &Raw, b: &Raw) -> bool {
    match (a.code, b.code) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.name.is_some() && a.name == b.name,
        _ => false,
    }
}

/// True when `b` (starting at or after `a`) is more evidence of the error `a` describes.
fn same_occurrence(bytes: &[u8], a: &Raw, b: &Raw) -> bool {
    if b.start < a.end {
        return true;
    }
    let Some(gap) = bytes.get(a.end..b.start).filter(|gap| gap.len() <= 1024) else { return false };
    let lines = gap.iter().filter(|&&b| b == b'\n').count();
    let near = gap.len() <= 256;
    let (weak_a, weak_b) = (a.rank <= 2, b.rank <= 2);
    if a.head && (same_error(a, b) || (a.class.is_some() && a.class == b.class)) && lines <= 8 {
        return true;
    }
    if same_error(a, b) && near && (lines == 0 || (weak_a != weak_b && lines <= 1)) {
        return true;
    }
    match (weak_a, weak_b) {
        (true, false) => near && lines <= 1,
        (false, true) => {
            // A status field further along the same record (`"statusCode":"412"`) belongs to it too.
            let status_field = b.evidence == Evidence::HttpStatus && b.class == a.class;
            lines == 0
                && (status_field
                    || (near
                        && (b.class.is_none() || b.class == a.class || b.evidence == Evidence::SdkException)))
        }
        // An exception wrapping a protocol refusal (`UnauthorizedError: ... Connection refused: Identifier rejected`)
        // is one error, whatever class each maps to.
        (true, true) => {
            let wrapped = |x: &Raw, y: &Raw| {
                x.evidence == Evidence::SdkException
                    && matches!(
                        y.evidence,
                        Evidence::MqttConnack | Evidence::AmqpCondition | Evidence::HttpStatus
                    )
            };
            near && lines <= 1
                && ((a.class.is_some() && a.class == b.class) || wrapped(a, b) || wrapped(b, a))
        }
        (false, false) => false,
    }
}

fn merge(bytes: &[u8], mut raws: Vec<Raw>) -> Vec<Raw> {
    crate::sort::sort_by(&mut raws, |a, b| a.start.cmp(&b.start).then(b.rank.cmp(&a.rank)));
    let mut merged: Vec<Raw> = Vec::with_capacity(raws.len());
    for raw in raws {
        match merged.last_mut() {
            Some(last) if same_occurrence(bytes, last, &raw) => absorb(last, raw),
            _ => merged.push(raw),
        }
    }
    merged
}

/// Folds `other` into `kept`: the stronger evidence names the error, the span covers both.
fn absorb(kept: &mut Raw, other: Raw) {
    let agree = same_error(kept, &other);
    let stronger = other.rank > kept.rank || (other.rank == kept.rank && other.confidence > kept.confidence);
    let (mut best, rest) = if stronger { (other, kept.clone()) } else { (kept.clone(), other) };
    best.start = best.start.min(rest.start);
    best.end = best.end.max(rest.end);
    best.class = best.class.or(rest.class);
    best.hint = best.hint.or(rest.hint);
    best.message = best.message.or(rest.message);
    best.tracking_id = best.tracking_id.or(rest.tracking_id);
    best.timestamp = best.timestamp.or(rest.timestamp);
    // A response head takes its body, then is complete; a head merged into a head still waits.
    best.head = (kept.head || best.head) && best.rank < 6;
    if agree {
        best.confidence = (best.confidence + 0.04).min(0.99);
    }
    *kept = best;
}

/// Finds the line around each finding in one forward pass (findings come sorted and disjoint).
struct Lines<'a> {
    bytes: &'a [u8],
    scanned: usize,
    line_start: usize,
    line_end: usize,
}

impl Lines<'_> {
    fn around(&mut self, start: usize, end: usize) -> (usize, usize) {
        if self.scanned < start {
            let gap = self.bytes.get(self.scanned..start).unwrap_or_default();
            if let Some(at) = memchr::memrchr(b'\n', gap) {
                self.line_start = self.scanned + at + 1;
            }
            self.scanned = start;
        }
        if self.line_end < end {
            let rest = self.bytes.get(end..).unwrap_or_default();
            self.line_end = end + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        }
        (self.line_start, self.line_end)
    }
}

/// Reach of the context (device id, time, tracking id, DPS markers) on each side of a finding, in bytes.
const CONTEXT: usize = 1024;

/// Reach of the text read on each side of a code-less finding to judge its context, in bytes.
const EVIDENCE_CONTEXT: usize = 600;

fn finish(text: &str, merged: Vec<Raw>, markers: &[(usize, Key)], split_ids: bool) -> Vec<ScanFinding> {
    let bytes = text.as_bytes();
    let mut lines = Lines { bytes, scanned: 0, line_start: 0, line_end: 0 };
    let mut findings = Vec::with_capacity(merged.len());
    // Bytes the context reader may still look at (keeps many findings from making the scan quadratic).
    let mut budget = bytes.len().saturating_mul(4).saturating_add(64 * 1024);
    for raw in merged {
        let (line_start, line_end) = lines.around(raw.start, raw.end);
        let from = line_start.max(raw.start.saturating_sub(CONTEXT));
        let to = line_end.min(raw.end + CONTEXT);
        // DPS output spans lines (`Registration Status: ...` then `Error code: ...`): its markers count from the
        // line before the finding's too, unless the finding's line speaks of a hub.
        let reach = raw.start.saturating_sub(CONTEXT);
        let lines_before = bytes.get(reach..line_start.saturating_sub(1).max(reach)).unwrap_or_default();
        let dps_from = match memchr::memrchr(b'\n', lines_before) {
            Some(at) => reach + at + 1,
            None => reach,
        }
        .min(from);
        // The DPS host counts for the block it heads: back to the last blank line before the finding (looked for
        // only when a DPS host is within reach).
        let block_from = || {
            bytes
                .get(reach..line_start)
                .and_then(|before| {
                    let blank = |sep: &[u8]| find_all(before, sep).last().map(|at| at + sep.len());
                    blank(b"\n\n").max(blank(b"\n\r\n")).map(|at| reach + at)
                })
                .unwrap_or(reach)
        };
        let dps = markers
            .get(
                markers.partition_point(|&(pos, _)| pos < reach)
                    ..markers.partition_point(|&(pos, _)| pos < from),
            )
            .unwrap_or_default()
            .iter()
            .any(|&(pos, key)| match key {
                Key::Dps => pos >= dps_from,
                Key::DpsHost => pos >= block_from().min(from),
                _ => false,
            })
            && bytes
                .get(line_start..line_end)
                .is_none_or(|line| !contains(&line.to_ascii_lowercase(), b"hub"));
        let first = markers.partition_point(|&(pos, _)| pos < from);
        let last = markers.partition_point(|&(pos, _)| pos < to);
        let nearby = markers.get(first..last).unwrap_or_default();
        // Nearest first: markers after the start, then before it.
        let split = nearby.partition_point(|&(pos, _)| pos < raw.start);
        let ordered = nearby
            .get(split..)
            .unwrap_or_default()
            .iter()
            .chain(nearby.get(..split).unwrap_or_default().iter().rev());
        let (mut dps, mut device_id, mut time, mut tracking) = (dps, None, None, raw.tracking_id.clone());
        for &(pos, key) in ordered.take(64) {
            match key {
                Key::Dps | Key::DpsHost => dps = true,
                Key::DeviceId if device_id.is_none() => device_id = context_value(text, pos, Spaces::End),
                Key::Time if time.is_none() => {
                    time = context_value(text, pos, Spaces::Kept)
                        .and_then(|t| time::parse(&t))
                        .map(time::format);
                }
                Key::Tracking | Key::TrackingId if tracking.is_none() => {
                    let after = text.get(pos..).unwrap_or_default();
                    tracking = match key {
                        Key::Tracking => body::tracking_after_label(after).map(str::to_owned),
                        _ => context_value(text, pos, Spaces::End),
                    };
                }
                _ => {}
            }
        }
        let timestamp = raw
            .timestamp
            .clone()
            .or_else(|| tracking.as_deref().and_then(body::tracking_timestamp))
            .map(|t| time::parse(&t).map_or(t, time::format))
            .or(time);
        let (tracking, gateway) = match tracking.as_deref().map(split_tracking) {
            Some((id, gateway)) if split_ids => (Some(id.to_owned()), gateway.map(str::to_owned)),
            _ => (tracking, None),
        };
        let device_id = device_id.or_else(|| raw.message.as_deref().and_then(device_named)).or_else(|| {
            let mut from = line_start.max(raw.start.saturating_sub(240));
            let mut to = line_end.min(raw.end + 240).max(from);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            while !text.is_char_boundary(to) {
                to += 1;
            }
            text.get(from..to).and_then(device_named)
        });
        let mut finding = ScanFinding {
            code: raw.code,
            name: raw.name,
            class: raw.class,
            service: Service::IotHub,
            start: raw.start,
            end: raw.end,
            evidence: raw.evidence,
            confidence: raw.confidence,
            alternatives: Vec::new(),
            basis: basis_of_written(&raw),
            tracking_id: tracking,
            gateway,
            timestamp,
            device_id,
            message: raw.message.clone(),
        };
        if let (Some(hint), false) = (&raw.hint, dps || raw.rank > 2) {
            // The lines around the evidence, and its whole line when that is not much longer.
            let far = 4 * EVIDENCE_CONTEXT;
            let from =
                raw.start.saturating_sub(EVIDENCE_CONTEXT).min(line_start.max(raw.start.saturating_sub(far)));
            let to = (raw.end + EVIDENCE_CONTEXT).max(line_end.min(raw.end + far)).min(bytes.len());
            let (from, to) = if to - from <= budget {
                (from, to)
            } else {
                (raw.start.saturating_sub(80), (raw.end + 80).min(bytes.len()))
            };
            budget = budget.saturating_sub(to - from);
            let context = evidence::context(bytes.get(from..to).unwrap_or_default());
            if let Some(inference) = evidence::infer(hint, &context) {
                apply(&mut finding, inference);
            } else if context.foreign.is_some() {
                finding.code = None;
                finding.name = None;
                finding.basis = format!(
                    "{}; the text is not about IoT Hub",
                    evidence::describe(hint.kind, &hint.written)
                );
            }
        }
        if dps {
            let number = raw.written.or(raw.code).map(|c| format!(" {c}")).unwrap_or_default();
            let note = format!("Device Provisioning Service (DPS) error{number}, not an IoT Hub error code");
            finding.class = finding.class.or_else(|| raw.written.and_then(class_of_code));
            finding.message = Some(match finding.message {
                Some(message) => format!("{note}: {message}"),
                None => note,
            });
            finding.service = Service::Dps;
            finding.code = None;
            finding.name = None;
            finding.basis =
                "Device Provisioning Service words around the evidence: DPS codes are not IoT Hub codes"
                    .to_owned();
        }
        findings.push(finding);
    }
    findings
}

/// Puts an inference into a finding: its code, name, class, confidence, alternatives and basis.
fn apply(finding: &mut ScanFinding, inference: evidence::Inference) {
    finding.basis = inference.basis;
    finding.alternatives = inference
        .alternatives
        .iter()
        .map(|&(code, confidence)| Alternative {
            code,
            name: catalog::find_code(code).map(|e| e.name),
            confidence,
        })
        .collect();
    match inference.best {
        Some((code, confidence)) => {
            let entry = catalog::find_code(code);
            finding.code = Some(code);
            finding.name = entry.map(|e| e.name);
            finding.class = entry.map(|e| e.class).or(finding.class);
            finding.confidence = confidence;
        }
        None => {
            finding.code = None;
            finding.name = None;
        }
    }
}

/// The basis of a finding whose code (or class) is what the evidence itself says.
fn basis_of_written(raw: &Raw) -> String {
    let code = match (raw.code, raw.name) {
        (Some(code), Some(name)) => format!("{code} {name}"),
        (Some(code), None) => code.to_string(),
        (None, Some(name)) => name.to_owned(),
        (None, None) => "no code".to_owned(),
    };
    match raw.evidence {
        Evidence::NumericCode => {
            format!("The code {code} is written in the text next to words saying it is an error")
        }
        Evidence::ErrorCodeName => format!("The error name of {code} is written in the text"),
        Evidence::JsonErrorCode => format!("The errorCode member of an error body gives {code}"),
        Evidence::AzureMonitorField => format!("An Azure Monitor result field gives {code}"),
        Evidence::DocLink => format!("A documentation link names {code}"),
        Evidence::ServiceMessage => format!("The hub's own message text for {code} is in the text"),
        Evidence::SdkException
        | Evidence::AmqpCondition
        | Evidence::MqttConnack
        | Evidence::CSdkReason
        | Evidence::HttpStatus => format!("The evidence maps to {code} by itself"),
    }
}

/// A tracking id without its gateway and time stamp parts, and the gateway: `abc-G:0-TimeStamp:...` gives
/// (`abc`, `0`); `086E-G2:-TimeStamp:...` gives (`086E`, `2`).
fn split_tracking(tracking: &str) -> (&str, Option<&str>) {
    let bytes = tracking.as_bytes();
    let gateway_at = (0..bytes.len()).find(|&at| {
        bytes.get(at..at + 2).is_some_and(|w| w.eq_ignore_ascii_case(b"-g")) && {
            let digits =
                bytes.get(at + 2..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count();
            bytes.get(at + 2 + digits) == Some(&b':')
        }
    });
    if let Some(at) = gateway_at {
        let after = tracking.get(at + 2..).unwrap_or_default();
        let before_colon: &str = after.split(':').next().unwrap_or_default();
        let after_colon = after.get(before_colon.len() + 1..).unwrap_or_default();
        let digits_after = after_colon.bytes().take_while(u8::is_ascii_digit).count();
        let gateway =
            if before_colon.is_empty() { after_colon.get(..digits_after) } else { Some(before_colon) };
        let id = tracking.get(..at).unwrap_or(tracking);
        return (id, gateway.filter(|g| !g.is_empty()));
    }
    match find_ci(tracking, "-timestamp:") {
        Some(at) => (tracking.get(..at).unwrap_or(tracking), None),
        None => (tracking, None),
    }
}

/// A device id a message names: `Device thermo-0042 not registered`, `for device 'd1'`, `device "x" is disabled`.
fn device_named(text: &str) -> Option<String> {
    const STOP: &[&str] =
        &["id", "ids", "client", "identity", "is", "not", "was", "has", "with", "the", "and", "or"];
    const NEXT: &[&str] = &["not", "is", "was", "has", "does", "already", "cannot", "could", "with"];
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = find_ci_bytes(bytes.get(from..)?, b"device ") {
        let word_start = from + at;
        from = word_start + 7;
        if word_start > 0 && bytes.get(word_start - 1).is_some_and(|&b| is_word_byte(b)) {
            continue;
        }
        let mut pos = from;
        for filler in [&b"with "[..], b"id "] {
            if bytes.get(pos..pos + filler.len()).is_some_and(|w| w.eq_ignore_ascii_case(filler)) {
                pos += filler.len();
            }
        }
        let quote = bytes.get(pos).copied().filter(|b| matches!(b, b'\'' | b'"'));
        pos += usize::from(quote.is_some());
        let len = bytes
            .get(pos..)?
            .iter()
            .take(128)
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'@'))
            .count();
        let id = text.get(pos..pos + len)?.trim_end_matches(['.', ':']);
        if id.is_empty() || STOP.iter().any(|s| s.eq_ignore_ascii_case(id)) {
            continue;
        }
        let closed = quote.is_some_and(|q| bytes.get(pos + len) == Some(&q));
        let next_start = pos + len + usize::from(closed);
        let next = text.get(next_start..).unwrap_or_default().trim_start();
        let next_word: &str = next.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default();
        let looks_like_id = id.bytes().any(|b| b.is_ascii_digit() || b == b'-' || b == b'_');
        if closed || (looks_like_id && NEXT.iter().any(|n| n.eq_ignore_ascii_case(next_word))) {
            return Some(id.to_owned());
        }
    }
    None
}

/// Whether an unquoted value may hold spaces (a time: `time=05/01/2024 10:00:00`) or ends at the first one (an
/// id: `deviceId=thermo-7 error code 404001`). A quoted value always runs to its closing quote.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spaces {
    Kept,
    End,
}

/// The value of the key at `pos` (`deviceId":"x"`, `deviceId=x`, `\"deviceId\":\"x\"`).
fn context_value(text: &str, pos: usize, spaces: Spaces) -> Option<String> {
    let bytes = text.as_bytes();
    let key_end = pos + bytes.get(pos..)?.iter().take(32).take_while(|&&b| is_word_byte(b)).count();
    let skip = |mut at: usize, accept: &dyn Fn(u8) -> bool| {
        let limit = at + 6;
        while at < limit && bytes.get(at).is_some_and(|&b| accept(b)) {
            at += 1;
        }
        at
    };
    let colon = skip(key_end, &|b| matches!(b, b'"' | b'\'' | b'\\' | b' '));
    if !matches!(bytes.get(colon), Some(b':' | b'=')) {
        return None;
    }
    let value = skip(colon + 1, &|b| matches!(b, b'"' | b'\'' | b'\\' | b' '));
    let quoted = value > colon + 1 && matches!(bytes.get(value - 1), Some(b'"' | b'\''));
    let stops: &[u8] = if quoted || spaces == Spaces::Kept { b"\"'\\,;}]\r\n" } else { b"\"'\\,;}]\r\n \t" };
    let len = bytes.get(value..)?.iter().take(128).take_while(|b| !stops.contains(b)).count();
    let value = String::from_utf8_lossy(bytes.get(value..value + len)?).trim().to_owned();
    (!value.is_empty() && value != "null").then_some(value)
}
