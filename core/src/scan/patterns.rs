//! The tables the scanner matches words against: SDK exception classes, C SDK connection reasons, AMQP
//! conditions, MQTT CONNACK refusals, trigger keywords and Device Provisioning Service markers.
//!
//! Words are compared in a normalized form: ASCII lowercase with `_` removed, so `IOTHUB_CLIENT_...` and
//! `iothubclient...` are the same key. Every word the scanner cares about (these tables, the catalog's names
//! and aliases, the first words of the catalog's service messages) goes into one bloom filter, built once;
//! a word that misses the filter costs nothing more.

use std::sync::OnceLock;

use crate::catalog;
use crate::model::ErrorClass;

/// What a pattern points at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Target {
    /// A catalog entry, by its canonical name (resolved at run time, so code-less entries work too).
    Entry(&'static str),
    /// Only an HTTP-status class is known.
    Class(ErrorClass),
    /// An IoT Hub failure with no code and no class (network, retries exhausted, ...).
    Nothing,
}

/// What a word means to the scanner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Word {
    /// An SDK exception or error class name.
    Sdk(Target),
    /// A C SDK `IOTHUB_CLIENT_CONNECTION_*` reason.
    CReason(Target),
    /// An MQTT client's name of a CONNACK refusal, with its return code.
    Mqtt(u8),
    /// A word that starts a pattern.
    Key(Key),
    /// The first word of a catalog service message.
    MessageStart,
    /// `throttled`, the word SDKs and logs use for a 429 (Java's `IotHubStatusCode.THROTTLED`).
    Throttled,
}

/// Words that start a pattern the scanner reads further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// `ErrorCode:Name;`, `"errorCode":404103`, `iothub-errorcode: Name`.
    ErrorCode,
    /// `"resultType":"404104"` (Azure Monitor).
    ResultType,
    /// `Status code: 404`, `"statusCode":"404"`.
    Status,
    /// `HTTP/1.1 429 Too Many Requests`.
    Http,
    /// `CONNACK return code 5`.
    Connack,
    /// `Connection Refused, not authorized`.
    Refused,
    /// `amqp:...` conditions.
    Amqp,
    /// `com.microsoft:...` conditions.
    Microsoft,
    /// `Tracking ID:` (context).
    Tracking,
    /// `trackingId` key (context).
    TrackingId,
    /// `deviceId` key (context).
    DeviceId,
    /// `"time"` key (context).
    Time,
    /// A Device Provisioning Service marker (context).
    Dps,
    /// The DPS host (`*.azure-devices-provisioning.net`): a DPS marker for the whole HTTP exchange or log block
    /// it heads, up to the next blank line (context; pushed by the scanner, not a word of the tables).
    DpsHost,
    /// `provisioning`: a DPS marker when it reads `azure-devices-provisioning.net` or `provisioning service`.
    Provisioning,
    /// `registration`: a DPS marker when it reads `Registration Status` or `Registration State`.
    Registration,
    /// `returned`: `operation returned: 404`, `returned status 404` (Python device SDK).
    Returned,
    /// `invalid`: `invalid status code 'Unauthorized'` (msrest, used by the Python service SDK and the CLI).
    Invalid,
    /// `connect`: `Failed to connect, return code 5`, `Connect failed, rc 5` (Eclipse Paho C).
    Connect,
    /// `failed`: `Attempting MQTT connection...failed, rc=5` (the Arduino PubSubClient examples).
    Failed,
    /// `accepted`: `Connection Not Accepted: 0x5` (C SDK MQTT transport).
    Accepted,
    /// `authorized`: `Not authorized to connect` (Eclipse Paho Java, CONNACK 5).
    Authorized,
}

use ErrorClass as C;
use Target::{Class, Entry, Nothing};

/// SDK exception and error classes that are not already catalog aliases (those resolve through the catalog).
const SDK: &[(&str, Target)] = &[
    // .NET (Microsoft.Azure.Devices[.Client].Exceptions / .Common.Exceptions)
    ("DeviceNotFoundException", Entry("DeviceNotFound")),
    ("DeviceAlreadyExistsException", Entry("DeviceAlreadyExists")),
    ("IotHubThrottledException", Class(C::TooManyRequests)),
    ("QuotaExceededException", Class(C::Forbidden)),
    ("UnauthorizedException", Class(C::Unauthorized)),
    ("ServerBusyException", Class(C::ServiceUnavailable)),
    ("ServerErrorException", Class(C::InternalServerError)),
    ("IotHubCommunicationException", Nothing),
    ("JobNotFoundException", Entry("JobNotFound")),
    ("JobQuotaExceededException", Entry("JobQuotaExceeded")),
    ("JobCancelledException", Entry("JobCancelled")),
    ("ModuleNotFoundException", Entry("ModuleNotFound")),
    ("ModuleAlreadyExistsException", Entry("ModuleAlreadyExistsOnDevice")),
    ("PreconditionFailedException", Class(C::PreconditionFailed)),
    ("TooManyDevicesException", Entry("TooManyDevices")),
    // Java service SDK (by HTTP status)
    ("IotHubBadFormatException", Class(C::BadRequest)),
    ("IotHubUnathorizedException", Class(C::Unauthorized)),
    ("IotHubUnauthorizedException", Class(C::Unauthorized)),
    ("IotHubTooManyDevicesException", Class(C::Forbidden)),
    ("IotHubConflictException", Class(C::Conflict)),
    ("IotHubPreconditionFailedException", Class(C::PreconditionFailed)),
    ("IotHubTooManyRequestsException", Class(C::TooManyRequests)),
    ("IotHubInternalServerErrorException", Class(C::InternalServerError)),
    ("IotHubBadGatewayException", Class(C::BadGateway)),
    ("IotHubServerBusyException", Class(C::ServiceUnavailable)),
    ("IotHubGatewayTimeoutException", Class(C::GatewayTimeout)),
    // Node (azure-iot-common) and Python (azure.iot.device)
    ("UnauthorizedError", Class(C::Unauthorized)),
    ("TooManyDevicesError", Class(C::Forbidden)),
    ("DeviceTimeoutError", Class(C::RequestTimeout)),
    ("DeviceAlreadyExistsError", Entry("DeviceAlreadyExists")),
    ("InvalidEtagError", Class(C::PreconditionFailed)),
    ("ThrottlingError", Class(C::TooManyRequests)),
    ("BadDeviceResponseError", Class(C::BadGateway)),
    ("ServiceUnavailableError", Entry("ServiceUnavailable")),
    ("GatewayTimeoutError", Class(C::GatewayTimeout)),
    ("NotConnectedError", Nothing),
    ("CredentialError", Class(C::Unauthorized)),
    ("ConnectionDroppedError", Nothing),
    ("ConnectionFailedError", Nothing),
];

/// C SDK `IOTHUB_CLIENT_CONNECTION_STATUS_REASON` values that mean a failure.
const C_REASONS: &[(&str, Target)] = &[
    ("IOTHUB_CLIENT_CONNECTION_EXPIRED_SAS_TOKEN", Entry("IotHubUnauthorized")),
    ("IOTHUB_CLIENT_CONNECTION_DEVICE_DISABLED", Entry("DeviceDisabled")),
    ("IOTHUB_CLIENT_CONNECTION_BAD_CREDENTIAL", Class(C::Unauthorized)),
    ("IOTHUB_CLIENT_CONNECTION_RETRY_EXPIRED", Nothing),
    ("IOTHUB_CLIENT_CONNECTION_NO_NETWORK", Nothing),
    ("IOTHUB_CLIENT_CONNECTION_COMMUNICATION_ERROR", Nothing),
    ("IOTHUB_CLIENT_CONNECTION_NO_PING_RESPONSE", Nothing),
    ("IOTHUB_CLIENT_CONNECTION_QUOTA_EXCEEDED", Entry("IotHubQuotaExceeded")),
];

/// AMQP error conditions IoT Hub closes links and connections with (compared in lowercase).
pub(crate) const AMQP: &[(&str, Target)] = &[
    ("amqp:unauthorized-access", Class(C::Unauthorized)),
    ("amqp:resource-limit-exceeded", Entry("DeviceMaximumQueueDepthExceeded")),
    ("amqp:not-found", Class(C::NotFound)),
    ("amqp:resource-deleted", Class(C::NotFound)),
    ("amqp:link:stolen", Entry("ConnectionForcefullyClosedOnNewConnection")),
    ("amqp:link:detach-forced", Entry("ServiceUnavailable")),
    ("amqp:link:message-size-exceeded", Entry("MessageTooLarge")),
    ("amqp:internal-error", Entry("InternalServerError")),
    ("amqp:precondition-failed", Class(C::PreconditionFailed)),
    ("amqp:decode-error", Class(C::BadRequest)),
    // azure-iot-sdk-node common/transport/amqp/src/amqp_common_errors.ts
    ("com.microsoft:iot-hub-not-found-error", Entry("IotHubNotFound")),
    ("com.microsoft:device-already-exists", Entry("DeviceAlreadyExists")),
    ("com.microsoft:device-container-throttled", Class(C::TooManyRequests)),
    ("com.microsoft:message-lock-lost", Entry("DeviceMessageLockLost")),
    ("com.microsoft:timeout", Entry("ServiceUnavailable")),
    ("com.microsoft:quota-exceeded", Entry("IotHubQuotaExceeded")),
    ("com.microsoft:iot-hub-suspended", Entry("IotHubSuspended")),
    ("com.microsoft:server-busy", Class(C::ServiceUnavailable)),
    ("com.microsoft:argument-error", Class(C::BadRequest)),
    ("com.microsoft:argument-out-of-range", Class(C::BadRequest)),
    ("com.microsoft:precondition-failed", Class(C::PreconditionFailed)),
];

/// MQTT client names of CONNACK refusals (normalized; each also with an `mqtt` prefix).
const MQTT_NAMES: &[(&str, u8)] = &[
    ("connectionrefusedunacceptableprotocolversion", 1),
    ("connectionrefusedunacceptableversion", 1),
    ("connectionrefusedidentifierrejected", 2),
    ("connectionrefusedidrejected", 2),
    ("connectionrefusedserverunavailable", 3),
    ("connectionrefusedserverunavail", 3),
    ("connectionrefusedbadusernameorpassword", 4),
    ("connectionrefusedbadusernamepassword", 4),
    ("connectionrefusednotauthorized", 5),
    // DotNetty's ConnectReturnCode in the .NET device SDK (iothub/device/src/Transport/Mqtt/MqttIotHubAdapter.cs:
    // "CONNECT failed: RefusedNotAuthorized")
    ("refusedunacceptableprotocolversion", 1),
    ("refusedidentifierrejected", 2),
    ("refusedserverunavailable", 3),
    ("refusedbadusernameorpassword", 4),
    ("refusednotauthorized", 5),
    // umqtt's CONNECT_RETURN_CODE (azure-iot-sdk-c umqtt/inc/azure_umqtt_c/mqttconst.h)
    ("connrefusedunacceptableversion", 1),
    ("connrefusedidrejected", 2),
    ("connrefusedserverunavail", 3),
    ("connrefusedbadusernamepassword", 4),
    ("connrefusednotauthorized", 5),
    // Eclipse Paho Python's constants (src/paho/mqtt/client.py)
    ("connackrefusedprotocolversion", 1),
    ("connackrefusedidentifierrejected", 2),
    ("connackrefusedserverunavailable", 3),
    ("connackrefusedbadusernamepassword", 4),
    ("connackrefusednotauthorized", 5),
    // MQTTnet's MqttClientConnectResultCode in "Connecting with MQTT server failed (NotAuthorized)."
    // (Source/MQTTnet/Connecting/MqttClientConnectResultCode.cs)
    ("notauthorized", 5),
    ("badusernameorpassword", 4),
];

/// The reason phrases after `Connection Refused` (lowercase), with their CONNACK return code. Sources:
/// MQTT.js `src/lib/handlers/ack.ts` and `connack.ts` (`Connection refused: Not authorized`, wrapped by
/// azure-iot-sdk-node `common/transport/mqtt/src/mqtt_translate_error.ts`); Eclipse Paho Python
/// `src/paho/mqtt/client.py` `connack_string` (`Connection Refused: not authorised.`, `broker unavailable`);
/// azure-iot-sdk-c `iothub_client/src/iothubtransport_mqtt_common.c` `retrieveMqttReturnCodes`
/// (`Bad Username/Password`, after `Connection Not Accepted: 0x4`); ESP-IDF esp-mqtt `mqtt_client.c`
/// (`Connection refused, not authorized`).
pub(crate) const MQTT_PHRASES: &[(&str, u8)] = &[
    ("unacceptable protocol version", 1),
    ("identifier rejected", 2),
    ("server unavailable", 3),
    ("broker unavailable", 3),
    ("bad user name or password", 4),
    ("bad username/password", 4),
    ("bad username or password", 4),
    ("not authorized", 5),
    ("not authorised", 5),
    // Adafruit MiniMQTT, used by CircuitPython's AzureIoT library (adafruit_minimqtt/adafruit_minimqtt.py:
    // "Connection Refused - Unauthorized"); ESP-IDF's esp-mqtt writes the phrases above after a comma.
    ("unauthorized", 5),
    ("incorrect username/password", 4),
    ("id rejected", 2),
    ("incorrect protocol version", 1),
];

/// The class a CONNACK return code stands for.
pub(crate) fn mqtt_class(code: u8) -> Option<ErrorClass> {
    match code {
        1 | 2 => Some(C::BadRequest),
        3 => Some(C::ServiceUnavailable),
        4 | 5 => Some(C::Unauthorized),
        _ => None,
    }
}

const KEYS: &[(&str, Key)] = &[
    ("errorcode", Key::ErrorCode),
    ("resulttype", Key::ResultType),
    ("status", Key::Status),
    ("statuscode", Key::Status),
    ("reply", Key::Status),
    ("http", Key::Http),
    ("connack", Key::Connack),
    ("refused", Key::Refused),
    ("amqp", Key::Amqp),
    ("microsoft", Key::Microsoft),
    ("tracking", Key::Tracking),
    ("trackingid", Key::TrackingId),
    ("deviceid", Key::DeviceId),
    ("time", Key::Time),
    ("dps", Key::Dps),
    ("registrationid", Key::Dps),
    ("assignedhub", Key::Dps),
    ("operationid", Key::Dps),
    ("idscope", Key::Dps),
    ("provisioningdeviceclient", Key::Dps),
    ("provisioningserviceclient", Key::Dps),
    ("provisioningtransportexception", Key::Dps),
    ("provisioningclientexception", Key::Dps),
    ("provisioning", Key::Provisioning),
    ("registration", Key::Registration),
    ("returned", Key::Returned),
    ("invalid", Key::Invalid),
    ("connect", Key::Connect),
    ("failed", Key::Failed),
    ("accepted", Key::Accepted),
    ("authorized", Key::Authorized),
    // DPS client results and errors (azure-iot-sdk-c provisioning_client/inc/azure_prov_client/
    // prov_device_ll_client.h; azure-iot-sdk-node common/core/src/errors.ts; azure-iot-sdk-java provisioning)
    ("PROV_DEVICE_RESULT_DEV_AUTH_ERROR", Key::Dps),
    ("PROV_DEVICE_RESULT_TRANSPORT", Key::Dps),
    ("PROV_DEVICE_RESULT_ERROR", Key::Dps),
    ("PROV_DEVICE_RESULT_TIMEOUT", Key::Dps),
    ("PROV_DEVICE_RESULT_UNAUTHORIZED", Key::Dps),
    ("PROV_DEVICE_RESULT_HUB_NOT_SPECIFIED", Key::Dps),
    ("PROV_DEVICE_REG_STATUS_ERROR", Key::Dps),
    ("DeviceRegistrationFailedError", Key::Dps),
    ("ProvisioningRegistrationFailedError", Key::Dps),
    ("ProvisioningDeviceHubException", Key::Dps),
    ("ProvisioningDeviceClientAuthenticationException", Key::Dps),
    ("ProvisioningServiceClientException", Key::Dps),
    ("RegistrationResult", Key::Dps),
];

/// The first word of each status's reason phrase (lowercase), for `(404) Not Found`.
pub(crate) fn reason_first_word(status: u16) -> Option<&'static str> {
    Some(match status {
        400 | 502 => "bad",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not",
        405 => "method",
        408 => "request",
        409 => "conflict",
        412 => "precondition",
        413 => "payload",
        415 => "unsupported",
        429 => "too",
        499 => "client",
        500 => "internal",
        503 => "service",
        504 => "gateway",
        _ => return None,
    })
}

/// The Java device SDK's `IotHubStatusCode` names and the HTTP status each stands for
/// (azure-iot-sdk-java `iot-device-client/.../IotHubStatusCode.java`, `getIotHubStatusCode`), for
/// `... with status UNAUTHORIZED`. Names with an evidence rule of their own (`QUOTA_EXCEEDED`,
/// `HUB_OR_DEVICE_ID_NOT_FOUND`, `REQUEST_ENTITY_TOO_LARGE`, `THROTTLED`) are read as such and are not listed;
/// `TOO_MANY_DEVICES` is what releases before `QUOTA_EXCEEDED` called a 403.
const JAVA_DEVICE_STATUSES: [(&str, u16); 7] = [
    ("BAD_FORMAT", 400),
    ("UNAUTHORIZED", 401),
    ("TOO_MANY_DEVICES", 403),
    ("NOT_FOUND", 404),
    ("PRECONDITION_FAILED", 412),
    ("INTERNAL_SERVER_ERROR", 500),
    ("SERVER_BUSY", 503),
];

/// The HTTP status of a Java device SDK status name written in capitals (`UNAUTHORIZED` gives 401).
pub(crate) fn java_device_status(name: &[u8]) -> Option<u16> {
    JAVA_DEVICE_STATUSES.iter().find(|(written, _)| written.as_bytes() == name).map(|&(_, status)| status)
}

/// The reason phrase of a status (the first one listed), for `503 Service Unavailable`.
pub(crate) fn reason_of_status(status: u16) -> Option<&'static str> {
    REASONS.iter().find(|&&(_, s)| s == status).map(|&(text, _)| text)
}

/// The HTTP status of a reason phrase (`Too Many Requests` gives 429), ignoring case.
pub(crate) fn status_of_reason(reason: &str) -> Option<u16> {
    let reason = reason.trim();
    REASONS.iter().find(|(text, _)| text.eq_ignore_ascii_case(reason)).map(|&(_, status)| status)
}

/// The reason phrases of the statuses IoT Hub answers with (lowercase).
const REASONS: &[(&str, u16)] = &[
    ("bad request", 400),
    ("unauthorized", 401),
    ("forbidden", 403),
    ("not found", 404),
    ("request timeout", 408),
    ("conflict", 409),
    ("precondition failed", 412),
    ("payload too large", 413),
    ("request entity too large", 413),
    ("too many requests", 429),
    ("internal server error", 500),
    ("bad gateway", 502),
    ("service unavailable", 503),
    ("gateway timeout", 504),
];

/// A catalog service message usable for matching: the entry's canonical name and the fragment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fragment {
    /// The entry's canonical name.
    pub(crate) name: &'static str,
    /// The fragment with `*` wildcards.
    pub(crate) text: &'static str,
    /// Length of the fragment's first word.
    pub(crate) first_word: usize,
    /// The [`hash`] of the fragment's first word (normalized), to skip fragments that start with another word.
    pub(crate) first_hash: u64,
}

/// The tables built once from the constants above and the catalog.
pub(crate) struct Tables {
    bloom: [u64; BLOOM_WORDS],
    /// `(hash, normalized word, meaning)`, sorted by hash.
    words: Vec<(u64, Box<[u8]>, Word)>,
    /// Service-message fragments (not the `ErrorCode:`, AMQP and `aka.ms` ones, which other patterns cover).
    pub(crate) fragments: Vec<Fragment>,
}

const BLOOM_WORDS: usize = 128;
/// Longest word the scanner looks up.
pub(crate) const MAX_WORD: usize = 64;

pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

fn build() -> Tables {
    let mut tables = Tables { bloom: [0; BLOOM_WORDS], words: Vec::new(), fragments: Vec::new() };
    let mut add = |key: &str, word: Word| {
        let key = normalize_into(key.as_bytes(), &mut [0; MAX_WORD]).to_vec();
        tables.words.push((hash(&key), key.into_boxed_slice(), word));
    };
    for &(name, target) in SDK {
        add(name, Word::Sdk(target));
    }
    for &(name, target) in C_REASONS {
        add(name, Word::CReason(target));
    }
    for &(name, code) in MQTT_NAMES {
        add(name, Word::Mqtt(code));
        add(&format!("mqtt{name}"), Word::Mqtt(code));
    }
    for &(name, key) in KEYS {
        add(name, Word::Key(key));
    }
    add("throttled", Word::Throttled);
    // Exception classes of the evidence rules that the SDK table above does not hold yet.
    for rule in super::evidence::rules() {
        if rule.kind == super::evidence::Kind::Sdk {
            let target = rule
                .codes
                .first()
                .and_then(|&(code, _)| catalog::find_code(code))
                .map_or(Nothing, |e| Class(e.class));
            add(rule.key, Word::Sdk(target));
        }
    }
    for entry in catalog::entries() {
        for text in entry.messages {
            let lower = text.to_ascii_lowercase();
            let covered = ["errorcode:", "amqp:", "com.microsoft:"].iter().any(|p| lower.starts_with(p));
            if covered || super::contains(lower.as_bytes(), b"aka.ms/") {
                continue;
            }
            let first: String = text.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if first.len() >= 3 {
                add(&first, Word::MessageStart);
                let first_hash = hash(normalize_into(first.as_bytes(), &mut [0; MAX_WORD]));
                tables.fragments.push(Fragment {
                    name: entry.name,
                    text,
                    first_word: first.len(),
                    first_hash,
                });
            }
        }
    }
    // Keep the first meaning of a key (tables above come first) and make the rest searchable.
    crate::sort::sort_by(&mut tables.words, |a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    tables.words.dedup_by(|later, earlier| later.1 == earlier.1);
    let hashes: Vec<u64> = tables.words.iter().map(|&(hash, ..)| hash).collect();
    for hash in hashes {
        set_bloom(&mut tables.bloom, hash);
    }
    for entry in catalog::entries() {
        for name in std::iter::once(entry.name).chain(entry.aliases) {
            set_bloom(&mut tables.bloom, hash(normalize_into(name.as_bytes(), &mut [0; MAX_WORD])));
        }
    }
    tables
}

/// The hash of a normalized word (see [`super::word_hash::hash`]).
pub(crate) fn hash(normalized: &[u8]) -> u64 {
    super::word_hash::hash(normalized)
}

/// `word` normalized into `buffer`: ASCII lowercase without underscores, at most [`MAX_WORD`] bytes kept.
pub(crate) fn normalize_into<'b>(word: &[u8], buffer: &'b mut [u8; MAX_WORD]) -> &'b [u8] {
    let mut len = 0;
    for &b in word.iter().filter(|&&b| b != b'_') {
        if let Some(slot) = buffer.get_mut(len) {
            *slot = b.to_ascii_lowercase();
            len += 1;
        }
    }
    buffer.get(..len).unwrap_or_default()
}

fn bloom_bits(hash: u64) -> [usize; 2] {
    let bits = (BLOOM_WORDS * 64) as u64;
    [(hash % bits) as usize, ((hash >> 32) % bits) as usize]
}

fn set_bloom(bloom: &mut [u64; BLOOM_WORDS], hash: u64) {
    for bit in bloom_bits(hash) {
        if let Some(word) = bloom.get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }
}

impl Tables {
    /// True when the word may be one the scanner cares about (no false negatives).
    pub(crate) fn may_contain(&self, hash: u64) -> bool {
        bloom_bits(hash)
            .iter()
            .all(|&bit| self.bloom.get(bit / 64).is_some_and(|word| word & (1 << (bit % 64)) != 0))
    }

    /// The meaning of a normalized word in the pattern tables.
    pub(crate) fn word(&self, hash: u64, normalized: &[u8]) -> Option<Word> {
        let first = self.words.partition_point(|&(h, ..)| h < hash);
        let mut same = self.words.get(first..)?.iter().take_while(|&&(h, ..)| h == hash);
        same.find(|(_, key, _)| key.as_ref() == normalized).map(|&(.., word)| word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_target_names_a_catalog_entry() {
        let targets = SDK.iter().chain(C_REASONS).chain(AMQP).map(|&(_, target)| target);
        for target in targets {
            if let Target::Entry(name) = target {
                assert!(catalog::find_name(name).is_some(), "{name}");
            }
        }
        for &(name, _) in SDK {
            assert!(catalog::find_name(name).is_none(), "{name} is a catalog alias already");
        }
    }

    fn normalize(word: &[u8]) -> Vec<u8> {
        normalize_into(word, &mut [0; MAX_WORD]).to_vec()
    }

    #[test]
    fn tables_hold_every_word_and_fragment() {
        let tables = tables();
        for word in ["DeviceNotFoundException", "IOTHUB_CLIENT_CONNECTION_NO_NETWORK", "errorCode", "DPS"] {
            let key = normalize(word.as_bytes());
            assert!(tables.may_contain(hash(&key)), "{word}");
            assert!(tables.word(hash(&key), &key).is_some(), "{word}");
        }
        assert!(tables.may_contain(hash(&normalize(b"DeviceConnectionClosedRemotely"))));
        assert_eq!(
            hash(normalize_into(b"Device_Connection_ClosedRemotely404", &mut [0; MAX_WORD])),
            hash(&normalize(b"DeviceConnectionClosedRemotely404"))
        );
        assert_eq!(
            super::super::word_hash::hash(b"DeviceConnectionClosedRemotely404"),
            hash(&normalize(b"DeviceConnectionClosedRemotely404"))
        );
        assert!(tables.fragments.iter().any(|f| f.text.starts_with("Number of active file upload")));
        assert!(tables.fragments.iter().filter(|f| f.name == "IotHubUnauthorized").count() >= 5);
    }
}
