//! `iothub-errors`: explain Azure IoT Hub error codes from a terminal or a script.
//!
//! Exit codes: 0 found, 1 not found, 2 usage error.

mod export;
mod progress;
mod render;
mod report;
mod style;

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use iothub_errors::kql::{self, KqlTable};
use iothub_errors::{Error, MatchKind};
use iothub_errors_inputs::Input;

use crate::style::Style;

/// Explain Azure IoT Hub error codes: what they mean, whether to retry, who must act, and how to fix them.
#[derive(Debug, Parser)]
#[command(name = "iothub-errors", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain one code or name: "401003", "IotHubUnauthorized", "Error 404103", "aka.ms/iothub429001"; or a
    /// pasted exception or message, by the most likely entry `scan` finds in it and its alternatives.
    Explain {
        /// The code, name or alias, or a pasted message (several words are joined with spaces).
        #[arg(required = true, num_args = 1.., allow_negative_numbers = true)]
        query: Vec<String>,
        /// Print the entry as JSON (the fields are listed in the README).
        #[arg(long)]
        json: bool,
        /// Print only the KQL queries that find this error in a Log Analytics workspace, ready to paste.
        #[arg(long, conflicts_with = "json")]
        kql: bool,
        /// The table the KQL queries read (default AzureDiagnostics), e.g. a resource-specific or ADX table.
        #[arg(long, value_name = "TABLE")]
        kql_table: Option<String>,
    },
    /// Search names, summaries, causes and fixes; best matches first.
    Search {
        /// Words to look for.
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        /// Print the hits as a JSON array of {score, entry}.
        #[arg(long)]
        json: bool,
        /// How many hits to show at most.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Find every IoT Hub error in a text: an exception, an error body, a log excerpt (FILE, or - / nothing for stdin).
    Scan {
        /// The file to read; `-` or nothing reads standard input.
        file: Option<String>,
        /// Print `{"findings": [...]}` as JSON (the fields are listed in the README).
        #[arg(long)]
        json: bool,
    },
    /// Diagnose IoT Hub log exports: files, directories of exported blobs, wildcard patterns, or - for stdin.
    Diagnose {
        /// Inputs: files, directories (read recursively), patterns such as 'logs/*.json' or 'logs/**/PT1H.json', or -.
        #[arg(required = true, num_args = 1..)]
        inputs: Vec<String>,
        /// Print `{"inputs": [...], "summary": {...}, "findings": [...]}` as JSON.
        #[arg(long)]
        json: bool,
        /// Print only the KQL queries of the findings (one per finding, and its pattern), ready to paste.
        #[arg(long, conflicts_with = "json")]
        kql: bool,
        /// The table the KQL queries read (default AzureDiagnostics), e.g. a resource-specific or ADX table.
        #[arg(long, value_name = "TABLE")]
        kql_table: Option<String>,
        /// Worker threads (default: the available parallelism). The report is the same for any number.
        #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
    },
    /// Print the whole catalog.
    Catalog {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
}

/// Formats of `catalog`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// A JSON array of entries.
    Json,
    /// One row per entry; list fields are joined with " | ".
    Csv,
    /// A Markdown table.
    Markdown,
}

/// What a command prints and how it ends.
struct Outcome {
    stdout: String,
    stderr: String,
    found: bool,
    /// Overrides the exit code derived from `found` (2 for unreadable inputs).
    code: Option<u8>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = Style::for_stdout();
    let outcome = match cli.command {
        Command::Explain { query, json, kql, kql_table } => match kql_table_of(kql_table.as_deref()) {
            Ok(table) => explain(&query.join(" "), Output::of(json, kql), &table, style),
            Err(outcome) => outcome,
        },
        Command::Search { words, json, limit } => search(&words.join(" "), json, limit, style),
        Command::Catalog { format } => catalog(format),
        Command::Scan { file, json } => scan(file.as_deref().unwrap_or("-"), json, style),
        Command::Diagnose { inputs, json, kql, kql_table, jobs } => {
            match kql_table_of(kql_table.as_deref()) {
                Ok(table) => diagnose(&inputs, jobs_or_default(jobs), Output::of(json, kql), &table, style),
                Err(outcome) => outcome,
            }
        }
    };
    // A closed pipe (`iothub-errors catalog | head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().lock().write_all(outcome.stderr.as_bytes());
    match outcome.code {
        Some(code) => ExitCode::from(code),
        None if outcome.found => ExitCode::SUCCESS,
        None => ExitCode::from(1),
    }
}

/// What `explain` and `diagnose` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// Text for a terminal.
    Text,
    /// JSON.
    Json,
    /// Only the KQL queries.
    Kql,
}

impl Output {
    fn of(json: bool, kql: bool) -> Output {
        if json {
            Output::Json
        } else if kql {
            Output::Kql
        } else {
            Output::Text
        }
    }
}

/// The `--kql-table` option, or the default table.
fn kql_table_of(name: Option<&str>) -> Result<KqlTable, Outcome> {
    match name {
        None => Ok(KqlTable::default()),
        Some(name) => KqlTable::new(name).map_err(|e| usage_failure(format!("--kql-table: {e}"))),
    }
}

/// The queries of an entry as text to paste, each after a comment line saying what it shows.
fn entry_kql(entry: &iothub_errors::Entry, table: &KqlTable) -> String {
    let queries = kql::entry_queries(entry, table);
    let mut text = format!(
        "// {} {}: occurrences over the last 24 hours\n{}\n",
        code_text(entry.code),
        entry.name,
        queries.occurrences
    );
    if let Some(causes) = queries.causes {
        text.push_str(&format!(
            "\n// {} {}: which cause it is\n{causes}\n",
            code_text(entry.code),
            entry.name
        ));
    }
    text
}

fn code_text(code: Option<u32>) -> String {
    code.map_or_else(|| "(no code)".to_owned(), |code| code.to_string())
}

fn explain(query: &str, output: Output, table: &KqlTable, style: Style) -> Outcome {
    match iothub_errors::resolve(query) {
        Ok(resolution) => match (resolution.entry, resolution.matched_by) {
            (Some(entry), matched_by) => {
                let mut stderr = String::new();
                if matched_by == MatchKind::AliasCode {
                    stderr = format!("note: {query} is an alias of {}; see its decision\n", entry.name);
                }
                let stdout = match output {
                    Output::Json if *table == KqlTable::default() => to_json(entry),
                    Output::Json => {
                        let mut value = serde_json::to_value(entry).unwrap_or_default();
                        value["kql"] =
                            serde_json::to_value(kql::entry_queries(entry, table)).unwrap_or_default();
                        to_json(&value)
                    }
                    Output::Kql => entry_kql(entry, table),
                    Output::Text => render::entry(entry, style),
                };
                Outcome { stdout, stderr, found: true, code: None }
            }
            (None, _) => {
                let classification = &resolution.classification;
                let stdout = if output == Output::Json {
                    to_json(classification)
                } else {
                    render::classification(classification, style)
                };
                let stderr = format!("{query}: not in the catalog; classified by its class and family\n");
                Outcome { stdout, stderr, found: false, code: None }
            }
        },
        // Not a code or a name: a pasted exception or message, explained by what `scan` finds in it.
        Err(error) => {
            let findings = iothub_errors::scan(query);
            if findings.is_empty() {
                return not_found(query, &error);
            }
            let likely =
                findings.iter().find_map(|f| f.code).and_then(|code| iothub_errors::lookup(code).ok());
            let stdout = match (output, likely) {
                (Output::Json, _) => to_json(&findings),
                (Output::Kql, Some(entry)) => entry_kql(entry, table),
                _ => render::scan_explanation(&findings, style),
            };
            let found = findings.iter().any(|f| f.code.is_some());
            Outcome { stdout, stderr: String::new(), found, code: None }
        }
    }
}

fn search(words: &str, json: bool, limit: usize, style: Style) -> Outcome {
    match iothub_errors::search(words) {
        Ok(hits) if !hits.is_empty() => {
            let hits = &hits[..hits.len().min(limit)];
            let stdout = if json { to_json(&hits) } else { render::hits(hits, style) };
            Outcome { stdout, stderr: String::new(), found: true, code: None }
        }
        Ok(_) => Outcome {
            stdout: if json { "[]\n".into() } else { String::new() },
            stderr: format!("no entry matches {words:?}\n"),
            found: false,
            code: None,
        },
        Err(error) => not_found(words, &error),
    }
}

fn catalog(format: Format) -> Outcome {
    let entries = iothub_errors::entries();
    let stdout = match format {
        Format::Json => to_json(&entries),
        Format::Csv => export::csv(entries),
        Format::Markdown => export::markdown(entries),
    };
    Outcome { stdout, stderr: String::new(), found: true, code: None }
}

fn not_found(query: &str, error: &Error) -> Outcome {
    let hint = match error {
        Error::UnknownName { .. } => format!("; try `iothub-errors search {query}`"),
        _ => String::new(),
    };
    Outcome {
        stdout: String::new(),
        stderr: format!("iothub-errors: {error}{hint}\n"),
        found: false,
        code: None,
    }
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Serializing the catalog's own types cannot fail: they hold only strings, numbers and lists.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

fn scan(file: &str, json: bool, style: Style) -> Outcome {
    let text = match read_text(file) {
        Ok(text) => text,
        Err(message) => return usage_failure(message),
    };
    let findings = iothub_errors::scan(&text);
    let stdout = if json {
        to_json(&serde_json::json!({ "findings": findings }))
    } else if findings.is_empty() {
        String::new()
    } else {
        report::scan(&findings, &text, style)
    };
    let stderr = if findings.is_empty() { "no IoT Hub error found\n".to_owned() } else { String::new() };
    Outcome { stdout, stderr, found: !findings.is_empty(), code: None }
}

fn read_text(file: &str) -> Result<String, String> {
    let input = if file == "-" { Input::Stdin } else { Input::File(PathBuf::from(file)) };
    let mut bytes = Vec::new();
    input
        .open()
        .and_then(|mut reader| reader.read_to_end(&mut bytes))
        .map_err(|e| format!("{input}: {e}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `--jobs`, or the available parallelism.
fn jobs_or_default(jobs: Option<u16>) -> usize {
    jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, usize::from), usize::from)
}

fn diagnose(arguments: &[String], jobs: usize, output: Output, table: &KqlTable, style: Style) -> Outcome {
    let expansion = iothub_errors_inputs::expand(arguments);
    if !expansion.problems.is_empty() {
        let problems: Vec<String> = expansion.problems.iter().map(ToString::to_string).collect();
        return usage_failure(problems.join("\n"));
    }
    let inputs = expansion.inputs;
    let names: Vec<String> = inputs.iter().map(ToString::to_string).collect();
    let progress = std::sync::Mutex::new(progress::Progress::new(&inputs));
    let advance = |bytes: u64| {
        if let Ok(mut progress) = progress.lock() {
            progress.advance(bytes);
        }
    };
    let (mut report, failures) = iothub_errors_inputs::diagnose_all(&inputs, jobs, &advance);
    let mut stderr = String::new();
    for failure in failures {
        stderr.push_str(&format!("iothub-errors: {failure}\n"));
    }
    if let Ok(progress) = progress.lock() {
        progress.done();
    }
    if *table != KqlTable::default() {
        report.set_kql_table(table);
    }
    let stdout = if output == Output::Kql {
        report::kql(&report)
    } else if output == Output::Json {
        // Streamed straight to stdout: a fleet's report can be large, and no copy of it is needed.
        let output = DiagnoseOutput {
            inputs: &names,
            recognised: report.recognised,
            summary: &report.summary,
            findings: &report.findings,
        };
        let mut writer = std::io::BufWriter::new(std::io::stdout().lock());
        let written = serde_json::to_writer_pretty(&mut writer, &output).map_err(std::io::Error::from);
        if let Err(error) = written.and_then(|()| writer.write_all(b"\n")).and_then(|()| writer.flush()) {
            if error.kind() != std::io::ErrorKind::BrokenPipe {
                stderr.push_str(&format!("iothub-errors: cannot write the report: {error}\n"));
            }
        }
        String::new()
    } else {
        report::diagnosis(&report, &names, style)
    };
    let found = report.recognised;
    if !found {
        stderr
            .push_str(&format!("iothub-errors: no IoT Hub log records recognised in {}\n", names.join(", ")));
    }
    Outcome { stdout, stderr, found, code: None }
}

/// The JSON document of `diagnose --json`.
#[derive(serde::Serialize)]
struct DiagnoseOutput<'a> {
    inputs: &'a [String],
    recognised: bool,
    summary: &'a iothub_errors::diagnose::Summary,
    findings: &'a [iothub_errors::diagnose::FleetFinding],
}

fn usage_failure(message: String) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("iothub-errors: {message}\n"),
        found: false,
        code: Some(2),
    }
}
