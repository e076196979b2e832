"""Shared fixtures: where the repository's test data lives."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

#: The repository's `testdata/` (override with IOTHUB_ERRORS_TESTDATA when the tests run elsewhere).
TESTDATA = Path(os.environ.get("IOTHUB_ERRORS_TESTDATA", Path(__file__).resolve().parents[2] / "testdata"))
LOGS = TESTDATA / "logs"


@pytest.fixture
def logs() -> Path:
    """The directory of sample logs described in testdata/logs/EXPECTED.md."""
    return LOGS


def unescape(text: str) -> str:
    """An input column of the case files (conformance.tsv, scan-cases.tsv) with its escapes turned into characters."""
    out = []
    chars = iter(text)
    for c in chars:
        if c != "\\":
            out.append(c)
            continue
        nxt = next(chars)
        out.append({"t": "\t", "n": "\n", "r": "\r", "0": "\0", "\\": "\\"}[nxt])
    return "".join(out)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: needs pyspark, pyarrow and Java: runs a local Spark session")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole run (it takes about 5 s to start): two cores, no UI, bound to
    127.0.0.1, 4 shuffle partitions, and Arrow batches of 50 records, so that a device's records span batches."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the executors' Python: this venv's, with the wheel
    session = (
        SparkSession.builder.master("local[2]")
        .appName("iothub-errors-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "50")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
