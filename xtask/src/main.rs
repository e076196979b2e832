//! The workspace's task runner: `cargo xtask <task>`. Run `cargo xtask help` for the list.

mod catalog_source;
mod ci;
mod codegen;
mod sync_article;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  ci                      everything CI checks: fmt, clippy, codegen --check, article sync, verbatim check, tests
  codegen [--check]       compile core/data/catalog.toml into core/src/catalog/generated.rs (--check: fail on drift)
  sync-article <file.md>  list codes added, removed or renamed between Microsoft's article and the catalog
  test                    run every test suite
  help                    this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["ci"] => ci::run(&root),
        ["codegen"] => codegen::run(&root, false),
        ["codegen", "--check"] => codegen::run(&root, true),
        ["sync-article", article] => sync_article::run(&root, Path::new(article)),
        ["test"] => ci::test(&root),
        [] | ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            Ok(())
        }
        _ => {
            eprint!("unknown task: {}\n\n{HELP}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or(manifest_dir.clone(), Path::to_path_buf)
}
