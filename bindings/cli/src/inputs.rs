//! What `diagnose` and `scan` read: files, directories (walked recursively), wildcard patterns, or stdin.

use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// How the input is named in reports.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_owned(),
            Input::File(path) => path.display().to_string(),
        }
    }
}

/// File names taken from a directory: the shapes Azure exports.
const LOG_EXTENSIONS: [&str; 5] = ["json", "jsonl", "csv", "log", "txt"];

/// Expands the command-line arguments: `-` is stdin, a directory contributes every log file below it (sorted),
/// a pattern with `*` or `?` in its last component matches the files of its directory. Unmatched arguments
/// are returned as errors.
pub fn expand(arguments: &[String]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for argument in arguments {
        let path = Path::new(argument);
        if argument == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files);
            files.sort();
            if files.is_empty() {
                problems.push(format!(
                    "{argument}: no .json, .jsonl, .csv, .log or .txt files in this directory"
                ));
            }
            inputs.extend(files.into_iter().map(Input::File));
        } else if path.is_file() {
            inputs.push(Input::File(path.to_path_buf()));
        } else if argument.contains(['*', '?']) {
            let matched = glob(path);
            if matched.is_empty() {
                problems.push(format!("{argument}: no file matches"));
            }
            inputs.extend(matched.into_iter().map(Input::File));
        } else {
            problems.push(format!("{argument}: no such file or directory"));
        }
    }
    (inputs, problems)
}

fn walk(directory: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| LOG_EXTENSIONS.contains(&e)) {
            files.push(path);
        }
    }
}

fn glob(pattern: &Path) -> Vec<PathBuf> {
    let directory = pattern.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name_pattern) = pattern.file_name().and_then(|n| n.to_str()) else { return Vec::new() };
    let Ok(entries) = std::fs::read_dir(directory) else { return Vec::new() };
    let mut matched: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(|n| wildcard(name_pattern, n)))
        .collect();
    matched.sort();
    matched
}

/// `*` matches any run of characters, `?` any one character.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (pattern, text): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut p, mut t, mut star, mut mark) = (0, 0, None, 0);
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some(p);
                mark = t;
                p += 1;
            }
            Some(&c) if c == '?' || Some(&c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some(s) => {
                    p = s + 1;
                    mark += 1;
                    t = mark;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards_match_like_a_shell() {
        assert!(wildcard("*.json", "PT1H.json"));
        assert!(wildcard("PT?H.*", "PT1H.json"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("*.csv", "PT1H.json"));
        assert!(!wildcard("a?c", "ac"));
    }
}
