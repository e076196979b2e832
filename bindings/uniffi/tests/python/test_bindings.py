"""Runs testdata/conformance.tsv (and a few typed-error checks) against the uniffi-generated Python bindings.

Usage: python3 test_bindings.py <repository root> <folder with iothub_errors_uniffi.py and the cdylib>
Computes the same keys as core/tests/conformance.rs. Prints one line per failure, closes with
"N passed, N failed" and exits 1 when anything failed. Needs nothing beyond the standard library.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1])
sys.path.insert(0, sys.argv[2])

import iothub_errors_uniffi as ie  # noqa: E402  (the generated module lives in a folder given at run time)

I64 = range(-(2**63), 2**63)
INTEGER = re.compile(r"[+-]?[0-9]+")


def unescape(text):
    """The TSV's escapes: \\t tab, \\n newline, \\\\ backslash, \\0 NUL."""
    out, chars = [], iter(text)
    for c in chars:
        if c != "\\":
            out.append(c)
            continue
        escaped = next(chars)
        out.append({"t": "\t", "n": "\n", "0": "\0", "\\": "\\"}[escaped])
    return "".join(out)


def family_prefix(title):
    """The family as the JSON gives it, its title ("4001xx Routing"), to the prefix the cases name ("4001")."""
    return title.split(" ")[0].rstrip("x") if title else "none"


def classification_fields(c):
    return {
        "code": "none" if c.code is None else str(c.code),
        "name": c.name or "none",
        "known": "true" if c.known else "false",
        "class": c.error_class.id(),
        "family": family_prefix(c.family),
        "transient": "true" if c.transient else "false",
        "retry": c.retry.kind(),
        "actor": c.actor.id(),
        "severity": c.severity.id(),
        "http_status": "none" if c.http_status is None else str(c.http_status),
    }


def entry_fields(e):
    """An entry's keys are those of its classification (known=true), as `Classification::of_entry` gives."""
    return {
        "code": "none" if e.code is None else str(e.code),
        "name": e.name,
        "known": "true",
        "class": e.error_class.id(),
        "family": family_prefix(e.family),
        "transient": "true" if e.transient else "false",
        "retry": e.retry.kind(),
        "actor": e.actor.id(),
        "severity": e.severity.id(),
        "http_status": "none" if e.http_status is None else str(e.http_status),
    }


def scan_fields(findings):
    first = findings[0] if findings else None
    return {
        "count": str(len(findings)),
        "code": "none" if first is None or first.code is None else str(first.code),
        "name": (first.name if first else None) or "none",
        "evidence": first.evidence.id() if first else "none",
        "service": first.service.id() if first else "none",
    }


def code_argument(text):
    """The integer as the binding takes it (a 64-bit signed integer); None when that type cannot hold it."""
    text = text.strip()
    if not INTEGER.fullmatch(text) or int(text) not in I64:
        return None
    return int(text)


def run(op, text):
    try:
        if op in ("lookup", "classify"):
            code = code_argument(text)
            if code is None:
                return {"error": "invalid-code"}
            if op == "lookup":
                return entry_fields(ie.lookup(code))
            return classification_fields(ie.classify(code))
        if op == "by_name":
            return entry_fields(ie.by_name(text))
        if op == "resolve":
            resolution = ie.resolve(text)
            return {**classification_fields(resolution.classification), "matched": resolution.matched_by.id()}
        if op == "search":
            hits = ie.search(text)
            fields = {"top3": ",".join(hit.entry.name for hit in hits[:3])}
            if hits:
                fields["top"] = hits[0].entry.name
            return fields
        if op == "scan":
            return scan_fields(ie.scan(text))
        raise ValueError(f"unknown op {op}")
    except ie.IotHubErrorsError as error:
        return {"error": error.kind()}


def conformance():
    passed, failures = 0, []
    lines = (ROOT / "testdata" / "conformance.tsv").read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        op, text, expected = line.split("\t")
        text = unescape(text)
        actual = run(op, text)
        failure = None
        for pair in expected.split(";"):
            key, want = pair.split("=", 1)
            got = actual.get(key)
            if key == "top3":
                got = want if want in (got or "").split(",") else None
            if got != want:
                failure = f"line {number}: {op}({text[:80]!r}): {key} expected {want!r}, got {actual.get(key)!r} (all: {actual})"
                break
        if failure:
            failures.append(failure)
        else:
            passed += 1
    assert passed + len(failures) >= 300, "too few conformance cases"
    return passed, failures


def expect_error(kind, call):
    try:
        call()
    except ie.IotHubErrorsError as error:
        assert error.kind() == kind, f"expected {kind}, got {error.kind()} ({error})"
        return error
    raise AssertionError(f"expected an IotHubErrorsError of kind {kind}")


def test_typed_errors():
    error = expect_error("unknown-code", lambda: ie.lookup(400999))
    assert isinstance(error, ie.IotHubErrorsError.UnknownCode) and error.code == 400999, repr(error)
    for code in (-1, -(2**63), 2**63 - 1, 2**32):
        expect_error("invalid-code", lambda: ie.lookup(code))
        expect_error("invalid-code", lambda: ie.classify(code))
    expect_error("invalid-code", lambda: ie.parse_error_body('{"errorCode":404001}', -1))
    expect_error("empty-input", lambda: ie.by_name(""))
    expect_error("input-too-long", lambda: ie.resolve("x" * (50 * 1024 * 1024)))
    expect_error("not-an-error-body", lambda: ie.parse_error_body("hello"))
    assert expect_error("unknown-name", lambda: ie.by_name("Nope")).name == "Nope"


def test_numbers_beyond_64_bits_are_rejected_by_the_generated_code():
    try:
        ie.lookup(2**64)
    except ValueError:
        return
    raise AssertionError("lookup(2**64) did not raise ValueError")


def test_diagnosis():
    diagnoser = ie.Diagnoser()
    data = (ROOT / "testdata" / "logs" / "throttling.jsonl").read_bytes()
    for start in range(0, len(data), 11):
        diagnoser.push_bytes(data[start : start + 11])
    report = diagnoser.finish()
    burst = [f for f in report.findings if f.kind == ie.FindingKind.THROTTLING_BURST]
    assert len(report.findings) == 1 and len(burst) == 1, report.findings
    assert burst[0].count == 17 and burst[0].codes == [429001, 429002]
    assert (burst[0].details.top_offenders[0].device, burst[0].details.top_offenders[0].count) == ("camera-77", 14)


def main():
    passed, failures = conformance()
    print(f"conformance: {passed + len(failures)} cases, {len(failures)} failed")
    for test in (test_typed_errors, test_numbers_beyond_64_bits_are_rejected_by_the_generated_code, test_diagnosis):
        try:
            test()
            passed += 1
        except Exception as error:  # noqa: BLE001  (every failure is reported, the run goes on)
            failures.append(f"{test.__name__}: {error!r}")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"python: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
