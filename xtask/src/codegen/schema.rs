//! `core/schema.json`: the JSON Schema of every type the core serializes, the source of the bindings' types.

use serde_json::Value;

/// Where the schema is committed.
pub const SCHEMA_FILE: &str = "core/schema.json";

/// The schema document, from the core's own types (`iothub_errors::schema`).
pub fn document() -> Value {
    iothub_errors::schema::document().to_value()
}

/// The document as committed: two-space indentation and a final line break.
pub fn render(document: &Value) -> Result<String, String> {
    serde_json::to_string_pretty(document).map(|text| text + "\n").map_err(|e| format!("schema: {e}"))
}
