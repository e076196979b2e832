//! The iothub-errors core for JavaScript: the wasm half of the npm package `iothub-errors`.
//!
//! These exports are the raw layer under the package's JavaScript wrapper (`npm/index.js`), which checks
//! argument types and ranges, turns thrown error objects into `IotHubError`s and caches catalog entries as
//! frozen objects, so that `lookup` costs a binary search and no serialization. Nothing here is meant to be
//! called directly by users.
//!
//! Every fallible function returns `Result<_, JsValue>`; the error value is the core's [`iothub_errors::Error`]
//! serialized (`{kind, message, ...fields}`). Nothing here panics: the core never does, and this crate does no
//! indexing, unwrapping or arithmetic that could. The catalog exports are in `catalog.rs`, which the catalog-only
//! module (`catalog/`) compiles too.

mod catalog;

use catalog::{error_value, to_js};
use iothub_errors::diagnose::Diagnoser as CoreDiagnoser;
use iothub_errors::{ErrorFacts, ErrorLink, StringIndexes, StringUnit};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The one input buffer: the wrapper writes a text (with `TextEncoder.encodeInto`) or a chunk of bytes
    /// straight into it, then calls [`scan_input`] or [`Diagnoser::push_input`]. Reused from call to call, so an
    /// input crosses into WebAssembly with one copy and no allocation (wasm-bindgen's own string passing
    /// allocates per call and copies ASCII one character at a time in JavaScript).
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Bytes the input buffer keeps between calls; a larger request (a long text to scan) is released by the next
/// smaller one.
const KEPT_INPUT_BYTES: usize = 1 << 20;

/// The address of the input buffer in WebAssembly memory, made to hold `capacity` bytes (at least
/// `KEPT_INPUT_BYTES`; a buffer of another size is replaced, its bytes dropped). Any later call may move it:
/// ask again before each write.
#[wasm_bindgen]
pub fn input_buffer(capacity: usize) -> *mut u8 {
    INPUT.with_borrow_mut(|input| {
        let size = capacity.max(KEPT_INPUT_BYTES);
        if input.len() != size {
            *input = vec![0; size];
        }
        input.as_mut_ptr()
    })
}

/// Runs `read` on the first `len` bytes of the input buffer (all of it when `len` is larger).
fn with_input<T>(len: usize, read: impl FnOnce(&[u8]) -> T) -> T {
    INPUT.with_borrow(|input| read(input.get(..len).unwrap_or(input)))
}

/// Every IoT Hub error found in the first `len` bytes of the input buffer (a text the wrapper wrote there as
/// UTF-8), in order of position, with `start`/`end` as indexes into the JavaScript string (UTF-16 code units),
/// so that `text.slice(start, end)` is the evidence.
#[wasm_bindgen]
pub fn scan_input(len: usize) -> Result<JsValue, JsValue> {
    with_input(len, |bytes| {
        // `encodeInto` writes valid UTF-8; anything else is the wrapper's mistake, reported, never scanned.
        let text = std::str::from_utf8(bytes).map_err(|_| JsValue::NULL)?;
        let mut findings = iothub_errors::scan(text);
        let mut indexes = StringIndexes::new(text, StringUnit::Utf16);
        for finding in &mut findings {
            finding.start = indexes.index_of(finding.start);
            finding.end = indexes.index_of(finding.end);
        }
        to_js(&findings)
    })
}

/// The finding an SDK error object stands for, from the facts the wrapper read off it, or `null`. The facts
/// cross as one string of NUL-separated parts (empty for an absent one, NULs inside a part replaced by the
/// wrapper): the `iothub-errorcode` header, the body, the AMQP condition, the AMQP description, the tracking id,
/// then `links` pairs of a name and a message (the chain, outermost first), then the stack frames; and the two
/// numbers. Not as one object deserialized by serde: serde's type errors format strings with `Debug`, which
/// would bring the str-slicing panic formatting that `cargo xtask build wasm` keeps out of the module, and one
/// string costs the least glue within the package's size budget. `start`/`end` index (in UTF-16 code units) the
/// facts' text as the core writes it.
#[wasm_bindgen]
pub fn resolve_error(
    facts: &str,
    links: u32,
    http_status: Option<u16>,
    connack_code: Option<u8>,
) -> Result<JsValue, JsValue> {
    let mut parts = facts.split('\0').map(|part| (!part.is_empty()).then(|| part.to_owned()));
    let mut next = || parts.next().flatten();
    let mut facts = ErrorFacts {
        error_code_header: next(),
        body: next(),
        amqp_condition: next(),
        amqp_description: next(),
        tracking_id: next(),
        http_status,
        connack_code,
        ..ErrorFacts::default()
    };
    for _ in 0..links {
        facts.chain.push(ErrorLink { name: next(), message: next() });
    }
    facts.frames = parts.flatten().collect();
    let Some(mut finding) = iothub_errors::resolve_error(&facts) else {
        return Ok(JsValue::NULL);
    };
    let text = facts.text();
    let mut indexes = StringIndexes::new(&text, StringUnit::Utf16);
    finding.start = indexes.index_of(finding.start);
    finding.end = indexes.index_of(finding.end);
    to_js(&finding)
}

/// Reads an IoT Hub error body; `http_status` is the response's status when known.
#[wasm_bindgen]
pub fn parse_error_body(body: &str, http_status: Option<u16>) -> Result<JsValue, JsValue> {
    let parsed = iothub_errors::parse_error_body(body, http_status).map_err(|error| error_value(&error))?;
    to_js(&parsed)
}

/// Streaming fleet diagnosis over log exports of any shape, fed chunk by chunk.
#[wasm_bindgen]
pub struct Diagnoser {
    /// `None` once [`Diagnoser::finish`] has taken the core diagnoser.
    inner: Option<CoreDiagnoser>,
}

#[wasm_bindgen]
impl Diagnoser {
    /// An empty diagnoser.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Diagnoser {
        Diagnoser { inner: Some(CoreDiagnoser::new()) }
    }

    /// Feeds the first `len` bytes of the input buffer (any chunking); returns false when the diagnoser is
    /// finished.
    pub fn push_input(&mut self, len: usize) -> bool {
        let diagnoser = self.inner.as_mut();
        diagnoser.map(|diagnoser| with_input(len, |chunk| diagnoser.push_bytes(chunk))).is_some()
    }

    /// Starts the next input (file); returns false when the diagnoser is finished.
    pub fn next_input(&mut self) -> bool {
        match self.inner.as_mut() {
            Some(diagnoser) => {
                diagnoser.next_input();
                true
            }
            None => false,
        }
    }

    /// Records read so far (a float: exact up to 2^53).
    pub fn records_read(&self) -> f64 {
        // u64 → f64 is exact for every count a browser can read.
        self.inner.as_ref().map_or(0.0, |diagnoser| diagnoser.records_read() as f64)
    }

    /// Ends the input and returns the report; `undefined` when already finished.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        match self.inner.take() {
            Some(diagnoser) => to_js(&diagnoser.finish()),
            None => Ok(JsValue::UNDEFINED),
        }
    }
}

impl Default for Diagnoser {
    fn default() -> Diagnoser {
        Diagnoser::new()
    }
}
