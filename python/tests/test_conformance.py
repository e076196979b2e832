"""Every case of testdata/conformance.tsv, computed the way core/tests/conformance.rs computes it."""

from __future__ import annotations

from typing import Any, Optional

import pytest

import iothub_errors as ie
from conftest import TESTDATA, unescape


def load_cases() -> list[Any]:
    cases = []
    lines = (TESTDATA / "conformance.tsv").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        op, raw_input, expected = line.split("\t")
        cases.append(pytest.param(op, unescape(raw_input), expected, id=f"line{number}-{op}"))
    return cases


CASES = load_cases()


def prefix(family: Optional[str]) -> str:
    """The prefix of a family from its title, as in JSON ("4041xx Device" → "4041")."""
    if family is None:
        return "none"
    digits = family.split(" ", 1)[0]
    assert digits.endswith("x") and digits.rstrip("x").isdigit() and len(digits) == 6, family
    return digits.rstrip("x")


def classification_fields(c: ie.Classification) -> dict[str, str]:
    return {
        "code": "none" if c.code is None else str(c.code),
        "name": c.name or "none",
        "known": str(c.known).lower(),
        "class": c.error_class.value,
        "family": prefix(c.family),
        "transient": str(c.transient).lower(),
        "retry": c.retry.kind.value,
        "actor": c.actor.value,
        "severity": c.severity.value,
        "http_status": "none" if c.http_status is None else str(c.http_status),
    }


def entry_fields(entry: ie.Entry) -> dict[str, str]:
    return {
        "code": "none" if entry.code is None else str(entry.code),
        "name": entry.name,
        "known": "true",
        "class": entry.error_class.value,
        "family": prefix(entry.family),
        "transient": str(entry.transient).lower(),
        "retry": entry.retry.kind.value,
        "actor": entry.actor.value,
        "severity": entry.severity.value,
        "http_status": "none" if entry.http_status is None else str(entry.http_status),
    }


def run(op: str, text: str) -> dict[str, str]:
    try:
        if op == "lookup":
            return entry_fields(ie.lookup(int(text.strip())))
        if op == "classify":
            return classification_fields(ie.classify(int(text.strip())))
        if op == "by_name":
            return entry_fields(ie.by_name(text))
        if op == "resolve":
            resolution = ie.resolve(text)
            fields = classification_fields(resolution.classification)
            fields["matched"] = resolution.matched_by.value
            return fields
        if op == "search":
            hits = ie.search(text)
            fields = {"top3": ",".join(hit.entry.name for hit in hits[:3]), "hits": str(len(hits))}
            if hits:
                fields["top"] = hits[0].entry.name
            return fields
        if op == "scan":
            findings = ie.scan(text)
            first = findings[0] if findings else None
            return {
                "count": str(len(findings)),
                "code": "none" if first is None or first.code is None else str(first.code),
                "name": (first.name if first else None) or "none",
                "evidence": first.evidence.value if first else "none",
                "service": first.service.value if first else "none",
            }
    except ie.IotHubErrorsError as error:
        return {"error": error.kind}
    raise AssertionError(f"unknown op {op!r}")


def test_the_file_has_every_op() -> None:
    ops = {case.values[0] for case in CASES}
    assert ops == {"lookup", "by_name", "resolve", "classify", "search", "scan"}
    assert len(CASES) >= 300


@pytest.mark.parametrize(("op", "text", "expected"), CASES)
def test_conformance(op: str, text: str, expected: str) -> None:
    actual = run(op, text)
    for pair in expected.split(";"):
        key, want = pair.split("=", 1)
        if key == "top3":
            assert want in actual.get("top3", "").split(","), f"{op}({text!r}): {want} not in top3 {actual}"
        else:
            assert actual.get(key) == want, f"{op}({text!r}): {key} expected {want!r}, got {actual}"
