//! Reading errors out of text: `scan`, `scan_many`, `parse_error_body`, and their results `ScanFinding` and
//! `ErrorBody`.

use std::borrow::Cow;

use iothub_errors::{ErrorBody as CoreErrorBody, ScanFinding as CoreScanFinding, StringIndexes, StringUnit};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::catalog::text_argument;
use crate::convert::{json_hash, repr_num, repr_opt, to_dict};
use crate::enums::{ErrorClass, Evidence, Service};
use crate::errors::{core_error, guarded, type_name};
use crate::html;

/// One IoT Hub (or Device Provisioning Service) error found in a text. `start` and `end` index the scanned
/// `str`: `text[finding.start:finding.end]` is the evidence.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "ScanFinding")]
#[derive(PartialEq)]
pub struct PyScanFinding {
    finding: CoreScanFinding,
    /// Character offsets of the evidence in the Python string.
    start: usize,
    end: usize,
}

impl std::hash::Hash for PyScanFinding {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        json_hash(&self.finding).hash(state);
        (self.start, self.end).hash(state);
    }
}

#[pymethods]
impl PyScanFinding {
    /// The catalog entry's code when known (404102 gives 404103); a well-formed unlisted code as written;
    /// `None` for DPS errors and class-only evidence.
    #[getter]
    fn code(&self) -> Option<u32> {
        self.finding.code
    }
    /// The catalog name when the error is a catalog entry.
    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.finding.name
    }
    /// The HTTP-status class, when known (`class` in `to_dict()`).
    #[getter]
    fn error_class(&self) -> Option<ErrorClass> {
        self.finding.class.as_ref().map(ErrorClass::of)
    }
    /// Which service raised the error.
    #[getter]
    fn service(&self) -> Service {
        Service::of(&self.finding.service)
    }
    /// Index in the scanned string where the evidence starts.
    #[getter]
    fn start(&self) -> usize {
        self.start
    }
    /// Index just after the evidence.
    #[getter]
    fn end(&self) -> usize {
        self.end
    }
    /// The strongest kind of evidence the finding rests on.
    #[getter]
    fn evidence(&self) -> Evidence {
        Evidence::of(&self.finding.evidence)
    }
    /// How sure the scanner is, from 0.0 to 1.0.
    #[getter]
    fn confidence(&self) -> f32 {
        self.finding.confidence
    }
    /// The hub's tracking id, when found.
    #[getter]
    fn tracking_id(&self) -> Option<&str> {
        self.finding.tracking_id.as_deref()
    }
    /// When the error happened (ISO 8601 UTC), when found.
    #[getter]
    fn timestamp(&self) -> Option<&str> {
        self.finding.timestamp.as_deref()
    }
    /// The device id named next to the evidence.
    #[getter]
    fn device_id(&self) -> Option<&str> {
        self.finding.device_id.as_deref()
    }
    /// The error's message text when a body carries one; for DPS errors, a note saying so.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.finding.message.as_deref()
    }
    /// The finding as a dict in the documented JSON shape, with `start` and `end` as string indexes.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = to_dict(py, &self.finding)?;
        dict.set_item("start", self.start)?;
        dict.set_item("end", self.end)?;
        Ok(dict)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let f = &self.finding;
        format!(
            "ScanFinding(code={}, name={}, evidence='{}', service='{}', start={}, end={}, confidence={:.2})",
            repr_num(f.code),
            repr_opt(py, f.name),
            Evidence::of(&f.evidence).as_str(),
            Service::of(&f.service).as_str(),
            self.start,
            self.end,
            f.confidence
        )
    }
    /// A card for notebooks: the error, its evidence, device, tracking id and message.
    fn _repr_html_(&self) -> String {
        html::scan_finding_card(&self.finding)
    }
}

/// What an IoT Hub error body says.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "ErrorBody")]
#[derive(PartialEq)]
pub struct PyErrorBody {
    body: CoreErrorBody,
}

impl std::hash::Hash for PyErrorBody {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        json_hash(&self.body).hash(state);
    }
}

#[pymethods]
impl PyErrorBody {
    /// The six-digit code (alias codes map to their entry's code).
    #[getter]
    fn code(&self) -> Option<u32> {
        self.body.code
    }
    /// The error's name as the body writes it, or the catalog name when the body has only a number.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.body.name.as_deref()
    }
    /// The class of the code, else of the HTTP status (`class` in `to_dict()`).
    #[getter]
    fn error_class(&self) -> Option<ErrorClass> {
        self.body.class.as_ref().map(ErrorClass::of)
    }
    /// The service's message text.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.body.message.as_deref()
    }
    /// The tracking id, as the hub wrote it.
    #[getter]
    fn tracking_id(&self) -> Option<&str> {
        self.body.tracking_id.as_deref()
    }
    /// When the hub saw the error (ISO 8601 UTC), or as written when it cannot be read.
    #[getter]
    fn timestamp(&self) -> Option<&str> {
        self.body.timestamp.as_deref()
    }
    /// The raw JSON of the body's `info` member, when present and not null.
    #[getter]
    fn info(&self) -> Option<&str> {
        self.body.info.as_deref()
    }
    /// The HTTP status the body came with, as given by the caller.
    #[getter]
    fn http_status(&self) -> Option<u16> {
        self.body.http_status
    }
    /// The body as a dict in the documented JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.body)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let b = &self.body;
        format!(
            "ErrorBody(code={}, name={}, message={}, tracking_id={})",
            repr_num(b.code),
            repr_opt(py, b.name.as_deref()),
            repr_opt(py, b.message.as_deref()),
            repr_opt(py, b.tracking_id.as_deref())
        )
    }
}

/// The findings of one text with their byte offsets turned into string indexes.
fn findings_of(text: &str, findings: Vec<CoreScanFinding>) -> Vec<PyScanFinding> {
    let mut indexes = StringIndexes::new(text, StringUnit::CodePoint);
    findings
        .into_iter()
        .map(|finding| PyScanFinding {
            start: indexes.index_of(finding.start),
            end: indexes.index_of(finding.end),
            finding,
        })
        .collect()
}

/// Finds every IoT Hub error in a text (logs, stack traces, HTTP dumps, error bodies), in order of position.
#[pyfunction]
pub fn scan(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<PyScanFinding>> {
    guarded(py, || {
        let text = text_argument(text, "text")?;
        let findings = py.detach(|| iothub_errors::scan(&text));
        Ok(findings_of(&text, findings))
    })
}

/// Scans every text of an iterable, with the GIL released while scanning; one list of findings per text.
#[pyfunction]
pub fn scan_many(py: Python<'_>, texts: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<PyScanFinding>>> {
    guarded(py, || {
        if texts.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("texts must be an iterable of str, not a str; use scan()"));
        }
        let objects = texts.try_iter()?.collect::<PyResult<Vec<_>>>()?;
        let texts =
            objects.iter().map(|text| text_argument(text, "each text")).collect::<PyResult<Vec<_>>>()?;
        let results: Vec<Vec<CoreScanFinding>> =
            py.detach(|| texts.iter().map(|text| iothub_errors::scan(text)).collect());
        Ok(texts.iter().zip(results).map(|(text, findings)| findings_of(text, findings)).collect())
    })
}

/// Reads an IoT Hub error body (an HTTP response body, an AMQP error description, an exception message).
/// `http_status` is the response's status when known. Raises `InvalidInputError` (kind
/// `not-an-error-body`) when the text names no error.
#[pyfunction]
#[pyo3(signature = (body, http_status = None))]
pub fn parse_error_body(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
    http_status: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyErrorBody> {
    guarded(py, || {
        let body: Cow<'_, str> = text_argument(body, "body")?;
        let status = match http_status {
            None => None,
            Some(status) if status.is_none() => None,
            Some(status) => Some(status_argument(status)?),
        };
        let body = iothub_errors::parse_error_body(&body, status).map_err(|error| core_error(py, &error))?;
        Ok(PyErrorBody { body })
    })
}

/// An HTTP status argument: an int from 100 to 599.
fn status_argument(value: &Bound<'_, PyAny>) -> PyResult<u16> {
    if value.is_instance_of::<pyo3::types::PyBool>() || !value.is_instance_of::<pyo3::types::PyInt>() {
        return Err(PyTypeError::new_err(format!("http_status must be an int, not {}", type_name(value))));
    }
    match value.extract::<i64>() {
        Ok(status @ 100..=599) => Ok(status as u16),
        _ => Err(PyValueError::new_err("http_status must be an HTTP status from 100 to 599")),
    }
}

/// Registers the scan types and functions on the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyScanFinding>()?;
    module.add_class::<PyErrorBody>()?;
    module.add_function(wrap_pyfunction!(scan, module)?)?;
    module.add_function(wrap_pyfunction!(scan_many, module)?)?;
    module.add_function(wrap_pyfunction!(parse_error_body, module)?)
}
