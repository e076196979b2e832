//! The iothub-errors core for Kotlin (Android, JVM), Swift (iOS, macOS) and Python, through uniffi.
//!
//! A thin, typed mapping: every function calls the core and converts its answer into the generated mirror
//! records and enums (`generated.rs`, written by `cargo xtask codegen` from `core/schema.json`; the core has no
//! uniffi dependency), through the JSON shape both are defined by. Every call returns [`IotHubErrorsError`]
//! (`IotHubErrorsException` in Kotlin, a Swift `Error`) when it fails, whose `kind()` is the core's stable id.
//! Nothing here panics: integer arguments are 64-bit signed so that any number a Kotlin, Swift or Python caller
//! holds reaches Rust and gets a typed `invalid-code` error when it cannot be a code.
//!
//! Written by hand, because a schema cannot say it: the exported functions (this file), the `Diagnoser`
//! object (`diagnose.rs`, state behind a lock), the error type (`error.rs`, uniffi errors are enums with
//! per-kind fields) and `RetryAdvice::describe` (the core's wording is code, not data).

mod diagnose;
mod error;
mod generated;

pub use diagnose::{Diagnoser, diagnose_text};
pub use error::IotHubErrorsError;
pub use generated::*;

uniffi::setup_scaffolding!();

/// The generated mirror of a core value, through the JSON text both are defined by (24 KB less library than
/// through `serde_json::Value`). It cannot fail (the drift test converts every conformance answer and sample
/// report); if it ever did, the caller gets an `internal` error rather than a panic.
fn mirror<M: serde::de::DeserializeOwned>(core: &impl serde::Serialize) -> Result<M, IotHubErrorsError> {
    serde_json::to_vec(core)
        .and_then(|json| serde_json::from_slice(&json))
        .map_err(IotHubErrorsError::internal)
}

/// The core's code type is `u32`; a number it cannot hold is an invalid code, decided here before the core.
fn code_argument(code: i64) -> Result<u32, IotHubErrorsError> {
    u32::try_from(code).map_err(|_| IotHubErrorsError::code_out_of_range(code))
}

/// The catalog entry for a six-digit code (alias codes such as 404102 included).
///
/// Errors: `invalid-code` when the number cannot be an IoT Hub code (negative, not six digits, no HTTP error
/// status IoT Hub uses), `unknown-code` when it is well formed but not listed (`classify` still answers).
#[uniffi::export]
pub fn lookup(code: i64) -> Result<Entry, IotHubErrorsError> {
    mirror(iothub_errors::lookup(code_argument(code)?)?)
}

/// The entry called `name` or having it as an alias, ignoring case and surrounding white space.
///
/// Errors: `empty-input`, `input-too-long` (over 4096 bytes), `unknown-name`.
#[uniffi::export]
pub fn by_name(name: String) -> Result<Entry, IotHubErrorsError> {
    mirror(iothub_errors::by_name(&name)?)
}

/// Resolves what people type or paste: a code, a name or an alias, with decorations such as
/// `"Error 401003"`, `"ErrorCode:DeviceNotFound;"` or `"aka.ms/iothub404103"`.
///
/// Errors: `empty-input`, `input-too-long`, `invalid-code` (a number that cannot be a code), `unknown-name`.
#[uniffi::export]
pub fn resolve(text: String) -> Result<Resolution, IotHubErrorsError> {
    mirror(&iothub_errors::resolve(&text)?)
}

/// Entries matching the words of `query`, best first (ranked full-text search). A query with nothing to rank by
/// (empty, blank, punctuation, stop words, one-character words) has no hits.
///
/// Errors: `input-too-long`.
#[uniffi::export]
pub fn search(query: String) -> Result<Vec<SearchHit>, IotHubErrorsError> {
    mirror(&iothub_errors::search(&query)?)
}

/// Classifies any well-formed six-digit code, listed in the catalog or not.
///
/// Errors: `invalid-code` when the number cannot be an IoT Hub code.
#[uniffi::export]
pub fn classify(code: i64) -> Result<Classification, IotHubErrorsError> {
    mirror(&iothub_errors::classify(code_argument(code)?)?)
}

/// Every entry of the catalog: numbered codes in ascending order, then the code-less entries.
#[uniffi::export]
pub fn catalog() -> Result<Vec<Entry>, IotHubErrorsError> {
    mirror(&iothub_errors::entries())
}

/// Every family (section of Microsoft's article), in code order.
#[uniffi::export]
pub fn families() -> Result<Vec<Family>, IotHubErrorsError> {
    mirror(&iothub_errors::families())
}

/// Every IoT Hub (and DPS) error found in `text` (logs, stack traces, HTTP dumps, error bodies), in order
/// of position. Runs in time linear in the text.
#[uniffi::export]
pub fn scan(text: String) -> Result<Vec<ScanFinding>, IotHubErrorsError> {
    mirror(&iothub_errors::scan(&text))
}

/// Reads an IoT Hub error body (HTTP response body, AMQP error description, or the text of a `Message`
/// field). The HTTP status of the response, when known (optional), gives the class when the body has no code.
///
/// Errors: `not-an-error-body` when the text holds no code, name or known message; `invalid-code` when the
/// HTTP status is not a number from 0 to 65535.
#[uniffi::export(default(http_status = None))]
pub fn parse_error_body(body: String, http_status: Option<i64>) -> Result<ErrorBody, IotHubErrorsError> {
    let http_status = http_status
        .map(|status| u16::try_from(status).map_err(|_| IotHubErrorsError::status_out_of_range(status)))
        .transpose()?;
    mirror(&iothub_errors::parse_error_body(&body, http_status)?)
}

/// The IoT Hub (or DPS) error an SDK's error object stands for, from the facts read off it (class names and
/// messages along the cause chain, HTTP status, `iothub-errorcode` header, body, AMQP condition, CONNACK code,
/// tracking id, stack frames); `None` when nothing in them names or implies one. The hand-written
/// `fromThrowable` (Kotlin) and `resolve(error:)` (Swift) read those facts and call this.
///
/// Errors: only `internal`, when the facts or the finding do not convert between the record and the core's
/// type through their JSON (the drift test rules it out). The record's fields are typed as the core's (`httpStatus` a `UShort`,
/// `connackCode` a `UByte`), so no value a caller can build is rejected.
#[uniffi::export]
pub fn resolve_error(facts: ErrorFacts) -> Result<Option<ScanFinding>, IotHubErrorsError> {
    let facts: iothub_errors::ErrorFacts = mirror(&facts)?;
    iothub_errors::resolve_error(&facts).map(|finding| mirror(&finding)).transpose()
}

#[uniffi::export]
impl RetryAdvice {
    /// One sentence a person can act on (the core's wording).
    pub fn describe(&self) -> String {
        use iothub_errors::RetryAdvice as Core;
        match *self {
            RetryAdvice::DoNotRetry => Core::DoNotRetry,
            RetryAdvice::RetryNow => Core::RetryNow,
            RetryAdvice::Backoff { initial_ms, max_ms, jitter_percent } => {
                Core::Backoff { initial_ms, max_ms, jitter_percent }
            }
            RetryAdvice::AfterQuotaReset => Core::AfterQuotaReset,
            RetryAdvice::ReconnectWithNewToken => Core::ReconnectWithNewToken,
        }
        .describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_a_u32_cannot_hold_are_invalid_codes() {
        for code in [-1, -401_003, i64::MIN, i64::MAX, 4_294_967_296] {
            assert_eq!(lookup(code).unwrap_err().kind(), "invalid-code", "{code}");
            assert_eq!(classify(code).unwrap_err().kind(), "invalid-code", "{code}");
        }
        assert_eq!(lookup(401_003).unwrap().name, "IotHubUnauthorized");
        assert_eq!(lookup(404_102).unwrap().code, Some(404_103));
    }

    #[test]
    fn http_statuses_out_of_range_are_invalid_codes() {
        for status in [-1, 65_536, i64::MIN] {
            let error = parse_error_body("{\"errorCode\":404001}".to_owned(), Some(status)).unwrap_err();
            assert_eq!(error.kind(), "invalid-code", "{status}");
        }
        let body = parse_error_body("ErrorCode:ThrottlingException;slow down".to_owned(), Some(429)).unwrap();
        assert_eq!((body.code, body.http_status), (Some(429_001), Some(429)));
    }

    #[test]
    fn records_carry_the_core_answers() {
        assert_eq!(catalog().unwrap().len(), iothub_errors::entries().len());
        assert_eq!(families().unwrap().len(), iothub_errors::families().len());
        let resolution = resolve("aka.ms/iothub404102".to_owned()).unwrap();
        assert_eq!(resolution.matched_by, MatchKind::AliasCode);
        assert_eq!(resolution.entry.map(|e| e.name).as_deref(), Some("DeviceNotOnline"));
        assert_eq!(search("IotHubUnauthorized".to_owned()).unwrap()[0].entry.code, Some(401_003));
        assert_eq!(scan("error code 404001".to_owned()).unwrap()[0].evidence, Evidence::NumericCode);
        assert_eq!(lookup(401_003).unwrap().family.as_deref(), Some("401xxx Unauthorized"));
    }

    #[test]
    fn resolve_error_gives_the_core_finding_for_the_same_facts() {
        let link = |name: &str, message: &str| ErrorLink {
            name: Some(name.to_owned()),
            message: Some(message.to_owned()),
        };
        let facts = ErrorFacts {
            chain: Some(vec![
                link("com.microsoft.azure.sdk.iot.device.transport.TransportException", "Unable to connect"),
                link(
                    "com.microsoft.azure.sdk.iot.device.transport.mqtt.exceptions.MqttBadUsernameOrPasswordException",
                    "Bad user name or password (4)",
                ),
            ]),
            amqp_condition: None,
            amqp_description: None,
            body: None,
            connack_code: None,
            error_code_header: None,
            frames: None,
            http_status: None,
            tracking_id: Some("9f1c-G:4-TimeStamp:01/09/2025 07:01:12".to_owned()),
        };
        let found = resolve_error(facts.clone()).unwrap().unwrap();
        let core: iothub_errors::ErrorFacts = mirror(&facts).unwrap();
        let expected: ScanFinding = mirror(&iothub_errors::resolve_error(&core).unwrap()).unwrap();
        assert_eq!(found, expected);
        assert_eq!(found.code, Some(401_003));
        assert_eq!((found.tracking_id.as_deref(), found.gateway.as_deref()), (Some("9f1c"), Some("4")));
        let nothing =
            ErrorFacts { chain: Some(vec![link("java.net.UnknownHostException", "x.example")]), ..facts };
        assert_eq!(resolve_error(ErrorFacts { tracking_id: None, ..nothing }).unwrap(), None);
    }

    #[test]
    fn retry_advice_gives_the_core_kind_and_wording() {
        for entry in iothub_errors::entries() {
            let advice: RetryAdvice = mirror(&entry.retry).unwrap();
            assert_eq!(advice.kind(), entry.retry.kind().as_str());
            assert_eq!(advice.describe(), entry.retry.describe());
        }
    }

    #[test]
    fn a_diagnoser_streams_and_starts_over_after_finish() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/logs/throttling.jsonl"
        ))
        .unwrap();
        let diagnoser = Diagnoser::new();
        for chunk in text.as_bytes().chunks(5) {
            diagnoser.push_bytes(chunk.to_vec());
        }
        let report = diagnoser.finish().unwrap();
        assert_eq!(report, diagnose_text(text).unwrap());
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].kind, FindingKind::ThrottlingBurst);
        assert_eq!(diagnoser.finish().unwrap().summary.records_read, 0);
    }
}
