//! `cargo xtask setup`: installs what the test suites need, checking each piece first so that a second run takes
//! seconds. `ci` runs it first; each suite still installs what it lacks on its own (`cargo xtask test python`).
//!
//! Installed: Debian's packages (Chromium for the browser tests, JNA and a JRE where `java` is missing for the
//! Kotlin tests, `python3-venv` where `python3` cannot create a venv), the wasm32 rustup target, the npm tools of
//! the wasm package, a venv with maturin from PyPI, and kotlinc from npm. The machine must already have
//! `rustup`, `python3`, and Node.js with `npm`; Debian's packages need root and `apt-get`.

use std::path::Path;

use crate::tools::{ensure_apt, on_path, step};
use crate::{mobile, python, wasm};

/// Programs this task does not install.
const REQUIRED_PROGRAMS: [&str; 4] = ["rustup", "python3", "node", "npm"];

/// Installs whatever is missing, piece by piece; fails on the first piece that cannot be installed.
pub fn run(root: &Path) -> Result<(), String> {
    step("setup: programs on PATH", check_programs)?;
    step("setup: Debian packages", || ensure_apt(&apt_packages()))?;
    step("setup: wasm32 target and npm tools", || wasm::install_tools(root))?;
    step("setup: Python tools venv (maturin)", || python::ensure_tools(root).map(drop))?;
    step("setup: kotlinc", || mobile::install_kotlinc(root))
}

fn check_programs() -> Result<(), String> {
    let missing: Vec<&str> = REQUIRED_PROGRAMS.into_iter().filter(|program| !on_path(program)).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "not on PATH: {} (install them first; setup installs everything else)",
            missing.join(", ")
        ))
    }
}

/// Every Debian package the suites need, so that they are installed with one `apt-get update`.
fn apt_packages() -> Vec<&'static str> {
    let mut packages = wasm::APT_PACKAGES.to_vec();
    packages.extend(mobile::apt_packages());
    packages.extend(python::apt_packages());
    packages
}
