//! `cargo xtask codegen [--check]`: every generated file of the workspace, written from its one source.
//!
//! - `core/src/catalog/generated.rs` from `core/data/catalog.toml` (the catalog's static tables);
//! - `core/src/scan/evidence_generated.rs` from `core/data/evidence.tsv` (the scanner's evidence rules);
//! - `core/schema.json`, the JSON Schema of every type the core serializes (from the core's own types);
//! - each binding's types, generated from that schema (`python/src/iothub_errors/_types.py`).
//!
//! `--check` fails when a committed file differs from what would be generated; the test
//! `generated_files_are_fresh` runs the same check inside `cargo test`.

mod catalog;
mod evidence;
mod python;
mod schema;
mod typescript;
mod uniffi;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

pub use catalog::DATA_FILE;

/// One generated file: its path from the workspace root and its contents.
struct Generated {
    path: &'static str,
    text: String,
}

/// Every generated file, freshly generated.
fn generate_all(root: &Path) -> Result<Vec<Generated>, String> {
    let schema = schema::document();
    Ok(vec![
        Generated { path: "core/src/catalog/generated.rs", text: catalog::generate(root)? },
        Generated { path: evidence::GENERATED_FILE, text: evidence::generate(root)? },
        Generated { path: schema::SCHEMA_FILE, text: schema::render(&schema)? },
        Generated { path: typescript::DECLARATIONS_FILE, text: typescript::declarations(&schema)? },
        Generated { path: typescript::KEYS_FILE, text: typescript::keys(&schema)? },
        Generated { path: typescript::NAMES_FILE, text: typescript::names(&schema)? },
        Generated { path: uniffi::GENERATED_FILE, text: uniffi::generate(root, &schema)? },
        Generated {
            path: python::TYPES_FILE,
            text: python::generate(&schema, &python::EXTRAS, &python::DATE_TIMES)?,
        },
    ])
}

/// The generated files whose committed contents differ from what would be generated now.
fn stale(root: &Path, files: &[Generated]) -> Vec<&'static str> {
    files
        .iter()
        .filter(|file| std::fs::read_to_string(root.join(file.path)).ok().as_deref() != Some(&file.text))
        .map(|file| file.path)
        .collect()
}

/// Regenerates every file, or with `check` fails when a committed file differs from what would be generated.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let files = generate_all(root)?;
    let stale = stale(root, &files);
    if stale.is_empty() {
        println!("codegen: {} generated files are up to date", files.len());
        return Ok(());
    }
    if check {
        return Err(format!(
            "out of date: {}; run `cargo xtask codegen` and commit the result",
            stale.join(", ")
        ));
    }
    for file in files.iter().filter(|file| stale.contains(&file.path)) {
        let path = root.join(file.path);
        std::fs::write(&path, &file.text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("codegen: wrote {}", file.path);
    }
    Ok(())
}

/// Formats generated code exactly as `cargo fmt` would, so `fmt --check` and `codegen --check` agree.
fn rustfmt(root: &Path, code: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("rustfmt has no stdin")?
        .write_all(code.as_bytes())
        .map_err(|e| format!("rustfmt: {e}"))?;
    let output = child.wait_with_output().map_err(|e| format!("rustfmt: {e}"))?;
    if !output.status.success() {
        return Err("rustfmt rejected the generated code".into());
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt: {e}"))
}

#[cfg(test)]
mod tests {
    /// The invariant "nobody edits generated code", checked by `cargo test` as well as by `xtask ci`.
    #[test]
    fn generated_files_are_fresh() {
        let root = crate::workspace_root();
        let files = super::generate_all(&root).unwrap();
        let stale = super::stale(&root, &files);
        assert!(stale.is_empty(), "run `cargo xtask codegen`: stale {stale:?}");
    }
}
