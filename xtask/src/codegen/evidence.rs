//! The evidence rules: `core/data/evidence.tsv` compiled into the static table of
//! `core/src/scan/evidence_generated.rs`.
//!
//! The TSV stays the human-edited source with its comment header and the full citation of each row; the generated
//! table holds what the scanner uses: the kind, the key as it is looked up, the scope, the codes with their
//! confidences (the citation stays in the TSV: the package carries no file names). Every row is validated here: five columns,
//! a known kind and scope, codes that are entries' own codes in the catalog, confidences written `0.d`, `0.dd` or
//! `0.ddd`, above 0, below 0.85 (a code written in the text) and falling, and a `repository:path` citation.

use std::fmt::Write as _;
use std::path::Path;

use crate::catalog_source::CatalogSource;

pub const DATA_FILE: &str = "core/data/evidence.tsv";
pub const GENERATED_FILE: &str = "core/src/scan/evidence_generated.rs";

/// One validated row.
struct Row {
    kind: &'static str,
    key: String,
    scope: &'static str,
    /// (code, confidence as written).
    codes: Vec<(u32, String)>,
}

/// The rules' static table, generated from the data file (after validating it against the catalog).
pub fn generate(root: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join(DATA_FILE)).map_err(|e| format!("{DATA_FILE}: {e}"))?;
    let catalog = CatalogSource::read(&root.join(super::DATA_FILE))?;
    let codes: Vec<u32> = catalog.entry.iter().filter_map(|e| e.code).collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        match parse_row(line, &codes) {
            Ok(row) => rows.push(row),
            Err(problem) => problems.push(format!("line {}: {problem}", number + 1)),
        }
    }
    if !problems.is_empty() {
        return Err(format!("{DATA_FILE} has {} problem(s):\n  {}", problems.len(), problems.join("\n  ")));
    }
    super::rustfmt(root, &render(&rows))
}

fn parse_row(line: &str, catalog_codes: &[u32]) -> Result<Row, String> {
    let columns: Vec<&str> = line.split('\t').collect();
    let &[kind, key, scope, codes, source] = columns.as_slice() else {
        return Err(format!("{} columns instead of 5", columns.len()));
    };
    let kind = match kind {
        "sdk" => "Sdk",
        "amqp" => "Amqp",
        "mqtt" => "Mqtt",
        "c-reason" => "CReason",
        "http" => "Http",
        "cbs" => "Cbs",
        "word" => "Word",
        _ => return Err(format!("unknown kind {kind:?}")),
    };
    let scope = match scope {
        "device" => "Device",
        "service" => "Service",
        "method" => "Method",
        "upload" => "Upload",
        "any" => "Any",
        _ => return Err(format!("unknown scope {scope:?}")),
    };
    if key.is_empty() {
        return Err("empty key".into());
    }
    // The key as the scanner looks it up (`evidence::key_of`): class names, reasons and words lowercase without
    // `_`, the rest lowercase.
    let key: String = match kind {
        "Sdk" | "CReason" | "Word" => {
            key.chars().filter(|&c| c != '_').map(|c| c.to_ascii_lowercase()).collect()
        }
        _ => key.to_ascii_lowercase(),
    };
    let mut parsed = Vec::new();
    if codes != "-" {
        let mut last = 1000;
        for pair in codes.split(' ') {
            let (code, confidence) =
                pair.split_once(':').ok_or_else(|| format!("{pair:?} is not code:confidence"))?;
            let code: u32 = code.parse().map_err(|_| format!("{code:?} is not a code"))?;
            if !catalog_codes.contains(&code) {
                return Err(format!("{code} is not an entry's code in the catalog"));
            }
            let thousandths = thousandths(confidence)
                .ok_or_else(|| format!("confidence {confidence:?} is not written 0.d, 0.dd or 0.ddd"))?;
            if thousandths == 0 || thousandths >= 850 || thousandths > last {
                return Err(format!("confidence {confidence} of {code}: above 0, below 0.85 and falling"));
            }
            last = thousandths;
            parsed.push((code, confidence.to_owned()));
        }
    }
    let cited = source.split_once(':').is_some_and(|(repo, path)| repo.contains('/') && !path.is_empty());
    if !cited {
        return Err(format!("source {source:?} is not repository:path"));
    }
    Ok(Row { kind, key, scope, codes: parsed })
}

/// A confidence written `0.d`, `0.dd` or `0.ddd`, in thousandths.
fn thousandths(text: &str) -> Option<u32> {
    let digits = text.strip_prefix("0.")?;
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = digits.parse().ok()?;
    Some(value * 10u32.pow(3 - digits.len() as u32))
}

fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! @generated by `cargo xtask codegen` from `{DATA_FILE}`. Do not edit by hand.\n\n\
         use super::evidence::{{Kind, Rule, Scope}};\n"
    );
    let _ = writeln!(out, "pub(super) static RULES: [Rule; {}] = [", rows.len());
    for row in rows {
        let codes: Vec<String> =
            row.codes.iter().map(|(code, confidence)| format!("({code}, {confidence})")).collect();
        let _ = writeln!(
            out,
            "Rule {{ kind: Kind::{}, key: {:?}, scope: Scope::{}, codes: &[{}] }},",
            row.kind,
            row.key,
            row.scope,
            codes.join(", ")
        );
    }
    out.push_str("];\n");
    out
}
