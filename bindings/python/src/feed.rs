//! Reading `diagnose(source)`: a path (file or directory walk), log text, bytes, a file object or an iterable
//! of lines, pushed into the core's `Diagnoser` with the GIL released while it reads.

use std::path::{Path, PathBuf};

use iothub_errors::diagnose::Diagnoser;
use iothub_errors_inputs::Problem;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

use crate::errors::{text_argument, type_name};

/// Bytes handed to the core at a time when reading files, file objects and lines.
const CHUNK: usize = 1 << 20;
/// A `str` longer than this (in UTF-8 bytes) is log text, never a path.
const MAX_PATH_BYTES: usize = 4096;

/// Bytes of a chunk: UTF-8 of a `str` (lone surrogates become `?`), or the bytes of a bytes-like object.
pub enum Chunk<'a> {
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

pub fn chunk_bytes<'a>(chunk: &'a Bound<'_, PyAny>) -> PyResult<Chunk<'a>> {
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

/// Feeds `source` to the diagnoser, as the README's table of sources says; other types raise `TypeError`.
pub fn feed(py: Python<'_>, diagnoser: &mut Diagnoser, source: &Bound<'_, PyAny>) -> PyResult<()> {
    if source.is_instance_of::<PyString>() {
        let text = text_argument(source, "source")?;
        if is_log_text(&text) {
            py.detach(|| diagnoser.push_bytes(text.as_bytes()));
            return Ok(());
        }
        return feed_path(py, diagnoser, Path::new(text.as_ref()), true);
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
        return feed_path(py, diagnoser, &path, false);
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

/// The path `source` names, when it is one (a `str` that is not log text, or an `os.PathLike`), and whether it
/// came as a `str`.
pub fn path_of(source: &Bound<'_, PyAny>) -> PyResult<Option<(PathBuf, bool)>> {
    if source.is_instance_of::<PyString>() {
        let text = text_argument(source, "source")?;
        return Ok((!is_log_text(&text)).then(|| (PathBuf::from(text.as_ref()), true)));
    }
    if source.hasattr("__fspath__")? {
        return Ok(Some((source.extract()?, false)));
    }
    Ok(None)
}

/// Reads a file, or every log file below a directory (each one a separate input), through the workspace's one
/// input reader (`iothub-errors-inputs`). `from_str` says whether the path came as a `str`, for the hint.
fn feed_path(py: Python<'_>, diagnoser: &mut Diagnoser, path: &Path, from_str: bool) -> PyResult<()> {
    let inputs = inputs_of_path(path, from_str)?;
    let failures = py.detach(|| iothub_errors_inputs::feed_all(diagnoser, &inputs, |_| {}));
    match failures.first() {
        Some(failure) => Err(PyOSError::new_err(failure.to_string())),
        None => Ok(()),
    }
}

/// The inputs a path names: the file, or the log files below a directory; `FileNotFoundError` when there are
/// none.
pub fn inputs_of_path(path: &Path, from_str: bool) -> PyResult<Vec<iothub_errors_inputs::Input>> {
    let expansion = iothub_errors_inputs::expand_path(path);
    if let Some(problem) = expansion.problems.first() {
        return Err(match problem {
            Problem::NotFound { .. } if from_str => PyFileNotFoundError::new_err((
                2,
                "No such file or directory (a str without a line break is taken for a path; use diagnose_text() \
                 for log text)",
                path.display().to_string(),
            )),
            Problem::NotFound { .. } => {
                PyFileNotFoundError::new_err((2, "No such file or directory", path.display().to_string()))
            }
            Problem::EmptyDirectory { .. } => PyFileNotFoundError::new_err(problem.to_string()),
            other => PyOSError::new_err(other.to_string()),
        });
    }
    Ok(expansion.inputs)
}
