//! Turns what people type or paste ("Error 401003", "aka.ms/iothub404103", "iothubunauthorized",
//! "ErrorCode:DeviceNotFound;") into a catalog entry or, for unlisted codes, a classification.

use serde::Serialize;

use crate::catalog;
use crate::classify::{Classification, classify};
use crate::error::{Error, MAX_QUERY_LEN};
use crate::model::Entry;

named_enum! {
    /// How the input matched.
    pub enum MatchKind {
        /// A six-digit code listed in the catalog.
        Code = "code",
        /// A number that the catalog maps to another code (e.g. 404102 → 404103).
        AliasCode = "alias-code",
        /// A well-formed code the catalog does not list, classified by its class and family.
        UnlistedCode = "unlisted-code",
        /// The canonical name of an entry.
        Name = "name",
        /// An alias of an entry (another spelling or an SDK exception name).
        Alias = "alias",
    }
}

/// The answer of [`resolve`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Resolution {
    /// How the input matched.
    pub matched_by: MatchKind,
    /// The catalog entry, absent for unlisted codes.
    pub entry: Option<&'static Entry>,
    /// The classification (always present).
    pub classification: Classification,
}

/// Words people put before a code or name, stripped (case-insensitively) before matching.
const LEADING_WORDS: [&str; 9] =
    ["iothub-errorcode", "error code", "errorcode", "error", "code", "iot hub", "iothub", "status", "#"];

/// Resolves a code, a name or an alias in any of the forms people type.
pub fn resolve(text: &str) -> Result<Resolution, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::EmptyInput);
    }
    if text.len() > MAX_QUERY_LEN {
        return Err(Error::InputTooLong { len: text.len(), max: MAX_QUERY_LEN });
    }
    let core = strip_decorations(text);
    if let Some(rest) = core.strip_prefix(['-', '+']) {
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(Error::invalid_code(core, "codes are whole six-digit numbers"));
        }
    }
    let token = first_token(core);
    if token.is_empty() {
        return Err(Error::unknown_name(text));
    }
    if token.bytes().any(|b| b.is_ascii_digit()) && !token.bytes().any(|b| b.is_ascii_alphabetic()) {
        return resolve_number(token);
    }
    resolve_name(token, core)
}

fn resolve_number(token: &str) -> Result<Resolution, Error> {
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_code(token, "codes are whole six-digit numbers"));
    }
    if token.len() != 6 {
        return Err(Error::invalid_code(token, "codes have exactly six digits"));
    }
    let code: u32 = token.parse().map_err(|_| Error::invalid_code(token, "codes have exactly six digits"))?;
    let classification = classify(code)?;
    let entry = catalog::find_code(code);
    let matched_by = match entry {
        Some(entry) if entry.code == Some(code) => MatchKind::Code,
        Some(_) => MatchKind::AliasCode,
        None => MatchKind::UnlistedCode,
    };
    Ok(Resolution { matched_by, entry, classification })
}

fn resolve_name(token: &str, whole: &str) -> Result<Resolution, Error> {
    let squeezed: String = whole.chars().filter(|c| !c.is_whitespace()).collect();
    let candidates = [
        Some(token),
        strip_suffix_ignore_case(token, "exception"),
        strip_suffix_ignore_case(token, "error"),
        Some(squeezed.as_str()),
    ];
    let (query, entry) = candidates
        .into_iter()
        .flatten()
        .filter(|query| !query.is_empty())
        .find_map(|query| catalog::find_name(query).map(|entry| (query, entry)))
        .ok_or_else(|| Error::unknown_name(token))?;
    let matched_by = if entry.name.eq_ignore_ascii_case(query) { MatchKind::Name } else { MatchKind::Alias };
    Ok(Resolution { matched_by, entry: Some(entry), classification: Classification::of_entry(entry) })
}

/// Removes URL parts, anchors and leading words such as "Error" or "ErrorCode:".
fn strip_decorations(mut text: &str) -> &str {
    for scheme in ["https://", "http://"] {
        if let Some(rest) = strip_prefix_ignore_case(text, scheme) {
            text = rest;
        }
    }
    if let Some(rest) = strip_prefix_ignore_case(text, "aka.ms/iothub") {
        return rest.trim();
    }
    if text.contains('/') {
        if let Some((_, fragment)) = text.rsplit_once('#') {
            text = fragment;
        }
    }
    loop {
        let before = text;
        text = text.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '=' | '#' | '(' | '[' | '"' | '\'' | '`')
        });
        for word in LEADING_WORDS {
            if let Some(rest) = strip_prefix_ignore_case(text, word) {
                let starts_separated = rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_whitespace() || c.is_ascii_digit() || matches!(c, ':' | '=' | '#'));
                if starts_separated {
                    text = rest;
                    break;
                }
            }
        }
        if text == before {
            return text;
        }
    }
}

/// The first word: up to white space or a separator such as `;` `,` `-` (for anchors) or `)`.
fn first_token(text: &str) -> &str {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | ')' | '(' | '"' | '\'' | '-' | '/'))
        .unwrap_or(text.len());
    let token = text.get(..end).unwrap_or(text);
    token.trim_end_matches(['.', ':'])
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let tail = text.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| text.get(..cut)).flatten()
}
