//! Maps one record, in any of the export shapes, to a [`LogRecord`].
//!
//! Field names are matched as Azure writes them (`operationName` in resource logs, `OperationName` in Log
//! Analytics), `properties` is parsed a second time when it is a JSON string, and legacy category names are
//! mapped to current ones.

use std::borrow::Cow;

use crate::json::{Kind, Value};
use crate::time;

use super::key_table::KeyTable;
use super::{Format, Level, LogRecord, RecordRef, SkipReason, is_named};

/// The shape a JSON record was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// An Azure Monitor resource log record (`time`, `operationName`, `properties`).
    ResourceLog,
    /// A Log Analytics row (`TimeGenerated`, `properties_s`).
    LogAnalyticsRow,
    /// An Event Grid connection-state event.
    EventGrid,
    /// A legacy operations-monitoring object.
    Legacy,
}

/// Fields gathered from wherever a shape keeps them, borrowed from the record's text where possible.
#[derive(Default)]
struct Draft<'a> {
    time: Option<Cow<'a, str>>,
    category: Option<Cow<'a, str>>,
    operation: Option<Cow<'a, str>>,
    level: Option<Cow<'a, str>>,
    result_type: Option<Cow<'a, str>>,
    result_description: Option<Cow<'a, str>>,
    status_code: Option<Cow<'a, str>>,
    properties: Option<Cow<'a, str>>,
    /// `resourceId`, `_ResourceId` or `Resource`: where the hub's name is read from.
    resource: Option<Cow<'a, str>>,
}

/// Reads a JSON object of any supported shape into `out` (every field overwritten), checking that it is
/// well-formed JSON on the way. The reason to skip it when it is malformed or has none of a log record's
/// fields.
pub(super) fn from_json(
    value: &Value<'_>,
    source: RecordRef,
    out: &mut LogRecord,
) -> Result<Shape, SkipReason> {
    if value.kind != Kind::Object {
        return Err(SkipReason::NotALogRecord);
    }
    let mut draft = Draft::default();
    let mut shape = Shape::ResourceLog;
    let mut flat = Properties::default();
    let mut properties_value = None;
    let mut properties = Properties::default();
    let mut read_escaped = false;
    let mut members = value.fields();
    while let Some((raw_key, escaped_key, start)) = members.next_raw_name() {
        // Keys are plain ASCII in every export; an escaped one is decoded (and a bad escape ends the fields).
        let key = if escaped_key {
            match crate::json::unescape(raw_key) {
                Some(key) => Cow::Owned(key),
                None => break,
            }
        } else {
            Cow::Borrowed(raw_key)
        };
        let member = Member::of(&key);
        // Resource logs (and Log Analytics, as `properties_s`) double-encode `properties`: walk it in its
        // escaped form while finding its end, which saves scanning it, unescaping it and parsing it again.
        // Anything unusual falls back to that.
        if member == Member::Properties && !read_escaped {
            let rest = members.text_from(start);
            let walked = rest.strip_prefix('"').and_then(|inner| {
                escaped_object_len(inner, &mut |member, text| {
                    properties.take_text(member, text.map(Cow::Borrowed))
                })
            });
            if let Some(len) = walked.filter(|&len| rest.as_bytes().get(len + 1) == Some(&b'"')) {
                members.skip_to(start + len + 2);
                read_escaped = true;
                continue;
            }
            properties = Properties::default();
        }
        let Some(field) = members.value(start) else { break };
        let text = || field.as_text();
        match member {
            Member::Time => draft.time = text(),
            Member::TimeGenerated => {
                draft.time = text();
                shape = Shape::LogAnalyticsRow;
            }
            Member::Category => draft.category = text(),
            Member::Operation => draft.operation = text(),
            Member::Level => draft.level = text(),
            Member::ResultType => draft.result_type = text(),
            Member::ResultDescription => draft.result_description = text(),
            Member::StatusType => {
                draft.result_type = text();
                shape = Shape::Legacy;
            }
            Member::StatusCode => draft.status_code = text(),
            Member::Resource => draft.resource = text(),
            Member::Properties => properties_value = Some(field),
            Member::EventType if field.as_str().is_some_and(|t| t.starts_with("Microsoft.Devices.")) => {
                return event_grid(value, source, out).map(|()| Shape::EventGrid);
            }
            Member::EventType | Member::Other => {}
            Member::Flat(wanted) => flat.take_text(wanted, field.as_text()),
        }
    }
    if !members.is_complete() {
        return Err(SkipReason::MalformedJson);
    }
    if draft.category.is_none() && draft.operation.is_none() && draft.result_type.is_none() {
        return Err(SkipReason::NotALogRecord);
    }
    let properties_text = match properties_value {
        _ if read_escaped => None,
        Some(field) if field.kind == Kind::String => field.as_str(),
        Some(field) if field.kind == Kind::Object => Some(Cow::Borrowed(field.raw)),
        _ => None,
    };
    if let Some(parsed) = properties_text.as_deref().and_then(Value::object) {
        for (key, field) in parsed.fields() {
            properties.take(&key, &field);
        }
    }
    properties.fill_from(flat);
    build(&draft, &properties, source, out);
    Ok(shape)
}

/// The top-level members of a JSON record that reading uses, in every spelling the export shapes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    Time,
    TimeGenerated,
    Category,
    Operation,
    Level,
    ResultType,
    ResultDescription,
    StatusType,
    StatusCode,
    Resource,
    Properties,
    EventType,
    /// A member of `properties` found at the top level (legacy flat objects).
    Flat(Wanted),
    Other,
}

impl Member {
    /// The member a key names.
    fn of(key: &str) -> Member {
        static MEMBERS: KeyTable<Member, 64> = KeyTable::new(&[
            ("time", Member::Time),
            ("Time", Member::Time),
            ("timestamp", Member::Time),
            ("TimeGenerated", Member::TimeGenerated),
            ("TimeGenerated [UTC]", Member::TimeGenerated),
            ("category", Member::Category),
            ("Category", Member::Category),
            ("operationName", Member::Operation),
            ("OperationName", Member::Operation),
            ("level", Member::Level),
            ("Level", Member::Level),
            ("resultType", Member::ResultType),
            ("ResultType", Member::ResultType),
            ("resultDescription", Member::ResultDescription),
            ("ResultDescription", Member::ResultDescription),
            ("statusDescription", Member::ResultDescription),
            ("statusType", Member::StatusType),
            ("statusCode", Member::StatusCode),
            ("resourceId", Member::Resource),
            ("ResourceId", Member::Resource),
            ("_ResourceId", Member::Resource),
            ("Resource", Member::Resource),
            ("properties", Member::Properties),
            ("properties_s", Member::Properties),
            ("Properties", Member::Properties),
            ("eventType", Member::EventType),
            ("type", Member::EventType),
        ]);
        MEMBERS.get(key).unwrap_or_else(|| Wanted::of(key).map_or(Member::Other, Member::Flat))
    }
}

/// What a column of an `AzureDiagnostics` CSV export holds, decided once from its header name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CsvColumn {
    Time,
    Category,
    Operation,
    Level,
    ResultType,
    ResultDescription,
    Properties,
    DeviceId,
    Resource,
    Other,
}

impl CsvColumn {
    /// The column a header cell names.
    pub(super) fn of(name: &str) -> CsvColumn {
        static COLUMNS: KeyTable<CsvColumn, 32> = KeyTable::new(&[
            ("TimeGenerated [UTC]", CsvColumn::Time),
            ("TimeGenerated", CsvColumn::Time),
            ("time", CsvColumn::Time),
            ("Category", CsvColumn::Category),
            ("category", CsvColumn::Category),
            ("OperationName", CsvColumn::Operation),
            ("operationName", CsvColumn::Operation),
            ("Level", CsvColumn::Level),
            ("level", CsvColumn::Level),
            ("ResultType", CsvColumn::ResultType),
            ("resultType", CsvColumn::ResultType),
            ("ResultDescription", CsvColumn::ResultDescription),
            ("resultDescription", CsvColumn::ResultDescription),
            ("properties_s", CsvColumn::Properties),
            ("properties", CsvColumn::Properties),
            ("deviceId_s", CsvColumn::DeviceId),
            ("DeviceId", CsvColumn::DeviceId),
            ("ResourceId", CsvColumn::Resource),
            ("_ResourceId", CsvColumn::Resource),
            ("resourceId", CsvColumn::Resource),
            ("Resource", CsvColumn::Resource),
        ]);
        COLUMNS.get(name).unwrap_or(CsvColumn::Other)
    }
}

/// Reads one row of an `AzureDiagnostics` CSV export into `out`, cells matched to the header's columns.
/// False when the row has none of a log record's fields.
pub(super) fn from_csv_row(
    columns: &[CsvColumn],
    cells: &[Cow<'_, str>],
    source: RecordRef,
    out: &mut LogRecord,
) -> bool {
    let mut draft = Draft::default();
    let mut flat = Properties::default();
    for (column, cell) in columns.iter().zip(cells) {
        if cell.is_empty() {
            continue;
        }
        let value = Some(Cow::Borrowed(cell.as_ref()));
        match column {
            CsvColumn::Time => draft.time = value,
            CsvColumn::Category => draft.category = value,
            CsvColumn::Operation => draft.operation = value,
            CsvColumn::Level => draft.level = value,
            CsvColumn::ResultType => draft.result_type = value,
            CsvColumn::ResultDescription => draft.result_description = value,
            CsvColumn::Properties => draft.properties = value,
            CsvColumn::DeviceId => flat.device_id = value,
            // `_ResourceId` names the hub better than `Resource`, whichever column comes first.
            CsvColumn::Resource if draft.resource.as_deref().is_some_and(|r| r.contains('/')) => {}
            CsvColumn::Resource => draft.resource = value,
            CsvColumn::Other => {}
        }
    }
    if draft.category.is_none() && draft.operation.is_none() && draft.result_type.is_none() {
        return false;
    }
    let properties_text = draft.properties.take();
    let mut properties = Properties::default();
    if let Some(parsed) = properties_text.as_deref().and_then(Value::object) {
        for (key, field) in parsed.fields() {
            properties.take(&key, &field);
        }
    }
    properties.fill_from(flat);
    build(&draft, &properties, source, out);
    out.format = Format::AzureDiagnosticsCsv;
    true
}

/// The fields of `properties` (or of a flat legacy object) that diagnosis uses, borrowed from the record.
#[derive(Default)]
struct Properties<'p> {
    device_id: Option<Cow<'p, str>>,
    module_id: Option<Cow<'p, str>>,
    protocol: Option<Cow<'p, str>>,
    sdk_version: Option<Cow<'p, str>>,
    ip: Option<Cow<'p, str>>,
    message_id: Option<Cow<'p, str>>,
    delivery_count: Option<u32>,
    size_bytes: Option<u64>,
    endpoint: Option<Cow<'p, str>>,
    error_message: Option<Cow<'p, str>>,
    status_code: Option<Cow<'p, str>>,
}

/// The members of `properties` that diagnosis reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    DeviceId,
    ModuleId,
    Protocol,
    SdkVersion,
    Ip,
    MessageId,
    DeliveryCount,
    SizeBytes,
    Endpoint,
    ErrorMessage,
    StatusCode,
}

impl Wanted {
    /// The member a key names, in any of the spellings the export shapes use.
    fn of(key: &str) -> Option<Wanted> {
        static WANTED: KeyTable<Wanted, 64> = KeyTable::new(&[
            ("deviceId", Wanted::DeviceId),
            ("DeviceId", Wanted::DeviceId),
            ("moduleId", Wanted::ModuleId),
            ("ModuleId", Wanted::ModuleId),
            ("protocol", Wanted::Protocol),
            ("Protocol", Wanted::Protocol),
            ("sdkVersion", Wanted::SdkVersion),
            ("SdkVersion", Wanted::SdkVersion),
            ("maskedIpAddress", Wanted::Ip),
            ("messageId", Wanted::MessageId),
            ("MessageId", Wanted::MessageId),
            ("deliveryCount", Wanted::DeliveryCount),
            ("messageSizeInBytes", Wanted::SizeBytes),
            ("messageSize", Wanted::SizeBytes),
            ("MessageSize", Wanted::SizeBytes),
            ("endpointName", Wanted::Endpoint),
            ("errorMessage", Wanted::ErrorMessage),
            ("details", Wanted::ErrorMessage),
            ("statusCode", Wanted::StatusCode),
        ]);
        WANTED.get(key)
    }
}

impl<'p> Properties<'p> {
    fn take(&mut self, key: &str, field: &Value<'p>) {
        if let Some(member) = Wanted::of(key) {
            self.take_text(member, field.as_text());
        }
    }

    /// Takes one member given as text (`None` for null, objects and arrays).
    fn take_text(&mut self, member: Wanted, text: Option<Cow<'p, str>>) {
        let slot = match member {
            Wanted::DeviceId => &mut self.device_id,
            Wanted::ModuleId => &mut self.module_id,
            Wanted::Protocol => &mut self.protocol,
            Wanted::SdkVersion => &mut self.sdk_version,
            Wanted::Ip => &mut self.ip,
            Wanted::MessageId => &mut self.message_id,
            Wanted::Endpoint => &mut self.endpoint,
            Wanted::ErrorMessage => &mut self.error_message,
            Wanted::StatusCode => &mut self.status_code,
            Wanted::DeliveryCount | Wanted::SizeBytes => {
                // One parse serves both numbers: the npm package carries one inlined copy of it, not two.
                let number = text.as_deref().and_then(|t| t.trim_ascii().parse::<u64>().ok());
                if member == Wanted::DeliveryCount {
                    self.delivery_count = number.and_then(|n| u32::try_from(n).ok());
                } else {
                    self.size_bytes = number;
                }
                return;
            }
        };
        *slot = text;
    }

    /// Fills gaps from fields found outside `properties` (legacy flat objects).
    fn fill_from(&mut self, flat: Properties<'p>) {
        macro_rules! fill {
            ($($field:ident),*) => { $( if self.$field.is_none() { self.$field = flat.$field; } )* };
        }
        fill!(
            device_id,
            module_id,
            protocol,
            sdk_version,
            ip,
            message_id,
            delivery_count,
            size_bytes,
            endpoint,
            error_message,
            status_code
        );
    }
}

/// Walks the members of an object given in JSON-string-escaped form (`{\"deviceId\":\"d1\",\"authType\":null}`)
/// without unescaping it, passes the wanted ones to `visit`, and returns the length of the object (through its
/// `}`). Handles flat members whose wanted strings hold no escapes; returns `None` for anything else, and the
/// caller then unescapes and parses the object properly.
fn escaped_object_len<'e>(escaped: &'e str, visit: &mut dyn FnMut(Wanted, Option<&'e str>)) -> Option<usize> {
    let bytes = escaped.as_bytes();
    let skip_ws = |mut pos: usize| {
        while bytes.get(pos).is_some_and(|b| matches!(b, b' ' | b'\t')) {
            pos += 1;
        }
        pos
    };
    // An escaped string's content starts just after its opening `\"` and ends at the next `\"` that is not
    // part of an escape of its own (`\\\"` is an escaped quote inside it). Returns where the content ends and
    // whether it holds escapes. A bare `"` means the enclosing string ended: not a flat escaped object.
    let string_end = |start: usize| -> Option<(usize, bool)> {
        let mut pos = start;
        let mut has_escape = false;
        loop {
            pos += crate::json::find2(bytes.get(pos..)?, b'"', b'\\')?;
            match (bytes.get(pos)?, bytes.get(pos + 1)?) {
                (b'\\', b'"') => return Some((pos, has_escape)),
                (b'\\', b'\\') => {
                    // An escape inside the string: its backslash, then the escaped character, which may
                    // itself be written escaped (`\\\"`, `\\\\`).
                    has_escape = true;
                    pos += 2;
                    pos += if bytes.get(pos) == Some(&b'\\') { 2 } else { 1 };
                }
                (b'\\', _) => {
                    // A control character such as `\n`, written once escaped (and checked to be a JSON escape).
                    has_escape = true;
                    pos += crate::json::escape_len(bytes, pos)?;
                }
                _ => return None,
            }
        }
    };
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let mut pos = skip_ws(1);
    if bytes.get(pos) == Some(&b'}') {
        return Some(pos + 1);
    }
    loop {
        if bytes.get(pos..pos + 2) != Some(b"\\\"".as_slice()) {
            return None;
        }
        let (key_end, key_escaped) = string_end(pos + 2)?;
        let member = if key_escaped { None } else { escaped.get(pos + 2..key_end).and_then(Wanted::of) };
        pos = skip_ws(key_end + 2);
        if bytes.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(pos + 1);
        let value = if bytes.get(pos..pos + 2) == Some(b"\\\"".as_slice()) {
            let (end, value_escaped) = string_end(pos + 2)?;
            // A wanted value with escapes of its own needs real unescaping.
            if member.is_some() && value_escaped {
                return None;
            }
            let text = escaped.get(pos + 2..end);
            pos = end + 2;
            text
        } else {
            let end = pos
                + bytes
                    .get(pos..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&b| b != b',' && b != b'}')
                    .count();
            let literal = escaped.get(pos..end).unwrap_or_default().trim_ascii();
            let scalar = matches!(literal, "null" | "true" | "false")
                || (!literal.is_empty()
                    && literal
                        .bytes()
                        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')));
            if !scalar {
                return None;
            }
            pos = end;
            (literal != "null").then_some(literal)
        };
        if let Some(member) = member {
            visit(member, value);
        }
        pos = skip_ws(pos);
        match bytes.get(pos) {
            Some(b',') => pos = skip_ws(pos + 1),
            Some(b'}') => return Some(pos + 1),
            _ => return None,
        }
    }
}

/// Writes the record gathered in `draft` and `properties` into `out`, reusing its strings' buffers.
fn build(draft: &Draft<'_>, properties: &Properties<'_>, source: RecordRef, out: &mut LogRecord) {
    let result = draft.result_type.as_deref().map(str::trim_ascii).unwrap_or_default();
    let digits = result.bytes().all(|b| b.is_ascii_digit());
    let code = (digits && result.len() == 6).then(|| result.parse().ok()).flatten();
    let status_from_result = (digits && result.len() == 3).then(|| result.parse().ok()).flatten();
    let http_status = status_from_result
        .or_else(|| draft.status_code.as_deref().and_then(parse_status))
        .or_else(|| properties.status_code.as_deref().and_then(parse_status))
        .or_else(|| code.map(|c: u32| u16::try_from(c / 1000).unwrap_or(0)));
    let error_name = draft
        .result_description
        .as_deref()
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_alphanumeric()));
    out.format = Format::StorageJsonLines;
    out.source = source;
    out.time = draft.time.as_deref().and_then(time::parse);
    out.category = canonical_category(draft.category.as_deref().unwrap_or_default());
    out.operation = known(draft.operation.as_deref().unwrap_or_default(), &OPERATIONS);
    out.level = parse_level(draft.level.as_deref());
    out.code = code;
    out.http_status = http_status;
    assign(&mut out.error_name, error_name);
    assign(&mut out.device_id, properties.device_id.as_deref());
    assign(&mut out.module_id, properties.module_id.as_deref());
    out.protocol = properties.protocol.as_deref().map(|p| known(p, &PROTOCOLS));
    assign(&mut out.sdk_version, properties.sdk_version.as_deref());
    assign(&mut out.ip, properties.ip.as_deref());
    assign(&mut out.message_id, properties.message_id.as_deref());
    out.delivery_count = properties.delivery_count;
    out.size_bytes = properties.size_bytes;
    assign(&mut out.endpoint, properties.endpoint.as_deref());
    assign(&mut out.error_message, properties.error_message.as_deref());
    out.sequence_number = None;
    assign_hub(&mut out.hub, draft.resource.as_deref());
}

/// Sets `slot` to the hub named by a resource id (`/SUBSCRIPTIONS/.../IOTHUBS/<hub>`), an Event Grid topic of the
/// same form, or a bare hub name, as written (diagnosis compares hub names without case: they are host names).
fn assign_hub(slot: &mut Option<String>, resource: Option<&str>) {
    // Records of one hub come in runs: when the value ends with `/IOTHUBS/` and the hub already in the slot,
    // nothing changes (two exact comparisons, the usual case).
    if let (Some(known), Some(resource)) = (slot.as_deref(), resource) {
        if let Some(head) = resource.strip_suffix(known) {
            if head.ends_with("/IOTHUBS/") || head.ends_with("/IotHubs/") {
                return;
            }
        }
    }
    // Resource ids and Event Grid topics end with `/IOTHUBS/<hub>`; a value without `/` is the name itself.
    let name = resource.map(str::trim).and_then(|resource| match resource.rsplit_once('/') {
        None => Some(resource),
        Some((head, last)) => {
            let kind = head.rsplit_once('/').map_or(head, |(_, kind)| kind);
            kind.eq_ignore_ascii_case("iothubs").then_some(last)
        }
    });
    assign(slot, name);
}

/// Sets an optional text field (empty text counts as absent), reusing the buffer it already has.
fn assign(slot: &mut Option<String>, text: Option<&str>) {
    match (slot.as_mut(), text.filter(|t| !t.is_empty())) {
        (Some(buffer), Some(text)) => {
            buffer.clear();
            buffer.push_str(text);
        }
        (None, Some(text)) => *slot = Some(text.to_owned()),
        (_, None) => *slot = None,
    }
}

/// Reads an Event Grid (or CloudEvents) `Microsoft.Devices.DeviceConnected`/`DeviceDisconnected` event into
/// `out`; the reason to skip it when it is malformed or of another event type.
fn event_grid(value: &Value<'_>, source: RecordRef, out: &mut LogRecord) -> Result<(), SkipReason> {
    // One pass over the event and one over its data; the first member of each name counts, as with `get`.
    let (mut event_type, mut cloud_type, mut event_time, mut time, mut data, mut topic) =
        (None, None, None, None, None, None);
    let mut members = value.fields();
    for (key, member) in &mut members {
        let slot = match key.as_ref() {
            "eventType" => &mut event_type,
            "type" => &mut cloud_type,
            "eventTime" => &mut event_time,
            "time" => &mut time,
            "data" => &mut data,
            "topic" | "source" => &mut topic,
            _ => continue,
        };
        slot.get_or_insert(member);
    }
    if !members.is_complete() {
        return Err(SkipReason::MalformedJson);
    }
    let event_type = event_type.or(cloud_type).and_then(|v| v.as_str());
    let operation = match event_type.as_deref().and_then(|t| t.strip_prefix("Microsoft.Devices.")) {
        Some("DeviceConnected") => "deviceConnect",
        Some("DeviceDisconnected") => "deviceDisconnect",
        _ => return Err(SkipReason::NotALogRecord),
    };
    let Some(data) = data else { return Err(SkipReason::NotALogRecord) };
    let (mut device_id, mut module_id, mut state_info, mut hub_name) = (None, None, None, None);
    for (key, member) in data.fields() {
        let slot = match key.as_ref() {
            "deviceId" => &mut device_id,
            "moduleId" => &mut module_id,
            "hubName" => &mut hub_name,
            "deviceConnectionStateEventInfo" => &mut state_info,
            _ => continue,
        };
        slot.get_or_insert(member);
    }
    let sequence_number = string_of(state_info.and_then(|info| info.get("sequenceNumber")));
    out.format = Format::EventGrid;
    out.source = source;
    out.time = string_of(event_time.or(time)).as_deref().and_then(time::parse);
    out.category = Cow::Borrowed("Connections");
    out.operation = Cow::Borrowed(operation);
    out.level = Level::Unknown;
    (out.code, out.http_status, out.protocol, out.delivery_count, out.size_bytes) =
        (None, None, None, None, None);
    assign(&mut out.device_id, string_of(device_id).as_deref());
    assign(&mut out.module_id, string_of(module_id).as_deref());
    assign(&mut out.sequence_number, sequence_number.as_deref());
    let hub = string_of(hub_name).or_else(|| string_of(topic));
    assign_hub(&mut out.hub, hub.as_deref());
    for unused in [
        &mut out.error_name,
        &mut out.sdk_version,
        &mut out.ip,
        &mut out.message_id,
        &mut out.endpoint,
        &mut out.error_message,
    ] {
        *unused = None;
    }
    Ok(())
}

/// The content of a string value (`None` for a missing value or another kind).
fn string_of(value: Option<Value<'_>>) -> Option<Cow<'_, str>> {
    value.and_then(|value| value.as_str())
}

fn parse_status(text: &str) -> Option<u16> {
    let text = text.trim_ascii();
    (text.len() == 3).then(|| text.parse().ok()).flatten()
}

fn parse_level(level: Option<&str>) -> Level {
    const LEVELS: [(&str, Level); 5] = [
        ("Information", Level::Information),
        ("Informational", Level::Information),
        ("Warning", Level::Warning),
        ("Error", Level::Error),
        ("Critical", Level::Critical),
    ];
    let level = level.map(str::trim_ascii).unwrap_or_default();
    LEVELS.iter().find(|(name, _)| is_named(level, name)).map_or(Level::Unknown, |&(_, level)| level)
}

/// Current category names for the legacy operations-monitoring ones (`fileUpload`, `routes`, ...).
fn canonical_category(category: &str) -> Cow<'static, str> {
    let category = category.trim_ascii();
    if let Some(name) = CATEGORIES.iter().find(|name| is_named(category, name)) {
        return Cow::Borrowed(name);
    }
    match category.to_ascii_lowercase().as_str() {
        "fileupload" => Cow::Borrowed("FileUploadOperations"),
        "deviceidentity" => Cow::Borrowed("DeviceIdentityOperations"),
        "cloudtodevicecommands" => Cow::Borrowed("C2DCommands"),
        _ => Cow::Owned(category.to_owned()),
    }
}

/// The categories of IoT Hub resource logs.
const CATEGORIES: [&str; 14] = [
    "Connections",
    "DeviceTelemetry",
    "C2DCommands",
    "C2DTwinOperations",
    "D2CTwinOperations",
    "DirectMethods",
    "FileUploadOperations",
    "Routes",
    "Configurations",
    "DeviceIdentityOperations",
    "DeviceStreams",
    "DistributedTracing",
    "JobsOperations",
    "TwinQueries",
];

/// Operation names IoT Hub writes, kept without allocating.
const OPERATIONS: [&str; 16] = [
    "deviceConnect",
    "deviceDisconnect",
    "ingress",
    "send",
    "complete",
    "messageExpired",
    "read",
    "update",
    "get",
    "query",
    "invoke",
    "jobCompleted",
    "endpointUnhealthy",
    "endpointDead",
    "DroppedMessage",
    "ReadManyConfigurations",
];

/// Protocol names, kept without allocating.
const PROTOCOLS: [&str; 5] = ["Mqtt", "Amqp", "Http", "MqttWs", "AmqpWs"];

/// `text` as a static string when it is one of `names` (exact case), else as an owned copy.
fn known<const N: usize>(text: &str, names: &[&'static str; N]) -> Cow<'static, str> {
    match names.iter().find(|name| **name == text) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> LogRecord {
        read_shape(json).0
    }

    fn read_shape(json: &str) -> (LogRecord, Shape) {
        let value = Value::parse(json).unwrap();
        let mut record = LogRecord::blank();
        let shape = from_json(&value, RecordRef { input: 0, line: 1, index: 0 }, &mut record).unwrap();
        (record, shape)
    }

    #[test]
    fn resource_log_with_double_encoded_properties() {
        let record = read(
            r#"{"time":"2023-09-21T22:33:34Z","operationName":"deviceDisconnect","category":"Connections","level":"Error","resultType":"404104","resultDescription":"DeviceConnectionClosedRemotely","properties":"{\"deviceId\":\"sensor-th-2001\",\"protocol\":\"Mqtt\",\"authType\":null,\"maskedIpAddress\":\"24.9.142.XXX\",\"statusCode\":\"404\",\"errorMessage\":\"Device disconnected\"}","location":"centralus"}"#,
        );
        assert_eq!(record.code, Some(404104));
        assert_eq!(record.http_status, Some(404));
        assert_eq!(record.device_id.as_deref(), Some("sensor-th-2001"));
        assert_eq!(record.ip.as_deref(), Some("24.9.142.XXX"));
        assert_eq!(record.level, Level::Error);
        assert!(record.is_disconnect() && record.time.is_some());
    }

    #[test]
    fn legacy_flat_object() {
        let (record, shape) = read_shape(
            r#"{"durationMs": 1234, "protocol": "Amqp", "time": "2024-01-01T00:00:00Z", "operationName": "deviceConnect", "category": "fileUpload", "level": "Error", "statusCode": 403, "statusType": 403006, "statusDescription": "DeviceMaximumActiveFileUploadLimitExceeded", "deviceId": "device-ID"}"#,
        );
        assert_eq!(shape, Shape::Legacy);
        assert_eq!((record.code, record.http_status), (Some(403006), Some(403)));
        assert_eq!(record.category, "FileUploadOperations");
        assert_eq!(record.device_id.as_deref(), Some("device-ID"));
    }

    #[test]
    fn event_grid_event() {
        let record = read(
            r#"{"id":"x","subject":"devices/d","eventType":"Microsoft.Devices.DeviceDisconnected","eventTime":"2024-05-14T10:23:12.6021877Z","data":{"deviceConnectionStateEventInfo":{"sequenceNumber":"0A"},"hubName":"h","deviceId":"pump-22","moduleId":""}}"#,
        );
        assert!(record.is_disconnect());
        assert_eq!(record.format, Format::EventGrid);
        assert_eq!(record.device_id.as_deref(), Some("pump-22"));
        assert_eq!(record.module_id, None);
        assert_eq!(record.sequence_number.as_deref(), Some("0A"));
        assert_eq!(record.hub.as_deref(), Some("h"));
    }

    #[test]
    fn escaped_properties_are_read_without_unescaping_or_fall_back() {
        let mut seen = Vec::new();
        let simple = r#"{\"deviceId\":\"d1\",\"authType\":\"{\\\"scope\\\":\\\"device\\\"}\",\"deliveryCount\":3,\"statusCode\":null}"#;
        let len = escaped_object_len(simple, &mut |member, v| seen.push((member, v.map(str::to_owned))));
        assert_eq!(len, Some(simple.len()));
        assert_eq!(
            seen,
            [
                (Wanted::DeviceId, Some("d1".to_owned())),
                (Wanted::DeliveryCount, Some("3".to_owned())),
                (Wanted::StatusCode, None)
            ]
        );
        // Escaped quotes and backslashes inside a member that is not wanted are stepped over.
        let nested = r#"{\"authType\":\"a\\\"b\\\\c\\nd\",\"deviceId\":\"d2\"}"#;
        let mut devices = Vec::new();
        let len = escaped_object_len(nested, &mut |_, v| devices.push(v.map(str::to_owned)));
        assert_eq!((len, devices), (Some(nested.len()), vec![Some("d2".to_owned())]));
        for unusual in [
            r#"{\"deviceId\":\"d\\u00e9\"}"#,
            r#"{\"deviceId\":{}}"#,
            r#"{\"deviceId\":<x>}"#,
            r#"{\"deviceId\":\"d1"#,
        ] {
            assert_eq!(escaped_object_len(unusual, &mut |_, _| {}), None, "{unusual}");
        }
        // The fallback reads the same record the slow way.
        let record = read(r#"{"operationName":"x","properties":"{\"deviceId\":\"d\\u00e9\"}"}"#);
        assert_eq!(record.device_id.as_deref(), Some("dé"));
    }

    #[test]
    fn three_digit_result_is_a_status_and_placeholders_are_ignored() {
        let record = read(
            r#"{"time":" UTC timestamp","operationName":"DroppedMessage","category":"Routes","level":"Error","resultType":"503","resultDescription":"MessageDescription","properties":"{\"deviceId\":<messageSize>}"}"#,
        );
        assert_eq!((record.code, record.http_status, record.time), (None, Some(503), None));
        assert_eq!(record.device_id, None);
    }

    /// Reads `{"category":"Connections", <members>}`.
    fn read_with(members: &str) -> LogRecord {
        read(&format!(r#"{{"category":"Connections",{members}}}"#))
    }

    #[test]
    fn every_spelling_an_export_uses_fills_its_field() {
        type Shows = fn(&LogRecord) -> bool;
        let top: [(&[&str], &str, Shows); 9] = [
            (
                &["time", "Time", "timestamp", "TimeGenerated", "TimeGenerated [UTC]"],
                r#""2024-05-14T08:00:05Z""#,
                |r| r.time == time::parse("2024-05-14T08:00:05Z"),
            ),
            (&["category", "Category"], r#""Routes""#, |r| r.category == "Routes"),
            (&["operationName", "OperationName"], r#""deviceConnect""#, |r| r.operation == "deviceConnect"),
            (&["level", "Level"], r#""Warning""#, |r| r.level == Level::Warning),
            (&["resultType", "ResultType", "statusType"], r#""404104""#, |r| r.code == Some(404104)),
            (&["resultDescription", "ResultDescription", "statusDescription"], r#""DeviceNotFound""#, |r| {
                r.error_name.as_deref() == Some("DeviceNotFound")
            }),
            (&["statusCode"], r#""503""#, |r| r.http_status == Some(503)),
            (
                &["resourceId", "ResourceId", "_ResourceId", "Resource"],
                r#""/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/Fleet-Hub""#,
                |r| r.hub.as_deref() == Some("Fleet-Hub"),
            ),
            (&["properties", "properties_s", "Properties"], r#"{"deviceId":"d"}"#, |r| {
                r.device_id.as_deref() == Some("d")
            }),
        ];
        for (names, value, shows) in top {
            for name in names {
                assert!(shows(&read_with(&format!("{name:?}:{value}"))), "{name}");
            }
        }
        // Members of `properties`, also read at the top level of legacy flat objects.
        let wanted: [(&[&str], &str, Shows); 11] = [
            (&["deviceId", "DeviceId"], r#""d""#, |r| r.device_id.as_deref() == Some("d")),
            (&["moduleId", "ModuleId"], r#""m""#, |r| r.module_id.as_deref() == Some("m")),
            (&["protocol", "Protocol"], r#""Amqp""#, |r| r.protocol.as_deref() == Some("Amqp")),
            (&["sdkVersion", "SdkVersion"], r#""v1""#, |r| r.sdk_version.as_deref() == Some("v1")),
            (&["maskedIpAddress"], r#""1.2.3.XXX""#, |r| r.ip.as_deref() == Some("1.2.3.XXX")),
            (&["messageId", "MessageId"], r#""id""#, |r| r.message_id.as_deref() == Some("id")),
            (&["deliveryCount"], "3", |r| r.delivery_count == Some(3)),
            (&["messageSizeInBytes", "messageSize", "MessageSize"], r#""42""#, |r| r.size_bytes == Some(42)),
            (&["endpointName"], r#""ep""#, |r| r.endpoint.as_deref() == Some("ep")),
            (&["errorMessage", "details"], r#""boom""#, |r| r.error_message.as_deref() == Some("boom")),
            (&["statusCode"], "429", |r| r.http_status == Some(429)),
        ];
        for (names, value, shows) in wanted {
            for name in names {
                let member = format!("{name:?}:{value}");
                let escaped = serde_json::to_string(&format!("{{{member}}}")).unwrap();
                for record in [
                    format!(r#""properties":{{{member}}}"#),
                    format!(r#""properties":{escaped}"#),
                    format!(r#""properties_s":{escaped}"#),
                    member,
                ] {
                    assert!(shows(&read_with(&record)), "{record}");
                }
            }
        }
        // Other members, and other spellings of the wanted ones, change nothing.
        let plain = read_with(r#""x":1"#);
        for other in [
            "resourceGroup",
            "location",
            "correlationId",
            "durationMs",
            "DEVICEID",
            "",
            "timeX",
            "Statuscode",
        ] {
            for record in [format!(r#"{other:?}:"7""#), format!(r#""properties":{{{other:?}:"7"}}"#)] {
                assert_eq!(read_with(&record), plain, "{record}");
            }
        }
    }
}
