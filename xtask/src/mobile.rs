//! The uniffi bindings (crate `iothub-errors-uniffi`): Kotlin, Swift and Python sources, their tests, and the
//! Android and iOS device builds.
//!
//! `build` compiles the host cdylib (release) and the workspace's pinned `uniffi-bindgen` (a separate `-p`
//! build, so that its `cli` feature never unifies into the library), then generates the sources into
//! `target/uniffi/{kotlin,swift,python}` and checks the stripped library's size. `test` runs the Kotlin tests
//! on the JVM (kotlinc from npm, JNA from Debian), the Python tests, and the Swift tests where `swift` exists.
//! `android` and `ios` need the Android NDK or Xcode and say so clearly when they are missing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{cargo, ensure_apt, ensure_rust_target, on_path, run, skipped, step};

/// The binding crate and its library name.
const CRATE: &str = "iothub-errors-uniffi";
const LIB_NAME: &str = "iothub_errors_uniffi";
/// The workspace's uniffi-bindgen, pinned to the same uniffi version as the crate.
const BINDGEN: &str = "uniffi-bindgen";
/// The languages generated, as `uniffi-bindgen --language` names them.
const LANGUAGES: [&str; 3] = ["kotlin", "swift", "python"];
/// The hand-written sources shipped with the generated ones: (language, folder of `bindings/uniffi`, extension).
const HAND_WRITTEN: [(&str, &str, &str); 2] = [("kotlin", "kotlin", "kt"), ("swift", "swift", "swift")];
/// The generated Kotlin package's folder (`package_name` in `uniffi.toml`).
const KOTLIN_PACKAGE_DIR: &str = "com/iothuberrors";
/// The cargo profile of the mobile library (root `Cargo.toml`: built for size).
const PROFILE: &str = "mobile-release";
/// Largest accepted size of the stripped release library on the host (the 1.5 MB).
const MAX_STRIPPED_BYTES: u64 = 1_500_000;
/// The npm package that ships a JVM kotlinc (toolchain.md), unpacked under `target/kotlinc`.
const KOTLIN_COMPILER: &str = "kotlin-compiler@2.4.20";
/// JNA from Debian (the Kotlin bindings load the library through it).
const JNA_PACKAGE: &str = "libjna-java";
const JNA_JAR: &str = "/usr/share/java/jna.jar";
/// The Android ABIs built by `mobile android` (cargo-ndk names) and their Rust targets.
const ANDROID_ABIS: [(&str, &str); 4] = [
    ("arm64-v8a", "aarch64-linux-android"),
    ("armeabi-v7a", "armv7-linux-androideabi"),
    ("x86_64", "x86_64-linux-android"),
    ("x86", "i686-linux-android"),
];
/// The oldest Android API level the library is linked for.
const ANDROID_API_LEVEL: &str = "24";
/// The Rust targets of `mobile ios`: devices, then the simulators (Apple silicon and Intel).
const IOS_DEVICE_TARGET: &str = "aarch64-apple-ios";
const IOS_SIMULATOR_TARGETS: [&str; 2] = ["aarch64-apple-ios-sim", "x86_64-apple-ios"];

/// Where the crate's files and the build's outputs live.
struct Paths {
    root: PathBuf,
    crate_dir: PathBuf,
    /// `target/uniffi`: generated sources, test builds, the stripped library.
    out: PathBuf,
}

impl Paths {
    fn new(root: &Path) -> Paths {
        Paths {
            root: root.to_path_buf(),
            crate_dir: root.join("bindings/uniffi"),
            out: root.join("target/uniffi"),
        }
    }

    /// The host cdylib of the release build (`.so` on Linux, `.dylib` on macOS).
    fn cdylib(&self) -> PathBuf {
        cargo_target_dir(&self.root).join(PROFILE).join(host_library_file())
    }

    fn generated(&self, language: &str) -> PathBuf {
        self.out.join(language)
    }

    /// Where the hand-written sources of `language` go: beside the generated ones, in the same package.
    fn hand_written_target(&self, language: &str) -> PathBuf {
        match language {
            "kotlin" => self.generated(language).join(KOTLIN_PACKAGE_DIR),
            _ => self.generated(language),
        }
    }

    fn kotlinc_home(&self) -> PathBuf {
        self.root.join("target/kotlinc/package")
    }
}

/// Where cargo puts its builds: `CARGO_TARGET_DIR` when set (a cache shared between worktrees), else `target`.
/// The generated sources and kotlinc stay under the workspace's own `target`.
fn cargo_target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

fn host_library_file() -> String {
    format!("{}{LIB_NAME}{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX)
}

/// `cargo xtask build mobile`: the release cdylib, the Kotlin/Swift/Python sources under `target/uniffi`, and
/// the size check of the stripped library.
pub fn build(root: &Path) -> Result<(), String> {
    let paths = Paths::new(root);
    step("uniffi cdylib (profile mobile-release)", || cargo(root, &library_build("cdylib")))?;
    // Debug, not release: the bindgen runs for about a second, and its debug build is far quicker than an
    // optimised one (measured cold on 2 cores: 1.6 min debug, 3.8 min release).
    step("uniffi-bindgen (pinned, separate build)", || cargo(root, &["build", "--locked", "-p", BINDGEN]))?;
    let bindgen =
        cargo_target_dir(root).join("debug").join(format!("{BINDGEN}{}", std::env::consts::EXE_SUFFIX));
    for language in LANGUAGES {
        step(&format!("generate {language}"), || {
            let out = paths.generated(language);
            reset_dir(&out)?;
            run(Command::new(&bindgen)
                .arg("generate")
                .arg(paths.cdylib())
                .args(["--language", language, "--no-format", "--out-dir"])
                .arg(&out)
                .current_dir(root))
        })?;
    }
    // The hand-written sources ship with the generated ones: whatever takes `target/uniffi/{kotlin,swift}` (the
    // tests, the Gradle module, the Swift package, `dist`) gets `fromThrowable` and `resolve(error:)` too.
    for (language, dir, extension) in HAND_WRITTEN {
        for file in files_with(&paths.crate_dir.join(dir), extension)? {
            let name = file.file_name().map(PathBuf::from).unwrap_or_default();
            copy(&file, &paths.hand_written_target(language).join(name))?;
        }
    }
    // The generated Python module loads the library from its own folder.
    copy(&paths.cdylib(), &paths.generated("python").join(host_library_file()))?;
    step("size of the stripped library", || check_size(&paths))
}

/// The cargo arguments that build the shipped library as `crate_type` alone. The crate also declares `lib` (for
/// its Rust tests, `tests/drift.rs`), and rustc does not run fat LTO when it also writes an rlib: built with
/// `cargo build`, the stripped host library measured 1.54 MB (over its limit), built this way 1.27 MB.
fn library_build(crate_type: &'static str) -> [&'static str; 9] {
    ["rustc", "--profile", PROFILE, "--locked", "-p", CRATE, "--lib", "--crate-type", crate_type]
}

/// Strips a copy of the release library and fails when it is larger than the issue allows.
fn check_size(paths: &Paths) -> Result<(), String> {
    let stripped_dir = paths.out.join("stripped");
    reset_dir(&stripped_dir)?;
    let stripped = stripped_dir.join(host_library_file());
    copy(&paths.cdylib(), &stripped)?;
    // `-x` keeps the exported symbols on macOS; GNU strip keeps the dynamic symbol table by itself.
    let strip_args: &[&str] = if cfg!(target_os = "macos") { &["-x"] } else { &[] };
    run(Command::new("strip").args(strip_args).arg(&stripped))?;
    let unstripped = file_size(&paths.cdylib())?;
    let size = file_size(&stripped)?;
    println!(
        "stripped release {}: {size} bytes ({:.2} MB; unstripped {:.2} MB; limit {:.1} MB)",
        host_library_file(),
        megabytes(size),
        megabytes(unstripped),
        megabytes(MAX_STRIPPED_BYTES)
    );
    if size > MAX_STRIPPED_BYTES {
        return Err(format!("{size} bytes is over the limit of {MAX_STRIPPED_BYTES} bytes"));
    }
    Ok(())
}

/// `cargo xtask test mobile`: the crate's Rust tests, the build, then the Kotlin (JVM), Python and, where
/// possible, Swift tests of the generated bindings.
pub fn test(root: &Path) -> Result<(), String> {
    let paths = Paths::new(root);
    step("Rust tests of the binding crate", || cargo(root, &["test", "--locked", "-p", CRATE]))?;
    build(root)?;
    step("Kotlin bindings on the JVM", || test_kotlin(&paths))?;
    step("Python bindings", || {
        run(Command::new("python3")
            .arg(paths.crate_dir.join("tests/python/test_bindings.py"))
            .arg(&paths.root)
            .arg(paths.generated("python")))
    })?;
    step("Swift bindings", || test_swift(&paths))
}

/// Debian's packages the Kotlin tests need: JNA, and a JRE where `java` is missing.
pub(crate) fn apt_packages() -> Vec<&'static str> {
    let mut packages = vec![JNA_PACKAGE];
    if !on_path("java") {
        packages.push("default-jre-headless");
    }
    packages
}

/// kotlinc, unpacked under `target/kotlinc` unless it is there already.
pub(crate) fn install_kotlinc(root: &Path) -> Result<(), String> {
    ensure_kotlinc(&Paths::new(root)).map(drop)
}

/// Compiles the generated Kotlin with the tests and runs them against the host library.
fn test_kotlin(paths: &Paths) -> Result<(), String> {
    ensure_apt(&apt_packages())?;
    let kotlinc = ensure_kotlinc(paths)?;
    let build_dir = paths.out.join("kotlin-tests");
    reset_dir(&build_dir)?;
    let tests_jar = build_dir.join("tests.jar");
    let mut sources = kotlin_files(&paths.generated("kotlin"))?;
    sources.extend(kotlin_files(&paths.crate_dir.join("tests/kotlin"))?);
    run(Command::new(kotlinc).args(["-nowarn", "-cp", JNA_JAR, "-d"]).arg(&tests_jar).args(&sources))?;
    let stdlib = paths.kotlinc_home().join("lib/kotlin-stdlib.jar");
    let classpath = [tests_jar.as_path(), Path::new(JNA_JAR), stdlib.as_path()]
        .map(|path| path.display().to_string())
        .join(":");
    let library_dir = paths.cdylib().parent().map(Path::to_path_buf).unwrap_or_default();
    run(Command::new("java")
        // The hostile-input tests pass 50 MB strings (UTF-16 on the JVM, UTF-8 copies for Rust).
        .arg("-Xmx2g")
        .arg(format!("-Djna.library.path={}", library_dir.display()))
        .args(["-cp", &classpath, "BindingTestsKt"])
        .arg(&paths.root))
}

/// kotlinc from the npm package `kotlin-compiler`, unpacked under `target/kotlinc` on first use.
fn ensure_kotlinc(paths: &Paths) -> Result<PathBuf, String> {
    let kotlinc = paths.kotlinc_home().join("bin/kotlinc");
    if kotlinc.is_file() {
        return Ok(kotlinc);
    }
    let download = paths.root.join("target/kotlinc");
    reset_dir(&download)?;
    run(Command::new("npm").args(["pack", KOTLIN_COMPILER, "--silent"]).current_dir(&download))?;
    let tarball = fs::read_dir(&download)
        .map_err(|e| format!("{}: {e}", download.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "tgz"))
        .ok_or_else(|| format!("npm pack {KOTLIN_COMPILER} left no tarball in {}", download.display()))?;
    run(Command::new("tar").arg("xzf").arg(&tarball).current_dir(&download))?;
    for entry in fs::read_dir(paths.kotlinc_home().join("bin")).map_err(|e| format!("kotlinc bin: {e}"))? {
        let path = entry.map_err(|e| format!("kotlinc bin: {e}"))?.path();
        run(Command::new("chmod").arg("+x").arg(&path))?;
    }
    Ok(kotlinc)
}

/// The files directly in `dir` whose name ends in `.extension`, sorted.
fn files_with(dir: &Path, extension: &str) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == extension) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn kotlin_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            files.extend(kotlin_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "kt") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Compiles the generated Swift with the tests into one executable and runs it, where Swift exists.
fn test_swift(paths: &Paths) -> Result<(), String> {
    if !on_path("swift") {
        return skipped(
            "Swift tests (bindings/uniffi/tests/swift) not compiled or run: `swift` is not on PATH and no \
             Swift toolchain can be installed on this machine (no registry here ships one); the Swift \
             sources were generated in target/uniffi/swift",
        );
    }
    let swift = paths.generated("swift");
    let build_dir = paths.out.join("swift-tests");
    reset_dir(&build_dir)?;
    let executable = build_dir.join("binding-tests");
    let library_dir = paths.cdylib().parent().map(Path::to_path_buf).unwrap_or_default();
    run(Command::new("swiftc")
        .args(["-module-name", "IotHubErrors", "-I"])
        .arg(&swift)
        .arg("-Xcc")
        .arg(format!("-fmodule-map-file={}", swift.join("IotHubErrorsFFI.modulemap").display()))
        .arg("-L")
        .arg(&library_dir)
        .arg(format!("-l{LIB_NAME}"))
        .args(files_with(&swift, "swift")?)
        .arg(paths.crate_dir.join("tests/swift/main.swift"))
        .arg("-o")
        .arg(&executable))?;
    let library_path = if cfg!(target_os = "macos") { "DYLD_LIBRARY_PATH" } else { "LD_LIBRARY_PATH" };
    run(Command::new(&executable).arg(&paths.root).env(library_path, &library_dir))
}

/// `cargo xtask mobile android`: the library for every Android ABI (cargo-ndk) next to the generated Kotlin,
/// where the Gradle module `bindings/uniffi/android` picks them up.
pub fn android(root: &Path) -> Result<(), String> {
    let ndk = ["ANDROID_NDK_HOME", "ANDROID_NDK_ROOT"].iter().find_map(std::env::var_os);
    if ndk.is_none() || !on_path("cargo-ndk") {
        return Err("the Android build needs the Android NDK (ANDROID_NDK_HOME or ANDROID_NDK_ROOT set) and \
                    cargo-ndk (`cargo install cargo-ndk`); neither can be installed on this machine. On a \
                    machine that has them, run `cargo xtask mobile android`, then `gradle assembleRelease` in \
                    bindings/uniffi/android (see bindings/uniffi/README.md)"
            .to_owned());
    }
    let paths = Paths::new(root);
    build(root)?;
    let jni_libs = paths.out.join("android/jniLibs");
    reset_dir(&jni_libs)?;
    let mut args = vec!["ndk", "--platform", ANDROID_API_LEVEL, "-o"];
    let jni_libs_arg = jni_libs.display().to_string();
    args.push(&jni_libs_arg);
    for (abi, target) in ANDROID_ABIS {
        ensure_rust_target(target)?;
        args.extend(["-t", abi]);
    }
    args.extend(library_build("cdylib"));
    step("cargo ndk (every Android ABI)", || cargo(root, &args))?;
    println!(
        "Android libraries in {}; Kotlin sources in {}",
        jni_libs.display(),
        paths.generated("kotlin").display()
    );
    Ok(())
}

/// `cargo xtask mobile ios`: static libraries for iOS devices and simulators, wrapped with the generated C
/// header in `IotHubErrorsFFI.xcframework`, and the Swift sources, in the Swift package `bindings/uniffi/apple`.
pub fn ios(root: &Path) -> Result<(), String> {
    if !cfg!(target_os = "macos") || !on_path("xcodebuild") {
        return Err("the iOS build needs macOS with Xcode (xcodebuild, lipo); this machine has neither. On a \
                    Mac, run `cargo xtask mobile ios`, then open bindings/uniffi/apple as a Swift package (see \
                    bindings/uniffi/README.md)"
            .to_owned());
    }
    let paths = Paths::new(root);
    build(root)?;
    let staticlib = format!("lib{LIB_NAME}.a");
    for target in std::iter::once(IOS_DEVICE_TARGET).chain(IOS_SIMULATOR_TARGETS) {
        ensure_rust_target(target)?;
        step(&format!("staticlib for {target}"), || {
            cargo(root, &[&library_build("staticlib")[..], &["--target", target]].concat())
        })?;
    }
    let apple = paths.out.join("apple");
    reset_dir(&apple)?;
    let simulators = apple.join(&staticlib);
    let mut lipo = Command::new("lipo");
    lipo.arg("-create");
    for target in IOS_SIMULATOR_TARGETS {
        lipo.arg(cargo_target_dir(root).join(target).join(PROFILE).join(&staticlib));
    }
    run(lipo.arg("-output").arg(&simulators))?;
    // The xcframework carries the C header and a module map named as clang expects it.
    let headers = apple.join("headers");
    reset_dir(&headers)?;
    let swift = paths.generated("swift");
    copy(&swift.join("IotHubErrorsFFI.h"), &headers.join("IotHubErrorsFFI.h"))?;
    copy(&swift.join("IotHubErrorsFFI.modulemap"), &headers.join("module.modulemap"))?;
    let package = paths.crate_dir.join("apple");
    let xcframework = package.join("IotHubErrorsFFI.xcframework");
    if xcframework.exists() {
        fs::remove_dir_all(&xcframework).map_err(|e| format!("{}: {e}", xcframework.display()))?;
    }
    let device = cargo_target_dir(root).join(IOS_DEVICE_TARGET).join(PROFILE).join(&staticlib);
    run(Command::new("xcodebuild")
        .arg("-create-xcframework")
        .arg("-library")
        .arg(&device)
        .arg("-headers")
        .arg(&headers)
        .arg("-library")
        .arg(&simulators)
        .arg("-headers")
        .arg(&headers)
        .arg("-output")
        .arg(&xcframework))?;
    let sources = package.join("Sources/IotHubErrors");
    reset_dir(&sources)?;
    // The generated IotHubErrors.swift and the hand-written sources beside it (`resolve(error:)`).
    for file in files_with(&swift, "swift")? {
        let name = file.file_name().map(PathBuf::from).unwrap_or_default();
        copy(&file, &sources.join(name))?;
    }
    println!("Swift package ready in {}", package.display());
    Ok(())
}

fn file_size(path: &Path) -> Result<u64, String> {
    fs::metadata(path).map(|m| m.len()).map_err(|e| format!("{}: {e}", path.display()))
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn reset_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to).map(|_| ()).map_err(|e| format!("copy {} → {}: {e}", from.display(), to.display()))
}
