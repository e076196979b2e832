//! Ranked full-text search over names, aliases, summaries, causes and fixes.

use std::sync::OnceLock;

use serde::Serialize;

use crate::catalog;
use crate::error::{Error, MAX_QUERY_LEN};
use crate::model::Entry;

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SearchHit {
    /// The matching entry.
    pub entry: &'static Entry,
    /// Relevance; higher is better. Only the order is meaningful.
    pub score: u32,
}

/// Words too common to rank by.
const STOP_WORDS: [&str; 24] = [
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "in", "is", "it", "my",
    "not", "of", "on", "or", "the", "to", "what", "with",
];

/// Shortest query word searched for, in characters: a single letter or digit would match words by accident.
const MIN_WORD_CHARS: usize = 2;

/// Points for a query word found in each field, best field first. A word of the name or an alias outweighs any
/// number of prose matches of the same word count: people search for what an error is called.
const WEIGHT_NAME: u32 = 40;
const WEIGHT_ALIAS: u32 = 30;
const WEIGHT_SUMMARY: u32 = 5;
const WEIGHT_CAUSES: u32 = 3;
const WEIGHT_OTHER: u32 = 1;
/// Points for a query that is the whole name, alias or code.
const WEIGHT_EXACT: u32 = 100;
/// Points for each distinct query word an entry matches, so entries matching more words rank first.
const WEIGHT_COVERAGE: u32 = 10;
/// A stem match ("throttle" for "throttling") earns this share of its field's points, so the exact word ranks first.
const STEM_DIVISOR: u32 = 2;
/// Points for the entries the article treats at length (they carry a diagnosis): among equal matches, those are
/// the errors people actually meet.
const WEIGHT_DEPTH: u32 = 1;

/// Entries matching `query`, best first. Words match whole words or, from four letters on, word stems
/// ("throttle" finds "throttling"); CamelCase names count as separate words; digits match codes.
///
/// A search box calls this on every keystroke, so a query with nothing to rank by is no error: an empty or blank
/// query, punctuation, stop words ("the", "a") and one-character words ("d", the first key pressed) give no hits.
/// The only error is [`Error::InputTooLong`], over [`MAX_QUERY_LEN`] bytes.
pub fn search(query: &str) -> Result<Vec<SearchHit>, Error> {
    if query.len() > MAX_QUERY_LEN {
        return Err(Error::InputTooLong { len: query.len(), max: MAX_QUERY_LEN });
    }
    let terms: Vec<String> = words(query)
        .filter(|word| word.chars().nth(MIN_WORD_CHARS - 1).is_some())
        .map(|word| word.to_ascii_lowercase())
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .collect();
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let squeezed: String = query.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut hits: Vec<SearchHit> = catalog::entries()
        .iter()
        .zip(index())
        .filter_map(|(entry, words)| {
            let score = score(entry, words, &terms, &squeezed);
            (score > 0).then_some(SearchHit { entry, score })
        })
        .collect();
    crate::sort::sort_by(&mut hits, |a, b| {
        b.score.cmp(&a.score).then_with(|| a.entry.code.cmp(&b.entry.code))
    });
    Ok(hits)
}

/// The words of one entry's fields, lowercased once and kept for every later search.
struct EntryWords {
    /// (words, weight) per field, best field first.
    fields: [(Vec<String>, u32); 6],
    code: String,
}

/// Word lists of every entry, built on the first search.
static INDEX: OnceLock<Vec<EntryWords>> = OnceLock::new();

fn index() -> &'static [EntryWords] {
    INDEX.get_or_init(|| {
        let collect = |texts: Vec<&str>| -> Vec<String> {
            let mut list: Vec<String> =
                texts.iter().flat_map(|t| words(t)).map(str::to_ascii_lowercase).collect();
            crate::sort::sort(&mut list);
            list.dedup();
            list
        };
        catalog::entries()
            .iter()
            .map(|entry| {
                let deep = entry.symptoms.iter().chain(entry.diagnosis).chain(entry.messages).collect();
                EntryWords {
                    fields: [
                        (collect(vec![entry.name]), WEIGHT_NAME),
                        (collect(entry.aliases.iter().collect()), WEIGHT_ALIAS),
                        (collect(vec![entry.summary]), WEIGHT_SUMMARY),
                        (collect(entry.causes.iter().collect()), WEIGHT_CAUSES),
                        (collect(entry.fixes.iter().collect()), WEIGHT_OTHER),
                        (collect(deep), WEIGHT_OTHER),
                    ],
                    code: entry.code.map(|c| c.to_string()).unwrap_or_default(),
                }
            })
            .collect()
    })
}

fn score(entry: &Entry, words: &EntryWords, terms: &[String], squeezed: &str) -> u32 {
    let mut total = 0;
    if entry.name.eq_ignore_ascii_case(squeezed)
        || entry.aliases.iter().any(|a| a.eq_ignore_ascii_case(squeezed))
    {
        total += WEIGHT_EXACT;
    }
    for term in terms {
        let mut best = 0;
        if !words.code.is_empty() && term.bytes().all(|b| b.is_ascii_digit()) {
            if *term == words.code {
                best = WEIGHT_EXACT;
            } else if term.len() >= 3 && words.code.starts_with(term.as_str()) {
                best = WEIGHT_NAME;
            }
        }
        for (list, weight) in &words.fields {
            let points = if list.iter().any(|word| word == term) {
                *weight
            } else if list.iter().any(|word| word_matches(word, term)) {
                (*weight / STEM_DIVISOR).max(1)
            } else {
                0
            };
            best = best.max(points);
        }
        if best > 0 {
            total += best + WEIGHT_COVERAGE;
        }
    }
    if total > 0 && !entry.diagnosis.is_empty() {
        total += WEIGHT_DEPTH;
    }
    total
}

/// True when `word` equals `term` (both lowercase) or shares a stem with it: five letters in common, or the
/// whole of the shorter word when it has at least four ("token" finds "tokens").
fn word_matches(word: &str, term: &str) -> bool {
    if word == term {
        return true;
    }
    let shared = word.bytes().zip(term.bytes()).take_while(|(a, b)| a == b).count();
    let shorter = word.len().min(term.len());
    shared >= 5 || (shared == shorter && shorter >= 4)
}

/// Splits text into words: runs of letters and digits, with CamelCase humps as separate words.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).flat_map(camel_humps).filter(|w| !w.is_empty())
}

/// Splits "IotHubUnauthorized" into "Iot", "Hub", "Unauthorized" (and keeps runs like "SAS" or "C2D" whole).
fn camel_humps(word: &str) -> impl Iterator<Item = &str> {
    let bytes = word.as_bytes();
    let mut cuts = vec![0];
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes.get(i - 1).copied().unwrap_or(0), bytes.get(i).copied().unwrap_or(0));
        let next_is_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        if cur.is_ascii_uppercase()
            && (prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_is_lower))
        {
            cuts.push(i);
        }
    }
    cuts.push(bytes.len());
    let spans: Vec<(usize, usize)> =
        cuts.windows(2).filter_map(|w| Some((*w.first()?, *w.get(1)?))).collect();
    spans.into_iter().filter_map(move |(start, end)| word.get(start..end))
}
