"""Every case of testdata/scan-cases.tsv through the wheel's `scan`, with the semantics of core/tests/scan_cases.rs:
per case, the first finding's code (or, for `code=none`, no finding with a hub code) and every other key written;
per group, precision and recall at their floors."""

from __future__ import annotations

from typing import Any

import pytest

import iothub_errors as ie
from conftest import TESTDATA, unescape

#: Precision and recall floors per group, as in core/tests/scan_cases.rs.
FLOORS = {"explicit": (1.0, 1.0), "code-less": (1.0, 1.0)}


def load_cases() -> list[tuple[int, str, list[tuple[str, str]]]]:
    cases = []
    lines = (TESTDATA / "scan-cases.tsv").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        raw_input, expected = line.split("\t")
        pairs = []
        for pair in expected.split(";"):
            if "~=" in pair:
                key, value = pair.split("~=", 1)
                pairs.append(("basis~" if key == "basis" else key, value))
            else:
                key, value = pair.split("=", 1)
                pairs.append((key, value))
        cases.append((number, unescape(raw_input), pairs))
    return cases


CASES = load_cases()


def fields(findings: list[ie.ScanFinding]) -> dict[str, str]:
    """The keys of the first finding (and `count`), as the cases write them."""
    first = findings[0] if findings else None

    def text(value: Any) -> str:
        return "none" if value is None else str(value)

    alternatives = [str(a.code) for a in first.alternatives] if first else []
    return {
        "count": str(len(findings)),
        "name": text(first.name if first else None),
        "evidence": text(first.evidence.value if first else None),
        "service": text(first.service.value if first else None),
        "alternatives": "|".join(alternatives) if alternatives else "none",
        "device_id": text(first.device_id if first else None),
        "tracking_id": text(first.tracking_id if first else None),
        "gateway": text(first.gateway if first else None),
    }


def check(number: int, text: str, expected: list[tuple[str, str]]) -> tuple[str, str, bool, bool, list[str]]:
    """(group, want_code, code right, a wrong code was flagged, failures of the other keys) of one case."""
    want = dict(expected)
    group, want_code = want["group"], want["code"]
    findings = ie.scan(text)
    got = findings[0].code if findings else None
    if want_code == "none":
        wrong = any(f.code is not None for f in findings)
        right, flagged_wrong = not wrong, wrong
    else:
        right = str(got) == want_code if got is not None else False
        flagged_wrong = not right and got is not None
    failures = []
    if not right:
        failures.append(f"line {number}: code {want_code}, got {got}: {text!r}")
        return group, want_code, right, flagged_wrong, failures
    got_fields = fields(findings)
    for key, value in expected:
        if key in ("group", "code"):
            continue
        if key == "basis~":
            basis = findings[0].basis.lower() if findings else ""
            if value.lower() not in basis:
                failures.append(f"line {number}: basis {basis!r} lacks {value!r}")
        elif got_fields.get(key) != value:
            failures.append(f"line {number}: {key} expected {value!r}, got {got_fields.get(key)!r} in {text!r}")
    return group, want_code, right, flagged_wrong, failures


@pytest.mark.parametrize("number,text,expected", [pytest.param(*c, id=f"line{c[0]}") for c in CASES])
def test_scan_case(number: int, text: str, expected: list[tuple[str, str]]) -> None:
    *_, failures = check(number, text, expected)
    assert not failures, "\n".join(failures)


def test_scan_cases_meet_their_precision_and_recall_floors() -> None:
    counts: dict[str, dict[str, int]] = {}
    for number, text, expected in CASES:
        group, want_code, right, flagged_wrong, _ = check(number, text, expected)
        c = counts.setdefault(group, {"positives": 0, "negatives": 0, "tp": 0, "fp": 0})
        if want_code == "none":
            c["negatives"] += 1
        else:
            c["positives"] += 1
            c["tp"] += int(right)
        c["fp"] += int(flagged_wrong)
    total = sum(c["positives"] + c["negatives"] for c in counts.values())
    negatives = sum(c["negatives"] for c in counts.values())
    assert total >= 150 and negatives >= 40, (total, negatives)
    assert set(counts) == set(FLOORS), counts
    for group, c in counts.items():
        flagged = c["tp"] + c["fp"]
        precision = 1.0 if flagged == 0 else c["tp"] / flagged
        recall = 1.0 if c["positives"] == 0 else c["tp"] / c["positives"]
        min_precision, min_recall = FLOORS[group]
        assert precision >= min_precision and recall >= min_recall, (group, precision, recall)
