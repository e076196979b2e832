//! The binding's enums: one mirror per core enum, with the core's stable JSON identifier behind `id()`.
//!
//! Kotlin shows the variants in upper snake case (`ErrorClass.TOO_MANY_REQUESTS`), Swift in lower camel case
//! (`.tooManyRequests`); `id()` gives the name that the core's JSON, the CLI and every binding use
//! (`"TooManyRequests"`, `"device-code"`, `"numeric-code"`, ...).

/// Declares a field-less mirror of a core enum: the uniffi enum, the conversion from the core and `id()`.
/// The match in `From` has no wildcard, so a variant added to the core stops the build until it is mirrored.
macro_rules! mirror_enum {
    (
        $(#[$meta:meta])*
        $name:ident mirrors $core:path {
            $( $(#[$variant_meta:meta])* $variant:ident => $id:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl From<$core> for $name {
            fn from(value: $core) -> $name {
                type Core = $core;
                match value {
                    $( Core::$variant => $name::$variant, )+
                }
            }
        }

        #[cfg(test)]
        impl $name {
            /// Every core value, for the tests that compare `id()` with the core's JSON names.
            fn core_values() -> Vec<$core> {
                type Core = $core;
                vec![$( Core::$variant, )+]
            }
        }

        #[uniffi::export]
        impl $name {
            /// The stable identifier, as in the core's JSON and in every binding.
            pub fn id(&self) -> String {
                match self {
                    $( $name::$variant => $id, )+
                }
                .to_owned()
            }
        }
    };
}

mirror_enum! {
    /// The HTTP-status class of an error code: the meaning of its first three digits.
    ErrorClass mirrors iothub_errors::ErrorClass {
        /// 400: the request is malformed or not valid for the target.
        BadRequest => "BadRequest",
        /// 401: the caller's credentials were missing, wrong or expired.
        Unauthorized => "Unauthorized",
        /// 403: the caller is known but a limit, quota or state forbids the operation.
        Forbidden => "Forbidden",
        /// 404: the target (device, module, job, hub, ...) does not exist or is not reachable.
        NotFound => "NotFound",
        /// 405: the operation is not allowed on this resource or in its current state.
        MethodNotAllowed => "MethodNotAllowed",
        /// 408: the request took too long (known to the SDKs, not listed in the article).
        RequestTimeout => "RequestTimeout",
        /// 409: the request conflicts with an existing resource or connection.
        Conflict => "Conflict",
        /// 412: a precondition (ETag, lock, job state) did not hold.
        PreconditionFailed => "PreconditionFailed",
        /// 413: the request or the resulting resource is too large.
        RequestEntityTooLarge => "RequestEntityTooLarge",
        /// 415: the content type or data type is not supported.
        UnsupportedMediaType => "UnsupportedMediaType",
        /// 429: the hub is throttling the caller.
        TooManyRequests => "TooManyRequests",
        /// 499: the client closed the request before the hub answered.
        ClientClosedRequest => "ClientClosedRequest",
        /// 500: a fault inside IoT Hub.
        InternalServerError => "InternalServerError",
        /// 502: a gateway in front of the hub got a bad answer.
        BadGateway => "BadGateway",
        /// 503: the hub (or a part of it) is temporarily unavailable.
        ServiceUnavailable => "ServiceUnavailable",
        /// 504: a gateway timed out waiting for the hub or the device.
        GatewayTimeout => "GatewayTimeout",
    }
}

mirror_enum! {
    /// Who has to act to resolve an error.
    Actor mirrors iothub_errors::Actor {
        /// The firmware or application running on the device (SDK use, retries, handlers).
        DeviceCode => "device-code",
        /// Whoever runs the device in the field (network, clock, certificates, reboots).
        DeviceOperator => "device-operator",
        /// The service-side application that calls the hub's service APIs.
        BackEndApplication => "back-end-application",
        /// Whoever configures the hub (tier, units, routing, policies, RBAC, storage).
        HubAdministrator => "hub-administrator",
        /// Microsoft: a fault inside the service.
        Azure => "azure",
    }
}

mirror_enum! {
    /// How bad an error is for the fleet.
    Severity mirrors iothub_errors::Severity {
        /// Expected and self-healing (for example a token-renewal disconnect).
        Info => "info",
        /// Transient or degrading; a retry usually clears it.
        Warning => "warning",
        /// The operation fails until someone changes something.
        Error => "error",
        /// The whole hub or every device is affected.
        Critical => "critical",
    }
}

mirror_enum! {
    /// Where an entry's code comes from.
    Source mirrors iothub_errors::Source {
        /// Listed in Microsoft's troubleshooting article.
        Article => "article",
        /// Known to the SDKs (and the service) but missing from the article.
        Sdk => "sdk",
    }
}

mirror_enum! {
    /// An Azure IoT SDK (client flavour) whose behaviour the catalog describes.
    Sdk mirrors iothub_errors::sdk::Sdk {
        /// .NET `Microsoft.Azure.Devices` v1 (service client; the device client maps statuses the same way).
        CsharpServiceV1 => "csharp-service-v1",
        /// .NET `Microsoft.Azure.Devices` v2 preview service client (`IotHubServiceException`).
        CsharpServiceV2 => "csharp-service-v2",
        /// Java service SDK (`azure-iot-service-sdk-java`).
        JavaService => "java-service",
        /// Java device SDK (`azure-iot-sdk-java`, `IotHubStatusCode`).
        JavaDevice => "java-device",
        /// Node.js service and device SDKs (`azure-iothub`, `azure-iot-device`).
        Node => "node",
        /// Python device SDK (`azure-iot-device`).
        PythonDevice => "python-device",
        /// C device SDK (`azure-iot-sdk-c`).
        CDevice => "c-device",
    }
}

mirror_enum! {
    /// How the input of `resolve` matched.
    MatchKind mirrors iothub_errors::MatchKind {
        /// A six-digit code listed in the catalog.
        Code => "code",
        /// A number that the catalog maps to another code (e.g. 404102 → 404103).
        AliasCode => "alias-code",
        /// A well-formed code the catalog does not list, classified by its class and family.
        UnlistedCode => "unlisted-code",
        /// The canonical name of an entry.
        Name => "name",
        /// An alias of an entry (another spelling or an SDK exception name).
        Alias => "alias",
    }
}

mirror_enum! {
    /// The service an error found by `scan` comes from.
    Service mirrors iothub_errors::Service {
        /// Azure IoT Hub: the catalog applies.
        IotHub => "IotHub",
        /// The Device Provisioning Service: its six-digit codes are not IoT Hub codes.
        Dps => "Dps",
    }
}

mirror_enum! {
    /// The kind of text a scan finding rests on.
    Evidence mirrors iothub_errors::Evidence {
        /// A six-digit code with a word around it saying it is an error code (`error code 404001`).
        NumericCode => "numeric-code",
        /// An error name: `ErrorCode:DeviceNotFound;`, an `iothub-errorcode` header, or a catalog name alone.
        ErrorCodeName => "error-code-name",
        /// An `errorCode` member of a JSON error body (`{"errorCode":404103,...}`).
        JsonErrorCode => "json-error-code",
        /// An SDK exception or error class (`DeviceNotFoundException`, `ThrottlingError`).
        SdkException => "sdk-exception",
        /// An AMQP error condition (`amqp:unauthorized-access`).
        AmqpCondition => "amqp-condition",
        /// An MQTT CONNACK refusal (`Connection Refused, not authorized`).
        MqttConnack => "mqtt-connack",
        /// A C SDK connection status reason (`IOTHUB_CLIENT_CONNECTION_EXPIRED_SAS_TOKEN`).
        CSdkReason => "c-sdk-reason",
        /// An HTTP status line or status code alone (`HTTP/1.1 429 Too Many Requests`).
        HttpStatus => "http-status",
        /// A service message text from the catalog.
        ServiceMessage => "service-message",
        /// An Azure Monitor field (`"resultType":"404104"`).
        AzureMonitorField => "azure-monitor-field",
        /// A documentation link (`aka.ms/iothub404103`).
        DocLink => "doc-link",
    }
}

mirror_enum! {
    /// The patterns fleet diagnosis looks for.
    FindingKind mirrors iothub_errors::diagnose::FindingKind {
        /// The benign SAS-token renewal cycle (401003 → 404104 → reconnect, or quiet renewal reconnects).
        SasTokenRenewal => "sas-token-renewal",
        /// 404104 without a token expiry before it: network loss, keep-alive timeout, reset or crash.
        NetworkDisconnect => "network-disconnect",
        /// Many devices dropped at once with 500xxx/404104: a transient fault on the service side.
        MassDisconnect => "mass-disconnect",
        /// 409002 caused by a reconnect; the finding names the root cause.
        LinkConflictSideEffect => "link-conflict-side-effect",
        /// Two clients share one device identity (400027, alternating connects).
        DuplicateIdentity => "duplicate-identity",
        /// A device whose every connect is now refused with 401003 while peers are fine.
        TimeDrift => "time-drift",
        /// A burst of 429xxx throttling errors.
        ThrottlingBurst => "throttling-burst",
        /// The daily message quota is exhausted (403002).
        QuotaExceeded => "quota-exceeded",
        /// A device hit the limit of concurrent file uploads (403006).
        FileUploadLimit => "file-upload-limit",
        /// C2D messages completed after their lock expired and were redelivered (412002).
        C2dLockLost => "c2d-lock-lost",
        /// A device's C2D queue is full (403004).
        C2dQueueFull => "c2d-queue-full",
        /// A device disconnected and did not come back.
        DeviceOffline => "device-offline",
        /// Direct methods were sent to a device that was not connected (404103).
        DeviceNotOnline => "device-not-online",
    }
}

mirror_enum! {
    /// The log export shapes the diagnoser reads.
    LogFormat mirrors iothub_errors::logs::Format {
        /// Storage account `PT1H.json` blobs: one JSON record per line.
        StorageJsonLines => "storage-json-lines",
        /// Event Hubs (and the docs' samples): `{"records":[...]}` documents.
        EventHubsRecords => "event-hubs-records",
        /// Log Analytics portal export of the `AzureDiagnostics` table as CSV.
        AzureDiagnosticsCsv => "azure-diagnostics-csv",
        /// Log Analytics query results as JSON.
        LogAnalyticsJson => "log-analytics-json",
        /// Event Grid `Microsoft.Devices.DeviceConnected` / `DeviceDisconnected` events.
        EventGrid => "event-grid",
        /// The legacy operations-monitoring objects (flat, with `statusType`).
        OperationsMonitoring => "operations-monitoring",
    }
}

mirror_enum! {
    /// Why part of a log input could not be read.
    SkipReason mirrors iothub_errors::logs::SkipReason {
        /// The text is not JSON (or CSV) where a record was expected.
        NotJson => "not-json",
        /// The JSON record is cut off or malformed.
        MalformedJson => "malformed-json",
        /// A JSON value that is not an object where records are expected.
        NotAnObject => "not-an-object",
        /// An object without any of the fields of a log record.
        NotALogRecord => "not-a-log-record",
        /// A record larger than the readers accept (4 MiB).
        TooLarge => "too-large",
        /// A CSV row with a different number of cells than the header, or an unclosed quote.
        MalformedCsv => "malformed-csv",
        /// Text in a shape none of the readers know.
        UnknownFormat => "unknown-format",
    }
}

/// What a caller should do about retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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

impl From<iothub_errors::RetryAdvice> for RetryAdvice {
    fn from(value: iothub_errors::RetryAdvice) -> RetryAdvice {
        use iothub_errors::RetryAdvice as Core;
        match value {
            Core::DoNotRetry => RetryAdvice::DoNotRetry,
            Core::RetryNow => RetryAdvice::RetryNow,
            Core::Backoff { initial_ms, max_ms, jitter_percent } => {
                RetryAdvice::Backoff { initial_ms, max_ms, jitter_percent }
            }
            Core::AfterQuotaReset => RetryAdvice::AfterQuotaReset,
            Core::ReconnectWithNewToken => RetryAdvice::ReconnectWithNewToken,
        }
    }
}

impl From<RetryAdvice> for iothub_errors::RetryAdvice {
    fn from(value: RetryAdvice) -> iothub_errors::RetryAdvice {
        use iothub_errors::RetryAdvice as Core;
        match value {
            RetryAdvice::DoNotRetry => Core::DoNotRetry,
            RetryAdvice::RetryNow => Core::RetryNow,
            RetryAdvice::Backoff { initial_ms, max_ms, jitter_percent } => {
                Core::Backoff { initial_ms, max_ms, jitter_percent }
            }
            RetryAdvice::AfterQuotaReset => Core::AfterQuotaReset,
            RetryAdvice::ReconnectWithNewToken => Core::ReconnectWithNewToken,
        }
    }
}

#[uniffi::export]
impl RetryAdvice {
    /// The advice's kind as in the core's JSON: `"do-not-retry"`, `"retry-now"`, `"backoff"`,
    /// `"after-quota-reset"` or `"reconnect-with-new-token"`.
    pub fn kind(&self) -> String {
        iothub_errors::RetryAdvice::from(*self).kind().as_str().to_owned()
    }

    /// One sentence a person can act on (the core's wording).
    pub fn describe(&self) -> String {
        iothub_errors::RetryAdvice::from(*self).describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `id()` of every mirrored value is the core's JSON name of that value.
    fn assert_ids_match_json<C, M>(values: Vec<C>, id: impl Fn(&M) -> String)
    where
        C: serde::Serialize + Copy + std::fmt::Debug,
        M: From<C>,
    {
        assert!(!values.is_empty());
        for value in values {
            let json = serde_json::to_value(value).unwrap();
            assert_eq!(json.as_str(), Some(id(&M::from(value)).as_str()), "{value:?}");
        }
    }

    #[test]
    fn every_id_is_the_json_name_of_the_core() {
        assert_ids_match_json(ErrorClass::core_values(), ErrorClass::id);
        assert_ids_match_json(Actor::core_values(), Actor::id);
        assert_ids_match_json(Severity::core_values(), Severity::id);
        assert_ids_match_json(Source::core_values(), Source::id);
        assert_ids_match_json(Sdk::core_values(), Sdk::id);
        assert_ids_match_json(MatchKind::core_values(), MatchKind::id);
        assert_ids_match_json(Service::core_values(), Service::id);
        assert_ids_match_json(Evidence::core_values(), Evidence::id);
        assert_ids_match_json(FindingKind::core_values(), FindingKind::id);
        assert_ids_match_json(LogFormat::core_values(), LogFormat::id);
        assert_ids_match_json(SkipReason::core_values(), SkipReason::id);
    }

    #[test]
    fn the_mirrors_list_every_core_value() {
        assert_eq!(ErrorClass::core_values(), iothub_errors::ErrorClass::ALL);
        assert_eq!(Sdk::core_values(), iothub_errors::sdk::Sdk::ALL);
        assert_eq!(FindingKind::core_values(), iothub_errors::diagnose::FindingKind::ALL);
    }

    #[test]
    fn retry_advice_gives_the_core_kind_and_wording() {
        let advice = [
            iothub_errors::RetryAdvice::DoNotRetry,
            iothub_errors::RetryAdvice::RetryNow,
            iothub_errors::RetryAdvice::Backoff { initial_ms: 1_000, max_ms: 60_000, jitter_percent: 20 },
            iothub_errors::RetryAdvice::AfterQuotaReset,
            iothub_errors::RetryAdvice::ReconnectWithNewToken,
        ];
        for core in advice {
            let mirror = RetryAdvice::from(core);
            assert_eq!(mirror.kind(), core.kind().as_str());
            assert_eq!(mirror.describe(), core.describe());
            assert_eq!(iothub_errors::RetryAdvice::from(mirror), core);
        }
    }
}
