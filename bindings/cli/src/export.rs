//! The whole catalog as CSV or Markdown.

use std::fmt::Write as _;

use iothub_errors::{Entry, Texts};

const CSV_HEADER: [&str; 15] = [
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
];

/// RFC 4180 CSV with a header row; list fields are joined with " | ".
pub fn csv(entries: &[Entry]) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for entry in entries {
        let related: Vec<String> = entry.related.iter().map(u32::to_string).collect();
        let fields = [
            entry.code.map(|c| c.to_string()).unwrap_or_default(),
            entry.name.to_owned(),
            joined(entry.aliases),
            entry.family_title().unwrap_or_default().to_owned(),
            entry.class.as_str().to_owned(),
            entry.http_status.map(|s| s.to_string()).unwrap_or_default(),
            entry.transient.to_string(),
            entry.retry.kind().as_str().to_owned(),
            entry.actor.as_str().to_owned(),
            entry.severity.as_str().to_owned(),
            entry.summary.to_owned(),
            joined(entry.causes),
            joined(entry.fixes),
            related.join(" | "),
            entry.doc_url.to_owned(),
        ];
        let cells: Vec<String> = fields.iter().map(|f| csv_cell(f)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A list field of a CSV row: the items joined with " | ".
fn joined(texts: Texts) -> String {
    texts.iter().collect::<Vec<_>>().join(" | ")
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A Markdown table: code, name, class, transient, retry, who acts, summary.
pub fn markdown(entries: &[Entry]) -> String {
    let mut out = String::from(
        "| Code | Name | Class | Transient | Retry | Who acts | Summary |\n|---|---|---|---|---|---|---|\n",
    );
    for entry in entries {
        let code = entry.code.map_or_else(|| "—".to_owned(), |c| c.to_string());
        let name = match entry.code {
            Some(_) => format!("[{}]({})", entry.name, entry.doc_url),
            None => entry.name.to_owned(),
        };
        let _ = writeln!(
            out,
            "| {code} | {name} | {} | {} | {} | {} | {} |",
            entry.class.as_str(),
            if entry.transient { "yes" } else { "no" },
            entry.retry.kind(),
            entry.actor.as_str(),
            entry.summary.replace('|', "\\|")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_cells_with_commas_and_quotes() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn csv_has_a_row_per_entry_and_the_header() {
        let text = csv(iothub_errors::entries());
        assert!(text.starts_with("code,name,aliases,family,class"));
        // Quoted cells never contain raw CR LF pairs, so rows can be counted by line ends.
        assert_eq!(text.matches("\r\n").count(), iothub_errors::entries().len() + 1);
    }
}
