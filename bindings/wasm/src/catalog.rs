//! The catalog exports: what both wasm modules of the npm package share (`lookup`, `byName`, `resolve`,
//! `search`, `classify`, the entries), with the serializer and error conversion the other exports reuse. The
//! full module (`iothub-errors-wasm`) and the catalog-only module (`iothub-errors-wasm-catalog`, which includes
//! this file) export exactly these, so the two entries answer alike.

use iothub_errors::{Classification, Entry, Error, MatchKind};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The allocator of both modules: talc, smaller than the standard library's dlmalloc (2.9 KiB gzip off the full
/// module) and as fast on the streamed diagnosis (BENCHMARKS.md, npm package).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The one serializer configuration: maps become plain objects, `None` becomes `null` (as in the JSON).
fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true)
}

/// Serializes a value into a plain JavaScript value.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serializer()).map_err(JsValue::from)
}

/// The core error as a thrown value: `{kind, message, ...fields}`, its own serialization.
pub(crate) fn error_value(error: &Error) -> JsValue {
    to_js(error).unwrap_or_else(|other| other)
}

/// The position of a catalog entry in [`iothub_errors::entries`], the index the wrapper caches by.
fn index_of(entry: &'static Entry) -> u32 {
    let position = iothub_errors::entries().iter().position(|candidate| std::ptr::eq(candidate, entry));
    position.and_then(|index| u32::try_from(index).ok()).unwrap_or(u32::MAX)
}

/// Number of catalog entries.
#[wasm_bindgen]
pub fn entry_count() -> u32 {
    u32::try_from(iothub_errors::entries().len()).unwrap_or(u32::MAX)
}

/// The catalog entry at `index` (in catalog order), as a plain object.
#[wasm_bindgen]
pub fn entry_at(index: u32) -> Result<JsValue, JsValue> {
    let entry = usize::try_from(index).ok().and_then(|index| iothub_errors::entries().get(index));
    match entry {
        Some(entry) => to_js(entry),
        None => Err(JsValue::from_str("no catalog entry at this index")),
    }
}

/// The index of the entry listed under `code` (alias codes included).
#[wasm_bindgen]
pub fn lookup_index(code: u32) -> Result<u32, JsValue> {
    iothub_errors::lookup(code).map(index_of).map_err(|error| error_value(&error))
}

/// The index of the entry with this name or alias (case-insensitive).
#[wasm_bindgen]
pub fn by_name_index(name: &str) -> Result<u32, JsValue> {
    iothub_errors::by_name(name).map(index_of).map_err(|error| error_value(&error))
}

/// A resolution with the entry replaced by its index.
#[derive(Serialize)]
struct IndexedResolution<'a> {
    matched_by: MatchKind,
    entry_index: Option<u32>,
    classification: &'a Classification,
}

/// Resolves a code, name or alias as people type it: `{matched_by, entry_index, classification}`.
#[wasm_bindgen]
pub fn resolve(text: &str) -> Result<JsValue, JsValue> {
    let resolution = iothub_errors::resolve(text).map_err(|error| error_value(&error))?;
    to_js(&IndexedResolution {
        matched_by: resolution.matched_by,
        entry_index: resolution.entry.map(index_of),
        classification: &resolution.classification,
    })
}

/// Ranked search: entry indexes and scores, interleaved (`[index, score, index, score, ...]`).
#[wasm_bindgen]
pub fn search_indexes(query: &str) -> Result<Vec<u32>, JsValue> {
    let hits = iothub_errors::search(query).map_err(|error| error_value(&error))?;
    Ok(hits.iter().flat_map(|hit| [index_of(hit.entry), hit.score]).collect())
}

/// Classifies any six-digit code, listed or not.
#[wasm_bindgen]
pub fn classify(code: u32) -> Result<JsValue, JsValue> {
    let classification = iothub_errors::classify(code).map_err(|error| error_value(&error))?;
    to_js(&classification)
}
