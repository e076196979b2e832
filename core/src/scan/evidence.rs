//! From code-less evidence to the most likely IoT Hub code.
//!
//! An SDK exception class, an AMQP condition, an MQTT CONNACK refusal, a C SDK reason, a CBS put-token status or a
//! bare HTTP status does not say which six-digit code the hub sent. The rules in `core/data/evidence.tsv` (one row
//! per mapping an SDK or client library makes, each citing its source file) give the most likely code and the
//! alternatives; the text around the evidence decides between a device connection, a service call and a direct
//! method invocation, and whether the text is about IoT Hub at all (another broker, Service Bus, Storage, TLS
//! failures... give no code).

use crate::catalog;

/// The kinds of code-less evidence the rules cover (the `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An SDK exception or error class name.
    Sdk,
    /// An AMQP error condition.
    Amqp,
    /// An MQTT CONNACK return code.
    Mqtt,
    /// A C SDK `IOTHUB_CLIENT_CONNECTION_*` reason.
    CReason,
    /// A bare HTTP status.
    Http,
    /// The status of a rejected CBS put-token.
    Cbs,
    /// A plain word (`throttled`).
    Word,
}

/// The connection the evidence came from (the `scope` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A device or module client.
    Device,
    /// A back-end (service, registry, CLI) call.
    Service,
    /// A back-end call invoking a device's or module's direct method (its own failures: the device is not
    /// connected, or did not answer in time).
    Method,
    /// A device's file upload (asking for a SAS URI, notifying its end): a 403 there is the upload limit.
    Upload,
    /// Not known.
    Any,
}

/// One row of `evidence.tsv`, compiled into [`rules`] by `cargo xtask codegen` (which validates every row).
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) kind: Kind,
    /// The key, normalized with [`key_of`].
    pub(crate) key: &'static str,
    pub(crate) scope: Scope,
    /// The most likely code first, then the alternatives, with their confidence.
    pub(crate) codes: &'static [(u32, f32)],
}

/// Every rule, in the order of `evidence.tsv`.
pub(crate) fn rules() -> &'static [Rule] {
    &super::evidence_generated::RULES
}

/// The key a piece of evidence is looked up by: class names and reasons lowercase without `_`, the rest lowercase.
pub(crate) fn key_of(kind: Kind, written: &str) -> String {
    match kind {
        Kind::Sdk | Kind::CReason | Kind::Word => {
            written.chars().filter(|&c| c != '_').map(|c| c.to_ascii_lowercase()).collect()
        }
        _ => written.to_ascii_lowercase(),
    }
}

/// Code-less evidence as the scanner found it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hint {
    pub(crate) kind: Kind,
    /// The evidence as written (class name, condition, return code, reason, status or word).
    pub(crate) written: String,
    /// The connection the evidence itself belongs to, when it tells (a status name only the device SDK has);
    /// otherwise the text around it decides.
    pub(crate) scope: Option<Scope>,
}

/// What the text around a finding says about it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Context {
    pub(crate) scope: Scope,
    /// Why the text is not about IoT Hub, when it is not.
    pub(crate) foreign: Option<&'static str>,
    /// The status belongs to a CBS put-token answer.
    pub(crate) cbs: bool,
}

/// Words of a device client's text (lowercase).
const DEVICE_WORDS: &[&str] = &[
    "deviceclient",
    "moduleclient",
    "devices.client",
    "azure.iot.device",
    "azure-iot-device",
    "iot.device",
    "iothub_client",
    "iothub_ll",
    "/messages/events",
    "/messages/devicebound",
    "$iothub/",
    "mqtt",
    "connack",
    "device_client",
    "for device '",
];

/// Words of a back-end (service SDK, registry, CLI) text (lowercase).
/// Words that put a text in IoT Hub's world beyond the device, service and method words: product, host, package
/// and namespace names (lowercase).
const HUB_WORDS: &[&str] = &[
    "iothub",
    "iot hub",
    "azure-devices.net",
    "azure-iot",
    "azure.iot",
    "azure/iot",
    "microsoft.azure.devices",
    "com.microsoft.azure.sdk.iot",
    "iotedge",
    "edgehub",
];

/// True when `text` names IoT Hub, one of its SDKs or one of their clients anywhere. A bare HTTP status read off
/// an error object counts as a hub error only then (an app may hand over any exception it caught).
pub(crate) fn names_iot_hub(text: &[u8]) -> bool {
    let lower = text.to_ascii_lowercase();
    [HUB_WORDS, DEVICE_WORDS, SERVICE_WORDS, METHOD_WORDS]
        .iter()
        .flat_map(|words| words.iter())
        .any(|word| super::contains(&lower, word.as_bytes()))
}

/// Words of a device's file upload, in every SDK's spelling (lowercase).
const UPLOAD_WORDS: &[&str] = &[
    "file upload",
    "fileupload",
    "upload to blob",
    "uploadtoblob",
    "upload_blob",
    "uploadblob",
    "files/notifications",
    "get_storage_info_for_blob",
    "notify_blob_upload_status",
    "getfileuploadsasuri",
];

/// Words of a direct method invocation from the back end, in every SDK's and the CLI's spelling (lowercase).
const METHOD_WORDS: &[&str] = &[
    "invokedevicemethod",
    "invoke_device_method",
    "invoke-device-method",
    "invoke_device_module_method",
    "invoke-module-method",
    "invokemodulemethod",
    "cloudtodevicemethod",
    "devicemethod.invoke",
    "directmethodclient",
];

const SERVICE_WORDS: &[&str] = &[
    "registrymanager",
    "serviceclient",
    "jobclient",
    "digitaltwinclient",
    "azure-iothub",
    "azure.iot.hub",
    "iothubowner",
    "registryread",
    "registrywrite",
    "serviceconnect",
    "sharedaccesskeyname",
    "devices.common",
    "iot.service",
    "az iot",
    "azext_iot",
    "msrest",
    "httpoperationerror",
    "/twins/",
    "/jobs/",
    "registry",
    "invokedevicemethod",
    "service client",
];

/// Texts that are not about IoT Hub: what they are about, and their words (lowercase).
const FOREIGN: &[(&str, &[&str])] = &[
    (
        "Service Bus or Event Hubs",
        &[
            "servicebus.windows.net",
            "microsoft.azure.servicebus",
            "azure.messaging.servicebus",
            "azure.messaging.eventhubs",
            "microsoft.azure.eventhubs",
            "servicebusexception",
            "eventhubsexception",
            "azure.servicebus",
            "azure.eventhub",
            "@azure/service-bus",
            "@azure/event-hubs",
            "com.azure.messaging",
            "microsoft.servicebus",
            "azure-event-hubs",
            "created with epoch",
        ],
    ),
    (
        "Azure Storage",
        &[
            "blob.core.windows.net",
            "queue.core.windows.net",
            "storageexception",
            "azure.storage",
            "@azure/storage",
            "x-ms-error-code",
            "blobserviceclient",
            "storageerrorcode",
        ],
    ),
    (
        "Azure Resource Manager",
        &[
            "management.azure.com",
            "authorizationfailed",
            "microsoft.devices/iothubs",
            "resourcegroupnotfound",
            "azure.mgmt",
            "@azure/arm-",
            "no iot hub found",
        ],
    ),
    (
        "an IoT Edge local API",
        &[
            "workload.sock",
            "mgmt.sock",
            "aziot-edged",
            "iotedged",
            "aziot-identityd",
            "aziot-keyd",
            "/var/run/iotedge",
        ],
    ),
    (
        "another MQTT broker",
        &[
            "mosquitto",
            "hivemq",
            "emqx",
            "amazonaws.com",
            "aws iot",
            "greengrass",
            "thingsboard",
            "rabbitmq",
            "activemq",
            "vernemq",
            "cloudmqtt",
            "io.adafruit",
            "googleapis.com",
            "cloudiot",
            "flespi",
        ],
    ),
    (
        "a TLS, DNS or socket failure",
        &[
            "getaddrinfo",
            "enotfound",
            "eai_again",
            "econnrefused",
            "econnreset",
            "etimedout",
            "certificate verify failed",
            "certificate_verify_failed",
            "handshake failure",
            "sslhandshakeexception",
            "unknownhostexception",
            "no such host",
            "name or service not known",
            "failure in name resolution",
            "socketexception",
            "connection reset by peer",
            "network is unreachable",
            "x509: certificate",
            "remote certificate is invalid",
            "esp-tls",
            "esp_err_esp_tls",
            "self-signed certificate",
            "self signed certificate",
            "unable to verify the first certificate",
            "unable to get local issuer certificate",
        ],
    ),
];

/// Words of an SDK's notice that it renews its token (benign unless something failed).
const RENEWAL_WORDS: &[&str] = &["renewing", "token renewal", "refreshing", "about to expire", "will expire"];
const FAILURE_WORDS: &[&str] = &["fail", "refused", "rejected", "denied"];

/// Hosts of links that say nothing about the broker.
const DOC_HOSTS: &[&str] = &["aka.ms", "docs.microsoft.com", "learn.microsoft.com", "github.com"];

/// Reads the text around a finding (`window`, any bytes).
pub(crate) fn context(window: &[u8]) -> Context {
    let lower = window.to_ascii_lowercase();
    let has = |word: &str| super::contains(&lower, word.as_bytes());
    let has_word = |word: &str| contains_word(&lower, word.as_bytes());
    let device = DEVICE_WORDS.iter().filter(|w| has(w)).count();
    let service = SERVICE_WORDS.iter().filter(|w| has(w)).count();
    let scope = match (device, service) {
        _ if METHOD_WORDS.iter().any(|w| has(w)) => Scope::Method,
        _ if UPLOAD_WORDS.iter().any(|w| has(w)) => Scope::Upload,
        (0, 0) => Scope::Any,
        (_, 0) => Scope::Device,
        (0, _) => Scope::Service,
        (d, s) if d > s => Scope::Device,
        (d, s) if s > d => Scope::Service,
        _ => Scope::Any,
    };
    let mut foreign =
        FOREIGN.iter().find(|(_, words)| words.iter().any(|w| has_word(w))).map(|&(what, _)| what);
    if foreign.is_none() && RENEWAL_WORDS.iter().any(|w| has(w)) && !FAILURE_WORDS.iter().any(|w| has(w)) {
        foreign = Some("a token renewal notice");
    }
    if foreign.is_none() && other_host(&lower) {
        foreign = Some("a host that is not an IoT hub");
    }
    let cbs = has("put-token") || has("put token") || has("cbs");
    Context { scope, foreign, cbs }
}

/// True when `haystack` holds `word` not glued to letters or digits on its alphanumeric ends (`enotfound` is not
/// found in `devicenotfoundexception`).
fn contains_word(haystack: &[u8], word: &[u8]) -> bool {
    let glued = |at: Option<usize>, edge: Option<&u8>| {
        edge.is_some_and(u8::is_ascii_alphanumeric)
            && at.and_then(|at| haystack.get(at)).is_some_and(u8::is_ascii_alphanumeric)
    };
    super::find_all(haystack, word)
        .any(|at| !glued(at.checked_sub(1), word.first()) && !glued(Some(at + word.len()), word.last()))
}

/// True when the text names a host (`scheme://host`, `HostName=host`) and none is `*.azure-devices.net`.
fn other_host(lower: &[u8]) -> bool {
    let mut hosts = 0;
    let mut hub = false;
    for marker in [&b"://"[..], b"hostname="] {
        for at in super::find_all(lower, marker) {
            let start = at + marker.len();
            let rest = lower.get(start..).unwrap_or_default();
            let len =
                rest.iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-').count();
            let host = rest.get(..len).unwrap_or_default();
            if host.is_empty()
                || (!host.contains(&b'.') && host != b"localhost")
                || DOC_HOSTS
                    .iter()
                    .any(|d| host == d.as_bytes() || host.strip_prefix(b"www.") == Some(d.as_bytes()))
            {
                continue;
            }
            hosts += 1;
            hub |= host.ends_with(b"azure-devices.net");
        }
    }
    hosts > 0 && !hub
}

/// The answer for one finding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inference {
    /// The most likely code, with its confidence; `None` when no IoT Hub code corresponds.
    pub(crate) best: Option<(u32, f32)>,
    /// The other codes, most likely first.
    pub(crate) alternatives: Vec<(u32, f32)>,
    /// One sentence: the evidence and the rule.
    pub(crate) basis: String,
}

/// The most likely code for code-less evidence in its context; `None` when no rule covers the evidence.
pub(crate) fn infer(hint: &Hint, context: &Context) -> Option<Inference> {
    let kind = if hint.kind == Kind::Http && context.cbs { Kind::Cbs } else { hint.kind };
    let what = describe(kind, &hint.written);
    if let Some(foreign) = context.foreign {
        let basis = format!("{what}, but the text around it is about {foreign}, not IoT Hub: no hub code");
        return Some(Inference { best: None, alternatives: Vec::new(), basis });
    }
    let key = key_of(kind, &hint.written);
    let mut rows = rules().iter().filter(|r| r.kind == kind && r.key == key);
    // An operation the text names (a direct method, a file upload) says more than the connection the evidence
    // implies (a Java device status is on a device connection, and a file upload is one too).
    let scope = match context.scope {
        Scope::Method | Scope::Upload => context.scope,
        _ => hint.scope.unwrap_or(context.scope),
    };
    let rule = rows.clone().find(|r| r.scope == scope).or_else(|| rows.find(|r| r.scope == Scope::Any))?;
    let place = match rule.scope {
        Scope::Device => " on a device connection",
        Scope::Service => " on a service call",
        Scope::Method => " on a direct method call",
        Scope::Upload => " during a file upload",
        Scope::Any => "",
    };
    let Some((&best, rest)) = rule.codes.split_first() else {
        let basis = format!("{what}{place} is a transport or protocol failure: no IoT Hub code corresponds");
        return Some(Inference { best: None, alternatives: Vec::new(), basis });
    };
    let name = catalog::find_code(best.0).map_or("", |e| e.name);
    let basis = if rest.is_empty() {
        format!("{what}{place} maps to one code, {} {name}", best.0)
    } else {
        format!(
            "{what}{place} most often means {} {name}; the alternatives are the other codes it can mean",
            best.0
        )
    };
    Some(Inference { best: Some(best), alternatives: rest.to_vec(), basis })
}

/// The evidence in words, for the basis sentence.
pub(crate) fn describe(kind: Kind, written: &str) -> String {
    match kind {
        Kind::Sdk => format!("The SDK exception {written}"),
        Kind::Amqp => format!("The AMQP condition {written}"),
        Kind::Mqtt => format!("An MQTT CONNACK refusal with return code {written}"),
        Kind::CReason => format!("The C SDK reason {written}"),
        Kind::Http => format!("A bare HTTP status {written}"),
        Kind::Cbs => format!("A CBS put-token answered with status {written}"),
        Kind::Word => format!("The word \"{written}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_listed_codes_with_falling_confidence() {
        assert!(rules().len() > 100);
        for rule in rules() {
            assert!(!rule.key.is_empty() && rule.key == key_of(rule.kind, rule.key), "{rule:?}");
            let mut last = 1.0;
            for &(code, confidence) in rule.codes {
                assert!(catalog::find_code(code).is_some_and(|e| e.code == Some(code)), "{code} in {rule:?}");
                assert!(confidence > 0.0 && confidence < 0.85 && confidence <= last, "{rule:?}");
                last = confidence;
            }
        }
    }

    #[test]
    fn context_tells_device_service_and_foreign_texts_apart() {
        let device = context(
            b"Microsoft.Azure.Devices.Client.Exceptions.UnauthorizedException at DeviceClient.OpenAsync",
        );
        assert_eq!((device.scope, device.foreign), (Scope::Device, None));
        let service = context(b"at Microsoft.Azure.Devices.RegistryManager.GetDeviceAsync");
        assert_eq!(service.scope, Scope::Service);
        assert!(
            context(b"mqtts://broker.hivemq.com:8883 Connection refused: Not authorized").foreign.is_some()
        );
        assert!(context(b"ssl://myhub.azure-devices.net:8883 not authorized").foreign.is_none());
        assert!(context(b"see https://aka.ms/iothub401003").foreign.is_none());
    }
}
