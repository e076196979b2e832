"""DataFrames when pandas is installed (run with pandas 2.x and 3.x), a clear ImportError when it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

import iothub_errors as ie
from conftest import LOGS


def test_without_pandas_the_error_says_how_to_install_it() -> None:
    script = f"""
import sys
sys.modules["pandas"] = None  # what Python does for a package that is not installed
import iothub_errors as ie
report = ie.diagnose({str(LOGS / "throttling.jsonl")!r})
calls = (report.to_pandas, report.findings_frame, report.summary.to_pandas, report.summary.frames,
         lambda: report.summary.summary_frame("code"), lambda: ie.scan_frame("error 404104"), ie.catalog_frame,
         ie.search("throttling").to_pandas)
for call in calls:
    try:
        call()
    except ImportError as error:
        assert "pip install pandas" in str(error) and "iothub-errors[pandas]" in str(error), error
    else:
        raise AssertionError("no ImportError")
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


@pytest.fixture
def pd() -> Any:
    return pytest.importorskip("pandas", reason="pandas is not installed in this environment")


def test_pandas_is_the_major_version_the_suite_runs_with(pd: Any) -> None:
    major, minor = map(int, pd.__version__.split(".")[:2])
    assert (major, minor) >= (2, 2) and major in (2, 3)
    expected = os.environ.get("IOTHUB_ERRORS_PANDAS_MAJOR")  # set by `cargo xtask test python`, one run per major
    assert expected is None or major == int(expected), pd.__version__


def test_findings_frame_has_typed_columns(pd: Any) -> None:
    report = ie.diagnose(LOGS)
    frame = report.findings_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(report.findings)
    assert list(frame.columns) == [
        "kind", "severity", "title", "devices", "device_count", "codes", "first", "last", "count", "explanation",
        "actions",
    ]
    severity = frame["severity"]
    assert isinstance(severity.dtype, pd.CategoricalDtype) and severity.cat.ordered
    assert list(severity.cat.categories) == ["info", "warning", "error", "critical"]
    assert (severity >= "warning").sum() == sum(1 for f in report.findings if f.severity >= ie.Severity.WARNING)
    assert frame.sort_values("severity", ascending=False)["severity"].iloc[0] == str(report.worst_severity)
    for column in ("first", "last"):
        assert str(frame[column].dtype).startswith("datetime64") and str(frame[column].dt.tz) == "UTC"
    assert frame["first"].iloc[0] == pd.Timestamp(report.findings[0].first)
    assert str(frame["count"].dtype) == "int64" and str(frame["device_count"].dtype) == "int64"
    for column, attribute in (("devices", "devices"), ("codes", "codes"), ("actions", "actions")):
        assert all(isinstance(value, list) for value in frame[column])
        assert frame[column].iloc[0] == list(getattr(report.findings[0], attribute))
    assert report.to_pandas().equals(frame)


def test_an_empty_report_gives_frames_with_the_same_columns_and_dtypes(pd: Any) -> None:
    empty = ie.diagnose_text("nothing to see\n").findings_frame()
    full = ie.diagnose(LOGS / "throttling.jsonl").findings_frame()
    assert len(empty) == 0 and list(empty.columns) == list(full.columns)
    for column in ("severity", "first", "count"):
        assert str(empty[column].dtype) == str(full[column].dtype), column


def test_summary_frames_one_per_dimension(pd: Any) -> None:
    summary = ie.diagnose(LOGS).summary
    frames = summary.frames()
    assert list(frames) == ["code", "category", "operation", "hour", "device", "top_devices"]
    codes = frames["code"]
    assert list(codes.columns) == ["code", "name", "count"]
    assert str(codes["code"].dtype) == "int64" and str(codes["count"].dtype) == "int64"
    assert codes.iloc[0]["code"] == summary.by_code[0].code and codes.iloc[0]["name"] == summary.by_code[0].name
    hours = summary.summary_frame("hour")
    assert list(hours.columns) == ["hour", "count", "errors"] and str(hours["hour"].dt.tz) == "UTC"
    assert hours["count"].sum() == sum(c.count for c in summary.by_hour)
    assert list(hours["errors"]) == [c.count for c in summary.errors_by_hour] and hours["errors"].dtype == "int64"
    assert hours["errors"].sum() > 0 and (hours["errors"] <= hours["count"]).all()
    assert hours["hour"].iloc[0] == pd.Timestamp(summary.by_hour[0].key)
    for dimension in ("category", "operation", "device"):
        frame = frames[dimension]
        assert list(frame.columns) == [dimension, "count"] and str(frame["count"].dtype) == "int64"
    assert list(frames["top_devices"].columns) == ["device", "count"]
    with pytest.raises(ValueError, match="hour"):
        summary.summary_frame("minute")
    long = summary.to_pandas()
    assert list(long.columns) == ["dimension", "key", "name", "count"]
    assert long[long["dimension"] == "code"]["count"].sum() == codes["count"].sum()


def test_scan_frame_of_one_text_or_many(pd: Any) -> None:
    texts = [
        '2024-05-14T08:00:05Z deviceId "d<1>" {"errorCode":404103,"trackingId":"abc","message":"gone"}',
        "all good",
        "HTTP/1.1 429 Too Many Requests; error code 429001",
    ]
    frame = ie.scan_frame(texts)
    found = ie.scan_many(texts)
    assert len(frame) == sum(len(f) for f in found) and list(frame["text"]) == [0] + [2] * len(found[2])
    assert list(frame.columns) == [
        "text", "code", "name", "class", "service", "evidence", "confidence", "start", "end", "device_id",
        "timestamp", "tracking_id", "message",
    ]
    assert str(frame["code"].dtype) == "Int64" and str(frame["timestamp"].dt.tz) == "UTC"
    assert frame.loc[0, "device_id"] == found[0][0].device_id and frame.loc[0, "code"] == 404103
    assert len(ie.scan_frame(texts[0])) == len(found[0])
    assert list(ie.scan_frame(["nothing"]).columns) == list(frame.columns)


def test_search_hits_are_a_list_with_a_frame(pd: Any) -> None:
    hits = ie.search("file upload limit")
    assert isinstance(hits, list) and isinstance(hits, ie.SearchHits) and hits[0].entry.code == 403006
    frame = hits.to_pandas()
    assert list(frame.columns) == ["code", "name", "class", "severity", "summary", "score", "doc_url"]
    assert list(frame["code"]) == [h.entry.code for h in hits] and frame["score"].is_monotonic_decreasing
    assert isinstance(hits[:3], ie.SearchHits) and len(hits[:3].to_pandas()) == 3 and hits[0] is hits[:1][0]


def test_catalog_frame_one_row_per_entry_lists_as_lists_no_dicts(pd: Any) -> None:
    frame = ie.catalog_frame()
    entries = ie.catalog()
    assert len(frame) == len(entries) and frame["name"].tolist() == [e.name for e in entries]
    assert str(frame["code"].dtype) == "Int64" and frame["code"].isna().sum() == sum(e.code is None for e in entries)
    row = frame[frame["code"] == 401003].iloc[0]
    entry = ie.lookup(401003)
    assert row["fixes"] == list(entry.fixes) and row["causes"] == list(entry.causes)
    assert row["actor"] == "device-code" or row["actor"] == entry.actor.value
    for column in frame.columns:
        assert not any(isinstance(value, dict) for value in frame[column]), column
    assert frame["severity"].cat.ordered
