//! `cargo xtask sync-article <article.md>`: what changed between Microsoft's article and the catalog.

use std::collections::BTreeMap;
use std::path::Path;

use crate::catalog_source::CatalogSource;
use crate::codegen::DATA_FILE;

/// One row of the article's tables: a code (absent for the code-less rows) and a name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ArticleRow {
    pub code: Option<u32>,
    pub name: String,
}

/// Reads the `| **401003 IotHubUnauthorized** | ... |` rows of the article's tables.
pub fn article_rows(markdown: &str) -> Vec<ArticleRow> {
    markdown
        .lines()
        .filter_map(|line| {
            let cell = line.trim().strip_prefix('|')?.split('|').next()?;
            let cell = cell.trim();
            if !cell.starts_with("**") {
                return None;
            }
            let cell = cell.trim_matches('*').trim();
            if let Some(name) = cell.strip_suffix("(no error code)") {
                return Some(ArticleRow { code: None, name: name.trim().to_owned() });
            }
            let (digits, name) = cell.split_once(char::is_whitespace)?;
            let code = digits.parse().ok().filter(|_| digits.len() == 6)?;
            Some(ArticleRow { code: Some(code), name: name.trim().to_owned() })
        })
        .collect()
}

/// Compares the article with the catalog. Prints every difference; fails when one is not explained.
pub fn run(root: &Path, article: &Path) -> Result<(), String> {
    let markdown = std::fs::read_to_string(article).map_err(|e| format!("{}: {e}", article.display()))?;
    let rows = article_rows(&markdown);
    if rows.is_empty() {
        return Err(format!(
            "{}: no error-code rows found; has the table layout changed?",
            article.display()
        ));
    }
    let catalog = CatalogSource::read(&root.join(DATA_FILE))?;
    let report = compare(&rows, &catalog);
    for line in &report.explained {
        println!("  explained: {line}");
    }
    for line in &report.drift {
        println!("  DRIFT: {line}");
    }
    println!(
        "sync-article: {} article rows, {} catalog entries, {} explained difference(s), {} unexplained",
        rows.len(),
        catalog.entry.len(),
        report.explained.len(),
        report.drift.len()
    );
    if report.drift.is_empty() {
        Ok(())
    } else {
        Err("the catalog has drifted from the article: update core/data/catalog.toml".into())
    }
}

/// The differences, split into those the catalog explains and those it does not.
#[derive(Debug, Default)]
pub struct Report {
    pub explained: Vec<String>,
    pub drift: Vec<String>,
}

pub fn compare(rows: &[ArticleRow], catalog: &CatalogSource) -> Report {
    let mut report = Report::default();
    let by_code: BTreeMap<u32, _> = catalog
        .entry
        .iter()
        .flat_map(|e| e.code.iter().chain(&e.alias_codes).map(move |&c| (c, e)))
        .collect();
    for row in rows {
        match row.code {
            Some(code) => match by_code.get(&code) {
                None => report.drift.push(format!("added in the article: {code} {}", row.name)),
                Some(entry) if entry.code != Some(code) => {
                    let target = entry.code.map_or_else(String::new, |c| c.to_string());
                    let line = format!(
                        "article row {code} {} is an alias code of {target} {}",
                        row.name, entry.name
                    );
                    if entry.name == row.name && entry.decision.is_some() {
                        report.explained.push(line);
                    } else {
                        report.drift.push(line);
                    }
                }
                Some(entry) if entry.name != row.name => report
                    .drift
                    .push(format!("renamed: {code} is {} in the article, {} here", row.name, entry.name)),
                Some(_) => {}
            },
            None => {
                if !catalog.entry.iter().any(|e| e.code.is_none() && e.name == row.name) {
                    report.drift.push(format!("added in the article: {} (no error code)", row.name));
                }
            }
        }
    }
    for entry in &catalog.entry {
        // A numbered entry is matched by number (a different name was reported as a rename above);
        // a code-less entry by name.
        let in_article = rows.iter().any(|r| match entry.code {
            Some(code) => r.code == Some(code) || entry.alias_codes.iter().any(|a| r.code == Some(*a)),
            None => r.code.is_none() && r.name == entry.name,
        });
        if in_article {
            continue;
        }
        let label = entry.code.map_or_else(|| entry.name.clone(), |c| format!("{c} {}", entry.name));
        if entry.source == "sdk" {
            report.explained.push(format!("{label} comes from the SDKs, not the article"));
        } else if entry.decision.is_some() && rows.iter().any(|r| r.name == entry.name) {
            report
                .explained
                .push(format!("{label} is listed under another number in the article (see its decision)"));
        } else {
            report.drift.push(format!("removed from the article: {label}"));
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbered_and_codeless_rows() {
        let md = "| Error Code | Description |\n|---|---|\n| **400000 GenericBadRequest** | x | y |\n\
                  |**405000  GenericMethodNotAllowed**| x |\n|**ServiceUnavailable (no error code)**| x |\n\
                  | **12345 TooShort** | x |\n";
        let rows = article_rows(md);
        assert_eq!(
            rows,
            vec![
                ArticleRow { code: Some(400000), name: "GenericBadRequest".into() },
                ArticleRow { code: Some(405000), name: "GenericMethodNotAllowed".into() },
                ArticleRow { code: None, name: "ServiceUnavailable".into() },
            ]
        );
    }

    #[test]
    fn reports_added_renamed_and_removed_codes() {
        let catalog: CatalogSource = toml::from_str(
            r#"
            [[family]]
            prefix = "400"
            title = "400xxx Bad request"
            anchor = "a"
            [[entry]]
            code = 400001
            name = "OldName"
            http_status = 400
            transient = false
            retry = { kind = "do-not-retry" }
            actor = "device-code"
            severity = "error"
            summary = "s"
            causes = ["c"]
            fixes = ["f"]
            [[entry]]
            code = 400002
            name = "Gone"
            http_status = 400
            transient = false
            retry = { kind = "do-not-retry" }
            actor = "device-code"
            severity = "error"
            summary = "s"
            causes = ["c"]
            fixes = ["f"]
            "#,
        )
        .unwrap();
        let rows = vec![
            ArticleRow { code: Some(400001), name: "NewName".into() },
            ArticleRow { code: Some(400003), name: "Added".into() },
        ];
        let report = compare(&rows, &catalog);
        assert_eq!(report.drift.len(), 3, "{:?}", report.drift);
        assert!(report.drift.iter().any(|d| d.contains("renamed: 400001")));
        assert!(report.drift.iter().any(|d| d.contains("added in the article: 400003")));
        assert!(report.drift.iter().any(|d| d.contains("removed from the article: 400002")));
    }
}
