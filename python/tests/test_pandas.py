"""`to_pandas()`: DataFrames when pandas is installed, a clear ImportError when it is not."""

from __future__ import annotations

import subprocess
import sys

import pytest

import iothub_errors as ie
from conftest import LOGS


def test_without_pandas_the_error_says_how_to_install_it() -> None:
    script = f"""
import sys
sys.modules["pandas"] = None  # what Python does for a package that is not installed
import iothub_errors as ie
report = ie.diagnose({str(LOGS / "throttling.jsonl")!r})
for call in (report.to_pandas, report.summary.to_pandas):
    try:
        call()
    except ImportError as error:
        assert "pip install 'iothub-errors[pandas]'" in str(error), error
    else:
        raise AssertionError("no ImportError")
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_with_pandas_reports_become_data_frames() -> None:
    pd = pytest.importorskip("pandas", reason="pandas is not installed in this environment")
    report = ie.diagnose(LOGS / "azurediagnostics-export.csv")
    frame = report.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [
        "kind", "severity", "title", "devices", "device_count", "codes", "first", "last", "count", "explanation",
    ]
    assert len(frame) == len(report.findings)
    assert frame.loc[0, "kind"] == "time-drift" and frame.loc[0, "devices"] == ["gw-eu-07"]
    assert str(frame["first"].dtype).startswith("datetime64") and str(frame["first"].dt.tz) == "UTC"
    summary = report.summary.to_pandas()
    assert list(summary.columns) == ["dimension", "key", "name", "count"]
    assert set(summary["dimension"]) >= {"code", "category", "operation", "hour", "device"}
    codes = summary[summary["dimension"] == "code"]
    assert codes["count"].sum() == sum(c.count for c in report.summary.by_code)
