//! Diagnoses one file, for profilers: `cargo run --release -p iothub-errors --example profile_diagnose -- FILE`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: profile_diagnose FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let started = std::time::Instant::now();
    let mut diagnoser = iothub_errors::diagnose::Diagnoser::new();
    for chunk in bytes.chunks(1 << 20) {
        diagnoser.push_bytes(chunk);
    }
    let report = diagnoser.finish();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} records in {seconds:.3} s: {:.0} records/s",
        report.summary.records_read,
        report.summary.records_read as f64 / seconds
    );
}
