//! The queries of diagnosis findings: the records behind a finding and, for hub-wide findings, the pattern.
//! Only with the `diagnosis` feature, since they read the diagnosis types.

use std::fmt::Write as _;

use serde::Serialize;

use super::{KqlTable, prelude, where_in};
use crate::diagnose::{FindingKind, FleetFinding, Report};
use crate::time::{self, Millis};

/// Margin added on both sides of a finding's time window, so that the records around it show too.
const WINDOW_MARGIN_MS: Millis = 5 * 60 * 1000;

/// Most device ids named in a query; beyond it the query filters by time and result type instead.
const MAX_DEVICES_IN_QUERY: usize = 50;

/// The queries of a diagnosis finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FindingQueries {
    /// The records behind the finding: its devices, operations and result types over its time window.
    pub records: String,
    /// For hub-wide findings, the aggregate that shows the pattern (per minute, or per day for the quota).
    pub pattern: Option<String>,
}

/// The categories whose records a finding kind rests on (`None`: any category).
fn category_of(kind: FindingKind) -> Option<&'static str> {
    match kind {
        FindingKind::SasTokenRenewal
        | FindingKind::NetworkDisconnect
        | FindingKind::MassDisconnect
        | FindingKind::LinkConflictSideEffect
        | FindingKind::DuplicateIdentity
        | FindingKind::TimeDrift
        | FindingKind::DeviceOffline => Some("Connections"),
        FindingKind::FileUploadLimit => Some("FileUploadOperations"),
        FindingKind::C2dLockLost | FindingKind::C2dQueueFull => Some("C2DCommands"),
        FindingKind::DeviceNotOnline => Some("DirectMethods"),
        FindingKind::ThrottlingBurst | FindingKind::QuotaExceeded => None,
    }
}

/// True for kinds whose records include the successful connects around the errors.
fn shows_connection_history(kind: FindingKind) -> bool {
    matches!(
        kind,
        FindingKind::SasTokenRenewal
            | FindingKind::NetworkDisconnect
            | FindingKind::DuplicateIdentity
            | FindingKind::TimeDrift
            | FindingKind::DeviceOffline
            | FindingKind::LinkConflictSideEffect
    )
}

/// The columns every record query extends from `properties_s`.
const EXTEND_PROPERTIES: &str = "| extend Properties = parse_json(properties_s)\n\
| extend DeviceId = tostring(Properties.deviceId), Protocol = tostring(Properties.protocol), \
SdkVersion = tostring(Properties.sdkVersion)\n";

/// Writes the time filter of a window widened by [`WINDOW_MARGIN_MS`].
fn where_window(out: &mut String, first: Millis, last: Millis) {
    let from = time::format(first.saturating_sub(WINDOW_MARGIN_MS));
    let to = time::format(last.saturating_add(WINDOW_MARGIN_MS).saturating_add(999));
    let _ = writeln!(out, "| where TimeGenerated between (datetime({from}) .. datetime({to}))");
}

/// The result types (codes as text) of a finding.
fn result_types(codes: &[u32]) -> Vec<String> {
    codes.iter().map(u32::to_string).collect()
}

/// The queries of one finding, reading `table`.
pub fn finding_queries(finding: &FleetFinding, table: &KqlTable) -> FindingQueries {
    let first = finding.first.as_deref().and_then(time::parse);
    let last = finding.last.as_deref().and_then(time::parse).or(first);
    let mut records = prelude(table);
    if let (Some(first), Some(last)) = (first, last) {
        where_window(&mut records, first, last);
    }
    let category = category_of(finding.kind);
    if let Some(category) = category {
        let _ = writeln!(records, "| where Category == \"{category}\"");
    }
    let history = shows_connection_history(finding.kind);
    if history {
        records.push_str("| where OperationName in (\"deviceConnect\", \"deviceDisconnect\")\n");
    }
    records.push_str(EXTEND_PROPERTIES);
    let named_devices = !finding.devices.is_empty() && finding.devices.len() <= MAX_DEVICES_IN_QUERY;
    if named_devices {
        where_in(&mut records, "DeviceId", &finding.devices);
    } else if finding.devices.len() > MAX_DEVICES_IN_QUERY {
        let _ = writeln!(
            records,
            "// {} devices: narrowed by time and result type instead of naming each device",
            finding.devices.len()
        );
    }
    let codes = result_types(&finding.codes);
    if !history || !named_devices {
        match finding.kind {
            FindingKind::ThrottlingBurst => records.push_str("| where ResultType startswith \"429\"\n"),
            _ if !codes.is_empty() => where_in(&mut records, "ResultType", &codes),
            _ => {}
        }
    }
    records.push_str(
        "| project TimeGenerated, Category, OperationName, Level, ResultType, ResultDescription, DeviceId, \
         Protocol, SdkVersion, DurationMs, _ResourceId\n| order by TimeGenerated asc",
    );
    FindingQueries { records, pattern: pattern_query(finding, first, last, table) }
}

/// The aggregate of a hub-wide finding over its window.
fn pattern_query(
    finding: &FleetFinding,
    first: Option<Millis>,
    last: Option<Millis>,
    table: &KqlTable,
) -> Option<String> {
    let shape = match finding.kind {
        FindingKind::MassDisconnect => {
            "| where Category == \"Connections\" and OperationName == \"deviceDisconnect\"\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | summarize by DeviceId, Minute = bin(TimeGenerated, 1m)\n\
             | summarize DisconnectedDevices = count() by Minute\n\
             | order by Minute asc"
        }
        FindingKind::ThrottlingBurst => {
            "| where ResultType startswith \"429\"\n\
             | extend DeviceId = tostring(parse_json(properties_s).deviceId)\n\
             | summarize Errors = count(), Devices = count_distinct(DeviceId) by Minute = bin(TimeGenerated, 1m), \
             OperationName, ResultType\n\
             | order by Minute asc, Errors desc"
        }
        FindingKind::QuotaExceeded => {
            "| where ResultType == \"403002\"\n\
             | summarize Errors = count() by Day = bin(TimeGenerated, 1d), Category, OperationName\n\
             | order by Day asc, Errors desc"
        }
        _ => return None,
    };
    let mut query = prelude(table);
    if let (Some(first), Some(last)) = (first, last) {
        where_window(&mut query, first, last);
    }
    query.push_str(shape);
    Some(query)
}

impl Report {
    /// Points every finding's queries at `table` (they read `AzureDiagnostics` by default).
    pub fn set_kql_table(&mut self, table: &KqlTable) {
        for finding in &mut self.findings {
            finding.kql = finding_queries(finding, table);
        }
    }
}
