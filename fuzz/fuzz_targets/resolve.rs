//! `resolve`, `by_name` and `search` on arbitrary text: an answer or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(resolution) = iothub_errors::resolve(&text) {
        if let Some(entry) = resolution.entry {
            assert_eq!(resolution.classification.name, Some(entry.name));
        }
    }
    let _ = iothub_errors::by_name(&text);
    let _ = iothub_errors::search(&text);
});
