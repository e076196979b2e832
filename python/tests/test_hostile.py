"""Hostile inputs: each gets a result or the documented exception, never a crash or a PanicException."""

from __future__ import annotations

import math
from typing import Any

import pytest

import iothub_errors as ie

HUGE = "4" * (50 * 1024 * 1024)  # 50 MB
SURROGATE = "\ud800"

CODE_FUNCTIONS = [ie.lookup, ie.classify]
TEXT_FUNCTIONS = [ie.by_name, ie.resolve, ie.search, ie.scan, ie.parse_error_body]


@pytest.mark.parametrize("function", CODE_FUNCTIONS)
@pytest.mark.parametrize("value", [None, b"401003", "401003", 401003.0, math.nan, math.inf, True, [401003], object()])
def test_codes_of_the_wrong_type_raise_type_error(function: Any, value: Any) -> None:
    with pytest.raises(TypeError):
        function(value)


@pytest.mark.parametrize("function", CODE_FUNCTIONS)
@pytest.mark.parametrize("value", [-1, -401003, 0, 2**32, 2**64, 10**100, -(10**100), 99999, 1000000])
def test_numbers_that_are_not_codes_raise_invalid_input(function: Any, value: int) -> None:
    with pytest.raises(ie.InvalidInputError) as caught:
        function(value)
    assert caught.value.kind == "invalid-code"


def test_int_like_objects_are_accepted() -> None:
    class Code:
        def __index__(self) -> int:
            return 404104

    assert ie.lookup(Code()).code == 404104  # type: ignore[arg-type]


@pytest.mark.parametrize("function", TEXT_FUNCTIONS)
@pytest.mark.parametrize("value", [None, b"DeviceNotFound", 404001, 4.5, ["DeviceNotFound"]])
def test_text_of_the_wrong_type_raises_type_error(function: Any, value: Any) -> None:
    with pytest.raises(TypeError):
        function(value)


def outcome(function: Any, value: str) -> str:
    try:
        function(value)
    except ie.IotHubErrorsError as error:
        return error.kind
    return "ok"


@pytest.mark.parametrize("function", [ie.by_name, ie.resolve, ie.search])
def test_a_50_mb_query_is_too_long(function: Any) -> None:
    assert outcome(function, HUGE) == "input-too-long"


def test_a_50_mb_text_is_scanned_and_parsed() -> None:
    assert ie.scan(HUGE) == []
    assert outcome(ie.parse_error_body, HUGE) in ("ok", "not-an-error-body")
    big_log = ("error code 404104 " * 10) + HUGE
    assert len(ie.scan(big_log)) >= 1
    assert ie.diagnose(HUGE).summary.records_skipped >= 1
    assert ie.diagnose_text(HUGE.encode()).summary.records_read == 0


@pytest.mark.parametrize(
    "value",
    [SURROGATE, "401003" + SURROGATE, SURROGATE + "DeviceNotFound", "\udfff\ud800", "\0", "401\x00003", "", " \t\n"],
)
@pytest.mark.parametrize("function", TEXT_FUNCTIONS)
def test_lone_surrogates_nul_and_blank_text(function: Any, value: str) -> None:
    assert outcome(function, value) in (
        "ok",
        "empty-input",
        "unknown-name",
        "invalid-code",
        "not-an-error-body",
        "unknown-code",
    )


def test_surrogates_keep_scan_offsets() -> None:
    text = SURROGATE + " error code 404104"
    finding = ie.scan(text)[0]
    assert text[finding.start : finding.end] == "404104"


def test_diagnose_hostile_sources() -> None:
    for value in (None, 42, 4.2, object()):
        with pytest.raises(TypeError):
            ie.diagnose(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ie.diagnose([b"ok", 3])  # type: ignore[list-item]
    assert ie.diagnose(SURROGATE + "\n{}\n").summary.records_skipped >= 1
    assert ie.diagnose(["\0\0\0", "{", "}"]).summary.records_read == 0
    assert ie.diagnose(b"\xff\xfe\x00garbage\n").summary.records_read == 0
    with pytest.raises(TypeError):
        ie.diagnose_text(None)  # type: ignore[arg-type]
    diagnoser = ie.Diagnoser()
    diagnoser.push(SURROGATE)
    diagnoser.push(b"\xff" * 1000)
    diagnoser.push(HUGE[:1_000_000])
    assert diagnoser.finish().summary.records_read == 0
