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

/// One property of an object schema, as every generator reads it.
pub struct Property<'a> {
    /// The JSON name.
    pub name: &'a str,
    /// The property's schema.
    pub schema: &'a Value,
    /// True when every value has it (the schema's `required`).
    pub required: bool,
}

/// The properties of an object schema in declaration order: the required ones in the schema's `required` order
/// (the order the core declares its fields), then the others by name. Fails on an object without `properties`
/// and on a required name that is no property.
pub fn properties(object: &Value) -> Result<Vec<Property<'_>>, String> {
    let properties =
        object.get("properties").and_then(Value::as_object).ok_or("an object without properties")?;
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut list = Vec::with_capacity(properties.len());
    for name in &required {
        let schema = properties.get(*name).ok_or_else(|| format!("required {name} is no property"))?;
        list.push(Property { name, schema, required: true });
    }
    for (name, schema) in properties.iter().filter(|(name, _)| !required.contains(&name.as_str())) {
        list.push(Property { name, schema, required: false });
    }
    Ok(list)
}
