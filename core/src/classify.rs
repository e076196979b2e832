//! Classification of any code: from its catalog entry when listed, from its class and family otherwise.

use serde::Serialize;

use crate::catalog;
use crate::error::Error;
use crate::model::{Actor, Entry, ErrorClass, Family, RetryAdvice, Severity};
use crate::sdk::{self, SdkView};

/// What to make of a code: its class, whether it is transient, how to retry, who acts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Classification {
    /// The six-digit code, when there is one.
    pub code: Option<u32>,
    /// The catalog name, when the code is listed.
    pub name: Option<&'static str>,
    /// True when the code is listed in the catalog; false when classified from its class and family alone.
    pub known: bool,
    /// The HTTP-status class.
    pub class: ErrorClass,
    /// The HTTP status it comes with; null for AMQP/MQTT-only errors.
    pub http_status: Option<u16>,
    /// The title of the article section the code belongs to (e.g. "401xxx Unauthorized"), when its prefix is known.
    #[serde(serialize_with = "serialize_family")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<&'static str>"))]
    pub family: Option<&'static Family>,
    /// True when retrying the unchanged request can succeed.
    pub transient: bool,
    /// What a caller should do about retrying.
    pub retry: RetryAdvice,
    /// Who must act.
    pub actor: Actor,
    /// How bad it is.
    pub severity: Severity,
    /// What each SDK does with it by itself.
    pub sdk_views: [SdkView; 7],
}

fn serialize_family<S: serde::Serializer>(
    family: &Option<&'static Family>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    family.map(|f| f.title).serialize(serializer)
}

impl Classification {
    /// The classification carried by a catalog entry.
    pub fn of_entry(entry: &'static Entry) -> Classification {
        Classification {
            code: entry.code,
            name: Some(entry.name),
            known: true,
            class: entry.class,
            http_status: entry.http_status,
            family: entry.family,
            transient: entry.transient,
            retry: entry.retry,
            actor: entry.actor,
            severity: entry.severity,
            sdk_views: sdk::views(entry),
        }
    }

    /// The classification of a code the catalog does not list, from its class and family.
    fn of_unlisted(code: u32, class: ErrorClass) -> Classification {
        let defaults = ClassDefaults::of(class);
        Classification {
            code: Some(code),
            name: None,
            known: false,
            class,
            http_status: Some(class.status()),
            family: catalog::family_of(code),
            transient: defaults.transient,
            retry: defaults.retry,
            actor: defaults.actor,
            severity: defaults.severity,
            sdk_views: sdk::views_for(Some(code), class, &[]),
        }
    }
}

/// Classifies any six-digit IoT Hub code, listed or not.
///
/// Fails with [`Error::InvalidCode`] when the number has not six digits or does not start with an HTTP
/// error status that IoT Hub uses.
pub fn classify(code: u32) -> Result<Classification, Error> {
    let class = check_code(code)?;
    Ok(match catalog::find_code(code) {
        Some(entry) => Classification::of_entry(entry),
        None => Classification::of_unlisted(code, class),
    })
}

/// Checks that `code` is shaped like an IoT Hub code and returns its class.
pub(crate) fn check_code(code: u32) -> Result<ErrorClass, Error> {
    if !(100_000..=999_999).contains(&code) {
        return Err(Error::invalid_code(&code.to_string(), "codes have exactly six digits"));
    }
    let status = u16::try_from(code / 1000).unwrap_or(0);
    ErrorClass::from_status(status).ok_or_else(|| {
        Error::invalid_code(
            &code.to_string(),
            "the first three digits are not an HTTP error status IoT Hub uses",
        )
    })
}

/// What an unlisted code of a class is assumed to be.
struct ClassDefaults {
    transient: bool,
    retry: RetryAdvice,
    actor: Actor,
    severity: Severity,
}

impl ClassDefaults {
    const fn of(class: ErrorClass) -> ClassDefaults {
        const fn fixed(actor: Actor) -> ClassDefaults {
            ClassDefaults {
                transient: false,
                retry: RetryAdvice::DoNotRetry,
                actor,
                severity: Severity::Error,
            }
        }
        const fn backoff(initial_ms: u32, max_ms: u32, actor: Actor) -> ClassDefaults {
            ClassDefaults {
                transient: true,
                retry: RetryAdvice::Backoff { initial_ms, max_ms, jitter_percent: 20 },
                actor,
                severity: Severity::Warning,
            }
        }
        match class {
            ErrorClass::BadRequest
            | ErrorClass::NotFound
            | ErrorClass::MethodNotAllowed
            | ErrorClass::Conflict
            | ErrorClass::PreconditionFailed
            | ErrorClass::RequestEntityTooLarge
            | ErrorClass::UnsupportedMediaType => fixed(Actor::BackEndApplication),
            ErrorClass::Unauthorized | ErrorClass::Forbidden => fixed(Actor::HubAdministrator),
            ErrorClass::RequestTimeout | ErrorClass::ClientClosedRequest => {
                backoff(1_000, 30_000, Actor::DeviceCode)
            }
            ErrorClass::TooManyRequests => backoff(10_000, 120_000, Actor::BackEndApplication),
            ErrorClass::InternalServerError
            | ErrorClass::BadGateway
            | ErrorClass::ServiceUnavailable
            | ErrorClass::GatewayTimeout => backoff(1_000, 60_000, Actor::Azure),
        }
    }
}
