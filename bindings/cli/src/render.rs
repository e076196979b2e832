//! Readable text for a terminal.

use std::fmt::Write as _;

use iothub_errors::{Classification, Entry, ScanFinding, SearchHit, Texts, sdk::SdkView};

use crate::style::Style;

/// Everything the catalog knows about an entry.
pub fn entry(entry: &Entry, style: Style) -> String {
    let mut out = String::new();
    let title = match entry.code {
        Some(code) => format!("{code} {}", entry.name),
        None => format!("{} (no code)", entry.name),
    };
    let status = match entry.http_status {
        Some(status) => format!("HTTP {status}"),
        None => "AMQP/MQTT only".to_owned(),
    };
    let family = entry.family_title().unwrap_or("no article family");
    let _ = writeln!(
        out,
        "{}  {}",
        style.bold(&title),
        style.dim(&format!("{} · {status} · {family}", entry.class.as_str()))
    );
    let _ = writeln!(out, "{}\n", entry.summary);
    let _ = writeln!(
        out,
        "{} {}   {} {}   {} {}",
        style.bold("Transient:"),
        yes_no(entry.transient),
        style.bold("Who acts:"),
        entry.actor.as_str(),
        style.bold("Severity:"),
        style.severity(entry.severity)
    );
    let _ = writeln!(out, "{} {}", style.bold("Retry:"), entry.retry.describe());
    list(&mut out, style, "Symptoms", entry.symptoms, false);
    list(&mut out, style, "Causes", entry.causes, false);
    list(&mut out, style, "How to tell the causes apart", entry.diagnosis, false);
    list(&mut out, style, "Fixes, in order", entry.fixes, true);
    list(&mut out, style, "Limits", entry.limits, false);
    list(&mut out, style, "Service messages", entry.messages, false);
    if let Some(decision) = entry.decision {
        let _ = writeln!(out, "\n{}\n  {decision}", style.heading("Why we say so"));
    }
    sdk_views(&mut out, style, &iothub_errors::sdk::views(entry));
    if !entry.related.is_empty() {
        let related: Vec<String> = entry
            .related
            .iter()
            .map(|&code| match iothub_errors::lookup(code) {
                Ok(related) => format!("{code} {}", related.name),
                Err(_) => code.to_string(),
            })
            .collect();
        let _ = writeln!(out, "\n{} {}", style.bold("Related:"), related.join(", "));
    }
    if !entry.aliases.is_empty() || !entry.alias_codes.is_empty() {
        let mut aliases: Vec<String> = entry.alias_codes.iter().map(u32::to_string).collect();
        aliases.extend(entry.aliases.iter().map(|a| (*a).to_owned()));
        let _ = writeln!(out, "{} {}", style.bold("Also known as:"), aliases.join(", "));
    }
    let _ = writeln!(out, "{} {}", style.bold("Docs:"), entry.doc_url);
    out
}

/// A pasted message explained: per finding, the most likely entry (in full for the first), then the other codes
/// the same evidence can mean.
pub fn scan_explanation(findings: &[ScanFinding], style: Style) -> String {
    let mut out = String::new();
    for (index, finding) in findings.iter().enumerate() {
        let found = match (finding.code, finding.name) {
            (Some(code), Some(name)) => format!("most likely {code} {name}"),
            (Some(code), None) => format!("most likely {code}"),
            (None, _) => "no IoT Hub code".to_owned(),
        };
        let _ = writeln!(
            out,
            "{} {found} (confidence {:.2}, {})",
            style.bold("Found in the text:"),
            finding.confidence,
            finding.evidence.as_str()
        );
        let _ = writeln!(out, "{} {}", style.bold("Why:"), finding.basis);
        if !finding.alternatives.is_empty() {
            let others: Vec<String> = finding
                .alternatives
                .iter()
                .map(|a| format!("{} {} ({:.2})", a.code, a.name.unwrap_or(""), a.confidence))
                .collect();
            let _ = writeln!(out, "{} {}", style.bold("Or else:"), others.join(", "));
        }
        let most_likely = finding.code.and_then(|code| iothub_errors::lookup(code).ok());
        if let (0, Some(most_likely)) = (index, most_likely) {
            out.push('\n');
            out.push_str(&entry(most_likely, style));
        }
        out.push('\n');
    }
    out
}

/// What is known of a code the catalog does not list.
pub fn classification(classification: &Classification, style: Style) -> String {
    let mut out = String::new();
    let code = classification.code.map_or_else(String::new, |c| c.to_string());
    let family = classification.family.map_or("no known family", |f| f.title);
    let _ = writeln!(out, "{}  {}", style.bold(&format!("{code} (not in the catalog)")), style.dim(family));
    let _ = writeln!(
        out,
        "Judged by its class {} (HTTP {}); treat this as a best guess.\n",
        classification.class.as_str(),
        classification.class.status()
    );
    let _ = writeln!(
        out,
        "{} {}   {} {}   {} {}",
        style.bold("Transient:"),
        yes_no(classification.transient),
        style.bold("Who acts:"),
        classification.actor.as_str(),
        style.bold("Severity:"),
        style.severity(classification.severity)
    );
    let _ = writeln!(out, "{} {}", style.bold("Retry:"), classification.retry.describe());
    sdk_views(&mut out, style, &classification.sdk_views);
    if let Some(family) = classification.family {
        let _ = writeln!(out, "{} {}", style.bold("Docs:"), family.doc_url);
    }
    out
}

/// Search hits, one line each.
pub fn hits(hits: &[SearchHit], style: Style) -> String {
    let mut out = String::new();
    for hit in hits {
        let code = hit.entry.code.map_or_else(|| "------".to_owned(), |c| c.to_string());
        let _ = writeln!(out, "{} {}  {}", style.bold(&code), style.bold(hit.entry.name), hit.entry.summary);
    }
    out
}

fn list(out: &mut String, style: Style, heading: &str, items: Texts, numbered: bool) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", style.heading(heading));
    for (index, item) in items.iter().enumerate() {
        if numbered {
            let _ = writeln!(out, "  {}. {item}", index + 1);
        } else {
            let _ = writeln!(out, "  - {item}");
        }
    }
}

fn sdk_views(out: &mut String, style: Style, views: &[SdkView]) {
    let _ = writeln!(out, "\n{}", style.heading("What each SDK does by itself"));
    for view in views {
        let transient = match view.transient {
            Some(true) => "retries it",
            Some(false) => "does not retry it",
            None => "no transient flag",
        };
        let known = if view.knows_code { ", knows the code" } else { "" };
        let _ = writeln!(out, "  {:<18} {:<34} {transient}{known}", view.sdk.as_str(), view.surfaces_as);
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_text_has_every_section_of_a_deep_entry() {
        let text = entry(iothub_errors::lookup(401003).unwrap(), Style::plain());
        for heading in
            ["Symptoms", "Causes", "How to tell the causes apart", "Fixes, in order", "Related:", "Docs:"]
        {
            assert!(text.contains(heading), "missing {heading} in\n{text}");
        }
        assert!(!text.contains('\x1b'), "plain style must not emit escape codes");
    }

    #[test]
    fn a_pasted_exception_is_explained_by_its_most_likely_entry_then_the_alternatives() {
        let pasted = "Microsoft.Azure.Devices.Client.Exceptions.UnauthorizedException: CONNECT failed: RefusedNotAuthorized";
        let text = scan_explanation(&iothub_errors::scan(pasted), Style::plain());
        let most_likely = text.find("most likely 401003 IotHubUnauthorized").expect(&text);
        let alternatives = text.find("Or else: 404001 DeviceNotFound").expect(&text);
        let entry_text = text.find("Causes").expect(&text);
        assert!(most_likely < alternatives && alternatives < entry_text, "{text}");
        assert!(text.contains("CONNACK"), "{text}");
    }
}
