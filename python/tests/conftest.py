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
