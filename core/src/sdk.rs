//! What each Azure IoT SDK does by itself with an error: the type it raises, whether it deems the error
//! transient, and the retry policy that then applies.
//!
//! The rules follow the SDK sources (see `ARCHITECTURE.md`, "SDK views"): most SDKs decide by HTTP status
//! alone, the .NET v2 service client by code. They are rules, not per-entry data, so an unknown code gets a
//! view too.

use serde::Serialize;

use crate::model::{Entry, ErrorClass};

named_enum! {
    /// An Azure IoT SDK (client flavour) whose behaviour the catalog describes.
    pub enum Sdk {
        /// .NET `Microsoft.Azure.Devices` v1 (service client; the device client maps statuses the same way).
        CsharpServiceV1 = "csharp-service-v1",
        /// .NET `Microsoft.Azure.Devices` v2 preview service client (`IotHubServiceException`).
        CsharpServiceV2 = "csharp-service-v2",
        /// Java service SDK (`azure-iot-service-sdk-java`).
        JavaService = "java-service",
        /// Java device SDK (`azure-iot-sdk-java`, `IotHubStatusCode`).
        JavaDevice = "java-device",
        /// Node.js service and device SDKs (`azure-iothub`, `azure-iot-device`).
        Node = "node",
        /// Python device SDK (`azure-iot-device`).
        PythonDevice = "python-device",
        /// C device SDK (`azure-iot-sdk-c`).
        CDevice = "c-device",
    }
}

/// How one SDK handles one error on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SdkView {
    /// The SDK.
    pub sdk: Sdk,
    /// True when the SDK's own code table lists this six-digit code.
    pub knows_code: bool,
    /// The exception, error class or status the application sees.
    pub surfaces_as: &'static str,
    /// Whether the SDK marks the error transient; null where it has no such notion.
    pub transient: Option<bool>,
    /// What the SDK's default policy then does.
    pub policy: &'static str,
}

const CSHARP_V1_POLICY: &str = "Device client retries transient errors with exponential backoff (0.1 s to 10 s, jittered) without limit; service client calls are not retried.";
const CSHARP_V2_POLICY: &str = "Retries only when IsTransient: exponential backoff with jitter, waits up to 12 h, no retry limit by default.";
const JAVA_SERVICE_POLICY: &str = "Throws; no transient flag and no automatic retry.";
const JAVA_DEVICE_POLICY: &str = "Retries retryable statuses with exponential backoff and jitter (0.1 s to 10 s), giving up after the 4-minute operation timeout.";
const NODE_POLICY: &str = "Retries errors its filter accepts: backoff 0.1 s to 10 s, or 10 s to 60 s when throttled; gives up after 4 minutes.";
const PYTHON_POLICY: &str = "No code mapping; a dropped connection is re-established every 10 s, failed operations are raised to the caller.";
const C_POLICY: &str = "No code mapping (\"unexpected HTTP status code\"); reconnects with exponential backoff from 1 s with jitter, without a timeout.";

/// The views of every SDK on `entry`.
pub fn views(entry: &Entry) -> [SdkView; 7] {
    views_for(entry.code, entry.class, entry.sdk_tables)
}

/// The views of every SDK on a code of `class` (the code may be unknown to the catalog).
pub fn views_for(code: Option<u32>, class: ErrorClass, listed_in: &[Sdk]) -> [SdkView; 7] {
    Sdk::ALL.map(|sdk| view(sdk, code, class, listed_in.contains(&sdk)))
}

fn view(sdk: Sdk, code: Option<u32>, class: ErrorClass, knows_code: bool) -> SdkView {
    let status = class.status();
    let (surfaces_as, transient, policy) = match sdk {
        Sdk::CsharpServiceV1 => {
            let (exception, transient) = match status {
                400 => ("ArgumentException", false),
                401 => ("UnauthorizedException", false),
                403 => ("QuotaExceededException", true),
                404 => ("DeviceNotFoundException", false),
                409 => ("DeviceAlreadyExistsException", false),
                412 => ("DeviceMessageLockLostException", false),
                413 => ("MessageTooLargeException", false),
                429 => ("ThrottlingException", true),
                500 => ("ServerErrorException", true),
                503 => ("ServerBusyException", true),
                _ => ("IotHubException", true),
            };
            (exception, Some(transient), CSHARP_V1_POLICY)
        }
        Sdk::CsharpServiceV2 => {
            let transient = match code {
                Some(code) if knows_code => csharp_v2_transient(code),
                _ => status == 429,
            };
            ("IotHubServiceException", Some(transient), CSHARP_V2_POLICY)
        }
        Sdk::JavaService => {
            let exception = match status {
                400 => "IotHubBadFormatException",
                401 => "IotHubUnathorizedException",
                403 => "IotHubTooManyDevicesException",
                404 => "IotHubNotFoundException",
                409 => "IotHubConflictException",
                412 => "IotHubPreconditionFailedException",
                429 => "IotHubTooManyRequestsException",
                500 => "IotHubInternalServerErrorException",
                502 => "IotHubBadGatewayException",
                503 => "IotHubServerBusyException",
                504 => "IotHubGatewayTimeoutException",
                _ => "IotHubException",
            };
            (exception, None, JAVA_SERVICE_POLICY)
        }
        Sdk::JavaDevice => {
            let (status_code, retryable) = match status {
                400 => ("BAD_FORMAT", false),
                401 => ("UNAUTHORIZED", false),
                403 => ("TOO_MANY_DEVICES", false),
                404 => ("HUB_OR_DEVICE_ID_NOT_FOUND", false),
                412 => ("PRECONDITION_FAILED", false),
                413 => ("REQUEST_ENTITY_TOO_LARGE", false),
                429 => ("THROTTLED", true),
                500 => ("INTERNAL_SERVER_ERROR", true),
                503 => ("SERVER_BUSY", true),
                _ => ("ERROR", true),
            };
            (status_code, Some(retryable), JAVA_DEVICE_POLICY)
        }
        Sdk::Node => {
            let (error, retryable) = match status {
                400 => ("ArgumentError", false),
                401 => ("UnauthorizedError", false),
                403 => ("TooManyDevicesError", false),
                404 => ("DeviceNotFoundError", false),
                408 => ("DeviceTimeoutError", true),
                409 => ("DeviceAlreadyExistsError", false),
                412 => ("InvalidEtagError", false),
                429 => ("ThrottlingError", true),
                500 => ("InternalServerError", true),
                502 => ("BadDeviceResponseError", false),
                503 => ("ServiceUnavailableError", true),
                504 => ("GatewayTimeoutError", false),
                _ => ("Error", false),
            };
            (error, Some(retryable), NODE_POLICY)
        }
        Sdk::PythonDevice => ("ServiceError", None, PYTHON_POLICY),
        Sdk::CDevice => ("IOTHUB_CLIENT_ERROR", None, C_POLICY),
    };
    SdkView { sdk, knows_code, surfaces_as, transient, policy }
}

/// `IotHubServiceException.IsTransient` of the .NET v2 service client for a code it knows.
fn csharp_v2_transient(code: u32) -> bool {
    matches!(code, 403002 | 404103 | 408000 | 429000..=429005 | 500001 | 503001)
}
