//! IoT Hub error bodies: every shape and nesting the service and the SDKs produce, read into [`ErrorBody`].
//!
//! Shapes (see `ARCHITECTURE.md` and the SDK notes): `{"Message":"ErrorCode:Name;text","ExceptionMessage":
//! "Tracking ID:..."}`; `{"errorCode":404103,"trackingId":...,"message":...,"timestampUtc":...,"info":...}`
//! with the code as a number or a string; that object nested in `Message` as an object or as an escaped
//! (even doubly escaped) string; `ErrorCode:X;Error: 429 {"Message":...}` with a whole body inside the text;
//! and the verbose `ErrorCode: Name\r\nMessage: ...\r\nTracking ID: ...` exception message.

use serde::Serialize;

use super::{find_ci, fragment_in, is_word_byte};
use crate::catalog;
use crate::error::Error;
use crate::json::{self, Kind, Value};
use crate::model::{Entry, ErrorClass};
use crate::time;

/// What an IoT Hub error body says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// The six-digit code: the body's `errorCode`, or the code of the name after `ErrorCode:` (alias codes map
    /// to their entry's code: 404102 gives 404103).
    pub code: Option<u32>,
    /// The error's name as the body writes it (`ErrorCode:Name`); the catalog name when the body has only a
    /// number.
    pub name: Option<String>,
    /// The class of the code, else of the HTTP status.
    pub class: Option<ErrorClass>,
    /// The service's message text.
    pub message: Option<String>,
    /// The tracking id, as the hub wrote it (`trackingId`, or the text after `Tracking ID:`).
    pub tracking_id: Option<String>,
    /// When the hub saw the error, as ISO 8601 UTC (`2022-09-12T21:59:47Z`): from `timestampUtc`, else from
    /// the `-TimeStamp:` part of the tracking id; kept as written when it cannot be read.
    pub timestamp: Option<String>,
    /// The raw JSON of the body's `info` member, when present and not null.
    pub info: Option<String>,
    /// The HTTP status the body came with, as given by the caller.
    pub http_status: Option<u16>,
}

/// Reads an IoT Hub error body (the HTTP response body, an AMQP error description, or the text of a
/// `Message` field). `http_status` is the response's status when known; it gives the class when the body has
/// no code. Fails with [`Error::NotAnErrorBody`] when the text holds no code, error name or known message.
pub fn parse_error_body(body: &str, http_status: Option<u16>) -> Result<ErrorBody, Error> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::NotAnErrorBody { reason: "the body is empty" });
    }
    let mut parsed = Parsed::default();
    match Value::parse(body) {
        Some(value) if value.kind == Kind::Object => parsed = analyze(value, 0),
        Some(value) if value.kind == Kind::String => {
            if let Some(text) = value.as_str() {
                read_text(&text, &mut parsed, 0);
            }
        }
        _ => {
            // An AMQP error description (`error(condition:...,description:{...})`) or other text around a body.
            if strip_prefix_ci(body, "errorcode").is_none()
                && let Some(brace) = body.find('{')
            {
                parsed = nested(body.get(brace..).unwrap_or_default(), 0).unwrap_or_default();
            }
            if parsed.is_empty() {
                parsed = Parsed::default();
                read_text(body, &mut parsed, 0);
            }
        }
    }
    if parsed.is_empty() {
        // Anything else (a Python dict repr, a log line): take the first error the scanner finds.
        if let Some(finding) =
            super::scan_with(body, false).into_iter().find(|f| f.code.is_some() || f.name.is_some())
        {
            parsed.code = finding.code;
            parsed.name = finding.name.map(str::to_owned);
            parsed.message = finding.message;
            parsed.tracking_id = finding.tracking_id;
            parsed.timestamp = finding.timestamp;
        }
    }
    parsed.into_body(http_status)
}

/// What was read from a body before it is checked against the catalog.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub(crate) code: Option<u32>,
    pub(crate) name: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) tracking_id: Option<String>,
    pub(crate) timestamp: Option<String>,
    pub(crate) info: Option<String>,
    /// True when the code came from an `errorCode` member.
    pub(crate) json_code: bool,
}

impl Parsed {
    pub(crate) fn is_empty(&self) -> bool {
        self.code.is_none() && self.name.is_none() && self.message.as_deref().and_then(fragment_in).is_none()
    }

    /// Takes every field `self` lacks from `other`.
    fn fill(&mut self, other: Parsed) {
        if self.code.is_none() {
            self.code = other.code;
            self.json_code = other.json_code;
        }
        self.name = self.name.take().or(other.name);
        self.message = self.message.take().or(other.message);
        self.tracking_id = self.tracking_id.take().or(other.tracking_id);
        self.timestamp = self.timestamp.take().or(other.timestamp);
        self.info = self.info.take().or(other.info);
    }

    /// The catalog entry the body names: by its code, else by its name, else by its message.
    pub(crate) fn entry(&self) -> Option<&'static Entry> {
        self.code
            .and_then(catalog::find_code)
            .or_else(|| self.name.as_deref().and_then(catalog::find_name))
            .or_else(|| self.message.as_deref().and_then(fragment_in).and_then(catalog::find_name))
    }

    /// The code to report: the entry's, else a well-formed number from the body.
    pub(crate) fn code(&self, entry: Option<&'static Entry>) -> Option<u32> {
        entry.and_then(|e| e.code).or(self.code.filter(|&c| super::well_formed(c).is_some()))
    }

    /// The timestamp: `timestampUtc`, else the tracking id's `-TimeStamp:` part; ISO 8601 when readable.
    pub(crate) fn timestamp(&self) -> Option<String> {
        let raw =
            self.timestamp.clone().or_else(|| self.tracking_id.as_deref().and_then(tracking_timestamp))?;
        Some(time::parse(&raw).map_or(raw, time::format))
    }

    fn into_body(self, http_status: Option<u16>) -> Result<ErrorBody, Error> {
        let entry = self.entry();
        let code = self.code(entry);
        if code.is_none() && entry.is_none() && self.name.is_none() {
            return Err(Error::NotAnErrorBody {
                reason: "no error code, error name or known service message",
            });
        }
        let class = entry
            .map(|e| e.class)
            .or_else(|| code.and_then(|c| u16::try_from(c / 1000).ok()).and_then(ErrorClass::from_status))
            .or_else(|| http_status.and_then(ErrorClass::from_status));
        let timestamp = self.timestamp();
        Ok(ErrorBody {
            code,
            name: self.name.or_else(|| entry.map(|e| e.name.to_owned())),
            class,
            message: self.message,
            tracking_id: self.tracking_id,
            timestamp,
            info: self.info,
            http_status,
        })
    }
}

const MAX_DEPTH: usize = 6;

/// Reads the members of a body object.
pub(crate) fn analyze(value: Value<'_>, depth: usize) -> Parsed {
    let mut parsed = Parsed::default();
    if depth > MAX_DEPTH {
        return parsed;
    }
    let mut inner = Parsed::default();
    for (key, member) in value.fields() {
        let key = key.to_ascii_lowercase();
        match key.as_str() {
            "errorcode" => match member.as_u64() {
                Some(number) => {
                    parsed.code = u32::try_from(number).ok();
                    parsed.json_code = true;
                }
                None => {
                    let text = member.as_str().unwrap_or_default();
                    if !text.is_empty() && text.bytes().all(is_word_byte) {
                        parsed.name = Some(text.into_owned());
                    }
                }
            },
            "message" => match member.kind {
                Kind::Object => inner.fill(analyze(member, depth + 1)),
                Kind::String => read_text(&member.as_str().unwrap_or_default(), &mut inner, depth + 1),
                _ => {}
            },
            "exceptionmessage" => {
                if let Some(text) = member.as_str() {
                    read_exception_message(&text, &mut parsed);
                }
            }
            "trackingid" => parsed.tracking_id = member.as_text().map(|t| t.trim().to_owned()),
            "timestamputc" => parsed.timestamp = member.as_text().map(|t| t.trim().to_owned()),
            "info" if member.kind != Kind::Null => parsed.info = Some(member.raw.to_owned()),
            _ => {}
        }
    }
    // The `Message` text is the more specific source for code, name and message; the outer members keep
    // their tracking id (the last hop's) when both have one.
    let mut merged = inner;
    if parsed.tracking_id.is_some() {
        merged.tracking_id = parsed.tracking_id.take();
    }
    if parsed.timestamp.is_some() {
        merged.timestamp = parsed.timestamp.take();
    }
    merged.fill(parsed);
    merged
}

/// Reads the text of a `Message` member (or a whole body given as text).
fn read_text(text: &str, parsed: &mut Parsed, depth: usize) {
    let text = text.trim();
    if depth > MAX_DEPTH || text.is_empty() {
        return;
    }
    if text.starts_with(['{', '"'])
        && let Some(inner) = nested(text, depth)
    {
        parsed.fill(inner);
        return;
    }
    if let Some(rest) = strip_prefix_ci(text, "errorcode:") {
        let rest = rest.trim_start_matches([' ', '\t']);
        let len = rest.bytes().take_while(|&b| is_word_byte(b)).count();
        let (name, after) = (rest.get(..len).unwrap_or_default(), rest.get(len..).unwrap_or_default());
        if name.bytes().all(|b| b.is_ascii_digit()) {
            parsed.code = parsed.code.or(name.parse().ok());
        } else if parsed.name.is_none() {
            parsed.name = Some(name.to_owned());
        }
        if let Some(message) = after.strip_prefix(';') {
            read_message_part(message, parsed, depth);
        } else if after.starts_with(['\r', '\n']) {
            read_exception_message(text, parsed);
        }
        return;
    }
    read_message_part(text, parsed, depth);
}

/// Reads the free text of a message: the message itself, a tracking id in it, a whole body inside it.
fn read_message_part(text: &str, parsed: &mut Parsed, depth: usize) {
    let mut text = text.trim();
    if let Some(brace) = text.find('{')
        && let Some(inner) = nested(text.get(brace..).unwrap_or_default(), depth)
    {
        let head = text.get(..brace).unwrap_or_default().trim();
        if parsed.message.is_none() && !head.is_empty() {
            parsed.message = Some(head.to_owned());
        }
        parsed.fill(inner);
        return;
    }
    if let Some(at) = find_ci(text, "tracking id") {
        if parsed.tracking_id.is_none() {
            parsed.tracking_id = text.get(at..).and_then(tracking_after_label).map(str::to_owned);
        }
        text = text.get(..at).unwrap_or_default().trim();
    }
    if parsed.message.is_none() && !text.is_empty() {
        parsed.message = Some(text.to_owned());
    }
}

/// Reads `Tracking ID:` and the verbose `ErrorCode: ...\r\nMessage: ...\r\nTimestamp: ...` form.
fn read_exception_message(text: &str, parsed: &mut Parsed) {
    for line in text.lines() {
        let line = line.trim();
        let Some((label, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        match label.trim().to_ascii_lowercase().as_str() {
            "errorcode" if parsed.name.is_none() && parsed.code.is_none() && !value.is_empty() => {
                let len = value.bytes().take_while(|&b| is_word_byte(b)).count();
                let name = value.get(..len).unwrap_or_default();
                if name.bytes().all(|b| b.is_ascii_digit()) {
                    parsed.code = name.parse().ok();
                } else {
                    parsed.name = Some(name.to_owned());
                }
            }
            "message" if parsed.message.is_none() && !value.is_empty() => {
                parsed.message = Some(value.to_owned())
            }
            "timestamp" if parsed.timestamp.is_none() && time::parse(value).is_some() => {
                parsed.timestamp = Some(value.to_owned());
            }
            _ => {}
        }
    }
    if parsed.tracking_id.is_none() {
        parsed.tracking_id = find_ci(text, "tracking id")
            .and_then(|at| tracking_after_label(text.get(at..)?))
            .map(str::to_owned);
    }
}

/// A body nested in text: a JSON object (possibly escaped once or twice more) or a JSON string holding one.
pub(crate) fn nested(text: &str, depth: usize) -> Option<Parsed> {
    if depth > MAX_DEPTH {
        return None;
    }
    let text = text.trim_start();
    if let Some((value, _)) = Value::parse_prefix(text) {
        let parsed = match value.kind {
            Kind::Object => analyze(value, depth + 1),
            Kind::String => {
                let mut parsed = Parsed::default();
                read_text(&value.as_str()?, &mut parsed, depth + 1);
                parsed
            }
            _ => return None,
        };
        return (!parsed.is_empty()).then_some(parsed);
    }
    // An object whose quotes are still escaped (`{\"errorCode\":...}`): unescape one level and retry.
    if text.starts_with("{\\") {
        let end = escaped_object_end(text)?;
        let unescaped = json::unescape(text.get(..end)?)?;
        return nested(&unescaped, depth + 1);
    }
    None
}

/// The end of an escaped object: the position of the first unescaped `"` (or the end of the text).
pub(crate) fn escaped_object_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(&byte) = bytes.get(pos) {
        match byte {
            b'\\' => pos += 2,
            b'"' => return Some(pos),
            _ => pos += 1,
        }
    }
    Some(bytes.len())
}

/// The tracking id after a `Tracking ID:` label at the start of `text` (`Tracking Id:`, a space, ... too).
pub(crate) fn tracking_after_label(text: &str) -> Option<&str> {
    let colon = text.find(':').filter(|&colon| colon <= 16)?;
    tracking_value(text.get(colon + 1..)?)
}

/// A tracking id at the start of `text`: up to a quote, line break or separator; when it holds
/// `-TimeStamp:`, up to the end of that time stamp, else up to the first white space.
pub(crate) fn tracking_value(text: &str) -> Option<&str> {
    let text = text.trim_start_matches([' ', '\t']);
    let end = text.find(['\r', '\n', '"', '\'', '\\', ';', ',', '}', ']']).unwrap_or(text.len());
    let mut value = text.get(..end)?;
    match find_ci(value, "timestamp:") {
        Some(at) => {
            let start = at + "timestamp:".len();
            let stamp = timestamp_prefix(value.get(start..)?);
            value = value.get(..start + stamp.len())?;
        }
        None => value = value.split_whitespace().next()?,
    }
    let value = value.trim();
    (!value.is_empty()).then_some(value)
}

/// The time stamp starting `text` (`10/18/2022 20:50:39`, `2025-07-01T12:59:54.65Z`), without what follows.
fn timestamp_prefix(text: &str) -> &str {
    let allowed = |b: u8| b.is_ascii_digit() || b" /:-.TZ+".contains(&b);
    let len = text.bytes().take(40).take_while(|&b| allowed(b)).count();
    let mut candidate = text.get(..len).unwrap_or_default().trim_end();
    for _ in 0..4 {
        if time::parse(candidate).is_some() {
            return candidate;
        }
        match candidate.rfind(' ') {
            Some(space) => candidate = candidate.get(..space).unwrap_or_default().trim_end(),
            None => break,
        }
    }
    text.get(..len).unwrap_or_default().trim_end()
}

/// The time stamp inside a tracking id (`...-TimeStamp:10/19/2022 16:47:22`).
pub(crate) fn tracking_timestamp(tracking_id: &str) -> Option<String> {
    let at = find_ci(tracking_id, "timestamp:")?;
    let stamp = timestamp_prefix(tracking_id.get(at + "timestamp:".len()..)?);
    time::parse(stamp).map(|_| stamp.to_owned())
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tracking_ids_of_every_shape() {
        assert_eq!(
            tracking_value("abc-G:0-TimeStamp:10/18/2022 20:50:39\"}"),
            Some("abc-G:0-TimeStamp:10/18/2022 20:50:39")
        );
        assert_eq!(
            tracking_value(" abc-TimeStamp:10/18/2022 20:50:39 then more"),
            Some("abc-TimeStamp:10/18/2022 20:50:39")
        );
        assert_eq!(
            tracking_value("(tracking id)-TimeStamp:12/14/2016 03:15:17"),
            Some("(tracking id)-TimeStamp:12/14/2016 03:15:17")
        );
        assert_eq!(
            tracking_value("b575211ff5194d56b18721941e82c3d5 next"),
            Some("b575211ff5194d56b18721941e82c3d5")
        );
        assert_eq!(
            tracking_value("086E-G2:-TimeStamp:2025-07-01T12:59:54.653313718Z\","),
            Some("086E-G2:-TimeStamp:2025-07-01T12:59:54.653313718Z")
        );
        assert_eq!(tracking_after_label("Tracking ID: x-G:0\r\nPublic"), Some("x-G:0"));
        assert_eq!(
            tracking_timestamp("a-TimeStamp:12/14/2016 03:15:17").as_deref(),
            Some("12/14/2016 03:15:17")
        );
        assert_eq!(tracking_value(""), None);
    }

    #[test]
    fn reads_the_verbose_exception_message() {
        let body = r#"{"Message":"","ExceptionMessage":"ErrorCode: IotHubUnauthorizedAccess\r\nMessage: \r\nTimestamp: 2021-01-02T14:10:21Z\r\nTracking ID: 01047b-G:0-TimeStamp:01/02/2021 14:10:21\r\nPublic Message: denied"}"#;
        let parsed = parse_error_body(body, Some(401)).unwrap();
        assert_eq!(parsed.code, Some(401002));
        assert_eq!(parsed.name.as_deref(), Some("IotHubUnauthorizedAccess"));
        assert_eq!(parsed.tracking_id.as_deref(), Some("01047b-G:0-TimeStamp:01/02/2021 14:10:21"));
        assert_eq!(parsed.timestamp.as_deref(), Some("2021-01-02T14:10:21Z"));
    }

    #[test]
    fn reads_double_nesting_and_amqp_descriptions() {
        let body = r#"{"Message":"ErrorCode:ThrottlingMaxActiveJobCountExceeded;Error: 429 {\"Message\":\"ErrorCode:ThrottlingMaxActiveJobCountExceeded;429\",\"ExceptionMessage\":\"Tracking ID:9659f-TimeStamp:02/05/2018 11:41:56\"}","ExceptionMessage":"Tracking ID:99d7deda8fcb4f8d819fe5477754b7a6-G:3-TimeStamp:02/05/2018 11:41:55"}"#;
        let parsed = parse_error_body(body, Some(429)).unwrap();
        assert_eq!(parsed.code, Some(429004));
        assert_eq!(parsed.message.as_deref(), Some("Error: 429"));
        assert_eq!(
            parsed.tracking_id.as_deref(),
            Some("99d7deda8fcb4f8d819fe5477754b7a6-G:3-TimeStamp:02/05/2018 11:41:55")
        );
        assert_eq!(parsed.timestamp.as_deref(), Some("2018-02-05T11:41:55Z"));

        let amqp = r#"error(condition:amqp:unauthorized-access,description:{"errorCode":401002,"message":"Unauthorized access","trackingId":"086E25554C674B1782FB73BA73B6B752-G2:-TimeStamp:2025-07-01T12:59:54.653313718Z","timestampUtc":"2025-07-01T12:59:54.653313718Z","info":null})"#;
        let parsed = parse_error_body(amqp, None).unwrap();
        assert_eq!(parsed.code, Some(401002));
        assert_eq!(parsed.message.as_deref(), Some("Unauthorized access"));
        assert_eq!(parsed.info, None);
        assert_eq!(parsed.timestamp.as_deref(), Some("2025-07-01T12:59:54Z"));
    }

    #[test]
    fn reads_doubly_escaped_strings_python_reprs_and_messages() {
        let inner = r#"{"errorCode":404001,"trackingId":"t1","message":"gone","info":{"a":1}}"#;
        let once = serde_json::to_string(inner).unwrap();
        let twice = serde_json::to_string(&once).unwrap();
        for body in [format!("{{\"Message\":{once}}}"), format!("{{\"Message\":{twice}}}"), once.clone()] {
            let parsed = parse_error_body(&body, None).unwrap();
            assert_eq!((parsed.code, parsed.tracking_id.as_deref()), (Some(404001), Some("t1")), "{body}");
            assert_eq!(parsed.info.as_deref(), Some(r#"{"a":1}"#));
        }
        let repr = "{'Message': 'ErrorCode:DeviceNotFound;Device d1 not registered', 'ExceptionMessage': 'Tracking ID:abc-G:0-TimeStamp:10/18/2022 20:50:39'}";
        let parsed = parse_error_body(repr, Some(404)).unwrap();
        assert_eq!(parsed.code, Some(404001));
        assert_eq!(parsed.tracking_id.as_deref(), Some("abc-G:0-TimeStamp:10/18/2022 20:50:39"));
        let parsed = parse_error_body(r#"{"Message":"Authorization header missing"}"#, Some(401)).unwrap();
        assert_eq!(parsed.code, Some(401003));
        let parsed =
            parse_error_body(r#"{"Message":"ErrorCode:FakeErrorCode;Fake Error Message"}"#, Some(400))
                .unwrap();
        assert_eq!((parsed.code, parsed.name.as_deref()), (None, Some("FakeErrorCode")));
        assert_eq!(parsed.class, Some(ErrorClass::BadRequest));
        let parsed = parse_error_body(r#"{"errorCode":404102}"#, None).unwrap();
        assert_eq!((parsed.code, parsed.name.as_deref()), (Some(404103), Some("DeviceNotOnline")));
    }

    #[test]
    fn rejects_what_is_not_an_error_body() {
        for body in [
            "",
            "   ",
            "{}",
            r#"{"Message":"hello"}"#,
            "[1,2]",
            "plain text",
            "{\"errorCode\":12}",
            "{",
            "\"\\",
        ] {
            assert_eq!(
                parse_error_body(body, Some(500)).unwrap_err().kind(),
                crate::ErrorKind::NotAnErrorBody,
                "{body}"
            );
        }
    }
}
