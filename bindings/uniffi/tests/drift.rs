//! Drift between the core's types and the generated mirrors (`src/generated.rs`): every conformance answer,
//! every scan case (and `resolve_error` over it), every REST body, every sample report, the catalog and every
//! enum member goes core → JSON → mirror → JSON, and the two JSON texts must be identical. A field the mirror
//! lacks fails (`deny_unknown_fields`), and one it has but the core no longer writes comes back as an extra
//! `null`.

use std::path::{Path, PathBuf};

use iothub_errors_uniffi as mirror;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Core value → JSON → mirror `M` → JSON: the same text both times.
fn round_trip<M: DeserializeOwned + Serialize>(core: &impl Serialize, label: &str) -> M {
    let json = serde_json::to_string(core).unwrap();
    let value: M = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{label}: {e}\n{json}"));
    assert_eq!(serde_json::to_string(&value).unwrap(), json, "{label}");
    value
}

/// `\t`, `\n`, `\r`, `\\`, `\0` escapes of the conformance and scan-case files.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('t') => '\t',
                Some('n') => '\n',
                Some('r') => '\r',
                Some('0') => '\0',
                other => other.unwrap_or('\\'),
            },
            (c, false) => c,
        });
    }
    out
}

#[test]
fn every_conformance_answer_crosses_unchanged() {
    let cases = std::fs::read_to_string(testdata().join("conformance.tsv")).unwrap();
    let (mut answers, mut cases_seen) = (0, 0);
    let case_lines: Vec<&str> =
        cases.lines().filter(|line| !line.is_empty() && !line.starts_with('#')).collect();
    for &line in &case_lines {
        let mut columns = line.split('\t');
        let (op, input) = (columns.next().unwrap(), unescape(columns.next().unwrap()));
        let code = input.trim().parse::<u32>();
        let label = format!("{op} {input:?}");
        cases_seen += 1;
        answers += match op {
            "lookup" => code.ok().and_then(|c| iothub_errors::lookup(c).ok()).map(|e| {
                round_trip::<mirror::Entry>(e, &label);
            }),
            "by_name" => iothub_errors::by_name(&input).ok().map(|e| {
                round_trip::<mirror::Entry>(e, &label);
            }),
            "resolve" => iothub_errors::resolve(&input).ok().map(|r| {
                round_trip::<mirror::Resolution>(&r, &label);
            }),
            "classify" => code.ok().and_then(|c| iothub_errors::classify(c).ok()).map(|c| {
                round_trip::<mirror::Classification>(&c, &label);
            }),
            "search" => iothub_errors::search(&input).ok().map(|hits| {
                round_trip::<Vec<mirror::SearchHit>>(&hits, &label);
            }),
            "scan" => {
                round_trip::<Vec<mirror::ScanFinding>>(&iothub_errors::scan(&input), &label);
                Some(())
            }
            _ => panic!("unknown op in {line:?}"),
        }
        .map_or(0, |()| 1);
    }
    assert_eq!(cases_seen, case_lines.len(), "every case of conformance.tsv was run");
    assert!(cases_seen >= 334, "{cases_seen} cases");
    assert!(answers > 250, "{answers} answers");
}

/// Every scan case's findings, and the facts and finding of `resolve_error` over the same text (as the message
/// of an error link, beside every other fact field), cross unchanged; the binding's `resolve_error` gives the
/// core's answer.
#[test]
fn every_scan_case_and_its_resolve_error_cross_unchanged() {
    let cases = std::fs::read_to_string(testdata().join("scan-cases.tsv")).unwrap();
    let mut seen = 0;
    for line in cases.lines().filter(|line| !line.is_empty() && !line.starts_with('#')) {
        let input = unescape(line.split('\t').next().unwrap());
        let label = format!("scan case {input:?}");
        round_trip::<Vec<mirror::ScanFinding>>(&iothub_errors::scan(&input), &label);
        let facts = iothub_errors::ErrorFacts {
            chain: vec![iothub_errors::ErrorLink {
                name: Some("Error".to_owned()),
                message: Some(input.clone()),
            }],
            http_status: Some(400),
            error_code_header: Some("header".to_owned()),
            body: Some(input.clone()),
            amqp_condition: Some("amqp:internal-error".to_owned()),
            amqp_description: Some("description".to_owned()),
            connack_code: Some(5),
            tracking_id: Some("ab12-G:3-TimeStamp:05/01/2024 10:00:00".to_owned()),
            frames: vec!["com.example.Frame.method".to_owned()],
        };
        // The record's members are in the schema's (alphabetical) order, the core's in declaration order: the
        // facts compare as JSON values.
        let json = serde_json::to_value(&facts).unwrap();
        let record: mirror::ErrorFacts = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&record).unwrap(), json, "{label}");
        let core = iothub_errors::resolve_error(&iothub_errors::ErrorFacts {
            chain: facts.chain.clone(),
            ..iothub_errors::ErrorFacts::default()
        });
        let crossed: Option<mirror::ScanFinding> = round_trip(&core, &label);
        let plain = mirror::ErrorFacts {
            chain: record.chain,
            amqp_condition: None,
            amqp_description: None,
            body: None,
            connack_code: None,
            error_code_header: None,
            frames: None,
            http_status: None,
            tracking_id: None,
        };
        assert_eq!(mirror::resolve_error(plain).unwrap(), crossed, "{label}");
        seen += 1;
    }
    assert!(seen >= 150, "{seen} scan cases");
}

#[test]
fn the_catalog_and_every_error_body_cross_unchanged() {
    round_trip::<Vec<mirror::Entry>>(&iothub_errors::entries(), "catalog");
    round_trip::<Vec<mirror::Family>>(&iothub_errors::families(), "families");
    let bodies = std::fs::read_to_string(testdata().join("bodies/rest-error-bodies.jsonl")).unwrap();
    for (number, body) in bodies.lines().enumerate() {
        if let Ok(parsed) = iothub_errors::parse_error_body(body, Some(400)) {
            round_trip::<mirror::ErrorBody>(&parsed, &format!("body {number}"));
        }
        round_trip::<Vec<mirror::ScanFinding>>(&iothub_errors::scan(body), &format!("scan of body {number}"));
    }
}

#[test]
fn every_sample_report_crosses_unchanged() {
    let mut logs = 0;
    for file in std::fs::read_dir(testdata().join("logs")).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let report: mirror::Report =
            round_trip(&iothub_errors::diagnose::diagnose_text(&text), &path.display().to_string());
        assert!(report.summary.records_read > 0, "{}", path.display());
        round_trip::<Vec<mirror::ScanFinding>>(&iothub_errors::scan(&text), &path.display().to_string());
        logs += 1;
    }
    assert_eq!(logs, 6);
}

/// Every member of every enum, with `id()` equal to the core's name.
#[test]
fn every_enum_member_crosses_with_its_name() {
    fn members<C: Serialize + Copy + std::fmt::Debug, M: DeserializeOwned + Serialize>(
        all: &[C],
        name: impl Fn(C) -> &'static str,
        id: impl Fn(&M) -> String,
    ) {
        for &core in all {
            assert_eq!(id(&round_trip::<M>(&core, &format!("{core:?}"))), name(core));
        }
    }
    use iothub_errors::{diagnose, logs, sdk};
    members(&iothub_errors::ErrorClass::ALL, |c| c.as_str(), mirror::ErrorClass::id);
    members(&iothub_errors::Actor::ALL, |c| c.as_str(), mirror::Actor::id);
    members(&iothub_errors::Severity::ALL, |c| c.as_str(), mirror::Severity::id);
    members(&iothub_errors::Source::ALL, |c| c.as_str(), mirror::Source::id);
    members(&sdk::Sdk::ALL, |c| c.as_str(), mirror::Sdk::id);
    members(&iothub_errors::MatchKind::ALL, |c| c.as_str(), mirror::MatchKind::id);
    members(&iothub_errors::Service::ALL, |c| c.as_str(), mirror::Service::id);
    members(&iothub_errors::Evidence::ALL, |c| c.as_str(), mirror::Evidence::id);
    members(&diagnose::FindingKind::ALL, |c| c.as_str(), mirror::FindingKind::id);
    members(&logs::Format::ALL, |c| c.as_str(), mirror::LogFormat::id);
    members(&logs::SkipReason::ALL, |c| c.as_str(), mirror::SkipReason::id);
    let advice = [
        iothub_errors::RetryAdvice::DoNotRetry,
        iothub_errors::RetryAdvice::RetryNow,
        iothub_errors::RetryAdvice::Backoff { initial_ms: 1, max_ms: u32::MAX, jitter_percent: u8::MAX },
        iothub_errors::RetryAdvice::AfterQuotaReset,
        iothub_errors::RetryAdvice::ReconnectWithNewToken,
    ];
    members(&advice, |c| c.kind().as_str(), mirror::RetryAdvice::kind);
}

#[test]
fn a_field_the_mirror_lacks_fails_loudly() {
    let mut json = serde_json::to_value(iothub_errors::lookup(401_003).unwrap()).unwrap();
    json["new_field"] = serde_json::Value::Bool(true);
    let error = serde_json::from_value::<mirror::Entry>(json).unwrap_err().to_string();
    assert!(error.contains("unknown field `new_field`"), "{error}");
    let backoff =
        serde_json::json!({"kind": "backoff", "initial_ms": 1, "max_ms": 2, "jitter_percent": 3, "x": 4});
    assert!(serde_json::from_value::<mirror::RetryAdvice>(backoff).is_err());
}
