//! The exceptions of the package (their `kind` strings are the core's `ErrorKind::as_str`), the mapping of the
//! core's `Error` onto them, argument checks, and the guard that turns a (never expected) Rust panic into an
//! `IotHubErrorsError` instead of pyo3's `PanicException`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use std::borrow::Cow;

use iothub_errors::{Error, ErrorKind};
use pyo3::exceptions::{PyException, PyLookupError, PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple, PyType};

/// The exception classes, created once per interpreter with `type(name, bases, namespace)` because two of
/// them derive from two builtins (`create_exception!` takes a single base).
pub struct Exceptions {
    /// `IotHubErrorsError(Exception)`: the base of every error the package raises on purpose.
    pub base: Py<PyType>,
    /// `UnknownCodeError(IotHubErrorsError, LookupError)`.
    pub unknown_code: Py<PyType>,
    /// `UnknownNameError(IotHubErrorsError, LookupError)`.
    pub unknown_name: Py<PyType>,
    /// `InvalidInputError(IotHubErrorsError, ValueError)`.
    pub invalid_input: Py<PyType>,
}

static EXCEPTIONS: PyOnceLock<Exceptions> = PyOnceLock::new();

/// The exception classes of this interpreter.
pub fn exceptions(py: Python<'_>) -> PyResult<&'static Exceptions> {
    EXCEPTIONS.get_or_try_init(py, || {
        let kinds: Vec<String> = ErrorKind::ALL.iter().map(|kind| format!("`{}`", kind.as_str())).collect();
        let base = new_exception(
            py,
            "IotHubErrorsError",
            PyTuple::new(py, [py.get_type::<PyException>()])?,
            &format!(
                "Base of every error iothub_errors raises on purpose. `kind` is the stable identifier of the \
                 cause ({}, or `internal` for a fault inside the library).",
                kinds.join(", ")
            ),
            &[("kind", "internal")],
        )?;
        let unknown_code = new_exception(
            py,
            "UnknownCodeError",
            PyTuple::new(py, [base.bind(py).clone(), py.get_type::<PyLookupError>()])?,
            "A well-formed code the catalog does not list (`classify` still classifies it). `code` is the \
             code.",
            &[("kind", ErrorKind::UnknownCode.as_str())],
        )?;
        let unknown_name = new_exception(
            py,
            "UnknownNameError",
            PyTuple::new(py, [base.bind(py).clone(), py.get_type::<PyLookupError>()])?,
            "No catalog entry has this name or alias. `name` is the name looked for (shortened when long).",
            &[("kind", ErrorKind::UnknownName.as_str())],
        )?;
        let invalid_input = new_exception(
            py,
            "InvalidInputError",
            PyTuple::new(py, [base.bind(py).clone(), py.get_type::<PyValueError>()])?,
            "The input cannot be answered: empty, too long, not an IoT Hub code, or not an error body \
             (see `kind`).",
            &[("kind", ErrorKind::InvalidCode.as_str())],
        )?;
        Ok(Exceptions { base, unknown_code, unknown_name, invalid_input })
    })
}

fn new_exception(
    py: Python<'_>,
    name: &str,
    bases: Bound<'_, PyTuple>,
    doc: &str,
    attributes: &[(&str, &str)],
) -> PyResult<Py<PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "iothub_errors")?;
    namespace.set_item("__doc__", doc)?;
    for (key, value) in attributes {
        namespace.set_item(key, value)?;
    }
    let class = py.get_type::<PyType>().call1((name, bases, namespace))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

/// The Python exception for a core error: its class by kind, with `kind` (and `code` or `name`) set.
pub fn core_error(py: Python<'_>, error: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let classes = exceptions(py)?;
        let class = match error {
            Error::UnknownCode { .. } => &classes.unknown_code,
            Error::UnknownName { .. } => &classes.unknown_name,
            Error::EmptyInput
            | Error::InputTooLong { .. }
            | Error::InvalidCode { .. }
            | Error::NotAnErrorBody { .. }
            | Error::InvalidPartial { .. } => &classes.invalid_input,
            _ => &classes.base,
        };
        let instance = class.bind(py).call1((error.to_string(),))?;
        instance.setattr("kind", error.kind().as_str())?;
        match error {
            Error::UnknownCode { code } => instance.setattr("code", code)?,
            Error::UnknownName { name } => instance.setattr("name", name)?,
            _ => {}
        }
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|failure| failure)
}

/// An `IotHubErrorsError` of kind `internal`: a fault inside the library, never the caller's input.
fn internal_error(py: Python<'_>, message: &str) -> PyErr {
    match exceptions(py) {
        Ok(classes) => PyErr::from_type(
            classes.base.bind(py).clone(),
            format!("internal error in iothub_errors (please report it): {message}"),
        ),
        Err(failure) => failure,
    }
}

/// Runs an entry point, turning a Rust panic into `IotHubErrorsError` (kind `internal`).
///
/// The core never panics (its lints deny it and its tests feed it hostile input); this guard keeps pyo3's
/// `PanicException`, a `BaseException` that `except Exception` does not catch, from ever reaching users.
pub fn guarded<T>(py: Python<'_>, call: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a Rust panic".to_owned());
            Err(internal_error(py, &message))
        }
    }
}

/// A six-digit code argument: an `int` (or an object with `__index__`, such as a NumPy integer).
///
/// `bool`, `float`, `str` and other types raise `TypeError`; integers outside 0..=4294967295 raise
/// `InvalidInputError` of kind `invalid-code` (the core rejects every other number that is not a code).
pub fn code_argument(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<u32> {
    if value.is_instance_of::<PyBool>() || !(value.is_instance_of::<PyInt>() || value.hasattr("__index__")?) {
        return Err(PyTypeError::new_err(format!(
            "a code must be an int, not {}{}",
            type_name(value),
            code_hint(value)
        )));
    }
    match value.extract::<u32>() {
        Ok(code) => Ok(code),
        Err(failure) if failure.is_instance_of::<PyOverflowError>(py) => {
            let written = value.str().map(|text| text.to_string()).unwrap_or_default();
            let reason = if written.starts_with('-') {
                "codes are whole six-digit numbers"
            } else {
                "codes have exactly six digits"
            };
            Err(core_error(py, &Error::InvalidCode { input: shorten(&written), reason }))
        }
        Err(failure) => Err(failure),
    }
}

/// What to do instead, fitting the type of a wrong code argument: text goes to `resolve()`, a float (a pandas
/// column with missing values holds floats) is converted first, a bool is no code; other types get no hint.
fn code_hint(value: &Bound<'_, PyAny>) -> &'static str {
    if value.is_instance_of::<PyString>() {
        "; use resolve() for text such as \"Error 404103\""
    } else if value.is_instance_of::<PyFloat>() {
        "; convert it with int() (a pandas column with missing values holds floats: drop them, then .astype(int))"
    } else {
        ""
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

/// An HTTP status argument: an int from 100 to 599.
pub fn status_argument(value: &Bound<'_, PyAny>) -> PyResult<u16> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!("http_status must be an int, not {}", type_name(value))));
    }
    match value.extract::<i64>() {
        Ok(status @ 100..=599) => Ok(status as u16),
        _ => Err(PyValueError::new_err("http_status must be an HTTP status from 100 to 599")),
    }
}

/// The type name of a value, for `TypeError` messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value.get_type().name().map(|name| name.to_string()).unwrap_or_else(|_| "?".to_owned())
}

/// At most 64 characters of an input, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// Exists so that the test suite can prove that a Rust panic surfaces as `IotHubErrorsError`.
#[pyfunction]
pub fn _check_panic_guard(py: Python<'_>) -> PyResult<()> {
    guarded(py, || {
        std::panic::panic_any("deliberate panic to test the guard".to_owned());
    })
}
