//! The native module `iothub_errors._native` of the Python package `iothub-errors`: a thin, typed mapping of
//! the `iothub-errors` core.
//!
//! Every entry point runs inside [`errors::guarded`], so a Rust panic becomes `IotHubErrorsError` and never
//! pyo3's `PanicException`. Core errors map to `UnknownCodeError` / `UnknownNameError` (also `LookupError`) and
//! `InvalidInputError` (also `ValueError`); wrong argument types raise `TypeError`. Results are frozen classes
//! with `__repr__`, `__eq__`, `__hash__` and `to_dict()`; enumerations compare equal to their JSON names.
//! `classify_many`, `scan_many`, `diagnose` and the `Diagnoser` release the GIL while the core works.

mod catalog;
mod convert;
mod diagnose;
mod enums;
mod errors;
mod html;
mod scan;

use pyo3::prelude::*;

/// The module: classes, functions and exceptions (nothing is computed at import).
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let exceptions = errors::exceptions(py)?;
    module.add("IotHubErrorsError", exceptions.base.clone_ref(py))?;
    module.add("UnknownCodeError", exceptions.unknown_code.clone_ref(py))?;
    module.add("UnknownNameError", exceptions.unknown_name.clone_ref(py))?;
    module.add("InvalidInputError", exceptions.invalid_input.clone_ref(py))?;
    module.add("MAX_QUERY_LEN", iothub_errors::MAX_QUERY_LEN)?;
    enums::register(module)?;
    catalog::register(module)?;
    scan::register(module)?;
    diagnose::register(module)?;
    module.add_function(wrap_pyfunction!(errors::_check_panic_guard, module)?)
}
