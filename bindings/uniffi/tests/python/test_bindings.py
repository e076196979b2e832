"""Runs testdata/conformance.tsv, testdata/scan-cases.tsv, resolve_error and a few typed-error checks against the
uniffi-generated Python bindings.

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


ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "0": "\0", "\\": "\\"}


def unescape(text):
    """The case files' escapes (conformance.tsv, scan-cases.tsv): \\t tab, \\n newline, \\r carriage return,
    \\\\ backslash, \\0 NUL."""
    out, chars = [], iter(text)
    for c in chars:
        out.append(ESCAPES[next(chars)] if c == "\\" else c)
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
            fields = {"top3": ",".join(hit.entry.name for hit in hits[:3]), "hits": str(len(hits))}
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


SCAN_FLOORS = {"explicit": (1.0, 1.0), "code-less": (1.0, 1.0)}


def scan_case_fields(findings):
    """The keys of the first finding (and count), as testdata/scan-cases.tsv writes them."""
    first = findings[0] if findings else None
    alternatives = [str(a.code) for a in first.alternatives] if first else []
    return {
        "count": str(len(findings)),
        "name": (first.name if first else None) or "none",
        "evidence": first.evidence.id() if first else "none",
        "service": first.service.id() if first else "none",
        "alternatives": "|".join(alternatives) or "none",
        "device_id": (first.device_id if first else None) or "none",
        "tracking_id": (first.tracking_id if first else None) or "none",
        "gateway": (first.gateway if first else None) or "none",
    }


def scan_cases():
    """testdata/scan-cases.tsv with the semantics of core/tests/scan_cases.rs: per group, precision and recall of
    the first finding's code must meet the floors; where the code is right, every other key must match."""
    counts, failures, cases = {}, [], 0
    lines = (ROOT / "testdata" / "scan-cases.tsv").read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        cases += 1
        text, expected_column = line.split("\t", 1)
        text = unescape(text)
        expected = []
        for pair in expected_column.split(";"):
            key, approx, value = pair.partition("~=")
            if approx and key == "basis":
                expected.append(("basis~", value))
            else:
                key, _, value = pair.partition("=")
                expected.append((key, value))
        wanted = dict(expected)
        group, want_code = wanted["group"], wanted["code"]
        findings = ie.scan(text)
        got_code = findings[0].code if findings else None
        c = counts.setdefault(group, {"positives": 0, "negatives": 0, "tp": 0, "fp": 0})
        if want_code == "none":
            c["negatives"] += 1
            right = not any(f.code is not None for f in findings)
            c["fp"] += 0 if right else 1
        else:
            c["positives"] += 1
            right = got_code is not None and str(got_code) == want_code
            c["tp"] += 1 if right else 0
            c["fp"] += 1 if not right and got_code is not None else 0
        if not right:
            failures.append(f"scan-cases line {number}: code {want_code}, got {got_code}: {text[:120]!r}")
            continue
        fields = scan_case_fields(findings)
        for key, want in expected:
            if key in ("group", "code"):
                continue
            if key == "basis~":
                basis = findings[0].basis.lower() if findings else ""
                if want.lower() not in basis:
                    failures.append(f"scan-cases line {number}: basis {basis!r} lacks {want!r}")
            elif fields.get(key) != want:
                failures.append(f"scan-cases line {number}: {key} expected {want!r}, got {fields.get(key)!r}")
    for group, c in sorted(counts.items()):
        flagged = c["tp"] + c["fp"]
        precision = c["tp"] / flagged if flagged else 1.0
        recall = c["tp"] / c["positives"] if c["positives"] else 1.0
        print(f"scan-cases {group:<10} positives {c['positives']:>3} negatives {c['negatives']:>3} "
              f"precision {precision:.3f} recall {recall:.3f}")
        min_precision, min_recall = SCAN_FLOORS.get(group, (1.0, 1.0))
        if precision < min_precision or recall < min_recall:
            failures.append(f"scan-cases {group}: precision {precision:.3f} / recall {recall:.3f} below the floors")
    negatives = sum(c["negatives"] for c in counts.values())
    if cases < 150 or negatives < 40:
        failures.append(f"scan-cases: only {cases} cases, {negatives} negatives")
    return cases, failures


def test_resolve_error():
    """resolve_error takes the facts record and gives the core's finding, or None."""
    link = ie.ErrorLink(
        name="com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException",
        message='{"errorCode":404103,"trackingId":"ab12-G:3-TimeStamp:05/01/2024 10:00:00","message":"offline"}',
    )
    facts = ie.ErrorFacts(
        amqp_condition=None, amqp_description=None, body=None, chain=[link], connack_code=None,
        error_code_header=None, frames=None, http_status=404, tracking_id=None,
    )
    found = ie.resolve_error(facts)
    assert (found.code, found.tracking_id, found.gateway) == (404103, "ab12", "3"), found
    network = ie.ErrorFacts(
        amqp_condition=None, amqp_description=None, body=None, connack_code=None, error_code_header=None,
        chain=[ie.ErrorLink(name="socket.gaierror", message="[Errno -2] Name or service not known")],
        frames=None, http_status=None, tracking_id=None,
    )
    assert ie.resolve_error(network) is None
    throttled = ie.ErrorFacts(
        amqp_condition="com.microsoft:device-container-throttled", amqp_description="too many requests",
        body=None, chain=None, connack_code=None, error_code_header=None, frames=None, http_status=None,
        tracking_id="9f1c-G:0-TimeStamp:01/09/2025 07:01:12",
    )
    found = ie.resolve_error(throttled)
    assert (found.code, found.tracking_id, found.evidence) == (429001, "9f1c", ie.Evidence.AMQP_CONDITION), found


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


def test_grouped_diagnosis():
    report = ie.diagnose_text((ROOT / "testdata" / "logs" / "fleet-site-outage.jsonl").read_text(encoding="utf-8"))
    by_kind = {f.kind: f for f in report.findings}
    assert len(report.findings) == len(by_kind) == 3, report.findings
    offline = by_kind[ie.FindingKind.DEVICE_OFFLINE]
    assert offline.devices == ["shelf-01", "shelf-02", "shelf-03", "shelf-04"] and offline.count == 4
    assert offline.title.startswith("4 devices: "), offline.title
    network = by_kind[ie.FindingKind.NETWORK_DISCONNECT]
    assert (network.devices, network.count) == (["dock-1", "dock-2", "dock-3"], 6)
    top = [(o.device, o.count) for o in network.details.top_offenders]
    assert top == [("dock-1", 3), ("dock-3", 2), ("dock-2", 1)], top
    link = by_kind[ie.FindingKind.LINK_CONFLICT_SIDE_EFFECT]
    assert (link.devices, link.details.root_cause) == (["dock-1", "dock-3"], "404104")


def main():
    passed, failures = conformance()
    print(f"conformance: {passed + len(failures)} cases, {len(failures)} failed")
    cases, scan_failures = scan_cases()
    print(f"scan-cases.tsv: {cases} cases, {len(scan_failures)} failed")
    passed += cases - len(scan_failures)
    failures += scan_failures
    for test in (test_resolve_error, test_typed_errors, test_numbers_beyond_64_bits_are_rejected_by_the_generated_code, test_diagnosis, test_grouped_diagnosis):
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
