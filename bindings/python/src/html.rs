//! `_repr_html_` views for notebooks: compact cards and tables, every text HTML-escaped.

use std::fmt::Write;

use iothub_errors::diagnose::{FleetFinding, Report, Summary};
use iothub_errors::{Entry, ScanFinding, Severity};

/// Devices named in a finding card before "and N more".
const DEVICES_SHOWN: usize = 8;
/// Rows of each tally shown in the summary view.
const TALLY_ROWS: usize = 5;

const CARD: &str = "border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:4px 0;max-width:60em;\
                    font-family:system-ui,sans-serif;font-size:13px;line-height:1.45";
const MUTED: &str = "color:#57606a";
const TABLE: &str = "border-collapse:collapse;font-size:13px";
const CELL: &str = "padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #eaeef2";

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn severity_badge(severity: Severity) -> String {
    let color = match severity {
        Severity::Info => "#0969da",
        Severity::Warning => "#9a6700",
        Severity::Error => "#cf222e",
        Severity::Critical => "#8250df",
    };
    badge(severity.as_str(), color)
}

fn badge(text: &str, color: &str) -> String {
    format!(
        "<span style=\"display:inline-block;padding:0 6px;border-radius:10px;border:1px solid {color};\
         color:{color};font-size:12px\">{}</span>",
        escape(text)
    )
}

fn link(url: &str, text: &str) -> String {
    if url.starts_with("https://") {
        format!("<a href=\"{}\" target=\"_blank\" rel=\"noopener\">{}</a>", escape(url), escape(text))
    } else {
        escape(text)
    }
}

fn list(tag: &str, items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut html = format!("<{tag} style=\"margin:2px 0 2px 1.2em;padding:0\">");
    for item in items {
        let _ = write!(html, "<li>{}</li>", escape(item.as_ref()));
    }
    let _ = write!(html, "</{tag}>");
    html
}

fn row(html: &mut String, label: &str, value: &str) {
    let _ = write!(
        html,
        "<tr><th style=\"{CELL};{MUTED};font-weight:normal\">{label}</th><td style=\"{CELL}\">{value}</td></tr>"
    );
}

/// A catalog entry as a card.
pub fn entry_card(entry: &Entry) -> String {
    let mut html = format!("<div style=\"{CARD}\">");
    let code = entry.code.map_or_else(|| "—".to_owned(), |code| code.to_string());
    let _ = write!(
        html,
        "<div><b style=\"font-size:15px\">{} {}</b> {} {}</div>",
        escape(&code),
        escape(entry.name),
        badge(entry.class.as_str(), "#57606a"),
        severity_badge(entry.severity)
    );
    let status =
        entry.http_status.map_or_else(|| "AMQP/MQTT only".to_owned(), |status| format!("HTTP {status}"));
    let family = entry.family_title().unwrap_or("no family");
    let _ = write!(html, "<div style=\"{MUTED}\">{} · {}</div>", escape(&status), escape(family));
    let _ = write!(html, "<p style=\"margin:6px 0\">{}</p>", escape(entry.summary));
    html.push_str(&format!("<table style=\"{TABLE}\">"));
    row(&mut html, "Transient", if entry.transient { "yes" } else { "no" });
    row(&mut html, "Retry", &escape(&entry.retry.describe()));
    row(&mut html, "Who acts", &escape(entry.actor.as_str()));
    if !entry.causes.is_empty() {
        row(&mut html, "Causes", &list("ul", entry.causes));
    }
    if !entry.fixes.is_empty() {
        row(&mut html, "Fixes, in order", &list("ol", entry.fixes));
    }
    if !entry.related.is_empty() {
        let related: Vec<String> = entry.related.iter().map(u32::to_string).collect();
        row(&mut html, "Related", &escape(&related.join(", ")));
    }
    row(&mut html, "Docs", &link(entry.doc_url, entry.doc_url));
    html.push_str("</table></div>");
    html
}

/// A scan finding as a one-card summary.
pub fn scan_finding_card(finding: &ScanFinding) -> String {
    let mut html = format!("<div style=\"{CARD}\">");
    let code = finding.code.map_or_else(String::new, |code| code.to_string());
    let name = finding.name.unwrap_or_else(|| finding.class.map_or("unnamed error", |class| class.as_str()));
    let evidence = serde_json::to_value(finding.evidence).ok().and_then(|v| v.as_str().map(str::to_owned));
    let service = match finding.service {
        iothub_errors::Service::IotHub => "IoT Hub",
        iothub_errors::Service::Dps => "DPS",
    };
    let _ = write!(
        html,
        "<div><b>{} {}</b> {} <span style=\"{MUTED}\">{} · confidence {:.2}</span></div>",
        escape(&code),
        escape(name),
        badge(service, "#57606a"),
        escape(evidence.as_deref().unwrap_or("")),
        finding.confidence
    );
    html.push_str(&format!("<table style=\"{TABLE}\">"));
    for (label, value) in [
        ("Device", &finding.device_id),
        ("Time", &finding.timestamp),
        ("Tracking id", &finding.tracking_id),
        ("Message", &finding.message),
    ] {
        if let Some(value) = value {
            row(&mut html, label, &escape(value));
        }
    }
    html.push_str("</table></div>");
    html
}

fn devices_text(devices: &[String]) -> String {
    let shown: Vec<&str> = devices.iter().take(DEVICES_SHOWN).map(String::as_str).collect();
    let mut text = shown.join(", ");
    if devices.len() > DEVICES_SHOWN {
        let _ = write!(text, " and {} more", devices.len() - DEVICES_SHOWN);
    }
    text
}

fn span(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(first), Some(last)) if first != last => format!("{first} – {last}"),
        (Some(first), _) => first.to_owned(),
        (None, Some(last)) => last.to_owned(),
        (None, None) => String::new(),
    }
}

/// A fleet finding as a card: severity, title, devices, codes, time span, explanation and actions.
pub fn fleet_finding_card(finding: &FleetFinding) -> String {
    let mut html = format!("<div style=\"{CARD}\">");
    let _ = write!(
        html,
        "<div>{} <b>{}</b> <span style=\"{MUTED}\">{}</span></div>",
        severity_badge(finding.severity),
        escape(&finding.title),
        escape(finding.kind.as_str())
    );
    html.push_str(&format!("<table style=\"{TABLE}\">"));
    if !finding.devices.is_empty() {
        row(&mut html, "Devices", &escape(&devices_text(&finding.devices)));
    }
    if !finding.entries.is_empty() {
        let codes: Vec<String> = finding
            .entries
            .iter()
            .map(|entry| link(entry.doc_url, &format!("{} {}", entry.code, entry.name)))
            .collect();
        row(&mut html, "Codes", &codes.join(", "));
    }
    row(&mut html, "When", &escape(&span(finding.first.as_deref(), finding.last.as_deref())));
    row(&mut html, "Records", &finding.count.to_string());
    row(&mut html, "What happens", &escape(&finding.explanation));
    if !finding.actions.is_empty() {
        row(&mut html, "What to do", &list("ol", &finding.actions));
    }
    html.push_str("</table></div>");
    html
}

fn figures(html: &mut String, summary: &Summary) {
    let _ = write!(
        html,
        "<div style=\"{MUTED}\">{} records ({} skipped, {} duplicates) · {} devices · {} errors · {}</div>",
        summary.records_read,
        summary.records_skipped,
        summary.duplicates,
        summary.devices,
        summary.errors,
        escape(&span(summary.first.as_deref(), summary.last.as_deref()))
    );
}

/// A report: the key figures and a table of the findings.
pub fn report_view(report: &Report) -> String {
    let mut html = format!("<div style=\"{CARD}\"><b style=\"font-size:15px\">IoT Hub log diagnosis</b>");
    figures(&mut html, &report.summary);
    if report.findings.is_empty() {
        html.push_str("<p>No patterns found.</p></div>");
        return html;
    }
    let _ = write!(
        html,
        "<table style=\"{TABLE};margin-top:6px\"><thead><tr><th style=\"{CELL}\">severity</th>\
         <th style=\"{CELL}\">finding</th><th style=\"{CELL}\">devices</th><th style=\"{CELL}\">codes</th>\
         <th style=\"{CELL}\">when</th><th style=\"{CELL}\">records</th></tr></thead><tbody>"
    );
    for finding in &report.findings {
        let codes: Vec<String> = finding.codes.iter().map(u32::to_string).collect();
        let _ = write!(
            html,
            "<tr><td style=\"{CELL}\">{}</td><td style=\"{CELL}\">{}<div style=\"{MUTED}\">{}</div></td>\
             <td style=\"{CELL}\">{}</td><td style=\"{CELL}\">{}</td><td style=\"{CELL}\">{}</td>\
             <td style=\"{CELL}\">{}</td></tr>",
            severity_badge(finding.severity),
            escape(&finding.title),
            escape(finding.kind.as_str()),
            escape(&devices_text(&finding.devices)),
            escape(&codes.join(", ")),
            escape(&span(finding.first.as_deref(), finding.last.as_deref())),
            finding.count
        );
    }
    html.push_str("</tbody></table></div>");
    html
}

/// A summary: the key figures and the top codes, devices and categories.
pub fn summary_view(summary: &Summary) -> String {
    let mut html = format!("<div style=\"{CARD}\"><b style=\"font-size:15px\">Log summary</b>");
    figures(&mut html, summary);
    html.push_str("<div style=\"display:flex;gap:24px;flex-wrap:wrap;margin-top:6px\">");
    let codes: Vec<(String, u64)> = summary
        .by_code
        .iter()
        .take(TALLY_ROWS)
        .map(|count| (format!("{} {}", count.code, count.name.unwrap_or("")), count.count))
        .collect();
    let tallies: [(&str, Vec<(String, u64)>); 3] = [
        ("top codes", codes),
        (
            "top devices",
            summary.top_devices.iter().take(TALLY_ROWS).map(|c| (c.key.clone(), c.count)).collect(),
        ),
        (
            "categories",
            summary.by_category.iter().take(TALLY_ROWS).map(|c| (c.key.clone(), c.count)).collect(),
        ),
    ];
    for (title, rows) in tallies {
        let _ = write!(
            html,
            "<table style=\"{TABLE}\"><thead><tr><th style=\"{CELL}\" colspan=\"2\">{title}</th></tr></thead><tbody>"
        );
        for (key, count) in rows {
            let _ = write!(
                html,
                "<tr><td style=\"{CELL}\">{}</td><td style=\"{CELL}\">{count}</td></tr>",
                escape(&key)
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</div></div>");
    html
}
