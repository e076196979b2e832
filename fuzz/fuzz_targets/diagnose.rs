//! The diagnoser on arbitrary bytes: a report whose counts hold together, never a panic.
#![no_main]

use iothub_errors::diagnose::Diagnoser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut diagnoser = Diagnoser::new();
    for part in data.chunks(97) {
        diagnoser.push_bytes(part);
    }
    let report = diagnoser.finish();
    let summary = &report.summary;
    assert!(summary.duplicates <= summary.records_read);
    assert!(summary.errors <= summary.records_read);
    for finding in &report.findings {
        assert!(finding.first <= finding.last, "a finding ends before it starts");
    }
});
