//! Placeholder while the benchmarks are written.

use std::path::Path;

pub fn rust(_root: &Path) -> Result<(), String> {
    Err("not implemented yet".into())
}
