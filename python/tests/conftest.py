"""Shared fixtures: where the repository's test data lives."""

from __future__ import annotations

import os
from pathlib import Path

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
