//! Property tests: round trips of every entry through the forms people type, and log reading that accounts for
//! every line whatever is done to it.

use iothub_errors::diagnose::diagnose_text;
use iothub_errors::{Error, entries, resolve};
use proptest::prelude::*;

/// Ways people decorate a code when they type or paste it.
fn decorate_code(code: u32, style: u8, pad: &str) -> String {
    match style % 7 {
        0 => format!("{pad}{code}{pad}"),
        1 => format!("Error {code}"),
        2 => format!("error code: {code}"),
        3 => format!("aka.ms/iothub{code}"),
        4 => format!("https://aka.ms/iothub{code}"),
        5 => format!("#{code}"),
        _ => format!("({code})"),
    }
}

/// Ways people write a name: any case, `ErrorCode:` prefix, trailing `;` or `.`.
fn decorate_name(name: &str, style: u8, flips: &[bool]) -> String {
    let cased: String = name
        .chars()
        .zip(flips.iter().cycle())
        .map(|(c, &flip)| if flip { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect();
    match style % 4 {
        0 => cased,
        1 => format!("ErrorCode:{cased};"),
        2 => format!("  {cased}. "),
        _ => format!("iothub-errorcode: {cased}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_code_resolves_in_every_typed_form(index in 0usize..1000, style in 0u8..7, pad in "[ \t]{0,3}") {
        let numbered: Vec<_> = entries().iter().filter(|e| e.code.is_some()).collect();
        let entry = numbered[index % numbered.len()];
        let code = entry.code.unwrap();
        let resolved = resolve(&decorate_code(code, style, &pad)).unwrap();
        prop_assert_eq!(resolved.entry, Some(entry));
    }

    #[test]
    fn every_name_resolves_whatever_its_case(index in 0usize..1000, style in 0u8..4, flips in proptest::collection::vec(any::<bool>(), 1..8)) {
        let entry = &entries()[index % entries().len()];
        let resolved = resolve(&decorate_name(entry.name, style, &flips)).unwrap();
        let found = resolved.entry.unwrap();
        // The one shared name (ServiceUnavailable) resolves to its code-less entry.
        prop_assert!(found == entry || (found.name == entry.name && found.code.is_none()));
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_gets_a_consistent_answer_or_a_typed_error(text in "\\PC{0,64}") {
        let blank = text.trim().is_empty();
        prop_assert_eq!(matches!(resolve(&text), Err(Error::EmptyInput)), blank);
        match iothub_errors::by_name(&text) {
            // A name found is the entry's name or one of its aliases, in any case.
            Ok(entry) => prop_assert!(
                std::iter::once(entry.name).chain(entry.aliases.iter()).any(|n| n.eq_ignore_ascii_case(text.trim()))
            ),
            Err(error) => prop_assert_eq!(matches!(error, Error::EmptyInput), blank),
        }
        // A search box searches every keystroke: any query under the length limit gets hits or none, no error.
        let hits = iothub_errors::search(&text);
        prop_assert!(hits.is_ok(), "search({:?}) failed: {:?}", text, hits);
        if let Ok(hits) = hits {
            prop_assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score && pair[1].score > 0));
        }
        let findings = iothub_errors::scan(&text);
        for finding in &findings {
            prop_assert!(finding.start < finding.end && finding.end <= text.len());
            prop_assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end));
            prop_assert!((0.0..=1.0).contains(&finding.confidence));
        }
        prop_assert!(findings.windows(2).all(|pair| pair[0].end <= pair[1].start));
        match iothub_errors::parse_error_body(&text, None) {
            Ok(body) => prop_assert!(body.code.is_some() || body.class.is_some() || body.name.is_some()),
            Err(error) => prop_assert_eq!(error.kind().as_str(), "not-an-error-body"),
        }
    }
}

/// A line of the sample log damaged in one of several ways.
fn damage(line: &str, how: u8, at: usize, junk: &str) -> String {
    let cut = line.char_indices().map(|(i, _)| i).nth(at % line.chars().count().max(1)).unwrap_or(0);
    match how % 6 {
        0 => line[..cut].to_owned(),
        1 => format!("{}{junk}{}", &line[..cut], &line[cut..]),
        2 => junk.to_owned(),
        3 => format!("{line}{junk}"),
        4 => line.replace('"', "'"),
        _ => line.to_owned(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn diagnose_accounts_for_every_line(
        damages in proptest::collection::vec((0usize..33, 0u8..6, 0usize..400, "[ -~]{1,12}"), 0..12)
    ) {
        let text = include_str!("../../testdata/logs/connections-sas-renewal.jsonl");
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for (index, how, at, junk) in damages {
            // The first line stays whole: it tells the reader the input holds one record per line.
            if index > 0 {
                let line = &lines[index];
                lines[index] = damage(line, how, at, &junk);
            }
        }
        let non_empty = lines.iter().filter(|l| !l.trim().is_empty()).count() as u64;
        let report = diagnose_text(&lines.join("\n"));
        prop_assert_eq!(report.summary.records_read + report.summary.records_skipped, non_empty);
    }

    #[test]
    fn any_chunking_of_any_bytes_gives_the_same_report(
        shape in proptest::sample::select(vec!["", "{", "[", "{\"records\":[", "OperationName,properties_s\n"]),
        tail in proptest::collection::vec(
            prop_oneof![any::<u8>(), proptest::sample::select(b"{}[]\":,\\\n 1aOe".to_vec())], 0..2048
        ),
        split in 1usize..64,
    ) {
        let bytes = [shape.as_bytes(), &tail].concat();
        let mut diagnoser = iothub_errors::diagnose::Diagnoser::new();
        for chunk in bytes.chunks(split) {
            diagnoser.push_bytes(chunk);
        }
        // However the bytes are chunked, they read the same: the same report as from one push.
        let mut whole = iothub_errors::diagnose::Diagnoser::new();
        whole.push_bytes(&bytes);
        prop_assert_eq!(diagnoser.finish(), whole.finish());
    }
}
