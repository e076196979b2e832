//! Runs `testdata/scan-cases.tsv`: texts as SDKs, client libraries and the CLI print them, and what `scan` must
//! find in them. Prints precision and recall for cases whose code is written in the text (explicit) and for cases
//! that rest on code-less evidence (SDK exceptions, CONNACK refusals, AMQP conditions, bare statuses ...), and
//! fails when either falls below the floors reached when the cases were written.

use std::collections::BTreeMap;

use iothub_errors::scan;

mod cases;
use cases::{scan_fields, unescape};

/// Precision and recall floors per group: (precision, recall).
const FLOORS: [(&str, f64, f64); 2] = [("explicit", 1.0, 1.0), ("code-less", 1.0, 1.0)];

#[derive(Default)]
struct Counts {
    positives: usize,
    negatives: usize,
    true_positives: usize,
    false_positives: usize,
}

#[test]
fn scan_cases_meet_their_precision_and_recall_floors() {
    let text = include_str!("../../testdata/scan-cases.tsv");
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut misses = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((input, expected)) = line.split_once('\t') else {
            panic!("line {number}: expected two tab-separated columns");
        };
        let input = unescape(input);
        let expected: Vec<(&str, &str)> = expected
            .split(';')
            .map(|pair| {
                pair.split_once("~=")
                    .map(|(k, v)| (if k == "basis" { "basis~" } else { k }, v))
                    .or_else(|| pair.split_once('='))
                    .unwrap_or_else(|| panic!("line {number}: bad pair {pair:?}"))
            })
            .collect();
        let get = |key: &str| expected.iter().find(|(k, _)| *k == key).map(|&(_, v)| v);
        let group = get("group").unwrap_or_else(|| panic!("line {number}: no group"));
        let want_code = get("code").unwrap_or_else(|| panic!("line {number}: no code"));
        let findings = scan(&input);
        let first = findings.first();
        let got_code = first.and_then(|f| f.code);
        let entry = counts.entry(group.to_owned()).or_default();
        let code_right = match want_code {
            "none" => {
                entry.negatives += 1;
                let wrong = findings.iter().any(|f| f.code.is_some());
                entry.false_positives += usize::from(wrong);
                !wrong
            }
            code => {
                entry.positives += 1;
                let right = got_code.map(|c| c.to_string()).as_deref() == Some(code);
                entry.true_positives += usize::from(right);
                entry.false_positives += usize::from(!right && got_code.is_some());
                right
            }
        };
        if !code_right {
            misses.push(format!("line {number}: code {want_code}, got {got_code:?}: {input:?}"));
            continue;
        }
        let fields = scan_fields(&findings);
        for &(key, want) in &expected {
            match key {
                "group" | "code" => {}
                "basis~" => {
                    let basis = first.map_or(String::new(), |f| f.basis.to_lowercase());
                    if !basis.contains(&want.to_lowercase()) {
                        failures.push(format!("line {number}: basis {basis:?} lacks {want:?}"));
                    }
                }
                _ => {
                    let got = fields.get(key).map(String::as_str);
                    if got != Some(want) {
                        failures.push(format!(
                            "line {number}: {key} expected {want:?}, got {got:?} in {input:?}"
                        ));
                    }
                }
            }
        }
    }
    println!("group      positives negatives  precision  recall");
    for (group, c) in &counts {
        let flagged = c.true_positives + c.false_positives;
        let precision = if flagged == 0 { 1.0 } else { c.true_positives as f64 / flagged as f64 };
        let recall = if c.positives == 0 { 1.0 } else { c.true_positives as f64 / c.positives as f64 };
        println!("{group:<10} {:>9} {:>9}  {precision:>9.3}  {recall:>6.3}", c.positives, c.negatives);
        let (_, min_precision, min_recall) =
            FLOORS.iter().find(|(g, ..)| g == group).copied().unwrap_or((group, 1.0, 1.0));
        if precision < min_precision || recall < min_recall {
            failures.push(format!("{group}: precision {precision:.3} / recall {recall:.3} below the floors"));
        }
    }
    for miss in &misses {
        println!("miss: {miss}");
    }
    let total: usize = counts.values().map(|c| c.positives + c.negatives).sum();
    let negatives: usize = counts.values().map(|c| c.negatives).sum();
    assert!(total >= 150 && negatives >= 40, "{total} cases, {negatives} negatives");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
