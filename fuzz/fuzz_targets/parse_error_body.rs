//! `parse_error_body` on arbitrary text: a structured error or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((&first, rest)) => (Some(u16::from(first) + 300), rest),
        None => (None, data),
    };
    let body = String::from_utf8_lossy(body);
    if let Ok(parsed) = iothub_errors::parse_error_body(&body, status) {
        if let Some(code) = parsed.code {
            assert!((100_000..=999_999).contains(&code), "a code outside six digits");
        }
    }
});
