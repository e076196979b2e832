//! The web portal (`web/`): a Vite static site on the local npm package, tested end to end in Chromium.

use std::path::Path;
use std::process::Command;

use crate::tools::{run, step};
use crate::wasm;

/// `cargo xtask build web`: the package, then the portal into `web/dist` (static files; a service worker makes
/// it work offline once loaded).
pub fn build(root: &Path) -> Result<(), String> {
    wasm::build(root)?;
    let web = root.join("web");
    step("npm ci (web: vite, playwright-core, the local package)", || wasm::npm_ci(&web))?;
    step("vite build", || run(Command::new("npm").args(["run", "build", "--silent"]).current_dir(&web)))
}

/// `cargo xtask test web`: builds the portal and runs its Playwright tests in Debian's Chromium; screenshots go
/// to `target/web-screenshots/`.
pub fn test(root: &Path) -> Result<(), String> {
    build(root)?;
    step("portal end-to-end tests (Chromium)", || {
        wasm::ensure_chromium()?;
        run(Command::new("node")
            .args(["--test", "--test-reporter=spec", "tests/"])
            .env("IOTHUB_ERRORS_TESTDATA", root.join("testdata"))
            .env("IOTHUB_ERRORS_SCREENSHOTS", root.join("target/web-screenshots"))
            .current_dir(root.join("web")))
    })
}
