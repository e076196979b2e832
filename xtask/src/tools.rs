//! Running tools from xtask: cargo, npm, python, apt, rustup. Every step prints what it runs.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Runs a named step, timing it and prefixing its failure with the name.
pub fn step(name: &str, action: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
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

/// Prints that a step was skipped and why; skipping is not failing.
pub fn skipped(why: &str) -> Result<(), String> {
    println!("SKIPPED: {why}");
    Ok(())
}

/// Runs cargo (the one running xtask) in the workspace root.
pub fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    run(cargo_command(root).args(args))
}

/// A command running cargo (the one running xtask) in the workspace root, for arguments and environment.
pub fn cargo_command(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(root);
    command
}

/// Runs a command to completion; a non-zero exit is an error.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot start {command:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} exited with {status}")) }
}

/// Runs a command and returns its standard output.
pub fn output(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|e| format!("cannot start {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// True when `program` is on PATH.
pub fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Installs Debian packages that are missing (CI and developers run as root on Debian).
pub fn ensure_apt(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !Command::new("dpkg").args(["-s", p]).output().is_ok_and(|o| o.status.success()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !on_path("apt-get") {
        return Err(format!(
            "missing Debian packages {} (no apt-get here: install them by hand)",
            missing.join(" ")
        ));
    }
    println!("installing Debian packages: {}", missing.join(" "));
    run(Command::new("apt-get").arg("update").arg("-qq"))?;
    run(Command::new("apt-get").args(["install", "-y", "-qq", "--no-install-recommends"]).args(&missing))
}

/// Adds a rustup target if it is not installed yet.
pub fn ensure_rust_target(target: &str) -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|line| line.trim() == target) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", target]))
}
