"""One answer however the work is split: `diagnose(path, jobs=...)`, and `Diagnoser.finish_partial` with
`merge_partials` (what the Spark module builds on)."""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path
from typing import Any

import pytest

import iothub_errors as ie


def _without_positions(report: ie.Report) -> dict[str, Any]:
    data = report.to_dict()
    for finding in data["findings"]:
        finding.pop("evidence")
    return data


def _device_of(line: str) -> str:
    record = json.loads(line)
    properties = record.get("properties")
    if isinstance(properties, str):
        properties = json.loads(properties)
    return str((properties or {}).get("deviceId", ""))


def _lines(logs: Path) -> list[str]:
    lines: list[str] = []
    for name in ("connections-sas-renewal.jsonl", "throttling.jsonl"):
        lines += [line for line in (logs / name).read_text().splitlines() if line.strip()]
    return lines


@pytest.mark.parametrize("shards", [1, 2, 3, 7])
def test_partials_of_device_shards_merge_to_the_report_of_one_pass(logs: Path, shards: int) -> None:
    lines = _lines(logs)
    whole = ie.diagnose_text("\n".join(lines))
    diagnosers = [ie.Diagnoser() for _ in range(shards)]
    for line in lines:
        diagnosers[zlib.crc32(_device_of(line).encode()) % shards].push(line + "\n")
    partials = [d.finish_partial() for d in diagnosers]
    assert all(isinstance(p, bytes) for p in partials)
    random.Random(shards).shuffle(partials)
    merged = ie.merge_partials(partials)
    assert merged.findings, "the sample logs have findings"
    assert _without_positions(merged) == _without_positions(whole)


def test_records_in_reverse_order_give_the_same_report(logs: Path) -> None:
    lines = _lines(logs)
    forward = ie.diagnose_text("\n".join(lines))
    backward = ie.diagnose_text("\n".join(reversed(lines)))
    assert _without_positions(forward) == _without_positions(backward)


def test_every_number_of_jobs_gives_the_same_report(logs: Path, tmp_path: Path) -> None:
    # Over 8 MiB, so that two jobs split the file at line starts.
    text = (logs / "connections-sas-renewal.jsonl").read_text()
    big = tmp_path / "big.jsonl"
    big.write_text(text * (9 * 2**20 // len(text) + 1))
    (tmp_path / "small.jsonl").write_text((logs / "throttling.jsonl").read_text())
    one = ie.diagnose(tmp_path, jobs=1)
    assert one.summary.duplicates > 0
    for jobs in (2, 3, None):
        assert ie.diagnose(tmp_path, jobs=jobs) == one


def test_partials_that_cannot_merge_raise_invalid_partial(logs: Path) -> None:
    text = (logs / "throttling.jsonl").read_text()
    first, second = ie.Diagnoser(), ie.Diagnoser()
    first.push(text)
    second.push(text)
    with pytest.raises(ie.InvalidInputError) as caught:
        ie.merge_partials([first.finish_partial(), second.finish_partial()])
    assert caught.value.kind == "invalid-partial" and isinstance(caught.value, ValueError)
    assert "two partials" in str(caught.value)
    for junk in (b"", b"{}", b"\xff", b"[1]"):
        with pytest.raises(ie.InvalidInputError) as caught:
            ie.merge_partials([junk])
        assert caught.value.kind == "invalid-partial"
    with pytest.raises(TypeError):
        ie.merge_partials([42])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        ie.diagnose(logs, jobs=0)


def test_a_finished_diagnoser_gives_no_partial() -> None:
    diagnoser = ie.Diagnoser()
    diagnoser.finish_partial()
    with pytest.raises(ValueError):
        diagnoser.finish_partial()
    assert ie.merge_partials([]).recognised is False
