//! The workspace's task runner: `cargo xtask <task>`. Run `cargo xtask help` for the list.

mod bench;
mod catalog_source;
mod ci;
mod codegen;
mod fuzz;
mod kql;
mod mobile;
mod python;
mod readme_snippets;
mod setup;
mod sync_article;
mod tidy;
mod tools;
mod wasm;
mod web;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  setup                   install what the test suites need (Debian packages, rustup target, npm and PyPI tools)
  ci                      setup, then everything CI checks: fmt, codegen --check, clippy, docs, article sync,
                          verbatim check, tests
  codegen [--check]       write every generated file: catalog tables, core/schema.json, binding types (--check: fail on drift)
  sync-article <file.md>  list codes added, removed or renamed between Microsoft's article and the catalog
  test [SUITE]            run every test suite, or one: rust, kql, wasm, web, python, mobile
  build TARGET            build one target: wasm (npm folder), web (portal), python (wheel), mobile (Kotlin/Swift/Python sources)
  dist                    the release artifacts: npm tarball, Python wheel, mobile sources and library
  bench [SUITE]           benchmarks, printed as one table: rust, python, js (no argument: all)
  mobile android|ios      device builds, on machines with the Android NDK or Xcode
  fuzz --seconds N [--target NAME]  run the cargo-fuzz targets, N seconds each
  help                    this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["setup"] => setup::run(&root),
        ["ci"] => ci::run(&root),
        ["codegen"] => codegen::run(&root, false),
        ["codegen", "--check"] => codegen::run(&root, true),
        ["sync-article", article] => sync_article::run(&root, Path::new(article)),
        ["test"] => ci::test(&root),
        ["test", "rust"] => ci::test_rust(&root),
        ["test", "kql"] => kql::test(&root),
        ["test", "wasm"] => wasm::test(&root),
        ["test", "web"] => web::test(&root),
        ["test", "python"] => python::test(&root),
        ["test", "mobile"] => mobile::test(&root),
        ["build", "wasm"] => wasm::build(&root),
        ["build", "web"] => web::build(&root),
        ["build", "python"] => python::build(&root),
        ["build", "mobile"] => mobile::build(&root),
        ["dist"] => wasm::dist(&root).and_then(|()| python::dist(&root)).and_then(|()| mobile::build(&root)),
        ["bench"] => bench::rust(&root).and_then(|()| python::bench(&root)).and_then(|()| wasm::bench(&root)),
        ["bench", "rust"] => bench::rust(&root),
        ["bench", "python"] => python::bench(&root),
        ["bench", "js"] => wasm::bench(&root),
        ["fuzz", "--seconds", seconds] => fuzz_seconds(seconds).and_then(|s| fuzz::run_all(&root, s, None)),
        ["fuzz", "--seconds", seconds, "--target", target] => {
            fuzz_seconds(seconds).and_then(|s| fuzz::run_all(&root, s, Some(target)))
        }
        ["mobile", "android"] => mobile::android(&root),
        ["mobile", "ios"] => mobile::ios(&root),
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

fn fuzz_seconds(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| format!("--seconds takes a whole number, not {text:?}"))
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or(manifest_dir.clone(), Path::to_path_buf)
}
