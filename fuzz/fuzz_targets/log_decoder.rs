//! The log decoder on arbitrary bytes: any chunking gives exactly the items of one whole push.
#![no_main]

use iothub_errors::logs::{LogDecoder, ReadItem};
use libfuzzer_sys::fuzz_target;

fn decode(data: &[u8], chunk: usize) -> Vec<ReadItem> {
    let mut items = Vec::new();
    let mut decoder = LogDecoder::new();
    for part in data.chunks(chunk.max(1)) {
        decoder.push(part, &mut |item| items.push(item));
    }
    decoder.finish(&mut |item| items.push(item));
    items
}

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, data)) = data.split_first() else { return };
    let whole = decode(data, data.len().max(1));
    let chunked = decode(data, usize::from(chunk % 64) + 1);
    assert_eq!(whole, chunked, "chunking changed what was read");
});
