//! The CLI through its real interface: the built binary, its stdout, stderr and exit codes.

use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iothub-errors")).args(args).env_remove("NO_COLOR").output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn explain_prints_a_readable_entry_and_exits_0() {
    let output = run(&["explain", "401003"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("401003 IotHubUnauthorized"), "{text}");
    assert!(text.contains("Fixes, in order") && text.contains("Docs: https://learn.microsoft.com/"));
    assert!(!text.contains('\x1b'), "no colour when stdout is not a terminal");
}

#[test]
fn explain_accepts_the_forms_people_type() {
    for query in
        [&["Error", "401003"][..], &["iothubunauthorized"], &["aka.ms/iothub401003"], &["IoTHubUnauthorized"]]
    {
        let mut args = vec!["explain", "--json"];
        args.extend_from_slice(query);
        let output = run(&args);
        assert_eq!(output.status.code(), Some(0), "{query:?}");
        assert_eq!(json(&output)["code"], 401003, "{query:?}");
    }
}

#[test]
fn explain_json_has_the_documented_fields() {
    let entry = json(&run(&["explain", "--json", "404103"]));
    for key in [
        "code",
        "name",
        "aliases",
        "family",
        "class",
        "http_status",
        "transient",
        "retry",
        "actor",
        "severity",
        "summary",
        "causes",
        "fixes",
        "related",
        "doc_url",
    ] {
        assert!(entry.get(key).is_some(), "missing {key}");
    }
    assert_eq!(entry["name"], "DeviceNotOnline");
    assert_eq!(entry["alias_codes"][0], 404102);
}

#[test]
fn alias_code_explains_the_target_with_a_note() {
    let output = run(&["explain", "404102"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("404103 DeviceNotOnline"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("alias"));
}

#[test]
fn unlisted_code_is_classified_but_reported_not_found() {
    let output = run(&["explain", "--json", "429999"]);
    assert_eq!(output.status.code(), Some(1));
    let classification = json(&output);
    assert_eq!(classification["known"], false);
    assert_eq!(classification["class"], "TooManyRequests");
    assert_eq!(classification["transient"], true);
    let text = stdout(&run(&["explain", "503150"]));
    assert!(text.contains("not in the catalog") && text.contains("5031xx"), "{text}");
}

#[test]
fn not_found_exits_1_and_usage_errors_exit_2() {
    let unknown = run(&["explain", "NoSuchThing"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("iothub-errors search"));
    assert!(unknown.stdout.is_empty());
    assert_eq!(run(&["explain", "12"]).status.code(), Some(1));
    assert_eq!(run(&["explain"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["catalog", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(run(&["search", "zzzzqqq"]).status.code(), Some(1));
}

#[test]
fn search_ranks_the_best_match_first() {
    let output = run(&["search", "--json", "device", "not", "online"]);
    assert_eq!(output.status.code(), Some(0));
    let hits = json(&output);
    assert_eq!(hits[0]["entry"]["name"], "DeviceNotOnline");
    assert!(hits.as_array().unwrap().len() <= 10);
    let text = stdout(&run(&["search", "--limit", "1", "throttling"]));
    assert_eq!(text.lines().count(), 1);
}

#[test]
fn catalog_json_lists_every_entry_with_the_documented_fields() {
    let catalog = json(&run(&["catalog", "--format", "json"]));
    let entries = catalog.as_array().unwrap();
    assert_eq!(entries.len(), iothub_errors::entries().len());
    assert!(entries.iter().any(|e| e["code"].is_null() && e["name"] == "InternalServerError"));
    for entry in entries {
        for key in ["code", "name", "family", "class", "transient", "retry", "actor", "severity", "doc_url"] {
            assert!(entry.get(key).is_some(), "missing {key} in {}", entry["name"]);
        }
    }
}

#[test]
fn catalog_csv_and_markdown_have_a_row_per_entry() {
    let count = iothub_errors::entries().len();
    let csv = stdout(&run(&["catalog", "--format", "csv"]));
    assert_eq!(csv.split("\r\n").filter(|l| !l.is_empty()).count(), count + 1);
    let markdown = stdout(&run(&["catalog", "--format", "markdown"]));
    assert_eq!(markdown.lines().count(), count + 2);
    assert!(markdown.contains("| 429001 | [ThrottlingException]("));
}

/// The resolve and by_name conformance cases, through `explain --json`.
#[test]
fn conformance_cases_for_names_and_codes_pass_through_the_cli() {
    let text = include_str!("../../../testdata/conformance.tsv");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let [op, input, expected] = line.split('\t').collect::<Vec<_>>()[..] else { panic!("{line}") };
        if !matches!(op, "resolve" | "by_name") || input.contains('\\') || input.trim().is_empty() {
            continue;
        }
        if op == "by_name" && input.trim().bytes().all(|b| b.is_ascii_digit()) {
            continue; // `explain` resolves digits as a code, by design
        }
        let output = run(&["explain", "--json", input]);
        let value = json_or_null(&output);
        for pair in expected.split(';') {
            let (key, want) = pair.split_once('=').unwrap();
            match key {
                "error" => assert_eq!(output.status.code(), Some(1), "{line}"),
                "code" if want == "none" => assert!(value["code"].is_null(), "{line}"),
                "code" => assert_eq!(value["code"].to_string(), want, "{line}"),
                "known" if want == "false" => assert_eq!(output.status.code(), Some(1), "{line}"),
                "class" | "name" => assert_eq!(value[key].as_str(), Some(want), "{line}"),
                _ => {}
            }
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} cases checked");
}

/// Every case of `testdata/scan-cases.tsv` through `scan --json -`: the first finding's code and the keys the case
/// names, as `core/tests/scan_cases.rs` reads them.
#[test]
fn scan_cases_pass_through_the_cli() {
    let text = include_str!("../../../testdata/scan-cases.tsv");
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (input, expected) = line.split_once('\t').unwrap();
        let output = run_with_stdin(&["scan", "--json", "-"], unescape(input).as_bytes());
        let findings = json_or_null(&output)["findings"].as_array().cloned().unwrap_or_default();
        let first = findings.first().cloned().unwrap_or(Value::Null);
        let text_of = |value: &Value| match value {
            Value::Null => "none".to_owned(),
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        for pair in expected.split(';') {
            let (key, want) = pair.split_once('=').unwrap();
            let got = match key {
                "group" => continue,
                "count" => findings.len().to_string(),
                "code" if want == "none" => {
                    let coded = findings.iter().find(|f| !f["code"].is_null());
                    coded.map_or("none".to_owned(), |f| text_of(&f["code"]))
                }
                "alternatives" => {
                    let codes: Vec<String> = first["alternatives"]
                        .as_array()
                        .map(|list| list.iter().map(|a| text_of(&a["code"])).collect())
                        .unwrap_or_default();
                    if codes.is_empty() { "none".to_owned() } else { codes.join("|") }
                }
                "basis~" => {
                    let basis = text_of(&first["basis"]).to_lowercase();
                    if basis.contains(&want.to_lowercase()) { want.to_owned() } else { basis }
                }
                key => text_of(&first[key]),
            };
            if got != want {
                failures.push(format!("{key}: expected {want:?}, got {got:?} in {input:?}"));
            }
        }
        checked += 1;
    }
    assert!(checked >= 150, "only {checked} cases");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// A case file's input column with its escapes (`\t`, `\n`, `\r`, `\0`, `\\`) turned into what they stand for.
fn unescape(input: &str) -> String {
    let mut out = String::new();
    let mut chars = input.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, false) => out.push(c),
            (_, true) => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some('\\') => out.push('\\'),
                other => panic!("bad escape {other:?}"),
            },
        }
    }
    out
}

fn json_or_null(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or(Value::Null)
}

fn testdata(path: &str) -> String {
    format!("{}/../../testdata/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iothub-errors"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn diagnose_a_directory_of_exports() {
    let output = run(&["diagnose", "--json", &testdata("logs")]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report = json(&output);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 6);
    assert_eq!(report["summary"]["records_read"], 145);
    assert_eq!(report["summary"]["records_skipped"], 0);
    let kinds: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    for kind in ["time-drift", "mass-disconnect", "throttling-burst", "device-offline", "sas-token-renewal"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    for finding in report["findings"].as_array().unwrap() {
        for key in ["kind", "severity", "devices", "codes", "first", "last", "explanation", "actions"] {
            assert!(finding.get(key).is_some(), "{key} missing");
        }
    }
    // Per-device patterns of all the inputs come grouped by kind and cause, every device listed.
    let of_kind = |kind: &str| -> Vec<&Value> {
        report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == kind).collect()
    };
    let offline = of_kind("device-offline");
    assert_eq!(offline.len(), 1);
    assert_eq!(
        offline[0]["devices"],
        serde_json::json!(["pump-22", "shelf-01", "shelf-02", "shelf-03", "shelf-04"])
    );
    assert!(offline[0]["title"].as_str().unwrap().starts_with("5 devices: "));
    let network: Vec<&Value> = of_kind("network-disconnect");
    assert_eq!(network.len(), 1);
    assert_eq!(network[0]["devices"], serde_json::json!(["dock-1", "dock-2", "dock-3", "door-9"]));
    // door-9: the two 404104 of connections-sas-renewal.jsonl.
    assert_eq!(network[0]["count"], 8);
    assert_eq!(
        network[0]["details"]["top_offenders"],
        serde_json::json!([
            {"device": "dock-1", "count": 3},
            {"device": "dock-3", "count": 2},
            {"device": "door-9", "count": 2},
            {"device": "dock-2", "count": 1}
        ])
    );
    let links: Vec<&Value> = of_kind("link-conflict-side-effect");
    let causes: Vec<(&Value, &Value)> =
        links.iter().map(|f| (&f["details"]["root_cause"], &f["devices"])).collect();
    assert_eq!(
        causes,
        [
            (&serde_json::json!("404104"), &serde_json::json!(["dock-1", "dock-3"])),
            (&serde_json::json!("mass-disconnect"), &serde_json::json!(["meter-004"]))
        ]
    );
}

#[test]
fn diagnose_reads_patterns_files_and_stdin_alike() {
    let pattern = testdata("logs/*.jsonl");
    let by_pattern = json(&run(&["diagnose", "--json", &pattern]));
    assert_eq!(by_pattern["summary"]["records_read"], 33 + 27 + 17);
    let across_directories = json(&run(&["diagnose", "--json", &testdata("lo?s/**/*.jsonl")]));
    assert_eq!(across_directories["inputs"], by_pattern["inputs"]);
    assert_eq!(across_directories["summary"], by_pattern["summary"]);
    let file = std::fs::read(testdata("logs/throttling.jsonl")).unwrap();
    let by_stdin = run_with_stdin(&["diagnose", "--json", "-"], &file);
    let report: Value = serde_json::from_slice(&by_stdin.stdout).unwrap();
    assert_eq!(report["findings"][0]["kind"], "throttling-burst");
    assert_eq!(report["findings"][0]["devices"][0], "camera-77");
}

#[test]
fn diagnose_text_shows_findings_with_timelines_and_a_summary() {
    let text = stdout(&run(&["diagnose", &testdata("logs/mass-disconnect.eventhub.json")]));
    assert!(text.contains("WARNING  mass-disconnect  11 devices dropped within 10 s"), "{text}");
    assert!(text.contains('●') && text.contains("Summary") && text.contains("Errors by code"));
    assert!(text.contains("link-conflict-side-effect"));
    let grouped = stdout(&run(&["diagnose", &testdata("logs/fleet-site-outage.jsonl")]));
    assert!(
        grouped.contains("network-disconnect  3 devices: 6 unexpected disconnects without token expiry; top offender dock-1 (3)"),
        "{grouped}"
    );
    assert!(grouped.contains("Devices: 3: dock-1, dock-2, dock-3"), "{grouped}");
    assert!(grouped.contains("Top offenders: dock-1 (3), dock-3 (2), dock-2 (1)"), "{grouped}");
    assert!(grouped.contains("Devices: 4: shelf-01, shelf-02, shelf-03, shelf-04"), "{grouped}");
}

#[test]
fn diagnose_reports_unreadable_input_instead_of_failing() {
    let garbage = b"this is not a log\n{\"broken\": \n{\"time\":\"2024-05-14T08:00:05Z\",\"operationName\":\"deviceConnect\",\"category\":\"Connections\",\"level\":\"Information\",\"properties\":\"{\\\"deviceId\\\":\\\"d1\\\"}\"}\n";
    let output = run_with_stdin(&["diagnose", "--json", "-"], garbage);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "the unknown format reads no record");
    assert_eq!(report["summary"]["records_skipped"], 3);
    assert_eq!(run(&["diagnose", "no/such/file.json"]).status.code(), Some(2));
    assert_eq!(run(&["diagnose", &testdata("logs/*.nothing")]).status.code(), Some(2));
}

#[test]
fn scan_finds_the_error_in_a_pasted_body() {
    let body = br#"Unhandled exception. Microsoft.Azure.Devices.Common.Exceptions.DeviceNotFoundException: {"Message":"ErrorCode:DeviceNotFound;Device thermo-0099 not registered","ExceptionMessage":"Tracking ID:aeec4c1e4e914a4c9f40fdba7be68fa5-G:0-TimeStamp:10/18/2022 20:50:39"}"#;
    let output = run_with_stdin(&["scan", "--json"], body);
    assert_eq!(output.status.code(), Some(0));
    let findings = json(&output);
    let findings = findings["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], 404001);
    assert_eq!(findings[0]["name"], "DeviceNotFound");
    for key in ["class", "start", "end", "evidence", "confidence"] {
        assert!(findings[0].get(key).is_some(), "{key} missing");
    }
    let text = stdout(&run_with_stdin(&["scan"], body));
    assert!(text.starts_with("404001 DeviceNotFound"), "{text}");
    assert_eq!(run_with_stdin(&["scan"], b"all good here, 200 OK").status.code(), Some(1));
    assert_eq!(run(&["scan", "no/such/file.txt"]).status.code(), Some(2));
}

#[test]
fn scan_reads_files() {
    let output = run(&["scan", "--json", &testdata("logs/throttling.jsonl")]);
    let findings = json(&output);
    assert!(findings["findings"].as_array().unwrap().len() >= 17);
}

/// Runs the binary; its exit code and standard output.
fn run_text(args: &[&str]) -> (i32, String) {
    let output = run(args);
    (output.status.code().unwrap_or(-1), stdout(&output))
}

/// Runs the binary; its exit code and standard error.
fn run_err(args: &[&str]) -> (i32, String) {
    let output = run(args);
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn explain_kql_prints_the_entry_queries_ready_to_paste() {
    let (code, stdout) = run_text(&["explain", "404103", "--kql"]);
    assert_eq!(code, 0);
    assert!(
        stdout
            .starts_with("// 404103 DeviceNotOnline: occurrences over the last 24 hours\nAzureDiagnostics\n")
    );
    assert!(stdout.contains("| where ResultType in (\"404103\", \"404102\")"), "{stdout}");
    assert!(stdout.contains("which cause it is"), "{stdout}");
    let (code, stdout) = run_text(&["explain", "429001", "--kql", "--kql-table", "Hub Logs"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\n['Hub Logs']\n| where ResourceProvider") && !stdout.contains("AzureDiagnostics")
    );
    let (code, stdout) = run_text(&["explain", "401003", "--json", "--kql-table", "IotHubLogs_CL"]);
    assert_eq!(code, 0);
    let entry: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(entry["kql"]["occurrences"].as_str().unwrap().starts_with("IotHubLogs_CL\n"));
    assert!(entry["kql"]["causes"].as_str().unwrap().contains("AfterExpiredToken"));
}

#[test]
fn diagnose_kql_prints_one_query_per_finding_and_json_carries_them() {
    let (code, stdout) = run_text(&["diagnose", &testdata("logs/mass-disconnect.eventhub.json"), "--kql"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("// 1. mass-disconnect: "), "{stdout}");
    assert!(stdout.contains("the pattern over time\nAzureDiagnostics\n"), "{stdout}");
    assert!(stdout.contains("summarize DisconnectedDevices = count() by Minute"), "{stdout}");
    let (_, json) = run_text(&["diagnose", &testdata("logs/throttling.jsonl"), "--json", "--kql-table", "T"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    for finding in report["findings"].as_array().unwrap() {
        assert!(finding["kql"]["records"].as_str().unwrap().starts_with("T\n| where"), "{finding}");
    }
    let (code, stderr) = run_err(&["diagnose", &testdata("logs"), "--kql-table", " "]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn input_without_log_records_says_so_in_text_and_json() {
    let expected = testdata("logs/EXPECTED.md");
    let (code, stdout) = run_text(&["diagnose", &expected]);
    assert_eq!(code, 1);
    assert!(stdout.contains("No IoT Hub log records recognised in "), "{stdout}");
    assert!(stdout.contains("Parts skipped as: unknown-format"), "{stdout}");
    assert!(!stdout.contains("No pattern found"), "{stdout}");
    let (code, text) = run_text(&["diagnose", &expected, "--json"]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["recognised"], false);
    let (_, text) = run_text(&["diagnose", &testdata("logs/throttling.jsonl"), "--json"]);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap()["recognised"], true);
}
