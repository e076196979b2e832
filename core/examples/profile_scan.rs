//! Scans one file, for profilers: `cargo run --release -p iothub-errors --example profile_scan -- FILE`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: profile_scan FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let started = std::time::Instant::now();
    let findings = iothub_errors::scan(&text);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} findings in {} bytes in {seconds:.3} s: {:.0} MB/s",
        findings.len(),
        text.len(),
        text.len() as f64 / seconds / 1e6
    );
}
