//! `cargo xtask test kql`: every KQL query the project writes, parsed and semantically analysed by Microsoft's own
//! Kusto language library (`xtask/kql-check`, npm `@kusto/language-service-next`).
//!
//! The queries: each catalog entry's, and each finding's from the diagnosis of every sample log, of a simulated
//! fleet with every scenario in every export shape, and of a log whose device ids are hostile (quotes,
//! backslashes, `|`, line breaks, `//`); the hostile log is also diagnosed with a quoted `--kql-table`.

use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use iothub_errors::diagnose::{FindingKind, Report, diagnose_text};
use iothub_errors::kql::{KqlTable, entry_queries};
use iothub_errors_sim::{Config, Format, simulate, write};
use serde_json::{Value, json};

use crate::tools::run;
use crate::wasm::npm_ci;

/// A table name that must be quoted, as a user of a differently named table might pass it.
const QUOTED_TABLE: &str = "IoT Hub logs (copy)";

/// Device ids no query may let out of their string literal.
const HOSTILE_DEVICES: [&str; 6] = [
    "quote\"d",
    "back\\slash",
    "pipe|where 1==1",
    "line\nbreak",
    "// comment",
    "\"; AzureDiagnostics | take 1 //",
];

pub fn test(root: &Path) -> Result<(), String> {
    let checker = root.join("xtask/kql-check");
    npm_ci(&checker)?;
    let queries = collect(root)?;
    let out = root.join("target/kql");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let file = out.join("queries.json");
    let text = serde_json::to_string(&queries).map_err(|e| e.to_string())?;
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    println!("kql: {} queries written to {}", queries.len(), file.display());
    run(Command::new("node")
        .arg(checker.join("check.mjs"))
        .arg(&file)
        .arg(QUOTED_TABLE)
        .current_dir(&checker))
}

/// Every query, with where it comes from.
fn collect(root: &Path) -> Result<Vec<Value>, String> {
    let mut queries = Vec::new();
    let default = KqlTable::default();
    for entry in iothub_errors::entries() {
        let source = format!("entry {}", entry.name);
        let entry_kql = entry_queries(entry, &default);
        queries.push(json!({ "source": format!("{source} occurrences"), "query": entry_kql.occurrences }));
        if let Some(causes) = entry_kql.causes {
            queries.push(json!({ "source": format!("{source} causes"), "query": causes }));
        }
    }
    // The sample logs, found as the CLI finds a directory's logs (the workspace's one input walker).
    let samples = iothub_errors_inputs::expand_path(&root.join("testdata/logs"));
    if let Some(problem) = samples.problems.first() {
        return Err(problem.to_string());
    }
    for input in samples.inputs {
        let mut text = String::new();
        input
            .open()
            .and_then(|mut reader| reader.read_to_string(&mut text))
            .map_err(|e| format!("{input}: {e}"))?;
        push_findings(&mut queries, &input.to_string(), &diagnose_text(&text));
    }
    let fleet = simulate(&Config { seed: 7, devices: 120, hours: 5, ..Config::default() });
    for format in Format::ALL {
        let mut bytes = Vec::new();
        write(&fleet, format, &mut bytes).map_err(|e| e.to_string())?;
        let report = diagnose_text(&String::from_utf8_lossy(&bytes));
        push_findings(&mut queries, &format!("simulated fleet ({})", format.as_str()), &report);
    }
    let mut hostile = diagnose_text(&hostile_log());
    if hostile.findings.is_empty() {
        return Err("the hostile-id log gave no finding, so its ids reached no query".into());
    }
    push_findings(&mut queries, "hostile device ids", &hostile);
    hostile.set_kql_table(&KqlTable::new(QUOTED_TABLE).map_err(|e| e.to_string())?);
    push_findings(&mut queries, "hostile device ids, quoted table", &hostile);
    let missing: Vec<&str> = FindingKind::ALL
        .iter()
        .map(|kind| kind.as_str())
        .filter(|kind| {
            !queries.iter().any(|q| q["source"].as_str().is_some_and(|s| s.contains(&format!(" {kind} "))))
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "no sample or simulated fleet gave a finding of kind {missing:?}, so its query is unchecked"
        ));
    }
    Ok(queries)
}

fn push_findings(queries: &mut Vec<Value>, source: &str, report: &Report) {
    for (index, finding) in report.findings.iter().enumerate() {
        let source = format!("{source}: finding {index} {}", finding.kind.as_str());
        queries.push(json!({ "source": format!("{source} records"), "query": finding.kql.records }));
        if let Some(pattern) = &finding.kql.pattern {
            queries.push(json!({ "source": format!("{source} pattern"), "query": pattern }));
        }
    }
}

/// A storage-account log in which the hostile devices drop together with 404104 and never come back: one
/// mass disconnect naming them all, and one offline finding each.
fn hostile_log() -> String {
    let mut log = String::new();
    for (index, device) in HOSTILE_DEVICES.iter().enumerate() {
        let properties =
            json!({ "deviceId": device, "protocol": "Mqtt", "sdkVersion": "hostile/1.0" }).to_string();
        for (minute, operation, code) in [(0, "deviceConnect", "0"), (10, "deviceDisconnect", "404104")] {
            let record = json!({
                "time": format!("2024-05-14T08:{minute:02}:{index:02}Z"),
                "resourceId": "/SUBSCRIPTIONS/0/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB",
                "operationName": operation,
                "category": "Connections",
                "level": if code == "0" { "Information" } else { "Error" },
                "resultType": code,
                "resultDescription": if code == "0" { "" } else { "DeviceConnectionClosedRemotely" },
                "properties": properties,
            });
            log.push_str(&record.to_string());
            log.push('\n');
        }
    }
    log
}
