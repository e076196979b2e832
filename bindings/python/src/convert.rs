//! Helpers shared by the result types: `to_dict` through the core's JSON shape, hashing, Python reprs and
//! tuples.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple};
use serde::Serialize;

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The value as a dict of plain Python values, in the JSON shape documented in the README (the same as the
/// CLI's `--json`): the core serializes it and Python's `json.loads` builds the dict.
pub fn to_dict<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyDict>> {
    let text = serde_json::to_string(value)
        .map_err(|error| pyo3::exceptions::PyValueError::new_err(error.to_string()))?;
    let loads = JSON_LOADS.import(py, "json", "loads")?;
    Ok(loads.call1((text,))?.cast_into::<PyDict>()?)
}

/// A hash of a value through its JSON form, for results that hold floats (which Rust does not hash).
pub fn json_hash(value: &impl Serialize) -> u64 {
    let mut hasher = DefaultHasher::new();
    serde_json::to_vec(value).unwrap_or_default().hash(&mut hasher);
    hasher.finish()
}

/// Python's `repr` of a string (`'text'`), for `__repr__` output.
pub fn repr_str(py: Python<'_>, text: &str) -> String {
    PyString::new(py, text).repr().map(|repr| repr.to_string()).unwrap_or_else(|_| format!("{text:?}"))
}

/// Python's `repr` of an optional string (`None` or `'text'`).
pub fn repr_opt(py: Python<'_>, text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_owned(), |text| repr_str(py, text))
}

/// Python's `repr` of an optional number.
pub fn repr_num(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "None".to_owned(), |value| value.to_string())
}

/// A tuple of strings.
pub fn str_tuple<'py, S: AsRef<str>>(
    py: Python<'py>,
    items: impl IntoIterator<Item = S>,
) -> PyResult<Bound<'py, PyTuple>> {
    let strings: Vec<Bound<'py, PyString>> =
        items.into_iter().map(|item| PyString::new(py, item.as_ref())).collect();
    PyTuple::new(py, strings)
}

/// A tuple of numbers.
pub fn int_tuple<'py, N: Copy + IntoPyObject<'py>>(
    py: Python<'py>,
    items: &[N],
) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, items.iter().copied())
}

/// A tuple of result objects made from core values.
pub fn object_tuple<'py, T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>>(
    py: Python<'py>,
    items: impl IntoIterator<Item = T>,
) -> PyResult<Bound<'py, PyTuple>> {
    let objects = items.into_iter().map(|item| Bound::new(py, item)).collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, objects)
}
