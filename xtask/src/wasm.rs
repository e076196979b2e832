//! Placeholder while the wasm tasks are written (see the open issue).

use std::path::Path;

pub fn build(_root: &Path) -> Result<(), String> {
    Err("not implemented yet".into())
}

pub fn test(_root: &Path) -> Result<(), String> {
    Err("not implemented yet".into())
}

pub fn dist(_root: &Path) -> Result<(), String> {
    Err("not implemented yet".into())
}

pub fn bench(_root: &Path) -> Result<(), String> {
    Err("not implemented yet".into())
}
