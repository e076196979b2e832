//! Diagnoses a file and prints throughput: `cargo run --release --example diagnose_file -- FILE`.

fn main() {
    let path = std::env::args().nth(1).expect("usage: diagnose_file FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    if std::env::args().nth(2).as_deref() == Some("read") {
        let started = std::time::Instant::now();
        let mut decoder = iothub_errors::logs::LogDecoder::new();
        let mut count = 0u64;
        for chunk in bytes.chunks(1 << 20) {
            decoder.push(chunk, &mut |_| count += 1);
        }
        decoder.finish(&mut |_| count += 1);
        let seconds = started.elapsed().as_secs_f64();
        println!("read only: {count} items in {seconds:.2} s: {:.0}/s", count as f64 / seconds);
        return;
    }
    let started = std::time::Instant::now();
    let mut diagnoser = iothub_errors::diagnose::Diagnoser::new();
    for chunk in bytes.chunks(1 << 20) {
        diagnoser.push_bytes(chunk);
    }
    let report = diagnoser.finish();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} records, {} findings in {seconds:.2} s: {:.0} records/s, {:.0} MB/s",
        report.summary.records_read,
        report.findings.len(),
        report.summary.records_read as f64 / seconds,
        bytes.len() as f64 / seconds / 1e6
    );
}
