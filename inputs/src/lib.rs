#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use globset::GlobBuilder;
use iothub_errors::diagnose::Diagnoser;
use walkdir::WalkDir;

/// The file extensions read from a directory: the shapes Azure exports (`PT1H.json` blobs, JSON Lines,
/// `AzureDiagnostics` CSV, and plain text logs).
pub const LOG_EXTENSIONS: [&str; 5] = ["json", "jsonl", "csv", "log", "txt"];

/// Bytes handed to the diagnoser at a time.
const CHUNK_BYTES: usize = 1 << 20;

/// The characters that make an argument a wildcard pattern (when no file or directory has that name).
const WILDCARDS: [char; 4] = ['*', '?', '[', '{'];

/// One input to read: a file, or standard input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// Standard input (the argument `-`).
    Stdin,
    /// A file (or anything else that can be opened and read, such as a named pipe).
    File(PathBuf),
}

impl Input {
    /// The file's length in bytes, for progress; `None` for stdin or when the file cannot be examined.
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::File(path) => std::fs::metadata(path).ok().map(|metadata| metadata.len()),
        }
    }

    /// Opens the input for reading.
    pub fn open(&self) -> io::Result<Box<dyn Read>> {
        Ok(match self {
            Input::Stdin => Box::new(io::stdin().lock()),
            Input::File(path) => Box::new(std::fs::File::open(path)?),
        })
    }
}

/// How the input is named in reports: its path as given or found, or `<stdin>`.
impl fmt::Display for Input {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => formatter.write_str("<stdin>"),
            Input::File(path) => path.display().fmt(formatter),
        }
    }
}

/// Why an argument contributed no input, or not all of its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Nothing exists at this path, and it is not a pattern.
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A directory (walked recursively) holds no file with one of the [`LOG_EXTENSIONS`].
    EmptyDirectory {
        /// The directory as given.
        directory: PathBuf,
    },
    /// A wildcard pattern matched no file.
    NoMatch {
        /// The pattern as given.
        pattern: String,
    },
    /// A wildcard pattern that cannot be compiled (an unclosed `[` or `{`, for example).
    InvalidPattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A directory that could not be listed while walking; the files below it are not read.
    Unreadable {
        /// The directory (or the entry) that could not be read.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotFound { path } => write!(formatter, "{}: no such file or directory", path.display()),
            Problem::EmptyDirectory { directory } => write!(
                formatter,
                "{}: no .json, .jsonl, .csv, .log or .txt files in this directory",
                directory.display()
            ),
            Problem::NoMatch { pattern } => write!(formatter, "{pattern}: no file matches"),
            Problem::InvalidPattern { pattern, reason } => {
                write!(formatter, "{pattern}: not a valid pattern: {reason}")
            }
            Problem::Unreadable { path, reason } => write!(formatter, "{}: {reason}", path.display()),
        }
    }
}

impl std::error::Error for Problem {}

/// The inputs that arguments name, in reading order, and the problems met on the way.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Every input found, argument after argument; each directory's and pattern's files in sorted order.
    pub inputs: Vec<Input>,
    /// One entry per argument that named nothing readable (and per directory that could not be listed).
    pub problems: Vec<Problem>,
}

/// Expands command-line style arguments into inputs.
///
/// - `-` is standard input;
/// - a directory contributes every file below it (recursively, following symbolic links) whose extension is one
///   of [`LOG_EXTENSIONS`], in sorted order;
/// - any other existing path is one input, whatever its extension;
/// - an argument that does not exist and holds `*`, `?`, `[` or `{` is a wildcard pattern (see
///   [`globset::Glob`]): `*` and `?` stay within one path component, `**` crosses directories, and wildcards may
///   appear in directory components (`logs/*/PT1H.json`, `logs/**/*.json`). It contributes the matching files,
///   whatever their extension, in sorted order.
///
/// The inputs of every argument that could be expanded are returned even when others have problems; the caller
/// decides whether a problem stops the run.
pub fn expand<I>(arguments: I) -> Expansion
where
    I: IntoIterator,
    I::Item: AsRef<Path>,
{
    let mut expansion = Expansion::default();
    for argument in arguments {
        let argument = argument.as_ref();
        if argument == Path::new("-") {
            expansion.inputs.push(Input::Stdin);
        } else if argument.exists() {
            add_path(argument, &mut expansion);
        } else if let Some(pattern) = argument.to_str().filter(|text| text.contains(WILDCARDS)) {
            add_pattern(pattern, &mut expansion);
        } else {
            expansion.problems.push(Problem::NotFound { path: argument.to_path_buf() });
        }
    }
    expansion
}

/// Expands one path, taken literally (never stdin, never a pattern): a directory contributes its log files as
/// in [`expand`], anything else that exists is one input. This is what a library call given a path wants.
pub fn expand_path(path: &Path) -> Expansion {
    let mut expansion = Expansion::default();
    add_path(path, &mut expansion);
    expansion
}

fn add_path(path: &Path, expansion: &mut Expansion) {
    if !path.is_dir() {
        if path.exists() {
            expansion.inputs.push(Input::File(path.to_path_buf()));
        } else {
            expansion.problems.push(Problem::NotFound { path: path.to_path_buf() });
        }
        return;
    }
    let (inputs_before, problems_before) = (expansion.inputs.len(), expansion.problems.len());
    for entry in WalkDir::new(path).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() && has_log_extension(entry.path()) => {
                expansion.inputs.push(Input::File(entry.into_path()));
            }
            Ok(_) => {}
            Err(error) => expansion.problems.extend(walk_problem(&error)),
        }
    }
    // A directory that could not be listed is reported as such, not as empty as well.
    if expansion.inputs.len() == inputs_before && expansion.problems.len() == problems_before {
        expansion.problems.push(Problem::EmptyDirectory { directory: path.to_path_buf() });
    }
}

fn has_log_extension(path: &Path) -> bool {
    path.extension().and_then(|extension| extension.to_str()).is_some_and(|e| LOG_EXTENSIONS.contains(&e))
}

/// A walk error as a problem; a symbolic link back to a directory being walked is not one (the files below it
/// are read through the directory itself).
fn walk_problem(error: &walkdir::Error) -> Option<Problem> {
    if error.loop_ancestor().is_some() {
        return None;
    }
    let path = error.path().map_or_else(PathBuf::new, Path::to_path_buf);
    let reason = error.io_error().map_or_else(|| error.to_string(), ToString::to_string);
    Some(Problem::Unreadable { path, reason })
}

/// Expands a wildcard pattern: the components before the first one with a wildcard name the directory to walk,
/// and the rest is matched against the paths below it, walking no deeper than the pattern can reach.
fn add_pattern(pattern: &str, expansion: &mut Expansion) {
    let (base, rest) = split_pattern(pattern);
    let matcher = match GlobBuilder::new(&rest).literal_separator(true).build() {
        Ok(glob) => glob.compile_matcher(),
        Err(error) => {
            let reason = error.kind().to_string();
            expansion.problems.push(Problem::InvalidPattern { pattern: pattern.to_owned(), reason });
            return;
        }
    };
    let depth = if rest.contains("**") { usize::MAX } else { rest.split('/').count() };
    let root = if base.as_os_str().is_empty() { Path::new(".") } else { base.as_path() };
    let (inputs_before, problems_before) = (expansion.inputs.len(), expansion.problems.len());
    let walk = WalkDir::new(root).follow_links(true).min_depth(1).max_depth(depth).sort_by_file_name();
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let Ok(relative) = entry.path().strip_prefix(root) else { continue };
                if matcher.is_match(relative) {
                    expansion.inputs.push(Input::File(base.join(relative)));
                }
            }
            Ok(_) => {}
            // A pattern whose directory part does not exist simply matches nothing.
            Err(error) if error.io_error().is_some_and(|e| e.kind() == io::ErrorKind::NotFound) => {}
            Err(error) => expansion.problems.extend(walk_problem(&error)),
        }
    }
    if expansion.inputs.len() == inputs_before && expansion.problems.len() == problems_before {
        expansion.problems.push(Problem::NoMatch { pattern: pattern.to_owned() });
    }
}

/// Splits a pattern into its literal leading directory (empty for the current directory) and the rest, joined
/// with `/`: `logs/2024-*/*.json` → (`logs`, `2024-*/*.json`).
fn split_pattern(pattern: &str) -> (PathBuf, String) {
    let mut base = PathBuf::new();
    let mut rest: Vec<&str> = Vec::new();
    for component in Path::new(pattern).components() {
        let text = component.as_os_str().to_str().unwrap_or_default();
        if rest.is_empty()
            && (matches!(component, Component::Prefix(_) | Component::RootDir) || !text.contains(WILDCARDS))
        {
            base.push(component);
        } else {
            rest.push(text);
        }
    }
    (base, rest.join("/"))
}

/// An input that could not be read to its end.
#[derive(Debug)]
pub struct ReadFailure {
    /// The input.
    pub input: Input,
    /// What went wrong.
    pub error: io::Error,
}

impl fmt::Display for ReadFailure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.input, self.error)
    }
}

impl std::error::Error for ReadFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Streams one input's bytes into `diagnoser` in 1 MiB chunks and returns how many were read. `on_read` is
/// called with the size of each chunk (for a progress bar). The caller calls [`Diagnoser::next_input`] between
/// inputs, or uses [`feed_all`].
///
/// On an error, the bytes read before it have been pushed.
pub fn feed(diagnoser: &mut Diagnoser, input: &Input, mut on_read: impl FnMut(u64)) -> io::Result<u64> {
    let mut reader = input.open()?;
    let mut buffer = vec![0u8; CHUNK_BYTES];
    let mut total = 0;
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(read) => read as u64,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        diagnoser.push_bytes(buffer.get(..read as usize).unwrap_or_default());
        total += read;
        on_read(read);
    }
}

/// Streams every input into `diagnoser`, each one a separate input of the diagnosis ([`Diagnoser::next_input`]
/// between them). An input that cannot be read does not stop the others: the failures are returned, in order.
pub fn feed_all(
    diagnoser: &mut Diagnoser,
    inputs: &[Input],
    mut on_read: impl FnMut(u64),
) -> Vec<ReadFailure> {
    let mut failures = Vec::new();
    for (number, input) in inputs.iter().enumerate() {
        if number > 0 {
            diagnoser.next_input();
        }
        if let Err(error) = feed(diagnoser, input, &mut on_read) {
            failures.push(ReadFailure { input: input.clone(), error });
        }
    }
    failures
}

/// The inputs as the core's parallel diagnosis opens them: files from any offset, stdin whole.
struct Opened<'a>(&'a [Input]);

impl iothub_errors::diagnose::parallel::Inputs for Opened<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }

    fn len(&self, input: usize) -> Option<u64> {
        self.0.get(input).and_then(Input::size)
    }

    fn open_at(&self, input: usize, offset: u64) -> io::Result<Box<dyn Read + Send>> {
        match self.0.get(input) {
            Some(Input::File(path)) => {
                let mut file = std::fs::File::open(path)?;
                if offset > 0 {
                    io::Seek::seek(&mut file, io::SeekFrom::Start(offset))?;
                }
                Ok(Box::new(file))
            }
            Some(Input::Stdin) => Ok(Box::new(io::stdin())),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such input")),
        }
    }
}

/// Diagnoses every input with `jobs` worker threads (large JSON-lines files are split at line starts); the
/// report equals the one of [`feed_all`] and [`Diagnoser::finish`] byte for byte. `on_read` is called with
/// the size of each chunk read, from the workers. Inputs that cannot be read are returned, in order.
pub fn diagnose_all(
    inputs: &[Input],
    jobs: usize,
    on_read: &(dyn Fn(u64) + Sync),
) -> (iothub_errors::diagnose::Report, Vec<ReadFailure>) {
    let (report, failures) =
        iothub_errors::diagnose::parallel::diagnose_inputs(&Opened(inputs), jobs, on_read);
    let failures = failures
        .into_iter()
        .filter_map(|failure| {
            Some(ReadFailure { input: inputs.get(failure.input)?.clone(), error: failure.error })
        })
        .collect();
    (report, failures)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// A temporary directory holding `files` (relative paths; parents are created), each with a little text.
    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, file.as_bytes()).unwrap();
        }
        dir
    }

    /// The inputs' paths relative to `dir`, with `/` separators.
    fn relative(dir: &Path, inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .map(|input| match input {
                Input::File(path) => path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"),
                Input::Stdin => "-".to_owned(),
            })
            .collect()
    }

    fn pattern(dir: &Path, pattern: &str) -> String {
        format!("{}/{pattern}", dir.display())
    }

    #[test]
    fn a_directory_is_walked_recursively_in_sorted_order_keeping_log_extensions() {
        let dir = tree(&[
            "b.json",
            "a.csv",
            "sub/z.jsonl",
            "sub/deeper/x.log",
            "a/notes.txt",
            "README.md",
            "image.png",
            "sub/EXPECTED.md",
        ]);
        let expansion = expand([dir.path()]);
        assert_eq!(expansion.problems, []);
        assert_eq!(
            relative(dir.path(), &expansion.inputs),
            ["a/notes.txt", "a.csv", "b.json", "sub/deeper/x.log", "sub/z.jsonl"]
        );
    }

    #[test]
    fn a_file_is_read_whatever_its_extension_and_arguments_keep_their_order() {
        let dir = tree(&["z.md", "a.json"]);
        let expansion = expand([dir.path().join("z.md"), PathBuf::from("-"), dir.path().join("a.json")]);
        assert_eq!(expansion.problems, []);
        assert_eq!(relative(dir.path(), &expansion.inputs), ["z.md", "-", "a.json"]);
    }

    #[test]
    fn a_directory_without_logs_and_a_missing_path_are_problems() {
        let dir = tree(&["notes.md"]);
        let missing = dir.path().join("missing.json");
        let expansion = expand([dir.path().to_path_buf(), missing.clone(), dir.path().join("notes.md")]);
        assert_eq!(
            expansion.problems,
            [
                Problem::EmptyDirectory { directory: dir.path().to_path_buf() },
                Problem::NotFound { path: missing.clone() },
            ]
        );
        assert_eq!(
            relative(dir.path(), &expansion.inputs),
            ["notes.md"],
            "the readable argument still counts"
        );
        assert!(expansion.problems[1].to_string().ends_with("missing.json: no such file or directory"));
        assert!(
            expansion.problems[0]
                .to_string()
                .ends_with(": no .json, .jsonl, .csv, .log or .txt files in this directory")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_back_to_a_walked_directory_is_not_followed_twice() {
        let dir = tree(&["a.json", "sub/b.json"]);
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/up")).unwrap();
        let expansion = expand([dir.path().to_path_buf(), PathBuf::from(pattern(dir.path(), "**/*.json"))]);
        assert_eq!(expansion.problems, []);
        assert_eq!(relative(dir.path(), &expansion.inputs), ["a.json", "sub/b.json", "a.json", "sub/b.json"]);
    }

    #[test]
    fn an_empty_directory_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let expansion = expand([dir.path()]);
        assert_eq!(expansion.inputs, []);
        assert_eq!(expansion.problems, [Problem::EmptyDirectory { directory: dir.path().to_path_buf() }]);
    }

    #[test]
    fn star_and_question_mark_stay_in_their_component() {
        let dir = tree(&["PT1H.json", "PT2H.json", "a.csv", "sub/PT3H.json"]);
        let stars = expand([pattern(dir.path(), "*.json")]);
        assert_eq!(relative(dir.path(), &stars.inputs), ["PT1H.json", "PT2H.json"]);
        let marks = expand([pattern(dir.path(), "PT?H.*")]);
        assert_eq!(relative(dir.path(), &marks.inputs), ["PT1H.json", "PT2H.json"]);
        let classes = expand([pattern(dir.path(), "PT[2-9]H.{json,csv}")]);
        assert_eq!(relative(dir.path(), &classes.inputs), ["PT2H.json"]);
    }

    #[test]
    fn double_star_crosses_directories_and_wildcards_work_in_directory_components() {
        let dir = tree(&[
            "y=2024/m=05/d=14/h=09/PT1H.json",
            "y=2024/m=05/d=14/h=10/PT1H.json",
            "y=2024/m=06/d=01/h=00/PT1H.json",
            "y=2024/m=06/d=01/h=00/other.csv",
            "top.json",
        ]);
        let all = expand([pattern(dir.path(), "**/PT1H.json")]);
        assert_eq!(
            relative(dir.path(), &all.inputs),
            [
                "y=2024/m=05/d=14/h=09/PT1H.json",
                "y=2024/m=05/d=14/h=10/PT1H.json",
                "y=2024/m=06/d=01/h=00/PT1H.json"
            ]
        );
        let may = expand([pattern(dir.path(), "y=2024/m=05/*/*/PT1H.json")]);
        assert_eq!(
            relative(dir.path(), &may.inputs),
            ["y=2024/m=05/d=14/h=09/PT1H.json", "y=2024/m=05/d=14/h=10/PT1H.json"]
        );
        let json_anywhere = expand([pattern(dir.path(), "**/*.json")]);
        assert_eq!(json_anywhere.inputs.len(), 4, "{:?}", json_anywhere.inputs);
    }

    #[test]
    fn patterns_that_match_nothing_or_do_not_compile_are_problems() {
        let dir = tree(&["a.json"]);
        let nothing = pattern(dir.path(), "*.nothing");
        let no_directory = pattern(dir.path(), "missing/*.json");
        let invalid = pattern(dir.path(), "[a.json");
        let expansion = expand([&nothing, &no_directory, &invalid]);
        assert_eq!(expansion.inputs, []);
        assert_eq!(expansion.problems.len(), 3);
        assert_eq!(expansion.problems[0], Problem::NoMatch { pattern: nothing.clone() });
        assert_eq!(expansion.problems[1], Problem::NoMatch { pattern: no_directory });
        assert!(
            matches!(&expansion.problems[2], Problem::InvalidPattern { pattern, .. } if *pattern == invalid)
        );
        assert_eq!(expansion.problems[0].to_string(), format!("{nothing}: no file matches"));
    }

    #[test]
    fn an_existing_name_with_wildcard_characters_is_taken_literally() {
        let dir = tree(&["[odd].json", "o.json"]);
        let expansion = expand([dir.path().join("[odd].json")]);
        assert_eq!(relative(dir.path(), &expansion.inputs), ["[odd].json"]);
    }

    #[test]
    fn a_relative_pattern_keeps_its_relative_paths() {
        assert_eq!(split_pattern("*.json"), (PathBuf::new(), "*.json".to_owned()));
        assert_eq!(split_pattern("logs/2024-*/*.json"), (PathBuf::from("logs"), "2024-*/*.json".to_owned()));
        assert_eq!(split_pattern("/var/log/**/x?.csv"), (PathBuf::from("/var/log"), "**/x?.csv".to_owned()));
    }

    #[test]
    fn feeding_reads_every_byte_and_separates_inputs() {
        let record = |device: &str| {
            format!(
                "{{\"time\":\"2024-05-14T08:00:05Z\",\"operationName\":\"deviceConnect\",\"category\":\"Connections\",\
                 \"level\":\"Information\",\"properties\":\"{{\\\"deviceId\\\":\\\"{device}\\\"}}\"}}\n"
            )
        };
        let dir = tempfile::tempdir().unwrap();
        let first = record("d1");
        fs::write(dir.path().join("a.jsonl"), &first).unwrap();
        // No line break at the end: the record is still complete once the next input starts.
        fs::write(dir.path().join("b.jsonl"), record("d2").trim_end()).unwrap();
        let mut inputs = expand_path(dir.path()).inputs;
        inputs.push(Input::File(dir.path().join("gone.json")));
        let mut diagnoser = Diagnoser::new();
        let mut bytes = 0;
        let failures = feed_all(&mut diagnoser, &inputs, |read| bytes += read);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].error.kind(), io::ErrorKind::NotFound);
        assert!(failures[0].to_string().contains("gone.json: "));
        let length = first.len() as u64;
        assert_eq!(inputs[0].size(), Some(length));
        assert_eq!(bytes, 2 * length - 1);
        let report = diagnoser.finish();
        assert_eq!(report.summary.records_read, 2);
        assert_eq!(report.summary.devices, 2);
    }
}
