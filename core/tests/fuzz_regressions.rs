//! Inputs the fuzzers once broke, replayed with the property each target checks.

use iothub_errors::logs::{LogDecoder, ReadItem};

fn decode(data: &[u8], chunk: usize) -> Vec<ReadItem> {
    let mut items = Vec::new();
    let mut decoder = LogDecoder::new();
    for part in data.chunks(chunk.max(1)) {
        decoder.push(part, &mut |item| items.push(item));
    }
    decoder.finish(&mut |item| items.push(item));
    items
}

#[test]
fn every_regression_input_holds_every_target_property() {
    let folder = format!("{}/../testdata/fuzz-regressions", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        count += 1;
        // log_decoder: the first byte picks a chunk size; any chunking reads the same items.
        if let Some((&chunk, rest)) = data.split_first() {
            let (whole, chunked) =
                (decode(rest, rest.len().max(1)), decode(rest, usize::from(chunk % 64) + 1));
            let first_difference = whole.iter().zip(&chunked).position(|(a, b)| a != b);
            assert!(
                whole.len() == chunked.len() && first_difference.is_none(),
                "chunking changed what was read: {} vs {} items, first difference {:?}",
                whole.len(),
                chunked.len(),
                first_difference.map(|i| (whole.get(i), chunked.get(i)))
            );
        }
        // scan, resolve, parse_error_body, diagnose: an answer, never a panic.
        let text = String::from_utf8_lossy(&data);
        for finding in iothub_errors::scan(&text) {
            assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end));
        }
        let _ = iothub_errors::resolve(&text);
        let _ = iothub_errors::parse_error_body(&text, None);
        let _ = iothub_errors::diagnose::diagnose_text(&text);
    }
    assert!(count > 0);
}
