//! `resolve_error`: the finding an SDK's error object stands for, from the facts a binding reads off it.
//!
//! Bindings do not decide anything: each reads what its runtime's error objects carry (class names and messages
//! along the cause chain, the HTTP status, the `iothub-errorcode` header, the body, the AMQP condition, the
//! CONNACK return code, stack frames) into [`ErrorFacts`]. The core writes those facts as one text, in the
//! wordings the scanner reads ([`ErrorFacts::text`]), scans it, and returns the strongest finding: an explicit
//! code in a body or header wins over anything inferred, as it does in [`scan`](super::scan).

use serde::{Deserialize, Serialize};

use super::{Evidence, ScanFinding, Service, evidence, scan_with, split_tracking};

/// What an error object carries, as a binding reads it. Every field is optional; give what the object has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ErrorFacts {
    /// The error and its causes, outermost first (`err.cause`, `__cause__`, `getCause()`, inner exceptions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ErrorLink>,
    /// The HTTP status of the response the error came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The response's `iothub-errorcode` header (an error name such as `DeviceNotFound`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code_header: Option<String>,
    /// The response body as received (an IoT Hub error body is JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The AMQP error condition (`amqp:unauthorized-access`, `com.microsoft:device-container-throttled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amqp_condition: Option<String>,
    /// The AMQP error description: the hub's own text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amqp_description: Option<String>,
    /// The return code of a refused MQTT CONNACK (1 to 5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connack_code: Option<u8>,
    /// A tracking id the object carries apart from its text (AMQP `com.microsoft:tracking-id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_id: Option<String>,
    /// Where the error was raised: stack frames, module or package names (`azure-iot-device-mqtt`,
    /// `azure.iot.hub`). They tell a device connection from a service call, and IoT Hub from other services.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<String>,
}

/// One error of a cause chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ErrorLink {
    /// The class or type name (`UnauthorizedError`, `azure.iot.device.exceptions.CredentialError`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Longest text kept of any one fact: an error body of a megabyte is not read further than this.
const MAX_FACT_LEN: usize = 64 * 1024;

impl ErrorFacts {
    /// The facts as one text, in the wordings [`scan`](super::scan) reads: the chain as `Name: message` lines
    /// (causes after ` ---> `), then `iothub-errorcode: ...`, `HTTP status ...`, the body, `AMQP error
    /// condition: description`, `MQTT CONNACK return code ...`, `Tracking ID:...` and `at ...` frames.
    /// [`resolve_error`]'s offsets (`start`, `end`) point into this text.
    pub fn text(&self) -> String {
        let mut text = String::new();
        // One line of pieces; a line whose every piece is empty is left out. (Pieces, not `format!`: this is
        // in every binding's build, and the npm package's size is budgeted.)
        let mut line = |pieces: &[&str]| {
            if pieces.iter().any(|piece| !piece.is_empty()) {
                if !text.is_empty() {
                    text.push('\n');
                }
                pieces.iter().for_each(|piece| text.push_str(piece));
            }
        };
        for (depth, link) in self.chain.iter().enumerate() {
            let name = link.name.as_deref().map_or("", clip);
            let message = link.message.as_deref().map_or("", clip);
            if name.is_empty() && message.is_empty() {
                continue;
            }
            let arrow = if depth == 0 { "" } else { " ---> " };
            let colon = if name.is_empty() || message.is_empty() { "" } else { ": " };
            line(&[arrow, name, colon, message]);
        }
        if let Some(header) = &self.error_code_header {
            line(&["iothub-errorcode: ", clip(header)]);
        }
        if let Some(status) = self.http_status {
            line(&["HTTP status ", &status.to_string()]);
        }
        if let Some(body) = &self.body {
            line(&[clip(body)]);
        }
        if self.amqp_condition.is_some() || self.amqp_description.is_some() {
            let condition = self.amqp_condition.as_deref().map_or("", clip);
            let description = self.amqp_description.as_deref().map_or("", clip);
            let space = if condition.is_empty() { "" } else { " " };
            let colon = if description.is_empty() { "" } else { ": " };
            line(&["AMQP error", space, condition, colon, description]);
        }
        if let Some(code) = self.connack_code {
            line(&["MQTT CONNACK return code ", &code.to_string()]);
        }
        if let Some(tracking) = &self.tracking_id {
            line(&["Tracking ID:", clip(tracking)]);
        }
        for frame in &self.frames {
            line(&["   at ", clip(frame)]);
        }
        text
    }
}

/// `text` cut to at most [`MAX_FACT_LEN`] bytes, on a character boundary.
fn clip(text: &str) -> &str {
    let mut end = text.len().min(MAX_FACT_LEN);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// Whether `finding` is a better answer for an error object than `kept`: a DPS finding first (the object is a
/// provisioning error, whatever else it carries), then one with a code (a cause's CONNACK 3 says more than the
/// outer "could not connect" that names none), then the higher confidence; the earlier one among equals.
fn outranks(finding: &ScanFinding, kept: &ScanFinding) -> bool {
    let rank = |f: &ScanFinding| (f.service == Service::Dps, f.code.is_some());
    match rank(finding).cmp(&rank(kept)) {
        std::cmp::Ordering::Equal => finding.confidence > kept.confidence,
        order => order.is_gt(),
    }
}

/// The IoT Hub (or DPS) error an error object stands for, from the facts a binding read off it; `None` when
/// nothing in them names or implies one. The answer is the strongest finding [`scan`](super::scan) makes in
/// [`ErrorFacts::text`]: a DPS finding first, then one with a code, then the highest confidence; a tracking id
/// given apart fills the finding's when the text had none.
/// Unlike a pasted text, an error object may come from anywhere in an app: when its only evidence is an HTTP
/// status and nothing in it names IoT Hub, its SDKs or their clients, the answer is `None`.
pub fn resolve_error(facts: &ErrorFacts) -> Option<ScanFinding> {
    let text = facts.text();
    let mut best: Option<ScanFinding> = None;
    for finding in scan_with(&text, true) {
        if best.as_ref().is_none_or(|kept| outranks(&finding, kept)) {
            best = Some(finding);
        }
    }
    let mut best = best?;
    if best.evidence == Evidence::HttpStatus && !evidence::names_iot_hub(text.as_bytes()) {
        return None;
    }
    if best.tracking_id.is_none() {
        if let Some(tracking) = facts.tracking_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let (id, gateway) = split_tracking(tracking);
            best.tracking_id = Some(id.to_owned());
            best.gateway = best.gateway.take().or_else(|| gateway.map(str::to_owned));
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(name: &str, message: &str) -> ErrorLink {
        ErrorLink { name: Some(name.to_owned()), message: Some(message.to_owned()) }
    }

    #[test]
    fn an_explicit_code_in_body_or_header_wins_over_the_status_and_the_class() {
        let facts = ErrorFacts {
            chain: vec![link("Error", "Not found")],
            http_status: Some(404),
            body: Some(r#"{"Message":"{\"errorCode\":404103,\"trackingId\":\"ab12-G:3-TimeStamp:05/01/2024 10:00:00\",\"message\":\"device offline\"}","ExceptionMessage":""}"#.into()),
            ..ErrorFacts::default()
        };
        let found = resolve_error(&facts).unwrap();
        assert_eq!((found.code, found.alternatives.len()), (Some(404103), 0));
        assert_eq!((found.tracking_id.as_deref(), found.gateway.as_deref()), (Some("ab12"), Some("3")));
        let header =
            ErrorFacts { error_code_header: Some("DeviceNotFound".into()), http_status: Some(404), ..facts };
        assert_eq!(resolve_error(&ErrorFacts { body: None, ..header }).unwrap().code, Some(404001));
    }

    #[test]
    fn code_less_facts_give_the_most_likely_code_with_alternatives() {
        let connack = ErrorFacts {
            chain: vec![link(
                "UnauthorizedError",
                "mqtt.js returned Failure on first connection (Not authorized)",
            )],
            connack_code: Some(5),
            ..ErrorFacts::default()
        };
        let found = resolve_error(&connack).unwrap();
        assert_eq!(found.code, Some(401003));
        assert!(found.confidence < 0.85 && !found.alternatives.is_empty(), "{found:?}");
        let amqp = ErrorFacts {
            amqp_condition: Some("com.microsoft:device-container-throttled".into()),
            amqp_description: Some("too many requests".into()),
            tracking_id: Some("9f1c-G:0-TimeStamp:01/09/2025 07:01:12".into()),
            ..ErrorFacts::default()
        };
        let found = resolve_error(&amqp).unwrap();
        assert_eq!((found.code, found.tracking_id.as_deref()), (Some(429001), Some("9f1c")));
        let twin = ErrorFacts {
            chain: vec![
                link("azure.iot.device.exceptions.ClientError", "Unexpected failure"),
                link("azure.iot.device.exceptions.ServiceError", "twin operation returned status 404"),
            ],
            ..ErrorFacts::default()
        };
        assert_eq!(resolve_error(&twin).unwrap().code, Some(404001));
    }

    #[test]
    fn facts_naming_nothing_give_none_and_huge_facts_are_clipped() {
        assert_eq!(resolve_error(&ErrorFacts::default()), None);
        let plain = ErrorFacts { chain: vec![link("TypeError", "x is undefined")], ..ErrorFacts::default() };
        assert_eq!(resolve_error(&plain), None);
        let huge = ErrorFacts { body: Some("é".repeat(100_000)), ..ErrorFacts::default() };
        assert!(huge.text().len() <= MAX_FACT_LEN);
        assert_eq!(resolve_error(&huge), None);
    }

    #[test]
    fn the_text_lists_every_fact_in_order() {
        let facts = ErrorFacts {
            chain: vec![link("A", "one"), ErrorLink { name: None, message: Some("two".into()) }],
            http_status: Some(401),
            error_code_header: Some("IotHubUnauthorizedAccess".into()),
            body: Some("{}".into()),
            amqp_condition: Some("amqp:not-found".into()),
            amqp_description: None,
            connack_code: Some(4),
            tracking_id: Some("t1".into()),
            frames: vec!["node_modules/azure-iothub/dist/registry.js:120".into()],
        };
        assert_eq!(
            facts.text(),
            "A: one\n ---> two\niothub-errorcode: IotHubUnauthorizedAccess\nHTTP status 401\n{}\nAMQP error \
             amqp:not-found\nMQTT CONNACK return code 4\nTracking ID:t1\n   at node_modules/azure-iothub/dist/registry.js:120"
        );
    }

    #[test]
    fn a_cause_with_a_code_outranks_an_outer_error_naming_none_and_tls_failures_give_none() {
        let refused = ErrorFacts {
            chain: vec![
                link("azure.iot.device.exceptions.ConnectionFailedError", "Could not connect to IoTHub"),
                link(
                    "azure.iot.device.common.transport_exceptions.ConnectionFailedError",
                    "Connection Refused: broker unavailable.",
                ),
            ],
            frames: vec!["azure.iot.device.iothub.sync_clients".into()],
            ..ErrorFacts::default()
        };
        assert_eq!(resolve_error(&refused).unwrap().code, Some(503001));
        let self_signed = ErrorFacts {
            chain: vec![
                link(
                    "UnauthorizedError",
                    "mqtt.js returned Failure on first connection (Not authorized): self-signed certificate error",
                ),
                link("Error", "Failure on first connection (Not authorized): self-signed certificate"),
            ],
            frames: vec!["node_modules/azure-iot-mqtt-base/dist/mqtt_base.js:120".into()],
            ..ErrorFacts::default()
        };
        let found = resolve_error(&self_signed).unwrap();
        assert_eq!(found.code, None, "{found:?}");
        assert!(found.basis.contains("TLS"), "{}", found.basis);
    }

    #[test]
    fn a_bare_status_counts_only_when_the_object_names_iot_hub() {
        let storage = ErrorFacts {
            chain: vec![link("retrofit2.HttpException", "HTTP 404 Not Found")],
            http_status: Some(404),
            frames: vec![
                "retrofit2.OkHttpCall.parseResponse".into(),
                "com.contoso.api.StorageApi.getBlob".into(),
            ],
            ..ErrorFacts::default()
        };
        assert_eq!(resolve_error(&storage), None);
        let registry =
            ErrorFacts { frames: vec!["node_modules/azure-iothub/dist/registry.js:120".into()], ..storage };
        assert_eq!(resolve_error(&registry).unwrap().code, Some(404001));
    }
}
