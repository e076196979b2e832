//! A progress line on stderr while large inputs are diagnosed (only when stderr is a terminal).

use std::io::Write as _;

use iothub_errors_inputs::Input;

/// Inputs smaller than this finish too fast to need progress.
const LARGE_INPUT: u64 = 64 << 20;

/// Progress over the total size of the input files.
pub struct Progress {
    total: u64,
    done: u64,
    shown_percent: Option<u64>,
    enabled: bool,
}

impl Progress {
    /// Progress for `inputs`; silent unless stderr is a terminal and the files are large.
    pub fn new(inputs: &[Input]) -> Progress {
        let total: u64 = inputs.iter().filter_map(Input::size).sum();
        Progress {
            total,
            done: 0,
            shown_percent: None,
            enabled: total >= LARGE_INPUT && crate::style::stderr_is_terminal(),
        }
    }

    /// Counts `bytes` more as read.
    pub fn advance(&mut self, bytes: u64) {
        self.done += bytes;
        if !self.enabled || self.total == 0 {
            return;
        }
        let percent = (self.done * 100 / self.total).min(100);
        if self.shown_percent != Some(percent) {
            self.shown_percent = Some(percent);
            let filled = (percent / 4) as usize;
            let bar: String = "█".repeat(filled) + &"░".repeat(25 - filled);
            let _ = write!(std::io::stderr(), "\rdiagnosing {bar} {percent:>3}% of {} MB", self.total >> 20);
        }
    }

    /// Clears the progress line.
    pub fn done(&self) {
        if self.enabled && self.shown_percent.is_some() {
            let _ = write!(std::io::stderr(), "\r{:60}\r", "");
        }
    }
}
