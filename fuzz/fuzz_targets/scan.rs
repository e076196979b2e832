//! `scan` on arbitrary text: never panics, and every finding's span lies on character boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for finding in iothub_errors::scan(&text) {
        assert!(finding.start <= finding.end && finding.end <= text.len(), "span out of the text");
        assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end), "span splits a character");
        assert!((0.0..=1.0).contains(&finding.confidence));
    }
});
