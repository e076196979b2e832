//! The Python package (`python/`, native crate `bindings/python`): wheel, tests against the installed wheel,
//! release wheel and benchmark.
//!
//! Tools live in venvs under `target/python/`: `tools` (maturin, pinned with `-i` to its own interpreter so that
//! maturin never picks another Python and silently builds a non-abi3 wheel), `test` and `bench` (fresh venvs
//! into which the wheel is installed with `--no-index`, so tests exercise the artifact users get).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{cargo, ensure_apt, output, run, step};

/// maturin versions known to build this package (toolchain.md: 1.16).
const MATURIN: &str = "maturin>=1.16,<2";
/// What the test venv needs from PyPI besides the wheel: the runner, the stub checker, pandas for the
/// DataFrame tests (the extra `iothub-errors[pandas]`, `pandas>=2.2`: this installs the newest, 3.x), and the
/// Azure IoT SDKs whose real exceptions `test_from_exception.py` provokes against local fake servers, pinned
/// exactly (`azure-iot-hub` 2.7.0 imports `six` without declaring it, so `six` is pinned beside it).
const TEST_PACKAGES: [&str; 6] = [
    "pytest>=8",
    "mypy>=1.10",
    "pandas>=2.2",
    "azure-iot-hub==2.7.0",
    "azure-iot-device==2.14.0",
    "six==1.17.0",
];
/// The other pandas major version the DataFrame tests run with (`test_pandas.py` again, ≈15 s), and the one the
/// Spark tests run with (pyspark 4.3 warns that pandas 3 is not yet fully supported).
const PANDAS_2: &str = "pandas>=2.2,<3";
/// What `iothub_errors.spark` needs (the extra `iothub-errors[spark]`), pinned exactly: installed with the test
/// tools, so that `mypy --strict` checks the module against pyspark's types; Java 17 runs it.
const SPARK_PACKAGES: [&str; 2] = ["pyspark==4.3.0", "pyarrow==26.0.1"];
/// The tests that start a local Spark session (pytest marker `spark`, ≈1 min): run with pandas 2.x.
const SPARK_TESTS: &str = "python/tests/test_spark.py";
/// What executes the example notebook (`jupyter nbconvert --execute --to html`), pinned, and matplotlib for its
/// chart (the notebook skips the chart when matplotlib is missing).
const NOTEBOOK_PACKAGES: [&str; 4] =
    ["nbconvert==7.17.2", "nbclient==0.11.0", "ipykernel==7.4.0", "matplotlib==3.11.2"];
/// The example notebook, committed with its outputs stripped.
const NOTEBOOK: &str = "python/examples/triage.ipynb";
/// Where the executed notebook's HTML and its screenshots go.
const NOTEBOOK_HTML: &str = "target/python-notebook";
const SCREENSHOTS: &str = "target/python-screenshots";
/// The executed notebook is photographed in `PAGES` pages of this size (Chromium's `--window-size`).
const PAGE: (u32, u32) = (1200, 3000);
const PAGES: u32 = 4;
/// The venv of maturin, kept between runs.
const TOOLS_VENV: &str = "target/python/tools";
/// The simulator log the benchmark diagnoses (about a million records).
const BENCH_LOG: &str = "target/bench/fleet-1m.jsonl";

/// Builds the release wheel into `target/wheels`.
pub fn build(root: &Path) -> Result<(), String> {
    build_wheel(root).map(|wheel| println!("wheel: {}", wheel.display()))
}

/// Builds the wheel, installs it with `--no-index` into a fresh venv, checks the native module's stubs with
/// `mypy.stubtest`, type-checks the package's Python with `mypy --strict`, and runs pytest there: every test but
/// the Spark ones with pandas 3.x, `test_pandas.py` again and the Spark tests (a local Spark session) with
/// pandas 2.x.
pub fn test(root: &Path) -> Result<(), String> {
    let wheel = build_wheel(root)?;
    let venv = root.join("target/python/test");
    let python = fresh_venv(&venv)?;
    step("install the wheel (--no-index) and the test tools", || {
        pip(&python, &["install", "--quiet", "--no-index"], &[wheel.as_os_str()])?;
        pip(&python, &["install", "--quiet"], &TEST_PACKAGES.map(std::ffi::OsStr::new))?;
        pip(&python, &["install", "--quiet"], &SPARK_PACKAGES.map(std::ffi::OsStr::new))
    })?;
    // Run from the venv so that `python/src` can never shadow the installed package.
    step("mypy.stubtest iothub_errors._native", || {
        run(Command::new(&python).args(["-m", "mypy.stubtest", "iothub_errors._native"]).current_dir(&venv))
    })?;
    step("mypy --strict -p iothub_errors (the package's Python, generated _types.py included)", || {
        run(Command::new(&python).args(["-m", "mypy", "--strict", "-p", "iothub_errors"]).current_dir(&venv))
    })?;
    step("pytest python/tests -m 'not spark' (pandas 3.x)", || {
        pytest(
            &python,
            &root.join("python/tests"),
            &venv,
            "not spark",
            &[("IOTHUB_ERRORS_PANDAS_MAJOR", "3")],
        )
    })?;
    step("pytest python/tests/test_pandas.py with pandas 2.x", || {
        pip(&python, &["install", "--quiet", PANDAS_2], &[])?;
        pytest(
            &python,
            &root.join("python/tests/test_pandas.py"),
            &venv,
            "not spark",
            &[("IOTHUB_ERRORS_PANDAS_MAJOR", "2")],
        )
    })?;
    step("cargo build --release -p iothub-errors-sim (the Spark tests' inputs)", || {
        cargo(root, &["build", "--release", "--locked", "-q", "-p", "iothub-errors-sim"])
    })?;
    let sim = simulator(root);
    step("pytest -m spark python/tests/test_spark.py (local[2] Spark session, pandas 2.x)", || {
        let sim = sim.to_str().ok_or("the simulator's path is not UTF-8")?;
        let interpreter = python.to_str().ok_or("the venv's path is not UTF-8")?;
        pytest(
            &python,
            &root.join(SPARK_TESTS),
            &venv,
            "spark",
            &[
                ("IOTHUB_ERRORS_PANDAS_MAJOR", "2"),
                ("IOTHUB_ERRORS_SIM", sim),
                ("PYSPARK_PYTHON", interpreter),
            ],
        )
    })?;
    notebook(root, &python)
}

/// Executes the example notebook into HTML with nbconvert (in the test venv, against the installed wheel) and
/// photographs the HTML with headless Chromium, page by page, into `target/python-screenshots/`.
fn notebook(root: &Path, python: &Path) -> Result<(), String> {
    step("install nbconvert, nbclient, ipykernel, matplotlib (pinned)", || {
        pip(python, &["install", "--quiet"], &NOTEBOOK_PACKAGES.map(std::ffi::OsStr::new))
    })?;
    let out = root.join(NOTEBOOK_HTML);
    step("jupyter nbconvert --execute --to html python/examples/triage.ipynb", || {
        run(Command::new(python)
            .args(["-m", "jupyter", "nbconvert", "--execute", "--to", "html", "--log-level", "WARN"])
            .args(["--ExecutePreprocessor.timeout=120", "--output-dir"])
            .arg(&out)
            .arg(root.join(NOTEBOOK)))
    })?;
    step("screenshots of the executed notebook (headless Chromium)", || {
        crate::wasm::ensure_chromium()?;
        screenshots(&out.join("triage.html"), &root.join(SCREENSHOTS))
    })
}

/// Screenshots of an HTML page, `PAGES` of `PAGE` pixels: `triage-1.png` shows the top; each next one is the
/// page shifted up by one more page height (headless Chromium photographs the top of a page only, so each is a
/// copy of the HTML with a negative top margin).
fn screenshots(html: &Path, dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = std::fs::read_to_string(html).map_err(|e| format!("{}: {e}", html.display()))?;
    let stem = html.file_stem().and_then(|s| s.to_str()).unwrap_or("notebook");
    for page in 0..PAGES {
        let shifted = html.with_file_name(format!("{stem}-page{}.html", page + 1));
        let style = format!("<style>body{{margin-top:-{}px !important}}</style></head>", page * PAGE.1);
        std::fs::write(&shifted, text.replacen("</head>", &style, 1))
            .map_err(|e| format!("{}: {e}", shifted.display()))?;
        let png = dir.join(format!("{stem}-{}.png", page + 1));
        // `output`: Chromium's stderr (D-Bus chatter without a session bus) is shown only when it fails.
        output(
            Command::new("chromium")
                .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"])
                .arg(format!("--screenshot={}", png.display()))
                .arg(format!("--window-size={},{}", PAGE.0, PAGE.1))
                .arg(format!("file://{}", shifted.display())),
        )?;
    }
    println!("screenshots: {}", dir.display());
    Ok(())
}

/// Builds the release wheel for publishing (abi3, one wheel for every CPython ≥ 3.9 on this platform).
pub fn dist(root: &Path) -> Result<(), String> {
    let wheel = build_wheel(root)?;
    let size = std::fs::metadata(&wheel).map(|m| m.len()).unwrap_or_default();
    println!("Python wheel: {} ({} KiB)", wheel.display(), size / 1024);
    Ok(())
}

/// Benchmarks the installed wheel: diagnose of a million-record log against a plain-Python baseline, lookup
/// per call, and import time (`python/bench/bench.py`).
pub fn bench(root: &Path) -> Result<(), String> {
    let wheel = build_wheel(root)?;
    let log = root.join(BENCH_LOG);
    if !log.is_file() {
        step("generate the benchmark log with the simulator", || {
            std::fs::create_dir_all(root.join("target/bench")).map_err(|e| e.to_string())?;
            cargo(
                root,
                &[
                    "run",
                    "--release",
                    "--locked",
                    "-q",
                    "-p",
                    "iothub-errors-sim",
                    "--",
                    "--seed",
                    "7",
                    "--devices",
                    "4000",
                    "--hours",
                    "20",
                    "--format",
                    "storage-jsonl",
                    "--out",
                    BENCH_LOG,
                ],
            )
        })?;
    }
    let venv = root.join("target/python/bench");
    let python = fresh_venv(&venv)?;
    step("install the wheel (--no-index)", || {
        pip(&python, &["install", "--quiet", "--no-index"], &[wheel.as_os_str()])
    })?;
    step("python/bench/bench.py", || {
        run(Command::new(&python).arg(root.join("python/bench/bench.py")).arg(&log).current_dir(&venv))
    })
}

/// Debian's packages the Python suite needs: `python3-venv` where `python3` cannot create a venv with pip.
pub(crate) fn apt_packages() -> Vec<&'static str> {
    let venv_ready = Command::new("python3")
        .args(["-c", "import ensurepip, venv"])
        .output()
        .is_ok_and(|o| o.status.success());
    if venv_ready { Vec::new() } else { vec!["python3-venv"] }
}

/// The tools venv with maturin (`target/python/tools`), created when missing; returns its interpreter.
pub(crate) fn ensure_tools(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(TOOLS_VENV);
    let python = venv_python(&tools);
    if !python.is_file() || !maturin_ready(&python) {
        step("venv with maturin (target/python/tools)", || {
            create_venv(&tools)?;
            pip(&python, &["install", "--quiet", MATURIN], &[])
        })?;
    }
    Ok(python)
}

/// Builds the wheel with maturin from the tools venv and returns its path.
fn build_wheel(root: &Path) -> Result<PathBuf, String> {
    let python = ensure_tools(root)?;
    let tools = root.join(TOOLS_VENV);
    let wheels = root.join("target/wheels");
    remove_old_wheels(&wheels)?;
    step("maturin build --release (abi3 wheel)", || {
        run(Command::new(tools.join("bin/maturin"))
            .args(["build", "--release", "--locked", "--interpreter"])
            .arg(&python)
            .arg("--out")
            .arg(&wheels)
            .current_dir(root.join("python")))
    })?;
    find_wheel(&wheels)
}

fn maturin_ready(python: &Path) -> bool {
    Command::new(python).args(["-m", "maturin", "--version"]).output().is_ok_and(|o| o.status.success())
}

/// The wheel just built (the only `iothub_errors-*.whl` left in `wheels`).
fn find_wheel(wheels: &Path) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(wheels).map_err(|e| format!("{}: {e}", wheels.display()))?;
    entries
        .flatten()
        .map(|entry| entry.path())
        .find(|path| is_our_wheel(path))
        .ok_or_else(|| format!("maturin left no iothub_errors wheel in {}", wheels.display()))
}

fn is_our_wheel(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("iothub_errors-") && name.ends_with(".whl"))
}

fn remove_old_wheels(wheels: &Path) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(wheels) else { return Ok(()) };
    for path in entries.flatten().map(|entry| entry.path()).filter(|path| is_our_wheel(path)) {
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// A new, empty venv at `venv` (any previous one is removed); returns its interpreter.
fn fresh_venv(venv: &Path) -> Result<PathBuf, String> {
    if venv.exists() {
        std::fs::remove_dir_all(venv).map_err(|e| format!("{}: {e}", venv.display()))?;
    }
    create_venv(venv)?;
    Ok(venv_python(venv))
}

/// Creates a venv with the system's `python3`, installing Debian's `python3-venv` when `venv` is missing.
fn create_venv(venv: &Path) -> Result<(), String> {
    let create = || run(Command::new("python3").args(["-m", "venv", "--clear"]).arg(venv));
    create().or_else(|_| {
        ensure_apt(&["python3-venv"])?;
        create()
    })
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin/python")
}

fn pip(python: &Path, args: &[&str], more: &[&std::ffi::OsStr]) -> Result<(), String> {
    run(Command::new(python)
        .args(["-m", "pip", "--disable-pip-version-check", "--no-input"])
        .args(args)
        .args(more))
}

/// The fleet simulator's release binary (cargo writes into CARGO_TARGET_DIR when it is set, else `target/`).
fn simulator(root: &Path) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir));
    target.join("release").join(format!("iothub-errors-sim{}", std::env::consts::EXE_SUFFIX))
}

/// Runs pytest on the tests selected by the marker expression `marks` and explains its exit code (pytest uses 1
/// to 5 for different failures). `env`: variables the tests read (`IOTHUB_ERRORS_PANDAS_MAJOR`: the pandas major
/// version installed; `IOTHUB_ERRORS_SIM`: the simulator's binary; `PYSPARK_PYTHON`: the executors' Python).
fn pytest(python: &Path, tests: &Path, cwd: &Path, marks: &str, env: &[(&str, &str)]) -> Result<(), String> {
    let status = Command::new(python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::pytest.PytestUnraisableExceptionWarning",
            "-m",
            marks,
        ])
        .arg(tests)
        .envs(env.iter().copied())
        .current_dir(cwd)
        .status()
        .map_err(|e| format!("cannot start pytest: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(1) => Err("some tests failed".into()),
        Some(2) => Err("pytest was interrupted".into()),
        Some(3) => Err("pytest hit an internal error".into()),
        Some(4) => Err("pytest was called wrongly (usage error)".into()),
        Some(5) => Err("pytest collected no tests".into()),
        Some(code) => Err(format!("pytest exited with code {code}")),
        None => Err(format!("pytest was killed by a signal ({status})")),
    }
}
