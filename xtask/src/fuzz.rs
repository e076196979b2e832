//! `cargo xtask fuzz --seconds N [--target NAME]`: runs the cargo-fuzz targets of `fuzz/`, seeded from the test data.
//!
//! cargo-fuzz needs nightly flags; on the stable toolchain they are enabled with `RUSTC_BOOTSTRAP=1`, which is
//! what this task sets. cargo-fuzz itself is installed from crates.io when missing. Crashes stop the run and
//! are kept under `fuzz/artifacts/<target>/`; turn each into a regression test before fixing it.

use std::path::Path;
use std::process::Command;

use crate::tools::{cargo, on_path, run, step};

/// The targets and the test data that seeds each.
const TARGETS: [(&str, &[&str]); 5] = [
    ("scan", &["testdata/bodies", "testdata/logs"]),
    ("parse_error_body", &["testdata/bodies"]),
    ("log_decoder", &["testdata/logs"]),
    ("diagnose", &["testdata/logs"]),
    ("resolve", &[]),
];

pub fn run_all(root: &Path, seconds: u64, only: Option<&str>) -> Result<(), String> {
    if !on_path("cargo-fuzz") {
        cargo(root, &["install", "cargo-fuzz"])?;
    }
    let selected: Vec<_> = TARGETS.iter().filter(|(name, _)| only.is_none_or(|o| o == *name)).collect();
    if selected.is_empty() {
        return Err(format!("no fuzz target called {}", only.unwrap_or_default()));
    }
    for (name, seeds) in selected {
        step(&format!("fuzz {name} for {seconds} s"), || {
            let corpus = root.join("fuzz/corpus").join(name);
            seed(root, &corpus, seeds)?;
            run(Command::new("cargo")
                .current_dir(root.join("fuzz"))
                .env("RUSTC_BOOTSTRAP", "1")
                .args(["fuzz", "run", "-O", name])
                .arg(&corpus)
                .arg("--")
                .arg(format!("-max_total_time={seconds}"))
                .arg("-max_len=65536")
                .arg("-print_final_stats=1"))
        })?;
    }
    Ok(())
}

/// Copies the seed files into the corpus folder (once; the fuzzer adds its own finds beside them).
fn seed(root: &Path, corpus: &Path, seeds: &[&str]) -> Result<(), String> {
    std::fs::create_dir_all(corpus).map_err(|e| e.to_string())?;
    for folder in seeds {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name() else { continue };
            if path.is_file() && path.extension().is_none_or(|e| e != "md") {
                let target = corpus.join(name);
                if !target.exists() {
                    std::fs::copy(&path, &target).map_err(|e| e.to_string())?;
                }
            }
        }
    }
    Ok(())
}
