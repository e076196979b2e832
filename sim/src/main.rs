//! `iothub-errors-sim`: writes a simulated IoT Hub fleet log and its ground truth.
//!
//! ```text
//! iothub-errors-sim --seed N --devices N --hours N --format F [--scenarios a,b] --out FILE [--truth FILE]
//!                   [--start-ms N] [--duplicates PCT] [--skew-ms N] [--late PCT] [--hubs N]
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use iothub_errors_sim::{Config, Format, Kind, simulate, truth_for, truth_json, write};

const USAGE: &str = "\
usage: iothub-errors-sim --format FORMAT --out FILE [options]

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
  --truth FILE        also write the ground truth for that format as JSON
  --help              this text

scenarios: sas-token-renewal, network-disconnect, mass-disconnect, link-conflict-side-effect,
  duplicate-identity, time-drift, throttling-burst, quota-exceeded, file-upload-limit, c2d-lock-lost,
  c2d-queue-full, device-offline, device-not-online
";

struct Args {
    config: Config,
    format: Format,
    out: String,
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
    let (mut format, mut out, mut truth) = (None, None, None);
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
            "--truth" => truth = Some(value),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let format = format.ok_or("--format is required")?;
    let out = out.ok_or("--out is required")?;
    Ok(Some(Args { config, format, out, truth }))
}

fn run(args: Args) -> io::Result<()> {
    let started = Instant::now();
    let fleet = simulate(&args.config);
    let simulated = started.elapsed();
    let records = if args.out == "-" {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        let n = write(&fleet, args.format, &mut lock)?;
        lock.flush()?;
        n
    } else {
        let mut file = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
        let n = write(&fleet, args.format, &mut file)?;
        file.flush()?;
        n
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
