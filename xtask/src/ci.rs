//! `cargo xtask ci` and `cargo xtask test`: the checks a change must pass, in the order that fails fastest.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::{codegen, sync_article};

/// Where the reference material lives beside a checkout (present on developers' machines and in CI only).
const SHARED: &str = "../shared";
const ARTICLE: &str = "reference/troubleshoot-iot-hub-error-codes.md";
const VERBATIM_CHECK: &str = "tools/verbatim-check";

pub fn run(root: &Path) -> Result<(), String> {
    step("cargo fmt --check", || cargo(root, &["fmt", "--all", "--check"]))?;
    step("codegen --check", || codegen::run(root, true))?;
    step("clippy -D warnings", || {
        cargo(root, &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])
    })?;
    let shared = root.join(SHARED);
    step("sync-article", || {
        let article = shared.join(ARTICLE);
        if article.is_file() {
            sync_article::run(root, &article)
        } else {
            skipped(&format!(
                "{} is not present (it exists only beside CI and developer checkouts)",
                article.display()
            ))
        }
    })?;
    step("verbatim-check", || {
        let checker = shared.join(VERBATIM_CHECK);
        if checker.is_file() {
            run_command(Command::new(&checker).arg("--repo").arg(root))
        } else {
            skipped(&format!(
                "{} is not present (it exists only beside CI and developer checkouts)",
                checker.display()
            ))
        }
    })?;
    test(root)
}

pub fn test(root: &Path) -> Result<(), String> {
    step("cargo test (core, CLI, xtask)", || cargo(root, &["test", "--workspace", "--locked"]))
}

fn step(name: &str, action: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    println!("==> {name}");
    let started = Instant::now();
    let result = action();
    let seconds = started.elapsed().as_secs_f32();
    match &result {
        Ok(()) => println!("<== {name}: ok ({seconds:.1} s)"),
        Err(_) => println!("<== {name}: FAILED ({seconds:.1} s)"),
    }
    result.map_err(|e| format!("{name}: {e}"))
}

fn skipped(why: &str) -> Result<(), String> {
    println!("SKIPPED: {why}");
    Ok(())
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run_command(Command::new(cargo).args(args).current_dir(root))
}

fn run_command(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot start {command:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} exited with {status}")) }
}
