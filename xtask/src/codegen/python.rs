//! `python/src/iothub_errors/_types.py`: the Python package's result types, generated from `core/schema.json`.
//!
//! - A named enum (`oneOf` of `{const, title, description}`) becomes an `OrderedStrEnum` (`_base.py`: an
//!   `enum.Enum` with a `str` mixin, ordered as declared) whose members are named in UPPER_SNAKE_CASE after the
//!   schema's `title` (the Rust variant) and valued by the JSON name.
//! - An object becomes a `@dataclass(frozen=True)` deriving from `Record` (`_base.py`: `to_dict()`, `repr`).
//!   Fields come in the order of `required` (the Rust declaration order), then the other properties with a
//!   `None` default; arrays are tuples, options `Optional`, and a property named like a Python keyword gets
//!   another name (`class` → `error_class`) with its JSON name in the field's metadata. A generated
//!   `_from_json` builds the object from its JSON shape (filling `__dict__` directly: the values come from the
//!   core, and a frozen dataclass's `__init__` costs a `object.__setattr__` per field).
//! - A tagged `oneOf` of objects (`x-tag`, such as `RetryAdvice`) becomes one dataclass: the tag typed by
//!   `x-tag-type`, and every variant's other fields, optional, `None` where the variant lacks them.
//!
//! - A timestamp (a string property with `format: date-time`, or one named in [`DATE_TIMES`] while the schema
//!   does not mark it) becomes a timezone-aware `datetime` in UTC (`_base.parse_time`); `to_dict()` writes it back as
//!   the core's ISO 8601 text (`2024-05-14T08:00:05Z`).
//!
//! Types named in [`EXTRAS`] also derive from a hand-written mixin `_extras.<Name>Extras` (methods that are not
//! data: notebook HTML, `to_pandas`, ...).

use super::schema::{Property, properties};
use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Where the generated module is committed.
pub const TYPES_FILE: &str = "python/src/iothub_errors/_types.py";

/// Types whose class derives from the hand-written mixin `_extras.<Name>Extras`.
pub const EXTRAS: [&str; 9] = [
    "Classification",
    "Entry",
    "FleetFinding",
    "Report",
    "Resolution",
    "RetryAdvice",
    "ScanFinding",
    "SearchHit",
    "Summary",
];

/// String properties (`Type.property`) read as timestamps although the schema gives them no `format: date-time`.
/// The core marks every timestamp it writes itself; `ScanFinding.timestamp` is the one exception, since the
/// scanner keeps a time it cannot read as written (Python then shows `None` and `to_dict()` the text). Every name
/// must exist and be a string, else generation fails.
pub const DATE_TIMES: [&str; 1] = ["ScanFinding.timestamp"];

/// Python keywords a JSON property may be named like, and the field name used instead.
const RENAMED: [(&str, &str); 1] = [("class", "error_class")];
/// Every other Python keyword: a property named like one gets a trailing underscore.
const KEYWORDS: [&str; 34] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// A field's Python type.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    /// `str`, `int`, `float` or `bool`: JSON values as they are.
    Scalar(&'static str),
    /// A named enum of `_types`, built from its value.
    Enum(String),
    /// A record of `_types`, built by its `_from_json`.
    Record(String),
    /// An ISO 8601 UTC timestamp, as a timezone-aware `datetime`.
    DateTime,
    /// An array, as a tuple.
    Tuple(Box<Ty>),
    /// A value or `None`.
    Optional(Box<Ty>),
}

impl Ty {
    fn annotation(&self) -> String {
        match self {
            Ty::Scalar(name) => (*name).to_owned(),
            Ty::DateTime => "datetime".to_owned(),
            Ty::Enum(name) | Ty::Record(name) => name.clone(),
            Ty::Tuple(item) => format!("tuple[{}, ...]", item.annotation()),
            Ty::Optional(inner) => format!("Optional[{}]", inner.annotation()),
        }
    }

    /// A Python expression converting the JSON-shaped `expr` (evaluated at most twice) to this type.
    fn convert(&self, expr: &str, depth: usize) -> String {
        match self {
            Ty::Scalar(_) => expr.to_owned(),
            Ty::Enum(name) => format!("{name}._of({expr})"),
            Ty::Record(name) => format!("{name}._from_json({expr})"),
            Ty::DateTime => format!("parse_time({expr})"),
            Ty::Tuple(item) if matches!(**item, Ty::Scalar(_)) => format!("tuple({expr})"),
            Ty::Tuple(item) => {
                let var = if depth == 0 { "item".to_owned() } else { format!("item{depth}") };
                format!("tuple([{} for {var} in {expr}])", item.convert(&var, depth + 1))
            }
            Ty::Optional(inner) if matches!(**inner, Ty::Scalar(_)) => expr.to_owned(),
            // Text the core could not read as a time (kept as written in a scanned text) becomes `None`.
            Ty::Optional(inner) if matches!(**inner, Ty::DateTime) => format!("parse_time_or_none({expr})"),
            Ty::Optional(inner) => format!("None if {expr} is None else {}", inner.convert(expr, depth)),
        }
    }
}

/// One field of a record.
struct Field {
    json: String,
    python: String,
    ty: Ty,
    description: Option<String>,
    /// False for properties a value may lack (their field defaults to `None`).
    required: bool,
}

/// The module for a schema document: every type under `$defs`, enums first, each group alphabetical.
pub fn generate(schema: &Value, extras: &[&str], date_times: &[&str]) -> Result<String, String> {
    let defs = schema.get("$defs").and_then(Value::as_object).ok_or("schema: no $defs")?;
    for qualified in date_times {
        let (name, property) =
            qualified.split_once('.').ok_or_else(|| format!("{qualified}: not Type.property"))?;
        let schema = defs.get(name).and_then(|def| def.get("properties")).and_then(|p| p.get(property));
        let string = schema
            .and_then(|schema| ty_of(schema, defs).ok())
            .is_some_and(|ty| ty == Ty::Scalar("str") || ty == Ty::Optional(Box::new(Ty::Scalar("str"))));
        if !string {
            return Err(format!(
                "{qualified}: listed as a timestamp but not a string property of the schema"
            ));
        }
    }
    let mut enums = String::new();
    let mut records = String::new();
    for (name, def) in defs {
        let out = if is_named_enum(def) { &mut enums } else { &mut records };
        out.push_str("\n\n");
        if is_named_enum(def) {
            out.push_str(&enum_class(name, def)?);
        } else {
            let fields = fields_of(name, def, defs, date_times)?;
            out.push_str(&record_class(name, def, &fields, extras.contains(&name.as_str())));
        }
    }
    let mut module = String::from(
        "# @generated by cargo xtask codegen from core/schema.json; do not edit\n\
         \"\"\"The result types of iothub_errors, one per type of the core's JSON Schema (`core/schema.json`).\"\"\"\n\n\
         from __future__ import annotations\n\n\
         from dataclasses import dataclass, field\n\
         from datetime import datetime\n\
         from typing import Any, Optional\n\n",
    );
    if !extras.is_empty() {
        module.push_str("from iothub_errors import _extras\n");
    }
    module
        .push_str("from iothub_errors._base import OrderedStrEnum, Record, parse_time, parse_time_or_none\n");
    module.push_str(&enums);
    module.push_str(&records);
    Ok(module)
}

/// True for a named enum: a `oneOf` of constants.
fn is_named_enum(def: &Value) -> bool {
    def.get("oneOf")
        .and_then(Value::as_array)
        .is_some_and(|variants| variants.iter().all(|variant| variant.get("const").is_some()))
}

fn enum_class(name: &str, def: &Value) -> Result<String, String> {
    let mut out = format!("class {name}(OrderedStrEnum):\n");
    out.push_str(&docstring(description(def).unwrap_or(name), 4));
    let variants = def.get("oneOf").and_then(Value::as_array).ok_or_else(|| format!("{name}: no oneOf"))?;
    for variant in variants {
        let value = variant.get("const").and_then(Value::as_str).ok_or_else(|| format!("{name}: const"))?;
        let title =
            variant.get("title").and_then(Value::as_str).ok_or_else(|| format!("{name}: no title"))?;
        let _ = writeln!(out, "\n    {} = {}", upper_snake(title), py_str(value));
        if let Some(text) = description(variant) {
            out.push_str(&docstring(text, 4));
        }
    }
    Ok(out)
}

fn record_class(name: &str, def: &Value, fields: &[Field], extra: bool) -> String {
    let bases = if extra { format!("_extras.{name}Extras, Record") } else { "Record".to_owned() };
    let mut out = format!("@dataclass(frozen=True, repr=False)\nclass {name}({bases}):\n");
    out.push_str(&docstring(description(def).unwrap_or(name), 4));
    out.push('\n');
    for field in fields {
        let mut options = Vec::new();
        if !field.required {
            options.push("default=None".to_owned());
        }
        if field.json != field.python {
            options.push(format!("metadata={{\"json\": {}}}", py_str(&field.json)));
        }
        let default = match (field.required, options.len()) {
            (_, 0) => String::new(),
            (false, 1) => " = None".to_owned(),
            _ => format!(" = field({})", options.join(", ")),
        };
        let _ = writeln!(out, "    {}: {}{default}", field.python, field.ty.annotation());
        if let Some(text) = &field.description {
            out.push_str(&docstring(text, 4));
        }
    }
    let _ = write!(
        out,
        "\n    @classmethod\n    def _from_json(cls, value: Any) -> {name}:\n        \
         if isinstance(value, cls):\n            return value\n        record = object.__new__(cls)\n        \
         record.__dict__.update(\n"
    );
    for field in fields {
        let source = if field.required {
            format!("value[{}]", py_str(&field.json))
        } else {
            format!("value.get({})", py_str(&field.json))
        };
        let _ = writeln!(out, "            {}={},", field.python, field.ty.convert(&source, 0));
    }
    out.push_str("        )\n        return record\n");
    out
}

/// The fields of an object type, or of a tagged union of object types.
fn fields_of(
    name: &str,
    def: &Value,
    defs: &Map<String, Value>,
    date_times: &[&str],
) -> Result<Vec<Field>, String> {
    if let Some(tag) = def.get("x-tag").and_then(Value::as_str) {
        return tagged_fields(name, def, tag, defs);
    }
    let mut fields = Vec::new();
    for Property { name: json, schema: property, required } in
        properties(def).map_err(|e| format!("{name}: {e}"))?
    {
        let ty = ty_of(property, defs).map_err(|e| format!("{name}.{json}: {e}"))?;
        let ty = if date_times.contains(&format!("{name}.{json}").as_str()) { as_date_time(ty) } else { ty };
        let ty = if required || matches!(ty, Ty::Optional(_)) { ty } else { Ty::Optional(Box::new(ty)) };
        fields.push(Field {
            json: json.to_owned(),
            python: field_name(json),
            ty,
            description: description(property).map(str::to_owned),
            required,
        });
    }
    Ok(fields)
}

/// One field for the tag, then each variant's other properties (optional, documented with their variant).
fn tagged_fields(
    name: &str,
    def: &Value,
    tag: &str,
    defs: &Map<String, Value>,
) -> Result<Vec<Field>, String> {
    let tag_type = ty_of(def.get("x-tag-type").ok_or_else(|| format!("{name}: no x-tag-type"))?, defs)?;
    let mut fields = vec![Field {
        json: tag.to_owned(),
        python: field_name(tag),
        ty: tag_type,
        description: Some("Which variant this is.".to_owned()),
        required: true,
    }];
    let variants = def.get("oneOf").and_then(Value::as_array).ok_or_else(|| format!("{name}: no oneOf"))?;
    for variant in variants {
        let tag_value =
            variant.pointer(&format!("/properties/{tag}/const")).and_then(Value::as_str).unwrap_or(tag);
        let members = properties(variant).map_err(|e| format!("{name}: variant: {e}"))?;
        for Property { name: json, schema: property, .. } in members.into_iter().filter(|p| p.name != tag) {
            if fields.iter().any(|field| field.json == json) {
                return Err(format!("{name}: {json} is in two variants"));
            }
            let ty = ty_of(property, defs).map_err(|e| format!("{name}.{json}: {e}"))?;
            let ty = if matches!(ty, Ty::Optional(_)) { ty } else { Ty::Optional(Box::new(ty)) };
            let text = description(property).unwrap_or_default();
            fields.push(Field {
                json: json.to_owned(),
                python: field_name(json),
                ty,
                description: Some(
                    format!("{text} Set for `{tag}` `{tag_value}` only.").trim_start().to_owned(),
                ),
                required: false,
            });
        }
    }
    Ok(fields)
}

/// A string type (or an optional one) as a timestamp.
fn as_date_time(ty: Ty) -> Ty {
    match ty {
        Ty::Scalar("str") => Ty::DateTime,
        Ty::Optional(inner) => Ty::Optional(Box::new(as_date_time(*inner))),
        other => other,
    }
}

/// The Python type of a property's schema.
fn ty_of(schema: &Value, defs: &Map<String, Value>) -> Result<Ty, String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name =
            reference.strip_prefix("#/$defs/").ok_or_else(|| format!("unsupported $ref {reference}"))?;
        let def = defs.get(name).ok_or_else(|| format!("$ref to a missing type {name}"))?;
        return Ok(if is_named_enum(def) { Ty::Enum(name.to_owned()) } else { Ty::Record(name.to_owned()) });
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        let (nulls, others): (Vec<&Value>, Vec<&Value>) =
            options.iter().partition(|option| option.get("type").and_then(Value::as_str) == Some("null"));
        return match (nulls.len(), others.as_slice()) {
            (1, [inner]) => Ok(Ty::Optional(Box::new(ty_of(inner, defs)?))),
            _ => Err("unsupported anyOf (only [T, null])".to_owned()),
        };
    }
    match schema.get("type") {
        Some(Value::String(kind)) => plain(kind, schema, defs),
        Some(Value::Array(kinds)) => {
            let kinds: Vec<&str> = kinds.iter().filter_map(Value::as_str).collect();
            match kinds.as_slice() {
                [kind, "null"] | ["null", kind] => Ok(Ty::Optional(Box::new(plain(kind, schema, defs)?))),
                _ => Err(format!("unsupported type list {kinds:?}")),
            }
        }
        _ => Err("no type, $ref or anyOf".to_owned()),
    }
}

fn plain(kind: &str, schema: &Value, defs: &Map<String, Value>) -> Result<Ty, String> {
    match kind {
        "string" if schema.get("format").and_then(Value::as_str) == Some("date-time") => Ok(Ty::DateTime),
        "string" => Ok(Ty::Scalar("str")),
        "integer" => Ok(Ty::Scalar("int")),
        "number" => Ok(Ty::Scalar("float")),
        "boolean" => Ok(Ty::Scalar("bool")),
        "array" => Ok(Ty::Tuple(Box::new(ty_of(schema.get("items").ok_or("array without items")?, defs)?))),
        other => Err(format!("unsupported type {other}")),
    }
}

fn description(schema: &Value) -> Option<&str> {
    schema.get("description").and_then(Value::as_str)
}

/// The Python name of a JSON property (`class` → `error_class`, other keywords get a trailing `_`).
fn field_name(json: &str) -> String {
    if let Some((_, python)) = RENAMED.iter().find(|(keyword, _)| *keyword == json) {
        return (*python).to_owned();
    }
    if KEYWORDS.contains(&json) { format!("{json}_") } else { json.to_owned() }
}

/// `TooManyRequests` → `TOO_MANY_REQUESTS`, `IotHub` → `IOT_HUB`, `C2dLockLost` → `C2D_LOCK_LOST`,
/// `CSdkReason` → `C_SDK_REASON`.
fn upper_snake(title: &str) -> String {
    let chars: Vec<char> = title.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// A Python string literal (double quotes, JSON escapes are valid Python escapes).
fn py_str(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A docstring at `indent`, one source line per line of text.
fn docstring(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let escaped = text.trim().replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let escaped = if escaped.ends_with('"') { format!("{escaped} ") } else { escaped };
    let escaped = if escaped.starts_with('"') { format!("\\{escaped}") } else { escaped };
    let mut lines = escaped.lines();
    let mut out = format!("{pad}\"\"\"{}", lines.next().unwrap_or_default());
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        out.push_str("\"\"\"\n");
    } else {
        for line in rest {
            out.push('\n');
            if !line.trim().is_empty() {
                let _ = write!(out, "{pad}{}", line.trim_end());
            }
        }
        let _ = writeln!(out, "\n{pad}\"\"\"");
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{generate, upper_snake};

    fn small_schema() -> serde_json::Value {
        json!({"$defs": {
            "Level": {"description": "How bad.", "oneOf": [
                {"const": "low", "title": "Low", "description": "Fine."},
                {"const": "too-high", "title": "TooHigh"}
            ]},
            "Advice": {"description": "Tagged.", "x-tag": "kind", "x-tag-type": {"$ref": "#/$defs/Level"}, "oneOf": [
                {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "low"}}},
                {"type": "object", "required": ["kind", "wait_ms"], "properties": {
                    "kind": {"const": "too-high"}, "wait_ms": {"type": "integer", "description": "Delay."}}}
            ]},
            "Thing": {"description": "A \"thing\" with a \\ backslash.\nSecond line.", "type": "object",
                "required": ["name", "class", "level", "note", "parts", "advice", "maybe_level"],
                "properties": {
                    "advice": {"$ref": "#/$defs/Advice"},
                    "class": {"type": "string", "description": "The class."},
                    "extra": {"type": "integer"},
                    "level": {"$ref": "#/$defs/Level"},
                    "maybe_level": {"anyOf": [{"$ref": "#/$defs/Level"}, {"type": "null"}]},
                    "name": {"type": "string"},
                    "note": {"type": ["string", "null"]},
                    "parts": {"type": "array", "items": {"$ref": "#/$defs/Advice"}},
                    "scores": {"type": "array", "items": {"type": "number"}}
                }}
        }})
    }

    #[test]
    fn enum_members_are_upper_snake_case_from_the_title() {
        assert_eq!(upper_snake("TooManyRequests"), "TOO_MANY_REQUESTS");
        assert_eq!(upper_snake("IotHub"), "IOT_HUB");
        assert_eq!(upper_snake("C2dLockLost"), "C2D_LOCK_LOST");
        assert_eq!(upper_snake("CSdkReason"), "C_SDK_REASON");
        assert_eq!(upper_snake("NotALogRecord"), "NOT_A_LOG_RECORD");
        assert_eq!(upper_snake("CsharpServiceV1"), "CSHARP_SERVICE_V1");
        let module = generate(&small_schema(), &[], &[]).unwrap();
        assert!(module.contains("class Level(OrderedStrEnum):\n    \"\"\"How bad.\"\"\"\n"), "{module}");
        assert!(
            module.contains("\n    LOW = \"low\"\n    \"\"\"Fine.\"\"\"\n\n    TOO_HIGH = \"too-high\"\n")
        );
    }

    #[test]
    fn objects_become_frozen_dataclasses_with_typed_fields_in_declaration_order() {
        let module = generate(&small_schema(), &[], &[]).unwrap();
        let thing = module.split("class Thing(Record):").nth(1).unwrap();
        let fields: Vec<&str> = thing
            .lines()
            .filter(|line| line.starts_with("    ") && line.contains(": ") && !line.contains("def "))
            .collect();
        assert_eq!(
            fields,
            [
                "    name: str",
                "    error_class: str = field(metadata={\"json\": \"class\"})",
                "    level: Level",
                "    note: Optional[str]",
                "    parts: tuple[Advice, ...]",
                "    advice: Advice",
                "    maybe_level: Optional[Level]",
                "    extra: Optional[int] = None",
                "    scores: Optional[tuple[float, ...]] = None",
            ]
        );
        assert!(module.contains("@dataclass(frozen=True, repr=False)\nclass Thing(Record):\n"));
        assert!(
            module.contains("    \"\"\"A \"thing\" with a \\\\ backslash.\n    Second line.\n    \"\"\"\n"),
            "{module}"
        );
    }

    #[test]
    fn from_json_converts_nested_types_enums_tuples_and_options() {
        let module = generate(&small_schema(), &[], &[]).unwrap();
        for line in [
            "            name=value[\"name\"],",
            "            error_class=value[\"class\"],",
            "            level=Level._of(value[\"level\"]),",
            "            note=value[\"note\"],",
            "            parts=tuple([Advice._from_json(item) for item in value[\"parts\"]]),",
            "            advice=Advice._from_json(value[\"advice\"]),",
            "            maybe_level=None if value[\"maybe_level\"] is None else Level._of(value[\"maybe_level\"]),",
            "            extra=value.get(\"extra\"),",
            "            scores=None if value.get(\"scores\") is None else tuple(value.get(\"scores\")),",
        ] {
            assert!(module.contains(line), "missing {line}\n{module}");
        }
        assert!(
            module.contains(
                "    def _from_json(cls, value: Any) -> Thing:\n        if isinstance(value, cls):\n"
            )
        );
    }

    #[test]
    fn a_tagged_union_is_one_dataclass_with_optional_variant_fields() {
        let module = generate(&small_schema(), &["Advice"], &[]).unwrap();
        assert!(module.contains("class Advice(_extras.AdviceExtras, Record):\n"));
        assert!(module.contains("    kind: Level\n    \"\"\"Which variant this is.\"\"\"\n"));
        assert!(module.contains(
            "    wait_ms: Optional[int] = None\n    \"\"\"Delay. Set for `kind` `too-high` only.\"\"\"\n"
        ));
        assert!(module.contains(
            "            kind=Level._of(value[\"kind\"]),\n            wait_ms=value.get(\"wait_ms\"),\n"
        ));
        assert!(
            module.starts_with("# @generated by cargo xtask codegen from core/schema.json; do not edit\n")
        );
        assert!(module.contains("from iothub_errors import _extras\n"));
    }

    #[test]
    fn listed_or_date_time_strings_become_aware_datetimes() {
        let schema = json!({"$defs": {"T": {"type": "object", "required": ["at", "seen", "stamp"], "properties": {
            "at": {"type": "string"},
            "seen": {"type": ["string", "null"]},
            "stamp": {"type": "string", "format": "date-time"},
            "text": {"type": "string"}
        }}}});
        let module = generate(&schema, &[], &["T.at", "T.seen"]).unwrap();
        for line in [
            "    at: datetime\n",
            "    seen: Optional[datetime]\n",
            "    stamp: datetime\n",
            "    text: Optional[str] = None\n",
            "            at=parse_time(value[\"at\"]),\n",
            "            seen=parse_time_or_none(value[\"seen\"]),\n",
            "            stamp=parse_time(value[\"stamp\"]),\n",
            "from datetime import datetime\n",
        ] {
            assert!(module.contains(line), "missing {line}\n{module}");
        }
        assert!(generate(&schema, &[], &["T.missing"]).unwrap_err().contains("T.missing"));
        assert!(generate(&small_schema(), &[], &["Thing.level"]).unwrap_err().contains("not a string"));
    }

    #[test]
    fn the_listed_timestamps_are_in_the_committed_schema() {
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/schema.json")).unwrap(),
        )
        .unwrap();
        let module = generate(&schema, &[], &super::DATE_TIMES).unwrap();
        assert!(
            module.contains("    time: datetime\n") && module.contains("    first: Optional[datetime]\n")
        );
    }

    #[test]
    fn unsupported_shapes_are_errors_not_guesses() {
        let schema = json!({"$defs": {"T": {"type": "object", "required": ["x"], "properties": {"x": {"type": "object"}}}}});
        assert_eq!(generate(&schema, &[], &[]).unwrap_err(), "T.x: unsupported type object");
        let schema = json!({"$defs": {"T": {"type": "object", "required": ["x"], "properties": {"x": {"$ref": "#/$defs/U"}}}}});
        assert!(generate(&schema, &[], &[]).unwrap_err().contains("missing type U"));
    }
}
