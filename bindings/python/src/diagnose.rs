//! Fleet diagnosis: `diagnose`, `diagnose_text`, the streaming `Diagnoser`, and the report types `Report`,
//! `Summary`, `FleetFinding` and their parts.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use iothub_errors::diagnose::{
    CodeCount as CoreCodeCount, Count as CoreCount, Details as CoreDetails, Diagnoser as CoreDiagnoser,
    EntryLink as CoreEntryLink, FleetFinding as CoreFleetFinding, Offender as CoreOffender,
    Report as CoreReport, Summary as CoreSummary, TimelineEvent as CoreTimelineEvent,
};
use iothub_errors::logs::{RecordRef as CoreRecordRef, Skipped as CoreSkipped};
use pyo3::exceptions::{PyFileNotFoundError, PyImportError, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString, PyTuple};

use crate::catalog::text_argument;
use crate::convert::{int_tuple, json_hash, object_tuple, repr_num, repr_opt, repr_str, str_tuple, to_dict};
use crate::enums::{FindingKind, LogFormat, Severity, SkipReason};
use crate::errors::{guarded, type_name};
use crate::html;

/// Bytes handed to the core at a time when reading files, file objects and lines.
const CHUNK: usize = 1 << 20;
/// A `str` longer than this (in UTF-8 bytes) is log text, never a path.
const MAX_PATH_BYTES: usize = 4096;
/// File names read from a directory: the shapes Azure exports.
const LOG_EXTENSIONS: [&str; 5] = ["json", "jsonl", "csv", "log", "txt"];

/// The result of a diagnosis: counts over the whole input and the patterns found, most severe first.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Report")]
pub struct PyReport {
    report: CoreReport,
    summary: Py<PySummary>,
    findings: Py<PyTuple>,
}

impl PartialEq for PyReport {
    fn eq(&self, other: &PyReport) -> bool {
        self.report == other.report
    }
}

impl std::hash::Hash for PyReport {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        json_hash(&self.report).hash(state);
    }
}

impl PyReport {
    fn new(py: Python<'_>, report: CoreReport) -> PyResult<PyReport> {
        let summary = Py::new(py, PySummary { summary: report.summary.clone() })?;
        let findings =
            object_tuple(py, report.findings.iter().cloned().map(|finding| PyFleetFinding { finding }))?
                .unbind();
        Ok(PyReport { report, summary, findings })
    }
}

#[pymethods]
impl PyReport {
    /// Counts over the whole input.
    #[getter]
    fn summary(&self, py: Python<'_>) -> Py<PySummary> {
        self.summary.clone_ref(py)
    }
    /// The patterns found, most severe first.
    #[getter]
    fn findings(&self, py: Python<'_>) -> Py<PyTuple> {
        self.findings.clone_ref(py)
    }
    /// The most severe level among the findings; `None` when there are none.
    #[getter]
    fn worst_severity(&self) -> Option<Severity> {
        self.report.worst_severity().as_ref().map(Severity::of)
    }
    /// The findings of one kind (a `FindingKind` or its name, such as `"throttling-burst"`).
    fn of_kind<'py>(&self, py: Python<'py>, kind: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let findings = self.findings.bind(py);
        let mut selected = Vec::new();
        for finding in findings.iter() {
            if finding.getattr("kind")?.eq(kind)? {
                selected.push(finding);
            }
        }
        Ok(selected)
    }
    /// The report as a dict in the documented JSON shape (`{"summary": {...}, "findings": [...]}`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.report)
    }
    /// One row per finding: kind, severity, title, devices, device_count, codes, first, last (UTC
    /// timestamps), count, explanation. Needs pandas (`pip install 'iothub-errors[pandas]'`).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = import_pandas(py, "Report.to_pandas()")?;
        let findings = &self.report.findings;
        let columns = PyDict::new(py);
        columns.set_item("kind", findings.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>())?;
        columns.set_item("severity", findings.iter().map(|f| f.severity.as_str()).collect::<Vec<_>>())?;
        columns.set_item("title", findings.iter().map(|f| f.title.as_str()).collect::<Vec<_>>())?;
        columns.set_item("devices", findings.iter().map(|f| f.devices.clone()).collect::<Vec<_>>())?;
        columns.set_item("device_count", findings.iter().map(|f| f.devices.len()).collect::<Vec<_>>())?;
        columns.set_item("codes", findings.iter().map(|f| f.codes.clone()).collect::<Vec<_>>())?;
        columns.set_item("first", timestamps(py, &pandas, findings.iter().map(|f| f.first.as_deref()))?)?;
        columns.set_item("last", timestamps(py, &pandas, findings.iter().map(|f| f.last.as_deref()))?)?;
        columns.set_item("count", findings.iter().map(|f| f.count).collect::<Vec<_>>())?;
        columns
            .set_item("explanation", findings.iter().map(|f| f.explanation.as_str()).collect::<Vec<_>>())?;
        pandas.call_method1("DataFrame", (columns,))
    }
    fn __repr__(&self) -> String {
        let s = &self.report.summary;
        format!(
            "Report(records_read={}, devices={}, errors={}, findings={}, worst_severity={})",
            s.records_read,
            s.devices,
            s.errors,
            self.report.findings.len(),
            self.report
                .worst_severity()
                .map_or("None".to_owned(), |severity| format!("'{}'", severity.as_str()))
        )
    }
    /// The summary's key figures and a table of the findings, for notebooks.
    fn _repr_html_(&self) -> String {
        html::report_view(&self.report)
    }
}

/// `pandas`, or an `ImportError` saying how to install it.
fn import_pandas<'py>(py: Python<'py>, caller: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import("pandas").map_err(|cause| {
        let error = PyImportError::new_err(format!(
            "{caller} needs pandas, which is not installed: pip install 'iothub-errors[pandas]'"
        ));
        error.set_cause(py, Some(cause));
        error
    })
}

/// A pandas column of UTC timestamps from ISO 8601 strings (missing ones become `NaT`).
fn timestamps<'py, 'a>(
    py: Python<'py>,
    pandas: &Bound<'py, PyModule>,
    values: impl Iterator<Item = Option<&'a str>>,
) -> PyResult<Bound<'py, PyAny>> {
    let values = PyList::new(py, values.collect::<Vec<_>>())?;
    let options = PyDict::new(py);
    options.set_item("utc", true)?;
    pandas.call_method("to_datetime", (values,), Some(&options))
}

/// Counts over the whole input: records, devices, errors, and tallies by code, category, operation, hour
/// and device.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Summary")]
#[derive(PartialEq)]
pub struct PySummary {
    summary: CoreSummary,
}

impl std::hash::Hash for PySummary {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        json_hash(&self.summary).hash(state);
    }
}

fn counts<'py>(py: Python<'py>, counts: &[CoreCount]) -> PyResult<Bound<'py, PyTuple>> {
    object_tuple(py, counts.iter().cloned().map(|count| PyCount { count }))
}

#[pymethods]
impl PySummary {
    /// Records read (duplicates included).
    #[getter]
    fn records_read(&self) -> u64 {
        self.summary.records_read
    }
    /// Parts of the input that could not be read.
    #[getter]
    fn records_skipped(&self) -> u64 {
        self.summary.records_skipped
    }
    /// Records seen twice (left out of the diagnosis and the other counts).
    #[getter]
    fn duplicates(&self) -> u64 {
        self.summary.duplicates
    }
    /// Where the first skipped parts are (at most 100), and why.
    #[getter]
    fn skipped<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, self.summary.skipped.iter().cloned().map(|skipped| PySkipped { skipped }))
    }
    /// Export shapes found.
    #[getter]
    fn formats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.summary.formats.iter().map(LogFormat::of))
    }
    /// Earliest event (ISO 8601 UTC).
    #[getter]
    fn first(&self) -> Option<&str> {
        self.summary.first.as_deref()
    }
    /// Latest event (ISO 8601 UTC).
    #[getter]
    fn last(&self) -> Option<&str> {
        self.summary.last.as_deref()
    }
    /// Distinct devices.
    #[getter]
    fn devices(&self) -> u64 {
        self.summary.devices
    }
    /// Records that report an error.
    #[getter]
    fn errors(&self) -> u64 {
        self.summary.errors
    }
    /// Error records by code, most frequent first.
    #[getter]
    fn by_code<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, self.summary.by_code.iter().cloned().map(|count| PyCodeCount { count }))
    }
    /// Records by category, most first.
    #[getter]
    fn by_category<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        counts(py, &self.summary.by_category)
    }
    /// Records by operation, most first.
    #[getter]
    fn by_operation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        counts(py, &self.summary.by_operation)
    }
    /// Records by hour (UTC), in time order; keys like `2024-05-14T09:00:00Z`.
    #[getter]
    fn by_hour<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        counts(py, &self.summary.by_hour)
    }
    /// Error records by device, most first (at most 1000 devices listed).
    #[getter]
    fn by_device<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        counts(py, &self.summary.by_device)
    }
    /// The devices with the most error records.
    #[getter]
    fn top_devices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        counts(py, &self.summary.top_devices)
    }
    /// The summary as a dict in the documented JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.summary)
    }
    /// Every tally in long form, one row per counted key: columns `dimension` (`code`, `category`,
    /// `operation`, `hour`, `device`), `key` (the code as text, the category, ...), `name` (the catalog
    /// name of a code, else `None`) and `count`. Needs pandas (`pip install 'iothub-errors[pandas]'`).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = import_pandas(py, "Summary.to_pandas()")?;
        let s = &self.summary;
        let mut dimension: Vec<&str> = Vec::new();
        let mut key: Vec<String> = Vec::new();
        let mut name: Vec<Option<&str>> = Vec::new();
        let mut count: Vec<u64> = Vec::new();
        for code in &s.by_code {
            dimension.push("code");
            key.push(code.code.to_string());
            name.push(code.name);
            count.push(code.count);
        }
        for (label, tally) in [
            ("category", &s.by_category),
            ("operation", &s.by_operation),
            ("hour", &s.by_hour),
            ("device", &s.by_device),
        ] {
            for item in tally {
                dimension.push(label);
                key.push(item.key.clone());
                name.push(None);
                count.push(item.count);
            }
        }
        let columns = PyDict::new(py);
        columns.set_item("dimension", dimension)?;
        columns.set_item("key", key)?;
        columns.set_item("name", name)?;
        columns.set_item("count", count)?;
        pandas.call_method1("DataFrame", (columns,))
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let s = &self.summary;
        format!(
            "Summary(records_read={}, records_skipped={}, devices={}, errors={}, first={}, last={})",
            s.records_read,
            s.records_skipped,
            s.devices,
            s.errors,
            repr_opt(py, s.first.as_deref()),
            repr_opt(py, s.last.as_deref())
        )
    }
    /// Key figures and the top codes, devices and categories, for notebooks.
    fn _repr_html_(&self) -> String {
        html::summary_view(&self.summary)
    }
}

/// A counted key (a category, an operation, a device, an hour) and how often it occurred.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Count")]
#[derive(PartialEq)]
pub struct PyCount {
    count: CoreCount,
}

impl std::hash::Hash for PyCount {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.count.key, self.count.count).hash(state);
    }
}

#[pymethods]
impl PyCount {
    /// What was counted.
    #[getter]
    fn key(&self) -> &str {
        &self.count.key
    }
    /// How often.
    #[getter]
    fn count(&self) -> u64 {
        self.count.count
    }
    /// `{"key", "count"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.count)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Count(key={}, count={})", repr_str(py, &self.count.key), self.count.count)
    }
}

/// An error code and how often it occurred.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "CodeCount")]
#[derive(PartialEq)]
pub struct PyCodeCount {
    count: CoreCodeCount,
}

impl std::hash::Hash for PyCodeCount {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.count.code, self.count.count).hash(state);
    }
}

#[pymethods]
impl PyCodeCount {
    /// The six-digit code.
    #[getter]
    fn code(&self) -> u32 {
        self.count.code
    }
    /// Its catalog name, when listed.
    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.count.name
    }
    /// How often.
    #[getter]
    fn count(&self) -> u64 {
        self.count.count
    }
    /// `{"code", "name", "count"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.count)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "CodeCount(code={}, name={}, count={})",
            self.count.code,
            repr_opt(py, self.count.name),
            self.count.count
        )
    }
}

/// A part of the input that could not be read as a record.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Skipped")]
#[derive(PartialEq)]
pub struct PySkipped {
    skipped: CoreSkipped,
}

impl std::hash::Hash for PySkipped {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.skipped.line, &self.skipped.excerpt).hash(state);
    }
}

#[pymethods]
impl PySkipped {
    /// 1-based line where it starts.
    #[getter]
    fn line(&self) -> u64 {
        self.skipped.line
    }
    /// Why it was skipped.
    #[getter]
    fn reason(&self) -> SkipReason {
        SkipReason::of(&self.skipped.reason)
    }
    /// Its first characters.
    #[getter]
    fn excerpt(&self) -> &str {
        &self.skipped.excerpt
    }
    /// `{"line", "reason", "excerpt"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.skipped)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Skipped(line={}, reason='{}', excerpt={})",
            self.skipped.line,
            SkipReason::of(&self.skipped.reason).as_str(),
            repr_str(py, &self.skipped.excerpt)
        )
    }
}

/// One pattern found in the logs, explained, with what to do.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "FleetFinding")]
#[derive(PartialEq)]
pub struct PyFleetFinding {
    finding: CoreFleetFinding,
}

impl std::hash::Hash for PyFleetFinding {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        json_hash(&self.finding).hash(state);
    }
}

#[pymethods]
impl PyFleetFinding {
    /// What kind of pattern.
    #[getter]
    fn kind(&self) -> FindingKind {
        FindingKind::of(&self.finding.kind)
    }
    /// How bad it is; benign patterns are `info`.
    #[getter]
    fn severity(&self) -> Severity {
        Severity::of(&self.finding.severity)
    }
    /// One line for a person.
    #[getter]
    fn title(&self) -> &str {
        &self.finding.title
    }
    /// The devices involved (empty for hub-wide findings).
    #[getter]
    fn devices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, &self.finding.devices)
    }
    /// The error codes involved.
    #[getter]
    fn codes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        int_tuple(py, &self.finding.codes)
    }
    /// First event (ISO 8601 UTC).
    #[getter]
    fn first(&self) -> Option<&str> {
        self.finding.first.as_deref()
    }
    /// Last event (ISO 8601 UTC).
    #[getter]
    fn last(&self) -> Option<&str> {
        self.finding.last.as_deref()
    }
    /// How many records make up the finding.
    #[getter]
    fn count(&self) -> u64 {
        self.finding.count
    }
    /// Where some of those records are in the input.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, self.finding.evidence.iter().map(|record| PyRecordRef { record: *record }))
    }
    /// What is going on, in plain words.
    #[getter]
    fn explanation(&self) -> &str {
        &self.finding.explanation
    }
    /// What to do, in order.
    #[getter]
    fn actions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, &self.finding.actions)
    }
    /// Catalog entries of the codes involved.
    #[getter]
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, self.finding.entries.iter().cloned().map(|link| PyEntryLink { link }))
    }
    /// Kind-specific facts.
    #[getter]
    fn details(&self) -> PyDetails {
        PyDetails { details: self.finding.details.clone() }
    }
    /// Up to 200 events, for a timeline.
    #[getter]
    fn timeline<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, self.finding.timeline.iter().cloned().map(|event| PyTimelineEvent { event }))
    }
    /// The finding as a dict in the documented JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.finding)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let f = &self.finding;
        format!(
            "FleetFinding(kind='{}', severity='{}', devices={}, count={}, title={})",
            f.kind.as_str(),
            f.severity.as_str(),
            f.devices.len(),
            f.count,
            repr_str(py, &f.title)
        )
    }
    /// A card for notebooks: severity, title, devices, codes, time span, explanation and actions.
    fn _repr_html_(&self) -> String {
        html::fleet_finding_card(&self.finding)
    }
}

/// Facts specific to a kind of finding; fields that do not apply are `None` or empty.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Details")]
#[derive(PartialEq)]
pub struct PyDetails {
    details: CoreDetails,
}

impl std::hash::Hash for PyDetails {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        json_hash(&self.details).hash(state);
    }
}

#[pymethods]
impl PyDetails {
    /// Typical minutes between renewal cycles (sas-token-renewal).
    #[getter]
    fn period_minutes(&self) -> Option<f64> {
        self.details.period_minutes
    }
    /// Typical minutes until the device was back (network-disconnect, mass-disconnect).
    #[getter]
    fn reconnect_minutes(&self) -> Option<f64> {
        self.details.reconnect_minutes
    }
    /// What caused the finding (link-conflict-side-effect).
    #[getter]
    fn root_cause(&self) -> Option<&str> {
        self.details.root_cause.as_deref()
    }
    /// Devices by number of events, most first.
    #[getter]
    fn top_offenders<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, self.details.top_offenders.iter().cloned().map(|offender| PyOffender { offender }))
    }
    /// C2D message ids involved (c2d-lock-lost).
    #[getter]
    fn message_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, &self.details.message_ids)
    }
    /// Highest delivery count seen (c2d-lock-lost).
    #[getter]
    fn max_delivery_count(&self) -> Option<u32> {
        self.details.max_delivery_count
    }
    /// Client IP addresses seen on the identity (duplicate-identity).
    #[getter]
    fn ip_addresses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, &self.details.ip_addresses)
    }
    /// The SDK named in the device's `sdkVersion`, when known.
    #[getter]
    fn sdk(&self) -> Option<&str> {
        self.details.sdk.as_deref()
    }
    /// The details as a dict in the documented JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.details)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let d = &self.details;
        format!(
            "Details(period_minutes={}, reconnect_minutes={}, root_cause={}, top_offenders={}, sdk={})",
            repr_num(d.period_minutes),
            repr_num(d.reconnect_minutes),
            repr_opt(py, d.root_cause.as_deref()),
            d.top_offenders.len(),
            repr_opt(py, d.sdk.as_deref())
        )
    }
}

/// A device and how many of a finding's events it caused.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Offender")]
#[derive(PartialEq)]
pub struct PyOffender {
    offender: CoreOffender,
}

impl std::hash::Hash for PyOffender {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.offender.device, self.offender.count).hash(state);
    }
}

#[pymethods]
impl PyOffender {
    /// The device.
    #[getter]
    fn device(&self) -> &str {
        &self.offender.device
    }
    /// Its events in the finding.
    #[getter]
    fn count(&self) -> u64 {
        self.offender.count
    }
    /// `{"device", "count"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.offender)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Offender(device={}, count={})", repr_str(py, &self.offender.device), self.offender.count)
    }
}

/// One event on a finding's timeline.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "TimelineEvent")]
#[derive(PartialEq)]
pub struct PyTimelineEvent {
    event: CoreTimelineEvent,
}

impl std::hash::Hash for PyTimelineEvent {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.event.time_ms, &self.event.device, self.event.code).hash(state);
    }
}

#[pymethods]
impl PyTimelineEvent {
    /// When (ISO 8601 UTC).
    #[getter]
    fn time(&self) -> &str {
        &self.event.time
    }
    /// Milliseconds since the Unix epoch, for plotting.
    #[getter]
    fn time_ms(&self) -> i64 {
        self.event.time_ms
    }
    /// The device.
    #[getter]
    fn device(&self) -> &str {
        &self.event.device
    }
    /// The error code, if the event had one.
    #[getter]
    fn code(&self) -> Option<u32> {
        self.event.code
    }
    /// `{"time", "time_ms", "device", "code"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.event)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "TimelineEvent(time={}, device={}, code={})",
            repr_str(py, &self.event.time),
            repr_str(py, &self.event.device),
            repr_num(self.event.code)
        )
    }
}

/// A link to the catalog entry of a code involved in a finding.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "EntryLink")]
#[derive(PartialEq)]
pub struct PyEntryLink {
    link: CoreEntryLink,
}

impl std::hash::Hash for PyEntryLink {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.link.code.hash(state);
    }
}

#[pymethods]
impl PyEntryLink {
    /// The code.
    #[getter]
    fn code(&self) -> u32 {
        self.link.code
    }
    /// Its catalog name.
    #[getter]
    fn name(&self) -> &'static str {
        self.link.name
    }
    /// Its documentation link.
    #[getter]
    fn doc_url(&self) -> &'static str {
        self.link.doc_url
    }
    /// `{"code", "name", "doc_url"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.link)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("EntryLink(code={}, name={})", self.link.code, repr_str(py, self.link.name))
    }
}

/// Where a record came from in the input.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "RecordRef")]
#[derive(PartialEq, Hash)]
pub struct PyRecordRef {
    record: CoreRecordRef,
}

#[pymethods]
impl PyRecordRef {
    /// 0-based index of the input (file) it came from.
    #[getter]
    fn input(&self) -> u32 {
        self.record.input
    }
    /// 1-based line on which the record starts.
    #[getter]
    fn line(&self) -> u64 {
        self.record.line
    }
    /// 0-based index of the record among all records read.
    #[getter]
    fn index(&self) -> u64 {
        self.record.index
    }
    /// `{"input", "line", "index"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.record)
    }
    fn __repr__(&self) -> String {
        format!(
            "RecordRef(input={}, line={}, index={})",
            self.record.input, self.record.line, self.record.index
        )
    }
}

/// Streaming diagnosis: `push` chunks of an export (str or bytes, any chunking), `next_input` between
/// files, then `finish` for the report. The GIL is released while a chunk is processed. After `finish`,
/// every call raises `ValueError`.
#[pyclass(frozen, module = "iothub_errors", name = "Diagnoser")]
pub struct PyDiagnoser {
    state: Mutex<Option<CoreDiagnoser>>,
}

impl PyDiagnoser {
    /// Runs `work` on the diagnoser with the GIL released.
    fn with_diagnoser<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&mut CoreDiagnoser) -> T + Send,
    ) -> PyResult<T> {
        py.detach(|| {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.as_mut().map(work)
        })
        .ok_or_else(finished)
    }
}

fn finished() -> PyErr {
    PyValueError::new_err("this Diagnoser has finished; create a new one")
}

#[pymethods]
impl PyDiagnoser {
    #[new]
    fn new() -> PyDiagnoser {
        PyDiagnoser { state: Mutex::new(Some(CoreDiagnoser::new())) }
    }
    /// Feeds a chunk of an export: a `str`, or `bytes`/`bytearray`/`memoryview` of UTF-8 text.
    fn push(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(py, || {
            let bytes = chunk_bytes(chunk)?;
            self.with_diagnoser(py, |diagnoser| diagnoser.push_bytes(bytes.as_ref()))
        })
    }
    /// Starts the next input (file): its format is detected anew and evidence carries its number.
    fn next_input(&self, py: Python<'_>) -> PyResult<()> {
        guarded(py, || self.with_diagnoser(py, CoreDiagnoser::next_input))
    }
    /// Records read so far.
    #[getter]
    fn records_read(&self, py: Python<'_>) -> PyResult<u64> {
        guarded(py, || self.with_diagnoser(py, |diagnoser| diagnoser.records_read()))
    }
    /// Ends the input and returns the report.
    fn finish(&self, py: Python<'_>) -> PyResult<PyReport> {
        guarded(py, || {
            let report = py.detach(|| {
                let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                state.take().map(CoreDiagnoser::finish)
            });
            PyReport::new(py, report.ok_or_else(finished)?)
        })
    }
    fn __repr__(&self) -> String {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match state.as_ref() {
            Some(diagnoser) => format!("<Diagnoser: {} records read>", diagnoser.records_read()),
            None => "<Diagnoser: finished>".to_owned(),
        }
    }
}

/// Bytes of a chunk: UTF-8 of a `str` (lone surrogates become `?`), or the bytes of a bytes-like object.
enum Chunk<'a> {
    Text(std::borrow::Cow<'a, str>),
    Bytes(PyBackedBytes),
}

impl AsRef<[u8]> for Chunk<'_> {
    fn as_ref(&self) -> &[u8] {
        match self {
            Chunk::Text(text) => text.as_bytes(),
            Chunk::Bytes(bytes) => bytes.as_ref(),
        }
    }
}

fn chunk_bytes<'a>(chunk: &'a Bound<'_, PyAny>) -> PyResult<Chunk<'a>> {
    if chunk.is_instance_of::<PyString>() {
        return Ok(Chunk::Text(text_argument(chunk, "chunk")?));
    }
    if chunk.is_instance_of::<PyBytes>() || chunk.is_instance_of::<PyByteArray>() {
        return Ok(Chunk::Bytes(chunk.extract::<PyBackedBytes>()?));
    }
    if chunk.is_instance_of::<PyMemoryView>() {
        return Ok(Chunk::Bytes(chunk.call_method0("tobytes")?.extract::<PyBackedBytes>()?));
    }
    Err(PyTypeError::new_err(format!("a chunk must be str or bytes, not {}", type_name(chunk))))
}

/// True when a `str` given to `diagnose` is log text rather than a path: it holds a line break, starts
/// (after white space) with `{` or `[`, or is longer than any path.
fn is_log_text(text: &str) -> bool {
    text.len() > MAX_PATH_BYTES || text.contains(['\n', '\r']) || text.trim_start().starts_with(['{', '['])
}

/// Diagnoses IoT Hub logs from `source` and returns the report. The GIL is released while records are read.
///
/// `source` may be:
/// - a path (`str` or `os.PathLike`) of a file, or of a directory whose `.json`, `.jsonl`, `.csv`, `.log` and
///   `.txt` files (recursively, in sorted order) are read as separate inputs;
/// - log text as a `str`: a `str` is text when it contains a line break, starts (after white space) with `{`
///   or `[`, or is longer than 4096 bytes; any other `str` is a path (`FileNotFoundError` when it does not
///   exist). Use `diagnose_text` to pass text unambiguously;
/// - `bytes`, `bytearray` or `memoryview`: the content of an export;
/// - a file object opened in text or binary mode (anything with `read`);
/// - an iterable of lines (`str` or `bytes`; a line break is added where a line has none).
///
/// Other types raise `TypeError`.
#[pyfunction]
pub fn diagnose(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<PyReport> {
    guarded(py, || {
        let mut diagnoser = CoreDiagnoser::new();
        feed(py, &mut diagnoser, source)?;
        let report = py.detach(move || diagnoser.finish());
        PyReport::new(py, report)
    })
}

/// Diagnoses the complete text of an export (`str` or bytes-like), never taken for a path.
#[pyfunction]
pub fn diagnose_text(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyReport> {
    guarded(py, || {
        let bytes = chunk_bytes(text).map_err(|_| {
            PyTypeError::new_err(format!("text must be str or bytes, not {}", type_name(text)))
        })?;
        let report = py.detach(|| {
            let mut diagnoser = CoreDiagnoser::new();
            diagnoser.push_bytes(bytes.as_ref());
            diagnoser.finish()
        });
        PyReport::new(py, report)
    })
}

fn feed(py: Python<'_>, diagnoser: &mut CoreDiagnoser, source: &Bound<'_, PyAny>) -> PyResult<()> {
    if source.is_instance_of::<PyString>() {
        let text = text_argument(source, "source")?;
        if is_log_text(&text) {
            py.detach(|| diagnoser.push_bytes(text.as_bytes()));
            return Ok(());
        }
        return feed_path(py, diagnoser, Path::new(text.as_ref()));
    }
    if source.is_instance_of::<PyBytes>()
        || source.is_instance_of::<PyByteArray>()
        || source.is_instance_of::<PyMemoryView>()
    {
        let bytes = chunk_bytes(source)?;
        py.detach(|| diagnoser.push_bytes(bytes.as_ref()));
        return Ok(());
    }
    if source.hasattr("__fspath__")? {
        let path: PathBuf = source.extract()?;
        return feed_path(py, diagnoser, &path);
    }
    if source.hasattr("read")? {
        loop {
            let chunk = source.call_method1("read", (CHUNK,))?;
            let bytes = chunk_bytes(&chunk).map_err(|_| {
                PyTypeError::new_err(format!("read() returned {}, not str or bytes", type_name(&chunk)))
            })?;
            if bytes.as_ref().is_empty() {
                return Ok(());
            }
            py.detach(|| diagnoser.push_bytes(bytes.as_ref()));
        }
    }
    let lines = source.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "source must be a path, a file object, an iterable of lines, bytes or a str of log text, not {}",
            type_name(source)
        ))
    })?;
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    for line in lines {
        let line = line?;
        let bytes = chunk_bytes(&line).map_err(|_| {
            PyTypeError::new_err(format!("lines must be str or bytes, not {}", type_name(&line)))
        })?;
        let bytes = bytes.as_ref();
        buffer.extend_from_slice(bytes);
        if !bytes.ends_with(b"\n") {
            buffer.push(b'\n');
        }
        if buffer.len() >= CHUNK {
            py.detach(|| diagnoser.push_bytes(&buffer));
            buffer.clear();
        }
    }
    py.detach(|| diagnoser.push_bytes(&buffer));
    Ok(())
}

/// Reads a file, or every log file below a directory (each one a separate input).
fn feed_path(py: Python<'_>, diagnoser: &mut CoreDiagnoser, path: &Path) -> PyResult<()> {
    if path.is_dir() {
        let mut files = Vec::new();
        walk(path, &mut files);
        files.sort();
        if files.is_empty() {
            return Err(PyFileNotFoundError::new_err(format!(
                "{}: no .json, .jsonl, .csv, .log or .txt files in this directory",
                path.display()
            )));
        }
        for (number, file) in files.iter().enumerate() {
            if number > 0 {
                diagnoser.next_input();
            }
            read_file(py, diagnoser, file)?;
        }
        return Ok(());
    }
    if !path.exists() {
        return Err(PyFileNotFoundError::new_err((
            2,
            "No such file or directory (a str without a line break is taken for a path; use diagnose_text() \
             for log text)",
            path.display().to_string(),
        )));
    }
    read_file(py, diagnoser, path)
}

fn read_file(py: Python<'_>, diagnoser: &mut CoreDiagnoser, path: &Path) -> PyResult<()> {
    py.detach(|| -> std::io::Result<()> {
        let mut file = File::open(path)?;
        let mut buffer = vec![0; CHUNK];
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                return Ok(());
            }
            diagnoser.push_bytes(buffer.get(..read).unwrap_or_default());
        }
    })
    .map_err(|error| PyOSError::new_err(format!("{}: {error}", path.display())))
}

fn walk(directory: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| LOG_EXTENSIONS.contains(&e)) {
            files.push(path);
        }
    }
}

/// Registers the diagnosis types and functions on the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyReport>()?;
    module.add_class::<PySummary>()?;
    module.add_class::<PyCount>()?;
    module.add_class::<PyCodeCount>()?;
    module.add_class::<PySkipped>()?;
    module.add_class::<PyFleetFinding>()?;
    module.add_class::<PyDetails>()?;
    module.add_class::<PyOffender>()?;
    module.add_class::<PyTimelineEvent>()?;
    module.add_class::<PyEntryLink>()?;
    module.add_class::<PyRecordRef>()?;
    module.add_class::<PyDiagnoser>()?;
    module.add_function(wrap_pyfunction!(diagnose, module)?)?;
    module.add_function(wrap_pyfunction!(diagnose_text, module)?)
}
