//! The catalog and scanner functions. Results are JSON-shaped Python values (see [`to_py`]); catalog entries
//! cross once, as the list `catalog()`, and every other function names an entry by its index in that list, so
//! that the package shares one `Entry` object per entry.

use iothub_errors::{Entry, ErrorFacts, RetryAdvice, RetryKind, ScanFinding, StringIndexes, StringUnit};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::Serialize;

use crate::errors::{code_argument, core_error, guarded, status_argument, text_argument};

/// A value as plain Python values in its JSON shape (dicts, lists, str, int, float, bool, None).
pub fn to_py<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// The position of an entry in `iothub_errors::entries()` (and in `catalog()`), from its address: every entry
/// the core returns lives in that static table.
fn entry_index(entry: &'static Entry) -> PyResult<usize> {
    let table = iothub_errors::entries();
    let offset = (entry as *const Entry as usize).wrapping_sub(table.as_ptr() as usize);
    let index = offset / std::mem::size_of::<Entry>().max(1);
    match table.get(index) {
        Some(candidate) if std::ptr::eq(candidate, entry) => Ok(index),
        _ => Err(PyValueError::new_err("internal error: an entry outside the catalog table")),
    }
}

/// Every catalog entry in its JSON shape: numbered codes in ascending order, then the two code-less rows.
#[pyfunction]
fn catalog(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    guarded(py, || to_py(py, &iothub_errors::entries()))
}

/// The index in `catalog()` of the entry of a six-digit code (alias codes give their entry).
#[pyfunction]
fn lookup(py: Python<'_>, code: &Bound<'_, PyAny>) -> PyResult<usize> {
    guarded(py, || {
        let code = code_argument(py, code)?;
        entry_index(iothub_errors::lookup(code).map_err(|error| core_error(py, &error))?)
    })
}

/// The index in `catalog()` of the entry with this name or alias, ignoring case.
#[pyfunction]
fn by_name(py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<usize> {
    guarded(py, || {
        let name = text_argument(name, "name")?;
        entry_index(iothub_errors::by_name(&name).map_err(|error| core_error(py, &error))?)
    })
}

/// A `Resolution` whose `entry` is an index in `catalog()` (or `None`).
#[pyfunction]
fn resolve<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let text = text_argument(text, "text")?;
        let resolution = iothub_errors::resolve(&text).map_err(|error| core_error(py, &error))?;
        let result = PyDict::new(py);
        result.set_item("matched_by", resolution.matched_by.as_str())?;
        result.set_item("entry", resolution.entry.map(entry_index).transpose()?)?;
        result.set_item("classification", to_py(py, &resolution.classification)?)?;
        Ok(result.into_any())
    })
}

/// `SearchHit`s, best first, as `(entry index in catalog(), score)` pairs.
#[pyfunction]
fn search(py: Python<'_>, query: &Bound<'_, PyAny>) -> PyResult<Vec<(usize, u32)>> {
    guarded(py, || {
        let query = text_argument(query, "query")?;
        let hits = iothub_errors::search(&query).map_err(|error| core_error(py, &error))?;
        hits.iter().map(|hit| Ok((entry_index(hit.entry)?, hit.score))).collect()
    })
}

/// A `Classification` of any well-formed six-digit code.
#[pyfunction]
fn classify<'py>(py: Python<'py>, code: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let code = code_argument(py, code)?;
        to_py(py, &iothub_errors::classify(code).map_err(|error| core_error(py, &error))?)
    })
}

/// The `Classification`s of every code of an iterable, with the GIL released while classifying, as
/// `(distinct, positions)`: one classification per distinct code, and for each code its position in `distinct`
/// (the package shares one object per distinct code). The first code that is not an int raises `TypeError`;
/// the first that is not an IoT Hub code raises `InvalidInputError`, whose message gives its position.
#[pyfunction]
fn classify_many<'py>(
    py: Python<'py>,
    codes: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyList>, Vec<usize>)> {
    guarded(py, || {
        if codes.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("codes must be an iterable of ints, not a str"));
        }
        let numbers =
            codes.try_iter()?.map(|code| code_argument(py, &code?)).collect::<PyResult<Vec<u32>>>()?;
        let (distinct, positions) = py.detach(|| {
            let mut seen = std::collections::HashMap::new();
            let mut distinct = Vec::new();
            let positions: Vec<Result<usize, (usize, iothub_errors::Error)>> = numbers
                .iter()
                .enumerate()
                .map(|(at, &code)| match seen.get(&code) {
                    Some(&position) => Ok(position),
                    None => {
                        distinct.push(iothub_errors::classify(code).map_err(|error| (at, error))?);
                        seen.insert(code, distinct.len() - 1);
                        Ok(distinct.len() - 1)
                    }
                })
                .collect();
            (distinct, positions)
        });
        let positions = positions.into_iter().collect::<Result<Vec<usize>, _>>().map_err(|(at, error)| {
            let failure = core_error(py, &error);
            let _ = failure.value(py).setattr("args", (format!("codes[{at}]: {error}"),));
            failure
        })?;
        let list = PyList::empty(py);
        for classification in &distinct {
            list.append(to_py(py, classification)?)?;
        }
        Ok((list, positions))
    })
}

/// `RetryAdvice.description`: one sentence a person can act on, in the core's words.
#[pyfunction]
#[pyo3(signature = (kind, initial_ms = None, max_ms = None, jitter_percent = None))]
fn describe_retry(
    kind: &str,
    initial_ms: Option<u32>,
    max_ms: Option<u32>,
    jitter_percent: Option<u8>,
) -> PyResult<String> {
    let advice = match RetryKind::from_name(kind) {
        Some(RetryKind::DoNotRetry) => RetryAdvice::DoNotRetry,
        Some(RetryKind::RetryNow) => RetryAdvice::RetryNow,
        Some(RetryKind::AfterQuotaReset) => RetryAdvice::AfterQuotaReset,
        Some(RetryKind::ReconnectWithNewToken) => RetryAdvice::ReconnectWithNewToken,
        Some(RetryKind::Backoff) => RetryAdvice::Backoff {
            initial_ms: initial_ms.unwrap_or_default(),
            max_ms: max_ms.unwrap_or_default(),
            jitter_percent: jitter_percent.unwrap_or_default(),
        },
        None => return Err(PyValueError::new_err(format!("not a retry kind: {kind:?}"))),
    };
    Ok(advice.describe())
}

/// The findings of one text in their JSON shape, `start` and `end` as indexes of the Python string, and the
/// `f32` confidence as the number JSON writes (0.85, not the 0.8500000238418579 that widening it gives).
fn findings_of<'py>(py: Python<'py>, text: &str, findings: Vec<ScanFinding>) -> PyResult<Bound<'py, PyAny>> {
    let mut indexes = StringIndexes::new(text, StringUnit::CodePoint);
    let list = PyList::empty(py);
    for finding in findings {
        let confidence: f64 = finding.confidence.to_string().parse().unwrap_or(f64::from(finding.confidence));
        let finding = ScanFinding {
            start: indexes.index_of(finding.start),
            end: indexes.index_of(finding.end),
            ..finding
        };
        let value = to_py(py, &finding)?;
        value.set_item("confidence", confidence)?;
        list.append(value)?;
    }
    Ok(list.into_any())
}

/// `ScanFinding`s of every IoT Hub error in a text, in order of position.
#[pyfunction]
fn scan<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let text = text_argument(text, "text")?;
        let findings = py.detach(|| iothub_errors::scan(&text));
        findings_of(py, &text, findings)
    })
}

/// One list of `ScanFinding`s per text of an iterable, with the GIL released while scanning.
#[pyfunction]
fn scan_many<'py>(py: Python<'py>, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        if texts.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("texts must be an iterable of str, not a str; use scan()"));
        }
        let objects = texts.try_iter()?.collect::<PyResult<Vec<_>>>()?;
        let texts =
            objects.iter().map(|text| text_argument(text, "each text")).collect::<PyResult<Vec<_>>>()?;
        let results: Vec<Vec<ScanFinding>> =
            py.detach(|| texts.iter().map(|text| iothub_errors::scan(text)).collect());
        let list = PyList::empty(py);
        for (text, findings) in texts.iter().zip(results) {
            list.append(findings_of(py, text, findings)?)?;
        }
        Ok(list.into_any())
    })
}

/// An `ErrorBody` read from an HTTP response body, an AMQP error description or an exception message.
#[pyfunction]
#[pyo3(signature = (body, http_status = None))]
fn parse_error_body<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    http_status: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let body = text_argument(body, "body")?;
        let status = match http_status {
            Some(status) if !status.is_none() => Some(status_argument(status)?),
            _ => None,
        };
        to_py(py, &iothub_errors::parse_error_body(&body, status).map_err(|error| core_error(py, &error))?)
    })
}

/// The `ScanFinding` an SDK error object stands for, from the facts read off it (`ErrorFacts`: the dataclass of
/// `_types.py`, or a dict in its JSON shape), or `None`. `start` and `end` index `ErrorFacts::text()`, the text
/// the core scanned. Anything but a dict or an object with `to_dict()` raises `TypeError`; a dict that does not
/// fit the type (a wrong type of value: `TypeError`; an unknown key, a number out of range: `ValueError`).
#[pyfunction]
fn resolve_error<'py>(py: Python<'py>, facts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let facts = error_facts(py, facts)?;
        let (text, finding) = py.detach(|| (facts.text(), iothub_errors::resolve_error(&facts)));
        match finding {
            Some(finding) => Ok(findings_of(py, &text, vec![finding])?.get_item(0)?),
            None => Ok(py.None().into_bound(py)),
        }
    })
}

/// The core's `ErrorFacts` from a dict, or from an object with `to_dict()` (the generated dataclass).
fn error_facts(py: Python<'_>, facts: &Bound<'_, PyAny>) -> PyResult<ErrorFacts> {
    let dict = if facts.is_instance_of::<PyDict>() {
        facts.clone()
    } else if !facts.is_instance_of::<PyString>() && facts.hasattr(intern!(py, "to_dict"))? {
        let dict = facts.call_method0(intern!(py, "to_dict"))?;
        if !dict.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err("facts.to_dict() must return a dict"));
        }
        dict
    } else {
        return Err(PyTypeError::new_err(format!(
            "facts must be an ErrorFacts or a dict, not {}",
            crate::errors::type_name(facts)
        )));
    };
    pythonize::depythonize::<ErrorFacts>(&dict).map_err(|failure| {
        let failure = PyErr::from(failure);
        let message = format!("facts: {}", failure.value(py));
        if failure.is_instance_of::<PyTypeError>(py) {
            PyTypeError::new_err(message)
        } else {
            PyValueError::new_err(message)
        }
    })
}

/// Registers the functions on the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(catalog, module)?)?;
    module.add_function(wrap_pyfunction!(lookup, module)?)?;
    module.add_function(wrap_pyfunction!(by_name, module)?)?;
    module.add_function(wrap_pyfunction!(resolve, module)?)?;
    module.add_function(wrap_pyfunction!(search, module)?)?;
    module.add_function(wrap_pyfunction!(classify, module)?)?;
    module.add_function(wrap_pyfunction!(classify_many, module)?)?;
    module.add_function(wrap_pyfunction!(describe_retry, module)?)?;
    module.add_function(wrap_pyfunction!(scan, module)?)?;
    module.add_function(wrap_pyfunction!(scan_many, module)?)?;
    module.add_function(wrap_pyfunction!(parse_error_body, module)?)?;
    module.add_function(wrap_pyfunction!(resolve_error, module)?)
}
