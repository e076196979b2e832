//! The catalog: every known IoT Hub error, looked up by code or by name.
//!
//! The tables live in `generated.rs`, written by `cargo xtask codegen` from `core/data/catalog.toml`.
//! Lookups are binary searches over sorted static indexes; nothing is parsed or allocated at run time.

mod generated;

use crate::error::{Error, MAX_QUERY_LEN};
use crate::model::{Entry, Family};

/// Every entry, numbered codes in ascending order first, then the code-less entries.
pub fn entries() -> &'static [Entry] {
    &generated::ENTRIES
}

/// Every family (article section), in code order.
pub fn families() -> &'static [Family] {
    &generated::FAMILIES
}

/// The entry for a six-digit code (alias codes such as 404102 included).
///
/// Fails with [`Error::InvalidCode`] when `code` cannot be an IoT Hub code and with
/// [`Error::UnknownCode`] when it is well formed but not listed; [`crate::classify`] still answers then.
pub fn lookup(code: u32) -> Result<&'static Entry, Error> {
    crate::classify::check_code(code)?;
    find_code(code).ok_or(Error::UnknownCode { code })
}

/// The entry called `name` or having it as an alias, ignoring case and surrounding white space.
pub fn by_name(name: &str) -> Result<&'static Entry, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::EmptyInput);
    }
    if name.len() > MAX_QUERY_LEN {
        return Err(Error::InputTooLong { len: name.len(), max: MAX_QUERY_LEN });
    }
    find_name(name).ok_or_else(|| Error::unknown_name(name))
}

/// The family whose prefix is the longest one starting `code`'s digits.
pub fn family_of(code: u32) -> Option<&'static Family> {
    let digits = code.to_string();
    families()
        .iter()
        .filter(|family| digits.starts_with(family.prefix))
        .max_by_key(|family| family.prefix.len())
}

pub(crate) fn find_code(code: u32) -> Option<&'static Entry> {
    let index = generated::CODE_INDEX.binary_search_by_key(&code, |&(key, _)| key).ok()?;
    let &(_, entry) = generated::CODE_INDEX.get(index)?;
    generated::ENTRIES.get(usize::from(entry))
}

pub(crate) fn find_name(name: &str) -> Option<&'static Entry> {
    let index = generated::NAME_INDEX.binary_search_by(|&(key, _)| cmp_ignore_ascii_case(key, name)).ok()?;
    let &(_, entry) = generated::NAME_INDEX.get(index)?;
    generated::ENTRIES.get(usize::from(entry))
}

/// Orders `key` against `name` as if both were lowercased (the index holds names as written, so that they share
/// their bytes with the entries' names).
fn cmp_ignore_ascii_case(key: &str, name: &str) -> std::cmp::Ordering {
    key.bytes().map(|b| b.to_ascii_lowercase()).cmp(name.bytes().map(|b| b.to_ascii_lowercase()))
}
