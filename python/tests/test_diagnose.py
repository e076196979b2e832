"""Diagnosis of the sample logs with the answers of testdata/logs/EXPECTED.md, through every kind of source."""

from __future__ import annotations

import io
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

import iothub_errors as ie
from conftest import LOGS


def only(report: ie.Report, kind: str) -> ie.FleetFinding:
    found = report.of_kind(kind)
    assert len(found) == 1, f"{kind}: {[(f.kind.value, f.devices) for f in report.findings]}"
    return found[0]


def devices_of(report: ie.Report, kind: str) -> list[str]:
    return sorted(device for finding in report.of_kind(kind) for device in finding.devices)


def test_connections_sas_renewal() -> None:
    report = ie.diagnose(LOGS / "connections-sas-renewal.jsonl")
    assert (report.summary.records_read, report.summary.records_skipped) == (33, 0)
    assert devices_of(report, "sas-token-renewal") == ["pump-17", "thermo-0042", "valve-c-003"]
    assert all(f.severity == "info" for f in report.of_kind(ie.FindingKind.SAS_TOKEN_RENEWAL))
    thermo = next(f for f in report.of_kind("sas-token-renewal") if f.devices == ("thermo-0042",))
    assert thermo.details.period_minutes is not None and 60 <= thermo.details.period_minutes <= 70
    assert thermo.codes == (401003, 404104) and thermo.count == 3
    door = only(report, "network-disconnect")
    assert (door.devices, door.count, door.severity) == (("door-9",), 2, ie.Severity.WARNING)
    assert door.details.reconnect_minutes is not None and door.details.reconnect_minutes > 4
    assert len(report.findings) == 4
    assert report.worst_severity == "warning"
    for kind in ("mass-disconnect", "throttling-burst", "time-drift"):
        assert report.of_kind(kind) == []


def test_mass_disconnect() -> None:
    report = ie.diagnose(str(LOGS / "mass-disconnect.eventhub.json"))
    assert (report.summary.records_read, report.summary.records_skipped) == (26, 0)
    mass = only(report, "mass-disconnect")
    assert mass.devices == tuple(f"meter-{n:03}" for n in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12))
    assert mass.codes == (404104, 500001, 500008)
    assert "within 10 s" in mass.title and mass.first == datetime(2024, 5, 15, 14, 2, 11, tzinfo=timezone.utc)
    link = only(report, "link-conflict-side-effect")
    assert link.devices == ("meter-004",) and link.details.root_cause == "mass-disconnect"
    assert link.severity == "info"
    assert report.of_kind("network-disconnect") == [] and report.of_kind("device-offline") == []
    assert len(report.findings) == 2


def test_throttling() -> None:
    report = ie.diagnose(LOGS / "throttling.jsonl")
    burst = only(report, "throttling-burst")
    assert burst.count == 17 and burst.codes == (429001, 429002)
    assert burst.devices == ("camera-77", "camera-78")
    top = burst.details.top_offenders[0]
    assert (top.device, top.count) == ("camera-77", 14)
    assert len(report.findings) == 1


def test_azure_diagnostics_csv() -> None:
    report = ie.diagnose(LOGS / "azurediagnostics-export.csv")
    assert (report.summary.records_read, report.summary.records_skipped) == (36, 0)
    drift = only(report, "time-drift")
    assert (drift.devices, drift.count, drift.first) == (("gw-eu-07",), 11, datetime(2024, 5, 14, 1, 13, 18, tzinfo=timezone.utc))
    assert drift.severity == "error"
    upload = only(report, "file-upload-limit")
    assert (upload.devices, upload.count) == (("logger-12",), 3)
    lock = only(report, "c2d-lock-lost")
    assert lock.devices == ("kiosk-5",) and lock.details.message_ids == ("c2d-7f3e9a",)
    assert lock.details.max_delivery_count == 3
    assert report.of_kind("mass-disconnect") == [] and report.of_kind("device-offline") == []
    serious = [f.kind for f in report.findings if f.severity > ie.Severity.INFO]
    assert serious == ["time-drift", "file-upload-limit", "c2d-lock-lost"]


def test_event_grid() -> None:
    report = ie.diagnose(LOGS / "eventgrid-connection-state.json")
    assert report.summary.records_read == 6
    assert only(report, "device-offline").devices == ("pump-22",)
    outage = only(report, "network-disconnect")
    assert outage.devices == ("door-9",)
    assert outage.details.reconnect_minutes is not None and 4.9 <= outage.details.reconnect_minutes <= 5.1
    renewal = only(report, "sas-token-renewal")
    assert renewal.devices == ("thermo-0042",) and renewal.severity == "info"
    assert len(report.findings) == 3


def test_fleet_site_outage_groups_devices_by_kind_and_cause() -> None:
    report = ie.diagnose(LOGS / "fleet-site-outage.jsonl")
    assert (report.summary.records_read, report.summary.records_skipped) == (27, 0)
    offline = only(report, "device-offline")
    assert offline.devices == ("shelf-01", "shelf-02", "shelf-03", "shelf-04")
    assert (offline.count, offline.severity) == (4, ie.Severity.ERROR)
    assert offline.title == "4 devices: disconnected between 2024-05-15T09:12:03Z and 2024-05-15T09:12:09Z and not back"
    assert "shelf-01, shelf-02, shelf-03 and shelf-04" in offline.explanation
    network = only(report, "network-disconnect")
    assert (network.devices, network.count, network.codes) == (("dock-1", "dock-2", "dock-3"), 6, (404104,))
    top = [(o.device, o.count) for o in network.details.top_offenders]
    assert top == [("dock-1", 3), ("dock-3", 2), ("dock-2", 1)]
    assert network.title == "3 devices: 6 unexpected disconnects without token expiry; top offender dock-1 (3)"
    assert network.actions[0].startswith("Start with dock-1:")
    link = only(report, "link-conflict-side-effect")
    assert (link.devices, link.count, link.details.root_cause) == (("dock-1", "dock-3"), 2, "404104")
    assert len(report.findings) == 3
    card = network._repr_html_()
    assert "3: " in card and ">Top offenders<" in card and "dock-1</code> (3)" in card
    assert ">Top offenders<" not in offline._repr_html_()  # each shelf counts once
    assert report.findings_frame()["device_count"].tolist() == [4, 3, 2]


@pytest.mark.parametrize("name", sorted(p.name for p in LOGS.iterdir() if p.suffix in (".json", ".jsonl", ".csv")))
def test_every_finding_explains_itself_and_links_the_catalog(name: str) -> None:
    for finding in ie.diagnose(LOGS / name).findings:
        assert len(finding.explanation) > 80 and finding.actions, finding.title
        assert finding.first and finding.last and finding.timeline and finding.evidence
        assert [link.code for link in finding.entries] == list(finding.codes)


SAMPLE = LOGS / "connections-sas-renewal.jsonl"


def test_every_kind_of_source_gives_the_same_report(tmp_path: Path) -> None:
    expected = ie.diagnose(SAMPLE)
    text = SAMPLE.read_text(encoding="utf-8")
    data = SAMPLE.read_bytes()
    with open(SAMPLE, encoding="utf-8") as handle:
        assert ie.diagnose(handle) == expected
    with open(SAMPLE, "rb") as handle:
        assert ie.diagnose(handle) == expected
    assert ie.diagnose(str(SAMPLE)) == expected
    assert ie.diagnose(text) == expected
    assert ie.diagnose(data) == expected
    assert ie.diagnose(bytearray(data)) == expected
    assert ie.diagnose(memoryview(data)) == expected
    assert ie.diagnose(io.StringIO(text)) == expected
    assert ie.diagnose(io.BytesIO(data)) == expected
    assert ie.diagnose(text.splitlines()) == expected
    assert ie.diagnose(text.splitlines(keepends=True)) == expected
    assert ie.diagnose(line.encode() for line in text.splitlines()) == expected
    assert ie.diagnose_text(text) == expected
    assert ie.diagnose_text(data) == expected


def test_a_directory_is_read_file_by_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "PT1H.json").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "b.csv").write_bytes((LOGS / "azurediagnostics-export.csv").read_bytes())
    (tmp_path / "notes.md").write_text("ignored")
    report = ie.diagnose(tmp_path)
    assert report.summary.records_read == 33 + 36
    assert {str(f) for f in report.summary.formats} == {"storage-json-lines", "azure-diagnostics-csv"}
    assert {ref.input for f in report.findings for ref in f.evidence} == {0, 1}
    with pytest.raises(FileNotFoundError):
        ie.diagnose(tmp_path / "a" / "missing.json")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):
        ie.diagnose(tmp_path / "empty")


def test_how_a_str_is_told_apart_from_a_path() -> None:
    line = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert ie.diagnose(line).summary.records_read == 1, "a str starting with { is log text"
    assert ie.diagnose("  [" + line + "]").summary.records_read == 1, "a str starting with [ is log text"
    with pytest.raises(FileNotFoundError, match="diagnose_text"):
        ie.diagnose("no-such-file.jsonl")
    with pytest.raises(FileNotFoundError):
        ie.diagnose("")
    assert ie.diagnose("x" * 5000).summary.records_skipped >= 1, "a str longer than any path is text"


def test_streaming_diagnoser_in_any_chunking() -> None:
    expected = ie.diagnose(SAMPLE)
    data = SAMPLE.read_bytes()
    diagnoser = ie.Diagnoser()
    for start in range(0, len(data), 7):
        diagnoser.push(data[start : start + 7])
    assert diagnoser.records_read > 0
    assert diagnoser.finish() == expected
    with pytest.raises(ValueError):
        diagnoser.push(b"more")
    with pytest.raises(ValueError):
        diagnoser.finish()
    text_diagnoser = ie.Diagnoser()
    text_diagnoser.push(data.decode())
    assert text_diagnoser.finish() == expected
    with pytest.raises(TypeError):
        ie.Diagnoser().push(42)  # type: ignore[arg-type]


def test_next_input_numbers_the_inputs() -> None:
    diagnoser = ie.Diagnoser()
    diagnoser.push(SAMPLE.read_bytes())
    diagnoser.next_input()
    diagnoser.push((LOGS / "throttling.jsonl").read_bytes())
    report = diagnoser.finish()
    assert report.summary.records_read == 33 + 17
    assert report.of_kind("throttling-burst")[0].evidence[0].input == 1


def test_report_to_dict_and_summary() -> None:
    report = ie.diagnose(LOGS / "throttling.jsonl")
    data = report.to_dict()
    assert data["summary"]["records_read"] == 17 and data["findings"][0]["kind"] == "throttling-burst"
    summary = report.summary
    assert summary.by_code[0].code == 429001 and summary.by_code[0].name == "ThrottlingException"
    assert summary.top_devices[0].key == "camera-77"
    assert summary.formats == (ie.LogFormat.STORAGE_JSON_LINES,)
    assert repr(report).startswith(
        "Report(recognised=True, summary=Summary(records_read=17, records_skipped=0, duplicates=0"
    )
    assert report == ie.diagnose(LOGS / "throttling.jsonl") and hash(report) == hash(ie.diagnose(LOGS / "throttling.jsonl"))


def test_html_escapes_a_hostile_device_id() -> None:
    hostile = "<img src=x onerror=alert(1)>"
    text = (LOGS / "throttling.jsonl").read_text(encoding="utf-8").replace("camera-77", hostile)
    report = ie.diagnose_text(text)
    burst = report.findings[0]
    assert burst.devices[0] == hostile
    for html in (report._repr_html_(), burst._repr_html_(), report.summary._repr_html_()):
        assert "<img" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    finding = ie.scan(f'deviceId: "{hostile}" error code 404104')[0]
    assert "<img" not in finding._repr_html_()


def test_skipped_input_is_reported_not_fatal() -> None:
    report = ie.diagnose_text(SAMPLE.read_text(encoding="utf-8") + "this is not json\n")
    assert report.summary.records_skipped == 1
    skipped = report.summary.skipped[0]
    assert skipped.reason in (ie.SkipReason.NOT_JSON, ie.SkipReason.UNKNOWN_FORMAT) and skipped.line == 34


def test_diagnose_releases_the_gil() -> None:
    line = SAMPLE.read_text(encoding="utf-8").splitlines()[0] + "\n"
    big = line.encode() * 60_000  # about 30 MB
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    worker = threading.Thread(target=count)
    worker.start()
    time.sleep(0.05)
    before = ticks
    started = time.perf_counter()
    ie.diagnose(big)
    elapsed = time.perf_counter() - started
    during = ticks - before
    stop.set()
    worker.join()
    assert elapsed > 0.02, "the input must take a while for the measurement to mean something"
    assert during > 1000, f"the other thread ran only {during} iterations in {elapsed:.3f} s"


def test_input_without_log_records_is_not_recognised() -> None:
    assert ie.diagnose_text("hello world").recognised is False
    assert ie.diagnose(LOGS / "EXPECTED.md").recognised is False
    assert ie.diagnose(LOGS / "throttling.jsonl").recognised is True
