//! A small zero-copy JSON reader: enough to pull a few fields out of log records and error bodies fast.
//!
//! It never builds a tree. [`Value`] is a slice of the source with its kind; objects are walked lazily
//! with [`Value::fields`], and strings are unescaped only when asked for. Nested
//! values are walked with an explicit stack of bits, not recursion, so deep nesting cannot exhaust the stack.
//! Every value read is checked against the JSON grammar as it is walked (members, commas, matching brackets,
//! numbers, literals, escapes; not raw control characters in strings): malformed input yields `None`, never a
//! panic.

use std::borrow::Cow;

/// The kind of a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
}

/// One JSON value: its source text (for strings, including the quotes) and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value<'a> {
    /// The value's source text.
    pub raw: &'a str,
    /// The value's kind.
    pub kind: Kind,
    /// For strings: the content holds a backslash (an escape to decode). False for other kinds.
    escaped: bool,
}

impl<'a> Value<'a> {
    /// Parses `text` as one JSON value surrounded by optional white space.
    pub fn parse(text: &'a str) -> Option<Value<'a>> {
        let start = skip_ws(text.as_bytes(), 0);
        let (value, end) = value_at(text, start)?;
        (skip_ws(text.as_bytes(), end) == text.len()).then_some(value)
    }

    /// Takes `text` as an object without checking its inside yet: its members are checked as
    /// [`Value::fields`] walks them, and [`Fields::is_complete`] tells afterwards whether the whole object
    /// was well formed. `None` unless it starts with `{` and ends with `}`.
    pub fn object(text: &'a str) -> Option<Value<'a>> {
        // Trimming ASCII white space from a str leaves char boundaries intact.
        let trimmed = text.trim_ascii();
        (trimmed.starts_with('{') && trimmed.ends_with('}') && trimmed.len() >= 2).then_some(Value {
            raw: trimmed,
            kind: Kind::Object,
            escaped: false,
        })
    }

    /// Parses the JSON value that starts `text` (after white space), returning it and the rest of the text.
    pub fn parse_prefix(text: &'a str) -> Option<(Value<'a>, &'a str)> {
        let start = skip_ws(text.as_bytes(), 0);
        let (value, end) = value_at(text, start)?;
        Some((value, text.get(end..)?))
    }

    /// The string's content, unescaped; `None` when this is not a string or holds a bad escape.
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        if self.kind != Kind::String {
            return None;
        }
        let inner = self.raw.get(1..self.raw.len().checked_sub(1)?)?;
        if self.escaped { unescape(inner).map(Cow::Owned) } else { Some(Cow::Borrowed(inner)) }
    }

    /// A number, or a string holding only a number, as an unsigned integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self.kind {
            Kind::Number => self.raw.parse().ok(),
            Kind::String => self.as_str()?.trim().parse().ok(),
            _ => None,
        }
    }

    /// Text for any scalar: the string's content, or the literal of a number or boolean. `None` for null,
    /// objects and arrays.
    pub fn as_text(&self) -> Option<Cow<'a, str>> {
        match self.kind {
            Kind::String => self.as_str(),
            Kind::Number | Kind::Bool => Some(Cow::Borrowed(self.raw)),
            _ => None,
        }
    }

    /// The members of an object, in order. Empty for anything else; stops at the first malformed member.
    pub fn fields(&self) -> Fields<'a> {
        let (pos, walk) =
            if self.kind == Kind::Object { (1, Walk::Open) } else { (self.raw.len(), Walk::Broken) };
        Fields { text: self.raw, pos, walk }
    }

    /// The value of the first member called `key` (compared after unescaping).
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        self.fields().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// Iterator over an object's members: `(name, value)`.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    text: &'a str,
    pos: usize,
    walk: Walk,
}

/// Where a walk over an object's members stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Just inside the `{`: a first member or the `}` comes next.
    Open,
    /// After a member: a `,` and the next member, or the `}`, come next.
    AfterMember,
    /// The closing `}` was reached, and it ends the object's text.
    Closed,
    /// Something malformed ended the walk (or the value is not an object).
    Broken,
}

impl<'a> Fields<'a> {
    /// The next member's name and the offset (in the object's text) where its value starts, without reading
    /// the value: follow with [`Fields::value`] or, for a value read by other means, [`Fields::skip_to`].
    pub fn next_name(&mut self) -> Option<(Cow<'a, str>, usize)> {
        let (raw, escaped, start) = self.next_raw_name()?;
        let name = if escaped { Cow::Owned(unescape(raw)?) } else { Cow::Borrowed(raw) };
        Some((name, start))
    }

    /// [`Fields::next_name`] without unescaping: the name as written (between its quotes), whether it holds
    /// an escape, and where its value starts.
    #[inline]
    pub fn next_raw_name(&mut self) -> Option<(&'a str, bool, usize)> {
        let bytes = self.text.as_bytes();
        let mut pos = skip_ws(bytes, self.pos);
        match (self.walk, bytes.get(pos)) {
            (Walk::Closed | Walk::Broken, _) => return None,
            (Walk::Open | Walk::AfterMember, Some(b'}')) => return self.close_at(pos),
            (Walk::AfterMember, Some(b',')) => pos = skip_ws(bytes, pos + 1),
            (Walk::Open, _) => {}
            (Walk::AfterMember, _) => return self.stop(),
        }
        if bytes.get(pos) != Some(&b'"') {
            return self.stop();
        }
        let Some((after_key, escaped)) = string_end(bytes, pos) else { return self.stop() };
        let colon = skip_ws(bytes, after_key);
        match (self.text.get(pos + 1..after_key - 1), bytes.get(colon)) {
            (Some(raw), Some(b':')) => {
                self.walk = Walk::AfterMember;
                Some((raw, escaped, skip_ws(bytes, colon + 1)))
            }
            _ => self.stop(),
        }
    }

    /// True once the walk reached the object's closing brace with every member well formed: the whole
    /// object is valid JSON.
    pub fn is_complete(&self) -> bool {
        self.walk == Walk::Closed
    }

    /// Ends the walk at the `}` found at `pos`: closed when it is the last byte of the object's text.
    fn close_at<T>(&mut self, pos: usize) -> Option<T> {
        self.walk = if pos + 1 == self.text.len() { Walk::Closed } else { Walk::Broken };
        self.pos = self.text.len();
        None
    }

    /// Ends the walk at something malformed.
    #[cold]
    fn stop<T>(&mut self) -> Option<T> {
        self.walk = Walk::Broken;
        self.pos = self.text.len();
        None
    }

    /// Reads the value starting at `start` and moves past it.
    pub fn value(&mut self, start: usize) -> Option<Value<'a>> {
        match value_at(self.text, start) {
            Some((value, end)) => {
                self.pos = end;
                Some(value)
            }
            None => self.stop(),
        }
    }

    /// Moves past a value the caller read itself, which ends at `end`.
    pub fn skip_to(&mut self, end: usize) {
        self.pos = end.min(self.text.len());
    }

    /// The object's text from `start` on.
    pub fn text_from(&self, start: usize) -> &'a str {
        self.text.get(start..).unwrap_or_default()
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = (Cow<'a, str>, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let (name, start) = self.next_name()?;
        Some((name, self.value(start)?))
    }
}

#[inline]
fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// The value starting exactly at `start`, and the position just after it.
fn value_at(text: &str, start: usize) -> Option<(Value<'_>, usize)> {
    let bytes = text.as_bytes();
    let mut escaped = false;
    let (kind, end) = match *bytes.get(start)? {
        b'"' => {
            let (end, has_escape) = string_end(bytes, start)?;
            escaped = has_escape;
            (Kind::String, end)
        }
        b'{' => (Kind::Object, container_end(bytes, start)?),
        b'[' => (Kind::Array, container_end(bytes, start)?),
        b't' => (Kind::Bool, literal_end(bytes, start, b"true")?),
        b'f' => (Kind::Bool, literal_end(bytes, start, b"false")?),
        b'n' => (Kind::Null, literal_end(bytes, start, b"null")?),
        b'-' | b'0'..=b'9' => (Kind::Number, number_end(bytes, start)?),
        _ => return None,
    };
    Some((Value { raw: text.get(start..end)?, kind, escaped }, end))
}

/// Position after the closing quote of the string opening at `start`, and whether the string holds an escape.
/// Always inlined: it is most of the hot loops of reading a record, and called from a few places only.
#[inline(always)]
fn string_end(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    let pos = start + 1;
    let offset = find2(bytes.get(pos..)?, b'"', b'\\')?;
    match bytes.get(pos + offset)? {
        b'"' => Some((pos + offset + 1, false)),
        _ => string_end_escaped(bytes, pos + offset),
    }
}

/// The length of the escape whose backslash is at `pos`: 2, or 6 for `\uXXXX`; `None` for a bad escape.
#[inline]
pub fn escape_len(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(2),
        b'u' => hex4(bytes.get(pos + 2..pos + 6)?).map(|_| 6),
        _ => None,
    }
}

/// Bytes searched eight at a time by [`find2`] before it switches to a vectorised search, whose setup costs
/// more than keys and short values take to scan.
const SHORT_SPAN: usize = 16;

/// Position of the first `a` or `b` in `haystack`: the short prefix word by word, the rest with `memchr2`.
#[inline]
pub fn find2(haystack: &[u8], a: u8, b: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (spread_a, spread_b) = (LOW * u64::from(a), LOW * u64::from(b));
    let mut pos = 0;
    while pos < SHORT_SPAN {
        let Some(word) = haystack.get(pos..pos + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) else { break };
        let word = u64::from_le_bytes(word);
        let (xa, xb) = (word ^ spread_a, word ^ spread_b);
        // A zero byte in `xa` or `xb` is a match; the lowest flagged byte is always a true one.
        let found = ((xa.wrapping_sub(LOW) & !xa) | (xb.wrapping_sub(LOW) & !xb)) & HIGH;
        if found != 0 {
            return Some(pos + (found.trailing_zeros() / 8) as usize);
        }
        pos += 8;
    }
    memchr::memchr2(a, b, haystack.get(pos..)?).map(|offset| pos + offset)
}

/// The rest of [`string_end`] once an escape was seen; `pos` is at its backslash.
fn string_end_escaped(bytes: &[u8], mut pos: usize) -> Option<(usize, bool)> {
    loop {
        // Escaped quotes and backslashes (double-encoded JSON) are most escapes: checked first.
        pos += if matches!(bytes.get(pos + 1), Some(b'"' | b'\\')) { 2 } else { escape_len(bytes, pos)? };
        // Jump to the next quote or backslash; everything between is plain content.
        pos += memchr::memchr2(b'"', b'\\', bytes.get(pos..)?)?;
        if bytes.get(pos)? == &b'"' {
            return Some((pos + 1, true));
        }
    }
}

/// Position after the brace closing the object that opens at `start`, or `None` when `bytes` ends first.
/// Only brackets and strings are followed, not the grammar: this finds where a record ends for the log
/// decoder, whose reading of the record's fields checks the rest (a full check here would walk it twice).
pub fn object_end(bytes: &[u8], start: usize) -> Option<usize> {
    if bytes.get(start) != Some(&b'{') {
        return None;
    }
    let mut depth = 0usize;
    let mut pos = start;
    while let Some(&byte) = bytes.get(pos) {
        match byte {
            b'"' => {
                pos = string_end(bytes, pos)?.0;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(pos + 1);
                }
            }
            _ => {}
        }
        pos += 1;
    }
    None
}

/// Position after the bracket closing the object or array opening at `start`, checking the JSON grammar of
/// everything inside it; `None` when it is malformed or `bytes` ends first.
fn container_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut open = Nesting::default();
    let mut next = Next::Value;
    let mut pos = start;
    loop {
        pos = skip_ws(bytes, pos);
        let byte = *bytes.get(pos)?;
        next = match (next, byte) {
            (Next::Value | Next::ValueOrClose, b'{') => {
                open.push(true);
                pos += 1;
                Next::KeyOrClose
            }
            (Next::Value | Next::ValueOrClose, b'[') => {
                open.push(false);
                pos += 1;
                Next::ValueOrClose
            }
            (Next::Value | Next::ValueOrClose, b'"') => {
                pos = string_end(bytes, pos)?.0;
                Next::CommaOrClose
            }
            (Next::Value | Next::ValueOrClose, _) if byte != b']' => {
                pos = scalar_end(bytes, pos)?;
                Next::CommaOrClose
            }
            (Next::Key | Next::KeyOrClose, b'"') => {
                pos = string_end(bytes, pos)?.0;
                Next::Colon
            }
            (Next::Colon, b':') => {
                pos += 1;
                Next::Value
            }
            (Next::CommaOrClose, b',') => {
                pos += 1;
                if open.innermost_is_object()? { Next::Key } else { Next::Value }
            }
            (Next::CommaOrClose | Next::ValueOrClose | Next::KeyOrClose, b'}' | b']') => {
                if open.pop()? != (byte == b'}') {
                    return None;
                }
                pos += 1;
                if open.is_empty() {
                    return Some(pos);
                }
                Next::CommaOrClose
            }
            _ => return None,
        };
    }
}

/// What [`container_end`] accepts next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Any value (after `:` or an array's `,`).
    Value,
    /// A value or the `]` (just inside a `[`).
    ValueOrClose,
    /// A member's name (after an object's `,`).
    Key,
    /// A member's name or the `}` (just inside a `{`).
    KeyOrClose,
    /// The `:` after a member's name.
    Colon,
    /// A `,` or the closing bracket of the innermost container.
    CommaOrClose,
}

/// The open containers of a walk, innermost last: one bit each (object or array), kept in a word for the
/// first 64 levels and in a vector beyond.
#[derive(Debug, Default)]
struct Nesting {
    depth: usize,
    /// Bit `i` is set when level `i` (below 64) is an object.
    shallow: u64,
    deep: Vec<bool>,
}

impl Nesting {
    const SHALLOW_LEVELS: usize = 64;

    fn push(&mut self, object: bool) {
        if self.depth < Self::SHALLOW_LEVELS {
            self.shallow = (self.shallow & !(1 << self.depth)) | (u64::from(object) << self.depth);
        } else {
            self.deep.push(object);
        }
        self.depth += 1;
    }

    /// Closes the innermost container: whether it was an object; `None` when none is open.
    fn pop(&mut self) -> Option<bool> {
        let object = self.innermost_is_object()?;
        if self.depth > Self::SHALLOW_LEVELS {
            self.deep.pop();
        }
        self.depth -= 1;
        Some(object)
    }

    /// Whether the innermost open container is an object; `None` when none is open.
    fn innermost_is_object(&self) -> Option<bool> {
        let level = self.depth.checked_sub(1)?;
        if level < Self::SHALLOW_LEVELS {
            Some(self.shallow >> level & 1 == 1)
        } else {
            self.deep.last().copied()
        }
    }

    fn is_empty(&self) -> bool {
        self.depth == 0
    }
}

/// Position after the number or literal (`true`, `false`, `null`) starting at `start`.
fn scalar_end(bytes: &[u8], start: usize) -> Option<usize> {
    match *bytes.get(start)? {
        b't' => literal_end(bytes, start, b"true"),
        b'f' => literal_end(bytes, start, b"false"),
        b'n' => literal_end(bytes, start, b"null"),
        _ => number_end(bytes, start),
    }
}

fn literal_end(bytes: &[u8], start: usize, literal: &[u8]) -> Option<usize> {
    let end = start + literal.len();
    (bytes.get(start..end)? == literal).then_some(end)
}

/// Position after the number starting at `start`, by JSON's grammar: `-`, an integer part without leading
/// zeros, an optional fraction and an optional exponent.
fn number_end(bytes: &[u8], start: usize) -> Option<usize> {
    let digits_end = |from: usize| {
        from + bytes.get(from..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count()
    };
    let mut pos = start + usize::from(bytes.get(start) == Some(&b'-'));
    pos = match bytes.get(pos)? {
        b'0' => pos + 1,
        b'1'..=b'9' => digits_end(pos),
        _ => return None,
    };
    if bytes.get(pos) == Some(&b'.') {
        let end = digits_end(pos + 1);
        pos = (end > pos + 1).then_some(end)?;
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        let digits = pos + 1 + usize::from(matches!(bytes.get(pos + 1), Some(b'+' | b'-')));
        let end = digits_end(digits);
        pos = (end > digits).then_some(end)?;
    }
    Some(pos)
}

/// Decodes JSON string escapes, including `\uXXXX` surrogate pairs; lone surrogates become U+FFFD.
pub fn unescape(inner: &str) -> Option<String> {
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut run_start = 0;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(inner.get(run_start..i)?);
        let escape = *bytes.get(i + 1)?;
        i += 2;
        match escape {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let high = hex4(bytes.get(i..i + 4)?)?;
                i += 4;
                let mut decoded = char::from_u32(high);
                if (0xD800..0xDC00).contains(&high) {
                    decoded = None;
                    if bytes.get(i..i + 2) == Some(b"\\u".as_slice()) {
                        if let Some(low) = bytes.get(i + 2..i + 6).and_then(hex4) {
                            if (0xDC00..0xE000).contains(&low) {
                                decoded = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                                i += 6;
                            }
                        }
                    }
                }
                out.push(decoded.unwrap_or('\u{FFFD}'));
            }
            _ => return None,
        }
        run_start = i;
    }
    out.push_str(inner.get(run_start..)?);
    Some(out)
}

fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &digit| Some(value * 16 + char::from(digit).to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_of_nested_and_escaped_objects() {
        let text =
            r#" {"a": 1, "b": {"c": [1, {"d": "}"}]}, "p": "{\"deviceId\":\"x\\u00e9\"}", "n": null} "#;
        let value = Value::parse(text).unwrap();
        assert_eq!(value.get("a").unwrap().as_u64(), Some(1));
        assert_eq!(value.get("b").unwrap().kind, Kind::Object);
        assert_eq!(value.get("n").unwrap().kind, Kind::Null);
        let properties = value.get("p").unwrap().as_str().unwrap();
        let inner = Value::parse(&properties).unwrap();
        assert_eq!(inner.get("deviceId").unwrap().as_str().unwrap(), "xé");
        let keys: Vec<String> = value.fields().map(|(k, _)| k.into_owned()).collect();
        assert_eq!(keys, ["a", "b", "p", "n"]);
    }

    #[test]
    fn decodes_surrogate_pairs_and_replaces_lone_surrogates() {
        assert_eq!(unescape(r"\ud834\udd1e").unwrap(), "𝄞");
        assert_eq!(unescape(r"\ud834x").unwrap(), "\u{FFFD}x");
        assert_eq!(unescape(r"\q"), None);
    }

    #[test]
    fn malformed_input_gives_none() {
        for text in [
            "",
            "{",
            "[1,2",
            "\"abc",
            "{\"a\" 1}",
            "tru",
            "{\"a\":}",
            "\\",
            "]",
            "{\"a\":\"\\",
            "-",
            "{\"a\":1,}",
            "[1,]",
            "[,1]",
            "{,\"a\":1}",
            "{\"a\":1 \"b\":2}",
            "[1 2]",
            "{\"a\":[1}]",
            "[{]}",
            "{1:2}",
            "01",
            "1.",
            ".5",
            "1e",
            "+1",
            "--1",
            "\"\\q\"",
            "\"\\u12g4\"",
            "[nul]",
            "{\"a\":truex}",
            "[1]]",
            "{} {}",
        ] {
            assert_eq!(Value::parse(text), None, "{text}");
        }
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(Value::parse(&deep).is_some());
        let mismatched_deep = "[".repeat(100_000) + "}" + &"]".repeat(99_999);
        assert!(Value::parse(&mismatched_deep).is_none());
    }

    #[test]
    fn well_formed_input_parses() {
        for text in [
            "0",
            "-0.5e+3",
            "1E9",
            "[]",
            "{}",
            " [ 1 , { \"a\" : [ ] } ] ",
            "\"\\u00e9\\n\"",
            "[true,false,null]",
            "{\"a\":{\"b\":{\"c\":[[[]]]}}}",
        ] {
            assert!(Value::parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn a_walk_over_fields_tells_whether_the_object_was_complete() {
        let complete = Value::object(r#"{"a":1,"b":[2,{"c":3}]}"#).unwrap();
        let mut members = complete.fields();
        assert_eq!(members.by_ref().count(), 2);
        assert!(members.is_complete());
        for broken in
            [r#"{"a":1,}"#, r#"{"a":1 "b":2}"#, r#"{"a" 1}"#, r#"{"a":[1}"#, r#"{"a":1}}"#, r#"{,"a":1}"#]
        {
            let mut members = Value::object(broken).unwrap().fields();
            members.by_ref().for_each(drop);
            assert!(!members.is_complete(), "{broken}");
        }
        assert!(!Value::parse("[1]").unwrap().fields().is_complete());
    }
}
