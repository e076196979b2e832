//! The catalog side: `lookup`, `by_name`, `resolve`, `search`, `classify`, `classify_many`, `catalog`, and their
//! result types `Entry`, `Family`, `RetryAdvice`, `SdkView`, `Classification`, `Resolution`, `SearchHit`.

use std::borrow::Cow;

use iothub_errors::sdk::SdkView as CoreSdkView;
use iothub_errors::{
    Classification as CoreClassification, Entry as CoreEntry, Family as CoreFamily,
    RetryAdvice as CoreRetryAdvice,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::convert::{int_tuple, object_tuple, repr_num, repr_opt, repr_str, str_tuple, to_dict};
use crate::enums::{Actor, ErrorClass, MatchKind, RetryKind, Sdk, Severity, Source};
use crate::errors::{code_argument, core_error, guarded, type_name};
use crate::html;

/// One error of the catalog, with everything needed to explain and handle it. Entries are shared: `lookup`
/// returns the same object for the same code.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Entry")]
pub struct PyEntry {
    entry: &'static CoreEntry,
}

impl PartialEq for PyEntry {
    fn eq(&self, other: &PyEntry) -> bool {
        std::ptr::eq(self.entry, other.entry)
    }
}

impl std::hash::Hash for PyEntry {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.entry.name.hash(state);
    }
}

/// One `Entry` object per catalog entry, made on first use.
static ENTRY_OBJECTS: PyOnceLock<Vec<Py<PyEntry>>> = PyOnceLock::new();

/// The shared `Entry` object of a catalog entry.
pub fn entry_object(py: Python<'_>, entry: &'static CoreEntry) -> PyResult<Py<PyEntry>> {
    let objects = ENTRY_OBJECTS.get_or_try_init(py, || {
        iothub_errors::entries()
            .iter()
            .map(|entry| Py::new(py, PyEntry { entry }))
            .collect::<PyResult<Vec<_>>>()
    })?;
    match entry_index(entry).and_then(|index| objects.get(index)) {
        Some(object) => Ok(object.clone_ref(py)),
        None => Py::new(py, PyEntry { entry }),
    }
}

/// The position of an entry in `iothub_errors::entries()`, from its address (every entry the core returns
/// lives in that static table).
fn entry_index(entry: &'static CoreEntry) -> Option<usize> {
    let table = iothub_errors::entries();
    let offset = (entry as *const CoreEntry as usize).checked_sub(table.as_ptr() as usize)?;
    let index = offset / std::mem::size_of::<CoreEntry>().max(1);
    table.get(index).filter(|candidate| std::ptr::eq(*candidate, entry)).map(|_| index)
}

#[pymethods]
impl PyEntry {
    /// The six-digit code; `None` for the article's two code-less rows.
    #[getter]
    fn code(&self) -> Option<u32> {
        self.entry.code
    }
    /// The canonical name, as the service spells it.
    #[getter]
    fn name(&self) -> &'static str {
        self.entry.name
    }
    /// Other spellings and SDK exception names that mean exactly this error.
    #[getter]
    fn aliases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, self.entry.aliases)
    }
    /// Other numbers that resolve to this entry (404102 → 404103).
    #[getter]
    fn alias_codes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        int_tuple(py, self.entry.alias_codes)
    }
    /// The article section the code belongs to.
    #[getter]
    fn family(&self) -> Option<PyFamily> {
        self.entry.family.map(|family| PyFamily { family })
    }
    /// The HTTP-status class (`class` in `to_dict()`; `class` is a Python keyword).
    #[getter]
    fn error_class(&self) -> ErrorClass {
        ErrorClass::of(&self.entry.class)
    }
    /// The HTTP status; `None` when the error is only seen over AMQP/MQTT.
    #[getter]
    fn http_status(&self) -> Option<u16> {
        self.entry.http_status
    }
    /// True when the error only reaches clients as an AMQP/MQTT disconnect or link error.
    #[getter]
    fn amqp_mqtt_only(&self) -> bool {
        self.entry.amqp_mqtt_only
    }
    /// True when retrying the unchanged request can succeed.
    #[getter]
    fn transient(&self) -> bool {
        self.entry.transient
    }
    /// What a caller should do about retrying.
    #[getter]
    fn retry(&self) -> PyRetryAdvice {
        PyRetryAdvice { advice: self.entry.retry }
    }
    /// Who must act.
    #[getter]
    fn actor(&self) -> Actor {
        Actor::of(&self.entry.actor)
    }
    /// How bad it is.
    #[getter]
    fn severity(&self) -> Severity {
        Severity::of(&self.entry.severity)
    }
    /// Whether the code comes from the article or only from the SDKs.
    #[getter]
    fn source(&self) -> Source {
        Source::of(&self.entry.source)
    }
    /// One line saying what went wrong.
    #[getter]
    fn summary(&self) -> &'static str {
        self.entry.summary
    }
    /// Likely causes, most likely first.
    #[getter]
    fn causes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, self.entry.causes)
    }
    /// Steps that fix it, in the order to try them.
    #[getter]
    fn fixes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, self.entry.fixes)
    }
    /// Codes worth reading next.
    #[getter]
    fn related<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        int_tuple(py, self.entry.related)
    }
    /// Why a disputed fact was decided the way it was.
    #[getter]
    fn decision(&self) -> Option<&'static str> {
        self.entry.decision
    }
    /// What a person sees when this error happens (in-depth entries only).
    #[getter]
    fn symptoms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, self.entry.symptoms)
    }
    /// How to tell the causes apart (in-depth entries only).
    #[getter]
    fn diagnosis<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, self.entry.diagnosis)
    }
    /// Hard limits that matter for this error (in-depth entries only).
    #[getter]
    fn limits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, self.entry.limits)
    }
    /// Fragments of the service's own message texts (`*` stands for a variable part).
    #[getter]
    fn messages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        str_tuple(py, self.entry.messages)
    }
    /// What each SDK does with this error by itself.
    #[getter]
    fn sdk_views<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, iothub_errors::sdk::views(self.entry).map(|view| PySdkView { view }))
    }
    /// Link to the documentation section.
    #[getter]
    fn doc_url(&self) -> &'static str {
        self.entry.doc_url
    }
    /// The entry as a dict in the documented JSON shape (keys such as `class`, as in the CLI's `--json`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, self.entry)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Entry(code={}, name={}, error_class='{}', transient={}, summary={})",
            repr_num(self.entry.code),
            repr_str(py, self.entry.name),
            self.entry.class.as_str(),
            if self.entry.transient { "True" } else { "False" },
            repr_str(py, self.entry.summary)
        )
    }
    /// A card for notebooks: code, name, class, retry advice, who acts, fixes and the documentation link.
    fn _repr_html_(&self) -> String {
        html::entry_card(self.entry)
    }
}

/// A section of Microsoft's article: a code prefix such as `4001` and its title.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Family")]
#[derive(PartialEq, Hash)]
pub struct PyFamily {
    family: &'static CoreFamily,
}

#[pymethods]
impl PyFamily {
    /// The leading digits every code of the family shares, e.g. `"4001"`.
    #[getter]
    fn prefix(&self) -> &'static str {
        self.family.prefix
    }
    /// The article's section title, e.g. `"4001xx Routing"`.
    #[getter]
    fn title(&self) -> &'static str {
        self.family.title
    }
    /// The documentation link of the section.
    #[getter]
    fn doc_url(&self) -> &'static str {
        self.family.doc_url
    }
    /// `{"prefix", "title", "doc_url"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, self.family)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Family(prefix={}, title={})",
            repr_str(py, self.family.prefix),
            repr_str(py, self.family.title)
        )
    }
}

/// What a caller should do about retrying. `initial_ms`, `max_ms` and `jitter_percent` are set for
/// `RetryKind.BACKOFF` only.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "RetryAdvice")]
#[derive(PartialEq, Hash)]
pub struct PyRetryAdvice {
    advice: CoreRetryAdvice,
}

#[pymethods]
impl PyRetryAdvice {
    /// The kind of advice.
    #[getter]
    fn kind(&self) -> RetryKind {
        RetryKind::of(&self.advice)
    }
    /// First delay in milliseconds (backoff only).
    #[getter]
    fn initial_ms(&self) -> Option<u32> {
        match self.advice {
            CoreRetryAdvice::Backoff { initial_ms, .. } => Some(initial_ms),
            _ => None,
        }
    }
    /// Largest delay in milliseconds (backoff only).
    #[getter]
    fn max_ms(&self) -> Option<u32> {
        match self.advice {
            CoreRetryAdvice::Backoff { max_ms, .. } => Some(max_ms),
            _ => None,
        }
    }
    /// Random spread applied to each delay, in percent (backoff only).
    #[getter]
    fn jitter_percent(&self) -> Option<u8> {
        match self.advice {
            CoreRetryAdvice::Backoff { jitter_percent, .. } => Some(jitter_percent),
            _ => None,
        }
    }
    /// One sentence a person can act on.
    #[getter]
    fn description(&self) -> String {
        self.advice.describe()
    }
    /// `{"kind": ...}`, plus `initial_ms`, `max_ms`, `jitter_percent` for backoff.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.advice)
    }
    fn __repr__(&self) -> String {
        match self.advice {
            CoreRetryAdvice::Backoff { initial_ms, max_ms, jitter_percent } => format!(
                "RetryAdvice(kind='backoff', initial_ms={initial_ms}, max_ms={max_ms}, jitter_percent={jitter_percent})"
            ),
            other => format!("RetryAdvice(kind='{}')", other.kind()),
        }
    }
}

/// How one SDK handles one error on its own.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "SdkView")]
#[derive(PartialEq, Hash)]
pub struct PySdkView {
    view: CoreSdkView,
}

#[pymethods]
impl PySdkView {
    /// The SDK.
    #[getter]
    fn sdk(&self) -> Sdk {
        Sdk::of(&self.view.sdk)
    }
    /// True when the SDK's own code table lists this code.
    #[getter]
    fn knows_code(&self) -> bool {
        self.view.knows_code
    }
    /// The exception, error class or status the application sees.
    #[getter]
    fn surfaces_as(&self) -> &'static str {
        self.view.surfaces_as
    }
    /// Whether the SDK marks the error transient; `None` where it has no such notion.
    #[getter]
    fn transient(&self) -> Option<bool> {
        self.view.transient
    }
    /// What the SDK's default policy then does.
    #[getter]
    fn policy(&self) -> &'static str {
        self.view.policy
    }
    /// `{"sdk", "knows_code", "surfaces_as", "transient", "policy"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.view)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SdkView(sdk='{}', surfaces_as={}, transient={})",
            self.view.sdk.as_str(),
            repr_str(py, self.view.surfaces_as),
            self.view.transient.map_or("None", |t| if t { "True" } else { "False" })
        )
    }
}

/// What to make of a code, listed or not: class, family, transience, retry advice, who acts.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Classification")]
#[derive(PartialEq, Hash)]
pub struct PyClassification {
    classification: CoreClassification,
}

impl PyClassification {
    fn new(classification: CoreClassification) -> PyClassification {
        PyClassification { classification }
    }
}

#[pymethods]
impl PyClassification {
    /// The six-digit code, when there is one.
    #[getter]
    fn code(&self) -> Option<u32> {
        self.classification.code
    }
    /// The catalog name, when the code is listed.
    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.classification.name
    }
    /// True when the code is listed in the catalog; false when judged by its class and family alone.
    #[getter]
    fn known(&self) -> bool {
        self.classification.known
    }
    /// The HTTP-status class (`class` in `to_dict()`).
    #[getter]
    fn error_class(&self) -> ErrorClass {
        ErrorClass::of(&self.classification.class)
    }
    /// The HTTP status; `None` for AMQP/MQTT-only errors.
    #[getter]
    fn http_status(&self) -> Option<u16> {
        self.classification.http_status
    }
    /// The article section of the code, when its prefix is known.
    #[getter]
    fn family(&self) -> Option<PyFamily> {
        self.classification.family.map(|family| PyFamily { family })
    }
    /// True when retrying the unchanged request can succeed.
    #[getter]
    fn transient(&self) -> bool {
        self.classification.transient
    }
    /// What a caller should do about retrying.
    #[getter]
    fn retry(&self) -> PyRetryAdvice {
        PyRetryAdvice { advice: self.classification.retry }
    }
    /// Who must act.
    #[getter]
    fn actor(&self) -> Actor {
        Actor::of(&self.classification.actor)
    }
    /// How bad it is.
    #[getter]
    fn severity(&self) -> Severity {
        Severity::of(&self.classification.severity)
    }
    /// What each SDK does with it by itself.
    #[getter]
    fn sdk_views<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        object_tuple(py, self.classification.sdk_views.map(|view| PySdkView { view }))
    }
    /// The classification as a dict in the documented JSON shape (`class`, `family` as its title, ...).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.classification)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let c = &self.classification;
        format!(
            "Classification(code={}, name={}, known={}, error_class='{}', transient={}, retry='{}', actor='{}')",
            repr_num(c.code),
            repr_opt(py, c.name),
            if c.known { "True" } else { "False" },
            c.class.as_str(),
            if c.transient { "True" } else { "False" },
            c.retry.kind(),
            c.actor.as_str()
        )
    }
}

/// The answer of `resolve`: how the input matched, the entry (absent for unlisted codes) and the
/// classification.
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "Resolution")]
#[derive(PartialEq, Hash)]
pub struct PyResolution {
    resolution: iothub_errors::Resolution,
}

#[pymethods]
impl PyResolution {
    /// How the input matched.
    #[getter]
    fn matched_by(&self) -> MatchKind {
        MatchKind::of(&self.resolution.matched_by)
    }
    /// The catalog entry; `None` for a well-formed code the catalog does not list.
    #[getter]
    fn entry(&self, py: Python<'_>) -> PyResult<Option<Py<PyEntry>>> {
        self.resolution.entry.map(|entry| entry_object(py, entry)).transpose()
    }
    /// The classification (always present).
    #[getter]
    fn classification(&self) -> PyClassification {
        PyClassification::new(self.resolution.classification.clone())
    }
    /// `{"matched_by", "entry", "classification"}` in the documented JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.resolution)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let c = &self.resolution.classification;
        format!(
            "Resolution(matched_by='{}', code={}, name={})",
            MatchKind::of(&self.resolution.matched_by).as_str(),
            repr_num(c.code),
            repr_opt(py, c.name)
        )
    }
}

/// One search result: the entry and its relevance (only the order of scores is meaningful).
#[pyclass(frozen, eq, hash, module = "iothub_errors", name = "SearchHit")]
#[derive(PartialEq, Hash)]
pub struct PySearchHit {
    hit: iothub_errors::SearchHit,
}

#[pymethods]
impl PySearchHit {
    /// The matching entry.
    #[getter]
    fn entry(&self, py: Python<'_>) -> PyResult<Py<PyEntry>> {
        entry_object(py, self.hit.entry)
    }
    /// Relevance; higher is better.
    #[getter]
    fn score(&self) -> u32 {
        self.hit.score
    }
    /// `{"entry": {...}, "score": n}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        to_dict(py, &self.hit)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SearchHit(code={}, name={}, score={})",
            repr_num(self.hit.entry.code),
            repr_str(py, self.hit.entry.name),
            self.hit.score
        )
    }
}

/// The text of a `str` argument. Lone surrogates (which UTF-8 cannot hold) become `?`, one character for
/// one, so that positions in the text stay those of the Python string.
pub fn text_argument<'a>(value: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, str>> {
    let text = value
        .cast::<PyString>()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a str, not {}", type_name(value))))?;
    match text.to_cow() {
        Ok(text) => Ok(text),
        Err(_) => {
            let bytes = text.call_method1("encode", ("utf-8", "replace"))?;
            let bytes: Vec<u8> = bytes.extract()?;
            Ok(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
        }
    }
}

/// The catalog entry of a six-digit code (alias codes give their entry: 404102 → DeviceNotOnline 404103).
///
/// Raises `UnknownCodeError` for a well-formed unlisted code, `InvalidInputError` for a number that is not
/// an IoT Hub code, `TypeError` for anything but an int.
#[pyfunction]
pub fn lookup(py: Python<'_>, code: &Bound<'_, PyAny>) -> PyResult<Py<PyEntry>> {
    guarded(py, || {
        let code = code_argument(py, code)?;
        let entry = iothub_errors::lookup(code).map_err(|error| core_error(py, &error))?;
        entry_object(py, entry)
    })
}

/// The catalog entry with this name or alias, ignoring case (`"DeviceNotFound"`, `"iothubunauthorized"`).
#[pyfunction]
pub fn by_name(py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<Py<PyEntry>> {
    guarded(py, || {
        let name = text_argument(name, "name")?;
        let entry = iothub_errors::by_name(&name).map_err(|error| core_error(py, &error))?;
        entry_object(py, entry)
    })
}

/// Resolves what people type or paste: a code, a name, an alias, `"Error 401003"`, `aka.ms/iothub404103`.
#[pyfunction]
pub fn resolve(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyResolution> {
    guarded(py, || {
        let text = text_argument(text, "text")?;
        let resolution = iothub_errors::resolve(&text).map_err(|error| core_error(py, &error))?;
        Ok(PyResolution { resolution })
    })
}

/// Entries matching the words of `query`, best first.
#[pyfunction]
pub fn search(py: Python<'_>, query: &Bound<'_, PyAny>) -> PyResult<Vec<PySearchHit>> {
    guarded(py, || {
        let query = text_argument(query, "query")?;
        let hits = iothub_errors::search(&query).map_err(|error| core_error(py, &error))?;
        Ok(hits.into_iter().map(|hit| PySearchHit { hit }).collect())
    })
}

/// Classifies any well-formed six-digit code, listed in the catalog or not.
#[pyfunction]
pub fn classify(py: Python<'_>, code: &Bound<'_, PyAny>) -> PyResult<PyClassification> {
    guarded(py, || {
        let code = code_argument(py, code)?;
        let classification = iothub_errors::classify(code).map_err(|error| core_error(py, &error))?;
        Ok(PyClassification::new(classification))
    })
}

/// Classifies every code of an iterable, in order, with the GIL released while classifying. The first code
/// that is not an int raises `TypeError`; the first that is not an IoT Hub code raises `InvalidInputError`,
/// whose message gives its position.
#[pyfunction]
pub fn classify_many(py: Python<'_>, codes: &Bound<'_, PyAny>) -> PyResult<Vec<PyClassification>> {
    guarded(py, || {
        if codes.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("codes must be an iterable of ints, not a str"));
        }
        let mut numbers = Vec::new();
        for code in codes.try_iter()? {
            numbers.push(code_argument(py, &code?)?);
        }
        let results: Vec<_> =
            py.detach(|| numbers.iter().map(|&code| iothub_errors::classify(code)).collect());
        let mut classifications = Vec::with_capacity(results.len());
        for (position, result) in results.into_iter().enumerate() {
            match result {
                Ok(classification) => classifications.push(PyClassification::new(classification)),
                Err(error) => {
                    let failure = core_error(py, &error);
                    let message = format!("codes[{position}]: {error}");
                    failure.value(py).setattr("args", (message,))?;
                    return Err(failure);
                }
            }
        }
        Ok(classifications)
    })
}

/// Every catalog entry: numbered codes in ascending order, then the two code-less rows.
#[pyfunction]
pub fn catalog(py: Python<'_>) -> PyResult<Vec<Py<PyEntry>>> {
    guarded(py, || iothub_errors::entries().iter().map(|entry| entry_object(py, entry)).collect())
}

/// Registers the catalog types and functions on the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyEntry>()?;
    module.add_class::<PyFamily>()?;
    module.add_class::<PyRetryAdvice>()?;
    module.add_class::<PySdkView>()?;
    module.add_class::<PyClassification>()?;
    module.add_class::<PyResolution>()?;
    module.add_class::<PySearchHit>()?;
    module.add_function(wrap_pyfunction!(lookup, module)?)?;
    module.add_function(wrap_pyfunction!(by_name, module)?)?;
    module.add_function(wrap_pyfunction!(resolve, module)?)?;
    module.add_function(wrap_pyfunction!(search, module)?)?;
    module.add_function(wrap_pyfunction!(classify, module)?)?;
    module.add_function(wrap_pyfunction!(classify_many, module)?)?;
    module.add_function(wrap_pyfunction!(catalog, module)?)
}
