//! The ways of reading one input agree: the diagnoser's own reading (records lent from a reused buffer) and the
//! public `LogDecoder` items, whole inputs and any chunking, for every export shape the simulator writes and
//! for every sample log.

use iothub_errors::diagnose::{Diagnoser, Report, diagnose, diagnose_text};
use iothub_errors::logs::{LogDecoder, ReadItem, read_text};
use iothub_errors_sim::{Config, Format, simulate, write};

fn items_in_chunks(bytes: &[u8], size: usize) -> Vec<ReadItem> {
    let mut items = Vec::new();
    let mut decoder = LogDecoder::new();
    for chunk in bytes.chunks(size) {
        decoder.push(chunk, &mut |item| items.push(item));
    }
    decoder.finish(&mut |item| items.push(item));
    items
}

fn diagnosed_in_chunks(bytes: &[u8], size: usize) -> Report {
    let mut diagnoser = Diagnoser::new();
    for chunk in bytes.chunks(size) {
        diagnoser.push_bytes(chunk);
    }
    diagnoser.finish()
}

/// Every simulator shape and every sample log, as (label, text).
fn inputs() -> Vec<(String, String)> {
    let fleet = simulate(&Config { seed: 3, devices: 60, hours: 3, ..Config::default() });
    let mut inputs: Vec<(String, String)> = Format::ALL
        .into_iter()
        .map(|format| {
            let mut bytes = Vec::new();
            write(&fleet, format, &mut bytes).unwrap();
            (format.as_str().to_owned(), String::from_utf8(bytes).unwrap())
        })
        .collect();
    let samples = format!("{}/../testdata/logs", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(samples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext != "md") {
            inputs.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    inputs
}

#[test]
fn the_diagnoser_reads_what_the_public_decoder_reads() {
    for (label, text) in inputs() {
        let items = read_text(&text);
        let records = items.iter().filter(|item| matches!(item, ReadItem::Record(_))).count();
        assert!(records > 0, "{label}: no records read");
        assert_eq!(diagnose_text(&text), diagnose(items), "{label}");
    }
}

#[test]
fn chunking_changes_nothing_in_any_shape() {
    for (label, text) in inputs() {
        let whole = read_text(&text);
        let report = diagnose_text(&text);
        for size in [1, 7, 100, 4096] {
            assert_eq!(items_in_chunks(text.as_bytes(), size), whole, "{label}, chunks of {size}");
            assert_eq!(diagnosed_in_chunks(text.as_bytes(), size), report, "{label}, chunks of {size}");
        }
    }
}

#[test]
fn records_wrapped_on_one_line_read_like_records_on_their_own_lines() {
    let fleet = simulate(&Config { seed: 5, devices: 20, hours: 1, ..Config::default() });
    let mut bytes = Vec::new();
    write(&fleet, Format::EventHubsRecords, &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // Event Hubs often writes a whole document on one line.
    let one_line: String = text.lines().map(str::trim).collect();
    let records = |items: Vec<ReadItem>| -> Vec<ReadItem> {
        items
            .into_iter()
            .filter_map(|item| match item {
                ReadItem::Record(mut record) => {
                    record.source.line = 0;
                    Some(ReadItem::Record(record))
                }
                ReadItem::Skipped(_) => None,
            })
            .collect()
    };
    let (spread, joined) = (records(read_text(&text)), records(read_text(&one_line)));
    assert!(!spread.is_empty());
    assert_eq!(spread, joined);
}

#[test]
fn each_record_reads_the_same_alone_as_after_other_records() {
    // The decoder reuses one record buffer: nothing of a record may leak into the next one.
    let fleet = simulate(&Config { seed: 9, devices: 40, hours: 2, ..Config::default() });
    for format in [Format::StorageJsonLines, Format::OperationsMonitoring, Format::AzureDiagnosticsCsv] {
        let mut bytes = Vec::new();
        write(&fleet, format, &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        let header = if format == Format::AzureDiagnosticsCsv {
            lines.next().unwrap().to_owned() + "\n"
        } else {
            String::new()
        };
        let in_sequence: Vec<_> = read_text(&text)
            .into_iter()
            .filter_map(|item| if let ReadItem::Record(record) = item { Some(record) } else { None })
            .collect();
        let alone: Vec<_> = lines
            .filter_map(|line| match read_text(&format!("{header}{line}\n")).pop() {
                Some(ReadItem::Record(record)) => Some(record),
                _ => None,
            })
            .collect();
        assert_eq!(in_sequence.len(), alone.len(), "{}", format.as_str());
        for (mut sequential, mut single) in in_sequence.into_iter().zip(alone) {
            sequential.source = Default::default();
            single.source = Default::default();
            assert_eq!(sequential, single, "{}", format.as_str());
        }
    }
}
