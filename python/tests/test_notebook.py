"""Notebook-grade results: timestamps as aware datetimes, HTML cards with every field and every input value
escaped, a clear view of input with no records, and the example notebook committed without outputs."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import iothub_errors as ie
from conftest import LOGS, TESTDATA

HOSTILE = "<script>alert(1)</script>"


def test_timestamps_are_aware_datetimes_with_iso_text_in_to_dict() -> None:
    report = ie.diagnose(LOGS)
    finding = report.findings[0]
    for moment in (finding.first, finding.last, report.summary.first, report.summary.last, finding.timeline[0].time):
        assert isinstance(moment, datetime) and moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0
    event = finding.timeline[0]
    assert event.time == datetime.fromtimestamp(event.time_ms // 1000, tz=timezone.utc)
    shape = finding.to_dict()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", shape["first"]) and shape["timeline"][0]["time"].endswith("Z")
    assert json.dumps(report.to_dict())  # JSON-ready again
    found = ie.scan('{"errorCode":404103,"trackingId":"t","message":"m","timestampUtc":"2022-09-12T21:59:47Z"}')
    assert found[0].timestamp == datetime(2022, 9, 12, 21, 59, 47, tzinfo=timezone.utc)
    assert found[0].to_dict()["timestamp"] == "2022-09-12T21:59:47Z"


def test_entry_card_renders_every_field_with_content() -> None:
    labels = {
        "symptoms": "Symptoms", "causes": "Causes", "diagnosis": "Telling causes apart", "fixes": "Fixes, in order",
        "decision": "Decision", "limits": "Limits", "messages": "Service messages", "sdk_views": "What each SDK does",
        "related": "Related", "aliases": "Also written",
    }
    for entry in ie.catalog():
        html = entry._repr_html_()
        for field, label in labels.items():
            present = bool(getattr(entry, field)) or (field == "aliases" and bool(entry.alias_codes))
            assert (f">{label}<" in html) == present, (entry.name, field)
        for fix in entry.fixes:
            assert f"<li>{fix.split('`')[0][:12]}" in html.replace("&#x27;", "'").replace("&quot;", '"'), fix
    html = ie.lookup(401003)._repr_html_()
    assert "<pre" in html and "AzureDiagnostics" in html  # the KQL
    assert 'id="iothub-401003"' in html and "device code" in html and "device-code" not in html
    assert re.search(r"<code[^>]*>[^<]+</code>", html)  # backticks in catalog text become <code>
    assert "`" not in re.sub(r"<pre.*?</pre>", "", html, flags=re.S)
    related = ie.lookup(401003).related[0]
    assert ie.lookup(related).doc_url in html and f">{related} {ie.lookup(related).name}<" in html


def test_resolution_search_hit_and_scan_finding_have_cards() -> None:
    assert "matched by alias code" in ie.resolve("aka.ms/iothub404102")._repr_html_()
    unlisted = ie.resolve("429999")._repr_html_()
    assert "not in the catalog" in unlisted and "429999" in unlisted
    hits = ie.search("file upload limit")
    assert "403006" in hits[0]._repr_html_() and "<table" in hits._repr_html_()
    text = f'deviceId "{HOSTILE}" {{"errorCode":404103,"trackingId":"{HOSTILE}","timestampUtc":"2022-09-12T21:59:47Z"}}'
    card = ie.scan(text)[0]._repr_html_()
    assert HOSTILE not in card and "&lt;script&gt;alert(1)&lt;/script&gt;" in card and "2022-09-12 21:59:47Z" in card
    assert "white-space:nowrap" in card


def test_report_card_lists_actions_keeps_times_unbroken_and_escapes_device_ids() -> None:
    report = ie.diagnose(LOGS)
    html = report._repr_html_()
    for finding in report.findings:
        for action in finding.actions:
            assert action.split("`")[0][:15].replace("'", "&#x27;").replace('"', "&quot;") in html
    assert re.search(r'<span style="white-space:nowrap">\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ</span>', html)
    log = (LOGS / "throttling.jsonl").read_text(encoding="utf-8")
    devices = set(ie.diagnose_text(log).summary.by_device[0].key for _ in range(1))
    hostile = ie.diagnose_text(log.replace(next(iter(devices)), HOSTILE))
    assert hostile.findings and any(HOSTILE in c.key for c in hostile.summary.by_device)
    for view in (hostile._repr_html_(), hostile.summary._repr_html_(), hostile.findings[0]._repr_html_()):
        assert "<script" not in view and "&lt;script&gt;" in view


def test_input_with_no_records_says_so_with_the_reasons() -> None:
    report = ie.diagnose_text(f"hello\n{HOSTILE}\n")
    assert report.summary.records_read == 0
    text = repr(report)
    assert "no IoT Hub log records recognised in the text given" in text and "unknown-format" in text
    html = report._repr_html_()
    assert "No IoT Hub log records recognised in the text given" in html and "a shape none of the readers know" in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    path = TESTDATA / "logs" / "EXPECTED.md"
    shown = repr(ie.diagnose(path))
    assert f"recognised in {str(path)!r}" in shown
    assert "the chunks pushed" in repr(ie.Diagnoser().finish())
    assert "Report(recognised=True, summary=" in repr(ie.diagnose(LOGS / "throttling.jsonl"))  # records: as before
    assert report.recognised is False


def test_the_example_notebook_is_committed_without_outputs() -> None:
    notebook = json.loads((TESTDATA.parent / "python" / "examples" / "triage.ipynb").read_text(encoding="utf-8"))
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert cells and all(cell["outputs"] == [] and cell["execution_count"] is None for cell in cells)
    source = "".join("".join(cell["source"]) for cell in cells)
    for step in ("ie.lookup(", "ie.resolve(", "ie.scan(", "ie.diagnose(", "findings_frame()", "summary_frame("):
        assert step in source, step


def test_type_hints_fit_the_argument_given() -> None:
    import pytest

    with pytest.raises(TypeError, match=r"use resolve\(\)"):
        ie.lookup("401003")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"astype\(int\)") as caught:
        ie.classify(404104.0)  # type: ignore[arg-type]
    assert "resolve()" not in str(caught.value)
    with pytest.raises(TypeError) as caught:
        ie.lookup(None)  # type: ignore[arg-type]
    assert "resolve()" not in str(caught.value) and "astype" not in str(caught.value)
    with pytest.raises(TypeError, match="use diagnose_text|path|file object"):
        ie.diagnose(42)  # type: ignore[arg-type]
