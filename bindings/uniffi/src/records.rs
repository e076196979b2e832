//! The binding's records: owned mirrors of the core's catalog, classification, search and scan types.
//!
//! Field names follow the core's JSON names in camelCase for Kotlin and Swift (`aliasCodes`, `docUrl`),
//! except `class`, a keyword in Kotlin and Swift, which is `errorClass` here.

use crate::enums::{Actor, ErrorClass, Evidence, MatchKind, RetryAdvice, Sdk, Service, Severity, Source};

/// Copies a static list of texts into owned strings.
fn texts(items: iothub_errors::Texts) -> Vec<String> {
    items.iter().map(str::to_owned).collect()
}

/// A section of Microsoft's article: a code prefix such as `4001` and its title.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Family {
    /// The leading digits every code of the family shares, e.g. `"4001"`.
    pub prefix: String,
    /// The article's section title, e.g. `"4001xx Routing"`.
    pub title: String,
    /// The documentation link of the section.
    pub doc_url: String,
}

impl From<&iothub_errors::Family> for Family {
    fn from(family: &iothub_errors::Family) -> Family {
        Family {
            prefix: family.prefix.to_owned(),
            title: family.title.to_owned(),
            doc_url: family.doc_url.to_owned(),
        }
    }
}

/// How one SDK handles one error on its own.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SdkView {
    /// The SDK.
    pub sdk: Sdk,
    /// True when the SDK's own code table lists this six-digit code.
    pub knows_code: bool,
    /// The exception, error class or status the application sees.
    pub surfaces_as: String,
    /// Whether the SDK marks the error transient; null where it has no such notion.
    pub transient: Option<bool>,
    /// What the SDK's default policy then does.
    pub policy: String,
}

impl From<&iothub_errors::sdk::SdkView> for SdkView {
    fn from(view: &iothub_errors::sdk::SdkView) -> SdkView {
        SdkView {
            sdk: view.sdk.into(),
            knows_code: view.knows_code,
            surfaces_as: view.surfaces_as.to_owned(),
            transient: view.transient,
            policy: view.policy.to_owned(),
        }
    }
}

/// One error of the catalog, with everything needed to explain and handle it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Entry {
    /// The six-digit code; null for the article's two code-less rows.
    pub code: Option<u32>,
    /// The canonical name, as the service and the article spell it.
    pub name: String,
    /// Other names seen in the wild that mean exactly this error.
    pub aliases: Vec<String>,
    /// Other numbers that resolve to this entry (e.g. the article's mistyped 404102).
    pub alias_codes: Vec<u32>,
    /// The article section the code belongs to.
    pub family: Option<Family>,
    /// The HTTP-status class (`class` in the JSON).
    pub error_class: ErrorClass,
    /// The HTTP status it comes with; null when it is only seen over AMQP/MQTT.
    pub http_status: Option<u16>,
    /// True when the error only reaches clients as an AMQP/MQTT disconnect or link error.
    pub amqp_mqtt_only: bool,
    /// True when retrying the unchanged request can succeed.
    pub transient: bool,
    /// What a caller should do about retrying.
    pub retry: RetryAdvice,
    /// Who must act.
    pub actor: Actor,
    /// How bad it is.
    pub severity: Severity,
    /// Whether the code comes from the article or only from the SDKs.
    pub source: Source,
    /// One line saying what went wrong.
    pub summary: String,
    /// Likely causes, most likely first.
    pub causes: Vec<String>,
    /// Steps that fix it, in the order to try them.
    pub fixes: Vec<String>,
    /// Codes worth reading next.
    pub related: Vec<u32>,
    /// Why a disputed fact (number, transience) was decided the way it was.
    pub decision: Option<String>,
    /// What a person sees when this error happens (in-depth entries only).
    pub symptoms: Vec<String>,
    /// How to tell the causes apart (in-depth entries only).
    pub diagnosis: Vec<String>,
    /// Hard limits that matter for this error (in-depth entries only).
    pub limits: Vec<String>,
    /// Fragments of the service's own message texts (`*` stands for a variable part).
    pub messages: Vec<String>,
    /// What each SDK does with this error by itself.
    pub sdk_views: Vec<SdkView>,
    /// Link to the documentation section.
    pub doc_url: String,
}

impl From<&iothub_errors::Entry> for Entry {
    fn from(entry: &iothub_errors::Entry) -> Entry {
        Entry {
            code: entry.code,
            name: entry.name.to_owned(),
            aliases: texts(entry.aliases),
            alias_codes: entry.alias_codes.to_vec(),
            family: entry.family.map(Family::from),
            error_class: entry.class.into(),
            http_status: entry.http_status,
            amqp_mqtt_only: entry.amqp_mqtt_only,
            transient: entry.transient,
            retry: entry.retry.into(),
            actor: entry.actor.into(),
            severity: entry.severity.into(),
            source: entry.source.into(),
            summary: entry.summary.to_owned(),
            causes: texts(entry.causes),
            fixes: texts(entry.fixes),
            related: entry.related.to_vec(),
            decision: entry.decision.map(str::to_owned),
            symptoms: texts(entry.symptoms),
            diagnosis: texts(entry.diagnosis),
            limits: texts(entry.limits),
            messages: texts(entry.messages),
            sdk_views: iothub_errors::sdk::views(entry).iter().map(SdkView::from).collect(),
            doc_url: entry.doc_url.to_owned(),
        }
    }
}

/// What to make of a code: its class, whether it is transient, how to retry, who acts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Classification {
    /// The six-digit code, when there is one.
    pub code: Option<u32>,
    /// The catalog name, when the code is listed.
    pub name: Option<String>,
    /// True when the code is listed in the catalog; false when classified from its class and family alone.
    pub known: bool,
    /// The HTTP-status class (`class` in the JSON).
    pub error_class: ErrorClass,
    /// The HTTP status it comes with; null for AMQP/MQTT-only errors.
    pub http_status: Option<u16>,
    /// The article section of the code, when its prefix is known.
    pub family: Option<Family>,
    /// True when retrying the unchanged request can succeed.
    pub transient: bool,
    /// What a caller should do about retrying.
    pub retry: RetryAdvice,
    /// Who must act.
    pub actor: Actor,
    /// How bad it is.
    pub severity: Severity,
    /// What each SDK does with it by itself.
    pub sdk_views: Vec<SdkView>,
}

impl From<&iothub_errors::Classification> for Classification {
    fn from(classification: &iothub_errors::Classification) -> Classification {
        Classification {
            code: classification.code,
            name: classification.name.map(str::to_owned),
            known: classification.known,
            error_class: classification.class.into(),
            http_status: classification.http_status,
            family: classification.family.map(Family::from),
            transient: classification.transient,
            retry: classification.retry.into(),
            actor: classification.actor.into(),
            severity: classification.severity.into(),
            sdk_views: classification.sdk_views.iter().map(SdkView::from).collect(),
        }
    }
}

/// The answer of `resolve`: how the input matched, the entry (absent for unlisted codes) and the
/// classification (always present).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Resolution {
    /// How the input matched.
    pub matched_by: MatchKind,
    /// The catalog entry, absent for unlisted codes.
    pub entry: Option<Entry>,
    /// The classification (always present).
    pub classification: Classification,
}

impl From<&iothub_errors::Resolution> for Resolution {
    fn from(resolution: &iothub_errors::Resolution) -> Resolution {
        Resolution {
            matched_by: resolution.matched_by.into(),
            entry: resolution.entry.map(Entry::from),
            classification: Classification::from(&resolution.classification),
        }
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SearchHit {
    /// The matching entry.
    pub entry: Entry,
    /// Relevance; higher is better. Only the order is meaningful.
    pub score: u32,
}

impl From<&iothub_errors::SearchHit> for SearchHit {
    fn from(hit: &iothub_errors::SearchHit) -> SearchHit {
        SearchHit { entry: Entry::from(hit.entry), score: hit.score }
    }
}

/// One IoT Hub (or Device Provisioning Service) error found in a text by `scan`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScanFinding {
    /// The catalog entry's code when known (alias codes give their entry's code); a well-formed but unlisted
    /// code as written; null for DPS errors and class-only evidence.
    pub code: Option<u32>,
    /// The catalog name when the error is a catalog entry.
    pub name: Option<String>,
    /// The HTTP-status class: from the code, else from the status or the exception that was found.
    pub error_class: Option<ErrorClass>,
    /// Which service raised the error.
    pub service: Service,
    /// Byte offset (in the UTF-8 encoding of the scanned text) where the evidence starts.
    pub start: u64,
    /// Byte offset (in the UTF-8 encoding of the scanned text) just after the evidence.
    pub end: u64,
    /// The strongest kind of evidence the finding rests on.
    pub evidence: Evidence,
    /// How sure the scanner is that this is the error it names, from 0.0 to 1.0.
    pub confidence: f32,
    /// The hub's tracking id, from the body or next to the evidence.
    pub tracking_id: Option<String>,
    /// When the error happened, as ISO 8601 UTC.
    pub timestamp: Option<String>,
    /// The device id named next to the evidence (`deviceId`).
    pub device_id: Option<String>,
    /// The error's message text when a body carries one; for DPS errors, a note saying so.
    pub message: Option<String>,
}

impl From<iothub_errors::ScanFinding> for ScanFinding {
    fn from(finding: iothub_errors::ScanFinding) -> ScanFinding {
        ScanFinding {
            code: finding.code,
            name: finding.name.map(str::to_owned),
            error_class: finding.class.map(ErrorClass::from),
            service: finding.service.into(),
            start: u64::try_from(finding.start).unwrap_or(u64::MAX),
            end: u64::try_from(finding.end).unwrap_or(u64::MAX),
            evidence: finding.evidence.into(),
            confidence: finding.confidence,
            tracking_id: finding.tracking_id,
            timestamp: finding.timestamp,
            device_id: finding.device_id,
            message: finding.message,
        }
    }
}

/// What an IoT Hub error body says (the answer of `parseErrorBody`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorBody {
    /// The six-digit code: the body's `errorCode`, or the code of the name after `ErrorCode:`.
    pub code: Option<u32>,
    /// The error's name as the body writes it; the catalog name when the body has only a number.
    pub name: Option<String>,
    /// The class of the code, else of the HTTP status.
    pub error_class: Option<ErrorClass>,
    /// The service's message text.
    pub message: Option<String>,
    /// The tracking id, as the hub wrote it.
    pub tracking_id: Option<String>,
    /// When the hub saw the error, as ISO 8601 UTC; kept as written when it cannot be read.
    pub timestamp: Option<String>,
    /// The raw JSON of the body's `info` member, when present and not null.
    pub info: Option<String>,
    /// The HTTP status the body came with, as given by the caller.
    pub http_status: Option<u16>,
}

impl From<iothub_errors::ErrorBody> for ErrorBody {
    fn from(body: iothub_errors::ErrorBody) -> ErrorBody {
        ErrorBody {
            code: body.code,
            name: body.name,
            error_class: body.class.map(ErrorClass::from),
            message: body.message,
            tracking_id: body.tracking_id,
            timestamp: body.timestamp,
            info: body.info,
            http_status: body.http_status,
        }
    }
}
