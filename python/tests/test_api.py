"""The typed results: attributes, immutability, equality, hashing, repr, to_dict, enums and exceptions."""

from __future__ import annotations

import json

import pytest

import iothub_errors as ie


def test_lookup_gives_a_typed_shared_entry() -> None:
    entry = ie.lookup(401003)
    assert isinstance(entry, ie.Entry)
    assert entry.code == 401003 and entry.name == "IotHubUnauthorized"
    assert entry.error_class == "Unauthorized" and entry.error_class is ie.ErrorClass.UNAUTHORIZED
    assert entry.http_status == 401 and entry.transient is False
    assert entry.retry.kind == ie.RetryKind.RECONNECT_WITH_NEW_TOKEN == "reconnect-with-new-token"
    assert entry.actor == "device-code" and entry.severity in (ie.Severity.INFO, ie.Severity.WARNING, "error")
    assert entry.family is not None and entry.family.startswith("401xxx "), "the family is its section title, as in JSON"
    assert isinstance(entry.fixes, tuple) and entry.fixes and all(isinstance(fix, str) for fix in entry.fixes)
    assert len(entry.sdk_views) == 7 and entry.sdk_views[0].sdk == "csharp-service-v1"
    assert entry.doc_url.startswith("https://")
    assert ie.lookup(401003) is entry, "lookup returns the shared object"
    assert ie.by_name("iothubunauthorized") is entry


def test_alias_code_resolves_to_device_not_online() -> None:
    assert ie.lookup(404102).code == 404103
    resolution = ie.resolve("aka.ms/iothub404102")
    assert resolution.matched_by == ie.MatchKind.ALIAS_CODE == "alias-code"
    assert resolution.entry is ie.lookup(404103)
    assert resolution.classification.name == "DeviceNotOnline"


def test_unlisted_codes_are_classified_but_not_looked_up() -> None:
    classification = ie.classify(429999)
    assert classification.known is False and classification.name is None
    assert classification.error_class == "TooManyRequests"
    assert classification.retry.kind == "backoff" and classification.retry.initial_ms == 10_000
    assert "backoff" in classification.retry.description
    with pytest.raises(ie.UnknownCodeError) as caught:
        ie.lookup(429999)
    assert caught.value.kind == "unknown-code" and caught.value.code == 429999
    assert isinstance(caught.value, LookupError) and isinstance(caught.value, ie.IotHubErrorsError)
    assert ie.resolve("429999").entry is None


def test_results_are_immutable() -> None:
    entry = ie.lookup(404104)
    with pytest.raises(AttributeError):
        entry.name = "Other"  # type: ignore[misc]
    finding = ie.scan("error code 404104")[0]
    with pytest.raises(AttributeError):
        finding.code = 1  # type: ignore[misc]
    assert isinstance(entry.causes, tuple), "sequences inside results are tuples"


def test_equality_and_hashing() -> None:
    assert ie.classify(404104) == ie.classify(404104)
    assert ie.classify(404104) != ie.classify(404001)
    assert len({ie.classify(404104), ie.classify(404104), ie.classify(429001)}) == 2
    assert ie.resolve("404104") == ie.resolve("Error 404104")
    assert ie.scan("error code 404104") == ie.scan("error code 404104")
    assert hash(ie.scan("error code 404104")[0]) == hash(ie.scan("error code 404104")[0])
    body = '{"errorCode":404103,"trackingId":"t1","message":"offline"}'
    assert ie.parse_error_body(body) == ie.parse_error_body(body)
    assert {ie.parse_error_body(body)} == {ie.parse_error_body(body)}
    assert ie.classify(404104) != "404104"
    assert ie.classify(404104) is ie.classify(404104), "classifications are immutable and shared"


def test_enums_compare_and_hash_like_their_names() -> None:
    assert ie.ErrorClass.TOO_MANY_REQUESTS == "TooManyRequests"
    assert "warning" == ie.Severity.WARNING
    assert ie.Severity.WARNING != "error"
    assert hash(ie.Severity.WARNING) == hash("warning")
    assert {"warning": 1}[ie.Severity.WARNING] == 1
    assert ie.Severity.CRITICAL > ie.Severity.ERROR > ie.Severity.WARNING > ie.Severity.INFO
    assert str(ie.FindingKind.THROTTLING_BURST) == "throttling-burst"
    assert repr(ie.Actor.AZURE) == "<Actor.AZURE: 'azure'>"
    assert ie.ErrorClass.NOT_FOUND.value == "NotFound"
    assert ie.Service.IOT_HUB == "IotHub"
    assert ie.Severity("error") is ie.Severity.ERROR and ie.FindingKind("c2d-lock-lost") is ie.FindingKind.C2D_LOCK_LOST
    assert [str(member) for member in ie.Severity] == ["info", "warning", "error", "critical"]
    assert f"{ie.Severity.ERROR}" == "error" and isinstance(ie.Severity.ERROR, str)
    assert max([ie.Severity.WARNING, ie.Severity.CRITICAL, ie.Severity.INFO]) is ie.Severity.CRITICAL
    with pytest.raises(TypeError):
        ie.Severity.ERROR > "warning"  # noqa: B015 (ordering is among members of one enumeration only)
    with pytest.raises(TypeError):
        ie.Severity.ERROR < ie.Actor.AZURE  # type: ignore[operator]  # noqa: B015
    with pytest.raises(ValueError):
        ie.Severity("fatal")


def test_reprs_are_useful() -> None:
    assert repr(ie.lookup(401003)).startswith("Entry(code=401003, name='IotHubUnauthorized'")
    assert "known=False" in repr(ie.classify(429999))
    assert repr(ie.resolve("404102")).startswith(
        "Resolution(matched_by='alias-code', entry=Entry(code=404103, name='DeviceNotOnline'"
    )
    assert "ScanFinding(code=404104" in repr(ie.scan("error code 404104")[0])
    assert repr(ie.lookup(429001).retry).startswith("RetryAdvice(kind='backoff'")


def test_to_dict_gives_the_documented_json_shape() -> None:
    entry = ie.lookup(404103).to_dict()
    assert entry["code"] == 404103 and entry["class"] == "NotFound" and entry["alias_codes"] == [404102]
    assert entry["retry"]["kind"] == "backoff" and len(entry["sdk_views"]) == 7
    json.dumps(entry)
    assert ie.classify(429999).to_dict()["known"] is False
    assert ie.resolve("404102").to_dict()["matched_by"] == "alias-code"
    hit = ie.search("throttling")[0].to_dict()
    assert set(hit) == {"entry", "score"}


def test_search_ranks_and_validates() -> None:
    hits = ie.search("file upload limit")
    assert hits[0].entry.code == 403006 and hits[0].score >= hits[-1].score
    # A search box searches every keystroke: nothing to rank by is no hits, never an error.
    for query in ("the of a", "", "   ", "!!!", "d", "the d"):
        assert ie.search(query) == [], query


def test_catalog_lists_every_entry_once() -> None:
    entries = ie.catalog()
    assert len(entries) >= 160
    assert len(set(entries)) == len(entries)
    names = [entry.name for entry in entries]
    assert [name for name in set(names) if names.count(name) > 1] == ["ServiceUnavailable"], "the one shared name"
    codes = [entry.code for entry in entries if entry.code is not None]
    assert codes == sorted(codes)


def test_classify_many_keeps_order_and_reports_the_position_of_a_bad_code() -> None:
    codes = [404104, 429001, 400999, 404102]
    assert [c.code for c in ie.classify_many(codes)] == [404104, 429001, 400999, 404103]
    assert ie.classify_many(iter([])) == []
    many = ie.classify_many([404104, 429001, 404104])
    assert many[0] is many[2] and many[0] == ie.classify(404104) and many[1] == ie.classify(429001)
    with pytest.raises(ie.InvalidInputError, match=r"codes\[1\]"):
        ie.classify_many([404104, 5])
    with pytest.raises(TypeError):
        ie.classify_many([404104, "429001"])
    with pytest.raises(TypeError):
        ie.classify_many("404104")


def test_scan_offsets_index_the_python_string() -> None:
    text = "Ünïcödé ✓ first, then: error code 404103 and ErrorCode:DeviceNotFound; done"
    findings = ie.scan(text)
    assert [f.code for f in findings] == [404103, 404001]
    assert "404103" in text[findings[0].start : findings[0].end]
    assert "DeviceNotFound" in text[findings[1].start : findings[1].end]
    assert findings[0].to_dict()["start"] == findings[0].start
    assert all(f.confidence == round(f.confidence, 4) for f in findings), "the core's f32, as JSON writes it"


def test_scan_many_scans_each_text() -> None:
    results = ie.scan_many(["error code 404104", "nothing here", "HTTP/1.1 429 Too Many Requests"])
    assert [len(findings) for findings in results] == [1, 0, 1]
    with pytest.raises(TypeError):
        ie.scan_many("error code 404104")
    with pytest.raises(TypeError):
        ie.scan_many(["ok", b"bytes"])


def test_parse_error_body() -> None:
    body = ie.parse_error_body('{"Message":"ErrorCode:DeviceNotFound;Device d1 not registered"}', 404)
    assert body.code == 404001 and body.name == "DeviceNotFound" and body.http_status == 404
    assert body.error_class == "NotFound"
    with pytest.raises(ie.InvalidInputError) as caught:
        ie.parse_error_body("hello world")
    assert caught.value.kind == "not-an-error-body" and isinstance(caught.value, ValueError)
    with pytest.raises(TypeError):
        ie.parse_error_body('{"errorCode":404001}', "404")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ie.parse_error_body('{"errorCode":404001}', 70000)


def test_exception_hierarchy() -> None:
    assert issubclass(ie.UnknownCodeError, ie.IotHubErrorsError) and issubclass(ie.UnknownCodeError, LookupError)
    assert issubclass(ie.UnknownNameError, LookupError)
    assert issubclass(ie.InvalidInputError, ValueError)
    assert issubclass(ie.IotHubErrorsError, Exception)
    with pytest.raises(ie.UnknownNameError) as caught:
        ie.by_name("NoSuchError")
    assert caught.value.kind == "unknown-name" and caught.value.name == "NoSuchError"
    with pytest.raises(ie.InvalidInputError) as empty:
        ie.resolve("   ")
    assert empty.value.kind == "empty-input"


def test_a_rust_panic_surfaces_as_iothub_errors_error() -> None:
    with pytest.raises(ie.IotHubErrorsError) as caught:
        ie._native._check_panic_guard()
    assert caught.value.kind == "internal"
    assert type(caught.value) is ie.IotHubErrorsError


def test_html_cards_escape_text() -> None:
    html = ie.lookup(403006)._repr_html_()
    assert "403006" in html and "DeviceMaximumActiveFileUploadLimitExceeded" in html and "<ol" in html
    finding = ie.scan('{"errorCode":404103,"message":"<script>alert(1)</script>"}')[0]
    card = finding._repr_html_()
    assert "<script>" not in card and "&lt;script&gt;" in card
