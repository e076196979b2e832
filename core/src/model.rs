//! The vocabulary of the catalog: entries, families, classes, retry advice, actors and severities.
//!
//! Every type here is plain data. Catalog entries are `'static` and live in the generated tables of
//! [`crate::catalog`]; nothing here allocates.

use serde::{Serialize, Serializer};

named_enum! {
    /// The HTTP-status class of an error code: the meaning of its first three digits.
    pub enum ErrorClass {
        /// 400: the request is malformed or not valid for the target.
        BadRequest = "BadRequest",
        /// 401: the caller's credentials were missing, wrong or expired.
        Unauthorized = "Unauthorized",
        /// 403: the caller is known but a limit, quota or state forbids the operation.
        Forbidden = "Forbidden",
        /// 404: the target (device, module, job, hub, ...) does not exist or is not reachable.
        NotFound = "NotFound",
        /// 405: the operation is not allowed on this resource or in its current state.
        MethodNotAllowed = "MethodNotAllowed",
        /// 408: the request took too long (known to the SDKs, not listed in the article).
        RequestTimeout = "RequestTimeout",
        /// 409: the request conflicts with an existing resource or connection.
        Conflict = "Conflict",
        /// 412: a precondition (ETag, lock, job state) did not hold.
        PreconditionFailed = "PreconditionFailed",
        /// 413: the request or the resulting resource is too large.
        RequestEntityTooLarge = "RequestEntityTooLarge",
        /// 415: the content type or data type is not supported.
        UnsupportedMediaType = "UnsupportedMediaType",
        /// 429: the hub is throttling the caller.
        TooManyRequests = "TooManyRequests",
        /// 499: the client closed the request before the hub answered.
        ClientClosedRequest = "ClientClosedRequest",
        /// 500: a fault inside IoT Hub.
        InternalServerError = "InternalServerError",
        /// 502: a gateway in front of the hub got a bad answer.
        BadGateway = "BadGateway",
        /// 503: the hub (or a part of it) is temporarily unavailable.
        ServiceUnavailable = "ServiceUnavailable",
        /// 504: a gateway timed out waiting for the hub or the device.
        GatewayTimeout = "GatewayTimeout",
    }
}

impl ErrorClass {
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
}

/// A section of the Microsoft article: a code prefix such as `4001` and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Family {
    /// The leading digits every code of the family shares, e.g. `"4001"`.
    pub prefix: &'static str,
    /// The article's section title, e.g. `"4001xx Routing"`.
    pub title: &'static str,
    /// The documentation link of the section.
    pub doc_url: &'static str,
}

named_enum! {
    /// The kind of a [`RetryAdvice`]: the `kind` member of its JSON.
    pub enum RetryKind {
        /// Do not retry: the same request fails until someone fixes the cause.
        DoNotRetry = "do-not-retry",
        /// Retry at once: the condition clears immediately (e.g. upgrade fault injection).
        RetryNow = "retry-now",
        /// Retry with exponential backoff and jitter (`initial_ms`, `max_ms`, `jitter_percent`).
        Backoff = "backoff",
        /// Wait until the daily message quota resets at 00:00 UTC, or add units to the hub.
        AfterQuotaReset = "after-quota-reset",
        /// Reconnect with a freshly generated SAS token or credential.
        ReconnectWithNewToken = "reconnect-with-new-token",
    }
}

/// What a caller should do about retrying.
///
/// It serializes as `{"kind": <RetryKind>}`, and a backoff also carries `initial_ms`, `max_ms` and
/// `jitter_percent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The advice's kind (`RetryKind::Backoff.as_str()` is `"backoff"`).
    pub const fn kind(&self) -> RetryKind {
        match self {
            RetryAdvice::DoNotRetry => RetryKind::DoNotRetry,
            RetryAdvice::RetryNow => RetryKind::RetryNow,
            RetryAdvice::Backoff { .. } => RetryKind::Backoff,
            RetryAdvice::AfterQuotaReset => RetryKind::AfterQuotaReset,
            RetryAdvice::ReconnectWithNewToken => RetryKind::ReconnectWithNewToken,
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

impl Serialize for RetryAdvice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("RetryAdvice", 4)?;
        s.serialize_field("kind", &self.kind())?;
        if let RetryAdvice::Backoff { initial_ms, max_ms, jitter_percent } = self {
            s.serialize_field("initial_ms", initial_ms)?;
            s.serialize_field("max_ms", max_ms)?;
            s.serialize_field("jitter_percent", jitter_percent)?;
        }
        s.end()
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

named_enum! {
    /// Who has to act to resolve an error.
    pub enum Actor {
        /// The firmware or application running on the device (SDK use, retries, handlers).
        DeviceCode = "device-code",
        /// Whoever runs the device in the field (network, clock, certificates, reboots).
        DeviceOperator = "device-operator",
        /// The service-side application that calls the hub's service APIs.
        BackEndApplication = "back-end-application",
        /// Whoever configures the hub (tier, units, routing, policies, RBAC, storage).
        HubAdministrator = "hub-administrator",
        /// Microsoft: a fault inside the service.
        Azure = "azure",
    }
}

named_enum! {
    /// How bad an error is for the fleet.
    pub enum Severity {
        /// Expected and self-healing (for example a token-renewal disconnect).
        Info = "info",
        /// Transient or degrading; a retry usually clears it.
        Warning = "warning",
        /// The operation fails until someone changes something.
        Error = "error",
        /// The whole hub or every device is affected.
        Critical = "critical",
    }
}

named_enum! {
    /// Where an entry's code comes from.
    pub enum Source {
        /// Listed in Microsoft's troubleshooting article.
        Article = "article",
        /// Known to the SDKs (and the service) but missing from the article.
        Sdk = "sdk",
    }
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
        EntryJson::of(self).serialize(serializer)
    }
}

// The JSON shape of an `Entry`: the family as its title, the SDK views computed, the SDK tables left out. It is
// the one definition of that shape; the JSON Schema, and from it every binding's type, derives from it.
/// One error of the catalog, with everything needed to explain and handle it.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(rename = "Entry"))]
pub(crate) struct EntryJson {
    /// The six-digit code; null for the article's two code-less rows.
    code: Option<u32>,
    /// The canonical name, as the service spells it.
    name: &'static str,
    /// Other spellings and SDK exception names that mean exactly this error.
    aliases: Texts,
    /// Other numbers that resolve to this entry (404102 resolves to 404103).
    alias_codes: &'static [u32],
    /// The title of the article section, e.g. "4001xx Routing".
    family: Option<&'static str>,
    /// The HTTP-status class.
    class: ErrorClass,
    /// The HTTP status; null when the error is only seen over AMQP/MQTT.
    http_status: Option<u16>,
    /// True when the error only reaches clients as an AMQP/MQTT disconnect or link error.
    amqp_mqtt_only: bool,
    /// True when retrying the unchanged request can succeed.
    transient: bool,
    /// What a caller should do about retrying.
    retry: RetryAdvice,
    /// Who must act.
    actor: Actor,
    /// How bad it is.
    severity: Severity,
    /// Whether the code comes from the article or only from the SDKs.
    source: Source,
    /// One line saying what went wrong.
    summary: &'static str,
    /// Likely causes, most likely first.
    causes: Texts,
    /// Steps that fix it, in the order to try them.
    fixes: Texts,
    /// Codes worth reading next.
    related: &'static [u32],
    /// Why a disputed fact (number, transience) was decided the way it was.
    decision: Option<&'static str>,
    /// What a person sees when this error happens (in-depth entries only).
    symptoms: Texts,
    /// How to tell the causes apart (in-depth entries only).
    diagnosis: Texts,
    /// Hard limits that matter for this error (in-depth entries only).
    limits: Texts,
    /// Fragments of the service's own message texts (`*` stands for a variable part).
    messages: Texts,
    /// What each SDK does with this error by itself.
    sdk_views: [crate::sdk::SdkView; 7],
    /// Link to the documentation section.
    doc_url: &'static str,
    /// KQL that finds the error in the user's own Log Analytics workspace.
    kql: crate::kql::EntryQueries,
}

impl EntryJson {
    /// The JSON shape of `entry`.
    fn of(entry: &Entry) -> EntryJson {
        EntryJson {
            code: entry.code,
            name: entry.name,
            aliases: entry.aliases,
            alias_codes: entry.alias_codes,
            family: entry.family_title(),
            class: entry.class,
            http_status: entry.http_status,
            amqp_mqtt_only: entry.amqp_mqtt_only,
            transient: entry.transient,
            retry: entry.retry,
            actor: entry.actor,
            severity: entry.severity,
            source: entry.source,
            summary: entry.summary,
            causes: entry.causes,
            fixes: entry.fixes,
            related: entry.related,
            decision: entry.decision,
            symptoms: entry.symptoms,
            diagnosis: entry.diagnosis,
            limits: entry.limits,
            messages: entry.messages,
            sdk_views: crate::sdk::views(entry),
            doc_url: entry.doc_url,
            kql: crate::kql::entry_queries(entry, &crate::kql::KqlTable::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Texts;
    use crate::{ErrorClass, ErrorKind, RetryKind, Severity};

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

    /// `named_enum!` (crate `iothub-errors-records`) as the core's enums use it.
    #[test]
    fn names_round_trip_and_are_what_json_carries() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(RetryKind::ALL.map(RetryKind::as_str)[2], "backoff");
        assert_eq!(ErrorClass::from_name("TooManyRequests"), Some(ErrorClass::TooManyRequests));
        assert_eq!((ErrorClass::ALL.len(), ErrorClass::from_name("toomanyrequests")), (16, None));
        assert!(Severity::Info < Severity::Warning && Severity::Error < Severity::Critical);
        assert_eq!(Severity::Critical.to_string(), "critical");
    }
}
