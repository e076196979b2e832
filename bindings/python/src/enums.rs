//! The enumerations. Every member compares equal to its JSON name (`ErrorClass.TooManyRequests ==
//! "TooManyRequests"`, `Severity.WARNING == "warning"`) and hashes like it, so members and plain strings
//! are interchangeable as dict keys and in comparisons. Members of one enumeration are ordered as declared
//! (`Severity.ERROR > Severity.WARNING`).
//!
//! Member names: where the JSON names are identifiers (`ErrorClass`, `Service`) the members are named after
//! them; elsewhere (kebab-case JSON names such as `device-code`) they are UPPER_SNAKE_CASE (`DEVICE_CODE`).

use iothub_errors::diagnose::FindingKind as CoreFindingKind;
use iothub_errors::logs::{Format, SkipReason as CoreSkipReason};
use iothub_errors::sdk::Sdk as CoreSdk;
use iothub_errors::{
    Actor as CoreActor, ErrorClass as CoreErrorClass, Evidence as CoreEvidence, MatchKind as CoreMatchKind,
    RetryAdvice, Service as CoreService, Severity as CoreSeverity, Source as CoreSource,
};
use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Defines a Python enumeration over a core enum: members, `value`, `__str__`, `__repr__`, comparison with
/// members and strings, a hash equal to the value's, and the conversion from the core type.
macro_rules! str_enum {
    (
        $(#[$meta:meta])*
        $name:ident as $python_name:literal from $core:ty {
            $( $(#[$member_meta:meta])* $member:ident as $python_member:literal = $core_pattern:pat => $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "iothub_errors", name = $python_name)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$member_meta])* #[pyo3(name = $python_member)] $member ),+
        }

        impl $name {
            /// The JSON name of the member.
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$member => $value ),+ }
            }

            /// The member for a core value.
            pub fn of(core: &$core) -> $name {
                match core { $( $core_pattern => $name::$member ),+ }
            }

            /// The Python name of the member (`Severity.WARNING`).
            const fn member_name(self) -> &'static str {
                match self { $( $name::$member => $python_member ),+ }
            }
        }

        #[pymethods]
        impl $name {
            /// The JSON name of the member (what it compares equal to).
            #[getter]
            fn value(&self) -> &'static str {
                self.as_str()
            }

            fn __str__(&self) -> &'static str {
                self.as_str()
            }

            fn __repr__(&self) -> String {
                format!("<{}.{}: '{}'>", $python_name, self.member_name(), self.as_str())
            }

            fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
                PyString::new(py, self.as_str()).hash()
            }

            fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
                crate::enums::compare(other.py(), self.as_str(), *self as u8, other, op, |other| {
                    other.cast::<$name>().ok().map(|member| *member.get() as u8)
                })
            }
        }
    };
}

/// Compares a member (its value and position) with a member of the same enumeration or a string.
pub(crate) fn compare(
    py: Python<'_>,
    value: &str,
    position: u8,
    other: &Bound<'_, PyAny>,
    op: CompareOp,
    same_enum: impl Fn(&Bound<'_, PyAny>) -> Option<u8>,
) -> PyResult<Py<PyAny>> {
    if let Some(other_position) = same_enum(other) {
        return Ok(op
            .matches(position.cmp(&other_position))
            .into_pyobject(py)?
            .to_owned()
            .into_any()
            .unbind());
    }
    if let Ok(text) = other.cast::<PyString>() {
        let equal = text.to_cow().is_ok_and(|text| text == value);
        return match op {
            CompareOp::Eq => Ok(equal.into_pyobject(py)?.to_owned().into_any().unbind()),
            CompareOp::Ne => Ok((!equal).into_pyobject(py)?.to_owned().into_any().unbind()),
            _ => Ok(py.NotImplemented()),
        };
    }
    Ok(py.NotImplemented())
}

str_enum! {
    /// The HTTP-status class of an error code: the meaning of its first three digits.
    ErrorClass as "ErrorClass" from CoreErrorClass {
        BadRequest as "BadRequest" = CoreErrorClass::BadRequest => "BadRequest",
        Unauthorized as "Unauthorized" = CoreErrorClass::Unauthorized => "Unauthorized",
        Forbidden as "Forbidden" = CoreErrorClass::Forbidden => "Forbidden",
        NotFound as "NotFound" = CoreErrorClass::NotFound => "NotFound",
        MethodNotAllowed as "MethodNotAllowed" = CoreErrorClass::MethodNotAllowed => "MethodNotAllowed",
        RequestTimeout as "RequestTimeout" = CoreErrorClass::RequestTimeout => "RequestTimeout",
        Conflict as "Conflict" = CoreErrorClass::Conflict => "Conflict",
        PreconditionFailed as "PreconditionFailed" = CoreErrorClass::PreconditionFailed => "PreconditionFailed",
        RequestEntityTooLarge as "RequestEntityTooLarge" = CoreErrorClass::RequestEntityTooLarge => "RequestEntityTooLarge",
        UnsupportedMediaType as "UnsupportedMediaType" = CoreErrorClass::UnsupportedMediaType => "UnsupportedMediaType",
        TooManyRequests as "TooManyRequests" = CoreErrorClass::TooManyRequests => "TooManyRequests",
        ClientClosedRequest as "ClientClosedRequest" = CoreErrorClass::ClientClosedRequest => "ClientClosedRequest",
        InternalServerError as "InternalServerError" = CoreErrorClass::InternalServerError => "InternalServerError",
        BadGateway as "BadGateway" = CoreErrorClass::BadGateway => "BadGateway",
        ServiceUnavailable as "ServiceUnavailable" = CoreErrorClass::ServiceUnavailable => "ServiceUnavailable",
        GatewayTimeout as "GatewayTimeout" = CoreErrorClass::GatewayTimeout => "GatewayTimeout",
    }
}

str_enum! {
    /// What kind of retry advice applies (see `RetryAdvice`).
    RetryKind as "RetryKind" from RetryAdvice {
        DoNotRetry as "DO_NOT_RETRY" = RetryAdvice::DoNotRetry => "do-not-retry",
        RetryNow as "RETRY_NOW" = RetryAdvice::RetryNow => "retry-now",
        Backoff as "BACKOFF" = RetryAdvice::Backoff { .. } => "backoff",
        AfterQuotaReset as "AFTER_QUOTA_RESET" = RetryAdvice::AfterQuotaReset => "after-quota-reset",
        ReconnectWithNewToken as "RECONNECT_WITH_NEW_TOKEN" = RetryAdvice::ReconnectWithNewToken => "reconnect-with-new-token",
    }
}

str_enum! {
    /// Who has to act to resolve an error.
    Actor as "Actor" from CoreActor {
        DeviceCode as "DEVICE_CODE" = CoreActor::DeviceCode => "device-code",
        DeviceOperator as "DEVICE_OPERATOR" = CoreActor::DeviceOperator => "device-operator",
        BackEndApplication as "BACK_END_APPLICATION" = CoreActor::BackEndApplication => "back-end-application",
        HubAdministrator as "HUB_ADMINISTRATOR" = CoreActor::HubAdministrator => "hub-administrator",
        Azure as "AZURE" = CoreActor::Azure => "azure",
    }
}

str_enum! {
    /// How bad an error or a finding is; members are ordered from `INFO` to `CRITICAL`.
    Severity as "Severity" from CoreSeverity {
        Info as "INFO" = CoreSeverity::Info => "info",
        Warning as "WARNING" = CoreSeverity::Warning => "warning",
        Error as "ERROR" = CoreSeverity::Error => "error",
        Critical as "CRITICAL" = CoreSeverity::Critical => "critical",
    }
}

str_enum! {
    /// Where a catalog entry's code comes from: Microsoft's article or the SDKs only.
    Source as "Source" from CoreSource {
        Article as "ARTICLE" = CoreSource::Article => "article",
        Sdk as "SDK" = CoreSource::Sdk => "sdk",
    }
}

str_enum! {
    /// An Azure IoT SDK whose behaviour the catalog describes.
    Sdk as "Sdk" from CoreSdk {
        CsharpServiceV1 as "CSHARP_SERVICE_V1" = CoreSdk::CsharpServiceV1 => "csharp-service-v1",
        CsharpServiceV2 as "CSHARP_SERVICE_V2" = CoreSdk::CsharpServiceV2 => "csharp-service-v2",
        JavaService as "JAVA_SERVICE" = CoreSdk::JavaService => "java-service",
        JavaDevice as "JAVA_DEVICE" = CoreSdk::JavaDevice => "java-device",
        Node as "NODE" = CoreSdk::Node => "node",
        PythonDevice as "PYTHON_DEVICE" = CoreSdk::PythonDevice => "python-device",
        CDevice as "C_DEVICE" = CoreSdk::CDevice => "c-device",
    }
}

str_enum! {
    /// How `resolve` matched its input.
    MatchKind as "MatchKind" from CoreMatchKind {
        Code as "CODE" = CoreMatchKind::Code => "code",
        AliasCode as "ALIAS_CODE" = CoreMatchKind::AliasCode => "alias-code",
        UnlistedCode as "UNLISTED_CODE" = CoreMatchKind::UnlistedCode => "unlisted-code",
        Name as "NAME" = CoreMatchKind::Name => "name",
        Alias as "ALIAS" = CoreMatchKind::Alias => "alias",
    }
}

str_enum! {
    /// The service an error found by `scan` comes from.
    Service as "Service" from CoreService {
        IotHub as "IotHub" = CoreService::IotHub => "IotHub",
        Dps as "Dps" = CoreService::Dps => "Dps",
    }
}

str_enum! {
    /// The kind of text a scan finding rests on.
    Evidence as "Evidence" from CoreEvidence {
        NumericCode as "NUMERIC_CODE" = CoreEvidence::NumericCode => "numeric-code",
        ErrorCodeName as "ERROR_CODE_NAME" = CoreEvidence::ErrorCodeName => "error-code-name",
        JsonErrorCode as "JSON_ERROR_CODE" = CoreEvidence::JsonErrorCode => "json-error-code",
        SdkException as "SDK_EXCEPTION" = CoreEvidence::SdkException => "sdk-exception",
        AmqpCondition as "AMQP_CONDITION" = CoreEvidence::AmqpCondition => "amqp-condition",
        MqttConnack as "MQTT_CONNACK" = CoreEvidence::MqttConnack => "mqtt-connack",
        CSdkReason as "C_SDK_REASON" = CoreEvidence::CSdkReason => "c-sdk-reason",
        HttpStatus as "HTTP_STATUS" = CoreEvidence::HttpStatus => "http-status",
        ServiceMessage as "SERVICE_MESSAGE" = CoreEvidence::ServiceMessage => "service-message",
        AzureMonitorField as "AZURE_MONITOR_FIELD" = CoreEvidence::AzureMonitorField => "azure-monitor-field",
        DocLink as "DOC_LINK" = CoreEvidence::DocLink => "doc-link",
    }
}

str_enum! {
    /// The patterns fleet diagnosis looks for.
    FindingKind as "FindingKind" from CoreFindingKind {
        SasTokenRenewal as "SAS_TOKEN_RENEWAL" = CoreFindingKind::SasTokenRenewal => "sas-token-renewal",
        NetworkDisconnect as "NETWORK_DISCONNECT" = CoreFindingKind::NetworkDisconnect => "network-disconnect",
        MassDisconnect as "MASS_DISCONNECT" = CoreFindingKind::MassDisconnect => "mass-disconnect",
        LinkConflictSideEffect as "LINK_CONFLICT_SIDE_EFFECT" = CoreFindingKind::LinkConflictSideEffect => "link-conflict-side-effect",
        DuplicateIdentity as "DUPLICATE_IDENTITY" = CoreFindingKind::DuplicateIdentity => "duplicate-identity",
        TimeDrift as "TIME_DRIFT" = CoreFindingKind::TimeDrift => "time-drift",
        ThrottlingBurst as "THROTTLING_BURST" = CoreFindingKind::ThrottlingBurst => "throttling-burst",
        QuotaExceeded as "QUOTA_EXCEEDED" = CoreFindingKind::QuotaExceeded => "quota-exceeded",
        FileUploadLimit as "FILE_UPLOAD_LIMIT" = CoreFindingKind::FileUploadLimit => "file-upload-limit",
        C2dLockLost as "C2D_LOCK_LOST" = CoreFindingKind::C2dLockLost => "c2d-lock-lost",
        C2dQueueFull as "C2D_QUEUE_FULL" = CoreFindingKind::C2dQueueFull => "c2d-queue-full",
        DeviceOffline as "DEVICE_OFFLINE" = CoreFindingKind::DeviceOffline => "device-offline",
        DeviceNotOnline as "DEVICE_NOT_ONLINE" = CoreFindingKind::DeviceNotOnline => "device-not-online",
    }
}

str_enum! {
    /// The log export shapes the readers understand.
    LogFormat as "LogFormat" from Format {
        StorageJsonLines as "STORAGE_JSON_LINES" = Format::StorageJsonLines => "storage-json-lines",
        EventHubsRecords as "EVENT_HUBS_RECORDS" = Format::EventHubsRecords => "event-hubs-records",
        AzureDiagnosticsCsv as "AZURE_DIAGNOSTICS_CSV" = Format::AzureDiagnosticsCsv => "azure-diagnostics-csv",
        LogAnalyticsJson as "LOG_ANALYTICS_JSON" = Format::LogAnalyticsJson => "log-analytics-json",
        EventGrid as "EVENT_GRID" = Format::EventGrid => "event-grid",
        OperationsMonitoring as "OPERATIONS_MONITORING" = Format::OperationsMonitoring => "operations-monitoring",
    }
}

str_enum! {
    /// Why part of a log could not be read.
    SkipReason as "SkipReason" from CoreSkipReason {
        NotJson as "NOT_JSON" = CoreSkipReason::NotJson => "not-json",
        MalformedJson as "MALFORMED_JSON" = CoreSkipReason::MalformedJson => "malformed-json",
        NotAnObject as "NOT_AN_OBJECT" = CoreSkipReason::NotAnObject => "not-an-object",
        NotALogRecord as "NOT_A_LOG_RECORD" = CoreSkipReason::NotALogRecord => "not-a-log-record",
        TooLarge as "TOO_LARGE" = CoreSkipReason::TooLarge => "too-large",
        MalformedCsv as "MALFORMED_CSV" = CoreSkipReason::MalformedCsv => "malformed-csv",
        UnknownFormat as "UNKNOWN_FORMAT" = CoreSkipReason::UnknownFormat => "unknown-format",
    }
}

/// Registers every enumeration on the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<ErrorClass>()?;
    module.add_class::<RetryKind>()?;
    module.add_class::<Actor>()?;
    module.add_class::<Severity>()?;
    module.add_class::<Source>()?;
    module.add_class::<Sdk>()?;
    module.add_class::<MatchKind>()?;
    module.add_class::<Service>()?;
    module.add_class::<Evidence>()?;
    module.add_class::<FindingKind>()?;
    module.add_class::<LogFormat>()?;
    module.add_class::<SkipReason>()
}
