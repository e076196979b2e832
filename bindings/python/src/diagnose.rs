//! Fleet diagnosis: `diagnose`, `diagnose_text` and the streaming `Diagnoser`; reports cross in their JSON shape.

use std::sync::{Mutex, PoisonError};

use iothub_errors::diagnose::{Diagnoser as CoreDiagnoser, Partial};
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::api::to_py;
use crate::errors::{core_error, guarded, type_name};
use crate::feed::{chunk_bytes, feed, inputs_of_path, path_of};

/// Streaming diagnosis: `push` chunks of an export (str or bytes, any chunking), `next_input` between files,
/// then `finish` for the report. The GIL is released while a chunk is processed. After `finish`, every call
/// raises `ValueError`. The package's `Diagnoser` wraps this class; its `finish` returns a `Report`.
#[pyclass(frozen, module = "iothub_errors._native", name = "Diagnoser")]
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
    /// Ends the input and returns the report in its JSON shape.
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            let report = py.detach(|| {
                let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                state.take().map(CoreDiagnoser::finish)
            });
            to_py(py, &report.ok_or_else(finished)?)
        })
    }
    /// Ends the input and returns its mergeable state as bytes, for `merge_partials`.
    fn finish_partial<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guarded(py, || {
            let json = py.detach(|| {
                let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                state.take().map(|diagnoser| diagnoser.finish_partial().to_json())
            });
            Ok(PyBytes::new(py, json.ok_or_else(finished)?.as_bytes()))
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

/// The `Report` of IoT Hub logs read from `source` (see `feed`), in its JSON shape. A path is read by `jobs`
/// worker threads (default: the available parallelism); the report is the same for any number.
#[pyfunction]
#[pyo3(signature = (source, jobs = None))]
fn diagnose<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    jobs: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        if jobs == Some(0) {
            return Err(PyValueError::new_err("jobs must be at least 1"));
        }
        if let Some((path, from_str)) = path_of(source)? {
            let inputs = inputs_of_path(&path, from_str)?;
            let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
            let (report, failures) = py.detach(|| iothub_errors_inputs::diagnose_all(&inputs, jobs, &|_| {}));
            if let Some(failure) = failures.first() {
                return Err(PyOSError::new_err(failure.to_string()));
            }
            return to_py(py, &report);
        }
        let mut diagnoser = CoreDiagnoser::new();
        feed(py, &mut diagnoser, source)?;
        let report = py.detach(move || diagnoser.finish());
        to_py(py, &report)
    })
}

/// The `Report` of the partials of diagnosers that read disjoint devices (`Diagnoser.finish_partial`), merged
/// in any order, in its JSON shape.
#[pyfunction]
fn merge_partials<'py>(py: Python<'py>, partials: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let mut merged = Partial::default();
        for item in partials.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "partials must be an iterable of bytes, not {}",
                type_name(partials)
            ))
        })? {
            let item = item?;
            let bytes = chunk_bytes(&item).map_err(|_| {
                PyTypeError::new_err(format!("each partial must be bytes, not {}", type_name(&item)))
            })?;
            let partial = py.detach(|| Partial::from_json(bytes.as_ref())).map_err(|e| core_error(py, &e))?;
            py.detach(|| merged.merge(partial));
        }
        let report = py.detach(|| merged.finish()).map_err(|e| core_error(py, &e))?;
        to_py(py, &report)
    })
}

/// The `Report` of the complete text of an export (`str` or bytes-like), never taken for a path.
#[pyfunction]
fn diagnose_text<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let bytes = chunk_bytes(text).map_err(|_| {
            PyTypeError::new_err(format!("text must be str or bytes, not {}", type_name(text)))
        })?;
        let report = py.detach(|| {
            let mut diagnoser = CoreDiagnoser::new();
            diagnoser.push_bytes(bytes.as_ref());
            diagnoser.finish()
        });
        to_py(py, &report)
    })
}

/// Registers the `Diagnoser` and the functions on the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyDiagnoser>()?;
    module.add_function(wrap_pyfunction!(diagnose, module)?)?;
    module.add_function(wrap_pyfunction!(merge_partials, module)?)?;
    module.add_function(wrap_pyfunction!(diagnose_text, module)?)
}
