//! What the conversion of core answers into the generated records costs: each call through the binding (core
//! call, then JSON text into the record) against the core call alone, and against the alternative path through
//! `serde_json::Value` (exact for every float, but 24 KB more library).
//!
//! `cargo run --release -p iothub-errors-uniffi --example conversion_cost`

use std::hint::black_box;
use std::time::{Duration, Instant};

use iothub_errors_uniffi as binding;

/// Mean time of one call of `f`, over enough calls to fill about half a second.
fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    let mut calls = 0u32;
    while start.elapsed() < Duration::from_millis(500) {
        black_box(f());
        calls += 1;
    }
    start.elapsed() / calls
}

fn value_path<M: serde::de::DeserializeOwned>(core: &impl serde::Serialize) -> M {
    serde_json::from_value(serde_json::to_value(core).unwrap()).unwrap()
}

fn report(what: &str, core: Duration, binding: Duration, value: Duration) {
    let extra = binding.saturating_sub(core);
    println!(
        "{what:<46} core {core:>9.2?}  binding {binding:>9.2?} (+{extra:>9.2?})  via Value {value:>9.2?}"
    );
}

fn main() {
    report(
        "lookup(401003)",
        time(|| iothub_errors::lookup(401_003).map(|e| e.code)),
        time(|| binding::lookup(401_003).unwrap()),
        time(|| value_path::<binding::Entry>(iothub_errors::lookup(401_003).unwrap())),
    );
    report(
        "classify(429999)",
        time(|| iothub_errors::classify(429_999).unwrap()),
        time(|| binding::classify(429_999).unwrap()),
        time(|| value_path::<binding::Classification>(&iothub_errors::classify(429_999).unwrap())),
    );
    report(
        "catalog()",
        time(|| iothub_errors::entries().len()),
        time(|| binding::catalog().unwrap()),
        time(|| value_path::<Vec<binding::Entry>>(&iothub_errors::entries())),
    );
    let logs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/logs/");
    for name in
        ["mass-disconnect.eventhub.json", "connections-sas-renewal.jsonl", "azurediagnostics-export.csv"]
    {
        let text = std::fs::read_to_string(format!("{logs}{name}")).unwrap();
        report(
            &format!("diagnose_text({name})"),
            time(|| iothub_errors::diagnose::diagnose_text(&text)),
            time(|| binding::diagnose_text(text.clone()).unwrap()),
            time(|| value_path::<binding::Report>(&iothub_errors::diagnose::diagnose_text(&text))),
        );
    }
}
