//! `scan` and `parse_error_body`: every body shape, every kind of evidence, the things that must not be
//! found, DPS, precedence, spans, and linear time on hostile input.

use std::time::{Duration, Instant};

use iothub_errors::{ErrorClass, Evidence, ScanFinding, Service, parse_error_body, scan};

/// The one finding `text` must give.
fn only(text: &str) -> ScanFinding {
    let findings = scan(text);
    assert_eq!(findings.len(), 1, "{text:?} gave {findings:#?}");
    let finding = findings.into_iter().next().unwrap();
    assert_span(text, &finding);
    finding
}

fn assert_span(text: &str, finding: &ScanFinding) {
    assert!(finding.start < finding.end && finding.end <= text.len(), "{finding:?}");
    assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end), "{finding:?}");
    assert!((0.0..=1.0).contains(&finding.confidence), "{finding:?}");
}

#[test]
fn the_seven_fixture_bodies_parse_to_the_expected_answers() {
    let lines = include_str!("../../testdata/bodies/rest-error-bodies.jsonl");
    // (status, code, name as written, tracking id, timestamp, message)
    type Expected =
        (u16, u32, &'static str, Option<&'static str>, Option<&'static str>, Option<&'static str>);
    let expected: [Expected; 7] = [
        // EXPECTED.md lists the tracking id as "(tracking id)" and the time stamp apart; the id is kept whole,
        // as the hub wrote it (as for lines 3 and 5).
        (
            401,
            401002,
            "IotHubUnauthorizedAccess",
            Some("(tracking id)-TimeStamp:12/14/2016 03:15:17"),
            Some("2016-12-14T03:15:17Z"),
            Some("Unauthorized"),
        ),
        (
            412,
            412001,
            "PreconditionFailed",
            None,
            None,
            Some(
                "Precondition failed: Device version did not match, existingVersion:957482805 newVersion:957482804",
            ),
        ),
        (
            404,
            404001,
            "DeviceNotFound",
            Some("aeec4c1e4e914a4c9f40fdba7be68fa5-G:0-TimeStamp:10/18/2022 20:50:39"),
            Some("2022-10-18T20:50:39Z"),
            Some("Device thermo-0099 not registered"),
        ),
        (
            404,
            404103,
            "DeviceNotOnline",
            Some("b575211ff5194d56b18721941e82c3d5"),
            Some("2022-09-12T21:59:47Z"),
            Some(
                "The operation failed because the requested device isn't online or hasn't registered the direct method callback.",
            ),
        ),
        (
            404,
            404103,
            "DeviceNotOnline",
            Some("95ae23a6a159445681f6a52aebc99ab0-TimeStamp:10/19/2022 16:47:22"),
            Some("2022-10-19T16:47:22Z"),
            None,
        ),
        (
            403,
            403006,
            "DeviceMaximumActiveFileUploadLimitExceeded",
            Some("5d2c0b9e7a4f4c1e8b3a6f0d9e2c1b7a-G:4-TimeStamp:05/14/2024 02:30:01"),
            Some("2024-05-14T02:30:01Z"),
            Some("Number of active file upload requests cannot exceed 10"),
        ),
        (
            429,
            429001,
            "ThrottlingException",
            Some("0f1e2d3c4b5a49688776a5b4c3d2e1f0-G:2-TimeStamp:05/16/2024 10:40:05"),
            Some("2024-05-16T10:40:05Z"),
            Some("Throttling threshold reached"),
        ),
    ];
    let lines: Vec<&str> = lines.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), expected.len());
    for (line, (status, code, name, tracking, timestamp, message)) in lines.iter().zip(expected) {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["httpStatus"], status);
        let body = record["body"].as_str().unwrap();
        let parsed = parse_error_body(body, Some(status)).unwrap();
        assert_eq!(parsed.code, Some(code), "{body}");
        assert_eq!(parsed.name.as_deref(), Some(name), "{body}");
        assert_eq!(parsed.class, ErrorClass::from_status(status), "{body}");
        assert_eq!(parsed.tracking_id.as_deref(), tracking, "{body}");
        assert_eq!(parsed.timestamp.as_deref(), timestamp, "{body}");
        assert_eq!(parsed.http_status, Some(status));
        if let Some(message) = message {
            assert_eq!(parsed.message.as_deref(), Some(message), "{body}");
        }
        // The scanner finds the same error in the raw body, once, covering the whole body.
        let finding = only(body);
        assert_eq!((finding.code, finding.start, finding.end), (Some(code), 0, body.len()), "{body}");
        // The finding splits the tracking id: the id alone, the gateway apart, the time stamp in `timestamp`.
        let id =
            tracking.map(|t| t.split("-G:").next().unwrap_or(t).split("-TimeStamp:").next().unwrap_or(t));
        assert_eq!(finding.tracking_id.as_deref(), id, "{body}");
        assert_eq!(finding.timestamp.as_deref(), timestamp, "{body}");
        assert_eq!(finding.service, Service::IotHub);
    }
    // Line 5 keeps the link in its message, and the 404103 code came from a JSON errorCode.
    let fifth = parse_error_body(
        serde_json::from_str::<serde_json::Value>(lines[4]).unwrap()["body"].as_str().unwrap(),
        None,
    )
    .unwrap();
    assert!(fifth.message.unwrap().ends_with("https://aka.ms/iothub404103"));
    assert_eq!(
        only(serde_json::from_str::<serde_json::Value>(lines[3]).unwrap()["body"].as_str().unwrap()).evidence,
        Evidence::JsonErrorCode
    );
}

#[test]
fn every_kind_of_evidence_is_found() {
    let cases: &[(&str, Evidence, Option<u32>, Option<ErrorClass>)] = &[
        (
            "request failed with error code 404001",
            Evidence::NumericCode,
            Some(404001),
            Some(ErrorClass::NotFound),
        ),
        ("IotHubException: 429001", Evidence::NumericCode, Some(429001), Some(ErrorClass::TooManyRequests)),
        ("status: 404102 while invoking", Evidence::NumericCode, Some(404103), Some(ErrorClass::NotFound)),
        (
            "the hub said ErrorCode:IotHubQuotaExceeded;Total number of messages exceeded",
            Evidence::ErrorCodeName,
            Some(403002),
            Some(ErrorClass::Forbidden),
        ),
        (
            "iothub-errorcode: DeviceNotFound",
            Evidence::ErrorCodeName,
            Some(404001),
            Some(ErrorClass::NotFound),
        ),
        (
            "device dropped: iothubunauthorized",
            Evidence::ErrorCodeName,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "reason=DeviceConnectionClosedRemotely",
            Evidence::ErrorCodeName,
            Some(404104),
            Some(ErrorClass::NotFound),
        ),
        (
            "payload {\"errorCode\":\"404103\",\"message\":\"offline\"} end",
            Evidence::JsonErrorCode,
            Some(404103),
            Some(ErrorClass::NotFound),
        ),
        (
            "Microsoft.Azure.Devices.Common.Exceptions.DeviceNotFoundException: not here",
            Evidence::SdkException,
            Some(404001),
            Some(ErrorClass::NotFound),
        ),
        (
            "com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnathorizedException",
            Evidence::SdkException,
            Some(401002),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "caught ThrottlingError from the client",
            Evidence::SdkException,
            Some(429001),
            Some(ErrorClass::TooManyRequests),
        ),
        (
            "azure.iot.device.exceptions.CredentialError: bad key",
            Evidence::SdkException,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "DeviceMessageLockLostException thrown",
            Evidence::SdkException,
            Some(412002),
            Some(ErrorClass::PreconditionFailed),
        ),
        ("IotHubCommunicationException: socket closed", Evidence::SdkException, None, None),
        (
            "link detached: amqp:resource-limit-exceeded",
            Evidence::AmqpCondition,
            Some(403004),
            Some(ErrorClass::Forbidden),
        ),
        (
            "condition com.microsoft:device-container-throttled",
            Evidence::AmqpCondition,
            Some(429001),
            Some(ErrorClass::TooManyRequests),
        ),
        ("AMQP amqp:link:stolen", Evidence::AmqpCondition, Some(400027), Some(ErrorClass::BadRequest)),
        (
            "paho: Connection Refused: not authorised.",
            Evidence::MqttConnack,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        ("CONNACK return code 5", Evidence::MqttConnack, Some(401003), Some(ErrorClass::Unauthorized)),
        (
            "MQTT_CONNECTION_REFUSED_BAD_USERNAME_PASSWORD",
            Evidence::MqttConnack,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "Connection status: IOTHUB_CLIENT_CONNECTION_EXPIRED_SAS_TOKEN",
            Evidence::CSdkReason,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        ("reason IOTHUB_CLIENT_CONNECTION_NO_PING_RESPONSE", Evidence::CSdkReason, None, None),
        (
            "HTTP/1.1 429 Too Many Requests",
            Evidence::HttpStatus,
            Some(429001),
            Some(ErrorClass::TooManyRequests),
        ),
        ("Status code: 404", Evidence::HttpStatus, Some(404001), Some(ErrorClass::NotFound)),
        (
            "The remote server returned an error: (401) Unauthorized.",
            Evidence::HttpStatus,
            Some(401002),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "Response status code does not indicate success: 503 (Service Unavailable).",
            Evidence::HttpStatus,
            Some(503001),
            Some(ErrorClass::ServiceUnavailable),
        ),
        (
            "IotHub 'contoso' does not contain the specified device 'x1'",
            Evidence::ServiceMessage,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "AUTHORIZATION HEADER MISSING",
            Evidence::ServiceMessage,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "Number of active file upload requests cannot exceed 10",
            Evidence::ServiceMessage,
            Some(403006),
            Some(ErrorClass::Forbidden),
        ),
        (
            r#"{"resultType":"404104","level":"Error"}"#,
            Evidence::AzureMonitorField,
            Some(404104),
            Some(ErrorClass::NotFound),
        ),
        (
            "5/13/2024,deviceConnect,401003,IotHubUnauthorized,",
            Evidence::AzureMonitorField,
            Some(401003),
            Some(ErrorClass::Unauthorized),
        ),
        (
            "see https://aka.ms/iothub404103 for more",
            Evidence::DocLink,
            Some(404103),
            Some(ErrorClass::NotFound),
        ),
        (
            "troubleshoot-error-codes#409002-linkcreationconflict",
            Evidence::DocLink,
            Some(409002),
            Some(ErrorClass::Conflict),
        ),
    ];
    let mut failures = Vec::new();
    for &(text, evidence, code, class) in cases {
        let finding = only(text);
        if (finding.evidence, finding.code, finding.class) != (evidence, code, class) {
            failures
                .push(format!("{text:?}: got {:?} {:?} {:?}", finding.evidence, finding.code, finding.class));
        }
        assert_eq!(finding.service, Service::IotHub, "{text}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn numbers_that_are_not_error_codes_are_not_found() {
    for text in [
        "2024-05-14T08:00:05.404001Z connected",
        "elapsed 08:00:05.404001 total",
        "trackingId 404001c3cfda487ebe0988aa7663fb0f error",
        "tracking 191306c3cfda487ebe0988aa7663fb0f-TimeStamp:05/21/2020 20:14:49",
        "correlation 404001ab-95d3-4f60-8a1b-2d3e4f5a6b7c error",
        "{7C2E4B1A-95D3-4F60-8A1B-404001404001}",
        "\"sequenceNumber\":\"404001\"",
        "seq=500001 offset=409001 partition 4",
        "connecting to hub.azure-devices.net:8883 error",
        "error in SDK .NET/1.42.3 (build 404.103.1)",
        "error: sent 65536 bytes, messageSizeInBytes 409600",
        "error 0x404001 and hex 404001ff",
        "code 4040011 and 14040012",
        "error 123456 and code 600001 and error 404",
        "deviceId\":\"404001\"",
        "order #404001 shipped",
        "version 500001 released",
        "404001",
        "Connection refused by peer",
        "status: 200 OK and HTTP/1.1 201 Created",
        "the amqp:link:unknown-thing condition",
        "ErrorCode:NoSemicolonName and ErrorCode: ",
        "it does not look like a message",
        "the status is fine; error handling code",
    ] {
        let findings = scan(text);
        assert!(findings.is_empty(), "{text:?} gave {findings:#?}");
    }
}

#[test]
fn dps_errors_are_reported_as_dps_without_an_iot_hub_code() {
    for text in [
        "ProvisioningDeviceClient.RegisterAsync failed: {\"errorCode\":401002,\"trackingId\":\"t\",\"message\":\"Unauthorized\",\"timestampUtc\":\"2022-02-28T10:11:31.1373215Z\"}",
        "POST https://global.azure-devices-provisioning.net/0ne00000000/registrations/dev1/register error 404201",
        "registrationId=dev-7 {\"errorCode\":409203,\"trackingId\":\"e5490c1e\",\"message\":\"Precondition failed.\",\"timestampUtc\":\"2022-02-28T10:11:31.1373215Z\"}",
        "DPS returned error code 429001 for enrollment",
        "the provisioning service said: errorCode 412001",
        "{\"operationId\":\"5.316aa8b8d2c6b7c6.abc\",\"status\":\"failed\",\"registrationState\":{\"errorCode\":400209}}",
    ] {
        let finding = only(text);
        assert_eq!(finding.service, Service::Dps, "{text}");
        assert_eq!((finding.code, finding.name), (None, None), "{text}");
        let message = finding.message.unwrap();
        assert!(message.contains("Device Provisioning Service"), "{message}");
    }
    let finding = only("registrationId dev-7 {\"errorCode\":409203,\"message\":\"Precondition failed.\"}");
    assert_eq!(finding.class, Some(ErrorClass::Conflict));
    assert!(finding.message.unwrap().contains("409203"));
    // The same body without DPS context is an IoT Hub error.
    assert_eq!(only("{\"errorCode\":401002,\"message\":\"Unauthorized\"}").service, Service::IotHub);
    // DPS context on another line does not leak into an IoT Hub error.
    let findings = scan("DPS registration ok\nerror code 401002 from the hub\n");
    assert_eq!(findings.len(), 1);
    assert_eq!((findings[0].service, findings[0].code), (Service::IotHub, Some(401002)));
}

#[test]
fn the_body_wins_over_the_exception_that_carried_it() {
    let text = "IotHubNotFoundException: ErrorCode:DeviceNotFound;Device d1 not found";
    let finding = only(text);
    assert_eq!(
        (finding.code, finding.name, finding.evidence),
        (Some(404001), Some("DeviceNotFound"), Evidence::ErrorCodeName)
    );
    assert_eq!(
        (finding.start, &text[finding.start..finding.end]),
        (0, "IotHubNotFoundException: ErrorCode:DeviceNotFound")
    );
    assert_eq!(finding.message.as_deref(), Some("Device d1 not found"));

    // One error, several names for it: one finding.
    let finding = only("ErrorCode:DeviceNotFound;DeviceNotFound");
    assert_eq!(finding.code, Some(404001));
    let finding =
        only(r#"{"resultType":"401003","resultDescription":"IotHubUnauthorized","statusCode":"401"}"#);
    assert_eq!((finding.code, finding.evidence), (Some(401003), Evidence::AzureMonitorField));
    let finding = only(
        "QuotaExceededException: {\"Message\":\"ErrorCode:IotHubQuotaExceeded;Total number of messages on IotHub exceeded the allocated quota\"}",
    );
    assert_eq!(finding.code, Some(403002));
    let finding = only(
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 120\r\niothub-errorcode: IotHubUnauthorizedAccess\r\n\r\n{\"Message\":\"ErrorCode:IotHubUnauthorizedAccess;Unauthorized\",\"ExceptionMessage\":\"Tracking ID:abc-G:0-TimeStamp:12/14/2016 03:15:17\"}",
    );
    assert_eq!((finding.code, finding.start), (Some(401002), 0));
    assert_eq!(finding.tracking_id.as_deref(), Some("abc"));
    assert_eq!(finding.gateway.as_deref(), Some("0"));
    assert_eq!(finding.timestamp.as_deref(), Some("2016-12-14T03:15:17Z"));

    // Two different errors on one line stay two findings; the same error on two lines stays two.
    let findings = scan("error 404001 then error 429001");
    assert_eq!(findings.iter().map(|f| f.code).collect::<Vec<_>>(), [Some(404001), Some(429001)]);
    let findings = scan("{\"resultType\":\"429001\"}\n{\"resultType\":\"429001\"}\n");
    assert_eq!(findings.len(), 2);
}

#[test]
fn a_pasted_dotnet_stack_trace_gives_its_body_once() {
    let text = "fail: Backend.Worker[0]\r\n      Invoke failed\r\n      Microsoft.Azure.Devices.Common.Exceptions.DeviceNotFoundException: {\"Message\":\"{\\\"errorCode\\\":404103,\\\"trackingId\\\":\\\"95ae23a6a159445681f6a52aebc99ab0-TimeStamp:10/19/2022 16:47:22\\\",\\\"message\\\":\\\"The operation failed because the requested device isn't online or hasn't registered the direct method callback. To learn more, see https://aka.ms/iothub404103\\\",\\\"timestampUtc\\\":\\\"2022-10-19T16:47:22.0203257Z\\\"}\",\"ExceptionMessage\":\"\"}\r\n         at Microsoft.Azure.Devices.HttpClientHelper.ExecuteAsync(HttpClient httpClient, HttpMethod httpMethod, Uri requestUri, Func`3 modifyRequestMessageAsync, IDictionary`2 errorMappingOverrides, CancellationToken cancellationToken)\r\n         at Microsoft.Azure.Devices.HttpClientHelper.PostAsync[T,T2](Uri requestUri, T entity, TimeSpan operationTimeout, IDictionary`2 errorMappingOverrides, CancellationToken cancellationToken)\r\n         at Microsoft.Azure.Devices.ServiceClient.InvokeDeviceMethodAsync(String deviceId, CloudToDeviceMethod cloudToDeviceMethod, CancellationToken cancellationToken)\r\n         at Backend.Worker.ExecuteAsync(CancellationToken stoppingToken) in /src/Worker.cs:line 404\r\n";
    let finding = only(text);
    assert_eq!((finding.code, finding.name), (Some(404103), Some("DeviceNotOnline")));
    assert_eq!(finding.evidence, Evidence::JsonErrorCode);
    let span = &text[finding.start..finding.end];
    assert!(
        span.starts_with("Microsoft.Azure.Devices.Common.Exceptions.DeviceNotFoundException: {"),
        "{span}"
    );
    assert!(span.ends_with("\"ExceptionMessage\":\"\"}"), "{span}");
    assert_eq!(finding.tracking_id.as_deref(), Some("95ae23a6a159445681f6a52aebc99ab0"));
    assert_eq!(finding.timestamp.as_deref(), Some("2022-10-19T16:47:22Z"));
    assert!(finding.confidence > 0.95);
}

#[test]
fn spans_cover_their_evidence_and_context_is_read() {
    let text = "{\"time\":\"2024-05-15T14:02:11Z\",\"level\":\"Error\",\"resultType\":\"404104\",\"resultDescription\":\"DeviceConnectionClosedRemotely\",\"properties\":\"{\\\"deviceId\\\":\\\"meter-002\\\",\\\"statusCode\\\":\\\"404\\\",\\\"errorMessage\\\":\\\"see https://aka.ms/iothub404104\\\"}\"}\n{\"time\":\"2024-05-15T14:02:12Z\",\"level\":\"Error\",\"resultType\":\"500001\",\"resultDescription\":\"ServerError\",\"properties\":\"{\\\"deviceId\\\":\\\"meter-003\\\",\\\"statusCode\\\":\\\"500\\\"}\"}\n";
    let findings = scan(text);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let expected =
        [(404104, "meter-002", "2024-05-15T14:02:11Z"), (500001, "meter-003", "2024-05-15T14:02:12Z")];
    for (finding, (code, device, time)) in findings.iter().zip(expected) {
        assert_span(text, finding);
        assert_eq!(finding.code, Some(code));
        assert_eq!(finding.device_id.as_deref(), Some(device));
        assert_eq!(finding.timestamp.as_deref(), Some(time));
        assert!(text[finding.start..finding.end].contains(&code.to_string()));
    }
    let text = "héllo → ErrorCode:DeviceNotFound;ünïcödé message ✓ and aka.ms/iothub404104 ✓";
    for finding in scan(text) {
        assert_span(text, &finding);
        let span = &text[finding.start..finding.end];
        assert!(span.contains("DeviceNotFound") || span.contains("iothub404104"), "{span}");
    }
    let text = "az: {'Message': 'ErrorCode:DeviceNotFound;Device d1 not registered', 'ExceptionMessage': 'Tracking ID:abc-G:0-TimeStamp:10/18/2022 20:50:39'}";
    let finding = only(text);
    assert_eq!(&text[finding.start..finding.end], "ErrorCode:DeviceNotFound");
    assert_eq!(finding.message.as_deref(), Some("Device d1 not registered"));
    assert_eq!(finding.tracking_id.as_deref(), Some("abc"));
    assert_eq!(finding.gateway.as_deref(), Some("0"));
    assert_eq!(finding.timestamp.as_deref(), Some("2022-10-18T20:50:39Z"));
}

#[test]
fn inferred_findings_serialize_alternatives_basis_and_two_decimal_confidences() {
    let finding = only(
        "Microsoft.Azure.Devices.Client.Exceptions.UnauthorizedException: CONNECT failed: RefusedNotAuthorized",
    );
    let json = serde_json::to_string(&finding).unwrap();
    assert!(json.contains("\"confidence\":0.75,"), "{json}");
    assert!(
        json.contains("\"alternatives\":[{\"code\":404001,\"name\":\"DeviceNotFound\",\"confidence\":0.1}"),
        "{json}"
    );
    assert!(json.contains("\"basis\":\"An MQTT CONNACK refusal"), "{json}");
    assert!(!json.contains("0000"), "float noise in {json}");
    // An explicit code keeps the confidence of written evidence and has no alternatives.
    let explicit = only("connection failed: 401003");
    assert!(explicit.confidence >= 0.8 && explicit.alternatives.is_empty(), "{explicit:?}");
    assert!(finding.confidence < explicit.confidence);
}

#[test]
fn findings_serialize_with_kebab_case_evidence() {
    let json = serde_json::to_value(scan("error code 404001")).unwrap();
    assert_eq!(json[0]["evidence"], "numeric-code");
    assert_eq!(json[0]["service"], "IotHub");
    assert_eq!(json[0]["class"], "NotFound");
    let body = serde_json::to_value(parse_error_body("{\"errorCode\":404001}", Some(404)).unwrap()).unwrap();
    assert_eq!(body["code"], 404001);
    assert_eq!(
        parse_error_body("nothing here", None).unwrap_err().kind(),
        iothub_errors::ErrorKind::NotAnErrorBody
    );
}

#[test]
fn hostile_input_is_scanned_in_linear_time_without_panicking() {
    let budget = Duration::from_secs(if cfg!(debug_assertions) { 20 } else { 2 });
    let inputs = [
        "4".repeat(10 << 20),
        "ErrorCode:".repeat(100_000),
        "{\"Message\":".repeat(90_000),
        "{\\\"Message\\\":".repeat(70_000),
        "error 404001 ".repeat(50_000),
        "Connection Refused amqp: com.microsoft: HTTP/ status (404) ".repeat(10_000),
        "ErrorCode:DeviceNotFound;".repeat(20_000),
        "{".repeat(100_000) + &"}".repeat(100_000),
        "a".repeat(1 << 20),
        "é404001 error 404001é ".repeat(10_000),
        // Code-less evidence on one long line: each finding reads its context under a total budget.
        "UnauthorizedError: Connection refused: Not authorized device d-1 is ".repeat(20_000),
        "ThrottlingError throttled 429 Too Many Requests failed: 401003 ".repeat(20_000),
    ];
    for input in &inputs {
        let started = Instant::now();
        let findings = scan(input);
        let elapsed = started.elapsed();
        assert!(elapsed < budget, "{} bytes starting {:?} took {elapsed:?}", input.len(), &input[..20]);
        for finding in &findings {
            assert_span(input, finding);
        }
        let _ = parse_error_body(&input[..input.len().min(100_000)], None);
    }
    // Every prefix of some awkward texts, cut anywhere, scans without panicking.
    let awkward = "é{\"Message\":\"{\\\"errorCode\\\":404103}\"} ErrorCode:X; HTTP/1.1 4 (40 CONNACK rc amqp:li 40410 \\";
    for cut in 0..=awkward.len() {
        if let Some(prefix) = awkward.get(..cut) {
            for finding in scan(prefix) {
                assert_span(prefix, &finding);
            }
            let _ = parse_error_body(prefix, Some(404));
        }
    }
}

#[test]
fn evidence_and_skip_reason_names_match_their_json() {
    use iothub_errors::logs::SkipReason;
    for evidence in [
        Evidence::NumericCode,
        Evidence::ErrorCodeName,
        Evidence::JsonErrorCode,
        Evidence::SdkException,
        Evidence::AmqpCondition,
        Evidence::MqttConnack,
        Evidence::CSdkReason,
        Evidence::HttpStatus,
        Evidence::ServiceMessage,
        Evidence::AzureMonitorField,
        Evidence::DocLink,
    ] {
        assert_eq!(serde_json::to_value(evidence).unwrap(), evidence.as_str());
    }
    for reason in [
        SkipReason::NotJson,
        SkipReason::MalformedJson,
        SkipReason::NotAnObject,
        SkipReason::NotALogRecord,
        SkipReason::TooLarge,
        SkipReason::MalformedCsv,
        SkipReason::UnknownFormat,
    ] {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
    }
}
