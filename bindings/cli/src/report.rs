//! Readable text of a diagnosis report and of scan findings.

use std::fmt::Write as _;

use iothub_errors::diagnose::{FindingKind, FleetFinding, Report};
use iothub_errors::{ScanFinding, Severity};

use crate::style::Style;

/// Width of a finding's timeline strip.
const TIMELINE_WIDTH: usize = 48;
/// Findings of one benign kind shown in full before the rest are summed up in one line.
const INFO_SHOWN: usize = 3;

/// The diagnosis: findings (most severe first) with a timeline each, then the summary.
pub fn diagnosis(report: &Report, inputs: &[String], style: Style) -> String {
    let mut out = String::new();
    let summary = &report.summary;
    let span = match (&summary.first, &summary.last) {
        (Some(first), Some(last)) => format!(", {first} to {last}"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{} {} record(s) from {} input(s){span}; {} device(s), {} error record(s); {} skipped, {} duplicate(s)\n",
        style.bold("Diagnosis:"),
        summary.records_read,
        inputs.len(),
        summary.devices,
        summary.errors,
        summary.records_skipped,
        summary.duplicates
    );
    if !report.recognised {
        let _ = writeln!(out, "No IoT Hub log records recognised in {}.", inputs.join(", "));
        let mut reasons: Vec<&str> = summary.skipped.iter().map(|skipped| skipped.reason.as_str()).collect();
        reasons.dedup();
        if !reasons.is_empty() {
            let _ = writeln!(out, "Parts skipped as: {}.", reasons.join(", "));
        }
        out.push('\n');
    } else if report.findings.is_empty() {
        let _ = writeln!(out, "No pattern found.\n");
    }
    let mut shown: Vec<(FindingKind, usize)> = Vec::new();
    for finding in &report.findings {
        if finding.severity == Severity::Info {
            let count = match shown.iter_mut().find(|(kind, _)| *kind == finding.kind) {
                Some((_, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    shown.push((finding.kind, 1));
                    1
                }
            };
            if count > INFO_SHOWN {
                continue;
            }
        }
        finding_text(&mut out, finding, inputs, style);
    }
    for (kind, count) in shown.iter().filter(|(_, count)| *count > INFO_SHOWN) {
        let _ = writeln!(
            out,
            "{} {} more {} finding(s) of the same kind (see --json)\n",
            style.dim("…"),
            count - INFO_SHOWN,
            kind.as_str()
        );
    }
    summary_text(&mut out, report, inputs, style);
    if !report.findings.is_empty() {
        let _ =
            writeln!(out, "{}", style.dim("The KQL that shows each finding in Log Analytics: add --kql."));
    }
    out
}

/// The findings' KQL queries, ready to paste: each after a comment line naming its finding.
pub fn kql(report: &Report) -> String {
    let mut out = String::new();
    for (index, finding) in report.findings.iter().enumerate() {
        let title = finding.title.replace(['\n', '\r'], " ");
        let _ =
            writeln!(out, "// {}. {}: {title}\n{}\n", index + 1, finding.kind.as_str(), finding.kql.records);
        if let Some(pattern) = &finding.kql.pattern {
            let _ = writeln!(
                out,
                "// {}. {}: the pattern over time\n{pattern}\n",
                index + 1,
                finding.kind.as_str()
            );
        }
    }
    out
}

fn finding_text(out: &mut String, finding: &FleetFinding, inputs: &[String], style: Style) {
    let _ = writeln!(
        out,
        "{} {}  {}",
        style.severity_label(finding.severity),
        style.bold(finding.kind.as_str()),
        finding.title
    );
    if let Some(strip) = timeline(finding) {
        let _ = writeln!(out, "  {}", style.dim(&strip));
    }
    let _ = writeln!(out, "  {}", finding.explanation);
    for (index, action) in finding.actions.iter().enumerate() {
        let _ = writeln!(out, "  {}. {action}", index + 1);
    }
    if !finding.entries.is_empty() {
        let entries: Vec<String> = finding.entries.iter().map(|e| format!("{} {}", e.code, e.name)).collect();
        let _ =
            writeln!(out, "  {} {}  (iothub-errors explain <code>)", style.dim("Codes:"), entries.join(", "));
    }
    if finding.devices.len() > 1 {
        let listed: Vec<&str> = finding.devices.iter().take(12).map(String::as_str).collect();
        let more = finding.devices.len().saturating_sub(listed.len());
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        let _ = writeln!(
            out,
            "  {} {}: {}{more}",
            style.dim("Devices:"),
            finding.devices.len(),
            listed.join(", ")
        );
    }
    // Top offenders, unless each device counts once (the device list says it all then).
    if finding.details.top_offenders.iter().any(|o| o.count > 1) {
        let top: Vec<String> =
            finding.details.top_offenders.iter().map(|o| format!("{} ({})", o.device, o.count)).collect();
        let _ = writeln!(out, "  {} {}", style.dim("Top offenders:"), top.join(", "));
    }
    let evidence: Vec<String> = finding
        .evidence
        .iter()
        .take(4)
        .map(|r| match inputs.get(r.input as usize) {
            Some(name) if inputs.len() > 1 => format!("{name}:{}", r.line),
            _ => format!("line {}", r.line),
        })
        .collect();
    if !evidence.is_empty() {
        let _ = writeln!(out, "  {} {}", style.dim("Evidence:"), evidence.join(", "));
    }
    out.push('\n');
}

/// A one-line strip from the first to the last event, with a mark where events fall.
fn timeline(finding: &FleetFinding) -> Option<String> {
    let first = finding.timeline.first()?;
    let last = finding.timeline.last()?;
    let (start, end) = (first.time_ms, last.time_ms);
    let clock = |iso: &str| iso.get(11..19).unwrap_or(iso).to_owned();
    if end <= start {
        return Some(format!("at {}", first.time));
    }
    let mut strip = vec!['─'; TIMELINE_WIDTH];
    for event in &finding.timeline {
        let slot =
            ((event.time_ms - start) as f64 / (end - start) as f64 * (TIMELINE_WIDTH - 1) as f64) as usize;
        if let Some(cell) = strip.get_mut(slot) {
            *cell = '●';
        }
    }
    let strip: String = strip.into_iter().collect();
    Some(format!("{} {strip} {}", clock(&first.time), clock(&last.time)))
}

fn summary_text(out: &mut String, report: &Report, inputs: &[String], style: Style) {
    let summary = &report.summary;
    let _ = writeln!(out, "{}", style.heading("Summary"));
    let codes: Vec<String> = summary
        .by_code
        .iter()
        .take(8)
        .map(|c| format!("{} {} ×{}", c.code, c.name.unwrap_or("(unlisted)"), c.count))
        .collect();
    if !codes.is_empty() {
        let _ = writeln!(out, "  Errors by code:   {}", codes.join(", "));
    }
    let counts = |counts: &[iothub_errors::diagnose::Count], n: usize| -> String {
        counts.iter().take(n).map(|c| format!("{} ({})", c.key, c.count)).collect::<Vec<_>>().join(", ")
    };
    if !summary.top_devices.is_empty() {
        let _ = writeln!(out, "  Top devices:      {}", counts(&summary.top_devices, 5));
    }
    let _ = writeln!(out, "  By category:      {}", counts(&summary.by_category, 6));
    let _ = writeln!(out, "  By operation:     {}", counts(&summary.by_operation, 6));
    let formats: Vec<&str> = summary.formats.iter().map(|f| f.as_str()).collect();
    let _ = writeln!(out, "  Formats:          {}", formats.join(", "));
    if summary.records_skipped > 0 {
        let skipped: Vec<String> = summary
            .skipped
            .iter()
            .take(5)
            .map(|s| format!("line {} ({})", s.line, s.reason.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "  Not read:         {} part(s) of the input: {}{}",
            summary.records_skipped,
            skipped.join(", "),
            if summary.records_skipped > 5 { ", ..." } else { "" }
        );
    }
    let _ = inputs;
}

/// Scan findings, one block each.
pub fn scan(findings: &[ScanFinding], text: &str, style: Style) -> String {
    let mut out = String::new();
    for finding in findings {
        let what = match (finding.code, finding.name) {
            (Some(code), Some(name)) => format!("{code} {name}"),
            (Some(code), None) => code.to_string(),
            (None, Some(name)) => name.to_owned(),
            (None, None) => {
                finding.class.map_or("unknown".to_owned(), |c| format!("HTTP {} {}", c.status(), c.as_str()))
            }
        };
        let line = text.get(..finding.start).map_or(1, |before| before.matches('\n').count() + 1);
        let evidence = text.get(finding.start..finding.end).unwrap_or_default();
        let evidence: String = evidence.chars().take(100).collect();
        let _ = writeln!(
            out,
            "{}  line {line}, {} (confidence {:.2})",
            style.bold(&what),
            finding.evidence.as_str(),
            finding.confidence
        );
        let _ = writeln!(out, "  {}", style.dim(evidence.trim()));
        if let Some(message) = &finding.message {
            let _ = writeln!(out, "  {message}");
        }
        for (label, value) in [
            ("device", &finding.device_id),
            ("tracking id", &finding.tracking_id),
            ("time", &finding.timestamp),
        ] {
            if let Some(value) = value {
                let _ = writeln!(out, "  {label}: {value}");
            }
        }
        if let Some(entry) = finding.code.and_then(|c| iothub_errors::lookup(c).ok()) {
            let _ = writeln!(
                out,
                "  {} {}",
                entry.summary,
                style.dim(&format!("(iothub-errors explain {})", entry.name))
            );
        }
        out.push('\n');
    }
    out
}
