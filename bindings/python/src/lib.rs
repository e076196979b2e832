//! The native module `iothub_errors._native` of the Python package `iothub-errors`: the core's functions, with
//! their results as plain Python values in the JSON shape of `core/schema.json` (dicts, lists, strings,
//! numbers). The package (`python/src/iothub_errors`) wraps them into the generated classes of `_types.py`.
//!
//! Every entry point runs inside `errors::guarded`, so a Rust panic becomes `IotHubErrorsError` and never
//! pyo3's `PanicException`. Core errors map to `UnknownCodeError` / `UnknownNameError` (also `LookupError`) and
//! `InvalidInputError` (also `ValueError`); wrong argument types raise `TypeError`. `classify_many`,
//! `scan_many`, `diagnose` and the `Diagnoser` release the GIL while the core works.

mod api;
mod diagnose;
mod errors;
mod feed;

use pyo3::prelude::*;

/// The module: functions, the `Diagnoser` and the exceptions (nothing is computed at import).
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
    api::register(module)?;
    diagnose::register(module)?;
    module.add_function(wrap_pyfunction!(errors::_check_panic_guard, module)?)
}
