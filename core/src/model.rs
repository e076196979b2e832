//! The vocabulary of the catalog: entries, families, classes, retry advice, actors and severities.
//!
//! Every type here is plain data. Catalog entries are `'static` and live in the generated tables of
//! [`crate::catalog`]; nothing here allocates.

use serde::{Serialize, Serializer};

/// The HTTP-status class of an error code: the meaning of its first three digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ErrorClass {
    /// 400: the request is malformed or not valid for the target.
    BadRequest,
    /// 401: the caller's credentials were missing, wrong or expired.
    Unauthorized,
    /// 403: the caller is known but a limit, quota or state forbids the operation.
    Forbidden,
    /// 404: the target (device, module, job, hub, ...) does not exist or is not reachable.
    NotFound,
    /// 405: the operation is not allowed on this resource or in its current state.
    MethodNotAllowed,
    /// 408: the request took too long (known to the SDKs, not listed in the article).
    RequestTimeout,
    /// 409: the request conflicts with an existing resource or connection.
    Conflict,
    /// 412: a precondition (ETag, lock, job state) did not hold.
    PreconditionFailed,
    /// 413: the request or the resulting resource is too large.
    RequestEntityTooLarge,
    /// 415: the content type or data type is not supported.
    UnsupportedMediaType,
    /// 429: the hub is throttling the caller.
    TooManyRequests,
    /// 499: the client closed the request before the hub answered.
    ClientClosedRequest,
    /// 500: a fault inside IoT Hub.
    InternalServerError,
    /// 502: a gateway in front of the hub got a bad answer.
    BadGateway,
    /// 503: the hub (or a part of it) is temporarily unavailable.
    ServiceUnavailable,
    /// 504: a gateway timed out waiting for the hub or the device.
    GatewayTimeout,
}

impl ErrorClass {
    /// Every class, in HTTP-status order.
    pub const ALL: [ErrorClass; 16] = [
        ErrorClass::BadRequest,
        ErrorClass::Unauthorized,
        ErrorClass::Forbidden,
        ErrorClass::NotFound,
        ErrorClass::MethodNotAllowed,
        ErrorClass::RequestTimeout,
        ErrorClass::Conflict,
        ErrorClass::PreconditionFailed,
        ErrorClass::RequestEntityTooLarge,
        ErrorClass::UnsupportedMediaType,
        ErrorClass::TooManyRequests,
        ErrorClass::ClientClosedRequest,
        ErrorClass::InternalServerError,
        ErrorClass::BadGateway,
        ErrorClass::ServiceUnavailable,
        ErrorClass::GatewayTimeout,
    ];

    /// The class of an HTTP status, if IoT Hub uses that status for errors.
    pub const fn from_status(status: u16) -> Option<ErrorClass> {
        Some(match status {
            400 => ErrorClass::BadRequest,
            401 => ErrorClass::Unauthorized,
            403 => ErrorClass::Forbidden,
            404 => ErrorClass::NotFound,
            405 => ErrorClass::MethodNotAllowed,
            408 => ErrorClass::RequestTimeout,
            409 => ErrorClass::Conflict,
            412 => ErrorClass::PreconditionFailed,
            413 => ErrorClass::RequestEntityTooLarge,
            415 => ErrorClass::UnsupportedMediaType,
            429 => ErrorClass::TooManyRequests,
            499 => ErrorClass::ClientClosedRequest,
            500 => ErrorClass::InternalServerError,
            502 => ErrorClass::BadGateway,
            503 => ErrorClass::ServiceUnavailable,
            504 => ErrorClass::GatewayTimeout,
            _ => return None,
        })
    }

    /// The HTTP status this class stands for.
    pub const fn status(self) -> u16 {
        match self {
            ErrorClass::BadRequest => 400,
            ErrorClass::Unauthorized => 401,
            ErrorClass::Forbidden => 403,
            ErrorClass::NotFound => 404,
            ErrorClass::MethodNotAllowed => 405,
            ErrorClass::RequestTimeout => 408,
            ErrorClass::Conflict => 409,
            ErrorClass::PreconditionFailed => 412,
            ErrorClass::RequestEntityTooLarge => 413,
            ErrorClass::UnsupportedMediaType => 415,
            ErrorClass::TooManyRequests => 429,
            ErrorClass::ClientClosedRequest => 499,
            ErrorClass::InternalServerError => 500,
            ErrorClass::BadGateway => 502,
            ErrorClass::ServiceUnavailable => 503,
            ErrorClass::GatewayTimeout => 504,
        }
    }

    /// The class's name as it appears in JSON and in the conformance cases (e.g. `"TooManyRequests"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorClass::BadRequest => "BadRequest",
            ErrorClass::Unauthorized => "Unauthorized",
            ErrorClass::Forbidden => "Forbidden",
            ErrorClass::NotFound => "NotFound",
            ErrorClass::MethodNotAllowed => "MethodNotAllowed",
            ErrorClass::RequestTimeout => "RequestTimeout",
            ErrorClass::Conflict => "Conflict",
            ErrorClass::PreconditionFailed => "PreconditionFailed",
            ErrorClass::RequestEntityTooLarge => "RequestEntityTooLarge",
            ErrorClass::UnsupportedMediaType => "UnsupportedMediaType",
            ErrorClass::TooManyRequests => "TooManyRequests",
            ErrorClass::ClientClosedRequest => "ClientClosedRequest",
            ErrorClass::InternalServerError => "InternalServerError",
            ErrorClass::BadGateway => "BadGateway",
            ErrorClass::ServiceUnavailable => "ServiceUnavailable",
            ErrorClass::GatewayTimeout => "GatewayTimeout",
        }
    }
}

/// A section of the Microsoft article: a code prefix such as `4001` and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Family {
    /// The leading digits every code of the family shares, e.g. `"4001"`.
    pub prefix: &'static str,
    /// The article's section title, e.g. `"4001xx Routing"`.
    pub title: &'static str,
    /// The documentation link of the section.
    pub doc_url: &'static str,
}

/// What a caller should do about retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RetryAdvice {
    /// Retrying the same request fails until someone fixes the cause.
    DoNotRetry,
    /// Retry at once: the condition is known to clear immediately (e.g. upgrade fault injection).
    RetryNow,
    /// Retry with exponential backoff and jitter.
    Backoff {
        /// First delay in milliseconds.
        initial_ms: u32,
        /// Largest delay in milliseconds.
        max_ms: u32,
        /// Random spread applied to each delay, in percent.
        jitter_percent: u8,
    },
    /// Wait until the daily message quota resets at 00:00 UTC (or add units to the hub).
    AfterQuotaReset,
    /// Reconnect with a freshly generated SAS token or credential.
    ReconnectWithNewToken,
}

impl RetryAdvice {
    /// The advice's kind as it appears in JSON (`"backoff"`, `"do-not-retry"`, ...).
    pub const fn kind(&self) -> &'static str {
        match self {
            RetryAdvice::DoNotRetry => "do-not-retry",
            RetryAdvice::RetryNow => "retry-now",
            RetryAdvice::Backoff { .. } => "backoff",
            RetryAdvice::AfterQuotaReset => "after-quota-reset",
            RetryAdvice::ReconnectWithNewToken => "reconnect-with-new-token",
        }
    }

    /// One sentence a person can act on.
    pub fn describe(&self) -> String {
        match self {
            RetryAdvice::DoNotRetry => {
                "Do not retry: the same request fails until the cause is fixed.".into()
            }
            RetryAdvice::RetryNow => "Retry at once: this condition clears immediately.".into(),
            RetryAdvice::Backoff { initial_ms, max_ms, jitter_percent } => format!(
                "Retry with exponential backoff: start at {}, double up to {}, with ±{jitter_percent}% jitter.",
                human_ms(*initial_ms),
                human_ms(*max_ms)
            ),
            RetryAdvice::AfterQuotaReset => {
                "Retry after the daily quota resets at 00:00 UTC, or add units to the hub now.".into()
            }
            RetryAdvice::ReconnectWithNewToken => {
                "Reconnect with a newly generated SAS token or credential.".into()
            }
        }
    }
}

fn human_ms(ms: u32) -> String {
    if ms >= 60_000 && ms % 60_000 == 0 {
        format!("{} min", ms / 60_000)
    } else if ms >= 1000 && ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// Who has to act to resolve an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// The firmware or application running on the device (SDK use, retries, handlers).
    DeviceCode,
    /// Whoever runs the device in the field (network, clock, certificates, reboots).
    DeviceOperator,
    /// The service-side application that calls the hub's service APIs.
    BackEndApplication,
    /// Whoever configures the hub (tier, units, routing, policies, RBAC, storage).
    HubAdministrator,
    /// Microsoft: a fault inside the service.
    Azure,
}

impl Actor {
    /// The actor's name as it appears in JSON (`"device-code"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Actor::DeviceCode => "device-code",
            Actor::DeviceOperator => "device-operator",
            Actor::BackEndApplication => "back-end-application",
            Actor::HubAdministrator => "hub-administrator",
            Actor::Azure => "azure",
        }
    }
}

/// How bad an error is for the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Expected and self-healing (for example a token-renewal disconnect).
    Info,
    /// Transient or degrading; a retry usually clears it.
    Warning,
    /// The operation fails until someone changes something.
    Error,
    /// The whole hub or every device is affected.
    Critical,
}

impl Severity {
    /// The severity's name as it appears in JSON (`"warning"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }
}

/// Where an entry's code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Listed in Microsoft's troubleshooting article.
    Article,
    /// Known to the SDKs (and the service) but missing from the article.
    Sdk,
}

/// A list of catalog texts (causes, fixes, aliases, ...), in order.
///
/// The items are stored as one static string, separated by line breaks (no item has one): a list costs one
/// pointer and one length instead of a pointer and a length per item, which keeps the catalog's tables small
/// (most visibly in the npm package's WebAssembly). Iterating is free of allocation; it serializes as an
/// array of strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Texts(pub(crate) &'static str);

impl Texts {
    /// The empty list.
    pub const EMPTY: Texts = Texts("");

    /// The items, in order.
    pub fn iter(self) -> std::str::SplitTerminator<'static, char> {
        // Unlike `split`, `split_terminator` yields nothing for the empty string.
        self.0.split_terminator('\n')
    }

    /// Number of items.
    pub fn len(self) -> usize {
        self.iter().count()
    }

    /// True when the list has no item.
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for Texts {
    type Item = &'static str;
    type IntoIter = std::str::SplitTerminator<'static, char>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Serialize for Texts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// One error of the catalog, with everything needed to explain and handle it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The six-digit code; `None` for the article's two code-less rows.
    pub code: Option<u32>,
    /// The canonical name, as the service and the article spell it.
    pub name: &'static str,
    /// Other names seen in the wild that mean exactly this error.
    pub aliases: Texts,
    /// Other numbers that resolve to this entry (e.g. the article's mistyped 404102).
    pub alias_codes: &'static [u32],
    /// The article section the code belongs to.
    pub family: Option<&'static Family>,
    /// The HTTP-status class.
    pub class: ErrorClass,
    /// The HTTP status it comes with; `None` when it is only seen over AMQP/MQTT.
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
    pub summary: &'static str,
    /// Likely causes, most likely first.
    pub causes: Texts,
    /// Steps that fix it, in the order to try them.
    pub fixes: Texts,
    /// Codes worth reading next.
    pub related: &'static [u32],
    /// Why a disputed fact (number, transience) was decided the way it was.
    pub decision: Option<&'static str>,
    /// What a person sees when this error happens (in-depth entries only).
    pub symptoms: Texts,
    /// How to tell the causes apart (in-depth entries only).
    pub diagnosis: Texts,
    /// Hard limits that matter for this error (in-depth entries only).
    pub limits: Texts,
    /// Fragments of the service's own message texts (`*` stands for a variable part).
    pub messages: Texts,
    /// The SDK code tables that list this code (see [`crate::sdk`]).
    pub sdk_tables: &'static [crate::sdk::Sdk],
    /// Link to the documentation section.
    pub doc_url: &'static str,
}

impl Entry {
    /// The family's title, e.g. `"401xxx Unauthorized"`.
    pub fn family_title(&self) -> Option<&'static str> {
        self.family.map(|f| f.title)
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Entry", 25)?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("name", self.name)?;
        s.serialize_field("aliases", &self.aliases)?;
        s.serialize_field("alias_codes", self.alias_codes)?;
        s.serialize_field("family", &self.family_title())?;
        s.serialize_field("class", &self.class)?;
        s.serialize_field("http_status", &self.http_status)?;
        s.serialize_field("amqp_mqtt_only", &self.amqp_mqtt_only)?;
        s.serialize_field("transient", &self.transient)?;
        s.serialize_field("retry", &self.retry)?;
        s.serialize_field("actor", &self.actor)?;
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("source", &self.source)?;
        s.serialize_field("summary", self.summary)?;
        s.serialize_field("causes", &self.causes)?;
        s.serialize_field("fixes", &self.fixes)?;
        s.serialize_field("related", self.related)?;
        s.serialize_field("decision", &self.decision)?;
        s.serialize_field("symptoms", &self.symptoms)?;
        s.serialize_field("diagnosis", &self.diagnosis)?;
        s.serialize_field("limits", &self.limits)?;
        s.serialize_field("messages", &self.messages)?;
        s.serialize_field("sdk_views", &crate::sdk::views(self))?;
        s.serialize_field("doc_url", self.doc_url)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::Texts;

    #[test]
    fn texts_are_their_lines() {
        let three = Texts("first\nsecond, with more\nthird");
        assert_eq!(three.iter().collect::<Vec<_>>(), ["first", "second, with more", "third"]);
        assert_eq!((three.len(), three.is_empty()), (3, false));
        assert_eq!(serde_json::to_string(&three).unwrap(), r#"["first","second, with more","third"]"#);
        let one = Texts("only");
        assert_eq!((one.into_iter().collect::<Vec<_>>(), one.len()), (vec!["only"], 1));
        assert_eq!((Texts::EMPTY.iter().count(), Texts::EMPTY.len(), Texts::EMPTY.is_empty()), (0, 0, true));
        assert_eq!(serde_json::to_string(&Texts::EMPTY).unwrap(), "[]");
    }
}
