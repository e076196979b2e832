//! Fleet diagnosis: the streaming [`Diagnoser`] object (hand-written: uniffi objects hold state, which no schema
//! describes) and [`diagnose_text`]; the [`Report`] they return is generated.

use std::sync::{Mutex, MutexGuard, PoisonError};

use iothub_errors::diagnose as core;

use crate::{IotHubErrorsError, Report, mirror};

/// Streaming diagnosis of IoT Hub log exports: push bytes or text in chunks of any size, call `nextInput()`
/// between files, then `finish()` for the report.
///
/// The export shape (storage JSON lines, Event Hubs records, Log Analytics CSV or JSON, Event Grid, legacy
/// operations monitoring) is detected from the first bytes of each input. Memory grows with the number of
/// devices, not with the length of the input. The object is safe to share between threads; calls are
/// serialised.
#[derive(Debug, Default, uniffi::Object)]
pub struct Diagnoser {
    state: Mutex<core::Diagnoser>,
}

#[uniffi::export]
impl Diagnoser {
    /// An empty diagnoser.
    #[uniffi::constructor]
    pub fn new() -> Diagnoser {
        Diagnoser::default()
    }

    /// Feeds raw export bytes, in any chunking (a chunk may end inside a record or a UTF-8 sequence).
    pub fn push_bytes(&self, chunk: Vec<u8>) {
        self.lock().push_bytes(&chunk);
    }

    /// Feeds export text, in any chunking.
    pub fn push_text(&self, chunk: String) {
        self.lock().push_bytes(chunk.as_bytes());
    }

    /// Starts the next input (file): the shape is detected anew and evidence carries the input's number.
    pub fn next_input(&self) {
        self.lock().next_input();
    }

    /// Records read so far.
    pub fn records_read(&self) -> u64 {
        self.lock().records_read()
    }

    /// Ends the input and returns the report of everything pushed since the diagnoser was made (or since
    /// the last `finish`); the diagnoser is then empty again and can diagnose another set of logs.
    pub fn finish(&self) -> Result<Report, IotHubErrorsError> {
        let diagnoser = std::mem::take(&mut *self.lock());
        mirror(&diagnoser.finish())
    }
}

impl Diagnoser {
    /// The core diagnoser. The core never panics, so the lock is never poisoned; if it were, the state is
    /// still consistent enough to go on with, so poisoning is ignored rather than turned into a panic.
    fn lock(&self) -> MutexGuard<'_, core::Diagnoser> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Diagnoses a complete export text in one call (what a `Diagnoser` does with one `pushText` and `finish`).
#[uniffi::export]
pub fn diagnose_text(text: String) -> Result<Report, IotHubErrorsError> {
    mirror(&core::diagnose_text(&text))
}
