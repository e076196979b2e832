//! `cargo xtask ci` and `cargo xtask test`: the checks a change must pass, in the order that fails fastest.

use std::path::Path;
use std::process::Command;

use crate::tools::{cargo, cargo_command, run as run_command, skipped, step};
use crate::{codegen, kql, mobile, python, setup, sync_article, wasm, web};

/// Where the reference material lives beside a checkout (present on developers' machines and in CI only).
const SHARED: &str = "../shared";
const ARTICLE: &str = "reference/troubleshoot-iot-hub-error-codes.md";
const VERBATIM_CHECK: &str = "tools/verbatim-check";

pub fn run(root: &Path) -> Result<(), String> {
    setup::run(root)?;
    step("cargo fmt --check", || cargo(root, &["fmt", "--all", "--check"]))?;
    step("codegen --check", || codegen::run(root, true))?;
    step("clippy -D warnings", || {
        cargo(root, &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])
    })?;
    step("clippy -D warnings, the core without its default features (the catalog alone)", || {
        cargo(
            root,
            &[
                "clippy",
                "-p",
                "iothub-errors",
                "--no-default-features",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        )
    })?;
    step("cargo doc -D warnings (every crate of the workspace)", || {
        let mut command = cargo_command(root);
        command.args(["doc", "--no-deps", "--locked", "--workspace"]).env("RUSTDOCFLAGS", "-D warnings");
        run_command(&mut command)
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

/// The Rust test suites of the core, the inputs crate, the CLI, the simulator and xtask.
pub fn test_rust(root: &Path) -> Result<(), String> {
    step("cargo test (core, inputs, CLI, simulator, xtask)", || {
        cargo(
            root,
            &[
                "test",
                "--locked",
                "-p",
                "iothub-errors",
                "-p",
                "iothub-errors-inputs",
                "-p",
                "iothub-errors-cli",
                "-p",
                "iothub-errors-sim",
                "-p",
                "xtask",
            ],
        )
    })?;
    step("cargo test, the core without its default features (the catalog alone)", || {
        cargo(root, &["test", "--locked", "-p", "iothub-errors", "--no-default-features"])
    })
}

/// Every test suite: Rust, then each binding through the artifact its users get.
pub fn test(root: &Path) -> Result<(), String> {
    test_rust(root)?;
    step("KQL queries (Kusto language library)", || kql::test(root))?;
    step("npm package (wasm)", || wasm::test(root))?;
    step("web portal", || web::test(root))?;
    step("Python package", || python::test(root))?;
    step("mobile bindings (uniffi)", || mobile::test(root))
}
