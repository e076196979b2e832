//! KQL queries that show a finding or a catalog entry in the user's own Log Analytics workspace.
//!
//! Every query reads IoT Hub resource logs from one table (`AzureDiagnostics` unless the user names another,
//! see [`KqlTable`]), narrowed to IoT Hub records, a time window, a category, devices and result types. Values
//! from the input (device ids) only ever appear inside string literals written by [`string_literal`], which
//! escapes every character that could end the literal, so no input can add operators to a query. Distinct
//! devices are counted exactly (`count_distinct`, or `summarize by` then `count()`), never with `dcount`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::error::Error;
use crate::model::Entry;

#[cfg(feature = "diagnosis")]
mod findings;
#[cfg(feature = "diagnosis")]
pub use findings::{FindingQueries, finding_queries};

/// The table the queries read, as a KQL table expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KqlTable(String);

impl KqlTable {
    /// A table by name: a plain identifier (`AzureDiagnostics`, `IotHubLogs_CL`) is used as written, any other
    /// name is quoted as `['name']`. Empty names are refused.
    pub fn new(name: &str) -> Result<KqlTable, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyInput);
        }
        let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain {
            return Ok(KqlTable(name.to_owned()));
        }
        let mut quoted = String::from("['");
        for c in name.chars() {
            match c {
                '\'' => quoted.push_str("\\'"),
                '\\' => quoted.push_str("\\\\"),
                c if c.is_control() => push_unicode_escape(&mut quoted, u32::from(c)),
                c => quoted.push(c),
            }
        }
        quoted.push_str("']");
        Ok(KqlTable(quoted))
    }

    /// The table expression as it starts each query.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for KqlTable {
    /// `AzureDiagnostics`, where Azure Monitor puts IoT Hub resource logs.
    fn default() -> KqlTable {
        KqlTable("AzureDiagnostics".to_owned())
    }
}

/// The queries of a catalog entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EntryQueries {
    /// Where the error occurred over the last 24 hours, by category, operation and description.
    pub occurrences: String,
    /// For errors with several causes, the query that tells them apart.
    pub causes: Option<String>,
}

/// Writes `value` as a KQL string literal: double quotes, with quotes, backslashes and control characters
/// escaped, so the literal ends exactly where it should whatever the value holds.
pub fn string_literal(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_unicode_escape(out, u32::from(*unit));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `\\uXXXX` for a UTF-16 code unit (without the formatting machinery: it is small in wasm).
fn push_unicode_escape(out: &mut String, unit: u32) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from_digit((unit >> shift) & 0xF, 16).unwrap_or('0'));
    }
}

/// The opening lines every query shares: the table, narrowed to IoT Hub resource logs.
fn prelude(table: &KqlTable) -> String {
    format!(
        "{}\n| where ResourceProvider == \"MICROSOFT.DEVICES\" and ResourceType == \"IOTHUBS\"\n",
        table.as_str()
    )
}

/// Writes `| where Column in ("a", "b")`, or `==` for one value.
fn where_in(out: &mut String, column: &str, values: &[String]) {
    let _ = write!(out, "| where {column} ");
    if let [only] = values {
        out.push_str("== ");
        string_literal(out, only);
    } else {
        out.push_str("in (");
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            string_literal(out, value);
        }
        out.push(')');
    }
    out.push('\n');
}

/// The category an entry's code belongs to, where it belongs to one.
fn entry_category(entry: &Entry) -> Option<&'static str> {
    let code = entry.code?;
    Some(match code {
        400100..=400199 | 403101..=403199 | 404101 | 500101..=500199 => return None,
        // 401003 is left out: an expired token also fails twin, C2D and method calls, outside Connections.
        400027 | 404104 | 409002 | 500008 => "Connections",
        403006 | 404006..=404008 | 409003 => "FileUploadOperations",
        403004 | 404002 | 412002 => "C2DCommands",
        404103 | 504101 => "DirectMethods",
        _ => return None,
    })
}

/// The queries of one catalog entry, reading `table`.
pub fn entry_queries(entry: &Entry, table: &KqlTable) -> EntryQueries {
    let mut occurrences = prelude(table);
    occurrences.push_str("| where TimeGenerated > ago(24h)\n");
    match entry.code {
        Some(code) => {
            let mut codes = vec![code.to_string()];
            codes.extend(entry.alias_codes.iter().map(u32::to_string));
            where_in(&mut occurrences, "ResultType", &codes);
        }
        None => {
            let status = entry.http_status.unwrap_or_default();
            let _ = writeln!(occurrences, "| where ResultType startswith \"{status}\"");
        }
    }
    if let Some(category) = entry_category(entry) {
        let _ = writeln!(occurrences, "| where Category == \"{category}\"");
    }
    occurrences.push_str(
        "| extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
         | summarize Occurrences = count(), Devices = count_distinct(DeviceId), First = min(TimeGenerated), \
         Last = max(TimeGenerated) by Category, OperationName, ResultType, ResultDescription\n\
         | order by Occurrences desc",
    );
    let causes = causes_query(entry)
        .map(|shape| format!("{}| where TimeGenerated > ago(24h)\n{shape}", prelude(table)));
    EntryQueries { occurrences, causes }
}

/// The body of the query that tells an entry's causes apart, for the entries with several causes.
fn causes_query(entry: &Entry) -> Option<&'static str> {
    Some(match entry.code? {
        // Token renewal (401003 just before) against network loss (none): per device, the share of error
        // disconnects that follow an expired token and the minutes until the device is back.
        401003 | 404104 => {
            "| where Category == \"Connections\" and OperationName in (\"deviceConnect\", \"deviceDisconnect\")\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | order by DeviceId asc, TimeGenerated asc\n\
             | extend PreviousDevice = prev(DeviceId), PreviousResult = prev(ResultType), PreviousTime = prev(TimeGenerated)\n\
             | extend NextDevice = next(DeviceId), NextOperation = next(OperationName), NextTime = next(TimeGenerated)\n\
             | where OperationName == \"deviceDisconnect\" and ResultType == \"404104\"\n\
             | extend AfterExpiredToken = PreviousDevice == DeviceId and PreviousResult == \"401003\" \
             and TimeGenerated - PreviousTime <= 10s\n\
             | extend MinutesToReconnect = iff(NextDevice == DeviceId and NextOperation == \"deviceConnect\", \
             (NextTime - TimeGenerated) / 1m, real(null))\n\
             | summarize Disconnects = count(), AfterExpiredToken = countif(AfterExpiredToken), \
             MedianMinutesToReconnect = percentile(MinutesToReconnect, 50), First = min(TimeGenerated), \
             Last = max(TimeGenerated) by DeviceId\n\
             | extend Cause = iff(AfterExpiredToken * 2 >= Disconnects, \"token renewal\", \"network or client\")\n\
             | order by Disconnects desc"
        }
        // A link conflict right after a disconnect is a reconnect's side effect; alone, a second connection.
        409002 => {
            "| where Category == \"Connections\"\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | order by DeviceId asc, TimeGenerated asc\n\
             | extend PreviousDevice = prev(DeviceId), PreviousOperation = prev(OperationName), \
             PreviousResult = prev(ResultType), PreviousTime = prev(TimeGenerated)\n\
             | where ResultType == \"409002\"\n\
             | extend AfterDisconnect = PreviousDevice == DeviceId and PreviousOperation == \"deviceDisconnect\" \
             and TimeGenerated - PreviousTime <= 1m\n\
             | summarize Conflicts = count(), AfterDisconnect = countif(AfterDisconnect), \
             Causes = make_set(PreviousResult, 10) by DeviceId\n\
             | order by Conflicts desc"
        }
        // Throttling: which operation and which devices push the hub over its per-minute limits.
        429000..=429005 => {
            "| where ResultType startswith \"429\"\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | summarize Errors = count(), Devices = count_distinct(DeviceId) by Minute = bin(TimeGenerated, 1m), \
             OperationName, ResultType\n\
             | order by Errors desc"
        }
        // The daily quota resets at 00:00 UTC: errors per UTC day and the operations that spent it.
        403002 => {
            "| where ResultType == \"403002\"\n\
             | summarize Errors = count() by Day = bin(TimeGenerated, 1d), Category, OperationName\n\
             | order by Day asc, Errors desc"
        }
        // Ten concurrent uploads per device: the devices that start uploads without completing them.
        403006 => {
            "| where Category == \"FileUploadOperations\"\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | summarize Limited = countif(ResultType == \"403006\"), Operations = count() by DeviceId, \
             OperationName\n\
             | where Limited > 0\n\
             | order by Limited desc"
        }
        // A full C2D queue: messages sent to a device faster than it completes them.
        403004 | 412002 => {
            "| where Category == \"C2DCommands\"\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | summarize Errors = countif(Level == \"Error\"), Operations = count() by DeviceId, OperationName, \
             ResultType\n\
             | order by Errors desc"
        }
        // A method to an offline device: whether the device was connected around the call.
        404103 => {
            "| where Category in (\"DirectMethods\", \"Connections\")\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | order by DeviceId asc, TimeGenerated asc\n\
             | extend LastConnectionEvent = prev(OperationName)\n\
             | where ResultType == \"404103\"\n\
             | summarize Failures = count(), LastConnectionEvents = make_set(LastConnectionEvent, 5) by DeviceId\n\
             | order by Failures desc"
        }
        // Two clients on one identity: the masked addresses each device connects from.
        400027 => {
            "| where Category == \"Connections\" and OperationName == \"deviceConnect\"\n\
             | extend Properties = parse_json(properties_s)\n\
             | extend DeviceId = tostring(Properties.deviceId), Address = tostring(Properties.maskedIpAddress)\n\
             | summarize Connects = count(), Addresses = make_set(Address, 20) by DeviceId\n\
             | where array_length(Addresses) > 1\n\
             | order by Connects desc"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a KQL double-quoted literal back (the escapes `string_literal` writes), for the round trip.
    fn read_literal(literal: &str) -> Option<String> {
        let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        let mut pending_high: Option<u32> = None;
        while let Some(c) = chars.next() {
            match c {
                '"' => return None, // an unescaped quote would end the literal early
                '\\' => match chars.next()? {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let unit = u32::from_str_radix(&hex, 16).ok()?;
                        if (0xD800..0xDC00).contains(&unit) {
                            pending_high = Some(unit);
                        } else if let Some(high) = pending_high.take() {
                            out.push(char::from_u32(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))?);
                        } else {
                            out.push(char::from_u32(unit)?);
                        }
                    }
                    _ => return None,
                },
                '\n' | '\r' => return None,
                c => out.push(c),
            }
        }
        Some(out)
    }

    #[test]
    fn hostile_values_round_trip_through_literals() {
        for value in [
            "plain-device",
            "quote\"inside",
            "back\\slash\\",
            "pipe | where 1 == 1",
            "new\nline\r\ttab",
            "// comment",
            "\"; AzureDiagnostics | take 1 //",
            "nul\u{0}bell\u{7}del\u{7f}",
            "sep\u{2028}para\u{2029}",
            "ünïcødé 🛰",
        ] {
            let mut literal = String::new();
            string_literal(&mut literal, value);
            assert!(!literal.contains('\n') && !literal.contains('\r'), "{literal}");
            assert_eq!(read_literal(&literal).as_deref(), Some(value), "{literal}");
        }
    }

    #[test]
    fn tables_are_identifiers_or_quoted() {
        assert_eq!(KqlTable::default().as_str(), "AzureDiagnostics");
        assert_eq!(KqlTable::new(" IotHub_CL ").unwrap().as_str(), "IotHub_CL");
        assert_eq!(KqlTable::new("my table's").unwrap().as_str(), "['my table\\'s']");
        assert_eq!(KqlTable::new("a\\b\n").unwrap().as_str(), "['a\\\\b']");
        assert_eq!(KqlTable::new("x\u{1}").unwrap().as_str(), "['x\\u0001']");
        assert_eq!(KqlTable::new("  "), Err(Error::EmptyInput));
    }

    #[test]
    fn entry_queries_name_the_code_its_aliases_and_category() {
        let entry = crate::lookup(404103).unwrap();
        let queries = entry_queries(entry, &KqlTable::default());
        assert!(queries.occurrences.starts_with("AzureDiagnostics\n| where ResourceProvider"));
        assert!(queries.occurrences.contains("| where ResultType in (\"404103\", \"404102\")"));
        assert!(queries.occurrences.contains("| where Category == \"DirectMethods\""));
        assert!(
            queries.occurrences.contains("count_distinct(DeviceId)")
                && !queries.occurrences.contains("dcount")
        );
        assert!(queries.causes.is_some());
        let plain = entry_queries(crate::lookup(400004).unwrap(), &KqlTable::default());
        assert!(plain.occurrences.contains("| where ResultType == \"400004\"") && plain.causes.is_none());
        let codeless = entry_queries(crate::by_name("InternalServerError").unwrap(), &KqlTable::default());
        assert!(codeless.occurrences.contains("| where ResultType startswith \"500\""));
    }

    #[test]
    fn every_entry_has_an_occurrences_query_and_the_deep_ones_a_causes_query() {
        for entry in crate::entries() {
            let queries = entry_queries(entry, &KqlTable::default());
            assert!(queries.occurrences.contains("ago(24h)"), "{}", entry.name);
            if [401003, 404104, 409002, 429001, 403002, 403006].contains(&entry.code.unwrap_or(0)) {
                assert!(queries.causes.is_some(), "{}", entry.name);
            }
        }
    }
}
