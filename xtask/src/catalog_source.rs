//! Reads and checks `core/data/catalog.toml`, the one human-edited source of the catalog.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

/// The whole data file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSource {
    pub family: Vec<FamilySource>,
    pub entry: Vec<EntrySource>,
}

/// One `[[family]]` table: an article section.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilySource {
    pub prefix: String,
    pub title: String,
    pub anchor: String,
}

/// One `[[entry]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntrySource {
    pub code: Option<u32>,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub alias_codes: Vec<u32>,
    /// Only for code-less entries: the prefix of their family.
    pub family: Option<String>,
    pub http_status: Option<u16>,
    #[serde(default)]
    pub amqp_mqtt_only: bool,
    pub transient: bool,
    pub retry: RetrySource,
    pub actor: String,
    pub severity: String,
    #[serde(default = "default_source")]
    pub source: String,
    pub summary: String,
    pub causes: Vec<String>,
    pub fixes: Vec<String>,
    #[serde(default)]
    pub related: Vec<u32>,
    pub decision: Option<String>,
    pub anchor: Option<String>,
    #[serde(default)]
    pub symptoms: Vec<String>,
    #[serde(default)]
    pub diagnosis: Vec<String>,
    #[serde(default)]
    pub limits: Vec<String>,
    #[serde(default)]
    pub messages: Vec<String>,
    #[serde(default)]
    pub sdk_tables: Vec<String>,
}

fn default_source() -> String {
    "article".to_owned()
}

/// The `retry = { kind = ... }` inline table.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RetrySource {
    DoNotRetry,
    RetryNow,
    Backoff { initial_ms: u32, max_ms: u32, jitter_percent: u8 },
    AfterQuotaReset,
    ReconnectWithNewToken,
}

pub const ACTORS: [&str; 5] =
    ["device-code", "device-operator", "back-end-application", "hub-administrator", "azure"];
pub const SEVERITIES: [&str; 4] = ["info", "warning", "error", "critical"];
pub const SOURCES: [&str; 2] = ["article", "sdk"];
pub const SDKS: [&str; 7] = [
    "csharp-service-v1",
    "csharp-service-v2",
    "java-service",
    "java-device",
    "node",
    "python-device",
    "c-device",
];
/// HTTP statuses that start IoT Hub codes (kept in step with `ErrorClass::from_status` in the core).
pub const STATUSES: [u16; 16] =
    [400, 401, 403, 404, 405, 408, 409, 412, 413, 415, 429, 499, 500, 502, 503, 504];

impl CatalogSource {
    /// Reads and parses the data file.
    pub fn read(path: &Path) -> Result<CatalogSource, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The family an entry belongs to: the longest prefix of its code, or its `family` field.
    pub fn family_of(&self, entry: &EntrySource) -> Option<usize> {
        match (&entry.family, entry.code) {
            (Some(prefix), _) => self.family.iter().position(|f| &f.prefix == prefix),
            (None, Some(code)) => {
                let digits = code.to_string();
                self.family
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| digits.starts_with(&f.prefix))
                    .max_by_key(|(_, f)| f.prefix.len())
                    .map(|(i, _)| i)
            }
            (None, None) => None,
        }
    }

    /// Every rule the data must follow; returns all violations at once.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut codes = BTreeMap::new();
        let mut names: BTreeMap<String, Vec<&EntrySource>> = BTreeMap::new();
        for family in &self.family {
            if family.prefix.is_empty() || !family.prefix.bytes().all(|b| b.is_ascii_digit()) {
                problems.push(format!("family {:?}: prefix must be digits", family.title));
            }
        }
        for entry in &self.entry {
            let label = entry.code.map_or_else(|| entry.name.clone(), |c| format!("{c} {}", entry.name));
            let mut problem = |text: String| problems.push(format!("{label}: {text}"));
            for code in entry.code.iter().chain(&entry.alias_codes) {
                if let Some(previous) = codes.insert(*code, entry.name.clone()) {
                    problem(format!("code {code} is also used by {previous}"));
                }
                if !(100_000..=999_999).contains(code) || !STATUSES.contains(&((code / 1000) as u16)) {
                    problem(format!("{code} is not six digits starting with an IoT Hub HTTP status"));
                }
            }
            match (entry.code, entry.http_status, entry.amqp_mqtt_only) {
                (Some(_), Some(_), true) => problem("amqp_mqtt_only entries have no http_status".into()),
                (Some(code), Some(status), false)
                    if !STATUSES.contains(&status) || code / 1000 != u32::from(status) =>
                {
                    problem(format!("http_status {status} does not match the code"))
                }
                (_, None, false) => problem("http_status is missing".into()),
                (None, Some(status), _) if !STATUSES.contains(&status) => {
                    problem(format!("http_status {status} is not one IoT Hub uses"))
                }
                _ => {}
            }
            if entry.code.is_none() && entry.family.is_none() {
                problem("code-less entries need a family".into());
            }
            if self.family_of(entry).is_none() && entry.source == "article" {
                problem("no family matches this article code".into());
            }
            for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                if alias.is_empty() || !alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    problem(format!("name or alias {alias:?} must be a single identifier"));
                }
                names.entry(alias.to_ascii_lowercase()).or_default().push(entry);
            }
            if !ACTORS.contains(&entry.actor.as_str()) {
                problem(format!("unknown actor {:?}", entry.actor));
            }
            if !SEVERITIES.contains(&entry.severity.as_str()) {
                problem(format!("unknown severity {:?}", entry.severity));
            }
            if !SOURCES.contains(&entry.source.as_str()) {
                problem(format!("unknown source {:?}", entry.source));
            }
            if entry.source == "sdk" && entry.decision.is_none() {
                problem("codes from the SDKs need a decision saying where they come from".into());
            }
            for sdk in &entry.sdk_tables {
                if !SDKS.contains(&sdk.as_str()) {
                    problem(format!("unknown SDK {sdk:?}"));
                }
            }
            if let RetrySource::Backoff { initial_ms, max_ms, jitter_percent } = entry.retry
                && (initial_ms == 0 || max_ms < initial_ms || jitter_percent > 100)
            {
                problem("backoff needs 0 < initial_ms <= max_ms and jitter_percent <= 100".into());
            }
            if entry.summary.trim().is_empty() || entry.causes.is_empty() || entry.fixes.is_empty() {
                problem("summary, causes and fixes must not be empty".into());
            }
            let texts = [
                &entry.causes,
                &entry.fixes,
                &entry.symptoms,
                &entry.diagnosis,
                &entry.limits,
                &entry.messages,
            ];
            if texts.iter().flat_map(|t| t.iter()).any(|t| t.trim().is_empty()) {
                problem("empty string in a list".into());
            }
            // The generated tables join each list with line breaks (see `Texts` in core/src/model.rs).
            if texts.iter().flat_map(|t| t.iter()).any(|t| t.contains(['\n', '\r'])) {
                problem("line break in a list item".into());
            }
            let words = |text: &str| text.split_whitespace().count();
            if let Some(long) = entry.messages.iter().find(|m| words(m) >= 9) {
                problem(format!("message fragment {long:?} has 9 words or more; keep the distinctive part"));
            }
        }
        for entry in &self.entry {
            for related in &entry.related {
                if !codes.contains_key(related) {
                    problems.push(format!("{}: related code {related} is not in the catalog", entry.name));
                }
            }
        }
        for (name, owners) in &mut names {
            owners.dedup_by(|a, b| std::ptr::eq(*a, *b));
            let coded: BTreeSet<_> = owners.iter().filter(|e| e.code.is_some()).map(|e| e.code).collect();
            let codeless = owners.iter().filter(|e| e.code.is_none()).count();
            // A name may be shared only by one numbered entry and one code-less entry (the article's
            // "ServiceUnavailable (no error code)" beside 503001 ServiceUnavailable); the name then resolves
            // to the code-less entry, which explains both.
            if coded.len() > 1 || codeless > 1 || (owners.len() > 1 && codeless == 0) {
                problems.push(format!("name or alias {name:?} is used {} times", owners.len()));
            }
        }
        problems
    }
}
