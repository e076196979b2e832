//! What the case files shared by every binding (`testdata/conformance.tsv`, `testdata/scan-cases.tsv`) need in
//! the Rust runners: their escapes, and a scan result as the keys the cases write.

use std::collections::BTreeMap;

#[cfg(feature = "diagnosis")]
use iothub_errors::ScanFinding;

/// A result as the case files write it: key → value.
pub type Fields = BTreeMap<&'static str, String>;

/// An input column with its escapes (`\t`, `\n`, `\r`, `\0`, `\\`) turned into the characters they stand for.
pub fn unescape(input: &str) -> String {
    let mut out = String::new();
    let mut chars = input.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            other => panic!("bad escape \\{other:?}"),
        }
    }
    out
}

/// `count`, and of the first finding `code`, `name`, `evidence`, `service` (JSON names), `alternatives` (codes
/// joined by `|`), `device_id`, `tracking_id` and `gateway`; `none` where there is nothing.
#[cfg(feature = "diagnosis")]
pub fn scan_fields(findings: &[ScanFinding]) -> Fields {
    let first = findings.first();
    let json = |value: Option<serde_json::Value>| match value {
        Some(serde_json::Value::String(text)) => text,
        _ => "none".to_owned(),
    };
    let text = |value: Option<&str>| value.unwrap_or("none").to_owned();
    let alternatives: Vec<String> =
        first.map(|f| f.alternatives.iter().map(|a| a.code.to_string()).collect()).unwrap_or_default();
    Fields::from([
        ("count", findings.len().to_string()),
        ("code", first.and_then(|f| f.code).map_or("none".to_owned(), |c| c.to_string())),
        ("name", text(first.and_then(|f| f.name))),
        ("evidence", json(first.and_then(|f| serde_json::to_value(f.evidence).ok()))),
        ("service", json(first.and_then(|f| serde_json::to_value(f.service).ok()))),
        ("alternatives", if alternatives.is_empty() { "none".to_owned() } else { alternatives.join("|") }),
        ("device_id", text(first.and_then(|f| f.device_id.as_deref()))),
        ("tracking_id", text(first.and_then(|f| f.tracking_id.as_deref()))),
        ("gateway", text(first.and_then(|f| f.gateway.as_deref()))),
    ])
}
