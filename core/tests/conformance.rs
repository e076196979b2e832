//! Runs `testdata/conformance.tsv`, the cases every binding runs too, against the core. Without the `diagnosis`
//! feature (the catalog alone, as the npm package's catalog entry builds it) the `scan` cases are left out.

use iothub_errors::{Classification, Entry, Error, MatchKind};

mod cases;
#[cfg(feature = "diagnosis")]
use cases::scan_fields;
use cases::{Fields, unescape};

#[test]
fn every_conformance_case_passes() {
    let text = include_str!("../../testdata/conformance.tsv");
    let mut failures = Vec::new();
    let mut count = 0;
    for (number, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        let [op, input, expected] = columns[..] else {
            panic!("line {}: expected 3 tab-separated columns, got {}", number + 1, columns.len());
        };
        if op == "scan" && !cfg!(feature = "diagnosis") {
            continue;
        }
        count += 1;
        let input = unescape(input);
        let actual = run(op, &input);
        for pair in expected.split(';') {
            let (key, want) =
                pair.split_once('=').unwrap_or_else(|| panic!("line {}: bad pair {pair:?}", number + 1));
            let got = if key == "top3" {
                actual
                    .get("top3")
                    .filter(|names| names.split(',').any(|n| n == want))
                    .map(|_| want.to_owned())
            } else {
                actual.get(key).cloned()
            };
            if got.as_deref() != Some(want) {
                failures.push(format!(
                    "line {}: {op}({input:?}): {key} expected {want:?}, got {:?} (all: {actual:?})",
                    number + 1,
                    actual.get(key)
                ));
            }
        }
    }
    assert!(count >= 200, "only {count} cases");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
}

fn run(op: &str, input: &str) -> Fields {
    let result = match op {
        "lookup" => code_arg(input).and_then(iothub_errors::lookup).map(entry_fields),
        "classify" => code_arg(input).and_then(iothub_errors::classify).map(|c| classification_fields(&c)),
        "by_name" => iothub_errors::by_name(input).map(entry_fields),
        "resolve" => iothub_errors::resolve(input).map(|r| {
            let mut fields = classification_fields(&r.classification);
            let matched = match r.matched_by {
                MatchKind::Code => "code",
                MatchKind::AliasCode => "alias-code",
                MatchKind::UnlistedCode => "unlisted-code",
                MatchKind::Name => "name",
                MatchKind::Alias => "alias",
            };
            fields.insert("matched", matched.to_owned());
            fields
        }),
        "search" => iothub_errors::search(input).map(|hits| {
            let mut fields = Fields::new();
            if let Some(top) = hits.first() {
                fields.insert("top", top.entry.name.to_owned());
            }
            let top3: Vec<&str> = hits.iter().take(3).map(|h| h.entry.name).collect();
            fields.insert("top3", top3.join(","));
            fields.insert("hits", hits.len().to_string());
            fields
        }),
        #[cfg(feature = "diagnosis")]
        "scan" => Ok(scan_fields(&iothub_errors::scan(input))),
        other => panic!("unknown op {other:?}"),
    };
    result.unwrap_or_else(|error| Fields::from([("error", error.kind().as_str().to_owned())]))
}

/// The integer argument as a binding would pass it: numbers that do not fit are invalid codes.
fn code_arg(input: &str) -> Result<u32, Error> {
    input
        .trim()
        .parse::<u32>()
        .map_err(|_| Error::InvalidCode { input: input.to_owned(), reason: "not a u32" })
}

fn entry_fields(entry: &'static Entry) -> Fields {
    classification_fields(&Classification::of_entry(entry))
}

fn classification_fields(c: &Classification) -> Fields {
    Fields::from([
        ("code", c.code.map_or("none".to_owned(), |v| v.to_string())),
        ("name", c.name.unwrap_or("none").to_owned()),
        ("known", c.known.to_string()),
        ("class", c.class.as_str().to_owned()),
        ("family", c.family.map_or("none", |f| f.prefix).to_owned()),
        ("transient", c.transient.to_string()),
        ("retry", c.retry.kind().as_str().to_owned()),
        ("actor", c.actor.as_str().to_owned()),
        ("severity", c.severity.as_str().to_owned()),
        ("http_status", c.http_status.map_or("none".to_owned(), |v| v.to_string())),
    ])
}
