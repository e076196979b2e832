//! Terminal colours: on when stdout is a terminal and `NO_COLOR` is unset or empty (<https://no-color.org>).

use std::io::IsTerminal as _;

use iothub_errors::Severity;

/// Whether stderr is a terminal (for progress output).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Whether to emit ANSI colour codes.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    enabled: bool,
}

impl Style {
    /// The style for standard output.
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style { enabled: !no_color && std::io::stdout().is_terminal() }
    }

    /// A style that never colours (for tests).
    #[cfg(test)]
    pub const fn plain() -> Style {
        Style { enabled: false }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    /// Bold text.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dimmed text.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// A section heading.
    pub fn heading(self, text: &str) -> String {
        self.paint("1;36", text)
    }

    /// A fixed-width upper-case severity label (`WARNING `), coloured.
    pub fn severity_label(self, severity: Severity) -> String {
        let label = format!("{:<8}", severity.as_str().to_ascii_uppercase());
        self.paint(severity_colour(severity), &label)
    }

    /// Text coloured by severity.
    pub fn severity(self, severity: Severity) -> String {
        self.paint(severity_colour(severity), severity.as_str())
    }
}

fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "32",
        Severity::Warning => "33",
        Severity::Error => "31",
        Severity::Critical => "1;31",
    }
}
