//! The shared hostile inputs of `testdata/hostile.tsv`: every text function answers or returns a typed error.

use iothub_errors::diagnose::{Diagnoser, diagnose_text};

/// Builds a row's text. Lone surrogates cannot live in a Rust string: they become U+FFFD, as the format says.
fn generate(generator: &str) -> String {
    let mut text = String::new();
    for part in generator.split(" + ") {
        if let Some(literal) = part.strip_prefix("literal:") {
            text.push_str(&unescape(literal));
        } else if let Some(repeat) = part.strip_prefix("repeat:") {
            let (unit, count) = repeat.rsplit_once(':').expect("repeat:TEXT:COUNT");
            text.push_str(&unescape(unit).repeat(count.parse().expect("a count")));
        } else {
            panic!("unknown generator part {part:?}");
        }
    }
    text
}

fn unescape(text: &str) -> String {
    let mut units: Vec<u16> = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            units.extend(c.encode_utf16(&mut [0; 2]).iter());
            continue;
        }
        match chars.next().expect("an escape") {
            't' => units.push(u16::from(b'\t')),
            'n' => units.push(u16::from(b'\n')),
            'r' => units.push(u16::from(b'\r')),
            '0' => units.push(0),
            '\\' => units.push(u16::from(b'\\')),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                units.push(u16::from_str_radix(&hex, 16).expect("four hex digits"));
            }
            other => panic!("unknown escape \\{other}"),
        }
    }
    String::from_utf16_lossy(&units)
}

#[test]
fn every_hostile_text_gets_an_answer_or_a_typed_error() {
    let table = include_str!("../../testdata/hostile.tsv");
    let mut texts = 0;
    for line in table.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let [name, kind, generator] = line.split('\t').collect::<Vec<_>>()[..] else { panic!("{line}") };
        if kind != "text" {
            continue; // values of other types cannot be passed to Rust's typed functions
        }
        texts += 1;
        let text = generate(generator);
        let _ = iothub_errors::resolve(&text);
        let _ = iothub_errors::by_name(&text);
        let _ = iothub_errors::search(&text);
        for finding in iothub_errors::scan(&text) {
            assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end), "{name}");
        }
        let _ = iothub_errors::parse_error_body(&text, Some(400));
        let whole = diagnose_text(&text);
        let mut diagnoser = Diagnoser::new();
        for chunk in text.as_bytes().chunks(65_536) {
            diagnoser.push_bytes(chunk);
        }
        let streamed = diagnoser.finish();
        assert_eq!(whole.summary.records_read, streamed.summary.records_read, "{name}");
        assert_eq!(whole.summary.records_skipped, streamed.summary.records_skipped, "{name}");
    }
    assert!(texts >= 15, "only {texts} hostile texts");
}
