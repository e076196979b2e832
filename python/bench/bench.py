"""Benchmark of the installed iothub_errors wheel (run by `cargo xtask bench python`).

1. diagnose() of a simulator log of about a million records, against the plain-Python code a data scientist
   would write for the same summary: json.loads per line and of the `properties` string, de-duplication of
   repeated records, and dict counters by code, category, operation, hour and device.
2. lookup() per call (timeit, 1e6 calls).
3. `import iothub_errors` (fresh interpreters, best of several; -X importtime and wall time).
4. scan_many() of about 20,000 texts (application log lines, a few exceptions and REST error bodies), against a
   compiled `re` pattern for six-digit codes and `ErrorCode:Name;` with a dict from names to codes.

Usage: python bench.py LOG.jsonl
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import timeit
from collections import Counter

import iothub_errors as ie

TARGET_SPEEDUP = 10.0
TARGET_LOOKUP_US = 1.0
TARGET_IMPORT_MS = 30.0
ERROR_LEVELS = frozenset(("Error", "Critical"))


def baseline_summary(path: str) -> dict[str, object]:
    """The summary diagnose() reports, in plain Python: what one would write in a notebook."""
    loads = json.loads
    seen: set[tuple[object, ...]] = set()
    by_code: Counter[int] = Counter()
    by_category: Counter[str] = Counter()
    by_operation: Counter[str] = Counter()
    by_hour: Counter[str] = Counter()
    by_device: Counter[str] = Counter()
    devices: set[str] = set()
    records = duplicates = errors = skipped = 0
    with open(path, "rb") as log:
        for line in log:
            if not line.strip():
                continue
            try:
                record = loads(line)
            except ValueError:
                skipped += 1
                continue
            records += 1
            properties = record.get("properties")
            if isinstance(properties, str):
                try:
                    properties = loads(properties)
                except ValueError:
                    properties = {}
            if not isinstance(properties, dict):
                properties = {}
            device = properties.get("deviceId")
            stamp = record.get("time")
            operation = record.get("operationName", "")
            category = record.get("category", "")
            result = record.get("resultType") or ""
            level = record.get("level")
            # A record seen twice: same time, device, operation, category, result, level and C2D message.
            key = (stamp, device, operation, category, result, level, properties.get("messageId"),
                   properties.get("deliveryCount"))
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            if device:
                devices.add(device)
            by_category[category] += 1
            by_operation[operation] += 1
            if stamp:
                by_hour[stamp[:13]] += 1
            code = int(result) if len(result) == 6 and result.isdigit() else None
            if level in ERROR_LEVELS or code is not None:
                errors += 1
                if code is not None:
                    by_code[code] += 1
                if device:
                    by_device[device] += 1
    return {
        "records_read": records,
        "duplicates": duplicates,
        "records_skipped": skipped,
        "devices": len(devices),
        "errors": errors,
        "by_code": by_code.most_common(),
        "by_category": by_category.most_common(),
        "by_operation": by_operation.most_common(),
        "by_hour": sorted(by_hour.items()),
        "by_device": by_device.most_common(1000),
    }


def scan_texts(count: int = 20_000, seed: int = 7) -> list[str]:
    """Realistic texts to scan: mostly application log lines without errors, some exceptions and REST error bodies."""
    import random
    rng = random.Random(seed)
    devices = [f"sensor-{i:04d}" for i in range(300)]

    def stamp() -> str:
        return f"2022-10-18T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"

    def guid() -> str:
        return f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-{rng.getrandbits(16):04x}-{rng.getrandbits(16):04x}-{rng.getrandbits(48):012x}"

    clean = [
        lambda d: f"{stamp()} INFO  Telemetry sent to IoT Hub for {d}: temperature=21.{rng.randrange(10)} humidity={rng.randrange(30, 70)} took {rng.randrange(5, 400)} ms",
        lambda d: f"{stamp()} DEBUG MqttTransport: PUBACK received for packet id {rng.randrange(1, 65535)} ({d})",
        lambda d: f"{stamp()} INFO  Device {d} connected via MQTT, session {guid()}",
        lambda d: f"{stamp()} INFO  Twin reported properties updated for {d}, version {rng.randrange(1, 900)}",
        lambda d: f"{stamp()} WARN  Send queue for {d} at {rng.randrange(50, 99)}% of capacity, batching {rng.randrange(2, 40)} messages",
        lambda d: f"{stamp()} INFO  Processed {rng.randrange(100, 9000)} events from partition {rng.randrange(32)} in {rng.randrange(10, 900)} ms",
        lambda d: f"{stamp()} DEBUG HTTP GET /devices/{d}/twin -> 200 OK ({rng.randrange(8, 120)} ms) correlation {guid()}",
        lambda d: f"{stamp()} INFO  Direct method reboot invoked on {d}, status 200, payload {{\"delay\": {rng.randrange(60)}}}",
    ]
    failing = [
        lambda d: f'{{"Message":"ErrorCode:DeviceNotFound;Device {d} not registered","ExceptionMessage":"Tracking ID:{guid().replace("-", "")}-G:10-TimeStamp:10/18/2022 20:50:39"}}',
        lambda d: f'{{"Message":"ErrorCode:ThrottlingException;Rate limit exceeded for {d}","ExceptionMessage":"Tracking ID:{guid().replace("-", "")}-TimeStamp:10/18/2022 21:03:11"}}',
        lambda d: f"Microsoft.Azure.Devices.Common.Exceptions.IotHubThrottledException: Throttling is in effect for {d}\n   at Microsoft.Azure.Devices.HttpClientHelper.ExecuteAsync()",
        lambda d: f"{stamp()} ERROR Failed to send telemetry for {d}: error code 404103, device not online",
        lambda d: f"{stamp()} ERROR Connection lost for {d}: IotHubUnauthorized 401003 (token expired), reconnecting in 30 s",
        lambda d: f"{stamp()} ERROR Cloud-to-device send failed: 429001 ThrottlingException, retrying with backoff",
    ]
    texts = []
    for _ in range(count):
        device = rng.choice(devices)
        texts.append((rng.choice(failing) if rng.random() < 0.05 else rng.choice(clean))(device))
    return texts


def baseline_scan(texts: list[str], names: dict[str, int]) -> list[list[int]]:
    """What one would write in a notebook: a regex for six-digit codes and ErrorCode names, a dict from names."""
    pattern = re.compile(r"\b([45]\d{5})\b|ErrorCode:(\w+);")
    found = []
    for text in texts:
        codes = []
        for match in pattern.finditer(text):
            number, name = match.groups()
            if number is not None:
                codes.append(int(number))
            elif name in names:
                codes.append(names[name])
        found.append(codes)
    return found


def best_of(runs: int, action):  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def import_times(runs: int = 7) -> tuple[float, float]:
    """Best cumulative `-X importtime` figure of iothub_errors, and best wall time of the import statement."""
    self_times = []
    walls = []
    script = "import time; t = time.perf_counter(); import iothub_errors; print(time.perf_counter() - t)"
    for _ in range(runs):
        traced = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import iothub_errors"],
            capture_output=True, text=True, check=True,
        )
        for line in traced.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*iothub_errors$", line)
            if match:
                self_times.append(int(match.group(1)) / 1000)
        walls.append(float(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout) * 1000)
    return min(self_times), min(walls)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    path = sys.argv[1]

    native_seconds, report = best_of(3, lambda: ie.diagnose(path))
    summary = report.summary
    records = summary.records_read
    baseline_seconds, baseline = best_of(1, lambda: baseline_summary(path))

    # The baseline's de-duplication and error rules approximate the core's; the counts must agree to 0.01 %.
    pairs = [
        (baseline["records_read"], records),
        (baseline["duplicates"], summary.duplicates),
        (baseline["errors"], summary.errors),
    ]
    native_codes = {c.code: c.count for c in summary.by_code}
    baseline_codes = dict(baseline["by_code"])  # type: ignore[call-overload]
    pairs += [(baseline_codes.get(code, 0), count) for code, count in native_codes.items()]
    worst = max(abs(a - b) for a, b in pairs)  # type: ignore[operator]
    agree = worst <= max(1, records // 10_000) and set(baseline_codes) == set(native_codes)

    calls = 1_000_000
    lookup_seconds = min(timeit.repeat("lookup(404104)", globals={"lookup": ie.lookup}, number=calls, repeat=3))
    lookup_us = lookup_seconds / calls * 1e6
    import_ms, import_wall_ms = import_times()
    speedup = baseline_seconds / native_seconds

    texts = scan_texts()
    megabytes = sum(len(text.encode()) for text in texts) / 1e6
    names = {}
    for entry in ie.catalog():
        if entry.code is not None:
            for name in (entry.name, *entry.aliases):
                names[name] = entry.code
    scan_seconds, scanned = best_of(5, lambda: ie.scan_many(texts))
    scan_baseline_seconds, scan_baseline = best_of(5, lambda: baseline_scan(texts, names))
    scan_findings = sum(len(found) for found in scanned)
    scan_baseline_findings = sum(len(found) for found in scan_baseline)
    scan_speedup = scan_baseline_seconds / scan_seconds

    rows = [
        ("diagnose, records", f"{records:,}", "", ""),
        ("diagnose (iothub_errors)", f"{native_seconds:.2f} s", f"{records / native_seconds / 1e3:,.0f} k records/s", ""),
        ("plain-Python baseline", f"{baseline_seconds:.2f} s", f"{records / baseline_seconds / 1e3:,.0f} k records/s", ""),
        ("speed-up", f"{speedup:.1f}x", f"target >= {TARGET_SPEEDUP:.0f}x", "ok" if speedup >= TARGET_SPEEDUP else "MISSED"),
        ("summaries agree", "yes" if agree else "NO", f"records, duplicates, errors, per code: off by {worst} at most", ""),
        ("scan_many, texts", f"{len(texts):,}", f"{megabytes:.1f} MB; findings: {scan_findings:,} (baseline {scan_baseline_findings:,})", ""),
        ("scan_many (iothub_errors)", f"{scan_seconds * 1e3:.1f} ms", f"{len(texts) / scan_seconds / 1e3:,.0f} k texts/s, {megabytes / scan_seconds:,.0f} MB/s", ""),
        ("plain-Python re baseline", f"{scan_baseline_seconds * 1e3:.1f} ms", f"{len(texts) / scan_baseline_seconds / 1e3:,.0f} k texts/s, {megabytes / scan_baseline_seconds:,.0f} MB/s", ""),
        ("scan_many speed-up", f"{scan_speedup:.1f}x", "-", ""),
        ("lookup(404104)", f"{lookup_us:.3f} us/call", f"target <= {TARGET_LOOKUP_US} us", "ok" if lookup_us <= TARGET_LOOKUP_US else "MISSED"),
        ("import iothub_errors (-X importtime)", f"{import_ms:.1f} ms", f"target <= {TARGET_IMPORT_MS:.0f} ms", "ok" if import_ms <= TARGET_IMPORT_MS else "MISSED"),
        ("import iothub_errors (wall, in-process)", f"{import_wall_ms:.1f} ms", "", ""),
    ]
    width = [max(len(row[i]) for row in rows) for i in range(4)]
    print(f"Python benchmark ({sys.version.split()[0]}, iothub_errors {ie.__version__})")
    for row in rows:
        print("  " + "  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)).rstrip())
    if not agree:
        print("baseline:", {k: v for k, v in baseline.items() if not isinstance(v, list)})
        print("native:  ", {"records_read": records, "duplicates": summary.duplicates, "errors": summary.errors})
    return 0


if __name__ == "__main__":
    sys.exit(main())
