//! `iothub-errors-sim`: writes a simulated IoT Hub fleet log and its ground truth.
//!
//! ```text
//! iothub-errors-sim --seed N --devices N --hours N --format F [--scenarios a,b] --out FILE [--truth FILE]
//!                   [--start-ms N] [--duplicates PCT] [--skew-ms N] [--late PCT] [--hubs N]
//! iothub-errors-sim [options] --layout DIR [--truth FILE]
//! ```
//!
//! `--layout DIR` writes, instead of one file, the storage container layout an Azure Monitor diagnostic setting
//! fills (one `PT1H.json` blob per category, hub and hour of receipt; see `write_layout`).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use iothub_errors_sim::{Config, Format, Kind, simulate, truth_for, truth_json, write, write_layout};

const USAGE: &str = "\
usage: iothub-errors-sim --format FORMAT --out FILE [options]
       iothub-errors-sim --layout DIR [options]

options:
  --seed N            seed of every random choice (default 1)
  --devices N         fleet size (default 200)
  --hubs N            hubs the fleet is dealt to, each with its own scenarios (default 1): FLEET-SIM-HUB,
                      FLEET-SIM-HUB-2, ...; device ids repeat across hubs, and truth entries name their hub
  --hours N           log length in hours (default 6)
  --start-ms N        log start, ms since the Unix epoch (default 2024-05-14T00:00:00Z)
  --scenarios a,b     scenarios to inject (default: all)
  --duplicates PCT    percentage of records emitted twice (default 1)
  --skew-ms N         largest out-of-order delay in ms (default 120000)
  --late PCT          percentage of records delivered 10-90 minutes after their time, beyond any reorder
                      window (default 0); the truth does not change
  --format FORMAT     storage-jsonl | eventhubs | azurediagnostics-csv | loganalytics-json | eventgrid |
                      operations-monitoring
  --out FILE          log file to write (`-` for stdout)
  --layout DIR        instead of --out: write the storage account layout of a diagnostic setting under DIR,
                      DIR/insights-logs-<category>/resourceId=/SUBSCRIPTIONS/.../IOTHUBS/<HUB>/y=YYYY/m=MM/
                      d=DD/h=HH/m=00/PT1H.json, a blob per category, hub and hour in which the records are
                      received (late records land in a later hour); format storage-jsonl (the default here)
  --truth FILE        also write the ground truth for that format as JSON
  --help              this text

scenarios: sas-token-renewal, network-disconnect, mass-disconnect, link-conflict-side-effect,
  duplicate-identity, time-drift, throttling-burst, quota-exceeded, file-upload-limit, c2d-lock-lost,
  c2d-queue-full, device-offline, device-not-online
";

/// Where the log goes.
enum Target {
    /// One file, or stdout for `-`.
    Out(String),
    /// A storage container layout under a directory.
    Layout(PathBuf),
}

struct Args {
    config: Config,
    format: Format,
    target: Target,
    truth: Option<String>,
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: `{value}` is not a valid number"))
}

fn percent(flag: &str, value: &str) -> Result<u8, String> {
    match value.parse::<u8>() {
        Ok(percent) if percent <= 100 => Ok(percent),
        _ => Err(format!("{flag}: `{value}` is not a percentage (0 to 100)")),
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut config = Config::default();
    let (mut format, mut out, mut layout, mut truth) = (None, None, None, None);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (flag, None),
        };
        let value = match inline.or_else(|| args.next()) {
            Some(value) => value,
            None => return Err(format!("{flag} needs a value")),
        };
        match flag.as_str() {
            "--seed" => config.seed = number(&flag, &value)?,
            "--devices" => config.devices = number(&flag, &value)?,
            "--hubs" => config.hubs = number(&flag, &value)?,
            "--hours" => config.hours = number(&flag, &value)?,
            "--start-ms" => config.start_unix_ms = number(&flag, &value)?,
            "--duplicates" => config.duplicates_percent = number(&flag, &value)?,
            "--skew-ms" => config.max_skew_ms = number(&flag, &value)?,
            "--late" => config.late_percent = percent(&flag, &value)?,
            "--scenarios" => {
                config.scenarios = value
                    .split(',')
                    .filter(|s| !s.trim().is_empty() && s.trim() != "all")
                    .map(str::parse::<Kind>)
                    .collect::<Result<_, _>>()?;
            }
            "--format" => format = Some(value.parse::<Format>()?),
            "--out" => out = Some(value),
            "--layout" => layout = Some(PathBuf::from(value)),
            "--truth" => truth = Some(value),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let (format, target) = match (out, layout) {
        (Some(_), Some(_)) => return Err("--out and --layout exclude each other".into()),
        (Some(out), None) => (format.ok_or("--format is required")?, Target::Out(out)),
        (None, Some(dir)) => match format.unwrap_or(Format::StorageJsonLines) {
            Format::StorageJsonLines => (Format::StorageJsonLines, Target::Layout(dir)),
            other => {
                return Err(format!("--layout writes storage-jsonl blobs, not --format {other}"));
            }
        },
        (None, None) => {
            format.ok_or("--format is required")?;
            return Err("--out (or --layout) is required".into());
        }
    };
    Ok(Some(Args { config, format, target, truth }))
}

fn run(args: Args) -> io::Result<()> {
    let started = Instant::now();
    let fleet = simulate(&args.config);
    let simulated = started.elapsed();
    let mut blobs = None;
    let records = match &args.target {
        Target::Out(out) if out == "-" => {
            let stdout = io::stdout();
            let mut lock = stdout.lock();
            let n = write(&fleet, args.format, &mut lock)?;
            lock.flush()?;
            n
        }
        Target::Out(out) => {
            let mut file = BufWriter::with_capacity(1 << 20, File::create(out)?);
            let n = write(&fleet, args.format, &mut file)?;
            file.flush()?;
            n
        }
        Target::Layout(dir) => {
            let written = write_layout(&fleet, dir)?;
            let n = written.iter().map(|b| b.records).sum();
            blobs = Some((written.len(), dir));
            n
        }
    };
    let truth = truth_for(&fleet, args.format);
    if let Some(path) = &args.truth {
        std::fs::write(path, truth_json(&truth))?;
    }
    eprintln!(
        "{} records ({} format) in {:.2?} (simulate {:.2?}); {} truth entries",
        records,
        args.format,
        started.elapsed(),
        simulated,
        truth.len()
    );
    if let Some((count, dir)) = blobs {
        eprintln!("{count} blobs under {}", dir.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(None) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(args)) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("iothub-errors-sim: {error}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("iothub-errors-sim: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
