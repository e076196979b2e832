"""Every row of the shared testdata/hostile.tsv, built and checked the way core/tests/hostile.rs does it.

Text rows: every text function returns a result or raises IotHubErrorsError (or a subclass), nothing else.
Value rows: passed where a string (or a code) is expected, they raise TypeError.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, NamedTuple

import pytest

import iothub_errors as ie
from conftest import TESTDATA

#: Characters of a `str` handed to `Diagnoser.push` at a time (the Rust runner pushes 64 KiB of bytes).
CHUNK = 65_536


class Row(NamedTuple):
    name: str
    kind: str
    generator: str


def load_rows() -> list[Row]:
    rows = []
    # Split on "\n" only, like Rust's `lines()`: `splitlines` would also split on \x1c, \x85, \u2028 and so on.
    for number, line in enumerate((TESTDATA / "hostile.tsv").read_text(encoding="utf-8").split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 3, f"hostile.tsv:{number}: expected name, kind and generator: {line!r}"
        assert fields[1] in ("text", "value"), f"hostile.tsv:{number}: unknown kind {fields[1]!r}"
        rows.append(Row(*fields))
    return rows


ROWS = load_rows()
TEXT_ROWS = [row for row in ROWS if row.kind == "text"]
VALUE_ROWS = [row for row in ROWS if row.kind == "value"]


def unescape(text: str) -> str:
    """The escapes of the header: \\t \\n \\r \\0 \\\\ and \\uXXXX, a UTF-16 code unit.

    The code units are decoded as UTF-16 with `surrogatepass`: a valid surrogate pair becomes its character and a
    lone surrogate stays a real lone surrogate (Python strings can hold one; Rust uses U+FFFD instead).
    """
    units: list[int] = []
    chars = iter(text)
    for c in chars:
        if c != "\\":
            encoded = c.encode("utf-16-le")
            units.extend(int.from_bytes(encoded[i : i + 2], "little") for i in range(0, len(encoded), 2))
            continue
        escape = next(chars)
        if escape == "u":
            units.append(int("".join(next(chars) for _ in range(4)), 16))
        else:
            units.append({"t": 0x09, "n": 0x0A, "r": 0x0D, "0": 0x00, "\\": 0x5C}[escape])
    return b"".join(unit.to_bytes(2, "little") for unit in units).decode("utf-16-le", "surrogatepass")


@functools.lru_cache(maxsize=1)  # rows are the slowest-varying parameter: one huge text in memory at a time
def generate(generator: str) -> str:
    parts = []
    for part in generator.split(" + "):
        if part.startswith("literal:"):
            parts.append(unescape(part[len("literal:") :]))
        elif part.startswith("repeat:"):
            unit, count = part[len("repeat:") :].rsplit(":", 1)
            parts.append(unescape(unit) * int(count))
        else:
            raise AssertionError(f"unknown generator part {part!r}")
    return "".join(parts)


VALUES: dict[str, Any] = {
    "none": None,
    "int": 5,
    "float": 1.5,
    "nan": math.nan,
    "list": [],
    "dict": {},
    "bytes": b"DeviceNotFound 404001",
}


def test_the_table_is_complete() -> None:
    assert len(TEXT_ROWS) >= 15, f"only {len(TEXT_ROWS)} hostile texts"
    assert {row.generator for row in VALUE_ROWS} == set(VALUES)
    assert len({row.name for row in ROWS}) == len(ROWS), "row names must be unique (they are the test ids)"


def test_the_generator_keeps_lone_surrogates() -> None:
    row = next(row for row in TEXT_ROWS if row.name == "lone-surrogates")
    assert generate(row.generator) == "a\ud800b\udfff" + "\udc00" * 100
    assert unescape("\\uD834\\uDD1E") == "\U0001d11e"  # a valid pair is one character


# --- text rows ---------------------------------------------------------------------------------------------------


def call_diagnoser(text: str) -> Any:
    diagnoser = ie.Diagnoser()
    for start in range(0, len(text), CHUNK):
        diagnoser.push(text[start : start + CHUNK])
    return diagnoser.finish()


TEXT_CALLS: dict[str, Callable[[str], Any]] = {
    "resolve": ie.resolve,
    "by_name": ie.by_name,
    "search": ie.search,
    "scan": ie.scan,
    "parse_error_body": ie.parse_error_body,
    "parse_error_body-400": lambda text: ie.parse_error_body(text, 400),
    # `diagnose` would take a short str for a path (FileNotFoundError); `diagnose_text` never does.
    "diagnose_text": ie.diagnose_text,
    "Diagnoser": call_diagnoser,
    "resolve_error": lambda text: ie.resolve_error({"chain": [{"name": text, "message": text}], "body": text}),
    "from_exception": ie.from_exception,
    "from_exception-chain": lambda text: ie.from_exception(chained(text)),
}


def chained(text: str) -> BaseException:
    """An exception with `text` as its message, raised from another with `text` as its message."""
    try:
        try:
            raise ValueError(text)
        except ValueError as inner:
            raise RuntimeError(text) from inner
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize("call", TEXT_CALLS, ids=str)
@pytest.mark.parametrize("row", TEXT_ROWS, ids=[row.name for row in TEXT_ROWS])
def test_hostile_text_gets_a_result_or_a_typed_error(row: Row, call: str) -> None:
    text = generate(row.generator)
    try:
        result = TEXT_CALLS[call](text)
    except ie.IotHubErrorsError:
        assert not call.startswith("from_exception"), "from_exception never raises"
        return  # the package's own error (any other exception fails the test)
    if call == "scan":
        for finding in result:
            assert 0 <= finding.start <= finding.end <= len(text), (finding.start, finding.end)


@pytest.mark.parametrize("row", TEXT_ROWS, ids=[row.name for row in TEXT_ROWS])
def test_hostile_text_streamed_reads_what_whole_reads(row: Row) -> None:
    text = generate(row.generator)
    whole = ie.diagnose_text(text).summary
    streamed = call_diagnoser(text).summary
    assert (streamed.records_read, streamed.records_skipped) == (whole.records_read, whole.records_skipped)


# --- value rows --------------------------------------------------------------------------------------------------

STRING_CALLS: dict[str, Callable[[Any], Any]] = {
    "resolve": ie.resolve,
    "by_name": ie.by_name,
    "search": ie.search,
    "scan": ie.scan,
    "parse_error_body": ie.parse_error_body,
    "diagnose_text": ie.diagnose_text,
    "diagnose": ie.diagnose,
    "Diagnoser.push": lambda value: ie.Diagnoser().push(value),
    "resolve_error": ie.resolve_error,
}

#: Combinations the API documents as valid, so they need not raise TypeError.
ACCEPTED = {
    # diagnose_text and Diagnoser.push take `str | bytes | bytearray | memoryview`: bytes are the export's content.
    ("diagnose_text", "bytes"),
    ("Diagnoser.push", "bytes"),
    # diagnose takes bytes (content) and any iterable of lines: [] and {} are empty iterables, hence empty logs.
    ("diagnose", "bytes"),
    ("diagnose", "list"),
    ("diagnose", "dict"),
    # resolve_error takes the facts as a dict: {} is facts without any (no finding).
    ("resolve_error", "dict"),
}

#: The values that are not codes at all (an int is a code, possibly an invalid one: InvalidInputError).
NOT_CODES = {"none", "float", "nan", "list", "dict"}


@pytest.mark.parametrize("call", STRING_CALLS, ids=str)
@pytest.mark.parametrize("row", VALUE_ROWS, ids=[row.name for row in VALUE_ROWS])
def test_value_where_a_string_is_expected_raises_type_error(row: Row, call: str) -> None:
    if (call, row.generator) in ACCEPTED:
        pytest.skip(f"{call} documents {row.generator} as a valid input")
    with pytest.raises(TypeError):
        STRING_CALLS[call](VALUES[row.generator])


@pytest.mark.parametrize("function", [ie.lookup, ie.classify], ids=lambda function: function.__name__)
@pytest.mark.parametrize(
    "row", [row for row in VALUE_ROWS if row.generator in NOT_CODES], ids=lambda row: row.name
)
def test_value_where_a_code_is_expected_raises_type_error(row: Row, function: Callable[[Any], Any]) -> None:
    with pytest.raises(TypeError):
        function(VALUES[row.generator])
