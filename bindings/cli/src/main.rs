//! `iothub-errors`: explain Azure IoT Hub error codes from a terminal or a script.
//!
//! Exit codes: 0 found, 1 not found, 2 usage error.

mod export;
mod render;
mod style;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use iothub_errors::{Error, MatchKind};

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
    /// Explain one code or name: "401003", "IotHubUnauthorized", "Error 404103", "aka.ms/iothub429001".
    Explain {
        /// The code, name or alias (several words are joined with spaces).
        #[arg(required = true, num_args = 1.., allow_negative_numbers = true)]
        query: Vec<String>,
        /// Print the entry as JSON (the fields are listed in the README).
        #[arg(long)]
        json: bool,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = Style::for_stdout();
    let outcome = match cli.command {
        Command::Explain { query, json } => explain(&query.join(" "), json, style),
        Command::Search { words, json, limit } => search(&words.join(" "), json, limit, style),
        Command::Catalog { format } => catalog(format),
    };
    // A closed pipe (`iothub-errors catalog | head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().lock().write_all(outcome.stderr.as_bytes());
    if outcome.found { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn explain(query: &str, json: bool, style: Style) -> Outcome {
    match iothub_errors::resolve(query) {
        Ok(resolution) => match (resolution.entry, resolution.matched_by) {
            (Some(entry), matched_by) => {
                let mut stderr = String::new();
                if matched_by == MatchKind::AliasCode {
                    stderr = format!("note: {query} is an alias of {}; see its decision\n", entry.name);
                }
                let stdout = if json { to_json(entry) } else { render::entry(entry, style) };
                Outcome { stdout, stderr, found: true }
            }
            (None, _) => {
                let classification = &resolution.classification;
                let stdout = if json {
                    to_json(classification)
                } else {
                    render::classification(classification, style)
                };
                let stderr = format!("{query}: not in the catalog; classified by its class and family\n");
                Outcome { stdout, stderr, found: false }
            }
        },
        Err(error) => not_found(query, &error),
    }
}

fn search(words: &str, json: bool, limit: usize, style: Style) -> Outcome {
    match iothub_errors::search(words) {
        Ok(hits) if !hits.is_empty() => {
            let hits = &hits[..hits.len().min(limit)];
            let stdout = if json { to_json(&hits) } else { render::hits(hits, style) };
            Outcome { stdout, stderr: String::new(), found: true }
        }
        Ok(_) => Outcome {
            stdout: if json { "[]\n".into() } else { String::new() },
            stderr: format!("no entry matches {words:?}\n"),
            found: false,
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
    Outcome { stdout, stderr: String::new(), found: true }
}

fn not_found(query: &str, error: &Error) -> Outcome {
    let hint = match error {
        Error::UnknownName { .. } => format!("; try `iothub-errors search {query}`"),
        _ => String::new(),
    };
    Outcome { stdout: String::new(), stderr: format!("iothub-errors: {error}{hint}\n"), found: false }
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Serializing the catalog's own types cannot fail: they hold only strings, numbers and lists.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
