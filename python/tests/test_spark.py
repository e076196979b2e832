"""iothub_errors.spark on a local Spark session: the findings equal those of `iothub_errors.diagnose` on the same
records, for every partitioning and export shape.

The inputs come from the fleet simulator (`sim/`, run with cargo, or the binary named by IOTHUB_ERRORS_SIM): two
hubs whose device ids repeat, a skewed device (one device, two days of records, many Arrow batches), duplicates,
out-of-order records, and late records filed into the storage container layout by receive time (so that a blob
holds records of the hour before). Everything is written under pytest's tmp_path.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import iothub_errors as ie

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark

from iothub_errors import spark as ies  # noqa: E402  (needs pyspark)

ROOT = Path(__file__).resolve().parents[2]
#: The simulator's hubs (`--hubs 2`).
HUB, HUB2 = "FLEET-SIM-HUB", "FLEET-SIM-HUB-2"
#: The columns `diagnose` returns, in order.
COLUMNS = ["kind", "severity", "hub", "devices", "codes", "first", "last", "count", "title", "actions"]


def simulate(*args: str) -> None:
    """Runs the simulator (`IOTHUB_ERRORS_SIM`, or `cargo run -p iothub-errors-sim` in the repository)."""
    binary = os.environ.get("IOTHUB_ERRORS_SIM")
    command = [binary] if binary else ["cargo", "run", "--release", "--locked", "-q", "-p", "iothub-errors-sim", "--"]
    if not binary and shutil.which("cargo") is None:
        pytest.fail("the tests need the simulator: cargo on PATH, or IOTHUB_ERRORS_SIM naming its binary")
    subprocess.run([*command, *args], cwd=ROOT, check=True, capture_output=True)


class Fleet(NamedTuple):
    container: Path  # the storage container layout
    records: int


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    """A storage container (the simulator's `--layout`): two hubs whose device ids repeat, 2 % duplicates,
    records up to 10 minutes out of order, 5 % delivered 10-90 minutes late into the blob of their receive hour;
    plus a skewed device in the first hub, two days of records (many Arrow batches), filed in the same way."""
    d = tmp_path_factory.mktemp("fleet")
    container = d / "container"
    common = ["--duplicates", "2", "--skew-ms", "600000", "--late", "5"]
    simulate("--seed", "3", "--devices", "60", "--hubs", "2", "--hours", "3", *common, "--layout", str(container))
    skewed = d / "skewed.jsonl"
    simulate("--seed", "5", "--devices", "1", "--hours", "48", *common, "--format", "storage-jsonl", "--out", f"{skewed}")
    lines = skewed.read_text().splitlines()
    device = json.loads(json.loads(lines[0])["properties"])["deviceId"]
    old, new = f'\\"deviceId\\":\\"{device}\\"', '\\"deviceId\\":\\"skewed-0001\\"'
    add_to_container(container, [line.replace(old, new) for line in lines], random.Random(11))
    blobs = list(container.rglob("PT1H.json"))
    records = sum(len(blob.read_text().splitlines()) for blob in blobs)
    hubs = devices_of(container)
    assert {device for hub, device in hubs if hub == HUB.lower()} & {d for h, d in hubs if h == HUB2.lower()}
    return Fleet(container, records)


def add_to_container(root: Path, lines: list[str], rng: random.Random) -> None:
    """Files records into the storage account layout (`insights-logs-<category>/resourceId=<id>/y=/m=/d=/h=/m=00/
    PT1H.json`): appended to the blob of their category, hub and hour of *receipt*, 5 % of them late."""
    received = []
    for position, line in enumerate(lines):
        record = json.loads(line)
        time = datetime.strptime(record["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        delay = timedelta(minutes=rng.uniform(10, 90)) if rng.random() < 0.05 else timedelta(seconds=rng.uniform(0, 50))
        received.append((time + delay, position, record, line))
    for at, _, record, line in sorted(received, key=lambda r: (r[0], r[1])):
        blob = (
            root
            / f"insights-logs-{record['category'].lower()}"
            / f"resourceId={record['resourceId']}"
            / at.strftime("y=%Y/m=%m/d=%d/h=%H/m=00")
            / "PT1H.json"
        )
        blob.parent.mkdir(parents=True, exist_ok=True)
        with blob.open("a") as out:
            out.write(line + "\n")


def devices_of(container: Path) -> set[tuple[str, str]]:
    """The (hub, device) pairs of a container's records, read with Python's json."""
    found = set()
    for blob in container.rglob("PT1H.json"):
        for line in blob.read_text().splitlines():
            record = json.loads(line)
            device = json.loads(record["properties"]).get("deviceId")
            if device:
                found.add((record["resourceId"].rsplit("/", 1)[1].lower(), device))
    return found


def expected(report: ie.Report) -> list[tuple[Any, ...]]:
    """The findings of a local diagnosis as the rows `diagnose` gives."""
    return [
        (
            f.kind.value,
            f.severity.value,
            f.hub,
            list(f.devices),
            list(f.codes),
            f.first,
            f.last,
            f.count,
            f.title,
            list(f.actions),
        )
        for f in report.findings
    ]


def rows(frame: Any) -> list[tuple[Any, ...]]:
    assert frame.columns == COLUMNS
    found = []
    for row in frame.collect():
        values = list(row)
        values[5:7] = [t if t is None else t.replace(tzinfo=timezone.utc) for t in values[5:7]]
        found.append(tuple(values))
    return found


@pytest.fixture(scope="session")
def local_report(fleet: Fleet) -> ie.Report:
    """`iothub_errors.diagnose` of the container: its blobs in sorted path order, one input each."""
    return ie.diagnose(fleet.container)


def test_read_resource_logs_storage_layout(spark: Any, fleet: Fleet) -> None:
    from pyspark.sql import functions as F

    logs = ies.read_resource_logs(spark, str(fleet.container))
    assert logs.columns == ies.RECORDS_SCHEMA.names
    counts = logs.agg(
        F.count("*").alias("records"),
        F.count("blob_hour").alias("with_hour"),
        F.count("time").alias("with_time"),
        F.count("device").alias("with_device"),
        F.sum((F.col("time") < F.col("blob_hour")).cast("int")).alias("late"),
        F.sum((F.col("time") >= F.col("blob_hour") + F.expr("INTERVAL 1 HOUR")).cast("int")).alias("early"),
        F.collect_set("hub").alias("hubs"),
        F.count_distinct("hub", "device").alias("devices"),
    ).first()
    assert counts is not None
    assert (counts["records"], counts["with_hour"], counts["with_time"]) == (fleet.records,) * 3
    assert counts["with_device"] > 0.9 * fleet.records  # hub-level records (quota, routing) name no device
    assert counts["late"] > 0 and counts["early"] == 0  # blobs hold records of the hour before, never after
    assert sorted(counts["hubs"]) == [HUB.lower(), HUB2.lower()]
    assert counts["devices"] == len(devices_of(fleet.container))
    skewed = logs.where(F.col("device") == "skewed-0001").count()
    assert skewed > 10 * 50  # more than ten Arrow batches


@pytest.mark.parametrize("num_partitions", [1, 3, 7])
def test_diagnose_equals_local(spark: Any, fleet: Fleet, local_report: ie.Report, num_partitions: int) -> None:
    logs = ies.read_resource_logs(spark, fleet.container)
    assert rows(ies.diagnose(logs, num_partitions)) == expected(local_report)


def test_diagnose_report_and_summary(spark: Any, fleet: Fleet, local_report: ie.Report) -> None:
    logs = ies.read_resource_logs(spark, fleet.container, format="lines")
    findings, summary = ies.diagnose(logs, summary=True)
    assert rows(findings) == expected(local_report)
    assert summary == local_report.summary
    report = ies.diagnose_report(logs, 2)
    # Everything but the evidence, whose positions name the lines of what each diagnoser read.
    def whole(findings: Any) -> list[dict[str, Any]]:
        return [{k: v for k, v in f.to_dict().items() if k != "evidence"} for f in findings]

    assert whole(report.findings) == whole(local_report.findings)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A smaller fleet in the other export shapes."""
    d = tmp_path_factory.mktemp("shapes")
    args = ["--seed", "6", "--devices", "25", "--hubs", "2", "--hours", "2", "--duplicates", "2", "--late", "5"]
    shapes = {"eventhubs": "json", "loganalytics-json": "json", "azurediagnostics-csv": "csv"}
    for shape, extension in shapes.items():
        simulate(*args, "--format", shape, "--out", str(d / f"{shape}.{extension}"))
    return {shape: d / f"{shape}.{extension}" for shape, extension in shapes.items()}


@pytest.mark.parametrize("shape", ["eventhubs", "loganalytics-json", "azurediagnostics-csv"])
def test_read_resource_logs_export_files(spark: Any, small: dict[str, Path], shape: str) -> None:
    path = small[shape]
    logs = ies.read_resource_logs(spark, str(path))
    assert rows(ies.diagnose(logs, 3)) == expected(ie.diagnose(path))


@pytest.mark.parametrize("column", ["Body", "value"])
def test_event_hubs_bodies(spark: Any, small: dict[str, Path], column: str) -> None:
    """A DataFrame of Event Hubs events: `Body` (a Capture read) or a binary `value` (the Kafka source) holds one
    `{"records": [...]}` document per event."""
    path = small["eventhubs"]
    text = path.read_text()
    decoder, bodies, position = json.JSONDecoder(), [], 0
    while (start := text.find("{", position)) >= 0:
        document, position = decoder.raw_decode(text, start)
        bodies.append((json.dumps(document).encode(), 0))
    assert len(bodies) > 1
    events = spark.createDataFrame(bodies, f"{column} binary, offset long")
    assert rows(ies.diagnose(events, 3)) == expected(ie.diagnose(path))


def test_log_analytics_rows(spark: Any, small: dict[str, Path]) -> None:
    """Rows whose columns are AzureDiagnostics' (a Log Analytics query's result) are written as JSON records."""
    path = small["loganalytics-json"]
    table = spark.read.json(str(path), multiLine=True, primitivesAsString=True)
    assert "properties_s" in table.columns and "value" not in table.columns
    assert rows(ies.diagnose(table, 3)) == expected(ie.diagnose(path))


def test_example(spark: Any, fleet: Fleet, local_report: ie.Report, capsys: pytest.CaptureFixture[str]) -> None:
    """python/examples/spark_diagnose.py on the fixture's container (its `getOrCreate()` finds this session)."""
    import runpy
    import sys

    argv = sys.argv
    sys.argv = ["spark_diagnose.py", str(fleet.container)]
    try:
        runpy.run_path(str(ROOT / "python/examples/spark_diagnose.py"), run_name="__main__")
    finally:
        sys.argv = argv
    out = capsys.readouterr().out
    assert f"{fleet.records} records, {len(local_report.findings)} findings" in out
    assert local_report.findings[0].actions[0] in out


def test_arguments(spark: Any, fleet: Fleet) -> None:
    with pytest.raises(ValueError, match="num_partitions"):
        ies.diagnose(ies.read_resource_logs(spark, fleet.container), 0)
    with pytest.raises(ValueError, match="format"):
        ies.read_resource_logs(spark, fleet.container, format="parquet")  # type: ignore[arg-type]
